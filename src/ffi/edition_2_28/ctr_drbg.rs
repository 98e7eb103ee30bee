//! `ctr_drbg.h` of Mbed TLS 2.28: `mbedtls_ctr_drbg_update_ret` (3.6 renamed it
//! `mbedtls_ctr_drbg_update`).

use core::ffi::{c_int, c_uchar};

use crate::ffi::ctr_drbg::{mbedtls_ctr_drbg_context, mbedtls_ctr_drbg_update};
use crate::ffi::entry;

/// Mixes `additional` into the generator's state, as `mbedtls_ctr_drbg_update` does here.
///
/// # Returns
/// The codes of `mbedtls_ctr_drbg_update`.
///
/// # Safety
/// As `mbedtls_ctr_drbg_update`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_update_ret(
    ctx: *mut mbedtls_ctr_drbg_context,
    additional: *const c_uchar,
    add_len: usize,
) -> c_int {
    // SAFETY: the same contract.
    entry!(mbedtls_ctr_drbg_update_ret, { unsafe { mbedtls_ctr_drbg_update(ctx, additional, add_len) } })
}
