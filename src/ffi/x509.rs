//! `x509.h`: X.509 error codes, verification flags, the ASN.1 buffer, name and sequence types
//! shared by the X.509 structures (with the linked lists the library keeps), and the helper
//! functions: distinguished names and serial numbers as text, times, subjectAltName entries,
//! IP addresses in a CN.

use core::ffi::{CStr, c_char, c_int, c_uchar, c_void};
use core::ptr;

use super::error::code_of;
use super::handle::{Shell, handle_is, handle_new, handle_take};
use super::{entry, in_slice, write_c_text};
use crate::error::Error;
use crate::x509::{self, NameAttribute, Time};

pub use super::error::codes::x509::*;

/// A DER element inside a parsed structure: tag, length and a pointer to the bytes.
///
/// `p` points into memory owned by the structure it belongs to (for a certificate: its own copy
/// of the DER); it is valid until that structure is freed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_asn1_buf {
    /// ASN.1 tag of the element (e.g. 0x30 for a SEQUENCE).
    pub tag: c_int,
    /// Length of the element's contents in bytes.
    pub len: usize,
    /// The contents (or NULL when absent).
    pub p: *mut c_uchar,
}

/// An X.509 buffer: the same type as [`mbedtls_asn1_buf`].
pub type mbedtls_x509_buf = mbedtls_asn1_buf;

/// A calendar time (UTC) as found in a certificate's validity.
#[repr(C)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct mbedtls_x509_time {
    /// Year, e.g. 2026.
    pub year: c_int,
    /// Month, 1..12.
    pub mon: c_int,
    /// Day of month, 1..31.
    pub day: c_int,
    /// Hour, 0..23.
    pub hour: c_int,
    /// Minute, 0..59.
    pub min: c_int,
    /// Second, 0..59.
    pub sec: c_int,
}

include!(concat!(env!("OUT_DIR"), "/constants/x509.rs"));

impl From<Time> for mbedtls_x509_time {
    fn from(t: Time) -> Self {
        mbedtls_x509_time { year: t.year, mon: t.mon, day: t.day, hour: t.hour, min: t.min, sec: t.sec }
    }
}

impl From<mbedtls_x509_time> for Time {
    fn from(t: mbedtls_x509_time) -> Self {
        Time { year: t.year, mon: t.mon, day: t.day, hour: t.hour, min: t.min, sec: t.sec }
    }
}

/// One attribute of a distinguished name (`mbedtls_asn1_named_data`, alias
/// `mbedtls_x509_name`), and a linked list of them through `next`.
///
/// The lists inside parsed structures (`crt->subject`, `crl->issuer`, a directoryName from
/// `mbedtls_x509_parse_subject_alt_name`) belong to the library: the first node is the field
/// itself, further nodes are allocated here and freed with the structure. Treat them as
/// read-only.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_asn1_named_data {
    /// The attribute type OID (contents).
    pub oid: mbedtls_asn1_buf,
    /// The attribute value (contents; `tag` is its string type).
    pub val: mbedtls_asn1_buf,
    /// The next attribute, or NULL.
    pub next: *mut mbedtls_asn1_named_data,
    /// Private (`MBEDTLS_PRIVATE(next_merged)`): non-zero when the next attribute belongs to the
    /// same multi-valued RDN.
    pub private_next_merged: c_uchar,
}

/// A distinguished name: a list of [`mbedtls_asn1_named_data`].
pub type mbedtls_x509_name = mbedtls_asn1_named_data;

/// A list of DER elements (`mbedtls_asn1_sequence`, alias `mbedtls_x509_sequence`).
#[repr(C)]
pub struct mbedtls_asn1_sequence {
    /// This element.
    pub buf: mbedtls_asn1_buf,
    /// The next element, or NULL.
    pub next: *mut mbedtls_asn1_sequence,
}

/// A list of DER elements.
pub type mbedtls_x509_sequence = mbedtls_asn1_sequence;

/// RFC 4108 hardwareModuleName: `value.hardware_module_name` of an otherName.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_x509_san_hardware_module_name {
    /// hwType (OID contents).
    pub oid: mbedtls_x509_buf,
    /// hwSerialNum (OCTET STRING contents).
    pub val: mbedtls_x509_buf,
}

/// The value of an otherName (only hardwareModuleName is parsed).
#[repr(C)]
#[derive(Clone, Copy)]
pub union mbedtls_x509_san_other_name_value {
    pub hardware_module_name: mbedtls_x509_san_hardware_module_name,
}

/// An otherName subjectAltName entry.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_x509_san_other_name {
    /// The type-id OID (contents).
    pub type_id: mbedtls_x509_buf,
    pub value: mbedtls_x509_san_other_name_value,
}

/// The parsed forms of a subjectAltName entry, by `type`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union mbedtls_x509_subject_alternative_name_san {
    /// `MBEDTLS_X509_SAN_OTHER_NAME`.
    pub other_name: mbedtls_x509_san_other_name,
    /// `MBEDTLS_X509_SAN_DIRECTORY_NAME` (free with `mbedtls_x509_free_subject_alt_name`).
    pub directory_name: mbedtls_x509_name,
    /// rfc822Name, dNSName, uniformResourceIdentifier, iPAddress: the contents.
    pub unstructured_name: mbedtls_x509_buf,
}

/// One parsed subjectAltName entry (`mbedtls_x509_parse_subject_alt_name`).
#[repr(C)]
pub struct mbedtls_x509_subject_alternative_name {
    /// `MBEDTLS_X509_SAN_*`.
    pub r#type: c_int,
    pub san: mbedtls_x509_subject_alternative_name_san,
}

/// A list of parsed subjectAltName entries.
#[repr(C)]
pub struct mbedtls_x509_san_list {
    pub node: mbedtls_x509_subject_alternative_name,
    pub next: *mut mbedtls_x509_san_list,
}

/// The empty buffer.
pub(crate) const EMPTY_BUF: mbedtls_x509_buf = mbedtls_x509_buf { tag: 0, len: 0, p: ptr::null_mut() };

/// A buffer over `bytes` (which must outlive every use of it).
pub(crate) fn buf_of(tag: u8, bytes: &[u8]) -> mbedtls_x509_buf {
    mbedtls_x509_buf { tag: tag as c_int, len: bytes.len(), p: bytes.as_ptr().cast_mut() }
}

/// The empty name (as after `memset(0)`).
pub(crate) const EMPTY_NAME: mbedtls_x509_name =
    mbedtls_x509_name { oid: EMPTY_BUF, val: EMPTY_BUF, next: ptr::null_mut(), private_next_merged: 0 };

/// The empty sequence.
pub(crate) const EMPTY_SEQUENCE: mbedtls_x509_sequence =
    mbedtls_x509_sequence { buf: EMPTY_BUF, next: ptr::null_mut() };

impl Linked for mbedtls_x509_sequence {
    fn next(&self) -> *mut Self {
        self.next
    }
    fn set_next(&mut self, next: *mut Self) {
        self.next = next;
    }
}

/// A C sequence of `bufs` (all zero for none); free the tail with [`free_linked`].
pub(crate) fn sequence(bufs: Vec<mbedtls_x509_buf>) -> mbedtls_x509_sequence {
    link(bufs.into_iter().map(|buf| mbedtls_x509_sequence { buf, next: ptr::null_mut() }).collect())
        .unwrap_or(EMPTY_SEQUENCE)
}

/// A node of a C linked list whose nodes after the first are allocated here (registered, so
/// that freeing checks each pointer: a list a program built or damaged is never freed wrongly).
pub(crate) trait Linked: Sized + 'static {
    fn next(&self) -> *mut Self;
    fn set_next(&mut self, next: *mut Self);
}

impl Linked for mbedtls_x509_name {
    fn next(&self) -> *mut Self {
        self.next
    }
    fn set_next(&mut self, next: *mut Self) {
        self.next = next;
    }
}

/// Links `nodes` into a list: returns the first (to be stored in a struct field), the others
/// allocated and registered; None for no nodes.
pub(crate) fn link<T: Linked>(nodes: Vec<T>) -> Option<T> {
    let mut next: *mut T = ptr::null_mut();
    let mut nodes = nodes;
    while let Some(mut node) = nodes.pop() {
        node.set_next(next);
        if nodes.is_empty() {
            return Some(node);
        }
        next = handle_new(node).cast();
    }
    None
}

#[cfg(test)]
thread_local! {
    /// Work done walking chains on this thread (nodes and comparisons; tests check it is linear).
    pub(crate) static CHAIN_STEPS: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

/// Counts `n` steps of a chain walk (tests only).
fn chain_steps(_n: usize) {
    #[cfg(test)]
    CHAIN_STEPS.with(|c| c.set(c.get() + _n));
}

/// The structs of a chain of shells (`mbedtls_x509_crt`, `mbedtls_x509_crl`) starting at
/// `head`: `head` itself, then each `next` that is a live struct allocated here. Stops at
/// anything else (NULL, garbage, a cycle).
///
/// # Safety
/// `head` is non-NULL and valid for reads of a `T`.
pub(crate) unsafe fn chain_nodes<T: Linked>(head: *const T) -> Vec<*mut T> {
    let mut out = vec![head.cast_mut()];
    let mut seen = std::collections::HashSet::from([head.cast_mut()]);
    // SAFETY: the caller guarantees `head` is valid for reads.
    let mut next = unsafe { (*head).next() };
    while handle_is::<T>(next.cast()) && seen.insert(next) {
        chain_steps(1);
        out.push(next);
        // SAFETY: the registry just confirmed `next` as a live struct allocated here.
        next = unsafe { (*next).next() };
    }
    out
}

/// Puts `items` into the chain of shells starting at `head`, in order: into the structs that
/// hold nothing first, then into new structs linked after the last one. Walks the chain once,
/// so appending a bundle is linear in its size.
///
/// `fill(node, item, next)` writes `item` into `node`, an empty struct, with `next` as its
/// `next` (the struct's own `next` when that is a live struct allocated here, else NULL).
///
/// # Returns
/// The struct that received the last item; None when `items` is empty.
///
/// # Safety
/// `head` is non-NULL and valid for reads and writes of a `T`; `fill` may be called with any
/// struct of the chain that holds nothing, and with new structs allocated here.
pub(crate) unsafe fn append_all<T: Linked + Shell, I>(
    head: *mut T,
    items: impl IntoIterator<Item = I>,
    fill: unsafe fn(*mut T, I, *mut T),
) -> Option<*mut T> {
    let mut items = items.into_iter().peekable();
    items.peek()?;
    // SAFETY: the caller guarantees `head` is non-NULL and valid for reads.
    let nodes = unsafe { chain_nodes(head) };
    let mut filled = None;
    for &node in &nodes {
        // SAFETY: every node is valid for reads and writes: the head by the caller's contract,
        // the others because the registry confirmed them as live structs allocated here.
        unsafe {
            if super::handle::is_set(node) {
                continue;
            }
            let Some(item) = items.next() else { break };
            let next = (*node).next();
            let next = if handle_is::<T>(next.cast()) { next } else { ptr::null_mut() };
            fill(node, item, next);
        }
        filled = Some(node);
    }
    let mut last = *nodes.last().expect("at least the head");
    for item in items {
        let node = handle_new(T::EMPTY).cast::<T>();
        // SAFETY: `node` was just allocated (an empty struct) by the registry; `last` is valid
        // for writes (a struct of the chain, or the previous new one), and linking `node` hands
        // it to the chain, which frees it.
        unsafe {
            fill(node, item, ptr::null_mut());
            (*last).set_next(node);
        }
        last = node;
        filled = Some(node);
    }
    filled
}

/// Frees the chain of shells starting at `head` (the structs allocated here for `next`, and
/// what each holds, through `release`), and leaves `head` empty.
///
/// # Safety
/// `head` is NULL or valid for reads and writes of a `T`; `release` frees what one struct
/// holds without freeing the struct.
pub(crate) unsafe fn free_shell_chain<T: Linked + Shell>(head: *mut T, release: unsafe fn(*mut T)) {
    if head.is_null() {
        return;
    }
    // SAFETY: `head` is non-NULL and valid (caller).
    let nodes = unsafe { chain_nodes(head) };
    for (i, &node) in nodes.iter().enumerate() {
        // SAFETY: every node is valid (see `chain_nodes`); its contents go before the node.
        unsafe { release(node) };
        if i > 0 {
            drop(handle_take::<T>(node.cast()));
        }
    }
    // SAFETY: caller guarantees `head` is valid for writes; everything it owned is released.
    unsafe { head.write(T::EMPTY) };
}

/// Frees the nodes from `next` on that [`link`] allocated; stops at anything else.
pub(crate) fn free_linked<T: Linked>(mut next: *mut T) {
    while let Some(node) = handle_take::<T>(next.cast()) {
        next = node.next();
    }
}

/// The C list of a parsed name: pointers into `names`, which must outlive the list.
pub(crate) fn name_list(names: &[NameAttribute]) -> mbedtls_x509_name {
    let nodes = names
        .iter()
        .map(|a| mbedtls_x509_name {
            oid: buf_of(crate::der::OID, &a.oid),
            val: buf_of(a.tag, &a.value),
            next: ptr::null_mut(),
            private_next_merged: a.merged_with_next.into(),
        })
        .collect();
    link(nodes).unwrap_or(EMPTY_NAME)
}

/// The most nodes of a C list read (a guard against cycles in lists a program built).
const MAX_NODES: usize = 1 << 16;

/// The attributes of a C name list, for `mbedtls_x509_dn_gets`. Nodes without an OID are
/// skipped, as Mbed TLS does.
///
/// # Safety
/// `dn` is NULL or the head of a list of valid nodes.
unsafe fn names_from_c(dn: *const mbedtls_x509_name) -> Result<Vec<NameAttribute>, Error> {
    let mut out = Vec::new();
    let mut node = dn;
    let mut count = 0;
    while !node.is_null() {
        count += 1;
        if count > MAX_NODES {
            return Err(Error::X509BadInputData);
        }
        // SAFETY: `node` is a valid node of the list (the contract of this function).
        let n = unsafe { &*node };
        if !n.oid.p.is_null() {
            // SAFETY: the buffers of a valid node are readable for their lengths.
            let (oid, value) = unsafe { (in_slice(n.oid.p, n.oid.len), in_slice(n.val.p, n.val.len)) };
            let (Some(oid), Some(value)) = (oid, value) else {
                return Err(Error::X509BadInputData);
            };
            out.push(NameAttribute {
                oid: oid.to_vec(),
                tag: u8::try_from(n.val.tag).unwrap_or(0),
                value: value.to_vec(),
                merged_with_next: n.private_next_merged != 0,
            });
        }
        node = n.next;
    }
    Ok(out)
}

/// Writes `text` into `(buf, size)` for the text functions of x509.h, x509_crt.h and
/// x509_crl.h: the length written, `MBEDTLS_ERR_X509_BUFFER_TOO_SMALL` when truncated (the
/// text is cut and NUL-terminated), `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `buf`.
///
/// # Safety
/// `buf` is NULL or valid for writes of `size` bytes.
pub(crate) unsafe fn write_text(buf: *mut c_char, size: usize, text: &str) -> c_int {
    if buf.is_null() {
        return code_of(Error::X509BadInputData);
    }
    // SAFETY: caller guarantees `buf` is valid for `size` bytes.
    match unsafe { write_c_text(buf, size, text) }.and_then(|n| c_int::try_from(n).ok()) {
        Some(n) => n,
        None => code_of(Error::X509BufferTooSmall),
    }
}

// ---------------------------------------------------------------------------------------------
// Exports

/// Writes the distinguished name `dn` (a name list, e.g. `&crt->subject` or `&crl->issuer`)
/// as text into `buf`: `short=value` pairs separated by `", "` (`" + "` inside a multi-valued
/// RDN), RFC 4514 escapes, values that are not strings as `#` and the hex of their DER.
/// NUL-terminated when `size > 0`.
///
/// # Returns
/// The length written (without the NUL); `MBEDTLS_ERR_X509_BUFFER_TOO_SMALL` when the text or
/// one value's text (over 255 characters) does not fit; `MBEDTLS_ERR_X509_INVALID_NAME` for a
/// NUL byte in a string value; `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `buf` or a node
/// whose buffer is `(NULL, len > 0)`.
///
/// Differences from Mbed TLS: NULL `dn` writes the empty string (Mbed TLS writes nothing and
/// returns 0); a list longer than 65536 nodes (a cycle) is refused with BAD_INPUT_DATA.
///
/// # Safety
/// `buf` is NULL or valid for writes of `size` bytes; `dn` is NULL or a valid name list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_dn_gets(buf: *mut c_char, size: usize, dn: *const mbedtls_x509_name) -> c_int {
    entry!(mbedtls_x509_dn_gets, {
        if buf.is_null() {
            return code_of(Error::X509BadInputData);
        }
        // SAFETY: `dn` is NULL or a valid list (the contract of this function).
        let text = unsafe { names_from_c(dn) }.and_then(|names| x509::dn_text(&names));
        match text {
            // SAFETY: `buf` is valid for `size` bytes (the contract of this function).
            Ok(text) => unsafe { write_text(buf, size, &text) },
            Err(e) => code_of(e),
        }
    })
}

/// The first attribute of the next RDN after `dn` in its name list (skipping the other
/// attributes of a multi-valued RDN), or NULL at the end. A real function here (a
/// `static inline` one in Mbed TLS 3.6).
///
/// # Safety
/// `dn` is NULL or a node of a valid name list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_dn_get_next(dn: *mut mbedtls_x509_name) -> *mut mbedtls_x509_name {
    entry!(mbedtls_x509_dn_get_next, {
        let mut node = dn;
        for _ in 0..MAX_NODES {
            if node.is_null() {
                return ptr::null_mut();
            }
            // SAFETY: `node` is a node of a valid list (the contract of this function).
            let n = unsafe { &*node };
            if n.private_next_merged == 0 || n.next.is_null() {
                return n.next;
            }
            node = n.next;
        }
        ptr::null_mut()
    })
}

/// Writes the serial number `serial` (its contents, e.g. `&crt->serial`) as colon-separated
/// hex bytes into `buf`: a leading zero byte dropped; over 32 bytes, the first 28 and `....`.
///
/// # Returns
/// The length written; `MBEDTLS_ERR_X509_BUFFER_TOO_SMALL` when it does not fit (the text is
/// cut, NUL-terminated); `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `buf` or `serial`, or a
/// serial whose `p` is NULL with `len > 0`.
///
/// # Safety
/// `buf` is NULL or valid for writes of `size` bytes; `serial` is NULL or a valid buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_serial_gets(
    buf: *mut c_char,
    size: usize,
    serial: *const mbedtls_x509_buf,
) -> c_int {
    entry!(mbedtls_x509_serial_gets, {
        if serial.is_null() {
            return code_of(Error::X509BadInputData);
        }
        // SAFETY: `serial` is a valid buffer (the contract of this function).
        let Some(bytes) = (unsafe { in_slice((*serial).p, (*serial).len) }) else {
            return code_of(Error::X509BadInputData);
        };
        // SAFETY: `buf` is NULL or valid for `size` bytes.
        unsafe { write_text(buf, size, &x509::serial_string(bytes)) }
    })
}

/// Compares two times: negative when `t1` is earlier than `t2`, 0 when equal, positive when
/// later (Mbed TLS's value: the difference of the packed date, else of the packed time).
///
/// Differences from Mbed TLS: NULL gives 0.
///
/// # Safety
/// Each pointer is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_time_cmp(t1: *const mbedtls_x509_time, t2: *const mbedtls_x509_time) -> c_int {
    entry!(mbedtls_x509_time_cmp, on_panic = 0, {
        if t1.is_null() || t2.is_null() {
            return 0;
        }
        // SAFETY: both are readable (the contract of this function).
        let (a, b) = unsafe { (Time::from(*t1), Time::from(*t2)) };
        a.cmp_mbedtls(&b)
    })
}

/// Fills `now` with the UTC calendar time of `tt` (seconds since 1970).
///
/// # Returns
/// 0; -1 when the time cannot be represented (as Mbed TLS, from `gmtime`);
/// `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for NULL `now`.
///
/// # Safety
/// `now` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_time_gmtime(tt: libc::time_t, now: *mut mbedtls_x509_time) -> c_int {
    entry!(mbedtls_x509_time_gmtime, {
        if now.is_null() {
            return code_of(Error::X509BadInputData);
        }
        match Time::from_unix(tt) {
            // SAFETY: `now` is writable (the contract of this function).
            Some(t) => unsafe {
                now.write(t.into());
                0
            },
            None => -1,
        }
    })
}

/// The current time against `t`, for `mbedtls_x509_time_is_past` / `_is_future`: 1 when
/// `t` is NULL or the clock is unusable (Mbed TLS's "1 on error"), else `test(cmp)`.
///
/// # Safety
/// `t` is NULL or readable.
unsafe fn against_now(t: *const mbedtls_x509_time, test: fn(i32) -> bool) -> c_int {
    if t.is_null() {
        return 1;
    }
    let Some(now) = Time::now() else {
        return 1;
    };
    // SAFETY: `t` is readable (the contract of this function).
    let t = Time::from(unsafe { *t });
    test(t.cmp_mbedtls(&now)).into()
}

/// 1 when `to` is earlier than the current time (UTC), or on error; 0 otherwise.
///
/// Differences from Mbed TLS: NULL gives 1.
///
/// # Safety
/// `to` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_time_is_past(to: *const mbedtls_x509_time) -> c_int {
    entry!(mbedtls_x509_time_is_past, on_panic = 1, {
        // SAFETY: `to` is NULL or readable (the contract of this function).
        unsafe { against_now(to, |c| c < 0) }
    })
}

/// 1 when `from` is later than the current time (UTC), or on error; 0 otherwise.
///
/// Differences from Mbed TLS: NULL gives 1.
///
/// # Safety
/// `from` is NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_time_is_future(from: *const mbedtls_x509_time) -> c_int {
    entry!(mbedtls_x509_time_is_future, on_panic = 1, {
        // SAFETY: `from` is NULL or readable (the contract of this function).
        unsafe { against_now(from, |c| c > 0) }
    })
}

/// Parses `cn` as an IP address into `dst` (16 bytes): IPv6 when `cn` contains `:`, else
/// dotted-decimal IPv4 (four decimal octets, no leading zeros), as `inet_pton` does on the
/// POSIX systems where Mbed TLS uses it.
///
/// # Returns
/// The address length written (4 or 16); 0 when `cn` is no address, or for NULL.
///
/// # Safety
/// `cn` is NULL or a C string; `dst` is NULL or writable for 16 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_parse_cn_inet_pton(cn: *const c_char, dst: *mut c_void) -> usize {
    entry!(mbedtls_x509_crt_parse_cn_inet_pton, {
        if cn.is_null() || dst.is_null() {
            return 0;
        }
        // SAFETY: `cn` is a C string (the contract of this function).
        let Ok(text) = unsafe { CStr::from_ptr(cn) }.to_str() else {
            return 0;
        };
        let octets: Vec<u8> = if text.contains(':') {
            match text.parse::<std::net::Ipv6Addr>() {
                Ok(ip) => ip.octets().to_vec(),
                Err(_) => return 0,
            }
        } else {
            match text.parse::<std::net::Ipv4Addr>() {
                Ok(ip) => ip.octets().to_vec(),
                Err(_) => return 0,
            }
        };
        // SAFETY: `dst` is writable for 16 bytes (the contract of this function).
        unsafe { ptr::copy_nonoverlapping(octets.as_ptr(), dst.cast::<u8>(), octets.len()) };
        octets.len()
    })
}

/// Parses one subjectAltName entry, as found in `crt->subject_alt_names` (its tag and
/// contents), into `san`. Pointers in `san` point into `san_buf`'s memory (the certificate);
/// a directoryName's name list is allocated: release it with
/// `mbedtls_x509_free_subject_alt_name`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE` for a type that is not parsed (x400Address,
/// ediPartyName, registeredID, an otherName other than hardwareModuleName);
/// `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for an iPAddress that is not 4 or 16 bytes, and for NULL
/// pointers or a `(NULL, len > 0)` buffer; `MBEDTLS_ERR_X509_INVALID_EXTENSIONS` for a
/// malformed otherName; `MBEDTLS_ERR_X509_INVALID_NAME` for a malformed directoryName.
///
/// Differences from Mbed TLS: on error `san` is left untouched; a directoryName that is not a
/// SEQUENCE gives `INVALID_NAME` (Mbed TLS: the bare ASN.1 code).
///
/// # Safety
/// `san_buf` is NULL or a valid buffer; `san` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_parse_subject_alt_name(
    san_buf: *const mbedtls_x509_buf,
    san: *mut mbedtls_x509_subject_alternative_name,
) -> c_int {
    entry!(mbedtls_x509_parse_subject_alt_name, {
        if san_buf.is_null() || san.is_null() {
            return code_of(Error::X509BadInputData);
        }
        // SAFETY: `san_buf` is a valid buffer (the contract of this function).
        let (tag, contents) = unsafe { ((*san_buf).tag, in_slice((*san_buf).p, (*san_buf).len)) };
        let Some(contents) = contents else {
            return code_of(Error::X509BadInputData);
        };
        let entry = match x509::parse_san_entry(tag as u8, contents) {
            Ok(entry) => entry,
            Err(e) => return code_of(e),
        };
        let at = |r: core::ops::Range<usize>, tag: u8| buf_of(tag, &contents[r]);
        let (kind, parsed) = match entry {
            x509::SanEntry::HardwareModuleName { type_id, hw_type, serial } => (
                MBEDTLS_X509_SAN_OTHER_NAME,
                mbedtls_x509_subject_alternative_name_san {
                    other_name: mbedtls_x509_san_other_name {
                        type_id: at(type_id, crate::der::OID),
                        value: mbedtls_x509_san_other_name_value {
                            hardware_module_name: mbedtls_x509_san_hardware_module_name {
                                oid: at(hw_type, crate::der::OID),
                                val: at(serial, crate::der::OCTET_STRING),
                            },
                        },
                    },
                },
            ),
            x509::SanEntry::Unstructured => (
                (tag & 0x1F) as c_int,
                // SAFETY: `san_buf` is a valid buffer (checked above).
                mbedtls_x509_subject_alternative_name_san { unstructured_name: unsafe { *san_buf } },
            ),
            x509::SanEntry::Directory(names) => {
                let nodes = names
                    .into_iter()
                    .map(|n| mbedtls_x509_name {
                        oid: at(n.oid, crate::der::OID),
                        val: at(n.value, n.tag),
                        next: ptr::null_mut(),
                        private_next_merged: n.merged_with_next.into(),
                    })
                    .collect();
                let directory_name = link(nodes).unwrap_or(EMPTY_NAME);
                (MBEDTLS_X509_SAN_DIRECTORY_NAME, mbedtls_x509_subject_alternative_name_san { directory_name })
            }
        };
        // SAFETY: `san` is writable (the contract of this function); it held nothing we own
        // that the caller has not freed (as in Mbed TLS, parsing over a parsed directoryName
        // without freeing it leaks its list).
        unsafe { san.write(mbedtls_x509_subject_alternative_name { r#type: kind, san: parsed }) };
        0
    })
}

/// Frees what `mbedtls_x509_parse_subject_alt_name` allocated in `san` (a directoryName's name
/// list after its first node). NULL and repeated calls are fine.
///
/// # Safety
/// `san` is NULL or a struct filled by `mbedtls_x509_parse_subject_alt_name` (or zeroed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_free_subject_alt_name(san: *mut mbedtls_x509_subject_alternative_name) {
    entry!(mbedtls_x509_free_subject_alt_name, {
        // SAFETY: `san` is NULL or a valid struct (the contract of this function); the union is
        // read as a name only for the directoryName type, which set it, and only registered
        // nodes are freed.
        unsafe {
            if !san.is_null() && (*san).r#type == MBEDTLS_X509_SAN_DIRECTORY_NAME {
                free_linked((*san).san.directory_name.next);
                (*san).san.directory_name.next = ptr::null_mut();
            }
        }
    })
}
