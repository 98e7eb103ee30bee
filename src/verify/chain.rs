//! Building and checking a certificate chain the way Mbed TLS does
//! (`mbedtls_x509_crt_verify_restartable`), so that every certificate of the chain gets the
//! `MBEDTLS_X509_BADCERT_*` flags Mbed TLS would give it, and the application's verify callback
//! sees the same chain in the same order.
//!
//! From the peer's certificate up, each certificate's parent is looked for first among the
//! trusted CAs (where the signature must verify), then among the certificates the peer sent
//! after it; a parent inside its validity period is preferred. The chain ends at a trusted CA,
//! at a trusted self-issued end-entity certificate, or where no parent is found (that certificate
//! is then `NOT_TRUSTED`). Each certificate gets its own validity, profile, signature and
//! revocation flags; the end entity also its name and key checks.

use std::sync::Arc;

use crate::error::Error;
use crate::x509::{Certificate, Crl, SignatureCheck, Time, key_usage, key_usage_allows, names_equal};

use super::profile::{self, Profile};
use super::{badcert, hostname, revocation};

/// `MBEDTLS_X509_MAX_INTERMEDIATE_CA`: intermediate CAs a chain may have.
pub(crate) const MAX_INTERMEDIATE_CA: usize = 8;

/// What a chain is checked against.
pub(crate) struct Inputs<'a> {
    /// The trusted CAs (`trust_ca`), in the order given.
    pub(crate) trusted: &'a [Certificate],
    pub(crate) profile: &'a Profile,
    /// The expected name (`cn`); None: not checked.
    pub(crate) name: Option<&'a str>,
    pub(crate) now: Time,
    /// The CRLs (`ca_crl`), in the order given; checked for each certificate that has a parent.
    pub(crate) crls: &'a [Arc<Crl>],
}

/// One certificate of a built chain and its flags. Depth 0 is the peer's certificate.
#[derive(Clone, Debug)]
pub(crate) struct Link<'a> {
    pub(crate) cert: &'a Certificate,
    pub(crate) flags: u32,
}

/// The chain of `peer` (the peer's certificate first, then the others it sent) with each
/// certificate's flags, from depth 0 up.
///
/// # Errors
/// `X509FatalError` when the chain would need more than [`MAX_INTERMEDIATE_CA`] intermediates.
pub(crate) fn build<'a>(peer: &'a [Certificate], inputs: &Inputs<'a>) -> Result<Vec<Link<'a>>, Error> {
    let Some(ee) = peer.first() else { return Err(Error::X509BadInputData) };
    let mut ee_flags = 0;
    if let Some(name) = inputs.name {
        if !hostname::matches(ee, name) {
            ee_flags |= badcert::CN_MISMATCH;
        }
    }
    if !inputs.profile.pk_ok(profile::key_type(ee.public_key())) {
        ee_flags |= badcert::BAD_PK;
    }
    if !inputs.profile.key_ok(ee.public_key()) {
        ee_flags |= badcert::BAD_KEY;
    }
    let mut chain = walk(peer, inputs)?;
    chain[0].flags |= ee_flags;
    Ok(chain)
}

/// `x509_crt_verify_chain`.
fn walk<'a>(peer: &'a [Certificate], inputs: &Inputs<'a>) -> Result<Vec<Link<'a>>, Error> {
    let mut chain: Vec<Link<'a>> = Vec::new();
    // The child and, while it is one of the peer's certificates, its position there.
    let mut child = &peer[0];
    let mut child_pos = Some(0);
    let mut self_issued = 0;
    loop {
        let mut flags = 0;
        if inputs.now > child.valid_to() {
            flags |= badcert::EXPIRED;
        }
        if inputs.now < child.valid_from() {
            flags |= badcert::FUTURE;
        }
        if child_pos.is_none() {
            // A trusted CA ends the chain.
            chain.push(Link { cert: child, flags });
            return Ok(chain);
        }
        let (md, pk) = profile::signature_md_pk(child.signature_algorithm());
        if !inputs.profile.md_ok(md) {
            flags |= badcert::BAD_MD;
        }
        if !inputs.profile.pk_ok(pk) {
            flags |= badcert::BAD_PK;
        }
        chain.push(Link { cert: child, flags });
        if chain.len() == 1 && locally_trusted(child, inputs.trusted) {
            return Ok(chain);
        }
        let path_cnt = chain.len() - 1;
        let later = &peer[child_pos.map_or(peer.len(), |p| p + 1)..];
        let found = find_parent_in(child, inputs.trusted, true, path_cnt, self_issued, inputs.now)
            .map(|(p, good)| (p, good, None))
            .or_else(|| {
                find_parent_in(child, later, false, path_cnt, self_issued, inputs.now).map(|(p, good)| {
                    let pos = peer.len() - later.len() + later.iter().position(|c| core::ptr::eq(c, p)).unwrap_or(0);
                    (p, good, Some(pos))
                })
            });
        let last = chain.len() - 1;
        let Some((parent, signature_good, parent_pos)) = found else {
            chain[last].flags |= badcert::NOT_TRUSTED;
            return Ok(chain);
        };
        if chain.len() != 1 && names_equal(child.issuer(), child.subject()) {
            self_issued += 1;
        }
        if parent_pos.is_some() && chain.len() > MAX_INTERMEDIATE_CA {
            log::error!("certificate chain longer than {MAX_INTERMEDIATE_CA} intermediate CAs");
            return Err(Error::X509FatalError);
        }
        if !signature_good {
            chain[last].flags |= badcert::NOT_TRUSTED;
        }
        if !inputs.profile.key_ok(parent.public_key()) {
            chain[last].flags |= badcert::BAD_KEY;
        }
        chain[last].flags |= revocation::flags(inputs.crls, child, parent, inputs.now, inputs.profile);
        child = parent;
        child_pos = parent_pos;
    }
}

/// `x509_crt_find_parent_in`: the first suitable parent in `candidates` that is inside its
/// validity period, else the first suitable one; with whether its signature on `child` verifies.
/// Among trusted CAs (`top`), only a parent whose signature verifies is suitable.
fn find_parent_in<'a>(
    child: &Certificate,
    candidates: &'a [Certificate],
    top: bool,
    path_cnt: usize,
    self_issued: usize,
    now: Time,
) -> Option<(&'a Certificate, bool)> {
    let mut fallback = None;
    for parent in candidates {
        if !is_parent(child, parent, top) {
            continue;
        }
        if let Some(max) = parent.extensions().basic_constraints.and_then(|bc| bc.path_len) {
            // Mbed TLS stores pathLenConstraint + 1 and compares with 1 + path_cnt - self_cnt.
            if (max as usize) < path_cnt.saturating_sub(self_issued) {
                continue;
            }
        }
        let good = child.signature_check(parent.bytes(parent.pk_raw())) == SignatureCheck::Valid;
        if top && !good {
            continue;
        }
        if now > parent.valid_to() || now < parent.valid_from() {
            fallback.get_or_insert((parent, good));
            continue;
        }
        return Some((parent, good));
    }
    fallback
}

/// `x509_crt_check_parent`: `parent`'s subject is `child`'s issuer, and it is a CA allowed to
/// sign certificates (a locally trusted v1/v2 certificate need not be).
fn is_parent(child: &Certificate, parent: &Certificate, top: bool) -> bool {
    if !names_equal(child.issuer(), parent.subject()) {
        return false;
    }
    let need_ca_bit = !(top && parent.version() < 3);
    !need_ca_bit || (parent.is_ca() && has_key_usage(parent, key_usage::KEY_CERT_SIGN))
}

/// `mbedtls_x509_crt_check_key_usage` on `cert` (see [`key_usage_allows`]).
pub(crate) fn has_key_usage(cert: &Certificate, usage: u32) -> bool {
    key_usage_allows(cert.extensions().key_usage, usage)
}

/// `x509_crt_check_ee_locally_trusted`: a self-issued certificate that is itself one of the
/// trusted CAs (byte for byte).
fn locally_trusted(cert: &Certificate, trusted: &[Certificate]) -> bool {
    names_equal(cert.issuer(), cert.subject()) && trusted.iter().any(|t| t.der() == cert.der())
}
