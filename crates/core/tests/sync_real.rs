//! The sync engine against the real Dovecot of the testbed (`scripts/testbed`, started by
//! `scripts/test`). Each test has its own mailbox (users sync1..sync9), so they run in parallel.
//! `#[ignore]`d so a bare `cargo test` does not need the testbed; `.ci/run` counts them.

use quietpost_core::sync::{self, Report, SyncOptions, Verb};
use quietpost_model::Secret;
use quietpost_net::Timeouts;
use quietpost_net::imap::mailbox::Mail;
use quietpost_store::cache::{Cache, Flags, ListQuery, MessageRow};
use quietpost_store::config::{Account, PasswordSource, Security, Server};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const IMAPS: u16 = 10993;

fn ca() -> PathBuf {
    std::env::var("QUIETPOST_TESTBED_CA")
        .expect("QUIETPOST_TESTBED_CA is not set: run the real-server tests through scripts/test")
        .into()
}

fn account(user: &str, port: u16) -> Account {
    let server = |port| Server {
        host: "localhost".into(),
        port,
        security: Security::Tls,
        ca_file: Some(ca()),
        pin_sha256: None,
    };
    Account {
        name: user.into(),
        email: format!("{user}@quietpost.test"),
        user: user.into(),
        password: PasswordSource::Keychain,
        proxy: None,
        imap: server(port),
        smtp: server(10465),
    }
}

fn password(user: &str) -> Secret {
    Secret::new(format!("{user}-Test-pw"))
}

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        greeting: Duration::from_secs(3),
        command: Duration::from_secs(10),
    }
}

struct Temp(PathBuf);
impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_cache(name: &str) -> (Temp, Cache) {
    let dir = std::env::temp_dir().join(format!("qp-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = Cache::open_file(&dir.join("mail.sqlite3")).unwrap();
    (Temp(dir), cache)
}

/// Another client of the same mailbox (like a phone).
async fn other(user: &str) -> Mail {
    sync::connect(&account(user, IMAPS), &password(user), timeouts())
        .await
        .unwrap()
}

fn message(i: usize) -> Vec<u8> {
    format!(
        "From: Sender {i} <s{i}@example.org>\r\nTo: you@quietpost.test\r\nSubject: Message {i}\r\n\
         Date: Mon, 2 Nov 2026 10:00:{:02} +0000\r\nMessage-ID: <m{i}@example.org>\r\n\r\n\
         Body of message {i}, word{i}.\r\n",
        i % 60
    )
    .into_bytes()
}

async fn seed(user: &str, folder: &str, range: std::ops::Range<usize>) {
    let mut m = other(user).await;
    for i in range {
        m.append(folder, "()", &message(i)).await.unwrap();
    }
    m.logout().await;
}

async fn run(
    user: &str,
    port: u16,
    cache: &mut Cache,
    options: &SyncOptions,
) -> Result<Report, sync::Error> {
    let account = account(user, port);
    let mut mail = sync::connect(&account, &password(user), timeouts()).await?;
    let report = sync::sync_account(&mut mail, cache, &account, options, &mut |_| {}).await;
    mail.logout().await;
    report
}

fn listed(cache: &Cache, folder: &str) -> Vec<MessageRow> {
    cache
        .list(&ListQuery {
            folder: Some(folder.into()),
            limit: 100_000,
            ..ListQuery::default()
        })
        .unwrap()
}

fn subjects(rows: &[MessageRow]) -> Vec<String> {
    rows.iter().map(|r| r.summary.subject.clone()).collect()
}

fn folder_report<'a>(r: &'a Report, name: &str) -> &'a sync::FolderReport {
    r.folders.iter().find(|f| f.folder == name).unwrap()
}

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
    let old: Vec<i64> = listed(&cache, "Projects").iter().map(|r| r.id).collect();
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
}

/// Forwards TCP to Dovecot and cuts every connection once `limit` bytes came from the server:
/// the server going away mid-sync.
async fn cutting_proxy(limit: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut server = TcpStream::connect(("127.0.0.1", IMAPS)).await.unwrap();
                let (mut cr, mut cw) = client.split();
                let (mut sr, mut sw) = server.split();
                let up = tokio::io::copy(&mut cr, &mut sw);
                let down = async {
                    let mut sent = 0;
                    let mut buf = vec![0u8; 4096];
                    loop {
                        let n = sr.read(&mut buf).await.unwrap_or(0);
                        if n == 0 || sent + n > limit {
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
    let port = cutting_proxy(40_000).await;
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
    assert_eq!(rows.len(), 200);
    let mut ids: Vec<_> = rows
        .iter()
        .filter_map(|r| r.summary.message_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "no duplicates");
    assert!(rows.iter().all(|r| r.has_body));
    assert_eq!(cache.search("word150", None, 10).unwrap().len(), 1);
}
