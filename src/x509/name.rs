//! Distinguished names: parsing a `Name` into its attributes, and the text
//! `mbedtls_x509_dn_gets` writes for it.

use core::fmt::Write as _;

use crate::der::{self, Reader};
use crate::error::Error;
use crate::oid;

/// One attribute of a distinguished name (`CN=localhost`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NameAttribute {
    /// DER contents of the attribute type OID.
    pub(crate) oid: Vec<u8>,
    /// DER tag of the value (UTF8String, PrintableString, ...).
    pub(crate) tag: u8,
    pub(crate) value: Vec<u8>,
    /// True when the next attribute belongs to the same (multi-valued) RDN.
    pub(crate) merged_with_next: bool,
}

/// Name ::= SEQUENCE OF SET OF AttributeTypeAndValue (`r` reads the SEQUENCE's contents).
pub(super) fn parse_name(mut r: Reader<'_>, allow_empty: bool, err: Error) -> Result<Vec<NameAttribute>, Error> {
    use der::*;
    let mut names = Vec::new();
    if r.is_empty() && !allow_empty {
        return Err(err);
    }
    while !r.is_empty() {
        let set = r.read(SET, err)?;
        let mut s = set.reader();
        if s.is_empty() {
            return Err(err);
        }
        while !s.is_empty() {
            let atv = s.read(SEQUENCE, err)?;
            let mut a = atv.reader();
            let oid = a.read(OID, err)?;
            let value = a.read_any(err)?;
            a.finish(err)?;
            if !matches!(
                value.tag,
                BMP_STRING | UTF8_STRING | T61_STRING | PRINTABLE_STRING | IA5_STRING | UNIVERSAL_STRING | BIT_STRING
            ) {
                return Err(err);
            }
            names.push(NameAttribute {
                oid: oid.value.to_vec(),
                tag: value.tag,
                value: value.value.to_vec(),
                merged_with_next: !s.is_empty(),
            });
        }
    }
    Ok(names)
}

/// Appends `bytes` as upper-case hex digits, without separators.
pub(super) fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "{b:02X}");
    }
}

/// A distinguished name as `mbedtls_x509_dn_gets` writes it: `short=value` pairs joined by
/// `", "` (`" + "` inside a multi-valued RDN), RFC 4514 escaping, values that are not text
/// (and attributes without a short name, shown by dotted OID) as `#` + hex of their DER.
pub(crate) fn dn_string(names: &[NameAttribute]) -> String {
    let mut out = String::new();
    let mut merged = false;
    for (i, attr) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(if merged { " + " } else { ", " });
        }
        merged = attr.merged_with_next;
        let dotted = oid::to_dotted(&attr.oid);
        let short = dotted.as_deref().and_then(oid::attribute_short_name);
        let mut as_hex = !matches!(attr.tag, der::UTF8_STRING | der::PRINTABLE_STRING | der::IA5_STRING);
        match (short, &dotted) {
            (Some(s), _) => out.push_str(s),
            (None, Some(d)) => {
                out.push_str(d);
                as_hex = true;
            }
            (None, None) => out.push_str("??"),
        }
        out.push('=');
        if as_hex {
            out.push('#');
            let mut header = vec![attr.tag];
            der::push_len(&mut header, attr.value.len());
            push_hex(&mut out, &header);
            push_hex(&mut out, &attr.value);
            continue;
        }
        let last = attr.value.len().saturating_sub(1);
        for (j, &c) in attr.value.iter().enumerate() {
            let special =
                b",=+<>;\"\\".contains(&c) || (j == 0 && (c == b'#' || c == b' ')) || (j == last && c == b' ');
            if special {
                out.push('\\');
            }
            if !(32..127).contains(&c) {
                let _ = write!(out, "\\{c:02X}");
            } else {
                out.push(c as char);
            }
        }
    }
    out
}
