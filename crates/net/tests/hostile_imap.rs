//! IMAP against small in-process servers that misbehave on demand: what a real server will not
//! do. Every case asserts, on the server side, that no credential byte arrived.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/fake_imap.rs"]
mod fake_imap;
#[path = "support/peer.rs"]
mod peer;

use base64::Engine;
use fake_imap::*;
use quietpost_model::Secret;
use quietpost_net::imap::{self, Endpoint, Timeouts};
use quietpost_net::{CertProblem, Error, Route, Security, Trust};
use std::sync::Arc;
use std::time::Duration;

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

/// Anything but the tagged OK of our own STARTTLS ends the attempt at once: never a wait for
/// the command's time-out (60 s), never a credential.
#[tokio::test]
async fn anything_but_the_tagged_go_ahead_aborts_at_once() {
    for reply in [
        StartTls::Continuation,
        StartTls::Untagged,
        StartTls::OtherTag,
    ] {
        let fake = Fake {
            starttls: reply,
            ..Fake::default()
        };
        let started = std::time::Instant::now();
        let (r, seen) = attempt(fake, Security::StartTlsRequired, Trust::System).await;
        assert!(matches!(r, Err(Error::StartTlsUnexpected { .. })), "{r:?}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_no_credentials(&seen);
    }
}

/// A server that sends its certificate without the intermediate: the issuer not in the CA
/// file is named (so a person can tell an intermediate of their CA from a stranger), and the
/// same chain sent whole is accepted.
#[tokio::test]
async fn a_missing_intermediate_is_named() {
    let pki = pki();
    let fake = Fake {
        implicit: Some(pki.via_intermediate(false)),
        ..Fake::default()
    };
    let (r, seen) = attempt(
        fake,
        Security::ImplicitTls,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    match &r {
        Err(Error::Certificate {
            problem: quietpost_net::CertProblem::IssuerNotInCaFile { issuer },
            ..
        }) => assert!(issuer.contains("Quietpost test intermediate"), "{issuer}"),
        other => panic!("{other:?}"),
    }
    assert_no_credentials(&seen);
    let fake = Fake {
        implicit: Some(pki.via_intermediate(true)),
        ..Fake::default()
    };
    let (r, _) = attempt(
        fake,
        Security::ImplicitTls,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    // The whole chain verifies: the login itself is what the fake refuses.
    assert!(matches!(r, Err(Error::Login { .. })), "{r:?}");
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
    // Signed by another CA: with a CA file, its name is given (it is not in the file).
    let stranger = pki_named("Some other CA");
    assert_eq!(
        certificate_problem(stranger.good().0, trust.clone()).await,
        CertProblem::IssuerNotInCaFile {
            issuer: "CN=Some other CA".into()
        }
    );
    // With the system's trust, an unknown authority.
    assert_eq!(
        certificate_problem(stranger.good().0, Trust::System).await,
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
        CertProblem::PinMismatch {
            expected, actual, ..
        } => {
            assert_eq!(expected, quietpost_net::tls::format_fingerprint(&pin));
            assert_ne!(expected, actual);
        }
        p => panic!("expected a pin mismatch, got {p:?}"),
    }
}

#[tokio::test]
async fn a_key_pin_survives_a_renewal_with_the_same_key_and_refuses_another_key() {
    let pki = pki();
    let key = rcgen::KeyPair::generate().unwrap();
    let params = |year| {
        let mut p = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        p.not_before = rcgen::date_time_ymd(year, 1, 1);
        p.not_after = rcgen::date_time_ymd(2099, 1, 1);
        p
    };
    let (first, der) = pki.server_with_key(params(2020), &key);
    let pin = quietpost_net::tls::key_sha256(&der).unwrap();
    let (renewed, renewed_der) = pki.server_with_key(params(2024), &key);
    assert_ne!(
        quietpost_net::tls::fingerprint_sha256(&der),
        quietpost_net::tls::fingerprint_sha256(&renewed_der),
        "a new certificate"
    );
    for config in [first.clone(), renewed] {
        let fake = Fake {
            implicit: Some(config),
            ..Fake::default()
        };
        let (r, _) = attempt(fake, Security::ImplicitTls, Trust::PinnedKey(pin)).await;
        assert!(matches!(r, Err(Error::Login { .. })), "{r:?}");
    }
    // A fingerprint typed as a certificate pin may be the key's (what some administrators
    // publish): it names the same server key alone.
    let fake = Fake {
        implicit: Some(first),
        ..Fake::default()
    };
    let (r, _) = attempt(fake, Security::ImplicitTls, Trust::PinnedSha256(pin)).await;
    assert!(matches!(r, Err(Error::Login { .. })), "{r:?}");
    let (other, other_der) = pki.good();
    match certificate_problem(other, Trust::PinnedKey(pin)).await {
        CertProblem::PinMismatch {
            expected,
            actual,
            key,
            actual_key,
        } => {
            assert!(key);
            assert_eq!(expected, quietpost_net::tls::format_fingerprint(&pin));
            let presented = quietpost_net::tls::format_fingerprint(
                &quietpost_net::tls::key_sha256(&other_der).unwrap(),
            );
            assert_eq!(actual, presented);
            assert_eq!(actual_key, presented);
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

/// [`attempt`] over implicit TLS with a certificate the client trusts (the fake's CA).
async fn attempt_trusted(pki: &Pki, fake: Fake) -> (Result<(), Error>, String) {
    let fake = Fake {
        implicit: Some(pki.good().0),
        ..fake
    };
    let (r, seen) = attempt(
        fake,
        Security::ImplicitTls,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    (r, String::from_utf8_lossy(&seen).into_owned())
}

/// The lines the client sent after TLS that start with `tag`-less command `word`.
fn commands<'a>(seen: &'a str, word: &str) -> Vec<&'a str> {
    seen.split("\r\n")
        .filter(|l| {
            l.split(' ')
                .nth(1)
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
        })
        .collect()
}

#[tokio::test]
async fn with_sasl_ir_the_plain_response_comes_with_the_command_once() {
    let pki = pki();
    let blob = base64::engine::general_purpose::STANDARD.encode(format!("\0{USER}\0{PASSWORD}"));
    for challenged in [false, true] {
        let fake = Fake {
            caps_after_tls: "IMAP4rev1 SASL-IR AUTH=PLAIN",
            login_reply: "OK [CAPABILITY IMAP4rev1] logged in".to_owned(),
            challenge_after_initial_response: challenged,
            ..Fake::default()
        };
        let (r, seen) = attempt_trusted(&pki, fake).await;
        let auth = commands(&seen, "AUTHENTICATE");
        assert_eq!(auth.len(), 1, "{seen:?}");
        assert!(
            auth[0].ends_with(&format!("AUTHENTICATE PLAIN {blob}")),
            "{seen:?}"
        );
        // A server that asks again after the response came with the command gets an empty
        // line, never the credentials a second time.
        assert_eq!(seen.matches(&blob).count(), 1, "{seen:?}");
        assert!(!seen.contains(PASSWORD), "{seen:?}");
        if challenged {
            // (The fake answers OK whatever it is sent; what matters is what it was sent.)
            assert!(seen.contains(&format!("{blob}\r\n\r\n")), "{seen:?}");
        } else {
            assert!(r.is_ok(), "{r:?}");
        }
    }
}

#[tokio::test]
async fn without_sasl_ir_the_plain_response_waits_for_the_challenge() {
    let pki = pki();
    let blob = base64::engine::general_purpose::STANDARD.encode(format!("\0{USER}\0{PASSWORD}"));
    let fake = Fake {
        caps_after_tls: "IMAP4rev1 AUTH=PLAIN",
        login_reply: "OK logged in".to_owned(),
        ..Fake::default()
    };
    let (r, seen) = attempt_trusted(&pki, fake).await;
    assert!(r.is_ok(), "{r:?}");
    let auth = commands(&seen, "AUTHENTICATE");
    assert!(auth[0].ends_with("AUTHENTICATE PLAIN"), "{seen:?}");
    assert!(seen.contains(&format!("\r\n{blob}\r\n")), "{seen:?}");
}

#[tokio::test]
async fn a_referral_to_another_server_is_never_followed() {
    let pki = pki();
    // The server the referral names; nothing may ever connect to it.
    let other = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_port = other.local_addr().unwrap().port();
    let fake = Fake {
        implicit: Some(pki.good().0),
        caps_after_tls: "IMAP4rev1 AUTH=PLAIN LOGIN-REFERRALS",
        login_reply: format!(
            "NO [REFERRAL imap://alice@127.0.0.1:{other_port}/] try the other server"
        ),
        ..Fake::default()
    };
    let (r, _) = attempt(
        fake,
        Security::ImplicitTls,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    assert!(
        matches!(&r, Err(Error::Login { server_text, .. }) if server_text.contains("REFERRAL")),
        "{r:?}"
    );
    let contacted = tokio::time::timeout(Duration::from_millis(500), other.accept()).await;
    assert!(contacted.is_err(), "the client followed the referral");
}

#[tokio::test]
async fn an_endless_line_before_login_is_an_error_not_a_buffer() {
    let pki = pki();
    let fake = Fake {
        implicit: Some(pki.good().0),
        login_reply: format!("NO {}", "x".repeat(3 << 20)),
        ..Fake::default()
    };
    let (r, _) = attempt(
        fake,
        Security::ImplicitTls,
        Trust::CaFile(pki.ca_file.clone()),
    )
    .await;
    assert!(
        matches!(&r, Err(Error::Protocol { detail, .. }) if detail.contains("over-long line")),
        "{:?}",
        r.map_err(|e| e.to_string())
    );
}

/// The fingerprint for pinning is learnt by a handshake that trusts nothing and ends at the
/// certificate: the right fingerprint, over implicit TLS and after STARTTLS, and not one byte
/// of application data after the handshake (no CAPABILITY, no login).
#[tokio::test]
async fn the_fingerprint_for_pinning_is_learnt_and_nothing_follows() {
    let pki = pki();
    let (config, leaf) = pki.good();
    let expected =
        quietpost_net::tls::format_fingerprint(&quietpost_net::tls::fingerprint_sha256(&leaf));
    for security in [Security::ImplicitTls, Security::StartTlsRequired] {
        let fake = match security {
            Security::ImplicitTls => Fake {
                implicit: Some(config.clone()),
                ..Fake::default()
            },
            Security::StartTlsRequired => Fake {
                tls_after_starttls: Some(config.clone()),
                ..Fake::default()
            },
        };
        let (port, server) = start(fake).await;
        let learnt =
            imap::danger_presented_fingerprint(&endpoint(port, security, Trust::System), &quick())
                .await
                .unwrap();
        assert_eq!(learnt.to_string(), expected, "{security:?}");
        let seen = tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .unwrap()
            .unwrap();
        let text = String::from_utf8_lossy(&seen);
        // Before TLS, STARTTLS asks for nothing but the upgrade; after it, nothing at all.
        let after_upgrade = text.split("STARTTLS\r\n").nth(1).unwrap_or(&text);
        assert!(after_upgrade.is_empty(), "{security:?}: sent {text:?}");
        assert_no_credentials(&seen);
    }
}
