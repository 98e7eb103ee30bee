//! The TLS 1.2 record layer of a connection taken over from rustls ([`Tls12RecordLayer`]):
//! records sealed and opened with the provider's AEAD (`Tls12AeadAlgorithm`), one sequence
//! number per direction, new keys installed at ChangeCipherSpec. Also what taking over needs:
//! the traffic keys rustls hands out ([`TrafficKeys`]), the Finished message in the first
//! protected record of each direction, and an encrypter made usable mid-connection
//! ([`prime_encrypter`]).

use rustls::crypto::cipher::{
    AeadKey, EncodedMessage, InboundOpaque, MessageDecrypter, MessageEncrypter, OutboundPlain,
};
use rustls::enums::{ContentType, HandshakeType, ProtocolVersion};
use rustls::{ConnectionTrafficSecrets, Tls12CipherSuite};

use crate::codec::MAX_FRAGMENT;
use crate::error::{Error, Result};

/// An alert's level (RFC 5246 7.2); rustls has the same type, but not among its public ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AlertLevel(pub(crate) u8);

impl AlertLevel {
    pub(crate) const WARNING: Self = Self(1);
    pub(crate) const FATAL: Self = Self(2);
}

/// The most consecutive empty records accepted: Mbed TLS ends the connection at the fourth
/// (`ssl->nb_zero > 3` in `ssl_msg.c`), with `MBEDTLS_ERR_SSL_INVALID_MAC` and a bad_record_mac
/// alert, which is what a failed [`Tls12RecordLayer::open`] gives.
const MAX_CONSECUTIVE_EMPTY_RECORDS: u32 = 3;

/// Both directions of record protection with their sequence numbers.
pub(super) struct Tls12RecordLayer {
    read: Box<dyn MessageDecrypter>,
    read_seq: u64,
    write: Box<dyn MessageEncrypter>,
    write_seq: u64,
    /// Empty records received in a row.
    empty_in_a_row: u32,
}

impl Tls12RecordLayer {
    /// Record protection at these sequence numbers.
    pub(super) fn new(
        (read, read_seq): (Box<dyn MessageDecrypter>, u64),
        (write, write_seq): (Box<dyn MessageEncrypter>, u64),
    ) -> Self {
        Self { read, read_seq, write, write_seq, empty_in_a_row: 0 }
    }

    /// The record protection rustls was using, continued at its sequence numbers.
    pub(super) fn take_over(suite: &Tls12CipherSuite, tx: TrafficKeys, rx: TrafficKeys) -> Result<Self> {
        let fixed = suite.aead_alg.key_block_shape().fixed_iv_len;
        let mut write = suite.aead_alg.encrypter(tx.key, &tx.iv[..fixed], &tx.iv[fixed..]);
        prime_encrypter(write.as_mut(), tx.seq)?;
        let read = suite.aead_alg.decrypter(rx.key, &rx.iv[..fixed]);
        Ok(Self::new((read, rx.seq), (write, tx.seq)))
    }

    /// Seals `payload` as records of `typ` (at least one, even for an empty payload).
    pub(super) fn seal(&mut self, typ: ContentType, payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let [major, minor] = ProtocolVersion::TLSv1_2.to_array();
        for chunk in payload.chunks(MAX_FRAGMENT).chain(payload.is_empty().then_some(&[][..])) {
            let len = self.write.encrypted_payload_len(chunk.len());
            let start = out.len();
            out.extend_from_slice(&[typ.0, major, minor, 0, 0]);
            out.resize(start + 5 + len, 0);
            let msg = EncodedMessage::new(typ, ProtocolVersion::TLSv1_2, OutboundPlain::from(chunk));
            let written = self
                .write
                .encrypt(msg, self.write_seq, &mut out[start + 5..])
                .map_err(|e| {
                    log::error!("record encryption failed: {e}");
                    Error::SslInternalError
                })?
                .payload
                .len();
            out.truncate(start + 5 + written);
            let written = u16::try_from(written).map_err(|_| Error::SslInternalError)?;
            out[start + 3..start + 5].copy_from_slice(&written.to_be_bytes());
            self.write_seq += 1;
        }
        Ok(())
    }

    /// Decrypts the body of a record of `typ` in place; the plaintext, or rustls's reason.
    pub(super) fn open<'a>(
        &mut self,
        typ: ContentType,
        version: ProtocolVersion,
        payload: &'a mut [u8],
    ) -> core::result::Result<&'a [u8], rustls::Error> {
        let msg = EncodedMessage::new(typ, version, InboundOpaque(payload));
        let plain = self.read.decrypt(msg, self.read_seq)?.payload;
        self.read_seq += 1;
        if !plain.is_empty() {
            self.empty_in_a_row = 0;
        } else if self.empty_in_a_row == MAX_CONSECUTIVE_EMPTY_RECORDS {
            log::error!("{} consecutive empty records, possible DoS attack", MAX_CONSECUTIVE_EMPTY_RECORDS + 1);
            return Err(rustls::Error::General("too many consecutive empty records".into()));
        } else {
            self.empty_in_a_row += 1;
        }
        Ok(plain)
    }

    /// The peer's ChangeCipherSpec: its records come under `read` from now on.
    pub(super) fn change_read(&mut self, read: Box<dyn MessageDecrypter>) {
        self.read = read;
        self.read_seq = 0;
    }

    /// Our ChangeCipherSpec was sealed: ours go under `write` from now on.
    pub(super) fn change_write(&mut self, write: Box<dyn MessageEncrypter>) {
        self.write = write;
        self.write_seq = 0;
    }

    /// Records sent and received under the current keys.
    pub(super) fn record_counts(&self) -> (u64, u64) {
        (self.write_seq, self.read_seq)
    }
}

/// One direction's keys as rustls hands them over (`dangerous_extract_secrets`).
pub(super) struct TrafficKeys {
    seq: u64,
    key: AeadKey,
    iv: Vec<u8>,
}

impl TrafficKeys {
    pub(super) fn new((seq, secrets): (u64, ConnectionTrafficSecrets)) -> Result<Self> {
        match secrets {
            ConnectionTrafficSecrets::Aes128Gcm { key, iv }
            | ConnectionTrafficSecrets::Aes256Gcm { key, iv }
            | ConnectionTrafficSecrets::Chacha20Poly1305 { key, iv } => Ok(Self { seq, key, iv: iv.as_ref().to_vec() }),
            _ => Err(Error::SslFeatureUnavailable),
        }
    }

    /// The `verify_data` of the Finished message in `record`, the first record protected with
    /// these keys (sequence 0).
    pub(super) fn finished_verify_data(&self, suite: &Tls12CipherSuite, record: Option<&[u8]>) -> Result<Vec<u8>> {
        let fixed = suite.aead_alg.key_block_shape().fixed_iv_len;
        let mut reader = suite.aead_alg.decrypter(aead_key(self.key.as_ref())?, &self.iv[..fixed]);
        let mut record = record.ok_or(Error::SslInternalError)?.to_vec();
        let (header, payload) = record.split_at_mut(5);
        let msg = EncodedMessage::new(ContentType(header[0]), ProtocolVersion::TLSv1_2, InboundOpaque(payload));
        let plain = reader.decrypt(msg, 0).map_err(|_| Error::SslInternalError)?;
        let p = plain.payload;
        if p.len() != 16 || HandshakeType(p[0]) != HandshakeType::Finished {
            return Err(Error::SslInternalError);
        }
        Ok(p[4..].to_vec())
    }
}

/// An AEAD key of the sizes our suites use (AES-128, AES-256 and ChaCha20).
pub(super) fn aead_key(bytes: &[u8]) -> Result<AeadKey> {
    match bytes.len() {
        16 => Ok(AeadKey::from(<[u8; 16]>::try_from(bytes).map_err(|_| Error::SslInternalError)?)),
        32 => Ok(AeadKey::from(<[u8; 32]>::try_from(bytes).map_err(|_| Error::SslInternalError)?)),
        _ => Err(Error::SslInternalError),
    }
}

/// Makes an encrypter created for a connection whose sequence number is already `seq` usable.
///
/// aws-lc's TLS AES-GCM sealing key checks that nonces only grow, taking the first one it sees
/// as sequence number 0 (it works out later sequence numbers by XOR with that first nonce).
/// The keys taken over from rustls were already used for sequence numbers below `seq`, so the
/// new key object must see sequence 0 first. That sealing, of an empty record, reuses a nonce
/// rustls used; its output is never sent and is wiped, so nothing about the key leaks.
fn prime_encrypter(write: &mut dyn MessageEncrypter, seq: u64) -> Result<()> {
    if seq == 0 {
        return Ok(());
    }
    let mut scratch = vec![0u8; write.encrypted_payload_len(0)];
    let msg = EncodedMessage::new(ContentType::ApplicationData, ProtocolVersion::TLSv1_2, OutboundPlain::from(&[][..]));
    let result = write.encrypt(msg, 0, &mut scratch).map(|_| ());
    zeroize::Zeroize::zeroize(&mut scratch);
    result.map_err(|e| {
        log::error!("cannot set up record protection: {e}");
        Error::SslInternalError
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two record layers, `a` writing what `b` reads, under one AES-128-GCM key.
    fn pair() -> (Tls12RecordLayer, Tls12RecordLayer) {
        let suite = rustls_aws_lc_rs::ALL_TLS12_CIPHER_SUITES
            .iter()
            .copied()
            .find(|s| s.common.suite == rustls::crypto::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
            .unwrap();
        let (fixed, explicit) = ([1u8; 4], [2u8; 8]);
        let layer = || {
            let key = || aead_key(&[7; 16]).unwrap();
            Tls12RecordLayer::new(
                (suite.aead_alg.decrypter(key(), &fixed), 0),
                (suite.aead_alg.encrypter(key(), &fixed, &explicit), 0),
            )
        };
        (layer(), layer())
    }

    /// Seals `payload` in `a` and opens it in `b`: the plaintext length, or the refusal.
    fn send(a: &mut Tls12RecordLayer, b: &mut Tls12RecordLayer, typ: ContentType, payload: &[u8]) -> Result<usize, ()> {
        let mut record = Vec::new();
        a.seal(typ, payload, &mut record).unwrap();
        b.open(typ, ProtocolVersion::TLSv1_2, &mut record[5..]).map(<[u8]>::len).map_err(|_| ())
    }

    #[test]
    fn the_fourth_consecutive_empty_record_is_refused() {
        // Issue 13 (3): unlimited empty records let a peer keep us busy for nothing. Mbed TLS
        // accepts three in a row and fails the fourth (bad_record_mac, INVALID_MAC).
        let (mut a, mut b) = pair();
        let data = ContentType::ApplicationData;
        for _ in 0..3 {
            for _ in 0..MAX_CONSECUTIVE_EMPTY_RECORDS {
                assert_eq!(send(&mut a, &mut b, data, b""), Ok(0));
            }
            // A record with contents starts the count again.
            assert_eq!(send(&mut a, &mut b, data, b"x"), Ok(1));
        }
        for _ in 0..MAX_CONSECUTIVE_EMPTY_RECORDS {
            assert_eq!(send(&mut a, &mut b, data, b""), Ok(0));
        }
        assert_eq!(send(&mut a, &mut b, ContentType::Handshake, b""), Err(()));
    }
}
