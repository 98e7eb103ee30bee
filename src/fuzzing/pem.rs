//! PEM reading (`src/pem.rs`) on arbitrary text: the splitter that finds every block of a
//! text (certificate chains, CRL lists, keys) and `mbedtls_pem_read_buffer`'s one-block
//! reader.
//!
//! Input: one byte choosing the label `mbedtls_pem_read_buffer` looks for, then the text.
//! Invariants: no panic; every block ends inside the text; a decoded block is never empty and
//! its contents, written again by the PEM writer (`mbedtls_pem_write_buffer`'s), read back to
//! the same label and bytes with both readers.

use crate::pem::{encode, is_pem, located_blocks, read_block};

const LABELS: [&str; 8] = [
    "CERTIFICATE",
    "X509 CRL",
    "PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "PUBLIC KEY",
    "CERTIFICATE REQUEST",
];

fn markers(label: &str) -> (String, String) {
    (format!("-----BEGIN {label}-----"), format!("-----END {label}-----"))
}

pub fn run(data: &[u8]) {
    let Some((&selector, text)) = data.split_first() else { return };
    // What the readers see: the text up to its first NUL.
    let c_len = text.iter().position(|&b| b == 0).unwrap_or(text.len());

    let blocks = located_blocks(text);
    assert!(blocks.is_empty() || is_pem(text), "blocks found in a text without a begin line");
    for (label, block, end) in blocks {
        assert!(end <= c_len, "block {label:?} ends at {end}, past the text ({c_len})");
        let Ok(block) = block else { continue };
        assert_eq!(block.label, label);
        assert!(!block.der.is_empty(), "empty block {label:?}");
        // Labels that are not valid UTF-8 were converted lossily: they cannot be written back.
        if label.contains(char::REPLACEMENT_CHARACTER) {
            continue;
        }
        let (begin, end_line) = markers(&label);
        let written = encode(format!("{begin}\n").as_bytes(), format!("{end_line}\n").as_bytes(), &block.der);
        let again = located_blocks(&written);
        assert_eq!(again.len(), 1, "{label:?} written again");
        let (label2, block2, end2) = &again[0];
        assert_eq!(label2, &label);
        assert_eq!(block2.as_ref().map(|b| &b.der), Ok(&block.der), "{label:?} written again");
        assert_eq!(*end2, written.len() - 1, "the written block is used up to its NUL");
    }

    let (begin, end_line) = markers(LABELS[usize::from(selector) % LABELS.len()]);
    let read = read_block(text, begin.as_bytes(), end_line.as_bytes());
    if let Some(used) = read.used {
        assert!(used <= c_len, "used {used} past the text ({c_len})");
    }
    if let Ok(der) = read.result {
        assert!(read.used.is_some(), "a block read without its length");
        assert!(!der.is_empty());
        let written = encode(format!("{begin}\n").as_bytes(), format!("{end_line}\n").as_bytes(), &der);
        let again = read_block(&written, begin.as_bytes(), end_line.as_bytes());
        assert_eq!(again.used, Some(written.len() - 1));
        assert_eq!(again.result.ok(), Some(der));
    }
}
