//! `quietpost sync|list|read|search` end to end: the real binary against the real Dovecot of
//! the testbed. Each test has its own mailbox (users sync7..sync9).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/cli.rs"]
mod cli;
#[path = "support/testbed.rs"]
mod testbed;

use cli::{ok, quietpost};
use quietpost_store::cache::Cache;
use quietpost_store::paths::Paths;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn profile(name: &str, user: &str) -> PathBuf {
    cli::profile(&format!("sync-{name}"), user, "localhost:10465", false)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Appends messages as another client would, and returns what the server then serves, by
/// UID (the raw bytes `read` must render exactly as `inspect` does). Messages the server
/// refuses (NUL bytes, say) are left out.
fn append_all(user: &str, messages: &[Vec<u8>]) -> std::collections::HashMap<u32, Vec<u8>> {
    rt().block_on(async {
        let mut m = testbed::connect(user).await;
        let mut refused = 0;
        for raw in messages {
            if m.append("INBOX", "()", raw).await.is_err() {
                refused += 1;
            }
        }
        eprintln!(
            "{refused} of {} messages refused by the server",
            messages.len()
        );
        m.select("INBOX", None).await.unwrap();
        let mut served = std::collections::HashMap::new();
        m.bodies(&["1:*".to_owned()], |uid, raw| {
            served.insert(uid, raw);
            Ok(())
        })
        .await
        .unwrap();
        m.logout().await;
        served
    })
}

fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/render/tests/corpus");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "eml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// `read --json` output without its `ledger` field (every remote reference blocked: nothing
/// was loaded).
fn without_ledger(read: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(read).unwrap();
    let ledger = v
        .as_object_mut()
        .unwrap()
        .remove("ledger")
        .expect("a ledger");
    assert_eq!(
        ledger.as_array().unwrap().len(),
        v["remote_content"].as_array().unwrap().len()
    );
    assert!(
        ledger
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["state"] == "blocked")
    );
    v
}

/// The message-level warning codes about who sent a message.
const SENDER_CODES: &[&str] = &[
    "multiple-from",
    "ambiguous-address",
    "sender-differs",
    "reply-to-differs",
    "multiple-reply-to",
    "invalid-address",
];

fn json(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap()
}

#[test]
#[ignore]
fn real_server_read_prints_what_inspect_prints() {
    let user = "sync7";
    let messages = corpus();
    assert!(messages.len() > 200);
    let served = append_all(user, &messages);
    let dir = profile("read", user);
    ok(quietpost(&dir, &["sync", "--bodies", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&ok(quietpost(
        &dir,
        &["list", "--folder", "INBOX", "--limit", "100000", "--json"],
    )))
    .unwrap();
    let rows = list.as_array().unwrap();
    assert!(served.len() > 200);
    assert_eq!(rows.len(), served.len());
    let scratch = dir.join("raw.eml");
    for row in rows {
        let id = row["id"].as_i64().unwrap().to_string();
        let uid = row["uid"].as_u64().unwrap() as u32;
        let read = ok(quietpost(&dir, &["read", &id, "--json"]));
        std::fs::write(&scratch, &served[&uid]).unwrap();
        let inspected = ok(quietpost(
            &dir,
            &["inspect", scratch.to_str().unwrap(), "--json"],
        ));
        assert_eq!(without_ledger(&read), json(inspected), "message uid {uid}");
        // The list (made from the header the server served for it) names the senders the
        // reader names, and marks the row exactly when the reader warns about the sender.
        let reader = json(read);
        assert_eq!(row["sender"]["candidates"], reader["from"], "uid {uid}");
        let addresses_warn = ["from", "sender", "reply_to"].iter().any(|f| {
            reader[f]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| !a["warnings"].as_array().unwrap().is_empty())
        });
        let message_warns = reader["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| SENDER_CODES.contains(&w["code"].as_str().unwrap()));
        assert_eq!(
            row["sender"]["warning"],
            addresses_warn || message_warns,
            "uid {uid}: {}",
            row["sender"]
        );
    }
    // A body not yet downloaded is fetched on demand, and reading does not mark it read.
    let fresh = profile("read-on-demand", user);
    ok(quietpost(&fresh, &["sync"]));
    let first: serde_json::Value =
        serde_json::from_str(&ok(quietpost(&fresh, &["list", "--limit", "1", "--json"]))).unwrap();
    let id = first[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(first[0]["downloaded"], false);
    let uid = first[0]["uid"].as_u64().unwrap() as u32;
    std::fs::write(&scratch, &served[&uid]).unwrap();
    assert_eq!(
        without_ledger(&ok(quietpost(&fresh, &["read", &id, "--json"]))),
        json(ok(quietpost(
            &dir,
            &["inspect", scratch.to_str().unwrap(), "--json"]
        )))
    );
    let again: serde_json::Value =
        serde_json::from_str(&ok(quietpost(&fresh, &["list", "--limit", "1", "--json"]))).unwrap();
    assert_eq!(again[0]["downloaded"], true);
    assert_eq!(again[0]["flags"]["seen"], false);
    // Search reaches subjects and downloaded bodies; FTS syntax is just words.
    let found = ok(quietpost(&dir, &["search", "--json", "NEAR(\"", "AND"]));
    assert_eq!(found.trim(), "[]");
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(fresh);
}

#[test]
#[ignore]
fn real_server_killed_mid_sync_then_consistent() {
    let user = "sync8";
    let messages: Vec<Vec<u8>> = (0..3000)
        .map(|i| {
            format!(
                "From: Sender <s{i}@example.org>\r\nSubject: Bulk {i}\r\nMessage-ID: <bulk{i}@example.org>\r\n\r\n{}\r\n",
                format!("line {i} of a longer body\r\n").repeat(40)
            )
            .into_bytes()
        })
        .collect();
    append_all(user, &messages);
    let dir = profile("kill", user);
    let paths = Paths::profile(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_quietpost"))
        .arg("--profile")
        .arg(&dir)
        .args(["sync", "--bodies"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL) once it has stored some messages, mid-sync.
    let started = Instant::now();
    loop {
        let stored = Cache::exists(&paths)
            && Cache::open(&paths)
                .and_then(|c| {
                    c.list(&quietpost_store::cache::ListQuery {
                        limit: 1,
                        ..Default::default()
                    })
                })
                .is_ok_and(|rows| !rows.is_empty());
        if stored || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the sync was still running when killed");
    Cache::open(&paths).unwrap().check().unwrap();

    ok(quietpost(&dir, &["sync", "--bodies"]));
    let cache = Cache::open(&paths).unwrap();
    cache.check().unwrap();
    let rows = cache
        .list(&quietpost_store::cache::ListQuery {
            folder: Some("INBOX".into()),
            limit: 100_000,
            ..Default::default()
        })
        .unwrap();
    testbed::assert_complete(&rows, 3000);
    let _ = std::fs::remove_dir_all(dir);
}

/// An account that cannot connect (it requires a proxy, and has none: it fails closed) does
/// not keep the next one from syncing: each gets its own entry in the summary, and the run
/// fails.
#[test]
#[ignore]
fn real_server_an_account_that_cannot_connect_does_not_stop_the_next() {
    let dir = std::env::temp_dir().join(format!("qp-cli-sync-two-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // Both log in as sync9 (`account add` checks the login).
    for name in ["guarded", "sync9"] {
        cli::add_account(&dir, name, "sync9", "localhost:10465", &[]);
    }
    ok(quietpost(
        &dir,
        &["account", "set", "guarded", "--require-proxy", "on"],
    ));

    let out = quietpost(&dir, &["sync", "--json"]);
    assert!(!out.status.success(), "one account failed");
    let summary = json(String::from_utf8(out.stdout).unwrap());
    let accounts: Vec<(&str, bool)> = summary
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["account"].as_str().unwrap(), s["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(accounts, [("guarded", false), ("sync9", true)]);
    assert!(
        summary[0]["error"].as_str().unwrap().contains("proxy"),
        "{summary}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
