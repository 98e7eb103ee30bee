//! `net_sockets.h`: TCP sockets through libc, `mbedtls_net_context` a plain `{ int fd; }`.
//!
//! The functions follow Mbed TLS 3.6's `library/net_sockets.c` call for call (getaddrinfo, try
//! each address, `SO_REUSEADDR`, listen backlog 10, `read`/`write`-style I/O, the same mapping
//! of `errno` values to error codes), so programs that inspect return values or `fd` see the same
//! things. The context is plain data: copy it freely, read `fd` directly, put your own descriptor
//! in it.
//!
//! Differences from Mbed TLS, all documented on the functions concerned:
//! - Only TCP: `MBEDTLS_NET_PROTO_UDP` (and any other protocol value) is refused with
//!   `MBEDTLS_ERR_NET_BAD_INPUT_DATA` by `mbedtls_net_connect` and `mbedtls_net_bind`. This
//!   library has no DTLS, so a datagram socket could not carry a secure session anyway; failing
//!   at the socket call names the problem earlier than a later handshake failure would.
//! - `SIGPIPE`: Mbed TLS sets the whole process's `SIGPIPE` disposition to `SIG_IGN` in
//!   `mbedtls_net_connect`/`mbedtls_net_bind`. This library leaves signal dispositions alone and
//!   sends with `MSG_NOSIGNAL` instead, so writing to a closed peer returns an error here too.
//!   Programs that relied on Mbed TLS to ignore `SIGPIPE` for their own writes must now do it.
//! - Waiting uses `poll(2)`, not `select(2)`: descriptors >= `FD_SETSIZE` work (Mbed TLS refuses
//!   them with `MBEDTLS_ERR_NET_POLL_FAILED`).
//! - NULL contexts and NULL buffers give error codes instead of crashing.
//! - As in Mbed TLS, sockets are created without `FD_CLOEXEC`.

use core::ffi::{CStr, c_char, c_int, c_uchar, c_ulong, c_void};
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
use std::time::{Duration, Instant};

use super::error::{code_of, count_or_code, status};
use super::{entry, in_cstr, in_slice, out_slice};
use crate::error::Error;

pub use super::error::codes::net_sockets::*;

/// A network endpoint: just the socket's file descriptor, -1 when closed.
///
/// A plain value: programs copy it (e.g. to hand a client to a thread), read `fd` to add it to
/// their own event loop, or store a descriptor of their own in `fd`. No memory is attached to it.
#[repr(C)]
pub struct mbedtls_net_context {
    /// The socket descriptor, or -1 when the context holds no socket.
    pub fd: c_int,
}

// ---------------------------------------------------------------------------------------------
// Socket plumbing

/// `send(2)` flags: no `SIGPIPE` when the peer has gone.
#[cfg(not(target_vendor = "apple"))]
const SEND_FLAGS: c_int = libc::MSG_NOSIGNAL;
#[cfg(target_vendor = "apple")]
const SEND_FLAGS: c_int = 0;

/// Sets an `int`-valued `SOL_SOCKET` option; returns `setsockopt(2)`'s result.
fn set_socket_option(fd: c_int, option: c_int, value: c_int) -> c_int {
    let len = core::mem::size_of::<c_int>() as libc::socklen_t;
    // SAFETY: the option value is a live c_int and `len` is its size; a bad `fd` only fails.
    unsafe { libc::setsockopt(fd, libc::SOL_SOCKET, option, (&raw const value).cast(), len) }
}

/// Apple systems have no `MSG_NOSIGNAL`; the socket option `SO_NOSIGPIPE` does the same job.
fn suppress_sigpipe(fd: c_int) {
    #[cfg(target_vendor = "apple")]
    let _ = set_socket_option(fd, libc::SO_NOSIGPIPE, 1);
    let _ = fd;
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// The descriptor held by a context, or `NetInvalidContext` for NULL or a negative `fd`.
///
/// # Safety
/// A non-NULL `ctx` must point to a readable `mbedtls_net_context`.
unsafe fn open_fd(ctx: *const mbedtls_net_context) -> Result<c_int, Error> {
    // SAFETY: the caller guarantees that a non-NULL `ctx` is readable.
    match unsafe { ctx.as_ref() } {
        Some(&mbedtls_net_context { fd }) if fd >= 0 => Ok(fd),
        _ => Err(Error::NetInvalidContext),
    }
}

fn is_nonblocking(fd: c_int) -> bool {
    // SAFETY: fcntl(F_GETFL) takes no pointer; a descriptor that is not open only fails.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    flags != -1 && flags & libc::O_NONBLOCK != 0
}

/// Whether a failure with `err` means "try again later": only on a non-blocking socket (a
/// blocking socket with `SO_RCVTIMEO` that times out is a plain failure, as in Mbed TLS).
fn would_block(fd: c_int, err: c_int) -> bool {
    (err == libc::EAGAIN || err == libc::EWOULDBLOCK) && is_nonblocking(fd)
}

/// The result of a `read`/`write`-style call that returned `n`: the byte count, or the error
/// mapped as Mbed TLS does (`want` for would-block and EINTR, a reset for EPIPE/ECONNRESET,
/// `failed` otherwise). Call it right after the system call, before `errno` changes.
fn transferred(fd: c_int, n: isize, want: Error, failed: Error) -> Result<usize, Error> {
    usize::try_from(n).map_err(|_| match errno() {
        err if would_block(fd, err) || err == libc::EINTR => want,
        libc::EPIPE | libc::ECONNRESET => Error::NetConnReset,
        _ => failed,
    })
}

/// The result list of one `getaddrinfo(3)` call, freed on drop.
struct AddrList(*mut libc::addrinfo);

impl AddrList {
    /// Resolves `host`/`port` for TCP, IPv4 and IPv6 as the resolver orders them; `passive`
    /// asks for wildcard addresses when `host` is NULL (binding) instead of loopback.
    fn resolve(host: Option<&CStr>, port: Option<&CStr>, passive: bool) -> Result<Self, Error> {
        // SAFETY: addrinfo is plain C data; all-zero is the documented "no hints" value.
        let mut hints: libc::addrinfo = unsafe { core::mem::zeroed() };
        hints.ai_family = libc::AF_UNSPEC;
        hints.ai_socktype = libc::SOCK_STREAM;
        hints.ai_protocol = libc::IPPROTO_TCP;
        if passive {
            hints.ai_flags = libc::AI_PASSIVE;
        }
        let mut list = core::ptr::null_mut();
        // SAFETY: the strings are NUL-terminated or NULL, `hints` and `list` are live locals.
        let ret = unsafe {
            libc::getaddrinfo(
                host.map_or(core::ptr::null(), CStr::as_ptr),
                port.map_or(core::ptr::null(), CStr::as_ptr),
                &hints,
                &mut list,
            )
        };
        if ret != 0 {
            return Err(Error::NetUnknownHost);
        }
        Ok(Self(list))
    }

    fn iter(&self) -> impl Iterator<Item = &libc::addrinfo> {
        // SAFETY: getaddrinfo's list is a valid NULL-terminated chain that lives as long as self.
        core::iter::successors(unsafe { self.0.as_ref() }, |ai| unsafe { ai.ai_next.as_ref() })
    }

    /// Tries the addresses in order, each with a new socket, and returns the first socket that
    /// `setup` succeeds on. Otherwise the error of the last address tried, as Mbed TLS reports it.
    fn first_socket(&self, setup: impl Fn(c_int, &libc::addrinfo) -> Result<(), Error>) -> Result<OwnedFd, Error> {
        let mut error = Error::NetUnknownHost;
        for ai in self.iter() {
            // SAFETY: socket(2) takes no pointers; the values come from getaddrinfo.
            let fd = unsafe { libc::socket(ai.ai_family, ai.ai_socktype, ai.ai_protocol) };
            if fd < 0 {
                error = Error::NetSocketFailed;
                continue;
            }
            // SAFETY: a fresh descriptor that nothing else owns: dropping `sock` closes it.
            let sock = unsafe { OwnedFd::from_raw_fd(fd) };
            match setup(fd, ai) {
                Ok(()) => return Ok(sock),
                Err(e) => error = e,
            }
        }
        Err(error)
    }
}

impl Drop for AddrList {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the list came from getaddrinfo and is freed once.
            unsafe { libc::freeaddrinfo(self.0) };
        }
    }
}

/// Connects to the first address of `host`/`port` that accepts.
fn connect_tcp(host: Option<&CStr>, port: Option<&CStr>) -> Result<OwnedFd, Error> {
    AddrList::resolve(host, port, false)?.first_socket(|fd, ai| {
        // SAFETY: connect(2) with an address and length from getaddrinfo.
        if unsafe { libc::connect(fd, ai.ai_addr, ai.ai_addrlen) } != 0 {
            return Err(Error::NetConnectFailed);
        }
        suppress_sigpipe(fd);
        Ok(())
    })
}

/// Binds and listens on the first address of `ip`/`port` that works.
fn bind_tcp(ip: Option<&CStr>, port: Option<&CStr>) -> Result<OwnedFd, Error> {
    AddrList::resolve(ip, port, ip.is_none())?.first_socket(|fd, ai| {
        if set_socket_option(fd, libc::SO_REUSEADDR, 1) != 0 {
            return Err(Error::NetSocketFailed);
        }
        // SAFETY: bind(2) with an address and length from getaddrinfo.
        if unsafe { libc::bind(fd, ai.ai_addr, ai.ai_addrlen) } != 0 {
            return Err(Error::NetBindFailed);
        }
        // SAFETY: listen(2) takes no pointers.
        if unsafe { libc::listen(fd, MBEDTLS_NET_LISTEN_BACKLOG) } != 0 {
            return Err(Error::NetListenFailed);
        }
        Ok(())
    })
}

/// Shared body of `mbedtls_net_connect` / `mbedtls_net_bind`: checks `ctx` and `proto`, opens
/// the socket with `open` and stores it in `ctx`, which is left unchanged on failure.
///
/// # Safety
/// `ctx` must be NULL or point to a writable context; `host` and `port` must be NULL or
/// NUL-terminated strings.
unsafe fn open_into(
    ctx: *mut mbedtls_net_context,
    host: *const c_char,
    port: *const c_char,
    proto: c_int,
    open: fn(Option<&CStr>, Option<&CStr>) -> Result<OwnedFd, Error>,
) -> Result<(), Error> {
    if ctx.is_null() || proto != MBEDTLS_NET_PROTO_TCP {
        return Err(Error::NetBadInputData);
    }
    // SAFETY: the caller guarantees that both are NULL or NUL-terminated strings.
    let sock = open(unsafe { in_cstr(host) }, unsafe { in_cstr(port) })?;
    // SAFETY: `ctx` is not NULL, and the caller guarantees that it is writable.
    unsafe { (*ctx).fd = sock.into_raw_fd() };
    Ok(())
}

/// The client address of an accepted connection as raw bytes in network order: 4 for IPv4, 16
/// for IPv6, none for other families.
fn client_ip_bytes(addr: &libc::sockaddr_storage) -> Vec<u8> {
    let raw: *const libc::sockaddr_storage = addr;
    match c_int::from(addr.ss_family) {
        libc::AF_INET => {
            // SAFETY: the kernel wrote a sockaddr_in for an AF_INET peer, and sockaddr_storage is
            // large and aligned enough for it.
            let v4 = unsafe { &*raw.cast::<libc::sockaddr_in>() };
            v4.sin_addr.s_addr.to_ne_bytes().to_vec()
        }
        libc::AF_INET6 => {
            // SAFETY: as above, a sockaddr_in6 for an AF_INET6 peer.
            let v6 = unsafe { &*raw.cast::<libc::sockaddr_in6>() };
            v6.sin6_addr.s6_addr.to_vec()
        }
        _ => Vec::new(),
    }
}

/// Milliseconds for `poll(2)` until `deadline` (None: forever), rounded up so that a wait never
/// ends early, and capped to what `poll` takes (longer waits loop).
fn poll_ms(deadline: Option<Instant>) -> c_int {
    deadline.map_or(-1, |d| {
        let left = d.saturating_duration_since(Instant::now());
        left.as_micros().div_ceil(1000).min(c_int::MAX as u128) as c_int
    })
}

fn deadline_after(ms: u32) -> Instant {
    Instant::now() + Duration::from_millis(u64::from(ms))
}

/// What one `poll(2)` wait ended with.
enum Wait {
    /// The deadline passed.
    TimedOut,
    /// Some of the requested events (or an error/hang-up condition) are pending: `revents`.
    Ready(libc::c_short),
    /// `poll` failed with this errno.
    Failed(c_int),
}

/// Waits for `events` on `fd` until `deadline`, retrying when a long wait was capped.
/// With `events == 0` it only sleeps, as `select(2)` with empty sets does.
fn wait_for(fd: c_int, events: libc::c_short, deadline: Option<Instant>) -> Wait {
    loop {
        let mut pfd = libc::pollfd { fd: if events == 0 { -1 } else { fd }, events, revents: 0 };
        // SAFETY: one live pollfd, and the count passed is 1.
        let ret = unsafe { libc::poll(&mut pfd, 1, poll_ms(deadline)) };
        if ret < 0 {
            return Wait::Failed(errno());
        }
        if ret > 0 {
            return Wait::Ready(pfd.revents);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Wait::TimedOut;
        }
    }
}

/// Shared body of `mbedtls_net_recv` (`timeout` None) and `mbedtls_net_recv_timeout` (waits for
/// data first, `Some(0)` forever).
///
/// # Safety
/// As `mbedtls_net_recv`.
unsafe fn recv_from(ctx: *mut c_void, buf: *mut c_uchar, len: usize, timeout: Option<u32>) -> Result<usize, Error> {
    // SAFETY: the caller guarantees that `ctx` is NULL or a readable context.
    let fd = unsafe { open_fd(ctx.cast()) }?;
    // SAFETY: the caller guarantees that a non-NULL `buf` is writable for `len` bytes.
    let buf = unsafe { out_slice(buf, len) }.ok_or(Error::NetBadInputData)?;
    wait_readable(fd, timeout)?;
    let len = buf.len().min(c_int::MAX as usize);
    // SAFETY: `buf` is writable for `len` bytes. read(2), not recv(2), as Mbed TLS, so that any
    // descriptor (a pipe in tests, a serial line) works.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), len) };
    transferred(fd, n, Error::SslWantRead, Error::NetRecvFailed)
}

/// `mbedtls_net_recv_timeout`'s wait for data (`timeout` None: no wait, `Some(0)`: forever).
fn wait_readable(fd: c_int, timeout: Option<u32>) -> Result<(), Error> {
    let Some(timeout) = timeout else { return Ok(()) };
    match wait_for(fd, libc::POLLIN, (timeout != 0).then(|| deadline_after(timeout))) {
        Wait::TimedOut => Err(Error::SslTimeout),
        Wait::Failed(libc::EINTR) => Err(Error::SslWantRead),
        Wait::Failed(_) => Err(Error::NetRecvFailed),
        Wait::Ready(revents) if revents & libc::POLLNVAL != 0 => Err(Error::NetRecvFailed),
        Wait::Ready(_) => Ok(()),
    }
}

/// At most `max` of what `mbedtls_net_recv` (`timeout` None) or `mbedtls_net_recv_timeout`
/// would receive, in `buf` (emptied first; the bytes go into its spare capacity, nothing is
/// zeroed), left in the socket (`MSG_PEEK`): it waits, blocks or says "would block" exactly as
/// they would, and the bytes are still there for the next receive. None when the descriptor is
/// not a socket (a pipe, a serial line), which cannot be peeked at.
///
/// # Safety
/// `ctx` is NULL or points to a readable `mbedtls_net_context`.
pub(crate) unsafe fn peek_from(
    ctx: *mut c_void,
    buf: &mut Vec<u8>,
    max: usize,
    timeout: Option<u32>,
) -> Option<Result<usize, Error>> {
    // SAFETY: the caller guarantees that `ctx` is NULL or a readable context.
    let fd = match unsafe { open_fd(ctx.cast()) } {
        Ok(fd) => fd,
        Err(e) => return Some(Err(e)),
    };
    if let Err(e) = wait_readable(fd, timeout) {
        return Some(Err(e));
    }
    buf.clear();
    let len = max.min(c_int::MAX as usize);
    buf.reserve(len);
    // SAFETY: the spare capacity is writable for `len` bytes (reserved above); MSG_PEEK leaves
    // the bytes in the socket.
    let n = unsafe { libc::recv(fd, buf.spare_capacity_mut().as_mut_ptr().cast(), len, libc::MSG_PEEK) };
    if n < 0 && errno() == libc::ENOTSOCK {
        return None;
    }
    let result = transferred(fd, n, Error::SslWantRead, Error::NetRecvFailed);
    if let Ok(received) = result {
        // SAFETY: recv wrote `received` (at most `len`) bytes at the start of the spare capacity.
        unsafe { buf.set_len(received.min(len)) };
    }
    Some(result)
}

/// Shared body of `mbedtls_net_set_block` / `mbedtls_net_set_nonblock`: `fcntl(2)`'s result.
///
/// # Safety
/// `ctx` must be NULL or point to a readable context.
unsafe fn set_nonblocking(ctx: *mut mbedtls_net_context, nonblocking: bool) -> c_int {
    // SAFETY: the caller guarantees that `ctx` is NULL or a readable context.
    let fd = match unsafe { open_fd(ctx) } {
        Ok(fd) => fd,
        Err(e) => return code_of(e),
    };
    // SAFETY: fcntl(F_GETFL) takes no pointer; a descriptor that is not open only fails.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags == -1 {
        return -1;
    }
    let flags = if nonblocking { flags | libc::O_NONBLOCK } else { flags & !libc::O_NONBLOCK };
    // SAFETY: as above, with an integer argument.
    unsafe { libc::fcntl(fd, libc::F_SETFL, flags) }
}

/// Shared body of `mbedtls_net_close` / `mbedtls_net_free`: closes the descriptor, after
/// `shutdown(2)` when `shutdown` is set, and sets `fd` to -1.
///
/// # Safety
/// As `mbedtls_net_close`.
unsafe fn release(ctx: *mut mbedtls_net_context, shutdown: bool) {
    // SAFETY: the caller guarantees that a non-NULL `ctx` is writable.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else { return };
    if ctx.fd >= 0 {
        if shutdown {
            // SAFETY: shutdown(2) takes no pointers; it fails harmlessly on non-sockets.
            unsafe { libc::shutdown(ctx.fd, libc::SHUT_RDWR) };
        }
        // SAFETY: the caller owns the descriptor; it is closed once, as `fd` is reset below.
        unsafe { libc::close(ctx.fd) };
    }
    ctx.fd = -1;
}

// ---------------------------------------------------------------------------------------------
// Exports

/// Initialises a context: `fd = -1` (no socket).
///
/// Writes without reading; allocates nothing. NULL is ignored.
///
/// # Safety
/// `ctx` must be NULL or point to writable memory for one `mbedtls_net_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_init(ctx: *mut mbedtls_net_context) {
    entry!(mbedtls_net_init, {
        if !ctx.is_null() {
            // SAFETY: the caller guarantees that a non-NULL `ctx` is writable.
            unsafe { ctx.write(mbedtls_net_context { fd: -1 }) };
        }
    })
}

/// Opens a TCP connection to `host`:`port` and stores the socket in `ctx->fd`.
///
/// `host` is a name or a numeric IPv4/IPv6 address, `port` a number or service name; both are
/// passed to `getaddrinfo(3)` (as in Mbed TLS, a NULL `host` means the loopback address). Each
/// address is tried in the resolver's order until one connects. The socket is blocking. The
/// caller owns it and closes it with `mbedtls_net_free`.
///
/// # Returns
/// - 0 on success, `ctx->fd` holding the connected socket;
/// - `MBEDTLS_ERR_NET_UNKNOWN_HOST` when the name or port cannot be resolved;
/// - `MBEDTLS_ERR_NET_SOCKET_FAILED` / `MBEDTLS_ERR_NET_CONNECT_FAILED` when the last address
///   tried could not get a socket / refused or was unreachable;
/// - `MBEDTLS_ERR_NET_BAD_INPUT_DATA` when `ctx` is NULL or `proto` is not
///   `MBEDTLS_NET_PROTO_TCP`.
///
/// On failure `ctx` is left unchanged.
///
/// Differences from Mbed TLS: `MBEDTLS_NET_PROTO_UDP` is refused (this library has no DTLS);
/// Mbed TLS treats unknown `proto` values as TCP, this library refuses them. On failure Mbed TLS
/// may leave the number of an already closed socket in `ctx->fd`; this library never does. The
/// process's `SIGPIPE` disposition is not changed (module docs).
///
/// # Safety
/// `ctx` must be NULL or point to a writable context; `host` and `port` must be NULL or
/// NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_connect(
    ctx: *mut mbedtls_net_context,
    host: *const c_char,
    port: *const c_char,
    proto: c_int,
) -> c_int {
    entry!(mbedtls_net_connect, {
        // SAFETY: this function's contract is `open_into`'s.
        status(unsafe { open_into(ctx, host, port, proto, connect_tcp) })
    })
}

/// Creates a listening TCP socket bound to `bind_ip`:`port` and stores it in `ctx->fd`.
///
/// `bind_ip` NULL binds the wildcard address; otherwise only the address given (e.g.
/// `"127.0.0.1"` or `"::1"`). Both are resolved with `getaddrinfo(3)`; the first resolved address
/// that can be bound wins (IPv4 or IPv6, as the resolver orders them). The socket gets
/// `SO_REUSEADDR` and a listen backlog of `MBEDTLS_NET_LISTEN_BACKLOG` (10), and is blocking.
/// Port `"0"` picks a free port (read it back with `getsockname(2)` on `ctx->fd`).
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_NET_UNKNOWN_HOST` when the address or port cannot be resolved;
/// - `MBEDTLS_ERR_NET_SOCKET_FAILED`, `MBEDTLS_ERR_NET_BIND_FAILED` (e.g. port in use) or
///   `MBEDTLS_ERR_NET_LISTEN_FAILED` for the last address tried;
/// - `MBEDTLS_ERR_NET_BAD_INPUT_DATA` when `ctx` is NULL or `proto` is not
///   `MBEDTLS_NET_PROTO_TCP`.
///
/// On failure `ctx` is left unchanged.
///
/// Differences from Mbed TLS: UDP and unknown `proto` values are refused, as in
/// `mbedtls_net_connect`; the `SIGPIPE` disposition is not changed.
///
/// # Safety
/// `ctx` must be NULL or point to a writable context; `bind_ip` and `port` must be NULL or
/// NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_bind(
    ctx: *mut mbedtls_net_context,
    bind_ip: *const c_char,
    port: *const c_char,
    proto: c_int,
) -> c_int {
    entry!(mbedtls_net_bind, {
        // SAFETY: this function's contract is `open_into`'s.
        status(unsafe { open_into(ctx, bind_ip, port, proto, bind_tcp) })
    })
}

/// Accepts a connection on the listening socket of `bind_ctx` and stores it in `client_ctx->fd`.
///
/// Blocks unless the listener is non-blocking. The new socket is blocking (it does not inherit
/// the listener's mode). When `client_ip` is not NULL, the client's address is written there as
/// raw bytes in network order: 4 bytes for IPv4, 16 for IPv6, and their number to `*cip_len`.
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_SSL_WANT_READ` when the listener is non-blocking and no connection is pending
///   (`client_ctx->fd` is then -1);
/// - `MBEDTLS_ERR_NET_ACCEPT_FAILED` when `bind_ctx` is not a TCP socket or `accept(2)` fails
///   otherwise, including when interrupted by a signal (`client_ctx->fd` is then -1);
/// - `MBEDTLS_ERR_NET_BUFFER_TOO_SMALL` when the address does not fit in `buf_size` bytes: the
///   connection *is* accepted (`client_ctx->fd` holds it, free it as usual) and `*cip_len` holds
///   the size needed, as in Mbed TLS;
/// - `MBEDTLS_ERR_NET_INVALID_CONTEXT` when `bind_ctx` is NULL or holds no socket;
/// - `MBEDTLS_ERR_NET_BAD_INPUT_DATA` when `client_ctx` is NULL, or `client_ip` is given without
///   `cip_len`.
///
/// Differences from Mbed TLS: no UDP "accept" (listeners are TCP only here); an address of another
/// family (a Unix socket put in `bind_ctx->fd` by the program) gives `*cip_len = 0` instead of
/// garbage; bad pointers and a closed listener give the codes above instead of a crash or
/// `ACCEPT_FAILED`.
///
/// # Safety
/// `bind_ctx` and `client_ctx` must be NULL or point to valid contexts; a non-NULL `client_ip`
/// must be writable for `buf_size` bytes; a non-NULL `cip_len` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_accept(
    bind_ctx: *mut mbedtls_net_context,
    client_ctx: *mut mbedtls_net_context,
    client_ip: *mut c_void,
    buf_size: usize,
    cip_len: *mut usize,
) -> c_int {
    entry!(mbedtls_net_accept, {
        // SAFETY: the caller guarantees that `bind_ctx` is NULL or a readable context.
        let listener = match unsafe { open_fd(bind_ctx) } {
            Ok(fd) => fd,
            Err(e) => return code_of(e),
        };
        if client_ctx.is_null() || (!client_ip.is_null() && cip_len.is_null()) {
            return code_of(Error::NetBadInputData);
        }

        let mut sock_type: c_int = 0;
        let mut type_len = core::mem::size_of::<c_int>() as libc::socklen_t;
        // SAFETY: getsockopt into a live c_int with its size.
        let ret = unsafe {
            libc::getsockopt(listener, libc::SOL_SOCKET, libc::SO_TYPE, (&raw mut sock_type).cast(), &mut type_len)
        };
        if ret != 0 || sock_type != libc::SOCK_STREAM {
            return code_of(Error::NetAcceptFailed);
        }

        // SAFETY: sockaddr_storage is plain C data, valid all-zero.
        let mut addr: libc::sockaddr_storage = unsafe { core::mem::zeroed() };
        let mut addr_len = core::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: accept(2) into a live sockaddr_storage with its size.
        let fd = unsafe { libc::accept(listener, (&raw mut addr).cast(), &mut addr_len) };
        let err = errno();
        // SAFETY: `client_ctx` is not NULL, and the caller guarantees that it is writable.
        unsafe { (*client_ctx).fd = fd };
        if fd < 0 {
            // Unlike read/write, Mbed TLS's accept knows only would-block and failure.
            return code_of(if would_block(listener, err) { Error::SslWantRead } else { Error::NetAcceptFailed });
        }
        suppress_sigpipe(fd);

        if client_ip.is_null() {
            return 0;
        }
        let ip = client_ip_bytes(&addr);
        // SAFETY: `cip_len` is not NULL when `client_ip` is not (checked above), and the caller
        // guarantees that it is writable.
        unsafe { cip_len.write(ip.len()) };
        if buf_size < ip.len() {
            return code_of(Error::NetBufferTooSmall);
        }
        // SAFETY: the caller guarantees that `client_ip` is writable for `buf_size` bytes.
        if let Some(out) = unsafe { out_slice(client_ip.cast(), buf_size) } {
            out[..ip.len()].copy_from_slice(&ip);
        }
        0
    })
}

/// Puts the socket in blocking mode (clears `O_NONBLOCK`).
///
/// # Returns
/// - 0 on success;
/// - -1 when `fcntl(2)` fails (e.g. `fd` is not open), as Mbed TLS returns `fcntl`'s result;
/// - `MBEDTLS_ERR_NET_INVALID_CONTEXT` when `ctx` is NULL or `fd` < 0.
///
/// # Safety
/// `ctx` must be NULL or point to a readable context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_set_block(ctx: *mut mbedtls_net_context) -> c_int {
    // SAFETY: this function's contract is `set_nonblocking`'s.
    entry!(mbedtls_net_set_block, { unsafe { set_nonblocking(ctx, false) } })
}

/// Puts the socket in non-blocking mode (sets `O_NONBLOCK`): I/O and accept then return
/// `MBEDTLS_ERR_SSL_WANT_READ` / `MBEDTLS_ERR_SSL_WANT_WRITE` instead of waiting.
///
/// # Returns
/// As `mbedtls_net_set_block`.
///
/// # Safety
/// `ctx` must be NULL or point to a readable context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_set_nonblock(ctx: *mut mbedtls_net_context) -> c_int {
    // SAFETY: this function's contract is `set_nonblocking`'s.
    entry!(mbedtls_net_set_nonblock, { unsafe { set_nonblocking(ctx, true) } })
}

/// Waits until the socket is readable and/or writable, or `timeout` milliseconds pass.
///
/// `rw` is a combination of `MBEDTLS_NET_POLL_READ` and `MBEDTLS_NET_POLL_WRITE` (0 just sleeps
/// for `timeout`). `timeout` 0 checks without waiting; `(uint32_t) -1` waits forever. End of
/// file, a reset and socket errors count as readable (and errors as writable), as with
/// `select(2)`, so that the following recv/send reports them. A signal does not end the wait.
///
/// # Returns
/// - the bitmask of requested conditions that are ready (> 0), or 0 when the timeout expired;
/// - `MBEDTLS_ERR_NET_INVALID_CONTEXT` when `ctx` is NULL or `fd` < 0;
/// - `MBEDTLS_ERR_NET_BAD_INPUT_DATA` when `rw` has other bits;
/// - `MBEDTLS_ERR_NET_POLL_FAILED` when `poll(2)` fails or `fd` is not an open descriptor.
///
/// Differences from Mbed TLS: `poll(2)` instead of `select(2)`, so descriptors >= `FD_SETSIZE`
/// work; an interrupted wait resumes with the time left (Mbed TLS 3.6 means to retry but its
/// check never matches, so it returns `POLL_FAILED`).
///
/// # Safety
/// `ctx` must be NULL or point to a readable context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_poll(ctx: *mut mbedtls_net_context, rw: u32, timeout: u32) -> c_int {
    entry!(mbedtls_net_poll, {
        // SAFETY: the caller guarantees that `ctx` is NULL or a readable context.
        let fd = match unsafe { open_fd(ctx) } {
            Ok(fd) => fd,
            Err(e) => return code_of(e),
        };
        let known = (MBEDTLS_NET_POLL_READ | MBEDTLS_NET_POLL_WRITE) as u32;
        if rw & !known != 0 {
            return code_of(Error::NetBadInputData);
        }
        let want_read = rw & MBEDTLS_NET_POLL_READ as u32 != 0;
        let want_write = rw & MBEDTLS_NET_POLL_WRITE as u32 != 0;
        let events = if want_read { libc::POLLIN } else { 0 } | if want_write { libc::POLLOUT } else { 0 };
        let deadline = (timeout != u32::MAX).then(|| deadline_after(timeout));
        loop {
            match wait_for(fd, events, deadline) {
                Wait::TimedOut => return 0,
                Wait::Failed(libc::EINTR) => continue,
                Wait::Failed(_) => return code_of(Error::NetPollFailed),
                Wait::Ready(revents) if revents & libc::POLLNVAL != 0 => return code_of(Error::NetPollFailed),
                Wait::Ready(revents) => {
                    let mut ready = 0;
                    if want_read && revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
                        ready |= MBEDTLS_NET_POLL_READ;
                    }
                    if want_write && revents & (libc::POLLOUT | libc::POLLERR) != 0 {
                        ready |= MBEDTLS_NET_POLL_WRITE;
                    }
                    // Zero is only a hang-up while waiting for writability: nothing will change any
                    // more, so report writable and let the send show the error.
                    return if ready != 0 { ready } else { MBEDTLS_NET_POLL_WRITE };
                }
            }
        }
    })
}

/// Sleeps for `usec` microseconds (at least).
///
/// # Safety
/// None: no pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_usleep(usec: c_ulong) {
    entry!(mbedtls_net_usleep, {
        #[allow(clippy::useless_conversion)]
        std::thread::sleep(Duration::from_micros(u64::from(usec)));
    })
}

/// Reads at most `len` bytes from the socket of `ctx` (a `mbedtls_net_context *`): the
/// `f_recv` callback for `mbedtls_ssl_set_bio`.
///
/// Blocks on a blocking socket until at least one byte or end of file arrives. At most
/// `INT_MAX` bytes are read per call.
///
/// # Returns
/// - the number of bytes read, 0 at end of file (the peer closed);
/// - `MBEDTLS_ERR_SSL_WANT_READ` when a non-blocking socket has no data, or a signal interrupted
///   the read;
/// - `MBEDTLS_ERR_NET_CONN_RESET` when the peer reset the connection (ECONNRESET/EPIPE);
/// - `MBEDTLS_ERR_NET_RECV_FAILED` for other errors (including a blocking socket whose
///   `SO_RCVTIMEO` expired, as in Mbed TLS);
/// - `MBEDTLS_ERR_NET_INVALID_CONTEXT` when `ctx` is NULL or `fd` < 0;
/// - `MBEDTLS_ERR_NET_BAD_INPUT_DATA` when `buf` is NULL and `len` > 0 (Mbed TLS passes that
///   to `read(2)`, which fails with `RECV_FAILED` or crashes).
///
/// # Safety
/// `ctx` must be NULL or point to a readable `mbedtls_net_context`; a non-NULL `buf` must be
/// writable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_recv(ctx: *mut c_void, buf: *mut c_uchar, len: usize) -> c_int {
    // SAFETY: this function's contract is `recv_from`'s.
    entry!(mbedtls_net_recv, { count_or_code(unsafe { recv_from(ctx, buf, len, None) }) })
}

/// Like `mbedtls_net_recv`, but waits at most `timeout` milliseconds for data first: the
/// `f_recv_timeout` callback for `mbedtls_ssl_set_bio` (the SSL read timeout is passed as
/// `timeout`).
///
/// `timeout` 0 waits forever, as in Mbed TLS.
///
/// # Returns
/// - as `mbedtls_net_recv` once data (or end of file, or an error condition) is there;
/// - `MBEDTLS_ERR_SSL_TIMEOUT` when nothing arrived in time;
/// - `MBEDTLS_ERR_SSL_WANT_READ` when a signal interrupted the wait;
/// - `MBEDTLS_ERR_NET_RECV_FAILED` when waiting fails (e.g. `fd` is not open);
/// - `MBEDTLS_ERR_NET_INVALID_CONTEXT` / `MBEDTLS_ERR_NET_BAD_INPUT_DATA` as
///   `mbedtls_net_recv`, checked before waiting.
///
/// Differences from Mbed TLS: `poll(2)` instead of `select(2)` (no `FD_SETSIZE` limit).
///
/// # Safety
/// As `mbedtls_net_recv`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_recv_timeout(
    ctx: *mut c_void,
    buf: *mut c_uchar,
    len: usize,
    timeout: u32,
) -> c_int {
    // SAFETY: this function's contract is `recv_from`'s.
    entry!(mbedtls_net_recv_timeout, { count_or_code(unsafe { recv_from(ctx, buf, len, Some(timeout)) }) })
}

/// Writes at most `len` bytes to the socket of `ctx` (a `mbedtls_net_context *`): the `f_send`
/// callback for `mbedtls_ssl_set_bio`.
///
/// Blocks on a blocking socket until some bytes are taken. At most `INT_MAX` bytes per call.
/// A peer that has gone gives an error code, never `SIGPIPE` (`MSG_NOSIGNAL`). A descriptor that
/// is not a socket (a pipe) is written with `write(2)`, which may raise `SIGPIPE` as usual.
///
/// # Returns
/// - the number of bytes written (may be less than `len`);
/// - `MBEDTLS_ERR_SSL_WANT_WRITE` when a non-blocking socket's buffer is full, or a signal
///   interrupted the write;
/// - `MBEDTLS_ERR_NET_CONN_RESET` when the peer closed or reset the connection (EPIPE/ECONNRESET);
/// - `MBEDTLS_ERR_NET_SEND_FAILED` for other errors;
/// - `MBEDTLS_ERR_NET_INVALID_CONTEXT` when `ctx` is NULL or `fd` < 0;
/// - `MBEDTLS_ERR_NET_BAD_INPUT_DATA` when `buf` is NULL and `len` > 0.
///
/// Differences from Mbed TLS: `SIGPIPE` is suppressed per call instead of ignored process-wide.
///
/// # Safety
/// `ctx` must be NULL or point to a readable `mbedtls_net_context`; a non-NULL `buf` must be
/// readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_send(ctx: *mut c_void, buf: *const c_uchar, len: usize) -> c_int {
    entry!(mbedtls_net_send, {
        // SAFETY: the caller guarantees that `ctx` is NULL or a readable context.
        let fd = match unsafe { open_fd(ctx.cast()) } {
            Ok(fd) => fd,
            Err(e) => return code_of(e),
        };
        // SAFETY: the caller guarantees that a non-NULL `buf` is readable for `len` bytes.
        let Some(buf) = (unsafe { in_slice(buf, len) }) else {
            return code_of(Error::NetBadInputData);
        };
        let len = buf.len().min(c_int::MAX as usize);
        // SAFETY: `buf` is readable for `len` bytes.
        let mut n = unsafe { libc::send(fd, buf.as_ptr().cast(), len, SEND_FLAGS) };
        if n < 0 && errno() == libc::ENOTSOCK {
            // SAFETY: as for send(2) above.
            n = unsafe { libc::write(fd, buf.as_ptr().cast(), len) };
        }
        count_or_code(transferred(fd, n, Error::SslWantWrite, Error::NetSendFailed))
    })
}

/// Closes the socket without `shutdown(2)` and sets `fd` to -1.
///
/// Nothing happens when `ctx` is NULL or `fd` is negative (a negative `fd` other than -1 is
/// reset to -1).
///
/// # Safety
/// `ctx` must be NULL or point to a writable context; its `fd`, if not negative, must be a
/// descriptor the caller owns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_close(ctx: *mut mbedtls_net_context) {
    // SAFETY: this function's contract is `release`'s.
    entry!(mbedtls_net_close, { unsafe { release(ctx, false) } })
}

/// Shuts the connection down in both directions (`shutdown(2)`, so the peer sees end of file
/// even if other copies of the descriptor exist), closes it and sets `fd` to -1.
///
/// NULL and `fd == -1` (after `mbedtls_net_init`, or a second free) do nothing, as in Mbed TLS.
///
/// # Safety
/// As `mbedtls_net_close`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_net_free(ctx: *mut mbedtls_net_context) {
    // SAFETY: this function's contract is `release`'s.
    entry!(mbedtls_net_free, { unsafe { release(ctx, true) } })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/net_sockets.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::ssl::{MBEDTLS_ERR_SSL_TIMEOUT, MBEDTLS_ERR_SSL_WANT_READ, MBEDTLS_ERR_SSL_WANT_WRITE};
    use core::ptr::{null, null_mut};
    use std::ffi::CString;

    fn ctx() -> mbedtls_net_context {
        let mut ctx = mbedtls_net_context { fd: 12345 };
        // SAFETY: `ctx` is a live local.
        unsafe { mbedtls_net_init(&mut ctx) };
        assert_eq!(ctx.fd, -1);
        ctx
    }

    fn port_of(ctx: &mbedtls_net_context) -> u16 {
        // SAFETY: sockaddr_in is plain C data, valid all-zero.
        let mut addr: libc::sockaddr_in = unsafe { core::mem::zeroed() };
        let mut len = core::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        // SAFETY: getsockname writes at most `len` bytes into the live `addr`.
        let ret = unsafe { libc::getsockname(ctx.fd, (&raw mut addr).cast(), &mut len) };
        assert_eq!(ret, 0);
        u16::from_be(addr.sin_port)
    }

    /// A listener on 127.0.0.1 with a port chosen by the kernel.
    fn listener() -> (mbedtls_net_context, u16) {
        let mut l = ctx();
        // SAFETY: `l` is a live context; the strings are NUL-terminated literals.
        assert_eq!(unsafe { mbedtls_net_bind(&mut l, c"127.0.0.1".as_ptr(), c"0".as_ptr(), MBEDTLS_NET_PROTO_TCP) }, 0);
        assert!(l.fd >= 0);
        let port = port_of(&l);
        (l, port)
    }

    fn connect(port: u16) -> (c_int, mbedtls_net_context) {
        let mut c = ctx();
        let port = CString::new(port.to_string()).unwrap();
        // SAFETY: `c` is a live context; the strings are NUL-terminated.
        let ret = unsafe { mbedtls_net_connect(&mut c, c"127.0.0.1".as_ptr(), port.as_ptr(), MBEDTLS_NET_PROTO_TCP) };
        (ret, c)
    }

    /// A connected pair (client, server side) plus the listener.
    fn pair() -> (mbedtls_net_context, mbedtls_net_context, mbedtls_net_context) {
        let (mut l, port) = listener();
        let (ret, c) = connect(port);
        assert_eq!(ret, 0);
        let mut s = ctx();
        // SAFETY: `l` and `s` are live contexts; no address is asked for.
        assert_eq!(unsafe { mbedtls_net_accept(&mut l, &mut s, null_mut(), 0, null_mut()) }, 0);
        assert!(s.fd >= 0);
        (l, c, s)
    }

    fn send(c: &mut mbedtls_net_context, data: &[u8]) -> c_int {
        // SAFETY: `c` is a live context; `data` is readable for its length.
        unsafe { mbedtls_net_send((c as *mut mbedtls_net_context).cast(), data.as_ptr(), data.len()) }
    }

    fn recv(c: &mut mbedtls_net_context, buf: &mut [u8]) -> c_int {
        // SAFETY: `c` is a live context; `buf` is writable for its length.
        unsafe { mbedtls_net_recv((c as *mut mbedtls_net_context).cast(), buf.as_mut_ptr(), buf.len()) }
    }

    fn recv_timeout(c: &mut mbedtls_net_context, buf: &mut [u8], ms: u32) -> c_int {
        // SAFETY: `c` is a live context; `buf` is writable for its length.
        unsafe { mbedtls_net_recv_timeout((c as *mut mbedtls_net_context).cast(), buf.as_mut_ptr(), buf.len(), ms) }
    }

    fn free_all(ctxs: &mut [&mut mbedtls_net_context]) {
        for c in ctxs {
            // SAFETY: each `c` is a live context.
            unsafe { mbedtls_net_free(*c) };
            assert_eq!(c.fd, -1);
        }
    }

    #[test]
    fn bind_connect_accept_exchange() {
        let (mut l, port) = listener();
        let (ret, mut c) = connect(port);
        assert_eq!(ret, 0);
        let mut s = ctx();
        let mut ip = [0u8; 16];
        let mut ip_len = 0usize;
        // SAFETY: live contexts; `ip` is writable for its length and `ip_len` is a live local.
        let ret = unsafe { mbedtls_net_accept(&mut l, &mut s, ip.as_mut_ptr().cast(), ip.len(), &mut ip_len) };
        assert_eq!(ret, 0);
        assert_eq!(ip_len, 4);
        assert_eq!(ip[..4], [127, 0, 0, 1]);

        assert_eq!(send(&mut c, b"hello"), 5);
        let mut buf = [0u8; 16];
        assert_eq!(recv(&mut s, &mut buf), 5);
        assert_eq!(&buf[..5], b"hello");
        assert_eq!(send(&mut s, b"world!"), 6);
        assert_eq!(recv_timeout(&mut c, &mut buf, 1000), 6);
        assert_eq!(&buf[..6], b"world!");
        // Empty I/O, including (NULL, 0).
        assert_eq!(send(&mut c, b""), 0);
        // SAFETY: `c` is a live context; `(NULL, 0)` is an empty buffer.
        assert_eq!(unsafe { mbedtls_net_send((&raw mut c).cast(), null(), 0) }, 0);

        // The context is a plain value: a copy works on the same socket.
        let mut copy = mbedtls_net_context { fd: s.fd };
        assert_eq!(send(&mut copy, b"x"), 1);
        assert_eq!(recv(&mut c, &mut buf), 1);

        free_all(&mut [&mut c, &mut s, &mut l]);
        // SAFETY: `l` is a live context; a second free is allowed.
        unsafe { mbedtls_net_free(&mut l) };
        assert_eq!(l.fd, -1);
    }

    #[test]
    fn accept_buffer_too_small_still_accepts() {
        let (mut l, port) = listener();
        let (_, mut c) = connect(port);
        let mut s = ctx();
        let mut ip = [0u8; 3];
        let mut ip_len = 0usize;
        // SAFETY: live contexts; `ip` is writable for its length and `ip_len` is a live local.
        let ret = unsafe { mbedtls_net_accept(&mut l, &mut s, ip.as_mut_ptr().cast(), ip.len(), &mut ip_len) };
        assert_eq!(ret, MBEDTLS_ERR_NET_BUFFER_TOO_SMALL);
        assert_eq!(ip_len, 4);
        assert_eq!(ip, [0; 3]);
        assert!(s.fd >= 0, "the connection is accepted and must be freed");
        assert_eq!(send(&mut c, b"a"), 1);
        let mut buf = [0u8; 1];
        assert_eq!(recv(&mut s, &mut buf), 1);
        free_all(&mut [&mut c, &mut s, &mut l]);
    }

    #[test]
    fn non_blocking_want_read_and_want_write() {
        let (mut l, port) = listener();
        // SAFETY: `l` is a live context.
        assert_eq!(unsafe { mbedtls_net_set_nonblock(&mut l) }, 0);
        let mut s = ctx();
        // SAFETY: live contexts; no address is asked for.
        assert_eq!(unsafe { mbedtls_net_accept(&mut l, &mut s, null_mut(), 0, null_mut()) }, MBEDTLS_ERR_SSL_WANT_READ);
        assert_eq!(s.fd, -1);

        let (_, mut c) = connect(port);
        // The connection is queued: a readable listener, and a non-blocking accept takes it.
        // SAFETY: `l` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut l, MBEDTLS_NET_POLL_READ as u32, 2000) }, MBEDTLS_NET_POLL_READ);
        // SAFETY: live contexts; no address is asked for.
        assert_eq!(unsafe { mbedtls_net_accept(&mut l, &mut s, null_mut(), 0, null_mut()) }, 0);

        // SAFETY: `s` is a live context.
        assert_eq!(unsafe { mbedtls_net_set_nonblock(&mut s) }, 0);
        let mut buf = [0u8; 8];
        assert_eq!(recv(&mut s, &mut buf), MBEDTLS_ERR_SSL_WANT_READ);
        assert_eq!(send(&mut c, b"ab"), 2);
        // SAFETY: `s` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut s, MBEDTLS_NET_POLL_READ as u32, 2000) }, MBEDTLS_NET_POLL_READ);
        assert_eq!(recv(&mut s, &mut buf), 2);
        assert_eq!(recv(&mut s, &mut buf), MBEDTLS_ERR_SSL_WANT_READ);

        // Fill the send buffer until it would block (the peer does not read).
        // SAFETY: `c` is a live context.
        assert_eq!(unsafe { mbedtls_net_set_nonblock(&mut c) }, 0);
        let chunk = vec![0x42u8; 1 << 16];
        let mut last = 0;
        for _ in 0..10_000 {
            last = send(&mut c, &chunk);
            if last < 0 {
                break;
            }
        }
        assert_eq!(last, MBEDTLS_ERR_SSL_WANT_WRITE);
        // SAFETY: `c` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut c, MBEDTLS_NET_POLL_WRITE as u32, 0) }, 0);

        // Back to blocking: a blocking recv gets data at once.
        // SAFETY: `s` is a live context.
        assert_eq!(unsafe { mbedtls_net_set_block(&mut s) }, 0);
        assert!(recv(&mut s, &mut buf) > 0);
        free_all(&mut [&mut c, &mut s, &mut l]);
    }

    #[test]
    fn poll_and_recv_timeout() {
        let (mut l, mut c, mut s) = pair();
        let rw = (MBEDTLS_NET_POLL_READ | MBEDTLS_NET_POLL_WRITE) as u32;
        // SAFETY: `c` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut c, rw, 0) }, MBEDTLS_NET_POLL_WRITE);
        let start = Instant::now();
        // SAFETY: `s` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut s, MBEDTLS_NET_POLL_READ as u32, 80) }, 0);
        assert!(start.elapsed() >= Duration::from_millis(80));
        // rw = 0 only sleeps.
        let start = Instant::now();
        // SAFETY: `s` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut s, 0, 30) }, 0);
        assert!(start.elapsed() >= Duration::from_millis(30));
        // SAFETY: `s` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut s, 4, 0) }, MBEDTLS_ERR_NET_BAD_INPUT_DATA);

        let mut buf = [0u8; 8];
        let start = Instant::now();
        assert_eq!(recv_timeout(&mut s, &mut buf, 100), MBEDTLS_ERR_SSL_TIMEOUT);
        assert!(start.elapsed() >= Duration::from_millis(100));

        // Data arriving during the wait ends it.
        let mut sender = mbedtls_net_context { fd: c.fd };
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            send(&mut sender, b"late")
        });
        assert_eq!(recv_timeout(&mut s, &mut buf, 5000), 4);
        assert_eq!(&buf[..4], b"late");
        assert_eq!(t.join().unwrap(), 4);

        // Infinite waits return as soon as data is there.
        assert_eq!(send(&mut c, b"z"), 1);
        // SAFETY: `s` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut s, rw, u32::MAX) }, rw as c_int);
        assert_eq!(recv_timeout(&mut s, &mut buf, 0), 1);

        // End of file counts as readable.
        // SAFETY: `c` is a live context.
        unsafe { mbedtls_net_free(&mut c) };
        // SAFETY: `s` is a live context.
        assert_eq!(unsafe { mbedtls_net_poll(&mut s, MBEDTLS_NET_POLL_READ as u32, 2000) }, MBEDTLS_NET_POLL_READ);
        assert_eq!(recv_timeout(&mut s, &mut buf, 2000), 0);
        free_all(&mut [&mut s, &mut l]);
    }

    #[test]
    fn closed_peer_gives_errors_not_sigpipe() {
        let (mut l, mut c, mut s) = pair();
        // SAFETY: `s` is a live context.
        unsafe { mbedtls_net_free(&mut s) };
        let mut buf = [0u8; 8];
        assert_eq!(recv(&mut c, &mut buf), 0, "end of file");
        // The first write may be accepted locally; the peer's RST makes a later one fail.
        let mut last = 0;
        for _ in 0..100 {
            last = send(&mut c, b"data");
            if last < 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(last, MBEDTLS_ERR_NET_CONN_RESET);
        free_all(&mut [&mut c, &mut l]);
    }

    #[test]
    fn reset_peer_gives_conn_reset_on_recv() {
        let (mut l, mut c, mut s) = pair();
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: setsockopt reads the live `linger` of the given size.
        let ret = unsafe {
            libc::setsockopt(
                s.fd,
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&raw const linger).cast(),
                core::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        assert_eq!(ret, 0);
        // SAFETY: `s` is a live context.
        unsafe { mbedtls_net_close(&mut s) };
        assert_eq!(s.fd, -1);
        let mut buf = [0u8; 8];
        assert_eq!(recv_timeout(&mut c, &mut buf, 2000), MBEDTLS_ERR_NET_CONN_RESET);
        free_all(&mut [&mut c, &mut l]);
    }

    #[test]
    fn blocking_socket_timeout_is_recv_failed_as_in_mbedtls() {
        let (mut l, mut c, mut s) = pair();
        let tv = libc::timeval { tv_sec: 0, tv_usec: 20_000 };
        // SAFETY: setsockopt reads the live `tv` of the given size.
        let ret = unsafe {
            libc::setsockopt(
                s.fd,
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&raw const tv).cast(),
                core::mem::size_of::<libc::timeval>() as libc::socklen_t,
            )
        };
        assert_eq!(ret, 0);
        let mut buf = [0u8; 8];
        assert_eq!(recv(&mut s, &mut buf), MBEDTLS_ERR_NET_RECV_FAILED);
        free_all(&mut [&mut c, &mut s, &mut l]);
    }

    #[test]
    fn connect_and_bind_failures() {
        // A port nobody listens on: bind one, learn it, close it.
        let (mut l, port) = listener();
        // SAFETY: `l` is a live context.
        unsafe { mbedtls_net_free(&mut l) };
        let (ret, c) = connect(port);
        assert_eq!(ret, MBEDTLS_ERR_NET_CONNECT_FAILED);
        assert_eq!(c.fd, -1, "unchanged on failure");

        // Unknown service name (resolved locally, no DNS involved).
        let mut c = ctx();
        // SAFETY: `c` is a live context; the strings are NUL-terminated literals.
        let ret = unsafe { mbedtls_net_connect(&mut c, c"127.0.0.1".as_ptr(), c"no-such-service-x".as_ptr(), 0) };
        assert_eq!(ret, MBEDTLS_ERR_NET_UNKNOWN_HOST);
        // SAFETY: `c` is a live context; the strings are NUL-terminated literals.
        let ret = unsafe { mbedtls_net_bind(&mut c, c"not an address".as_ptr(), c"0".as_ptr(), 0) };
        assert_eq!(ret, MBEDTLS_ERR_NET_UNKNOWN_HOST);
        assert_eq!(c.fd, -1);

        // Port in use (SO_REUSEADDR does not allow two listeners).
        let (mut l, port) = listener();
        let port_s = CString::new(port.to_string()).unwrap();
        let mut l2 = ctx();
        // SAFETY: `l2` is a live context; the strings are NUL-terminated.
        let ret = unsafe { mbedtls_net_bind(&mut l2, c"127.0.0.1".as_ptr(), port_s.as_ptr(), 0) };
        assert_eq!(ret, MBEDTLS_ERR_NET_BIND_FAILED);
        assert_eq!(l2.fd, -1);

        // UDP and unknown protocols are refused up front.
        for proto in [MBEDTLS_NET_PROTO_UDP, 2, -1] {
            // SAFETY: `c` is a live context; the strings are NUL-terminated.
            let ret = unsafe { mbedtls_net_connect(&mut c, c"127.0.0.1".as_ptr(), port_s.as_ptr(), proto) };
            assert_eq!(ret, MBEDTLS_ERR_NET_BAD_INPUT_DATA);
            // SAFETY: `c` is a live context; the strings are NUL-terminated literals.
            let ret = unsafe { mbedtls_net_bind(&mut c, c"127.0.0.1".as_ptr(), c"0".as_ptr(), proto) };
            assert_eq!(ret, MBEDTLS_ERR_NET_BAD_INPUT_DATA);
        }
        assert_eq!(c.fd, -1);
        free_all(&mut [&mut l]);
    }

    #[test]
    fn null_and_closed_contexts() {
        let mut buf = [0u8; 4];
        let mut closed = ctx();
        let mut bad = mbedtls_net_context { fd: -7 };
        // SAFETY: NULL, closed and negative contexts are all accepted; pointers are to live locals; `buf` has
        // 4 bytes.
        unsafe {
            mbedtls_net_init(null_mut());
            mbedtls_net_free(null_mut());
            mbedtls_net_close(null_mut());
            mbedtls_net_free(&mut closed);
            mbedtls_net_close(&mut closed);
            assert_eq!(closed.fd, -1);

            let p = c"0".as_ptr();
            assert_eq!(mbedtls_net_connect(null_mut(), p, p, 0), MBEDTLS_ERR_NET_BAD_INPUT_DATA);
            assert_eq!(mbedtls_net_bind(null_mut(), null(), p, 0), MBEDTLS_ERR_NET_BAD_INPUT_DATA);
            for ctx in [null_mut(), &raw mut closed, &raw mut bad] {
                assert_eq!(mbedtls_net_recv(ctx.cast(), buf.as_mut_ptr(), 4), MBEDTLS_ERR_NET_INVALID_CONTEXT);
                assert_eq!(
                    mbedtls_net_recv_timeout(ctx.cast(), buf.as_mut_ptr(), 4, 10),
                    MBEDTLS_ERR_NET_INVALID_CONTEXT
                );
                assert_eq!(mbedtls_net_send(ctx.cast(), buf.as_ptr(), 4), MBEDTLS_ERR_NET_INVALID_CONTEXT);
                assert_eq!(mbedtls_net_poll(ctx, 1, 0), MBEDTLS_ERR_NET_INVALID_CONTEXT);
                assert_eq!(mbedtls_net_set_block(ctx), MBEDTLS_ERR_NET_INVALID_CONTEXT);
                assert_eq!(mbedtls_net_set_nonblock(ctx), MBEDTLS_ERR_NET_INVALID_CONTEXT);
                let mut client = mbedtls_net_context { fd: -1 };
                assert_eq!(
                    mbedtls_net_accept(ctx, &mut client, null_mut(), 0, null_mut()),
                    MBEDTLS_ERR_NET_INVALID_CONTEXT
                );
            }
            mbedtls_net_free(&mut bad);
            assert_eq!(bad.fd, -1);
        }

        let (mut l, mut c, mut s) = pair();
        // SAFETY: live contexts; NULL buffers with lengths are refused before use; `buf` has 4 bytes.
        unsafe {
            assert_eq!(mbedtls_net_recv((&raw mut s).cast(), null_mut(), 4), MBEDTLS_ERR_NET_BAD_INPUT_DATA);
            assert_eq!(
                mbedtls_net_recv_timeout((&raw mut s).cast(), null_mut(), 4, 10),
                MBEDTLS_ERR_NET_BAD_INPUT_DATA
            );
            assert_eq!(mbedtls_net_send((&raw mut s).cast(), null(), 4), MBEDTLS_ERR_NET_BAD_INPUT_DATA);
            assert_eq!(
                mbedtls_net_accept(&mut l, null_mut(), null_mut(), 0, null_mut()),
                MBEDTLS_ERR_NET_BAD_INPUT_DATA
            );
            let mut client = ctx();
            assert_eq!(
                mbedtls_net_accept(&mut l, &mut client, buf.as_mut_ptr().cast(), 4, null_mut()),
                MBEDTLS_ERR_NET_BAD_INPUT_DATA
            );
            assert_eq!(client.fd, -1, "nothing accepted on bad arguments");
            // accept on a connected (non-listening) socket fails.
            let mut client = ctx();
            assert_eq!(
                mbedtls_net_accept(&mut c, &mut client, null_mut(), 0, null_mut()),
                MBEDTLS_ERR_NET_ACCEPT_FAILED
            );
        }
        // A descriptor number that is not open.
        let mut stale = mbedtls_net_context { fd: c.fd };
        free_all(&mut [&mut c]);
        // SAFETY: `stale` is a live context (its descriptor number is closed, which the functions handle);
        // `buf` has 4 bytes.
        unsafe {
            assert_eq!(mbedtls_net_poll(&mut stale, 1, 0), MBEDTLS_ERR_NET_POLL_FAILED);
            assert_eq!(
                mbedtls_net_recv_timeout((&raw mut stale).cast(), buf.as_mut_ptr(), 4, 10),
                MBEDTLS_ERR_NET_RECV_FAILED
            );
            assert_eq!(mbedtls_net_set_nonblock(&mut stale), -1);
        }
        free_all(&mut [&mut s, &mut l]);
    }

    #[test]
    fn non_socket_descriptors_work() {
        let mut fds = [0 as c_int; 2];
        // SAFETY: `fds` has room for the two descriptors pipe writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let mut r = mbedtls_net_context { fd: fds[0] };
        let mut w = mbedtls_net_context { fd: fds[1] };
        assert_eq!(send(&mut w, b"pipe"), 4);
        let mut buf = [0u8; 8];
        assert_eq!(recv_timeout(&mut r, &mut buf, 1000), 4);
        assert_eq!(&buf[..4], b"pipe");
        free_all(&mut [&mut r, &mut w]);
    }

    #[test]
    fn usleep_sleeps() {
        let start = Instant::now();
        // SAFETY: no pointers.
        unsafe { mbedtls_net_usleep(20_000) };
        assert!(start.elapsed() >= Duration::from_millis(20));
        // SAFETY: no pointers.
        unsafe { mbedtls_net_usleep(0) };
    }
}
