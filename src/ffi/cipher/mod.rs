//! `cipher.h`: the generic cipher layer. This file: the types and constants, the static
//! `mbedtls_cipher_info_t` descriptions of the ciphers offered (AES-128/192/256 in ECB, CBC, CTR
//! and GCM, ChaCha20, ChaCha20-Poly1305) and their accessors; `context.rs`: the
//! `mbedtls_cipher_context_t` functions over `crate::symmetric::cipher`.
//!
//! An `mbedtls_cipher_info_t *` is the address of one of this library's static descriptions,
//! valid for the life of the program; only those addresses are accepted back (any other pointer
//! is treated as NULL, never read). The `static inline` accessors of Mbed TLS 3.6
//! (`mbedtls_cipher_info_get_*`, `mbedtls_cipher_get_*`) are real functions here.
//!
//! Differences from Mbed TLS: CFB, OFB, XTS, CCM, KW and the DES, Camellia and ARIA ciphers are
//! not offered (`mbedtls_cipher_info_from_*` return NULL for them, as Mbed TLS does for a cipher
//! left out of its build); of the padding modes only PKCS#7 and none.

use core::ffi::{CStr, c_char, c_int};

use super::{entry, in_cstr};
use crate::symmetric::cipher::{Cipher, Mode};

mod context;
pub use context::*;

pub use super::error::codes::cipher::*;

/// `mbedtls_cipher_type_t` (an `int`-sized enum in Mbed TLS 3.6): the `MBEDTLS_CIPHER_*` values.
pub type mbedtls_cipher_type_t = c_int;
/// `mbedtls_cipher_id_t`: the `MBEDTLS_CIPHER_ID_*` values.
pub type mbedtls_cipher_id_t = c_int;
/// `mbedtls_cipher_mode_t`: the `MBEDTLS_MODE_*` values.
pub type mbedtls_cipher_mode_t = c_int;
/// `mbedtls_cipher_padding_t`: the `MBEDTLS_PADDING_*` values.
pub type mbedtls_cipher_padding_t = c_int;
/// `mbedtls_operation_t`: `MBEDTLS_ENCRYPT`, `MBEDTLS_DECRYPT`, `MBEDTLS_OPERATION_NONE`.
pub type mbedtls_operation_t = c_int;

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/cipher.rs"));

/// The description of one cipher (opaque: read it with the `mbedtls_cipher_info_get_*`
/// functions).
#[cfg(not(feature = "edition-2-28"))]
pub struct mbedtls_cipher_info_t {
    cipher: Cipher,
    cipher_type: mbedtls_cipher_type_t,
    name: &'static CStr,
}

#[cfg(not(feature = "edition-2-28"))]
impl mbedtls_cipher_info_t {
    const fn new(cipher_type: mbedtls_cipher_type_t, name: &'static CStr, cipher: Cipher) -> Self {
        Self { cipher, cipher_type, name }
    }

    fn cipher(&self) -> Cipher {
        self.cipher
    }

    fn name(&self) -> &'static CStr {
        self.name
    }
}

/// The description of one cipher, with the public fields of Mbed TLS 2.28 (programs read
/// `info->mode`, `info->key_bitlen`, ...); the `mbedtls_cipher_info_get_*` functions work too.
/// `base` is always NULL (this library has no per-cipher function table).
///
/// cbindgen:field-names=[type, mode, key_bitlen, name, iv_size, flags, block_size, base]
#[cfg(feature = "edition-2-28")]
#[repr(C)]
pub struct mbedtls_cipher_info_t {
    pub cipher_type: mbedtls_cipher_type_t,
    pub mode: mbedtls_cipher_mode_t,
    pub key_bitlen: core::ffi::c_uint,
    pub name: *const c_char,
    pub iv_size: core::ffi::c_uint,
    pub flags: c_int,
    pub block_size: core::ffi::c_uint,
    pub base: *const core::ffi::c_void,
}

// SAFETY: the descriptions are immutable statics; `name` points to a static string and `base`
// is NULL, so sharing them between threads shares nothing mutable.
#[cfg(feature = "edition-2-28")]
unsafe impl Sync for mbedtls_cipher_info_t {}

#[cfg(feature = "edition-2-28")]
impl mbedtls_cipher_info_t {
    const fn new(cipher_type: mbedtls_cipher_type_t, name: &'static CStr, cipher: Cipher) -> Self {
        Self {
            cipher_type,
            mode: mode_value(cipher.mode),
            key_bitlen: cipher.key_bits,
            name: name.as_ptr(),
            iv_size: cipher.iv_size() as core::ffi::c_uint,
            flags: if matches!(cipher.mode, Mode::Gcm) { MBEDTLS_CIPHER_VARIABLE_IV_LEN } else { 0 },
            block_size: cipher.block_size() as core::ffi::c_uint,
            base: core::ptr::null(),
        }
    }

    /// The cipher this description describes, from its public fields (which only this library
    /// writes: the descriptions are statics).
    fn cipher(&self) -> Cipher {
        let mode = match self.mode {
            MBEDTLS_MODE_ECB => Mode::Ecb,
            MBEDTLS_MODE_CBC => Mode::Cbc,
            MBEDTLS_MODE_CTR => Mode::Ctr,
            MBEDTLS_MODE_GCM => Mode::Gcm,
            MBEDTLS_MODE_STREAM => Mode::Stream,
            _ => Mode::ChaChaPoly,
        };
        Cipher { mode, key_bits: self.key_bitlen }
    }

    fn name(&self) -> &'static CStr {
        // SAFETY: `name` was made from a `&'static CStr` by `new` and is never written.
        unsafe { CStr::from_ptr(self.name) }
    }
}

const fn info(
    cipher_type: mbedtls_cipher_type_t,
    name: &'static CStr,
    mode: Mode,
    key_bits: u32,
) -> mbedtls_cipher_info_t {
    mbedtls_cipher_info_t::new(cipher_type, name, Cipher { mode, key_bits })
}

/// The descriptions, in Mbed TLS's order (that of `mbedtls_cipher_list`).
static INFOS: [mbedtls_cipher_info_t; 14] = [
    info(MBEDTLS_CIPHER_AES_128_ECB, c"AES-128-ECB", Mode::Ecb, 128),
    info(MBEDTLS_CIPHER_AES_192_ECB, c"AES-192-ECB", Mode::Ecb, 192),
    info(MBEDTLS_CIPHER_AES_256_ECB, c"AES-256-ECB", Mode::Ecb, 256),
    info(MBEDTLS_CIPHER_AES_128_CBC, c"AES-128-CBC", Mode::Cbc, 128),
    info(MBEDTLS_CIPHER_AES_192_CBC, c"AES-192-CBC", Mode::Cbc, 192),
    info(MBEDTLS_CIPHER_AES_256_CBC, c"AES-256-CBC", Mode::Cbc, 256),
    info(MBEDTLS_CIPHER_AES_128_CTR, c"AES-128-CTR", Mode::Ctr, 128),
    info(MBEDTLS_CIPHER_AES_192_CTR, c"AES-192-CTR", Mode::Ctr, 192),
    info(MBEDTLS_CIPHER_AES_256_CTR, c"AES-256-CTR", Mode::Ctr, 256),
    info(MBEDTLS_CIPHER_AES_128_GCM, c"AES-128-GCM", Mode::Gcm, 128),
    info(MBEDTLS_CIPHER_AES_192_GCM, c"AES-192-GCM", Mode::Gcm, 192),
    info(MBEDTLS_CIPHER_AES_256_GCM, c"AES-256-GCM", Mode::Gcm, 256),
    info(MBEDTLS_CIPHER_CHACHA20, c"CHACHA20", Mode::Stream, 256),
    info(MBEDTLS_CIPHER_CHACHA20_POLY1305, c"CHACHA20-POLY1305", Mode::ChaChaPoly, 256),
];

/// What `mbedtls_cipher_list` returns: the types of [`INFOS`], then `MBEDTLS_CIPHER_NONE`.
static LIST: [c_int; 15] = {
    let mut list = [MBEDTLS_CIPHER_NONE; 15];
    let mut i = 0;
    while i < INFOS.len() {
        list[i] = INFOS[i].cipher_type;
        i += 1;
    }
    list
};

/// The description at `info`, if it is one of [`INFOS`] (compared by address, not read).
fn info_at(info: *const mbedtls_cipher_info_t) -> Option<&'static mbedtls_cipher_info_t> {
    INFOS.iter().find(|candidate| core::ptr::eq(*candidate, info))
}

/// The description of `cipher` (every cipher a context holds has one).
fn info_of(cipher: Cipher) -> &'static mbedtls_cipher_info_t {
    INFOS.iter().find(|info| info.cipher() == cipher).expect("every cipher has a description")
}

/// The `MBEDTLS_MODE_*` value of a mode.
const fn mode_value(mode: Mode) -> mbedtls_cipher_mode_t {
    match mode {
        Mode::Ecb => MBEDTLS_MODE_ECB,
        Mode::Cbc => MBEDTLS_MODE_CBC,
        Mode::Ctr => MBEDTLS_MODE_CTR,
        Mode::Gcm => MBEDTLS_MODE_GCM,
        Mode::Stream => MBEDTLS_MODE_STREAM,
        Mode::ChaChaPoly => MBEDTLS_MODE_CHACHAPOLY,
    }
}

/// The `MBEDTLS_CIPHER_ID_*` value of a cipher's block or stream cipher.
fn cipher_id(cipher: Cipher) -> mbedtls_cipher_id_t {
    if cipher.is_chacha() { MBEDTLS_CIPHER_ID_CHACHA20 } else { MBEDTLS_CIPHER_ID_AES }
}

/// The types of the ciphers offered, ending with `MBEDTLS_CIPHER_NONE` (0): a static array.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_list() -> *const c_int {
    entry!(mbedtls_cipher_list, { LIST.as_ptr() })
}

/// The description of `cipher_type`, or NULL for `MBEDTLS_CIPHER_NONE`, unknown values and the
/// ciphers this library does not offer.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_from_type(cipher_type: mbedtls_cipher_type_t) -> *const mbedtls_cipher_info_t {
    entry!(mbedtls_cipher_info_from_type, {
        INFOS.iter().find(|info| info.cipher_type == cipher_type).map_or(core::ptr::null(), |info| info as *const _)
    })
}

/// The description of the cipher named `cipher_name` (`"AES-128-GCM"`, `"CHACHA20-POLY1305"`,
/// ... case-sensitive, as in Mbed TLS); NULL for other names and for NULL.
///
/// # Safety
/// `cipher_name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_info_from_string(cipher_name: *const c_char) -> *const mbedtls_cipher_info_t {
    entry!(mbedtls_cipher_info_from_string, {
        // SAFETY: NULL or NUL-terminated (the caller's contract).
        let Some(name) = (unsafe { in_cstr(cipher_name) }) else {
            return core::ptr::null();
        };
        INFOS.iter().find(|info| info.name() == name).map_or(core::ptr::null(), |info| info as *const _)
    })
}

/// The description of the cipher `cipher_id` (`MBEDTLS_CIPHER_ID_AES`, `_CHACHA20`) with a
/// `key_bitlen`-bit key in `mode`; NULL when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_from_values(
    cipher_id: mbedtls_cipher_id_t,
    key_bitlen: c_int,
    mode: mbedtls_cipher_mode_t,
) -> *const mbedtls_cipher_info_t {
    entry!(mbedtls_cipher_info_from_values, {
        INFOS
            .iter()
            .find(|info| {
                self::cipher_id(info.cipher()) == cipher_id
                    && i64::from(info.cipher().key_bits) == i64::from(key_bitlen)
                    && mode_value(info.cipher().mode) == mode
            })
            .map_or(core::ptr::null(), |info| info as *const _)
    })
}

/// The `MBEDTLS_CIPHER_*` type of `info`; `MBEDTLS_CIPHER_NONE` for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_get_type(info: *const mbedtls_cipher_info_t) -> mbedtls_cipher_type_t {
    entry!(mbedtls_cipher_info_get_type, on_panic = MBEDTLS_CIPHER_NONE, {
        info_at(info).map_or(MBEDTLS_CIPHER_NONE, |info| info.cipher_type)
    })
}

/// The `MBEDTLS_MODE_*` of `info`; `MBEDTLS_MODE_NONE` for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_get_mode(info: *const mbedtls_cipher_info_t) -> mbedtls_cipher_mode_t {
    entry!(mbedtls_cipher_info_get_mode, on_panic = MBEDTLS_MODE_NONE, {
        info_at(info).map_or(MBEDTLS_MODE_NONE, |info| mode_value(info.cipher().mode))
    })
}

/// The key size of `info` in bits; 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_get_key_bitlen(info: *const mbedtls_cipher_info_t) -> usize {
    entry!(mbedtls_cipher_info_get_key_bitlen, { info_at(info).map_or(0, |info| info.cipher().key_bits as usize) })
}

/// The name of `info` (`"AES-128-GCM"`, ...), a static string; NULL for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_get_name(info: *const mbedtls_cipher_info_t) -> *const c_char {
    entry!(mbedtls_cipher_info_get_name, { info_at(info).map_or(core::ptr::null(), |info| info.name().as_ptr()) })
}

/// The IV (nonce) size of `info` in bytes (for GCM the recommended 12); 0 for ECB and NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_get_iv_size(info: *const mbedtls_cipher_info_t) -> usize {
    entry!(mbedtls_cipher_info_get_iv_size, { info_at(info).map_or(0, |info| info.cipher().iv_size()) })
}

/// The block size of `info` in bytes (16 for AES, 1 for the ChaCha ciphers); 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_get_block_size(info: *const mbedtls_cipher_info_t) -> usize {
    entry!(mbedtls_cipher_info_get_block_size, { info_at(info).map_or(0, |info| info.cipher().block_size()) })
}

/// Non-zero when `info` takes keys of any size: 0 for every cipher offered here, and for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_has_variable_key_bitlen(info: *const mbedtls_cipher_info_t) -> c_int {
    entry!(mbedtls_cipher_info_has_variable_key_bitlen, on_panic = 0, {
        let _ = info;
        0
    })
}

/// Non-zero (`MBEDTLS_CIPHER_VARIABLE_IV_LEN`) when `info` takes IVs of any size (GCM); 0
/// otherwise and for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_cipher_info_has_variable_iv_size(info: *const mbedtls_cipher_info_t) -> c_int {
    entry!(mbedtls_cipher_info_has_variable_iv_size, on_panic = 0, {
        info_at(info).map_or(0, |info| if info.cipher().variable_iv() { MBEDTLS_CIPHER_VARIABLE_IV_LEN } else { 0 })
    })
}
