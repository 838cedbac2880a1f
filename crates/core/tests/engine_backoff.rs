//! The engine's reconnects follow the failure pattern: a server that completes every pass and
//! then drops the connection at once (as some do with IDLE) must not get a reconnect every
//! `backoff`, forever. A fake server, because a real one will not misbehave on demand.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "../../net/tests/support/fake_imap.rs"]
mod fake_imap;
#[path = "../../net/tests/support/peer.rs"]
mod peer;

use futures::StreamExt;
use peer::Peer;
use quietpost_core::engine::{self, EngineOptions, Event};
use quietpost_core::sync::SyncOptions;
use quietpost_model::Secret;
use quietpost_net::Timeouts;
use quietpost_store::config::{Account, Security, Server};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;

/// An empty Inbox served well, until IDLE: then the connection is dropped.
async fn serve(mut p: Peer<tokio_rustls::server::TlsStream<tokio::net::TcpStream>>) {
    p.say("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE] flaky ready\r\n")
        .await;
    while let Some(line) = p.line().await {
        let tag = line.split(' ').next().unwrap_or("*").to_owned();
        let rest = line[tag.len()..].trim().to_ascii_uppercase();
        if rest.starts_with("AUTHENTICATE") {
            p.say("+ \r\n").await;
            let _ = p.line().await;
            p.say(&format!("{tag} OK logged in\r\n")).await;
        } else if rest.starts_with("CAPABILITY") {
            p.say(&format!("* CAPABILITY IMAP4rev1 IDLE\r\n{tag} OK\r\n"))
                .await;
        } else if rest.starts_with("LIST") {
            p.say(&format!("* LIST () \"/\" INBOX\r\n{tag} OK\r\n"))
                .await;
        } else if rest.starts_with("SELECT") || rest.starts_with("EXAMINE") {
            p.say(&format!(
                "* 0 EXISTS\r\n* OK [UIDVALIDITY 9] v\r\n* OK [UIDNEXT 1] n\r\n{tag} OK [READ-WRITE] done\r\n"
            ))
            .await;
        } else if rest.starts_with("STATUS") {
            p.say(&format!(
                "* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 9 UNSEEN 0)\r\n{tag} OK\r\n"
            ))
            .await;
        } else if rest.starts_with("UID SEARCH") || rest.starts_with("SEARCH") {
            p.say(&format!("* SEARCH\r\n{tag} OK\r\n")).await;
        } else if rest.starts_with("IDLE") {
            return; // dropped, right after a good pass
        } else if rest.starts_with("LOGOUT") {
            p.say(&format!("* BYE\r\n{tag} OK\r\n")).await;
            return;
        } else {
            p.say(&format!("{tag} OK\r\n")).await;
        }
    }
}

#[tokio::test]
async fn a_server_that_drops_every_idle_is_not_hammered() {
    let pki = fake_imap::pki();
    let (config, _) = pki.good();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let config = config.clone();
            tokio::spawn(async move {
                if let Ok(tls) = tokio_rustls::TlsAcceptor::from(config).accept(tcp).await {
                    serve(Peer::new(tls)).await;
                }
            });
        }
    });
    let server = Server {
        host: "localhost".into(),
        port,
        security: Security::ImplicitTls,
        ca_file: Some(pki.ca_file.clone()),
        pin_sha256: None,
        pin_key_sha256: None,
    };
    let account = Account::new("flaky", "f@example.org", "f", server.clone(), server);
    let dir = std::env::temp_dir().join(format!("qp-backoff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        greeting: Duration::from_secs(2),
        command: Duration::from_secs(2),
    };
    // Scaled down: a 50 ms first delay, a connection "stable" after 10 s.
    let options = EngineOptions {
        sync: SyncOptions {
            timeouts,
            ..SyncOptions::default()
        },
        backoff: Duration::from_millis(50),
        max_backoff: Duration::from_secs(10),
        stable: Duration::from_secs(10),
        ..EngineOptions::default()
    };
    let (handle, events) = engine::start(
        account,
        Secret::new("pw".into()),
        dir.join("mail.sqlite3"),
        options,
    );
    let mut events = Box::pin(events);
    let (mut synced, mut waits) = (0, Vec::new());
    let watching = async {
        while let Some(e) = events.next().await {
            match e {
                Event::Synced(_) => synced += 1,
                Event::Offline { retry_in, .. } => waits.push(retry_in),
                Event::Failed(e) => panic!("the engine gave up: {e}"),
                _ => {}
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), watching).await;
    drop(handle);
    let n = connections.load(Ordering::SeqCst);
    // Every pass succeeded and every connection was dropped at IDLE: each wait doubles (a
    // reset after each good pass waited 50 ms every time, forever).
    assert!(
        synced >= 3 && waits.len() >= 3,
        "{synced} passes, waits {waits:?}"
    );
    for (i, wait) in waits.iter().enumerate() {
        assert_eq!(*wait, Duration::from_millis(50 << i), "waits {waits:?}");
    }
    assert!(n <= waits.len() + 1, "{n} connections, waits {waits:?}");
    let _ = std::fs::remove_dir_all(dir);
}
