/*
 * idle_server: memory per established, idle TLS connection.
 *
 * Accepts N connections one after the other, completes the handshake on each and keeps every
 * context (and socket) open. Prints the process's resident set size before the first and after
 * the last connection, so that (after - before) / N is the memory one idle connection costs.
 * Builds against Mbed TLS 2.28 and against rustls-mbedtls-compat.
 *
 * usage: idle_server crt_file key_file port N
 */
#include "mbedtls/version.h"
#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long rss_kib(void)
{
    char line[256];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = atol(line + 6);
        }
    }
    fclose(f);
    return kib;
}

int main(int argc, char *argv[])
{
    mbedtls_net_context listen_fd, *fds = NULL;
    mbedtls_ssl_context *ssl = NULL;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    int i, n, ret = 1, done = 0;
    long before, after;

    if (argc != 5 || (n = atoi(argv[4])) <= 0) {
        fprintf(stderr, "usage: idle_server crt_file key_file port N\n");
        return 2;
    }
    fds = calloc((size_t) n, sizeof(*fds));
    ssl = calloc((size_t) n, sizeof(*ssl));
    mbedtls_net_init(&listen_fd);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&key);
    for (i = 0; i < n; i++) {
        mbedtls_net_init(&fds[i]);
        mbedtls_ssl_init(&ssl[i]);
    }
    if (mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy, NULL, 0) != 0 ||
        mbedtls_x509_crt_parse_file(&crt, argv[1]) != 0 ||
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        mbedtls_pk_parse_keyfile(&key, argv[2], NULL, mbedtls_ctr_drbg_random, &ctr_drbg) != 0 ||
#else
        mbedtls_pk_parse_keyfile(&key, argv[2], NULL) != 0 ||
#endif
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
        goto exit;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    if (mbedtls_ssl_conf_own_cert(&conf, &crt, &key) != 0 ||
        mbedtls_net_bind(&listen_fd, "127.0.0.1", argv[3], MBEDTLS_NET_PROTO_TCP) != 0) {
        goto exit;
    }
    before = rss_kib();
    printf("listening\n");
    fflush(stdout);
    for (i = 0; i < n; i++) {
        if (mbedtls_net_accept(&listen_fd, &fds[i], NULL, 0, NULL) != 0 ||
            mbedtls_ssl_setup(&ssl[i], &conf) != 0) {
            goto exit;
        }
        mbedtls_ssl_set_bio(&ssl[i], &fds[i], mbedtls_net_send, mbedtls_net_recv, NULL);
        while ((ret = mbedtls_ssl_handshake(&ssl[i])) != 0) {
            if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
                fprintf(stderr, "handshake %d failed: -0x%x\n", i, (unsigned) -ret);
                goto exit;
            }
        }
        done++;
    }
    after = rss_kib();
    printf("connections %d rss_before_kib %ld rss_after_kib %ld per_connection_bytes %ld\n", done, before,
           after, (after - before) * 1024 / done);
    fflush(stdout);
    ret = 0;

exit:
    for (i = 0; i < n; i++) {
        mbedtls_ssl_free(&ssl[i]);
        mbedtls_net_free(&fds[i]);
    }
    free(ssl);
    free(fds);
    mbedtls_net_free(&listen_fd);
    mbedtls_x509_crt_free(&crt);
    mbedtls_pk_free(&key);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    return ret == 0 ? 0 : 1;
}
