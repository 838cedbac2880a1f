//! Certificate and key pins: a server trusted by the SHA-256 of its certificate or of its key
//! alone, the handshake's signature still checked with it.

use super::{fingerprint_sha256, format_fingerprint};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;

/// The pinned certificate (or key) is not the one presented.
#[derive(Debug)]
pub(super) struct PinMismatch {
    pub(super) expected: String,
    pub(super) actual: String,
    pub(super) key: bool,
    pub(super) actual_key: String,
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} fingerprint {} is not the pinned {}",
            if self.key { "key" } else { "certificate" },
            self.actual,
            self.expected
        )
    }
}

/// The SHA-256 of a certificate's SubjectPublicKeyInfo (RFC 7469's pin-sha256), when it
/// parses.
pub fn key_sha256(der: &[u8]) -> Option<[u8; 32]> {
    use x509_cert::der::{Decode, Encode};
    let c = x509_cert::Certificate::from_der(der).ok()?;
    let spki = c.tbs_certificate.subject_public_key_info.to_der().ok()?;
    Some(fingerprint_sha256(&spki))
}

impl std::error::Error for PinMismatch {}

/// Accepts exactly one certificate (or one key: any certificate for it), by SHA-256, and
/// still verifies the handshake signature with it (so a copied certificate without its key
/// does not pass).
#[derive(Debug)]
pub(super) struct PinnedCertVerifier {
    pub(super) pin: [u8; 32],
    /// The pin is of the key (SPKI), not the whole certificate.
    pub(super) key: bool,
    pub(super) provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let key = key_sha256(end_entity);
        let actual = if self.key {
            key
        } else {
            Some(fingerprint_sha256(end_entity))
        };
        // Not secret data: a plain comparison is fine. A certificate pin also takes the key's
        // fingerprint (what some administrators publish): both name one server key alone.
        if actual == Some(self.pin) || (!self.key && key == Some(self.pin)) {
            Ok(ServerCertVerified::assertion())
        } else {
            let words = |f: Option<[u8; 32]>| {
                f.map_or_else(|| "(unreadable)".to_owned(), |f| format_fingerprint(&f))
            };
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                rustls::OtherError(Arc::new(PinMismatch {
                    expected: format_fingerprint(&self.pin),
                    actual: words(actual),
                    key: self.key,
                    actual_key: words(key),
                })),
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
