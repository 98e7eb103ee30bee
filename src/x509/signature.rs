//! Signature algorithms: the AlgorithmIdentifier of a certificate's signature, with the
//! description Mbed TLS prints ("RSA with SHA-256", "RSASSA-PSS (SHA256, MGF1-SHA256, 0x20)").

use crate::der::{self, Tlv};
use crate::error::Error;
use crate::oid;

/// The signature algorithm of a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SignatureAlgorithm {
    /// Dotted OID.
    pub(crate) oid: String,
    /// Description as Mbed TLS prints it ("RSA with SHA-256", "ECDSA with SHA256", ...).
    pub(crate) name: String,
}

fn params_absent_or_null(params: Option<&Tlv<'_>>) -> bool {
    params.is_none_or(|p| p.tag == der::NULL && p.value.is_empty())
}

pub(super) fn signature_algorithm(oid_der: &[u8], params: Option<&Tlv<'_>>) -> Result<SignatureAlgorithm, Error> {
    let dotted = oid::to_dotted(oid_der).ok_or(Error::X509UnknownSigAlg)?;
    let name = match dotted.as_str() {
        "1.2.840.113549.1.1.4" => "RSA with MD5",
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => "RSA with SHA1",
        "1.2.840.113549.1.1.14" => "RSA with SHA-224",
        "1.2.840.113549.1.1.11" => "RSA with SHA-256",
        "1.2.840.113549.1.1.12" => "RSA with SHA-384",
        "1.2.840.113549.1.1.13" => "RSA with SHA-512",
        "1.2.840.10045.4.1" => "ECDSA with SHA1",
        "1.2.840.10045.4.3.1" => "ECDSA with SHA224",
        "1.2.840.10045.4.3.2" => "ECDSA with SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA with SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA with SHA512",
        oid::ED25519 => "Ed25519",
        oid::ED448 => "Ed448",
        oid::RSASSA_PSS => {
            let name = format!("RSASSA-PSS {}", pss_description(params)?);
            return Ok(SignatureAlgorithm { oid: dotted, name });
        }
        _ => return Err(Error::X509UnknownSigAlg),
    };
    if !params_absent_or_null(params) {
        return Err(Error::X509InvalidAlg);
    }
    Ok(SignatureAlgorithm { oid: dotted, name: name.to_string() })
}

/// `(SHA256, MGF1-SHA256, 0x20)` for RSASSA-PSS parameters (RFC 4055 defaults: SHA1, 20).
fn pss_description(params: Option<&Tlv<'_>>) -> Result<String, Error> {
    use der::*;
    let err = Error::X509InvalidAlg;
    let params = params.ok_or(err)?;
    if params.tag != SEQUENCE {
        return Err(err);
    }
    let mut r = params.reader();
    let mut hash = "SHA1";
    let mut mgf_hash = "SHA1";
    let mut salt_len = 20u32;
    if let Some(h) = r.read_optional(context(0, true), err)? {
        hash = hash_name(tagged_algorithm(&h, err)?, err)?;
    }
    if let Some(m) = r.read_optional(context(1, true), err)? {
        let (mgf, mgf_params) = tagged_algorithm(&m, err)?;
        if oid::to_dotted(mgf.value).as_deref() != Some(oid::MGF1) {
            return Err(Error::X509FeatureUnavailable);
        }
        // The MGF1 parameter is the hash's AlgorithmIdentifier.
        let mgf_params = mgf_params.ok_or(err)?;
        mgf_hash = hash_name(algorithm_contents(&mgf_params, err)?, err)?;
    }
    if let Some(s) = r.read_optional(context(2, true), err)? {
        salt_len = small_uint(single(s.value, INTEGER, err)?.value).ok_or(err)?;
    }
    if let Some(tf) = r.read_optional(context(3, true), err)? {
        if small_uint(single(tf.value, INTEGER, err)?.value) != Some(1) {
            return Err(err);
        }
    }
    r.finish(err)?;
    Ok(format!("({hash}, MGF1-{mgf_hash}, 0x{salt_len:02X})"))
}

/// The AlgorithmIdentifier that makes up the contents of an explicitly tagged element (the
/// `[0] hashAlgorithm` and `[1] maskGenAlgorithm` of RSASSA-PSS parameters).
fn tagged_algorithm<'a>(tagged: &Tlv<'a>, err: Error) -> Result<(Tlv<'a>, Option<Tlv<'a>>), Error> {
    let mut r = tagged.reader();
    let alg = r.read_algorithm(err)?;
    r.finish(err)?;
    Ok(alg)
}

/// The name of the hash an AlgorithmIdentifier (OID, parameters) names; its parameters must be
/// absent or NULL.
fn hash_name((hash, params): (Tlv<'_>, Option<Tlv<'_>>), err: Error) -> Result<&'static str, Error> {
    if !params_absent_or_null(params.as_ref()) {
        return Err(err);
    }
    oid::hash_name(&oid::to_dotted(hash.value).ok_or(err)?).ok_or(err)
}
