/*
 * ctr_drbg.h, entropy.h, timing.h, constant_time.h and psa_util.h: every function, with bad
 * input (NULL, zero and huge lengths, wrong order, unwritable and absent seed files, too many
 * sources, a failing source).
 *
 * Usage: small_modules <scratch dir> [<DER ECDSA P-256 signature file>]
 *
 * The lines starting with "ret " are return codes and observations that Debian's Mbed TLS 2.28
 * must print identically (tests/c_programs.rs builds this program against both). The 3.6-only
 * part (psa_util.h) and the checks of this library's own documented choices are CHECKs.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mbedtls/version.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/timing.h"
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include "mbedtls/psa_util.h"
#endif

#include "check.h"

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define DEFAULT_SOURCES 1 /* the platform source */
#define DRBG_UPDATE(ctx, buf, len) mbedtls_ctr_drbg_update(ctx, buf, len)
#define FINAL_DELAY(d) mbedtls_timing_get_final_delay(d)
#else
#define FINAL_DELAY(d) ((d)->fin_ms) /* no getter in 2.28: the field is public */
/* 2.28 also registers a hardclock (MBEDTLS_TIMING_C) and a HAVEGE (MBEDTLS_HAVEGE_C) source;
   rustls-mbedtls-compat's 2.28 edition only the platform source. */
#if defined(MBEDTLS_COMPAT)
#define DEFAULT_SOURCES 1
#elif defined(MBEDTLS_TIMING_C) && defined(MBEDTLS_HAVEGE_C)
#define DEFAULT_SOURCES 3
#elif defined(MBEDTLS_TIMING_C) || defined(MBEDTLS_HAVEGE_C)
#define DEFAULT_SOURCES 2
#else
#define DEFAULT_SOURCES 1
#endif
#define DRBG_UPDATE(ctx, buf, len) mbedtls_ctr_drbg_update_ret(ctx, buf, len)
#endif

#define RET(label, expr) mbedtls_printf("ret %-40s %d\n", label, (int) (expr))

/* An entropy callback that records the lengths it is asked for; fails from call `fail_at` on. */
struct recorder {
    char lengths[128];
    int calls;
    int fail_at;
};

static int recording_entropy(void *p, unsigned char *out, size_t len)
{
    struct recorder *r = p;
    size_t used = strlen(r->lengths);
    snprintf(r->lengths + used, sizeof(r->lengths) - used, "%s%zu", used ? "," : "", len);
    r->calls++;
    if (r->fail_at && r->calls >= r->fail_at) {
        return -1;
    }
    memset(out, 0x5A, len);
    return 0;
}

static void recorder_reset(struct recorder *r, int fail_at)
{
    memset(r, 0, sizeof(*r));
    r->fail_at = fail_at;
}

/* Entropy sources: counting (8 bytes per poll), failing, silent. */
static int counting_source(void *p, unsigned char *out, size_t len, size_t *olen)
{
    (*(int *) p)++;
    memset(out, 0xA5, len < 8 ? len : 8);
    *olen = len < 8 ? len : 8;
    return 0;
}

static int failing_source(void *p, unsigned char *out, size_t len, size_t *olen)
{
    (void) p; (void) out; (void) len;
    *olen = 0;
    return -0x4242;
}

static int silent_source(void *p, unsigned char *out, size_t len, size_t *olen)
{
    (void) p; (void) out; (void) len;
    *olen = 0;
    return 0;
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    if (f == NULL) {
        return -1;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fclose(f);
    return n;
}

static int write_file(const char *path, size_t len)
{
    unsigned char buf[2000];
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }
    memset(buf, 0x33, sizeof(buf));
    if (len > sizeof(buf) || fwrite(buf, 1, len, f) != len) {
        fclose(f);
        return -1;
    }
    return fclose(f);
}

static void ctr_drbg_cases(const char *dir)
{
    mbedtls_ctr_drbg_context ctx;
    struct recorder rec;
    unsigned char buf[400], out[64];
    char path[512], other[512];
    int ret;

    memset(buf, 0x11, sizeof(buf));
    snprintf(path, sizeof(path), "%s/drbg.seed", dir);

    /* Default lengths: one draw of 48. */
    mbedtls_ctr_drbg_init(&ctx);
    recorder_reset(&rec, 0);
    RET("drbg seed default", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, NULL, 0));
    mbedtls_printf("ret drbg seed default draws %s\n", rec.lengths);
    RET("drbg set_nonce_len after seed", mbedtls_ctr_drbg_set_nonce_len(&ctx, 8));
    recorder_reset(&rec, 0);
    RET("drbg reseed", mbedtls_ctr_drbg_reseed(&ctx, buf, 336));
    mbedtls_printf("ret drbg reseed draws %s\n", rec.lengths);
    RET("drbg reseed 337", mbedtls_ctr_drbg_reseed(&ctx, buf, 337));
    RET("drbg random", mbedtls_ctr_drbg_random(&ctx, out, sizeof(out)));
    RET("drbg random 0", mbedtls_ctr_drbg_random(&ctx, out, 0));
    /* Seeding again: Mbed TLS takes the request count (3) as the nonce length. */
    recorder_reset(&rec, 0);
    RET("drbg seed again", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, NULL, 0));
    mbedtls_printf("ret drbg seed again draws %s\n", rec.lengths);
    RET("drbg update 0", DRBG_UPDATE(&ctx, NULL, 0));
    RET("drbg update 384", DRBG_UPDATE(&ctx, buf, 384));
    RET("drbg update 385", DRBG_UPDATE(&ctx, buf, 385));
    mbedtls_ctr_drbg_set_prediction_resistance(&ctx, MBEDTLS_CTR_DRBG_PR_OFF);

    /* Seed files. */
    RET("drbg write_seed_file", mbedtls_ctr_drbg_write_seed_file(&ctx, path));
    mbedtls_printf("ret drbg seed file size %ld\n", file_size(path));
    RET("drbg update_seed_file", mbedtls_ctr_drbg_update_seed_file(&ctx, path));
    mbedtls_printf("ret drbg seed file size after update %ld\n", file_size(path));
    RET("drbg write_seed_file unwritable", mbedtls_ctr_drbg_write_seed_file(&ctx, "/nonexistent-dir/seed"));
    RET("drbg write_seed_file directory", mbedtls_ctr_drbg_write_seed_file(&ctx, dir));
    snprintf(other, sizeof(other), "%s/absent.seed", dir);
    RET("drbg update_seed_file absent", mbedtls_ctr_drbg_update_seed_file(&ctx, other));
    RET("drbg update_seed_file directory", mbedtls_ctr_drbg_update_seed_file(&ctx, dir));
    snprintf(other, sizeof(other), "%s/empty.seed", dir);
    write_file(other, 0);
    RET("drbg update_seed_file empty", mbedtls_ctr_drbg_update_seed_file(&ctx, other));
    snprintf(other, sizeof(other), "%s/long.seed", dir);
    write_file(other, 257);
    RET("drbg update_seed_file 257", mbedtls_ctr_drbg_update_seed_file(&ctx, other));
    mbedtls_printf("ret drbg long seed file untouched %d\n", file_size(other) == 257);
    write_file(other, 256);
    RET("drbg update_seed_file 256", mbedtls_ctr_drbg_update_seed_file(&ctx, other));
    mbedtls_ctr_drbg_free(&ctx);
    mbedtls_ctr_drbg_free(&ctx);

    /* Entropy length 32: Mbed TLS adds a 16-byte nonce in a second call. */
    mbedtls_ctr_drbg_init(&ctx);
    mbedtls_ctr_drbg_set_entropy_len(&ctx, 32);
    recorder_reset(&rec, 0);
    RET("drbg seed entropy 32", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, NULL, 0));
    mbedtls_printf("ret drbg seed entropy 32 draws %s\n", rec.lengths);
    mbedtls_ctr_drbg_free(&ctx);

    /* Explicit nonce lengths, limits. */
    mbedtls_ctr_drbg_init(&ctx);
    RET("drbg set_nonce_len 385", mbedtls_ctr_drbg_set_nonce_len(&ctx, 385));
    RET("drbg set_nonce_len 384", mbedtls_ctr_drbg_set_nonce_len(&ctx, 384));
    recorder_reset(&rec, 0);
    RET("drbg seed 48+384", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, NULL, 0));
    mbedtls_printf("ret drbg seed 48+384 calls %d\n", rec.calls);
    mbedtls_ctr_drbg_free(&ctx);

    mbedtls_ctr_drbg_init(&ctx);
    mbedtls_ctr_drbg_set_entropy_len(&ctx, 32);
    RET("drbg set_nonce_len 0", mbedtls_ctr_drbg_set_nonce_len(&ctx, 0));
    recorder_reset(&rec, 0);
    RET("drbg seed 32+0 pers 352", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, buf, 352));
    mbedtls_printf("ret drbg seed 32+0 draws %s\n", rec.lengths);
    mbedtls_ctr_drbg_free(&ctx);

    mbedtls_ctr_drbg_init(&ctx);
    mbedtls_ctr_drbg_set_entropy_len(&ctx, 24);
    RET("drbg set_nonce_len 100", mbedtls_ctr_drbg_set_nonce_len(&ctx, 100));
    recorder_reset(&rec, 0);
    RET("drbg seed 24+100 pers 261", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, buf, 261));
    RET("drbg seed 24+100 pers 260", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, buf, 260));
    mbedtls_printf("ret drbg seed 24+100 draws %s\n", rec.lengths);
    mbedtls_ctr_drbg_free(&ctx);

    mbedtls_ctr_drbg_init(&ctx);
    mbedtls_ctr_drbg_set_entropy_len(&ctx, 385);
    recorder_reset(&rec, 0);
    RET("drbg seed entropy 385", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, NULL, 0));
    mbedtls_printf("ret drbg seed entropy 385 calls %d\n", rec.calls);
    mbedtls_ctr_drbg_free(&ctx);

    /* A failing source: at the entropy draw, and at the nonce draw. */
    mbedtls_ctr_drbg_init(&ctx);
    recorder_reset(&rec, 1);
    RET("drbg seed failing", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, NULL, 0));
    mbedtls_ctr_drbg_free(&ctx);
    mbedtls_ctr_drbg_init(&ctx);
    mbedtls_ctr_drbg_set_entropy_len(&ctx, 16);
    recorder_reset(&rec, 2);
    RET("drbg seed failing nonce", mbedtls_ctr_drbg_seed(&ctx, recording_entropy, &rec, NULL, 0));
    mbedtls_printf("ret drbg seed failing nonce draws %s\n", rec.lengths);
    mbedtls_ctr_drbg_free(&ctx);

    /* With mbedtls_entropy_func: more than 64 bytes fail. */
    {
        mbedtls_entropy_context entropy;
        mbedtls_entropy_init(&entropy);
        mbedtls_ctr_drbg_init(&ctx);
        mbedtls_ctr_drbg_set_entropy_len(&ctx, 65);
        RET("drbg seed entropy_func 65", mbedtls_ctr_drbg_seed(&ctx, mbedtls_entropy_func, &entropy, NULL, 0));
        mbedtls_ctr_drbg_free(&ctx);
        mbedtls_ctr_drbg_init(&ctx);
        mbedtls_ctr_drbg_set_entropy_len(&ctx, 64);
        RET("drbg seed entropy_func 64", mbedtls_ctr_drbg_seed(&ctx, mbedtls_entropy_func, &entropy, NULL, 0));
        mbedtls_ctr_drbg_free(&ctx);
        mbedtls_entropy_free(&entropy);
    }
    (void) ret;
}

static void entropy_cases(const char *dir)
{
    static const unsigned char big[2000] = { 1 };
    mbedtls_entropy_context ctx, second;
    unsigned char out[65];
    char path[512], other[512];
    int calls = 0, added = 0, ret;

    snprintf(path, sizeof(path), "%s/entropy.seed", dir);
    mbedtls_entropy_init(&ctx);
    mbedtls_entropy_init(&second);
    RET("entropy func 64", mbedtls_entropy_func(&ctx, out, 64));
    RET("entropy func 65", mbedtls_entropy_func(&ctx, out, 65));
    RET("entropy func 0", mbedtls_entropy_func(&ctx, out, 0));
    /* A weak source with a 20-byte threshold, 8 bytes a poll: 3 rounds per output. */
    RET("entropy add weak", mbedtls_entropy_add_source(&ctx, counting_source, &calls, 20,
                                                       MBEDTLS_ENTROPY_SOURCE_WEAK));
    RET("entropy func with weak", mbedtls_entropy_func(&ctx, out, 32));
    mbedtls_printf("ret entropy weak source polls %d\n", calls);
    RET("entropy gather", mbedtls_entropy_gather(&ctx));
    mbedtls_printf("ret entropy polls after gather %d\n", calls);
    RET("entropy func after gather", mbedtls_entropy_func(&ctx, out, 32));
    mbedtls_printf("ret entropy polls after second output %d\n", calls);
    RET("entropy update_manual", mbedtls_entropy_update_manual(&ctx, out, 10));
    RET("entropy update_manual 0", mbedtls_entropy_update_manual(&ctx, out, 0));
    RET("entropy update_manual 2000", mbedtls_entropy_update_manual(&ctx, big, sizeof(big)));

    /* Seed files. */
    RET("entropy write_seed_file", mbedtls_entropy_write_seed_file(&ctx, path));
    mbedtls_printf("ret entropy seed file size %ld\n", file_size(path));
    RET("entropy update_seed_file", mbedtls_entropy_update_seed_file(&ctx, path));
    RET("entropy write_seed_file unwritable", mbedtls_entropy_write_seed_file(&ctx, "/nonexistent-dir/seed"));
    snprintf(other, sizeof(other), "%s/absent.seed", dir);
    RET("entropy update_seed_file absent", mbedtls_entropy_update_seed_file(&ctx, other));
    RET("entropy update_seed_file directory", mbedtls_entropy_update_seed_file(&ctx, dir));
    snprintf(other, sizeof(other), "%s/empty.eseed", dir);
    write_file(other, 0);
    RET("entropy update_seed_file empty", mbedtls_entropy_update_seed_file(&ctx, other));
    mbedtls_printf("ret entropy empty seed file rewritten %ld\n", file_size(other));
    snprintf(other, sizeof(other), "%s/long.eseed", dir);
    write_file(other, 2000);
    RET("entropy update_seed_file 2000", mbedtls_entropy_update_seed_file(&ctx, other));
    mbedtls_printf("ret entropy long seed file rewritten %ld\n", file_size(other));

    /* Too many sources. */
    while ((ret = mbedtls_entropy_add_source(&ctx, silent_source, NULL, 0, MBEDTLS_ENTROPY_SOURCE_WEAK)) == 0) {
        added++;
    }
    RET("entropy add past the limit", ret);
    mbedtls_printf("ret entropy sources in all %d\n", added + 1 + DEFAULT_SOURCES);
    RET("entropy func with 20 sources", mbedtls_entropy_func(&ctx, out, 64));

    /* A failing source fails gathering and outputs with its own code. */
    RET("entropy add failing", mbedtls_entropy_add_source(&second, failing_source, NULL, 0,
                                                          MBEDTLS_ENTROPY_SOURCE_STRONG));
    RET("entropy func failing", mbedtls_entropy_func(&second, out, 16));
    RET("entropy gather failing", mbedtls_entropy_gather(&second));
    RET("entropy write_seed_file failing", mbedtls_entropy_write_seed_file(&second, path));
    mbedtls_entropy_free(&second);
    /* A source that never delivers its threshold: given up after the round limit. */
    mbedtls_entropy_init(&second);
    RET("entropy add silent", mbedtls_entropy_add_source(&second, silent_source, NULL, 1,
                                                         MBEDTLS_ENTROPY_SOURCE_STRONG));
    RET("entropy func silent", mbedtls_entropy_func(&second, out, 16));
    mbedtls_entropy_free(&second);

    mbedtls_entropy_free(&ctx);
#if defined(MBEDTLS_COMPAT)
    /* Mbed TLS 3.6 without threading answers NO_SOURCES_DEFINED; Debian's 2.28 (threading on)
       fails locking the freed mutex. */
    if (mbedtls_entropy_func(&ctx, out, 16) != MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED) {
        mbedtls_printf("FAILED: entropy func after free\n");
    }
#endif
    mbedtls_entropy_free(&ctx);
}

static void timing_cases(void)
{
    struct mbedtls_timing_hr_time timer;
    mbedtls_timing_delay_context delay;
    unsigned long ms;

    memset(&delay, 0, sizeof(delay));
    RET("timing get_delay zeroed", mbedtls_timing_get_delay(&delay));
    RET("timing get_timer reset", mbedtls_timing_get_timer(&timer, 1));
    usleep(30000);
    ms = mbedtls_timing_get_timer(&timer, 0);
    mbedtls_printf("ret timing 30 ms measured %d\n", ms >= 30 && ms < 1000);
    mbedtls_timing_set_delay(&delay, 40, 120);
    RET("timing final delay", FINAL_DELAY(&delay));
    RET("timing get_delay before", mbedtls_timing_get_delay(&delay));
    usleep(60000);
    RET("timing get_delay intermediate", mbedtls_timing_get_delay(&delay));
    usleep(80000);
    RET("timing get_delay final", mbedtls_timing_get_delay(&delay));
    mbedtls_timing_set_delay(&delay, 10, 0);
    RET("timing get_delay cancelled", mbedtls_timing_get_delay(&delay));
    RET("timing final delay cancelled", FINAL_DELAY(&delay));
}

static void constant_time_cases(void)
{
    const unsigned char a[] = "secret value", b[] = "secreT valuE";
    RET("ct_memcmp equal", mbedtls_ct_memcmp(a, a, sizeof(a)));
    RET("ct_memcmp different", mbedtls_ct_memcmp(a, b, sizeof(a)));
    RET("ct_memcmp 0", mbedtls_ct_memcmp(a, b, 0));
}

/* This library's documented choices where Mbed TLS dereferences NULL or behaves by accident. */
static int own_cases(const char *dir)
{
#if defined(MBEDTLS_COMPAT)
    mbedtls_ctr_drbg_context ctx;
    mbedtls_entropy_context entropy;
    unsigned char out[16];
    char path[512];
    size_t olen = 99;
    int ok = 0;

    snprintf(path, sizeof(path), "%s/unseeded.seed", dir);
    mbedtls_ctr_drbg_init(&ctx);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_set_reseed_interval(&ctx, 1);
    mbedtls_ctr_drbg_set_reseed_interval(NULL, 1);
    mbedtls_ctr_drbg_set_entropy_len(NULL, 1);
    mbedtls_ctr_drbg_set_prediction_resistance(NULL, 1);
    CHECK(mbedtls_ctr_drbg_set_nonce_len(NULL, 1) == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_ctr_drbg_write_seed_file(&ctx, path) == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    CHECK(file_size(path) == 0);
    CHECK(mbedtls_ctr_drbg_write_seed_file(&ctx, NULL) == MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR);
    CHECK(mbedtls_ctr_drbg_update_seed_file(&ctx, NULL) == MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR);
    CHECK(mbedtls_ctr_drbg_update(NULL, out, 4) == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_ctr_drbg_update(&ctx, NULL, 4) == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_ctr_drbg_seed(&ctx, NULL, NULL, NULL, 0) == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_ctr_drbg_seed(&ctx, mbedtls_entropy_func, &entropy, NULL, 5) ==
          MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_ctr_drbg_seed(&ctx, mbedtls_entropy_func, &entropy, NULL, 0) == 0);
    CHECK(mbedtls_ctr_drbg_write_seed_file(&ctx, path) == 0);

    CHECK(mbedtls_entropy_add_source(NULL, silent_source, NULL, 0, 1) == MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
    CHECK(mbedtls_entropy_add_source(&entropy, NULL, NULL, 0, 1) == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_entropy_gather(NULL) == MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
    CHECK(mbedtls_entropy_update_manual(NULL, out, 1) == MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
    CHECK(mbedtls_entropy_update_manual(&entropy, NULL, 1) == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_entropy_func(NULL, out, 1) == MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
    CHECK(mbedtls_entropy_func(&entropy, NULL, 1) == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_entropy_write_seed_file(&entropy, NULL) == MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR);
    CHECK(mbedtls_entropy_update_seed_file(&entropy, NULL) == MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR);
    CHECK(mbedtls_platform_entropy_poll(NULL, out, sizeof(out), &olen) == 0 && olen == sizeof(out));
    CHECK(mbedtls_platform_entropy_poll(NULL, NULL, 4, &olen) == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED && olen == 0);
    CHECK(mbedtls_platform_entropy_poll(NULL, out, 4, NULL) == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);

    CHECK(mbedtls_timing_get_timer(NULL, 1) == 0);
    mbedtls_timing_set_delay(NULL, 1, 2);
    CHECK(mbedtls_timing_get_delay(NULL) == -1);
    CHECK(mbedtls_timing_get_final_delay(NULL) == 0);
    CHECK(mbedtls_ct_memcmp(NULL, out, 1) == 1);
    CHECK(mbedtls_ct_memcmp(NULL, NULL, 0) == 0);
    ok = 1;
exit:
    mbedtls_ctr_drbg_free(&ctx);
    mbedtls_entropy_free(&entropy);
    return ok;
#else
    (void) dir;
    return 1;
#endif
}

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
static void print_hex(const char *label, const unsigned char *p, size_t n)
{
    size_t i;
    mbedtls_printf("%s ", label);
    for (i = 0; i < n; i++) {
        mbedtls_printf("%02x", p[i]);
    }
    mbedtls_printf("\n");
}

/* psa_util.h (3.6 only): the PSA RNG as f_rng, ECDSA DER <-> raw, curve ids. */
static int psa_util_cases(const char *sig_path)
{
    unsigned char out[32], der[160], raw[140], again[160];
    size_t len = 0, raw_len = 0, again_len = 0, bits = 0;
    int ok = 0;
    FILE *f;

    CHECK(mbedtls_psa_get_random(MBEDTLS_PSA_RANDOM_STATE, out, sizeof(out)) == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
    CHECK(psa_crypto_init() == PSA_SUCCESS);
    CHECK(mbedtls_psa_get_random(MBEDTLS_PSA_RANDOM_STATE, out, sizeof(out)) == 0);
    CHECK(mbedtls_psa_get_random(NULL, NULL, 1) == MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
    CHECK(mbedtls_psa_get_random(NULL, NULL, 0) == 0);

    CHECK(mbedtls_ecc_group_to_psa(MBEDTLS_ECP_DP_SECP256R1, &bits) == PSA_ECC_FAMILY_SECP_R1 && bits == 256);
    CHECK(mbedtls_ecc_group_to_psa(MBEDTLS_ECP_DP_SECP384R1, &bits) == PSA_ECC_FAMILY_SECP_R1 && bits == 384);
    CHECK(mbedtls_ecc_group_to_psa(MBEDTLS_ECP_DP_CURVE25519, &bits) == PSA_ECC_FAMILY_MONTGOMERY && bits == 255);
    CHECK(mbedtls_ecc_group_to_psa(MBEDTLS_ECP_DP_NONE, &bits) == 0 && bits == 0);
    CHECK(mbedtls_ecc_group_to_psa(MBEDTLS_ECP_DP_SECP256R1, NULL) == 0);
    CHECK(mbedtls_ecc_group_from_psa(PSA_ECC_FAMILY_SECP_R1, 256) == MBEDTLS_ECP_DP_SECP256R1);
    CHECK(mbedtls_ecc_group_from_psa(PSA_ECC_FAMILY_SECP_R1, 384) == MBEDTLS_ECP_DP_SECP384R1);
    CHECK(mbedtls_ecc_group_from_psa(PSA_ECC_FAMILY_MONTGOMERY, 255) == MBEDTLS_ECP_DP_CURVE25519);
    CHECK(mbedtls_ecc_group_from_psa(PSA_ECC_FAMILY_MONTGOMERY, 256) == MBEDTLS_ECP_DP_NONE);
    CHECK(mbedtls_ecc_group_from_psa(0, 0) == MBEDTLS_ECP_DP_NONE);

    /* Bad input. */
    memset(raw, 0x42, sizeof(raw));
    CHECK(mbedtls_ecdsa_raw_to_der(0, raw, 0, der, sizeof(der), &len) == MBEDTLS_ERR_ASN1_INVALID_DATA);
    CHECK(mbedtls_ecdsa_raw_to_der(256, raw, 63, der, sizeof(der), &len) == MBEDTLS_ERR_ASN1_INVALID_DATA);
    CHECK(mbedtls_ecdsa_raw_to_der(256, raw, 64, der, 10, &len) == MBEDTLS_ERR_ASN1_BUF_TOO_SMALL);
    CHECK(mbedtls_ecdsa_raw_to_der(544, raw, 136, der, sizeof(der), &len) == MBEDTLS_ERR_ASN1_BUF_TOO_SMALL);
    CHECK(mbedtls_ecdsa_raw_to_der((size_t) -1, raw, 64, der, sizeof(der), &len) == MBEDTLS_ERR_ASN1_INVALID_DATA);
    CHECK(mbedtls_ecdsa_raw_to_der(256, NULL, 64, der, sizeof(der), &len) == MBEDTLS_ERR_ASN1_INVALID_DATA);
    CHECK(mbedtls_ecdsa_raw_to_der(256, raw, 64, NULL, 0, &len) == MBEDTLS_ERR_ASN1_BUF_TOO_SMALL);
    CHECK(mbedtls_ecdsa_raw_to_der(256, raw, 64, der, sizeof(der), NULL) == MBEDTLS_ERR_ASN1_INVALID_DATA);
    memset(raw, 0, 32);
    CHECK(mbedtls_ecdsa_raw_to_der(256, raw, 64, der, sizeof(der), &len) == MBEDTLS_ERR_ASN1_INVALID_DATA);
    CHECK(mbedtls_ecdsa_der_to_raw(0, der, 8, raw, sizeof(raw), &raw_len) == MBEDTLS_ERR_ASN1_INVALID_DATA);
    CHECK(mbedtls_ecdsa_der_to_raw(256, der, 0, raw, sizeof(raw), &raw_len) == MBEDTLS_ERR_ASN1_OUT_OF_DATA);
    CHECK(mbedtls_ecdsa_der_to_raw(256, der, 8, raw, 63, &raw_len) == MBEDTLS_ERR_ASN1_BUF_TOO_SMALL);
    CHECK(mbedtls_ecdsa_der_to_raw(256, NULL, 8, raw, 64, &raw_len) == MBEDTLS_ERR_ASN1_INVALID_DATA);
    CHECK(mbedtls_ecdsa_der_to_raw(256, (const unsigned char *) "\x31\x00", 2, raw, 64, &raw_len) ==
          MBEDTLS_ERR_ASN1_UNEXPECTED_TAG);

    /* A real signature (openssl dgst -sign, DER): to raw and back, byte for byte. */
    if (sig_path != NULL) {
        f = fopen(sig_path, "rb");
        CHECK(f != NULL);
        len = fread(der, 1, sizeof(der), f);
        fclose(f);
        CHECK(mbedtls_ecdsa_der_to_raw(256, der, len, raw, sizeof(raw), &raw_len) == 0 && raw_len == 64);
        print_hex("raw", raw, raw_len);
        CHECK(mbedtls_ecdsa_raw_to_der(256, raw, raw_len, again, sizeof(again), &again_len) == 0);
        CHECK(again_len == len && memcmp(again, der, len) == 0);
        /* One byte short of room, trailing garbage. */
        CHECK(mbedtls_ecdsa_raw_to_der(256, raw, raw_len, again, len - 1, &again_len) == MBEDTLS_ERR_ASN1_BUF_TOO_SMALL);
        der[len] = 0;
        CHECK(mbedtls_ecdsa_der_to_raw(256, der, len + 1, raw, sizeof(raw), &raw_len) == MBEDTLS_ERR_ASN1_LENGTH_MISMATCH);
        CHECK(mbedtls_ecdsa_der_to_raw(256, der, len - 1, raw, sizeof(raw), &raw_len) == MBEDTLS_ERR_ASN1_OUT_OF_DATA);
        /* In place. */
        memcpy(again, raw, 64);
        CHECK(mbedtls_ecdsa_raw_to_der(256, again, 64, again, sizeof(again), &again_len) == 0);
        CHECK(again_len == len && memcmp(again, der, len) == 0);
    }
    ok = 1;
exit:
    mbedtls_psa_crypto_free();
    return ok;
}
#endif

int main(int argc, char **argv)
{
    int ok = 1;
    if (argc < 2) {
        mbedtls_printf("usage: %s <scratch dir> [<DER signature>]\n", argv[0]);
        return 2;
    }
    ctr_drbg_cases(argv[1]);
    entropy_cases(argv[1]);
    timing_cases();
    constant_time_cases();
    ok &= own_cases(argv[1]);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    ok &= psa_util_cases(argc > 2 ? argv[2] : NULL);
#endif
    mbedtls_printf("%s\n", ok ? "small modules: done" : "small modules: FAILED");
    return ok ? 0 : 1;
}
