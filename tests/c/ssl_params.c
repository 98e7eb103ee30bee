/*
 * ssl_params: the handshake parameters and small record-layer functions of ssl.h, written
 * against the Mbed TLS 3.6 API.
 *
 * usage: ssl_params mode=checks
 *        ssl_params mode=server port=N crt=FILE key=FILE [key=value ...]
 *        ssl_params mode=client port=N ca=FILE [key=value ...]
 *   groups=NAME,...    (secp256r1, secp384r1, secp521r1, x25519: mbedtls_ssl_conf_groups)
 *   curves=NAME,...    (the same names, through the deprecated mbedtls_ssl_conf_curves)
 *   sig_algs=NAME,...  (ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384, rsa_pkcs1_sha256,
 *                       rsa_pss_rsae_sha256, rsa_pss_rsae_sha384: mbedtls_ssl_conf_sig_algs)
 *   order=client|server  ca_list=0|1  kex_modes=N  max_version=tls12|tls13  connections=N
 *   renegotiation=0|1  alert=N (server: send warning alert N after the handshake)
 *   read=1 (server: after its line, read until the peer closes, serving renegotiations)
 *   ca=FILE (server: request a client certificate, optional)  dn_hints=FILE (server)
 *   export=1 (print each exported secret as an NSS key log line, "keylog: LABEL CR SECRET", and
 *             for TLS 1.2 "keymat: HEX", 20 bytes of PRF(master, "EXPERIMENTAL ours", CR + SR) as
 *             RFC 5705 exporters (openssl s_client -keymatexport) compute them)
 * mode=checks runs the offline checks (PRF vectors, bad input) and prints "checks: ok".
 * The server and client print "handshake: <version> <suite> expansion <N>" per connection.
 */
#include "mbedtls/build_info.h"
#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/ecp.h"
#include "mbedtls/md.h"
#include "psa/crypto.h"

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 8

struct name_id {
    const char *name;
    int id;
};

static const struct name_id groups[] = {
    { "secp256r1", MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1 },
    { "secp384r1", MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1 },
    { "secp521r1", MBEDTLS_SSL_IANA_TLS_GROUP_SECP521R1 },
    { "x25519", MBEDTLS_SSL_IANA_TLS_GROUP_X25519 },
    { NULL, 0 },
};

static const struct name_id curves[] = {
    { "secp256r1", MBEDTLS_ECP_DP_SECP256R1 },
    { "secp384r1", MBEDTLS_ECP_DP_SECP384R1 },
    { "secp521r1", MBEDTLS_ECP_DP_SECP521R1 },
    { "x25519", MBEDTLS_ECP_DP_CURVE25519 },
    { NULL, 0 },
};

static const struct name_id sig_algs[] = {
    { "ecdsa_secp256r1_sha256", MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256 },
    { "ecdsa_secp384r1_sha384", MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384 },
    { "rsa_pkcs1_sha256", MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256 },
    { "rsa_pss_rsae_sha256", MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256 },
    { "rsa_pss_rsae_sha384", MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384 },
    { NULL, 0 },
};

/* Parses "a,b,c" with `table` into `out` (ended by 0); returns the count (exits on a bad name). */
static int parse_list(char *text, const struct name_id *table, int *out)
{
    int n = 0;
    for (char *tok = strtok(text, ","); tok != NULL; tok = strtok(NULL, ",")) {
        const struct name_id *e = table;
        while (e->name != NULL && strcmp(e->name, tok) != 0) {
            e++;
        }
        if (e->name == NULL || n == MAX_LIST) {
            mbedtls_printf("unknown name %s\n", tok);
            exit(2);
        }
        out[n++] = e->id;
    }
    out[n] = 0;
    return n;
}

static int hex_is(const unsigned char *buf, size_t len, const char *hex)
{
    char s[3];
    if (strlen(hex) != 2 * len) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        mbedtls_snprintf(s, sizeof(s), "%02x", buf[i]);
        if (memcmp(s, hex + 2 * i, 2) != 0) {
            return 0;
        }
    }
    return 1;
}

static int unhex(const char *hex, unsigned char *out)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        out[i] = (unsigned char) v;
    }
    return (int) n;
}

/* Offline: PRF vectors, bad input, calls before the handshake. */
static int checks(void)
{
    int exit_code = 1;
    unsigned char secret[16], seed[16], out[148], buf[16];
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt crt;
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    mbedtls_x509_crt_init(&crt);

    /* The TLS 1.2 PRF test vectors (SHA-256: 100 bytes, SHA-384: 148 bytes). */
    CHECK(unhex("9bbe436ba940f017b17652849a71db35", secret) == 16);
    CHECK(unhex("a0ba9f936cda311827a6f796ffd5198c", seed) == 16);
    CHECK(mbedtls_ssl_tls_prf(MBEDTLS_SSL_TLS_PRF_SHA256, secret, 16, "test label", seed, 16, out, 100) == 0);
    CHECK(hex_is(out, 100,
                 "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9"
                 "c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789ba"
                 "a48082d122ee42c5a72e5a5110fff70187347b66"));
    CHECK(unhex("b80b733d6ceefcdc71566ea48e5567df", secret) == 16);
    CHECK(unhex("cd665cf6a8447dd6ff8b27555edb7465", seed) == 16);
    CHECK(mbedtls_ssl_tls_prf(MBEDTLS_SSL_TLS_PRF_SHA384, secret, 16, "test label", seed, 16, out, 148) == 0);
    CHECK(hex_is(out, 148,
                 "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe3"
                 "4f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3"
                 "d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236"
                 "a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f"));
    /* Zero-length output and empty secret/seed are fine; other PRF types and NULLs are not. */
    CHECK(mbedtls_ssl_tls_prf(MBEDTLS_SSL_TLS_PRF_SHA256, NULL, 0, "", NULL, 0, NULL, 0) == 0);
    CHECK(mbedtls_ssl_tls_prf(MBEDTLS_SSL_TLS_PRF_NONE, secret, 16, "x", seed, 16, out, 16) ==
          MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE);
    CHECK(mbedtls_ssl_tls_prf(MBEDTLS_SSL_HKDF_EXPAND_SHA256, secret, 16, "x", seed, 16, out, 16) ==
          MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE);
    CHECK(mbedtls_ssl_tls_prf(MBEDTLS_SSL_TLS_PRF_SHA256, NULL, 16, "x", seed, 16, out, 16) ==
          MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(mbedtls_ssl_tls_prf(MBEDTLS_SSL_TLS_PRF_SHA256, secret, 16, NULL, seed, 16, out, 16) ==
          MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(mbedtls_ssl_tls_prf(MBEDTLS_SSL_TLS_PRF_SHA256, secret, 16, "x", seed, 16, NULL, 16) ==
          MBEDTLS_ERR_SSL_BAD_INPUT_DATA);

    /* NULL contexts and configurations. */
    mbedtls_ssl_conf_groups(NULL, NULL);
    mbedtls_ssl_conf_curves(NULL, NULL);
    mbedtls_ssl_conf_sig_algs(NULL, NULL);
    mbedtls_ssl_conf_sig_hashes(NULL, NULL);
    mbedtls_ssl_conf_preference_order(NULL, MBEDTLS_SSL_SRV_CIPHERSUITE_ORDER_CLIENT);
    mbedtls_ssl_conf_extended_master_secret(NULL, MBEDTLS_SSL_EXTENDED_MS_ENABLED);
    mbedtls_ssl_conf_cert_req_ca_list(NULL, MBEDTLS_SSL_CERT_REQ_CA_LIST_DISABLED);
    mbedtls_ssl_conf_dn_hints(NULL, NULL);
    mbedtls_ssl_conf_tls13_key_exchange_modes(NULL, MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL);
    mbedtls_ssl_conf_dtls_badmac_limit(NULL, 3);
    mbedtls_ssl_set_timer_cb(NULL, NULL, NULL, NULL);
    mbedtls_ssl_set_export_keys_cb(NULL, NULL, NULL);
    CHECK(mbedtls_ssl_get_record_expansion(NULL) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(mbedtls_ssl_check_record(NULL, NULL, 0) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(mbedtls_ssl_send_alert_message(NULL, MBEDTLS_SSL_ALERT_LEVEL_FATAL, 40) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(mbedtls_ssl_set_hs_dn_hints(NULL, &crt) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    /* A context not set up yet. */
    CHECK(mbedtls_ssl_get_record_expansion(&ssl) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);

    /* A set-up context before its handshake. */
    CHECK(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT) == 0);
    CHECK(mbedtls_ssl_setup(&ssl, &conf) == 0);
    CHECK(mbedtls_ssl_get_record_expansion(&ssl) == 5);
    memset(buf, 0xAB, sizeof(buf));
    CHECK(mbedtls_ssl_check_record(&ssl, buf, sizeof(buf)) == MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE);
    CHECK(buf[0] == 0 && buf[15] == 0);
    CHECK(mbedtls_ssl_send_alert_message(&ssl, 3, 40) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(mbedtls_ssl_send_alert_message(&ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, 40) ==
          MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE);
    /* close_notify before the handshake sends nothing and succeeds. */
    CHECK(mbedtls_ssl_send_alert_message(&ssl, MBEDTLS_SSL_ALERT_LEVEL_WARNING, MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY) == 0);
    CHECK(mbedtls_ssl_set_hs_dn_hints(&ssl, NULL) == MBEDTLS_ERR_SSL_BAD_INPUT_DATA);
    CHECK(mbedtls_ssl_set_hs_dn_hints(&ssl, &crt) == 0);
    /* Lists are copied: these go out of scope at once. */
    {
        const uint16_t none[] = { MBEDTLS_SSL_IANA_TLS_GROUP_NONE };
        const int hashes[] = { MBEDTLS_MD_SHA256, MBEDTLS_MD_NONE };
        const mbedtls_ecp_group_id dps[] = { MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_NONE };
        mbedtls_ssl_conf_sig_hashes(&conf, hashes);
        mbedtls_ssl_conf_groups(&conf, none);
        mbedtls_ssl_conf_curves(&conf, dps);
    }
    mbedtls_printf("checks: ok\n");
    exit_code = 0;
exit:
    mbedtls_x509_crt_free(&crt);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    return exit_code;
}

static void print_hex(const unsigned char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        mbedtls_printf("%02x", buf[i]);
    }
}

static void export_keys(void *p, mbedtls_ssl_key_export_type type, const unsigned char *secret,
                        size_t secret_len, const unsigned char client_random[32],
                        const unsigned char server_random[32], mbedtls_tls_prf_types prf)
{
    static const char *labels[] = {
        "CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET", "EARLY_EXPORTER_SECRET",
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0",
    };
    (void) p;
    if (type < 0 || type > MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET) {
        mbedtls_printf("keylog: bad type %d\n", (int) type);
        return;
    }
    mbedtls_printf("keylog: %s ", labels[type]);
    print_hex(client_random, 32);
    mbedtls_printf(" ");
    print_hex(secret, secret_len);
    mbedtls_printf("\n");
    if (type == MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET) {
        unsigned char randoms[64], out[20];
        memcpy(randoms, client_random, 32);
        memcpy(randoms + 32, server_random, 32);
        int ret = mbedtls_ssl_tls_prf(prf, secret, secret_len, "EXPERIMENTAL ours", randoms, 64, out, sizeof(out));
        mbedtls_printf("keymat: ");
        if (ret == 0) {
            print_hex(out, sizeof(out));
        } else {
            mbedtls_printf("error -0x%04x", (unsigned) -ret);
        }
        mbedtls_printf("\n");
    }
    fflush(stdout);
}

static void print_handshake(mbedtls_ssl_context *ssl)
{
    mbedtls_printf("handshake: %s %s expansion %d\n", mbedtls_ssl_get_version(ssl),
                   mbedtls_ssl_get_ciphersuite(ssl), mbedtls_ssl_get_record_expansion(ssl));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int ret = 1, exit_code = 1, connections = 1, is_server = 0, alert = -1;
    const char *mode = NULL, *port = NULL, *crt_file = NULL, *key_file = NULL, *ca_file = NULL;
    const char *dn_file = NULL;
    int group_ids[MAX_LIST + 1], sig_ids[MAX_LIST + 1], curve_ids[MAX_LIST + 1];
    uint16_t group_list[MAX_LIST + 1], sig_list[MAX_LIST + 1];
    mbedtls_ecp_group_id curve_list[MAX_LIST + 1];
    int n_groups = -1, n_sigs = -1, n_curves = -1, order = -1, ca_list = -1, kex_modes = -1;
    int max_version = 0, renegotiation = 0, export = 0, read_until_close = 0;
    mbedtls_net_context listen_fd, fd;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_cache_context cache;
    mbedtls_x509_crt own, ca, hints;
    mbedtls_pk_context key;
    unsigned char buf[256];

    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq == NULL) {
            mbedtls_printf("bad argument %s\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        char *k = argv[i], *v = eq + 1;
        if (strcmp(k, "mode") == 0) {
            mode = v;
        } else if (strcmp(k, "port") == 0) {
            port = v;
        } else if (strcmp(k, "crt") == 0) {
            crt_file = v;
        } else if (strcmp(k, "key") == 0) {
            key_file = v;
        } else if (strcmp(k, "ca") == 0) {
            ca_file = v;
        } else if (strcmp(k, "dn_hints") == 0) {
            dn_file = v;
        } else if (strcmp(k, "groups") == 0) {
            n_groups = parse_list(v, groups, group_ids);
        } else if (strcmp(k, "curves") == 0) {
            n_curves = parse_list(v, curves, curve_ids);
        } else if (strcmp(k, "sig_algs") == 0) {
            n_sigs = parse_list(v, sig_algs, sig_ids);
        } else if (strcmp(k, "order") == 0) {
            order = strcmp(v, "client") == 0 ? MBEDTLS_SSL_SRV_CIPHERSUITE_ORDER_CLIENT
                                             : MBEDTLS_SSL_SRV_CIPHERSUITE_ORDER_SERVER;
        } else if (strcmp(k, "ca_list") == 0) {
            ca_list = atoi(v);
        } else if (strcmp(k, "kex_modes") == 0) {
            kex_modes = atoi(v);
        } else if (strcmp(k, "connections") == 0) {
            connections = atoi(v);
        } else if (strcmp(k, "alert") == 0) {
            alert = atoi(v);
        } else if (strcmp(k, "read") == 0) {
            read_until_close = atoi(v);
        } else if (strcmp(k, "export") == 0) {
            export = atoi(v);
        } else if (strcmp(k, "renegotiation") == 0) {
            renegotiation = atoi(v);
        } else if (strcmp(k, "max_version") == 0) {
            max_version = strcmp(v, "tls12") == 0 ? MBEDTLS_SSL_VERSION_TLS1_2 : MBEDTLS_SSL_VERSION_TLS1_3;
        } else {
            mbedtls_printf("unknown option %s\n", k);
            return 2;
        }
    }
    if (mode != NULL && strcmp(mode, "checks") == 0) {
        return checks();
    }
    if (mode == NULL || port == NULL) {
        mbedtls_printf("usage: see the head of tests/c/ssl_params.c\n");
        return 2;
    }
    is_server = strcmp(mode, "server") == 0;

    mbedtls_net_init(&listen_fd);
    mbedtls_net_init(&fd);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_x509_crt_init(&own);
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&hints);
    mbedtls_pk_init(&key);
    CHECK(psa_crypto_init() == PSA_SUCCESS);

    CHECK(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) == 0);
    CHECK(mbedtls_ssl_config_defaults(&conf, is_server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) == 0);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    if (crt_file != NULL) {
        CHECK(mbedtls_x509_crt_parse_file(&own, crt_file) == 0);
        CHECK(mbedtls_pk_parse_keyfile(&key, key_file, NULL, mbedtls_ctr_drbg_random, &drbg) == 0);
        CHECK(mbedtls_ssl_conf_own_cert(&conf, &own, &key) == 0);
    }
    if (ca_file != NULL) {
        CHECK(mbedtls_x509_crt_parse_file(&ca, ca_file) == 0);
        mbedtls_ssl_conf_ca_chain(&conf, &ca, NULL);
        mbedtls_ssl_conf_authmode(&conf, is_server ? MBEDTLS_SSL_VERIFY_OPTIONAL : MBEDTLS_SSL_VERIFY_REQUIRED);
    }
    if (dn_file != NULL) {
        CHECK(mbedtls_x509_crt_parse_file(&hints, dn_file) == 0);
        mbedtls_ssl_conf_dn_hints(&conf, &hints);
    }
    if (n_groups >= 0) {
        for (int i = 0; i <= n_groups; i++) {
            group_list[i] = (uint16_t) group_ids[i];
        }
        mbedtls_ssl_conf_groups(&conf, group_list);
    }
    if (n_curves >= 0) {
        for (int i = 0; i <= n_curves; i++) {
            curve_list[i] = (mbedtls_ecp_group_id) curve_ids[i];
        }
        mbedtls_ssl_conf_curves(&conf, curve_list);
    }
    if (n_sigs >= 0) {
        for (int i = 0; i <= n_sigs; i++) {
            sig_list[i] = (uint16_t) sig_ids[i];
        }
        mbedtls_ssl_conf_sig_algs(&conf, sig_list);
    }
    if (order >= 0) {
        mbedtls_ssl_conf_preference_order(&conf, order);
    }
    if (ca_list >= 0) {
        mbedtls_ssl_conf_cert_req_ca_list(&conf, (char) ca_list);
    }
    if (kex_modes >= 0) {
        mbedtls_ssl_conf_tls13_key_exchange_modes(&conf, kex_modes);
    }
    if (max_version != 0) {
        mbedtls_ssl_conf_max_tls_version(&conf, max_version);
    }
    if (renegotiation) {
        mbedtls_ssl_conf_renegotiation(&conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    }
    if (is_server) {
        mbedtls_ssl_conf_session_cache(&conf, &cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
    }
    CHECK(mbedtls_ssl_setup(&ssl, &conf) == 0);
    if (export) {
        mbedtls_ssl_set_export_keys_cb(&ssl, export_keys, NULL);
    }
    if (!is_server) {
        CHECK(mbedtls_ssl_set_hostname(&ssl, "localhost") == 0);
    } else {
        CHECK(mbedtls_net_bind(&listen_fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP) == 0);
        mbedtls_printf("listening on %s\n", port);
        fflush(stdout);
    }

    for (int c = 0; c < connections; c++) {
        if (is_server) {
            CHECK(mbedtls_net_accept(&listen_fd, &fd, NULL, 0, NULL) == 0);
        } else {
            CHECK(mbedtls_net_connect(&fd, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP) == 0);
        }
        mbedtls_ssl_set_bio(&ssl, &fd, mbedtls_net_send, mbedtls_net_recv, NULL);
        ret = mbedtls_ssl_handshake(&ssl);
        if (ret != 0) {
            mbedtls_printf("handshake failed: -0x%04x\n", (unsigned) -ret);
        } else {
            print_handshake(&ssl);
            if (alert >= 0) {
                ret = mbedtls_ssl_send_alert_message(&ssl, MBEDTLS_SSL_ALERT_LEVEL_WARNING, (unsigned char) alert);
                mbedtls_printf("alert %d sent: %d\n", alert, ret);
            }
            if (is_server) {
                ret = mbedtls_ssl_write(&ssl, (const unsigned char *) "hello\n", 6);
                /* Serve the peer's renegotiations until it closes. */
                while (read_until_close && (ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf))) > 0) {
                }
                if (read_until_close) {
                    mbedtls_printf("read ended: -0x%04x\n", (unsigned) -ret);
                }
            } else {
                ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf) - 1);
                if (ret > 0) {
                    buf[ret] = '\0';
                    mbedtls_printf("read: %s", (char *) buf);
                }
            }
            mbedtls_ssl_close_notify(&ssl);
        }
        fflush(stdout);
        mbedtls_net_free(&fd);
        mbedtls_ssl_session_reset(&ssl);
    }
    mbedtls_printf("done\n");
    exit_code = 0;
exit:
    mbedtls_net_free(&fd);
    mbedtls_net_free(&listen_fd);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&own);
    mbedtls_x509_crt_free(&ca);
    mbedtls_x509_crt_free(&hints);
    mbedtls_pk_free(&key);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    mbedtls_psa_crypto_free();
    return exit_code;
}
