/*
 * A server written for Mbed TLS 2.28 the way 2.28-era firmware is: it reads the public fields
 * of mbedtls_ssl_context (major_ver, minor_ver, state, conf), mbedtls_ssl_config (endpoint,
 * transport, authmode, versions), mbedtls_ssl_session (id, id_len in its own session cache
 * callbacks), mbedtls_x509_crt (raw.len, version in its verify callback) and mbedtls_x509_crl
 * (version, walking the list by next), and calls the 2.28 signatures
 * (mbedtls_pk_parse_keyfile without f_rng, mbedtls_ssl_conf_session_cache with 2.28's
 * callbacks).
 *
 *   legacy_228 serve PORT CERT_DIR   two connections (the second one meant to resume), then exit
 *   legacy_228 connect PORT CERT_DIR two connections to `openssl s_server -www` (the second one
 *                                    resuming), the handshake driven by ssl.state; with a
 *                                    5th argument "tls13": TLS 1.3 allowed (our edition only)
 *   legacy_228 bad CERT_DIR          bad input for the 2.28-only functions
 *
 * Built twice (Makefile): against Debian's Mbed TLS 2.28 and against this library's 2.28
 * edition. Lines starting with "= " are the transcript both must print alike (tests/interop.rs
 * compares them); lines starting with "# " are not compared: known differences, and checks only
 * our edition runs (calls that crash or store garbage in Mbed TLS 2.28). Exit status 0 when
 * every check passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counted_checks.h"

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/x509_crl.h"
#include "mbedtls/x509_crt.h"
#if defined(MBEDTLS_COMPAT_EDITION_2_28)
#include "mbedtls/compat_redis.h"
#endif

#define CODE(ret) ((unsigned int) ((ret) < 0 ? -(ret) : (ret)))

/* The application's own session cache: a few serialised sessions, 2.28 callbacks. */
#define SLOTS 4
struct slot {
    size_t id_len;
    unsigned char id[32];
    unsigned char blob[4096];
    size_t blob_len;
};
struct app_cache {
    struct slot slots[SLOTS];
    int used;
    int hits;
};

static int cache_get(void *p, mbedtls_ssl_session *session)
{
    struct app_cache *cache = p;
    int i;

    printf("= cache get: id_len %u\n", (unsigned) session->id_len);
    for (i = 0; i < cache->used; i++) {
        struct slot *s = &cache->slots[i];
        if (s->id_len == session->id_len && memcmp(s->id, session->id, s->id_len) == 0) {
            int ret = mbedtls_ssl_session_load(session, s->blob, s->blob_len);
            printf("= cache get: hit, load -0x%04X, id kept %d\n", CODE(ret),
                   session->id_len == s->id_len && memcmp(session->id, s->id, s->id_len) == 0);
            if (ret == 0) {
                cache->hits++;
            }
            return ret == 0 ? 0 : 1;
        }
    }
    printf("= cache get: miss\n");
    return 1;
}

static int cache_set(void *p, const mbedtls_ssl_session *session)
{
    struct app_cache *cache = p;
    struct slot *s;
    int ret;

    printf("= cache set: id_len %u, ciphersuite 0x%04X, compression %d, verify_result 0x%X\n",
           (unsigned) session->id_len, (unsigned) session->ciphersuite, session->compression,
           (unsigned) session->verify_result);
    if (session->id_len == 0 || session->id_len > 32 || cache->used == SLOTS) {
        return 1;
    }
    s = &cache->slots[cache->used];
    ret = mbedtls_ssl_session_save(session, s->blob, sizeof(s->blob), &s->blob_len);
    printf("= cache set: save -0x%04X\n", CODE(ret));
    if (ret != 0) {
        return 1;
    }
    s->id_len = session->id_len;
    memcpy(s->id, session->id, session->id_len);
    cache->used++;
    return 0;
}

static int verify_cb(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    (void) p;
    printf("= verify: depth %d, version %d, raw.len %u, flags 0x%X\n", depth, crt->version,
           (unsigned) crt->raw.len, (unsigned) *flags);
    return 0;
}

static void print_context(const char *when, const mbedtls_ssl_context *ssl,
                          const mbedtls_ssl_config *conf)
{
    printf("= %s: conf %s, version %d.%d, handshake over %d\n", when,
           ssl->conf == conf ? "ours" : ssl->conf == NULL ? "NULL" : "other",
           ssl->major_ver, ssl->minor_ver, ssl->state == MBEDTLS_SSL_HANDSHAKE_OVER);
}

static void print_config(const char *when, const mbedtls_ssl_config *conf)
{
    printf("= %s: endpoint %d, transport %d, authmode %d, max %d.%d\n", when, conf->endpoint,
           conf->transport, conf->authmode, conf->max_major_ver, conf->max_minor_ver);
}

static int serve(const char *port, const char *dir)
{
    mbedtls_net_context listen_fd, client_fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt srvcert, cacert;
    mbedtls_x509_crl crl;
    const mbedtls_x509_crl *c;
    mbedtls_pk_context pkey;
    static struct app_cache cache;
    char path[1024];
    int ret, n, i;
    const char msg[] = "hello from legacy_228\n";

    mbedtls_net_init(&listen_fd);
    mbedtls_net_init(&client_fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&srvcert);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_x509_crl_init(&crl);
    mbedtls_pk_init(&pkey);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);

    print_context("after init", &ssl, &conf);
    print_config("after config_init", &conf);

    ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy,
                                (const unsigned char *) "legacy_228", 10);
    CHECK(ret == 0);
    snprintf(path, sizeof(path), "%s/server-rsa.crt", dir);
    CHECK(mbedtls_x509_crt_parse_file(&srvcert, path) == 0);
    snprintf(path, sizeof(path), "%s/ca.crt", dir);
    CHECK(mbedtls_x509_crt_parse_file(&cacert, path) == 0);
    snprintf(path, sizeof(path), "%s/server-rsa.key", dir);
    ret = mbedtls_pk_parse_keyfile(&pkey, path, NULL);
    printf("= pk_parse_keyfile: -0x%04X\n", CODE(ret));
    snprintf(path, sizeof(path), "%s/crls.pem", dir);
    ret = mbedtls_x509_crl_parse_file(&crl, path);
    printf("= crl_parse_file: -0x%04X\n", CODE(ret));
    for (c = &crl, i = 0; c != NULL; c = c->next, i++) {
        printf("= crl %d: version %d, raw.len %u\n", i, c->version, (unsigned) c->raw.len);
    }

    ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    printf("= config_defaults: -0x%04X\n", CODE(ret));
    print_config("after config_defaults", &conf);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    print_config("after conf_authmode", &conf);
    printf("= min version %d.%d\n", conf.min_major_ver, conf.min_minor_ver);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_ca_chain(&conf, &cacert, &crl);
    mbedtls_ssl_conf_verify(&conf, verify_cb, NULL);
    mbedtls_ssl_conf_session_cache(&conf, &cache, cache_get, cache_set);
    CHECK(mbedtls_ssl_conf_own_cert(&conf, &srvcert, &pkey) == 0);

    ret = mbedtls_ssl_setup(&ssl, &conf);
    printf("= ssl_setup: -0x%04X\n", CODE(ret));
    print_context("after setup", &ssl, &conf);

    ret = mbedtls_net_bind(&listen_fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP);
    CHECK(ret == 0);
    if (ret != 0) {
        goto exit;
    }
    printf("Waiting for a remote connection\n");
    fflush(stdout);

    for (n = 1; n <= 2; n++) {
        int hits = cache.hits;
        ret = mbedtls_net_accept(&listen_fd, &client_fd, NULL, 0, NULL);
        CHECK(ret == 0);
        if (ret != 0) {
            break;
        }
        mbedtls_ssl_set_bio(&ssl, &client_fd, mbedtls_net_send, mbedtls_net_recv, NULL);
        while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
            if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
                break;
            }
        }
        printf("= connection %d: handshake -0x%04X, resumed %s, %s, %s\n", n, CODE(ret),
               cache.hits > hits ? "yes" : "no", mbedtls_ssl_get_version(&ssl),
               mbedtls_ssl_get_ciphersuite(&ssl));
        print_context("after handshake", &ssl, &conf);
        if (ret == 0) {
            do {
                ret = mbedtls_ssl_write(&ssl, (const unsigned char *) msg, sizeof(msg) - 1);
            } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
            printf("= write: %d\n", ret);
            do {
                ret = mbedtls_ssl_close_notify(&ssl);
            } while (ret == MBEDTLS_ERR_SSL_WANT_WRITE);
        }
        mbedtls_net_free(&client_fd);
        ret = mbedtls_ssl_session_reset(&ssl);
        printf("= session_reset: -0x%04X\n", CODE(ret));
        print_context("after session_reset", &ssl, &conf);
        fflush(stdout);
    }

exit:
    mbedtls_net_free(&client_fd);
    mbedtls_net_free(&listen_fd);
    mbedtls_ssl_free(&ssl);
    print_context("after free", &ssl, &conf);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&srvcert);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_x509_crl_free(&crl);
    mbedtls_pk_free(&pkey);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    printf("= done, failures %d\n", failures);
    return failures == 0 ? 0 : 1;
}

/* Reads the response of `openssl s_server -www` and prints its line about the session
 * ("New, ..." or "Reused, ..."). */
static int read_www_response(mbedtls_ssl_context *ssl)
{
    static char page[16384];
    size_t len = 0;
    int ret;
    char *line;

    do {
        ret = mbedtls_ssl_read(ssl, (unsigned char *) page + len, sizeof(page) - 1 - len);
        if (ret > 0) {
            len += (size_t) ret;
        }
    } while ((ret > 0 && len < sizeof(page) - 1) || ret == MBEDTLS_ERR_SSL_WANT_READ);
    page[len] = '\0';
    line = strstr(page, "\nNew, ");
    if (line == NULL) {
        line = strstr(page, "\nReused, ");
    }
    if (line == NULL) {
        printf("= response: %u bytes, no session line\n", (unsigned) len);
        return -1;
    }
    line++;
    line[strcspn(line, "\r\n")] = '\0';
    printf("= response: %s\n", line);
    return 0;
}

static int connect_twice(const char *port, const char *dir, int tls13)
{
    mbedtls_net_context fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt cacert;
    mbedtls_ssl_session saved;
    char path[1024];
    int ret, n, steps;
    const char get[] = "GET / HTTP/1.0\r\n\r\n";

    mbedtls_net_init(&fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_ssl_session_init(&saved);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);

    CHECK(mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy, NULL, 0) == 0);
    snprintf(path, sizeof(path), "%s/ca.crt", dir);
    CHECK(mbedtls_x509_crt_parse_file(&cacert, path) == 0);
    ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    printf("= client config_defaults: -0x%04X\n", CODE(ret));
    print_config("client config", &conf);
    if (tls13) {
        /* Our edition only (Mbed TLS 2.28 has no TLS 1.3). */
        mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, 4);
        print_config("client config, TLS 1.3 allowed", &conf);
    }
    mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    CHECK(mbedtls_ssl_setup(&ssl, &conf) == 0);
    CHECK(mbedtls_ssl_set_hostname(&ssl, "localhost") == 0);

    for (n = 1; n <= 2; n++) {
        ret = mbedtls_net_connect(&fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP);
        CHECK(ret == 0);
        if (ret != 0) {
            break;
        }
        mbedtls_ssl_set_bio(&ssl, &fd, mbedtls_net_send, mbedtls_net_recv, NULL);
        if (n == 2) {
            ret = mbedtls_ssl_set_session(&ssl, &saved);
            printf("= set_session: -0x%04X\n", CODE(ret));
        }
        /* The 2.28 way of driving a handshake step by step. */
        steps = 0;
        ret = 0;
        while (ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER && steps++ < 100) {
            ret = mbedtls_ssl_handshake_step(&ssl);
            if (ret != 0 && ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
                break;
            }
        }
        printf("= client connection %d: handshake -0x%04X, over %d, version %d.%d, %s, endpoint %d\n",
               n, CODE(ret), ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER, ssl.major_ver,
               ssl.minor_ver, mbedtls_ssl_get_version(&ssl), ssl.conf->endpoint);
        if (ret == 0) {
            if (n == 1 && !tls13) {
                ret = mbedtls_ssl_get_session(&ssl, &saved);
                printf("= get_session: -0x%04X, id_len %u\n", CODE(ret), (unsigned) saved.id_len);
                /* 2.28 hands the session out as often as asked (3.6: once). */
                ret = mbedtls_ssl_get_session(&ssl, &saved);
                printf("= get_session again: -0x%04X, id_len %u\n", CODE(ret), (unsigned) saved.id_len);
            }
            do {
                ret = mbedtls_ssl_write(&ssl, (const unsigned char *) get, sizeof(get) - 1);
            } while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
            CHECK(ret == (int) sizeof(get) - 1);
            CHECK(read_www_response(&ssl) == 0);
            if (n == 1 && tls13) {
                /* TLS 1.3: the ticket arrives after the handshake, with the data. */
                ret = mbedtls_ssl_get_session(&ssl, &saved);
                printf("= get_session after the response: -0x%04X\n", CODE(ret));
            }
        }
        mbedtls_ssl_close_notify(&ssl);
        mbedtls_net_free(&fd);
        CHECK(mbedtls_ssl_session_reset(&ssl) == 0);
    }

    mbedtls_net_free(&fd);
    mbedtls_ssl_session_free(&saved);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    printf("= done, failures %d\n", failures);
    return failures == 0 ? 0 : 1;
}

static int bad(const char *dir)
{
    mbedtls_pk_context pk;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_ssl_cache_context cache;
    mbedtls_ssl_session session;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_entropy_context entropy;
    unsigned char buf[400];
    char path[1024];
    int ret;

    mbedtls_pk_init(&pk);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_session_init(&session);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_entropy_init(&entropy);
    memset(buf, 0x41, sizeof(buf));

    /* pk_parse_key / _keyfile without f_rng. */
    ret = mbedtls_pk_parse_key(&pk, buf, 0, NULL, 0);
    printf("= pk_parse_key empty: -0x%04X\n", CODE(ret));
    snprintf(path, sizeof(path), "%s/does-not-exist.key", dir);
    ret = mbedtls_pk_parse_keyfile(&pk, path, NULL);
    printf("= pk_parse_keyfile missing file: -0x%04X\n", CODE(ret));
    snprintf(path, sizeof(path), "%s/server-rsa.pkcs1.key", dir);
    ret = mbedtls_pk_parse_keyfile(&pk, path, NULL);
    printf("= pk_parse_keyfile pkcs1: -0x%04X, type %d\n", CODE(ret), (int) mbedtls_pk_get_type(&pk));
    mbedtls_pk_free(&pk);
    mbedtls_pk_init(&pk);
    ret = mbedtls_pk_parse_key(&pk, buf, sizeof(buf), NULL, 0);
    printf("= pk_parse_key garbage: -0x%04X\n", CODE(ret) & 0xFF80);
    snprintf(path, sizeof(path), "%s/server-rsa.enc.key", dir);
    ret = mbedtls_pk_parse_keyfile(&pk, path, NULL);
    printf("= pk_parse_keyfile encrypted, no password: -0x%04X\n", CODE(ret));
    ret = mbedtls_pk_parse_keyfile(&pk, path, "wrong password");
    /* Not compared: Mbed TLS 2.28.3 cannot read a PBES2 key encrypted with AES-CBC at all
     * (MBEDTLS_ERR_PKCS5_FEATURE_UNAVAILABLE, right or wrong password); ours can, and says
     * MBEDTLS_ERR_PK_PASSWORD_MISMATCH, as 2.28 does for the keys it can read (README). */
    printf("# pk_parse_keyfile encrypted, wrong password: -0x%04X\n", CODE(ret));
    snprintf(path, sizeof(path), "%s/server-ec.key", dir);
    ret = mbedtls_pk_parse_keyfile(&pk, path, "unused password");
    printf("= pk_parse_keyfile unencrypted with password: -0x%04X\n", CODE(ret));

    /* The wrong order: connection calls before mbedtls_ssl_setup. */
    ret = mbedtls_ssl_handshake(&ssl);
    printf("= handshake before setup: -0x%04X\n", CODE(ret));
    ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf));
    printf("= read before setup: -0x%04X\n", CODE(ret));
    ret = mbedtls_ssl_write(&ssl, buf, 1);
    printf("= write before setup: -0x%04X\n", CODE(ret));
    ret = mbedtls_ssl_get_session(&ssl, &session);
    printf("= get_session before setup: -0x%04X\n", CODE(ret));
    print_context("context before setup", &ssl, &conf);

    /* The built-in cache's 2.28 callbacks: misses, IDs, sizes. */
    session.id_len = 32;
    memset(session.id, 7, 32);
    ret = mbedtls_ssl_cache_get(&cache, &session);
    printf("= cache_get unknown id: %d\n", ret);
    session.id_len = 0;
    ret = mbedtls_ssl_cache_get(&cache, &session);
    printf("= cache_get id_len 0: %d\n", ret);

    /* ctr_drbg_update_ret: empty and oversized additional data. */
    ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0);
    printf("= ctr_drbg_seed: -0x%04X\n", CODE(ret));
    ret = mbedtls_ctr_drbg_update_ret(&drbg, buf, 0);
    printf("= ctr_drbg_update_ret 0 bytes: -0x%04X\n", CODE(ret));
    ret = mbedtls_ctr_drbg_update_ret(&drbg, buf, 32);
    printf("= ctr_drbg_update_ret 32 bytes: -0x%04X\n", CODE(ret));
    ret = mbedtls_ctr_drbg_update_ret(&drbg, buf, MBEDTLS_CTR_DRBG_MAX_SEED_INPUT + 1);
    printf("= ctr_drbg_update_ret %d bytes: -0x%04X\n", MBEDTLS_CTR_DRBG_MAX_SEED_INPUT + 1,
           CODE(ret));

    /* Configuration setters with values in range. */
    ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    printf("= config_defaults client: -0x%04X\n", CODE(ret));
    print_config("client defaults", &conf);
    mbedtls_ssl_conf_endpoint(&conf, MBEDTLS_SSL_IS_SERVER);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);
    print_config("after conf_endpoint server, authmode none", &conf);
    mbedtls_ssl_conf_session_cache(&conf, NULL, NULL, NULL);

#if defined(MBEDTLS_COMPAT_EDITION_2_28)
    /* Calls Mbed TLS 2.28 answers with a crash or by storing values it cannot use: our edition
     * refuses or ignores them (README, "The Mbed TLS 2.28 edition"). */
    ret = mbedtls_ssl_cache_get(NULL, &session);
    printf("# cache_get NULL cache: %d\n", ret);
    CHECK(ret == 1);
    ret = mbedtls_ssl_cache_get(&cache, NULL);
    printf("# cache_get NULL session: %d\n", ret);
    CHECK(ret == 1);
    ret = mbedtls_ssl_cache_set(NULL, &session);
    CHECK(ret == 1);
    ret = mbedtls_ssl_cache_set(&cache, NULL);
    CHECK(ret == 1);
    session.id_len = 33;
    ret = mbedtls_ssl_cache_get(&cache, &session);
    printf("# cache_get id_len 33: %d\n", ret);
    CHECK(ret == 1);
    ret = mbedtls_ssl_cache_set(&cache, &session);
    printf("# cache_set id_len 33 (empty session): %d\n", ret);
    CHECK(ret == 1);
    session.id_len = 0;
    {
        /* The Redis cache's 2.28 callbacks (nothing listens on port 1: Redis unreachable). */
        mbedtls_compat_redis_cache rc;
        mbedtls_compat_redis_cache_init(&rc);
        ret = mbedtls_compat_redis_cache_get(&rc, &session);
        printf("# redis cache_get before setup: -0x%04X\n", CODE(ret));
        CHECK(ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        CHECK(mbedtls_compat_redis_cache_setup(&rc, "redis://127.0.0.1:1/0", "tls:", 60, 50) == 0);
        CHECK(mbedtls_compat_redis_cache_get(NULL, &session) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        CHECK(mbedtls_compat_redis_cache_get(&rc, NULL) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        CHECK(mbedtls_compat_redis_cache_set(&rc, NULL) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        CHECK(mbedtls_compat_redis_cache_get(&rc, &session) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA); /* id_len 0 */
        session.id_len = 33;
        ret = mbedtls_compat_redis_cache_get(&rc, &session);
        printf("# redis cache_get id_len 33: -0x%04X\n", CODE(ret));
        CHECK(ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        session.id_len = 32;
        memset(session.id, 7, sizeof(session.id));
        ret = mbedtls_compat_redis_cache_get(&rc, &session);
        printf("# redis cache_get, Redis unreachable: %d\n", ret);
        CHECK(ret == 1); /* a miss, as 2.28's cache */
        ret = mbedtls_compat_redis_cache_set(&rc, &session);
        printf("# redis cache_set empty session: -0x%04X\n", CODE(ret));
        CHECK(ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        session.id_len = 0;
        mbedtls_ssl_conf_session_cache(&conf, &rc, mbedtls_compat_redis_cache_get, mbedtls_compat_redis_cache_set);
        mbedtls_ssl_conf_session_cache(&conf, NULL, NULL, NULL);
        mbedtls_compat_redis_cache_free(&rc);
    }
    mbedtls_ssl_conf_session_cache(NULL, &cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
    mbedtls_ssl_conf_session_cache(&conf, NULL, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
    mbedtls_ssl_conf_session_cache(&conf, &cache, NULL, mbedtls_ssl_cache_set);
    ret = mbedtls_pk_parse_key(NULL, buf, sizeof(buf), NULL, 0);
    printf("# pk_parse_key NULL context: -0x%04X\n", CODE(ret));
    CHECK(ret == MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    ret = mbedtls_pk_parse_key(&pk, NULL, 10, NULL, 0);
    printf("# pk_parse_key NULL key: -0x%04X\n", CODE(ret));
    CHECK(ret == MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    ret = mbedtls_pk_parse_keyfile(&pk, NULL, NULL);
    printf("# pk_parse_keyfile NULL path: -0x%04X\n", CODE(ret));
    CHECK(ret == MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    ret = mbedtls_ctr_drbg_update_ret(NULL, buf, 16);
    printf("# ctr_drbg_update_ret NULL context: -0x%04X\n", CODE(ret));
    CHECK(ret != 0);
    {
        mbedtls_ctr_drbg_context unseeded;
        mbedtls_ctr_drbg_init(&unseeded);
        ret = mbedtls_ctr_drbg_update_ret(&unseeded, buf, 16);
        printf("# ctr_drbg_update_ret before seed: -0x%04X\n", CODE(ret));
        mbedtls_ctr_drbg_free(&unseeded);
    }
    /* Versions that do not exist: ignored, the fields keep the versions in effect. */
    mbedtls_ssl_conf_max_version(&conf, 2, 3);
    mbedtls_ssl_conf_max_version(&conf, 3, 9);
    mbedtls_ssl_conf_min_version(&conf, 3, 1);
    mbedtls_ssl_conf_min_version(&conf, 4, 3);
    printf("# versions after bad setters: min %d.%d max %d.%d\n", conf.min_major_ver,
           conf.min_minor_ver, conf.max_major_ver, conf.max_minor_ver);
    CHECK(conf.min_major_ver == 3 && conf.min_minor_ver == 3);
    CHECK(conf.max_major_ver == 3 && conf.max_minor_ver == 3);
    mbedtls_ssl_conf_max_version(&conf, 3, 4);
    printf("# max after conf_max_version 3.4: %d.%d\n", conf.max_major_ver, conf.max_minor_ver);
    mbedtls_ssl_conf_endpoint(&conf, 7);
    mbedtls_ssl_conf_authmode(&conf, 9);
    CHECK(conf.endpoint == MBEDTLS_SSL_IS_SERVER && conf.authmode == MBEDTLS_SSL_VERIFY_NONE);
    ret = mbedtls_ssl_config_defaults(&conf, 5, MBEDTLS_SSL_TRANSPORT_STREAM, 0);
    printf("# config_defaults endpoint 5: -0x%04X\n", CODE(ret));
    CHECK(ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA && conf.endpoint == MBEDTLS_SSL_IS_SERVER);
    ret = mbedtls_ssl_config_defaults(NULL, 0, 0, 0);
    CHECK(ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    ret = mbedtls_ssl_session_reset(&ssl);
    printf("# session_reset before setup: -0x%04X\n", CODE(ret));
    CHECK(ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(mbedtls_ssl_setup(&ssl, &conf) == 0);
    CHECK(ssl.conf == &conf && ssl.major_ver == 0 && ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER);
    ret = mbedtls_ssl_setup(&ssl, &conf);
    printf("# second ssl_setup: -0x%04X\n", CODE(ret));
    CHECK(ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    mbedtls_ssl_free(&ssl);
    CHECK(ssl.conf == NULL);
    mbedtls_ssl_config_free(&conf);
    CHECK(conf.endpoint == 0 && conf.max_major_ver == 0);
#endif

    mbedtls_pk_free(&pk);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_session_free(&session);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    printf("= done, failures %d\n", failures);
    return failures == 0 ? 0 : 1;
}

int main(int argc, char *argv[])
{
    if (argc == 4 && strcmp(argv[1], "serve") == 0) {
        return serve(argv[2], argv[3]);
    }
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "connect") == 0) {
        return connect_twice(argv[2], argv[3], argc == 5 && strcmp(argv[4], "tls13") == 0);
    }
    if (argc == 3 && strcmp(argv[1], "bad") == 0) {
        return bad(argv[2]);
    }
    fprintf(stderr, "usage: legacy_228 serve|connect PORT CERT_DIR [tls13] | legacy_228 bad CERT_DIR\n");
    return 2;
}
