/*
 * Bad input and wrong call order across the symmetric-cipher headers (aes.h, gcm.h, chacha20.h,
 * poly1305.h, chachapoly.h, cipher.h): NULL pointers, zero and huge lengths, bad key sizes and
 * modes, calls in the wrong state, forged tags and bad padding. Every case returns its documented
 * MBEDTLS_ERR_* code, a refused authenticated decryption leaves zeros in the output, and nothing
 * crashes, leaks or touches memory it should not (run under valgrind by tests/c_programs.rs).
 */
#include "mbedtls/aes.h"
#include "mbedtls/chacha20.h"
#include "mbedtls/chachapoly.h"
#include "mbedtls/cipher.h"
#include "mbedtls/gcm.h"
#include "mbedtls/poly1305.h"

#include "check.h"

#include <stdint.h>
#include <string.h>

static const unsigned char KEY[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
static const unsigned char IV[16] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                                      0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf };

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static void aes(void)
{
    mbedtls_aes_context enc, dec;
    unsigned char in[32] = { 0 }, out[32], iv[16], stream[16] = { 0 };
    size_t off = 0;
    mbedtls_aes_init(NULL);
    mbedtls_aes_free(NULL);
    mbedtls_aes_init(&enc);
    mbedtls_aes_init(&dec);
    EXPECT(mbedtls_aes_crypt_ecb(&enc, MBEDTLS_AES_ENCRYPT, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA); /* no key */
    EXPECT(mbedtls_aes_setkey_enc(&enc, KEY, 100), MBEDTLS_ERR_AES_INVALID_KEY_LENGTH);
    EXPECT(mbedtls_aes_setkey_enc(&enc, KEY, 0), MBEDTLS_ERR_AES_INVALID_KEY_LENGTH);
    EXPECT(mbedtls_aes_setkey_dec(&dec, KEY, 512), MBEDTLS_ERR_AES_INVALID_KEY_LENGTH);
    EXPECT(mbedtls_aes_setkey_enc(&enc, NULL, 128), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_setkey_enc(NULL, KEY, 128), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_setkey_enc(&enc, KEY, 256), 0);
    EXPECT(mbedtls_aes_setkey_dec(&dec, KEY, 192), 0);
    EXPECT(mbedtls_aes_setkey_enc(&enc, KEY, 129), MBEDTLS_ERR_AES_INVALID_KEY_LENGTH); /* key kept */
    EXPECT(mbedtls_aes_crypt_ecb(&enc, MBEDTLS_AES_ENCRYPT, in, out), 0);
    EXPECT(mbedtls_aes_crypt_ecb(&enc, 2, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ecb(&enc, MBEDTLS_AES_ENCRYPT, NULL, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ecb(&enc, MBEDTLS_AES_ENCRYPT, in, NULL), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ecb(NULL, MBEDTLS_AES_ENCRYPT, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    /* The wrong direction for the key: refused, the output wiped. */
    memset(in, 0x55, sizeof(in));
    EXPECT(mbedtls_aes_crypt_ecb(&enc, MBEDTLS_AES_DECRYPT, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(all_zero(out, 16), 1);
    EXPECT(mbedtls_aes_crypt_ecb(&dec, MBEDTLS_AES_ENCRYPT, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ecb(&dec, MBEDTLS_AES_DECRYPT, in, in), 0); /* in place */
    memcpy(iv, IV, 16);
    EXPECT(mbedtls_aes_crypt_cbc(&enc, MBEDTLS_AES_ENCRYPT, 15, iv, in, out), MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH);
    EXPECT(mbedtls_aes_crypt_cbc(&enc, MBEDTLS_AES_ENCRYPT, 17, iv, in, out), MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH);
    EXPECT(mbedtls_aes_crypt_cbc(&enc, MBEDTLS_AES_ENCRYPT, 0, iv, NULL, NULL), 0);
    EXPECT(memcmp(iv, IV, 16), 0); /* nothing to do: the IV is unchanged */
    EXPECT(mbedtls_aes_crypt_cbc(&enc, MBEDTLS_AES_ENCRYPT, 32, NULL, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_cbc(&enc, MBEDTLS_AES_ENCRYPT, SIZE_MAX - 15, iv, NULL, out),
           MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_cbc(&enc, -1, 32, iv, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_cbc(&dec, MBEDTLS_AES_ENCRYPT, 32, iv, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_cbc(&enc, MBEDTLS_AES_ENCRYPT, 32, iv, in, in), 0);
    off = 16;
    EXPECT(mbedtls_aes_crypt_ctr(&enc, 5, &off, iv, stream, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    off = 0;
    EXPECT(mbedtls_aes_crypt_ctr(&enc, 5, NULL, iv, stream, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ctr(&enc, 5, &off, NULL, stream, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ctr(&enc, 5, &off, iv, NULL, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ctr(&enc, SIZE_MAX, &off, iv, stream, NULL, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ctr(&dec, 5, &off, iv, stream, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    EXPECT(mbedtls_aes_crypt_ctr(&enc, 0, &off, iv, stream, NULL, NULL), 0);
    EXPECT(mbedtls_aes_crypt_ctr(&enc, 21, &off, iv, stream, in, in), 0);
    EXPECT(off, 5);
    mbedtls_aes_free(&enc);
    mbedtls_aes_free(&enc); /* twice */
    EXPECT(mbedtls_aes_crypt_ecb(&enc, MBEDTLS_AES_ENCRYPT, in, out), MBEDTLS_ERR_AES_BAD_INPUT_DATA);
    mbedtls_aes_free(&dec);
}

static void gcm(void)
{
    mbedtls_gcm_context ctx;
    unsigned char in[64] = { 0 }, out[64], tag[16], tag2[16];
    size_t olen = 99;
    mbedtls_gcm_init(&ctx);
    EXPECT(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 12), MBEDTLS_ERR_GCM_BAD_INPUT); /* no key */
    EXPECT(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, KEY, 100), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_CAMELLIA, KEY, 128), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, NULL, 128), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_setkey(NULL, MBEDTLS_CIPHER_ID_AES, KEY, 128), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, KEY, 128), 0);
    /* Streaming in the wrong order. */
    EXPECT(mbedtls_gcm_update_ad(&ctx, in, 4), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_update(&ctx, in, 4, out, sizeof(out), &olen), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, 16), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 0), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, NULL, 12), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_starts(&ctx, 7, IV, 12), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_starts(&ctx, MBEDTLS_GCM_ENCRYPT, IV, 1), 0); /* any IV length from 1 */
    EXPECT(mbedtls_gcm_update_ad(&ctx, NULL, 0), 0);
    EXPECT(mbedtls_gcm_update_ad(&ctx, NULL, 5), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_update_ad(&ctx, in, 5), 0);
    EXPECT(mbedtls_gcm_update(&ctx, in, 10, out, 9, &olen), MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL);
    EXPECT(mbedtls_gcm_update(&ctx, in, 10, in + 1, 10, &olen), MBEDTLS_ERR_GCM_BAD_INPUT); /* overlap */
    EXPECT(mbedtls_gcm_update(&ctx, in, 10, out, 10, NULL), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_update(&ctx, NULL, SIZE_MAX, NULL, SIZE_MAX, &olen), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_update(&ctx, in, 10, out, 10, &olen), 0);
    EXPECT(olen, 10);
    EXPECT(mbedtls_gcm_update(&ctx, in, 6, in, 6, &olen), 0); /* in place */
    EXPECT(mbedtls_gcm_update_ad(&ctx, in, 5), MBEDTLS_ERR_GCM_BAD_INPUT); /* after data */
    EXPECT(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, 3), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, 17), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, NULL, 16), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, 4), 0);
    EXPECT(olen, 0);
    EXPECT(mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, 16), MBEDTLS_ERR_GCM_BAD_INPUT); /* twice */
    /* One-shots. */
    EXPECT(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 64, IV, 12, NULL, 0, in, out, 17, tag),
           MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 64, IV, 0, NULL, 0, in, out, 16, tag),
           MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 64, IV, 12, NULL, 3, in, out, 16, tag),
           MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 0, IV, 12, NULL, 0, NULL, NULL, 16, tag), 0);
    /* The associated data inside the output buffer: read before the output is written. */
    memset(in, 0, sizeof(in));
    EXPECT(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 64, IV, 12, in, 7, in, out, 16, tag), 0);
    EXPECT(mbedtls_gcm_auth_decrypt(&ctx, 64, IV, 12, in, 7, tag, 16, out, in), 0);
    EXPECT(all_zero(in, 64), 1); /* the plaintext back */
    EXPECT(mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, 64, IV, 12, in, 7, in, out, 12, tag2), 0);
    EXPECT(memcmp(tag, tag2, 12), 0); /* a short tag is the full tag cut */
    tag[0] ^= 1;
    memset(in, 0x55, sizeof(in));
    EXPECT(mbedtls_gcm_auth_decrypt(&ctx, 64, IV, 12, in, 7, tag, 16, out, in), MBEDTLS_ERR_GCM_AUTH_FAILED);
    EXPECT(all_zero(in, 64), 1);
    EXPECT(mbedtls_gcm_auth_decrypt(&ctx, 64, IV, 12, NULL, 0, tag, 3, out, in), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_gcm_auth_decrypt(&ctx, 64, IV, 12, NULL, 0, NULL, 16, out, in), MBEDTLS_ERR_GCM_BAD_INPUT);
    mbedtls_gcm_free(&ctx);
    mbedtls_gcm_free(&ctx);
    mbedtls_gcm_free(NULL);
}

static void chacha_poly(void)
{
    mbedtls_chacha20_context chacha;
    mbedtls_poly1305_context poly;
    mbedtls_chachapoly_context cp;
    unsigned char in[40] = { 0 }, out[40], mac[16];
    mbedtls_chacha20_init(&chacha);
    EXPECT(mbedtls_chacha20_update(&chacha, 5, in, out), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA); /* no key */
    EXPECT(mbedtls_chacha20_setkey(&chacha, NULL), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA);
    EXPECT(mbedtls_chacha20_setkey(NULL, KEY), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA);
    EXPECT(mbedtls_chacha20_setkey(&chacha, KEY), 0);
    EXPECT(mbedtls_chacha20_update(&chacha, 5, in, out), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA); /* no nonce */
    EXPECT(mbedtls_chacha20_starts(&chacha, NULL, 0), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA);
    EXPECT(mbedtls_chacha20_starts(&chacha, IV, 0xFFFFFFFF), 0);
    EXPECT(mbedtls_chacha20_update(&chacha, 5, NULL, out), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA);
    EXPECT(mbedtls_chacha20_update(&chacha, SIZE_MAX, in, NULL), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA);
    EXPECT(mbedtls_chacha20_update(&chacha, 0, NULL, NULL), 0);
    EXPECT(mbedtls_chacha20_update(&chacha, 40, in, in), 0);
    EXPECT(mbedtls_chacha20_crypt(NULL, IV, 0, 5, in, out), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA);
    EXPECT(mbedtls_chacha20_crypt(KEY, NULL, 0, 5, in, out), MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA);
    EXPECT(mbedtls_chacha20_crypt(KEY, IV, 0, 0, NULL, NULL), 0);
    mbedtls_chacha20_free(&chacha);
    mbedtls_chacha20_free(&chacha);

    mbedtls_poly1305_init(&poly);
    EXPECT(mbedtls_poly1305_update(&poly, in, 5), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA); /* not started */
    EXPECT(mbedtls_poly1305_finish(&poly, mac), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_poly1305_starts(&poly, NULL), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_poly1305_starts(&poly, KEY), 0);
    EXPECT(mbedtls_poly1305_update(&poly, NULL, 5), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_poly1305_update(&poly, NULL, 0), 0);
    EXPECT(mbedtls_poly1305_finish(&poly, NULL), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_poly1305_finish(&poly, mac), 0);
    EXPECT(mbedtls_poly1305_finish(&poly, mac), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA); /* twice */
    EXPECT(mbedtls_poly1305_mac(NULL, in, 5, mac), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_poly1305_mac(KEY, NULL, 5, mac), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_poly1305_mac(KEY, in, 5, NULL), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_poly1305_mac(KEY, NULL, 0, mac), 0);
    mbedtls_poly1305_free(&poly);

    mbedtls_chachapoly_init(&cp);
    EXPECT(mbedtls_chachapoly_starts(&cp, IV, MBEDTLS_CHACHAPOLY_ENCRYPT), MBEDTLS_ERR_CHACHAPOLY_BAD_STATE);
    EXPECT(mbedtls_chachapoly_setkey(&cp, NULL), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_chachapoly_setkey(&cp, KEY), 0);
    EXPECT(mbedtls_chachapoly_update_aad(&cp, in, 3), MBEDTLS_ERR_CHACHAPOLY_BAD_STATE); /* not started */
    EXPECT(mbedtls_chachapoly_update(&cp, 3, in, out), MBEDTLS_ERR_CHACHAPOLY_BAD_STATE);
    EXPECT(mbedtls_chachapoly_finish(&cp, mac), MBEDTLS_ERR_CHACHAPOLY_BAD_STATE);
    EXPECT(mbedtls_chachapoly_starts(&cp, IV, (mbedtls_chachapoly_mode_t) 7), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_chachapoly_starts(&cp, NULL, MBEDTLS_CHACHAPOLY_ENCRYPT), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_chachapoly_starts(&cp, IV, MBEDTLS_CHACHAPOLY_ENCRYPT), 0);
    EXPECT(mbedtls_chachapoly_update_aad(&cp, NULL, 3), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_chachapoly_update_aad(&cp, in, 3), 0);
    EXPECT(mbedtls_chachapoly_update(&cp, 3, NULL, out), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_chachapoly_update(&cp, 3, in, out), 0);
    EXPECT(mbedtls_chachapoly_update_aad(&cp, in, 3), MBEDTLS_ERR_CHACHAPOLY_BAD_STATE); /* after data */
    EXPECT(mbedtls_chachapoly_finish(&cp, NULL), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_chachapoly_finish(&cp, mac), 0);
    EXPECT(mbedtls_chachapoly_finish(&cp, mac), MBEDTLS_ERR_CHACHAPOLY_BAD_STATE); /* twice */
    EXPECT(mbedtls_chachapoly_update(&cp, 3, in, out), MBEDTLS_ERR_CHACHAPOLY_BAD_STATE);
    EXPECT(mbedtls_chachapoly_encrypt_and_tag(&cp, 40, IV, NULL, 0, in, out, mac), 0);
    EXPECT(mbedtls_chachapoly_encrypt_and_tag(&cp, 40, IV, NULL, 2, in, out, mac), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    EXPECT(mbedtls_chachapoly_encrypt_and_tag(&cp, 40, IV, NULL, 0, in, out, NULL), MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA);
    mac[3] ^= 0x10;
    memset(in, 0x55, sizeof(in));
    EXPECT(mbedtls_chachapoly_auth_decrypt(&cp, 40, IV, NULL, 0, mac, out, in), MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED);
    EXPECT(all_zero(in, 40), 1);
    mbedtls_chachapoly_free(&cp);
    mbedtls_chachapoly_free(&cp);
    mbedtls_chachapoly_free(NULL);
}

static void cipher_infos(void)
{
    const mbedtls_cipher_info_t *gcm = mbedtls_cipher_info_from_values(MBEDTLS_CIPHER_ID_AES, 128, MBEDTLS_MODE_GCM);
    const int *list = mbedtls_cipher_list();
    int listed = 0;
    EXPECT(mbedtls_cipher_info_from_string(NULL) == NULL, 1);
    EXPECT(mbedtls_cipher_info_from_string("AES-128-CCM") == NULL, 1);
    EXPECT(mbedtls_cipher_info_from_string("aes-128-gcm") == NULL, 1); /* case-sensitive */
    EXPECT(mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_DES_CBC) == NULL, 1);
    EXPECT(mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_NONE) == NULL, 1);
    EXPECT(mbedtls_cipher_info_from_type(12345) == NULL, 1);
    EXPECT(mbedtls_cipher_info_from_values(MBEDTLS_CIPHER_ID_AES, 100, MBEDTLS_MODE_GCM) == NULL, 1);
    EXPECT(gcm == mbedtls_cipher_info_from_string("AES-128-GCM"), 1);
    EXPECT(gcm == mbedtls_cipher_info_from_type(MBEDTLS_CIPHER_AES_128_GCM), 1);
    EXPECT(mbedtls_cipher_info_has_variable_iv_size(gcm) != 0, 1);
    EXPECT(mbedtls_cipher_info_get_iv_size(gcm), 12);
    EXPECT(mbedtls_cipher_info_get_type(NULL), MBEDTLS_CIPHER_NONE);
    EXPECT(mbedtls_cipher_info_get_mode(NULL), MBEDTLS_MODE_NONE);
    EXPECT(mbedtls_cipher_info_get_key_bitlen(NULL), 0);
    EXPECT(mbedtls_cipher_info_get_name(NULL) == NULL, 1);
    EXPECT(mbedtls_cipher_info_get_block_size(NULL), 0);
    EXPECT(mbedtls_cipher_info_get_iv_size((const mbedtls_cipher_info_t *) KEY), 0); /* not ours: not read */
    for (; *list != MBEDTLS_CIPHER_NONE; list++) {
        listed += mbedtls_cipher_info_from_type(*list) != NULL;
    }
    EXPECT(listed, 14);
}

static void cipher_context(void)
{
    const mbedtls_cipher_info_t *cbc = mbedtls_cipher_info_from_string("AES-128-CBC");
    const mbedtls_cipher_info_t *ecb = mbedtls_cipher_info_from_string("AES-256-ECB");
    const mbedtls_cipher_info_t *gcm = mbedtls_cipher_info_from_string("AES-128-GCM");
    const mbedtls_cipher_info_t *cp = mbedtls_cipher_info_from_string("CHACHA20-POLY1305");
    mbedtls_cipher_context_t ctx;
    unsigned char in[64] = { 0 }, out[96], tag[16];
    size_t olen = 99, invalid = 0;
    mbedtls_cipher_init(&ctx);
    /* Not set up. */
    EXPECT(mbedtls_cipher_update(&ctx, in, 16, out, &olen), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(olen, 0);
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 128, MBEDTLS_ENCRYPT), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_get_block_size(&ctx), 0);
    EXPECT(mbedtls_cipher_get_block_size(NULL), 0);
    EXPECT(mbedtls_cipher_get_name(NULL) == NULL, 1);
    EXPECT(mbedtls_cipher_get_type(NULL), MBEDTLS_CIPHER_NONE);
    EXPECT(mbedtls_cipher_get_operation(&ctx), MBEDTLS_OPERATION_NONE);
    EXPECT(mbedtls_cipher_setup(&ctx, NULL), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_setup(NULL, cbc), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_setup(&ctx, (const mbedtls_cipher_info_t *) KEY), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_setup(&ctx, cbc), 0);
    EXPECT(mbedtls_cipher_setup(&ctx, cbc), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* twice */
    EXPECT(mbedtls_cipher_get_block_size(&ctx), 16);
    /* Keys and state. */
    EXPECT(mbedtls_cipher_update(&ctx, in, 16, out, &olen), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* no key */
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 256, MBEDTLS_ENCRYPT), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 128, MBEDTLS_OPERATION_NONE), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_setkey(&ctx, NULL, 128, MBEDTLS_ENCRYPT), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 128, MBEDTLS_ENCRYPT), 0);
    EXPECT(mbedtls_cipher_get_operation(&ctx), MBEDTLS_ENCRYPT);
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 8), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 17), MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE);
    EXPECT(mbedtls_cipher_set_iv(&ctx, NULL, 16), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 16), 0);
    EXPECT(mbedtls_cipher_update_ad(&ctx, in, 4), MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE);
    EXPECT(mbedtls_cipher_set_padding_mode(&ctx, MBEDTLS_PADDING_ZEROS), MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE);
    EXPECT(mbedtls_cipher_update(&ctx, in, 5, out, &olen), 0);
    EXPECT(olen, 0);
    EXPECT(mbedtls_cipher_finish(&ctx, out, &olen), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* no padding mode (3.6) */
    EXPECT(mbedtls_cipher_set_padding_mode(&ctx, MBEDTLS_PADDING_NONE), 0);
    EXPECT(mbedtls_cipher_finish(&ctx, out, &olen), MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED);
    EXPECT(mbedtls_cipher_update(&ctx, in, 16, in, &olen), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* in place, held */
    EXPECT(mbedtls_cipher_update(&ctx, NULL, SIZE_MAX, out, &olen), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_update(&ctx, in, 11, out, NULL), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_update(&ctx, in, 11, out, &olen), 0);
    EXPECT(olen, 16);
    EXPECT(mbedtls_cipher_finish(&ctx, out, &olen), 0);
    EXPECT(olen, 0);
    EXPECT(mbedtls_cipher_write_tag(&ctx, tag, 16), MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE);
    EXPECT(mbedtls_cipher_check_tag(&ctx, tag, 16), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* an encryption */
    /* PKCS#7: a forged last block is refused; finish_padded hands the flag out instead. */
    EXPECT(mbedtls_cipher_set_padding_mode(&ctx, MBEDTLS_PADDING_PKCS7), 0);
    EXPECT(mbedtls_cipher_crypt(&ctx, IV, 16, in, 20, out, &olen), 0);
    EXPECT(olen, 32);
    mbedtls_cipher_free(&ctx);
    mbedtls_cipher_init(&ctx);
    EXPECT(mbedtls_cipher_setup(&ctx, cbc), 0);
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 128, MBEDTLS_DECRYPT), 0);
    EXPECT(mbedtls_cipher_set_padding_mode(&ctx, MBEDTLS_PADDING_PKCS7), 0);
    out[31] ^= 0x0f; /* the second-to-last ciphertext block... */
    out[15] ^= 0x0f; /* ...changes the padding bytes of the last plaintext block */
    EXPECT(mbedtls_cipher_crypt(&ctx, IV, 16, out, 32, out + 32, &olen), MBEDTLS_ERR_CIPHER_INVALID_PADDING);
    EXPECT(olen, 0);
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 16), 0);
    EXPECT(mbedtls_cipher_reset(&ctx), 0);
    EXPECT(mbedtls_cipher_update(&ctx, out, 32, out + 32, &olen), 0);
    EXPECT(olen, 16); /* the last block is held back for its padding */
    EXPECT(mbedtls_cipher_finish_padded(&ctx, out + 48, &olen, NULL), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_finish_padded(&ctx, out + 48, &olen, &invalid), 0);
    EXPECT(invalid != 0, 1);
    EXPECT(mbedtls_cipher_crypt(&ctx, IV, 16, out, 30, out + 32, &olen), MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED);
    mbedtls_cipher_free(&ctx);
    mbedtls_cipher_free(&ctx);

    /* ECB: one block per update. */
    mbedtls_cipher_init(&ctx);
    EXPECT(mbedtls_cipher_setup(&ctx, ecb), 0);
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 256, MBEDTLS_DECRYPT), 0);
    EXPECT(mbedtls_cipher_set_padding_mode(&ctx, MBEDTLS_PADDING_PKCS7), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_update(&ctx, in, 15, out, &olen), MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED);
    EXPECT(mbedtls_cipher_update(&ctx, in, 32, out, &olen), MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED);
    EXPECT(mbedtls_cipher_update(&ctx, in, 16, in, &olen), 0);
    mbedtls_cipher_free(&ctx);

    /* GCM. */
    mbedtls_cipher_init(&ctx);
    EXPECT(mbedtls_cipher_setup(&ctx, gcm), 0);
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 12), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* no key */
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 128, MBEDTLS_ENCRYPT), 0);
    EXPECT(mbedtls_cipher_update(&ctx, in, 3, out, &olen), MBEDTLS_ERR_GCM_BAD_INPUT); /* no IV */
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 0), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 12), 0);
    EXPECT(mbedtls_cipher_update_ad(&ctx, in, 7), 0);
    EXPECT(mbedtls_cipher_update(&ctx, in, 3, out, &olen), 0);
    EXPECT(mbedtls_cipher_update_ad(&ctx, in, 7), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_cipher_write_tag(&ctx, tag, 17), MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_cipher_write_tag(&ctx, tag, 16), 0);
    EXPECT(mbedtls_cipher_write_tag(&ctx, tag, 16), MBEDTLS_ERR_GCM_BAD_INPUT); /* twice */
    EXPECT(mbedtls_cipher_auth_encrypt_ext(&ctx, IV, 12, NULL, 0, in, 64, out, 64 + 15, &olen, 16),
           MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* output too small for the tag */
    EXPECT(olen, 0);
    EXPECT(mbedtls_cipher_auth_encrypt_ext(&ctx, IV, 12, NULL, 0, in, 64, out, sizeof(out), &olen, 17),
           MBEDTLS_ERR_GCM_BAD_INPUT);
    EXPECT(mbedtls_cipher_auth_encrypt_ext(&ctx, IV, 12, NULL, 0, in, 64, out, sizeof(out), &olen, 16), 0);
    EXPECT(olen, 80);
    mbedtls_cipher_free(&ctx);
    mbedtls_cipher_init(&ctx);
    EXPECT(mbedtls_cipher_setup(&ctx, gcm), 0);
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 128, MBEDTLS_DECRYPT), 0);
    EXPECT(mbedtls_cipher_write_tag(&ctx, tag, 16), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* a decryption */
    EXPECT(mbedtls_cipher_auth_decrypt_ext(&ctx, IV, 12, NULL, 0, out, 15, in, 64, &olen, 16),
           MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* shorter than the tag */
    EXPECT(mbedtls_cipher_auth_decrypt_ext(&ctx, IV, 12, NULL, 0, out, 80, in, 63, &olen, 16),
           MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA); /* output too small */
    out[79] ^= 1;
    memset(in, 0x55, sizeof(in));
    EXPECT(mbedtls_cipher_auth_decrypt_ext(&ctx, IV, 12, NULL, 0, out, 80, in, 64, &olen, 16),
           MBEDTLS_ERR_CIPHER_AUTH_FAILED);
    EXPECT(all_zero(in, 64), 1);
    EXPECT(olen, 0);
    /* The multi-part decryption checks the tag. */
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 12), 0);
    EXPECT(mbedtls_cipher_update(&ctx, out, 64, in, &olen), 0);
    EXPECT(mbedtls_cipher_check_tag(&ctx, out + 64, 16), MBEDTLS_ERR_CIPHER_AUTH_FAILED);
    mbedtls_cipher_free(&ctx);

    /* ChaCha20-Poly1305: 12-byte nonces and full tags only. */
    mbedtls_cipher_init(&ctx);
    EXPECT(mbedtls_cipher_setup(&ctx, cp), 0);
    EXPECT(mbedtls_cipher_setkey(&ctx, KEY, 256, MBEDTLS_ENCRYPT), 0);
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 16), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_set_iv(&ctx, IV, 12), 0);
    EXPECT(mbedtls_cipher_update(&ctx, in, 3, out, &olen), MBEDTLS_ERR_CHACHAPOLY_BAD_STATE); /* update_ad first */
    EXPECT(mbedtls_cipher_update_ad(&ctx, NULL, 0), 0);
    EXPECT(mbedtls_cipher_update(&ctx, in, 3, out, &olen), 0);
    EXPECT(mbedtls_cipher_write_tag(&ctx, tag, 12), MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    EXPECT(mbedtls_cipher_write_tag(&ctx, tag, 16), 0);
    EXPECT(mbedtls_cipher_auth_encrypt_ext(&ctx, IV, 12, NULL, 0, in, 64, out, sizeof(out), &olen, 12),
           MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA);
    mbedtls_cipher_free(&ctx);
    mbedtls_cipher_free(NULL);
}

int main(void)
{
    aes();
    gcm();
    chacha_poly();
    cipher_infos();
    cipher_context();
    return EXPECT_SUMMARY();
}
