//! What the real-server sync tests share: the testbed's accounts, caches in a temporary
//! directory, seeded mailboxes and one sync pass.
#![allow(dead_code)] // each test file uses some of it

use crate::testbed::account;
use quietpost_core::sync::{self, Report, SyncOptions};
use quietpost_model::Secret;
use quietpost_net::Timeouts;
use quietpost_net::imap::mailbox::Mail;
use quietpost_store::cache::{Cache, ListQuery, MessageRow};
use std::path::PathBuf;
use std::time::Duration;

pub const IMAPS: u16 = 10993;

pub fn password(user: &str) -> Secret {
    Secret::new(format!("{user}-Test-pw"))
}

pub fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        greeting: Duration::from_secs(3),
        command: Duration::from_secs(10),
    }
}

pub struct Temp(pub PathBuf);
impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_cache(name: &str) -> (Temp, Cache) {
    let dir = std::env::temp_dir().join(format!("qp-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = Cache::open_file(&dir.join("mail.sqlite3")).unwrap();
    (Temp(dir), cache)
}

/// Another client of the same mailbox (like a phone).
pub async fn other(user: &str) -> Mail {
    sync::connect(&account(user, IMAPS), &password(user), timeouts())
        .await
        .unwrap()
}

pub fn message(i: usize) -> Vec<u8> {
    format!(
        "From: Sender {i} <s{i}@example.org>\r\nTo: you@quietpost.test\r\nSubject: Message {i}\r\n\
         Date: Mon, 2 Nov 2026 10:00:{:02} +0000\r\nMessage-ID: <m{i}@example.org>\r\n\r\n\
         Body of message {i}, word{i}.\r\n",
        i % 60
    )
    .into_bytes()
}

pub async fn seed(user: &str, folder: &str, range: std::ops::Range<usize>) {
    let mut m = other(user).await;
    for i in range {
        m.append(folder, "()", &message(i)).await.unwrap();
    }
    m.logout().await;
}

pub async fn run(
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

pub fn listed(cache: &Cache, folder: &str) -> Vec<MessageRow> {
    cache
        .list(&ListQuery {
            folder: Some(folder.into()),
            limit: 100_000,
            ..ListQuery::default()
        })
        .unwrap()
}

pub fn subjects(rows: &[MessageRow]) -> Vec<String> {
    rows.iter().map(|r| r.summary.subject.clone()).collect()
}

pub fn folder_report<'a>(r: &'a Report, name: &str) -> &'a sync::FolderReport {
    r.folders.iter().find(|f| f.folder == name).unwrap()
}
