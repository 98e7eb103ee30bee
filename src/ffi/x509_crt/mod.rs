//! `x509_crt.h`: X.509 certificate chains (`mbedtls_x509_crt`), mapped onto `crate::x509`.
//!
//! The first struct of a chain is the caller's (declared anywhere, `mbedtls_x509_crt_init`ed);
//! further certificates get structs allocated here, linked through `next`, and freed by
//! `mbedtls_x509_crt_free`. Each struct's `private_handle` owns the parsed [`Certificate`],
//! whose DER the public `mbedtls_x509_buf` fields point into. Handles and `next` pointers are
//! checked against the handle registry of `ffi` before use, so an uninitialised `next`, a copied
//! struct or a second free never reach freed memory.

use core::ffi::{c_char, c_int, c_uchar, c_void};
use core::ptr;
use std::path::Path;

use rustls::pki_types::CertificateDer;

use super::error::code_of;
use super::handle::{self, Shell, shell};
use super::handle::{handle_is, handle_new, handle_ref, handle_take};
use super::pk::{mbedtls_pk_context, public_context};
use super::x509::{
    EMPTY_BUF, EMPTY_NAME, EMPTY_SEQUENCE, Linked, append_all, chain_nodes, free_linked, free_shell_chain,
    mbedtls_x509_buf, mbedtls_x509_name, mbedtls_x509_sequence, mbedtls_x509_time, name_list, sequence, write_text,
};
use super::{entry, in_cstr, in_path, in_slice};
use crate::error::Error;
use crate::x509::{self, Certificate, Span};

mod checks;
pub use checks::*;

mod verify;
pub use verify::*;

/// An X.509 certificate, and the head of a chain of them through `next`.
///
/// Declare it, `mbedtls_x509_crt_init` it, add certificates with `mbedtls_x509_crt_parse*`,
/// and `mbedtls_x509_crt_free` it. All buffers point into memory owned by the library, valid
/// until `mbedtls_x509_crt_free`; treat them as read-only.
///
/// Differences from Mbed TLS: only the fields listed here exist (no `v3_ext`, key identifier,
/// policy, extKeyUsage or `sig` fields (the 2.28 edition has `sig`); `ca_istrue` and the key usage are read with
/// `mbedtls_x509_crt_get_ca_istrue` / `mbedtls_x509_crt_check_key_usage`); use
/// `mbedtls_x509_crt_info` for a readable dump.
#[repr(C)]
pub struct mbedtls_x509_crt {
    /// Private: 1 when the library owns the DER (always, here).
    private_own_buffer: c_int,
    /// The whole certificate, DER.
    pub raw: mbedtls_x509_buf,
    /// The signed part (TBSCertificate), DER including its header.
    pub tbs: mbedtls_x509_buf,
    /// 1, 2 or 3 (v3 certificates are 3); 0 for an empty struct.
    pub version: c_int,
    /// The serial number's content bytes.
    pub serial: mbedtls_x509_buf,
    /// The signature algorithm OID's content bytes.
    pub sig_oid: mbedtls_x509_buf,
    /// The issuer Name, DER including its header.
    pub issuer_raw: mbedtls_x509_buf,
    /// The subject Name, DER including its header.
    pub subject_raw: mbedtls_x509_buf,
    /// The issuer as a name list (for `mbedtls_x509_dn_gets`).
    pub issuer: mbedtls_x509_name,
    /// The subject as a name list (for `mbedtls_x509_dn_gets`).
    pub subject: mbedtls_x509_name,
    /// Start of validity (UTC).
    pub valid_from: mbedtls_x509_time,
    /// End of validity (UTC).
    pub valid_to: mbedtls_x509_time,
    /// The SubjectPublicKeyInfo, DER including its header.
    pub pk_raw: mbedtls_x509_buf,
    /// The public key, usable with `mbedtls_pk_get_type`, `mbedtls_pk_get_bitlen`, ...
    pub pk: mbedtls_pk_context,
    /// The subjectAltName entries (each GeneralName's tag and contents, for
    /// `mbedtls_x509_parse_subject_alt_name`); all zero when there are none.
    pub subject_alt_names: mbedtls_x509_sequence,
    /// The signature value: the BIT STRING's bytes after its unused-bits octet (a public field
    /// of Mbed TLS 2.28; private in 3.6).
    #[cfg(feature = "edition-2-28")]
    pub sig: mbedtls_x509_buf,
    /// The next certificate of the chain, or NULL.
    pub next: *mut mbedtls_x509_crt,
    /// Private: the parsed certificate.
    private_handle: *mut c_void,
}

const EMPTY_TIME: mbedtls_x509_time = mbedtls_x509_time { year: 0, mon: 0, day: 0, hour: 0, min: 0, sec: 0 };

// The struct holding no certificate (as after `mbedtls_x509_crt_init`) is its `EMPTY`.
shell!(
    mbedtls_x509_crt => Certificate,
    mbedtls_x509_crt {
        private_own_buffer: 0,
        raw: EMPTY_BUF,
        tbs: EMPTY_BUF,
        version: 0,
        serial: EMPTY_BUF,
        sig_oid: EMPTY_BUF,
        issuer_raw: EMPTY_BUF,
        subject_raw: EMPTY_BUF,
        issuer: EMPTY_NAME,
        subject: EMPTY_NAME,
        valid_from: EMPTY_TIME,
        valid_to: EMPTY_TIME,
        pk_raw: EMPTY_BUF,
        pk: mbedtls_pk_context::EMPTY,
        subject_alt_names: EMPTY_SEQUENCE,
        #[cfg(feature = "edition-2-28")]
        sig: EMPTY_BUF,
        next: ptr::null_mut(),
        private_handle: ptr::null_mut(),
    }
);

/// Writes `cert` into `node` (which must hold no certificate), keeping `next`.
///
/// # Safety
/// `node` is valid for writes of a `mbedtls_x509_crt`.
unsafe fn fill(node: *mut mbedtls_x509_crt, cert: Certificate, next: *mut mbedtls_x509_crt) {
    let handle = handle_new(cert);
    // SAFETY: just registered; freed only through `release_node`.
    let cert = unsafe { handle_ref::<Certificate>(handle) }.expect("registered handle");
    // The pointers stay valid as long as the handle: the DER is never reallocated.
    let buf = |span: Span| mbedtls_x509_buf {
        tag: span.tag as c_int,
        len: span.len,
        p: cert.bytes(span).as_ptr().cast_mut(),
    };
    let whole = Span { tag: 0x30, offset: 0, len: cert.der().len() };
    let value = mbedtls_x509_crt {
        private_own_buffer: 1,
        raw: buf(whole),
        tbs: buf(cert.tbs()),
        version: cert.version(),
        serial: buf(cert.serial()),
        sig_oid: buf(cert.sig_oid()),
        issuer_raw: buf(cert.issuer_raw()),
        subject_raw: buf(cert.subject_raw()),
        issuer: name_list(cert.issuer()),
        subject: name_list(cert.subject()),
        valid_from: cert.valid_from().into(),
        valid_to: cert.valid_to().into(),
        pk_raw: buf(cert.pk_raw()),
        pk: public_context(cert.public_key().clone()),
        subject_alt_names: sequence(cert.extensions().subject_alt_name_spans.iter().map(|&s| buf(s)).collect()),
        #[cfg(feature = "edition-2-28")]
        sig: buf(cert.signature()),
        next,
        private_handle: handle,
    };
    // SAFETY: caller guarantees `node` is valid for writes; it held nothing to drop.
    unsafe { node.write(value) };
}

impl Linked for mbedtls_x509_crt {
    fn next(&self) -> *mut Self {
        self.next
    }
    fn set_next(&mut self, next: *mut Self) {
        self.next = next;
    }
}

/// The certificate a struct holds, if any.
///
/// # Safety
/// `crt` is NULL or valid for reads of a `mbedtls_x509_crt`; the certificate must not be freed
/// while the reference is used.
pub(crate) unsafe fn certificate<'a>(crt: *const mbedtls_x509_crt) -> Option<&'a Certificate> {
    // SAFETY: per this function's contract; the handle is checked by the registry.
    unsafe { handle::get(crt) }
}

/// Appends `certs` to the chain starting at `chain`, in order: into the structs that hold no
/// certificate, else into new structs linked from the last one (one walk of the chain).
///
/// # Returns
/// The struct holding the last certificate (None for no certificates).
///
/// # Safety
/// `chain` is non-NULL and valid for reads and writes of a `mbedtls_x509_crt`.
unsafe fn append(
    chain: *mut mbedtls_x509_crt,
    certs: impl IntoIterator<Item = Certificate>,
) -> Option<*mut mbedtls_x509_crt> {
    /// Fills an empty struct of the chain.
    ///
    /// # Safety
    /// `node` is valid for reads and writes and holds no certificate.
    unsafe fn refill(node: *mut mbedtls_x509_crt, cert: Certificate, next: *mut mbedtls_x509_crt) {
        // SAFETY: per this function's contract. The struct may hold a stale public key context
        // (e.g. garbage before init): it is not ours unless registered (`release` asks the
        // registry), and `fill` overwrites it.
        unsafe {
            handle::release(&raw mut (*node).pk);
            fill(node, cert, next);
        }
    }
    // SAFETY: per this function's contract; `refill` accepts empty structs of the chain.
    unsafe { append_all(chain, certs, refill) }
}

/// Takes the certificate in `node` (a struct of the chain starting at `chain`, as [`append`]
/// returned it) out of the chain again: a struct allocated here is unlinked and freed, the
/// caller's own struct left empty.
///
/// # Safety
/// `chain` and `node` are valid for reads and writes; `node` is a struct of that chain.
unsafe fn remove(chain: *mut mbedtls_x509_crt, node: *mut mbedtls_x509_crt) {
    // SAFETY: per this function's contract; the nodes of the chain are valid (`chain_nodes`).
    unsafe {
        let next = (*node).next;
        release_node(node);
        if handle_is::<mbedtls_x509_crt>(node.cast()) {
            if let Some(&prev) = chain_nodes(chain).iter().find(|&&n| (*n).next == node) {
                (*prev).next = next;
            }
            drop(handle_take::<mbedtls_x509_crt>(node.cast()));
        } else {
            node.write(mbedtls_x509_crt { next, ..mbedtls_x509_crt::EMPTY });
        }
    }
}

/// Frees what `node` holds (certificate and public key) without freeing `node` itself.
///
/// # Safety
/// `node` is valid for reads and writes of a `mbedtls_x509_crt`.
unsafe fn release_node(node: *mut mbedtls_x509_crt) {
    // SAFETY: the caller guarantees `node` is valid; each handle is only freed when the registry
    // confirms it as live and of the expected type, so stale or copied handles are ignored.
    unsafe {
        if handle::is_set(node) {
            free_linked((*node).issuer.next);
            free_linked((*node).subject.next);
            free_linked((*node).subject_alt_names.next);
        }
        drop(handle::take(node));
        handle::release(&raw mut (*node).pk);
    }
}

/// Frees the chain starting at `crt` and leaves `crt` empty.
///
/// # Safety
/// `crt` is NULL or valid for reads and writes of a `mbedtls_x509_crt`.
unsafe fn free_chain(crt: *mut mbedtls_x509_crt) {
    // SAFETY: per this function's contract.
    unsafe { free_shell_chain(crt, release_node) }
}

/// The DER certificates of the chain starting at `crt` (any struct of a chain, e.g.
/// `srvcert.next`), for the TLS layer. Structs holding no certificate are skipped.
///
/// # Returns
/// None for NULL; otherwise the certificates in chain order (possibly none).
///
/// # Safety
/// `crt` is NULL or valid for reads of a `mbedtls_x509_crt`.
pub(crate) unsafe fn chain_ders(crt: *const mbedtls_x509_crt) -> Option<Vec<CertificateDer<'static>>> {
    if crt.is_null() {
        return None;
    }
    // SAFETY: `crt` is non-NULL and valid for reads (caller).
    let nodes = unsafe { chain_nodes(crt) };
    Some(
        nodes
            .into_iter()
            // SAFETY: every node is valid for reads (see `nodes`); each certificate is copied
            // before anything can free it.
            .filter_map(|node| unsafe { certificate(node) })
            .map(|cert| CertificateDer::from(cert.der().to_vec()))
            .collect(),
    )
}

/// A chain owned by the TLS layer (e.g. the peer's certificates for
/// `mbedtls_ssl_get_peer_cert`, or for the verify callback), built from DER certificates in
/// order. The head is a Box owned by the caller; free it with [`free_owned_chain`].
///
/// # Errors
/// The parse error of the first certificate that does not parse (nothing is leaked).
pub(crate) fn new_chain_from_ders<D: AsRef<[u8]>>(ders: &[D]) -> Result<Box<mbedtls_x509_crt>, Error> {
    let certs = ders.iter().map(|d| Certificate::from_der(d.as_ref())).collect::<Result<Vec<_>, _>>()?;
    let mut head = Box::new(mbedtls_x509_crt::EMPTY);
    // SAFETY: `head` is a valid, initialised struct.
    unsafe { append(&mut *head, certs) };
    Ok(head)
}

/// Frees a chain made by [`new_chain_from_ders`].
///
/// # Safety
/// No pointer into the chain (handed to C code) may be used afterwards.
pub(crate) unsafe fn free_owned_chain(chain: Box<mbedtls_x509_crt>) {
    let raw = Box::into_raw(chain);
    // SAFETY: `raw` is a valid struct from a Box; after freeing its chain, the Box is rebuilt once.
    unsafe {
        free_chain(raw);
        drop(Box::from_raw(raw));
    }
}

/// Adds the certificates of `parsed` to `chain` and maps the result as Mbed TLS does.
///
/// # Safety
/// `chain` is non-NULL and valid for reads and writes.
unsafe fn add_all(chain: *mut mbedtls_x509_crt, parsed: x509::ChainParse) -> c_int {
    let result = parsed.result();
    // SAFETY: the caller guarantees `chain` is non-NULL and valid for reads and writes.
    unsafe { append(chain, parsed.certs) };
    match result {
        Ok(failed) => c_int::try_from(failed).unwrap_or(c_int::MAX),
        Err(e) => code_of(e),
    }
}

/// The body of `mbedtls_x509_crt_parse_der` / `mbedtls_x509_crt_parse`: runs `parse` on the
/// input, or gives `MBEDTLS_ERR_X509_BAD_INPUT_DATA` when `chain` or `buf` is NULL (`buf` NULL
/// is refused even with `buflen` 0).
///
/// # Safety
/// `buf` is NULL or valid for `buflen` bytes.
unsafe fn parse_buffer(
    chain: *mut mbedtls_x509_crt,
    buf: *const c_uchar,
    buflen: usize,
    parse: impl FnOnce(&[u8]) -> c_int,
) -> c_int {
    if chain.is_null() || buf.is_null() {
        return code_of(Error::X509BadInputData);
    }
    // SAFETY: the caller guarantees `buf`, non-NULL here, is valid for `buflen` bytes.
    match unsafe { in_slice(buf, buflen) } {
        Some(input) => parse(input),
        None => code_of(Error::X509BadInputData),
    }
}

/// The path of `mbedtls_x509_crt_parse_file` / `mbedtls_x509_crt_parse_path`: None when
/// `chain` or `path` is NULL.
///
/// # Safety
/// `path` is NULL or a C string that stays valid during `'a`.
unsafe fn parse_path_arg<'a>(chain: *mut mbedtls_x509_crt, path: *const c_char) -> Option<&'a Path> {
    // SAFETY: the caller guarantees `path` is NULL or a C string.
    let path = unsafe { in_path(path) }?;
    if chain.is_null() {
        return None;
    }
    Some(path)
}

/// `mbedtls_x509_crt_parse_file` on a validated path.
///
/// # Safety
/// `chain` is non-NULL and valid for reads and writes.
unsafe fn parse_file(chain: *mut mbedtls_x509_crt, path: &Path) -> c_int {
    match std::fs::read(path) {
        // SAFETY: the caller guarantees `chain` is non-NULL and valid for reads and writes.
        Ok(data) => unsafe { add_all(chain, x509::parse_chain(&data)) },
        Err(_) => code_of(Error::PkFileIoError),
    }
}

// ---------------------------------------------------------------------------------------------
// Exports

/// Initialises a certificate struct: it holds no certificate and `next` is NULL. Call before
/// any other function on it.
///
/// Writes without reading, so it is fine on uninitialised memory. NULL is ignored.
///
/// # Safety
/// `crt` is NULL or valid for writes of a `mbedtls_x509_crt`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_init(crt: *mut mbedtls_x509_crt) {
    entry!(mbedtls_x509_crt_init, {
        if !crt.is_null() {
            // SAFETY: caller guarantees `crt` is valid for writes.
            unsafe { crt.write(mbedtls_x509_crt::EMPTY) };
        }
    })
}

/// Frees every certificate of the chain starting at `crt` (and the structs the library
/// allocated for `next`), and leaves `crt` empty, as after `mbedtls_x509_crt_init`.
///
/// NULL, empty structs and repeated calls are fine. Chains already handed to a configuration
/// (`mbedtls_ssl_conf_ca_chain`, `mbedtls_ssl_conf_own_cert`) stay valid there: the
/// configuration keeps its own copy.
///
/// # Safety
/// `crt` is NULL or an initialised (or zeroed) struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_free(crt: *mut mbedtls_x509_crt) {
    entry!(mbedtls_x509_crt_free, {
        // SAFETY: caller guarantees `crt` is NULL or valid.
        unsafe { free_chain(crt) };
    })
}

/// Parses one DER certificate and appends it to the chain (into `chain` itself when it holds
/// no certificate yet). The DER is copied. Bytes after the certificate are ignored.
///
/// # Returns
/// * 0 on success;
/// * `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `chain` or `buf`;
/// * the parse error: `MBEDTLS_ERR_X509_INVALID_FORMAT`, `_INVALID_VERSION`, `_INVALID_SERIAL`,
///   `_INVALID_ALG`, `_INVALID_NAME`, `_INVALID_DATE`, `_INVALID_SIGNATURE`,
///   `_INVALID_EXTENSIONS`, `_UNKNOWN_VERSION`, `_UNKNOWN_SIG_ALG`, `_SIG_MISMATCH`,
///   `_FEATURE_UNAVAILABLE`, or a `MBEDTLS_ERR_PK_*` code for the public key. The chain is
///   unchanged on error.
///
/// Differences from Mbed TLS: the codes are the X.509 (or PK) part only; Mbed TLS adds a
/// low-level ASN.1 code to some of them (e.g. `INVALID_FORMAT + ASN1_OUT_OF_DATA`). Ed25519
/// and Ed448 signatures and keys are accepted.
///
/// # Safety
/// `chain` is NULL or an initialised struct; `buf` is NULL or valid for `buflen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_parse_der(
    chain: *mut mbedtls_x509_crt,
    buf: *const c_uchar,
    buflen: usize,
) -> c_int {
    entry!(mbedtls_x509_crt_parse_der, {
        let parse = |der: &[u8]| match Certificate::from_der(der) {
            Ok(cert) => {
                // SAFETY: `chain` is non-NULL (checked by `parse_buffer`) and initialised (the
                // contract of this function).
                unsafe { append(chain, [cert]) };
                0
            }
            Err(e) => code_of(e),
        };
        // SAFETY: `buf` is NULL or valid for `buflen` bytes (the contract of this function).
        unsafe { parse_buffer(chain, buf, buflen, parse) }
    })
}

/// As `mbedtls_x509_crt_parse_der`.
///
/// Differences from Mbed TLS: the DER is copied anyway, so `buf` need not outlive the chain.
///
/// # Returns
/// As `mbedtls_x509_crt_parse_der`.
///
/// # Safety
/// As `mbedtls_x509_crt_parse_der`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_parse_der_nocopy(
    chain: *mut mbedtls_x509_crt,
    buf: *const c_uchar,
    buflen: usize,
) -> c_int {
    entry!(mbedtls_x509_crt_parse_der_nocopy, {
        // SAFETY: same contract as the function called.
        unsafe { mbedtls_x509_crt_parse_der(chain, buf, buflen) }
    })
}

/// Parses one or more certificates and appends them to the chain.
///
/// `buf` is PEM when it contains `-----BEGIN CERTIFICATE-----` (before any NUL byte); every
/// `CERTIFICATE` block is parsed, other blocks and text between blocks are ignored. Otherwise
/// `buf` is one DER certificate.
///
/// # Returns
/// * 0 when every certificate parsed;
/// * a positive number: how many PEM certificates failed, when at least one parsed;
/// * otherwise the error of the first failure (see `mbedtls_x509_crt_parse_der`;
///   `MBEDTLS_ERR_PEM_INVALID_DATA` for a block that is not base64), or
///   `MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT` for PEM without a complete certificate block;
/// * `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `chain` or `buf`.
///
/// Differences from Mbed TLS: PEM `buflen` may include the terminating NUL (as Mbed TLS
/// requires) or not. Error codes as for `mbedtls_x509_crt_parse_der`.
///
/// # Safety
/// `chain` is NULL or an initialised struct; `buf` is NULL or valid for `buflen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_parse(
    chain: *mut mbedtls_x509_crt,
    buf: *const c_uchar,
    buflen: usize,
) -> c_int {
    entry!(mbedtls_x509_crt_parse, {
        // SAFETY: `chain` is non-NULL when `parse_buffer` runs the closure, and initialised; `buf`
        // is NULL or valid for `buflen` bytes (the contract of this function).
        unsafe { parse_buffer(chain, buf, buflen, |input| add_all(chain, x509::parse_chain(input))) }
    })
}

/// Reads a file of certificates (PEM or one DER certificate) and appends them to the chain,
/// as `mbedtls_x509_crt_parse` does.
///
/// # Returns
/// As `mbedtls_x509_crt_parse`; `MBEDTLS_ERR_PK_FILE_IO_ERROR` when the file cannot be read
/// (the code Mbed TLS returns, from its shared file loader); `MBEDTLS_ERR_X509_BAD_INPUT_DATA`
/// for NULL `chain` or `path`.
///
/// # Safety
/// `chain` is NULL or an initialised struct; `path` is NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_parse_file(chain: *mut mbedtls_x509_crt, path: *const c_char) -> c_int {
    entry!(mbedtls_x509_crt_parse_file, {
        // SAFETY: caller guarantees `path` is NULL or a C string.
        let Some(path) = (unsafe { parse_path_arg(chain, path) }) else {
            return code_of(Error::X509BadInputData);
        };
        // SAFETY: caller guarantees `chain` (non-NULL here) is an initialised struct.
        unsafe { parse_file(chain, path) }
    })
}

/// Appends the certificates of every regular file in directory `path` (symbolic links
/// followed, dangling ones skipped; subdirectories ignored), in file-name order.
///
/// # Returns
/// * the number of files that failed to parse entirely, plus the certificates that failed in
///   files that partly parsed (0 when everything parsed), as Mbed TLS counts;
/// * `MBEDTLS_ERR_X509_FILE_IO_ERROR` when the directory cannot be read, or an entry cannot be
///   examined (certificates added before that stay in the chain);
/// * `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `chain` or `path`.
///
/// Differences from Mbed TLS: files are read in name order (Mbed TLS: directory order).
///
/// # Safety
/// `chain` is NULL or an initialised struct; `path` is NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_parse_path(chain: *mut mbedtls_x509_crt, path: *const c_char) -> c_int {
    entry!(mbedtls_x509_crt_parse_path, {
        // SAFETY: caller guarantees `path` is NULL or a C string.
        let Some(dir) = (unsafe { parse_path_arg(chain, path) }) else {
            return code_of(Error::X509BadInputData);
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return code_of(Error::X509FileIoError);
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(_) => return code_of(Error::X509FileIoError),
            }
        }
        paths.sort();
        let mut failed: c_int = 0;
        for file in paths {
            match std::fs::metadata(&file) {
                Ok(meta) if meta.is_file() => {}
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(_) => return code_of(Error::X509FileIoError),
            }
            // SAFETY: caller guarantees `chain` is valid.
            let ret = unsafe { parse_file(chain, &file) };
            failed = failed.saturating_add(if ret < 0 { 1 } else { ret });
        }
        failed
    })
}

/// Writes a readable description of the certificate `crt` (not of the rest of its chain)
/// into `buf`: one `label : value` line per field, each starting with `prefix`:
/// version, serial number, issuer and subject names, validity, signature algorithm, key size,
/// and the basicConstraints, subjectAltName, nsCertType, keyUsage, extKeyUsage and
/// certificatePolicies extensions when present.
///
/// The output is always NUL-terminated when `size > 0` (truncated when too long).
///
/// # Returns
/// The number of characters written (without the NUL); `MBEDTLS_ERR_X509_BUFFER_TOO_SMALL`
/// when the text did not fit; `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `buf`.
///
/// Differences from Mbed TLS: for a NULL or empty `crt` a one-line note is written (Mbed TLS:
/// for NULL only). A NULL `prefix` counts as "". Ed25519 keys print as "Ed25519 key size".
///
/// # Safety
/// `buf` is NULL or valid for writes of `size` bytes; `prefix` is NULL or a C string; `crt` is
/// NULL or an initialised struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_info(
    buf: *mut c_char,
    size: usize,
    prefix: *const c_char,
    crt: *const mbedtls_x509_crt,
) -> c_int {
    entry!(mbedtls_x509_crt_info, {
        // SAFETY: caller guarantees `prefix` is NULL or a C string, `crt` NULL or valid.
        let prefix = unsafe { in_cstr(prefix) }.map(|p| p.to_string_lossy()).unwrap_or_default();
        // SAFETY: caller guarantees `crt` is NULL or an initialised struct; the certificate
        // lives until the text is written.
        let text = match unsafe { certificate(crt) } {
            Some(cert) => x509::info(cert, &prefix),
            None => "\nCertificate is uninitialised (no certificate parsed into it)\n".to_string(),
        };
        // SAFETY: caller guarantees `buf` is NULL or valid for `size` bytes.
        unsafe { write_text(buf, size, &text) }
    })
}

/// Writes one line per `MBEDTLS_X509_BADCERT_*` / `MBEDTLS_X509_BADCRL_*` flag set in `flags`
/// (e.g. from `mbedtls_ssl_get_verify_result`), each starting with `prefix` and ending with a
/// newline; a final line for unknown bits. Nothing for 0.
///
/// The output is always NUL-terminated when `size > 0` (truncated when too long).
///
/// # Returns
/// The number of characters written (without the NUL); `MBEDTLS_ERR_X509_BUFFER_TOO_SMALL`
/// when the text did not fit; `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `buf`.
///
/// Differences from Mbed TLS: the sentences are this library's own wording. A NULL `prefix`
/// counts as "".
///
/// # Safety
/// `buf` is NULL or valid for writes of `size` bytes; `prefix` is NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_verify_info(
    buf: *mut c_char,
    size: usize,
    prefix: *const c_char,
    flags: u32,
) -> c_int {
    entry!(mbedtls_x509_crt_verify_info, {
        // SAFETY: caller guarantees `prefix` is NULL or a C string.
        let prefix = unsafe { in_cstr(prefix) }.map(|p| p.to_string_lossy()).unwrap_or_default();
        let text = x509::verify_info(flags, &prefix);
        // SAFETY: caller guarantees `buf` is NULL or valid for `size` bytes.
        unsafe { write_text(buf, size, &text) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::pk::{
        MBEDTLS_ERR_PK_FILE_IO_ERROR, MBEDTLS_PK_ECKEY, MBEDTLS_PK_RSA, mbedtls_pk_get_bitlen, mbedtls_pk_get_type,
    };
    use crate::ffi::x509::*;
    use std::ffi::{CStr, CString};

    use crate::test_support::{certs_dir, read_cert as read};

    fn parse(chain: &mut mbedtls_x509_crt, data: &[u8]) -> c_int {
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_parse(chain, data.as_ptr(), data.len()) }
    }

    fn new_crt() -> mbedtls_x509_crt {
        let mut crt = mbedtls_x509_crt::EMPTY;
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_init(&mut crt) };
        crt
    }

    fn raw(crt: &mbedtls_x509_crt) -> &[u8] {
        // SAFETY: `raw` points into the DER the chain owns, which `crt` keeps alive.
        unsafe { core::slice::from_raw_parts(crt.raw.p, crt.raw.len) }
    }

    #[test]
    fn appending_a_bundle_walks_the_chain_once() {
        // Issue 13 (5): each certificate of a bundle used to walk the whole chain (with a
        // linear search per node): cubic in the number of certificates.
        let pair = read("server-rsa-chain.crt");
        let bundle = [pair.repeat(1000), vec![0]].concat();
        let mut chain = new_crt();
        CHAIN_STEPS.with(|c| c.set(0));
        assert_eq!(parse(&mut chain, &bundle), 0);
        let steps = CHAIN_STEPS.with(|c| c.get());
        // SAFETY: `chain` is a live, initialised local.
        let ders = unsafe { chain_ders(&chain) }.unwrap();
        assert_eq!(ders.len(), 2000);
        assert_eq!(ders[1999].as_ref(), &read("ca.der")[..]);
        assert!(steps <= 4 * 2000, "{steps} steps to append 2000 certificates");
        // SAFETY: `chain` is a live, initialised local.
        unsafe { mbedtls_x509_crt_free(&mut chain) };
    }

    #[test]
    fn parse_fills_head_then_appends() {
        let mut chain = new_crt();
        let mut pem = read("server-rsa-chain.crt");
        pem.push(0);
        assert_eq!(parse(&mut chain, &pem), 0);
        assert_eq!(chain.version, 3);
        assert_eq!(raw(&chain), &read("server-rsa.der")[..]);
        assert_eq!(chain.raw.tag, 0x30);
        assert_eq!(chain.valid_from.year, certificate_of(&chain).valid_from().year);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_type(&chain.pk) }, MBEDTLS_PK_RSA);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_bitlen(&chain.pk) }, 2048);
        // SAFETY: `next` is a live struct allocated by the chain, which outlives this reference.
        let second = unsafe { &*chain.next };
        assert_eq!(raw(second), &read("ca.der")[..]);
        assert!(second.next.is_null());
        // DER appends a third.
        let ec = read("server-ec.crt");
        assert_eq!(parse(&mut chain, &ec), 0);
        // SAFETY: `next` is a live struct allocated by the chain, which outlives this reference.
        let third = unsafe { &*second.next };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_type(&third.pk) }, MBEDTLS_PK_ECKEY);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let ders = unsafe { chain_ders(&chain) }.unwrap();
        assert_eq!(ders.len(), 3);
        // Any struct of the chain is a start (programs pass `srvcert.next`).
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let from_next = unsafe { chain_ders(chain.next) }.unwrap();
        assert_eq!(from_next.len(), 2);
        assert_eq!(from_next[0].as_ref(), &read("ca.der")[..]);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert!(unsafe { chain_ders(ptr::null()) }.is_none());
        // Free is complete, idempotent, and leaves the head as after init.
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut chain) };
        assert!(chain.next.is_null() && chain.raw.p.is_null() && chain.version == 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { chain_ders(&chain) }.unwrap().len(), 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut chain) };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(ptr::null_mut()) };
        // Reusable after free.
        assert_eq!(parse(&mut chain, &read("ca.der")), 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut chain) };
    }

    fn certificate_of(crt: &mbedtls_x509_crt) -> &Certificate {
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { certificate(crt) }.unwrap()
    }

    #[test]
    fn copies_and_garbage_are_harmless() {
        let mut chain = new_crt();
        assert_eq!(parse(&mut chain, &read("server-ec-chain.crt")), 0);
        // A C struct copy (`copy = chain;`).
        // SAFETY: a bitwise copy as C makes (`copy = chain;`); the struct has no destructor.
        let mut copy = unsafe { ptr::read(&chain) };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut chain) };
        // The copy's handles are dead: it reads as empty, and freeing it touches nothing.
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert!(unsafe { certificate(&copy) }.is_none());
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { chain_ders(&copy) }.unwrap().len(), 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut copy) };
        // A struct never initialised (garbage pointers) gets filled, its garbage ignored.
        let mut garbage = mbedtls_x509_crt::EMPTY;
        garbage.next = 0x10 as *mut mbedtls_x509_crt;
        garbage.private_handle = 0x20 as *mut c_void;
        assert_eq!(parse(&mut garbage, &read("ca.crt")), 0);
        assert!(garbage.next.is_null());
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut garbage) };
    }

    #[test]
    fn parse_results() {
        let mut chain = new_crt();
        // Bad input.
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_x509_crt_parse(&mut chain, ptr::null(), 10) }, MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        assert_eq!(
            // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
            unsafe { mbedtls_x509_crt_parse(ptr::null_mut(), b"x".as_ptr(), 1) },
            MBEDTLS_ERR_X509_BAD_INPUT_DATA
        );
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_x509_crt_parse_der(&mut chain, ptr::null(), 0) }, MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        // One good, one broken: 1 failed.
        let mut text = read("server-rsa.crt");
        text.extend_from_slice(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assert_eq!(parse(&mut chain, &text), 1);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { chain_ders(&chain) }.unwrap().len(), 1);
        // Failures leave the chain as it was.
        assert_eq!(parse(&mut chain, b"-----BEGIN CERTIFICATE-----\n"), MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT);
        assert_eq!(parse(&mut chain, b"\x30\x03\x02\x01\x00"), code_of(Error::X509InvalidFormat));
        let der = read("server-rsa.der");
        assert_eq!(
            // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
            unsafe { mbedtls_x509_crt_parse_der(&mut chain, der.as_ptr(), der.len() - 1) },
            code_of(Error::X509InvalidFormat)
        );
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { chain_ders(&chain) }.unwrap().len(), 1);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_x509_crt_parse_der_nocopy(&mut chain, der.as_ptr(), der.len()) }, 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { chain_ders(&chain) }.unwrap().len(), 2);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut chain) };
    }

    #[test]
    fn files_and_directories() {
        let mut chain = new_crt();
        let file = CString::new(certs_dir().join("server-rsa-chain.crt").to_str().unwrap()).unwrap();
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_x509_crt_parse_file(&mut chain, file.as_ptr()) }, 0);
        assert_eq!(
            // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
            unsafe { mbedtls_x509_crt_parse_file(&mut chain, c"/nonexistent".as_ptr()) },
            MBEDTLS_ERR_PK_FILE_IO_ERROR
        );
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_x509_crt_parse_file(&mut chain, ptr::null()) }, MBEDTLS_ERR_X509_BAD_INPUT_DATA);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut chain) };

        // A directory with 2 good files (3 certs), 2 files without certificates, one
        // subdirectory and one dangling link.
        let dir = std::env::temp_dir().join(format!("x509-path-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.crt"), read("server-ec-chain.crt")).unwrap();
        std::fs::write(dir.join("b.der"), read("ca.der")).unwrap();
        std::fs::write(dir.join("c.key"), read("server-ec.key")).unwrap();
        std::fs::write(dir.join("d.txt"), b"hello").unwrap();
        std::os::unix::fs::symlink(dir.join("missing"), dir.join("e.crt")).unwrap();
        let c_dir = CString::new(dir.to_str().unwrap()).unwrap();
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_x509_crt_parse_path(&mut chain, c_dir.as_ptr()) }, 2);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { chain_ders(&chain) }.unwrap().len(), 3);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut chain) };
        assert_eq!(
            // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
            unsafe { mbedtls_x509_crt_parse_path(&mut chain, c"/nonexistent".as_ptr()) },
            MBEDTLS_ERR_X509_FILE_IO_ERROR
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn info_buffers() {
        let mut chain = new_crt();
        assert_eq!(parse(&mut chain, &read("server-rsa.crt")), 0);
        let mut buf = vec![0 as c_char; 4096];
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let n = unsafe { mbedtls_x509_crt_info(buf.as_mut_ptr(), buf.len(), c"  ".as_ptr(), &chain) };
        // SAFETY: the buffer is a live local that the function NUL-terminated.
        let text = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_string();
        assert_eq!(n as usize, text.len());
        assert_eq!(text, x509::info(certificate_of(&chain), "  "));
        // Too small: truncated, NUL-terminated, error.
        let mut small = vec![0x55 as c_char; 20];
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let r = unsafe { mbedtls_x509_crt_info(small.as_mut_ptr(), small.len(), ptr::null(), &chain) };
        assert_eq!(r, MBEDTLS_ERR_X509_BUFFER_TOO_SMALL);
        assert_eq!(small[19], 0);
        // SAFETY: the buffer is a live local that the function NUL-terminated.
        assert_eq!(unsafe { CStr::from_ptr(small.as_ptr()) }.to_bytes(), b"cert. version     :");
        assert_eq!(
            // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
            unsafe { mbedtls_x509_crt_info(ptr::null_mut(), 10, ptr::null(), &chain) },
            MBEDTLS_ERR_X509_BAD_INPUT_DATA
        );
        assert_eq!(
            // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
            unsafe { mbedtls_x509_crt_info(small.as_mut_ptr(), 0, ptr::null(), &chain) },
            MBEDTLS_ERR_X509_BUFFER_TOO_SMALL
        );
        // NULL certificate: a note, not a crash.
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let r = unsafe { mbedtls_x509_crt_info(buf.as_mut_ptr(), buf.len(), ptr::null(), ptr::null()) };
        assert!(r > 0);
        // verify_info.
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let r = unsafe { mbedtls_x509_crt_verify_info(buf.as_mut_ptr(), buf.len(), c"! ".as_ptr(), 0x08) };
        // SAFETY: the buffer is a live local that the function NUL-terminated.
        let text = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert_eq!(r as usize, text.len());
        assert!(text.starts_with("! ") && text.ends_with('\n'));
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_x509_crt_verify_info(buf.as_mut_ptr(), buf.len(), c"".as_ptr(), 0) }, 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_x509_crt_free(&mut chain) };
    }

    #[test]
    fn owned_chains_for_the_tls_layer() {
        let ders = [read("server-rsa.der"), read("ca.der")];
        let chain = new_chain_from_ders(&ders).unwrap();
        assert_eq!(raw(&chain), &ders[0][..]);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let got = unsafe { chain_ders(&*chain) }.unwrap();
        assert_eq!(got.iter().map(|d| d.as_ref().to_vec()).collect::<Vec<_>>(), ders.to_vec());
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { free_owned_chain(chain) };
        assert_eq!(new_chain_from_ders(&[b"junk".to_vec()]).err(), Some(Error::X509InvalidFormat));
        let empty = new_chain_from_ders::<Vec<u8>>(&[]).unwrap();
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert!(unsafe { certificate(&*empty) }.is_none());
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { free_owned_chain(empty) };
    }
}
