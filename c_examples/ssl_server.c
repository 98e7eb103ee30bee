/*
 * ssl_server: a TLS server in the style of the Mbed TLS sample programs.
 *
 * Accepts connections one after the other; for each one performs the handshake, prints what
 * was negotiated, then either answers one HTTP request (mode=http, as Mbed TLS's ssl_server.c)
 * or echoes everything the client sends until it closes (mode=echo).
 * Builds unchanged against Mbed TLS 3.6, Debian's Mbed TLS 2.28 and rustls-mbedtls-compat.
 *
 * usage: ssl_server [key=value ...]
 *   server_addr=127.0.0.1  server_port=4433
 *   crt_file=  key_file=  key_pwd=     crt_file2= key_file2=   (a second certificate)
 *   ca_file=   auth_mode=none|optional|required                (client certificates)
 *   min_version=tls12|tls13  max_version=tls12|tls13  force_ciphersuite=NAME  alpn=a,b
 *   mode=http|echo  nbio=0|1  max_connections=N (0 = forever)  debug_level=0..4
 * Session resumption:
 *   cache=0|1 (built-in session cache, default 1)  cache_max=N  cache_timeout=seconds
 *   cache_file=PATH (rustls-mbedtls-compat: load the cache at start, save it after each
 *                    connection, so a restarted server resumes the sessions of its last run)
 *   tickets=0|1 (default 1)  ticket_lifetime=seconds  ticket_aead=aes128|aes256|chacha
 *   ticket_key=64 hex digits (Mbed TLS 3.6: install this key with mbedtls_ssl_ticket_rotate,
 *                             so that servers given the same key accept each other's tickets)
 *   new_session_tickets=N (TLS 1.3 tickets per handshake)
 *   store_dir=DIR (instead of the built-in cache: the application's own store, one file per
 *                  session ID, through mbedtls_ssl_conf_session_cache callbacks)
 *   cache_remove=1 (after each connection, remove its session from the cache with
 *                   mbedtls_ssl_cache_remove: the next attempt is a full handshake)
 *   redis=URL (rustls-mbedtls-compat: instead of the built-in cache, the fleet-wide cache in
 *              Redis, redis://host:port/db or unix:/path, and with tickets=1 the fleet's ticket
 *              keys in Redis; every server given the same URL resumes the others' sessions and
 *              tickets; cache=0 leaves the session cache out)  redis_prefix=KEY_PREFIX
 *              redis_timeout_ms=N  redis_ticket_keys=NAME
 * SNI: sni_name=NAME sni_crt_file= sni_key_file= (an SNI callback: a client asking for NAME gets
 *      this certificate (mbedtls_ssl_set_hs_own_cert), one asking for "localhost" the default
 *      one, any other name is refused with an unrecognized_name alert)
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
#include "mbedtls/ssl_ticket.h"
#if defined(MBEDTLS_COMPAT)
#include "mbedtls/compat.h"
#include "mbedtls/compat_redis.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_RESPONSE \
    "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" \
    "<h2>rustls-mbedtls-compat test server</h2>\r\n" \
    "<p>Successful connection using: %s</p>\r\n"

#define MAX_ALPN 4

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

static int load_key(mbedtls_pk_context *pk, const char *file, const char *pwd,
                    mbedtls_ctr_drbg_context *ctr_drbg)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_pk_parse_keyfile(pk, file, pwd, mbedtls_ctr_drbg_random, ctr_drbg);
#else
    (void) ctr_drbg;
    return mbedtls_pk_parse_keyfile(pk, file, pwd);
#endif
}

#if defined(MBEDTLS_COMPAT)
/* Loads the session cache saved by a previous run (a missing file is not an error). */
static int cache_load_file(mbedtls_ssl_cache_context *cache, const char *path)
{
    unsigned char *buf;
    long size;
    int ret;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return 0;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (buf = mbedtls_calloc(1, (size_t) size + 1)) == NULL) {
        fclose(f);
        return -1;
    }
    if (fread(buf, 1, (size_t) size, f) != (size_t) size) {
        fclose(f);
        mbedtls_free(buf);
        return -1;
    }
    fclose(f);
    ret = mbedtls_compat_ssl_cache_load(cache, buf, (size_t) size);
    mbedtls_free(buf);
    return ret;
}

/* Saves the session cache (written to PATH.tmp, then renamed: never a torn file). */
static int cache_save_file(const mbedtls_ssl_cache_context *cache, const char *path)
{
    unsigned char *buf;
    size_t len = 0;
    char tmp[512];
    FILE *f;
    int ret = mbedtls_compat_ssl_cache_save(cache, NULL, 0, &len);
    if (ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL && ret != 0) {
        return ret;
    }
    if ((buf = mbedtls_calloc(1, len)) == NULL) {
        return -1;
    }
    if ((ret = mbedtls_compat_ssl_cache_save(cache, buf, len, &len)) == 0) {
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        f = fopen(tmp, "wb");
        if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) != 0) {
            ret = -1;
        }
    }
    mbedtls_free(buf);
    return ret;
}
#endif

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
static int hex_to_bytes(const char *hex, unsigned char *out, size_t len)
{
    size_t i;
    if (strlen(hex) != 2 * len) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
            return -1;
        }
        out[i] = (unsigned char) b;
    }
    return 0;
}
#endif

/* The SNI callback: pick the certificate for the name the client asks for. */
struct sni_choice {
    const char *name;
    mbedtls_x509_crt *crt;
    mbedtls_pk_context *key;
};

static int sni_callback(void *data, mbedtls_ssl_context *ssl, const unsigned char *name, size_t len)
{
    const struct sni_choice *choice = data;
    mbedtls_printf("  . SNI callback: client asks for %.*s\n", (int) len, (const char *) name);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    size_t hs_len = 0;
    const unsigned char *hs_name = mbedtls_ssl_get_hs_sni(ssl, &hs_len);
    mbedtls_printf("  . mbedtls_ssl_get_hs_sni: %.*s\n", (int) hs_len, hs_name != NULL ? (const char *) hs_name : "");
#endif
    if (strlen(choice->name) == len && memcmp(choice->name, name, len) == 0) {
        return mbedtls_ssl_set_hs_own_cert(ssl, choice->crt, choice->key);
    }
    if (len == 9 && memcmp(name, "localhost", 9) == 0) {
        return 0;
    }
    return -1;
}

/* The application's own session store: one file per session ID under a directory.
 * (The cache callback signatures are Mbed TLS 3.x's; 2.28 builds leave this out.) */
struct file_store {
    const char *dir;
    mbedtls_ssl_cache_context *cache; /* for cache_remove: the built-in cache underneath */
    unsigned char last_id[32];
    size_t last_id_len;
};

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
static void store_path(const struct file_store *store, const unsigned char *id, size_t id_len,
                       char *path, size_t size)
{
    size_t i, n = (size_t) snprintf(path, size, "%s/", store->dir);
    for (i = 0; i < id_len && n + 3 < size; i++) {
        n += (size_t) snprintf(path + n, size - n, "%02x", id[i]);
    }
}

static int store_get(void *data, unsigned char const *id, size_t id_len, mbedtls_ssl_session *session)
{
    struct file_store *store = data;
    unsigned char buf[8192];
    char path[600];
    size_t len;
    FILE *f;
    store_path(store, id, id_len, path, sizeof(path));
    if ((f = fopen(path, "rb")) == NULL) {
        return -1;
    }
    len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    return mbedtls_ssl_session_load(session, buf, len);
}

static int store_set(void *data, unsigned char const *id, size_t id_len, const mbedtls_ssl_session *session)
{
    struct file_store *store = data;
    unsigned char buf[8192];
    char path[600];
    size_t len;
    FILE *f;
    int ret = mbedtls_ssl_session_save(session, buf, sizeof(buf), &len);
    if (ret != 0) {
        return ret;
    }
    store_path(store, id, id_len, path, sizeof(path));
    if ((f = fopen(path, "wb")) == NULL) {
        return -1;
    }
    ret = fwrite(buf, 1, len, f) == len ? 0 : -1;
    fclose(f);
    return ret;
}

/* Built-in cache behind callbacks that remember the last stored ID (for cache_remove). */
static int remembering_get(void *data, unsigned char const *id, size_t id_len, mbedtls_ssl_session *session)
{
    struct file_store *store = data;
    return mbedtls_ssl_cache_get(store->cache, id, id_len, session);
}

static int remembering_set(void *data, unsigned char const *id, size_t id_len, const mbedtls_ssl_session *session)
{
    struct file_store *store = data;
    if (id_len <= sizeof(store->last_id)) {
        memcpy(store->last_id, id, id_len);
        store->last_id_len = id_len;
    }
    return mbedtls_ssl_cache_set(store->cache, id, id_len, session);
}
#endif

static int wait_for(mbedtls_net_context *fd, int ret)
{
    uint32_t rw = (ret == MBEDTLS_ERR_SSL_WANT_READ) ? MBEDTLS_NET_POLL_READ : MBEDTLS_NET_POLL_WRITE;
    int r = mbedtls_net_poll(fd, rw, 10000);
    return r < 0 ? r : 0;
}

/* Writes all of buf, retrying on WANT_READ/WANT_WRITE. Returns 0 or an error code. */
static int write_all(mbedtls_ssl_context *ssl, mbedtls_net_context *fd, int nbio,
                     const unsigned char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        int ret = mbedtls_ssl_write(ssl, buf + done, len - done);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            if (nbio && (ret = wait_for(fd, ret)) != 0) {
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

#if defined(MBEDTLS_COMPAT)
/* Prints a Redis URL with "***" in place of its user and password, if it has them. */
static void print_redis_url(const char *url)
{
    const char *scheme_end = strstr(url, "://");
    const char *at = scheme_end != NULL ? strchr(scheme_end + 3, '@') : NULL;
    if (at == NULL) {
        mbedtls_printf("%s", url);
    } else {
        mbedtls_printf("%.*s***%s", (int) (scheme_end + 3 - url), url, at);
    }
}
#endif

int main(int argc, char *argv[])
{
    int ret = 1, len, i, exit_code = MBEDTLS_EXIT_FAILURE;
    mbedtls_net_context listen_fd, client_fd;
    unsigned char buf[4096];
    const char *pers = "ssl_server";
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt srvcert, srvcert2, cacert;
    mbedtls_pk_context pkey, pkey2;
    mbedtls_ssl_cache_context cache;
    mbedtls_ssl_ticket_context ticket_ctx;
    int use_cache = 1, cache_max = -1, cache_timeout = -1, use_tickets = 1, new_session_tickets = -1;
    unsigned ticket_lifetime = 86400;
    const char *cache_file = NULL, *ticket_key = NULL, *ticket_aead = "aes256";
    struct file_store store;
    int cache_remove = 0;
    const char *redis_url = NULL, *redis_prefix = "tls:session:", *redis_ticket_keys = "tls:ticket-keys";
    int redis_timeout_ms = 100;
#if defined(MBEDTLS_COMPAT)
    mbedtls_compat_redis_cache redis_cache;
#endif
    const char *sni_name = NULL, *sni_crt_file = NULL, *sni_key_file = NULL;
    mbedtls_x509_crt sni_crt;
    mbedtls_pk_context sni_key;
    struct sni_choice sni;
    const char *server_addr = "127.0.0.1", *server_port = "4433";
    const char *crt_file = NULL, *key_file = NULL, *key_pwd = NULL;
    const char *crt_file2 = NULL, *key_file2 = NULL, *ca_file = NULL;
    const char *force_ciphersuite = NULL, *mode = "http";
    char *alpn = NULL;
    const char *alpn_list[MAX_ALPN + 1];
    int force_list[2];
    int auth_mode = -1, min_version = 0, max_version = 0, nbio = 0, max_connections = 0;
    int debug_level = 0, served = 0;

    mbedtls_net_init(&listen_fd);
    mbedtls_net_init(&client_fd);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    mbedtls_x509_crt_init(&srvcert);
    mbedtls_x509_crt_init(&srvcert2);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_pk_init(&pkey);
    mbedtls_pk_init(&pkey2);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_ticket_init(&ticket_ctx);
#if defined(MBEDTLS_COMPAT)
    mbedtls_compat_redis_cache_init(&redis_cache);
#endif
    memset(&store, 0, sizeof(store));
    store.cache = &cache;
    mbedtls_x509_crt_init(&sni_crt);
    mbedtls_pk_init(&sni_key);

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
        } else if (strcmp(p, "key_pwd") == 0) {
            key_pwd = q;
        } else if (strcmp(p, "crt_file2") == 0) {
            crt_file2 = q;
        } else if (strcmp(p, "key_file2") == 0) {
            key_file2 = q;
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
        } else if (strcmp(p, "min_version") == 0) {
            if ((min_version = parse_version(q)) < 0) {
                goto usage;
            }
        } else if (strcmp(p, "max_version") == 0) {
            if ((max_version = parse_version(q)) < 0) {
                goto usage;
            }
        } else if (strcmp(p, "force_ciphersuite") == 0) {
            force_ciphersuite = q;
        } else if (strcmp(p, "alpn") == 0) {
            alpn = q;
        } else if (strcmp(p, "mode") == 0) {
            if (strcmp(q, "http") != 0 && strcmp(q, "echo") != 0) {
                goto usage;
            }
            mode = q;
        } else if (strcmp(p, "nbio") == 0) {
            nbio = atoi(q);
        } else if (strcmp(p, "max_connections") == 0) {
            max_connections = atoi(q);
        } else if (strcmp(p, "debug_level") == 0) {
            debug_level = atoi(q);
        } else if (strcmp(p, "cache") == 0) {
            use_cache = atoi(q);
        } else if (strcmp(p, "cache_max") == 0) {
            cache_max = atoi(q);
        } else if (strcmp(p, "cache_timeout") == 0) {
            cache_timeout = atoi(q);
        } else if (strcmp(p, "cache_file") == 0) {
            cache_file = q;
        } else if (strcmp(p, "tickets") == 0) {
            use_tickets = atoi(q);
        } else if (strcmp(p, "ticket_lifetime") == 0) {
            ticket_lifetime = (unsigned) atoi(q);
        } else if (strcmp(p, "ticket_key") == 0) {
            ticket_key = q;
        } else if (strcmp(p, "ticket_aead") == 0) {
            ticket_aead = q;
        } else if (strcmp(p, "new_session_tickets") == 0) {
            new_session_tickets = atoi(q);
        } else if (strcmp(p, "store_dir") == 0) {
            store.dir = q;
        } else if (strcmp(p, "cache_remove") == 0) {
            cache_remove = atoi(q);
        } else if (strcmp(p, "redis") == 0) {
            redis_url = q;
        } else if (strcmp(p, "redis_prefix") == 0) {
            redis_prefix = q;
        } else if (strcmp(p, "redis_timeout_ms") == 0) {
            redis_timeout_ms = atoi(q);
        } else if (strcmp(p, "redis_ticket_keys") == 0) {
            redis_ticket_keys = q;
        } else if (strcmp(p, "sni_name") == 0) {
            sni_name = q;
        } else if (strcmp(p, "sni_crt_file") == 0) {
            sni_crt_file = q;
        } else if (strcmp(p, "sni_key_file") == 0) {
            sni_key_file = q;
        } else {
            goto usage;
        }
    }
    if (crt_file == NULL || key_file == NULL) {
        goto usage;
    }

    mbedtls_debug_set_threshold(debug_level);

    mbedtls_printf("  . Seeding the random number generator...");
    fflush(stdout);
    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy,
                                     (const unsigned char *) pers, strlen(pers))) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ctr_drbg_seed returned %d\n", ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

    mbedtls_printf("  . Loading the server certificate and key...");
    fflush(stdout);
    if ((ret = mbedtls_x509_crt_parse_file(&srvcert, crt_file)) != 0) {
        mbedtls_printf(" failed\n  !  mbedtls_x509_crt_parse_file returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    if ((ret = load_key(&pkey, key_file, key_pwd, &ctr_drbg)) != 0) {
        mbedtls_printf(" failed\n  !  mbedtls_pk_parse_keyfile returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    if (crt_file2 != NULL && key_file2 != NULL) {
        if ((ret = mbedtls_x509_crt_parse_file(&srvcert2, crt_file2)) != 0 ||
            (ret = load_key(&pkey2, key_file2, key_pwd, &ctr_drbg)) != 0) {
            mbedtls_printf(" failed\n  !  loading the second certificate returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
    }
    if (ca_file != NULL && (ret = mbedtls_x509_crt_parse_file(&cacert, ca_file)) < 0) {
        mbedtls_printf(" failed\n  !  mbedtls_x509_crt_parse_file(ca) returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

    mbedtls_printf("  . Bind on https://%s:%s/ ...", server_addr, server_port);
    fflush(stdout);
    if ((ret = mbedtls_net_bind(&listen_fd, server_addr, server_port, MBEDTLS_NET_PROTO_TCP)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_net_bind returned %d\n", ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

    mbedtls_printf("  . Setting up the SSL data....");
    fflush(stdout);
    if ((ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_config_defaults returned %d\n", ret);
        goto exit;
    }
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_dbg(&conf, my_debug, stdout);
    if (auth_mode >= 0) {
        mbedtls_ssl_conf_authmode(&conf, auth_mode);
    }
    if (ca_file != NULL) {
        mbedtls_ssl_conf_ca_chain(&conf, &cacert, NULL);
    }
    if (min_version != 0) {
        set_version(&conf, 0, min_version);
    }
    if (max_version != 0) {
        set_version(&conf, 1, max_version);
    }
    if (force_ciphersuite != NULL) {
        force_list[0] = mbedtls_ssl_get_ciphersuite_id(force_ciphersuite);
        force_list[1] = 0;
        if (force_list[0] == 0) {
            mbedtls_printf(" failed\n  ! unknown ciphersuite %s\n", force_ciphersuite);
            ret = 1;
            goto exit;
        }
        mbedtls_ssl_conf_ciphersuites(&conf, force_list);
    }
    if (alpn != NULL) {
        char *p = alpn;
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
    if ((ret = mbedtls_ssl_conf_own_cert(&conf, &srvcert, &pkey)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_conf_own_cert returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    if (sni_name != NULL && sni_crt_file != NULL && sni_key_file != NULL) {
        if ((ret = mbedtls_x509_crt_parse_file(&sni_crt, sni_crt_file)) != 0 ||
            (ret = load_key(&sni_key, sni_key_file, key_pwd, &ctr_drbg)) != 0) {
            mbedtls_printf(" failed\n  ! loading the SNI certificate returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        sni.name = sni_name;
        sni.crt = &sni_crt;
        sni.key = &sni_key;
        mbedtls_ssl_conf_sni(&conf, sni_callback, &sni);
    }
    if (crt_file2 != NULL && (ret = mbedtls_ssl_conf_own_cert(&conf, &srvcert2, &pkey2)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_conf_own_cert(2) returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    if (use_cache) {
        if (cache_max >= 0) {
            mbedtls_ssl_cache_set_max_entries(&cache, cache_max);
        }
        if (cache_timeout >= 0) {
            mbedtls_ssl_cache_set_timeout(&cache, cache_timeout);
        }
#if defined(MBEDTLS_COMPAT)
        if (cache_file != NULL) {
            ret = cache_load_file(&cache, cache_file);
            if (ret < 0) {
                mbedtls_printf(" failed\n  ! loading the cache file returned -0x%x\n", (unsigned) -ret);
                goto exit;
            }
            mbedtls_printf(" [%d cached sessions loaded from %s]", ret, cache_file);
        }
#else
        (void) cache_file;
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        if (cache_remove) {
            mbedtls_ssl_conf_session_cache(&conf, &store, remembering_get, remembering_set);
        } else
#endif
        {
            mbedtls_ssl_conf_session_cache(&conf, &cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
        }
    }
    if (redis_url != NULL && use_cache) {
#if defined(MBEDTLS_COMPAT)
        ret = mbedtls_compat_redis_cache_setup(&redis_cache, redis_url, redis_prefix,
                                               cache_timeout > 0 ? (uint32_t) cache_timeout : 86400,
                                               (uint32_t) redis_timeout_ms);
        if (ret != 0) {
            mbedtls_printf(" failed\n  ! mbedtls_compat_redis_cache_setup returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        mbedtls_ssl_conf_session_cache(&conf, &redis_cache, mbedtls_compat_redis_cache_get,
                                       mbedtls_compat_redis_cache_set);
        mbedtls_printf(" [session cache: Redis ");
        print_redis_url(redis_url);
        mbedtls_printf("]");
#else
        (void) redis_prefix;
        (void) redis_timeout_ms;
        mbedtls_printf(" failed\n  ! redis= needs rustls-mbedtls-compat\n");
        ret = 1;
        goto exit;
#endif
    }
    if (store.dir != NULL) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        mbedtls_ssl_conf_session_cache(&conf, &store, store_get, store_set);
#else
        mbedtls_printf(" failed\n  ! store_dir needs the Mbed TLS 3.x cache callbacks\n");
        ret = 1;
        goto exit;
#endif
    }
    if (use_tickets) {
        mbedtls_cipher_type_t cipher = MBEDTLS_CIPHER_AES_256_GCM;
        if (strcmp(ticket_aead, "aes128") == 0) {
            cipher = MBEDTLS_CIPHER_AES_128_GCM;
        } else if (strcmp(ticket_aead, "chacha") == 0) {
            cipher = MBEDTLS_CIPHER_CHACHA20_POLY1305;
        }
#if defined(MBEDTLS_COMPAT)
        if (redis_url != NULL) {
            ret = mbedtls_compat_ssl_ticket_setup_redis(&ticket_ctx, mbedtls_ctr_drbg_random, &ctr_drbg, cipher,
                                                        ticket_lifetime, redis_url, redis_ticket_keys);
            if (ret != 0) {
                mbedtls_printf(" failed\n  ! mbedtls_compat_ssl_ticket_setup_redis returned -0x%x\n",
                               (unsigned) -ret);
                goto exit;
            }
            mbedtls_printf(" [ticket keys: Redis %s]", redis_ticket_keys);
        } else
#else
        (void) redis_ticket_keys;
#endif
        if ((ret = mbedtls_ssl_ticket_setup(&ticket_ctx, mbedtls_ctr_drbg_random, &ctr_drbg, cipher,
                                            ticket_lifetime)) != 0) {
            mbedtls_printf(" failed\n  ! mbedtls_ssl_ticket_setup returned -0x%x\n", (unsigned) -ret);
            goto exit;
        }
        if (ticket_key != NULL) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
            unsigned char key[32];
            if (hex_to_bytes(ticket_key, key, sizeof(key)) != 0) {
                mbedtls_printf(" failed\n  ! ticket_key must be 64 hex digits\n");
                ret = 1;
                goto exit;
            }
            if ((ret = mbedtls_ssl_ticket_rotate(&ticket_ctx, (const unsigned char *) "tkey", 4, key,
                                                 sizeof(key), ticket_lifetime)) != 0) {
                mbedtls_printf(" failed\n  ! mbedtls_ssl_ticket_rotate returned -0x%x\n", (unsigned) -ret);
                goto exit;
            }
#else
            mbedtls_printf(" failed\n  ! ticket_key needs mbedtls_ssl_ticket_rotate (Mbed TLS 3.x)\n");
            ret = 1;
            goto exit;
#endif
        }
        mbedtls_ssl_conf_session_tickets_cb(&conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse,
                                            &ticket_ctx);
    }
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    if (new_session_tickets >= 0) {
        mbedtls_ssl_conf_new_session_tickets(&conf, (uint16_t) new_session_tickets);
    }
#else
    (void) new_session_tickets;
#endif
    if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_ssl_setup returned -0x%x\n", (unsigned) -ret);
        goto exit;
    }
    mbedtls_printf(" ok\n");

reset:
#if defined(MBEDTLS_COMPAT)
    if (use_cache && cache_file != NULL && served > 0 && cache_save_file(&cache, cache_file) != 0) {
        mbedtls_printf("  ! saving the cache to %s failed\n", cache_file);
    }
#endif
    if (ret != 0) {
        char error_buf[100];
        mbedtls_strerror(ret, error_buf, sizeof(error_buf));
        mbedtls_printf("Last error was: -0x%X - %s\n\n", (unsigned) -ret, error_buf);
    }
    if (max_connections > 0 && served >= max_connections) {
        exit_code = MBEDTLS_EXIT_SUCCESS;
        goto exit;
    }
    mbedtls_net_free(&client_fd);
    mbedtls_ssl_session_reset(&ssl);

    mbedtls_printf("  . Waiting for a remote connection ...\n");
    fflush(stdout);
    if ((ret = mbedtls_net_accept(&listen_fd, &client_fd, NULL, 0, NULL)) != 0) {
        mbedtls_printf(" failed\n  ! mbedtls_net_accept returned %d\n\n", ret);
        goto exit;
    }
    served++;
    if (nbio && (ret = mbedtls_net_set_nonblock(&client_fd)) != 0) {
        goto reset;
    }
    mbedtls_ssl_set_bio(&ssl, &client_fd, mbedtls_net_send, mbedtls_net_recv, NULL);

    mbedtls_printf("  . Performing the SSL/TLS handshake...");
    fflush(stdout);
    while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            mbedtls_printf(" failed\n  ! mbedtls_ssl_handshake returned -0x%x\n", (unsigned) -ret);
            if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
                mbedtls_printf("  ! client verify flags 0x%08x\n", (unsigned) mbedtls_ssl_get_verify_result(&ssl));
            }
            goto reset;
        }
        if (nbio && (ret = wait_for(&client_fd, ret)) != 0) {
            goto reset;
        }
    }
    mbedtls_printf(" ok\n");
    mbedtls_printf("    [ Protocol is %s ]\n", mbedtls_ssl_get_version(&ssl));
    mbedtls_printf("    [ Ciphersuite is %s ]\n", mbedtls_ssl_get_ciphersuite(&ssl));
    if (alpn != NULL) {
        const char *alp = mbedtls_ssl_get_alpn_protocol(&ssl);
        mbedtls_printf("    [ Application Layer Protocol is %s ]\n", alp ? alp : "(none)");
    }
#if defined(MBEDTLS_COMPAT)
    mbedtls_printf("    resumed: %s\n", mbedtls_compat_ssl_session_resumed(&ssl) ? "yes" : "no");
#endif
    if (auth_mode > 0) {
        mbedtls_printf("    [ Client certificate verify flags: 0x%08x ]\n",
                       (unsigned) mbedtls_ssl_get_verify_result(&ssl));
    }
    fflush(stdout);

    if (strcmp(mode, "echo") == 0) {
        /* Echo until the client closes. */
        for (;;) {
            ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf));
            if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
                if (nbio && (ret = wait_for(&client_fd, ret)) != 0) {
                    goto reset;
                }
                continue;
            }
            if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0) {
                mbedtls_printf("  . Client closed the connection (%s)\n", ret == 0 ? "EOF" : "close_notify");
                break;
            }
            if (ret < 0) {
                mbedtls_printf("  ! mbedtls_ssl_read returned -0x%x\n", (unsigned) -ret);
                goto reset;
            }
            mbedtls_printf("  < Echoing %d bytes\n", ret);
            fflush(stdout);
            if ((ret = write_all(&ssl, &client_fd, nbio, buf, (size_t) ret)) != 0) {
                mbedtls_printf("  ! mbedtls_ssl_write returned -0x%x\n", (unsigned) -ret);
                goto reset;
            }
        }
    } else {
        /* Read one request, answer with a small page. */
        mbedtls_printf("  < Read from client:");
        fflush(stdout);
        do {
            len = sizeof(buf) - 1;
            memset(buf, 0, sizeof(buf));
            ret = mbedtls_ssl_read(&ssl, buf, (size_t) len);
            if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
                if (nbio && (ret = wait_for(&client_fd, ret)) != 0) {
                    goto reset;
                }
                continue;
            }
            if (ret <= 0) {
                mbedtls_printf(" connection closed before a request (-0x%x)\n", (unsigned) -ret);
                goto reset;
            }
            mbedtls_printf(" %d bytes read\n\n%s", ret, (char *) buf);
            break;
        } while (1);

        mbedtls_printf("  > Write to client:");
        fflush(stdout);
        len = snprintf((char *) buf, sizeof(buf), HTTP_RESPONSE, mbedtls_ssl_get_ciphersuite(&ssl));
        if ((ret = write_all(&ssl, &client_fd, nbio, buf, (size_t) len)) != 0) {
            mbedtls_printf(" failed\n  ! mbedtls_ssl_write returned -0x%x\n", (unsigned) -ret);
            goto reset;
        }
        mbedtls_printf(" %d bytes written\n", len);
    }

    mbedtls_printf("  . Closing the connection...");
    while ((ret = mbedtls_ssl_close_notify(&ssl)) < 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            break;
        }
        if (nbio && wait_for(&client_fd, ret) != 0) {
            break;
        }
    }
    mbedtls_printf(" ok\n");
    if (cache_remove && store.last_id_len > 0) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        mbedtls_ssl_cache_remove(&cache, store.last_id, store.last_id_len);
        mbedtls_printf("  . Removed the session from the cache\n");
#endif
        store.last_id_len = 0;
    }
    fflush(stdout);
    ret = 0;
    goto reset;

usage:
    mbedtls_printf("usage: ssl_server crt_file= key_file= [key_pwd=] [crt_file2= key_file2=]\n"
                   "       [server_addr=] [server_port=] [ca_file=] [auth_mode=none|optional|required]\n"
                   "       [min_version=tls12|tls13] [max_version=tls12|tls13] [force_ciphersuite=]\n"
                   "       [alpn=a,b] [mode=http|echo] [nbio=0|1] [max_connections=N] [debug_level=0..4]\n"
                   "       [cache=0|1] [cache_max=N] [cache_timeout=s] [cache_file=PATH]\n"
                   "       [tickets=0|1] [ticket_lifetime=s] [ticket_aead=aes128|aes256|chacha]\n"
                   "       [ticket_key=HEX64] [new_session_tickets=N]\n");
    ret = 0;

exit:
    if (ret != 0) {
        char error_buf[100];
        mbedtls_strerror(ret, error_buf, sizeof(error_buf));
        mbedtls_printf("Last error was: -0x%X - %s\n\n", (unsigned) -ret, error_buf);
    }
    mbedtls_net_free(&client_fd);
    mbedtls_net_free(&listen_fd);
    mbedtls_x509_crt_free(&srvcert);
    mbedtls_x509_crt_free(&srvcert2);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_pk_free(&pkey);
    mbedtls_pk_free(&pkey2);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ssl_cache_free(&cache);
#if defined(MBEDTLS_COMPAT)
    mbedtls_compat_redis_cache_free(&redis_cache);
#endif
    mbedtls_ssl_ticket_free(&ticket_ctx);
    mbedtls_x509_crt_free(&sni_crt);
    mbedtls_pk_free(&sni_key);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);

    mbedtls_exit(exit_code);
}
