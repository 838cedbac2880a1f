//! Sending through hostile submission servers (small in-process fakes): the message is never
//! handed over, no credential and no byte of the message reaches the server, and the message
//! stays in the outbox with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "../../net/tests/support/fake_imap.rs"]
mod fake_imap;
#[path = "../../net/tests/support/fake_smtp.rs"]
mod fake_smtp;
#[path = "../../net/tests/support/peer.rs"]
mod peer;

use fake_smtp::{FakeSmtp, start};
use quietpost_core::compose::{self, Draft};
use quietpost_core::outbox;
use quietpost_model::Secret;
use quietpost_net::Timeouts;
use quietpost_store::cache::{Cache, OutboxState};
use quietpost_store::config::{Account, Security, Server};
use std::time::Duration;

const BODY: &str = "The quarterly numbers, confidential.";

async fn attempt(fake: FakeSmtp, ca_file: &std::path::Path, name: &str) -> (String, Vec<u8>) {
    let (port, server) = start(fake).await;
    let server_cfg = Server {
        host: "localhost".into(),
        port,
        security: Security::StartTlsRequired,
        ca_file: Some(ca_file.to_owned()),
        pin_sha256: None,
        pin_key_sha256: None,
    };
    let account = Account::new(
        "h",
        "alice@example.org",
        "alice",
        server_cfg.clone(),
        server_cfg,
    );
    let dir = std::env::temp_dir().join(format!("qp-submit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cache = Cache::open_file(&dir.join("mail.sqlite3")).unwrap();
    let built = compose::build(
        &Draft {
            from: account.email.clone(),
            to: vec!["bob@example.net".into()],
            subject: "Numbers".into(),
            body: BODY.into(),
            ..Draft::default()
        },
        std::time::SystemTime::now(),
    )
    .unwrap();
    let id = outbox::queue(&mut cache, &account, &built).unwrap();
    let password = Secret::new(fake_imap::PASSWORD.into());
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        greeting: Duration::from_millis(700),
        command: Duration::from_secs(5),
    };
    let lock = cache.send_lock().unwrap();
    let result = outbox::submit(
        &mut cache, &lock, &account, &password, &password, id, timeouts,
    )
    .await;
    let err = result.expect_err("nothing may be sent through a hostile server");
    let seen = server.await.unwrap();
    // Still in the outbox, with the reason, never sent.
    let kept = cache.outgoing(id).unwrap().expect("the message is kept");
    assert_eq!(kept.state, OutboxState::Failed, "{name}: {err:?}");
    assert!(kept.last_error.is_some());
    drop(cache);
    let _ = std::fs::remove_dir_all(dir);
    (err.to_string(), seen)
}

fn assert_nothing_leaked(seen: &[u8], name: &str) {
    let text = String::from_utf8_lossy(seen).to_ascii_uppercase();
    for word in ["AUTH", "MAIL FROM", "RCPT", "DATA", "QUARTERLY"] {
        assert!(
            !text.contains(word),
            "{name}: the server received {word}: {text}"
        );
    }
    assert!(!text.contains(&fake_imap::PASSWORD.to_ascii_uppercase()));
}

#[tokio::test]
async fn no_starttls_offered() {
    let pki = fake_imap::pki();
    let fake = FakeSmtp {
        ehlo_before_tls: "PIPELINING,AUTH PLAIN LOGIN",
        ..FakeSmtp::default()
    };
    let (err, seen) = attempt(fake, &pki.ca_file, "no-starttls").await;
    assert!(err.contains("STARTTLS"), "{err}");
    assert_nothing_leaked(&seen, "no STARTTLS");
}

#[tokio::test]
async fn starttls_refused_454() {
    let pki = fake_imap::pki();
    let fake = FakeSmtp {
        starttls_reply: "454 4.7.0 TLS not available",
        ..FakeSmtp::default()
    };
    let (err, seen) = attempt(fake, &pki.ca_file, "454").await;
    assert!(err.contains("refused STARTTLS"), "{err}");
    assert_nothing_leaked(&seen, "454");
}

#[tokio::test]
async fn bytes_injected_after_the_go_ahead() {
    let pki = fake_imap::pki();
    let (config, _) = pki.good();
    let fake = FakeSmtp {
        inject: true,
        tls_after_starttls: Some(config),
        ..FakeSmtp::default()
    };
    let (err, seen) = attempt(fake, &pki.ca_file, "inject").await;
    assert!(err.contains("injection"), "{err}");
    assert_nothing_leaked(&seen, "injection");
}

#[tokio::test]
async fn untrusted_certificate() {
    let pki = fake_imap::pki();
    let other = fake_imap::pki_named("Someone else's CA");
    let (config, _) = other.good();
    let fake = FakeSmtp {
        tls_after_starttls: Some(config),
        ..FakeSmtp::default()
    };
    let (err, seen) = attempt(fake, &pki.ca_file, "cert").await;
    assert!(err.contains("certificate"), "{err}");
    assert_nothing_leaked(&seen, "certificate");
}
