//! The shells of `ssl.h`, `ssl_cache.h` and `ssl_ticket.h` through their C functions: garbage,
//! freed, copied and doubly freed shells are refused with the documented code, never
//! dereferenced; setup refuses a second call.

use core::ptr;

use super::*;
use crate::ffi::ssl_cache::{
    mbedtls_ssl_cache_context, mbedtls_ssl_cache_free, mbedtls_ssl_cache_get_timeout, mbedtls_ssl_cache_init,
    mbedtls_ssl_cache_remove, mbedtls_ssl_cache_set_timeout,
};
use crate::ffi::ssl_ticket::{
    mbedtls_ssl_ticket_context, mbedtls_ssl_ticket_free, mbedtls_ssl_ticket_init, mbedtls_ssl_ticket_write,
};

const BAD_INPUT: c_int = MBEDTLS_ERR_SSL_BAD_INPUT_DATA;

unsafe extern "C" fn rng(_: *mut c_void, out: *mut c_uchar, len: usize) -> c_int {
    // SAFETY: the library passes a buffer of `len` bytes.
    unsafe { ptr::write_bytes(out, 7, len) };
    0
}

/// A client configuration ready for `mbedtls_ssl_setup`.
fn client_config(conf: &mut mbedtls_ssl_config) {
    // SAFETY: `conf` is a local shell of this test.
    unsafe {
        mbedtls_ssl_config_init(conf);
        let ret = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, 0);
        assert_eq!(ret, 0);
        mbedtls_ssl_conf_rng(conf, Some(rng), ptr::null_mut());
        mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
    }
}

#[test]
fn contexts_garbage_copies_and_double_frees() {
    let mut conf = mbedtls_ssl_config { private_handle: ptr::null_mut() };
    client_config(&mut conf);
    let mut garbage = mbedtls_ssl_context { private_handle: 0x5a5a_5a5a as *mut c_void };
    let mut ssl = mbedtls_ssl_context::EMPTY;
    // SAFETY: every pointer is a local shell of this test or NULL.
    unsafe {
        assert_eq!(mbedtls_ssl_handshake(&mut garbage), BAD_INPUT, "garbage is not a context");
        assert_eq!(mbedtls_ssl_setup(ptr::null_mut(), &conf), BAD_INPUT);
        mbedtls_ssl_init(&mut ssl);
        assert_eq!(mbedtls_ssl_handshake(&mut ssl), BAD_INPUT, "not set up");
        assert_eq!(mbedtls_ssl_setup(&mut ssl, &conf), 0);
        assert_eq!(mbedtls_ssl_setup(&mut ssl, &conf), BAD_INPUT, "setup twice");
        assert_eq!(mbedtls_ssl_set_hostname(&mut ssl, c"localhost".as_ptr()), 0);
        // A copy of the shell works while the original lives (the same object) ...
        let mut copy = mbedtls_ssl_context { private_handle: ssl.private_handle };
        assert_eq!(mbedtls_ssl_get_bytes_avail(&copy), 0);
        // ... and is refused once the original was freed.
        mbedtls_ssl_free(&mut ssl);
        assert_eq!(mbedtls_ssl_handshake(&mut copy), BAD_INPUT, "freed through another shell");
        assert_eq!(mbedtls_ssl_get_version_number(&copy), MBEDTLS_SSL_VERSION_UNKNOWN);
        mbedtls_ssl_free(&mut copy);
        mbedtls_ssl_free(&mut ssl);
        mbedtls_ssl_free(ptr::null_mut());
        mbedtls_ssl_config_free(&mut conf);
    }
}

#[test]
fn configurations_and_sessions_freed_or_garbage() {
    let mut conf = mbedtls_ssl_config { private_handle: ptr::null_mut() };
    client_config(&mut conf);
    let copy = mbedtls_ssl_config { private_handle: conf.private_handle };
    let mut session = mbedtls_ssl_session::EMPTY;
    let mut olen = 0usize;
    // SAFETY: every pointer is a local shell or buffer of this test, or NULL.
    unsafe {
        assert_eq!(mbedtls_ssl_conf_get_endpoint(&copy), MBEDTLS_SSL_IS_CLIENT);
        mbedtls_ssl_config_free(&mut conf);
        mbedtls_ssl_config_free(&mut conf);
        let mut ssl = mbedtls_ssl_context::EMPTY;
        assert_eq!(mbedtls_ssl_setup(&mut ssl, &copy), BAD_INPUT, "a freed configuration");

        mbedtls_ssl_session_init(&mut session);
        assert_eq!(mbedtls_ssl_session_load(&mut session, b"garbage".as_ptr(), 7), BAD_INPUT);
        assert_eq!(
            mbedtls_ssl_session_save(&session, ptr::null_mut(), 0, &mut olen),
            MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE,
            "an empty session"
        );
        let stale = core::mem::transmute::<usize, mbedtls_ssl_session>(0x1000); // garbage
        assert_eq!(mbedtls_ssl_session_get_id_len(&stale), 0);
        assert_eq!(
            mbedtls_ssl_session_save(&stale, ptr::null_mut(), 0, &mut olen),
            MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE
        );
        mbedtls_ssl_session_free(&mut session);
        mbedtls_ssl_session_free(&mut session);
    }
}

#[test]
fn caches_and_ticket_contexts_freed_or_garbage() {
    let mut cache = mbedtls_ssl_cache_context::EMPTY;
    // SAFETY: the shell is one pointer (repr(C)); this is what stack garbage looks like.
    let mut keys = unsafe { core::mem::transmute::<usize, mbedtls_ssl_ticket_context>(0x77) };
    let mut session = mbedtls_ssl_session::EMPTY;
    let (mut buf, mut tlen, mut lifetime) = ([0u8; 64], 0usize, 0u32);
    let end = buf.as_mut_ptr_range().end;
    // SAFETY: every pointer is a local shell or buffer of this test, or NULL.
    unsafe {
        mbedtls_ssl_cache_init(&mut cache);
        mbedtls_ssl_cache_set_timeout(&mut cache, 60);
        let mut copy = ptr::read(&cache); // a C program's struct copy
        assert_eq!(mbedtls_ssl_cache_get_timeout(&mut copy), 60);
        mbedtls_ssl_cache_free(&mut cache);
        assert_eq!(mbedtls_ssl_cache_get_timeout(&mut copy), 0, "a freed cache reads as empty");
        let id = [1u8; 32];
        let data = (&raw mut copy).cast::<c_void>();
        assert_eq!(mbedtls_ssl_cache_remove(data, id.as_ptr(), id.len()), BAD_INPUT);
        mbedtls_ssl_cache_free(&mut copy);

        mbedtls_ssl_session_init(&mut session);
        let p_ticket = (&raw mut keys).cast::<c_void>();
        let ret = mbedtls_ssl_ticket_write(p_ticket, &session, buf.as_mut_ptr(), end, &mut tlen, &mut lifetime);
        assert_eq!(ret, BAD_INPUT, "garbage ticket context");
        mbedtls_ssl_ticket_init(&mut keys);
        let ret = mbedtls_ssl_ticket_write(p_ticket, &session, buf.as_mut_ptr(), end, &mut tlen, &mut lifetime);
        assert_eq!(ret, BAD_INPUT, "no keys set up");
        mbedtls_ssl_ticket_free(&mut keys);
        mbedtls_ssl_ticket_free(&mut keys);
        mbedtls_ssl_session_free(&mut session);
    }
}

#[test]
fn record_payload_limits_and_handshake_sni_outside_a_handshake() {
    let mut conf = mbedtls_ssl_config { private_handle: ptr::null_mut() };
    client_config(&mut conf);
    let mut ssl = mbedtls_ssl_context::EMPTY;
    let mut len = 7usize;
    // SAFETY: every pointer is a local shell or variable of this test, or NULL.
    unsafe {
        assert_eq!(mbedtls_ssl_get_max_out_record_payload(ptr::null()), BAD_INPUT);
        assert_eq!(mbedtls_ssl_get_max_in_record_payload(&ssl), BAD_INPUT, "not set up");
        mbedtls_ssl_init(&mut ssl);
        assert_eq!(mbedtls_ssl_setup(&mut ssl, &conf), 0);
        assert_eq!(mbedtls_ssl_get_max_out_record_payload(&ssl), 16384);
        assert_eq!(mbedtls_ssl_get_max_in_record_payload(&ssl), 16384);
        assert!(mbedtls_ssl_get_hs_sni(&mut ssl, &mut len).is_null());
        assert_eq!(len, 0, "no handshake runs");
        assert!(mbedtls_ssl_get_hs_sni(ptr::null_mut(), ptr::null_mut()).is_null());
        mbedtls_ssl_free(&mut ssl);
        mbedtls_ssl_config_free(&mut conf);
    }
}
