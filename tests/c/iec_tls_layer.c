/*
 * iec_tls_layer: a TLS layer shaped like those of IEC 60870-5-104 and IEC 61850 stacks that use
 * Mbed TLS 3.6 for IEC 62351-3, written against the Mbed TLS 3.6 API only (no extensions of this
 * library), to show that such code runs unchanged:
 *   - psa_crypto_init() first, mbedtls_psa_crypto_free() last;
 *   - a configuration object holding the own certificate and key, the CA chain, a list of
 *     known (allowed) peer certificates, optional CRLs, and two switches: chain validation, and
 *     "allow only known certificates";
 *   - a verify callback that logs every certificate with its flags, accepts a known peer
 *     certificate even without a valid chain (pinning: NOT_TRUSTED cleared) and refuses unknown
 *     ones when only known certificates are allowed (BADCERT_OTHER);
 *   - the server's own session cache (mbedtls_ssl_conf_session_cache over
 *     mbedtls_ssl_session_save / mbedtls_ssl_session_load into its own table);
 *   - the client's saved session (mbedtls_ssl_get_session + save, load + mbedtls_ssl_set_session
 *     on the next connection);
 *   - a renegotiation timer: when renego_ms have passed since the last handshake, the side that
 *     has it calls mbedtls_ssl_renegotiate (TLS 1.2 key renewal of IEC 62351-3).
 *
 * usage: iec_tls_layer mode=server|client port=N crt= key= ca= [key=value ...]
 *   crl=FILE (repeatable: each file's CRLs are added to one list)
 *   known=FILE (PEM certificates accepted without chain)  chain=0|1 (default 1)
 *   only_known=0|1  connections=N (default 1)  messages=N (client, default 3)
 *   renego_ms=N (0 = never)  max_version=tls12|tls13 (default tls12)  name=HOST (client)
 *   pause_ms=N (client: pause after each echo)  authmode=required|optional (default required)
 *   fail_code=HEX (the verify callback returns -HEX at depth 0, as a stack refusing a peer)
 * Prints one line per event ("verify: depth D flags 0x...", "handshake: <version> <suite>
 * flags 0x...", "crl: version V, issuer N bytes", "echo: <text>", "renegotiated: N", "session saved: N bytes, id XXXXXXXX",
 * "cache: stored|found|missing", "error: <function> -0x<code>") and "done" at the end. Every
 * line is flushed (test harnesses read them through a pipe).
 */
#include "mbedtls/build_info.h"
#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/error.h"
#include "psa/crypto.h"
#if defined(MBEDTLS_X509_CRL_PARSE_C)
#include "mbedtls/x509_crl.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SLOTS 8
#define SESSION_MAX 4096

struct cache_slot {
    unsigned char id[32];
    size_t id_len;
    unsigned char blob[SESSION_MAX];
    size_t blob_len;
};

/* The TLS configuration of the stack. */
struct tls_config {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt own_cert;
    mbedtls_pk_context own_key;
    mbedtls_x509_crt ca_chain;
    mbedtls_x509_crt known;
#if defined(MBEDTLS_X509_CRL_PARSE_C)
    mbedtls_x509_crl crl;
#endif
    int chain_validation;
    int only_known;
    int fail_code;
    struct cache_slot cache[CACHE_SLOTS];
    unsigned next_slot;
};

static void say(const char *fmt, const char *what, int ret)
{
    mbedtls_printf(fmt, what, (unsigned) -ret);
    fflush(stdout);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int is_known(const struct tls_config *cfg, const mbedtls_x509_crt *crt)
{
    for (const mbedtls_x509_crt *k = &cfg->known; k != NULL && k->raw.len > 0; k = k->next) {
        if (k->raw.len == crt->raw.len && memcmp(k->raw.p, crt->raw.p, crt->raw.len) == 0) {
            return 1;
        }
    }
    return 0;
}

static int verify_cb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct tls_config *cfg = p;
    mbedtls_printf("verify: depth %d flags 0x%08x\n", depth, (unsigned) *flags);
    if (!cfg->chain_validation) {
        *flags &= ~(uint32_t) MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    }
    if (depth == 0 && cfg->fail_code != 0) {
        mbedtls_printf("verify: failing with -0x%04x\n", (unsigned) cfg->fail_code);
        fflush(stdout);
        return -cfg->fail_code;
    }
    if (depth == 0) {
        if (is_known(cfg, crt)) {
            mbedtls_printf("verify: known certificate\n");
            *flags &= ~(uint32_t) MBEDTLS_X509_BADCERT_NOT_TRUSTED;
        } else if (cfg->only_known) {
            mbedtls_printf("verify: unknown certificate refused\n");
            *flags |= MBEDTLS_X509_BADCERT_OTHER;
        }
    }
    fflush(stdout);
    return 0;
}

static int cache_set(void *p, const unsigned char *id, size_t id_len, const mbedtls_ssl_session *session)
{
    struct tls_config *cfg = p;
    struct cache_slot *slot = &cfg->cache[cfg->next_slot++ % CACHE_SLOTS];
    if (id_len == 0 || id_len > sizeof(slot->id)) {
        return -1;
    }
    int ret = mbedtls_ssl_session_save(session, slot->blob, sizeof(slot->blob), &slot->blob_len);
    if (ret != 0) {
        slot->id_len = 0;
        return ret;
    }
    memcpy(slot->id, id, id_len);
    slot->id_len = id_len;
    mbedtls_printf("cache: stored %u bytes\n", (unsigned) slot->blob_len);
    fflush(stdout);
    return 0;
}

static int cache_get(void *p, const unsigned char *id, size_t id_len, mbedtls_ssl_session *session)
{
    struct tls_config *cfg = p;
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        struct cache_slot *slot = &cfg->cache[i];
        if (slot->id_len == id_len && id_len > 0 && memcmp(slot->id, id, id_len) == 0) {
            mbedtls_printf("cache: found\n");
            fflush(stdout);
            return mbedtls_ssl_session_load(session, slot->blob, slot->blob_len);
        }
    }
    mbedtls_printf("cache: missing\n");
    fflush(stdout);
    return -1;
}

struct options {
    int server;
    const char *port, *crt, *key, *ca, *crl, *known, *name;
    const char *more_crls[3];
    int chain, only_known, connections, messages, renego_ms, tls13, pause_ms, authmode, fail_code;
};

static int setup(struct tls_config *cfg, const struct options *o)
{
    int ret;
    if ((ret = mbedtls_ctr_drbg_seed(&cfg->drbg, mbedtls_entropy_func, &cfg->entropy,
                                     (const unsigned char *) "iec", 3)) != 0 ||
        (ret = mbedtls_x509_crt_parse_file(&cfg->own_cert, o->crt)) != 0 ||
        (ret = mbedtls_pk_parse_keyfile(&cfg->own_key, o->key, NULL, mbedtls_ctr_drbg_random,
                                        &cfg->drbg)) != 0 ||
        (ret = mbedtls_x509_crt_parse_file(&cfg->ca_chain, o->ca)) != 0) {
        say("error: %s -0x%04x\n", "loading", ret);
        return ret;
    }
    if (o->known != NULL && (ret = mbedtls_x509_crt_parse_file(&cfg->known, o->known)) != 0) {
        say("error: %s -0x%04x\n", "known certificates", ret);
        return ret;
    }
    void *crl = NULL;
#if defined(MBEDTLS_X509_CRL_PARSE_C)
    if (o->crl != NULL) {
        if ((ret = mbedtls_x509_crl_parse_file(&cfg->crl, o->crl)) != 0) {
            say("error: %s -0x%04x\n", "CRL", ret);
            return ret;
        }
        for (int i = 0; i < 3 && o->more_crls[i] != NULL; i++) {
            if ((ret = mbedtls_x509_crl_parse_file(&cfg->crl, o->more_crls[i])) != 0) {
                say("error: %s -0x%04x\n", "CRL", ret);
                return ret;
            }
        }
        /* The stacks walk the list like this to log what was loaded. */
        for (const mbedtls_x509_crl *c = &cfg->crl; c != NULL && c->version != 0; c = c->next) {
            mbedtls_printf("crl: version %d, issuer %u bytes\n", c->version, (unsigned) c->issuer_raw.len);
        }
        crl = &cfg->crl;
    }
#else
    if (o->crl != NULL) {
        mbedtls_printf("error: CRLs not supported\n");
        return -1;
    }
#endif
    ret = mbedtls_ssl_config_defaults(&cfg->conf, o->server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        say("error: %s -0x%04x\n", "mbedtls_ssl_config_defaults", ret);
        return ret;
    }
    cfg->chain_validation = o->chain;
    cfg->only_known = o->only_known;
    cfg->fail_code = o->fail_code;
    mbedtls_ssl_conf_rng(&cfg->conf, mbedtls_ctr_drbg_random, &cfg->drbg);
    mbedtls_ssl_conf_authmode(&cfg->conf, o->authmode);
    mbedtls_ssl_conf_ca_chain(&cfg->conf, &cfg->ca_chain, crl);
    mbedtls_ssl_conf_verify(&cfg->conf, verify_cb, cfg);
    mbedtls_ssl_conf_renegotiation(&cfg->conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    mbedtls_ssl_conf_max_tls_version(&cfg->conf, o->tls13 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_read_timeout(&cfg->conf, 100);
    /* IEC 62351-3: resumption by session ID, no session tickets. */
    mbedtls_ssl_conf_session_tickets(&cfg->conf, MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
    if (o->server) {
        mbedtls_ssl_conf_session_cache(&cfg->conf, cfg, cache_get, cache_set);
    }
    if ((ret = mbedtls_ssl_conf_own_cert(&cfg->conf, &cfg->own_cert, &cfg->own_key)) != 0) {
        say("error: %s -0x%04x\n", "mbedtls_ssl_conf_own_cert", ret);
    }
    return ret;
}

/* Reads one message, renegotiating when the timer says so; returns its length or an error. */
static int read_message(mbedtls_ssl_context *ssl, const struct options *o, long long *last_hs,
                        int *renegotiations, unsigned char *buf, size_t size, int wait_ms)
{
    long long until = now_ms() + wait_ms;
    for (;;) {
        if (o->renego_ms > 0 && now_ms() - *last_hs >= o->renego_ms) {
            int ret;
            while ((ret = mbedtls_ssl_renegotiate(ssl)) == MBEDTLS_ERR_SSL_WANT_READ ||
                   ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            }
            if (ret != 0) {
                say("error: %s -0x%04x\n", "mbedtls_ssl_renegotiate", ret);
                return ret;
            }
            *last_hs = now_ms();
            mbedtls_printf("renegotiated: %d\n", ++*renegotiations);
            fflush(stdout);
        }
        int ret = mbedtls_ssl_read(ssl, buf, size - 1);
        if (ret > 0) {
            buf[ret] = 0;
            return ret;
        }
        if (ret == MBEDTLS_ERR_SSL_TIMEOUT || ret == MBEDTLS_ERR_SSL_WANT_READ) {
            if (now_ms() > until) {
                return MBEDTLS_ERR_SSL_TIMEOUT;
            }
            continue;
        }
        return ret == 0 ? MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY : ret;
    }
}

static int handshake(mbedtls_ssl_context *ssl)
{
    int ret;
    long long until = now_ms() + 10000;
    while ((ret = mbedtls_ssl_handshake(ssl)) != 0) {
        /* The short read timeout of the configuration (for the renewal timer) also applies to
         * the handshake: a timeout there only means "call again", up to a deadline. */
        int again = ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
                    (ret == MBEDTLS_ERR_SSL_TIMEOUT && now_ms() < until);
        if (!again) {
            char text[160];
            mbedtls_strerror(ret, text, sizeof(text));
            mbedtls_printf("error: mbedtls_ssl_handshake -0x%04x (%s) flags 0x%08x\n", (unsigned) -ret, text,
                           (unsigned) mbedtls_ssl_get_verify_result(ssl));
            fflush(stdout);
            return ret;
        }
    }
    mbedtls_printf("handshake: %s %s flags 0x%08x\n", mbedtls_ssl_get_version(ssl), mbedtls_ssl_get_ciphersuite(ssl),
                   (unsigned) mbedtls_ssl_get_verify_result(ssl));
    fflush(stdout);
    return 0;
}

static int serve(struct tls_config *cfg, const struct options *o)
{
    mbedtls_net_context listener, conn;
    mbedtls_ssl_context ssl;
    unsigned char buf[1024];
    int ret;
    mbedtls_net_init(&listener);
    mbedtls_net_init(&conn);
    mbedtls_ssl_init(&ssl);
    if ((ret = mbedtls_net_bind(&listener, "127.0.0.1", o->port, MBEDTLS_NET_PROTO_TCP)) != 0 ||
        (ret = mbedtls_ssl_setup(&ssl, &cfg->conf)) != 0) {
        say("error: %s -0x%04x\n", "setup", ret);
        goto exit;
    }
    mbedtls_printf("listening\n");
    fflush(stdout);
    for (int n = 0; n < o->connections; n++) {
        mbedtls_net_free(&conn);
        mbedtls_ssl_session_reset(&ssl);
        if ((ret = mbedtls_net_accept(&listener, &conn, NULL, 0, NULL)) != 0) {
            say("error: %s -0x%04x\n", "mbedtls_net_accept", ret);
            goto exit;
        }
        mbedtls_ssl_set_bio(&ssl, &conn, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
        if (handshake(&ssl) != 0) {
            continue;
        }
        long long last_hs = now_ms();
        int renegotiations = 0;
        while ((ret = read_message(&ssl, o, &last_hs, &renegotiations, buf, sizeof(buf), 10000)) > 0) {
            mbedtls_printf("echo: %s", (char *) buf);
            fflush(stdout);
            if ((ret = mbedtls_ssl_write(&ssl, buf, (size_t) ret)) < 0) {
                break;
            }
        }
        if (ret != MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            say("error: %s -0x%04x\n", "connection", ret);
        }
        mbedtls_ssl_close_notify(&ssl);
    }
    ret = 0;
exit:
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&conn);
    mbedtls_net_free(&listener);
    return ret;
}

static int connect_all(struct tls_config *cfg, const struct options *o)
{
    static unsigned char saved[SESSION_MAX];
    size_t saved_len = 0;
    unsigned char buf[1024];
    int ret = 0;
    for (int n = 0; n < o->connections; n++) {
        mbedtls_net_context conn;
        mbedtls_ssl_context ssl;
        mbedtls_net_init(&conn);
        mbedtls_ssl_init(&ssl);
        if ((ret = mbedtls_ssl_setup(&ssl, &cfg->conf)) != 0 ||
            (ret = mbedtls_ssl_set_hostname(&ssl, o->name)) != 0 ||
            (ret = mbedtls_net_connect(&conn, "127.0.0.1", o->port, MBEDTLS_NET_PROTO_TCP)) != 0) {
            say("error: %s -0x%04x\n", "connect", ret);
            goto next;
        }
        mbedtls_ssl_set_bio(&ssl, &conn, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
        if (saved_len > 0) {
            mbedtls_ssl_session session;
            mbedtls_ssl_session_init(&session);
            if ((ret = mbedtls_ssl_session_load(&session, saved, saved_len)) != 0 ||
                (ret = mbedtls_ssl_set_session(&ssl, &session)) != 0) {
                say("error: %s -0x%04x\n", "restoring the session", ret);
            }
            mbedtls_ssl_session_free(&session);
        }
        if ((ret = handshake(&ssl)) != 0) {
            goto next;
        }
        long long last_hs = now_ms();
        int renegotiations = 0;
        for (int m = 0; m < o->messages; m++) {
            int len = snprintf((char *) buf, sizeof(buf), "message %d of connection %d\n", m + 1, n + 1);
            if ((ret = mbedtls_ssl_write(&ssl, buf, (size_t) len)) < 0) {
                say("error: %s -0x%04x\n", "mbedtls_ssl_write", ret);
                goto next;
            }
            ret = read_message(&ssl, o, &last_hs, &renegotiations, buf, sizeof(buf), 10000);
            if (ret < 0) {
                say("error: %s -0x%04x\n", "reading the echo", ret);
                goto next;
            }
            mbedtls_printf("echo: %s", (char *) buf);
            fflush(stdout);
            if (o->pause_ms > 0) {
                struct timespec pause = { o->pause_ms / 1000, (long) (o->pause_ms % 1000) * 1000000L };
                nanosleep(&pause, NULL);
            }
        }
        /* mbedtls_ssl_get_session may be called once per connection (Mbed TLS 3.x). */
        mbedtls_ssl_session session;
        mbedtls_ssl_session_init(&session);
        if ((ret = mbedtls_ssl_get_session(&ssl, &session)) == 0 &&
            (ret = mbedtls_ssl_session_save(&session, saved, sizeof(saved), &saved_len)) == 0) {
            const unsigned char *id = *mbedtls_ssl_session_get_id(&session);
            mbedtls_printf("session saved: %u bytes, id %02x%02x%02x%02x\n", (unsigned) saved_len, id[0], id[1],
                           id[2], id[3]);
        } else {
            say("error: %s -0x%04x\n", "saving the session", ret);
        }
        mbedtls_ssl_session_free(&session);
        mbedtls_ssl_close_notify(&ssl);
        ret = 0;
next:
        mbedtls_ssl_free(&ssl);
        mbedtls_net_free(&conn);
        if (ret != 0) {
            return ret;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = { 0, "4433", NULL, NULL, NULL, NULL, NULL, "localhost", { NULL, NULL, NULL },
                         1, 0, 1, 3, 0, 0, 0, MBEDTLS_SSL_VERIFY_REQUIRED, 0 };
    int crls = 0;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq == NULL) {
            mbedtls_printf("bad argument %s\n", argv[i]);
            return 2;
        }
        *eq = 0;
        const char *k = argv[i], *v = eq + 1;
        if (strcmp(k, "mode") == 0) o.server = strcmp(v, "server") == 0;
        else if (strcmp(k, "port") == 0) o.port = v;
        else if (strcmp(k, "crt") == 0) o.crt = v;
        else if (strcmp(k, "key") == 0) o.key = v;
        else if (strcmp(k, "ca") == 0) o.ca = v;
        else if (strcmp(k, "crl") == 0 && crls == 0) o.crl = v, crls++;
        else if (strcmp(k, "crl") == 0 && crls < 4) o.more_crls[crls++ - 1] = v;
        else if (strcmp(k, "known") == 0) o.known = v;
        else if (strcmp(k, "name") == 0) o.name = v;
        else if (strcmp(k, "chain") == 0) o.chain = atoi(v);
        else if (strcmp(k, "only_known") == 0) o.only_known = atoi(v);
        else if (strcmp(k, "connections") == 0) o.connections = atoi(v);
        else if (strcmp(k, "messages") == 0) o.messages = atoi(v);
        else if (strcmp(k, "renego_ms") == 0) o.renego_ms = atoi(v);
        else if (strcmp(k, "pause_ms") == 0) o.pause_ms = atoi(v);
        else if (strcmp(k, "authmode") == 0)
            o.authmode = strcmp(v, "optional") == 0 ? MBEDTLS_SSL_VERIFY_OPTIONAL : MBEDTLS_SSL_VERIFY_REQUIRED;
        else if (strcmp(k, "fail_code") == 0) o.fail_code = (int) strtol(v, NULL, 16);
        else if (strcmp(k, "max_version") == 0) o.tls13 = strcmp(v, "tls13") == 0;
        else {
            mbedtls_printf("unknown option %s\n", k);
            return 2;
        }
    }
    if (o.crt == NULL || o.key == NULL || o.ca == NULL) {
        mbedtls_printf("crt=, key= and ca= are required\n");
        return 2;
    }
    static struct tls_config cfg;
    int ret;
    psa_status_t status = psa_crypto_init();
    if (status != PSA_SUCCESS) {
        mbedtls_printf("error: psa_crypto_init %d\n", (int) status);
        return 1;
    }
    mbedtls_entropy_init(&cfg.entropy);
    mbedtls_ctr_drbg_init(&cfg.drbg);
    mbedtls_ssl_config_init(&cfg.conf);
    mbedtls_x509_crt_init(&cfg.own_cert);
    mbedtls_pk_init(&cfg.own_key);
    mbedtls_x509_crt_init(&cfg.ca_chain);
    mbedtls_x509_crt_init(&cfg.known);
#if defined(MBEDTLS_X509_CRL_PARSE_C)
    mbedtls_x509_crl_init(&cfg.crl);
#endif
    ret = setup(&cfg, &o);
    if (ret == 0) {
        ret = o.server ? serve(&cfg, &o) : connect_all(&cfg, &o);
    }
    mbedtls_printf("done\n");
#if defined(MBEDTLS_X509_CRL_PARSE_C)
    mbedtls_x509_crl_free(&cfg.crl);
#endif
    mbedtls_x509_crt_free(&cfg.known);
    mbedtls_x509_crt_free(&cfg.ca_chain);
    mbedtls_pk_free(&cfg.own_key);
    mbedtls_x509_crt_free(&cfg.own_cert);
    mbedtls_ssl_config_free(&cfg.conf);
    mbedtls_ctr_drbg_free(&cfg.drbg);
    mbedtls_entropy_free(&cfg.entropy);
    mbedtls_psa_crypto_free();
    return ret == 0 ? 0 : 1;
}
