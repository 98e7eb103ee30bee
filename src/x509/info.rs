//! The texts of `mbedtls_x509_crt_info` (a certificate's fields, one per line),
//! `mbedtls_x509_crl_info`, `mbedtls_x509_serial_gets` and `mbedtls_x509_crt_verify_info` (one
//! line per verification flag).

use core::fmt::Write as _;

use super::extensions::{GeneralName, NS_CERT_TYPE_NAMES, key_usage};
use super::name::{dn_string, push_hex};
use super::{Certificate, Crl};
use crate::oid;
use crate::verify::FLAG_TEXTS;

/// A serial number as `mbedtls_x509_serial_gets` writes it: `01:AB:...`, a leading zero byte
/// dropped, at most 28 bytes followed by `....` when longer than 32.
pub(crate) fn serial_string(serial: &[u8]) -> String {
    let shown = if serial.len() <= 32 { serial.len() } else { 28 };
    let mut out = String::new();
    for (i, b) in serial[..shown].iter().enumerate() {
        if i == 0 && shown > 1 && *b == 0 {
            continue;
        }
        let _ = write!(out, "{b:02X}");
        if i + 1 < shown {
            out.push(':');
        }
    }
    if shown != serial.len() {
        out.push_str("....");
    }
    out
}

fn ip_string(ip: &[u8]) -> String {
    match ip {
        [a, b, c, d] => format!("{a}.{b}.{c}.{d}"),
        _ if ip.len() == 16 => ip.chunks(2).map(|p| format!("{:02X}{:02X}", p[0], p[1])).collect::<Vec<_>>().join(":"),
        _ => {
            let mut s = String::from("#");
            push_hex(&mut s, ip);
            s
        }
    }
}

fn joined<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// The text of `mbedtls_x509_crt_info` for one certificate: one `label : value` line per field,
/// each starting with `prefix`, the labels padded to 18 columns as Mbed TLS does.
pub(crate) fn info(cert: &Certificate, prefix: &str) -> String {
    let p = prefix;
    let mut s = String::new();
    let kind = cert.key_kind();
    let _ = writeln!(s, "{p}cert. version     : {}", cert.version());
    let _ = writeln!(s, "{p}serial number     : {}", serial_string(cert.bytes(cert.serial())));
    let _ = writeln!(s, "{p}issuer name       : {}", cert.issuer_string());
    let _ = writeln!(s, "{p}subject name      : {}", cert.subject_string());
    let _ = writeln!(s, "{p}issued  on        : {}", cert.valid_from());
    let _ = writeln!(s, "{p}expires on        : {}", cert.valid_to());
    let _ = writeln!(s, "{p}signed using      : {}", cert.signature_algorithm().name);
    let _ = writeln!(s, "{p}{:<18}: {} bits", format!("{} key size", kind.name()), kind.bits());
    let ext = cert.extensions();
    if let Some(bc) = ext.basic_constraints {
        let _ = write!(s, "{p}basic constraints : CA={}", bc.ca);
        if let Some(n) = bc.path_len {
            let _ = write!(s, ", max_pathlen={n}");
        }
        s.push('\n');
    }
    if let Some(names) = &ext.subject_alt_names {
        let _ = writeln!(s, "{p}subject alt name  :");
        for name in names {
            push_general_name(&mut s, p, name);
        }
    }
    if let Some(t) = ext.ns_cert_type {
        let names = NS_CERT_TYPE_NAMES.iter().filter(|(bit, _)| t & bit != 0).map(|(_, n)| *n);
        let _ = writeln!(s, "{p}cert. type        : {}", joined(names));
    }
    if let Some(ku) = ext.key_usage {
        let names = key_usage::NAMES.iter().filter(|(bit, _)| ku & bit != 0).map(|(_, n)| *n);
        let _ = writeln!(s, "{p}key usage         : {}", joined(names));
    }
    if let Some(eku) = &ext.ext_key_usage {
        let names = eku.iter().map(|o| oid::ext_key_usage_name(o).unwrap_or("???"));
        let _ = writeln!(s, "{p}ext key usage     : {}", joined(names));
    }
    if let Some(policies) = &ext.certificate_policies {
        let names = policies.iter().map(|o| if o == oid::ANY_POLICY { "Any Policy" } else { "???" });
        let _ = writeln!(s, "{p}certificate policies : {}", joined(names));
    }
    s
}

/// The text of `mbedtls_x509_crl_info` for one CRL: version, issuer, both update times (zeroes
/// when there is no nextUpdate), one line per revoked certificate, the signature algorithm;
/// each line starting with `prefix`.
pub(crate) fn crl_info(crl: &Crl, prefix: &str) -> String {
    let p = prefix;
    let mut s = String::new();
    let _ = writeln!(s, "{p}CRL version   : {}", crl.version());
    let _ = writeln!(s, "{p}issuer name   : {}", crl.issuer_string());
    let _ = writeln!(s, "{p}this update   : {}", crl.this_update());
    let _ = writeln!(s, "{p}next update   : {}", crl.next_update().unwrap_or_default());
    let _ = write!(s, "{p}Revoked certificates:");
    for entry in crl.entries() {
        let serial = serial_string(crl.bytes(entry.serial));
        let _ = write!(s, "\n{p}serial number: {serial} revocation date: {}", entry.revocation_date);
    }
    let _ = writeln!(s, "\n{p}signed using  : {}", crl.signature_algorithm().name);
    s
}

/// The lines of one subjectAltName entry in `mbedtls_x509_crt_info`.
fn push_general_name(s: &mut String, p: &str, name: &GeneralName) {
    let _ = match name {
        GeneralName::Dns(d) => writeln!(s, "{p}    dNSName : {d}"),
        GeneralName::Email(e) => writeln!(s, "{p}    rfc822Name : {e}"),
        GeneralName::Uri(u) => writeln!(s, "{p}    uniformResourceIdentifier : {u}"),
        GeneralName::Ip(ip) => writeln!(s, "{p}    iPAddress : {}", ip_string(ip)),
        GeneralName::Directory(dn) => writeln!(s, "{p}    directoryName : {}", dn_string(dn)),
        GeneralName::HardwareModuleName(hw_type, serial) => {
            let _ = writeln!(s, "{p}    otherName :");
            let _ = writeln!(s, "{p}        hardware module name :");
            let _ = writeln!(s, "{p}            hardware type          : {hw_type}");
            let mut hex = String::new();
            push_hex(&mut hex, serial);
            writeln!(s, "{p}            hardware serial number : {hex}")
        }
        GeneralName::OtherName(_) | GeneralName::Unsupported(_) => writeln!(s, "{p}    <unsupported>"),
    };
}

/// The text of `mbedtls_x509_crt_verify_info`: one line per flag set in `flags`, each starting
/// with `prefix`; a final line for bits that are no known flag; empty for 0.
pub(crate) fn verify_info(flags: u32, prefix: &str) -> String {
    let mut s = String::new();
    let mut rest = flags;
    for &(flag, text) in FLAG_TEXTS {
        if flags & flag != 0 {
            let _ = writeln!(s, "{prefix}{text}");
            rest &= !flag;
        }
    }
    if rest != 0 {
        let _ = writeln!(s, "{prefix}Unknown verification failure (flags 0x{rest:08X})");
    }
    s
}
