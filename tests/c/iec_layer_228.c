/*
 * A TLS layer shaped like the Mbed TLS 2.28 TLS layers of IEC 60870-5-104 / IEC 61850 stacks,
 * written for Mbed TLS 2.28 only. What those layers do and this program does too:
 *   - one configuration set up once; per connection a byte copy of it (memcpy) that gets the
 *     connection's own verify callback parameter and session cache accessor, then
 *     mbedtls_ssl_setup with the copy; the copy is never freed (Mbed TLS needs no free of a
 *     shallow copy);
 *   - a verify callback reading crt->raw and crt->sig;
 *   - 2.28 session cache callbacks reading session->id / id_len and the connection's
 *     ssl.major_ver / ssl.minor_ver, storing sessions with mbedtls_ssl_session_save/load;
 *   - a server-initiated renegotiation (IEC 62351-3 key renewal) followed by polling
 *     ssl.renego_status against ssl_internal.h's MBEDTLS_SSL_RENEGOTIATION_* values on a
 *     non-blocking socket, while a second connection came and went.
 *
 *   iec_layer_228 serve PORT CERT_DIR    connections A and B (B resumes A's session), B
 *                                        closes, A renegotiates in full, then exit
 *   iec_layer_228 connect PORT CERT_DIR  the client side of the same
 * With a 4th argument "builtin" on both sides, the server uses the built-in cache the way an
 * IEC 61850 stack's layer does: it sets `cache.timeout` directly, and before a third connection C
 * (offering A's session) it expires every entry by walking `cache.chain` and zeroing each
 * `timestamp` (what the layer does when its CRL changes), so C gets a full handshake.
 *
 * Built twice (Makefile): against Debian's Mbed TLS 2.28 and against this library's 2.28
 * edition; tests/edition_2_28.rs runs each server with each client and compares the lines
 * starting with "= ". Lines starting with "# " are not compared (timing-dependent). Exit status
 * 0 when every check passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counted_checks.h"

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/ssl_internal.h"
#include "mbedtls/x509_crt.h"

#define CODE(ret) ((unsigned int) ((ret) < 0 ? -(ret) : (ret)))

/* The layer's configuration, set up once. */
struct layer_config {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_x509_crt own_cert;
    mbedtls_x509_crt ca;
    mbedtls_pk_context own_key;
    mbedtls_ssl_config conf;
    /* Server: one stored session (the layer's cache), serialised. */
    unsigned char id[32];
    size_t id_len;
    unsigned char *blob;
    size_t blob_len;
    /* Server: the built-in cache instead of the callbacks above ("builtin"), or NULL. */
    mbedtls_ssl_cache_context *builtin;
};

/* One connection: its context and its own byte copy of the configuration. */
struct connection {
    const char *name;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_net_context fd;
    struct layer_config *cfg;
    int verify_calls;
    int cache_hits;
    int renegotiating;
};

static int verify_cb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct connection *c = p;

    c->verify_calls++;
    /* The layers compare certificates by crt->sig (the signature value, the DER's last bytes). */
    printf("= %s: verify depth %d, raw.len %u, sig.len %u, sig tag %d, sig ends raw %d, flags 0x%08x\n",
           c->name, depth, (unsigned) crt->raw.len, (unsigned) crt->sig.len, crt->sig.tag,
           crt->sig.p + crt->sig.len == crt->raw.p + crt->raw.len, (unsigned) *flags);
    return 0;
}

static int cache_get(void *p, mbedtls_ssl_session *session)
{
    struct connection *c = p;
    struct layer_config *cfg = c->cfg;
    int ret;

    /* 2.28 sets the version before the lookup; not compared (see tests/edition_2_28.rs). */
    printf("# %s: cache get at version %d.%d\n", c->name, c->ssl.major_ver, c->ssl.minor_ver);
    if (cfg->blob == NULL || session->id_len != cfg->id_len ||
        memcmp(session->id, cfg->id, cfg->id_len) != 0) {
        printf("= %s: cache get: miss\n", c->name);
        return 1;
    }
    mbedtls_ssl_session_free(session);
    mbedtls_ssl_session_init(session);
    ret = mbedtls_ssl_session_load(session, cfg->blob, cfg->blob_len);
    printf("= %s: cache get: hit, session_load -0x%04X\n", c->name, CODE(ret));
    if (ret != 0) {
        return 1;
    }
    c->cache_hits++;
    return 0;
}

static int cache_set(void *p, const mbedtls_ssl_session *session)
{
    struct connection *c = p;
    struct layer_config *cfg = c->cfg;
    size_t len = 0;
    int ret;

    printf("# %s: cache set at version %d.%d\n", c->name, c->ssl.major_ver, c->ssl.minor_ver);
    if (session->id_len == 0 || session->id_len > sizeof(cfg->id)) {
        return 1;
    }
    ret = mbedtls_ssl_session_save(session, NULL, 0, &len);
    if (ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL || len == 0) {
        return 1;
    }
    mbedtls_free(cfg->blob);
    cfg->blob = mbedtls_calloc(1, len);
    if (cfg->blob == NULL) {
        return 1;
    }
    ret = mbedtls_ssl_session_save(session, cfg->blob, len, &cfg->blob_len);
    memcpy(cfg->id, session->id, session->id_len);
    cfg->id_len = session->id_len;
    /* Also the new session of a full renegotiation. */
    printf("= %s: cache set: id_len %u, session_save -0x%04X%s\n", c->name, (unsigned) session->id_len,
           CODE(ret), c->renegotiating ? " (renegotiated)" : "");
    return ret == 0 ? 0 : 1;
}

/* The layers configure their suites (IEC 62351-4's list); the one both libraries have. */
static const int suites[] = { MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 0 };

static int layer_config_setup(struct layer_config *cfg, int endpoint, const char *dir)
{
    char path[1024];
    const char *own = endpoint == MBEDTLS_SSL_IS_SERVER ? "server-rsa" : "client";
    int ret;

    memset(cfg, 0, sizeof(*cfg));
    mbedtls_entropy_init(&cfg->entropy);
    mbedtls_ctr_drbg_init(&cfg->ctr_drbg);
    mbedtls_x509_crt_init(&cfg->own_cert);
    mbedtls_x509_crt_init(&cfg->ca);
    mbedtls_pk_init(&cfg->own_key);
    mbedtls_ssl_config_init(&cfg->conf);

    CHECK(mbedtls_ctr_drbg_seed(&cfg->ctr_drbg, mbedtls_entropy_func, &cfg->entropy, NULL, 0) == 0);
    snprintf(path, sizeof(path), "%s/%s.crt", dir, own);
    CHECK(mbedtls_x509_crt_parse_file(&cfg->own_cert, path) == 0);
    snprintf(path, sizeof(path), "%s/%s.key", dir, own);
    CHECK(mbedtls_pk_parse_keyfile(&cfg->own_key, path, NULL) == 0);
    snprintf(path, sizeof(path), "%s/ca.crt", dir);
    CHECK(mbedtls_x509_crt_parse_file(&cfg->ca, path) == 0);

    ret = mbedtls_ssl_config_defaults(&cfg->conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    CHECK(ret == 0);
    mbedtls_ssl_conf_rng(&cfg->conf, mbedtls_ctr_drbg_random, &cfg->ctr_drbg);
    mbedtls_ssl_conf_authmode(&cfg->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_renegotiation(&cfg->conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    mbedtls_ssl_conf_legacy_renegotiation(&cfg->conf, MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION);
    mbedtls_ssl_conf_min_version(&cfg->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&cfg->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(&cfg->conf, suites);
    mbedtls_ssl_conf_ca_chain(&cfg->conf, &cfg->ca, NULL);
    CHECK(mbedtls_ssl_conf_own_cert(&cfg->conf, &cfg->own_cert, &cfg->own_key) == 0);
    return failures;
}

static void layer_config_free(struct layer_config *cfg)
{
    mbedtls_ssl_config_free(&cfg->conf);
    mbedtls_pk_free(&cfg->own_key);
    mbedtls_x509_crt_free(&cfg->ca);
    mbedtls_x509_crt_free(&cfg->own_cert);
    mbedtls_ctr_drbg_free(&cfg->ctr_drbg);
    mbedtls_entropy_free(&cfg->entropy);
    mbedtls_free(cfg->blob);
}

/* A connection with its own copy of the configuration (the layers' memcpy). */
static struct connection *connection_new(struct layer_config *cfg, const char *name)
{
    struct connection *c = mbedtls_calloc(1, sizeof(*c));

    if (c == NULL) {
        return NULL;
    }
    c->name = name;
    c->cfg = cfg;
    mbedtls_net_init(&c->fd);
    mbedtls_ssl_init(&c->ssl);
    memcpy(&c->conf, &cfg->conf, sizeof(mbedtls_ssl_config));
    mbedtls_ssl_conf_verify(&c->conf, verify_cb, c);
    if (c->conf.endpoint == MBEDTLS_SSL_IS_SERVER && cfg->builtin != NULL) {
        mbedtls_ssl_conf_session_cache(&c->conf, cfg->builtin, mbedtls_ssl_cache_get,
                                       mbedtls_ssl_cache_set);
    } else if (c->conf.endpoint == MBEDTLS_SSL_IS_SERVER) {
        mbedtls_ssl_conf_session_cache(&c->conf, c, cache_get, cache_set);
    }
    CHECK(mbedtls_ssl_setup(&c->ssl, &c->conf) == 0);
    return c;
}

/* Frees the connection (NULL is fine); its copy of the configuration is not freed (the
 * layers' way). */
static void connection_free(struct connection *c)
{
    if (c == NULL) {
        return;
    }
    mbedtls_ssl_free(&c->ssl);
    mbedtls_net_free(&c->fd);
    mbedtls_free(c);
}

/* Frees what is left; prints the result line and returns the exit status. */
static int finish(struct connection *a, struct connection *b, struct layer_config *cfg)
{
    connection_free(a);
    connection_free(b);
    layer_config_free(cfg);
    printf("= done, failures %d\n", failures);
    return failures == 0 ? 0 : 1;
}

static int handshake(struct connection *c)
{
    int ret;

    mbedtls_ssl_set_bio(&c->ssl, &c->fd, mbedtls_net_send, mbedtls_net_recv, NULL);
    while ((ret = mbedtls_ssl_handshake(&c->ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            break;
        }
    }
    printf("= %s: handshake -0x%04X, %s, %s, version %d.%d, renego_status %d\n", c->name,
           CODE(ret), mbedtls_ssl_get_version(&c->ssl), mbedtls_ssl_get_ciphersuite(&c->ssl),
           c->ssl.major_ver, c->ssl.minor_ver, c->ssl.renego_status);
    return ret;
}

static int write_all(struct connection *c, const char *text)
{
    int ret;

    do {
        ret = mbedtls_ssl_write(&c->ssl, (const unsigned char *) text, strlen(text));
    } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    return ret;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Reads one message on a non-blocking socket, up to 10 s; prints renego_status changes. */
static int read_message(struct connection *c, char *buf, size_t size)
{
    int ret, last = c->ssl.renego_status, waited;

    for (waited = 0; waited < 10000; waited += 5) {
        ret = mbedtls_ssl_read(&c->ssl, (unsigned char *) buf, size - 1);
        if (c->ssl.renego_status != last) {
            printf("# %s: renego_status %d -> %d\n", c->name, last, c->ssl.renego_status);
            last = c->ssl.renego_status;
        }
        if (ret > 0) {
            buf[ret] = '\0';
            return ret;
        }
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            return ret;
        }
        sleep_ms(5);
    }
    return MBEDTLS_ERR_SSL_TIMEOUT;
}

/* Prints the built-in cache's entry list (2.28's public `chain`); with `expire`, zeroes every
 * entry's timestamp first. Returns the number of entries. */
static int walk_chain(mbedtls_ssl_cache_context *cache, const char *prefix, int expire)
{
    mbedtls_ssl_cache_entry *cur;
    int n = 0;

    for (cur = cache->chain; cur != NULL; cur = cur->next, n++) {
        if (expire) {
            cur->timestamp = 0;
        }
        printf("%s entry %d: id_len %u, ciphersuite 0x%04X, timestamp %s\n", prefix, n,
               (unsigned) cur->session.id_len, (unsigned) cur->session.ciphersuite,
               cur->timestamp == 0 ? "0" : "set");
    }
    printf("%s cache chain: %d entries, timeout %d, max_entries %d\n", prefix, n, cache->timeout,
           cache->max_entries);
    return n;
}

static int serve(const char *port, const char *dir, int builtin)
{
    static struct layer_config cfg;
    static mbedtls_ssl_cache_context cache;
    mbedtls_net_context listen_fd;
    struct connection *a = NULL, *b = NULL, *c = NULL;
    char buf[256];
    int ret, waited;

    mbedtls_net_init(&listen_fd);
    layer_config_setup(&cfg, MBEDTLS_SSL_IS_SERVER, dir);
    mbedtls_ssl_cache_init(&cache);
    if (builtin) {
        printf("= builtin cache: timeout %d, max_entries %d\n", cache.timeout, cache.max_entries);
        cache.timeout = 3600; /* set directly, as the layer does */
        cfg.builtin = &cache;
    }
    ret = mbedtls_net_bind(&listen_fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP);
    CHECK(ret == 0);
    if (ret != 0) {
        goto exit;
    }
    printf("Waiting for a remote connection\n");
    fflush(stdout);

    a = connection_new(&cfg, "A");
    b = connection_new(&cfg, "B");
    CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL) {
        goto exit;
    }
    CHECK(mbedtls_net_accept(&listen_fd, &a->fd, NULL, 0, NULL) == 0);
    CHECK(handshake(a) == 0);
    CHECK(mbedtls_net_accept(&listen_fd, &b->fd, NULL, 0, NULL) == 0);
    CHECK(handshake(b) == 0);
    /* Resumed: found by the layer's own cache, or (built-in cache) no certificate verified. */
    printf("= B: resumed %s\n",
           b->cache_hits > 0 || (builtin && b->verify_calls == 0) ? "yes" : "no");
    ret = read_message(b, buf, sizeof(buf));
    printf("= B: read %d (%s)\n", ret, ret > 0 ? buf : "");
    do {
        ret = mbedtls_ssl_close_notify(&b->ssl);
    } while (ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    connection_free(b);
    b = NULL;
    if (builtin) {
        walk_chain(&cache, "=", 0);
    }

    /* Key renewal on A: HelloRequest, then the renegotiation runs inside A's reads. */
    CHECK(mbedtls_net_set_nonblock(&a->fd) == 0);
    a->renegotiating = 1;
    ret = mbedtls_ssl_renegotiate(&a->ssl);
    printf("= A: renegotiate -0x%04X, renego_status %d (pending %d)\n", CODE(ret),
           a->ssl.renego_status, a->ssl.renego_status == MBEDTLS_SSL_RENEGOTIATION_PENDING);
    for (waited = 0; waited < 10000; waited += 5) {
        ret = mbedtls_ssl_read(&a->ssl, (unsigned char *) buf, sizeof(buf) - 1);
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            break;
        }
        if (a->ssl.renego_status != MBEDTLS_SSL_RENEGOTIATION_PENDING &&
            a->ssl.renego_status != MBEDTLS_SSL_RENEGOTIATION_IN_PROGRESS) {
            break;
        }
        sleep_ms(5);
    }
    printf("= A: renegotiation over: renego_status %d (done %d), state over %d, verify calls %d\n",
           a->ssl.renego_status, a->ssl.renego_status == MBEDTLS_SSL_RENEGOTIATION_DONE,
           a->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER, a->verify_calls);
    CHECK(write_all(a, "renewed\n") > 0);
    ret = read_message(a, buf, sizeof(buf));
    printf("= A: read %d (%s)\n", ret, ret > 0 ? buf : "");
    do {
        ret = mbedtls_ssl_close_notify(&a->ssl);
    } while (ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ);

    if (builtin) {
        /* A's first session and the one of its full renegotiation. */
        walk_chain(&cache, "=", 1);
        c = connection_new(&cfg, "C");
        CHECK(c != NULL);
        if (c == NULL) {
            goto exit;
        }
        CHECK(mbedtls_net_accept(&listen_fd, &c->fd, NULL, 0, NULL) == 0);
        CHECK(handshake(c) == 0);
        printf("= C: verify calls %d (full handshake: every entry expired)\n", c->verify_calls);
        do {
            ret = mbedtls_ssl_close_notify(&c->ssl);
        } while (ret == MBEDTLS_ERR_SSL_WANT_WRITE);
    }

exit:
    connection_free(c);
    mbedtls_net_free(&listen_fd);
    mbedtls_ssl_cache_free(&cache);
    return finish(a, b, &cfg);
}

static int connect_pair(const char *port, const char *dir, int third)
{
    static struct layer_config cfg;
    struct connection *a = NULL, *b = NULL, *c = NULL;
    mbedtls_ssl_session saved, now;
    char buf[256];
    int ret;

    mbedtls_ssl_session_init(&saved);
    mbedtls_ssl_session_init(&now);
    layer_config_setup(&cfg, MBEDTLS_SSL_IS_CLIENT, dir);
    a = connection_new(&cfg, "A");
    b = connection_new(&cfg, "B");
    CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL) {
        goto exit;
    }
    CHECK(mbedtls_ssl_set_hostname(&a->ssl, "localhost") == 0);
    CHECK(mbedtls_ssl_set_hostname(&b->ssl, "localhost") == 0);
    CHECK(mbedtls_net_connect(&a->fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP) == 0);
    CHECK(handshake(a) == 0);
    CHECK(mbedtls_ssl_get_session(&a->ssl, &saved) == 0);
    printf("= A: get_session id_len %u\n", (unsigned) saved.id_len);

    CHECK(mbedtls_net_connect(&b->fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP) == 0);
    CHECK(mbedtls_ssl_set_session(&b->ssl, &saved) == 0);
    CHECK(handshake(b) == 0);
    CHECK(write_all(b, "hello from B\n") > 0);
    ret = read_message(b, buf, sizeof(buf));
    printf("= B: read %d (peer closed %d)\n", ret, ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY);
    connection_free(b);
    b = NULL;

    /* A waits for the server's message; the HelloRequest comes first and A renegotiates
     * inside its read. */
    CHECK(mbedtls_net_set_nonblock(&a->fd) == 0);
    ret = read_message(a, buf, sizeof(buf));
    printf("= A: read %d (%s), renego_status %d, verify calls %d\n", ret, ret > 0 ? buf : "",
           a->ssl.renego_status, a->verify_calls);
    CHECK(write_all(a, "bye\n") > 0);
    ret = read_message(a, buf, sizeof(buf));
    printf("= A: read %d (peer closed %d)\n", ret, ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY);

    if (third) {
        /* C offers A's first session; the server expired it. */
        c = connection_new(&cfg, "C");
        CHECK(c != NULL);
        if (c == NULL) {
            goto exit;
        }
        CHECK(mbedtls_ssl_set_hostname(&c->ssl, "localhost") == 0);
        CHECK(mbedtls_net_connect(&c->fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP) == 0);
        CHECK(mbedtls_ssl_set_session(&c->ssl, &saved) == 0);
        CHECK(handshake(c) == 0);
        CHECK(mbedtls_ssl_get_session(&c->ssl, &now) == 0);
        printf("= C: resumed %s, verify calls %d\n",
               now.id_len == saved.id_len && memcmp(now.id, saved.id, now.id_len) == 0 ? "yes" : "no",
               c->verify_calls);
    }

exit:
    connection_free(c);
    mbedtls_ssl_session_free(&now);
    mbedtls_ssl_session_free(&saved);
    return finish(a, b, &cfg);
}

int main(int argc, char *argv[])
{
    int builtin = argc == 5 && strcmp(argv[4], "builtin") == 0;

    if ((argc == 4 || builtin) && strcmp(argv[1], "serve") == 0) {
        return serve(argv[2], argv[3], builtin);
    }
    if ((argc == 4 || builtin) && strcmp(argv[1], "connect") == 0) {
        return connect_pair(argv[2], argv[3], builtin);
    }
    fprintf(stderr, "usage: %s serve|connect PORT CERT_DIR [builtin]\n", argv[0]);
    return 2;
}
