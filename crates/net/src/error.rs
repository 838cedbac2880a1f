//! Connection errors, classified so the app can tell people what happened and what to do.
//! `Display` is for logs; the words people read live in the app.

use std::io;

/// Which certificate check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertProblem {
    /// Not signed by an authority the system (or the account's CA file) trusts: self-signed,
    /// private CA, or an interception proxy.
    UnknownIssuer,
    Expired,
    NotYetValid,
    /// Valid, but for another host name.
    WrongHost,
    Revoked,
    /// The signature on the certificate does not verify: forged (an issuer name copied from a
    /// trusted authority) or corrupted.
    BadSignature,
    /// The certificate (or key, `key`) is not the one pinned for this account. Never a prompt
    /// to re-accept: the person compares `expected` and `actual` and may pin `actual_key`, the
    /// presented certificate's key, in the settings.
    PinMismatch {
        expected: String,
        actual: String,
        key: bool,
        actual_key: String,
    },
    /// The server's key (or a key in its chain) is too weak to be safe: an RSA key under 2,048
    /// bits. Not a forgery, but nothing protects the connection well enough to use it.
    WeakKey {
        bits: usize,
    },
    /// With a CA file: the server sent no intermediate certificate, and its certificate's
    /// issuer is not in the CA file. Either the server's setup leaves out the intermediate
    /// that links it to the CA (a common mistake), or the certificate is not from that CA at
    /// all (interception): the issuer is named so the person can tell.
    IssuerNotInCaFile {
        issuer: String,
    },
    /// Anything else rustls rejected, in words (malformed, unsupported usage ...).
    Other(String),
}

impl std::fmt::Display for CertProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertProblem::UnknownIssuer => f.write_str("issuer not trusted"),
            CertProblem::Expired => f.write_str("expired"),
            CertProblem::NotYetValid => f.write_str("not yet valid"),
            CertProblem::WrongHost => f.write_str("issued for another host name"),
            CertProblem::Revoked => f.write_str("revoked"),
            CertProblem::BadSignature => f.write_str("signature does not verify"),
            CertProblem::PinMismatch {
                expected,
                actual,
                key,
                ..
            } => {
                write!(
                    f,
                    "{} SHA-256 fingerprint {actual} is not the pinned {expected}",
                    if *key { "key" } else { "certificate" }
                )
            }
            CertProblem::WeakKey { bits } => write!(f, "{bits}-bit key, too weak"),
            CertProblem::IssuerNotInCaFile { issuer } => write!(
                f,
                "issued by {issuer}, which is not in the CA file (no intermediate was sent)"
            ),
            CertProblem::Other(s) => write!(f, "rejected ({s})"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot find the host {host}")]
    NameNotFound {
        host: String,
        #[source]
        source: io::Error,
    },
    #[error("connection to {host}:{port} refused")]
    Refused { host: String, port: u16 },
    #[error("connection to {host}:{port} timed out")]
    TimedOut { host: String, port: u16 },
    #[error("cannot connect to {host}:{port}")]
    Connect {
        host: String,
        port: u16,
        #[source]
        source: io::Error,
    },
    #[error("certificate of {host}: {problem}")]
    Certificate { host: String, problem: CertProblem },
    #[error("TLS handshake with {host} failed")]
    Tls {
        host: String,
        #[source]
        source: io::Error,
    },
    /// The port answered in plain text: it expects STARTTLS (or is not a mail port).
    #[error("{host}:{port} answered in plain text; it expects STARTTLS")]
    ExpectsStartTls { host: String, port: u16 },
    /// No greeting in plain text: the port probably speaks TLS directly.
    #[error("{host}:{port} sent no plain-text greeting; it probably speaks TLS directly")]
    SpeaksTls { host: String, port: u16 },
    #[error("{host} does not offer STARTTLS")]
    StartTlsUnavailable { host: String },
    /// The server's words before TLS are never shown: anyone on the path could have written them.
    #[error("{host} refused STARTTLS")]
    StartTlsRefused { host: String },
    /// The answer to STARTTLS was not the tagged go-ahead of our own command (a continuation
    /// request, an untagged line, another tag): refused at once, never waited out.
    #[error("{host} answered STARTTLS with something other than its go-ahead")]
    StartTlsUnexpected { host: String },
    /// Bytes arrived between the server's "go ahead" and the TLS handshake: someone on the
    /// path is injecting responses.
    #[error("{host} sent data before the TLS handshake (response injection)")]
    Injection { host: String },
    #[error("{host} greeted with PREAUTH on a connection that must be upgraded or logged in")]
    Preauth { host: String },
    #[error("{host} does not allow logging in (LOGINDISABLED)")]
    LoginDisabled { host: String },
    #[error("{host} rejected the login: {server_text}")]
    Login { host: String, server_text: String },
    #[error("{host} closed the connection")]
    Closed { host: String },
    #[error("protocol error from {host}: {detail}")]
    Protocol { host: String, detail: String },
    /// A user name or password with CR, LF or NUL would break the protocol; never sent.
    #[error("the user name or password contains a line break or NUL")]
    UnsafeCredentials,
    /// The configured proxy cannot be reached. Nothing was sent directly instead.
    #[error("the proxy {proxy} is not reachable: {reason}")]
    ProxyUnreachable { proxy: String, reason: String },
    #[error("the proxy {proxy} {detail}")]
    Proxy { proxy: String, detail: String },
    #[error("cannot read the CA file {path}")]
    CaFile {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("invalid TLS configuration")]
    Config(#[source] rustls::Error),
}

impl Error {
    pub fn is_certificate_problem(&self) -> bool {
        matches!(self, Error::Certificate { .. })
    }

    pub fn is_auth_failure(&self) -> bool {
        matches!(self, Error::Login { .. } | Error::LoginDisabled { .. })
    }

    /// Worth retrying later without changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::TimedOut { .. }
                | Error::Refused { .. }
                | Error::Closed { .. }
                | Error::Connect { .. }
        )
    }

    /// A sign of an attack or misconfiguration on the path, never of a passing fault.
    pub fn is_security_failure(&self) -> bool {
        matches!(
            self,
            Error::Certificate { .. }
                | Error::Injection { .. }
                | Error::Preauth { .. }
                | Error::StartTlsUnavailable { .. }
                | Error::StartTlsRefused { .. }
        )
    }
}

pub type Result<T> = std::result::Result<T, Error>;
