/*
 * Smoke test of x509_crt.h and pk.h, written the way Mbed TLS sample programs are: every
 * *_init first, one exit label, every *_free unconditionally.
 *
 *   x509_pk_smoke [CERT_DIR]     (default: tests/certs/generated)
 *
 * Parses the test PKI (PEM files, PEM buffers with and without the terminating NUL, DER,
 * a directory), prints mbedtls_x509_crt_info for the chain, loads plain and encrypted keys
 * (including a wrong and a missing password) and checks the results. Exit status 0 on success.
 * Meant to run under valgrind --error-exitcode=1 --leak-check=full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counted_checks.h"

#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#define CHECK_RET(expr, expected)                                          \
    do {                                                                   \
        int r_ = (expr);                                                   \
        if (r_ != (expected)) {                                            \
            char e_[128];                                                  \
            mbedtls_strerror(r_, e_, sizeof(e_));                          \
            fprintf(stderr, "%s:%d: %s returned -0x%04X (%s), expected "   \
                    "%d\n", __FILE__, __LINE__, #expr,                     \
                    (unsigned int) (r_ < 0 ? -r_ : r_), e_, (expected));   \
            failures++;                                                    \
        }                                                                  \
    } while (0)

static const char *dir = "tests/certs/generated";

static void path_of(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static unsigned char *load(const char *name, size_t *len)
{
    return load_file(dir, name, len);
}

static int chain_length(const mbedtls_x509_crt *crt)
{
    int n = 0;
    for (; crt != NULL && crt->raw.p != NULL; crt = crt->next) {
        n++;
    }
    return n;
}

int main(int argc, char *argv[])
{
    mbedtls_x509_crt chain, der_chain, dir_chain, copy;
    mbedtls_pk_context rsa_key, ec_key, enc_key, pub_key;
    unsigned char *pem = NULL, *der = NULL, *key = NULL;
    size_t pem_len = 0, der_len = 0, key_len = 0;
    char path[1024];
    char info[4096];
    char small[24];
    const mbedtls_x509_crt *cur;
    int ret, depth;

    mbedtls_x509_crt_init(&chain);
    mbedtls_x509_crt_init(&der_chain);
    mbedtls_x509_crt_init(&dir_chain);
    mbedtls_pk_init(&rsa_key);
    mbedtls_pk_init(&ec_key);
    mbedtls_pk_init(&enc_key);
    mbedtls_pk_init(&pub_key);

    if (argc > 1) {
        dir = argv[1];
    }

    /* --- Certificates from a file: server + CA. */
    path_of(path, sizeof(path), "server-rsa-chain.crt");
    CHECK_RET(mbedtls_x509_crt_parse_file(&chain, path), 0);
    CHECK(chain_length(&chain) == 2);
    CHECK(chain.version == 3);
    CHECK(mbedtls_pk_get_type(&chain.pk) == MBEDTLS_PK_RSA);
    CHECK(mbedtls_pk_get_bitlen(&chain.pk) == 2048);
    CHECK(strcmp(mbedtls_pk_get_name(&chain.pk), "RSA") == 0);

    for (cur = &chain, depth = 0; cur != NULL; cur = cur->next, depth++) {
        ret = mbedtls_x509_crt_info(info, sizeof(info), "    ", cur);
        CHECK(ret > 0 && (size_t) ret == strlen(info));
        printf("certificate at depth %d (%u bytes DER):\n%s", depth,
               (unsigned int) cur->raw.len, info);
    }
    CHECK(strstr(info, "subject name      : O=rustls-mbedtls-compat test, CN=Test CA") != NULL);

    /* A buffer too small: truncated, NUL-terminated, error code. */
    memset(small, 'x', sizeof(small));
    CHECK_RET(mbedtls_x509_crt_info(small, sizeof(small), "", &chain),
              MBEDTLS_ERR_X509_BUFFER_TOO_SMALL);
    CHECK(small[sizeof(small) - 1] == '\0');

    /* --- PEM buffer (with and without the NUL) and DER, appended to one chain. */
    pem = load("server-ec-chain.crt", &pem_len);
    der = load("ca.der", &der_len);
    CHECK(pem != NULL && der != NULL);
    if (pem != NULL && der != NULL) {
        CHECK_RET(mbedtls_x509_crt_parse(&der_chain, pem, pem_len + 1), 0);
        CHECK_RET(mbedtls_x509_crt_parse(&der_chain, pem, pem_len), 0);
        CHECK_RET(mbedtls_x509_crt_parse_der(&der_chain, der, der_len), 0);
        CHECK(chain_length(&der_chain) == 5);
        CHECK(mbedtls_pk_get_type(&der_chain.pk) == MBEDTLS_PK_ECKEY);
        CHECK(mbedtls_pk_get_bitlen(&der_chain.pk) == 256);
        CHECK(memcmp(der_chain.next->next->next->next->raw.p, der, der_len) == 0);
        /* Garbage is an error and leaves the chain alone. */
        CHECK_RET(mbedtls_x509_crt_parse_der(&der_chain, pem, 10), MBEDTLS_ERR_X509_INVALID_FORMAT);
        CHECK(chain_length(&der_chain) == 5);
    }
    CHECK_RET(mbedtls_x509_crt_parse(&der_chain, NULL, 10), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
    path_of(path, sizeof(path), "does-not-exist.crt");
    CHECK_RET(mbedtls_x509_crt_parse_file(&der_chain, path), MBEDTLS_ERR_PK_FILE_IO_ERROR);

    /* --- A whole directory: keys and other files count as failures, certificates load. */
    ret = mbedtls_x509_crt_parse_path(&dir_chain, dir);
    printf("parse_path: %d files failed, %d certificates loaded\n", ret, chain_length(&dir_chain));
    CHECK(ret > 0);
    CHECK(chain_length(&dir_chain) >= 8);

    /* A struct copied and freed twice (through the copy): harmless. */
    memcpy(&copy, &dir_chain, sizeof(copy));
    mbedtls_x509_crt_free(&copy);
    mbedtls_x509_crt_free(&dir_chain);

    /* --- Keys. */
    path_of(path, sizeof(path), "server-rsa.key");
    CHECK_RET(mbedtls_pk_parse_keyfile(&rsa_key, path, NULL, NULL, NULL), 0);
    CHECK(mbedtls_pk_get_type(&rsa_key) == MBEDTLS_PK_RSA);
    CHECK(mbedtls_pk_get_bitlen(&rsa_key) == 2048);
    CHECK(mbedtls_pk_can_do(&rsa_key, MBEDTLS_PK_RSA) == 1);
    /* A second key into a loaded context is refused. */
    CHECK_RET(mbedtls_pk_parse_keyfile(&rsa_key, path, NULL, NULL, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);

    key = load("server-ec.sec1.key", &key_len);
    CHECK(key != NULL);
    if (key != NULL) {
        CHECK_RET(mbedtls_pk_parse_key(&ec_key, key, key_len + 1, NULL, 0, NULL, NULL), 0);
        CHECK(mbedtls_pk_get_type(&ec_key) == MBEDTLS_PK_ECKEY);
        CHECK(strcmp(mbedtls_pk_get_name(&ec_key), "EC") == 0);
    }

    path_of(path, sizeof(path), "server-ec.enc.key");
    CHECK_RET(mbedtls_pk_parse_keyfile(&enc_key, path, NULL, NULL, NULL), MBEDTLS_ERR_PK_PASSWORD_REQUIRED);
    CHECK_RET(mbedtls_pk_parse_keyfile(&enc_key, path, "wrong", NULL, NULL), MBEDTLS_ERR_PK_PASSWORD_MISMATCH);
    CHECK(mbedtls_pk_get_type(&enc_key) == MBEDTLS_PK_NONE);
    CHECK_RET(mbedtls_pk_parse_keyfile(&enc_key, path, "secret", NULL, NULL), 0);
    CHECK(mbedtls_pk_get_bitlen(&enc_key) == 256);
    {
        char err[128];
        mbedtls_strerror(MBEDTLS_ERR_PK_PASSWORD_MISMATCH, err, sizeof(err));
        printf("wrong password: %s\n", err);
    }

    CHECK_RET(mbedtls_pk_parse_public_key(&pub_key, chain.pk_raw.p, chain.pk_raw.len), 0);
    CHECK(mbedtls_pk_get_bitlen(&pub_key) == 2048);
    CHECK_RET(mbedtls_pk_parse_key(NULL, key, key_len, NULL, 0, NULL, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);

    /* --- Verification flags as text. */
    ret = mbedtls_x509_crt_verify_info(info, sizeof(info), "  ! ",
                                       MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    CHECK(ret > 0 && (size_t) ret == strlen(info));
    printf("verify_info:\n%s", info);
    CHECK_RET(mbedtls_x509_crt_verify_info(info, sizeof(info), "", 0), 0);

    /* Frees are idempotent. */
    mbedtls_x509_crt_free(&chain);
    mbedtls_pk_free(&rsa_key);

    free(pem);
    free(der);
    free(key);
    mbedtls_x509_crt_free(&chain);
    mbedtls_x509_crt_free(&der_chain);
    mbedtls_x509_crt_free(&dir_chain);
    mbedtls_x509_crt_free(NULL);
    mbedtls_pk_free(&rsa_key);
    mbedtls_pk_free(&ec_key);
    mbedtls_pk_free(&enc_key);
    mbedtls_pk_free(&pub_key);
    mbedtls_pk_free(NULL);

    if (failures != 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return EXIT_FAILURE;
    }
    printf("x509_pk_smoke: OK\n");
    return EXIT_SUCCESS;
}
