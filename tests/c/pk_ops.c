/*
 * pk.h operations and pem.h, Mbed TLS sample style (every *_init first, one exit label, every
 * *_free unconditionally).
 *
 *   pk_ops CERT_DIR WORK_DIR
 *
 * WORK_DIR holds what the test prepared with openssl: msg (the message), ec.osig / rsa.osig
 * (`openssl dgst -sha256 -sign` of msg), secret and rsa.oenc (`openssl pkeyutl -encrypt` of
 * secret). This program signs msg's SHA-256 with our keys (ec.sig, rsa.sig, rsa.pss), writes the
 * public and private keys (ec.pub.pem, rsa.pub.pem, ec.key.pem, rsa.key.pem, ec.key.der),
 * encrypts secret (rsa.enc), decrypts rsa.oenc (rsa.odec), verifies openssl's signatures, checks
 * key pairs, reads PEM blocks, and feeds bad input everywhere. The test then checks the files
 * with openssl. Prints "pk_ops: N failures".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mbedtls/error.h"
#include "mbedtls/pem.h"
#include "mbedtls/pk.h"
#include "mbedtls/sha256.h"


static const char *cert_dir, *work_dir;

static int rng(void *ctx, unsigned char *out, size_t len)
{
    (void) ctx;
    memset(out, 0x5A, len);
    return 0;
}

static unsigned char *load(const char *d, const char *name, size_t *len)
{
    char path[1024];
    FILE *f;
    long n;
    unsigned char *buf = NULL;

    snprintf(path, sizeof(path), "%s/%s", d, name);
    if ((f = fopen(path, "rb")) == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t) n + 1)) != NULL) {
        if (fread(buf, 1, (size_t) n, f) != (size_t) n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = 0;
            *len = (size_t) n;
        }
    }
    fclose(f);
    return buf;
}

static int save(const char *name, const unsigned char *data, size_t len)
{
    char path[1024];
    FILE *f;
    int ok;

    snprintf(path, sizeof(path), "%s/%s", work_dir, name);
    if ((f = fopen(path, "wb")) == NULL)
        return 0;
    ok = fwrite(data, 1, len, f) == len;
    fclose(f);
    return ok;
}

static int load_key(mbedtls_pk_context *pk, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", cert_dir, name);
    return mbedtls_pk_parse_keyfile(pk, path, NULL, rng, NULL);
}

int main(int argc, char **argv)
{
    mbedtls_pk_context ec, rsa, other, pub, empty, setup;
    mbedtls_pem_context pem;
    unsigned char hash[32], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE], buf[4096];
    unsigned char *msg = NULL, *osig = NULL, *oenc = NULL, *text = NULL;
    size_t msg_len = 0, osig_len = 0, oenc_len = 0, text_len = 0, len = 0, use_len = 0;
    const unsigned char *p;
    unsigned char *q;
    mbedtls_pk_rsassa_pss_options pss = { MBEDTLS_MD_SHA256, MBEDTLS_RSA_SALT_LEN_ANY };
    int ret, exit_code = 1;

    mbedtls_pk_init(&ec);
    mbedtls_pk_init(&rsa);
    mbedtls_pk_init(&other);
    mbedtls_pk_init(&pub);
    mbedtls_pk_init(&empty);
    mbedtls_pk_init(&setup);
    mbedtls_pem_init(&pem);

    CHECK(argc == 3);
    cert_dir = argv[1];
    work_dir = argv[2];
    CHECK((msg = load(work_dir, "msg", &msg_len)) != NULL);
    CHECK(mbedtls_sha256(msg, msg_len, hash, 0) == 0);
    CHECK(load_key(&ec, "server-ec.key") == 0);
    CHECK(load_key(&rsa, "server-rsa.key") == 0);
    CHECK(load_key(&other, "ca.key") == 0);

    /* Signatures for openssl to verify. */
    EXPECT(mbedtls_pk_sign(&ec, MBEDTLS_MD_SHA256, hash, 0, sig, sizeof(sig), &len, rng, NULL), 0);
    CHECK(len > 8 && len <= 72 && sig[0] == 0x30 && save("ec.sig", sig, len));
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 0, sig, len), 0);
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 0, sig, len - 1),
           MBEDTLS_ERR_ECP_BAD_INPUT_DATA + MBEDTLS_ERR_ASN1_OUT_OF_DATA);
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 0, sig, len + 1),
           MBEDTLS_ERR_ECP_BAD_INPUT_DATA + MBEDTLS_ERR_ASN1_LENGTH_MISMATCH);
    EXPECT(mbedtls_pk_sign_restartable(&rsa, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, sizeof(sig), &len,
                                       rng, NULL, NULL), 0);
    CHECK(len == 256 && save("rsa.sig", sig, len));
    EXPECT(mbedtls_pk_verify_restartable(&rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len, NULL), 0);
    EXPECT(mbedtls_pk_verify(&rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len + 1), MBEDTLS_ERR_PK_SIG_LEN_MISMATCH);
    EXPECT(mbedtls_pk_verify(&rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len - 1), MBEDTLS_ERR_RSA_VERIFY_FAILED);
    sig[10] ^= 1;
    EXPECT(mbedtls_pk_verify(&rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len), MBEDTLS_ERR_RSA_VERIFY_FAILED);
    EXPECT(mbedtls_pk_sign_ext(MBEDTLS_PK_RSASSA_PSS, &rsa, MBEDTLS_MD_SHA256, hash, 0, sig, sizeof(sig), &len,
                               rng, NULL), 0);
    CHECK(len == 256 && save("rsa.pss", sig, len));
    EXPECT(mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &pss, &rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len), 0);
    EXPECT(mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, NULL, &rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_verify_ext(MBEDTLS_PK_RSA, &pss, &rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_verify(&rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len), MBEDTLS_ERR_RSA_VERIFY_FAILED);
    EXPECT(mbedtls_pk_sign_ext(MBEDTLS_PK_RSASSA_PSS, &ec, MBEDTLS_MD_SHA256, hash, 0, sig, sizeof(sig), &len,
                               rng, NULL), MBEDTLS_ERR_PK_TYPE_MISMATCH);
    EXPECT(mbedtls_pk_verify_ext(MBEDTLS_PK_ECDSA, NULL, &rsa, MBEDTLS_MD_SHA256, hash, 0, sig, len),
           MBEDTLS_ERR_PK_TYPE_MISMATCH);

    /* openssl's signatures. */
    CHECK((osig = load(work_dir, "ec.osig", &osig_len)) != NULL);
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 32, osig, osig_len), 0);
    hash[0] ^= 1;
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 32, osig, osig_len), MBEDTLS_ERR_ECP_VERIFY_FAILED);
    hash[0] ^= 1;
    free(osig);
    CHECK((osig = load(work_dir, "rsa.osig", &osig_len)) != NULL);
    EXPECT(mbedtls_pk_verify(&rsa, MBEDTLS_MD_SHA256, hash, 32, osig, osig_len), 0);
    EXPECT(mbedtls_pk_verify(&other, MBEDTLS_MD_SHA256, hash, 32, osig, osig_len), MBEDTLS_ERR_RSA_VERIFY_FAILED);
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 32, osig, osig_len),
           MBEDTLS_ERR_ECP_BAD_INPUT_DATA + MBEDTLS_ERR_ASN1_UNEXPECTED_TAG);

    /* Keys written for openssl to read back. */
    EXPECT(mbedtls_pk_write_pubkey_pem(&ec, buf, sizeof(buf)), 0);
    CHECK(save("ec.pub.pem", buf, strlen((char *) buf)));
    EXPECT(mbedtls_pk_write_pubkey_pem(&rsa, buf, sizeof(buf)), 0);
    CHECK(save("rsa.pub.pem", buf, strlen((char *) buf)));
    EXPECT(mbedtls_pk_write_key_pem(&ec, buf, sizeof(buf)), 0);
    CHECK(strncmp((char *) buf, "-----BEGIN EC PRIVATE KEY-----\n", 31) == 0);
    CHECK(save("ec.key.pem", buf, strlen((char *) buf)));
    EXPECT(mbedtls_pk_write_key_pem(&rsa, buf, sizeof(buf)), 0);
    CHECK(strncmp((char *) buf, "-----BEGIN RSA PRIVATE KEY-----\n", 32) == 0);
    CHECK(save("rsa.key.pem", buf, strlen((char *) buf)));
    CHECK((ret = mbedtls_pk_write_key_der(&ec, buf, sizeof(buf))) > 0);
    CHECK(save("ec.key.der", buf + sizeof(buf) - ret, (size_t) ret));
    EXPECT(mbedtls_pk_write_key_der(&ec, buf, 20), MBEDTLS_ERR_ASN1_BUF_TOO_SMALL);
    EXPECT(mbedtls_pk_write_pubkey_pem(&rsa, buf, 100), MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL);
    CHECK((ret = mbedtls_pk_write_pubkey_der(&rsa, buf, sizeof(buf))) > 0);
    EXPECT(mbedtls_pk_parse_public_key(&pub, buf + sizeof(buf) - ret, (size_t) ret), 0);
    EXPECT(mbedtls_pk_check_pair(&pub, &rsa, rng, NULL), 0);
    EXPECT(mbedtls_pk_check_pair(&pub, &other, rng, NULL), MBEDTLS_ERR_RSA_KEY_CHECK_FAILED);
    EXPECT(mbedtls_pk_check_pair(&pub, &ec, rng, NULL), MBEDTLS_ERR_PK_TYPE_MISMATCH);
    EXPECT(mbedtls_pk_check_pair(&pub, &rsa, NULL, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_check_pair(&empty, &rsa, rng, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_check_pair(&rsa, &pub, rng, NULL), MBEDTLS_ERR_RSA_KEY_CHECK_FAILED);
    EXPECT(mbedtls_pk_write_key_der(&pub, buf, sizeof(buf)), MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE);
    /* The bare key of a SubjectPublicKeyInfo, and the SubjectPublicKeyInfo parsed with a cursor. */
    q = buf + sizeof(buf);
    CHECK((ret = mbedtls_pk_write_pubkey(&q, buf, &ec)) == 65 && q == buf + sizeof(buf) - 65 && *q == 0x04);
    q = buf + 10;
    EXPECT(mbedtls_pk_write_pubkey(&q, buf, &ec), MBEDTLS_ERR_ASN1_BUF_TOO_SMALL);
    mbedtls_pk_free(&pub);
    CHECK((ret = mbedtls_pk_write_pubkey_der(&ec, buf, sizeof(buf))) > 0);
    q = buf + sizeof(buf) - ret;
    EXPECT(mbedtls_pk_parse_subpubkey(&q, buf + sizeof(buf), &pub), 0);
    CHECK(q == buf + sizeof(buf) && mbedtls_pk_get_type(&pub) == MBEDTLS_PK_ECKEY);
    EXPECT(mbedtls_pk_check_pair(&pub, &ec, rng, NULL), 0);
    EXPECT(mbedtls_pk_sign(&pub, MBEDTLS_MD_SHA256, hash, 0, sig, sizeof(sig), &len, rng, NULL),
           MBEDTLS_ERR_ECP_INVALID_KEY);
    EXPECT(mbedtls_pk_encrypt(&pub, hash, 4, sig, &len, sizeof(sig), rng, NULL), MBEDTLS_ERR_PK_TYPE_MISMATCH);

    /* RSA encryption both ways. */
    CHECK((text = load(work_dir, "secret", &text_len)) != NULL);
    EXPECT(mbedtls_pk_encrypt(&rsa, text, text_len, sig, &len, sizeof(sig), rng, NULL), 0);
    CHECK(len == 256 && save("rsa.enc", sig, len));
    EXPECT(mbedtls_pk_encrypt(&rsa, text, text_len, sig, &len, 255, rng, NULL), MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE);
    EXPECT(mbedtls_pk_encrypt(&rsa, buf, 246, sig, &len, sizeof(sig), rng, NULL), MBEDTLS_ERR_RSA_BAD_INPUT_DATA);
    CHECK((oenc = load(work_dir, "rsa.oenc", &oenc_len)) != NULL);
    EXPECT(mbedtls_pk_decrypt(&rsa, oenc, oenc_len, buf, &len, sizeof(buf), rng, NULL), 0);
    CHECK(save("rsa.odec", buf, len));
    EXPECT(mbedtls_pk_decrypt(&rsa, oenc, oenc_len, buf, &len, 1, rng, NULL), MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE);
    EXPECT(mbedtls_pk_decrypt(&rsa, oenc, oenc_len - 1, buf, &len, sizeof(buf), rng, NULL),
           MBEDTLS_ERR_RSA_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_decrypt(&other, oenc, oenc_len, buf, &len, sizeof(buf), rng, NULL),
           MBEDTLS_ERR_RSA_INVALID_PADDING);
    EXPECT(mbedtls_pk_decrypt(&ec, oenc, oenc_len, buf, &len, sizeof(buf), rng, NULL), MBEDTLS_ERR_PK_TYPE_MISMATCH);

    /* Set-up contexts and type descriptions. */
    CHECK(mbedtls_pk_info_from_type(MBEDTLS_PK_NONE) == NULL);
    CHECK(mbedtls_pk_info_from_type(MBEDTLS_PK_OPAQUE) == NULL);
    EXPECT(mbedtls_pk_setup(&setup, mbedtls_pk_info_from_type(MBEDTLS_PK_ECDSA)), 0);
    CHECK(mbedtls_pk_get_type(&setup) == MBEDTLS_PK_ECDSA && mbedtls_pk_get_bitlen(&setup) == 0);
    EXPECT(mbedtls_pk_setup(&setup, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_setup(&empty, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_setup(NULL, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_sign(&setup, MBEDTLS_MD_SHA256, hash, 0, sig, sizeof(sig), &len, rng, NULL),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_debug(&ec, NULL), MBEDTLS_ERR_PK_TYPE_MISMATCH);
    EXPECT(mbedtls_pk_debug(&empty, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);

    /* Bad input. */
    EXPECT(mbedtls_pk_sign(NULL, MBEDTLS_MD_SHA256, hash, 0, sig, sizeof(sig), &len, rng, NULL),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_sign(&empty, MBEDTLS_MD_SHA256, hash, 0, sig, sizeof(sig), &len, rng, NULL),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_sign(&ec, MBEDTLS_MD_NONE, hash, 0, sig, sizeof(sig), &len, rng, NULL),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_sign(&ec, MBEDTLS_MD_SHA256, NULL, 0, sig, sizeof(sig), &len, rng, NULL),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_sign(&ec, MBEDTLS_MD_SHA256, hash, 0, NULL, 100, &len, rng, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_sign(&ec, MBEDTLS_MD_SHA256, hash, 0, sig, sizeof(sig), NULL, rng, NULL),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_sign(&ec, (mbedtls_md_type_t) 77, hash, 0, sig, sizeof(sig), &len, rng, NULL),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_sign(&ec, MBEDTLS_MD_SHA256, hash, 0, sig, 10, &len, rng, NULL), MBEDTLS_ERR_ECP_BUFFER_TOO_SMALL);
    EXPECT(mbedtls_pk_sign(&rsa, MBEDTLS_MD_SHA256, hash, 0, sig, 255, &len, rng, NULL), MBEDTLS_ERR_PK_BUFFER_TOO_SMALL);
    EXPECT(mbedtls_pk_sign(&rsa, MBEDTLS_MD_SHA256, hash, 20, sig, sizeof(sig), &len, rng, NULL),
           MBEDTLS_ERR_RSA_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_verify(NULL, MBEDTLS_MD_SHA256, hash, 0, sig, 10), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 0, NULL, 10), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 0, sig, 0),
           MBEDTLS_ERR_ECP_BAD_INPUT_DATA + MBEDTLS_ERR_ASN1_OUT_OF_DATA);
    EXPECT(mbedtls_pk_verify(&ec, MBEDTLS_MD_SHA256, hash, 0, NULL, 0),
           MBEDTLS_ERR_ECP_BAD_INPUT_DATA + MBEDTLS_ERR_ASN1_OUT_OF_DATA);
    EXPECT(mbedtls_pk_encrypt(NULL, hash, 4, sig, &len, sizeof(sig), rng, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_encrypt(&rsa, NULL, 4, sig, &len, sizeof(sig), rng, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_encrypt(&rsa, hash, 4, sig, NULL, sizeof(sig), rng, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_decrypt(&empty, oenc, oenc_len, buf, &len, sizeof(buf), rng, NULL),
           MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_check_pair(NULL, NULL, rng, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_write_key_der(NULL, buf, sizeof(buf)), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_write_key_der(&empty, buf, sizeof(buf)), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_write_pubkey_der(&ec, NULL, 10), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_write_pubkey_der(&ec, buf, 0), MBEDTLS_ERR_ASN1_BUF_TOO_SMALL);
    EXPECT(mbedtls_pk_write_pubkey_pem(&ec, buf, 0), MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL);
    EXPECT(mbedtls_pk_parse_public_keyfile(&empty, NULL), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
    EXPECT(mbedtls_pk_parse_public_keyfile(&empty, "/nonexistent"), MBEDTLS_ERR_PK_FILE_IO_ERROR);
    q = buf;
    EXPECT(mbedtls_pk_parse_subpubkey(&q, buf + 3, &empty), MBEDTLS_ERR_PK_KEY_INVALID_FORMAT);
    CHECK(q == buf);
    EXPECT(mbedtls_pk_parse_subpubkey(NULL, buf + 3, &empty), MBEDTLS_ERR_PK_BAD_INPUT_DATA);

    /* PEM blocks. */
    free(text);
    CHECK((text = load(cert_dir, "server-ec.crt", &text_len)) != NULL);
    EXPECT(mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", text, NULL, 0,
                                   &use_len), 0);
    p = mbedtls_pem_get_buffer(&pem, &len);
    CHECK(p != NULL && len > 100 && p[0] == 0x30 && use_len > 0 && use_len <= text_len);
    EXPECT(mbedtls_pem_read_buffer(&pem, "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----", text, NULL, 0,
                                   &use_len), MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT);
    text[text_len / 2] = 0; /* truncated: the footer is gone */
    EXPECT(mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", text, NULL, 0,
                                   &use_len), MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT);
    EXPECT(mbedtls_pem_read_buffer(NULL, "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", text, NULL, 0,
                                   &use_len), MBEDTLS_ERR_PEM_BAD_INPUT_DATA);
    EXPECT(mbedtls_pem_read_buffer(&pem, NULL, "-----END CERTIFICATE-----", text, NULL, 0, &use_len),
           MBEDTLS_ERR_PEM_BAD_INPUT_DATA);
    EXPECT(mbedtls_pem_read_buffer(&pem, "-----BEGIN X-----", "-----END X-----",
                                   (const unsigned char *) "-----BEGIN X-----\nZm!v\n-----END X-----\n", NULL, 0,
                                   &use_len), MBEDTLS_ERR_PEM_INVALID_DATA + MBEDTLS_ERR_BASE64_INVALID_CHARACTER);
    CHECK(use_len == 39);
    free(text);
    CHECK((text = load(work_dir, "legacy.pem", &text_len)) != NULL);
    EXPECT(mbedtls_pem_read_buffer(&pem, "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", text,
                                   (const unsigned char *) "secret", 6, &use_len), MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE);
    EXPECT(mbedtls_pem_write_buffer("-----BEGIN X-----\n", "-----END X-----\n", hash, 32, buf, sizeof(buf), &len), 0);
    CHECK(len == strlen((char *) buf) + 1 && len == 18 + 44 + 1 + 16 + 1);
    EXPECT(mbedtls_pem_write_buffer("-----BEGIN X-----\n", "-----END X-----\n", hash, 32, buf, 79, &len),
           MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL);
    CHECK(len == 80);
    CHECK(mbedtls_pem_get_buffer(NULL, &len) == NULL && len == 0);

    exit_code = expect_failures == 0 ? 0 : 1;

exit:
    mbedtls_printf("pk_ops: %d failures\n", expect_failures);
    free(msg);
    free(osig);
    free(oenc);
    free(text);
    mbedtls_pk_free(&ec);
    mbedtls_pk_free(&rsa);
    mbedtls_pk_free(&other);
    mbedtls_pk_free(&pub);
    mbedtls_pk_free(&empty);
    mbedtls_pk_free(&setup);
    mbedtls_pem_free(&pem);
    mbedtls_pem_free(&pem);
    return exit_code;
}
