//! A byte-exact, bounded line reader for everything spoken before TLS and login. It knows what it
//! has buffered, which is how response injection after a STARTTLS go-ahead is detected.

use crate::error::{Error, Result};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

/// Longest line accepted before login.
pub(crate) const MAX_LINE: usize = 8 * 1024;
/// Most lines read for one reply before login.
pub(crate) const MAX_LINES: usize = 64;
/// Longest server text kept for an error message.
const MAX_SERVER_TEXT: usize = 200;

/// A line for a protocol trace: the arguments of LOGIN / AUTHENTICATE / AUTH are replaced by
/// `[redacted]`, and the line is sanitized like any server text.
pub(crate) fn redact(line: &str) -> String {
    let words: Vec<&str> = line.trim_end().splitn(3, ' ').collect();
    let is_auth = |w: &str| {
        ["LOGIN", "AUTHENTICATE", "AUTH"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k))
    };
    let shown = match words.as_slice() {
        // SMTP: AUTH PLAIN <blob>; IMAP without a tag.
        [cmd, mech, _] | [cmd, mech] if is_auth(cmd) => format!("{cmd} {mech} [redacted]"),
        // IMAP: TAG LOGIN user pass / TAG AUTHENTICATE PLAIN blob.
        [tag, cmd, _] if is_auth(cmd) => format!("{tag} {cmd} [redacted]"),
        _ => line.trim_end().to_owned(),
    };
    server_text(&shown)
}

/// An IMAP library error in words: for a NO or BAD, the server's own words (async-imap hands
/// them over as `code: Some(..), info: Some("…")`, debug text no person should read);
/// otherwise the library's description. Sanitized and capped like any server text.
pub(crate) fn imap_error_words(e: &async_imap::error::Error) -> String {
    match e {
        async_imap::error::Error::No(text) | async_imap::error::Error::Bad(text) => {
            server_text(&info_of(text))
        }
        other => server_text(&other.to_string()),
    }
}

/// The `info` part of async-imap's `code: …, info: Some("…")`, unescaped; the text as it is
/// when it is not of that form; empty when the server gave no words.
fn info_of(text: &str) -> String {
    if let Some(start) = text.find("info: Some(\"") {
        let rest = &text[start + "info: Some(\"".len()..];
        let body = rest.strip_suffix("\")").unwrap_or(rest);
        let mut out = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match (c, chars.clone().next()) {
                ('\\', Some(n @ ('"' | '\\' | '\''))) => {
                    out.push(n);
                    chars.next();
                }
                ('\\', Some('n' | 'r' | 't')) => {
                    out.push(' ');
                    chars.next();
                }
                (c, _) => out.push(c),
            }
        }
        return out;
    }
    if text.contains("info: None") {
        return String::new();
    }
    text.to_owned()
}

/// Server words for an error message: one line, sanitized, capped.
pub(crate) fn server_text(s: &str) -> String {
    quietpost_model::SafeLine::new(s, MAX_SERVER_TEXT).to_string()
}

/// A byte-exact, bounded line reader that knows what it has buffered. Used for everything
/// before login: the plain-text phase of STARTTLS, and the greeting and CAPABILITY after TLS.
pub(crate) struct Lines<'a, S> {
    pub(crate) stream: S,
    pub(crate) buf: Vec<u8>,
    pub(crate) host: &'a str,
    pub(crate) port: u16,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Lines<'_, S> {
    pub(crate) async fn read_line(&mut self, limit: Duration) -> Result<String> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line).trim_end().to_owned();
                tracing::trace!(host = self.host, "S: {}", server_text(&line));
                return Ok(line);
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

    pub(crate) async fn send(&mut self, line: &str) -> Result<()> {
        tracing::trace!(host = self.host, "C: {}", redact(line));
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
    pub(crate) async fn command(
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

    /// The stream, once nothing is left unread: the server must be waiting for us.
    pub(crate) fn into_stream(self) -> Result<S> {
        if !self.buf.is_empty() {
            return Err(Error::Protocol {
                host: self.host.to_owned(),
                detail: "unexpected data before login".into(),
            });
        }
        Ok(self.stream)
    }
}

impl<'a, S> Lines<'a, S> {
    pub(crate) fn new(stream: S, ep: &'a crate::endpoint::Endpoint) -> Self {
        Lines {
            stream,
            buf: Vec::new(),
            host: &ep.host,
            port: ep.port,
        }
    }
}

impl Lines<'_, tokio::net::TcpStream> {
    /// The plain stream, ready for the TLS handshake after the server's go-ahead — unless any
    /// byte already arrived (buffered here, or waiting on the socket after a moment's grace):
    /// those were not sent by the TLS server about to be verified (response injection).
    pub(crate) async fn into_upgradable(self) -> Result<tokio::net::TcpStream> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut probe = [0u8; 1];
        let pending = self
            .stream
            .try_read(&mut probe)
            .map(|n| n > 0)
            .unwrap_or(false);
        if !self.buf.is_empty() || pending {
            return Err(Error::Injection {
                host: self.host.to_owned(),
            });
        }
        Ok(self.stream)
    }
}

/// A stream that refuses over-long lines from the server (SMTP replies): a hostile server gets
/// an error, not unbounded buffering in the protocol library that reads after us. IMAP has its
/// own guard that understands literals (`framing.rs`).
#[derive(Debug)]
pub struct Capped<S> {
    inner: S,
    since_newline: usize,
    max_line: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl<S> Capped<S> {
    pub(crate) fn new(
        inner: S,
        max_line: usize,
    ) -> (Self, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let limit = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(max_line));
        (
            Capped {
                inner,
                since_newline: 0,
                max_line: limit.clone(),
            },
            limit,
        )
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Capped<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if let std::task::Poll::Ready(Ok(())) = &poll {
            let max = self.max_line.load(std::sync::atomic::Ordering::Relaxed);
            let new = &buf.filled()[before..];
            let mut run = self.since_newline;
            for &b in new {
                run = if b == b'\n' { 0 } else { run + 1 };
                if run > max {
                    return std::task::Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "the server sent an over-long line",
                    )));
                }
            }
            self.since_newline = run;
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Capped<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::{imap_error_words, info_of, redact};

    #[test]
    fn imap_errors_are_the_servers_words_not_debug_text() {
        let e = async_imap::error::Error::No(
            "code: Some(AuthenticationFailed), info: Some(\"Authentication \\\"failed\\\".\")"
                .into(),
        );
        assert_eq!(imap_error_words(&e), "Authentication \"failed\".");
        let e = async_imap::error::Error::Bad("code: None, info: None".into());
        assert_eq!(imap_error_words(&e), "");
        assert_eq!(info_of("plain words"), "plain words");
    }

    #[test]
    fn credentials_never_reach_a_trace() {
        assert_eq!(
            redact("A1 LOGIN alice \"hunter2\"\r\n"),
            "A1 LOGIN [redacted]"
        );
        assert_eq!(
            redact("A2 AUTHENTICATE PLAIN AGFsaWNlAGh1bnRlcjI="),
            "A2 AUTHENTICATE [redacted]"
        );
        assert_eq!(
            redact("AUTH PLAIN AGFsaWNlAGh1bnRlcjI="),
            "AUTH PLAIN [redacted]"
        );
        assert_eq!(redact("AUTH LOGIN"), "AUTH LOGIN [redacted]");
        assert_eq!(redact("Q1 CAPABILITY\r\n"), "Q1 CAPABILITY");
    }
}
