/*
 * Bad input and wrong call order across the exported API: every case returns its documented
 * MBEDTLS_ERR_* code and nothing crashes, leaks or touches memory it should not (run under
 * valgrind --error-exitcode=1 --leak-check=full by tests/c_programs.rs).
 *
 * usage: bad_input CERT_DIR
 */
#include "mbedtls/version.h"
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
#include "mbedtls/pem.h"
#include "mbedtls/compat.h"
#include "mbedtls/compat_redis.h"

#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[512];

static const char *path(const char *name)
{
    static char buf[4][700];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
    return buf[i];
}

static unsigned char *read_all(const char *name, size_t *len)
{
    FILE *f = fopen(path(name), "rb");
    unsigned char *buf;
    long n;
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t) n + 1);
    *len = fread(buf, 1, (size_t) n, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

static int dummy_rng(void *p, unsigned char *out, size_t len)
{
    (void) p;
    memset(out, 0x42, len);
    return 0;
}

static void ssl_contexts(void)
{
    mbedtls_ssl_context ssl, zeroed;
    mbedtls_ssl_config conf, never;
    unsigned char buf[16];
    int suites[] = { MBEDTLS_TLS_RSA_WITH_AES_128_CBC_SHA, MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256, 0 };
    const char *empty_alpn[] = { "", NULL };
    char long_name[300];

    memset(&zeroed, 0, sizeof(zeroed));
    mbedtls_ssl_free(&zeroed);                 /* zeroed, never initialised: fine */
    mbedtls_ssl_free(NULL);
    mbedtls_ssl_config_free(NULL);

    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    EXPECT(mbedtls_ssl_config_defaults(NULL, MBEDTLS_SSL_IS_CLIENT, 0, 0), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_config_defaults(&conf, 7, MBEDTLS_SSL_TRANSPORT_STREAM, 0), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_DATAGRAM, 0),
           MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE);
    EXPECT(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                       MBEDTLS_SSL_PRESET_DEFAULT), 0);

    /* Calls before setup. */
    EXPECT(mbedtls_ssl_read(&ssl, buf, sizeof(buf)), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_write(&ssl, buf, sizeof(buf)), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_handshake(&ssl), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_get_verify_result(&ssl), 0xFFFFFFFFu);
    EXPECT(mbedtls_ssl_get_ciphersuite(&ssl) == NULL, 1);

    /* NULL contexts and buffers. */
    EXPECT(mbedtls_ssl_setup(NULL, &conf), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_setup(&ssl, NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    mbedtls_ssl_config_init(&never);
    mbedtls_ssl_config_free(&never);
    EXPECT(mbedtls_ssl_setup(&ssl, &never), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_read(NULL, buf, 1), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_handshake(NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_close_notify(NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_get_bytes_avail(NULL), 0);
    EXPECT(mbedtls_ssl_get_verify_result(NULL), 0xFFFFFFFFu);
    EXPECT(mbedtls_ssl_get_version(NULL) != NULL, 1);
    EXPECT(mbedtls_compat_ssl_session_resumed(NULL), 0);

    /* Setup, then setup twice. */
    EXPECT(mbedtls_ssl_setup(&ssl, &conf), 0);
    EXPECT(mbedtls_ssl_setup(&ssl, &conf), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_read(&ssl, NULL, 10), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_write(&ssl, NULL, 10), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);

    /* Handshake without a BIO, without an RNG, without a host name under VERIFY_REQUIRED. */
    EXPECT(mbedtls_ssl_handshake(&ssl), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    memset(long_name, 'a', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = 0;
    EXPECT(mbedtls_ssl_set_hostname(&ssl, long_name), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_set_hostname(&ssl, "not a host name"), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_free(&ssl);                    /* double free: fine */

    mbedtls_ssl_init(&ssl);
    EXPECT(mbedtls_ssl_setup(&ssl, &conf), 0);
    mbedtls_ssl_set_bio(&ssl, NULL, mbedtls_net_send, mbedtls_net_recv, NULL);
    EXPECT(mbedtls_ssl_handshake(&ssl), MBEDTLS_ERR_SSL_NO_RNG);
    mbedtls_ssl_free(&ssl);

    mbedtls_ssl_conf_rng(&conf, dummy_rng, NULL);
    mbedtls_ssl_init(&ssl);
    EXPECT(mbedtls_ssl_setup(&ssl, &conf), 0);
    mbedtls_ssl_set_bio(&ssl, NULL, mbedtls_net_send, mbedtls_net_recv, NULL);
    EXPECT(mbedtls_ssl_handshake(&ssl), MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME);
    EXPECT(mbedtls_ssl_set_hostname(&ssl, "localhost"), 0);
    EXPECT(mbedtls_ssl_session_reset(&ssl), 0);
    EXPECT(mbedtls_ssl_handshake(&ssl), MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED);
    mbedtls_ssl_free(&ssl);

    /* A closed socket: the BIO's error comes back unchanged. */
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);
    {
        mbedtls_net_context fd;
        mbedtls_net_init(&fd);
        mbedtls_ssl_init(&ssl);
        EXPECT(mbedtls_ssl_setup(&ssl, &conf), 0);
        mbedtls_ssl_set_bio(&ssl, &fd, mbedtls_net_send, mbedtls_net_recv, NULL);
        EXPECT(mbedtls_ssl_handshake(&ssl), MBEDTLS_ERR_NET_INVALID_CONTEXT);
        mbedtls_ssl_free(&ssl);
    }

    /* Configuration values that leave nothing usable. */
    EXPECT(mbedtls_ssl_conf_alpn_protocols(&conf, empty_alpn), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_conf_alpn_protocols(&conf, NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    mbedtls_ssl_conf_ciphersuites(&conf, suites);
    mbedtls_ssl_init(&ssl);
    EXPECT(mbedtls_ssl_setup(&ssl, &conf), MBEDTLS_ERR_SSL_BAD_CONFIG);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_conf_ciphersuites(&conf, NULL);
    mbedtls_ssl_conf_max_tls_version(&conf, (mbedtls_ssl_protocol_version) 0x0302);
    mbedtls_ssl_init(&ssl);
    EXPECT(mbedtls_ssl_setup(&ssl, &conf), MBEDTLS_ERR_SSL_BAD_CONFIG);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ssl_config_free(&conf);
}

static void certificates_and_keys(void)
{
    mbedtls_x509_crt crt;
    mbedtls_pk_context pk;
    mbedtls_ssl_config conf;
    mbedtls_ctr_drbg_context drbg;
    unsigned char *der, *pem;
    size_t der_len = 0, pem_len = 0, key_len = 0;
    const char garbage_pem[] = "-----BEGIN CERTIFICATE-----\nnot*base64!!\n-----END CERTIFICATE-----\n";
    char info[64];
    unsigned char *key;

    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&pk);
    mbedtls_ctr_drbg_init(&drbg);

    EXPECT(mbedtls_x509_crt_parse(&crt, (const unsigned char *) garbage_pem, sizeof(garbage_pem)),
           MBEDTLS_ERR_PEM_INVALID_DATA);
    EXPECT(mbedtls_x509_crt_parse(&crt, NULL, 10), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
    EXPECT(mbedtls_x509_crt_parse(NULL, (const unsigned char *) garbage_pem, sizeof(garbage_pem)),
           MBEDTLS_ERR_X509_BAD_INPUT_DATA);
    der = read_all("server-rsa.der", &der_len);
    EXPECT(der != NULL, 1);
    EXPECT(mbedtls_x509_crt_parse_der(&crt, der, der_len / 2) < 0, 1);
    EXPECT(mbedtls_x509_crt_parse_der(&crt, der, der_len), 0);
    EXPECT(mbedtls_x509_crt_info(info, sizeof(info), "", &crt), MBEDTLS_ERR_X509_BUFFER_TOO_SMALL);
    EXPECT(info[sizeof(info) - 1], 0);
    EXPECT(mbedtls_x509_crt_parse_file(&crt, "/nonexistent/file.crt"), MBEDTLS_ERR_PK_FILE_IO_ERROR);
    free(der);

    /* Keys: wrong and missing password, garbage, and a key that is not the certificate's. */
    pem = read_all("server-rsa.enc.key", &pem_len);
    EXPECT(mbedtls_pk_parse_key(&pk, pem, pem_len + 1, (const unsigned char *) "wrong", 5, dummy_rng, NULL),
           MBEDTLS_ERR_PK_PASSWORD_MISMATCH);
    EXPECT(mbedtls_pk_parse_key(&pk, pem, pem_len + 1, NULL, 0, dummy_rng, NULL), MBEDTLS_ERR_PK_PASSWORD_REQUIRED);
    EXPECT(mbedtls_pk_parse_key(&pk, (const unsigned char *) garbage_pem, sizeof(garbage_pem), NULL, 0, dummy_rng, NULL)
           < 0, 1);
    EXPECT(mbedtls_pk_parse_key(&pk, NULL, 5, NULL, 0, dummy_rng, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_parse_keyfile(&pk, "/nonexistent", NULL, dummy_rng, NULL), MBEDTLS_ERR_PK_FILE_IO_ERROR);
    EXPECT(mbedtls_pk_parse_key(&pk, pem, pem_len + 1, (const unsigned char *) "secret", 6, dummy_rng, NULL), 0);
    free(pem);
    key = read_all("server-ec.key", &key_len);
    {
        mbedtls_pk_context ec;
        mbedtls_pk_init(&ec);
        EXPECT(mbedtls_pk_parse_key(&ec, key, key_len + 1, NULL, 0, dummy_rng, NULL), 0);
        mbedtls_ssl_config_init(&conf);
        EXPECT(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM, 0), 0);
        /* The RSA certificate with the EC key: refused at once. */
        EXPECT(mbedtls_ssl_conf_own_cert(&conf, &crt, &ec), MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH);
        EXPECT(mbedtls_ssl_conf_own_cert(&conf, &crt, NULL), MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED);
        EXPECT(mbedtls_ssl_conf_own_cert(&conf, NULL, &pk), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        EXPECT(mbedtls_ssl_conf_own_cert(&conf, &crt, &pk), 0);
        mbedtls_ssl_config_free(&conf);
        mbedtls_pk_free(&ec);
    }
    free(key);

    /* Random generator in the wrong order. */
    {
        unsigned char out[16];
        EXPECT(mbedtls_ctr_drbg_random(&drbg, out, sizeof(out)), MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
        EXPECT(mbedtls_ctr_drbg_random(NULL, out, sizeof(out)), MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    }

    mbedtls_x509_crt_free(&crt);
    mbedtls_x509_crt_free(&crt);
    mbedtls_pk_free(&pk);
    mbedtls_pk_free(&pk);
    mbedtls_ctr_drbg_free(&drbg);
}

static void caches_tickets_sessions(void)
{
    mbedtls_ssl_cache_context cache;
    mbedtls_ssl_ticket_context ticket;
    mbedtls_ssl_session s;
    unsigned char id[40] = { 1 }, buf[64] = { 0 };
    size_t olen = 0;
    uint32_t lifetime = 0;

    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_ticket_init(&ticket);
    mbedtls_ssl_session_init(&s);

    EXPECT(mbedtls_ssl_cache_get(&cache, id, 32, &s), MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND);
    EXPECT(mbedtls_ssl_cache_get(NULL, id, 32, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_cache_set(&cache, id, 32, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_cache_remove(&cache, id, 32), 0);
    EXPECT(mbedtls_ssl_cache_remove(&cache, NULL, 32), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    mbedtls_ssl_cache_set_timeout(&cache, -5);
    EXPECT(mbedtls_ssl_cache_get_timeout(&cache), 0);
    mbedtls_ssl_cache_set_max_entries(NULL, 3);
    EXPECT(mbedtls_compat_ssl_cache_save(&cache, NULL, 0, &olen), MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL);
    EXPECT(mbedtls_compat_ssl_cache_load(&cache, buf, sizeof(buf)), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);

    EXPECT(mbedtls_ssl_ticket_write(&ticket, &s, buf, buf + sizeof(buf), &olen, &lifetime),
           MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_ticket_setup(&ticket, NULL, NULL, MBEDTLS_CIPHER_AES_256_GCM, 3600),
           MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_ticket_setup(&ticket, dummy_rng, NULL, MBEDTLS_CIPHER_AES_128_CCM, 3600),
           MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_ticket_setup(&ticket, dummy_rng, NULL, MBEDTLS_CIPHER_AES_256_GCM, 3600), 0);
    EXPECT(mbedtls_ssl_ticket_rotate(&ticket, (const unsigned char *) "ab", 2, id, 32, 10),
           MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_ticket_rotate(&ticket, (const unsigned char *) "abcd", 4, id, 16, 10),
           MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_ticket_parse(&ticket, &s, buf, 10), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    memset(buf, 0x11, sizeof(buf));
    buf[16] = 0;
    buf[17] = (unsigned char) (sizeof(buf) - 34);
    EXPECT(mbedtls_ssl_ticket_parse(&ticket, &s, buf, sizeof(buf)), MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED);

    EXPECT(mbedtls_ssl_session_load(&s, NULL, 10), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_session_load(&s, buf, sizeof(buf)), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_session_save(&s, NULL, 0, NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);

    mbedtls_ssl_session_free(&s);
    mbedtls_ssl_ticket_free(&ticket);
    mbedtls_ssl_ticket_free(&ticket);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_cache_free(&cache);
}

/* The Redis session cache: bad settings, a cache not set up, bad IDs, no Redis (port 1). */
static void redis_cache(void)
{
    mbedtls_compat_redis_cache rc;
    mbedtls_ssl_session s;
    unsigned char id[40] = { 7 };
    const char *url = "redis://127.0.0.1:1/0";

    mbedtls_compat_redis_cache_init(NULL);
    mbedtls_compat_redis_cache_init(&rc);
    mbedtls_ssl_session_init(&s);
    EXPECT(mbedtls_compat_redis_cache_setup(NULL, url, "tls:", 60, 50), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_setup(&rc, NULL, "tls:", 60, 50), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_setup(&rc, url, NULL, 60, 50), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_setup(&rc, "not a url", "tls:", 60, 50), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_setup(&rc, "http://127.0.0.1/", "tls:", 60, 50),
           MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_setup(&rc, url, "", 60, 50), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_setup(&rc, url, "tls:", 0, 50), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_setup(&rc, url, "tls:", 60, 0), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    /* Not set up: every call is refused. */
    EXPECT(mbedtls_compat_redis_cache_get(&rc, id, 32, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_set(&rc, id, 32, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_remove(&rc, id, 32), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);

    EXPECT(mbedtls_compat_redis_cache_setup(&rc, url, "tls:", 60, 50), 0);
    EXPECT(mbedtls_compat_redis_cache_setup(&rc, url, "tls:", 60, 50), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_get(NULL, id, 32, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_get(&rc, NULL, 32, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_get(&rc, id, 0, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_get(&rc, id, 33, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_get(&rc, id, 32, NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    /* No Redis: a miss, never anything worse. */
    EXPECT(mbedtls_compat_redis_cache_get(&rc, id, 32, &s), MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND);
    EXPECT(mbedtls_compat_redis_cache_set(&rc, id, 32, NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_set(&rc, id, 32, &s), MBEDTLS_ERR_SSL_BAD_INPUT_DATA); /* empty */
    EXPECT(mbedtls_compat_redis_cache_remove(&rc, id, 33), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_redis_cache_remove(&rc, id, 32), MBEDTLS_ERR_SSL_INTERNAL_ERROR);

    /* The fleet's ticket keys: the checks of mbedtls_ssl_ticket_setup, and the URL and name. */
    {
        mbedtls_ssl_ticket_context tc;
        mbedtls_ssl_ticket_init(&tc);
        EXPECT(mbedtls_compat_ssl_ticket_setup_redis(NULL, dummy_rng, NULL, MBEDTLS_CIPHER_AES_256_GCM, 60, url,
                                                     "keys"), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        EXPECT(mbedtls_compat_ssl_ticket_setup_redis(&tc, NULL, NULL, MBEDTLS_CIPHER_AES_256_GCM, 60, url, "keys"),
               MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        EXPECT(mbedtls_compat_ssl_ticket_setup_redis(&tc, dummy_rng, NULL, MBEDTLS_CIPHER_AES_128_CCM, 60, url,
                                                     "keys"), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        EXPECT(mbedtls_compat_ssl_ticket_setup_redis(&tc, dummy_rng, NULL, MBEDTLS_CIPHER_AES_256_GCM, 60, NULL,
                                                     "keys"), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        EXPECT(mbedtls_compat_ssl_ticket_setup_redis(&tc, dummy_rng, NULL, MBEDTLS_CIPHER_AES_256_GCM, 60,
                                                     "not a url", "keys"), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        EXPECT(mbedtls_compat_ssl_ticket_setup_redis(&tc, dummy_rng, NULL, MBEDTLS_CIPHER_AES_256_GCM, 60, url, ""),
               MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        EXPECT(mbedtls_compat_ssl_ticket_setup_redis(&tc, dummy_rng, NULL, MBEDTLS_CIPHER_AES_256_GCM, 60, url,
                                                     NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
        /* No Redis (port 1): set up all the same; tickets with local keys. */
        EXPECT(mbedtls_compat_ssl_ticket_setup_redis(&tc, dummy_rng, NULL, MBEDTLS_CIPHER_AES_256_GCM, 60, url,
                                                     "keys"), 0);
        mbedtls_ssl_ticket_free(&tc);
    }

    mbedtls_ssl_session_free(&s);
    mbedtls_compat_redis_cache_free(&rc);
    mbedtls_compat_redis_cache_free(&rc);
    mbedtls_compat_redis_cache_free(NULL);
}

static void renegotiation(void)
{
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    uint32_t full = 7, abbreviated = 7;
    const unsigned char period[8] = { 0, 0, 0, 0, 0, 0, 0, 3 };

    /* Configuration calls with NULL do nothing. */
    mbedtls_ssl_conf_renegotiation(NULL, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    mbedtls_ssl_conf_legacy_renegotiation(NULL, MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE);
    mbedtls_ssl_conf_renegotiation_enforced(NULL, 3);
    mbedtls_ssl_conf_renegotiation_period(NULL, period);
    mbedtls_compat_ssl_conf_renegotiation_resumption(NULL, 1);
    mbedtls_compat_ssl_conf_renegotiation_interval(NULL, 10, 1);
    EXPECT(mbedtls_ssl_renegotiate(NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_ssl_renegotiate_abbreviated(NULL), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_ssl_get_renegotiations(NULL, &full, &abbreviated), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(full, 7);

    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    /* Before setup. */
    EXPECT(mbedtls_ssl_renegotiate(&ssl), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_ssl_get_renegotiations(&ssl, &full, &abbreviated), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                       MBEDTLS_SSL_PRESET_DEFAULT), 0);
    mbedtls_ssl_conf_rng(&conf, dummy_rng, NULL);
    mbedtls_ssl_conf_renegotiation(&conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    mbedtls_ssl_conf_renegotiation_period(&conf, NULL);   /* ignored */
    mbedtls_ssl_conf_renegotiation_period(&conf, period);
    mbedtls_ssl_conf_renegotiation_enforced(&conf, -5);   /* below NOT_ENFORCED: taken as -1 */
    mbedtls_ssl_conf_legacy_renegotiation(&conf, 99);     /* unknown: stored, acts as NO_RENEGOTIATION */
    EXPECT(mbedtls_ssl_setup(&ssl, &conf), 0);
    /* Before the handshake, on either endpoint. */
    EXPECT(mbedtls_ssl_renegotiate(&ssl), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_ssl_renegotiate_abbreviated(&ssl), MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    EXPECT(mbedtls_compat_ssl_get_renegotiations(&ssl, &full, &abbreviated), 0);
    EXPECT(full, 0);
    EXPECT(abbreviated, 0);
    EXPECT(mbedtls_compat_ssl_get_renegotiations(&ssl, NULL, NULL), 0);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
}

static void sockets_and_misc(void)
{
    mbedtls_net_context fd;
    unsigned char buf[4];
    char small[4];

    mbedtls_net_init(&fd);
    EXPECT(mbedtls_net_recv(&fd, buf, sizeof(buf)), MBEDTLS_ERR_NET_INVALID_CONTEXT);
    EXPECT(mbedtls_net_send(NULL, buf, sizeof(buf)), MBEDTLS_ERR_NET_INVALID_CONTEXT);
    EXPECT(mbedtls_net_connect(&fd, "127.0.0.1", "1", MBEDTLS_NET_PROTO_UDP), MBEDTLS_ERR_NET_BAD_INPUT_DATA);
    EXPECT(mbedtls_net_connect(&fd, "no-such-host.invalid", "443", MBEDTLS_NET_PROTO_TCP), MBEDTLS_ERR_NET_UNKNOWN_HOST);
    mbedtls_net_free(&fd);
    mbedtls_net_free(NULL);

    mbedtls_strerror(MBEDTLS_ERR_SSL_WANT_READ, NULL, 100);
    mbedtls_strerror(MBEDTLS_ERR_SSL_WANT_READ, small, sizeof(small));
    EXPECT(small[3], 0);
    mbedtls_x509_crt_verify_info(small, sizeof(small), "", 0xFFFFFFFF);
    EXPECT(small[3], 0);
}

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: bad_input CERT_DIR\n");
        return 2;
    }
    snprintf(dir, sizeof(dir), "%s", argv[1]);
    ssl_contexts();
    certificates_and_keys();
    caches_tickets_sessions();
    redis_cache();
    renegotiation();
    sockets_and_misc();
    return EXPECT_SUMMARY();
}
