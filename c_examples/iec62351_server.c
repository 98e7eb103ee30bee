/*
 * iec62351_server: a TLS 1.2 echo server with the session key renewal of IEC 62351-3.
 *
 * IEC 62351-3 (TLS for power system communication: IEC 60870-5-104, IEC 61850 MMS, DNP3)
 * keeps connections open for days and asks for their keys to be renewed while they stay open:
 * by TLS 1.2 renegotiation (RFC 5746), either a full handshake or, preferably, "session
 * resumption inside the open connection": an abbreviated handshake on the current session ID
 * that derives new keys from the same master secret and fresh randoms. The renewal is started
 * by time or by amount of traffic, by either side. Session IDs are mandatory and session
 * tickets are not used (no ticket callbacks are configured here: the server issues none).
 *
 * This server shows the Mbed TLS API for that:
 *   mbedtls_ssl_conf_renegotiation            accept renegotiation (TLS 1.2 only)
 *   mbedtls_ssl_conf_legacy_renegotiation     how to treat peers without RFC 5746
 *   mbedtls_ssl_conf_renegotiation_period     renew after N records under the same keys
 *   mbedtls_ssl_conf_renegotiation_enforced   records a client may send after a HelloRequest
 *   mbedtls_ssl_renegotiate                   server-initiated renewal (sends a HelloRequest)
 * and, with rustls-mbedtls-compat (MBEDTLS_COMPAT), the IEC 62351-3 extensions:
 *   mbedtls_compat_ssl_conf_renegotiation_resumption  answer a renegotiation that offers the
 *                                                     current session with an abbreviated handshake
 *   mbedtls_compat_ssl_conf_renegotiation_interval    renew every N seconds
 *   mbedtls_compat_ssl_get_renegotiations             count renewals, for the event log
 * Stock Mbed TLS (2.28, 3.6) only does full renegotiations; this file builds against it too,
 * without the extensions.
 *
 * Connections are served one after the other. For each one: the handshake, one line
 * "handshake: <version>, <ciphersuite>, resumed: yes|no", then an echo loop (every message
 * read is written back). Renegotiations requested by the client run inside mbedtls_ssl_read;
 * each completed renewal is logged as "renewal N: abbreviated (session resumed), <suite>" or
 * "renewal N: full renegotiation, <suite>", and "connection summary: F full, A abbreviated
 * renewals" ends the connection. Every line is flushed (test harnesses read it through a pipe).
 *
 * usage: iec62351_server crt_file= key_file= [key=value ...]
 *   server_addr=127.0.0.1  server_port=4433
 *   crt_file=  key_file=  ca_file=  auth_mode=none|optional|required (client certificates)
 *   renegotiation=0|1 (default 1)
 *   resumption=0|1 (default 1; rustls-mbedtls-compat: renewal by session resumption)
 *   renego_period=N (records; default: Mbed TLS's)  renego_enforced=N (default: Mbed TLS's)
 *   renego_interval=SECONDS (rustls-mbedtls-compat: renewal by time, a HelloRequest every
 *                   SECONDS; default 7200, IEC 62351-3's informative resumption interval;
 *                   0 = off. Stock Mbed TLS has no such setting)
 *   legacy=0|1|2 (MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION, _ALLOW_RENEGOTIATION, _BREAK_HANDSHAKE)
 *   hello_request_after=N (after echoing the N-th message of a connection, send a HelloRequest)
 *   max_connections=N (0 = forever)  nbio=0|1  debug_level=0..4
 *   min_version=tls12|tls13  max_version=tls12|tls13 (default tls12: the IEC 62351-3 profile)
 */
/* version.h pulls in the build configuration in Mbed TLS 2.28 and 3.x alike. */
#include "mbedtls/version.h"

#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/error.h"
#include "mbedtls/debug.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl_cache.h"
#if defined(MBEDTLS_COMPAT)
#include "mbedtls/compat.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void my_debug(void *ctx, int level, const char *file, int line, const char *str)
{
    (void) level;
    mbedtls_fprintf((FILE *) ctx, "%s:%04d: %s", file, line, str);
    fflush((FILE *) ctx);
}

static int parse_version(const char *v)
{
    if (strcmp(v, "tls12") == 0) {
        return 2;
    }
    if (strcmp(v, "tls13") == 0) {
        return 3;
    }
    return -1;
}

static void set_version(mbedtls_ssl_config *conf, int which, int v)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_protocol_version pv = v == 3 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2;
    if (which == 0) {
        mbedtls_ssl_conf_min_tls_version(conf, pv);
    } else {
        mbedtls_ssl_conf_max_tls_version(conf, pv);
    }
#else
    if (which == 0) {
        mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, v == 3 ? 4 : 3);
    } else {
        mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, v == 3 ? 4 : 3);
    }
#endif
}

static int load_key(mbedtls_pk_context *pk, const char *file, mbedtls_ctr_drbg_context *ctr_drbg)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_pk_parse_keyfile(pk, file, NULL, mbedtls_ctr_drbg_random, ctr_drbg);
#else
    (void) ctr_drbg;
    return mbedtls_pk_parse_keyfile(pk, file, NULL);
#endif
}

static void print_error(const char *what, int ret)
{
    char error_buf[100];
    mbedtls_strerror(ret, error_buf, sizeof(error_buf));
    mbedtls_printf("%s: -0x%04x %s\n", what, (unsigned) -ret, error_buf);
    fflush(stdout);
}

/* Waits for the socket after WANT_READ/WANT_WRITE (non-blocking mode). A record that Mbed TLS
 * already holds is not on the socket any more: polling for it would wait for nothing. */
static int wait_for(mbedtls_ssl_context *ssl, mbedtls_net_context *fd, int ret)
{
    int r;
    if (ret == MBEDTLS_ERR_SSL_WANT_READ && mbedtls_ssl_check_pending(ssl)) {
        return 0;
    }
    r = mbedtls_net_poll(fd, ret == MBEDTLS_ERR_SSL_WANT_READ ? MBEDTLS_NET_POLL_READ : MBEDTLS_NET_POLL_WRITE,
                         1000);
    return r < 0 ? r : 0;
}

/* Writes all of buf (mbedtls_ssl_write may write less), retrying on WANT_READ/WANT_WRITE.
 * Returns 0 or an error code. */
static int write_all(mbedtls_ssl_context *ssl, mbedtls_net_context *fd, int nbio,
                     const unsigned char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        int ret = mbedtls_ssl_write(ssl, buf + done, len - done);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            if (nbio && (ret = wait_for(ssl, fd, ret)) != 0) {
                return ret;
            }
            continue;
        }
        if (ret < 0) {
            return ret;
        }
        done += (size_t) ret;
    }
    return 0;
}

/* The renewals of the current connection that were already logged. */
struct renewal_log {
    uint32_t full;
    uint32_t abbreviated;
};

/* Logs the renewals completed since the last call (rustls-mbedtls-compat's counters; stock
 * Mbed TLS has no way to tell that a renegotiation happened inside mbedtls_ssl_read). */
static void log_renewals(const mbedtls_ssl_context *ssl, struct renewal_log *log)
{
#if defined(MBEDTLS_COMPAT)
    uint32_t full = 0, abbreviated = 0;
    int ret = mbedtls_compat_ssl_get_renegotiations(ssl, &full, &abbreviated);
    if (ret != 0) {
        print_error("mbedtls_compat_ssl_get_renegotiations failed", ret);
        return;
    }
    /* Between two calls there is normally at most one renewal; should there be more, their
     * order is unknown and the full ones are listed first. */
    while (log->full < full) {
        log->full++;
        mbedtls_printf("renewal %u: full renegotiation, %s\n", (unsigned) (log->full + log->abbreviated),
                       mbedtls_ssl_get_ciphersuite(ssl));
    }
    while (log->abbreviated < abbreviated) {
        log->abbreviated++;
        mbedtls_printf("renewal %u: abbreviated (session resumed), %s\n",
                       (unsigned) (log->full + log->abbreviated), mbedtls_ssl_get_ciphersuite(ssl));
    }
    fflush(stdout);
#else
    (void) ssl;
    (void) log;
#endif
}

int main(int argc, char *argv[])
{
    int ret = 1, i, exit_code = MBEDTLS_EXIT_FAILURE;
    mbedtls_net_context listen_fd, client_fd;
    unsigned char buf[4096];
    const char *pers = "iec62351_server";
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt srvcert, cacert;
    mbedtls_pk_context pkey;
    mbedtls_ssl_cache_context cache;
    struct renewal_log renewals;
    const char *server_addr = "127.0.0.1", *server_port = "4433";
    const char *crt_file = NULL, *key_file = NULL, *ca_file = NULL;
    int auth_mode = -1, min_version = 2, max_version = 2, nbio = 0, max_connections = 0;
    int debug_level = 0, served = 0;
    int renegotiation = 1, resumption = 1, renego_enforced = -2, legacy = -1;
    long hello_request_after = 0, messages;
    unsigned long long renego_period = 0;
#if defined(MBEDTLS_COMPAT)
    unsigned long renego_interval = 7200;
#else
    unsigned long renego_interval = 0;
#endif
    int have_renego_period = 0;
    unsigned char period[8];

    mbedtls_net_init(&listen_fd);
    mbedtls_net_init(&client_fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&srvcert);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_pk_init(&pkey);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_ssl_cache_init(&cache);
    memset(&renewals, 0, sizeof(renewals));

    for (i = 1; i < argc; i++) {
        char *p = argv[i], *q = strchr(p, '=');
        if (q == NULL) {
            goto usage;
        }
        *q++ = '\0';
        if (strcmp(p, "server_addr") == 0) {
            server_addr = q;
        } else if (strcmp(p, "server_port") == 0) {
            server_port = q;
        } else if (strcmp(p, "crt_file") == 0) {
            crt_file = q;
        } else if (strcmp(p, "key_file") == 0) {
            key_file = q;
        } else if (strcmp(p, "ca_file") == 0) {
            ca_file = q;
        } else if (strcmp(p, "auth_mode") == 0) {
            if (strcmp(q, "none") == 0) {
                auth_mode = MBEDTLS_SSL_VERIFY_NONE;
            } else if (strcmp(q, "optional") == 0) {
                auth_mode = MBEDTLS_SSL_VERIFY_OPTIONAL;
            } else if (strcmp(q, "required") == 0) {
                auth_mode = MBEDTLS_SSL_VERIFY_REQUIRED;
            } else {
                goto usage;
            }
        } else if (strcmp(p, "renegotiation") == 0) {
            renegotiation = atoi(q);
        } else if (strcmp(p, "resumption") == 0) {
            resumption = atoi(q);
        } else if (strcmp(p, "renego_period") == 0) {
            renego_period = strtoull(q, NULL, 10);
            have_renego_period = 1;
        } else if (strcmp(p, "renego_interval") == 0) {
            renego_interval = strtoul(q, NULL, 10);
        } else if (strcmp(p, "renego_enforced") == 0) {
            renego_enforced = atoi(q);
        } else if (strcmp(p, "legacy") == 0) {
            legacy = atoi(q);
            if (legacy < 0 || legacy > 2) {
                goto usage;
            }
        } else if (strcmp(p, "hello_request_after") == 0) {
            hello_request_after = atol(q);
        } else if (strcmp(p, "max_connections") == 0) {
            max_connections = atoi(q);
        } else if (strcmp(p, "nbio") == 0) {
            nbio = atoi(q);
        } else if (strcmp(p, "debug_level") == 0) {
            debug_level = atoi(q);
        } else if (strcmp(p, "min_version") == 0) {
            if ((min_version = parse_version(q)) < 0) {
                goto usage;
            }
        } else if (strcmp(p, "max_version") == 0) {
            if ((max_version = parse_version(q)) < 0) {
                goto usage;
            }
        } else {
            goto usage;
        }
    }
    if (crt_file == NULL || key_file == NULL) {
        goto usage;
    }
#if !defined(MBEDTLS_COMPAT)
    if (renego_interval != 0) {
        mbedtls_printf("  ! renego_interval needs rustls-mbedtls-compat (mbedtls_compat_ssl_conf_renegotiation_interval)\n");
        ret = 1;
        goto exit;
    }
#endif

    mbedtls_debug_set_threshold(debug_level);

    mbedtls_printf("  . Seeding the random number generator...");
    fflush(stdout);
    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy,
                                     (const unsigned char *) pers, strlen(pers))) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ctr_drbg_seed returned -0x%04x\n", (unsigned) -ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

    mbedtls_printf("  . Loading the server certificate and key...");
    fflush(stdout);
    if ((ret = mbedtls_x509_crt_parse_file(&srvcert, crt_file)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_x509_crt_parse_file returned -0x%04x\n", (unsigned) -ret);
        goto exit;
    }
    if ((ret = load_key(&pkey, key_file, &ctr_drbg)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_pk_parse_keyfile returned -0x%04x\n", (unsigned) -ret);
        goto exit;
    }
    if (ca_file != NULL && (ret = mbedtls_x509_crt_parse_file(&cacert, ca_file)) < 0) {
        mbedtls_printf(" failed\n  ! mbedtls_x509_crt_parse_file(ca) returned -0x%04x\n", (unsigned) -ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

    mbedtls_printf("  . Bind on %s:%s ...", server_addr, server_port);
    fflush(stdout);
    if ((ret = mbedtls_net_bind(&listen_fd, server_addr, server_port, MBEDTLS_NET_PROTO_TCP)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_net_bind returned -0x%04x\n", (unsigned) -ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

    mbedtls_printf("  . Setting up the SSL data....");
    fflush(stdout);
    if ((ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_config_defaults returned -0x%04x\n", (unsigned) -ret);
        goto exit;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_dbg(&conf, my_debug, stdout);
    set_version(&conf, 0, min_version);
    set_version(&conf, 1, max_version);
    if (auth_mode >= 0) {
        mbedtls_ssl_conf_authmode(&conf, auth_mode);
    }
    if (ca_file != NULL) {
        mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL);
    }
    if ((ret = mbedtls_ssl_conf_own_cert(&conf, &srvcert, &pkey)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_conf_own_cert returned -0x%04x\n", (unsigned) -ret);
        goto exit;
    }
    /* Session IDs (IEC 62351-3 makes them mandatory) from the built-in cache; no ticket
     * callbacks, so no session tickets. */
    mbedtls_ssl_conf_session_cache(&conf, &cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);

    mbedtls_ssl_conf_renegotiation(&conf, renegotiation ? MBEDTLS_SSL_RENEGOTIATION_ENABLED
                                                        : MBEDTLS_SSL_RENEGOTIATION_DISABLED);
    if (legacy >= 0) {
        mbedtls_ssl_conf_legacy_renegotiation(&conf, legacy);
    }
    if (renego_enforced != -2) {
        mbedtls_ssl_conf_renegotiation_enforced(&conf, renego_enforced);
    }
    if (have_renego_period) {
        for (i = 0; i < 8; i++) {
            period[i] = (unsigned char) (renego_period >> (56 - 8 * i));
        }
        mbedtls_ssl_conf_renegotiation_period(&conf, period);
    }
#if defined(MBEDTLS_COMPAT)
    mbedtls_compat_ssl_conf_renegotiation_resumption(&conf, resumption);
    mbedtls_compat_ssl_conf_renegotiation_interval(&conf, (uint32_t) renego_interval, resumption);
#endif

    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_setup returned -0x%04x\n", (unsigned) -ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");
#if defined(MBEDTLS_COMPAT)
    mbedtls_printf("  . renegotiation: %s, renewal by session resumption: %s, renewal interval: %lus\n",
                   renegotiation ? "enabled" : "disabled", resumption ? "yes" : "no", renego_interval);
#else
    mbedtls_printf("  . renegotiation: %s (stock Mbed TLS: full renegotiations only)\n",
                   renegotiation ? "enabled" : "disabled");
    (void) resumption;
#endif
    fflush(stdout);

    for (;;) {
        if (max_connections > 0 && served >= max_connections) {
            ret = 0;
            exit_code = MBEDTLS_EXIT_SUCCESS;
            goto exit;
        }
        mbedtls_net_free(&client_fd);
        if ((ret = mbedtls_ssl_session_reset(&ssl)) != 0) {
            mbedtls_printf("  ! mbedtls_ssl_session_reset returned -0x%04x\n", (unsigned) -ret);
            goto exit;
        }
        memset(&renewals, 0, sizeof(renewals));
        messages = 0;

        mbedtls_printf("  . Waiting for a remote connection ...\n");
        fflush(stdout);
        if ((ret = mbedtls_net_accept(&listen_fd, &client_fd, NULL, 0, NULL)) != 0) {
            mbedtls_printf("  ! mbedtls_net_accept returned -0x%04x\n", (unsigned) -ret);
            goto exit;
        }
        served++;
        if (nbio && (ret = mbedtls_net_set_nonblock(&client_fd)) != 0) {
            print_error("mbedtls_net_set_nonblock failed", ret);
            continue;
        }
        mbedtls_ssl_set_bio(&ssl, &client_fd, mbedtls_net_send, mbedtls_net_recv, NULL);

        while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
            if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
                break;
            }
            if (nbio && (ret = wait_for(&ssl, &client_fd, ret)) != 0) {
                break;
            }
        }
        if (ret != 0) {
            print_error("handshake failed", ret);
            if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
                mbedtls_printf("  ! client certificate verify flags 0x%08x\n",
                               (unsigned) mbedtls_ssl_get_verify_result(&ssl));
            }
            goto summary;
        }
#if defined(MBEDTLS_COMPAT)
        mbedtls_printf("handshake: %s, %s, resumed: %s\n", mbedtls_ssl_get_version(&ssl),
                       mbedtls_ssl_get_ciphersuite(&ssl), mbedtls_compat_ssl_session_resumed(&ssl) ? "yes" : "no");
#else
        mbedtls_printf("handshake: %s, %s, resumed: unknown (stock Mbed TLS)\n", mbedtls_ssl_get_version(&ssl),
                       mbedtls_ssl_get_ciphersuite(&ssl));
#endif
        if (auth_mode > 0) {
            mbedtls_printf("  . client certificate verify flags: 0x%08x\n",
                           (unsigned) mbedtls_ssl_get_verify_result(&ssl));
        }
        fflush(stdout);

        /* Echo until the client closes. Renegotiations (and our own, after a HelloRequest or
         * when a period is over) run inside mbedtls_ssl_read. */
        for (;;) {
            size_t len;
            ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf));
            if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
                /* Also in blocking mode: Mbed TLS returns WANT_READ after a renegotiation. */
                if (nbio && (ret = wait_for(&ssl, &client_fd, ret)) != 0) {
                    print_error("mbedtls_net_poll failed", ret);
                    break;
                }
                continue;
            }
            if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
                log_renewals(&ssl, &renewals);
                mbedtls_printf("connection closed by peer\n");
                fflush(stdout);
                while ((ret = mbedtls_ssl_close_notify(&ssl)) == MBEDTLS_ERR_SSL_WANT_READ ||
                       ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
                    if (nbio && wait_for(&ssl, &client_fd, ret) != 0) {
                        break;
                    }
                }
                break;
            }
            if (ret < 0) {
                log_renewals(&ssl, &renewals);
                print_error("read failed", ret);
                break;
            }
            len = (size_t) ret;
            log_renewals(&ssl, &renewals);
            if ((ret = write_all(&ssl, &client_fd, nbio, buf, len)) != 0) {
                print_error("write failed", ret);
                break;
            }
            messages++;
            if (hello_request_after > 0 && messages == hello_request_after) {
                while ((ret = mbedtls_ssl_renegotiate(&ssl)) == MBEDTLS_ERR_SSL_WANT_READ ||
                       ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
                    if (nbio && (ret = wait_for(&ssl, &client_fd, ret)) != 0) {
                        break;
                    }
                }
                if (ret == 0) {
                    mbedtls_printf("hello request: mbedtls_ssl_renegotiate returned 0\n");
                } else {
                    char error_buf[100];
                    mbedtls_strerror(ret, error_buf, sizeof(error_buf));
                    mbedtls_printf("hello request: mbedtls_ssl_renegotiate returned -0x%04x %s\n",
                                   (unsigned) -ret, error_buf);
                }
                fflush(stdout);
                log_renewals(&ssl, &renewals);
            }
        }

summary:
#if defined(MBEDTLS_COMPAT)
        mbedtls_printf("connection summary: %u full, %u abbreviated renewals\n", (unsigned) renewals.full,
                       (unsigned) renewals.abbreviated);
#else
        mbedtls_printf("connection summary: renewals not counted (stock Mbed TLS)\n");
#endif
        fflush(stdout);
    }

usage:
    mbedtls_printf("usage: iec62351_server crt_file= key_file= [server_addr=] [server_port=]\n"
                   "       [ca_file=] [auth_mode=none|optional|required] [renegotiation=0|1]\n"
                   "       [resumption=0|1] [renego_period=N] [renego_interval=SECONDS]\n"
                   "       [renego_enforced=N] [legacy=0|1|2] [hello_request_after=N]\n"
                   "       [max_connections=N] [nbio=0|1] [debug_level=0..4]\n"
                   "       [min_version=tls12|tls13] [max_version=tls12|tls13]\n");
    ret = 0;

exit:
    if (ret != 0) {
        print_error("Last error was", ret);
    }
    mbedtls_net_free(&client_fd);
    mbedtls_net_free(&listen_fd);
    mbedtls_x509_crt_free(&srvcert);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_pk_free(&pkey);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);

    mbedtls_exit(exit_code);
}
