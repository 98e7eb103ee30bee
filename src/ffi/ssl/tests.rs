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
fn a_byte_copy_of_a_configuration_is_its_own_configuration() {
    let mut conf = mbedtls_ssl_config::EMPTY_SHELL;
    client_config(&mut conf);
    // SAFETY: every pointer is a local shell of this test; the copies are byte copies of a
    // shell, as `memcpy` makes them.
    unsafe {
        let mut copy = ptr::read(&conf);
        mbedtls_ssl_conf_endpoint(&mut copy, MBEDTLS_SSL_IS_SERVER);
        assert_eq!(mbedtls_ssl_conf_get_endpoint(&copy), MBEDTLS_SSL_IS_SERVER, "the copy changed");
        assert_eq!(mbedtls_ssl_conf_get_endpoint(&conf), MBEDTLS_SSL_IS_CLIENT, "the original did not");
        // A new copy on the same address replaces the old copy's object (freed: unreachable).
        let old_object = copy.private_handle;
        ptr::write(&mut copy, ptr::read(&conf));
        assert_eq!(mbedtls_ssl_conf_get_endpoint(&copy), MBEDTLS_SSL_IS_CLIENT);
        let mut ssl = mbedtls_ssl_context::EMPTY;
        mbedtls_ssl_init(&mut ssl);
        assert_eq!(mbedtls_ssl_setup(&mut ssl, &copy), 0, "setup gives the copy its own object");
        assert!(!handle::handle_is::<ConfigHandle>(old_object), "the first copy's object is freed");
        assert_ne!(copy.private_handle, conf.private_handle);
        // The context follows its configuration, the copy.
        mbedtls_ssl_conf_authmode(&mut copy, MBEDTLS_SSL_VERIFY_REQUIRED);
        assert_eq!(with_ssl(&ssl, |h| Ok(h.ctx.config().read(|s| s.authmode))), Ok(config::AuthMode::Required));
        mbedtls_ssl_free(&mut ssl);
        // Freeing a copy that still shares the original's object leaves the original alone.
        let mut unchanged = ptr::read(&conf);
        mbedtls_ssl_config_free(&mut unchanged);
        assert_eq!(mbedtls_ssl_conf_get_endpoint(&conf), MBEDTLS_SSL_IS_CLIENT);
        mbedtls_ssl_init(&mut ssl);
        assert_eq!(mbedtls_ssl_setup(&mut ssl, &conf), 0, "the original still works");
        mbedtls_ssl_free(&mut ssl);
        // Freeing the original frees its copies' objects: the copy is unusable, as in Mbed TLS.
        let copy_object = copy.private_handle;
        mbedtls_ssl_config_free(&mut conf);
        assert!(!handle::handle_is::<ConfigHandle>(copy_object));
        mbedtls_ssl_init(&mut ssl);
        assert_eq!(mbedtls_ssl_setup(&mut ssl, &copy), BAD_INPUT);
        mbedtls_ssl_config_free(&mut copy);
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

/// One direction of an in-memory connection between two contexts of this test.
type Wire = std::cell::RefCell<std::collections::VecDeque<u8>>;

/// The two directions as a BIO: `[receive from, send to]`.
struct Ends([&'static Wire; 2]);

unsafe extern "C" fn wire_send(ctx: *mut c_void, buf: *const c_uchar, len: usize) -> c_int {
    // SAFETY: `ctx` is the `Ends` this test passed to mbedtls_ssl_set_bio; `buf` holds `len` bytes.
    let (ends, data) = unsafe { (&*(ctx as *const Ends), core::slice::from_raw_parts(buf, len)) };
    ends.0[1].borrow_mut().extend(data);
    len as c_int
}

unsafe extern "C" fn wire_recv(ctx: *mut c_void, buf: *mut c_uchar, len: usize) -> c_int {
    // SAFETY: as for `wire_send`; `buf` has room for `len` bytes.
    let (ends, out) = unsafe { (&*(ctx as *const Ends), core::slice::from_raw_parts_mut(buf, len)) };
    let mut rx = ends.0[0].borrow_mut();
    if rx.is_empty() {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    let n = len.min(rx.len());
    for (b, x) in out.iter_mut().zip(rx.drain(..n)) {
        *b = x;
    }
    n as c_int
}

/// Items 6 and 7 of issue 13 through the C functions: after a full renegotiation that brought
/// a client certificate, `mbedtls_ssl_get_peer_cert` returns it, and after one without, NULL —
/// not the chain it built before — while the earlier pointer stays readable.
#[test]
fn the_peer_certificate_follows_full_renegotiations() {
    use crate::ffi::pk::{mbedtls_pk_context, mbedtls_pk_free, mbedtls_pk_init, mbedtls_pk_parse_keyfile};
    use crate::ffi::x509_crt::{
        mbedtls_x509_crt, mbedtls_x509_crt_free, mbedtls_x509_crt_init, mbedtls_x509_crt_parse_file,
    };
    use crate::test_support::{cert_path, read_cert};
    use rustls::pki_types::pem::PemObject;
    let path = |name: &str| std::ffi::CString::new(cert_path(name).to_str().unwrap()).unwrap();
    let wires: &'static [Wire; 2] = Box::leak(Box::default());
    let client_ends = Box::new(Ends([&wires[0], &wires[1]]));
    let server_ends = Box::new(Ends([&wires[1], &wires[0]]));
    let mut ca = mbedtls_x509_crt::EMPTY;
    let (mut server_crt, mut client_crt) = (mbedtls_x509_crt::EMPTY, mbedtls_x509_crt::EMPTY);
    let mut keys = [mbedtls_pk_context::EMPTY, mbedtls_pk_context::EMPTY];
    let mut confs = [(); 2].map(|_| mbedtls_ssl_config { private_handle: ptr::null_mut() });
    let (mut client, mut server) = (mbedtls_ssl_context::EMPTY, mbedtls_ssl_context::EMPTY);
    let mut buf = [0u8; 16];
    // SAFETY: every pointer is a local shell or buffer of this test (the wires and ends live
    // until the contexts are freed), or NULL.
    unsafe {
        for (crt, name) in [(&mut ca, "ca.crt"), (&mut server_crt, "server-ec.crt"), (&mut client_crt, "client.crt")] {
            mbedtls_x509_crt_init(crt);
            assert_eq!(mbedtls_x509_crt_parse_file(crt, path(name).as_ptr()), 0, "{name}");
        }
        for (key, name) in keys.iter_mut().zip(["server-ec.key", "client.key"]) {
            mbedtls_pk_init(key);
            assert_eq!(mbedtls_pk_parse_keyfile(key, path(name).as_ptr(), ptr::null(), Some(rng), ptr::null_mut()), 0);
        }
        let [client_conf, server_conf] = &mut confs;
        client_config(client_conf);
        mbedtls_ssl_config_init(server_conf);
        assert_eq!(mbedtls_ssl_config_defaults(server_conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM, 0), 0);
        mbedtls_ssl_conf_rng(server_conf, Some(rng), ptr::null_mut());
        assert_eq!(mbedtls_ssl_conf_own_cert(server_conf, &mut server_crt, &mut keys[0]), 0);
        for conf in [&mut *client_conf, &mut *server_conf] {
            mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
            mbedtls_ssl_conf_renegotiation(conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
        }
        for (ssl, conf, ends) in
            [(&mut client, &*client_conf, &client_ends), (&mut server, &*server_conf, &server_ends)]
        {
            mbedtls_ssl_init(ssl);
            assert_eq!(mbedtls_ssl_setup(ssl, conf), 0);
            let bio = &**ends as *const Ends as *mut c_void;
            mbedtls_ssl_set_bio(ssl, bio, Some(wire_send), Some(wire_recv), None);
        }
        let step = |ssl: *mut mbedtls_ssl_context, f: unsafe extern "C" fn(*mut mbedtls_ssl_context) -> c_int| {
            let ret = f(ssl);
            assert!(ret == 0 || ret == MBEDTLS_ERR_SSL_WANT_READ, "-0x{:04x}", -ret);
            ret
        };
        let (mut c, mut s) = (1, 1);
        for _ in 0..20 {
            c = if c == 0 { 0 } else { step(&mut client, mbedtls_ssl_handshake) };
            s = if s == 0 { 0 } else { step(&mut server, mbedtls_ssl_handshake) };
        }
        assert_eq!((c, s), (0, 0), "handshake");
        assert!(mbedtls_ssl_get_peer_cert(&server).is_null(), "no client certificate yet");
        let mut renegotiate = |client: &mut mbedtls_ssl_context, server: &mut mbedtls_ssl_context| {
            for _ in 0..20 {
                if step(client, mbedtls_ssl_renegotiate) == 0 {
                    return;
                }
                assert_eq!(mbedtls_ssl_read(server, buf.as_mut_ptr(), buf.len()), MBEDTLS_ERR_SSL_WANT_READ);
            }
            panic!("renegotiation did not complete");
        };

        // The server starts requiring a certificate; the client gets one.
        mbedtls_ssl_conf_authmode(server_conf, MBEDTLS_SSL_VERIFY_REQUIRED);
        mbedtls_ssl_conf_ca_chain(server_conf, &mut ca, ptr::null_mut());
        assert_eq!(mbedtls_ssl_conf_own_cert(client_conf, &mut client_crt, &mut keys[1]), 0);
        renegotiate(&mut client, &mut server);
        let first = mbedtls_ssl_get_peer_cert(&server);
        assert!(!first.is_null(), "the client's certificate");
        let raw = core::slice::from_raw_parts((*first).raw.p, (*first).raw.len);
        let der = rustls::pki_types::CertificateDer::from_pem_slice(&read_cert("client.crt")).unwrap();
        assert_eq!(raw, der.as_ref());
        assert_eq!(mbedtls_ssl_get_verify_result(&server), 0);

        // And stops: the new session has no client certificate.
        mbedtls_ssl_conf_authmode(server_conf, MBEDTLS_SSL_VERIFY_NONE);
        renegotiate(&mut client, &mut server);
        assert!(mbedtls_ssl_get_peer_cert(&server).is_null(), "no certificate in this session");
        assert_eq!(mbedtls_ssl_get_verify_result(&server), crate::verify::badcert::SKIP_VERIFY);
        assert_eq!((*first).raw.len, der.as_ref().len(), "the earlier chain is still readable");

        for ssl in [&mut client, &mut server] {
            mbedtls_ssl_free(ssl);
        }
        for conf in &mut confs {
            mbedtls_ssl_config_free(conf);
        }
        for crt in [&mut ca, &mut server_crt, &mut client_crt] {
            mbedtls_x509_crt_free(crt);
        }
        for key in &mut keys {
            mbedtls_pk_free(key);
        }
    }
}
