/*
 * ssl_pthread_server: a threaded TLS server in the style of Mbed TLS's ssl_pthread_server.c.
 *
 * One configuration, one session cache and one ticket context are shared by all threads; each
 * accepted connection gets its own thread with its own mbedtls_ssl_context on that thread's
 * stack. Each connection: handshake, read one request, answer, close_notify.
 *
 * usage: ssl_pthread_server crt_file= key_file= [server_addr=127.0.0.1] [server_port=4433]
 *        [max_connections=N (0 = forever)] [max_threads=16] [cache=0|1] [tickets=0|1]
 *        [ticket_lifetime=SECONDS (default 86400; the ticket key rotates as often)]
 */
#include "mbedtls/build_info.h"

#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/compat.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_RESPONSE "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nresumed=%d\r\n"

struct thread_info {
    mbedtls_net_context client_fd;
    const mbedtls_ssl_config *config;
    pthread_t thread;
    int active;
    int done;
};

static pthread_mutex_t stats_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned long handshakes, resumed_count, failed;

static void *handle_connection(void *data)
{
    struct thread_info *info = data;
    mbedtls_ssl_context ssl;
    unsigned char buf[1024];
    int ret, len, resumed = 0;

    mbedtls_ssl_init(&ssl);
    if ((ret = mbedtls_ssl_setup(&ssl, info->config)) != 0) {
        goto out;
    }
    mbedtls_ssl_set_bio(&ssl, &info->client_fd, mbedtls_net_send, mbedtls_net_recv, NULL);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            goto out;
        }
    }
    resumed = mbedtls_compat_ssl_session_resumed(&ssl);
    do {
        ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf) - 1);
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    if (ret <= 0) {
        ret = ret == 0 ? MBEDTLS_ERR_SSL_CONN_EOF : ret;
        goto out;
    }
    len = snprintf((char *) buf, sizeof(buf), HTTP_RESPONSE, resumed);
    while ((ret = mbedtls_ssl_write(&ssl, buf, (size_t) len)) <= 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            goto out;
        }
    }
    ret = 0;
    while (mbedtls_ssl_close_notify(&ssl) == MBEDTLS_ERR_SSL_WANT_WRITE) {
    }

out:
    pthread_mutex_lock(&stats_mutex);
    if (ret == 0) {
        handshakes++;
        resumed_count += (unsigned long) resumed;
    } else {
        char err[100];
        failed++;
        mbedtls_strerror(ret, err, sizeof(err));
        mbedtls_printf("  ! connection failed: -0x%x %s\n", (unsigned) -ret, err);
    }
    pthread_mutex_unlock(&stats_mutex);
    mbedtls_net_free(&info->client_fd);
    mbedtls_ssl_free(&ssl);
    pthread_mutex_lock(&stats_mutex);
    info->done = 1;
    pthread_mutex_unlock(&stats_mutex);
    return NULL;
}

int main(int argc, char *argv[])
{
    int ret = 1, i, exit_code = MBEDTLS_EXIT_FAILURE, max_connections = 0, max_threads = 16;
    int use_cache = 1, use_tickets = 1, accepted = 0, ticket_lifetime = 86400;
    const char *crt_file = NULL, *key_file = NULL, *server_addr = "127.0.0.1", *server_port = "4433";
    const char *pers = "ssl_pthread_server";
    mbedtls_net_context listen_fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt srvcert;
    mbedtls_pk_context pkey;
    mbedtls_ssl_cache_context cache;
    mbedtls_ssl_ticket_context ticket_ctx;
    struct thread_info *threads = NULL;

    mbedtls_net_init(&listen_fd);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&srvcert);
    mbedtls_pk_init(&pkey);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_ticket_init(&ticket_ctx);

    for (i = 1; i < argc; i++) {
        char *p = argv[i], *q = strchr(p, '=');
        if (q == NULL) {
            goto usage;
        }
        *q++ = '\0';
        if (strcmp(p, "crt_file") == 0) {
            crt_file = q;
        } else if (strcmp(p, "key_file") == 0) {
            key_file = q;
        } else if (strcmp(p, "server_addr") == 0) {
            server_addr = q;
        } else if (strcmp(p, "server_port") == 0) {
            server_port = q;
        } else if (strcmp(p, "max_connections") == 0) {
            max_connections = atoi(q);
        } else if (strcmp(p, "max_threads") == 0) {
            max_threads = atoi(q);
        } else if (strcmp(p, "cache") == 0) {
            use_cache = atoi(q);
        } else if (strcmp(p, "tickets") == 0) {
            use_tickets = atoi(q);
        } else if (strcmp(p, "ticket_lifetime") == 0) {
            ticket_lifetime = atoi(q);
        } else {
            goto usage;
        }
    }
    if (crt_file == NULL || key_file == NULL || max_threads < 1 || ticket_lifetime < 1) {
        goto usage;
    }
    threads = mbedtls_calloc((size_t) max_threads, sizeof(*threads));
    if (threads == NULL) {
        goto exit;
    }

    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy, (const unsigned char *) pers,
                                     strlen(pers))) != 0 ||
        (ret = mbedtls_x509_crt_parse_file(&srvcert, crt_file)) != 0 ||
        (ret = mbedtls_pk_parse_keyfile(&pkey, key_file, NULL, mbedtls_ctr_drbg_random, &ctr_drbg)) != 0) {
        mbedtls_printf("  ! setup failed: -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    if ((ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        goto exit;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    if ((ret = mbedtls_ssl_conf_own_cert(&conf, &srvcert, &pkey)) != 0) {
        goto exit;
    }
    if (use_cache) {
        mbedtls_ssl_cache_set_max_entries(&cache, 100000);
        mbedtls_ssl_conf_session_cache(&conf, &cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
    }
    if (use_tickets) {
        if ((ret = mbedtls_ssl_ticket_setup(&ticket_ctx, mbedtls_ctr_drbg_random, &ctr_drbg,
                                            MBEDTLS_CIPHER_AES_256_GCM, (uint32_t) ticket_lifetime)) != 0) {
            goto exit;
        }
        mbedtls_ssl_conf_session_tickets_cb(&conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, &ticket_ctx);
    }
    if ((ret = mbedtls_net_bind(&listen_fd, server_addr, server_port, MBEDTLS_NET_PROTO_TCP)) != 0) {
        mbedtls_printf("  ! mbedtls_net_bind returned %d\n", ret);
        goto exit;
    }
    mbedtls_printf("  . Waiting for a remote connection ...\n");
    fflush(stdout);

    while (max_connections == 0 || accepted < max_connections) {
        struct thread_info *slot = NULL;
        mbedtls_net_context client_fd;
        mbedtls_net_init(&client_fd);
        if ((ret = mbedtls_net_accept(&listen_fd, &client_fd, NULL, 0, NULL)) != 0) {
            mbedtls_printf("  ! mbedtls_net_accept returned %d\n", ret);
            goto exit;
        }
        accepted++;
        /* Find a free thread slot, reaping finished threads; wait if all are busy. */
        while (slot == NULL) {
            for (i = 0; i < max_threads && slot == NULL; i++) {
                int done;
                pthread_mutex_lock(&stats_mutex);
                done = threads[i].done;
                pthread_mutex_unlock(&stats_mutex);
                if (threads[i].active && done) {
                    pthread_join(threads[i].thread, NULL);
                    threads[i].active = 0;
                }
                if (!threads[i].active) {
                    slot = &threads[i];
                }
            }
            if (slot == NULL) {
                mbedtls_net_usleep(1000);
            }
        }
        memcpy(&slot->client_fd, &client_fd, sizeof(client_fd));
        slot->config = &conf;
        slot->done = 0;
        slot->active = 1;
        if (pthread_create(&slot->thread, NULL, handle_connection, slot) != 0) {
            mbedtls_net_free(&slot->client_fd);
            slot->active = 0;
        }
    }
    for (i = 0; i < max_threads; i++) {
        if (threads[i].active) {
            pthread_join(threads[i].thread, NULL);
        }
    }
    mbedtls_printf("  . %lu handshakes, %lu resumed, %lu failed\n", handshakes, resumed_count, failed);
    exit_code = failed == 0 ? MBEDTLS_EXIT_SUCCESS : MBEDTLS_EXIT_FAILURE;
    ret = 0;
    goto exit;

usage:
    mbedtls_printf("usage: ssl_pthread_server crt_file= key_file= [server_addr=] [server_port=]\n"
                   "       [max_connections=N] [max_threads=N] [cache=0|1] [tickets=0|1]\n"
                   "       [ticket_lifetime=SECONDS]\n");
    ret = 0;

exit:
    if (ret != 0) {
        char error_buf[100];
        mbedtls_strerror(ret, error_buf, sizeof(error_buf));
        mbedtls_printf("Last error was: -0x%X - %s\n\n", (unsigned) -ret, error_buf);
    }
    mbedtls_free(threads);
    mbedtls_net_free(&listen_fd);
    mbedtls_x509_crt_free(&srvcert);
    mbedtls_pk_free(&pkey);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_ticket_free(&ticket_ctx);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    mbedtls_exit(exit_code);
}
