/*
 * Smoke test of psa/crypto.h, written in the style of the Mbed TLS sample programs
 * (init everything first, one exit label, free everything unconditionally).
 *
 * Prints, for each hash algorithm and test input, the one-shot digest (HASH lines), the
 * multi-part digest (MULTI lines) and the digest of a computation cloned mid-stream (CLONE
 * lines), all as hex; tests/c_programs.rs compares them with Python's hashlib. Prints two
 * RANDOM lines of 32 random bytes each. Ends with "PSA smoke test passed".
 *
 * Build and run from the crate root, after `make lib`:
 *   gcc -Wall -Wextra -Werror -Iinclude tests/c/psa_smoke.c target/release/libmbedtls.a \
 *       -lpthread -ldl -lm -o build/tests/psa_smoke
 *   valgrind --error-exitcode=1 --leak-check=full ./build/tests/psa_smoke
 */
#include <stdio.h>
#include <string.h>

#include "mbedtls/build_info.h"
#include "mbedtls/platform.h"
#include "psa/crypto.h"
#include "check.h"

#if !defined(MBEDTLS_PSA_CRYPTO_C)
#error "MBEDTLS_PSA_CRYPTO_C is not defined"
#endif

#define CHECK_STATUS(expr, expected)                                         \
    do {                                                                     \
        status = (expr);                                                     \
        if (status != (expected)) {                                          \
            mbedtls_printf("FAILED line %d: %s returned %d, expected %d\n",  \
                           __LINE__, #expr, (int) status, (int) (expected)); \
            goto exit;                                                       \
        }                                                                    \
    } while (0)

/* A zeroed operation in static storage is inactive, as in Mbed TLS. */
static psa_hash_operation_t static_operation;

static void print_hex(const char *tag, const char *alg, const char *input,
                      const uint8_t *bytes, size_t len)
{
    size_t i;
    mbedtls_printf("%s %s %s ", tag, alg, input);
    for (i = 0; i < len; i++) {
        mbedtls_printf("%02x", bytes[i]);
    }
    mbedtls_printf("\n");
}

int main(void)
{
    int exit_code = MBEDTLS_EXIT_FAILURE;
    psa_status_t status = PSA_SUCCESS;
    size_t a, i, length = 0, third;
    uint8_t hash[PSA_HASH_MAX_SIZE], other[PSA_HASH_MAX_SIZE], random1[32], random2[32];
    static uint8_t pattern[1000], many_a[100000];
    const struct {
        psa_algorithm_t alg;
        const char *name;
    } algs[] = {
        { PSA_ALG_SHA_1, "sha1" },
        { PSA_ALG_SHA_224, "sha224" },
        { PSA_ALG_SHA_256, "sha256" },
        { PSA_ALG_SHA_384, "sha384" },
        { PSA_ALG_SHA_512, "sha512" },
    };
    const struct {
        const char *name;
        const uint8_t *data;
        size_t len;
    } inputs[] = {
        { "abc", (const uint8_t *) "abc", 3 },
        { "empty", (const uint8_t *) "", 0 },
        { "pattern", pattern, sizeof(pattern) },
        { "many_a", many_a, sizeof(many_a) },
    };
    size_t n;

    psa_hash_operation_t operation = PSA_HASH_OPERATION_INIT;
    psa_hash_operation_t clone = psa_hash_operation_init();

    for (i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t) (i * 7 + 3);
    }
    memset(many_a, 'a', sizeof(many_a));

    /* Random bytes need psa_crypto_init, as in Mbed TLS; init is idempotent. */
    CHECK_STATUS(psa_generate_random(random1, sizeof(random1)), PSA_ERROR_BAD_STATE);
    CHECK_STATUS(psa_crypto_init(), PSA_SUCCESS);
    CHECK_STATUS(psa_crypto_init(), PSA_SUCCESS);
    CHECK_STATUS(psa_generate_random(random1, sizeof(random1)), PSA_SUCCESS);
    CHECK_STATUS(psa_generate_random(random2, sizeof(random2)), PSA_SUCCESS);
    CHECK_STATUS(psa_generate_random(NULL, 0), PSA_SUCCESS);
    CHECK(memcmp(random1, random2, sizeof(random1)) != 0);
    print_hex("RANDOM", "-", "1", random1, sizeof(random1));
    print_hex("RANDOM", "-", "2", random2, sizeof(random2));

    for (a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
        psa_algorithm_t alg = algs[a].alg;
        CHECK(PSA_ALG_IS_HASH(alg));
        CHECK(PSA_HASH_LENGTH(alg) <= PSA_HASH_MAX_SIZE);
        for (n = 0; n < sizeof(inputs) / sizeof(inputs[0]); n++) {
            const uint8_t *data = inputs[n].data;
            size_t len = inputs[n].len;

            /* One shot */
            CHECK_STATUS(psa_hash_compute(alg, data, len, hash, sizeof(hash), &length), PSA_SUCCESS);
            CHECK(length == (size_t) PSA_HASH_LENGTH(alg));
            print_hex("HASH", algs[a].name, inputs[n].name, hash, length);
            CHECK_STATUS(psa_hash_compare(alg, data, len, hash, length), PSA_SUCCESS);

            /* Multi-part, in three pieces, with a clone after the first one */
            third = len / 3;
            CHECK_STATUS(psa_hash_setup(&operation, alg), PSA_SUCCESS);
            CHECK_STATUS(psa_hash_update(&operation, data, third), PSA_SUCCESS);
            CHECK_STATUS(psa_hash_clone(&operation, &clone), PSA_SUCCESS);
            CHECK_STATUS(psa_hash_update(&operation, data + third, third), PSA_SUCCESS);
            CHECK_STATUS(psa_hash_update(&operation, data + 2 * third, len - 2 * third),
                         PSA_SUCCESS);
            CHECK_STATUS(psa_hash_finish(&operation, other, sizeof(other), &length), PSA_SUCCESS);
            print_hex("MULTI", algs[a].name, inputs[n].name, other, length);
            CHECK_STATUS(psa_hash_update(&clone, data + third, len - third), PSA_SUCCESS);
            CHECK_STATUS(psa_hash_verify(&clone, other, length), PSA_SUCCESS);
            CHECK_STATUS(psa_hash_setup(&clone, alg), PSA_SUCCESS);
            CHECK_STATUS(psa_hash_update(&clone, data, len), PSA_SUCCESS);
            CHECK_STATUS(psa_hash_finish(&clone, other, sizeof(other), &length), PSA_SUCCESS);
            print_hex("CLONE", algs[a].name, inputs[n].name, other, length);
        }
    }

    /* (NULL, 0) is the empty input */
    CHECK_STATUS(psa_hash_compute(PSA_ALG_SHA_256, NULL, 0, hash, sizeof(hash), &length),
                 PSA_SUCCESS);
    print_hex("HASH", "sha256", "empty", hash, length);

    /* Mismatches */
    CHECK_STATUS(psa_hash_compute(PSA_ALG_SHA_256, (const uint8_t *) "abc", 3, hash,
                                  sizeof(hash), &length), PSA_SUCCESS);
    hash[0] ^= 1;
    CHECK_STATUS(psa_hash_compare(PSA_ALG_SHA_256, (const uint8_t *) "abc", 3, hash, length),
                 PSA_ERROR_INVALID_SIGNATURE);
    CHECK_STATUS(psa_hash_setup(&operation, PSA_ALG_SHA_256), PSA_SUCCESS);
    CHECK_STATUS(psa_hash_update(&operation, (const uint8_t *) "abc", 3), PSA_SUCCESS);
    CHECK_STATUS(psa_hash_verify(&operation, hash, length), PSA_ERROR_INVALID_SIGNATURE);
    mbedtls_printf("  . Mismatches ok\n");

    /* Wrong order, short buffers, unsupported algorithms */
    CHECK_STATUS(psa_hash_update(&static_operation, hash, 1), PSA_ERROR_BAD_STATE);
    CHECK_STATUS(psa_hash_finish(&static_operation, hash, sizeof(hash), &length),
                 PSA_ERROR_BAD_STATE);
    CHECK_STATUS(psa_hash_abort(&static_operation), PSA_SUCCESS);
    CHECK_STATUS(psa_hash_setup(&static_operation, PSA_ALG_SHA_512), PSA_SUCCESS);
    CHECK_STATUS(psa_hash_setup(&static_operation, PSA_ALG_SHA_512), PSA_ERROR_BAD_STATE);
    CHECK_STATUS(psa_hash_update(&static_operation, hash, 1), PSA_ERROR_BAD_STATE);
    CHECK_STATUS(psa_hash_setup(&static_operation, PSA_ALG_SHA_512), PSA_SUCCESS);
    CHECK_STATUS(psa_hash_finish(&static_operation, hash, PSA_HASH_LENGTH(PSA_ALG_SHA_512) - 1,
                                 &length), PSA_ERROR_BUFFER_TOO_SMALL);
    CHECK_STATUS(psa_hash_finish(&static_operation, hash, sizeof(hash), &length),
                 PSA_ERROR_BAD_STATE);
    CHECK_STATUS(psa_hash_compute(PSA_ALG_SHA_256, hash, 1, hash, 31, &length),
                 PSA_ERROR_BUFFER_TOO_SMALL);
    CHECK_STATUS(psa_hash_compute(PSA_ALG_SHA3_256, hash, 1, hash, sizeof(hash), &length),
                 PSA_ERROR_NOT_SUPPORTED);
    CHECK_STATUS(psa_hash_setup(&operation, PSA_ALG_MD5), PSA_ERROR_NOT_SUPPORTED);
    CHECK_STATUS(psa_hash_setup(&operation, PSA_ALG_NONE), PSA_ERROR_INVALID_ARGUMENT);
    CHECK(!PSA_ALG_IS_HASH(PSA_ALG_NONE));
    CHECK(PSA_HASH_LENGTH(PSA_ALG_NONE) == 0);
    CHECK(PSA_HASH_LENGTH(PSA_ALG_SHA3_256) == 32);
    mbedtls_printf("  . Bad input ok\n");

    /* An operation left active is freed by abort */
    CHECK_STATUS(psa_hash_setup(&operation, PSA_ALG_SHA_384), PSA_SUCCESS);
    CHECK_STATUS(psa_hash_update(&operation, pattern, sizeof(pattern)), PSA_SUCCESS);

    mbedtls_printf("PSA smoke test passed\n");
    exit_code = MBEDTLS_EXIT_SUCCESS;

exit:
    psa_hash_abort(&operation);
    psa_hash_abort(&clone);
    psa_hash_abort(&static_operation);
    mbedtls_psa_crypto_free();
    return exit_code;
}
