//! IMAP against small in-process servers that misbehave on demand: what a real server will not
//! do. Every case asserts, on the server side, that no credential byte arrived.

use base64::Engine;
use quietpost_model::Secret;
use quietpost_net::imap::{self, Endpoint, Timeouts};
use quietpost_net::{CertProblem, Error, Security, Trust};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const USER: &str = "alice";
const PASSWORD: &str = "S3cret-Pa55word-never-in-clear";

/// A throwaway CA and the means to issue server certificates from it.
struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
    ca_file: std::path::PathBuf,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn pki() -> Pki {
    pki_named("Quietpost test CA")
}

fn pki_named(name: &str) -> Pki {
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
    fn server(&self, names: &[&str], years: (i32, i32)) -> (Arc<rustls::ServerConfig>, Vec<u8>) {
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.not_before = rcgen::date_time_ymd(years.0, 1, 1);
        params.not_after = rcgen::date_time_ymd(years.1, 1, 1);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.ca).unwrap();
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

    fn good(&self) -> (Arc<rustls::ServerConfig>, Vec<u8>) {
        self.server(&["localhost"], (2020, 2099))
    }
}

/// How the fake server answers STARTTLS.
#[derive(Clone, Copy, PartialEq)]
enum StartTls {
    Ok,
    No,
    Bad,
    /// OK, then an injected response in the same write.
    OkInjected,
}

#[derive(Clone)]
struct Fake {
    /// Implicit TLS: handshake first.
    implicit: Option<Arc<rustls::ServerConfig>>,
    greeting: &'static str,
    caps_before_tls: &'static str,
    starttls: StartTls,
    tls_after_starttls: Option<Arc<rustls::ServerConfig>>,
    caps_after_tls: &'static str,
    /// Send nothing at all (a TLS port seen by a STARTTLS client).
    silent: bool,
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
        }
    }
}

/// Reads lines and records every byte received.
struct Peer<S> {
    s: S,
    buf: Vec<u8>,
    seen: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Peer<S> {
    async fn line(&mut self) -> Option<String> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let l: Vec<u8> = self.buf.drain(..=i).collect();
                return Some(String::from_utf8_lossy(&l).trim_end().to_owned());
            }
            let mut chunk = [0u8; 4096];
            let n = self.s.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            self.seen.extend_from_slice(&chunk[..n]);
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn say(&mut self, text: &str) {
        let _ = self.s.write_all(text.as_bytes()).await;
        let _ = self.s.flush().await;
    }

    /// Answers commands until STARTTLS succeeds (returns true) or the client goes away.
    async fn serve(&mut self, fake: &Fake, caps: &str, allow_starttls: bool) -> bool {
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
                    StartTls::No => self.say(&format!("{tag} NO not now\r\n")).await,
                    StartTls::Bad => self.say(&format!("{tag} BAD unknown command\r\n")).await,
                },
                "AUTHENTICATE" => {
                    self.say("+ \r\n").await;
                    let _ = self.line().await;
                    self.say(&format!("{tag} NO [AUTHENTICATIONFAILED] nope\r\n"))
                        .await;
                }
                "LOGOUT" => {
                    self.say(&format!("* BYE\r\n{tag} OK bye\r\n")).await;
                    return false;
                }
                _ => {
                    self.say(&format!("{tag} NO [AUTHENTICATIONFAILED] nope\r\n"))
                        .await
                }
            }
        }
        false
    }
}

/// Starts the fake on a loopback port; the handle yields every byte the client sent.
async fn start(fake: Fake) -> (u16, tokio::task::JoinHandle<Vec<u8>>) {
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

async fn run(fake: Fake, tcp: TcpStream) -> Vec<u8> {
    if fake.silent {
        let mut peer = Peer {
            s: tcp,
            buf: Vec::new(),
            seen: Vec::new(),
        };
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
        let mut peer = Peer {
            s: tls,
            buf: Vec::new(),
            seen: Vec::new(),
        };
        peer.say(&format!("{}\r\n", fake.greeting)).await;
        peer.serve(&fake, fake.caps_after_tls, false).await;
        return peer.seen;
    }
    let mut plain = Peer {
        s: tcp,
        buf: Vec::new(),
        seen: Vec::new(),
    };
    plain.say(&format!("{}\r\n", fake.greeting)).await;
    let upgraded = plain.serve(&fake, fake.caps_before_tls, true).await;
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
                let mut peer = Peer {
                    s: tls,
                    buf: Vec::new(),
                    seen: Vec::new(),
                };
                peer.serve(&fake, fake.caps_after_tls, false).await;
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

fn endpoint(port: u16, security: Security, trust: Trust) -> Endpoint {
    Endpoint {
        host: "localhost".into(),
        port,
        security,
        trust,
    }
}

fn quick() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        greeting: Duration::from_millis(700),
        command: Duration::from_secs(5),
    }
}

/// Logs in against the fake and returns the client's result and what the server received.
async fn attempt(fake: Fake, security: Security, trust: Trust) -> (Result<(), Error>, Vec<u8>) {
    let (port, server) = start(fake).await;
    let result = imap::login(
        &endpoint(port, security, trust),
        USER,
        &Secret::new(PASSWORD.into()),
        &quick(),
    )
    .await
    .map(|_| ());
    let seen = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .unwrap()
        .unwrap();
    (result, seen)
}

fn assert_no_credentials(seen: &[u8]) {
    let text = String::from_utf8_lossy(seen);
    let plain_blob =
        base64::engine::general_purpose::STANDARD.encode(format!("\0{USER}\0{PASSWORD}"));
    assert!(
        !text.contains(PASSWORD),
        "the password reached the server: {text:?}"
    );
    assert!(
        !text.contains(&plain_blob),
        "the AUTH PLAIN blob reached the server: {text:?}"
    );
    assert!(
        !text.to_ascii_uppercase().contains("LOGIN ")
            && !text.to_ascii_uppercase().contains("AUTHENTICATE"),
        "a login command was sent: {text:?}"
    );
}

#[tokio::test]
async fn missing_starttls_is_refused() {
    let fake = Fake {
        caps_before_tls: "IMAP4rev1 LOGINDISABLED",
        ..Fake::default()
    };
    let (r, seen) = attempt(fake, Security::StartTlsRequired, Trust::System).await;
    assert!(matches!(r, Err(Error::StartTlsUnavailable { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

#[tokio::test]
async fn refused_starttls_fails_closed() {
    for reply in [StartTls::No, StartTls::Bad] {
        let fake = Fake {
            starttls: reply,
            ..Fake::default()
        };
        let (r, seen) = attempt(fake, Security::StartTlsRequired, Trust::System).await;
        assert!(matches!(r, Err(Error::StartTlsRefused { .. })), "{r:?}");
        assert_no_credentials(&seen);
    }
}

#[tokio::test]
async fn preauth_greeting_is_refused() {
    let fake = Fake {
        greeting: "* PREAUTH [CAPABILITY IMAP4rev1] logged in already",
        ..Fake::default()
    };
    let (r, seen) = attempt(fake, Security::StartTlsRequired, Trust::System).await;
    assert!(matches!(r, Err(Error::Preauth { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

#[tokio::test]
async fn bytes_injected_after_starttls_abort_the_connection() {
    let pki = pki();
    let fake = Fake {
        starttls: StartTls::OkInjected,
        tls_after_starttls: Some(pki.good().0),
        ..Fake::default()
    };
    let (r, seen) = attempt(
        fake,
        Security::StartTlsRequired,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    assert!(matches!(r, Err(Error::Injection { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

#[tokio::test]
async fn plain_text_on_an_implicit_tls_port_is_named() {
    let (r, seen) = attempt(Fake::default(), Security::ImplicitTls, Trust::System).await;
    assert!(matches!(r, Err(Error::ExpectsStartTls { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

#[tokio::test]
async fn a_tls_port_used_with_starttls_is_named() {
    let (r, seen) = attempt(
        Fake {
            silent: true,
            ..Fake::default()
        },
        Security::StartTlsRequired,
        Trust::System,
    )
    .await;
    assert!(matches!(r, Err(Error::SpeaksTls { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

async fn certificate_problem(config: Arc<rustls::ServerConfig>, trust: Trust) -> CertProblem {
    let fake = Fake {
        implicit: Some(config),
        ..Fake::default()
    };
    let (r, seen) = attempt(fake, Security::ImplicitTls, trust).await;
    assert_no_credentials(&seen);
    match r {
        Err(Error::Certificate { problem, .. }) => problem,
        other => panic!("expected a certificate error, got {other:?}"),
    }
}

#[tokio::test]
async fn certificate_failures_say_which_check_failed() {
    let pki = pki();
    let trust = Trust::CaFile(pki.ca_file.clone());
    // Signed by another CA.
    let stranger = pki_named("Some other CA");
    assert_eq!(
        certificate_problem(stranger.good().0, trust.clone()).await,
        CertProblem::UnknownIssuer
    );
    // Signed by a CA that copies the trusted CA's name: a forgery.
    let forger = pki_named("Quietpost test CA");
    assert_eq!(
        certificate_problem(forger.good().0, trust.clone()).await,
        CertProblem::BadSignature
    );
    // Not trusted by the system either (self-signed / private CA).
    assert_eq!(
        certificate_problem(pki.good().0, Trust::System).await,
        CertProblem::UnknownIssuer
    );
    assert_eq!(
        certificate_problem(pki.server(&["localhost"], (2001, 2002)).0, trust.clone()).await,
        CertProblem::Expired
    );
    assert_eq!(
        certificate_problem(pki.server(&["localhost"], (2098, 2099)).0, trust.clone()).await,
        CertProblem::NotYetValid
    );
    assert_eq!(
        certificate_problem(pki.server(&["mail.other.example"], (2020, 2099)).0, trust).await,
        CertProblem::WrongHost
    );
}

#[tokio::test]
async fn a_pin_accepts_exactly_one_certificate() {
    let pki = pki();
    let (config, der) = pki.good();
    let pin = quietpost_net::tls::fingerprint_sha256(&der);
    // The pinned certificate: TLS succeeds (the fake then rejects the login itself).
    let fake = Fake {
        implicit: Some(config.clone()),
        ..Fake::default()
    };
    let (r, _) = attempt(fake, Security::ImplicitTls, Trust::PinnedSha256(pin)).await;
    assert!(matches!(r, Err(Error::Login { .. })), "{r:?}");
    // Any other certificate, even from the same CA for the same name: refused, fingerprint shown.
    let (other, _) = pki.good();
    match certificate_problem(other, Trust::PinnedSha256(pin)).await {
        CertProblem::PinMismatch { expected, actual } => {
            assert_eq!(expected, quietpost_net::tls::format_fingerprint(&pin));
            assert_ne!(expected, actual);
        }
        p => panic!("expected a pin mismatch, got {p:?}"),
    }
}

#[tokio::test]
async fn login_disabled_after_tls_sends_no_credentials() {
    let pki = pki();
    let fake = Fake {
        implicit: Some(pki.good().0),
        caps_after_tls: "IMAP4rev1 LOGINDISABLED",
        ..Fake::default()
    };
    let (r, seen) = attempt(
        fake,
        Security::ImplicitTls,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    assert!(matches!(r, Err(Error::LoginDisabled { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

#[tokio::test]
async fn capabilities_from_before_tls_are_forgotten() {
    // Before TLS the server claims AUTH=PLAIN; after TLS it says LOGINDISABLED. The client must
    // act on what it learned after TLS.
    let pki = pki();
    let fake = Fake {
        caps_before_tls: "IMAP4rev1 STARTTLS AUTH=PLAIN",
        tls_after_starttls: Some(pki.good().0),
        caps_after_tls: "IMAP4rev1 LOGINDISABLED",
        ..Fake::default()
    };
    let (r, seen) = attempt(
        fake,
        Security::StartTlsRequired,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    assert!(matches!(r, Err(Error::LoginDisabled { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

#[tokio::test]
async fn credentials_with_line_breaks_never_leave() {
    let (port, server) = start(Fake::default()).await;
    let r = imap::login(
        &endpoint(port, Security::ImplicitTls, Trust::System),
        USER,
        &Secret::new("x\r\nA1 DELETE INBOX".into()),
        &quick(),
    )
    .await;
    assert!(
        matches!(r, Err(Error::UnsafeCredentials)),
        "{:?}",
        r.map(|_| ())
    );
    server.abort();
}
