/*
 * Client session API against a real `openssl s_server -www` (started by tests/sessions.rs):
 * in-process get_session/set_session, TLS 1.3 NewSessionTicket signalling and the callback,
 * save/load robustness on a real session, and the documented errors for wrong use.
 *
 * usage: client_sessions PORT CA_FILE VERSION(tls12|tls13) NUM_TICKETS
 * Prints one line per check ("ok: ..." / "FAIL: ...") and exits non-zero on any failure.
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

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (cond) {                                        \
            printf("ok: ");                                \
        } else {                                           \
            printf("FAIL (line %d): ", __LINE__);         \
            failures++;                                    \
        }                                                  \
        printf(__VA_ARGS__);                               \
        printf("\n");                                      \
        fflush(stdout);                                    \
    } while (0)

static mbedtls_ctr_drbg_context ctr_drbg;
static mbedtls_x509_crt cacert;
static const char *port;
static mbedtls_ssl_protocol_version version;
static int callback_count;

static void ticket_cb(void *p, mbedtls_ssl_context *ssl, const mbedtls_ssl_session *session)
{
    size_t len = 0;
    (void) ssl;
    /* The session is usable inside the callback: it can be serialised. */
    if (mbedtls_ssl_session_save(session, NULL, 0, &len) == MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL && len > 0) {
        (*(int *) p)++;
    }
}

static void setup_conf(mbedtls_ssl_config *conf, int signal, int callback)
{
    mbedtls_ssl_config_init(conf);
    mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_ca_chain(conf, &cacert, NULL);
    mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_min_tls_version(conf, version);
    mbedtls_ssl_conf_max_tls_version(conf, version);
    if (signal) {
        mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
    }
    if (callback) {
        mbedtls_compat_ssl_conf_new_session_ticket_cb(conf, ticket_cb, &callback_count);
    }
}

/*
 * One connection: offers `offer` (may be NULL), sends a request, reads the whole page,
 * counting RECEIVED_NEW_SESSION_TICKET; copies the session into `out` (if not NULL) right
 * after the handshake (TLS 1.2) or at each ticket signal (TLS 1.3).
 * Returns 0 on success; *resumed and *signals are set; the page is checked for "Reused".
 */
static int connect_once(mbedtls_ssl_config *conf, const mbedtls_ssl_session *offer, mbedtls_ssl_session *out,
                        int *resumed, int *signals, int *page_reused, int free_early)
{
    mbedtls_net_context fd;
    mbedtls_ssl_context ssl;
    unsigned char buf[8192];
    size_t got = 0;
    int ret;

    *resumed = *signals = *page_reused = 0;
    mbedtls_net_init(&fd);
    mbedtls_ssl_init(&ssl);
    if ((ret = mbedtls_ssl_setup(&ssl, conf)) != 0 || (ret = mbedtls_ssl_set_hostname(&ssl, "localhost")) != 0) {
        goto out;
    }
    if (offer != NULL && (ret = mbedtls_ssl_set_session(&ssl, offer)) != 0) {
        goto out;
    }
    if ((ret = mbedtls_net_connect(&fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP)) != 0) {
        goto out;
    }
    mbedtls_ssl_set_bio(&ssl, &fd, mbedtls_net_send, mbedtls_net_recv, NULL);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            goto out;
        }
    }
    *resumed = mbedtls_compat_ssl_session_resumed(&ssl);
    if (offer != NULL) {
        CHECK(mbedtls_ssl_set_session(&ssl, offer) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "set_session after the handshake");
    }
    if (out != NULL && version == MBEDTLS_SSL_VERSION_TLS1_2) {
        if ((ret = mbedtls_ssl_get_session(&ssl, out)) != 0) {
            goto out;
        }
        CHECK(mbedtls_ssl_get_session(&ssl, out) == MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE,
              "get_session twice on one session gives FEATURE_UNAVAILABLE");
    }
    if (free_early) {
        /* End cleanly (a server drops sessions of connections cut without close_notify). */
        while ((ret = mbedtls_ssl_close_notify(&ssl)) == MBEDTLS_ERR_SSL_WANT_WRITE) {
        }
        goto out;
    }
    while ((ret = mbedtls_ssl_write(&ssl, (const unsigned char *) "GET / HTTP/1.0\r\n\r\n", 18)) <= 0) {
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            (*signals)++;
            if (out != NULL && (ret = mbedtls_ssl_get_session(&ssl, out)) != 0) {
                goto out;
            }
            continue;
        }
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            goto out;
        }
    }
    for (;;) {
        ret = mbedtls_ssl_read(&ssl, buf + got, sizeof(buf) - 1 - got);
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            (*signals)++;
            if (out != NULL && (ret = mbedtls_ssl_get_session(&ssl, out)) != 0) {
                goto out;
            }
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0) {
            ret = 0;
            break;
        }
        if (ret < 0) {
            goto out;
        }
        got += (size_t) ret;
        if (got >= sizeof(buf) - 1) {
            break;
        }
    }
    buf[got] = '\0';
    *page_reused = strstr((char *) buf, "Reused, TLSv1.") != NULL;
    CHECK(strstr((char *) buf, "Cipher is") != NULL, "the page was read completely (%u bytes)", (unsigned) got);
    mbedtls_ssl_close_notify(&ssl);
out:
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&fd);
    return ret;
}

static void load_robustness(const mbedtls_ssl_session *session)
{
    unsigned char *blob;
    size_t len = 0, i, n_trunc_ok = 0, n_flip_ok = 0;
    mbedtls_ssl_session s;
    int ret;

    CHECK(mbedtls_ssl_session_save(session, NULL, 0, &len) == MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL && len > 0,
          "save(NULL, 0, &olen) reports the size (%u)", (unsigned) len);
    blob = calloc(1, len + 16);
    memset(blob, 0xA5, len + 16);
    {
        size_t olen = 0;
        CHECK(mbedtls_ssl_session_save(session, blob, len - 1, &olen) == MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL &&
              olen == len && blob[0] == 0xA5, "a one-byte-short buffer is not written");
    }
    CHECK(mbedtls_ssl_session_save(session, blob, len, &len) == 0, "save");
    CHECK(blob[len] == 0xA5, "save never writes past the size it reported");
    for (i = 0; i < len; i++) {
        mbedtls_ssl_session_init(&s);
        ret = mbedtls_ssl_session_load(&s, blob, i);
        n_trunc_ok += ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
        mbedtls_ssl_session_free(&s);
    }
    CHECK(n_trunc_ok == len, "every truncation 0..%u gives BAD_INPUT_DATA (%u of %u)", (unsigned) len - 1,
          (unsigned) n_trunc_ok, (unsigned) len);
    for (i = 0; i < 10; i++) {
        unsigned char saved = blob[i];
        blob[i] ^= 0xFF;
        mbedtls_ssl_session_init(&s);
        ret = mbedtls_ssl_session_load(&s, blob, len);
        n_flip_ok += ret == MBEDTLS_ERR_SSL_VERSION_MISMATCH || ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
        CHECK(mbedtls_ssl_session_get_ciphersuite_id(&s) == 0, "a failed load leaves the session empty");
        mbedtls_ssl_session_free(&s);
        blob[i] = saved;
    }
    CHECK(n_flip_ok == 10, "flipping each header byte gives VERSION_MISMATCH or BAD_INPUT_DATA");
    blob[len] = 0;
    mbedtls_ssl_session_init(&s);
    CHECK(mbedtls_ssl_session_load(&s, blob, len + 1) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "trailing bytes are refused");
    CHECK(mbedtls_ssl_session_load(&s, blob, len) == 0, "the intact blob loads");
    CHECK(mbedtls_ssl_session_get_ciphersuite_id(&s) == mbedtls_ssl_session_get_ciphersuite_id(session),
          "the loaded session has the same cipher suite");
    mbedtls_ssl_session_free(&s);
    CHECK(mbedtls_ssl_session_load(NULL, blob, len) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "load into NULL");
    free(blob);
}

static void wrong_use(void)
{
    mbedtls_ssl_config conf, srv;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_session s;
    size_t olen = 0;
    int64_t t;

    setup_conf(&conf, 0, 0);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_session_init(&s);
    mbedtls_ssl_setup(&ssl, &conf);
    CHECK(mbedtls_ssl_get_session(&ssl, &s) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "get_session before the handshake");
    CHECK(mbedtls_ssl_session_save(&s, NULL, 0, &olen) == MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE, "save of an empty session");
    CHECK(mbedtls_ssl_session_save(NULL, NULL, 0, &olen) == MBEDTLS_ERR_SSL_INTERNAL_ERROR, "save of NULL (as 3.6)");
    CHECK(mbedtls_ssl_set_session(&ssl, &s) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "set_session with an empty session");
    CHECK(mbedtls_ssl_set_session(NULL, &s) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "set_session on NULL");
    CHECK(mbedtls_ssl_session_get_id_len(&s) == 0 && mbedtls_ssl_session_get_id(&s) == NULL, "accessors of an empty session");
    CHECK(mbedtls_ssl_session_get_ticket_creation_time(&s, &t) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "creation time of an empty session");
    mbedtls_ssl_free(&ssl);

    mbedtls_ssl_config_init(&srv);
    mbedtls_ssl_config_defaults(&srv, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_rng(&srv, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_setup(&ssl, &srv);
    CHECK(mbedtls_ssl_get_session(&ssl, &s) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "get_session on a server");
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&srv);
    mbedtls_ssl_session_free(&s);
    mbedtls_ssl_session_free(&s);
    mbedtls_ssl_session_free(NULL);
    mbedtls_ssl_config_free(&conf);
}

int main(int argc, char *argv[])
{
    mbedtls_entropy_context entropy;
    mbedtls_ssl_config conf, conf_signal;
    mbedtls_ssl_session first, copy;
    int resumed, signals, page_reused, ret, expected_tickets;

    if (argc != 5) {
        fprintf(stderr, "usage: client_sessions PORT CA_FILE tls12|tls13 NUM_TICKETS\n");
        return 2;
    }
    port = argv[1];
    version = strcmp(argv[3], "tls13") == 0 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2;
    expected_tickets = atoi(argv[4]);

    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy, NULL, 0);
    if (mbedtls_x509_crt_parse_file(&cacert, argv[2]) != 0) {
        fprintf(stderr, "cannot load %s\n", argv[2]);
        return 2;
    }
    mbedtls_ssl_session_init(&first);
    mbedtls_ssl_session_init(&copy);

    wrong_use();

    if (version == MBEDTLS_SSL_VERSION_TLS1_3) {
        /* Default (3.6.1+): tickets are never signalled, the data is read. */
        setup_conf(&conf, 0, 0);
        ret = connect_once(&conf, NULL, NULL, &resumed, &signals, &page_reused, 0);
        CHECK(ret == 0 && signals == 0, "default config: no RECEIVED_NEW_SESSION_TICKET, page read (ret -0x%x)", (unsigned) -ret);
        mbedtls_ssl_config_free(&conf);

        /* Signalling on, and the callback: one signal and one callback per ticket. */
        setup_conf(&conf_signal, 1, 1);
        callback_count = 0;
        ret = connect_once(&conf_signal, NULL, &first, &resumed, &signals, &page_reused, 0);
        CHECK(ret == 0 && signals == expected_tickets, "signalling: %d signals for %d tickets", signals, expected_tickets);
        CHECK(callback_count == expected_tickets, "callback: %d calls for %d tickets", callback_count, expected_tickets);
        ret = connect_once(&conf_signal, &first, NULL, &resumed, &signals, &page_reused, 0);
        CHECK(ret == 0 && resumed && page_reused, "a later connection resumes from the signalled ticket (client %d, server %d)",
              resumed, page_reused);
        mbedtls_ssl_config_free(&conf_signal);
    } else {
        /* In-process copy: the copy outlives the connection it came from. */
        setup_conf(&conf, 0, 0);
        ret = connect_once(&conf, NULL, &first, &resumed, &signals, &page_reused, 1);
        CHECK(ret == 0 && !resumed, "first connection: full handshake, session copied, context freed");
        ret = connect_once(&conf, &first, NULL, &resumed, &signals, &page_reused, 0);
        CHECK(ret == 0 && resumed && page_reused, "second connection resumes from the copy (client %d, server %d)",
              resumed, page_reused);
        mbedtls_ssl_config_free(&conf);
    }

    if (mbedtls_ssl_session_get_ciphersuite_id(&first) != 0) {
        mbedtls_ssl_config srv;
        mbedtls_ssl_context ssl;
        mbedtls_ssl_config_init(&srv);
        mbedtls_ssl_config_defaults(&srv, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
        mbedtls_ssl_init(&ssl);
        mbedtls_ssl_setup(&ssl, &srv);
        CHECK(mbedtls_ssl_set_session(&ssl, &first) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "set_session on a server");
        mbedtls_ssl_free(&ssl);
        mbedtls_ssl_config_free(&srv);
        load_robustness(&first);
    } else {
        CHECK(0, "no session to test save/load with");
    }

    mbedtls_ssl_session_free(&first);
    mbedtls_ssl_session_free(&copy);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
}
