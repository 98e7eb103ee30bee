//! Unit tests of the chain checks, over the test PKI of `scripts/gen-test-certs.sh`.

use std::sync::Mutex;

use super::*;
use crate::test_support::read_cert;

fn parse(name: &str) -> Vec<Certificate> {
    let chain = crate::x509::parse_chain(&read_cert(name));
    assert_eq!(chain.result(), Ok(0), "{name}");
    chain.certs
}

fn now() -> UnixTime {
    UnixTime::now()
}

/// [`super::verify_chain`] without CRLs.
fn verify_chain(
    peer: &[Certificate],
    trusted: &[Certificate],
    profile: &Profile,
    name: Option<&str>,
    now: UnixTime,
    callback: Option<&dyn VerifyCallback>,
) -> Result<u32, Error> {
    let inputs = Inputs { trusted, crls: &[], profile, name, now: calendar_time(now)? };
    super::verify_chain(peer, &inputs, callback)
}

fn flags_of(peer: &str, trusted: &str, name: Option<&str>) -> Result<u32, Error> {
    verify_chain(&parse(peer), &parse(trusted), &Profile::DEFAULT, name, now(), None)
}

/// A callback that records the depths it is called with, and clears or sets bits at depth 0.
#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<(usize, u32)>>,
    clear: u32,
    fail_with: Option<Error>,
}

impl VerifyCallback for Recorder {
    fn run(&self, chain: &[&Certificate], flags: &mut [u32]) -> Result<(), Error> {
        for depth in (0..chain.len()).rev() {
            self.seen.lock().unwrap().push((depth, flags[depth]));
            if let Some(e) = self.fail_with {
                return Err(e);
            }
            flags[depth] &= !self.clear;
        }
        Ok(())
    }
}

#[test]
fn trusted_chains_have_no_flags() {
    assert_eq!(flags_of("server-rsa.crt", "ca.crt", Some("localhost")), Ok(0));
    assert_eq!(flags_of("server-ec.crt", "ca.crt", Some("127.0.0.1")), Ok(0));
    assert_eq!(flags_of("client.crt", "ca.crt", None), Ok(0));
    // A CA that is itself trusted is a chain of one.
    assert_eq!(flags_of("ca.crt", "ca.crt", None), Ok(0));
}

#[test]
fn problems_give_mbedtls_flags() {
    assert_eq!(flags_of("server-rsa.crt", "wrong-ca.crt", None), Ok(badcert::NOT_TRUSTED));
    assert_eq!(flags_of("server-rsa.crt", "ca.crt", Some("example.org")), Ok(badcert::CN_MISMATCH));
    assert_eq!(flags_of("server-rsa.crt", "ca.crt", Some("127.0.0.2")), Ok(badcert::CN_MISMATCH));
    assert_eq!(flags_of("expired.crt", "ca.crt", None), Ok(badcert::EXPIRED));
    assert_eq!(flags_of("expired.crt", "wrong-ca.crt", None), Ok(badcert::EXPIRED | badcert::NOT_TRUSTED));
    // No CA at all: the peer's certificate is the last one reached.
    let peer = parse("server-rsa.crt");
    assert_eq!(verify_chain(&peer, &[], &Profile::DEFAULT, None, now(), None), Ok(badcert::NOT_TRUSTED));
    // An empty chain is bad input.
    assert_eq!(verify_chain(&[], &[], &Profile::DEFAULT, None, now(), None), Err(Error::X509BadInputData));
}

#[test]
fn profiles_flag_hashes_key_types_and_sizes() {
    let peer = parse("server-rsa.crt");
    let ca = parse("ca.crt");
    let suite_b = verify_chain(&peer, &ca, &Profile::SUITE_B, None, now(), None);
    // RSA signatures and keys are outside Suite B (the RSA size is not limited there).
    assert_eq!(suite_b, Ok(badcert::BAD_PK));
    let none = verify_chain(&peer, &ca, &Profile::NONE, None, now(), None);
    assert_eq!(none, Ok(badcert::BAD_MD | badcert::BAD_PK | badcert::BAD_KEY));
    let big_rsa = Profile { rsa_min_bitlen: 3072, ..Profile::DEFAULT };
    assert_eq!(verify_chain(&peer, &ca, &big_rsa, None, now(), None), Ok(badcert::BAD_KEY));
}

#[test]
fn the_callback_runs_from_the_top_and_may_clear_flags() {
    let peer = parse("server-rsa.crt");
    let cb = Recorder::default();
    assert_eq!(verify_chain(&peer, &parse("ca.crt"), &Profile::DEFAULT, None, now(), Some(&cb)), Ok(0));
    assert_eq!(*cb.seen.lock().unwrap(), [(1, 0), (0, 0)]);

    // Pinning: without a trusted chain the callback sees the peer's certificate alone and
    // clears NOT_TRUSTED.
    let pin = Recorder { clear: badcert::NOT_TRUSTED, ..Recorder::default() };
    assert_eq!(verify_chain(&peer, &parse("wrong-ca.crt"), &Profile::DEFAULT, None, now(), Some(&pin)), Ok(0));
    assert_eq!(*pin.seen.lock().unwrap(), [(0, badcert::NOT_TRUSTED)]);

    // An error stops the walk at the top and is the result.
    let failing = Recorder { fail_with: Some(Error::Passthrough(-0x1234)), ..Recorder::default() };
    let result = verify_chain(&peer, &parse("ca.crt"), &Profile::DEFAULT, None, now(), Some(&failing));
    assert_eq!(result, Err(Error::Passthrough(-0x1234)));
    assert_eq!(failing.seen.lock().unwrap().len(), 1);
}

#[test]
fn peer_checks_add_key_usage_after_the_callback() {
    let trust = Arc::new(TrustStore::from_ders(&[CertificateDer::from(parse("ca.crt")[0].der().to_vec())]));
    let clear_all = Arc::new(Recorder { clear: u32::MAX, ..Recorder::default() });
    let check = PeerCheck {
        authmode: AuthMode::Required,
        trust: Some(trust),
        profile: Profile::DEFAULT,
        callback: Some(clear_all),
        expected_name: None,
        peer: PeerRole::Client,
        sig_algs: None,
    };
    let server_cert = CertificateDer::from(parse("server-rsa.crt")[0].der().to_vec());
    // A server certificate offered as a client certificate: extendedKeyUsage serverAuth only.
    assert_eq!(check.flags(&[server_cert], now()), Ok(badcert::EXT_KEY_USAGE));
    let client_cert = CertificateDer::from(parse("client.crt")[0].der().to_vec());
    assert_eq!(check.flags(&[client_cert], now()), Ok(0));
    assert_eq!(check.flags(&[], now()), Ok(badcert::MISSING));
    assert_eq!(
        check.flags(&[CertificateDer::from(vec![0x30, 0x00])], now()),
        Ok(badcert::OTHER | badcert::NOT_TRUSTED)
    );
}

#[test]
fn required_failure_picks_the_alert_of_the_worst_problem() {
    let error_of = |flags| match failure_for(flags) {
        rustls::Error::InvalidCertificate(e) => rustls::error::AlertDescription::from(&e),
        other => panic!("{other:?}"),
    };
    use rustls::error::AlertDescription as A;
    assert_eq!(error_of(badcert::NOT_TRUSTED | badcert::EXPIRED), A::CertificateExpired);
    assert_eq!(error_of(badcert::NOT_TRUSTED), A::UnknownCa);
    assert_eq!(error_of(badcert::CN_MISMATCH | badcert::NOT_TRUSTED), A::BadCertificate);
    assert_eq!(error_of(badcert::OTHER | badcert::CN_MISMATCH), A::AccessDenied);
    assert_eq!(error_of(badcert::BAD_KEY | badcert::EXPIRED), A::UnsupportedCertificate);
    assert_eq!(error_of(badcert::REVOKED | badcert::NOT_TRUSTED), A::CertificateRevoked);
    assert_eq!(error_of(badcert::FUTURE), A::CertificateUnknown);
    assert_eq!(error_of(u32::MAX), A::AccessDenied);
}

#[test]
fn the_routed_client_verifier_asks_the_running_connections_and_fails_closed_without_one() {
    let check = |authmode| PeerCheck {
        authmode,
        trust: None,
        profile: Profile::DEFAULT,
        callback: None,
        expected_name: None,
        peer: PeerRole::Client,
        sig_algs: None,
    };
    let none = Arc::new(ClientCertVerifier::new(check(AuthMode::None), Arc::from([]), VerifyRecord::default()));
    let optional = Arc::new(ClientCertVerifier::new(check(AuthMode::Optional), Arc::from([]), VerifyRecord::default()));
    let routed = RoutedClientVerifier;
    // Outside a connection's call: a certificate is asked for and required, and no signature
    // scheme is accepted (verify_identity fails too; rustls gives no way to build its input).
    assert!(routed.offer_client_auth() && routed.client_auth_mandatory());
    assert!(routed.supported_verify_schemes().is_empty());
    with_client_verifier(Some(none), || {
        assert!(!routed.offer_client_auth());
        // A nested call (a verify callback driving another connection) has its own, and the
        // outer one is back afterwards.
        with_client_verifier(Some(optional.clone()), || {
            assert!(routed.offer_client_auth() && !routed.client_auth_mandatory());
        });
        assert!(!routed.offer_client_auth());
        // Put back also when the inner call unwinds.
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            with_client_verifier(Some(optional.clone()), || panic!("inside"));
        }));
        assert!(unwound.is_err());
        assert!(!routed.offer_client_auth());
    });
    assert!(routed.offer_client_auth() && routed.client_auth_mandatory());
}
