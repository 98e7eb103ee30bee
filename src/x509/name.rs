//! Distinguished names: parsing a `Name` into its attributes, and the text
//! `mbedtls_x509_dn_gets` writes for it.

use core::fmt::Write as _;

use crate::der::{self, Reader, Tlv};
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
pub(super) fn parse_name(r: Reader<'_>, allow_empty: bool, err: Error) -> Result<Vec<NameAttribute>, Error> {
    parse_name_with(r, allow_empty, err, |oid, value, merged| NameAttribute {
        oid: oid.value.to_vec(),
        tag: value.tag,
        value: value.value.to_vec(),
        merged_with_next: merged,
    })
}

/// Where one attribute of a name lies in the parsed bytes (offsets of the OID's and the
/// value's contents, relative to the reader's input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NameSpan {
    pub(crate) oid: core::ops::Range<usize>,
    pub(crate) tag: u8,
    pub(crate) value: core::ops::Range<usize>,
    pub(crate) merged_with_next: bool,
}

/// As [`parse_name`], giving where each attribute lies instead of copies.
pub(super) fn parse_name_spans(r: Reader<'_>, allow_empty: bool, err: Error) -> Result<Vec<NameSpan>, Error> {
    let range = |t: &Tlv<'_>| t.value_start..t.end();
    parse_name_with(r, allow_empty, err, |oid, value, merged| NameSpan {
        oid: range(oid),
        tag: value.tag,
        value: range(value),
        merged_with_next: merged,
    })
}

/// The name parser: `make(oid, value, merged_with_next)` for each attribute.
fn parse_name_with<T>(
    mut r: Reader<'_>,
    allow_empty: bool,
    err: Error,
    make: impl Fn(&Tlv<'_>, &Tlv<'_>, bool) -> T,
) -> Result<Vec<T>, Error> {
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
            names.push(make(&oid, &value, !s.is_empty()));
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

/// A distinguished name as `mbedtls_x509_dn_gets` writes it (see [`dn_text`]); an attribute
/// that `mbedtls_x509_dn_gets` refuses (a NUL byte, a value longer than it shows) is written
/// anyway, the NUL as `\00`.
pub(crate) fn dn_string(names: &[NameAttribute]) -> String {
    names_text(names, None).unwrap_or_default()
}

/// The most characters `mbedtls_x509_dn_gets` writes for one attribute value
/// (`MBEDTLS_X509_MAX_DN_NAME_SIZE` minus its terminating NUL).
pub(crate) const MAX_VALUE_TEXT: usize = 255;

/// A distinguished name as `mbedtls_x509_dn_gets` writes it: `short=value` pairs joined by
/// `", "` (`" + "` inside a multi-valued RDN), RFC 4514 escaping, values that are not text
/// (and attributes without a short name, shown by dotted OID) as `#` + hex of their DER.
///
/// # Errors
/// As Mbed TLS: `X509InvalidName` for a NUL byte in a text value, `X509BufferTooSmall` when a
/// value's text would exceed [`MAX_VALUE_TEXT`] characters.
pub(crate) fn dn_text(names: &[NameAttribute]) -> Result<String, Error> {
    names_text(names, Some(MAX_VALUE_TEXT))
}

/// [`dn_text`] with Mbed TLS's refusals when `value_limit` is given, without them otherwise.
fn names_text(names: &[NameAttribute], value_limit: Option<usize>) -> Result<String, Error> {
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
        let value = if as_hex { hex_value(attr) } else { escaped_value(&attr.value, value_limit.is_some())? };
        if value_limit.is_some_and(|limit| value.len() > limit) {
            return Err(Error::X509BufferTooSmall);
        }
        out.push_str(&value);
    }
    Ok(out)
}

/// `#` and the hex of the value's DER (tag, length, contents).
fn hex_value(attr: &NameAttribute) -> String {
    let mut out = String::from("#");
    let mut header = vec![attr.tag];
    der::push_len(&mut header, attr.value.len());
    push_hex(&mut out, &header);
    push_hex(&mut out, &attr.value);
    out
}

/// A text value with RFC 4514 escapes and `\XX` for bytes outside printable ASCII.
/// A NUL byte is an error when `strict` (Mbed TLS refuses it), `\00` otherwise.
fn escaped_value(value: &[u8], strict: bool) -> Result<String, Error> {
    let mut out = String::new();
    let last = value.len().saturating_sub(1);
    for (j, &c) in value.iter().enumerate() {
        if c == 0 && strict {
            return Err(Error::X509InvalidName);
        }
        let special = b",=+<>;\"\\".contains(&c) || (j == 0 && (c == b'#' || c == b' ')) || (j == last && c == b' ');
        if special {
            out.push('\\');
        }
        if !(32..127).contains(&c) {
            let _ = write!(out, "\\{c:02X}");
        } else {
            out.push(c as char);
        }
    }
    Ok(out)
}

/// `x509_name_cmp` of Mbed TLS (RFC 5280 section 7.1 in part): the same attribute types in the
/// same order and RDN structure, values equal byte for byte with the same tag, or equal up to
/// ASCII case when both are UTF8String or PrintableString.
pub(crate) fn names_equal(a: &[NameAttribute], b: &[NameAttribute]) -> bool {
    let text = |tag: u8| matches!(tag, der::UTF8_STRING | der::PRINTABLE_STRING);
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.oid == y.oid
                && x.merged_with_next == y.merged_with_next
                && ((x.tag == y.tag && x.value == y.value)
                    || (text(x.tag) && text(y.tag) && x.value.eq_ignore_ascii_case(&y.value)))
        })
}
