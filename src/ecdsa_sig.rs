//! ECDSA signature encodings (`mbedtls_ecdsa_raw_to_der`, `mbedtls_ecdsa_der_to_raw`): the raw
//! form `r ‖ s` (each coordinate padded to the curve size, as PSA signs) and the DER form
//! `SEQUENCE { INTEGER r, INTEGER s }` (X.509, TLS 1.2). Mbed TLS 3.6's rules, checks in its order.

use crate::error::Error;

/// The largest curve (bits) the conversions accept: P-521, `PSA_VENDOR_ECC_MAX_CURVE_BITS` of
/// Mbed TLS's default configuration.
const MAX_CURVE_BITS: usize = 521;
/// Bytes of the largest coordinate.
const MAX_COORDINATE: usize = MAX_CURVE_BITS.div_ceil(8);

const TAG_INTEGER: u8 = 0x02;
const TAG_SEQUENCE: u8 = 0x30;

/// Bytes of one coordinate for a curve of `bits` bits.
fn coordinate_len(bits: usize) -> usize {
    bits.div_ceil(8)
}

/// The DER length field of `len` (short form below 128, else the fewest big-endian bytes).
fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    let mut out = vec![0x80 | (bytes.len() - skip) as u8];
    out.extend_from_slice(&bytes[skip..]);
    out
}

/// One INTEGER of the DER form, written in front of `tail` if `room` allows: Mbed TLS writes
/// backwards and fails at the first piece that does not fit.
fn prepend_integer(coordinate: &[u8], room: &mut usize, tail: &mut Vec<u8>) -> Result<(), Error> {
    let first = coordinate.iter().position(|&b| b != 0).ok_or(Error::Asn1InvalidData)?;
    let value = &coordinate[first..];
    let pad = usize::from(value[0] & 0x80 != 0);
    let mut piece = Vec::with_capacity(value.len() + 8);
    if *room < value.len() || *room - value.len() < pad {
        return Err(Error::Asn1BufTooSmall);
    }
    let content = value.len() + pad;
    let header = [&[TAG_INTEGER][..], &der_len(content)].concat();
    if *room - content < header.len() {
        return Err(Error::Asn1BufTooSmall);
    }
    piece.extend_from_slice(&header);
    piece.extend(core::iter::repeat_n(0u8, pad));
    piece.extend_from_slice(value);
    *room -= piece.len();
    piece.append(tail);
    *tail = piece;
    Ok(())
}

/// `r ‖ s` → DER for a curve of `bits` bits, if the result fits in `room` bytes.
///
/// # Errors
/// `Asn1InvalidData` when `bits` is 0, `raw` is not two coordinates long or a coordinate is zero;
/// `Asn1BufTooSmall` for a curve larger than P-521 or when the DER form does not fit (checked
/// piece by piece from `s` backwards, as Mbed TLS writes it).
pub(crate) fn raw_to_der(bits: usize, raw: &[u8], room: usize) -> Result<Vec<u8>, Error> {
    let len = coordinate_len(bits);
    if bits == 0 || len.checked_mul(2) != Some(raw.len()) {
        return Err(Error::Asn1InvalidData);
    }
    if len > MAX_COORDINATE {
        return Err(Error::Asn1BufTooSmall);
    }
    let (r, s) = raw.split_at(len);
    let mut room = room;
    let mut der = Vec::new();
    prepend_integer(s, &mut room, &mut der)?;
    prepend_integer(r, &mut room, &mut der)?;
    let header = [&[TAG_SEQUENCE][..], &der_len(der.len())].concat();
    if room < header.len() {
        return Err(Error::Asn1BufTooSmall);
    }
    Ok([header, der].concat())
}

/// Mbed TLS's `mbedtls_asn1_get_tag`: the content of the element with `tag` at the start of
/// `input`, and what follows it. Long-form lengths of 1 to 4 bytes are accepted, minimal or not.
fn element(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), Error> {
    let (&first, rest) = input.split_first().ok_or(Error::Asn1OutOfData)?;
    if first != tag {
        return Err(Error::Asn1UnexpectedTag);
    }
    let (&len_byte, rest) = rest.split_first().ok_or(Error::Asn1OutOfData)?;
    let (len, rest) = if len_byte & 0x80 == 0 {
        (usize::from(len_byte), rest)
    } else {
        let n = usize::from(len_byte & 0x7F);
        if n == 0 || n > 4 {
            return Err(Error::Asn1InvalidLength);
        }
        if rest.len() < n {
            return Err(Error::Asn1OutOfData);
        }
        let len = rest[..n].iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if len > rest.len() {
        return Err(Error::Asn1OutOfData);
    }
    Ok(rest.split_at(len))
}

/// One INTEGER of the DER form into `out` (one coordinate, left-padded with zeros); returns what
/// follows it.
fn integer_to_coordinate<'a>(input: &'a [u8], out: &mut [u8]) -> Result<&'a [u8], Error> {
    let (value, rest) = element(input, TAG_INTEGER)?;
    if value.first().is_none_or(|&b| b & 0x80 != 0) {
        return Err(Error::Asn1InvalidData);
    }
    let value = match value {
        [0, next, ..] if *next == 0 => return Err(Error::Asn1InvalidData),
        [0, tail @ ..] => tail,
        _ => value,
    };
    if value.len() > out.len() {
        return Err(Error::Asn1InvalidData);
    }
    let pad = out.len() - value.len();
    out[..pad].fill(0);
    out[pad..].copy_from_slice(value);
    Ok(rest)
}

/// DER → `r ‖ s` for a curve of `bits` bits, if two coordinates fit in `room` bytes.
///
/// # Errors
/// `Asn1InvalidData` when `bits` is 0 or an integer is empty, negative, has two leading zeros
/// or is longer than a coordinate; `Asn1BufTooSmall` when `room` is less than two coordinates or
/// the curve is larger than P-521; the DER errors of Mbed TLS's parser (`Asn1OutOfData`,
/// `Asn1UnexpectedTag`, `Asn1InvalidLength`); `Asn1LengthMismatch` when bytes follow `s` inside
/// the sequence or the sequence is not the whole input.
pub(crate) fn der_to_raw(bits: usize, der: &[u8], room: usize) -> Result<Vec<u8>, Error> {
    let len = coordinate_len(bits);
    if bits == 0 {
        return Err(Error::Asn1InvalidData);
    }
    let both = len.checked_mul(2).ok_or(Error::Asn1BufTooSmall)?;
    if room < both || len > MAX_COORDINATE {
        return Err(Error::Asn1BufTooSmall);
    }
    let (content, after) = element(der, TAG_SEQUENCE)?;
    let header = der.len() - content.len() - after.len();
    let mut raw = vec![0u8; both];
    let (r, s) = raw.split_at_mut(len);
    let rest = integer_to_coordinate(content, r)?;
    let rest = integer_to_coordinate(rest, s)?;
    // Mbed TLS compares what it consumed (header, r, s) with the whole input.
    if header + content.len() - rest.len() != der.len() {
        return Err(Error::Asn1LengthMismatch);
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn round_trips_with_padding_and_leading_zero_rules() {
        // r with its top bit set (needs 0x00), s with a leading zero byte (dropped).
        let mut raw = vec![0x80u8; 32];
        raw.extend(core::iter::once(0u8).chain(core::iter::repeat_n(0x11, 31)));
        let der = raw_to_der(256, &raw, 200).unwrap();
        assert_eq!(&der[..5], &[0x30, 0x44, 0x02, 0x21, 0x00]);
        assert_eq!(&der[37..39], &[0x02, 0x1F]);
        assert_eq!(der.len(), 70);
        assert_eq!(der_to_raw(256, &der, 64).unwrap(), raw);
        // Exactly enough room works; one byte less fails.
        assert!(raw_to_der(256, &raw, 70).is_ok());
        assert_eq!(raw_to_der(256, &raw, 69), Err(Error::Asn1BufTooSmall));
        assert_eq!(der_to_raw(256, &der, 63), Err(Error::Asn1BufTooSmall));
    }

    #[test]
    fn p521_uses_long_form_lengths() {
        let raw = vec![0x01u8; 132];
        let der = raw_to_der(521, &raw, 300).unwrap();
        assert_eq!(&der[..3], &[0x30, 0x81, 0x88]);
        assert_eq!(der_to_raw(521, &der, 132).unwrap(), raw);
        assert_eq!(raw_to_der(528, &[1u8; 132], 300).map(|d| d.len()), Ok(139));
        assert_eq!(raw_to_der(529, &[1u8; 134], 300), Err(Error::Asn1BufTooSmall));
        assert_eq!(der_to_raw(529, &der, 300), Err(Error::Asn1BufTooSmall));
    }

    #[test]
    fn raw_errors_in_mbedtls_order() {
        assert_eq!(raw_to_der(0, &[], 100), Err(Error::Asn1InvalidData));
        assert_eq!(raw_to_der(256, &[1u8; 63], 100), Err(Error::Asn1InvalidData));
        assert_eq!(raw_to_der(usize::MAX, &[1u8; 2], 100), Err(Error::Asn1InvalidData));
        let mut zero_r = vec![0u8; 32];
        zero_r.extend_from_slice(&[1u8; 32]);
        assert_eq!(raw_to_der(256, &zero_r, 100), Err(Error::Asn1InvalidData));
        // s is written first: a too small buffer is noticed before the zero r.
        assert_eq!(raw_to_der(256, &zero_r, 10), Err(Error::Asn1BufTooSmall));
    }

    #[test]
    fn der_errors_in_mbedtls_order() {
        let good = unhex("3006020101020102");
        assert_eq!(der_to_raw(8, &good, 2).unwrap(), [1, 2]);
        assert_eq!(der_to_raw(0, &good, 2), Err(Error::Asn1InvalidData));
        assert_eq!(der_to_raw(8, &[], 2), Err(Error::Asn1OutOfData));
        assert_eq!(der_to_raw(8, &unhex("3106020101020102"), 2), Err(Error::Asn1UnexpectedTag));
        assert_eq!(der_to_raw(8, &unhex("3080"), 2), Err(Error::Asn1InvalidLength));
        assert_eq!(der_to_raw(8, &unhex("3085"), 2), Err(Error::Asn1InvalidLength));
        assert_eq!(der_to_raw(8, &unhex("3007020101020102"), 2), Err(Error::Asn1OutOfData));
        assert_eq!(der_to_raw(8, &unhex("300602010102010200"), 2), Err(Error::Asn1LengthMismatch));
        assert_eq!(der_to_raw(8, &unhex("30070201010201020a"), 2), Err(Error::Asn1LengthMismatch));
        assert_eq!(der_to_raw(8, &unhex("3005020101020100"), 2), Err(Error::Asn1OutOfData));
        assert_eq!(der_to_raw(8, &unhex("30050201010200"), 2), Err(Error::Asn1InvalidData));
        assert_eq!(der_to_raw(8, &unhex("3006020181020102"), 2), Err(Error::Asn1InvalidData));
        assert_eq!(der_to_raw(8, &unhex("300702020000020102"), 2), Err(Error::Asn1InvalidData));
        // One superfluous leading zero is tolerated, as in Mbed TLS.
        assert_eq!(der_to_raw(8, &unhex("300702020001020102"), 2).unwrap(), [1, 2]);
        assert_eq!(der_to_raw(8, &unhex("300702020101020102"), 2), Err(Error::Asn1InvalidData));
        // A zero encoded as 02 01 00 is accepted (its leading zero is skipped).
        assert_eq!(der_to_raw(8, &unhex("3006020100020102"), 2).unwrap(), [0, 2]);
        // Non-minimal long-form lengths are accepted, as Mbed TLS's parser does.
        assert_eq!(der_to_raw(8, &unhex("308106020101020102"), 2).unwrap(), [1, 2]);
    }
}
