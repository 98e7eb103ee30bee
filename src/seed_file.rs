//! Seed files (`mbedtls_ctr_drbg_write_seed_file`/`update_seed_file`,
//! `mbedtls_entropy_write_seed_file`/`update_seed_file`): a few random bytes kept on disk across
//! runs. Read and written with plain `read(2)`/`write(2)` (no stdio buffer keeps a copy), and
//! every buffer that held the bytes is wiped.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::Path;

use zeroize::Zeroizing;

/// The start of a seed file: at most the `max` bytes asked for, and whether the file is longer.
pub(crate) struct SeedPrefix {
    pub(crate) bytes: Zeroizing<Vec<u8>>,
    pub(crate) longer: bool,
}

/// Reads at most `max` bytes from the start of the file at `path` (one more is read to tell
/// whether the file is longer; it is wiped with the rest).
///
/// # Errors
/// The file cannot be opened or read (absent, unreadable, a directory).
pub(crate) fn read_prefix(path: &Path, max: usize) -> std::io::Result<SeedPrefix> {
    let file = File::open(path)?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(max + 1));
    file.take(max as u64 + 1).read_to_end(&mut bytes)?;
    let longer = bytes.len() > max;
    bytes.truncate(max);
    Ok(SeedPrefix { bytes, longer })
}

/// A seed file opened for writing: created, or truncated when it exists.
pub(crate) struct SeedWriter(File);

impl SeedWriter {
    /// Creates (or truncates) the file at `path`, as `fopen(path, "wb")` does.
    ///
    /// # Errors
    /// The file cannot be created (directory missing or not writable, `path` is a directory).
    pub(crate) fn create(path: &Path) -> std::io::Result<Self> {
        File::create(path).map(Self)
    }

    /// Writes `bytes` and closes the file.
    ///
    /// # Errors
    /// The write fails (device full, I/O error).
    pub(crate) fn write(mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.0.write_all(bytes)?;
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_reads_and_detects_longer_files() {
        let dir = std::env::temp_dir().join(format!("seed_file_test_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("seed");
        SeedWriter::create(&path).unwrap().write(&[7u8; 10]).unwrap();
        let exact = read_prefix(&path, 10).unwrap();
        assert_eq!((exact.bytes.as_slice(), exact.longer), (&[7u8; 10][..], false));
        let short = read_prefix(&path, 4).unwrap();
        assert_eq!((short.bytes.len(), short.longer), (4, true));
        // Creating truncates.
        SeedWriter::create(&path).unwrap();
        assert_eq!(read_prefix(&path, 10).unwrap().bytes.len(), 0);
        assert!(read_prefix(&dir.join("absent"), 10).is_err());
        assert!(read_prefix(&dir, 10).is_err(), "a directory is not a seed file");
        assert!(SeedWriter::create(&dir.join("no/such/dir")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
