//! THE TLS policy. Every TLS connection Quietpost makes is configured here and nowhere else.
//!
//! - rustls with the ring provider, TLS 1.2 minimum; no OpenSSL anywhere.
//! - Trust comes from the system store (rustls-platform-verifier, falling back to the webpki
//!   roots when the system has none), or — per account, chosen explicitly — from a CA file, or
//!   from a SHA-256 pin of the server certificate. There is no "accept anyway".
//! - No verification opens a connection of its own through a proxy's back: over a proxy, the
//!   system store's roots are checked by webpki, which never fetches anything (on macOS and
//!   Windows the platform verifier fetches revocation lists, OCSP answers and missing
//!   intermediates itself, directly). Direct connections use the platform verifier; on Linux
//!   both are the same roots and the same checks, with no fetch.
//! - Handshake failures are classified ([`CertProblem`]) so people learn which check failed.

use crate::error::{CertProblem, Error, Result};
use crate::route::Route;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

mod pin;
pub use pin::key_sha256;
use pin::{PinMismatch, PinnedCertVerifier};
pub use quietpost_model::Security;

/// Whom to trust for a server's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Trust {
    /// The operating system's trust store (webpki roots when it has none). The default.
    #[default]
    System,
    /// Only the CAs in this PEM file (a self-hosted server's private CA). Host name and validity
    /// are still checked.
    CaFile(PathBuf),
    /// Exactly the certificate with this SHA-256 fingerprint (self-signed or onion servers), or
    /// any certificate whose key has it (a fingerprint typed may be of either).
    /// Host name and dates are not checked — the pin is the identity — but the handshake
    /// signature is, so only the holder of that certificate's key can answer. A changed
    /// certificate is an error, never a prompt.
    PinnedSha256([u8; 32]),
    /// Exactly the server key whose SubjectPublicKeyInfo has this SHA-256 (RFC 7469's
    /// pin-sha256): as a certificate pin, but a renewal that keeps the key still matches. A
    /// changed key is an error, never a prompt.
    PinnedKey([u8; 32]),
}

/// What a finished handshake negotiated, for `account check` and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsDetails {
    pub version: String,
    pub cipher_suite: String,
    /// The server's certificate chain, leaf first (DER).
    pub certificates: Vec<Vec<u8>>,
    /// SHA-256 of the leaf certificate, as `AB:CD:...`.
    pub fingerprint_sha256: String,
    /// SHA-256 of the leaf's public key (its SubjectPublicKeyInfo), as `AB:CD:...`: what a
    /// key pin holds.
    pub key_sha256: String,
    /// The leaf certificate's subject and issuer (RFC 4514), and its expiry (RFC 3339), when
    /// it parses.
    pub subject: Option<String>,
    pub issuer: Option<String>,
    pub not_after: Option<String>,
}

/// Subject, issuer and expiry of a DER certificate, for people to read.
fn describe(der: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    use x509_cert::der::Decode;
    match x509_cert::Certificate::from_der(der) {
        Ok(c) => {
            let tbs = &c.tbs_certificate;
            (
                Some(tbs.subject.to_string()),
                Some(tbs.issuer.to_string()),
                Some(tbs.validity.not_after.to_date_time().to_string()),
            )
        }
        Err(_) => (None, None, None),
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// SHA-256 of a DER certificate.
pub fn fingerprint_sha256(der: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// `AB:CD:...`, the form people compare by eye (model's `Fingerprint`).
pub fn format_fingerprint(fp: &[u8; 32]) -> String {
    quietpost_model::Fingerprint(*fp).to_string()
}

/// Parses a SHA-256 fingerprint given as 64 hex digits, with or without colons or spaces.
pub fn parse_fingerprint(s: &str) -> Option<[u8; 32]> {
    s.parse::<quietpost_model::Fingerprint>().ok().map(|f| f.0)
}

/// The one client configuration builder, for a connection over `via`.
pub fn client_config(trust: &Trust, via: &Route) -> Result<Arc<ClientConfig>> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(Error::Config)?;
    let config = match trust {
        Trust::System => {
            let verifier: Arc<dyn ServerCertVerifier> = match via {
                Route::Direct => match rustls_platform_verifier::Verifier::new(provider.clone()) {
                    Ok(v) => Arc::new(v),
                    // No system CA bundle (minimal containers): the Mozilla roots.
                    Err(_) => webpki_verifier(mozilla_roots(), &provider)?,
                },
                _ => webpki_verifier(system_roots(), &provider)?,
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Diagnosing {
                    inner: verifier,
                    ca_subjects: None,
                }))
                .with_no_client_auth()
        }
        Trust::CaFile(path) => {
            let pem = std::fs::read(path).map_err(|source| Error::CaFile {
                path: path.display().to_string(),
                source,
            })?;
            let mut roots = RootCertStore::empty();
            let mut subjects = Vec::new();
            for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem) {
                let cert: CertificateDer<'static> = cert.map_err(|e| Error::CaFile {
                    path: path.display().to_string(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
                })?;
                subjects.extend(names(&cert).map(|(subject, _)| subject));
                roots.add(cert).map_err(Error::Config)?;
            }
            if roots.is_empty() {
                return Err(Error::CaFile {
                    path: path.display().to_string(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "no certificate in the file",
                    ),
                });
            }
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Diagnosing {
                    inner: webpki_verifier(roots, &provider)?,
                    ca_subjects: Some(subjects),
                }))
                .with_no_client_auth()
        }
        Trust::PinnedSha256(pin) | Trust::PinnedKey(pin) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Diagnosing {
                inner: Arc::new(PinnedCertVerifier {
                    pin: *pin,
                    key: matches!(trust, Trust::PinnedKey(_)),
                    provider: provider.clone(),
                }),
                ca_subjects: None,
            }))
            .with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// The roots the system keeps (read from its store, with no network fetch), else Mozilla's.
fn system_roots() -> RootCertStore {
    static ROOTS: std::sync::OnceLock<RootCertStore> = std::sync::OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 { mozilla_roots() } else { roots }
        })
        .clone()
}

fn mozilla_roots() -> RootCertStore {
    RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

fn webpki_verifier(
    roots: RootCertStore,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>> {
    let v = rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| Error::Config(rustls::Error::General(e.to_string())))?;
    Ok(v)
}

/// The smallest RSA key accepted as safe.
const MIN_RSA_BITS: usize = 2048;

/// A certificate's public key is too weak (an RSA key under [`MIN_RSA_BITS`]).
#[derive(Debug)]
struct WeakKey {
    bits: usize,
}

impl std::fmt::Display for WeakKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-bit RSA key", self.bits)
    }
}

impl std::error::Error for WeakKey {}

/// With a CA file: no intermediate certificate was sent, and the certificate's issuer is not
/// in the file.
#[derive(Debug)]
struct IssuerNotInCaFile {
    issuer: String,
}

impl std::fmt::Display for IssuerNotInCaFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "issuer {} is not in the CA file", self.issuer)
    }
}

impl std::error::Error for IssuerNotInCaFile {}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(Arc::new(e))))
}

/// The DER subject and issuer of a certificate, when it parses.
fn names(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    use x509_cert::der::{Decode, Encode};
    let c = x509_cert::Certificate::from_der(der).ok()?;
    let tbs = &c.tbs_certificate;
    Some((tbs.subject.to_der().ok()?, tbs.issuer.to_der().ok()?))
}

/// The size of a certificate's RSA key in bits (`None` for another kind of key).
fn rsa_bits(der: &[u8]) -> Option<usize> {
    use x509_cert::der::Decode;
    let c = x509_cert::Certificate::from_der(der).ok()?;
    let spki = &c.tbs_certificate.subject_public_key_info;
    if spki.algorithm.oid.to_string() != "1.2.840.113549.1.1.1" {
        return None;
    }
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    let key = spki.subject_public_key.raw_bytes();
    let (tag, body) = der_item(key)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, modulus) = der_item(body)?;
    if tag != 0x02 {
        return None;
    }
    let first = modulus.iter().position(|b| *b != 0)?;
    let significant = &modulus[first..];
    Some(significant.len() * 8 - significant[0].leading_zeros() as usize)
}

/// The tag and contents of the DER item at the start of `bytes`.
fn der_item(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let tag = *bytes.first()?;
    let first = *bytes.get(1)? as usize;
    let (len, start) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for b in bytes.get(2..2 + n)? {
            len = len << 8 | *b as usize;
        }
        (len, 2 + n)
    };
    Some((tag, bytes.get(start..start.checked_add(len)?)?))
}

/// The weakest key size among `certs`, when one is too weak.
fn weak_key<'a>(certs: impl IntoIterator<Item = &'a CertificateDer<'a>>) -> Option<usize> {
    certs
        .into_iter()
        .filter_map(|c| rsa_bits(c))
        .filter(|bits| *bits < MIN_RSA_BITS)
        .min()
}

/// Wraps the verifier of every trust mode so that two failures are named for what they are:
/// a key too weak to use (not a forgery), and — with a CA file — a certificate whose issuer is
/// not in the file while no intermediate was sent (a server that leaves out its intermediate,
/// or an interception: the issuer is named). It never accepts what the inner verifier refuses.
#[derive(Debug)]
struct Diagnosing {
    inner: Arc<dyn ServerCertVerifier>,
    /// The subjects (DER) of the CA file's certificates, with a CA file.
    ca_subjects: Option<Vec<Vec<u8>>>,
}

impl Diagnosing {
    fn diagnose(
        &self,
        e: rustls::Error,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
    ) -> rustls::Error {
        let rustls::Error::InvalidCertificate(c) = &e else {
            return e;
        };
        if let CertificateError::Other(o) = c
            && o.0.downcast_ref::<PinMismatch>().is_some()
        {
            return e;
        }
        if let Some(bits) = weak_key(std::iter::once(end_entity).chain(intermediates)) {
            return other(WeakKey { bits });
        }
        if matches!(c, CertificateError::UnknownIssuer)
            && intermediates.is_empty()
            && let Some(ca_subjects) = &self.ca_subjects
            && let Some((subject, issuer)) = names(end_entity)
            && subject != issuer
            && !ca_subjects.contains(&issuer)
        {
            use x509_cert::der::Decode;
            let issuer = x509_cert::name::Name::from_der(&issuer)
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "its issuer".to_owned());
            return other(IssuerNotInCaFile { issuer });
        }
        e
    }

    fn signature(
        &self,
        result: std::result::Result<HandshakeSignatureValid, rustls::Error>,
        cert: &CertificateDer<'_>,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        result.map_err(|e| match weak_key([cert]) {
            Some(bits) => other(WeakKey { bits }),
            None => e,
        })
    }
}

impl ServerCertVerifier for Diagnosing {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map_err(|e| self.diagnose(e, end_entity, intermediates))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(self.inner.verify_tls12_signature(message, cert, dss), cert)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(self.inner.verify_tls13_signature(message, cert, dss), cert)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }

    fn root_hint_subjects(&self) -> Option<&[rustls::DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}

/// Trusts nothing: notes the certificate it is shown and fails the handshake, so the
/// connection ends before a single byte of application data could be sent.
#[derive(Debug)]
struct Learning {
    seen: std::sync::Mutex<Option<Vec<u8>>>,
    provider: Arc<CryptoProvider>,
}

/// What the learning verifier says to rustls to end the handshake.
const LEARNT: &str = "certificate learnt; the handshake ends here";

impl ServerCertVerifier for Learning {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(end_entity.to_vec());
        }
        Err(rustls::Error::General(LEARNT.to_owned()))
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General(LEARNT.to_owned()))
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General(LEARNT.to_owned()))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// DANGER, for pinning only: the certificate `host` presents over `tcp`, learnt by a
/// handshake that trusts nothing and is abandoned as soon as the certificate is seen — no
/// application data, so no credential, can follow. What it returns is unauthenticated: it is
/// for a person to compare with the fingerprint their administrator gives them, never to trust
/// by itself.
pub async fn danger_learn_certificate(tcp: TcpStream, host: &str, port: u16) -> Result<Vec<u8>> {
    let provider = provider();
    let learning = Arc::new(Learning {
        seen: std::sync::Mutex::new(None),
        provider: provider.clone(),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(Error::Config)?
        .dangerous()
        .with_custom_certificate_verifier(learning.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_owned()).map_err(|e| Error::Protocol {
        host: host.to_owned(),
        detail: format!("invalid host name: {e}"),
    })?;
    let outcome = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await;
    let seen = learning.seen.lock().ok().and_then(|mut s| s.take());
    match (seen, outcome) {
        (Some(der), _) => Ok(der),
        (None, Ok(_)) => Err(Error::Protocol {
            host: host.to_owned(),
            detail: "the handshake ended without a certificate".to_owned(),
        }),
        (None, Err(e)) => Err(classify_handshake_error(e, host, port)),
    }
}

/// Runs the TLS handshake over `tcp` for `host` and classifies any failure.
pub async fn handshake(
    tcp: TcpStream,
    host: &str,
    port: u16,
    trust: &Trust,
    via: &Route,
) -> Result<TlsStream<TcpStream>> {
    let config = client_config(trust, via)?;
    let name = ServerName::try_from(host.to_owned()).map_err(|e| Error::Protocol {
        host: host.to_owned(),
        detail: format!("invalid host name: {e}"),
    })?;
    tokio_rustls::TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| classify_handshake_error(e, host, port))
}

fn classify_handshake_error(e: std::io::Error, host: &str, port: u16) -> Error {
    let host = host.to_owned();
    let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return match e.kind() {
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => {
                Error::Closed { host }
            }
            _ => Error::Tls { host, source: e },
        };
    };
    let problem = match tls {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => CertProblem::UnknownIssuer,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                CertProblem::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                CertProblem::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertProblem::WrongHost
            }
            CertificateError::Revoked => CertProblem::Revoked,
            CertificateError::BadSignature => CertProblem::BadSignature,
            CertificateError::Other(other) => {
                if let Some(p) = other.0.downcast_ref::<PinMismatch>() {
                    CertProblem::PinMismatch {
                        expected: p.expected.clone(),
                        actual: p.actual.clone(),
                        key: p.key,
                        actual_key: p.actual_key.clone(),
                    }
                } else if let Some(w) = other.0.downcast_ref::<WeakKey>() {
                    CertProblem::WeakKey { bits: w.bits }
                } else if let Some(m) = other.0.downcast_ref::<IssuerNotInCaFile>() {
                    CertProblem::IssuerNotInCaFile {
                        issuer: m.issuer.clone(),
                    }
                } else {
                    CertProblem::Other(other_check_words(&format!("{:?}", other.0)).to_owned())
                }
            }
            other => CertProblem::Other(certificate_error_words(other).to_owned()),
        },
        // The server answered our ClientHello with something that is not TLS: plain text.
        rustls::Error::InvalidMessage(_) => return Error::ExpectsStartTls { host, port },
        _ => return Error::Tls { host, source: e },
    };
    Error::Certificate { host, problem }
}

/// A certificate failure with no problem of its own, in words (never a debug dump).
/// What webpki's own checks (reported to rustls as an opaque error) mean, in words: never its
/// variant names (`CaUsedAsEndEntity`) on screen.
fn other_check_words(debug: &str) -> &'static str {
    if debug.contains("CaUsedAsEndEntity") {
        "it is a certificate authority's own certificate, not a server's: the server is set up wrongly, or it is not the server it claims to be"
    } else if debug.contains("EndEntityUsedAsCa") {
        "a server's certificate was used to sign another one, which no authority allows"
    } else if debug.contains("UnsupportedCertVersion") {
        "it is of an old kind (not X.509 version 3) that is not accepted"
    } else if debug.contains("PathLenConstraintViolated")
        || debug.contains("NameConstraintViolation")
    {
        "its authority was not allowed to sign it"
    } else {
        "it failed a check of the certificate"
    }
}

fn certificate_error_words(e: &CertificateError) -> &'static str {
    match e {
        CertificateError::BadEncoding => "it is malformed",
        CertificateError::UnhandledCriticalExtension => {
            "it carries a critical extension Quietpost cannot check"
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "it is not meant for a server"
        }
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "it is signed with an algorithm Quietpost does not accept (such as SHA-1)"
        }
        CertificateError::UnknownRevocationStatus
        | CertificateError::ExpiredRevocationList
        | CertificateError::ExpiredRevocationListContext { .. } => {
            "its revocation status cannot be checked"
        }
        _ => "it failed a check of the certificate",
    }
}

/// What the handshake negotiated.
pub fn details(stream: &TlsStream<TcpStream>) -> TlsDetails {
    let (_, conn) = stream.get_ref();
    let certificates: Vec<Vec<u8>> = conn
        .peer_certificates()
        .unwrap_or_default()
        .iter()
        .map(|c| c.to_vec())
        .collect();
    let (subject, issuer, not_after) = certificates
        .first()
        .map(|c| describe(c))
        .unwrap_or((None, None, None));
    let fingerprint_sha256 = certificates
        .first()
        .map(|c| format_fingerprint(&fingerprint_sha256(c)))
        .unwrap_or_default();
    let key_sha256 = certificates
        .first()
        .and_then(|c| key_sha256(c))
        .map(|k| format_fingerprint(&k))
        .unwrap_or_default();
    TlsDetails {
        version: conn
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default()
            .replace("TLSv1_", "TLS 1."),
        cipher_suite: conn
            .negotiated_cipher_suite()
            .map(|c| format!("{:?}", c.suite()))
            .unwrap_or_default(),
        certificates,
        fingerprint_sha256,
        key_sha256,
        subject,
        issuer,
        not_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// webpki's variant names never reach people: each known one has words.
    #[test]
    fn webpki_checks_are_said_in_words() {
        let said = other_check_words("OtherError(CaUsedAsEndEntity)");
        assert!(
            said.starts_with("it is a certificate authority's own certificate"),
            "{said}"
        );
        assert!(!said.contains("CaUsedAsEndEntity"));
        assert_eq!(
            other_check_words("OtherError(SomethingNew)"),
            "it failed a check of the certificate"
        );
    }

    #[test]
    fn fingerprints_round_trip() {
        let fp = fingerprint_sha256(b"x");
        let text = format_fingerprint(&fp);
        assert_eq!(parse_fingerprint(&text), Some(fp));
        assert_eq!(
            parse_fingerprint(&text.replace(':', "").to_lowercase()),
            Some(fp)
        );
        assert_eq!(parse_fingerprint("AB:CD"), None);
    }

    #[test]
    fn every_trust_mode_builds_with_tls12_minimum() {
        let proxy = Route::Socks5 {
            host: "127.0.0.1".into(),
            port: 9050,
        };
        for (trust, via) in [
            (Trust::System, &Route::Direct),
            (Trust::System, &proxy),
            (Trust::PinnedSha256([0; 32]), &Route::Direct),
        ] {
            let c = client_config(&trust, via).unwrap();
            assert!(c.crypto_provider().cipher_suites.iter().all(|s| matches!(
                s.version().version,
                rustls::ProtocolVersion::TLSv1_2 | rustls::ProtocolVersion::TLSv1_3
            )));
        }
        assert!(matches!(
            client_config(&Trust::CaFile("/nonexistent.pem".into()), &Route::Direct),
            Err(Error::CaFile { .. })
        ));
    }

    const WEAK: &[u8] = include_bytes!("../tests/data/rsa1024-self-signed.der");

    #[test]
    fn a_weak_key_is_named_as_such_not_as_a_forgery() {
        assert_eq!(rsa_bits(WEAK), Some(1024));
        let cert = CertificateDer::from(WEAK.to_vec());
        let mut roots = RootCertStore::empty();
        let _ = roots.add(cert.clone());
        let verifier = Diagnosing {
            inner: webpki_verifier(
                RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
                },
                &provider(),
            )
            .unwrap(),
            ca_subjects: None,
        };
        let name = ServerName::try_from("weak.quietpost.test").unwrap();
        let err = verifier
            .verify_server_cert(&cert, &[], &name, &[], UnixTime::now())
            .unwrap_err();
        let problem = classify_handshake_error(
            std::io::Error::new(std::io::ErrorKind::InvalidData, err),
            "weak.quietpost.test",
            993,
        );
        assert!(
            matches!(
                problem,
                Error::Certificate {
                    problem: CertProblem::WeakKey { bits: 1024 },
                    ..
                }
            ),
            "{problem:?}"
        );
    }

    #[test]
    fn certificate_failures_are_words_never_debug_text() {
        for e in [
            CertificateError::BadEncoding,
            CertificateError::InvalidPurpose,
            CertificateError::UnhandledCriticalExtension,
            CertificateError::UnknownRevocationStatus,
        ] {
            let problem = classify_handshake_error(
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    rustls::Error::InvalidCertificate(e),
                ),
                "h",
                993,
            );
            let text = problem.to_string();
            assert!(!text.contains('{') && !text.contains("Some("), "{text}");
        }
    }
}
