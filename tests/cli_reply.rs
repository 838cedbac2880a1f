//! `quietpost reply --dry-run`: a reply goes only where the reader was shown, says so, and has
//! no recipient at all when the sender cannot be told (the message is in the cache; nothing
//! is sent, no server is needed).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/cli.rs"]
mod cli;

use cli::quietpost;
use quietpost_store::cache::{Cache, FolderInfo, Indexing, Role};
use quietpost_store::config::{Account, Config, Security, Server};
use quietpost_store::paths::Paths;
use std::path::PathBuf;

/// A profile with one account (its servers are never contacted) and `messages` cached in its
/// Inbox, bodies included; returns the profile and the messages' ids in order.
fn profile(name: &str, messages: &[&str]) -> (PathBuf, Vec<i64>) {
    let dir = std::env::temp_dir().join(format!("qp-cli-reply-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let paths = Paths::profile(&dir);
    let server = Server {
        host: "127.0.0.1".into(),
        port: 9,
        security: Security::ImplicitTls,
        ca_file: None,
        pin_sha256: None,
        pin_key_sha256: None,
    };
    Config {
        accounts: vec![Account::new(
            "me",
            "alice@example.org",
            "alice",
            server.clone(),
            server,
        )],
    }
    .save(&paths)
    .unwrap();
    let mut cache = Cache::open(&paths).unwrap();
    cache
        .set_folders(
            "me",
            &[FolderInfo {
                name: "INBOX".into(),
                delimiter: Some("/".into()),
                role: Some(Role::Inbox),
                selectable: true,
            }],
        )
        .unwrap();
    let inbox = cache.folder("me", "INBOX").unwrap().unwrap();
    cache.begin_folder(inbox.id, 1).unwrap();
    let mut summaries = Vec::new();
    let mut bodies = Vec::new();
    for (i, raw) in messages.iter().enumerate() {
        let uid = i as u32 + 1;
        let mut s = quietpost_core::sync::summary_of(&quietpost_render::summary(
            raw.as_bytes(),
            &Default::default(),
        ));
        s.uid = uid;
        s.received = Some(1_800_000_000 - i as i64);
        summaries.push(s);
        bodies.push((uid, raw.as_bytes().to_vec(), String::new(), false));
    }
    cache
        .store_summaries(inbox.id, &summaries, Indexing::Now)
        .unwrap();
    cache.store_bodies(inbox.id, &bodies).unwrap();
    let rows = cache
        .list(&quietpost_store::cache::ListQuery {
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    let ids = (1..=messages.len() as u32)
        .map(|uid| rows.iter().find(|r| r.summary.uid == uid).unwrap().id.0)
        .collect();
    (dir, ids)
}

const TAIL: &str = "To: Alice <alice@example.org>, Eve <eve@attacker.example>\r\nCc: carol@example.net\r\nSubject: Wire\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\nMessage-ID: <m@example.net>\r\n\r\nPlease wire the money.\r\n";

/// The recipients' header lines of a dry run's message.
fn header(out: &str, name: &str) -> Option<String> {
    out.lines()
        .take_while(|l| !l.is_empty())
        .find(|l| l.starts_with(&format!("{name}: ")))
        .map(str::to_owned)
}

#[test]
fn a_reply_goes_only_where_the_reader_was_shown() {
    let messages = [
        format!("From: Bob <bob@example.net>\r\n{TAIL}"),
        format!("From: Bob <bob@example.net>\r\nReply-To: desk@helpdesk.example\r\n{TAIL}"),
        format!("From: mallory@attacker.example: <ceo@bank.example>;\r\n{TAIL}"),
        format!("From: ceo@bank.example\r\nFrom: mallory@attacker.example\r\n{TAIL}"),
        format!(
            "From: ceo@bank.example\r\nReply-To: a@bank.example\r\nReply-To: b@attacker.example\r\n{TAIL}"
        ),
    ];
    let refs: Vec<&str> = messages.iter().map(String::as_str).collect();
    let (dir, ids) = profile("rules", &refs);
    let run = |id: i64, extra: &[&str]| {
        let id = id.to_string();
        let mut args = vec!["reply", id.as_str(), "--dry-run"];
        args.extend(extra);
        quietpost(&dir, &args)
    };

    // An ordinary sender: to them, nothing to say.
    let out = run(ids[0], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        header(&stdout, "To").as_deref(),
        Some("To: Bob <bob@example.net>")
    );
    assert!(header(&stdout, "Cc").is_none());

    // Reply-all adds To and Cc but you, and says whom it adds.
    let out = run(ids[0], &["--all"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let cc = header(&stdout, "Cc").expect("Cc");
    assert!(cc.contains("eve@attacker.example") && cc.contains("carol@example.net"));
    assert!(!cc.contains("alice@example.org"));
    assert!(
        stderr.contains("Reply-all adds in Cc") && stderr.contains("eve@attacker.example"),
        "{stderr}"
    );

    // A Reply-To elsewhere: there, and said before anything else.
    let out = run(ids[1], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        header(&stdout, "To").as_deref(),
        Some("To: desk@helpdesk.example")
    );
    assert!(
        stderr.contains("Reply-To") && stderr.contains("desk@helpdesk.example"),
        "{stderr}"
    );

    // No usable sender (an address as a group's name; two From fields; two Reply-To fields):
    // no recipient at all — never the original's To list — and why.
    for id in [ids[2], ids[3], ids[4]] {
        let out = run(id, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "message {id} was answered: {stderr}");
        assert!(stderr.contains("no recipient"), "{stderr}");
        assert!(
            out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        // The person can still answer, to an address they name.
        let out = run(id, &["--to", "ceo@bank.example"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            header(&stdout, "To").as_deref(),
            Some("To: ceo@bank.example")
        );
        assert!(!stdout.contains("eve@attacker.example"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
