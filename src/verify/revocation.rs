//! The revocation check of Mbed TLS's chain verification (`x509_crt_verifycrl`): the CRLs a
//! certificate's issuer signed, applied to one link of the chain.

use std::sync::Arc;

use crate::x509::{Certificate, Crl, SignatureCheck, Time, key_usage, names_equal};

use super::profile::{self, Profile};
use super::{badcert, badcrl, has_key_usage};

/// The revocation flags of `child`, issued by `parent`, from `crls` (Mbed TLS's order, one link
/// of the chain). For each CRL whose issuer name equals the parent's subject, in list order:
///
/// - the parent's keyUsage, when present, must allow cRLSign, else `BADCRL_NOT_TRUSTED` and stop;
/// - the profile may add `BADCRL_BAD_MD` and `BADCRL_BAD_PK` (the CRL's signature algorithm) and
///   `BADCERT_BAD_KEY` (the parent's key), without stopping;
/// - the parent's key must verify the CRL's signature, else `BADCRL_NOT_TRUSTED` and stop;
/// - nextUpdate before `now` gives `BADCRL_EXPIRED` (a CRL without nextUpdate counts as expired:
///   Mbed TLS compares its all-zero field), thisUpdate after `now` gives `BADCRL_FUTURE`;
/// - `child`'s serial number listed gives `BADCERT_REVOKED` and stops.
///
/// No CRL of the parent: no flag.
pub(crate) fn flags(crls: &[Arc<Crl>], child: &Certificate, parent: &Certificate, now: Time, profile: &Profile) -> u32 {
    let mut flags = 0;
    for crl in crls {
        if !names_equal(crl.issuer(), parent.subject()) {
            continue;
        }
        if !has_key_usage(parent, key_usage::CRL_SIGN) {
            flags |= badcrl::NOT_TRUSTED;
            break;
        }
        let (md, pk) = profile::signature_md_pk(crl.signature_algorithm());
        if !profile.md_ok(md) {
            flags |= badcrl::BAD_MD;
        }
        if !profile.pk_ok(pk) {
            flags |= badcrl::BAD_PK;
        }
        if !profile.key_ok(parent.public_key()) {
            flags |= badcert::BAD_KEY;
        }
        if crl.signature_check(parent.bytes(parent.pk_raw())) != SignatureCheck::Valid {
            flags |= badcrl::NOT_TRUSTED;
            break;
        }
        if crl.next_update().unwrap_or_default().cmp_mbedtls(&now) < 0 {
            flags |= badcrl::EXPIRED;
        }
        if crl.this_update().cmp_mbedtls(&now) > 0 {
            flags |= badcrl::FUTURE;
        }
        if crl.is_revoked(child.bytes(child.serial())) {
            flags |= badcert::REVOKED;
            break;
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::read_cert as read;
    use crate::x509::{parse_chain, parse_crls};

    fn crls(name: &str) -> Vec<Arc<Crl>> {
        let parsed = parse_crls(&read(name));
        assert_eq!(parsed.result, Ok(()), "{name}");
        parsed.crls.into_iter().map(Arc::new).collect()
    }

    fn cert(name: &str) -> Certificate {
        parse_chain(&read(name)).certs.remove(0)
    }

    fn now() -> Time {
        Time::now().unwrap()
    }

    fn check(crls: &[Arc<Crl>], child: &str, parent: &str) -> u32 {
        flags(crls, &cert(child), &cert(parent), now(), &Profile::DEFAULT)
    }

    #[test]
    fn revocation_flags_follow_mbedtls() {
        let ca_crl = crls("crl-ca.pem");
        assert_eq!(check(&ca_crl, "client.crt", "ca.crt"), badcert::REVOKED);
        assert_eq!(check(&ca_crl, "server-rsa.crt", "ca.crt"), badcert::REVOKED);
        assert_eq!(check(&ca_crl, "server-ec.crt", "ca.crt"), 0);
        // The v1 CRL, and a list where an empty CRL of the same CA comes first.
        assert_eq!(check(&crls("crl-ca-v1.pem"), "server-rsa.crt", "ca.crt"), badcert::REVOKED);
        let two = [crls("crl-ca-empty.pem"), ca_crl.clone()].concat();
        assert_eq!(check(&two, "client.crt", "ca.crt"), badcert::REVOKED);
        // Expired and future CRLs: flagged, and still consulted.
        let expired = crls("crl-ca-expired.pem");
        assert_eq!(check(&expired, "client.crt", "ca.crt"), badcrl::EXPIRED | badcert::REVOKED);
        assert_eq!(check(&expired, "server-ec.crt", "ca.crt"), badcrl::EXPIRED);
        assert_eq!(check(&crls("crl-ca-future.pem"), "server-ec.crt", "ca.crt"), badcrl::FUTURE);
        // Signed by another key under the CA's name: the first such CRL stops the check.
        let forged = crls("crl-ca-forged.pem");
        assert_eq!(check(&forged, "client.crt", "ca.crt"), badcrl::NOT_TRUSTED);
        assert_eq!(check(&[forged.clone(), ca_crl.clone()].concat(), "client.crt", "ca.crt"), badcrl::NOT_TRUSTED);
        // Another CA's CRL does not apply; its own does.
        let wrong = crls("crl-wrong-ca.pem");
        assert_eq!(check(&wrong, "client.crt", "ca.crt"), 0);
        assert_eq!(check(&wrong, "server-wrong.crt", "wrong-ca.crt"), badcert::REVOKED);
        let both = crls("crls.pem");
        assert_eq!(both.len(), 2);
        assert_eq!(check(&both, "server-wrong.crt", "wrong-ca.crt"), badcert::REVOKED);
        assert_eq!(check(&both, "server-rsa.crt", "ca.crt"), badcert::REVOKED);
        // A parent whose keyUsage lacks cRLSign.
        assert_eq!(check(&crls("crl-nocrlsign.pem"), "nocrlsign-leaf.crt", "nocrlsign-ca.crt"), badcrl::NOT_TRUSTED);
        assert_eq!(check(&[], "client.crt", "ca.crt"), 0);
    }

    #[test]
    fn profile_flags_do_not_stop_the_check() {
        let (client, ca) = (cert("client.crt"), cert("ca.crt"));
        let list = [crls("crl-wrong-ca.pem"), crls("crl-ca-empty.pem"), crls("crl-ca.pem")].concat();
        // The CA's CRLs are RSA with SHA-256 and its key RSA-2048: Suite B allows SHA-256 but not
        // RSA signatures (an RSA key is only held to rsa_min_bitlen, 0 there); the empty profile
        // allows nothing. Both of the CA's CRLs are checked (flags of each merged).
        let suite_b = badcrl::BAD_PK | badcert::REVOKED;
        assert_eq!(flags(&list, &client, &ca, now(), &Profile::SUITE_B), suite_b);
        let none = suite_b | badcrl::BAD_MD | badcert::BAD_KEY;
        assert_eq!(flags(&list, &client, &ca, now(), &Profile::NONE), none);
    }

    #[test]
    fn times_are_the_callers() {
        let c = crls("crl-ca-empty.pem");
        let this_update = c[0].this_update();
        let (ec, ca) = (cert("server-ec.crt"), cert("ca.crt"));
        let at = |t| flags(&c, &ec, &ca, t, &Profile::DEFAULT);
        assert_eq!(at(Time { year: 2000, ..this_update }), badcrl::FUTURE);
        assert_eq!(at(Time { year: 2100, ..this_update }), badcrl::EXPIRED);
        assert_eq!(at(this_update), 0);
    }

    /// Why CRLs are parsed and checked here rather than by rustls-webpki's CRL support: it
    /// refuses CRLs Mbed TLS accepts (version 1, no nextUpdate, no extensions), so its answer
    /// would differ; for a v2 CRL it agrees on what is revoked.
    #[test]
    fn webpki_refuses_crls_that_mbedtls_accepts() {
        let der = |file: &str| crls(file)[0].der().to_vec();
        let v1 = webpki::OwnedCertRevocationList::from_der(&der("crl-ca-v1.pem"));
        // (A v1 CRL has no version field, which webpki requires: BadDer.)
        assert!(v1.is_err(), "{v1:?}");
        assert_eq!(check(&crls("crl-ca-v1.pem"), "server-rsa.crt", "ca.crt"), badcert::REVOKED);
        let v2 = webpki::OwnedCertRevocationList::from_der(&der("crl-ca.pem")).unwrap();
        let listed = |name: &str| {
            let c = cert(name);
            webpki::CertRevocationList::from(v2.clone()).find_serial(c.bytes(c.serial())).unwrap().is_some()
        };
        assert!(listed("client.crt") && listed("server-rsa.crt") && !listed("server-ec.crt"));
    }
}
