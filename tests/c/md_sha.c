/*
 * Digests and HMACs through md.h, sha1.h, sha256.h and sha512.h, printed in hex so that
 * tests/c_programs.rs can compare every line with Python's hashlib/hmac on the same inputs. Every
 * value is computed by several routes (the header's one-shot, its context fed in odd-sized
 * pieces, a context cloned halfway, md.h's one-shot, context and file functions), and a few bad
 * calls check their documented codes. Written in the style of the Mbed TLS sample programs.
 *
 * Output lines: "<kind> <algorithm> <input> <route> <hex>", kind "digest" or "hmac".
 * Inputs: "empty", "abc", "1m" (1 MiB, byte i = (i * 31 + (i >> 8)) & 0xFF).
 * HMAC keys: "Jefe" and "long" (200 bytes 0, 1, ..., 199: longer than any block), each over
 * every input; their lines name "<key>/<input>".
 *
 * usage: md_sha SCRATCH_FILE   (written, hashed with mbedtls_md_file, removed)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbedtls/build_info.h"
#include "mbedtls/error.h"
#include "mbedtls/md.h"
#include "mbedtls/platform.h"
#include "mbedtls/sha1.h"
#include "mbedtls/sha256.h"
#include "mbedtls/sha512.h"

#if !defined(MBEDTLS_MD_C) || !defined(MBEDTLS_SHA1_C) || !defined(MBEDTLS_SHA224_C) || \
    !defined(MBEDTLS_SHA256_C) || !defined(MBEDTLS_SHA384_C) || !defined(MBEDTLS_SHA512_C)
#error "build_info.h must claim the digest modules"
#endif

#define BIG_LEN (1024 * 1024)

static int failures;

#define CHECK_RET(expr, expected)                                                        \
    do {                                                                                 \
        int r_ = (expr);                                                                 \
        if (r_ != (expected)) {                                                          \
            char err_[128];                                                              \
            mbedtls_strerror(r_, err_, sizeof(err_));                                    \
            mbedtls_printf("FAILED line %d: %s returned -0x%04X (%s), expected -0x%04X\n", \
                           __LINE__, #expr, (unsigned) -r_, err_, (unsigned) -(expected)); \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

struct input {
    const char *name;
    const unsigned char *data;
    size_t len;
};

/* The piece sizes an input is fed in: odd, and crossing every block boundary. */
static const size_t pieces[] = { 1, 3, 7, 61, 127, 129, 1021, 4093, 65537 };

static void print_hex(const char *kind, const char *alg, const char *input, const char *route,
                      const unsigned char *buf, size_t len)
{
    size_t i;
    mbedtls_printf("%s %s %s %s ", kind, alg, input, route);
    for (i = 0; i < len; i++) {
        mbedtls_printf("%02x", buf[i]);
    }
    mbedtls_printf("\n");
}

/* The lower-case name of a digest ("SHA256" -> "sha256"), as the output lines spell it. */
static void alg_name(const mbedtls_md_info_t *info, char *alg, size_t size)
{
    size_t k;
    snprintf(alg, size, "%s", mbedtls_md_get_name(info));
    for (k = 0; alg[k] != '\0'; k++) {
        alg[k] = (alg[k] >= 'A' && alg[k] <= 'Z') ? (char) (alg[k] - 'A' + 'a') : alg[k];
    }
}

/* Feeds `in` to `update` in the odd-sized pieces above, cycling. */
#define FEED(update, ctx, in)                                                            \
    do {                                                                                 \
        size_t off_ = 0, k_ = 0;                                                         \
        while (off_ < (in)->len) {                                                       \
            size_t n_ = pieces[k_++ % (sizeof(pieces) / sizeof(pieces[0]))];             \
            if (n_ > (in)->len - off_) {                                                 \
                n_ = (in)->len - off_;                                                   \
            }                                                                            \
            CHECK_RET(update((ctx), (in)->data + off_, n_), 0);                           \
            off_ += n_;                                                                  \
        }                                                                                \
    } while (0)

/* The half of an input before a clone, the rest after. */
#define HALF(in) ((in)->len / 2)

static void sha1_routes(const struct input *in)
{
    unsigned char out[20], copy_out[20];
    mbedtls_sha1_context ctx, copy;

    mbedtls_sha1_init(&ctx);
    mbedtls_sha1_init(&copy);

    CHECK_RET(mbedtls_sha1(in->data, in->len, out), 0);
    print_hex("digest", "sha1", in->name, "sha1.h-once", out, sizeof(out));

    CHECK_RET(mbedtls_sha1_starts(&ctx), 0);
    FEED(mbedtls_sha1_update, &ctx, in);
    CHECK_RET(mbedtls_sha1_finish(&ctx, out), 0);
    print_hex("digest", "sha1", in->name, "sha1.h-pieces", out, sizeof(out));

    CHECK_RET(mbedtls_sha1_starts(&ctx), 0);
    CHECK_RET(mbedtls_sha1_update(&ctx, in->data, HALF(in)), 0);
    mbedtls_sha1_clone(&copy, &ctx);
    CHECK_RET(mbedtls_sha1_update(&ctx, in->data + HALF(in), in->len - HALF(in)), 0);
    CHECK_RET(mbedtls_sha1_update(&copy, in->data + HALF(in), in->len - HALF(in)), 0);
    CHECK_RET(mbedtls_sha1_finish(&ctx, out), 0);
    CHECK_RET(mbedtls_sha1_finish(&copy, copy_out), 0);
    print_hex("digest", "sha1", in->name, "sha1.h-cloned", copy_out, sizeof(copy_out));
    print_hex("digest", "sha1", in->name, "sha1.h-original", out, sizeof(out));

    mbedtls_sha1_free(&copy);
    mbedtls_sha1_free(&ctx);
}

static void sha256_routes(const struct input *in, int is224)
{
    unsigned char out[32], copy_out[32];
    size_t len = is224 ? 28 : 32;
    const char *alg = is224 ? "sha224" : "sha256";
    mbedtls_sha256_context ctx, copy;

    mbedtls_sha256_init(&ctx);
    mbedtls_sha256_init(&copy);

    CHECK_RET(mbedtls_sha256(in->data, in->len, out, is224), 0);
    print_hex("digest", alg, in->name, "sha256.h-once", out, len);

    CHECK_RET(mbedtls_sha256_starts(&ctx, is224), 0);
    FEED(mbedtls_sha256_update, &ctx, in);
    CHECK_RET(mbedtls_sha256_finish(&ctx, out), 0);
    print_hex("digest", alg, in->name, "sha256.h-pieces", out, len);

    CHECK_RET(mbedtls_sha256_starts(&ctx, is224), 0);
    CHECK_RET(mbedtls_sha256_update(&ctx, in->data, HALF(in)), 0);
    mbedtls_sha256_clone(&copy, &ctx);
    CHECK_RET(mbedtls_sha256_update(&ctx, in->data + HALF(in), in->len - HALF(in)), 0);
    CHECK_RET(mbedtls_sha256_update(&copy, in->data + HALF(in), in->len - HALF(in)), 0);
    CHECK_RET(mbedtls_sha256_finish(&ctx, out), 0);
    CHECK_RET(mbedtls_sha256_finish(&copy, copy_out), 0);
    print_hex("digest", alg, in->name, "sha256.h-cloned", copy_out, len);
    print_hex("digest", alg, in->name, "sha256.h-original", out, len);

    mbedtls_sha256_free(&copy);
    mbedtls_sha256_free(&ctx);
}

static void sha512_routes(const struct input *in, int is384)
{
    unsigned char out[64], copy_out[64];
    size_t len = is384 ? 48 : 64;
    const char *alg = is384 ? "sha384" : "sha512";
    mbedtls_sha512_context ctx, copy;

    mbedtls_sha512_init(&ctx);
    mbedtls_sha512_init(&copy);

    CHECK_RET(mbedtls_sha512(in->data, in->len, out, is384), 0);
    print_hex("digest", alg, in->name, "sha512.h-once", out, len);

    CHECK_RET(mbedtls_sha512_starts(&ctx, is384), 0);
    FEED(mbedtls_sha512_update, &ctx, in);
    CHECK_RET(mbedtls_sha512_finish(&ctx, out), 0);
    print_hex("digest", alg, in->name, "sha512.h-pieces", out, len);

    CHECK_RET(mbedtls_sha512_starts(&ctx, is384), 0);
    CHECK_RET(mbedtls_sha512_update(&ctx, in->data, HALF(in)), 0);
    mbedtls_sha512_clone(&copy, &ctx);
    CHECK_RET(mbedtls_sha512_update(&ctx, in->data + HALF(in), in->len - HALF(in)), 0);
    CHECK_RET(mbedtls_sha512_update(&copy, in->data + HALF(in), in->len - HALF(in)), 0);
    CHECK_RET(mbedtls_sha512_finish(&ctx, out), 0);
    CHECK_RET(mbedtls_sha512_finish(&copy, copy_out), 0);
    print_hex("digest", alg, in->name, "sha512.h-cloned", copy_out, len);
    print_hex("digest", alg, in->name, "sha512.h-original", out, len);

    mbedtls_sha512_free(&copy);
    mbedtls_sha512_free(&ctx);
}

/* md.h: one-shot, context in pieces, clone halfway; for each key, HMAC one-shot, context in
   pieces, reset and clone halfway. */
static void md_routes(mbedtls_md_type_t type, const struct input *in, const struct input *keys, size_t nkeys)
{
    unsigned char out[MBEDTLS_MD_MAX_SIZE], copy_out[MBEDTLS_MD_MAX_SIZE];
    char alg[16];
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(type);
    size_t len = mbedtls_md_get_size(info), k;
    mbedtls_md_context_t ctx, copy;

    mbedtls_md_init(&ctx);
    mbedtls_md_init(&copy);

    if (info == NULL) {
        mbedtls_printf("FAILED: no info for type %d\n", (int) type);
        failures++;
        goto exit;
    }
    alg_name(info, alg, sizeof(alg));

    CHECK_RET(mbedtls_md(info, in->data, in->len, out), 0);
    print_hex("digest", alg, in->name, "md.h-once", out, len);

    CHECK_RET(mbedtls_md_setup(&ctx, info, 1), 0);
    CHECK_RET(mbedtls_md_setup(&copy, info, 1), 0);
    CHECK_RET(mbedtls_md_starts(&ctx), 0);
    FEED(mbedtls_md_update, &ctx, in);
    CHECK_RET(mbedtls_md_finish(&ctx, out), 0);
    print_hex("digest", alg, in->name, "md.h-pieces", out, len);

    CHECK_RET(mbedtls_md_starts(&ctx), 0);
    CHECK_RET(mbedtls_md_update(&ctx, in->data, HALF(in)), 0);
    CHECK_RET(mbedtls_md_clone(&copy, &ctx), 0);
    CHECK_RET(mbedtls_md_update(&copy, in->data + HALF(in), in->len - HALF(in)), 0);
    CHECK_RET(mbedtls_md_finish(&copy, copy_out), 0);
    print_hex("digest", alg, in->name, "md.h-cloned", copy_out, len);

    for (k = 0; k < nkeys; k++) {
        const struct input *key = &keys[k];
        char name[32];
        /* The HMAC lines name the key and the input: "Jefe/abc". */
        snprintf(name, sizeof(name), "%s/%s", key->name, in->name);

        CHECK_RET(mbedtls_md_hmac(info, key->data, key->len, in->data, in->len, out), 0);
        print_hex("hmac", alg, name, "md.h-once", out, len);

        CHECK_RET(mbedtls_md_hmac_starts(&ctx, key->data, key->len), 0);
        FEED(mbedtls_md_hmac_update, &ctx, in);
        CHECK_RET(mbedtls_md_hmac_finish(&ctx, out), 0);
        print_hex("hmac", alg, name, "md.h-pieces", out, len);

        CHECK_RET(mbedtls_md_hmac_reset(&ctx), 0);
        CHECK_RET(mbedtls_md_hmac_update(&ctx, in->data, HALF(in)), 0);
        CHECK_RET(mbedtls_md_clone(&copy, &ctx), 0);
        CHECK_RET(mbedtls_md_hmac_update(&copy, in->data + HALF(in), in->len - HALF(in)), 0);
        CHECK_RET(mbedtls_md_hmac_finish(&copy, copy_out), 0);
        print_hex("hmac", alg, name, "md.h-reset-cloned", copy_out, len);
    }

exit:
    mbedtls_md_free(&copy);
    mbedtls_md_free(&ctx);
}

/* A few calls in the wrong state or with bad pointers: their documented codes. */
static void bad_calls(void)
{
    unsigned char out[MBEDTLS_MD_MAX_SIZE];
    mbedtls_md_context_t md;
    mbedtls_sha256_context sha;

    mbedtls_md_init(&md);
    mbedtls_sha256_init(&sha);

    CHECK_RET(mbedtls_md_setup(&md, NULL, 0), MBEDTLS_ERR_MD_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_MD5), 0),
              MBEDTLS_ERR_MD_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 0), 0);
    CHECK_RET(mbedtls_md_hmac_starts(&md, (const unsigned char *) "k", 1), MBEDTLS_ERR_MD_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_md_finish(&md, out), MBEDTLS_ERR_MD_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_md_update(&md, NULL, 1), MBEDTLS_ERR_MD_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_md_file(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), "/nonexistent", out),
              MBEDTLS_ERR_MD_FILE_IO_ERROR);
    CHECK_RET(mbedtls_sha256_update(&sha, out, 1), MBEDTLS_ERR_SHA256_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_sha256_starts(&sha, 2), MBEDTLS_ERR_SHA256_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_sha512(out, 1, NULL, 0), MBEDTLS_ERR_SHA512_BAD_INPUT_DATA);
    CHECK_RET(mbedtls_sha1_finish(NULL, out), MBEDTLS_ERR_SHA1_BAD_INPUT_DATA);
    if (mbedtls_md_info_from_type(MBEDTLS_MD_SHA3_256) != NULL ||
        mbedtls_md_info_from_string("RIPEMD160") != NULL ||
        mbedtls_md_get_size_from_type(MBEDTLS_MD_SHA384) != 48) {
        mbedtls_printf("FAILED: md info lookups\n");
        failures++;
    }

    mbedtls_sha256_free(&sha);
    mbedtls_md_free(&md);
}

int main(int argc, char *argv[])
{
    int exit_code = MBEDTLS_EXIT_FAILURE;
    size_t i;
    unsigned char *big = NULL, long_key[200];
    FILE *f = NULL;
    const int *type;
    struct input inputs[3], keys[2];

    if (argc != 2) {
        mbedtls_printf("usage: %s SCRATCH_FILE\n", argv[0]);
        return exit_code;
    }

    big = mbedtls_calloc(1, BIG_LEN);
    if (big == NULL) {
        goto exit;
    }
    for (i = 0; i < BIG_LEN; i++) {
        big[i] = (unsigned char) ((i * 31 + (i >> 8)) & 0xFF);
    }
    for (i = 0; i < sizeof(long_key); i++) {
        long_key[i] = (unsigned char) i;
    }
    inputs[0] = (struct input) { "empty", (const unsigned char *) "", 0 };
    inputs[1] = (struct input) { "abc", (const unsigned char *) "abc", 3 };
    inputs[2] = (struct input) { "1m", big, BIG_LEN };
    keys[0] = (struct input) { "Jefe", (const unsigned char *) "Jefe", 4 };
    keys[1] = (struct input) { "long", long_key, sizeof(long_key) };

    for (i = 0; i < 3; i++) {
        sha1_routes(&inputs[i]);
        sha256_routes(&inputs[i], 1);
        sha256_routes(&inputs[i], 0);
        sha512_routes(&inputs[i], 1);
        sha512_routes(&inputs[i], 0);
        for (type = mbedtls_md_list(); *type != MBEDTLS_MD_NONE; type++) {
            md_routes((mbedtls_md_type_t) *type, &inputs[i], keys, 2);
        }
    }

    /* mbedtls_md_file over the 1 MiB input. */
    f = fopen(argv[1], "wb");
    if (f == NULL || fwrite(big, 1, BIG_LEN, f) != BIG_LEN) {
        mbedtls_printf("FAILED: cannot write %s\n", argv[1]);
        goto exit;
    }
    fclose(f);
    f = NULL;
    for (type = mbedtls_md_list(); *type != MBEDTLS_MD_NONE; type++) {
        unsigned char out[MBEDTLS_MD_MAX_SIZE];
        const mbedtls_md_info_t *info = mbedtls_md_info_from_type((mbedtls_md_type_t) *type);
        char alg[16];
        alg_name(info, alg, sizeof(alg));
        CHECK_RET(mbedtls_md_file(info, argv[1], out), 0);
        print_hex("digest", alg, "1m", "md.h-file", out, mbedtls_md_get_size(info));
    }

    bad_calls();

    if (failures == 0) {
        exit_code = MBEDTLS_EXIT_SUCCESS;
    }

exit:
    if (f != NULL) {
        fclose(f);
    }
    unlink(argv[1]);
    mbedtls_free(big);
    mbedtls_printf("md_sha: %d failures\n", failures);
    return exit_code;
}
