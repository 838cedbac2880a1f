//! IMAP connections: TCP, TLS (implicit or hardened STARTTLS), capabilities, login.
//!
//! The plain-text phase of STARTTLS is spoken by this module itself, byte-exactly, so that it
//! can refuse what async-imap would let through: a PREAUTH greeting, a missing or refused
//! STARTTLS, and any byte that arrives between the server's "go ahead" and the handshake
//! (response injection). Nothing but CAPABILITY and STARTTLS is sent before TLS, and nothing
//! learned before TLS is kept. After TLS, async-imap takes over.

use crate::error::{Error, Result};
use crate::route::{self, Route};
use crate::tls::{self, Security, TlsDetails, Trust};
use quietpost_model::{SafeLine, Secret};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::client::TlsStream;

/// Longest line accepted before login (greeting, capability, tagged reply).
const MAX_LINE: usize = 8 * 1024;
/// Most lines read before login for one command.
const MAX_LINES: usize = 64;
/// Longest server text kept for an error message.
const MAX_SERVER_TEXT: usize = 200;

/// Where and how to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub trust: Trust,
    /// Direct, or through the account's proxy (a kill-switch).
    pub route: Route,
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

pub type ImapStream = TlsStream<TcpStream>;

/// A TLS connection that has greeted us and told us its capabilities (after TLS).
pub struct Connected {
    pub client: async_imap::Client<ImapStream>,
    pub tls: TlsDetails,
    pub capabilities: Vec<String>,
}

/// A logged-in session.
pub struct Authenticated {
    pub session: async_imap::Session<ImapStream>,
    pub tls: TlsDetails,
    /// Capabilities asked for after TLS (before login).
    pub capabilities: Vec<String>,
}

impl std::fmt::Debug for Connected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connected")
            .field("tls", &self.tls)
            .field("capabilities", &self.capabilities)
            .finish()
    }
}

/// Server words for an error message: one line, sanitized, capped.
fn server_text(s: &str) -> String {
    SafeLine::new(s, MAX_SERVER_TEXT).to_string()
}

/// A byte-exact, bounded line reader that knows what it has buffered. Used for everything
/// before login: the plain-text phase of STARTTLS, and the greeting and CAPABILITY after TLS.
struct Lines<'a, S> {
    stream: S,
    buf: Vec<u8>,
    host: &'a str,
    port: u16,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Lines<'_, S> {
    async fn read_line(&mut self, limit: Duration) -> Result<String> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=end).collect();
                return Ok(String::from_utf8_lossy(&line).trim_end().to_owned());
            }
            if self.buf.len() > MAX_LINE {
                return Err(Error::Protocol {
                    host: self.host.to_owned(),
                    detail: "line too long before login".into(),
                });
            }
            let mut chunk = [0u8; 4096];
            let n = timeout(limit, self.stream.read(&mut chunk))
                .await
                .map_err(|_| Error::TimedOut {
                    host: self.host.to_owned(),
                    port: self.port,
                })?
                .map_err(|source| Error::Connect {
                    host: self.host.to_owned(),
                    port: self.port,
                    source,
                })?;
            if n == 0 {
                return Err(Error::Closed {
                    host: self.host.to_owned(),
                });
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn send(&mut self, line: &str) -> Result<()> {
        self.stream
            .write_all(line.as_bytes())
            .await
            .map_err(|source| Error::Connect {
                host: self.host.to_owned(),
                port: self.port,
                source,
            })?;
        self.stream.flush().await.map_err(|source| Error::Connect {
            host: self.host.to_owned(),
            port: self.port,
            source,
        })
    }

    /// Sends `TAG COMMAND` and reads up to its tagged reply; returns (status, text, untagged).
    async fn command(
        &mut self,
        tag: &str,
        command: &str,
        limit: Duration,
    ) -> Result<(String, String, Vec<String>)> {
        self.send(&format!("{tag} {command}\r\n")).await?;
        let mut untagged = Vec::new();
        for _ in 0..MAX_LINES {
            let line = self.read_line(limit).await?;
            if let Some(rest) = line.strip_prefix(tag).and_then(|r| r.strip_prefix(' ')) {
                let (status, text) = rest.split_once(' ').unwrap_or((rest, ""));
                return Ok((status.to_ascii_uppercase(), text.to_owned(), untagged));
            }
            untagged.push(line);
        }
        Err(Error::Protocol {
            host: self.host.to_owned(),
            detail: format!("no reply to {command}"),
        })
    }

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
                detail: format!("unexpected greeting: {}", server_text(&greeting)),
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
        let (status, text, untagged) = self.command(tag, "CAPABILITY", limit).await?;
        if status != "OK" {
            return Err(Error::Protocol {
                host: self.host.to_owned(),
                detail: format!("CAPABILITY failed: {}", server_text(&text)),
            });
        }
        Ok(capability_list(&untagged))
    }

    /// The stream, once nothing is left unread: the server must be waiting for us.
    fn into_stream(self) -> Result<S> {
        if !self.buf.is_empty() {
            return Err(Error::Protocol {
                host: self.host.to_owned(),
                detail: "unexpected data before login".into(),
            });
        }
        Ok(self.stream)
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
    let mut plain = Lines {
        stream: tcp,
        buf: Vec::new(),
        host: &ep.host,
        port: ep.port,
    };
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
    let (status, text, _) = plain.command("Q2", "STARTTLS", t.command).await?;
    if status != "OK" {
        return Err(Error::StartTlsRefused {
            host: ep.host.clone(),
            server_text: server_text(&text),
        });
    }
    // Anything received after the "go ahead" was not sent by the TLS server we are about to
    // verify. Give a racing injector a moment to show itself, then check.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut probe = [0u8; 1];
    let pending = plain
        .stream
        .try_read(&mut probe)
        .map(|n| n > 0)
        .unwrap_or(false);
    if !plain.buf.is_empty() || pending {
        return Err(Error::Injection {
            host: ep.host.clone(),
        });
    }
    Ok(plain.stream)
}

/// Connects, secures the connection and reads the capabilities after TLS. What the server
/// said before TLS is forgotten.
pub async fn connect(ep: &Endpoint, t: &Timeouts) -> Result<Connected> {
    let tcp = route::open(&ep.route, &ep.host, ep.port, t.connect).await?;
    let tcp = match ep.security {
        Security::ImplicitTls => tcp,
        Security::StartTlsRequired => starttls(tcp, ep, t).await?,
    };
    let tls_stream = timeout(t.command, tls::handshake(tcp, &ep.host, ep.port, &ep.trust))
        .await
        .map_err(|_| Error::TimedOut {
            host: ep.host.clone(),
            port: ep.port,
        })??;
    let details = tls::details(&tls_stream);
    let mut lines = Lines {
        stream: tls_stream,
        buf: Vec::new(),
        host: &ep.host,
        port: ep.port,
    };
    // No greeting follows STARTTLS; implicit TLS starts with one.
    let from_greeting = match ep.security {
        Security::ImplicitTls => lines.greeting(t.greeting).await?,
        Security::StartTlsRequired => Vec::new(),
    };
    let capabilities = lines.capabilities(from_greeting, "Q3", t.command).await?;
    let client = async_imap::Client::new(lines.into_stream()?);
    Ok(Connected {
        client,
        tls: details,
        capabilities,
    })
}

struct AuthPlain<'a> {
    user: &'a str,
    password: &'a str,
}

impl async_imap::Authenticator for AuthPlain<'_> {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        // authzid NUL authcid NUL password (RFC 4616); base64-encoded by async-imap.
        let mut r = Vec::with_capacity(self.user.len() + self.password.len() + 2);
        r.push(0);
        r.extend_from_slice(self.user.as_bytes());
        r.push(0);
        r.extend_from_slice(self.password.as_bytes());
        r
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
    let unsafe_chars = |s: &str| s.contains(['\r', '\n', '\0']);
    if unsafe_chars(user) || unsafe_chars(password.expose()) {
        return Err(Error::UnsafeCredentials);
    }
    let Connected {
        client,
        tls,
        capabilities,
    } = connect(ep, t).await?;
    if capabilities.iter().any(|c| c == "LOGINDISABLED") {
        return Err(Error::LoginDisabled {
            host: ep.host.clone(),
        });
    }
    let attempt = async {
        if capabilities.iter().any(|c| c == "AUTH=PLAIN") {
            client
                .authenticate(
                    "PLAIN",
                    AuthPlain {
                        user,
                        password: password.expose(),
                    },
                )
                .await
        } else {
            client.login(user, password.expose()).await
        }
    };
    let session = timeout(t.command, attempt)
        .await
        .map_err(|_| Error::TimedOut {
            host: ep.host.clone(),
            port: ep.port,
        })?
        .map_err(|(e, _client)| match e {
            async_imap::error::Error::No(text) => Error::Login {
                host: ep.host.clone(),
                server_text: server_text(&text),
            },
            async_imap::error::Error::Bad(text) => Error::Login {
                host: ep.host.clone(),
                server_text: server_text(&text),
            },
            async_imap::error::Error::ConnectionLost => Error::Closed {
                host: ep.host.clone(),
            },
            other => Error::Protocol {
                host: ep.host.clone(),
                detail: other.to_string(),
            },
        })?;
    Ok(Authenticated {
        session,
        tls,
        capabilities,
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
