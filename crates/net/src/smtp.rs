//! SMTP submission over strict TLS.
//!
//! lettre's own STARTTLS keeps bytes buffered across the upgrade (response injection, stack
//! notes §1) and its TLS settings cannot take our verifier, so everything up to and including
//! the TLS handshake is done here, with the same rules as IMAP: a missing or refused STARTTLS is
//! an error, any byte after the `220` go-ahead aborts, nothing but EHLO and STARTTLS is sent in
//! the clear, and the server's words before TLS are never shown. lettre then gets the TLS stream
//! and sends the first EHLO that counts.
//!
//! EHLO always says `[127.0.0.1]`: the same on every machine, revealing no host name.

use crate::endpoint::{Endpoint, Timeouts};
use crate::error::{Error, Result};
use crate::tls::{self, Security, TlsDetails};
use crate::wire::{Capped, Lines, MAX_LINES, server_text};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use quietpost_model::Secret;
use std::net::Ipv4Addr;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::client::TlsStream;

/// The EHLO argument: fixed and neutral, never the machine's name (safety-rules §5.1).
pub const EHLO_NAME: ClientId = ClientId::Ipv4(Ipv4Addr::LOCALHOST);

/// Longest SMTP reply line accepted (RFC 5321 allows 512 bytes; extensions stretch that).
const MAX_REPLY_LINE: usize = 64 * 1024;

/// An authenticated submission connection.
pub struct Submission {
    pub connection: AsyncSmtpConnection,
    pub tls: TlsDetails,
}

/// The server refused the envelope (MAIL, a RCPT or DATA): it has nothing of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// A 5xx reply (or an address that cannot be sent to): trying again will not help.
    pub permanent: bool,
    /// The server's words, or what was wrong.
    pub reason: String,
}

/// What became of the message itself, when it was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotDelivered {
    /// An explicit refusal (5xx after the data): it was not accepted.
    Refused(String),
    /// The connection failed or the reply was not final: the server may have it.
    Unknown(String),
}

impl Submission {
    /// The envelope, up to the point where the message itself is sent: MAIL FROM `from`
    /// (null when it is not an address), RCPT TO each of `to`, DATA. An error means the server
    /// has nothing of the message.
    pub async fn envelope(
        &mut self,
        from: &str,
        to: &[String],
    ) -> std::result::Result<(), Refused> {
        use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
        let refused = |e: lettre::transport::smtp::Error| Refused {
            permanent: e.is_permanent(),
            reason: e.to_string(),
        };
        let from: Option<lettre::Address> = from.parse().ok();
        self.connection
            .command(Mail::new(from, vec![]))
            .await
            .map_err(refused)?;
        for r in to {
            let address = r.parse().map_err(|_| Refused {
                permanent: true,
                reason: format!("invalid recipient {r}"),
            })?;
            self.connection
                .command(Rcpt::new(address, vec![]))
                .await
                .map_err(refused)?;
        }
        self.connection.command(Data).await.map_err(refused)?;
        Ok(())
    }

    /// The message itself, after [`Submission::envelope`] (dot-stuffed and ended by lettre).
    pub async fn message(&mut self, raw: &[u8]) -> std::result::Result<(), NotDelivered> {
        match self.connection.message(raw).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(NotDelivered::Refused(e.to_string())),
            Err(e) => Err(NotDelivered::Unknown(e.to_string())),
        }
    }

    /// Says goodbye; a failure here changes nothing.
    pub async fn quit(&mut self) {
        let _ = self.connection.quit().await;
    }
}

impl std::fmt::Debug for Submission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submission")
            .field("tls", &self.tls)
            .finish()
    }
}

/// Reads one (possibly multi-line) SMTP reply: its code and its lines' texts.
async fn reply<S: AsyncRead + AsyncWrite + Unpin>(
    lines: &mut Lines<'_, S>,
    limit: std::time::Duration,
) -> Result<(u16, Vec<String>)> {
    let mut texts = Vec::new();
    for _ in 0..MAX_LINES {
        let line = lines.read_line(limit).await?;
        let code = line
            .get(..3)
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| Error::Protocol {
                host: lines.host.to_owned(),
                detail: "malformed SMTP reply".into(),
            })?;
        texts.push(line.get(4..).unwrap_or("").to_owned());
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok((code, texts));
        }
    }
    Err(Error::Protocol {
        host: lines.host.to_owned(),
        detail: "SMTP reply too long".into(),
    })
}

/// STARTTLS on a plain connection, refusing everything that could let a man in the middle in.
async fn starttls(tcp: TcpStream, ep: &Endpoint, t: &Timeouts) -> Result<TcpStream> {
    let mut plain = Lines::new(tcp, ep);
    let (code, _) = match reply(&mut plain, t.greeting).await {
        Err(Error::TimedOut { .. }) => {
            return Err(Error::SpeaksTls {
                host: ep.host.clone(),
                port: ep.port,
            });
        }
        other => other?,
    };
    if code != 220 {
        return Err(Error::Protocol {
            host: ep.host.clone(),
            detail: format!("the server refused the connection ({code})"),
        });
    }
    plain.send("EHLO [127.0.0.1]\r\n").await?;
    let (code, extensions) = reply(&mut plain, t.command).await?;
    if code != 250 {
        return Err(Error::Protocol {
            host: ep.host.clone(),
            detail: format!("EHLO failed ({code})"),
        });
    }
    if !extensions.iter().any(|e| {
        e.split_whitespace()
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case("STARTTLS"))
    }) {
        return Err(Error::StartTlsUnavailable {
            host: ep.host.clone(),
        });
    }
    plain.send("STARTTLS\r\n").await?;
    let (code, _) = reply(&mut plain, t.command).await?;
    if code != 220 {
        return Err(Error::StartTlsRefused {
            host: ep.host.clone(),
        });
    }
    plain.into_upgradable().await
}

/// DANGER, for pinning only: the fingerprint of the certificate the submission server
/// presents, learnt without trusting it and without sending anything but what STARTTLS needs
/// (see [`Endpoint::danger_presented_fingerprint`]).
pub async fn danger_presented_fingerprint(
    ep: &Endpoint,
    t: &Timeouts,
) -> Result<quietpost_model::Fingerprint> {
    ep.danger_presented_fingerprint(t, |tcp| starttls(tcp, ep, t))
        .await
}

/// Connects, secures the connection and lets lettre say EHLO over TLS.
pub async fn connect(ep: &Endpoint, t: &Timeouts) -> Result<(AsyncSmtpConnection, TlsDetails)> {
    let tls_stream = ep.open_tls(t, |tcp| starttls(tcp, ep, t)).await?;
    let details = tls::details(&tls_stream);
    let stream = match ep.security {
        // The real greeting, over TLS; lettre reads it.
        Security::ImplicitTls => Greeted {
            greeting: b"",
            inner: tls_stream,
        },
        // No greeting follows STARTTLS (RFC 3207); lettre insists on reading one, so it gets a
        // line made here, which carries nothing from the server.
        Security::StartTlsRequired => Greeted {
            greeting: b"220 upgraded\r\n",
            inner: tls_stream,
        },
    };
    // SMTP replies are short: a server sending an endless line gets an error.
    let (stream, _) = Capped::new(stream, MAX_REPLY_LINE);
    let conn = timeout(
        t.command,
        AsyncSmtpConnection::connect_with_transport(Box::new(stream), &EHLO_NAME),
    )
    .await
    .map_err(|_| ep.timed_out())?
    .map_err(|e| smtp_error(ep, e))?;
    Ok((conn, details))
}

/// Connects and authenticates with AUTH PLAIN or LOGIN — over TLS only, as everything here.
pub async fn login(
    ep: &Endpoint,
    user: &str,
    password: &Secret,
    t: &Timeouts,
) -> Result<Submission> {
    let unsafe_chars = |s: &str| s.contains(['\r', '\n', '\0']);
    if unsafe_chars(user) || unsafe_chars(password.expose()) {
        return Err(Error::UnsafeCredentials);
    }
    let (mut connection, tls) = connect(ep, t).await?;
    tracing::debug!(host = ep.host, port = ep.port, user, tls = %tls.version, "authenticating (PLAIN or LOGIN, as the server offers after TLS)");
    let credentials = Credentials::new(user.to_owned(), password.expose().to_owned());
    timeout(
        t.command,
        connection.auth(&[Mechanism::Plain, Mechanism::Login], &credentials),
    )
    .await
    .map_err(|_| ep.timed_out())?
    .map_err(|e| {
        if e.is_permanent() {
            Error::Login {
                host: ep.host.clone(),
                server_text: server_text(&e.to_string()),
            }
        } else {
            smtp_error(ep, e)
        }
    })?;
    tracing::debug!(host = ep.host, "authenticated");
    Ok(Submission { connection, tls })
}

fn smtp_error(ep: &Endpoint, e: lettre::transport::smtp::Error) -> Error {
    if e.is_timeout() {
        Error::TimedOut {
            host: ep.host.clone(),
            port: ep.port,
        }
    } else {
        Error::Protocol {
            host: ep.host.clone(),
            detail: server_text(&e.to_string()),
        }
    }
}

/// The TLS stream, preceded by a greeting line made locally (or none).
#[derive(Debug)]
struct Greeted {
    greeting: &'static [u8],
    inner: TlsStream<TcpStream>,
}

impl AsyncRead for Greeted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if !self.greeting.is_empty() {
            let n = self.greeting.len().min(buf.remaining());
            buf.put_slice(&self.greeting[..n]);
            self.greeting = &self.greeting[n..];
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Greeted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl lettre::transport::smtp::client::AsyncTokioStream for Capped<Greeted> {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.get_ref().inner.get_ref().0.peer_addr()
    }
}
