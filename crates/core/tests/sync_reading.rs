//! The list stays readable while a sync downloads every body: against the testbed's real
//! Dovecot (`scripts/testbed`, started by `scripts/test`), as `sync_real.rs`.
//! `#[ignore]`d so a bare `cargo test` does not need the testbed; `.ci/run` counts them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

mod sync_support;
#[path = "../../../tests/support/testbed.rs"]
mod testbed;

use quietpost_core::sync::SyncOptions;
use quietpost_store::cache::{Cache, ListQuery};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use sync_support::*;

/// Message `i` with a body of about 64 KB of text (a long newsletter, a pasted report).
fn long_message(i: usize) -> Vec<u8> {
    let line = format!("Paragraph of message {i}: the quarterly figures and the minutes.\r\n");
    format!(
        "From: Sender {i} <s{i}@example.org>\r\nTo: you@quietpost.test\r\nSubject: Long {i}\r\n\
         Date: Mon, 2 Nov 2026 10:00:{:02} +0000\r\nMessage-ID: <long{i}@example.org>\r\n\r\n{}",
        i % 60,
        line.repeat(64 * 1024 / line.len())
    )
    .into_bytes()
}

/// What another reader of the cache (the window, or a second command) sees while a sync
/// downloads 38 MB of bodies: every read succeeds — none waits for the download to end or
/// fails busy — and the reads see the bodies arrive, a commit at a time.
#[tokio::test]
#[ignore]
async fn real_server_the_list_reads_while_bodies_arrive() {
    const MESSAGES: usize = 600;
    let user = "sync33";
    let mut seeding = other(user).await;
    for i in 0..MESSAGES {
        seeding
            .append("INBOX", "()", &long_message(i))
            .await
            .unwrap();
    }
    seeding.logout().await;
    let (t, mut cache) = temp_cache("reading");
    // The list first, as the window's first pass makes it.
    let headers = SyncOptions {
        timeouts: timeouts(),
        ..SyncOptions::default()
    };
    run(user, IMAPS, &mut cache, &headers).await.unwrap();
    assert_eq!(listed(&cache, "INBOX").len(), MESSAGES);

    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let done = done.clone();
        let path = t.0.join("mail.sqlite3");
        tokio::task::spawn_blocking(move || {
            // Its own connection, as another process would have.
            let reader = Cache::open_file(&path).unwrap();
            let mut seen = Vec::new();
            let mut slowest = Duration::ZERO;
            while !done.load(Ordering::SeqCst) {
                let started = Instant::now();
                let page = reader
                    .list(&ListQuery {
                        folder: Some("INBOX".into()),
                        limit: 50,
                        ..ListQuery::default()
                    })
                    .expect("the list reads while bodies are written");
                assert_eq!(page.len(), 50);
                let all = listed(&reader, "INBOX");
                slowest = slowest.max(started.elapsed());
                seen.push(all.iter().filter(|r| r.has_body).count());
                std::thread::sleep(Duration::from_millis(2));
            }
            (seen, slowest)
        })
    };
    let bodies = SyncOptions {
        bodies: true,
        timeouts: timeouts(),
        ..SyncOptions::default()
    };
    let report = run(user, IMAPS, &mut cache, &bodies).await;
    done.store(true, Ordering::SeqCst);
    let (seen, slowest) = reader.await.unwrap();
    assert_eq!(folder_report(&report.unwrap(), "INBOX").bodies, MESSAGES);
    let between: Vec<usize> = seen
        .iter()
        .copied()
        .filter(|&n| n > 0 && n < MESSAGES)
        .collect();
    println!(
        "{} reads during the download, the slowest {slowest:?}; bodies seen: {:?}",
        seen.len(),
        {
            let mut counts = between.clone();
            counts.dedup();
            counts
        }
    );
    assert!(
        !between.is_empty(),
        "the reads saw the bodies arrive, not only before and after: {seen:?}"
    );
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "bodies once seen stay: {seen:?}"
    );
    cache.check().unwrap();
}
