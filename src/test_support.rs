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
