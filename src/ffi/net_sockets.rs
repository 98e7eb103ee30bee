//! `net_sockets.h`: TCP sockets through libc, `mbedtls_net_context` a plain `{ int fd; }`.

use core::ffi::c_int;

/// Failed to open a socket (-0x0042).
pub const MBEDTLS_ERR_NET_SOCKET_FAILED: c_int = -0x0042;
/// The connection to the given server / port failed (-0x0044).
pub const MBEDTLS_ERR_NET_CONNECT_FAILED: c_int = -0x0044;
/// Binding of the socket failed (-0x0046).
pub const MBEDTLS_ERR_NET_BIND_FAILED: c_int = -0x0046;
/// Could not listen on the socket (-0x0048).
pub const MBEDTLS_ERR_NET_LISTEN_FAILED: c_int = -0x0048;
/// Could not accept the incoming connection (-0x004A).
pub const MBEDTLS_ERR_NET_ACCEPT_FAILED: c_int = -0x004A;
/// Reading information from the socket failed (-0x004C).
pub const MBEDTLS_ERR_NET_RECV_FAILED: c_int = -0x004C;
/// Sending information through the socket failed (-0x004E).
pub const MBEDTLS_ERR_NET_SEND_FAILED: c_int = -0x004E;
/// Connection was reset by peer (-0x0050).
pub const MBEDTLS_ERR_NET_CONN_RESET: c_int = -0x0050;
/// Failed to get an IP address for the given hostname (-0x0052).
pub const MBEDTLS_ERR_NET_UNKNOWN_HOST: c_int = -0x0052;
/// Buffer is too small to hold the data (-0x0043).
pub const MBEDTLS_ERR_NET_BUFFER_TOO_SMALL: c_int = -0x0043;
/// The context is invalid, eg because it was free()ed (-0x0045).
pub const MBEDTLS_ERR_NET_INVALID_CONTEXT: c_int = -0x0045;
/// Polling the net context failed (-0x0047).
pub const MBEDTLS_ERR_NET_POLL_FAILED: c_int = -0x0047;
/// Input invalid (-0x0049).
pub const MBEDTLS_ERR_NET_BAD_INPUT_DATA: c_int = -0x0049;
