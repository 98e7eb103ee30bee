//! A small DER reader and writer: tag-length-value elements with single-byte tags and definite
//! lengths, the only encoding certificates and keys use.
//!
//! Every read takes the [`Error`] to return when the element is missing, truncated or malformed:
//! Mbed TLS reports a different code depending on which field of a certificate or key is wrong,
//! so the caller, which knows the field, chooses it.

use crate::error::Error;

pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const NULL: u8 = 0x05;
pub(crate) const OID: u8 = 0x06;
pub(crate) const UTF8_STRING: u8 = 0x0C;
pub(crate) const PRINTABLE_STRING: u8 = 0x13;
pub(crate) const T61_STRING: u8 = 0x14;
pub(crate) const IA5_STRING: u8 = 0x16;
pub(crate) const UTC_TIME: u8 = 0x17;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
pub(crate) const UNIVERSAL_STRING: u8 = 0x1C;
pub(crate) const BMP_STRING: u8 = 0x1E;
pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const SET: u8 = 0x31;

/// The tag `[n]` of the context-specific class.
pub(crate) const fn context(n: u8, constructed: bool) -> u8 {
    0x80 | if constructed { 0x20 } else { 0 } | n
}

/// One element: its tag, where it starts (the tag byte) and its contents.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    /// Offset of the tag byte, relative to the start of the outermost reader's input.
    pub(crate) start: usize,
    /// Offset of the first contents byte, on the same scale.
    pub(crate) value_start: usize,
    pub(crate) value: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Offset just past the element.
    pub(crate) fn end(&self) -> usize {
        self.value_start + self.value.len()
    }

    /// A reader over the contents, keeping offsets relative to the outermost input.
    pub(crate) fn reader(&self) -> Reader<'a> {
        Reader { data: self.value, pos: 0, base: self.value_start }
    }
}

/// Reads consecutive elements from a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0, base: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// The next element, whatever its tag; `err` if it is truncated or malformed.
    pub(crate) fn read_any(&mut self, err: Error) -> Result<Tlv<'a>, Error> {
        let rest = self.data.get(self.pos..).ok_or(err)?;
        let (&tag, rest) = rest.split_first().ok_or(err)?;
        if tag & 0x1F == 0x1F {
            return Err(err); // multi-byte tags never occur in certificates or keys
        }
        let (&first, rest) = rest.split_first().ok_or(err)?;
        let (len, len_bytes) = if first < 0x80 {
            (first as usize, 0)
        } else {
            let n = (first & 0x7F) as usize;
            if n == 0 || n > 4 || rest.len() < n {
                return Err(err); // indefinite length, absurd size, or truncated
            }
            (rest[..n].iter().fold(0usize, |acc, &b| (acc << 8) | b as usize), n)
        };
        let contents = &rest[len_bytes..];
        if len > contents.len() {
            return Err(err);
        }
        let start = self.base + self.pos;
        let value_start = start + 2 + len_bytes;
        self.pos += 2 + len_bytes + len;
        Ok(Tlv { tag, start, value_start, value: &contents[..len] })
    }

    /// The next element, which must have tag `tag`.
    pub(crate) fn read(&mut self, tag: u8, err: Error) -> Result<Tlv<'a>, Error> {
        if self.peek_tag() != Some(tag) {
            return Err(err);
        }
        self.read_any(err)
    }

    /// The next element if it has tag `tag`, None if another tag (or nothing) follows.
    pub(crate) fn read_optional(&mut self, tag: u8, err: Error) -> Result<Option<Tlv<'a>>, Error> {
        if self.peek_tag() != Some(tag) {
            return Ok(None);
        }
        self.read_any(err).map(Some)
    }

    /// The next element whatever its tag, None when nothing follows.
    pub(crate) fn read_any_optional(&mut self, err: Error) -> Result<Option<Tlv<'a>>, Error> {
        if self.is_empty() { Ok(None) } else { self.read_any(err).map(Some) }
    }

    /// The next element, an AlgorithmIdentifier `SEQUENCE { algorithm OID, parameters ANY
    /// OPTIONAL }`, as (OID, parameters); `err` for anything malformed.
    pub(crate) fn read_algorithm(&mut self, err: Error) -> Result<(Tlv<'a>, Option<Tlv<'a>>), Error> {
        let alg = self.read(SEQUENCE, err)?;
        algorithm_contents(&alg, err)
    }

    /// `err` unless every byte was read.
    pub(crate) fn finish(&self, err: Error) -> Result<(), Error> {
        if self.is_empty() { Ok(()) } else { Err(err) }
    }
}

/// The element `input` consists of, which must have tag `tag` and nothing after it.
pub(crate) fn single(input: &[u8], tag: u8, err: Error) -> Result<Tlv<'_>, Error> {
    let mut r = Reader::new(input);
    let tlv = r.read(tag, err)?;
    r.finish(err)?;
    Ok(tlv)
}

/// An AlgorithmIdentifier given as an element whose contents are the SEQUENCE's (the element
/// itself, or a parameter holding one), as (OID, parameters). The element must be a SEQUENCE.
pub(crate) fn algorithm_contents<'a>(alg: &Tlv<'a>, err: Error) -> Result<(Tlv<'a>, Option<Tlv<'a>>), Error> {
    if alg.tag != SEQUENCE {
        return Err(err);
    }
    let mut r = alg.reader();
    let oid = r.read(OID, err)?;
    let params = r.read_any_optional(err)?;
    r.finish(err)?;
    Ok((oid, params))
}

/// Number of significant bits of an unsigned big-endian integer (an INTEGER's contents).
pub(crate) fn uint_bits(value: &[u8]) -> usize {
    match value.iter().position(|&b| b != 0) {
        None => 0,
        Some(i) => (value.len() - i - 1) * 8 + (8 - value[i].leading_zeros() as usize),
    }
}

/// The contents of a non-negative INTEGER that fits in 31 bits.
pub(crate) fn small_uint(value: &[u8]) -> Option<u32> {
    if value.is_empty() || value[0] & 0x80 != 0 {
        return None;
    }
    let digits = &value[value.iter().position(|&b| b != 0).unwrap_or(value.len())..];
    if digits.len() > 4 {
        return None;
    }
    let n = digits.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32);
    (n <= i32::MAX as u32).then_some(n)
}

/// A BIT STRING's contents split into (unused bits, bytes).
pub(crate) fn bit_string(value: &[u8]) -> Option<(u8, &[u8])> {
    let (&unused, bytes) = value.split_first()?;
    (unused <= 7 && (unused == 0 || !bytes.is_empty())).then_some((unused, bytes))
}

/// The bytes of a BIT STRING that has no unused bits and at least one byte (a key or a
/// signature); None otherwise.
pub(crate) fn whole_bytes(value: &[u8]) -> Option<&[u8]> {
    match bit_string(value) {
        Some((0, bytes)) if !bytes.is_empty() => Some(bytes),
        _ => None,
    }
}

/// A BOOLEAN's contents.
pub(crate) fn boolean(value: &[u8]) -> Option<bool> {
    match value {
        [0] => Some(false),
        [_] => Some(true),
        _ => None,
    }
}

/// Appends the DER length octets for `len`.
pub(crate) fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// One DER element `tag || length || contents`.
pub(crate) fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(contents.len() + 6);
    out.push(tag);
    push_len(&mut out, contents.len());
    out.extend_from_slice(contents);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths() {
        for len in [0usize, 1, 127, 128, 255, 256, 65535, 65536] {
            let v = tlv(OCTET_STRING, &vec![7u8; len]);
            let mut r = Reader::new(&v);
            let tlv = r.read(OCTET_STRING, Error::X509InvalidFormat).unwrap();
            assert_eq!(tlv.value.len(), len);
            assert!(r.is_empty());
        }
        // Indefinite length, oversized length field, truncated contents, multi-byte tag.
        for bad in [&[0x30, 0x80, 0, 0][..], &[0x04, 0x85, 1, 1, 1, 1, 1], &[0x04, 0x03, 1], &[0x1F, 0x01, 0x00]] {
            assert!(Reader::new(bad).read_any(Error::X509InvalidFormat).is_err());
        }
        assert_eq!(uint_bits(&[0x00, 0xC0, 0x00]), 16);
        assert_eq!(uint_bits(&[0x01]), 1);
        assert_eq!(small_uint(&[0x02]), Some(2));
        assert_eq!(small_uint(&[0xFF]), None);
    }

    #[test]
    fn single_elements_and_algorithms() {
        let err = Error::PkInvalidAlg;
        let oid = tlv(OID, &[0x2A, 0x03]);
        let alg = tlv(SEQUENCE, &[oid.clone(), vec![NULL, 0]].concat());
        assert_eq!(single(&alg, SEQUENCE, err).unwrap().value.len(), alg.len() - 2);
        assert_eq!(single(&[alg.clone(), vec![0]].concat(), SEQUENCE, err).unwrap_err(), err);
        assert_eq!(single(&alg, SET, err).unwrap_err(), err);
        let (o, params) = Reader::new(&alg).read_algorithm(err).unwrap();
        assert_eq!(o.value, [0x2A, 0x03]);
        assert_eq!(params.unwrap().tag, NULL);
        let no_params = tlv(SEQUENCE, &oid);
        let (_, params) = Reader::new(&no_params).read_algorithm(err).unwrap();
        assert!(params.is_none());
        // Two parameters, no OID, not a SEQUENCE.
        let two = tlv(SEQUENCE, &[oid.clone(), vec![NULL, 0, NULL, 0]].concat());
        assert_eq!(Reader::new(&two).read_algorithm(err).unwrap_err(), err);
        assert_eq!(Reader::new(&tlv(SEQUENCE, &[NULL, 0])).read_algorithm(err).unwrap_err(), err);
        assert_eq!(Reader::new(&tlv(SET, &oid)).read_algorithm(err).unwrap_err(), err);
        assert_eq!(whole_bytes(&[0, 1, 2]), Some(&[1u8, 2][..]));
        assert_eq!(whole_bytes(&[0]), None);
        assert_eq!(whole_bytes(&[1, 0x80]), None);
    }
}
