//! Bounds-checked reading and writing of the big-endian byte formats this library handles: our
//! saved sessions (`session`), cache dumps (`cache`), rustls's session values (`server_sessions`)
//! and TLS handshake messages (`renegotiation`). Running out of bytes
//! is the error the format reports for truncated input, given when the reader is made; writing a
//! byte string too long for its length field is refused, never truncated.

use crate::error::{Error, Result};

/// Largest plaintext of one TLS record (2^14, `MBEDTLS_SSL_OUT_CONTENT_LEN`): the most one
/// `mbedtls_ssl_write` sends, and the fragment size of every record we build.
pub const MAX_FRAGMENT: usize = 16384;
/// Largest record body accepted from the wire (TLS 1.2: 2^14 + 2048 of expansion).
pub const MAX_RECORD_BODY: usize = MAX_FRAGMENT + 2048;

/// Length of the check value that ends our saved formats (sessions, cache dumps).
pub const CHECK_LEN: usize = 8;

/// The check value of a saved blob: the first bytes of its SHA-256, so that a torn or bit-flipped
/// blob is refused (not a MAC: the blobs are not secret-keyed).
pub fn check_value(data: &[u8]) -> [u8; CHECK_LEN] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0u8; CHECK_LEN];
    out.copy_from_slice(&digest.as_ref()[..CHECK_LEN]);
    out
}

/// A 24-bit big-endian length (TLS handshake and certificate lengths); `b` holds 3 bytes.
pub fn u24(b: &[u8]) -> usize {
    usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2])
}

/// Reads fields off the front of a byte string.
pub struct Reader<'a> {
    rest: &'a [u8],
    /// What a read past the end returns.
    short: Error,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8], short: Error) -> Self {
        Self { rest: data, short }
    }

    /// True when every byte was read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.rest.len() < n {
            return Err(self.short);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u24(&mut self) -> Result<usize> {
        Ok(u24(self.take(3)?))
    }

    pub fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&mut self) -> Result<u64> {
        let b = self.take(8)?;
        Ok(u64::from_be_bytes(b.try_into().map_err(|_| self.short)?))
    }

    /// A byte string with a 1-byte length (TLS `opaque x<0..2^8-1>`).
    pub fn vec8(&mut self) -> Result<&'a [u8]> {
        let n = usize::from(self.u8()?);
        self.take(n)
    }

    /// A byte string with a 2-byte length.
    pub fn vec16(&mut self) -> Result<&'a [u8]> {
        let n = usize::from(self.u16()?);
        self.take(n)
    }

    /// A byte string with a 3-byte length.
    pub fn vec24(&mut self) -> Result<&'a [u8]> {
        let n = self.u24()?;
        self.take(n)
    }

    /// A list of 16-bit values with a 2-byte length in bytes (cipher suites, groups, schemes).
    pub fn u16_list(&mut self) -> Result<Vec<u16>> {
        let b = self.vec16()?;
        if b.len() % 2 != 0 {
            return Err(self.short);
        }
        Ok(b.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect())
    }
}

/// Appends `data` after its length in `width` big-endian bytes. Every message we write is built
/// by us, so data too long for its length field is our bug, never the peer's: it is refused
/// (`SslInternalError`) rather than sent with a truncated length that would garble the message.
fn put_with_length(out: &mut Vec<u8>, data: &[u8], width: usize) -> Result<()> {
    if u32::try_from(8 * width).ok().and_then(|bits| data.len().checked_shr(bits)).is_some_and(|high| high != 0) {
        log::error!("{} bytes do not fit a {width}-byte length field", data.len());
        return Err(Error::SslInternalError);
    }
    out.extend_from_slice(&data.len().to_be_bytes()[size_of::<usize>() - width..]);
    out.extend_from_slice(data);
    Ok(())
}

/// Appends a byte string with a 1-byte length (TLS `opaque x<0..2^8-1>`).
pub fn put_vec8(out: &mut Vec<u8>, data: &[u8]) -> Result<()> {
    put_with_length(out, data, 1)
}

/// Appends a byte string with a 2-byte length.
pub fn put_vec16(out: &mut Vec<u8>, data: &[u8]) -> Result<()> {
    put_with_length(out, data, 2)
}

/// Appends a byte string with a 3-byte length.
pub fn put_vec24(out: &mut Vec<u8>, data: &[u8]) -> Result<()> {
    put_with_length(out, data, 3)
}

/// Appends a byte string with a 4-byte length.
pub fn put_vec32(out: &mut Vec<u8>, data: &[u8]) -> Result<()> {
    put_with_length(out, data, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_reports_its_error_when_short() {
        let mut r = Reader::new(&[1, 0, 2, 0, 0, 3, 2, 0xAA, 0xBB, 0, 2, 0, 7, 9], Error::SslDecodeError);
        assert_eq!(r.u8(), Ok(1));
        assert_eq!(r.u16(), Ok(2));
        assert_eq!(r.u24(), Ok(3));
        assert_eq!(r.vec8(), Ok(&[0xAA, 0xBB][..]));
        assert_eq!(r.u16_list(), Ok(vec![7]));
        assert!(!r.is_empty());
        assert_eq!(r.u16(), Err(Error::SslDecodeError));
        assert_eq!(Reader::new(&[0, 3, 1], Error::SslBadInputData).vec16(), Err(Error::SslBadInputData));
        assert_eq!(Reader::new(&[0, 1, 1], Error::SslBadInputData).u16_list(), Err(Error::SslBadInputData));
    }

    #[test]
    fn writers_prefix_the_length_and_read_back() {
        let mut out = Vec::new();
        put_vec8(&mut out, &[0xAA; 255]).unwrap();
        put_vec16(&mut out, &[0xBB; 300]).unwrap();
        put_vec24(&mut out, &[0xCC; 70000]).unwrap();
        put_vec16(&mut out, &[]).unwrap();
        assert_eq!(&out[..1], &[255]);
        let mut r = Reader::new(&out, Error::SslDecodeError);
        assert_eq!(r.vec8(), Ok(&[0xAA; 255][..]));
        assert_eq!(r.vec16(), Ok(&[0xBB; 300][..]));
        assert_eq!(r.vec24(), Ok(&[0xCC; 70000][..]));
        assert_eq!(r.vec16(), Ok(&[][..]));
        assert!(r.is_empty());
    }

    #[test]
    fn writers_refuse_data_too_long_for_the_length_field() {
        let mut out = vec![1, 2];
        assert_eq!(put_vec8(&mut out, &[0; 256]), Err(Error::SslInternalError));
        assert_eq!(put_vec16(&mut out, &vec![0; 1 << 16]), Err(Error::SslInternalError));
        assert_eq!(put_vec24(&mut out, &vec![0; 1 << 24]), Err(Error::SslInternalError));
        assert_eq!(out, [1, 2], "nothing written on refusal");
    }
}
