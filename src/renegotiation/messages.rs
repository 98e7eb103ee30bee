//! The TLS 1.2 handshake messages of a renegotiation, parsed and built: the hellos with the
//! extensions that matter here (RFC 5746 `renegotiation_info`, RFC 7627 extended master secret,
//! signature algorithms, groups, point formats), Certificate, ECDHE ServerKeyExchange,
//! CertificateRequest, ClientKeyExchange and CertificateVerify. Only encoding lives here; what
//! the fields mean to the connection is decided by the client and server state machines.

use rustls::crypto::kx::NamedGroup;
use rustls::crypto::{CipherSuite, SignatureScheme};
use rustls::enums::{HandshakeType, ProtocolVersion};
use rustls::pki_types::CertificateDer;

use crate::codec::{Reader, put_vec8, put_vec16, put_vec24};
use crate::error::{Error, Result};
use crate::verify::TrustStore;

// Extension types (rustls has an `ExtensionType`, but not among its public types).
pub(super) const EXT_RENEGOTIATION_INFO: u16 = 0xff01;
pub(super) const EXT_EMS: u16 = 0x0017;
const EXT_SIG_ALGS: u16 = 0x000d;
const EXT_GROUPS: u16 = 0x000a;
const EXT_POINT_FORMATS: u16 = 0x000b;
const EXT_SUPPORTED_VERSIONS: u16 = 0x002b;

/// The ECDHE groups usable in TLS 1.2.
pub(super) const TLS12_GROUPS: [NamedGroup; 4] =
    [NamedGroup::X25519, NamedGroup::secp256r1, NamedGroup::secp384r1, NamedGroup::secp521r1];

/// `ec_point_formats` body: the uncompressed format only (RFC 8422 5.1.2).
const UNCOMPRESSED_POINTS: [u8; 2] = [1, 0];
/// `ECCurveType` of ECDHE parameters given by a named group (RFC 8422 5.4).
const NAMED_CURVE: u8 = 3;

/// A reader of handshake bytes: running out of them is a decode error.
fn hs_reader(bytes: &[u8]) -> Reader<'_> {
    Reader::new(bytes, Error::SslDecodeError)
}

/// What a ClientHello or a ServerHello says (the fields of the other kind stay empty).
pub(super) struct Hello {
    /// `client_version` / `server_version`.
    pub(super) version: ProtocolVersion,
    pub(super) random: [u8; 32],
    pub(super) session_id: Vec<u8>,
    pub(super) suites: Vec<CipherSuite>,
    pub(super) suite: CipherSuite,
    pub(super) scsv: bool,
    pub(super) renegotiation_info: Option<Vec<u8>>,
    pub(super) ems: bool,
    pub(super) sig_schemes: Vec<SignatureScheme>,
    pub(super) groups: Vec<NamedGroup>,
    pub(super) point_formats: bool,
    /// A ServerHello with `supported_versions`: TLS 1.3.
    pub(super) tls13: bool,
}

impl Default for Hello {
    /// A hello with every field empty or zero, for the parsers to fill in.
    fn default() -> Self {
        Self {
            version: ProtocolVersion(0),
            random: [0; 32],
            session_id: Vec::new(),
            suites: Vec::new(),
            suite: CipherSuite(0),
            scsv: false,
            renegotiation_info: None,
            ems: false,
            sig_schemes: Vec::new(),
            groups: Vec::new(),
            point_formats: false,
            tls13: false,
        }
    }
}

impl Hello {
    /// RFC 5746: the hello announces secure renegotiation, by the `renegotiation_info`
    /// extension or (a ClientHello only) the SCSV.
    pub(super) fn announces_secure_renegotiation(&self) -> bool {
        self.scsv || self.renegotiation_info.is_some()
    }
}

fn parse_extensions(rd: &mut Reader<'_>, hello: &mut Hello) -> Result<()> {
    if rd.is_empty() {
        return Ok(());
    }
    let mut exts = hs_reader(rd.vec16()?);
    while !exts.is_empty() {
        let typ = exts.u16()?;
        let mut body = hs_reader(exts.vec16()?);
        match typ {
            EXT_RENEGOTIATION_INFO => hello.renegotiation_info = Some(body.vec8()?.to_vec()),
            EXT_EMS => hello.ems = true,
            EXT_SIG_ALGS => hello.sig_schemes = body.u16_list()?.into_iter().map(SignatureScheme).collect(),
            EXT_GROUPS => hello.groups = body.u16_list()?.into_iter().map(NamedGroup).collect(),
            EXT_POINT_FORMATS => hello.point_formats = true,
            EXT_SUPPORTED_VERSIONS => hello.tls13 = true,
            _ => {}
        }
    }
    Ok(())
}

/// Parses a ClientHello body (after the 4-byte handshake header).
pub(super) fn parse_client_hello(body: &[u8]) -> Result<Hello> {
    let mut rd = hs_reader(body);
    let mut hello = Hello { version: ProtocolVersion(rd.u16()?), ..Hello::default() };
    hello.random.copy_from_slice(rd.take(32)?);
    hello.session_id = rd.vec8()?.to_vec();
    if hello.session_id.len() > 32 {
        return Err(Error::SslDecodeError);
    }
    hello.suites = rd.u16_list()?.into_iter().map(CipherSuite).collect();
    hello.scsv = hello.suites.contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    // The null method must be among those offered (RFC 5246 7.4.1.2).
    if !rd.vec8()?.contains(&0) {
        return Err(Error::SslDecodeError);
    }
    parse_extensions(&mut rd, &mut hello)?;
    Ok(hello)
}

/// Parses a ServerHello body.
pub(super) fn parse_server_hello(body: &[u8]) -> Result<Hello> {
    let mut rd = hs_reader(body);
    let mut hello = Hello { version: ProtocolVersion(rd.u16()?), ..Hello::default() };
    hello.random.copy_from_slice(rd.take(32)?);
    hello.session_id = rd.vec8()?.to_vec();
    hello.suite = CipherSuite(rd.u16()?);
    if rd.u8()? != 0 {
        return Err(Error::SslDecodeError);
    }
    parse_extensions(&mut rd, &mut hello)?;
    Ok(hello)
}

/// A handshake message: type, 24-bit length, body.
pub(super) fn handshake_message(typ: HandshakeType, body: &[u8]) -> Result<Vec<u8>> {
    let mut m = Vec::with_capacity(4 + body.len());
    m.push(typ.0);
    put_vec24(&mut m, body)?;
    Ok(m)
}

pub(super) fn put_ext(out: &mut Vec<u8>, typ: u16, body: &[u8]) -> Result<()> {
    out.extend_from_slice(&typ.to_be_bytes());
    put_vec16(out, body)
}

/// The `renegotiation_info` extension carrying `verify_data` (RFC 5746 3.2).
fn put_renegotiation_info(out: &mut Vec<u8>, verify_data: &[u8]) -> Result<()> {
    let mut body = Vec::new();
    put_vec8(&mut body, verify_data)?;
    put_ext(out, EXT_RENEGOTIATION_INFO, &body)
}

/// A list of 16-bit values with a 2-byte length in bytes (suites, groups, schemes).
fn put_u16_list(out: &mut Vec<u8>, values: impl IntoIterator<Item = u16>) -> Result<()> {
    let bytes: Vec<u8> = values.into_iter().flat_map(u16::to_be_bytes).collect();
    put_vec16(out, &bytes)
}

/// The signature schemes we can verify (the provider's): those our hellos and certificate
/// requests offer.
pub(super) fn offered_schemes() -> Vec<SignatureScheme> {
    rustls_aws_lc_rs::SUPPORTED_SIG_ALGS.supported_schemes()
}

/// The signature schemes we can verify, as we offer them.
fn put_supported_schemes(out: &mut Vec<u8>) -> Result<()> {
    put_u16_list(out, offered_schemes().iter().map(|s| s.0))
}

/// A `DigitallySigned` (RFC 5246 4.7): scheme, then the signature.
fn put_digitally_signed(out: &mut Vec<u8>, scheme: SignatureScheme, signature: &[u8]) -> Result<()> {
    out.extend_from_slice(&scheme.to_array());
    put_vec16(out, signature)
}

/// A renegotiation ClientHello: null compression, `renegotiation_info` with `verify_data`,
/// extended master secret, our signature schemes, `groups` and uncompressed points.
pub(super) fn client_hello_message(
    random: &[u8; 32],
    session_id: &[u8],
    suites: &[CipherSuite],
    verify_data: &[u8],
    groups: &[NamedGroup],
) -> Result<Vec<u8>> {
    let mut body = ProtocolVersion::TLSv1_2.to_array().to_vec();
    body.extend_from_slice(random);
    put_vec8(&mut body, session_id)?;
    put_u16_list(&mut body, suites.iter().map(|s| s.0))?;
    put_vec8(&mut body, &[0])?;
    let mut exts = Vec::new();
    put_renegotiation_info(&mut exts, verify_data)?;
    put_ext(&mut exts, EXT_EMS, &[])?;
    let mut schemes = Vec::new();
    put_supported_schemes(&mut schemes)?;
    put_ext(&mut exts, EXT_SIG_ALGS, &schemes)?;
    let mut group_list = Vec::new();
    put_u16_list(&mut group_list, groups.iter().map(|g| g.0))?;
    put_ext(&mut exts, EXT_GROUPS, &group_list)?;
    put_ext(&mut exts, EXT_POINT_FORMATS, &UNCOMPRESSED_POINTS)?;
    put_vec16(&mut body, &exts)?;
    handshake_message(HandshakeType::ClientHello, &body)
}

/// A ServerHello answering `client_hello`: `renegotiation_info` with `verify_data`, extended
/// master secret and point formats when the client offered them.
pub(super) fn server_hello_message(
    random: &[u8; 32],
    session_id: &[u8],
    suite: CipherSuite,
    verify_data: &[u8],
    client_hello: &Hello,
) -> Result<Vec<u8>> {
    let mut body = ProtocolVersion::TLSv1_2.to_array().to_vec();
    body.extend_from_slice(random);
    put_vec8(&mut body, session_id)?;
    body.extend_from_slice(&suite.to_array());
    body.push(0);
    let mut exts = Vec::new();
    put_renegotiation_info(&mut exts, verify_data)?;
    if client_hello.ems {
        put_ext(&mut exts, EXT_EMS, &[])?;
    }
    // RFC 8422 5.2: only in answer to the client's, and only for ECC suites (all of ours).
    if client_hello.point_formats {
        put_ext(&mut exts, EXT_POINT_FORMATS, &UNCOMPRESSED_POINTS)?;
    }
    put_vec16(&mut body, &exts)?;
    handshake_message(HandshakeType::ServerHello, &body)
}

pub(super) fn certificate_message(chain: &[CertificateDer<'_>]) -> Result<Vec<u8>> {
    let mut list = Vec::new();
    for c in chain {
        put_vec24(&mut list, c.as_ref())?;
    }
    let mut body = Vec::new();
    put_vec24(&mut body, &list)?;
    handshake_message(HandshakeType::Certificate, &body)
}

pub(super) fn parse_certificates(body: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let mut rd = hs_reader(body);
    let mut list = hs_reader(rd.vec24()?);
    let mut out = Vec::new();
    while !list.is_empty() {
        out.push(CertificateDer::from(list.vec24()?.to_vec()));
    }
    Ok(out)
}

/// The ECDHE parameters of a ServerKeyExchange: `group` by name and our public key.
pub(super) fn ecdhe_parameters(group: NamedGroup, public: &[u8]) -> Result<Vec<u8>> {
    let mut params = vec![NAMED_CURVE];
    params.extend_from_slice(&group.to_array());
    put_vec8(&mut params, public)?;
    Ok(params)
}

/// A ServerKeyExchange: the ECDHE `params` and their signature.
pub(super) fn server_key_exchange(mut params: Vec<u8>, scheme: SignatureScheme, signature: &[u8]) -> Result<Vec<u8>> {
    put_digitally_signed(&mut params, scheme, signature)?;
    handshake_message(HandshakeType::ServerKeyExchange, &params)
}

/// A ServerKeyExchange as the client reads it.
pub(super) struct ServerKeyExchange<'a> {
    pub(super) group: NamedGroup,
    pub(super) public: &'a [u8],
    /// The encoded parameters: what the signature covers after the randoms.
    pub(super) params: &'a [u8],
    pub(super) scheme: SignatureScheme,
    pub(super) signature: &'a [u8],
}

pub(super) fn parse_server_key_exchange(body: &[u8]) -> Result<ServerKeyExchange<'_>> {
    let mut rd = hs_reader(body);
    if rd.u8()? != NAMED_CURVE {
        return Err(Error::SslDecodeError);
    }
    let group = NamedGroup(rd.u16()?);
    let public = rd.vec8()?;
    let params = &body[..1 + 2 + 1 + public.len()];
    let scheme = SignatureScheme(rd.u16()?);
    let signature = rd.vec16()?;
    Ok(ServerKeyExchange { group, public, params, scheme, signature })
}

/// A CertificateRequest for RSA or ECDSA certificates under the subjects of `trust`.
pub(super) fn certificate_request(trust: Option<&TrustStore>) -> Result<Vec<u8>> {
    let mut body = vec![2, 1, 64]; // rsa_sign, ecdsa_sign
    put_supported_schemes(&mut body)?;
    let mut names = Vec::new();
    for subject in trust.map(|t| t.subjects()).unwrap_or_default() {
        put_vec16(&mut names, subject.as_ref())?;
    }
    put_vec16(&mut body, &names)?;
    handshake_message(HandshakeType::CertificateRequest, &body)
}

/// The signature schemes a CertificateRequest asks for.
pub(super) fn parse_certificate_request(body: &[u8]) -> Result<Vec<SignatureScheme>> {
    let mut rd = hs_reader(body);
    rd.vec8()?;
    let schemes = rd.u16_list()?;
    rd.vec16()?;
    Ok(schemes.into_iter().map(SignatureScheme).collect())
}

/// A ClientKeyExchange: our ECDHE public key.
pub(super) fn client_key_exchange(public: &[u8]) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    put_vec8(&mut body, public)?;
    handshake_message(HandshakeType::ClientKeyExchange, &body)
}

/// The client's ECDHE public key in a ClientKeyExchange.
pub(super) fn parse_client_key_exchange(body: &[u8]) -> Result<&[u8]> {
    hs_reader(body).vec8()
}

pub(super) fn certificate_verify(scheme: SignatureScheme, signature: &[u8]) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    put_digitally_signed(&mut body, scheme, signature)?;
    handshake_message(HandshakeType::CertificateVerify, &body)
}

/// The scheme and signature of a CertificateVerify.
pub(super) fn parse_certificate_verify(body: &[u8]) -> Result<(SignatureScheme, &[u8])> {
    let mut rd = hs_reader(body);
    Ok((SignatureScheme(rd.u16()?), rd.vec16()?))
}
