//! SMTP submission against scripted hostile servers. Every case asserts, on the server side,
//! that no credential byte arrived, and the EHLO argument never names this machine.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/fake_imap.rs"]
mod fake_imap;
#[path = "support/fake_smtp.rs"]
mod fake_smtp;
#[path = "support/peer.rs"]
mod peer;

use base64::Engine;
use fake_imap::{PASSWORD, USER, pki};
use fake_smtp::{FakeSmtp, start};
use quietpost_model::Secret;
use quietpost_net::{CertProblem, Endpoint, Error, Route, Security, Timeouts, Trust, smtp};
use std::time::Duration;

fn quick() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        greeting: Duration::from_millis(700),
        command: Duration::from_secs(5),
    }
}

async fn attempt(fake: FakeSmtp, security: Security, trust: Trust) -> (Result<(), Error>, String) {
    let (port, server) = start(fake).await;
    let ep = Endpoint {
        host: "localhost".into(),
        port,
        security,
        trust,
        route: Route::Direct,
        isolation: None,
    };
    let result = smtp::login(&ep, USER, &Secret::new(PASSWORD.into()), &quick())
        .await
        .map(|_| ());
    let seen = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .unwrap()
        .unwrap();
    (result, String::from_utf8_lossy(&seen).into_owned())
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn assert_no_credentials(seen: &str) {
    for secret in [
        PASSWORD.to_owned(),
        b64(PASSWORD),
        b64(&format!("\0{USER}\0{PASSWORD}")),
    ] {
        assert!(
            !seen.contains(&secret),
            "a credential reached the server: {seen:?}"
        );
    }
}

fn assert_neutral_ehlo(seen: &str) {
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    for line in seen.lines().filter(|l| {
        l.to_ascii_uppercase().starts_with("EHLO") || l.to_ascii_uppercase().starts_with("HELO")
    }) {
        assert_eq!(line, "EHLO [127.0.0.1]", "EHLO must be neutral: {seen:?}");
    }
    if !hostname.trim().is_empty() {
        assert!(
            !seen.contains(hostname.trim()),
            "the machine's name reached the server: {seen:?}"
        );
    }
}

#[tokio::test]
async fn missing_starttls_is_refused() {
    let (r, seen) = attempt(
        FakeSmtp {
            ehlo_before_tls: "PIPELINING,AUTH PLAIN",
            ..FakeSmtp::default()
        },
        Security::StartTlsRequired,
        Trust::System,
    )
    .await;
    assert!(matches!(r, Err(Error::StartTlsUnavailable { .. })), "{r:?}");
    assert!(!seen.to_ascii_uppercase().contains("AUTH"), "{seen:?}");
    assert_no_credentials(&seen);
    assert_neutral_ehlo(&seen);
}

#[tokio::test]
async fn refused_starttls_fails_closed() {
    let (r, seen) = attempt(
        FakeSmtp {
            starttls_reply: "454 4.7.0 TLS not available",
            ..FakeSmtp::default()
        },
        Security::StartTlsRequired,
        Trust::System,
    )
    .await;
    assert!(matches!(r, Err(Error::StartTlsRefused { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

#[tokio::test]
async fn bytes_injected_after_the_go_ahead_abort() {
    let pki = pki();
    let fake = FakeSmtp {
        inject: true,
        tls_after_starttls: Some(pki.good().0),
        ..FakeSmtp::default()
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
async fn wrong_port_modes_are_named() {
    let (r, seen) = attempt(FakeSmtp::default(), Security::ImplicitTls, Trust::System).await;
    assert!(matches!(r, Err(Error::ExpectsStartTls { .. })), "{r:?}");
    assert_no_credentials(&seen);
    let (r, seen) = attempt(
        FakeSmtp {
            silent: true,
            ..FakeSmtp::default()
        },
        Security::StartTlsRequired,
        Trust::System,
    )
    .await;
    assert!(matches!(r, Err(Error::SpeaksTls { .. })), "{r:?}");
    assert_no_credentials(&seen);
}

#[tokio::test]
async fn an_untrusted_certificate_stops_before_any_command() {
    let pki = pki();
    let stranger = fake_imap::pki_named("Some other CA");
    let fake = FakeSmtp {
        implicit: Some(stranger.good().0),
        ..FakeSmtp::default()
    };
    let (r, seen) = attempt(
        fake,
        Security::ImplicitTls,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    assert!(
        matches!(
            r,
            Err(Error::Certificate {
                problem: CertProblem::UnknownIssuer | CertProblem::IssuerNotInCaFile { .. },
                ..
            })
        ),
        "{r:?}"
    );
    assert!(seen.is_empty(), "{seen:?}");
}

#[tokio::test]
async fn only_what_ehlo_says_after_tls_counts() {
    // Before TLS the server offers AUTH PLAIN; after TLS only AUTH LOGIN. The client must use
    // LOGIN (decided after TLS), and its rejection is a login error.
    let pki = pki();
    let fake = FakeSmtp {
        ehlo_before_tls: "STARTTLS,AUTH PLAIN",
        tls_after_starttls: Some(pki.good().0),
        ehlo_after_tls: "PIPELINING,AUTH LOGIN",
        ..FakeSmtp::default()
    };
    let (r, seen) = attempt(
        fake,
        Security::StartTlsRequired,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    assert!(matches!(r, Err(Error::Login { .. })), "{r:?}");
    assert!(
        seen.contains("AUTH LOGIN") && !seen.contains("AUTH PLAIN"),
        "{seen:?}"
    );
    assert_neutral_ehlo(&seen);
    // Two EHLOs: one in the clear, one that counts after TLS.
    assert_eq!(seen.matches("EHLO [127.0.0.1]").count(), 2, "{seen:?}");
}

#[tokio::test]
async fn credentials_with_line_breaks_never_leave() {
    let (port, server) = start(FakeSmtp::default()).await;
    let ep = Endpoint {
        host: "localhost".into(),
        port,
        security: Security::ImplicitTls,
        trust: Trust::System,
        route: Route::Direct,
        isolation: None,
    };
    let r = smtp::login(
        &ep,
        "alice\r\nRCPT TO:<x@y>",
        &Secret::new(PASSWORD.into()),
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

#[tokio::test]
async fn an_endless_smtp_reply_line_is_an_error_not_a_buffer() {
    let pki = pki();
    let huge: &'static str =
        Box::leak(format!("PIPELINING,X-{}", "y".repeat(200_000)).into_boxed_str());
    let fake = FakeSmtp {
        implicit: Some(pki.good().0),
        ehlo_after_tls: huge,
        ..FakeSmtp::default()
    };
    let (r, seen) = attempt(
        fake,
        Security::ImplicitTls,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    assert!(
        matches!(&r, Err(Error::Protocol { detail, .. }) if detail.contains("over-long line")),
        "{r:?}"
    );
    assert_no_credentials(&seen);
}
