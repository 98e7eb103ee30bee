/*
 * verify_chains: runs mbedtls_x509_crt_verify / _with_profile on the chains of
 * scripts/gen-verify-chains.sh, and on the test PKI's certificates with the CRLs of
 * scripts/gen-test-certs.sh (made by `openssl ca`: revoked client and server certificates, two
 * CAs' CRLs in one list, expired, future, forged CRLs, a CA without cRLSign), with a verify
 * callback, and prints every callback call (depth, flags, subject CN) and each result, so that
 * the same program built against this library and against Debian's Mbed TLS 2.28 can be
 * compared line by line.
 *
 * Usage: verify_chains <chains directory>
 * Output: per case, "case <name>" then "  depth <d> flags 0x<flags> <subject raw length>" for
 * each callback call, then "  ret -0x<code> flags 0x<flags>".
 */
#include "mbedtls/x509_crl.h"
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

/* Prints why `path` did not load; returns `ret`. */
static int loaded(int ret, const char *path)
{
    if (ret != 0) {
        printf("cannot load %s: -0x%04x\n", path, (unsigned) -ret);
    }
    return ret;
}

static int load(mbedtls_x509_crt *crt, const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return loaded(mbedtls_x509_crt_parse_file(crt, path), path);
}

static int load_crl(mbedtls_x509_crl *crl, const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return loaded(mbedtls_x509_crl_parse_file(crl, path), path);
}

struct vcase {
    const char *name;
    const char *peer;
    const char *trusted;
    const char *cn;
    enum mode mode;
    int profile; /* 0 default (verify), 1 next, 2 suiteb */
    const char *crl; /* NULL: no CRL list; "": an initialised list holding no CRL */
};

/* The certificates and CRLs of the main test PKI, one directory up. */
#define PKI "../"

static const struct vcase cases[] = {
    { "trusted chain", "leaf-int.pem", "root.crt", "localhost", RECORD, 0, NULL },
    { "trusted chain, next profile", "leaf-int.pem", "root.crt", "localhost", RECORD, 1, NULL },
    { "trusted chain, suiteb profile", "leaf-int.pem", "root.crt", NULL, RECORD, 2, NULL },
    { "no name check", "leaf-int.pem", "root.crt", NULL, RECORD, 0, NULL },
    { "name mismatch", "leaf-int.pem", "root.crt", "example.org", RECORD, 0, NULL },
    { "wildcard-free mismatch", "leaf-int.pem", "root.crt", "sub.localhost", RECORD, 0, NULL },
    { "intermediate missing", "leaf.crt", "root.crt", "localhost", RECORD, 0, NULL },
    { "wrong root", "leaf-int.pem", "int2.crt", NULL, RECORD, 0, NULL },
    { "intermediate trusted", "leaf-int.pem", "int.crt", NULL, RECORD, 0, NULL },
    { "root and intermediate trusted", "leaf.crt", "int.crt", NULL, RECORD, 0, NULL },
    { "expired leaf", "expired-int.pem", "root.crt", NULL, RECORD, 0, NULL },
    { "small key", "small-int.pem", "root.crt", NULL, RECORD, 0, NULL },
    { "issuer not a CA", "undernotca-notca.pem", "root.crt", NULL, RECORD, 0, NULL },
    { "path length exceeded", "deep-int2-int.pem", "root.crt", NULL, RECORD, 0, NULL },
    { "self-signed, trusted as itself", "self.crt", "self.crt", "localhost", RECORD, 0, NULL },
    { "self-signed, untrusted", "self.crt", "root.crt", "localhost", RECORD, 0, NULL },
    { "self-signed, pinned", "self.crt", "root.crt", "localhost", PIN_LEAF, 0, NULL },
    { "pinned leaf without its root", "leaf-int.pem", "int2.crt", NULL, PIN_LEAF, 0, NULL },
    { "callback error", "leaf-int.pem", "root.crt", NULL, FAIL_AT_0, 0, NULL },
    { "callback returns VERIFY_FAILED", "leaf-int.pem", "root.crt", NULL, VERIFY_FAILED_AT_TOP, 0, NULL },
    { "callback adds a flag", "leaf-int.pem", "root.crt", NULL, SET_OTHER_AT_0, 0, NULL },
    { "crl: client revoked", PKI "client.crt", PKI "ca.crt", NULL, RECORD, 0, PKI "crl-ca.pem" },
    { "crl: server revoked, DER CRL", PKI "server-rsa.crt", PKI "ca.crt", "localhost", RECORD, 0,
      PKI "crl-ca.der" },
    { "crl: not listed", PKI "server-ec.crt", PKI "ca.crt", "localhost", RECORD, 0, PKI "crl-ca.pem" },
    { "crl: empty CRL", PKI "client.crt", PKI "ca.crt", NULL, RECORD, 0, PKI "crl-ca-empty.pem" },
    { "crl: version 1", PKI "server-rsa.crt", PKI "ca.crt", NULL, RECORD, 0, PKI "crl-ca-v1.pem" },
    { "crl: two CAs' CRLs, first CA", PKI "server-rsa.crt", PKI "ca.crt", NULL, RECORD, 0, PKI "crls.pem" },
    { "crl: two CAs' CRLs, second CA", PKI "server-wrong.crt", PKI "wrong-ca.crt", NULL, RECORD, 0,
      PKI "crls.pem" },
    { "crl: another CA's CRL", PKI "client.crt", PKI "ca.crt", NULL, RECORD, 0, PKI "crl-wrong-ca.pem" },
    { "crl: expired, listed", PKI "client.crt", PKI "ca.crt", NULL, RECORD, 0, PKI "crl-ca-expired.pem" },
    { "crl: expired, not listed", PKI "server-ec.crt", PKI "ca.crt", NULL, RECORD, 0,
      PKI "crl-ca-expired.pem" },
    { "crl: future", PKI "server-ec.crt", PKI "ca.crt", NULL, RECORD, 0, PKI "crl-ca-future.pem" },
    { "crl: forged signature", PKI "client.crt", PKI "ca.crt", NULL, RECORD, 0, PKI "crl-ca-forged.pem" },
    { "crl: CA without cRLSign", PKI "nocrlsign-leaf.crt", PKI "nocrlsign-ca.crt", NULL, RECORD, 0,
      PKI "crl-nocrlsign.pem" },
    { "crl: suiteb profile", PKI "client.crt", PKI "ca.crt", NULL, RECORD, 2, PKI "crl-ca.pem" },
    { "crl: empty list struct", PKI "client.crt", PKI "ca.crt", NULL, RECORD, 0, "" },
    { "crl: revoked, pinned by the callback", PKI "client.crt", PKI "ca.crt", NULL, PIN_LEAF, 0,
      PKI "crl-ca.pem" },
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
        mbedtls_x509_crl crl;
        mbedtls_x509_crt_init(&peer);
        mbedtls_x509_crt_init(&trusted);
        mbedtls_x509_crl_init(&crl);
        printf("case %s\n", c->name);
        if (load(&peer, argv[1], c->peer) != 0 || load(&trusted, argv[1], c->trusted) != 0 ||
            (c->crl != NULL && c->crl[0] != '\0' && load_crl(&crl, argv[1], c->crl) != 0)) {
            failures++;
        } else {
            mbedtls_x509_crl *ca_crl = c->crl != NULL ? &crl : NULL;
            struct cb_state st = { c->mode, &peer, 0 };
            uint32_t flags = 0;
            int ret;
            if (c->profile == 0) {
                ret = mbedtls_x509_crt_verify(&peer, &trusted, ca_crl, c->cn, &flags, callback, &st);
            } else {
                ret = mbedtls_x509_crt_verify_with_profile(
                    &peer, &trusted, ca_crl,
                    c->profile == 1 ? &mbedtls_x509_crt_profile_next : &mbedtls_x509_crt_profile_suiteb,
                    c->cn, &flags, callback, &st);
            }
            printf("  ret -0x%04x flags 0x%08x\n", (unsigned) -ret, (unsigned) flags);
        }
        mbedtls_x509_crt_free(&peer);
        mbedtls_x509_crt_free(&trusted);
        mbedtls_x509_crl_free(&crl);
    }
    return failures == 0 ? 0 : 1;
}
