//! IMAP against the real Dovecot of the testbed (`scripts/testbed`, started by `scripts/test`).
//! These tests are `#[ignore]`d so a bare `cargo test` does not need the testbed; the README test
//! command runs them with `--include-ignored`, and `.ci/run` fails if fewer ran than expected.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/proxies.rs"]
mod proxies;

use quietpost_model::Secret;
use quietpost_net::imap::{self, Endpoint, Timeouts};
use quietpost_net::{CertProblem, Error, Route, Security, Trust};
use std::path::PathBuf;
use std::time::Duration;

const STARTTLS_PORT: u16 = 10143;
const IMPLICIT_PORT: u16 = 10993;

struct Testbed {
    ca: PathBuf,
    other_ca: PathBuf,
    fingerprint: String,
}

fn testbed() -> Testbed {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: run the real-server tests through scripts/test, which starts the testbed")
        })
    };
    Testbed {
        ca: var("QUIETPOST_TESTBED_CA").into(),
        other_ca: var("QUIETPOST_TESTBED_OTHER_CA").into(),
        fingerprint: var("QUIETPOST_TESTBED_FINGERPRINT"),
    }
}

fn endpoint(port: u16, security: Security, trust: Trust) -> Endpoint {
    Endpoint {
        host: "localhost".into(),
        port,
        security,
        trust,
        route: Route::Direct,
        isolation: None,
    }
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(10),
        greeting: Duration::from_secs(3),
        command: Duration::from_secs(20),
    }
}

async fn alice(ep: &Endpoint) -> Result<imap::Authenticated, Error> {
    imap::login(
        ep,
        "alice",
        &Secret::new("alice-Test-pw-1".into()),
        &timeouts(),
    )
    .await
}

/// Logs in, stores a message and reads the mailbox back: the session really works.
async fn round_trip(ep: Endpoint) -> imap::Authenticated {
    let mut auth = alice(&ep)
        .await
        .unwrap_or_else(|e| panic!("login over {:?} failed: {e}", ep.security));
    let message =
        b"From: bob@example.org\r\nTo: alice@example.org\r\nSubject: testbed\r\n\r\nhello\r\n";
    auth.session
        .append("INBOX", None, None, message)
        .await
        .expect("APPEND works");
    let inbox = auth.session.select("INBOX").await.expect("SELECT works");
    assert!(inbox.exists >= 1, "the appended message is in INBOX");
    auth.session.logout().await.expect("LOGOUT works");
    auth
}

#[tokio::test]
#[ignore = "needs the testbed: scripts/test"]
async fn real_server_imap_implicit_tls_with_ca_file() {
    let tb = testbed();
    let auth = round_trip(endpoint(
        IMPLICIT_PORT,
        Security::ImplicitTls,
        Trust::CaFile(tb.ca),
    ))
    .await;
    assert!(auth.tls.version.starts_with("TLS 1."), "{:?}", auth.tls);
    assert!(!auth.tls.cipher_suite.is_empty());
    assert_eq!(auth.tls.fingerprint_sha256, tb.fingerprint);
    assert!(
        auth.capabilities.iter().any(|c| c == "AUTH=PLAIN"),
        "{:?}",
        auth.capabilities
    );
}

#[tokio::test]
#[ignore = "needs the testbed: scripts/test"]
async fn real_server_imap_starttls_with_ca_file() {
    let tb = testbed();
    let auth = round_trip(endpoint(
        STARTTLS_PORT,
        Security::StartTlsRequired,
        Trust::CaFile(tb.ca),
    ))
    .await;
    // Capabilities come from after TLS: STARTTLS is no longer offered there.
    assert!(
        !auth.capabilities.iter().any(|c| c == "STARTTLS"),
        "{:?}",
        auth.capabilities
    );
}

#[tokio::test]
#[ignore = "needs the testbed: scripts/test"]
async fn real_server_imap_implicit_tls_and_starttls_with_pin() {
    let tb = testbed();
    let pin =
        quietpost_net::tls::parse_fingerprint(&tb.fingerprint).expect("testbed fingerprint parses");
    round_trip(endpoint(
        IMPLICIT_PORT,
        Security::ImplicitTls,
        Trust::PinnedSha256(pin),
    ))
    .await;
    round_trip(endpoint(
        STARTTLS_PORT,
        Security::StartTlsRequired,
        Trust::PinnedSha256(pin),
    ))
    .await;
}

#[tokio::test]
#[ignore = "needs the testbed: scripts/test"]
async fn real_server_imap_untrusted_certificates_are_refused() {
    let tb = testbed();
    for trust in [Trust::System, Trust::CaFile(tb.other_ca.clone())] {
        match alice(&endpoint(IMPLICIT_PORT, Security::ImplicitTls, trust)).await {
            Err(Error::Certificate {
                problem: CertProblem::UnknownIssuer | CertProblem::IssuerNotInCaFile { .. },
                ..
            }) => {}
            other => panic!("expected an unknown issuer, got {:?}", other.map(|_| ())),
        }
    }
    match alice(&endpoint(
        IMPLICIT_PORT,
        Security::ImplicitTls,
        Trust::PinnedSha256([7; 32]),
    ))
    .await
    {
        Err(Error::Certificate {
            problem: CertProblem::PinMismatch { actual, .. },
            ..
        }) => assert_eq!(actual, tb.fingerprint),
        other => panic!("expected a pin mismatch, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test]
#[ignore = "needs the testbed: scripts/test"]
async fn real_server_imap_wrong_password_and_wrong_port_are_named() {
    let tb = testbed();
    let ep = endpoint(
        IMPLICIT_PORT,
        Security::ImplicitTls,
        Trust::CaFile(tb.ca.clone()),
    );
    let wrong = imap::login(
        &ep,
        "alice",
        &Secret::new("not-the-password".into()),
        &timeouts(),
    )
    .await;
    assert!(
        wrong.as_ref().is_err_and(Error::is_auth_failure),
        "{:?}",
        wrong.map(|_| ())
    );
    let plain_port = alice(&endpoint(
        STARTTLS_PORT,
        Security::ImplicitTls,
        Trust::CaFile(tb.ca.clone()),
    ))
    .await;
    assert!(
        matches!(plain_port, Err(Error::ExpectsStartTls { .. })),
        "{:?}",
        plain_port.map(|_| ())
    );
    let tls_port = alice(&endpoint(
        IMPLICIT_PORT,
        Security::StartTlsRequired,
        Trust::CaFile(tb.ca),
    ))
    .await;
    assert!(
        matches!(tls_port, Err(Error::SpeaksTls { .. })),
        "{:?}",
        tls_port.map(|_| ())
    );
}

#[tokio::test]
#[ignore = "needs the testbed: scripts/test"]
async fn real_server_imap_through_a_socks5_proxy() {
    let tb = testbed();
    let (proxy_port, proxy) = proxies::socks5(0).await;
    let mut ep = endpoint(IMPLICIT_PORT, Security::ImplicitTls, Trust::CaFile(tb.ca));
    ep.route = Route::Socks5 {
        host: "127.0.0.1".into(),
        port: proxy_port,
    };
    round_trip(ep).await;
    let asked = proxy.await.unwrap().expect("the proxy carried the session");
    assert_eq!((asked.atyp, asked.destination.as_str()), (3, "localhost"));
}

const SMTP_STARTTLS_PORT: u16 = 10587;
const SMTP_IMPLICIT_PORT: u16 = 10465;

/// Submits a message from alice to bob, then waits for it in bob's INBOX over IMAP.
async fn submit_and_receive(ep: Endpoint) {
    let tb = testbed();
    let mut sub = quietpost_net::smtp::login(
        &ep,
        "alice",
        &Secret::new("alice-Test-pw-1".into()),
        &timeouts(),
    )
    .await
    .unwrap_or_else(|e| panic!("SMTP login over {:?} failed: {e}", ep.security));
    let subject = format!("testbed submission {} {}", ep.port, std::process::id());
    let message = format!(
        "From: alice@quietpost.test\r\nTo: bob@quietpost.test\r\nSubject: {subject}\r\nMessage-ID: <{}.{}@quietpost.test>\r\n\r\nhello bob\r\n",
        ep.port,
        std::process::id()
    );
    let envelope = lettre::address::Envelope::new(
        Some("alice@quietpost.test".parse().unwrap()),
        vec!["bob@quietpost.test".parse().unwrap()],
    )
    .unwrap();
    sub.connection
        .send(&envelope, message.as_bytes())
        .await
        .expect("the server accepts the message");
    let _ = sub.connection.quit().await;

    let imap_ep = endpoint(IMPLICIT_PORT, Security::ImplicitTls, Trust::CaFile(tb.ca));
    let mut bob = imap::login(
        &imap_ep,
        "bob",
        &Secret::new("bob-Test-pw-2".into()),
        &timeouts(),
    )
    .await
    .expect("bob logs in");
    for _ in 0..100 {
        bob.session.select("INBOX").await.expect("SELECT works");
        let found = bob
            .session
            .search(format!("SUBJECT \"{subject}\""))
            .await
            .expect("SEARCH works");
        if !found.is_empty() {
            let _ = bob.session.logout().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the message submitted over {:?} was not delivered",
        ep.security
    );
}

#[tokio::test]
#[ignore = "needs the testbed: scripts/test"]
async fn real_server_smtp_implicit_tls_and_starttls_deliver() {
    let tb = testbed();
    submit_and_receive(endpoint(
        SMTP_IMPLICIT_PORT,
        Security::ImplicitTls,
        Trust::CaFile(tb.ca.clone()),
    ))
    .await;
    submit_and_receive(endpoint(
        SMTP_STARTTLS_PORT,
        Security::StartTlsRequired,
        Trust::CaFile(tb.ca),
    ))
    .await;
}

#[tokio::test]
#[ignore = "needs the testbed: scripts/test"]
async fn real_server_smtp_with_pin_and_refusals() {
    let tb = testbed();
    let pin =
        quietpost_net::tls::parse_fingerprint(&tb.fingerprint).expect("testbed fingerprint parses");
    submit_and_receive(endpoint(
        SMTP_STARTTLS_PORT,
        Security::StartTlsRequired,
        Trust::PinnedSha256(pin),
    ))
    .await;
    let ep = endpoint(
        SMTP_IMPLICIT_PORT,
        Security::ImplicitTls,
        Trust::CaFile(tb.ca.clone()),
    );
    let wrong = quietpost_net::smtp::login(
        &ep,
        "alice",
        &Secret::new("not-the-password".into()),
        &timeouts(),
    )
    .await;
    assert!(
        wrong.as_ref().is_err_and(Error::is_auth_failure),
        "{wrong:?}"
    );
    let untrusted = quietpost_net::smtp::login(
        &endpoint(
            SMTP_STARTTLS_PORT,
            Security::StartTlsRequired,
            Trust::CaFile(tb.other_ca),
        ),
        "alice",
        &Secret::new("alice-Test-pw-1".into()),
        &timeouts(),
    )
    .await;
    assert!(
        matches!(
            untrusted,
            Err(Error::Certificate {
                problem: CertProblem::UnknownIssuer | CertProblem::IssuerNotInCaFile { .. },
                ..
            })
        ),
        "{untrusted:?}"
    );
}
