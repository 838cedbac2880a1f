//! A scripted fake IMAP server and a throwaway PKI, shared by the net crate's tests.
#![allow(dead_code)]

use crate::peer::Peer;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};

pub const USER: &str = "alice";
pub const PASSWORD: &str = "S3cret-Pa55word-never-in-clear";

/// A throwaway CA and the means to issue server certificates from it.
pub struct Pki {
    pub ca: CertifiedIssuer<'static, KeyPair>,
    pub ca_file: std::path::PathBuf,
    _dir: TempDir,
}

pub struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn pki() -> Pki {
    pki_named("Quietpost test CA")
}

pub fn pki_named(name: &str) -> Pki {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("qp-net-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    Pki {
        ca,
        ca_file,
        _dir: TempDir(dir),
    }
}

impl Pki {
    /// A server config with a certificate for `names`, valid from `from` to `until` (years).
    pub fn server(
        &self,
        names: &[&str],
        years: (i32, i32),
    ) -> (Arc<rustls::ServerConfig>, Vec<u8>) {
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.not_before = rcgen::date_time_ymd(years.0, 1, 1);
        params.not_after = rcgen::date_time_ymd(years.1, 1, 1);
        self.server_with_key(params, &KeyPair::generate().unwrap())
    }

    /// A server certificate with `params`, for `key` (a renewal keeps the key).
    pub fn server_with_key(
        &self,
        params: CertificateParams,
        key: &KeyPair,
    ) -> (Arc<rustls::ServerConfig>, Vec<u8>) {
        let cert = params.signed_by(key, &self.ca).unwrap();
        let der = cert.der().to_vec();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
        (Arc::new(config), der)
    }

    /// A server certificate for `localhost` issued by an intermediate CA under this CA,
    /// presented with the intermediate (`send_intermediate`) or without it.
    pub fn via_intermediate(&self, send_intermediate: bool) -> Arc<rustls::ServerConfig> {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Quietpost test intermediate");
        let intermediate =
            CertifiedIssuer::signed_by(params, KeyPair::generate().unwrap(), &self.ca).unwrap();
        let params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let key = KeyPair::generate().unwrap();
        let leaf = params.signed_by(&key, &intermediate).unwrap();
        let mut chain = vec![CertificateDer::from(leaf.der().to_vec())];
        if send_intermediate {
            chain.push(CertificateDer::from(intermediate.der().to_vec()));
        }
        Arc::new(
            rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                chain,
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap(),
        )
    }

    pub fn good(&self) -> (Arc<rustls::ServerConfig>, Vec<u8>) {
        self.server(&["localhost"], (2020, 2099))
    }
}

/// How the fake server answers STARTTLS.
#[derive(Clone, Copy, PartialEq)]
pub enum StartTls {
    Ok,
    No,
    Bad,
    /// OK, then an injected response in the same write.
    OkInjected,
    /// A continuation request instead of the tagged reply, then silence.
    Continuation,
    /// An untagged line instead of the tagged reply, then silence.
    Untagged,
    /// The go-ahead under another tag, then silence.
    OtherTag,
}

#[derive(Clone)]
pub struct Fake {
    /// Implicit TLS: handshake first.
    pub implicit: Option<Arc<rustls::ServerConfig>>,
    pub greeting: &'static str,
    pub caps_before_tls: &'static str,
    pub starttls: StartTls,
    pub tls_after_starttls: Option<Arc<rustls::ServerConfig>>,
    pub caps_after_tls: &'static str,
    /// Send nothing at all (a TLS port seen by a STARTTLS client).
    pub silent: bool,
    /// The tagged reply (without the tag) to LOGIN and AUTHENTICATE.
    pub login_reply: String,
    /// An AUTHENTICATE that carries its response (SASL-IR) still gets a challenge, as if it
    /// had not (what no honest server does).
    pub challenge_after_initial_response: bool,
}

impl Default for Fake {
    fn default() -> Self {
        Fake {
            implicit: None,
            greeting: "* OK fake IMAP ready",
            caps_before_tls: "IMAP4rev1 STARTTLS LOGINDISABLED",
            starttls: StartTls::Ok,
            tls_after_starttls: None,
            caps_after_tls: "IMAP4rev1 AUTH=PLAIN",
            silent: false,
            login_reply: "NO [AUTHENTICATIONFAILED] nope".to_owned(),
            challenge_after_initial_response: false,
        }
    }
}

/// Reads lines and records every byte received.
impl<S: AsyncRead + AsyncWrite + Unpin> Peer<S> {
    /// Answers commands until STARTTLS succeeds (returns true) or the client goes away.
    async fn serve_imap(&mut self, fake: &Fake, caps: &str, allow_starttls: bool) -> bool {
        while let Some(line) = self.line().await {
            let mut words = line.splitn(3, ' ');
            let tag = words.next().unwrap_or("*").to_owned();
            let command = words.next().unwrap_or("").to_ascii_uppercase();
            match command.as_str() {
                "CAPABILITY" => {
                    self.say(&format!("* CAPABILITY {caps}\r\n{tag} OK done\r\n"))
                        .await
                }
                "STARTTLS" if allow_starttls => match fake.starttls {
                    StartTls::Ok => {
                        self.say(&format!("{tag} OK begin TLS\r\n")).await;
                        return true;
                    }
                    StartTls::OkInjected => {
                        self.say(&format!("{tag} OK begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n")).await;
                        return true;
                    }
                    StartTls::Continuation => self.say("+ go ahead\r\n").await,
                    StartTls::Untagged => self.say("* OK [ALERT] TLS soon\r\n").await,
                    StartTls::OtherTag => self.say("Z9 OK begin TLS\r\n").await,
                    StartTls::No => self.say(&format!("{tag} NO not now\r\n")).await,
                    StartTls::Bad => self.say(&format!("{tag} BAD unknown command\r\n")).await,
                },
                "AUTHENTICATE" => {
                    // `PLAIN` alone, or `PLAIN response` (SASL-IR): the response is read
                    // after a challenge only when it did not come with the command.
                    let initial = words.next().is_some_and(|rest| rest.contains(' '));
                    if !initial || fake.challenge_after_initial_response {
                        self.say("+ \r\n").await;
                        let _ = self.line().await;
                    }
                    self.say(&format!("{tag} {}\r\n", fake.login_reply)).await;
                }
                "LOGOUT" => {
                    self.say(&format!("* BYE\r\n{tag} OK bye\r\n")).await;
                    return false;
                }
                _ => self.say(&format!("{tag} {}\r\n", fake.login_reply)).await,
            }
        }
        false
    }
}

/// Starts the fake on a loopback port; the handle yields every byte the client sent.
pub async fn start(fake: Fake) -> (u16, tokio::task::JoinHandle<Vec<u8>>) {
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

pub async fn run(fake: Fake, tcp: TcpStream) -> Vec<u8> {
    if fake.silent {
        let mut peer = Peer::new(tcp);
        let _ = tokio::time::timeout(Duration::from_secs(3), peer.line()).await;
        return peer.seen;
    }
    if let Some(config) = &fake.implicit {
        let Ok(tls) = tokio_rustls::TlsAcceptor::from(config.clone())
            .accept(tcp)
            .await
        else {
            return Vec::new();
        };
        let mut peer = Peer::new(tls);
        peer.say(&format!("{}\r\n", fake.greeting)).await;
        peer.serve_imap(&fake, fake.caps_after_tls, false).await;
        return peer.seen;
    }
    let mut plain = Peer::new(tcp);
    plain.say(&format!("{}\r\n", fake.greeting)).await;
    let upgraded = plain.serve_imap(&fake, fake.caps_before_tls, true).await;
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
                peer.serve_imap(&fake, fake.caps_after_tls, false).await;
                seen.extend(peer.seen);
            }
        }
        None => {
            // Keep reading whatever the client sends after the "go ahead".
            let mut rest = Vec::new();
            let mut s = plain.s;
            let _ = tokio::time::timeout(Duration::from_secs(1), s.read_to_end(&mut rest)).await;
            seen.extend(rest);
        }
    }
    seen
}
