//! `x509_crl.h`: certificate revocation lists (`mbedtls_x509_crl`), mapped onto
//! [`crate::x509::Crl`].
//!
//! As for certificate chains (`ffi::x509_crt`): the first struct of a list is the caller's,
//! further CRLs get structs allocated here, linked through `next` and freed by
//! `mbedtls_x509_crl_free`. Each struct's `private_handle` owns an `Arc<Crl>` (the TLS
//! configuration can share it, [`crls_of`]); the public fields point into that CRL's DER and
//! names, and the entry and issuer lists after their first node are allocated here. Every
//! pointer followed is checked against the handle registry first.

use core::ffi::{c_char, c_int, c_uchar, c_void};
use core::ptr;
use std::sync::Arc;

use super::error::code_of;
use super::handle::{self, shell};
use super::handle::{handle_new, handle_ref};
use super::md::mbedtls_md_type_t;
use super::pk::mbedtls_pk_type_t;
use super::x509::{
    EMPTY_BUF, EMPTY_NAME, Linked, append_all, buf_of, chain_nodes, free_linked, free_shell_chain, link,
    mbedtls_x509_buf, mbedtls_x509_name, mbedtls_x509_time, name_list, write_text,
};
use super::{entry, in_cstr, in_path, in_slice};
use crate::error::Error;
use crate::verify::CrlList;
use crate::verify::profile::signature_md_pk;
use crate::x509::{self, Crl, Span, Time};

pub use super::error::codes::x509::*;

include!(concat!(env!("OUT_DIR"), "/constants/x509_crl.rs"));

/// One revoked certificate of a CRL, and the list of them through `next`.
#[repr(C)]
pub struct mbedtls_x509_crl_entry {
    /// The entry (the contents of its SEQUENCE).
    pub raw: mbedtls_x509_buf,
    /// The revoked certificate's serial number (contents).
    pub serial: mbedtls_x509_buf,
    /// When it was revoked (UTC).
    pub revocation_date: mbedtls_x509_time,
    /// The entry's extensions: `p` at the SEQUENCE's tag, `len` its contents' length; NULL and
    /// 0 when absent.
    pub entry_ext: mbedtls_x509_buf,
    /// The next entry, or NULL.
    pub next: *mut mbedtls_x509_crl_entry,
}

/// A certificate revocation list, and the head of a list of them through `next`.
///
/// Declare it, `mbedtls_x509_crl_init` it, add CRLs with `mbedtls_x509_crl_parse*`, pass it to
/// `mbedtls_ssl_conf_ca_chain`, and `mbedtls_x509_crl_free` it. A struct holding no CRL has
/// `version == 0`. All buffers point into memory owned by the library, valid until
/// `mbedtls_x509_crl_free`; treat them as read-only.
///
/// Differences from Mbed TLS: `private_sig_opts` is always NULL (Mbed TLS points it at the
/// RSASSA-PSS parameters).
#[repr(C)]
pub struct mbedtls_x509_crl {
    /// The whole CRL, DER.
    pub raw: mbedtls_x509_buf,
    /// The signed part (TBSCertList), DER including its header.
    pub tbs: mbedtls_x509_buf,
    /// 1 or 2; 0 for a struct holding no CRL.
    pub version: c_int,
    /// The signature algorithm OID (contents).
    pub sig_oid: mbedtls_x509_buf,
    /// The issuer Name, DER including its header.
    pub issuer_raw: mbedtls_x509_buf,
    /// The issuer as a name list (for `mbedtls_x509_dn_gets`).
    pub issuer: mbedtls_x509_name,
    /// thisUpdate (UTC).
    pub this_update: mbedtls_x509_time,
    /// nextUpdate (UTC); all zero when the CRL has none.
    pub next_update: mbedtls_x509_time,
    /// The revoked certificates; the first one here (all zero when there is none).
    pub entry: mbedtls_x509_crl_entry,
    /// The crlExtensions: `tag` 0xA0, the `[0]` element's contents; all zero when absent.
    pub crl_ext: mbedtls_x509_buf,
    /// Private: the outer signature algorithm OID (contents).
    pub private_sig_oid2: mbedtls_x509_buf,
    /// Private: the signature value.
    pub private_sig: mbedtls_x509_buf,
    /// Private: the signature's hash (`MBEDTLS_MD_*`).
    pub private_sig_md: mbedtls_md_type_t,
    /// Private: the signature's key type (`MBEDTLS_PK_*`).
    pub private_sig_pk: mbedtls_pk_type_t,
    /// Private: signature options (always NULL here).
    pub private_sig_opts: *mut c_void,
    /// The next CRL of the list, or NULL.
    pub next: *mut mbedtls_x509_crl,
    /// Private: the parsed CRL.
    private_handle: *mut c_void,
}

const EMPTY_TIME: mbedtls_x509_time = mbedtls_x509_time { year: 0, mon: 0, day: 0, hour: 0, min: 0, sec: 0 };
const EMPTY_ENTRY: mbedtls_x509_crl_entry = mbedtls_x509_crl_entry {
    raw: EMPTY_BUF,
    serial: EMPTY_BUF,
    revocation_date: EMPTY_TIME,
    entry_ext: EMPTY_BUF,
    next: ptr::null_mut(),
};

// The struct holding no CRL (as after `mbedtls_x509_crl_init`) is its `EMPTY`.
shell!(
    mbedtls_x509_crl => Arc<Crl>,
    mbedtls_x509_crl {
        raw: EMPTY_BUF,
        tbs: EMPTY_BUF,
        version: 0,
        sig_oid: EMPTY_BUF,
        issuer_raw: EMPTY_BUF,
        issuer: EMPTY_NAME,
        this_update: EMPTY_TIME,
        next_update: EMPTY_TIME,
        entry: EMPTY_ENTRY,
        crl_ext: EMPTY_BUF,
        private_sig_oid2: EMPTY_BUF,
        private_sig: EMPTY_BUF,
        private_sig_md: 0,
        private_sig_pk: 0,
        private_sig_opts: ptr::null_mut(),
        next: ptr::null_mut(),
        private_handle: ptr::null_mut(),
    }
);

impl Linked for mbedtls_x509_crl_entry {
    fn next(&self) -> *mut Self {
        self.next
    }
    fn set_next(&mut self, next: *mut Self) {
        self.next = next;
    }
}

impl Linked for mbedtls_x509_crl {
    fn next(&self) -> *mut Self {
        self.next
    }
    fn set_next(&mut self, next: *mut Self) {
        self.next = next;
    }
}

/// Writes `crl` into `node` (which must hold nothing the library owns), keeping `next`.
///
/// # Safety
/// `node` is valid for writes of a `mbedtls_x509_crl`.
unsafe fn fill(node: *mut mbedtls_x509_crl, crl: Arc<Crl>, next: *mut mbedtls_x509_crl) {
    let handle = handle_new(crl);
    // SAFETY: just registered; freed only through `release_node`, which also frees the lists
    // pointing into it.
    let crl: &Arc<Crl> = unsafe { handle_ref(handle) }.expect("registered handle");
    // The CRL lives as long as the handle, and its DER and names are never reallocated.
    let buf = |span: Span| buf_of(span.tag, crl.bytes(span));
    let entries = crl
        .entries()
        .iter()
        .map(|e| mbedtls_x509_crl_entry {
            raw: buf(e.raw),
            serial: buf(e.serial),
            revocation_date: e.revocation_date.into(),
            entry_ext: e.entry_ext.map_or(EMPTY_BUF, buf),
            next: ptr::null_mut(),
        })
        .collect();
    let (md, pk) = signature_md_pk(crl.signature_algorithm());
    let value = mbedtls_x509_crl {
        raw: buf(Span { tag: 0x30, offset: 0, len: crl.der().len() }),
        tbs: buf(crl.tbs()),
        version: crl.version(),
        sig_oid: buf(crl.sig_oid()),
        issuer_raw: buf(crl.issuer_raw()),
        issuer: name_list(crl.issuer()),
        this_update: crl.this_update().into(),
        next_update: crl.next_update().unwrap_or_default().into(),
        entry: link(entries).unwrap_or(EMPTY_ENTRY),
        crl_ext: crl.crl_ext().map_or(EMPTY_BUF, buf),
        private_sig_oid2: buf(crl.sig_oid2()),
        private_sig: buf(crl.signature()),
        private_sig_md: md as mbedtls_md_type_t,
        private_sig_pk: pk as mbedtls_pk_type_t,
        private_sig_opts: ptr::null_mut(),
        next,
        private_handle: handle,
    };
    // SAFETY: caller guarantees `node` is valid for writes; it held nothing to drop.
    unsafe { node.write(value) };
}

/// The CRL a struct holds, if any.
///
/// # Safety
/// `crl` is NULL or valid for reads of a `mbedtls_x509_crl`; the CRL must not be freed while
/// the reference is used.
pub(crate) unsafe fn crl_of<'a>(crl: *const mbedtls_x509_crl) -> Option<&'a Arc<Crl>> {
    // SAFETY: per this function's contract; the handle is checked by the registry.
    unsafe { handle::get(crl) }
}

/// Frees what `node` holds (the CRL and the list nodes allocated for it) without freeing
/// `node` itself.
///
/// # Safety
/// `node` is valid for reads and writes of a `mbedtls_x509_crl`.
unsafe fn release_node(node: *mut mbedtls_x509_crl) {
    // SAFETY: the caller guarantees `node` is valid; only registered nodes and handles of the
    // expected types are freed, so stale, copied or foreign pointers are ignored.
    unsafe {
        if handle::is_set(node) {
            free_linked((*node).issuer.next);
            free_linked((*node).entry.next);
        }
        drop(handle::take(node));
    }
}

/// Appends `crls` to the list starting at `chain`, in order: into the structs that hold no
/// CRL, else into new structs linked from the last one (one walk of the list).
///
/// # Safety
/// `chain` is non-NULL and valid for reads and writes of a `mbedtls_x509_crl`.
unsafe fn append(chain: *mut mbedtls_x509_crl, crls: impl IntoIterator<Item = Crl>) {
    // SAFETY: per this function's contract; `fill` accepts structs that hold nothing.
    unsafe { append_all(chain, crls.into_iter().map(Arc::new), fill) };
}

/// The CRLs of the list starting at `list` (e.g. the `ca_crl` of `mbedtls_ssl_conf_ca_chain`),
/// shared with the structs: they stay valid after `mbedtls_x509_crl_free`. Structs holding no
/// CRL are skipped.
///
/// # Returns
/// None for NULL; otherwise the CRLs in list order (possibly none).
///
/// # Safety
/// `list` is NULL or valid for reads of a `mbedtls_x509_crl`.
pub(crate) unsafe fn crls_of(list: *const mbedtls_x509_crl) -> Option<Vec<Arc<Crl>>> {
    if list.is_null() {
        return None;
    }
    // SAFETY: `list` is non-NULL and valid for reads (caller).
    let nodes = unsafe { chain_nodes(list) };
    Some(
        nodes
            .into_iter()
            // SAFETY: every node is valid for reads (see `chain_nodes`); each CRL is cloned (an
            // `Arc`) before anything can free it.
            .filter_map(|node| unsafe { crl_of(node) }.cloned())
            .collect(),
    )
}

/// [`crls_of`] as the list a TLS configuration or handshake keeps (empty for NULL).
///
/// # Safety
/// `list` is NULL or valid for reads of a `mbedtls_x509_crl`.
pub(crate) unsafe fn crl_list(list: *const mbedtls_x509_crl) -> CrlList {
    // SAFETY: the same contract.
    unsafe { crls_of(list) }.unwrap_or_default().into()
}

/// Adds parsed CRLs to `chain` and gives Mbed TLS's result code.
///
/// # Safety
/// `chain` is non-NULL and valid for reads and writes.
unsafe fn add_all(chain: *mut mbedtls_x509_crl, parsed: x509::CrlParse) -> c_int {
    // SAFETY: the caller guarantees `chain` is valid.
    unsafe { append(chain, parsed.crls) };
    match parsed.result {
        Ok(()) => 0,
        Err(e) => code_of(e),
    }
}

/// The input of the parse functions: None for NULL `chain` or `buf`, or `(NULL, n > 0)`.
///
/// # Safety
/// `buf` is NULL or valid for `buflen` bytes.
unsafe fn input<'a>(chain: *mut mbedtls_x509_crl, buf: *const c_uchar, buflen: usize) -> Option<&'a [u8]> {
    if chain.is_null() || buf.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees `buf`, non-NULL here, is valid for `buflen` bytes.
    unsafe { in_slice(buf, buflen) }
}

// ---------------------------------------------------------------------------------------------
// Exports

/// Initialises a CRL struct: it holds no CRL (`version` 0) and `next` is NULL. Call before any
/// other function on it.
///
/// Writes without reading, so it is fine on uninitialised memory. NULL is ignored.
///
/// # Safety
/// `crl` is NULL or valid for writes of a `mbedtls_x509_crl`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crl_init(crl: *mut mbedtls_x509_crl) {
    entry!(mbedtls_x509_crl_init, {
        // SAFETY: caller guarantees `crl` is NULL or valid for writes.
        unsafe { handle::init(crl) }
    })
}

/// Frees every CRL of the list starting at `crl` (and the structs the library allocated for
/// `next`), and leaves `crl` as after `mbedtls_x509_crl_init`.
///
/// NULL, empty structs and repeated calls are fine. CRLs already handed to a configuration
/// (`mbedtls_ssl_conf_ca_chain`) stay valid there.
///
/// # Safety
/// `crl` is NULL or an initialised (or zeroed) struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crl_free(crl: *mut mbedtls_x509_crl) {
    entry!(mbedtls_x509_crl_free, {
        // SAFETY: caller guarantees `crl` is NULL or an initialised (or zeroed) struct.
        unsafe { free_shell_chain(crl, release_node) }
    })
}

/// Parses one DER CRL and appends it to the list (into `chain` itself when it holds no CRL
/// yet). The DER is copied; it must be exactly one CRL (no trailing bytes).
///
/// # Returns
/// * 0 on success;
/// * `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `chain` or `buf`;
/// * the parse error: `MBEDTLS_ERR_X509_INVALID_FORMAT` (also for `buflen` 0 and trailing
///   bytes), `_INVALID_VERSION`, `_UNKNOWN_VERSION`, `_INVALID_ALG`, `_UNKNOWN_SIG_ALG`,
///   `_INVALID_NAME`, `_INVALID_DATE`, `_INVALID_SERIAL`, `_INVALID_EXTENSIONS` (also for a
///   critical CRL extension), `_SIG_MISMATCH`, `_INVALID_SIGNATURE`. The list is unchanged on
///   error.
///
/// Differences from Mbed TLS: the codes are the X.509 part only (Mbed TLS adds a low-level
/// ASN.1 code to some, e.g. `INVALID_FORMAT + ASN1_LENGTH_MISMATCH`), and a malformed
/// revokedCertificates list gives `INVALID_FORMAT` where Mbed TLS returns the bare ASN.1 code.
/// A failed parse leaves no empty struct at the end of the list.
///
/// # Safety
/// `chain` is NULL or an initialised struct; `buf` is NULL or valid for `buflen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crl_parse_der(
    chain: *mut mbedtls_x509_crl,
    buf: *const c_uchar,
    buflen: usize,
) -> c_int {
    entry!(mbedtls_x509_crl_parse_der, {
        // SAFETY: `buf` is NULL or valid for `buflen` bytes (the contract of this function).
        let Some(der) = (unsafe { input(chain, buf, buflen) }) else {
            return code_of(Error::X509BadInputData);
        };
        match Crl::from_der(der) {
            Ok(crl) => {
                // SAFETY: `chain` is non-NULL (checked by `input`) and initialised.
                unsafe { append(chain, [crl]) };
                0
            }
            Err(e) => code_of(e),
        }
    })
}

/// Parses one or more CRLs and appends them to the list.
///
/// `buf` is PEM when its first `-----BEGIN X509 CRL-----` block decodes: then every
/// `X509 CRL` block is parsed in order (text before and between blocks is ignored), and the
/// first failure ends the parse with its code, keeping the CRLs added before it. As in Mbed
/// TLS, text after the last block other than the terminating NUL gives
/// `MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT` (every CRL was added nevertheless). Otherwise
/// `buf` is one DER CRL (`mbedtls_x509_crl_parse_der`).
///
/// # Returns
/// 0, or the first error (see `mbedtls_x509_crl_parse_der`; `MBEDTLS_ERR_PEM_INVALID_DATA` for
/// a later block that is not base64); `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `chain` or
/// `buf`.
///
/// Differences from Mbed TLS: PEM `buflen` may include the terminating NUL (as Mbed TLS
/// requires) or not. Error codes as for `mbedtls_x509_crl_parse_der`.
///
/// # Safety
/// `chain` is NULL or an initialised struct; `buf` is NULL or valid for `buflen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crl_parse(
    chain: *mut mbedtls_x509_crl,
    buf: *const c_uchar,
    buflen: usize,
) -> c_int {
    entry!(mbedtls_x509_crl_parse, {
        // SAFETY: `buf` is NULL or valid for `buflen` bytes (the contract of this function).
        let Some(data) = (unsafe { input(chain, buf, buflen) }) else {
            return code_of(Error::X509BadInputData);
        };
        // SAFETY: `chain` is non-NULL (checked by `input`) and initialised.
        unsafe { add_all(chain, x509::parse_crls(data)) }
    })
}

/// Reads a file of CRLs (PEM or one DER CRL) and appends them to the list, as
/// `mbedtls_x509_crl_parse` does (a file containing `-----BEGIN ` is given its terminating
/// NUL, as Mbed TLS's file loader does).
///
/// # Returns
/// As `mbedtls_x509_crl_parse`; `MBEDTLS_ERR_PK_FILE_IO_ERROR` when the file cannot be read
/// (the code Mbed TLS returns, from its shared file loader); `MBEDTLS_ERR_X509_BAD_INPUT_DATA`
/// for NULL `chain` or `path`.
///
/// # Safety
/// `chain` is NULL or an initialised struct; `path` is NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crl_parse_file(chain: *mut mbedtls_x509_crl, path: *const c_char) -> c_int {
    entry!(mbedtls_x509_crl_parse_file, {
        // SAFETY: caller guarantees `path` is NULL or a C string.
        let path = unsafe { in_path(path) };
        let (Some(path), false) = (path, chain.is_null()) else {
            return code_of(Error::X509BadInputData);
        };
        let Ok(mut data) = std::fs::read(path) else {
            return code_of(Error::PkFileIoError);
        };
        if data.windows(11).any(|w| w == b"-----BEGIN ") {
            data.push(0);
        }
        // SAFETY: `chain` is non-NULL (checked) and initialised.
        unsafe { add_all(chain, x509::parse_crls(&data)) }
    })
}

/// Writes a readable description of the CRL `crl` (not of the rest of its list) into `buf`:
/// version, issuer, update times, one line per revoked certificate (serial number and
/// revocation date), signature algorithm; each line starting with `prefix`. The same text as
/// Mbed TLS, also for a struct holding no CRL. NUL-terminated when `size > 0`.
///
/// # Returns
/// The length written (without the NUL); `MBEDTLS_ERR_X509_BUFFER_TOO_SMALL` when the text did
/// not fit (it is cut); `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `buf` or `crl`.
///
/// Differences from Mbed TLS: a NULL `prefix` counts as "".
///
/// # Safety
/// `buf` is NULL or valid for writes of `size` bytes; `prefix` is NULL or a C string; `crl` is
/// NULL or an initialised struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crl_info(
    buf: *mut c_char,
    size: usize,
    prefix: *const c_char,
    crl: *const mbedtls_x509_crl,
) -> c_int {
    entry!(mbedtls_x509_crl_info, {
        if crl.is_null() {
            return code_of(Error::X509BadInputData);
        }
        // SAFETY: caller guarantees `prefix` is NULL or a C string.
        let p = unsafe { in_cstr(prefix) }.map(|p| p.to_string_lossy()).unwrap_or_default();
        // SAFETY: caller guarantees `crl` is an initialised struct; the CRL lives until the text
        // is written.
        let text = match unsafe { crl_of(crl) } {
            Some(crl) => x509::crl_info(crl, &p),
            None => {
                let zero = Time::default();
                format!(
                    "{p}CRL version   : 0\n{p}issuer name   : \n{p}this update   : {zero}\n\
                     {p}next update   : {zero}\n{p}Revoked certificates:\n{p}signed using  : ???\n"
                )
            }
        };
        // SAFETY: caller guarantees `buf` is NULL or valid for `size` bytes.
        unsafe { write_text(buf, size, &text) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::handle::Shell;

    use crate::test_support::read_cert as read;

    fn parse(list: &mut mbedtls_x509_crl, data: &[u8]) -> c_int {
        // SAFETY: `list` is a live local; the data is a live slice with its length.
        unsafe { mbedtls_x509_crl_parse(list, data.as_ptr(), data.len()) }
    }

    fn entries(crl: &mbedtls_x509_crl) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut e: *const mbedtls_x509_crl_entry = &crl.entry;
        while !e.is_null() {
            // SAFETY: the entry list of a parsed CRL, alive while `crl` is.
            let entry = unsafe { &*e };
            if entry.serial.len > 0 {
                // SAFETY: the serial points into the CRL's DER, alive while `crl` is.
                out.push(unsafe { core::slice::from_raw_parts(entry.serial.p, entry.serial.len) }.to_vec());
            }
            e = entry.next;
        }
        out
    }

    #[test]
    fn fields_lists_and_sharing() {
        let mut list = mbedtls_x509_crl::EMPTY;
        // SAFETY: `list` is a live local.
        unsafe { mbedtls_x509_crl_init(&mut list) };
        assert_eq!(parse(&mut list, &read("crls.pem")), 0);
        assert_eq!(list.version, 2);
        let core = Crl::from_der(&read("crl-ca.der")).unwrap();
        // SAFETY: `raw` points into the CRL's DER, alive while `list` is.
        assert_eq!(unsafe { core::slice::from_raw_parts(list.raw.p, list.raw.len) }, core.der());
        let want: Vec<Vec<u8>> = core.entries().iter().map(|e| core.bytes(e.serial).to_vec()).collect();
        assert_eq!(entries(&list), want);
        assert_eq!((list.crl_ext.tag, list.issuer.private_next_merged), (0xA0, 0));
        assert!(!list.issuer.next.is_null());
        // SAFETY: `next` is the second struct of the list, allocated by it.
        let second = unsafe { &*list.next };
        assert_eq!((second.version, entries(second).len()), (2, 1));
        // DER appends a third; the shared CRLs outlive the structs.
        // SAFETY: `list` is a live local; the DER slice is live with its length.
        let der = read("crl-ca-v1.pem");
        assert_eq!(parse(&mut list, &der), 0);
        // SAFETY: `list` is a live local.
        let shared = unsafe { crls_of(&list) }.unwrap();
        assert_eq!(shared.iter().map(|c| c.version()).collect::<Vec<_>>(), [2, 2, 1]);
        // SAFETY: `list` is a live local; free is idempotent.
        unsafe {
            mbedtls_x509_crl_free(&mut list);
            mbedtls_x509_crl_free(&mut list);
            mbedtls_x509_crl_free(ptr::null_mut());
        }
        assert_eq!((list.version, list.next, list.issuer.next), (0, ptr::null_mut(), ptr::null_mut()));
        assert_eq!(shared[2].issuer_string(), "O=rustls-mbedtls-compat test, CN=Test CA");
        // SAFETY: NULL is accepted.
        assert!(unsafe { crls_of(ptr::null()) }.is_none());
        // SAFETY: `list` is a live local, now empty.
        assert_eq!(unsafe { crls_of(&list) }.unwrap().len(), 0);
    }

    #[test]
    fn copies_and_garbage_are_harmless() {
        let mut list = mbedtls_x509_crl::EMPTY;
        assert_eq!(parse(&mut list, &read("crls.pem")), 0);
        // SAFETY: a bitwise copy as C makes; the struct has no destructor.
        let mut copy = unsafe { ptr::read(&list) };
        // SAFETY: both are live locals; the copy's handles are dead after the first free.
        unsafe {
            mbedtls_x509_crl_free(&mut list);
            assert!(crl_of(&copy).is_none());
            mbedtls_x509_crl_free(&mut copy);
        }
        let mut garbage = mbedtls_x509_crl::EMPTY;
        garbage.next = 0x10 as *mut mbedtls_x509_crl;
        garbage.private_handle = 0x20 as *mut c_void;
        garbage.entry.next = 0x30 as *mut mbedtls_x509_crl_entry;
        assert_eq!(parse(&mut garbage, &read("crl-ca.pem")), 0);
        assert!(garbage.next.is_null());
        // SAFETY: a live local.
        unsafe { mbedtls_x509_crl_free(&mut garbage) };
    }
}
