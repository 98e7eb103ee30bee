/*
 * persistent_client: the device that loses power between connections.
 *
 * At start it loads the session saved by its previous run (if any) and offers it; after the
 * handshake it prints whether the server resumed it, and it saves the session of this
 * connection to the file again, so that the next run (a new process, after a reboot) resumes:
 *   - TLS 1.2 (session ID or RFC 5077 ticket): right after the handshake;
 *   - TLS 1.3: when a NewSessionTicket arrives (signalled by
 *     MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET while reading).
 * The file is written to PATH.tmp, flushed to disk and renamed over PATH, so a power loss
 * during the write leaves the old session or the new one, never a torn file (and a torn or
 * corrupted file is refused by mbedtls_ssl_session_load anyway).
 *
 * usage: persistent_client session_file=PATH [server_addr=127.0.0.1] [server_port=4433]
 *        [server_name=localhost] [ca_file=] [min_version=tls12|tls13] [max_version=tls12|tls13]
 *        [tickets=0|1] [request=TEXT]
 */
#include "mbedtls/build_info.h"

#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_version(const char *v, mbedtls_ssl_protocol_version *out)
{
    if (strcmp(v, "tls12") == 0) {
        *out = MBEDTLS_SSL_VERSION_TLS1_2;
    } else if (strcmp(v, "tls13") == 0) {
        *out = MBEDTLS_SSL_VERSION_TLS1_3;
    } else {
        return -1;
    }
    return 0;
}

/* Reads the whole file; returns its length, 0 when it does not exist, -1 on error. */
static long read_file(const char *path, unsigned char **buf)
{
    long size;
    FILE *f = fopen(path, "rb");
    *buf = NULL;
    if (f == NULL) {
        return 0;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (*buf = mbedtls_calloc(1, (size_t) size + 1)) == NULL ||
        fread(*buf, 1, (size_t) size, f) != (size_t) size) {
        fclose(f);
        mbedtls_free(*buf);
        *buf = NULL;
        return -1;
    }
    fclose(f);
    return size;
}

/* Takes the connection's session and stores it in `path` atomically. Returns 0 or an error. */
static int save_session(mbedtls_ssl_context *ssl, const char *path)
{
    mbedtls_ssl_session session;
    unsigned char *buf = NULL;
    size_t len = 0;
    char tmp[512];
    FILE *f;
    int ret;

    mbedtls_ssl_session_init(&session);
    if ((ret = mbedtls_ssl_get_session(ssl, &session)) != 0) {
        goto out;
    }
    ret = mbedtls_ssl_session_save(&session, NULL, 0, &len);
    if (ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL) {
        goto out;
    }
    if ((buf = mbedtls_calloc(1, len)) == NULL) {
        ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
        goto out;
    }
    if ((ret = mbedtls_ssl_session_save(&session, buf, len, &len)) != 0) {
        goto out;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
        if (f != NULL) {
            fclose(f);
        }
        ret = -1;
        goto out;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        ret = -1;
        goto out;
    }
    mbedtls_printf("  . Saved the session to %s (%u bytes)\n", path, (unsigned) len);
out:
    mbedtls_free(buf);
    mbedtls_ssl_session_free(&session);
    return ret;
}

int main(int argc, char *argv[])
{
    int ret = 1, i, exit_code = MBEDTLS_EXIT_FAILURE, saved = 0;
    mbedtls_net_context server_fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_ssl_session loaded;
    mbedtls_x509_crt cacert;
    unsigned char buf[4096], *file = NULL;
    long file_len;
    const char *session_file = NULL, *server_addr = "127.0.0.1", *server_port = "4433";
    const char *server_name = "localhost", *ca_file = NULL, *request = "GET / HTTP/1.0\r\n\r\n";
    mbedtls_ssl_protocol_version min_version = MBEDTLS_SSL_VERSION_TLS1_2;
    mbedtls_ssl_protocol_version max_version = MBEDTLS_SSL_VERSION_TLS1_3;
    int tickets = 1;
    const char *pers = "persistent_client";

    mbedtls_net_init(&server_fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_session_init(&loaded);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_entropy_init(&entropy);

    for (i = 1; i < argc; i++) {
        char *p = argv[i], *q = strchr(p, '=');
        if (q == NULL) {
            goto usage;
        }
        *q++ = '\0';
        if (strcmp(p, "session_file") == 0) {
            session_file = q;
        } else if (strcmp(p, "server_addr") == 0) {
            server_addr = q;
        } else if (strcmp(p, "server_port") == 0) {
            server_port = q;
        } else if (strcmp(p, "server_name") == 0) {
            server_name = q;
        } else if (strcmp(p, "ca_file") == 0) {
            ca_file = q;
        } else if (strcmp(p, "min_version") == 0) {
            if (parse_version(q, &min_version) != 0) {
                goto usage;
            }
        } else if (strcmp(p, "max_version") == 0) {
            if (parse_version(q, &max_version) != 0) {
                goto usage;
            }
        } else if (strcmp(p, "tickets") == 0) {
            tickets = atoi(q);
        } else if (strcmp(p, "request") == 0) {
            request = q;
        } else {
            goto usage;
        }
    }
    if (session_file == NULL) {
        goto usage;
    }

    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy,
                                     (const unsigned char *) pers, strlen(pers))) != 0) {
        mbedtls_printf("  ! mbedtls_ctr_drbg_seed returned %d\n", ret);
        goto exit;
    }
    if (ca_file != NULL && (ret = mbedtls_x509_crt_parse_file(&cacert, ca_file)) < 0) {
        mbedtls_printf("  ! mbedtls_x509_crt_parse_file returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }

    if ((ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        mbedtls_printf("  ! mbedtls_ssl_config_defaults returned %d\n", ret);
        goto exit;
    }
    mbedtls_ssl_conf_authmode(&conf, ca_file != NULL ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_min_tls_version(&conf, min_version);
    mbedtls_ssl_conf_max_tls_version(&conf, max_version);
    mbedtls_ssl_conf_session_tickets(&conf, tickets ? MBEDTLS_SSL_SESSION_TICKETS_ENABLED
                                     : MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
    /* TLS 1.3 tickets arrive after the handshake: ask to be told about each one. */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&conf,
                                                             MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) {
        mbedtls_printf("  ! mbedtls_ssl_setup returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    if ((ret = mbedtls_ssl_set_hostname(&ssl, server_name)) != 0) {
        mbedtls_printf("  ! mbedtls_ssl_set_hostname returned %d\n", ret);
        goto exit;
    }

    /* The session saved by the previous run, if any. */
    file_len = read_file(session_file, &file);
    if (file_len > 0) {
        ret = mbedtls_ssl_session_load(&loaded, file, (size_t) file_len);
        if (ret != 0) {
            char err[100];
            mbedtls_strerror(ret, err, sizeof(err));
            mbedtls_printf("  . Saved session not usable (-0x%x: %s): full handshake\n", (unsigned) -ret, err);
        } else if ((ret = mbedtls_ssl_set_session(&ssl, &loaded)) != 0) {
            mbedtls_printf("  . mbedtls_ssl_set_session returned -0x%x: full handshake\n", (unsigned) -ret);
        } else {
            mbedtls_printf("  . Offering the saved session (%ld bytes from %s)\n", file_len, session_file);
        }
    } else {
        mbedtls_printf("  . No saved session in %s: full handshake\n", session_file);
    }

    mbedtls_printf("  . Connecting to tcp/%s/%s...", server_addr, server_port);
    fflush(stdout);
    if ((ret = mbedtls_net_connect(&server_fd, server_addr, server_port, MBEDTLS_NET_PROTO_TCP)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_net_connect returned %d\n", ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");
    mbedtls_ssl_set_bio(&ssl, &server_fd, mbedtls_net_send, mbedtls_net_recv, NULL);

    mbedtls_printf("  . Performing the SSL/TLS handshake...");
    fflush(stdout);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            mbedtls_printf(" failed\n  ! mbedtls_ssl_handshake returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
    }
    mbedtls_printf(" ok\n");
    mbedtls_printf("    [ Protocol is %s ]\n", mbedtls_ssl_get_version(&ssl));
    mbedtls_printf("    [ Ciphersuite is %s ]\n", mbedtls_ssl_get_ciphersuite(&ssl));
    mbedtls_printf("    [ Verify result 0x%08x ]\n", (unsigned) mbedtls_ssl_get_verify_result(&ssl));
    mbedtls_printf("    resumed: %s\n", mbedtls_compat_ssl_session_resumed(&ssl) ? "yes" : "no");

    if (mbedtls_ssl_get_version_number(&ssl) == MBEDTLS_SSL_VERSION_TLS1_2) {
        if ((ret = save_session(&ssl, session_file)) != 0) {
            mbedtls_printf("  ! saving the session failed (-0x%x)\n", (unsigned) -ret);
            goto exit;
        }
        saved = 1;
    }

    while ((ret = mbedtls_ssl_write(&ssl, (const unsigned char *) request, strlen(request))) <= 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE &&
            ret != MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            mbedtls_printf("  ! mbedtls_ssl_write returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            saved |= save_session(&ssl, session_file) == 0;
        }
    }

    mbedtls_printf("  < Read from server:\n");
    for (;;) {
        memset(buf, 0, sizeof(buf));
        ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf) - 1);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            mbedtls_printf("  . Received a TLS 1.3 NewSessionTicket\n");
            saved |= save_session(&ssl, session_file) == 0;
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0) {
            break;
        }
        if (ret < 0) {
            mbedtls_printf("  ! mbedtls_ssl_read returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        mbedtls_printf("%s", (char *) buf);
    }
    mbedtls_printf("\n  . session saved for the next run: %s\n", saved ? "yes" : "no");
    mbedtls_ssl_close_notify(&ssl);
    exit_code = MBEDTLS_EXIT_SUCCESS;
    ret = 0;
    goto exit;

usage:
    mbedtls_printf("usage: persistent_client session_file=PATH [server_addr=] [server_port=] [server_name=]\n"
                   "       [ca_file=] [min_version=tls12|tls13] [max_version=tls12|tls13] [tickets=0|1]\n"
                   "       [request=TEXT]\n");
    ret = 0;

exit:
    if (ret != 0) {
        char error_buf[100];
        mbedtls_strerror(ret, error_buf, sizeof(error_buf));
        mbedtls_printf("Last error was: -0x%X - %s\n\n", (unsigned) -ret, error_buf);
    }
    mbedtls_free(file);
    mbedtls_net_free(&server_fd);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_ssl_session_free(&loaded);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    mbedtls_exit(exit_code);
}
