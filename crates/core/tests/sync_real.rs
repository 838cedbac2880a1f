//! The sync engine against the real Dovecot of the testbed (`scripts/testbed`, started by
//! `scripts/test`). Each test has its own mailbox (users sync1..sync9 and more), so they run in parallel.
//! `#[ignore]`d so a bare `cargo test` does not need the testbed; `.ci/run` counts them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "../../../tests/support/testbed.rs"]
mod testbed;

use quietpost_core::engine::{self, Command, EngineOptions, Event};
use quietpost_core::sync::{self, SyncOptions, Update, Verb};
use quietpost_store::cache::{Cache, Flags};
use std::time::Duration;
use testbed::account;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod sync_support;
use sync_support::*;

#[tokio::test]
#[ignore]
async fn real_server_first_sync_then_changes_from_another_client() {
    let user = "sync1";
    seed(user, "INBOX", 0..30).await;
    let (_t, mut cache) = temp_cache("first");
    let options = SyncOptions {
        batch: 7,
        timeouts: timeouts(),
        ..SyncOptions::default()
    };
    let r = run(user, IMAPS, &mut cache, &options).await.unwrap();
    assert_eq!(folder_report(&r, "INBOX").new, 30);
    let rows = listed(&cache, "INBOX");
    assert_eq!(rows.len(), 30);
    // Newest first; every field from the headers.
    assert_eq!(rows[0].summary.subject, "Message 29");
    assert_eq!(rows[29].summary.from_address, "s0@example.org");
    let folders = cache.folders(user).unwrap();
    let roles: Vec<_> = folders.iter().filter_map(|f| f.info.role).collect();
    assert_eq!(
        roles.len(),
        6,
        "Inbox, Drafts, Sent, Archive, Junk and Trash: {folders:?}"
    );

    // Another client flags one, expunges one and a new message arrives.
    let mut phone = other(user).await;
    phone.select("INBOX", None).await.unwrap();
    phone.store(3, "\\Flagged", true).await.unwrap();
    phone.store(5, "\\Deleted", true).await.unwrap();
    phone.simple("UID EXPUNGE 5", "EXPUNGE").await.unwrap();
    phone
        .append("INBOX", "(\\Seen)", &message(30))
        .await
        .unwrap();
    phone.logout().await;

    let r = run(user, IMAPS, &mut cache, &options).await.unwrap();
    let inbox = folder_report(&r, "INBOX");
    assert_eq!(inbox.method, "qresync");
    assert_eq!((inbox.new, inbox.removed, inbox.flags_changed), (1, 1, 1));
    let rows = listed(&cache, "INBOX");
    assert_eq!(rows.len(), 30);
    assert!(
        !subjects(&rows).contains(&"Message 4".to_owned()),
        "UID 5 is gone"
    );
    let flagged: Vec<_> = rows
        .iter()
        .filter(|r| r.summary.flags.contains(Flags::FLAGGED))
        .map(|r| r.summary.uid)
        .collect();
    assert_eq!(flagged, [3]);
    assert!(rows[0].summary.flags.contains(Flags::SEEN));

    // Nothing changed: one SELECT per folder, nothing fetched.
    let r = run(user, IMAPS, &mut cache, &options).await.unwrap();
    assert!(
        r.folders
            .iter()
            .all(|f| f.new + f.removed + f.flags_changed == 0)
    );

    // Without CONDSTORE/QRESYNC the full comparison reaches the same cache.
    let (_t2, mut plain) = temp_cache("first-plain");
    let basic = SyncOptions {
        extensions: false,
        ..options.clone()
    };
    run(user, IMAPS, &mut plain, &basic).await.unwrap();
    let mut phone = other(user).await;
    phone.select("INBOX", None).await.unwrap();
    phone.store(3, "\\Flagged", false).await.unwrap();
    phone.store(7, "\\Deleted", true).await.unwrap();
    phone.simple("UID EXPUNGE 7", "EXPUNGE").await.unwrap();
    phone.logout().await;
    let r = run(user, IMAPS, &mut plain, &basic).await.unwrap();
    let inbox = folder_report(&r, "INBOX");
    assert_eq!(inbox.method, "full");
    assert_eq!((inbox.new, inbox.removed, inbox.flags_changed), (0, 1, 1));
    run(user, IMAPS, &mut cache, &options).await.unwrap();
    let a = listed(&cache, "INBOX");
    let b = listed(&plain, "INBOX");
    assert_eq!(subjects(&a), subjects(&b));
    assert_eq!(
        a.iter().map(|r| r.summary.flags).collect::<Vec<_>>(),
        b.iter().map(|r| r.summary.flags).collect::<Vec<_>>()
    );
}

#[tokio::test]
#[ignore]
async fn real_server_recreated_folder_is_rebuilt() {
    let user = "sync2";
    let mut m = other(user).await;
    m.simple("CREATE \"Projects\"", "CREATE").await.unwrap();
    m.logout().await;
    seed(user, "Projects", 0..3).await;
    let (_t, mut cache) = temp_cache("rebuild");
    let options = SyncOptions {
        timeouts: timeouts(),
        ..SyncOptions::default()
    };
    run(user, IMAPS, &mut cache, &options).await.unwrap();
    let old: Vec<quietpost_model::MessageId> =
        listed(&cache, "Projects").iter().map(|r| r.id).collect();
    assert_eq!(old.len(), 3);

    let mut m = other(user).await;
    m.simple("DELETE \"Projects\"", "DELETE").await.unwrap();
    m.simple("CREATE \"Projects\"", "CREATE").await.unwrap();
    m.logout().await;
    seed(user, "Projects", 100..102).await;
    let r = run(user, IMAPS, &mut cache, &options).await.unwrap();
    assert!(folder_report(&r, "Projects").rebuilt);
    let rows = listed(&cache, "Projects");
    assert_eq!(subjects(&rows), ["Message 101", "Message 100"]);
    assert!(
        rows.iter().all(|r| !old.contains(&r.id)),
        "ids are never reused"
    );
    for id in old {
        assert!(cache.message(id).unwrap().is_none());
    }
}

#[tokio::test]
#[ignore]
async fn real_server_offline_action_is_applied_once() {
    let user = "sync3";
    seed(user, "INBOX", 0..3).await;
    let (_t, mut cache) = temp_cache("offline");
    let options = SyncOptions {
        timeouts: timeouts(),
        ..SyncOptions::default()
    };
    run(user, IMAPS, &mut cache, &options).await.unwrap();
    let rows = listed(&cache, "INBOX");
    let target = rows.iter().find(|r| r.summary.uid == 2).unwrap().id;
    let moved = rows.iter().find(|r| r.summary.uid == 3).unwrap().id;

    // Offline: the server cannot be reached, the actions wait in the journal.
    sync::act(&mut cache, target, &Verb::Flag(Flags::SEEN, true)).unwrap();
    sync::act(&mut cache, moved, &Verb::Archive).unwrap();
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let err = run(user, dead_port, &mut cache, &options)
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(cache.pending(user).unwrap().len(), 2);
    assert!(
        cache
            .message(target)
            .unwrap()
            .unwrap()
            .summary
            .flags
            .contains(Flags::SEEN)
    );
    assert_eq!(
        listed(&cache, "INBOX").len(),
        2,
        "the archived message left the list at once"
    );

    // Back online: applied.
    let r = run(user, IMAPS, &mut cache, &options).await.unwrap();
    assert_eq!(r.actions_applied, 2);
    assert!(cache.pending(user).unwrap().is_empty());
    let mut phone = other(user).await;
    phone.select("INBOX", None).await.unwrap();
    let flags = phone.flags(None).await.unwrap();
    assert_eq!(flags.len(), 2);
    let seen = flags.iter().find(|f| f.uid == 2).unwrap();
    assert!(seen.flags.iter().any(|f| f == "\\Seen"));
    // Once: the other client clears it, and the next sync does not set it again.
    phone.store(2, "\\Seen", false).await.unwrap();
    phone.select("Archive", None).await.unwrap();
    assert_eq!(phone.uids().await.unwrap().len(), 1, "moved exactly once");
    phone.logout().await;
    let r = run(user, IMAPS, &mut cache, &options).await.unwrap();
    assert_eq!(r.actions_applied, 0);
    let row = cache.message(target).unwrap().unwrap();
    assert!(!row.summary.flags.contains(Flags::SEEN));
    let mut phone = other(user).await;
    phone.select("INBOX", None).await.unwrap();
    let flags = phone.flags(None).await.unwrap();
    assert!(
        !flags
            .iter()
            .find(|f| f.uid == 2)
            .unwrap()
            .flags
            .iter()
            .any(|f| f == "\\Seen")
    );
    phone.logout().await;
    assert_eq!(subjects(&listed(&cache, "Archive")), ["Message 2"]);

    // Delete moves to Trash; delete in Trash deletes for good.
    let archived = listed(&cache, "Archive")[0].id;
    assert_eq!(
        sync::act(&mut cache, archived, &Verb::Delete).unwrap(),
        Some(quietpost_store::cache::Action::Move("Trash".into()))
    );
    run(user, IMAPS, &mut cache, &options).await.unwrap();
    let trashed = listed(&cache, "Trash");
    assert_eq!(subjects(&trashed), ["Message 2"]);
    assert_eq!(
        sync::act(&mut cache, trashed[0].id, &Verb::Delete).unwrap(),
        Some(quietpost_store::cache::Action::Expunge)
    );
    assert!(listed(&cache, "Trash").is_empty());
    let r = run(user, IMAPS, &mut cache, &options).await.unwrap();
    assert_eq!(r.actions_applied, 1);
    let mut phone = other(user).await;
    phone.select("Trash", None).await.unwrap();
    assert!(
        phone.uids().await.unwrap().is_empty(),
        "expunged on the server"
    );
    phone.select("Archive", None).await.unwrap();
    assert!(phone.uids().await.unwrap().is_empty());
    phone.logout().await;
    // Moving a message to the folder it is in does nothing.
    let inbox_msg = listed(&cache, "INBOX")[0].id;
    assert_eq!(
        sync::act(&mut cache, inbox_msg, &Verb::Move("INBOX".into())).unwrap(),
        None
    );
}

/// Forwards TCP to Dovecot and cuts a connection once `limit` bytes came from the server (the
/// server going away mid-sync) — every connection, or only the first with `first_only`.
async fn cutting_proxy(limit: usize, first_only: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut client, _)) = listener.accept().await {
            let cap = if first || !first_only {
                limit
            } else {
                usize::MAX
            };
            first = false;
            tokio::spawn(async move {
                let mut server = TcpStream::connect(("127.0.0.1", IMAPS)).await.unwrap();
                let (mut cr, mut cw) = client.split();
                let (mut sr, mut sw) = server.split();
                let up = tokio::io::copy(&mut cr, &mut sw);
                let down = async {
                    let mut sent = 0usize;
                    let mut buf = vec![0u8; 4096];
                    loop {
                        let n = sr.read(&mut buf).await.unwrap_or(0);
                        if n == 0 || sent.saturating_add(n) > cap {
                            break;
                        }
                        sent += n;
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                tokio::select! { _ = up => {}, _ = down => {} }
            });
        }
    });
    port
}

/// Forwards TCP to Dovecot, counting connections; those after the first `allow` are closed at
/// once (a server at its connection limit).
async fn counting_relay(allow: usize) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            if counted.fetch_add(1, Ordering::SeqCst) >= allow {
                continue; // dropped: closed before the greeting
            }
            tokio::spawn(async move {
                let mut server = TcpStream::connect(("127.0.0.1", IMAPS)).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (port, count)
}

#[tokio::test]
#[ignore]
async fn real_server_bodies_come_over_three_connections_or_as_many_as_the_server_allows() {
    let user = "sync32";
    // Three commands' worth of bodies (500 messages a command).
    seed(user, "INBOX", 0..1100).await;
    let options = SyncOptions {
        bodies: true,
        timeouts: timeouts(),
        ..SyncOptions::default()
    };
    let every_body_is_its_message = |cache: &Cache| {
        let rows = listed(cache, "INBOX");
        testbed::assert_complete(&rows, 1100);
        for row in &rows {
            let i: usize = row.summary.subject["Message ".len()..].parse().unwrap();
            let raw = cache.body(row.id).unwrap().expect("every body cached");
            // Dovecot may rewrite line ends; the message is the one its UID names.
            assert_eq!(
                String::from_utf8_lossy(&raw).replace("\r\n", "\n"),
                String::from_utf8_lossy(&message(i)).replace("\r\n", "\n"),
                "the body stored for UID {}",
                row.summary.uid
            );
        }
        cache.check().unwrap();
        assert_eq!(cache.search("word1099", None, 10).unwrap().len(), 1);
    };

    let (port, connections) = counting_relay(usize::MAX).await;
    let (_t, mut cache) = temp_cache("three");
    let r = run(user, port, &mut cache, &options).await.unwrap();
    assert_eq!(folder_report(&r, "INBOX").bodies, 1100);
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 3);
    every_body_is_its_message(&cache);

    // A server that takes one connection only: the bodies come over that one, all of them.
    let (port, connections) = counting_relay(1).await;
    let (_t2, mut cache) = temp_cache("only-one");
    let r = run(user, port, &mut cache, &options).await.unwrap();
    assert_eq!(folder_report(&r, "INBOX").bodies, 1100);
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 3);
    every_body_is_its_message(&cache);
}

#[tokio::test]
#[ignore]
async fn real_server_connection_lost_mid_sync_then_completes_without_duplicates() {
    let user = "sync4";
    seed(user, "INBOX", 0..200).await;
    let (_t, mut cache) = temp_cache("cut");
    let options = SyncOptions {
        batch: 20,
        bodies: true,
        timeouts: timeouts(),
        ..SyncOptions::default()
    };
    let port = cutting_proxy(40_000, false).await;
    let err = run(user, port, &mut cache, &options).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    let partial = listed(&cache, "INBOX").len();
    assert!(partial < 200, "the cut came mid-sync ({partial} cached)");
    let inbox = cache.folder(user, "INBOX").unwrap().unwrap();
    assert_eq!(
        inbox.uidnext, None,
        "an interrupted pass vouches for nothing"
    );

    let r = run(user, IMAPS, &mut cache, &options).await.unwrap();
    assert_eq!(folder_report(&r, "INBOX").new, 200 - partial);
    let rows = listed(&cache, "INBOX");
    testbed::assert_complete(&rows, 200);
    assert_eq!(cache.search("word150", None, 10).unwrap().len(), 1);
}

/// Delivers a message the way Postfix does: LMTP into Dovecot.
async fn deliver(user: &str, subject: &str) {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = std::env::var("QUIETPOST_TESTBED").expect("QUIETPOST_TESTBED is not set");
    let s = tokio::net::UnixStream::connect(format!("{dir}/run/lmtp"))
        .await
        .unwrap();
    let (r, mut w) = s.into_split();
    let mut r = BufReader::new(r);
    let mut reply = async || -> String {
        // Multi-line replies end with "NNN " (a space after the code).
        let mut all = String::new();
        loop {
            let mut line = String::new();
            r.read_line(&mut line).await.unwrap();
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] == b' ' {
                return all;
            }
        }
    };
    assert!(reply().await.starts_with("220"));
    let message = format!(
        "From: Carol <carol@example.org>\r\nTo: {user}@quietpost.test\r\nSubject: {subject}\r\n\
         Message-ID: <{subject}@example.org>\r\n\r\nDelivered while you were idling.\r\n.\r\n"
    );
    for (command, code) in [
        ("LHLO test.invalid\r\n".to_owned(), "250"),
        ("MAIL FROM:<carol@example.org>\r\n".to_owned(), "250"),
        (format!("RCPT TO:<{user}@quietpost.test>\r\n"), "250"),
        ("DATA\r\n".to_owned(), "354"),
        (message, "250"),
    ] {
        w.write_all(command.as_bytes()).await.unwrap();
        let got = reply().await;
        assert!(got.starts_with(code), "LMTP {command:?}: {got}");
    }
    let _ = w.write_all(b"QUIT\r\n").await;
}

/// The next event matching `want`, within `limit`.
async fn wait_for<S: futures::Stream<Item = Event> + Unpin>(
    events: &mut S,
    limit: Duration,
    mut want: impl FnMut(&Event) -> bool,
) -> Event {
    use futures::StreamExt;
    tokio::time::timeout(limit, async {
        loop {
            let e = events.next().await.expect("the engine stopped");
            if let Event::Failed(err) = &e {
                panic!("the engine failed: {err:?}");
            }
            if want(&e) {
                return e;
            }
        }
    })
    .await
    .expect("the event did not come in time")
}

fn engine_options() -> EngineOptions {
    EngineOptions {
        sync: SyncOptions {
            timeouts: timeouts(),
            ..SyncOptions::default()
        },
        backoff: Duration::from_millis(200),
        ..EngineOptions::default()
    }
}

#[tokio::test]
#[ignore]
async fn real_server_delivery_during_idle_shows_up() {
    use futures::StreamExt;
    let user = "sync5";
    seed(user, "INBOX", 0..2).await;
    let (t, _cache) = temp_cache("idle");
    let path = t.0.join("mail.sqlite3");
    let (handle, events) = engine::start(
        account(user, IMAPS),
        password(user),
        path.clone(),
        engine_options(),
    );
    let mut events = Box::pin(events);
    wait_for(&mut events, Duration::from_secs(20), |e| {
        matches!(e, Event::Synced(_))
    })
    .await;
    // Let the engine enter IDLE, then deliver.
    tokio::time::sleep(Duration::from_millis(300)).await;
    deliver(user, "arrived-during-idle").await;
    let e = wait_for(
        &mut events,
        Duration::from_secs(20),
        |e| matches!(e, Event::InboxChanged(r) if r.new == 1),
    )
    .await;
    let Event::InboxChanged(report) = e else {
        unreachable!()
    };
    assert_eq!(report.folder, "INBOX");
    // The app reads the same cache at the same time.
    let reader = Cache::open_file(&path).unwrap();
    assert_eq!(
        listed(&reader, "INBOX")[0].summary.subject,
        "arrived-during-idle"
    );
    handle.send(Command::Shutdown);
    let rest: Vec<Event> = tokio::time::timeout(Duration::from_secs(10), events.collect())
        .await
        .expect("the stream ends after Shutdown");
    assert!(rest.iter().all(|e| !matches!(e, Event::Failed(_))));
}

/// A shared buffer the trace is written into.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
#[ignore]
async fn real_server_reconnect_after_a_drop_and_its_trace_holds_no_secret() {
    use base64::Engine as _;
    use tracing_subscriber::prelude::*;
    let user = "sync6";
    seed(user, "INBOX", 0..100).await;
    // Everything traced on this thread, at every level, from every crate.
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .with_filter(tracing_subscriber::filter::LevelFilter::TRACE),
    );
    let _guard = tracing::subscriber::set_default(subscriber);

    let port = cutting_proxy(20_000, true).await;
    let (t, _cache) = temp_cache("reconnect");
    let (handle, events) = engine::start(
        account(user, port),
        password(user),
        t.0.join("mail.sqlite3"),
        engine_options(),
    );
    let mut events = Box::pin(events);
    let offline = wait_for(&mut events, Duration::from_secs(20), |e| {
        matches!(e, Event::Offline { .. })
    })
    .await;
    let Event::Offline { error, .. } = offline else {
        unreachable!()
    };
    // Transient covers a connection closed under us.
    assert!(error.is_transient(), "{error:?}");
    let Event::Synced(report) = wait_for(&mut events, Duration::from_secs(20), |e| {
        matches!(e, Event::Synced(_))
    })
    .await
    else {
        unreachable!()
    };
    let cached = Cache::open_file(&t.0.join("mail.sqlite3")).unwrap();
    assert_eq!(listed(&cached, "INBOX").len(), 100, "{report:?}");
    handle.send(Command::Shutdown);
    drop(events);

    let trace = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(
        trace.contains("offline") && trace.matches("connected").count() >= 1,
        "{trace}"
    );
    let secret = format!("{user}-Test-pw");
    let plain = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{secret}"));
    let url = secret.replace('-', "%2D");
    for needle in [secret.as_str(), plain.as_str(), url.as_str()] {
        assert!(!trace.contains(needle), "the trace holds {needle:?}");
    }
}

/// Kills (SIGKILL) the Dovecot process serving `user`'s IMAP connections: the server dying
/// mid-sync. (The testbed sets verbose_proctitle, so the process title names the user.)
fn kill_imap_process(user: &str) {
    let pattern = format!("dovecot/imap \\[{user} ");
    let killed = std::process::Command::new("pkill")
        .args(["-KILL", "-f", &pattern])
        .status()
        .is_ok_and(|s| s.success())
        || std::process::Command::new("sudo")
            .args(["-n", "pkill", "-KILL", "-f", &pattern])
            .status()
            .is_ok_and(|s| s.success());
    assert!(killed, "no Dovecot process for {user} to kill");
}

#[tokio::test]
#[ignore]
async fn real_server_process_killed_mid_sync_then_next_sync_completes() {
    let user = "sync9";
    seed(user, "INBOX", 0..1500).await;
    let (_t, mut cache) = temp_cache("server-killed");
    let options = SyncOptions {
        batch: 50,
        bodies: true,
        timeouts: timeouts(),
        ..SyncOptions::default()
    };
    let account = account(user, IMAPS);
    let mut mail = sync::connect(&account, &password(user), timeouts())
        .await
        .unwrap();
    let mut killed = false;
    let result = sync::sync_account(&mut mail, &mut cache, &account, &options, &mut |u| {
        if let Update::Progress { done, .. } = u
            && done >= 200
            && !killed
        {
            killed = true;
            kill_imap_process(user);
        }
    })
    .await;
    assert!(killed, "the sync ended before the server could be killed");
    let err = result.expect_err("the server died mid-sync");
    assert!(err.is_transient(), "{err:?}");
    cache.check().unwrap();
    let partial = listed(&cache, "INBOX").len();
    assert!(partial < 1500, "{partial}");

    // The server is back for the next connection: that sync completes, once.
    run(user, IMAPS, &mut cache, &options).await.unwrap();
    cache.check().unwrap();
    let rows = listed(&cache, "INBOX");
    testbed::assert_complete(&rows, 1500);
}

#[tokio::test]
#[ignore]
async fn real_server_idle_gives_way_to_full_passes_for_other_folders() {
    let user = "sync10";
    let (t, _cache) = temp_cache("idle-full");
    let options = EngineOptions {
        idle: Duration::from_millis(800),
        ..engine_options()
    };
    let (handle, events) = engine::start(
        account(user, IMAPS),
        password(user),
        t.0.join("mail.sqlite3"),
        options,
    );
    let mut events = Box::pin(events);
    wait_for(&mut events, Duration::from_secs(20), |e| {
        matches!(e, Event::Synced(_))
    })
    .await;
    // Mail filed into another folder by another client is seen at the next full pass.
    seed(user, "Archive", 0..2).await;
    let e = wait_for(&mut events, Duration::from_secs(20), |e| {
        matches!(e, Event::Synced(r) if r.folders.iter().any(|f| f.folder == "Archive" && f.new == 2))
    })
    .await;
    let Event::Synced(report) = e else {
        unreachable!()
    };
    let inbox = report.folders.iter().find(|f| f.folder == "INBOX").unwrap();
    assert_eq!(
        inbox.method, "unchanged",
        "an unchanged folder is not even selected"
    );
    handle.send(Command::Shutdown);
}

#[tokio::test]
#[ignore]
async fn real_server_the_engine_sends_what_waits_in_the_outbox() {
    use quietpost_core::compose::{self, Draft};
    use quietpost_core::outbox;
    use quietpost_store::cache::OutboxState;
    let (user, to) = ("sync17", "sync18");
    let (t, mut cache) = temp_cache("outbox");
    let acct = account(user, IMAPS);
    let mut queue = |subject: &str| {
        let built = compose::build(
            &Draft {
                from: acct.email.clone(),
                to: vec![format!("{to}@quietpost.test")],
                subject: subject.into(),
                body: "Sent by the engine.\n".into(),
                ..Draft::default()
            },
            std::time::SystemTime::now(),
        )
        .unwrap();
        outbox::queue(&mut cache, &acct, &built).unwrap()
    };
    // One message is due now; one failed a moment ago and waits for its retry time; one may
    // have been sent already (unknown): that one waits for the user.
    let due = queue("due-now");
    let later = queue("retry-in-an-hour");
    let unknown = queue("outcome-unknown");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    cache
        .retry_at(later, "connection refused", now + 3600)
        .unwrap();
    cache
        .unknown(unknown, "connection lost after DATA")
        .unwrap();

    let (handle, events) = engine::start(
        acct.clone(),
        engine::Passwords {
            imap: password(user),
            smtp: Some(password(user)),
        },
        t.0.join("mail.sqlite3"),
        engine_options(),
    );
    let mut events = Box::pin(events);
    let e = wait_for(&mut events, Duration::from_secs(30), |e| {
        matches!(e, Event::Outbox(_))
    })
    .await;
    let Event::Outbox(done) = e else {
        unreachable!()
    };
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(done[0].0, due);
    assert!(done[0].1.is_ok(), "{done:?}");
    handle.send(Command::Shutdown);

    // Delivered, filed in Sent, and gone from the outbox; the others wait as they were.
    let mut inbox = other(to).await;
    let mut arrived = false;
    for _ in 0..100 {
        inbox.select("INBOX", None).await.unwrap();
        if !inbox.uids().await.unwrap().is_empty() {
            arrived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(arrived, "the message was delivered");
    inbox.logout().await;
    let mut mine = other(user).await;
    mine.select("Sent", None).await.unwrap();
    assert_eq!(mine.uids().await.unwrap().len(), 1);
    mine.logout().await;
    let left = cache.outbox(None).unwrap();
    let states: Vec<_> = left.iter().map(|m| (m.id, m.state)).collect();
    assert_eq!(
        states,
        [
            (later, OutboxState::Queued),
            (unknown, OutboxState::Unknown)
        ]
    );
}
