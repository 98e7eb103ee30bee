/*
 * min_server: the smallest useful TLS server, for the firmware-size figures
 * (scripts/bench_size.py).
 *
 * Listens on 127.0.0.1:PORT with one certificate and key and the built-in session cache; for
 * each of N connections (0: forever) completes the handshake, reads one request, answers it and
 * closes with close_notify. Only the calls every device server makes: nothing that the examples
 * add (options, tickets, SNI, Redis, renegotiation). Builds against Mbed TLS 2.28 and against
 * rustls-mbedtls-compat.
 *
 * usage: min_server port crt_file key_file [N]
 */
#include "mbedtls/version.h"
#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char *argv[])
{
    mbedtls_net_context listen_fd, client_fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_ssl_cache_context cache;
    mbedtls_x509_crt srvcert;
    mbedtls_pk_context pkey;
    unsigned char buf[256];
    const char *answer = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nok\r\n";
    char error[128];
    int ret = 1, served = 0, count = argc > 4 ? atoi(argv[4]) : 0;

    mbedtls_net_init(&listen_fd);
    mbedtls_net_init(&client_fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_x509_crt_init(&srvcert);
    mbedtls_pk_init(&pkey);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_entropy_init(&entropy);

    if (argc < 4) {
        fprintf(stderr, "usage: min_server port crt_file key_file [N]\n");
        goto exit;
    }
    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy, NULL, 0)) != 0 ||
        (ret = mbedtls_x509_crt_parse_file(&srvcert, argv[2])) != 0 ||
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        (ret = mbedtls_pk_parse_keyfile(&pkey, argv[3], NULL, mbedtls_ctr_drbg_random, &ctr_drbg)) != 0 ||
#else
        (ret = mbedtls_pk_parse_keyfile(&pkey, argv[3], NULL)) != 0 ||
#endif
        (ret = mbedtls_net_bind(&listen_fd, "127.0.0.1", argv[1], MBEDTLS_NET_PROTO_TCP)) != 0 ||
        (ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        goto exit;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_session_cache(&conf, &cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
    if ((ret = mbedtls_ssl_conf_own_cert(&conf, &srvcert, &pkey)) != 0 ||
        (ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) {
        goto exit;
    }
    printf("listening\n");
    fflush(stdout);
    while (count == 0 || served < count) {
        mbedtls_net_free(&client_fd);
        mbedtls_ssl_session_reset(&ssl);
        if ((ret = mbedtls_net_accept(&listen_fd, &client_fd, NULL, 0, NULL)) != 0) {
            goto exit;
        }
        mbedtls_ssl_set_bio(&ssl, &client_fd, mbedtls_net_send, mbedtls_net_recv, NULL);
        while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
            if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
                break;
            }
        }
        served++;
        if (ret != 0) {
            continue; /* a failed handshake ends that connection, not the server */
        }
        do {
            ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf));
        } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
        if (ret > 0) {
            mbedtls_ssl_write(&ssl, (const unsigned char *) answer, strlen(answer));
        }
        mbedtls_ssl_close_notify(&ssl);
    }
    ret = 0;

exit:
    if (ret != 0) {
        mbedtls_strerror(ret, error, sizeof(error));
        fprintf(stderr, "failed: -0x%04x %s\n", (unsigned) -ret, error);
    }
    mbedtls_net_free(&client_fd);
    mbedtls_net_free(&listen_fd);
    mbedtls_x509_crt_free(&srvcert);
    mbedtls_pk_free(&pkey);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    return ret == 0 ? 0 : 1;
}
