//! Where and how to connect, shared by IMAP and SMTP.

use crate::error::{Error, Result};
use crate::route::{self, Route};
use crate::tls::{self, Security, Trust};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// Where and how to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub trust: Trust,
    /// Direct, or through the account's proxy (a kill-switch).
    pub route: Route,
    /// Tor stream isolation for this purpose (SOCKS5 routes only).
    pub isolation: Option<route::Isolation>,
}

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// For the plain-text greeting: a port that speaks TLS directly sends none.
    pub greeting: Duration,
    pub command: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(15),
            greeting: Duration::from_secs(10),
            command: Duration::from_secs(60),
        }
    }
}

impl Endpoint {
    pub(crate) fn timed_out(&self) -> Error {
        Error::TimedOut {
            host: self.host.clone(),
            port: self.port,
        }
    }

    /// Opens the route and, when the endpoint requires it, runs the protocol's STARTTLS step:
    /// the connection as it is when the TLS handshake may begin.
    async fn open_until_tls<F, Fut>(&self, t: &Timeouts, starttls: F) -> Result<TcpStream>
    where
        F: FnOnce(TcpStream) -> Fut,
        Fut: std::future::Future<Output = Result<TcpStream>>,
    {
        let tcp = route::open(
            &self.route,
            self.isolation.as_ref(),
            &self.host,
            self.port,
            t.connect,
        )
        .await?;
        match self.security {
            Security::ImplicitTls => Ok(tcp),
            Security::StartTlsRequired => starttls(tcp).await,
        }
    }

    /// DANGER, for pinning only: the SHA-256 fingerprint (`AB:CD:…`) of the certificate the
    /// server presents, through the endpoint's route and, when it requires it, after the
    /// protocol's STARTTLS step (nothing else is sent before TLS), learnt by
    /// [`tls::danger_learn_certificate`]: the handshake is abandoned once the certificate is
    /// seen, so nothing, no credential above all, follows.
    pub(crate) async fn danger_presented_fingerprint<F, Fut>(
        &self,
        t: &Timeouts,
        starttls: F,
    ) -> Result<quietpost_model::Fingerprint>
    where
        F: FnOnce(TcpStream) -> Fut,
        Fut: std::future::Future<Output = Result<TcpStream>>,
    {
        let tcp = self.open_until_tls(t, starttls).await?;
        let der = tokio::time::timeout(
            t.command,
            tls::danger_learn_certificate(tcp, &self.host, self.port),
        )
        .await
        .map_err(|_| self.timed_out())??;
        Ok(quietpost_model::Fingerprint(tls::fingerprint_sha256(&der)))
    }

    /// Opens the route, runs the protocol's STARTTLS step when the endpoint requires it, and
    /// completes the TLS handshake under the one policy: the shared first half of every IMAP
    /// and SMTP connection.
    pub(crate) async fn open_tls<F, Fut>(
        &self,
        t: &Timeouts,
        starttls: F,
    ) -> Result<TlsStream<TcpStream>>
    where
        F: FnOnce(TcpStream) -> Fut,
        Fut: std::future::Future<Output = Result<TcpStream>>,
    {
        let tcp = self.open_until_tls(t, starttls).await?;
        tokio::time::timeout(
            t.command,
            tls::handshake(tcp, &self.host, self.port, &self.trust, &self.route),
        )
        .await
        .map_err(|_| self.timed_out())?
    }
}
