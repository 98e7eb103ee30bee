//! What the unit tests share: the test PKI of `scripts/gen-test-certs.sh`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The directory of the test PKI, generated on first use (once per test process; the script
/// itself holds a lock, so test binaries started together do not race either).
pub(crate) fn certs_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = root.join("tests/certs/generated");
        let status = Command::new("bash")
            .arg(root.join("scripts/gen-test-certs.sh"))
            .arg(&dir)
            .status()
            .expect("run scripts/gen-test-certs.sh");
        assert!(status.success(), "generating the test PKI failed");
        dir
    })
}

/// A file of the test PKI.
pub(crate) fn cert_path(name: &str) -> PathBuf {
    certs_dir().join(name)
}

/// The bytes of a file of the test PKI.
pub(crate) fn read_cert(name: &str) -> Vec<u8> {
    std::fs::read(cert_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every single-byte corruption of `data` the parser tests feed in (each byte flipped with three
/// patterns).
pub(crate) fn corruptions(data: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    (0..data.len()).flat_map(move |i| {
        [0xFFu8, 0x80, 0x01].into_iter().map(move |x| {
            let mut d = data.to_vec();
            d[i] ^= x;
            d
        })
    })
}
