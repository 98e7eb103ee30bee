//! `x509_crt.h`'s verification: certificate profiles (`mbedtls_x509_crt_profile` and the four
//! built-in ones), `mbedtls_x509_crt_verify` / `_with_profile` / `_restartable`, and the C verify
//! callback as the core's [`VerifyCallback`] (also used by `mbedtls_ssl_conf_verify` and
//! `mbedtls_ssl_set_verify`).

use core::ffi::{c_char, c_int, c_void};
use core::ptr;

use rustls::pki_types::UnixTime;

use super::{certificate, mbedtls_x509_crt, new_chain_from_ders};
use crate::error::Error;
use crate::ffi::error::code_of;
use crate::ffi::x509::chain_nodes as nodes;
use crate::ffi::x509_crl::{crls_of, mbedtls_x509_crl};
use crate::ffi::{entry, in_cstr};
use crate::verify::{self, Profile, VerifyCallback};
use crate::x509::Certificate;

/// A certificate profile: the signature hashes (`MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_*)`), signature
/// and key types (`MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_*)`) and curves
/// (`MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_*)`) a chain may use, and the smallest RSA key.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mbedtls_x509_crt_profile {
    pub allowed_mds: u32,
    pub allowed_pks: u32,
    pub allowed_curves: u32,
    pub rsa_min_bitlen: u32,
}

const fn c_profile(p: Profile) -> mbedtls_x509_crt_profile {
    mbedtls_x509_crt_profile {
        allowed_mds: p.allowed_mds,
        allowed_pks: p.allowed_pks,
        allowed_curves: p.allowed_curves,
        rsa_min_bitlen: p.rsa_min_bitlen,
    }
}

/// The default profile: SHA-256 and up, any key type, curves of 128-bit security and up, RSA
/// keys of 2048 bits and up.
#[unsafe(no_mangle)]
pub static mbedtls_x509_crt_profile_default: mbedtls_x509_crt_profile = c_profile(Profile::DEFAULT);

/// The "next" profile: as the default, plus secp256k1.
#[unsafe(no_mangle)]
pub static mbedtls_x509_crt_profile_next: mbedtls_x509_crt_profile = c_profile(Profile::NEXT);

/// The NSA Suite B profile: SHA-256/384 with ECDSA on P-256/P-384 only.
#[unsafe(no_mangle)]
pub static mbedtls_x509_crt_profile_suiteb: mbedtls_x509_crt_profile = c_profile(Profile::SUITE_B);

/// The profile that accepts nothing (for chains checked entirely by a verify callback).
#[unsafe(no_mangle)]
pub static mbedtls_x509_crt_profile_none: mbedtls_x509_crt_profile = c_profile(Profile::NONE);

/// The restart context of `mbedtls_x509_crt_verify_restartable` (`void` without restartable
/// ECC, as in Mbed TLS's default build: pass NULL).
pub type mbedtls_x509_crt_restart_ctx = c_void;

/// The application's verify callback: called for each certificate of the chain with its depth
/// and flags, which it may change; non-zero ends verification with that code. (Spelled out in
/// the C signatures, as Mbed TLS has no name for it.)
pub(crate) type VerifyFn = unsafe extern "C" fn(*mut c_void, *mut mbedtls_x509_crt, c_int, *mut u32) -> c_int;

/// A profile given from C, copied.
///
/// # Safety
/// `profile` is NULL or valid for reads.
pub(crate) unsafe fn profile_from(profile: *const mbedtls_x509_crt_profile) -> Option<Profile> {
    // SAFETY: NULL or valid for reads (the contract of this function).
    let p = unsafe { profile.as_ref() }?;
    Some(Profile {
        allowed_mds: p.allowed_mds,
        allowed_pks: p.allowed_pks,
        allowed_curves: p.allowed_curves,
        rsa_min_bitlen: p.rsa_min_bitlen,
    })
}

/// The C verify callback with its context pointer. For `mbedtls_x509_crt_verify` it also knows
/// the application's own structs of the certificates, so the callback gets those; otherwise
/// (TLS handshakes) it gets a chain built for the call and freed after it.
pub(crate) struct CVerify {
    f: VerifyFn,
    p: *mut c_void,
    known: Vec<(*const Certificate, *mut mbedtls_x509_crt)>,
}

// SAFETY: the context pointer is the application's, which Mbed TLS also hands to the callback
// from whatever thread runs the handshake; the struct pointers in `known` are only used while
// the `mbedtls_x509_crt_verify` call that set them runs.
unsafe impl Send for CVerify {}
// SAFETY: as above; nothing is mutated through a shared reference.
unsafe impl Sync for CVerify {}

impl core::fmt::Debug for CVerify {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CVerify").field("p", &self.p).finish_non_exhaustive()
    }
}

impl CVerify {
    pub(crate) fn new(f: VerifyFn, p: *mut c_void) -> CVerify {
        CVerify { f, p, known: Vec::new() }
    }

    /// The application's struct of `cert`, if it gave one.
    fn known_node(&self, cert: &Certificate) -> Option<*mut mbedtls_x509_crt> {
        self.known.iter().find(|(c, _)| ptr::eq(*c, cert)).map(|&(_, node)| node)
    }
}

impl VerifyCallback for CVerify {
    fn run(&self, chain: &[&Certificate], flags: &mut [u32]) -> Result<(), Error> {
        let known: Option<Vec<_>> = chain.iter().map(|c| self.known_node(c)).collect();
        let (nodes, owned) = match known {
            Some(nodes) => (nodes, None),
            None => {
                let ders: Vec<&[u8]> = chain.iter().map(|c| c.der()).collect();
                let head = new_chain_from_ders(&ders)?;
                // SAFETY: `head` is a valid chain made just above.
                let list = unsafe { nodes(&*head) };
                (list, Some(head))
            }
        };
        let mut result = Ok(());
        for depth in (0..chain.len()).rev() {
            // SAFETY: the callback contract of Mbed TLS: a live certificate struct, its depth and
            // a writable flags word; `nodes` has one struct per certificate of `chain`.
            let rc = unsafe { (self.f)(self.p, nodes[depth], depth as c_int, &mut flags[depth]) };
            if rc != 0 {
                log::debug!("verify callback returned {rc} at depth {depth}");
                result = Err(callback_error(rc));
                break;
            }
        }
        if let Some(head) = owned {
            // SAFETY: the callback has returned; nothing keeps pointers into the chain (Mbed TLS
            // documents the certificate as valid during the call only).
            unsafe { super::free_owned_chain(head) };
        }
        result
    }
}

/// What a callback's non-zero return becomes: `MBEDTLS_ERR_X509_CERT_VERIFY_FAILED` turns into
/// `MBEDTLS_ERR_X509_FATAL_ERROR` (so that `VERIFY_OPTIONAL` cannot ignore it), as in Mbed TLS.
fn callback_error(rc: c_int) -> Error {
    if rc == code_of(Error::X509CertVerifyFailed) { Error::X509FatalError } else { Error::Passthrough(rc) }
}

/// Verifies the chain `crt` (its first certificate is the one checked, the others are
/// intermediates) against the trusted CAs `trust_ca`, with the default profile.
///
/// See `mbedtls_x509_crt_verify_restartable`.
///
/// # Safety
/// As `mbedtls_x509_crt_verify_restartable`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_verify(
    crt: *mut mbedtls_x509_crt,
    trust_ca: *mut mbedtls_x509_crt,
    ca_crl: *mut mbedtls_x509_crl,
    cn: *const c_char,
    flags: *mut u32,
    f_vrfy: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_x509_crt, c_int, *mut u32) -> c_int>,
    p_vrfy: *mut c_void,
) -> c_int {
    entry!(mbedtls_x509_crt_verify, {
        let profile = &mbedtls_x509_crt_profile_default;
        // SAFETY: the same contract.
        unsafe { verify_with(crt, trust_ca, ca_crl, profile, cn, flags, f_vrfy, p_vrfy) }
    })
}

/// As `mbedtls_x509_crt_verify`, with the profile `profile`.
///
/// See `mbedtls_x509_crt_verify_restartable`.
///
/// # Safety
/// As `mbedtls_x509_crt_verify_restartable`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_verify_with_profile(
    crt: *mut mbedtls_x509_crt,
    trust_ca: *mut mbedtls_x509_crt,
    ca_crl: *mut mbedtls_x509_crl,
    profile: *const mbedtls_x509_crt_profile,
    cn: *const c_char,
    flags: *mut u32,
    f_vrfy: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_x509_crt, c_int, *mut u32) -> c_int>,
    p_vrfy: *mut c_void,
) -> c_int {
    entry!(mbedtls_x509_crt_verify_with_profile, {
        // SAFETY: the same contract.
        unsafe { verify_with(crt, trust_ca, ca_crl, profile, cn, flags, f_vrfy, p_vrfy) }
    })
}

/// Verifies a certificate chain as Mbed TLS does: the chain is built from `crt` up to a CA of
/// `trust_ca` (or a certificate of `crt` itself that is in `trust_ca`), every certificate is
/// checked (validity period, signature, profile, and revocation by the CRLs of the list
/// `ca_crl` that its issuer signed: `BADCERT_REVOKED`, `BADCRL_NOT_TRUSTED`, `BADCRL_EXPIRED`,
/// `BADCRL_FUTURE`, `BADCRL_BAD_MD`/`_BAD_PK`), `crt`'s name against `cn` (DNS and IP
/// subjectAltNames, else the subject's CN; NULL: not checked), then `f_vrfy` is called for each
/// certificate from the highest depth down to 0 and may change its flags, and `*flags` is the
/// OR of the flags it leaves.
///
/// Differences from Mbed TLS: `rs_ctx` is ignored (verification never pauses); signatures are
/// checked with the crypto provider's algorithms, which do not include SHA-1 or RSA keys under
/// 2048 bits (such a certificate's parent is not found: `NOT_TRUSTED`, plus `BAD_MD`/`BAD_KEY`
/// from the profile as in Mbed TLS; a CRL signed so is `BADCRL_NOT_TRUSTED`). The certificates
/// the callback sees are the application's own structs.
///
/// # Returns
/// 0 when `*flags` is 0; `MBEDTLS_ERR_X509_CERT_VERIFY_FAILED` when some flag is set; the
/// callback's non-zero return (`MBEDTLS_ERR_X509_CERT_VERIFY_FAILED` from the callback becomes
/// `MBEDTLS_ERR_X509_FATAL_ERROR`), `MBEDTLS_ERR_X509_FATAL_ERROR` for a chain of more than 8
/// intermediate CAs, `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `crt`, `flags` or `profile` or a
/// `crt` holding no certificate; with these errors `*flags` is `0xFFFFFFFF` (when not NULL).
///
/// # Safety
/// `crt`, `trust_ca` are NULL or initialised chains; `ca_crl` NULL or an initialised CRL list;
/// `profile` NULL or readable; `cn` NULL or a C
/// string; `flags` NULL or writable; `f_vrfy` a function honouring Mbed TLS's callback contract.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "Mbed TLS's signature")]
pub unsafe extern "C" fn mbedtls_x509_crt_verify_restartable(
    crt: *mut mbedtls_x509_crt,
    trust_ca: *mut mbedtls_x509_crt,
    ca_crl: *mut mbedtls_x509_crl,
    profile: *const mbedtls_x509_crt_profile,
    cn: *const c_char,
    flags: *mut u32,
    f_vrfy: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_x509_crt, c_int, *mut u32) -> c_int>,
    p_vrfy: *mut c_void,
    rs_ctx: *mut mbedtls_x509_crt_restart_ctx,
) -> c_int {
    entry!(mbedtls_x509_crt_verify_restartable, {
        let _ = rs_ctx;
        // SAFETY: the same contract.
        unsafe { verify_with(crt, trust_ca, ca_crl, profile, cn, flags, f_vrfy, p_vrfy) }
    })
}

/// The certificates of a C chain with their structs (none for NULL).
///
/// # Safety
/// `list` is NULL or an initialised chain; the certificates must stay alive while used.
unsafe fn certificates(list: *const mbedtls_x509_crt) -> Vec<(Certificate, *mut mbedtls_x509_crt)> {
    if list.is_null() {
        return Vec::new();
    }
    // SAFETY: non-NULL and initialised (the contract of this function).
    let nodes = unsafe { nodes(list) };
    nodes
        .into_iter()
        // SAFETY: each node is a live struct of the chain (see `nodes`).
        .filter_map(|node| unsafe { certificate(node) }.map(|c| (c.clone(), node)))
        .collect()
}

/// The body of the three verify functions.
///
/// # Safety
/// As `mbedtls_x509_crt_verify_restartable`.
#[allow(clippy::too_many_arguments, reason = "Mbed TLS's signature")]
unsafe fn verify_with(
    crt: *mut mbedtls_x509_crt,
    trust_ca: *mut mbedtls_x509_crt,
    ca_crl: *mut mbedtls_x509_crl,
    profile: *const mbedtls_x509_crt_profile,
    cn: *const c_char,
    flags: *mut u32,
    f_vrfy: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_x509_crt, c_int, *mut u32) -> c_int>,
    p_vrfy: *mut c_void,
) -> c_int {
    let bad_input = code_of(Error::X509BadInputData);
    // SAFETY: `flags` is NULL or writable (the contract).
    let Some(flags) = (unsafe { flags.as_mut() }) else { return bad_input };
    *flags = u32::MAX;
    // SAFETY: `profile` is NULL or readable (the contract).
    let Some(profile) = (unsafe { profile_from(profile) }) else { return bad_input };
    // SAFETY: NULL or initialised chains (the contract).
    let (peer_certs, peer_nodes): (Vec<_>, Vec<_>) = unsafe { certificates(crt) }.into_iter().unzip();
    // SAFETY: as above.
    let (trusted_certs, trusted_nodes): (Vec<_>, Vec<_>) = unsafe { certificates(trust_ca) }.into_iter().unzip();
    if peer_certs.is_empty() {
        return bad_input;
    }
    // SAFETY: NULL or a C string (the contract).
    let name = unsafe { in_cstr(cn) }.map(|c| String::from_utf8_lossy(c.to_bytes()).into_owned());
    let callback = f_vrfy.map(|f| {
        let mut cb = CVerify::new(f, p_vrfy);
        let certs = peer_certs.iter().chain(&trusted_certs).map(ptr::from_ref);
        cb.known = certs.zip(peer_nodes.iter().chain(&trusted_nodes).copied()).collect();
        cb
    });
    // SAFETY: NULL or an initialised list (the contract).
    let crls = unsafe { crls_of(ca_crl) }.unwrap_or_default();
    let now = match verify::calendar_time(UnixTime::now()) {
        Ok(now) => now,
        Err(e) => return code_of(e),
    };
    let inputs = verify::Inputs { trusted: &trusted_certs, crls: &crls, profile: &profile, name: name.as_deref(), now };
    let outcome = verify::verify_chain(&peer_certs, &inputs, callback.as_ref().map(|c| c as &dyn VerifyCallback));
    match outcome {
        Ok(merged) => {
            *flags = merged;
            if merged == 0 { 0 } else { code_of(Error::X509CertVerifyFailed) }
        }
        Err(e) => code_of(e),
    }
}
