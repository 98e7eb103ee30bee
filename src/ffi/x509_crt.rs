//! `x509_crt.h`: X.509 certificate chains (`mbedtls_x509_crt`).
//! (Placeholder until the x509 module lands.)

use core::ffi::c_void;
use rustls::pki_types::CertificateDer;

#[repr(C)]
pub struct mbedtls_x509_crt {
    pub next: *mut mbedtls_x509_crt,
    private_handle: *mut c_void,
}

pub(crate) unsafe fn chain_ders(_crt: *const mbedtls_x509_crt) -> Option<Vec<CertificateDer<'static>>> {
    None
}
