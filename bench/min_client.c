/*
 * min_client: the smallest useful TLS client, for the firmware-size figures (scripts/bench_size.py).
 *
 * Connects to 127.0.0.1:PORT, verifies the server against CA_FILE (name "localhost"), completes
 * the handshake, sends one request, prints the answer's first bytes and closes with close_notify.
 * Only the calls every device client makes: nothing that the examples add (options, certificate
 * texts, renegotiation, ALPN). Builds against Mbed TLS 2.28 and against rustls-mbedtls-compat.
 *
 * usage: min_client port ca_file
 */
#include "mbedtls/version.h"
#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char *argv[])
{
    mbedtls_net_context server_fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cacert;
    unsigned char buf[256];
    const char *request = "GET / HTTP/1.0\r\n\r\n";
    char error[128];
    int ret = 1;

    mbedtls_net_init(&server_fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_entropy_init(&entropy);

    if (argc != 3) {
        fprintf(stderr, "usage: min_client port ca_file\n");
        goto exit;
    }
    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy, NULL, 0)) != 0 ||
        (ret = mbedtls_x509_crt_parse_file(&cacert, argv[2])) != 0 ||
        (ret = mbedtls_net_connect(&server_fd, "127.0.0.1", argv[1], MBEDTLS_NET_PROTO_TCP)) != 0 ||
        (ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        goto exit;
    }
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0 ||
        (ret = mbedtls_ssl_set_hostname(&ssl, "localhost")) != 0) {
        goto exit;
    }
    mbedtls_ssl_set_bio(&ssl, &server_fd, mbedtls_net_send, mbedtls_net_recv, NULL);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            goto exit;
        }
    }
    printf("handshake ok: %s %s\n", mbedtls_ssl_get_version(&ssl), mbedtls_ssl_get_ciphersuite(&ssl));
    while ((ret = mbedtls_ssl_write(&ssl, (const unsigned char *) request, strlen(request))) <= 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            goto exit;
        }
    }
    do {
        ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf) - 1);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret > 0) {
        buf[ret] = '\0';
        printf("read %d bytes\n", ret);
    }
    mbedtls_ssl_close_notify(&ssl);
    ret = 0;

exit:
    if (ret != 0) {
        mbedtls_strerror(ret, error, sizeof(error));
        fprintf(stderr, "failed: -0x%04x %s\n", (unsigned) -ret, error);
    }
    mbedtls_net_free(&server_fd);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    return ret == 0 ? 0 : 1;
}
