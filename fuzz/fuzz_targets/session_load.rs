//! `mbedtls_ssl_session_load` on arbitrary bytes, through the C entry point: it must return a
//! documented code, never crash; a blob that loads must save back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mbedtls::ffi::ssl::{
    MBEDTLS_ERR_SSL_BAD_INPUT_DATA, MBEDTLS_ERR_SSL_VERSION_MISMATCH, mbedtls_ssl_session, mbedtls_ssl_session_free,
    mbedtls_ssl_session_init, mbedtls_ssl_session_load, mbedtls_ssl_session_save,
};

fuzz_target!(|data: &[u8]| {
    let mut session = core::mem::MaybeUninit::<mbedtls_ssl_session>::uninit();
    unsafe {
        mbedtls_ssl_session_init(session.as_mut_ptr());
        let ret = mbedtls_ssl_session_load(session.as_mut_ptr(), data.as_ptr(), data.len());
        assert!(
            ret == 0 || ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA || ret == MBEDTLS_ERR_SSL_VERSION_MISMATCH,
            "unexpected code {ret}"
        );
        if ret == 0 {
            let mut out = vec![0u8; data.len()];
            let mut olen = 0usize;
            assert_eq!(mbedtls_ssl_session_save(session.as_ptr(), out.as_mut_ptr(), out.len(), &mut olen), 0);
            // Same bytes, but for the check value (not verified in fuzzing builds).
            assert_eq!(olen, data.len());
            assert_eq!(&out[..olen - 8], &data[..data.len() - 8]);
        }
        mbedtls_ssl_session_free(session.as_mut_ptr());
    }
});
