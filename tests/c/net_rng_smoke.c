/*
 * Smoke test of net_sockets.h, entropy.h, ctr_drbg.h, version.h and platform_util.h, written in
 * the style of the Mbed TLS sample programs (init everything first, one exit label, free
 * everything unconditionally).
 *
 * Build and run from the crate root, after `cargo build`:
 *   gcc -Wall -Wextra -Werror -Iinclude tests/c/net_rng_smoke.c target/debug/libmbedtls.a \
 *       -lpthread -ldl -lm -o target/net_rng_smoke
 *   valgrind --error-exitcode=1 --leak-check=full ./target/net_rng_smoke
 *
 * Binds 127.0.0.1 only. SIGPIPE keeps its default disposition on purpose: writing to a closed
 * peer must give an error code, not kill the process.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mbedtls/build_info.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/version.h"
#include "check.h"

#define CHECK_RET(expr, expected)                                            \
    do {                                                                     \
        ret = (expr);                                                        \
        if (ret != (expected)) {                                             \
            char err_[128];                                                  \
            mbedtls_strerror(ret, err_, sizeof(err_));                       \
            mbedtls_printf("FAILED line %d: %s returned -0x%04X (%s), "      \
                           "expected %d\n", __LINE__, #expr,                 \
                           (unsigned) -ret, err_, (int) (expected));         \
            goto exit;                                                       \
        }                                                                    \
    } while (0)

int main(void)
{
    int ret = 1, exit_code = MBEDTLS_EXIT_FAILURE;
    int i, bound = 0;
    char port[16];
    unsigned char buf[256], a[64], b[64];
    unsigned char client_ip[16];
    size_t ip_len = 0;
    char version[9], version_full[18];
    const char *pers = "net_rng_smoke";

    mbedtls_net_context listen_fd, client_fd, server_fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;

    mbedtls_net_init(&listen_fd);
    mbedtls_net_init(&client_fd);
    mbedtls_net_init(&server_fd);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);

    /* Version */
    CHECK(mbedtls_version_get_number() == MBEDTLS_VERSION_NUMBER);
    mbedtls_version_get_string(version);
    CHECK(strcmp(version, MBEDTLS_VERSION_STRING) == 0);
    mbedtls_version_get_string_full(version_full);
    CHECK(strcmp(version_full, "Mbed TLS 3.6.6") == 0);
    CHECK(mbedtls_version_check_feature("MBEDTLS_NET_C") == 0);
    CHECK(mbedtls_version_check_feature("MBEDTLS_CTR_DRBG_C") == 0);
    CHECK(mbedtls_version_check_feature("MBEDTLS_SSL_PROTO_DTLS") == -1);
    CHECK(mbedtls_version_check_feature(NULL) == -1);
    mbedtls_printf("  . Version %s (%s) ok\n", version, version_full);

    /* Random */
    CHECK_RET(mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy,
                                    (const unsigned char *) pers, strlen(pers)), 0);
    CHECK_RET(mbedtls_ctr_drbg_random(&ctr_drbg, a, sizeof(a)), 0);
    CHECK_RET(mbedtls_ctr_drbg_random(&ctr_drbg, b, sizeof(b)), 0);
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    CHECK_RET(mbedtls_ctr_drbg_random(&ctr_drbg, buf, MBEDTLS_CTR_DRBG_MAX_REQUEST + 1),
              MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG);
    CHECK_RET(mbedtls_ctr_drbg_reseed(&ctr_drbg, NULL, 0), 0);
    CHECK_RET(mbedtls_entropy_func(&entropy, buf, MBEDTLS_ENTROPY_BLOCK_SIZE + 1),
              MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
    CHECK_RET(mbedtls_entropy_func(&entropy, buf, MBEDTLS_ENTROPY_BLOCK_SIZE), 0);
    mbedtls_platform_zeroize(a, sizeof(a));
    for (i = 0; i < (int) sizeof(a); i++) {
        CHECK(a[i] == 0);
    }
    mbedtls_platform_zeroize(NULL, 0);
    mbedtls_printf("  . Random ok\n");

    /* Listen on 127.0.0.1, on a port derived from the pid; try a few in case one is taken. */
    for (i = 0; i < 20 && !bound; i++) {
        snprintf(port, sizeof(port), "%d", 20000 + (int) ((getpid() * 7 + i * 131) % 20000));
        ret = mbedtls_net_bind(&listen_fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP);
        if (ret == 0) {
            bound = 1;
        } else if (ret != MBEDTLS_ERR_NET_BIND_FAILED) {
            break;
        }
    }
    CHECK_RET(ret, 0);
    mbedtls_printf("  . Listening on 127.0.0.1:%s\n", port);

    /* Non-blocking accept with nothing pending */
    CHECK_RET(mbedtls_net_set_nonblock(&listen_fd), 0);
    CHECK_RET(mbedtls_net_accept(&listen_fd, &server_fd, NULL, 0, NULL),
              MBEDTLS_ERR_SSL_WANT_READ);
    CHECK_RET(mbedtls_net_set_block(&listen_fd), 0);

    CHECK_RET(mbedtls_net_connect(&client_fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP), 0);
    CHECK_RET(mbedtls_net_connect(&server_fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_UDP),
              MBEDTLS_ERR_NET_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_net_accept(&listen_fd, &server_fd, client_ip, sizeof(client_ip), &ip_len), 0);
    CHECK(ip_len == 4);
    CHECK(client_ip[0] == 127 && client_ip[1] == 0 && client_ip[2] == 0 && client_ip[3] == 1);
    mbedtls_printf("  . Accepted %d.%d.%d.%d\n", client_ip[0], client_ip[1], client_ip[2],
                   client_ip[3]);

    /* Exchange */
    CHECK_RET(mbedtls_net_send(&client_fd, (const unsigned char *) "ping", 4), 4);
    CHECK_RET(mbedtls_net_poll(&server_fd, MBEDTLS_NET_POLL_READ, 2000), MBEDTLS_NET_POLL_READ);
    CHECK_RET(mbedtls_net_recv(&server_fd, buf, sizeof(buf)), 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    CHECK_RET(mbedtls_net_send(&server_fd, (const unsigned char *) "pong!", 5), 5);
    CHECK_RET(mbedtls_net_recv_timeout(&client_fd, buf, sizeof(buf), 2000), 5);
    CHECK(memcmp(buf, "pong!", 5) == 0);
    mbedtls_printf("  . Exchange ok\n");

    /* Nothing to read: WANT_READ when non-blocking, TIMEOUT with a timeout */
    CHECK_RET(mbedtls_net_set_nonblock(&server_fd), 0);
    CHECK_RET(mbedtls_net_recv(&server_fd, buf, sizeof(buf)), MBEDTLS_ERR_SSL_WANT_READ);
    CHECK_RET(mbedtls_net_set_block(&server_fd), 0);
    CHECK_RET(mbedtls_net_recv_timeout(&server_fd, buf, sizeof(buf), 100), MBEDTLS_ERR_SSL_TIMEOUT);
    CHECK_RET(mbedtls_net_poll(&server_fd, MBEDTLS_NET_POLL_READ, 50), 0);
    mbedtls_printf("  . WANT_READ and TIMEOUT ok\n");

    /* The client goes away: end of file, then CONN_RESET on write (and no SIGPIPE) */
    mbedtls_net_free(&client_fd);
    CHECK(client_fd.fd == -1);
    CHECK_RET(mbedtls_net_recv_timeout(&server_fd, buf, sizeof(buf), 2000), 0);
    for (i = 0; i < 100; i++) {
        ret = mbedtls_net_send(&server_fd, (const unsigned char *) "data", 4);
        if (ret < 0) {
            break;
        }
        mbedtls_net_usleep(5000);
    }
    CHECK_RET(ret, MBEDTLS_ERR_NET_CONN_RESET);
    mbedtls_printf("  . Closed peer ok\n");

    /* A freed context is refused */
    CHECK_RET(mbedtls_net_recv(&client_fd, buf, sizeof(buf)), MBEDTLS_ERR_NET_INVALID_CONTEXT);

    mbedtls_printf("  . All ok\n");
    exit_code = MBEDTLS_EXIT_SUCCESS;

exit:
    mbedtls_net_free(&client_fd);
    mbedtls_net_free(&server_fd);
    mbedtls_net_free(&listen_fd);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    return exit_code;
}
