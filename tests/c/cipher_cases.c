/*
 * cipher_cases: runs the symmetric-cipher APIs (aes.h, gcm.h, chacha20.h, poly1305.h,
 * chachapoly.h, cipher.h) on the cases given on stdin and prints every result, so that
 * tests/c_programs.rs can compare the lines with Python's `cryptography` and with the same program
 * built against Debian's Mbed TLS 2.28. Data is fed in the pieces each case names (random split
 * points), through the one-shot and the streaming functions.
 *
 * Input, one case per line (hex fields, "-" for empty; SPLITS: comma-separated piece sizes, "-"
 * for one piece):
 *   ecb KEY BLOCK
 *   cbc KEY IV DATA SPLITS
 *   ctr KEY COUNTER DATA SPLITS
 *   gcm KEY IV AAD DATA TAG_LEN AAD_SPLITS DATA_SPLITS
 *   chacha20 KEY NONCE COUNTER DATA SPLITS
 *   poly1305 KEY DATA SPLITS
 *   chachapoly KEY NONCE AAD DATA AAD_SPLITS DATA_SPLITS
 *   cipher NAME PADDING KEY IV AAD DATA TAG_LEN SPLITS   (PADDING: pkcs7, none or -)
 * Output: "<case number> <result name> <values...>", return codes in decimal. Results that need
 * the Mbed TLS 3.x API print "SKIP" when built against 2.28.
 */
#include "mbedtls/aes.h"
#include "mbedtls/chacha20.h"
#include "mbedtls/chachapoly.h"
#include "mbedtls/cipher.h"
#include "mbedtls/gcm.h"
#include "mbedtls/poly1305.h"
#include "mbedtls/version.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define HAVE_3X_API 1
#else
#define HAVE_3X_API 0
#endif

typedef struct {
    unsigned char *p;
    size_t len;
} buf_t;

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Hex (or "-") into a fresh buffer, with room for 32 more bytes (tags, padding). */
static buf_t unhex(const char *s)
{
    buf_t b = { NULL, 0 };
    size_t n = (s == NULL || strcmp(s, "-") == 0) ? 0 : strlen(s) / 2;
    b.p = calloc(1, n + 32);
    if (b.p == NULL) {
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        b.p[i] = (unsigned char) (hexval(s[2 * i]) * 16 + hexval(s[2 * i + 1]));
    }
    b.len = n;
    return b;
}

static void put_hex(const unsigned char *p, size_t n)
{
    putchar(' ');
    if (n == 0) {
        putchar('-');
    }
    for (size_t i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
}

/* The piece sizes of SPLITS over `total` bytes; the last piece takes the rest. */
static size_t parse_splits(const char *s, size_t total, size_t *pieces, size_t max)
{
    size_t count = 0, used = 0;
    if (s != NULL && strcmp(s, "-") != 0) {
        const char *p = s;
        while (*p != '\0' && count + 1 < max) {
            size_t n = strtoul(p, NULL, 10);
            if (n > total - used) {
                n = total - used;
            }
            pieces[count++] = n;
            used += n;
            p = strchr(p, ',');
            if (p == NULL) {
                break;
            }
            p++;
        }
    }
    pieces[count++] = total - used;
    return count;
}

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) return 0;
    }
    return 1;
}

#define MAX_PIECES 64

static void run_ecb(int id, char **f)
{
    buf_t key = unhex(f[0]), block = unhex(f[1]);
    unsigned char enc[16], dec[16];
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    int r1 = mbedtls_aes_setkey_enc(&aes, key.p, (unsigned) key.len * 8);
    int r2 = mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, block.p, enc);
    int r3 = mbedtls_aes_setkey_dec(&aes, key.p, (unsigned) key.len * 8);
    int r4 = mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_DECRYPT, block.p, dec);
    printf("%d ecb", id);
    if (r1 || r2 || r3 || r4) {
        printf(" %d %d %d %d\n", r1, r2, r3, r4);
    } else {
        put_hex(enc, 16);
        put_hex(dec, 16);
        printf("\n");
    }
    mbedtls_aes_free(&aes);
    free(key.p);
    free(block.p);
}

static void run_cbc(int id, char **f)
{
    buf_t key = unhex(f[0]), iv = unhex(f[1]), data = unhex(f[2]);
    size_t pieces[MAX_PIECES], n = parse_splits(f[3], data.len, pieces, MAX_PIECES);
    unsigned char chain[16];
    unsigned char *ct = calloc(1, data.len + 1), *pt = calloc(1, data.len + 1);
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    int ret = mbedtls_aes_setkey_enc(&aes, key.p, (unsigned) key.len * 8);
    memcpy(chain, iv.p, 16);
    for (size_t i = 0, off = 0; i < n && ret == 0; off += pieces[i++]) {
        ret = mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_ENCRYPT, pieces[i], chain, data.p + off, ct + off);
    }
    printf("%d cbc %d", id, ret);
    put_hex(ct, data.len);
    put_hex(chain, 16);
    ret = mbedtls_aes_setkey_dec(&aes, key.p, (unsigned) key.len * 8);
    memcpy(chain, iv.p, 16);
    /* Decrypt in place, in the same pieces. */
    memcpy(pt, ct, data.len);
    for (size_t i = 0, off = 0; i < n && ret == 0; off += pieces[i++]) {
        ret = mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_DECRYPT, pieces[i], chain, pt + off, pt + off);
    }
    printf(" %d", ret);
    put_hex(pt, data.len);
    printf("\n");
    mbedtls_aes_free(&aes);
    free(ct);
    free(pt);
    free(key.p);
    free(iv.p);
    free(data.p);
}

static void run_ctr(int id, char **f)
{
    buf_t key = unhex(f[0]), counter = unhex(f[1]), data = unhex(f[2]);
    size_t pieces[MAX_PIECES], n = parse_splits(f[3], data.len, pieces, MAX_PIECES);
    unsigned char nonce_counter[16], stream[16] = { 0 };
    unsigned char *ct = calloc(1, data.len + 1);
    size_t nc_off = 0;
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    int ret = mbedtls_aes_setkey_enc(&aes, key.p, (unsigned) key.len * 8);
    memcpy(nonce_counter, counter.p, 16);
    for (size_t i = 0, off = 0; i < n && ret == 0; off += pieces[i++]) {
        ret = mbedtls_aes_crypt_ctr(&aes, pieces[i], &nc_off, nonce_counter, stream, data.p + off, ct + off);
    }
    printf("%d ctr %d", id, ret);
    put_hex(ct, data.len);
    put_hex(nonce_counter, 16);
    printf(" %zu", nc_off);
    put_hex(stream, 16);
    printf("\n");
    mbedtls_aes_free(&aes);
    free(ct);
    free(key.p);
    free(counter.p);
    free(data.p);
}

#if HAVE_3X_API
/* 3.x streaming GCM: AAD and data in the given pieces. */
static int gcm_stream(mbedtls_gcm_context *gcm, int mode, const buf_t *iv, const buf_t *aad,
                      const size_t *aad_pieces, size_t n_aad, const unsigned char *in, size_t len,
                      const size_t *pieces, size_t n, unsigned char *out, unsigned char *tag, size_t tag_len)
{
    size_t olen = 0;
    int ret = mbedtls_gcm_starts(gcm, mode, iv->p, iv->len);
    for (size_t i = 0, off = 0; i < n_aad && ret == 0; off += aad_pieces[i++]) {
        ret = mbedtls_gcm_update_ad(gcm, aad->p + off, aad_pieces[i]);
    }
    for (size_t i = 0, off = 0; i < n && ret == 0; off += pieces[i++]) {
        ret = mbedtls_gcm_update(gcm, in + off, pieces[i], out + off, pieces[i], &olen);
        if (ret == 0 && olen != pieces[i]) {
            ret = -1;
        }
    }
    (void) len;
    if (ret == 0) {
        ret = mbedtls_gcm_finish(gcm, NULL, 0, &olen, tag, tag_len);
    }
    return ret;
}
#endif

static void run_gcm(int id, char **f)
{
    buf_t key = unhex(f[0]), iv = unhex(f[1]), aad = unhex(f[2]), data = unhex(f[3]);
    size_t tag_len = strtoul(f[4], NULL, 10);
    size_t aad_pieces[MAX_PIECES], n_aad = parse_splits(f[5], aad.len, aad_pieces, MAX_PIECES);
    size_t pieces[MAX_PIECES], n = parse_splits(f[6], data.len, pieces, MAX_PIECES);
    unsigned char *ct = calloc(1, data.len + 1), *pt = calloc(1, data.len + 1);
    unsigned char tag[16] = { 0 }, tag2[16] = { 0 };
    mbedtls_gcm_context gcm;
    mbedtls_gcm_init(&gcm);
    int ret = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key.p, (unsigned) key.len * 8);
    if (ret == 0) {
        ret = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, data.len, iv.p, iv.len, aad.p, aad.len,
                                        data.p, ct, tag_len, tag);
    }
    printf("%d gcm-seal %d", id, ret);
    put_hex(ct, data.len);
    put_hex(tag, tag_len);
    ret = mbedtls_gcm_auth_decrypt(&gcm, data.len, iv.p, iv.len, aad.p, aad.len, tag, tag_len, ct, pt);
    printf("\n%d gcm-open %d", id, ret);
    put_hex(pt, data.len);
    tag[0] ^= 0x01;
    memset(pt, 0x55, data.len);
    ret = mbedtls_gcm_auth_decrypt(&gcm, data.len, iv.p, iv.len, aad.p, aad.len, tag, tag_len, ct, pt);
    printf("\n%d gcm-forged %d %d", id, ret, all_zero(pt, data.len));
    tag[0] ^= 0x01;
    /* Decryption without a check writes the tag of the ciphertext. */
    ret = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_DECRYPT, data.len, iv.p, iv.len, aad.p, aad.len, ct, pt,
                                    tag_len, tag2);
    printf("\n%d gcm-dec %d", id, ret);
    put_hex(pt, data.len);
    put_hex(tag2, tag_len);
#if HAVE_3X_API
    memset(tag2, 0, sizeof(tag2));
    ret = gcm_stream(&gcm, MBEDTLS_GCM_ENCRYPT, &iv, &aad, aad_pieces, n_aad, data.p, data.len, pieces, n, ct,
                     tag2, tag_len);
    printf("\n%d gcm-stream %d", id, ret);
    put_hex(ct, data.len);
    put_hex(tag2, tag_len);
    memset(tag2, 0, sizeof(tag2));
    ret = gcm_stream(&gcm, MBEDTLS_GCM_DECRYPT, &iv, &aad, aad_pieces, n_aad, ct, data.len, pieces, n, pt,
                     tag2, tag_len);
    printf("\n%d gcm-stream-dec %d", id, ret);
    put_hex(pt, data.len);
    put_hex(tag2, tag_len);
#else
    (void) n_aad;
    (void) n;
    printf("\n%d gcm-stream SKIP\n%d gcm-stream-dec SKIP", id, id);
#endif
    printf("\n");
    mbedtls_gcm_free(&gcm);
    free(ct);
    free(pt);
    free(key.p);
    free(iv.p);
    free(aad.p);
    free(data.p);
}

static void run_chacha20(int id, char **f)
{
    buf_t key = unhex(f[0]), nonce = unhex(f[1]), data = unhex(f[3]);
    uint32_t counter = (uint32_t) strtoul(f[2], NULL, 10);
    size_t pieces[MAX_PIECES], n = parse_splits(f[4], data.len, pieces, MAX_PIECES);
    unsigned char *ct = calloc(1, data.len + 1);
    mbedtls_chacha20_context chacha;
    mbedtls_chacha20_init(&chacha);
    int ret = mbedtls_chacha20_setkey(&chacha, key.p);
    if (ret == 0) {
        ret = mbedtls_chacha20_starts(&chacha, nonce.p, counter);
    }
    /* In place, in the given pieces. */
    memcpy(ct, data.p, data.len);
    for (size_t i = 0, off = 0; i < n && ret == 0; off += pieces[i++]) {
        ret = mbedtls_chacha20_update(&chacha, pieces[i], ct + off, ct + off);
    }
    printf("%d chacha20 %d", id, ret);
    put_hex(ct, data.len);
    memset(ct, 0, data.len);
    ret = mbedtls_chacha20_crypt(key.p, nonce.p, counter, data.len, data.p, ct);
    printf("\n%d chacha20-crypt %d", id, ret);
    put_hex(ct, data.len);
    printf("\n");
    mbedtls_chacha20_free(&chacha);
    free(ct);
    free(key.p);
    free(nonce.p);
    free(data.p);
}

static void run_poly1305(int id, char **f)
{
    buf_t key = unhex(f[0]), data = unhex(f[1]);
    size_t pieces[MAX_PIECES], n = parse_splits(f[2], data.len, pieces, MAX_PIECES);
    unsigned char mac[16] = { 0 };
    mbedtls_poly1305_context poly;
    mbedtls_poly1305_init(&poly);
    int ret = mbedtls_poly1305_starts(&poly, key.p);
    for (size_t i = 0, off = 0; i < n && ret == 0; off += pieces[i++]) {
        ret = mbedtls_poly1305_update(&poly, data.p + off, pieces[i]);
    }
    if (ret == 0) {
        ret = mbedtls_poly1305_finish(&poly, mac);
    }
    printf("%d poly1305 %d", id, ret);
    put_hex(mac, 16);
    memset(mac, 0, 16);
    ret = mbedtls_poly1305_mac(key.p, data.p, data.len, mac);
    printf("\n%d poly1305-mac %d", id, ret);
    put_hex(mac, 16);
    printf("\n");
    mbedtls_poly1305_free(&poly);
    free(key.p);
    free(data.p);
}

static int chachapoly_stream(mbedtls_chachapoly_context *ctx, mbedtls_chachapoly_mode_t mode,
                             const buf_t *nonce, const buf_t *aad, const size_t *aad_pieces, size_t n_aad,
                             const unsigned char *in, const size_t *pieces, size_t n, unsigned char *out,
                             unsigned char *tag)
{
    int ret = mbedtls_chachapoly_starts(ctx, nonce->p, mode);
    for (size_t i = 0, off = 0; i < n_aad && ret == 0; off += aad_pieces[i++]) {
        ret = mbedtls_chachapoly_update_aad(ctx, aad->p + off, aad_pieces[i]);
    }
    for (size_t i = 0, off = 0; i < n && ret == 0; off += pieces[i++]) {
        ret = mbedtls_chachapoly_update(ctx, pieces[i], in + off, out + off);
    }
    if (ret == 0) {
        ret = mbedtls_chachapoly_finish(ctx, tag);
    }
    return ret;
}

static void run_chachapoly(int id, char **f)
{
    buf_t key = unhex(f[0]), nonce = unhex(f[1]), aad = unhex(f[2]), data = unhex(f[3]);
    size_t aad_pieces[MAX_PIECES], n_aad = parse_splits(f[4], aad.len, aad_pieces, MAX_PIECES);
    size_t pieces[MAX_PIECES], n = parse_splits(f[5], data.len, pieces, MAX_PIECES);
    unsigned char *ct = calloc(1, data.len + 1), *pt = calloc(1, data.len + 1);
    unsigned char tag[16] = { 0 }, tag2[16] = { 0 };
    mbedtls_chachapoly_context ctx;
    mbedtls_chachapoly_init(&ctx);
    int ret = mbedtls_chachapoly_setkey(&ctx, key.p);
    if (ret == 0) {
        ret = mbedtls_chachapoly_encrypt_and_tag(&ctx, data.len, nonce.p, aad.p, aad.len, data.p, ct, tag);
    }
    printf("%d cp-seal %d", id, ret);
    put_hex(ct, data.len);
    put_hex(tag, 16);
    ret = mbedtls_chachapoly_auth_decrypt(&ctx, data.len, nonce.p, aad.p, aad.len, tag, ct, pt);
    printf("\n%d cp-open %d", id, ret);
    put_hex(pt, data.len);
    tag[15] ^= 0x80;
    memset(pt, 0x55, data.len);
    ret = mbedtls_chachapoly_auth_decrypt(&ctx, data.len, nonce.p, aad.p, aad.len, tag, ct, pt);
    printf("\n%d cp-forged %d %d", id, ret, all_zero(pt, data.len));
    tag[15] ^= 0x80;
    memset(ct, 0, data.len);
    ret = chachapoly_stream(&ctx, MBEDTLS_CHACHAPOLY_ENCRYPT, &nonce, &aad, aad_pieces, n_aad, data.p, pieces, n, ct,
                            tag2);
    printf("\n%d cp-stream %d", id, ret);
    put_hex(ct, data.len);
    put_hex(tag2, 16);
    memset(pt, 0, data.len);
    ret = chachapoly_stream(&ctx, MBEDTLS_CHACHAPOLY_DECRYPT, &nonce, &aad, aad_pieces, n_aad, ct, pieces, n, pt,
                            tag2);
    printf("\n%d cp-stream-dec %d", id, ret);
    put_hex(pt, data.len);
    put_hex(tag2, 16);
    printf("\n");
    mbedtls_chachapoly_free(&ctx);
    free(ct);
    free(pt);
    free(key.p);
    free(nonce.p);
    free(aad.p);
    free(data.p);
}

/* The mode of a cipher description, through the interface of each Mbed TLS version. */
static mbedtls_cipher_mode_t info_mode(const mbedtls_cipher_info_t *info)
{
#if HAVE_3X_API
    return mbedtls_cipher_info_get_mode(info);
#else
    return info->mode;
#endif
}

/* One message through the generic layer in pieces: setup, setkey, padding, set_iv, reset,
 * update_ad (AEAD), update * n, finish, and the tag. Returns the first failing code. */
static int cipher_multipart(const mbedtls_cipher_info_t *info, mbedtls_operation_t op, int padding,
                            const buf_t *key, const buf_t *iv, const buf_t *aad, const unsigned char *in,
                            const size_t *pieces, size_t n, unsigned char *out, size_t *out_len,
                            unsigned char *tag, size_t tag_len, int *tag_ret)
{
    mbedtls_cipher_context_t ctx;
    size_t olen = 0;
    int aead = info_mode(info) == MBEDTLS_MODE_GCM || info_mode(info) == MBEDTLS_MODE_CHACHAPOLY;
    mbedtls_cipher_init(&ctx);
    *out_len = 0;
    int ret = mbedtls_cipher_setup(&ctx, info);
    if (ret == 0) {
        ret = mbedtls_cipher_setkey(&ctx, key->p, (int) key->len * 8, op);
    }
    if (ret == 0 && padding >= 0) {
        ret = mbedtls_cipher_set_padding_mode(&ctx, (mbedtls_cipher_padding_t) padding);
    }
    if (ret == 0) {
        ret = mbedtls_cipher_set_iv(&ctx, iv->p, iv->len);
    }
    if (ret == 0) {
        ret = mbedtls_cipher_reset(&ctx);
    }
    if (ret == 0 && aead) {
        ret = mbedtls_cipher_update_ad(&ctx, aad->p, aad->len);
    }
    for (size_t i = 0, off = 0; i < n && ret == 0; off += pieces[i++]) {
        ret = mbedtls_cipher_update(&ctx, in + off, pieces[i], out + *out_len, &olen);
        *out_len += olen;
    }
    if (ret == 0) {
        ret = mbedtls_cipher_finish(&ctx, out + *out_len, &olen);
        *out_len += olen;
    }
    if (ret == 0 && aead) {
        *tag_ret = op == MBEDTLS_ENCRYPT ? mbedtls_cipher_write_tag(&ctx, tag, tag_len)
                                         : mbedtls_cipher_check_tag(&ctx, tag, tag_len);
    }
    mbedtls_cipher_free(&ctx);
    return ret;
}

static void run_cipher(int id, char **f)
{
    const mbedtls_cipher_info_t *info = mbedtls_cipher_info_from_string(f[0]);
    int padding = strcmp(f[1], "pkcs7") == 0 ? MBEDTLS_PADDING_PKCS7 : strcmp(f[1], "none") == 0 ? MBEDTLS_PADDING_NONE : -1;
    buf_t key = unhex(f[2]), iv = unhex(f[3]), aad = unhex(f[4]), data = unhex(f[5]);
    size_t tag_len = strtoul(f[6], NULL, 10);
    size_t pieces[MAX_PIECES], n = parse_splits(f[7], data.len, pieces, MAX_PIECES);
    unsigned char *ct = calloc(1, data.len + 48), *pt = calloc(1, data.len + 48);
    unsigned char tag[16] = { 0 };
    size_t ct_len = 0, pt_len = 0, olen = 0;
    int tag_ret = 0;
    if (info == NULL) {
        printf("%d cipher-missing %s\n", id, f[0]);
        goto exit;
    }
    int aead = info_mode(info) == MBEDTLS_MODE_GCM || info_mode(info) == MBEDTLS_MODE_CHACHAPOLY;
    int ret = cipher_multipart(info, MBEDTLS_ENCRYPT, padding, &key, &iv, &aad, data.p, pieces, n, ct, &ct_len,
                               tag, tag_len, &tag_ret);
    printf("%d cipher-enc %d", id, ret);
    put_hex(ct, ct_len);
    if (aead) {
        printf(" %d", tag_ret);
        put_hex(tag, tag_len);
    }
    /* Decrypt what was produced, in pieces of the same sizes where they fit. */
    size_t dpieces[MAX_PIECES], dn = parse_splits(f[7], ct_len, dpieces, MAX_PIECES);
    ret = cipher_multipart(info, MBEDTLS_DECRYPT, padding, &key, &iv, &aad, ct, dpieces, dn, pt, &pt_len, tag,
                           tag_len, &tag_ret);
    printf("\n%d cipher-dec %d", id, ret);
    put_hex(pt, pt_len);
    if (aead) {
        printf(" %d", tag_ret);
    }
    printf("\n");

    mbedtls_cipher_context_t ctx;
    mbedtls_cipher_init(&ctx);
    ret = mbedtls_cipher_setup(&ctx, info);
    if (ret == 0) {
        ret = mbedtls_cipher_setkey(&ctx, key.p, (int) key.len * 8, MBEDTLS_ENCRYPT);
    }
    if (ret == 0 && padding >= 0) {
        ret = mbedtls_cipher_set_padding_mode(&ctx, (mbedtls_cipher_padding_t) padding);
    }
    if (ret == 0 && aead) {
        memset(ct, 0, data.len + 48);
        ret = mbedtls_cipher_auth_encrypt_ext(&ctx, iv.p, iv.len, aad.p, aad.len, data.p, data.len, ct,
                                              data.len + 16, &olen, tag_len);
        printf("%d cipher-aead %d", id, ret);
        put_hex(ct, ret == 0 ? olen : 0);
        mbedtls_cipher_free(&ctx);
        mbedtls_cipher_init(&ctx);
        ret = mbedtls_cipher_setup(&ctx, info);
        if (ret == 0) {
            ret = mbedtls_cipher_setkey(&ctx, key.p, (int) key.len * 8, MBEDTLS_DECRYPT);
        }
        if (ret == 0) {
            ret = mbedtls_cipher_auth_decrypt_ext(&ctx, iv.p, iv.len, aad.p, aad.len, ct, olen, pt, data.len, &olen,
                                                  tag_len);
        }
        printf("\n%d cipher-aead-dec %d", id, ret);
        put_hex(pt, ret == 0 ? olen : 0);
    } else if (ret == 0) {
        /* ECB's one-shot takes one block. */
        size_t len = info_mode(info) == MBEDTLS_MODE_ECB && data.len > 16 ? 16 : data.len;
        ret = mbedtls_cipher_crypt(&ctx, iv.p, iv.len, data.p, len, ct, &olen);
        printf("%d cipher-crypt %d", id, ret);
        put_hex(ct, ret == 0 ? olen : 0);
    } else {
        printf("%d cipher-setup %d", id, ret);
    }
    printf("\n");
    mbedtls_cipher_free(&ctx);
exit:
    free(ct);
    free(pt);
    free(key.p);
    free(iv.p);
    free(aad.p);
    free(data.p);
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    int id = 0;
    while (getline(&line, &cap, stdin) > 0) {
        char *f[12] = { 0 };
        int nf = 0;
        for (char *tok = strtok(line, " \n"); tok != NULL && nf < 12; tok = strtok(NULL, " \n")) {
            f[nf++] = tok;
        }
        if (nf == 0) {
            continue;
        }
        if (strcmp(f[0], "ecb") == 0 && nf == 3) run_ecb(id, f + 1);
        else if (strcmp(f[0], "cbc") == 0 && nf == 5) run_cbc(id, f + 1);
        else if (strcmp(f[0], "ctr") == 0 && nf == 5) run_ctr(id, f + 1);
        else if (strcmp(f[0], "gcm") == 0 && nf == 8) run_gcm(id, f + 1);
        else if (strcmp(f[0], "chacha20") == 0 && nf == 6) run_chacha20(id, f + 1);
        else if (strcmp(f[0], "poly1305") == 0 && nf == 4) run_poly1305(id, f + 1);
        else if (strcmp(f[0], "chachapoly") == 0 && nf == 7) run_chachapoly(id, f + 1);
        else if (strcmp(f[0], "cipher") == 0 && nf == 9) run_cipher(id, f + 1);
        else {
            printf("%d bad-case %s %d\n", id, f[0], nf);
        }
        id++;
    }
    free(line);
    return 0;
}
