/*
 * Test of x509_crl.h and the x509.h / x509_crt.h helpers, written the way Mbed TLS sample
 * programs are: every *_init first, one exit label, every *_free unconditionally.
 *
 *   x509_crl_smoke CERT_DIR
 *
 * Built twice: against this library and against Debian's Mbed TLS 2.28. Lines starting with
 * "= " form a transcript of what both libraries must answer alike (CRL texts, parse results,
 * revocation, names, serials, usages); tests/c_programs.rs compares the two transcripts. The
 * checks themselves hold for both; parts that only Mbed TLS 3.6 has (or where this library
 * documents a difference, such as NULL arguments) are compiled for 3.6 only.
 * Exit status 0 when every check passed. Meant to run under valgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counted_checks.h"

#include "mbedtls/error.h"
#include "mbedtls/x509_crl.h"
#include "mbedtls/x509_crt.h"

#define CHECK_RET(expr, expected)                                          \
    do {                                                                   \
        int r_ = (expr);                                                   \
        if (r_ != (expected)) {                                            \
            fprintf(stderr, "%s:%d: %s returned -0x%04X, expected -0x%04X\n", \
                    __FILE__, __LINE__, #expr,                             \
                    (unsigned int) (r_ < 0 ? -r_ : r_),                    \
                    (unsigned int) ((expected) < 0 ? -(expected) : (expected))); \
            failures++;                                                    \
        }                                                                  \
    } while (0)

/* The X.509/PEM part of an error code: Mbed TLS 2.28 adds low-level ASN.1 codes, which this
 * library leaves out. (Where Mbed TLS returns a bare ASN.1 code, for a malformed list of
 * revoked certificates, this library returns MBEDTLS_ERR_X509_INVALID_FORMAT: parse_case
 * counts the two as the same.) */
static int high(int ret)
{
    return ret < 0 ? -((-ret) & 0xFF80) : ret;
}

static const char *dir = "tests/certs/generated";

static unsigned char *load(const char *name, size_t *len)
{
    return load_file(dir, name, len);
}

static int parse_file(mbedtls_x509_crl *crl, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return mbedtls_x509_crl_parse_file(crl, path);
}

static int parse_crt(mbedtls_x509_crt *crt, const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return mbedtls_x509_crt_parse_file(crt, path);
}

static int list_length(const mbedtls_x509_crl *crl)
{
    int n = 0;
    for (; crl != NULL; crl = crl->next) {
        if (crl->version != 0) {
            n++;
        }
    }
    return n;
}

/* Prints mbedtls_x509_crl_info of every CRL of the list, with a prefix. */
static void print_list(const char *what, const mbedtls_x509_crl *crl)
{
    char info[4096];
    int ret;
    for (; crl != NULL; crl = crl->next) {
        if (crl->version == 0) {
            continue;
        }
        ret = mbedtls_x509_crl_info(info, sizeof(info), "= | ", crl);
        CHECK(ret > 0 && (size_t) ret == strlen(info));
        printf("= %s: %d bytes of info, raw %u bytes, tbs %u, issuer_raw %u, crl_ext tag %02X len %u\n%s",
               what, ret, (unsigned) crl->raw.len, (unsigned) crl->tbs.len,
               (unsigned) crl->issuer_raw.len, (unsigned) crl->crl_ext.tag,
               (unsigned) crl->crl_ext.len, info);
    }
}

/* The parse result of `buf` (a fresh list), and how many CRLs it kept. */
static void parse_case(const char *what, const unsigned char *buf, size_t len, int der)
{
    mbedtls_x509_crl crl;
    int ret;
    mbedtls_x509_crl_init(&crl);
    ret = der ? mbedtls_x509_crl_parse_der(&crl, buf, len) : mbedtls_x509_crl_parse(&crl, buf, len);
    ret = high(ret) == 0 && ret < 0 ? MBEDTLS_ERR_X509_INVALID_FORMAT : high(ret);
    printf("= %s: -0x%04X, %d CRLs\n", what, (unsigned) -ret, list_length(&crl));
    mbedtls_x509_crl_free(&crl);
}

static int ext_calls = 0;

/* Accepts extension 1.2.3.4 only when p_ctx says so; counts the calls for the test's own
 * extensions (1.2.3.x) and certificatePolicies. (Mbed TLS 2.28 also calls it for the key
 * identifiers, which it does not know; 3.6 does.) */
static int ext_cb(void *p_ctx, mbedtls_x509_crt const *crt, mbedtls_x509_buf const *oid,
                  int critical, const unsigned char *p, const unsigned char *end)
{
    static const unsigned char oid_1234[] = { 0x2A, 0x03, 0x04 };
    static const unsigned char policies[] = { 0x55, 0x1D, 0x20 };
    int accept = *(int *) p_ctx;
    if (oid->len != 3 || (oid->p[0] != 0x2A && memcmp(oid->p, policies, 3) != 0)) {
        return 0;
    }
    ext_calls++;
    printf("= ext_cb: oid len %u, critical %d, value len %d, crt version %d\n",
           (unsigned) oid->len, critical, (int) (end - p), crt->version);
    if (oid->len == sizeof(oid_1234) && memcmp(oid->p, oid_1234, sizeof(oid_1234)) == 0) {
        return accept ? 0 : -0x1234;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    mbedtls_x509_crl crl, crls, der_crl, empty;
    mbedtls_x509_crt ca, client, server, server_ec, wrong, custom;
    mbedtls_x509_sequence *san;
    unsigned char *pem = NULL, *der = NULL, *both = NULL, *buf = NULL;
    size_t pem_len = 0, der_len = 0, both_len = 0, i;
    char text[1024];
    char small[16];
    int ret, accept;
    static const unsigned char server_auth[] = { 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
    static const unsigned char client_auth[] = { 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };

    mbedtls_x509_crl_init(&crl);
    mbedtls_x509_crl_init(&crls);
    mbedtls_x509_crl_init(&der_crl);
    mbedtls_x509_crl_init(&empty);
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&client);
    mbedtls_x509_crt_init(&server);
    mbedtls_x509_crt_init(&server_ec);
    mbedtls_x509_crt_init(&wrong);
    mbedtls_x509_crt_init(&custom);

    if (argc > 1) {
        dir = argv[1];
    }

    CHECK_RET(parse_crt(&ca, "ca.crt"), 0);
    CHECK_RET(parse_crt(&client, "client.crt"), 0);
    CHECK_RET(parse_crt(&server, "server-rsa.crt"), 0);
    CHECK_RET(parse_crt(&server_ec, "server-ec.crt"), 0);
    CHECK_RET(parse_crt(&wrong, "server-wrong.crt"), 0);

    /* --- Files: one CRL, two CRLs of two CAs, DER, each printed. */
    CHECK_RET(parse_file(&crl, "crl-ca.pem"), 0);
    CHECK(crl.version == 2 && crl.next == NULL);
    CHECK_RET(parse_file(&crls, "crls.pem"), 0);
    CHECK(list_length(&crls) == 2);
    CHECK_RET(parse_file(&der_crl, "crl-ca.der"), 0);
    CHECK(der_crl.raw.len == crl.raw.len && memcmp(der_crl.raw.p, crl.raw.p, crl.raw.len) == 0);
    /* Appending: a v1 CRL and the CRL without entries after the DER one. */
    CHECK_RET(parse_file(&der_crl, "crl-ca-v1.pem"), 0);
    CHECK_RET(parse_file(&der_crl, "crl-ca-empty.pem"), 0);
    CHECK_RET(parse_file(&der_crl, "crl-ca-expired.pem"), 0);
    CHECK_RET(parse_file(&der_crl, "crl-ca-future.pem"), 0);
    CHECK_RET(parse_file(&der_crl, "crl-ca-forged.pem"), 0);
    CHECK_RET(parse_file(&der_crl, "crl-nocrlsign.pem"), 0);
    CHECK(list_length(&der_crl) == 7);
    CHECK(der_crl.next->version == 1 && der_crl.next->crl_ext.p == NULL);
    CHECK(der_crl.next->next->entry.raw.len == 0 && der_crl.next->next->entry.next == NULL);
    print_list("crls.pem", &crls);
    print_list("appended", &der_crl);
    CHECK_RET(parse_file(&empty, "does-not-exist.pem"), MBEDTLS_ERR_PK_FILE_IO_ERROR);
    CHECK(empty.version == 0);

    /* The entries: serials and revocation dates of the revoked certificates. */
    {
        const mbedtls_x509_crl_entry *e;
        int n = 0, found_client = 0, found_server = 0;
        for (e = &crl.entry; e != NULL; e = e->next) {
            n++;
            CHECK(e->raw.tag == 0x30 && e->serial.tag == 0x02 && e->entry_ext.p == NULL);
            CHECK(e->revocation_date.year == crl.this_update.year);
            found_client |= e->serial.len == client.serial.len &&
                            memcmp(e->serial.p, client.serial.p, e->serial.len) == 0;
            found_server |= e->serial.len == server.serial.len &&
                            memcmp(e->serial.p, server.serial.p, e->serial.len) == 0;
        }
        CHECK(n == 2 && found_client && found_server);
        CHECK(crl.crl_ext.tag == 0xA0 && crl.crl_ext.p != NULL && crl.crl_ext.p[0] == 0x30);
        CHECK(crl.issuer_raw.len == ca.subject_raw.len &&
              memcmp(crl.issuer_raw.p, ca.subject_raw.p, ca.subject_raw.len) == 0);
        CHECK(crl.next_update.year > crl.this_update.year);
    }

    /* --- Revocation lookups. */
    printf("= is_revoked client %d server %d server-ec %d wrong(crl-wrong) %d client(crl-wrong) %d\n",
           mbedtls_x509_crt_is_revoked(&client, &crl), mbedtls_x509_crt_is_revoked(&server, &crl),
           mbedtls_x509_crt_is_revoked(&server_ec, &crl),
           mbedtls_x509_crt_is_revoked(&wrong, crls.next),
           mbedtls_x509_crt_is_revoked(&client, crls.next));
    CHECK(mbedtls_x509_crt_is_revoked(&client, &crl) == 1);
    CHECK(mbedtls_x509_crt_is_revoked(&server_ec, &crl) == 0);
    CHECK(mbedtls_x509_crt_is_revoked(&wrong, crls.next) == 1);
    CHECK(mbedtls_x509_crt_is_revoked(&client, &empty) == 0);

    /* --- Info into small buffers: truncated, NUL-terminated, BUFFER_TOO_SMALL. */
    for (i = 1; i < sizeof(small); i += 7) {
        memset(small, 'x', sizeof(small));
        ret = mbedtls_x509_crl_info(small, i, "", &crl);
        CHECK(ret == MBEDTLS_ERR_X509_BUFFER_TOO_SMALL);
        CHECK(small[i - 1] == '\0' && strlen(small) == i - 1);
        printf("= crl_info into %u bytes: -0x%04X \"%s\"\n", (unsigned) i, (unsigned) -ret, small);
    }
    ret = mbedtls_x509_crl_info(text, sizeof(text), "", &empty);
    printf("= crl_info of an empty struct: %d\n%s", ret, text);

    /* --- PEM and DER buffers, good and bad. */
    pem = load("crl-ca.pem", &pem_len);
    der = load("crl-ca.der", &der_len);
    both = load("crls.pem", &both_len);
    CHECK(pem != NULL && der != NULL && both != NULL);
    if (pem == NULL || der == NULL || both == NULL) {
        goto exit;
    }
    parse_case("pem with NUL", pem, pem_len + 1, 0);
    parse_case("two pem with NUL", both, both_len + 1, 0);
    parse_case("der", der, der_len, 0);
    parse_case("der via parse_der", der, der_len, 1);
    parse_case("der with a trailing NUL", der, der_len + 1, 0);
    parse_case("pem via parse_der", pem, pem_len + 1, 1);
    parse_case("empty", der, 0, 0);
    parse_case("empty via parse_der", der, 0, 1);
    parse_case("a certificate", ca.raw.p, ca.raw.len, 0);
    buf = malloc(both_len + 64);
    CHECK(buf != NULL);
    if (buf == NULL) {
        goto exit;
    }
    /* Text after the last CRL: both CRLs kept, PEM_NO_HEADER_FOOTER_PRESENT. */
    memcpy(buf, both, both_len);
    memcpy(buf + both_len, "\n# end\n", 8);
    parse_case("text after the last CRL", buf, both_len + 8, 0);
    /* A second block that is not base64: the first CRL kept, PEM_INVALID_DATA. */
    memcpy(buf, pem, pem_len);
    memcpy(buf + pem_len, "-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n", 54);
    parse_case("bad second block", buf, pem_len + 54, 0);
    /* A first block that is not base64: parsed as DER. */
    parse_case("bad first block", buf + pem_len, 54, 0);
    /* Truncated DER, every length; DER with one byte changed, every position. */
    for (i = 0; i < der_len; i += 1) {
        char what[64];
        snprintf(what, sizeof(what), "truncated to %u", (unsigned) i);
        parse_case(what, der, i, 1);
    }
    memcpy(buf, der, der_len);
    for (i = 0; i < der_len; i++) {
        char what[64];
        buf[i] ^= 0xFF;
        snprintf(what, sizeof(what), "byte %u flipped", (unsigned) i);
        parse_case(what, buf, der_len, 1);
        buf[i] ^= 0xFF;
    }

    /* --- Names, serials, times. */
    ret = mbedtls_x509_dn_gets(text, sizeof(text), &crl.issuer);
    printf("= crl issuer: %d %s\n", ret, text);
    CHECK(ret > 0 && strcmp(text, "O=rustls-mbedtls-compat test, CN=Test CA") == 0);
    ret = mbedtls_x509_dn_gets(text, sizeof(text), &server.subject);
    printf("= server subject: %d %s\n", ret, text);
    ret = mbedtls_x509_dn_gets(text, sizeof(text), &server.issuer);
    printf("= server issuer: %d %s\n", ret, text);
    for (i = 1; i < sizeof(small); i += 5) {
        memset(small, 'x', sizeof(small));
        ret = mbedtls_x509_dn_gets(small, i, &server.subject);
        CHECK(ret == MBEDTLS_ERR_X509_BUFFER_TOO_SMALL);
        printf("= dn_gets into %u bytes: -0x%04X \"%s\"\n", (unsigned) i, (unsigned) -ret, small);
    }
    ret = mbedtls_x509_serial_gets(text, sizeof(text), &client.serial);
    printf("= client serial: %d %s\n", ret, text);
    CHECK(ret == 3 * (int) client.serial.len - 1 || ret == 3 * (int) client.serial.len - 4);
    for (i = 1; i < sizeof(small); i += 5) {
        memset(small, 'x', sizeof(small));
        ret = mbedtls_x509_serial_gets(small, i, &client.serial);
        CHECK(ret == MBEDTLS_ERR_X509_BUFFER_TOO_SMALL);
        printf("= serial_gets into %u bytes: -0x%04X \"%s\"\n", (unsigned) i, (unsigned) -ret, small);
    }
    printf("= times: expired past %d future %d, ca past %d future %d\n",
           mbedtls_x509_time_is_past(&crls.next_update), mbedtls_x509_time_is_future(&crls.this_update),
           mbedtls_x509_time_is_past(&ca.valid_to), mbedtls_x509_time_is_future(&ca.valid_from));
    CHECK(mbedtls_x509_time_is_past(&der_crl.next->next->next->next_update) == 1); /* expired CRL */
    CHECK(mbedtls_x509_time_is_future(&der_crl.next->next->next->next->this_update) == 1); /* 2049 */
    CHECK(mbedtls_x509_time_is_past(&ca.valid_to) == 0 && mbedtls_x509_time_is_future(&ca.valid_from) == 0);

    /* --- Key usage, extended key usage. */
    printf("= key usage: ca certsign|crlsign %d, ca digitalsignature -0x%04X, server digitalsignature %d, "
           "server crlsign -0x%04X\n",
           mbedtls_x509_crt_check_key_usage(&ca, MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN),
           (unsigned) -mbedtls_x509_crt_check_key_usage(&ca, MBEDTLS_X509_KU_DIGITAL_SIGNATURE),
           mbedtls_x509_crt_check_key_usage(&server, MBEDTLS_X509_KU_DIGITAL_SIGNATURE),
           (unsigned) -mbedtls_x509_crt_check_key_usage(&server, MBEDTLS_X509_KU_CRL_SIGN));
    CHECK(mbedtls_x509_crt_check_key_usage(&ca, MBEDTLS_X509_KU_CRL_SIGN) == 0);
    CHECK_RET(mbedtls_x509_crt_check_key_usage(&client, MBEDTLS_X509_KU_KEY_ENCIPHERMENT),
              MBEDTLS_ERR_X509_BAD_INPUT_DATA);
    printf("= ext key usage: server/server %d, server/client -0x%04X, client/client %d, ca/client %d\n",
           mbedtls_x509_crt_check_extended_key_usage(&server, (const char *) server_auth, sizeof(server_auth)),
           (unsigned) -mbedtls_x509_crt_check_extended_key_usage(&server, (const char *) client_auth,
                                                                 sizeof(client_auth)),
           mbedtls_x509_crt_check_extended_key_usage(&client, (const char *) client_auth, sizeof(client_auth)),
           mbedtls_x509_crt_check_extended_key_usage(&ca, (const char *) client_auth, sizeof(client_auth)));
    CHECK(mbedtls_x509_crt_check_extended_key_usage(&server, (const char *) server_auth,
                                                    sizeof(server_auth)) == 0);

    /* --- subjectAltName entries of the server certificate: the DNS name. */
    for (san = &server.subject_alt_names; san != NULL; san = san->next) {
        mbedtls_x509_subject_alternative_name name;
        memset(&name, 0, sizeof(name));
        ret = mbedtls_x509_parse_subject_alt_name(&san->buf, &name);
        if (san->buf.tag == 0x82) {
            CHECK_RET(ret, 0);
            CHECK(name.type == MBEDTLS_X509_SAN_DNS_NAME);
            printf("= san dNSName %.*s\n", (int) name.san.unstructured_name.len,
                   (const char *) name.san.unstructured_name.p);
        }
#if MBEDTLS_VERSION_MAJOR >= 3
        mbedtls_x509_free_subject_alt_name(&name);
#endif
    }

    /* --- Extension callback: two unknown extensions and a policy other than anyPolicy. */
    {
        mbedtls_x509_crt pem_custom;
        mbedtls_x509_crt_init(&pem_custom);
        CHECK_RET(high(parse_crt(&pem_custom, "custom-ext.crt")), MBEDTLS_ERR_X509_INVALID_EXTENSIONS);
        mbedtls_x509_crt_free(&pem_custom);
    }
    free(buf);
    buf = load("custom-ext.der", &both_len);
    CHECK(buf != NULL);
    if (buf == NULL) {
        goto exit;
    }
    CHECK_RET(high(mbedtls_x509_crt_parse_der(&custom, buf, both_len)), MBEDTLS_ERR_X509_INVALID_EXTENSIONS);
    CHECK(custom.version == 0);
    accept = 0;
    ext_calls = 0;
    ret = mbedtls_x509_crt_parse_der_with_ext_cb(&custom, buf, both_len, 1, ext_cb, &accept);
    printf("= ext_cb refusing: -0x%04X after %d calls, version %d\n", (unsigned) -ret, ext_calls, custom.version);
    CHECK(ret == -0x1234 && ext_calls == 1 && custom.version == 0);
    accept = 1;
    ext_calls = 0;
    ret = mbedtls_x509_crt_parse_der_with_ext_cb(&custom, buf, both_len, 1, ext_cb, &accept);
    printf("= ext_cb accepting: %d after %d calls, version %d\n", ret, ext_calls, custom.version);
    CHECK(ret == 0 && ext_calls == 3 && custom.version == 3);
    /* A second certificate after it, refused: the first stays, the chain has one. */
    accept = 0;
    ret = mbedtls_x509_crt_parse_der_with_ext_cb(&custom, buf, both_len, 0, ext_cb, &accept);
    CHECK(ret == -0x1234 && custom.next == NULL);
    ext_calls = 0;
    CHECK_RET(mbedtls_x509_crt_parse_der_with_ext_cb(&custom, ca.raw.p, ca.raw.len, 1, ext_cb, &accept), 0);
    CHECK(ext_calls == 0 && custom.next != NULL && custom.next->version == 3);

#if MBEDTLS_VERSION_MAJOR >= 3
    /* --- What Mbed TLS 3.6 added. */
    {
        mbedtls_x509_time t, u;
        unsigned char ip[16];
        mbedtls_x509_name *next;
        CHECK_RET(mbedtls_x509_time_gmtime(951782400, &t), 0);
        CHECK(t.year == 2000 && t.mon == 2 && t.day == 29 && t.hour == 0 && t.min == 0 && t.sec == 0);
        CHECK_RET(mbedtls_x509_time_gmtime(-1, &u), 0);
        CHECK(u.year == 1969 && u.mon == 12 && u.day == 31 && u.hour == 23 && u.sec == 59);
        CHECK(mbedtls_x509_time_cmp(&t, &t) == 0);
        CHECK(mbedtls_x509_time_cmp(&u, &t) < 0 && mbedtls_x509_time_cmp(&t, &u) > 0);
        u = t;
        u.sec = 1;
        CHECK(mbedtls_x509_time_cmp(&t, &u) == -1);
        u = t;
        u.year = 2001;
        CHECK(mbedtls_x509_time_cmp(&u, &t) == 512);
        CHECK(mbedtls_x509_time_cmp(&crl.this_update, &crl.next_update) < 0);

        CHECK_RET(mbedtls_x509_crt_get_ca_istrue(&ca), 1);
        CHECK_RET(mbedtls_x509_crt_get_ca_istrue(&server), 0);

        memset(ip, 0, sizeof(ip));
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton("127.0.0.1", ip) == 4 && ip[0] == 127 && ip[3] == 1);
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton("::1", ip) == 16 && ip[15] == 1 && ip[0] == 0);
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton("fe80::1:2", ip) == 16 && ip[0] == 0xFE);
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton("1.2.3", ip) == 0);
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton("1.2.3.256", ip) == 0);
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton("localhost", ip) == 0);
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton("1::2::3", ip) == 0);

        /* dn_get_next walks RDNs: O, then CN, then the end. */
        next = mbedtls_x509_dn_get_next(&server.subject);
        CHECK(next != NULL && next->oid.len == 3 && next->oid.p[2] == 3);
        CHECK(mbedtls_x509_dn_get_next(next) == NULL);

        /* subjectAltName entries: IP address, and hand-built directoryName, otherName
         * (hardwareModuleName), a bad IP length and an unsupported type. */
        for (san = &server.subject_alt_names; san != NULL; san = san->next) {
            mbedtls_x509_subject_alternative_name name;
            if (san->buf.tag == 0x87) {
                CHECK_RET(mbedtls_x509_parse_subject_alt_name(&san->buf, &name), 0);
                CHECK(name.type == MBEDTLS_X509_SAN_IP_ADDRESS && name.san.unstructured_name.len == 4);
                mbedtls_x509_free_subject_alt_name(&name);
            }
        }
        {
            /* directoryName [4] { SEQUENCE { SET { O=ab } SET { CN=cd + CN=ef } } } */
            static unsigned char dir_name[] = {
                0x30, 0x26,
                0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x0A, 0x0C, 0x02, 'a', 'b',
                0x31, 0x17, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x02, 'c', 'd',
                0x30, 0x0A, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x03, 'e', 'f', 'g',
                0x00 /* ignored after the name, as in Mbed TLS */
            };
            /* otherName [0] { hardwareModuleName OID, [0] { SEQUENCE { OID 1.2.3, OCTET STRING 01 02 } } } */
            static unsigned char other_name[] = {
                0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x04,
                0xA0, 0x0A, 0x30, 0x08, 0x06, 0x02, 0x2A, 0x03, 0x04, 0x02, 0x01, 0x02
            };
            static unsigned char other_unknown[] = { 0x06, 0x02, 0x2A, 0x03, 0xA0, 0x02, 0x05, 0x00 };
            static unsigned char bad_ip[] = { 1, 2, 3 };
            mbedtls_x509_buf b;
            mbedtls_x509_subject_alternative_name name;

            b.tag = 0xA4;
            b.p = dir_name;
            b.len = sizeof(dir_name);
            memset(&name, 0, sizeof(name));
            CHECK_RET(mbedtls_x509_parse_subject_alt_name(&b, &name), 0);
            CHECK(name.type == MBEDTLS_X509_SAN_DIRECTORY_NAME);
            ret = mbedtls_x509_dn_gets(text, sizeof(text), &name.san.directory_name);
            CHECK(ret > 0 && strcmp(text, "O=ab, CN=cd + CN=efg") == 0);
            mbedtls_x509_free_subject_alt_name(&name);
            mbedtls_x509_free_subject_alt_name(&name);
            b.len = 5;
            CHECK_RET(mbedtls_x509_parse_subject_alt_name(&b, &name), MBEDTLS_ERR_X509_INVALID_NAME);

            b.tag = 0xA0;
            b.p = other_name;
            b.len = sizeof(other_name);
            CHECK_RET(mbedtls_x509_parse_subject_alt_name(&b, &name), 0);
            CHECK(name.type == MBEDTLS_X509_SAN_OTHER_NAME);
            CHECK(name.san.other_name.value.hardware_module_name.oid.len == 2);
            CHECK(name.san.other_name.value.hardware_module_name.val.len == 2 &&
                  name.san.other_name.value.hardware_module_name.val.p[1] == 0x02);
            mbedtls_x509_free_subject_alt_name(&name);
            b.len = sizeof(other_name) - 1;
            CHECK_RET(mbedtls_x509_parse_subject_alt_name(&b, &name), MBEDTLS_ERR_X509_INVALID_EXTENSIONS);
            b.p = other_unknown;
            b.len = sizeof(other_unknown);
            CHECK_RET(mbedtls_x509_parse_subject_alt_name(&b, &name), MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE);

            b.tag = 0x87;
            b.p = bad_ip;
            b.len = sizeof(bad_ip);
            CHECK_RET(mbedtls_x509_parse_subject_alt_name(&b, &name), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
            b.tag = 0x83;
            CHECK_RET(mbedtls_x509_parse_subject_alt_name(&b, &name), MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE);
        }
    }
#endif

#if defined(MBEDTLS_COMPAT)
    /* --- NULL and wrong arguments (Mbed TLS itself does not check most of these). */
    {
        mbedtls_x509_crl copy;
        mbedtls_x509_time t;
        mbedtls_x509_subject_alternative_name name;
        CHECK_RET(mbedtls_x509_crl_parse(NULL, pem, pem_len + 1), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crl_parse(&empty, NULL, 10), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crl_parse_der(&empty, NULL, 0), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crl_parse_der(NULL, der, der_len), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crl_parse_file(&empty, NULL), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crl_parse_file(NULL, "x"), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        /* This library also takes PEM without the terminating NUL. */
        CHECK_RET(mbedtls_x509_crl_parse(&empty, pem, pem_len), 0);
        CHECK(empty.version == 2);
        CHECK_RET(mbedtls_x509_crl_info(NULL, 10, "", &crl), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crl_info(text, sizeof(text), NULL, &crl), (int) strlen(text));
        CHECK_RET(mbedtls_x509_crl_info(text, sizeof(text), "", NULL), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crl_info(text, 0, "", &crl), MBEDTLS_ERR_X509_BUFFER_TOO_SMALL);
        /* A copy of a list, freed after the original: its handles are dead, nothing happens. */
        copy = crls;
        mbedtls_x509_crl_free(&crls);
        mbedtls_x509_crl_free(&crls);
        mbedtls_x509_crl_free(&copy);
        mbedtls_x509_crl_free(NULL);
        mbedtls_x509_crl_init(NULL);
        CHECK(crls.version == 0 && crls.next == NULL);
        /* Garbage in an unparsed struct is overwritten, not followed. */
        memset(&copy, 0xA5, sizeof(copy));
        mbedtls_x509_crl_init(&copy);
        CHECK_RET(mbedtls_x509_crl_parse_der(&copy, der, der_len), 0);
        mbedtls_x509_crl_free(&copy);

        CHECK(mbedtls_x509_crt_is_revoked(NULL, &crl) == 0 && mbedtls_x509_crt_is_revoked(&client, NULL) == 0);
        CHECK_RET(mbedtls_x509_dn_gets(NULL, 10, &crl.issuer), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_dn_gets(text, sizeof(text), NULL), 0);
        CHECK_RET(mbedtls_x509_serial_gets(text, sizeof(text), NULL), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_serial_gets(NULL, 10, &client.serial), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK(mbedtls_x509_time_is_past(NULL) == 1 && mbedtls_x509_time_is_future(NULL) == 1);
        CHECK(mbedtls_x509_time_cmp(NULL, &crl.this_update) == 0);
        CHECK_RET(mbedtls_x509_time_gmtime(0, NULL), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK(mbedtls_x509_time_gmtime((mbedtls_time_t) 1 << 62, &t) == -1);
        CHECK_RET(mbedtls_x509_crt_check_key_usage(NULL, 0), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crt_check_extended_key_usage(&server, NULL, 3), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crt_get_ca_istrue(NULL), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton(NULL, text) == 0);
        CHECK(mbedtls_x509_crt_parse_cn_inet_pton("1.2.3.4", NULL) == 0);
        CHECK(mbedtls_x509_dn_get_next(NULL) == NULL);
        CHECK_RET(mbedtls_x509_parse_subject_alt_name(NULL, &name), MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_parse_subject_alt_name(&server.subject_alt_names.buf, NULL),
                  MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        mbedtls_x509_free_subject_alt_name(NULL);
        CHECK_RET(mbedtls_x509_crt_parse_der_with_ext_cb(NULL, der, der_len, 1, ext_cb, &accept),
                  MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        CHECK_RET(mbedtls_x509_crt_parse_der_with_ext_cb(&custom, NULL, 1, 1, ext_cb, &accept),
                  MBEDTLS_ERR_X509_BAD_INPUT_DATA);
    }
#endif

exit:
    mbedtls_x509_crl_free(&crl);
    mbedtls_x509_crl_free(&crls);
    mbedtls_x509_crl_free(&der_crl);
    mbedtls_x509_crl_free(&empty);
    mbedtls_x509_crt_free(&ca);
    mbedtls_x509_crt_free(&client);
    mbedtls_x509_crt_free(&server);
    mbedtls_x509_crt_free(&server_ec);
    mbedtls_x509_crt_free(&wrong);
    mbedtls_x509_crt_free(&custom);
    free(pem);
    free(der);
    free(both);
    free(buf);
    if (failures != 0) {
        printf("FAILED: %d checks\n", failures);
        return 1;
    }
    printf("x509 crl smoke test passed\n");
    return 0;
}
