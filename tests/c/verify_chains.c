/*
 * verify_chains: runs mbedtls_x509_crt_verify / _with_profile on the chains of
 * scripts/gen-verify-chains.sh with a verify callback, and prints every callback call (depth,
 * flags, subject CN) and each result, so that the same program built against this library and
 * against Debian's Mbed TLS 2.28 can be compared line by line.
 *
 * Usage: verify_chains <chains directory>
 * Output: per case, "case <name>" then "  depth <d> flags 0x<flags> <subject raw length>" for
 * each callback call, then "  ret -0x<code> flags 0x<flags>".
 */
#include "mbedtls/x509_crt.h"

#include <stdio.h>
#include <string.h>

/* What the callback does. */
enum mode { RECORD, PIN_LEAF, FAIL_AT_0, VERIFY_FAILED_AT_TOP, SET_OTHER_AT_0 };

struct cb_state {
    enum mode mode;
    const mbedtls_x509_crt *pinned;
    int calls;
};

static int callback(void *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct cb_state *st = p;
    st->calls++;
    printf("  depth %d flags 0x%08x subject %u bytes\n", depth, (unsigned) *flags,
           (unsigned) crt->subject_raw.len);
    switch (st->mode) {
        case PIN_LEAF:
            /* Accept the pinned certificate whatever its chain. */
            if (depth == 0 && crt->raw.len == st->pinned->raw.len &&
                memcmp(crt->raw.p, st->pinned->raw.p, crt->raw.len) == 0) {
                *flags &= ~(uint32_t) MBEDTLS_X509_BADCERT_NOT_TRUSTED;
            }
            return 0;
        case FAIL_AT_0:
            return depth == 0 ? -0x1234 : 0;
        case VERIFY_FAILED_AT_TOP:
            return st->calls == 1 ? MBEDTLS_ERR_X509_CERT_VERIFY_FAILED : 0;
        case SET_OTHER_AT_0:
            if (depth == 0) {
                *flags |= MBEDTLS_X509_BADCERT_OTHER;
            }
            return 0;
        default:
            return 0;
    }
}

static int load(mbedtls_x509_crt *crt, const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    int ret = mbedtls_x509_crt_parse_file(crt, path);
    if (ret != 0) {
        printf("cannot load %s: -0x%04x\n", path, (unsigned) -ret);
    }
    return ret;
}

struct vcase {
    const char *name;
    const char *peer;
    const char *trusted;
    const char *cn;
    enum mode mode;
    int profile; /* 0 default (verify), 1 next, 2 suiteb */
};

static const struct vcase cases[] = {
    { "trusted chain", "leaf-int.pem", "root.crt", "localhost", RECORD, 0 },
    { "trusted chain, next profile", "leaf-int.pem", "root.crt", "localhost", RECORD, 1 },
    { "trusted chain, suiteb profile", "leaf-int.pem", "root.crt", NULL, RECORD, 2 },
    { "no name check", "leaf-int.pem", "root.crt", NULL, RECORD, 0 },
    { "name mismatch", "leaf-int.pem", "root.crt", "example.org", RECORD, 0 },
    { "wildcard-free mismatch", "leaf-int.pem", "root.crt", "sub.localhost", RECORD, 0 },
    { "intermediate missing", "leaf.crt", "root.crt", "localhost", RECORD, 0 },
    { "wrong root", "leaf-int.pem", "int2.crt", NULL, RECORD, 0 },
    { "intermediate trusted", "leaf-int.pem", "int.crt", NULL, RECORD, 0 },
    { "root and intermediate trusted", "leaf.crt", "int.crt", NULL, RECORD, 0 },
    { "expired leaf", "expired-int.pem", "root.crt", NULL, RECORD, 0 },
    { "small key", "small-int.pem", "root.crt", NULL, RECORD, 0 },
    { "issuer not a CA", "undernotca-notca.pem", "root.crt", NULL, RECORD, 0 },
    { "path length exceeded", "deep-int2-int.pem", "root.crt", NULL, RECORD, 0 },
    { "self-signed, trusted as itself", "self.crt", "self.crt", "localhost", RECORD, 0 },
    { "self-signed, untrusted", "self.crt", "root.crt", "localhost", RECORD, 0 },
    { "self-signed, pinned", "self.crt", "root.crt", "localhost", PIN_LEAF, 0 },
    { "pinned leaf without its root", "leaf-int.pem", "int2.crt", NULL, PIN_LEAF, 0 },
    { "callback error", "leaf-int.pem", "root.crt", NULL, FAIL_AT_0, 0 },
    { "callback returns VERIFY_FAILED", "leaf-int.pem", "root.crt", NULL, VERIFY_FAILED_AT_TOP, 0 },
    { "callback adds a flag", "leaf-int.pem", "root.crt", NULL, SET_OTHER_AT_0, 0 },
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <chains directory>\n", argv[0]);
        return 2;
    }
    int failures = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct vcase *c = &cases[i];
        mbedtls_x509_crt peer, trusted;
        mbedtls_x509_crt_init(&peer);
        mbedtls_x509_crt_init(&trusted);
        printf("case %s\n", c->name);
        if (load(&peer, argv[1], c->peer) != 0 || load(&trusted, argv[1], c->trusted) != 0) {
            failures++;
        } else {
            struct cb_state st = { c->mode, &peer, 0 };
            uint32_t flags = 0;
            int ret;
            if (c->profile == 0) {
                ret = mbedtls_x509_crt_verify(&peer, &trusted, NULL, c->cn, &flags, callback, &st);
            } else {
                ret = mbedtls_x509_crt_verify_with_profile(
                    &peer, &trusted, NULL,
                    c->profile == 1 ? &mbedtls_x509_crt_profile_next : &mbedtls_x509_crt_profile_suiteb,
                    c->cn, &flags, callback, &st);
            }
            printf("  ret -0x%04x flags 0x%08x\n", (unsigned) -ret, (unsigned) flags);
        }
        mbedtls_x509_crt_free(&peer);
        mbedtls_x509_crt_free(&trusted);
    }
    return failures == 0 ? 0 : 1;
}
