//! The sync engine against a logged-in server that turns hostile while the mailbox is fetched:
//! what a real server will not do on demand. Each case must end in a protocol error (or a
//! timeout) within a bounded time, with the messages stored before it intact and the folder's
//! state not advanced. And the order of a login: the password is asked for while the
//! connection is made, and nothing is sent before it comes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "../../net/tests/support/fake_imap.rs"]
mod fake_imap;
#[path = "../../net/tests/support/peer.rs"]
mod peer;

use peer::Peer;
use quietpost_core::sync::{self, SyncOptions};
use quietpost_model::Secret;
use quietpost_net::Timeouts;
use quietpost_store::cache::{Cache, ListQuery};
use quietpost_store::config::{Account, Security, Server};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// What the server sends for the second FETCH (the first, for UID 2, is well-formed).
#[derive(Clone, Copy, Debug)]
enum Attack {
    HugeLiteral,
    DeepBodystructure,
    NulInEnvelope,
    ExistsFlood,
    StallMidLiteral,
}

const HEADER: &str = "From: Good <good@example.org>\r\nSubject: fine\r\n\r\n";

async fn serve(
    mut p: Peer<tokio_rustls::server::TlsStream<tokio::net::TcpStream>>,
    attack: Attack,
) {
    p.say("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile ready\r\n")
        .await;
    let mut fetches = 0;
    while let Some(line) = p.line().await {
        let mut words = line.splitn(3, ' ');
        let tag = words.next().unwrap_or("*").to_owned();
        let rest = line[tag.len()..].trim().to_ascii_uppercase();
        if rest.starts_with("AUTHENTICATE") {
            p.say("+ \r\n").await;
            let _ = p.line().await;
            p.say(&format!("{tag} OK logged in\r\n")).await;
        } else if rest.starts_with("CAPABILITY") {
            p.say(&format!(
                "* CAPABILITY IMAP4rev1 MOVE UIDPLUS\r\n{tag} OK\r\n"
            ))
            .await;
        } else if rest.starts_with("LIST") {
            p.say(&format!("* LIST () \"/\" INBOX\r\n{tag} OK\r\n"))
                .await;
        } else if rest.starts_with("SELECT") {
            p.say(&format!(
                "* 2 EXISTS\r\n* OK [UIDVALIDITY 9] v\r\n* OK [UIDNEXT 3] n\r\n{tag} OK [READ-WRITE] done\r\n"
            ))
            .await;
        } else if rest.starts_with("UID SEARCH") {
            p.say(&format!("* SEARCH 1 2\r\n{tag} OK\r\n")).await;
        } else if rest.starts_with("UID FETCH") {
            fetches += 1;
            if fetches == 1 {
                p.say(&format!(
                    "* 2 FETCH (UID 2 FLAGS () INTERNALDATE \"02-Nov-2026 10:00:00 +0000\" RFC822.SIZE 50 BODY[HEADER.FIELDS (FROM SUBJECT)] {{{}}}\r\n{HEADER})\r\n{tag} OK\r\n",
                    HEADER.len()
                ))
                .await;
                continue;
            }
            match attack {
                Attack::HugeLiteral => {
                    p.say(
                        "* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {4294967295}\r\nFrom: x\r\n",
                    )
                    .await;
                }
                Attack::DeepBodystructure => {
                    let deep = format!(
                        "* 1 FETCH (UID 1 BODYSTRUCTURE {}\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1{})\r\n{tag} OK\r\n",
                        "(".repeat(1000),
                        ")".repeat(1000)
                    );
                    p.say(&deep).await;
                }
                Attack::NulInEnvelope => {
                    p.say(&format!(
                        "* 1 FETCH (UID 1 ENVELOPE (\"Mon, 2 Nov 2026\" \"hi\0there\" ((\"a\0b\" NIL \"x\" \"example.org\")) NIL NIL NIL NIL NIL NIL NIL))\r\n{tag} OK\r\n"
                    ))
                    .await;
                }
                Attack::ExistsFlood => {
                    let mut flood = String::with_capacity(2 << 20);
                    for n in 0..100_000 {
                        flood.push_str(&format!("* {} EXISTS\r\n", n + 3));
                    }
                    flood.push_str(&format!("{tag} OK\r\n"));
                    p.say(&flood).await;
                }
                Attack::StallMidLiteral => {
                    p.say(
                        "* 1 FETCH (UID 1 BODY[HEADER.FIELDS (FROM)] {1000}\r\nFrom: only the st",
                    )
                    .await;
                }
            }
            // Then hang, as a hostile server would, until the client goes away.
            while p.line().await.is_some() {}
            return;
        } else if rest.starts_with("LOGOUT") {
            p.say(&format!("* BYE\r\n{tag} OK\r\n")).await;
            return;
        } else {
            p.say(&format!("{tag} OK\r\n")).await;
        }
    }
}

/// Account "h" on the fake at `port` (implicit TLS, trusting the fake's CA).
fn account_at(port: u16, pki: &fake_imap::Pki) -> Account {
    let server = Server {
        host: "localhost".into(),
        port,
        security: Security::ImplicitTls,
        ca_file: Some(pki.ca_file.clone()),
        pin_sha256: None,
        pin_key_sha256: None,
    };
    Account::new("h", "h@example.org", "h", server.clone(), server)
}

async fn attempt(attack: Attack) {
    let pki = fake_imap::pki();
    let (config, _) = pki.good();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let tls = tokio_rustls::TlsAcceptor::from(config)
            .accept(tcp)
            .await
            .unwrap();
        serve(Peer::new(tls), attack).await;
    });
    let account = account_at(port, &pki);
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        greeting: Duration::from_secs(2),
        command: Duration::from_secs(2),
    };
    let dir = std::env::temp_dir().join(format!("qp-hostile-{attack:?}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cache = Cache::open_file(&dir.join("mail.sqlite3")).unwrap();
    let options = SyncOptions {
        batch: 1,
        timeouts,
        ..SyncOptions::default()
    };
    let started = Instant::now();
    let result = async {
        let mut mail = sync::connect(&account, &Secret::new("pw".into()), timeouts).await?;
        sync::sync_account(&mut mail, &mut cache, &account, &options, &mut |_| {}).await
    }
    .await;
    let elapsed = started.elapsed();
    let err = result.expect_err("a hostile response must fail the sync");
    eprintln!("{attack:?}: {err} after {elapsed:?}");
    match &err {
        sync::Error::Net(quietpost_net::Error::Protocol { .. }) => {}
        sync::Error::Net(quietpost_net::Error::TimedOut { .. })
            if matches!(attack, Attack::StallMidLiteral) => {}
        other => panic!("{attack:?}: unexpected error {other:?}"),
    }
    assert!(
        elapsed < Duration::from_secs(8),
        "{attack:?} took {elapsed:?}"
    );
    // The well-formed message is kept, the folder's state is not advanced, the file is sound.
    let rows = cache
        .list(&ListQuery {
            limit: 10,
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(rows.len(), 1, "{attack:?}");
    assert_eq!(rows[0].summary.subject, "fine");
    assert_eq!(cache.folder("h", "INBOX").unwrap().unwrap().uidnext, None);
    cache.check().unwrap();
    drop(cache);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn literal_of_four_gigabytes() {
    attempt(Attack::HugeLiteral).await;
}

#[tokio::test]
async fn bodystructure_nested_a_thousand_deep() {
    attempt(Attack::DeepBodystructure).await;
}

#[tokio::test]
async fn nul_bytes_in_an_envelope() {
    attempt(Attack::NulInEnvelope).await;
}

#[tokio::test]
async fn a_hundred_thousand_exists() {
    attempt(Attack::ExistsFlood).await;
}

#[tokio::test]
async fn stall_in_the_middle_of_a_literal() {
    attempt(Attack::StallMidLiteral).await;
}

/// An account on a fake server (implicit TLS, the fake's CA) that accepts any login, and the
/// fake's handle (every byte the client sent after TLS); `accepted` fires when the client's
/// TCP connection arrives.
async fn fake_account(
    accepted: tokio::sync::oneshot::Sender<()>,
) -> (Account, tokio::task::JoinHandle<Vec<u8>>, fake_imap::Pki) {
    let pki = fake_imap::pki();
    let fake = fake_imap::Fake {
        implicit: Some(pki.good().0),
        caps_after_tls: "IMAP4rev1 SASL-IR AUTH=PLAIN",
        login_reply: "OK [CAPABILITY IMAP4rev1 CONDSTORE QRESYNC ENABLE] logged in".to_owned(),
        ..fake_imap::Fake::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let _ = accepted.send(());
        fake_imap::run(fake, tcp).await
    });
    let account = account_at(port, &pki);
    (account, handle, pki)
}

/// The password is asked for while the connection is made (the password here comes only once
/// the server has the connection: asked one after the other, this would never finish), and the
/// login's OK gives the capabilities after login.
#[tokio::test]
async fn the_password_is_asked_for_while_the_connection_is_made() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (account, server, _pki) = fake_account(tx).await;
    let asking = async {
        rx.await.unwrap();
        Ok(Secret::new("pw".into()))
    };
    let timeouts = Timeouts::default();
    let mail = tokio::time::timeout(
        Duration::from_secs(10),
        sync::connect_asking(&account, asking, timeouts),
    )
    .await
    .expect("the password waited for the connection, or the other way round")
    .unwrap();
    // The capabilities after login came with the login's OK: no CAPABILITY command after it.
    assert!(mail.has("QRESYNC") && mail.has("CONDSTORE"));
    mail.logout().await;
    let seen = String::from_utf8_lossy(&server.await.unwrap()).into_owned();
    assert_eq!(seen.matches("AUTHENTICATE").count(), 1, "{seen:?}");
    let after_login = &seen[seen.find("AUTHENTICATE").unwrap()..];
    assert!(!after_login.contains("CAPABILITY"), "{seen:?}");
}

/// A password that cannot be had (no keychain) is the error, and no login was sent.
#[tokio::test]
async fn a_password_that_cannot_be_had_sends_no_login() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (account, server, _pki) = fake_account(tx).await;
    let asking = async {
        rx.await.unwrap();
        Err(quietpost_core::accounts::Error::Store(
            quietpost_store::Error::NoKeychain {
                detail: "no Secret Service".into(),
            },
        ))
    };
    let r = sync::connect_asking(&account, asking, Timeouts::default()).await;
    assert!(
        matches!(
            r,
            Err(sync::Error::Account(
                quietpost_core::accounts::Error::Store(quietpost_store::Error::NoKeychain { .. })
            ))
        ),
        "{:?}",
        r.map(|_| ())
    );
    let seen = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .unwrap()
        .unwrap();
    // What a connection asks before any login (this greeting names no capabilities), and
    // nothing else.
    let seen = String::from_utf8_lossy(&seen);
    assert!(seen.lines().all(|l| l.ends_with(" CAPABILITY")), "{seen:?}");
}
