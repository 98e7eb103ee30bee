/*
 * base64_cases: runs mbedtls_base64_encode / mbedtls_base64_decode on the cases given on stdin
 * and prints what each call returned, so that the same program built against this library and
 * against another Mbed TLS can be compared line by line.
 *
 * Input: one case per line, "<e|d> <dlen> <hex of the input>" (dlen -1: a NULL destination).
 * Output: "<ret> <olen> <hex of the output>" per case (output only when ret is 0).
 */
#include "mbedtls/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int main(void)
{
    static char line[70000];
    static unsigned char in[35000], out[50000];
    while (fgets(line, sizeof(line), stdin) != NULL) {
        char mode = 0;
        long dlen = 0;
        int used = 0;
        if (sscanf(line, "%c %ld %n", &mode, &dlen, &used) < 2) {
            continue;
        }
        size_t n = 0;
        for (const char *p = line + used; hexval(p[0]) >= 0 && hexval(p[1]) >= 0; p += 2) {
            in[n++] = (unsigned char) (hexval(p[0]) * 16 + hexval(p[1]));
        }
        size_t olen = 12345;
        unsigned char *dst = dlen < 0 ? NULL : out;
        size_t size = dlen < 0 ? 0 : (size_t) dlen;
        memset(out, 0xEE, sizeof(out));
        int ret = mode == 'e' ? mbedtls_base64_encode(dst, size, &olen, in, n)
                              : mbedtls_base64_decode(dst, size, &olen, in, n);
        printf("%d %zu ", ret, olen);
        if (ret == 0) {
            /* The encoder writes a NUL after the characters: show it. */
            size_t shown = (mode == 'e' && olen > 0) ? olen + 1 : olen;
            for (size_t i = 0; i < shown; i++) {
                printf("%02x", out[i]);
            }
        }
        printf("\n");
    }
    return 0;
}
