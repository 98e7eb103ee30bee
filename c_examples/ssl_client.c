/*
 * ssl_client: a TLS client in the style of the Mbed TLS sample programs.
 *
 * Connects, performs the handshake, prints what was negotiated, sends a request, prints the
 * answer, closes with close_notify. Builds unchanged against Mbed TLS 3.6, Debian's Mbed TLS
 * 2.28 (TLS 1.2 only) and rustls-mbedtls-compat.
 *
 * usage: ssl_client [key=value ...]
 *   server_addr=127.0.0.1   server_port=4433     server_name=localhost (or "none")
 *   ca_file=ca.crt          crt_file= key_file=  key_pwd=      (client certificate)
 *   auth_mode=required|optional|none
 *   min_version=tls12|tls13 max_version=tls12|tls13
 *   force_ciphersuite=NAME  alpn=proto[,proto]   nbio=0|1      read_timeout=ms
 *   request=TEXT (default "GET / HTTP/1.0\r\n\r\n"; "\n" escapes allowed)
 *   read_until_close=0|1    debug_level=0..4
 *   echo_bytes=N (instead of the request: send N bytes in chunks and check that the server
 *                 echoes each chunk back, e.g. against ssl_server mode=echo)
 * Renegotiation (TLS 1.2):
 *   renegotiation=0|1 (accept the server's HelloRequest; needed for the options below)
 *   renegotiate=full|abbrev (after the handshake, before the request: renegotiate; abbrev
 *                offers the current session, as IEC 62351-3 key renewal does; needs
 *                rustls-mbedtls-compat, stock Mbed TLS only does full renegotiations)
 *   renegotiations=N (how many times; default 1)
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
#if defined(MBEDTLS_COMPAT)
#include "mbedtls/compat.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALPN 4

struct options {
    const char *server_addr;
    const char *server_port;
    const char *server_name;
    const char *ca_file;
    const char *crt_file;
    const char *key_file;
    const char *key_pwd;
    int auth_mode;
    int min_version;   /* 2 = TLS 1.2, 3 = TLS 1.3, 0 = default */
    int max_version;
    const char *force_ciphersuite;
    char *alpn;
    int nbio;
    unsigned read_timeout;
    const char *request;
    int read_until_close;
    long echo_bytes;
    int debug_level;
    int renegotiation;
    const char *renegotiate;   /* NULL, "full" or "abbrev" */
    int renegotiations;
};

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

/* Turns the two-character escapes \n and \r into real characters, in place. */
static void unescape(char *s)
{
    char *out = s;
    for (; *s != '\0'; s++) {
        if (s[0] == '\\' && s[1] == 'n') {
            *out++ = '\n';
            s++;
        } else if (s[0] == '\\' && s[1] == 'r') {
            *out++ = '\r';
            s++;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

/* Waits until the socket is ready for what the last call wanted (non-blocking mode). */
static int wait_for(mbedtls_net_context *fd, int ret)
{
    uint32_t rw = (ret == MBEDTLS_ERR_SSL_WANT_READ) ? MBEDTLS_NET_POLL_READ : MBEDTLS_NET_POLL_WRITE;
    int r = mbedtls_net_poll(fd, rw, 10000);
    return r < 0 ? r : 0;
}

/* Sends `total` bytes in chunks of up to 16 KiB; after each chunk reads back the echo and
 * compares it. Returns 0 or an error code. */
static int echo_check(mbedtls_ssl_context *ssl, mbedtls_net_context *fd, int nbio, long total)
{
    static unsigned char out[16384], in[16384];
    long offset = 0;
    while (offset < total) {
        size_t chunk = (size_t) (total - offset < (long) sizeof(out) ? total - offset : (long) sizeof(out));
        size_t done = 0, got = 0, i;
        int ret;
        for (i = 0; i < chunk; i++) {
            out[i] = (unsigned char) ((offset + (long) i) * 7);
        }
        while (done < chunk) {
            ret = mbedtls_ssl_write(ssl, out + done, chunk - done);
            if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
                if (nbio && (ret = wait_for(fd, ret)) != 0) {
                    return ret;
                }
                continue;
            }
            if (ret < 0) {
                mbedtls_printf("  ! mbedtls_ssl_write returned -0x%x\n", (unsigned) -ret);
                return ret;
            }
            done += (size_t) ret;
        }
        while (got < chunk) {
            ret = mbedtls_ssl_read(ssl, in + got, chunk - got);
            if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
                if (nbio && (ret = wait_for(fd, ret)) != 0) {
                    return ret;
                }
                continue;
            }
            if (ret <= 0) {
                mbedtls_printf("  ! mbedtls_ssl_read returned -0x%x during the echo\n", (unsigned) -ret);
                return ret == 0 ? MBEDTLS_ERR_SSL_CONN_EOF : ret;
            }
            got += (size_t) ret;
        }
        if (memcmp(in, out, chunk) != 0) {
            mbedtls_printf("  ! echo mismatch at offset %ld\n", offset);
            return -1;
        }
        offset += (long) chunk;
    }
    return 0;
}

/* Renegotiates once (full, or offering the current session) and prints the outcome. */
static int renegotiate_once(mbedtls_ssl_context *ssl, mbedtls_net_context *fd, int nbio, int abbreviated, int k)
{
    int ret;
    mbedtls_printf("  . Renegotiation %d (%s)...", k, abbreviated ? "offering the current session" : "full");
    fflush(stdout);
    for (;;) {
#if defined(MBEDTLS_COMPAT)
        ret = abbreviated ? mbedtls_compat_ssl_renegotiate_abbreviated(ssl) : mbedtls_ssl_renegotiate(ssl);
#else
        (void) abbreviated;
        ret = mbedtls_ssl_renegotiate(ssl);
#endif
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            break;
        }
        if (nbio && (ret = wait_for(fd, ret)) != 0) {
            break;
        }
    }
    if (ret == MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO) {
        /* The server answered no_renegotiation: the connection goes on with its keys. */
        mbedtls_printf(" refused by the server, the connection continues\n");
        fflush(stdout);
        return 0;
    }
    if (ret != 0) {
        char error_buf[100];
        mbedtls_strerror(ret, error_buf, sizeof(error_buf));
        mbedtls_printf(" failed\n  ! mbedtls_ssl_renegotiate returned -0x%x - %s\n", (unsigned) -ret, error_buf);
        return ret;
    }
#if defined(MBEDTLS_COMPAT)
    mbedtls_printf(" ok, resumed: %s, %s\n", mbedtls_compat_ssl_session_resumed(ssl) ? "yes" : "no",
                   mbedtls_ssl_get_ciphersuite(ssl));
#else
    mbedtls_printf(" ok, %s\n", mbedtls_ssl_get_ciphersuite(ssl));
#endif
    fflush(stdout);
    return 0;
}

/* How many renegotiations this connection went through (rustls-mbedtls-compat's counters). */
static void print_renegotiations(const mbedtls_ssl_context *ssl)
{
#if defined(MBEDTLS_COMPAT)
    uint32_t full = 0, abbreviated = 0;
    if (mbedtls_compat_ssl_get_renegotiations(ssl, &full, &abbreviated) == 0) {
        mbedtls_printf("  . renegotiations: %u full, %u abbreviated\n", (unsigned) full, (unsigned) abbreviated);
    }
#else
    (void) ssl;
#endif
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

int main(int argc, char *argv[])
{
    int ret = 1, len, exit_code = MBEDTLS_EXIT_FAILURE;
    struct options opt;
    mbedtls_net_context server_fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cacert;
    mbedtls_x509_crt clicert;
    mbedtls_pk_context pkey;
    uint32_t flags;
    unsigned char buf[4096];
    char request[1024];
    const char *alpn_list[MAX_ALPN + 1];
    int force_list[2];
    const char *pers = "ssl_client";
    int i;

    mbedtls_net_init(&server_fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_x509_crt_init(&clicert);
    mbedtls_pk_init(&pkey);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_entropy_init(&entropy);

    memset(&opt, 0, sizeof(opt));
    opt.server_addr = "127.0.0.1";
    opt.server_port = "4433";
    opt.server_name = "localhost";
    opt.auth_mode = MBEDTLS_SSL_VERIFY_REQUIRED;
    opt.request = "GET / HTTP/1.0\\r\\n\\r\\n";
    opt.renegotiations = 1;

    for (i = 1; i < argc; i++) {
        char *p = argv[i], *q = strchr(p, '=');
        if (q == NULL) {
            goto usage;
        }
        *q++ = '\0';
        if (strcmp(p, "server_addr") == 0) {
            opt.server_addr = q;
        } else if (strcmp(p, "server_port") == 0) {
            opt.server_port = q;
        } else if (strcmp(p, "server_name") == 0) {
            opt.server_name = q;
        } else if (strcmp(p, "ca_file") == 0) {
            opt.ca_file = q;
        } else if (strcmp(p, "crt_file") == 0) {
            opt.crt_file = q;
        } else if (strcmp(p, "key_file") == 0) {
            opt.key_file = q;
        } else if (strcmp(p, "key_pwd") == 0) {
            opt.key_pwd = q;
        } else if (strcmp(p, "auth_mode") == 0) {
            if (strcmp(q, "none") == 0) {
                opt.auth_mode = MBEDTLS_SSL_VERIFY_NONE;
            } else if (strcmp(q, "optional") == 0) {
                opt.auth_mode = MBEDTLS_SSL_VERIFY_OPTIONAL;
            } else if (strcmp(q, "required") == 0) {
                opt.auth_mode = MBEDTLS_SSL_VERIFY_REQUIRED;
            } else {
                goto usage;
            }
        } else if (strcmp(p, "min_version") == 0) {
            if ((opt.min_version = parse_version(q)) < 0) {
                goto usage;
            }
        } else if (strcmp(p, "max_version") == 0) {
            if ((opt.max_version = parse_version(q)) < 0) {
                goto usage;
            }
        } else if (strcmp(p, "force_ciphersuite") == 0) {
            opt.force_ciphersuite = q;
        } else if (strcmp(p, "alpn") == 0) {
            opt.alpn = q;
        } else if (strcmp(p, "nbio") == 0) {
            opt.nbio = atoi(q);
        } else if (strcmp(p, "read_timeout") == 0) {
            opt.read_timeout = (unsigned) atoi(q);
        } else if (strcmp(p, "request") == 0) {
            opt.request = q;
        } else if (strcmp(p, "read_until_close") == 0) {
            opt.read_until_close = atoi(q);
        } else if (strcmp(p, "debug_level") == 0) {
            opt.debug_level = atoi(q);
        } else if (strcmp(p, "echo_bytes") == 0) {
            opt.echo_bytes = atol(q);
        } else if (strcmp(p, "renegotiation") == 0) {
            opt.renegotiation = atoi(q);
        } else if (strcmp(p, "renegotiate") == 0) {
            if (strcmp(q, "full") != 0 && strcmp(q, "abbrev") != 0) {
                goto usage;
            }
            opt.renegotiate = q;
        } else if (strcmp(p, "renegotiations") == 0) {
            opt.renegotiations = atoi(q);
        } else {
            goto usage;
        }
    }

    mbedtls_debug_set_threshold(opt.debug_level);

    mbedtls_printf("  . Seeding the random number generator...");
    fflush(stdout);
    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy,
                                     (const unsigned char *) pers, strlen(pers))) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ctr_drbg_seed returned %d\n", ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

    if (opt.ca_file != NULL) {
        mbedtls_printf("  . Loading the CA root certificate ...");
        fflush(stdout);
        ret = mbedtls_x509_crt_parse_file(&cacert, opt.ca_file);
        if (ret < 0) {
            mbedtls_printf(" failed\n  !  mbedtls_x509_crt_parse_file returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        mbedtls_printf(" ok (%d skipped)\n", ret);
    }

    if (opt.crt_file != NULL && opt.key_file != NULL) {
        mbedtls_printf("  . Loading the client certificate and key...");
        fflush(stdout);
        ret = mbedtls_x509_crt_parse_file(&clicert, opt.crt_file);
        if (ret != 0) {
            mbedtls_printf(" failed\n  !  mbedtls_x509_crt_parse_file returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        ret = mbedtls_pk_parse_keyfile(&pkey, opt.key_file, opt.key_pwd, mbedtls_ctr_drbg_random, &ctr_drbg);
#else
        ret = mbedtls_pk_parse_keyfile(&pkey, opt.key_file, opt.key_pwd);
#endif
        if (ret != 0) {
            mbedtls_printf(" failed\n  !  mbedtls_pk_parse_keyfile returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        mbedtls_printf(" ok\n");
    }

    mbedtls_printf("  . Connecting to tcp/%s/%s...", opt.server_addr, opt.server_port);
    fflush(stdout);
    if ((ret = mbedtls_net_connect(&server_fd, opt.server_addr, opt.server_port,
                                   MBEDTLS_NET_PROTO_TCP)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_net_connect returned %d\n", ret);
        goto exit;
    }
    ret = opt.nbio ? mbedtls_net_set_nonblock(&server_fd) : mbedtls_net_set_block(&server_fd);
    if (ret != 0) {
        mbedtls_printf(" failed\n  ! net_set_(non)block() returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

    mbedtls_printf("  . Setting up the SSL/TLS structure...");
    fflush(stdout);
    if ((ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_config_defaults returned %d\n", ret);
        goto exit;
    }
    mbedtls_ssl_conf_authmode(&conf, opt.auth_mode);
    mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_dbg(&conf, my_debug, stdout);
    mbedtls_ssl_conf_read_timeout(&conf, opt.read_timeout);
    if (opt.min_version != 0) {
        set_version(&conf, 0, opt.min_version);
    }
    if (opt.max_version != 0) {
        set_version(&conf, 1, opt.max_version);
    }
    if (opt.force_ciphersuite != NULL) {
        force_list[0] = mbedtls_ssl_get_ciphersuite_id(opt.force_ciphersuite);
        force_list[1] = 0;
        if (force_list[0] == 0) {
            mbedtls_printf(" failed\n  ! unknown ciphersuite %s\n", opt.force_ciphersuite);
            ret = 1;
            goto exit;
        }
        mbedtls_ssl_conf_ciphersuites(&conf, force_list);
    }
    if (opt.alpn != NULL) {
        char *p = opt.alpn;
        int n = 0;
        while (p != NULL && n < MAX_ALPN) {
            alpn_list[n++] = p;
            p = strchr(p, ',');
            if (p != NULL) {
                *p++ = '\0';
            }
        }
        alpn_list[n] = NULL;
        if ((ret = mbedtls_ssl_conf_alpn_protocols(&conf, alpn_list)) != 0) {
            mbedtls_printf(" failed\n  ! mbedtls_ssl_conf_alpn_protocols returned %d\n", ret);
            goto exit;
        }
    }
    if (opt.renegotiation || opt.renegotiate != NULL) {
        mbedtls_ssl_conf_renegotiation(&conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    }
    if (opt.crt_file != NULL && opt.key_file != NULL) {
        if ((ret = mbedtls_ssl_conf_own_cert(&conf, &clicert, &pkey)) != 0) {
            mbedtls_printf(" failed\n  ! mbedtls_ssl_conf_own_cert returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
    }
    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_setup returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    if ((ret = mbedtls_ssl_set_hostname(&ssl, strcmp(opt.server_name, "none") == 0 ? NULL
                                        : opt.server_name)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_set_hostname returned %d\n", ret);
        goto exit;
    }
    if (opt.nbio) {
        mbedtls_ssl_set_bio(&ssl, &server_fd, mbedtls_net_send, mbedtls_net_recv, NULL);
    } else {
        mbedtls_ssl_set_bio(&ssl, &server_fd, mbedtls_net_send, mbedtls_net_recv,
                            opt.read_timeout ? mbedtls_net_recv_timeout : NULL);
    }
    mbedtls_printf(" ok\n");

    mbedtls_printf("  . Performing the SSL/TLS handshake...");
    fflush(stdout);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            mbedtls_printf(" failed\n  ! mbedtls_ssl_handshake returned -0x%x\n", (unsigned) -ret);
            flags = mbedtls_ssl_get_verify_result(&ssl);
            if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
                char vrfy_buf[512];
                mbedtls_x509_crt_verify_info(vrfy_buf, sizeof(vrfy_buf), "  ! ", flags);
                mbedtls_printf("  . Verify flags: 0x%08x\n%s", (unsigned) flags, vrfy_buf);
            }
            goto exit;
        }
        if (opt.nbio && (ret = wait_for(&server_fd, ret)) != 0) {
            goto exit;
        }
    }
    mbedtls_printf(" ok\n");
    mbedtls_printf("    [ Protocol is %s ]\n", mbedtls_ssl_get_version(&ssl));
    mbedtls_printf("    [ Ciphersuite is %s ]\n", mbedtls_ssl_get_ciphersuite(&ssl));
    if (opt.alpn != NULL) {
        const char *alp = mbedtls_ssl_get_alpn_protocol(&ssl);
        mbedtls_printf("    [ Application Layer Protocol is %s ]\n", alp ? alp : "(none)");
    }

    mbedtls_printf("  . Verifying peer X.509 certificate...");
    flags = mbedtls_ssl_get_verify_result(&ssl);
    mbedtls_printf(" flags 0x%08x\n", (unsigned) flags);
    if (flags != 0) {
        char vrfy_buf[512];
        mbedtls_x509_crt_verify_info(vrfy_buf, sizeof(vrfy_buf), "  ! ", flags);
        mbedtls_printf("%s", vrfy_buf);
    }

    if (mbedtls_ssl_get_peer_cert(&ssl) != NULL) {
        char info[2048];
        mbedtls_printf("  . Peer certificate information    ...\n");
        mbedtls_x509_crt_info(info, sizeof(info), "      ", mbedtls_ssl_get_peer_cert(&ssl));
        mbedtls_printf("%s", info);
    }

    if (opt.renegotiate != NULL) {
        for (i = 1; i <= opt.renegotiations; i++) {
            if ((ret = renegotiate_once(&ssl, &server_fd, opt.nbio, strcmp(opt.renegotiate, "abbrev") == 0, i)) != 0) {
                goto exit;
            }
        }
    }

    if (opt.echo_bytes > 0) {
        if ((ret = echo_check(&ssl, &server_fd, opt.nbio, opt.echo_bytes)) != 0) {
            goto exit;
        }
        mbedtls_printf("  . echo: %ld bytes verified\n", opt.echo_bytes);
        goto close;
    }

    /* Write the request */
    strncpy(request, opt.request, sizeof(request) - 1);
    request[sizeof(request) - 1] = '\0';
    unescape(request);
    mbedtls_printf("  > Write to server:");
    fflush(stdout);
    len = (int) strlen(request);
    while ((ret = mbedtls_ssl_write(&ssl, (const unsigned char *) request, (size_t) len)) <= 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            mbedtls_printf(" failed\n  ! mbedtls_ssl_write returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        if (opt.nbio && (ret = wait_for(&server_fd, ret)) != 0) {
            goto exit;
        }
    }
    mbedtls_printf(" %d bytes written\n\n%s\n", ret, request);

    /* Read the answer */
    mbedtls_printf("  < Read from server:\n");
    fflush(stdout);
    do {
        memset(buf, 0, sizeof(buf));
        ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf) - 1);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            if (opt.nbio && (ret = wait_for(&server_fd, ret)) != 0) {
                goto exit;
            }
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            mbedtls_printf("  . Peer sent close_notify\n");
            ret = 0;
            break;
        }
        if (ret < 0) {
            mbedtls_printf("failed\n  ! mbedtls_ssl_read returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        if (ret == 0) {
            mbedtls_printf("\n  . EOF\n");
            break;
        }
        mbedtls_printf(" %d bytes read\n\n%s", ret, (char *) buf);
        fflush(stdout);
        if (!opt.read_until_close) {
            ret = 0;
            break;
        }
    } while (1);

close:
    print_renegotiations(&ssl);
    mbedtls_printf("\n  . Closing the connection...");
    while ((ret = mbedtls_ssl_close_notify(&ssl)) < 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            /* The peer may have closed the socket already: that is not a failure here. */
            ret = 0;
            break;
        }
        if (opt.nbio && wait_for(&server_fd, ret) != 0) {
            break;
        }
    }
    mbedtls_printf(" done\n");
    exit_code = MBEDTLS_EXIT_SUCCESS;
    goto exit;

usage:
    mbedtls_printf("usage: ssl_client [server_addr=] [server_port=] [server_name=|none] [ca_file=]\n"
                   "       [crt_file= key_file= key_pwd=] [auth_mode=none|optional|required]\n"
                   "       [min_version=tls12|tls13] [max_version=tls12|tls13] [force_ciphersuite=]\n"
                   "       [alpn=a,b] [nbio=0|1] [read_timeout=ms] [request=] [read_until_close=0|1]\n"
                   "       [debug_level=0..4] [renegotiation=0|1] [renegotiate=full|abbrev]\n"
                   "       [renegotiations=N]\n");
    ret = 2;

exit:
    if (exit_code != MBEDTLS_EXIT_SUCCESS && ret != 2) {
        char error_buf[100];
        mbedtls_strerror(ret, error_buf, sizeof(error_buf));
        mbedtls_printf("Last error was: -0x%X - %s\n\n", (unsigned) -ret, error_buf);
    }

    mbedtls_net_free(&server_fd);
    mbedtls_x509_crt_free(&clicert);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_pk_free(&pkey);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);

    mbedtls_exit(exit_code);
}
