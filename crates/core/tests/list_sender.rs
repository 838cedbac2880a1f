//! The message list and the reader never name different senders: for every message of the
//! render corpus, the list's summary — made from the header alone, as IMAP serves it for the
//! list (`BODY.PEEK[HEADER]`), stored in the cache and read back — names the same senders
//! with the same warnings as the reader's analysis of the whole message, and carries a
//! warning marker exactly when the reader shows a warning about the sender.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use quietpost_core::sync::summarize;
use quietpost_net::imap::mailbox::Fetched;
use quietpost_render::{Options, render};
use quietpost_store::cache::{Cache, FolderInfo, Indexing, ListQuery, Role};
use std::path::Path;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../render/tests/corpus");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "eml") {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The header as an IMAP server serves `BODY[HEADER]`: up to and including the first empty
/// line (the whole message when there is none).
fn header_of(raw: &[u8]) -> Vec<u8> {
    let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = raw.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    let end = match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(raw.len()),
    };
    raw[..end].to_vec()
}

#[test]
fn the_list_names_the_senders_the_reader_names() {
    let dir = std::env::temp_dir().join(format!("qp-list-sender-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cache = Cache::open_file(&dir.join("mail.sqlite3")).unwrap();
    cache
        .set_folders(
            "a",
            &[FolderInfo {
                name: "INBOX".into(),
                delimiter: Some("/".into()),
                role: Some(Role::Inbox),
                selectable: true,
            }],
        )
        .unwrap();
    let folder = cache.folder("a", "INBOX").unwrap().unwrap();
    let messages = corpus();
    assert!(messages.len() > 200);
    let summaries: Vec<_> = messages
        .iter()
        .enumerate()
        .map(|(i, (_, raw))| {
            summarize(&Fetched {
                uid: i as u32 + 1,
                flags: Vec::new(),
                modseq: None,
                received: Some(i as i64),
                size: raw.len() as u64,
                header: header_of(raw),
            })
        })
        .collect();
    cache
        .store_summaries(folder.id, &summaries, Indexing::Now)
        .unwrap();
    let rows = cache
        .list(&ListQuery {
            limit: 100_000,
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(rows.len(), messages.len());
    let mut marked = 0;
    let mut failures = Vec::new();
    for row in rows {
        let (name, raw) = &messages[row.summary.uid as usize - 1];
        let reader = render(raw, &Options::default()).sender_summary();
        let listed = row.summary.sender.expect("every row analysed");
        if listed != reader {
            failures.push(format!("{name}:\n  list   {listed:?}\n  reader {reader:?}"));
        }
        // The marker: exactly when the reader shows a sender warning.
        let reader_warns = {
            let m = render(raw, &Options::default());
            m.from
                .iter()
                .chain(&m.sender)
                .chain(&m.reply_to)
                .any(|a| !a.warnings.is_empty())
                || m.warnings.iter().any(|w| w.code.is_about_sender())
        };
        assert_eq!(listed.is_suspicious(), reader_warns, "{name}");
        marked += usize::from(reader_warns);
        // The row always shows a real address (or says there is none), never a name alone.
        let shown = listed.list_sender();
        if let Some(first) = listed.from.first().and_then(|a| a.address.as_ref()) {
            let domain = first.as_str().rsplit_once('@').map_or("", |(_, d)| d);
            assert!(shown.address.contains(domain), "{name}: {shown:?}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        marked > 30,
        "the corpus is full of suspicious senders ({marked})"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
