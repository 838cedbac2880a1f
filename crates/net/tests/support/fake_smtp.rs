//! A scripted fake SMTP submission server that records every byte it receives (in the clear
//! and, after TLS, decrypted).
#![allow(dead_code)]

use crate::peer::Peer;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone)]
pub struct FakeSmtp {
    /// Implicit TLS: handshake first.
    pub implicit: Option<Arc<rustls::ServerConfig>>,
    /// EHLO extensions, comma-separated.
    pub ehlo_before_tls: &'static str,
    /// The reply to STARTTLS, e.g. "220 go ahead" or "454 TLS not available".
    pub starttls_reply: &'static str,
    /// Send an extra response right after the STARTTLS reply, in the same write.
    pub inject: bool,
    pub tls_after_starttls: Option<Arc<rustls::ServerConfig>>,
    pub ehlo_after_tls: &'static str,
    /// Send nothing (a TLS port seen by a STARTTLS client).
    pub silent: bool,
    /// Accept the login and the message (instead of refusing AUTH), stopping dead at this
    /// step and reporting it on the channel, so a test can kill the client there.
    pub accept_until: Option<(Step, std::sync::mpsc::Sender<Step>)>,
}

/// Where an accepting fake stops answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The TCP connection is open; the TLS handshake never completes.
    Connect,
    /// AUTH succeeded (235); MAIL FROM gets no answer.
    Authenticated,
    /// DATA got 354 and the first line of the message arrived.
    Data,
    /// The message got 250; QUIT gets no answer.
    Accepted,
}

impl Default for FakeSmtp {
    fn default() -> Self {
        FakeSmtp {
            implicit: None,
            ehlo_before_tls: "PIPELINING,STARTTLS",
            starttls_reply: "220 go ahead",
            inject: false,
            tls_after_starttls: None,
            ehlo_after_tls: "PIPELINING,AUTH PLAIN LOGIN",
            silent: false,
            accept_until: None,
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Peer<S> {
    /// Stops at `step` when the fake is told to: reports it, then answers nothing until the
    /// client is gone. True when it stopped.
    async fn stop_at(&mut self, fake: &FakeSmtp, step: Step) -> bool {
        let Some((at, report)) = &fake.accept_until else {
            return false;
        };
        if *at != step {
            return false;
        }
        let _ = report.send(step);
        while self.line().await.is_some() {}
        true
    }

    /// Answers until STARTTLS is accepted (true) or the client leaves (false).
    async fn serve_smtp(
        &mut self,
        fake: &FakeSmtp,
        extensions: &str,
        allow_starttls: bool,
    ) -> bool {
        while let Some(line) = self.line().await {
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                let mut reply = String::from("250-fake.example\r\n");
                let exts: Vec<&str> = extensions.split(',').collect();
                for (i, e) in exts.iter().enumerate() {
                    let sep = if i + 1 == exts.len() { ' ' } else { '-' };
                    reply.push_str(&format!("250{sep}{e}\r\n"));
                }
                self.say(&reply).await;
            } else if upper == "STARTTLS" && allow_starttls {
                let extra = if fake.inject { "250 injected\r\n" } else { "" };
                self.say(&format!("{}\r\n{extra}", fake.starttls_reply))
                    .await;
                if fake.starttls_reply.starts_with("220") {
                    return true;
                }
            } else if upper.starts_with("AUTH LOGIN") {
                self.say("334 VXNlcm5hbWU6\r\n").await;
                let _ = self.line().await;
                self.say("334 UGFzc3dvcmQ6\r\n").await;
                let _ = self.line().await;
                self.say("535 5.7.8 authentication failed\r\n").await;
            } else if upper.starts_with("AUTH PLAIN") && fake.accept_until.is_some() {
                if upper.split_whitespace().count() == 2 {
                    self.say("334 \r\n").await;
                    let _ = self.line().await;
                }
                self.say("235 2.7.0 authenticated\r\n").await;
                if self.stop_at(fake, Step::Authenticated).await {
                    return false;
                }
            } else if (upper.starts_with("MAIL") || upper.starts_with("RCPT"))
                && fake.accept_until.is_some()
            {
                self.say("250 2.1.0 ok\r\n").await;
            } else if upper == "DATA" && fake.accept_until.is_some() {
                self.say("354 go on\r\n").await;
                let _ = self.line().await;
                if self.stop_at(fake, Step::Data).await {
                    return false;
                }
                while let Some(l) = self.line().await {
                    if l == "." {
                        break;
                    }
                }
                self.say("250 2.0.0 queued as FAKE\r\n").await;
            } else if upper == "QUIT" && self.stop_at(fake, Step::Accepted).await {
                return false;
            } else if upper.starts_with("AUTH") {
                if upper.split_whitespace().count() == 2 {
                    self.say("334 \r\n").await;
                    let _ = self.line().await;
                }
                self.say("535 5.7.8 authentication failed\r\n").await;
            } else if upper == "QUIT" {
                self.say("221 bye\r\n").await;
                return false;
            } else {
                self.say("502 not implemented\r\n").await;
            }
        }
        false
    }
}

/// Starts the fake on a loopback port; the handle yields every byte the client sent.
pub async fn start(fake: FakeSmtp) -> (u16, tokio::task::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let Ok((tcp, _)) = listener.accept().await else {
            return Vec::new();
        };
        run(fake, tcp).await
    });
    (port, handle)
}

async fn run(fake: FakeSmtp, tcp: TcpStream) -> Vec<u8> {
    if fake.silent {
        let mut peer = Peer::new(tcp);
        let _ = tokio::time::timeout(Duration::from_secs(3), peer.line()).await;
        return peer.seen;
    }
    if let Some(config) = &fake.implicit {
        let mut raw = Peer::new(tcp);
        if raw.stop_at(&fake, Step::Connect).await {
            return raw.seen;
        }
        let tcp = raw.s;
        let Ok(tls) = tokio_rustls::TlsAcceptor::from(config.clone())
            .accept(tcp)
            .await
        else {
            return Vec::new();
        };
        let mut peer = Peer::new(tls);
        peer.say("220 fake ESMTP\r\n").await;
        peer.serve_smtp(&fake, fake.ehlo_after_tls, false).await;
        return peer.seen;
    }
    let mut plain = Peer::new(tcp);
    plain.say("220 fake ESMTP\r\n").await;
    let upgraded = plain.serve_smtp(&fake, fake.ehlo_before_tls, true).await;
    let mut seen = plain.seen;
    if !upgraded {
        return seen;
    }
    match &fake.tls_after_starttls {
        Some(config) => {
            if let Ok(tls) = tokio_rustls::TlsAcceptor::from(config.clone())
                .accept(plain.s)
                .await
            {
                let mut peer = Peer::new(tls);
                peer.serve_smtp(&fake, fake.ehlo_after_tls, false).await;
                seen.extend(peer.seen);
            }
        }
        None => {
            let mut rest = Vec::new();
            let mut s = plain.s;
            let _ = tokio::time::timeout(Duration::from_secs(1), s.read_to_end(&mut rest)).await;
            seen.extend(rest);
        }
    }
    seen
}
