//! PEM decoding (RFC 7468, with the RFC 1421 headers of legacy OpenSSL keys).
//!
//! A PEM text holds any number of blocks:
//!
//! ```text
//! -----BEGIN <LABEL>-----
//! Optional-Header: value          (legacy encrypted keys only)
//!
//! <base64 lines>
//! -----END <LABEL>-----
//! ```
//!
//! Text outside the blocks is ignored, as Mbed TLS and OpenSSL do (certificate bundles often
//! carry comments). Like Mbed TLS, which works on C strings, decoding stops at the first NUL
//! byte: callers may pass buffers with or without the terminating NUL.

use zeroize::Zeroizing;

use crate::base64;
use crate::error::{Error, OpError};

/// One decoded PEM block.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PemBlock {
    /// The label between `BEGIN ` and the dashes, e.g. `CERTIFICATE`.
    pub(crate) label: String,
    /// The RFC 1421 header lines (`Proc-Type`, `DEK-Info`, ...) in order, names as written.
    pub(crate) headers: Vec<(String, String)>,
    /// The base64-decoded contents.
    pub(crate) der: Vec<u8>,
}

impl core::fmt::Debug for PemBlock {
    // The contents may be a private key: never print them.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PemBlock")
            .field("label", &self.label)
            .field("headers", &self.headers)
            .field("der_len", &self.der.len())
            .finish()
    }
}

impl PemBlock {
    /// The value of header `name` (ASCII case-insensitive), if present.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// True for a block encrypted the legacy OpenSSL way (`Proc-Type: 4,ENCRYPTED`).
    pub(crate) fn is_legacy_encrypted(&self) -> bool {
        self.header("Proc-Type").is_some_and(|v| {
            let mut parts = v.split(',').map(str::trim);
            parts.next() == Some("4") && parts.next().is_some_and(|p| p.eq_ignore_ascii_case("ENCRYPTED"))
        })
    }
}

const BEGIN: &[u8] = b"-----BEGIN ";
const DASHES: &[u8] = b"-----";

/// The part of `input` that C string functions would see: everything before the first NUL.
fn c_text(input: &[u8]) -> &[u8] {
    match input.iter().position(|&b| b == 0) {
        Some(nul) => &input[..nul],
        None => input,
    }
}

#[cfg(test)]
thread_local! {
    /// Bytes the searches of this module examined on this thread (tests check they are linear).
    static SCANNED: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

/// Counts `n` bytes examined (tests only).
fn scanned(_n: usize) {
    #[cfg(test)]
    SCANNED.with(|c| c.set(c.get() + _n));
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() || needle.is_empty() {
        return None;
    }
    let found = haystack[from..].windows(needle.len()).position(|w| w == needle).map(|i| i + from);
    scanned(found.map_or(haystack.len(), |at| at + needle.len()) - from);
    found
}

/// True when `input` contains a PEM begin line (`-----BEGIN `).
pub(crate) fn is_pem(input: &[u8]) -> bool {
    find(c_text(input), BEGIN, 0).is_some()
}

/// True when `input` contains the begin line of a block labelled `label`.
pub(crate) fn contains_label(input: &[u8], label: &str) -> bool {
    let mut marker = BEGIN.to_vec();
    marker.extend_from_slice(label.as_bytes());
    marker.extend_from_slice(DASHES);
    find(c_text(input), &marker, 0).is_some()
}

/// Decodes every block of `input`, in order, each with its label.
///
/// A block whose begin line has no matching end line is skipped (there is nothing to decode);
/// a block with an end line but a body that is not valid base64 yields
/// `Err(Error::PemInvalidData)` in its place, so callers can count failures as Mbed TLS does.
/// Failed blocks keep their label too, so a caller looking for one label can report that
/// block's error.
pub(crate) fn labelled_blocks(input: &[u8]) -> Vec<(String, Result<PemBlock, Error>)> {
    located_blocks(input).into_iter().map(|(label, block, _)| (label, block)).collect()
}

/// [`labelled_blocks`] with where each block ends in `input`: after its end line, one space,
/// one `\r` and one `\n` that follow it (what Mbed TLS's `mbedtls_pem_read_buffer` reports
/// as used).
pub(crate) fn located_blocks(input: &[u8]) -> Vec<(String, Result<PemBlock, Error>, usize)> {
    let text = c_text(input);
    let footers = Footers::new(text);
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(begin) = find(text, BEGIN, pos) {
        let label_start = begin + BEGIN.len();
        let label_end = match label_end(text, label_start) {
            LabelEnd::At(end) => end,
            LabelEnd::LineEnds => {
                pos = label_start;
                continue;
            }
            LabelEnd::Never => break,
        };
        let label = &text[label_start..label_end];
        // The label must be on the begin line, and the begin line must end after the dashes.
        let Some(body_start) = body_start(text, label_end + DASHES.len()) else {
            pos = label_start;
            continue;
        };
        if label.is_empty() || label.contains(&b'\r') {
            pos = label_start;
            continue;
        }
        let Some(footer_at) = footers.first_from(label, body_start) else {
            pos = body_start;
            continue;
        };
        // The end line's length counts the label's bytes, not those of its lossy conversion
        // (longer when the label is not UTF-8).
        pos = footer_at + END.len() + label.len() + DASHES.len();
        let label = String::from_utf8_lossy(label).into_owned();
        let mut end = pos;
        for skip in [b' ', b'\r', b'\n'] {
            if text.get(end) == Some(&skip) {
                end += 1;
            }
        }
        out.push((label.clone(), decode_body(label, &text[body_start..footer_at]), end));
    }
    out
}

const END: &[u8] = b"-----END ";

/// Where the label that starts at some index ends.
enum LabelEnd {
    /// At the dashes that start at this index.
    At(usize),
    /// The line ends before any dashes: no label.
    LineEnds,
    /// Neither dashes nor a line end follow.
    Never,
}

/// The end of the label starting at `from`: the first `-----` on the same line. Examines no
/// byte past the first `-` of the next marker, so scans of successive markers do not overlap.
fn label_end(text: &[u8], from: usize) -> LabelEnd {
    let mut at = from;
    while at < text.len() {
        match text[at] {
            b'\n' => {
                scanned(at - from);
                return LabelEnd::LineEnds;
            }
            b'-' if text[at..].starts_with(DASHES) => {
                scanned(at - from);
                return LabelEnd::At(at);
            }
            _ => at += 1,
        }
    }
    scanned(at - from);
    LabelEnd::Never
}

/// Where the body of a block starts when its begin line's dashes end at `after_dashes`: after
/// the `\n` ending the line (or at the end of the text), if nothing but spaces, tabs and `\r`
/// precede it; None when something else does.
fn body_start(text: &[u8], after_dashes: usize) -> Option<usize> {
    let rest = &text[after_dashes..];
    let blank = rest.iter().take_while(|&&b| matches!(b, b' ' | b'\t' | b'\r')).count();
    scanned(blank + 1);
    match rest.get(blank) {
        None => Some(text.len()),
        Some(b'\n') => Some(after_dashes + blank + 1),
        Some(_) => None,
    }
}

/// Every `-----END <label>-----` of a text, by label, found in one pass: each begin line looks
/// its end line up here instead of searching the rest of the text, which made texts with many
/// unterminated blocks quadratic.
struct Footers<'a> {
    /// Label → where its end lines start, in increasing order.
    by_label: std::collections::HashMap<&'a [u8], Vec<usize>>,
}

impl<'a> Footers<'a> {
    fn new(text: &'a [u8]) -> Self {
        let mut by_label: std::collections::HashMap<&[u8], Vec<usize>> = Default::default();
        let mut pos = 0;
        while let Some(at) = find(text, END, pos) {
            let label_start = at + END.len();
            match label_end(text, label_start) {
                LabelEnd::At(end) => {
                    by_label.entry(&text[label_start..end]).or_default().push(at);
                    pos = end;
                }
                LabelEnd::LineEnds => pos = label_start,
                LabelEnd::Never => break,
            }
        }
        Self { by_label }
    }

    /// The first end line of `label` that starts at `from` or later.
    ///
    /// A begin label holds no `-----` and does not end in `-` (it ends at the first `-----`),
    /// so `-----END <label>-----` occurs at an index exactly when the end label recorded there
    /// is `label`: this finds what a search of the text for that footer from `from` finds.
    fn first_from(&self, label: &[u8], from: usize) -> Option<usize> {
        let starts = self.by_label.get(label)?;
        starts.get(starts.partition_point(|&at| at < from)).copied()
    }
}

/// The blocks of [`labelled_blocks`] without their labels.
#[cfg(test)]
pub(crate) fn blocks(input: &[u8]) -> Vec<Result<PemBlock, Error>> {
    labelled_blocks(input).into_iter().map(|(_, block)| block).collect()
}

fn decode_body(label: String, body: &[u8]) -> Result<PemBlock, Error> {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut lines = body.split(|&b| b == b'\n').peekable();
    // RFC 1421 headers: `Name: value` lines right after the begin line, continuation lines
    // starting with white space, then an empty line. Base64 never contains ':'.
    while let Some(line) = lines.peek() {
        let line = trim(line);
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(trim(&line[..colon])).into_owned();
            let value = String::from_utf8_lossy(trim(&line[colon + 1..])).into_owned();
            headers.push((name, value));
            lines.next();
            while let Some(cont) = lines.peek() {
                let is_continuation = matches!(cont.first(), Some(b' ' | b'\t')) && !trim(cont).is_empty();
                if !is_continuation {
                    break;
                }
                if let Some((_, value)) = headers.last_mut() {
                    value.push_str(&String::from_utf8_lossy(trim(cont)));
                }
                lines.next();
            }
        } else {
            break;
        }
    }
    let mut b64 = Vec::with_capacity(body.len());
    for line in lines {
        b64.extend_from_slice(line);
    }
    let der = base64_decode(&b64)?;
    if der.is_empty() {
        return Err(Error::PemInvalidData);
    }
    Ok(PemBlock { label, headers, der })
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Decodes the base64 body of a PEM block, ignoring white space (any ASCII white space, where
/// `mbedtls_base64_decode` allows only line ends): `Error::PemInvalidData` for anything else that
/// is not strict base64 ([`base64::decode_digits`]).
pub(crate) fn base64_decode(text: &[u8]) -> Result<Vec<u8>, Error> {
    // Only white space is told apart byte by byte; it is no digit, so this reveals nothing of the
    // data. The copy is wiped (and never reallocated: the capacity is enough).
    let mut digits = Zeroizing::new(Vec::with_capacity(text.len()));
    digits.extend(text.iter().copied().filter(|c| !c.is_ascii_whitespace()));
    base64::decode_digits(digits).ok_or(Error::PemInvalidData)
}

/// `mbedtls_pem_write_buffer`'s text: `header`, the base64 of `der` in lines of 64 characters
/// each ending with `\n`, `footer`, and a terminating NUL (counted in the length, as Mbed TLS
/// counts it in `*olen`).
pub(crate) fn encode(header: &[u8], footer: &[u8], der: &[u8]) -> Vec<u8> {
    let b64 = Zeroizing::new(base64::encode(der));
    let mut out = Vec::with_capacity(header.len() + footer.len() + b64.len() + b64.len() / 64 + 2);
    out.extend_from_slice(header);
    for line in b64.chunks(64) {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.extend_from_slice(footer);
    out.push(0);
    out
}

/// The result of [`read_block`]: the bytes up to the end of the block (`*use_len`, known once
/// both markers are found) and the decoded contents or the failure.
pub(crate) struct BlockRead {
    pub(crate) used: Option<usize>,
    pub(crate) result: Result<Vec<u8>, OpError>,
}

/// `mbedtls_pem_read_buffer`: the first `header ... footer` block of the C text `data` (up to
/// its first NUL), with Mbed TLS's rules: the header line may end in one space and `\r`, then
/// must end in `\n`; the body is `mbedtls_base64_decode` input; legacy-encrypted blocks
/// (`Proc-Type: 4,ENCRYPTED`) are not supported.
pub(crate) fn read_block(data: &[u8], header: &[u8], footer: &[u8]) -> BlockRead {
    let text = c_text(data);
    let fail = |used, e: OpError| BlockRead { used, result: Err(e) };
    let no_block = OpError::Code(Error::PemNoHeaderFooterPresent);
    let Some(begin) = find(text, header, 0) else {
        return fail(None, no_block);
    };
    let end_marker = find(text, footer, 0);
    let Some(s2) = end_marker.filter(|&s2| s2 > begin) else {
        return fail(None, no_block);
    };
    let mut s1 = begin + header.len();
    for skip in [b' ', b'\r'] {
        if text.get(s1) == Some(&skip) {
            s1 += 1;
        }
    }
    if text.get(s1) != Some(&b'\n') {
        return fail(None, no_block);
    }
    s1 += 1;
    let mut end = s2 + footer.len();
    for skip in [b' ', b'\r', b'\n'] {
        if text.get(end) == Some(&skip) {
            end += 1;
        }
    }
    let used = Some(end);
    if s1 > s2 {
        return fail(used, OpError::Code(Error::PemInvalidData));
    }
    let body = &text[s1..s2];
    if body.starts_with(b"Proc-Type: 4,ENCRYPTED") {
        return fail(used, OpError::Code(Error::PemFeatureUnavailable));
    }
    match base64::decode_lines(body) {
        None => fail(used, OpError::Sum(Error::PemInvalidData, Error::Base64InvalidCharacter)),
        Some(der) if der.is_empty() => fail(used, OpError::Code(Error::PemBadInputData)),
        Some(der) => BlockRead { used, result: Ok(der) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        // RFC 4648 section 10.
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("Zg==", "f"),
            ("Zm8=", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg==", "foob"),
            ("Zm9vYmE=", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ];
        for (enc, dec) in cases {
            assert_eq!(base64_decode(enc.as_bytes()).unwrap(), dec.as_bytes(), "{enc}");
        }
        assert_eq!(base64_decode(b"Zm9v\r\nYmFy\n").unwrap(), b"foobar");
        assert_eq!(base64_decode(b" Zm 9v ").unwrap(), b"foo");
    }

    #[test]
    fn base64_rejects_malformed() {
        for bad in [
            "Zm9",
            "Zg=",
            "Z===",
            "Zg==Zg==",
            "Zm9v!",
            "Zm=v",
            "=Zm9",
            "Zm9vY",
            "Zg=a",
            "====",
            "Zm9!",
            "Zm-v",
            "Zm_v",
            "Zm9v\0",
            "Zg==\u{e9}",
        ] {
            assert_eq!(base64_decode(bad.as_bytes()), Err(Error::PemInvalidData), "{bad}");
        }
    }

    #[test]
    fn base64_ignores_the_unused_bits_of_the_last_digit() {
        // Non-canonical encodings (low bits set before the padding) decode as Mbed TLS decodes
        // them: the bits are dropped.
        assert_eq!(base64_decode(b"Zh==").unwrap(), b"f");
        assert_eq!(base64_decode(b"Zm9=").unwrap(), b"fo");
        assert_eq!(base64_decode(b"Zm9vYh==").unwrap(), b"foob");
        assert_eq!(base64_decode(b"Zm9v\n Zh = =\n").unwrap(), b"foof");
    }

    #[test]
    fn base64_all_byte_values() {
        // Encode with a straightforward reference encoder and decode back.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let data: Vec<u8> = (0..=255u8).chain(0..=10).collect();
        for len in 0..data.len() {
            let input = &data[..len];
            let mut enc = Vec::new();
            for chunk in input.chunks(3) {
                let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
                let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
                for i in 0..4 {
                    if i <= chunk.len() {
                        enc.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]);
                    } else {
                        enc.push(b'=');
                    }
                }
            }
            assert_eq!(base64_decode(&enc).unwrap(), input);
        }
    }

    const TWO: &str = "junk before\n\
        -----BEGIN CERTIFICATE-----\n\
        Zm9vYmFy\n\
        -----END CERTIFICATE-----\n\
        comment\n\
        -----BEGIN PRIVATE KEY-----\r\n\
        Zm9v\r\n\
        YmE=\r\n\
        -----END PRIVATE KEY-----\r\n";

    #[test]
    fn finds_blocks_in_order() {
        let blocks = blocks(TWO.as_bytes());
        assert_eq!(blocks.len(), 2);
        let a = blocks[0].as_ref().unwrap();
        assert_eq!(a.label, "CERTIFICATE");
        assert_eq!(a.der, b"foobar");
        assert!(a.headers.is_empty());
        let b = blocks[1].as_ref().unwrap();
        assert_eq!(b.label, "PRIVATE KEY");
        assert_eq!(b.der, b"fooba");
        assert!(is_pem(TWO.as_bytes()));
        assert!(contains_label(TWO.as_bytes(), "CERTIFICATE"));
        assert!(!contains_label(TWO.as_bytes(), "RSA PRIVATE KEY"));
    }

    #[test]
    fn stops_at_nul() {
        let mut input = TWO.as_bytes().to_vec();
        let second = find(&input, b"-----BEGIN PRIVATE", 0).unwrap();
        input[second - 1] = 0;
        assert_eq!(blocks(&input).len(), 1);
        let mut with_nul = TWO.as_bytes().to_vec();
        with_nul.push(0);
        assert_eq!(blocks(&with_nul).len(), 2);
    }

    #[test]
    fn bad_body_and_missing_footer() {
        let bad = "-----BEGIN CERTIFICATE-----\nZm9v!\n-----END CERTIFICATE-----\n";
        assert_eq!(blocks(bad.as_bytes()), vec![Err(Error::PemInvalidData)]);
        let empty = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
        assert_eq!(blocks(empty.as_bytes()), vec![Err(Error::PemInvalidData)]);
        let open = "-----BEGIN CERTIFICATE-----\nZm9v\n";
        assert!(blocks(open.as_bytes()).is_empty());
        let mismatched = "-----BEGIN CERTIFICATE-----\nZm9v\n-----END PRIVATE KEY-----\n";
        assert!(blocks(mismatched.as_bytes()).is_empty());
        assert!(!is_pem(b"\x30\x82\x01\x00"));
    }

    #[test]
    fn labels_that_are_not_utf8_end_where_their_end_line_ends() {
        // Found by the `pem` fuzz target: the end of a block was computed from the length of
        // the label's lossy conversion (3 bytes per invalid byte), so it could point past the
        // text, and the search for the next block started too late and missed it.
        let text = b"-----BEGIN \xff-----\nZm9v\n-----END \xff-----\n-----BEGIN CERTIFICATE-----\nZm9v\n-----END CERTIFICATE-----";
        let blocks = located_blocks(text);
        assert_eq!(blocks.len(), 2);
        // Begin line (18 bytes), body (5), end line (16).
        assert_eq!(blocks[0].2, 18 + 5 + 16);
        assert_eq!(blocks[1].0, "CERTIFICATE");
        assert_eq!(blocks[1].2, text.len());
    }

    #[test]
    fn legacy_headers() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\n\
            Proc-Type: 4,ENCRYPTED\n\
            DEK-Info: AES-128-CBC,\n 00112233445566778899AABBCCDDEEFF\n\
            \n\
            Zm9vYmFy\n\
            -----END RSA PRIVATE KEY-----\n";
        let blocks = blocks(text.as_bytes());
        let block = blocks[0].as_ref().unwrap();
        assert_eq!(block.header("proc-type"), Some("4,ENCRYPTED"));
        assert_eq!(block.header("DEK-Info"), Some("AES-128-CBC,00112233445566778899AABBCCDDEEFF"));
        assert!(block.is_legacy_encrypted());
        assert_eq!(block.der, b"foobar");
    }

    #[test]
    fn mbedtls_block_reading() {
        let (h, f) = (&b"-----BEGIN X-----"[..], &b"-----END X-----"[..]);
        let ok = b"junk-----BEGIN X----- \r\nZm9v\r\nYmFy\n-----END X-----\r\nmore";
        let read = read_block(ok, h, f);
        assert_eq!(read.result.unwrap(), b"foobar");
        assert_eq!(read.used, Some(ok.len() - 4));
        let code = |data: &[u8]| read_block(data, h, f).result.unwrap_err();
        assert_eq!(code(b"nothing"), OpError::Code(Error::PemNoHeaderFooterPresent));
        assert_eq!(code(b"-----END X----------BEGIN X-----\n"), OpError::Code(Error::PemNoHeaderFooterPresent));
        assert_eq!(code(b"-----BEGIN X-----Zm9v\n-----END X-----"), OpError::Code(Error::PemNoHeaderFooterPresent));
        assert_eq!(code(b"-----BEGIN X-----\n-----END X-----"), OpError::Code(Error::PemBadInputData));
        assert_eq!(
            code(b"-----BEGIN X-----\nZm!v\n-----END X-----"),
            OpError::Sum(Error::PemInvalidData, Error::Base64InvalidCharacter)
        );
        let encrypted =
            b"-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nZm9v\n-----END X-----\n";
        assert_eq!(code(encrypted), OpError::Code(Error::PemFeatureUnavailable));
        let written = encode(b"-----BEGIN X-----\n", b"-----END X-----\n", &[0xAB; 100]);
        assert_eq!(written.last(), Some(&0));
        assert_eq!(read_block(&written, h, f).result.unwrap(), vec![0xAB; 100]);
        let text = core::str::from_utf8(&written[..written.len() - 1]).unwrap();
        assert!(text.lines().all(|l| l.len() <= 64));
    }

    /// Bytes examined by `located_blocks(input)`.
    fn work(input: &[u8]) -> usize {
        SCANNED.with(|c| c.set(0));
        let _ = located_blocks(input);
        SCANNED.with(|c| c.get())
    }

    #[test]
    fn unterminated_blocks_are_scanned_in_linear_time() {
        // Issue 13 (5): each begin line without an end line used to search the rest of the
        // text for its end line, quadratic in the number of begin lines. The work must be at
        // most a few passes over the text, whatever the number of begin lines.
        let line = "-----BEGIN CERTIFICATE-----\n";
        let no_newline = "-----BEGIN CERTIFICATE-----";
        let labels: String = (0..20_000).map(|i| format!("-----BEGIN L{i}-----\nZm9v\n")).collect();
        for input in [line.repeat(20_000), no_newline.repeat(20_000), labels] {
            let input = input.as_bytes();
            assert!(work(input) <= 8 * input.len(), "{} bytes examined for {}", work(input), input.len());
            assert!(blocks(input).is_empty());
        }
        // Complete blocks after many open ones are still found.
        let mut mixed = line.repeat(1000);
        mixed.push_str(TWO);
        mixed.push_str(&"-----BEGIN PRIVATE KEY-----\n".repeat(1000));
        assert!(work(mixed.as_bytes()) <= 8 * mixed.len());
        let found = labelled_blocks(mixed.as_bytes());
        let labels: Vec<_> = found.iter().map(|(l, b)| (l.as_str(), b.is_ok())).collect();
        // The first open CERTIFICATE begin line pairs with TWO's end line, as before.
        assert_eq!(labels, [("CERTIFICATE", false), ("PRIVATE KEY", true)]);
    }

    /// The blocks a plain search finds: for each begin line, the first matching end line after it.
    fn reference_blocks(text: &[u8]) -> Vec<(String, Result<PemBlock, Error>, usize)> {
        let text = c_text(text);
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(begin) = find(text, BEGIN, pos) {
            let label_start = begin + BEGIN.len();
            let Some(label_end) = find(text, DASHES, label_start) else { break };
            let label = &text[label_start..label_end];
            let after = label_end + DASHES.len();
            let eol = text[after..].iter().position(|&b| b == b'\n').map_or(text.len(), |i| i + after);
            if label.is_empty()
                || label.iter().any(|&b| b == b'\n' || b == b'\r')
                || !text[after..eol].iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r'))
            {
                pos = label_start;
                continue;
            }
            let body = (eol + 1).min(text.len());
            let footer = [END, label, DASHES].concat();
            let Some(at) = find(text, &footer, body) else {
                pos = body;
                continue;
            };
            pos = at + footer.len();
            let mut end = pos;
            for skip in [b' ', b'\r', b'\n'] {
                if text.get(end) == Some(&skip) {
                    end += 1;
                }
            }
            let label = String::from_utf8_lossy(label).into_owned();
            out.push((label.clone(), decode_body(label, &text[body..at]), end));
        }
        out
    }

    #[test]
    fn same_blocks_as_a_plain_search() {
        let pieces: &[&[u8]] = &[
            b"-----BEGIN A-----\n",
            b"-----BEGIN B----- \r\n",
            b"-----END A-----\n",
            b"-----END B-----",
            b"-----END A",
            b"-----BEGIN ",
            b"-----",
            b"A-----",
            b"-",
            b"Zm9v\n",
            b"\n",
            b"\r",
            b"x",
            b"-----BEGIN A-\n",
            b"-----END A------\n",
        ];
        // A small linear congruential generator: reproducible inputs without a dependency.
        let mut state = 0x2545_f491_u64;
        for _ in 0..20_000 {
            let mut text = Vec::new();
            for _ in 0..(state % 12) {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.extend_from_slice(pieces[(state >> 33) as usize % pieces.len()]);
            }
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            assert_eq!(located_blocks(&text), reference_blocks(&text), "{}", String::from_utf8_lossy(&text));
        }
    }

    #[test]
    fn truncations_never_panic() {
        let text = TWO.as_bytes();
        for len in 0..text.len() {
            let _ = blocks(&text[..len]);
        }
    }
}
