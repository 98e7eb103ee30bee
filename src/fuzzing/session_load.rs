//! `mbedtls_ssl_session_load` on arbitrary bytes, through the C entry points: it returns a
//! documented code, never crashes; a blob that loads saves back to the same bytes (but for the
//! check value, which fuzzing builds do not verify).

use crate::ffi::ssl::{
    MBEDTLS_ERR_SSL_BAD_INPUT_DATA, MBEDTLS_ERR_SSL_VERSION_MISMATCH, mbedtls_ssl_session, mbedtls_ssl_session_free,
    mbedtls_ssl_session_init, mbedtls_ssl_session_load, mbedtls_ssl_session_save,
};

pub fn run(data: &[u8]) {
    let mut session = core::mem::MaybeUninit::<mbedtls_ssl_session>::uninit();
    // SAFETY: `session` is writable storage for one session shell, initialised here.
    unsafe { mbedtls_ssl_session_init(session.as_mut_ptr()) };
    // SAFETY: the shell was initialised above; `data` is readable for its length.
    let ret = unsafe { mbedtls_ssl_session_load(session.as_mut_ptr(), data.as_ptr(), data.len()) };
    assert!(
        ret == 0 || ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA || ret == MBEDTLS_ERR_SSL_VERSION_MISMATCH,
        "unexpected code {ret}"
    );
    if ret == 0 {
        let mut out = vec![0u8; data.len()];
        let mut olen = 0usize;
        // SAFETY: the shell holds a loaded session; `out` is writable for its length and
        // `olen` is a valid place for the length.
        let saved = unsafe { mbedtls_ssl_session_save(session.as_ptr(), out.as_mut_ptr(), out.len(), &mut olen) };
        assert_eq!(saved, 0);
        assert_eq!(olen, data.len());
        assert_eq!(&out[..olen - 8], &data[..data.len() - 8]);
    }
    // SAFETY: the shell was initialised above and is freed once.
    unsafe { mbedtls_ssl_session_free(session.as_mut_ptr()) };
}
