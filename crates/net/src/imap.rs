//! IMAP connections: TCP, TLS (implicit or hardened STARTTLS), capabilities, login.
//!
//! The plain-text phase of STARTTLS is spoken by this module itself, byte-exactly, so that it
//! can refuse what async-imap would let through: a PREAUTH greeting, a missing or refused
//! STARTTLS, and any byte that arrives between the server's "go ahead" and the handshake
//! (response injection). Nothing but CAPABILITY and STARTTLS is sent before TLS, and nothing
//! learned before TLS is kept. After TLS, async-imap takes over.

pub mod mailbox;

pub use crate::endpoint::{Endpoint, Timeouts};
use crate::error::{Error, Result};
use crate::framing::{Guarded, Limits};
use crate::tls::{self, Security, TlsDetails};
use crate::wire::{Lines, imap_error_words};
use quietpost_model::Secret;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::client::TlsStream;

/// The stream async-imap reads: TLS, guarded by IMAP framing limits (`framing.rs`).
pub type ImapStream = Guarded<TlsStream<TcpStream>>;

/// A TLS connection that has greeted us and told us its capabilities (after TLS).
pub struct Connected {
    pub client: async_imap::Client<ImapStream>,
    /// What the server may send on `client`'s stream; widened after login.
    pub limits: std::sync::Arc<Limits>,
    pub tls: TlsDetails,
    pub capabilities: Vec<String>,
}

/// A logged-in session.
pub struct Authenticated {
    pub session: async_imap::Session<ImapStream>,
    pub tls: TlsDetails,
    /// Capabilities asked for after TLS (before login).
    pub capabilities: Vec<String>,
    /// Capabilities the login's OK named (`[CAPABILITY ...]`), if it did: those after login.
    pub login_capabilities: Option<Vec<String>>,
}

impl std::fmt::Debug for Connected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connected")
            .field("tls", &self.tls)
            .field("capabilities", &self.capabilities)
            .finish()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Lines<'_, S> {
    /// Reads the greeting: `* OK` continues; PREAUTH and anything else are refused. Returns the
    /// capabilities the greeting carried, if any.
    async fn greeting(&mut self, limit: Duration) -> Result<Vec<String>> {
        let greeting = self.read_line(limit).await?;
        let upper = greeting.to_ascii_uppercase();
        if upper.starts_with("* PREAUTH") {
            return Err(Error::Preauth {
                host: self.host.to_owned(),
            });
        }
        if !upper.starts_with("* OK") {
            return Err(Error::Protocol {
                host: self.host.to_owned(),
                // Used before TLS too: the server's words are not repeated.
                detail: "unexpected greeting".into(),
            });
        }
        Ok(capability_list(std::slice::from_ref(&greeting)))
    }

    /// CAPABILITY, unless the greeting already said.
    async fn capabilities(
        &mut self,
        from_greeting: Vec<String>,
        tag: &str,
        limit: Duration,
    ) -> Result<Vec<String>> {
        if !from_greeting.is_empty() {
            return Ok(from_greeting);
        }
        let (status, _, untagged) = self.command(tag, "CAPABILITY", limit).await?;
        if status != "OK" {
            return Err(Error::Protocol {
                host: self.host.to_owned(),
                detail: "CAPABILITY failed".into(),
            });
        }
        Ok(capability_list(&untagged))
    }
}

/// Capabilities named in `* CAPABILITY ...` lines or a `[CAPABILITY ...]` response code.
fn capability_list(lines: &[String]) -> Vec<String> {
    let mut caps = Vec::new();
    for line in lines {
        let upper = line.to_ascii_uppercase();
        let list = if let Some(rest) = upper.strip_prefix("* CAPABILITY ") {
            rest.to_owned()
        } else if let Some(i) = upper.find("[CAPABILITY ") {
            upper[i + 12..].split(']').next().unwrap_or("").to_owned()
        } else {
            continue;
        };
        caps.extend(list.split_whitespace().map(str::to_owned));
    }
    caps
}

/// STARTTLS, refusing everything that could let a man in the middle in.
async fn starttls(tcp: TcpStream, ep: &Endpoint, t: &Timeouts) -> Result<TcpStream> {
    let mut plain = Lines::new(tcp, ep);
    let from_greeting = match plain.greeting(t.greeting).await {
        Err(Error::TimedOut { .. }) => {
            return Err(Error::SpeaksTls {
                host: ep.host.clone(),
                port: ep.port,
            });
        }
        other => other?,
    };
    let caps = plain.capabilities(from_greeting, "Q1", t.command).await?;
    if !caps.iter().any(|c| c == "STARTTLS") {
        return Err(Error::StartTlsUnavailable {
            host: ep.host.clone(),
        });
    }
    // Only the tagged OK of our own STARTTLS is a go-ahead. Anything else — a continuation
    // request, an untagged line, another tag — is refused at once: nothing legitimate sends
    // it, and waiting for the command's time-out would blame the network.
    plain.send("Q2 STARTTLS\r\n").await?;
    let line = plain.read_line(t.command).await?;
    match line.strip_prefix("Q2 ").map(|rest| {
        rest.split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase()
    }) {
        Some(status) if status == "OK" => {}
        Some(status) if status == "NO" || status == "BAD" => {
            return Err(Error::StartTlsRefused {
                host: ep.host.clone(),
            });
        }
        _ => {
            return Err(Error::StartTlsUnexpected {
                host: ep.host.clone(),
            });
        }
    }
    plain.into_upgradable().await
}

/// DANGER, for pinning only: the fingerprint of the certificate the IMAP server presents,
/// learnt without trusting it and without sending anything but what STARTTLS needs (see
/// [`Endpoint::danger_presented_fingerprint`]).
pub async fn danger_presented_fingerprint(
    ep: &Endpoint,
    t: &Timeouts,
) -> Result<quietpost_model::Fingerprint> {
    ep.danger_presented_fingerprint(t, |tcp| starttls(tcp, ep, t))
        .await
}

/// Connects, secures the connection and reads the capabilities after TLS. What the server
/// said before TLS is forgotten.
pub async fn connect(ep: &Endpoint, t: &Timeouts) -> Result<Connected> {
    let tls_stream = ep.open_tls(t, |tcp| starttls(tcp, ep, t)).await?;
    let details = tls::details(&tls_stream);
    let mut lines = Lines::new(tls_stream, ep);
    // No greeting follows STARTTLS; implicit TLS starts with one.
    let from_greeting = match ep.security {
        Security::ImplicitTls => lines.greeting(t.greeting).await?,
        Security::StartTlsRequired => Vec::new(),
    };
    let capabilities = lines.capabilities(from_greeting, "Q3", t.command).await?;
    let limits = Limits::before_login();
    let stream = Guarded::new(lines.into_stream()?, limits.clone());
    let client = async_imap::Client::new(stream);
    Ok(Connected {
        client,
        limits,
        tls: details,
        capabilities,
    })
}

struct AuthPlain<'a> {
    user: &'a str,
    password: &'a str,
}

impl AuthPlain<'_> {
    /// authzid NUL authcid NUL password (RFC 4616), before base64.
    fn response(&self) -> zeroize::Zeroizing<Vec<u8>> {
        let mut r = Vec::with_capacity(self.user.len() + self.password.len() + 2);
        r.push(0);
        r.extend_from_slice(self.user.as_bytes());
        r.push(0);
        r.extend_from_slice(self.password.as_bytes());
        zeroize::Zeroizing::new(r)
    }
}

impl async_imap::Authenticator for AuthPlain<'_> {
    /// Wiped when async-imap drops it (its base64 form, which async-imap builds, is not: see
    /// SECURITY.md).
    type Response = zeroize::Zeroizing<Vec<u8>>;
    fn process(&mut self, _challenge: &[u8]) -> Self::Response {
        self.response()
    }
}

/// After a PLAIN response sent with the command itself (SASL-IR, RFC 4959), the server has
/// nothing more to ask: a challenge gets an empty response, which fails the exchange, instead
/// of the credentials a second time.
struct AlreadySent;

impl async_imap::Authenticator for AlreadySent {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Self::Response {
        Vec::new()
    }
}

/// Connects and logs in: AUTHENTICATE PLAIN when offered, else LOGIN with quoted strings;
/// never when LOGINDISABLED; never before TLS.
pub async fn login(
    ep: &Endpoint,
    user: &str,
    password: &Secret,
    t: &Timeouts,
) -> Result<Authenticated> {
    check_credentials(user, password)?;
    authenticate(connect(ep, t).await?, ep, user, password, t).await
}

/// Credentials that would break out of the command they are sent in are refused before
/// anything is sent.
fn check_credentials(user: &str, password: &Secret) -> Result<()> {
    let unsafe_chars = |s: &str| s.contains(['\r', '\n', '\0']);
    if unsafe_chars(user) || unsafe_chars(password.expose()) {
        return Err(Error::UnsafeCredentials);
    }
    Ok(())
}

/// Logs in over a connection [`connect`] made: AUTHENTICATE PLAIN when offered (its response
/// in the command itself when the server takes it, SASL-IR: one round trip, not two), else
/// LOGIN with quoted strings; never when LOGINDISABLED.
pub async fn authenticate(
    connected: Connected,
    ep: &Endpoint,
    user: &str,
    password: &Secret,
    t: &Timeouts,
) -> Result<Authenticated> {
    check_credentials(user, password)?;
    let Connected {
        client,
        limits,
        tls,
        capabilities,
    } = connected;
    if capabilities.iter().any(|c| c == "LOGINDISABLED") {
        return Err(Error::LoginDisabled {
            host: ep.host.clone(),
        });
    }
    let plain = capabilities.iter().any(|c| c == "AUTH=PLAIN");
    let initial = capabilities.iter().any(|c| c == "SASL-IR");
    tracing::debug!(host = ep.host, port = ep.port, user, mechanism = if plain { "PLAIN" } else { "LOGIN" }, sasl_ir = plain && initial, tls = %tls.version, "logging in");
    let auth = AuthPlain {
        user,
        password: password.expose(),
    };
    let attempt = async {
        if plain && initial {
            use base64::Engine;
            let response = auth.response();
            // Sized up front: a String that grew would leave copies behind, unwiped.
            let mut line = zeroize::Zeroizing::new(String::with_capacity(
                "PLAIN ".len() + response.len().div_ceil(3) * 4,
            ));
            line.push_str("PLAIN ");
            base64::engine::general_purpose::STANDARD.encode_string(&*response, &mut line);
            client.authenticate(line.as_str(), AlreadySent).await
        } else if plain {
            client.authenticate("PLAIN", auth).await
        } else {
            client.login(user, password.expose()).await
        }
    };
    let session = timeout(t.command, attempt)
        .await
        .map_err(|_| ep.timed_out())?
        .map_err(|(e, _client)| match e {
            e @ (async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_)) => {
                Error::Login {
                    host: ep.host.clone(),
                    server_text: imap_error_words(&e),
                }
            }
            async_imap::error::Error::ConnectionLost => Error::Closed {
                host: ep.host.clone(),
            },
            other => Error::Protocol {
                host: ep.host.clone(),
                detail: imap_error_words(&other),
            },
        })?;
    tracing::debug!(host = ep.host, "logged in");
    // Logged in: message literals may now arrive, up to their own cap.
    limits.after_login();
    let login_capabilities = limits
        .login_ok()
        .map(|ok| capability_list(std::slice::from_ref(&ok)))
        .filter(|caps| caps.iter().any(|c| c == "IMAP4REV1" || c == "IMAP4REV2"));
    Ok(Authenticated {
        session,
        tls,
        capabilities,
        login_capabilities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_from_greeting() {
        let lines = vec!["* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready".to_owned()];
        assert_eq!(
            capability_list(&lines),
            ["IMAP4REV1", "STARTTLS", "LOGINDISABLED"]
        );
    }
}
