//! X.509 certificates: parsing (RFC 5280 profile, Mbed TLS's error codes), the fields Mbed TLS
//! exposes, and the texts of `mbedtls_x509_crt_info` / `mbedtls_x509_crt_verify_info`.
//!
//! Parsing here only decodes; [`signed`] checks one signature with a given issuer key (for the
//! chain builder of `verify`), and trust is decided there, never while parsing. Parsing is as
//! strict as Mbed TLS where that gives an error code programs may check (unknown critical
//! extension, mismatched signature algorithms, bad dates), and every malformed or truncated
//! input gives an error, never a panic.
//!
//! One file per concern: [`certificate`] (the structure and its fields), [`signature`]
//! (signature algorithms), [`name`] (distinguished names), [`time`] (validity),
//! [`extensions`], [`info`] (the texts), [`crl`] (revocation lists and the revocation check);
//! this file parses chains (`mbedtls_x509_crt_parse`).
//! The DER reader and the OID tables they share with `pk` are [`crate::der`] and [`crate::oid`].

mod certificate;
mod crl;
mod extensions;
mod info;
mod name;
mod signature;
mod signed;
mod time;

pub(crate) use certificate::{Certificate, Span};
pub(crate) use crl::{Crl, CrlParse, parse_crls};
pub(crate) use extensions::{
    GeneralName, SanEntry, ext_key_usage_allows, key_usage, key_usage_allows, parse_san_entry,
};
pub(crate) use info::{crl_info, info, serial_string, verify_info};
pub(crate) use name::{NameAttribute, dn_text, names_equal};
pub(crate) use signature::SignatureAlgorithm;
pub(crate) use signed::SignatureCheck;
pub(crate) use time::Time;

use crate::error::Error;
use crate::pem;

/// The outcome of [`parse_chain`]: the certificates that parsed, and what failed.
#[derive(Debug, Default)]
pub(crate) struct ChainParse {
    pub(crate) certs: Vec<Certificate>,
    /// Number of certificates (PEM blocks) that failed to parse.
    pub(crate) failed: usize,
    /// The error of the first failure.
    pub(crate) first_error: Option<Error>,
}

impl ChainParse {
    /// Mbed TLS's result: `Ok(0)` when everything parsed, `Ok(n)` when `n` certificates failed
    /// but at least one parsed, otherwise the first failure's error, or
    /// `X509CertUnknownFormat` when PEM input held no certificate block at all.
    pub(crate) fn result(&self) -> Result<usize, Error> {
        if !self.certs.is_empty() {
            Ok(self.failed)
        } else {
            Err(self.first_error.unwrap_or(Error::X509CertUnknownFormat))
        }
    }
}

/// `mbedtls_x509_crt_parse` semantics: `input` is PEM when it contains a
/// `-----BEGIN CERTIFICATE-----` line before any NUL byte (a trailing NUL, which Mbed TLS
/// requires, is allowed but not required), otherwise one DER certificate. Every
/// `CERTIFICATE` block of a PEM input is parsed; other blocks are ignored.
pub(crate) fn parse_chain(input: &[u8]) -> ChainParse {
    let mut out = ChainParse::default();
    let mut record = |result: Result<Certificate, Error>| match result {
        Ok(cert) => out.certs.push(cert),
        Err(e) => {
            out.failed += 1;
            out.first_error.get_or_insert(e);
        }
    };
    if pem::contains_label(input, "CERTIFICATE") {
        for (label, block) in pem::labelled_blocks(input) {
            if label == "CERTIFICATE" {
                record(block.and_then(|b| Certificate::from_der(&b.der)));
            }
        }
    } else {
        record(Certificate::from_der(input));
    }
    out
}

#[cfg(test)]
mod tests;
