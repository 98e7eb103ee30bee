//! Base64 (RFC 4648 alphabet, `=` padding) in constant time, through `base64ct`: PEM blocks and
//! programs' base64 carry private keys.
//!
//! [`decode_digits`] is the strict core shared by the PEM reader and `mbedtls_base64_decode`;
//! each caller removes the white space its format allows first. As Mbed TLS does, the unused low
//! bits of the last digit before the padding are ignored.

use base64ct::{Base64, Encoding as _};
use zeroize::Zeroizing;

/// The encoding of `data`, padded (`mbedtls_base64_encode`).
pub(crate) fn encode(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; Base64::encoded_len(data)];
    let written = Base64::encode(data, &mut out).map(str::len).unwrap_or(0);
    out.truncate(written);
    out
}

/// Decodes base64 digits (no white space). None for any other character, padding anywhere but at
/// the end, more than two padding characters, or a length that is not a multiple of four.
/// `digits` is a copy the caller made (it is overwritten); its capacity must be its length.
pub(crate) fn decode_digits(mut digits: Zeroizing<Vec<u8>>) -> Option<Vec<u8>> {
    // Only padding is told apart byte by byte; it is no digit, so these branches reveal nothing
    // of the data.
    let padding = digits.iter().rev().take_while(|&&c| c == b'=').count();
    let unpadded = digits.len() - padding;
    if padding > 2 || digits.len() % 4 != 0 || digits[..unpadded].contains(&b'=') {
        return None;
    }
    // The last quantum decoded with zero digits ('A') in place of the padding gives its bytes
    // followed by `padding` zero bytes, whatever the unused bits of its last digit (which
    // base64ct would otherwise refuse as a non-canonical encoding).
    digits[unpadded..].fill(b'A');
    let mut out = vec![0u8; digits.len() / 4 * 3];
    let decoded = Base64::decode(&digits[..], &mut out).ok()?.len();
    out.truncate(decoded - padding);
    Some(out)
}

/// `mbedtls_base64_decode`'s input rules: line ends (`\n`, `\r\n`) anywhere, and spaces only
/// before a line end or at the very end; the digits are then decoded by [`decode_digits`]. None
/// for anything else (`MBEDTLS_ERR_BASE64_INVALID_CHARACTER`).
pub(crate) fn decode_lines(text: &[u8]) -> Option<Vec<u8>> {
    let mut digits = Zeroizing::new(Vec::with_capacity(text.len()));
    let mut i = 0;
    while i < text.len() {
        let spaces = text[i..].iter().take_while(|&&c| c == b' ').count();
        i += spaces;
        match &text[i..] {
            [] => break,
            [b'\r', b'\n', ..] => i += 2,
            [b'\n', ..] => i += 1,
            [_, ..] if spaces > 0 => return None,
            [c, ..] => {
                digits.push(*c);
                i += 1;
            }
        }
    }
    decode_digits(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648 §10.
    const VECTORS: &[(&str, &str)] = &[
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn rfc_4648_vectors_both_ways() {
        for (plain, enc) in VECTORS {
            assert_eq!(encode(plain.as_bytes()), enc.as_bytes());
            assert_eq!(decode_lines(enc.as_bytes()).as_deref(), Some(plain.as_bytes()), "{enc}");
        }
    }

    #[test]
    fn line_ends_and_trailing_spaces_are_allowed_spaces_inside_a_line_are_not() {
        assert_eq!(decode_lines(b"Zm9v\r\nYmFy\n").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(decode_lines(b"Zm9v  \nYmFy   ").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(decode_lines(b"Zm9v \r\nYmFy").as_deref(), Some(&b"foobar"[..]));
        for bad in
            ["Zm 9v", " Zm9v", "Zm9v\tYmFy", "Zm9v\rYmFy", "Zg", "Zg=", "Z===", "Zm=v", "Zm9v=", "Zm9$", "Zm9\u{e9}"]
        {
            assert_eq!(decode_lines(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn unused_bits_of_the_last_digit_are_ignored() {
        assert_eq!(decode_lines(b"Zh==").as_deref(), Some(&b"f"[..]));
        assert_eq!(decode_lines(b"Zm9=").as_deref(), Some(&b"fo"[..]));
    }
}
