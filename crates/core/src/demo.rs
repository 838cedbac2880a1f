//! The demo mailbox: messages that ship with the app, imported into a cache of their own so
//! the window (and the CLI with `--demo`) can show them with no account, no network and no
//! keychain. The demo account has servers that cannot exist (`.invalid`) and is never synced.

use crate::sync::summarize;
use quietpost_net::imap::mailbox::Fetched;
use quietpost_render::{Limits, Options};
use quietpost_store::cache::{Cache, FolderInfo, Indexing, Role};
use quietpost_store::config::{Account, RemoteContent, Security, Server};
use std::path::{Path, PathBuf};

/// The demo account's name.
pub const ACCOUNT: &str = "Demo";

/// The only authserv-id the demo account believes: the demo provider's receiving server.
pub const AUTHSERV_ID: &str = "mx.demo.quietpost.example";

/// How many of the newest messages are unread.
const UNREAD: usize = 8;

/// The demo account: Robin Reader, whose provider's results are believed, with images
/// allowed on request but no proxy — so the window shows why nothing can load.
pub fn account() -> Account {
    let server = |port| Server {
        host: "demo.invalid".to_owned(),
        port,
        security: Security::ImplicitTls,
        ca_file: None,
        pin_sha256: None,
        pin_key_sha256: None,
    };
    let mut account = Account::new(
        ACCOUNT,
        "robin@example.org",
        "robin",
        server(993),
        server(465),
    );
    account.remote_content = RemoteContent::OnRequest;
    account.trusted_authserv_ids = vec![AUTHSERV_ID.to_owned()];
    account
}

/// Builds a fresh demo mailbox from `messages` in the profile's cache directory and returns its
/// file. Each launch starts from the same mailbox: what the person did in the last demo is gone.
pub fn prepare(
    paths: &quietpost_store::paths::Paths,
    messages: &[(&str, &[u8])],
) -> Result<PathBuf, quietpost_store::Error> {
    quietpost_store::paths::private_dir(&paths.cache)?;
    let path = paths.cache.join("demo.sqlite3");
    build(&path, messages)?;
    Ok(path)
}

/// The demo has no server: what the person did is settled in the cache as a server would do it
/// (a moved message stored in its new folder, a deleted one gone), once the time to undo it
/// is over — as a connected account's next sync would. Returns how many actions were settled.
pub fn settle(path: &Path) -> Result<usize, quietpost_store::Error> {
    Cache::open_file(path)?.settle_locally(ACCOUNT)
}

/// The demo has no server: a draft saved in the window is filed in the demo's Drafts folder
/// as a server would store it (the next UID, \Draft and \Seen), so it can be opened again.
pub fn file_draft(path: &Path, raw: &[u8]) -> Result<(), quietpost_store::Error> {
    let mut cache = Cache::open_file(path)?;
    let drafts = cache
        .folders(ACCOUNT)?
        .into_iter()
        .find(|f| f.info.role == Some(Role::Drafts))
        .ok_or_else(|| quietpost_store::Error::Cache {
            path: path.to_owned(),
            detail: "the demo has no Drafts folder".to_owned(),
        })?;
    let uid = drafts.uidnext.unwrap_or(1);
    let (text, attachments) = quietpost_render::search_text(raw, &Limits::default());
    let mut summary = summarize(&Fetched {
        uid,
        flags: vec!["\\Draft".to_owned(), "\\Seen".to_owned()],
        modseq: None,
        received: Some(crate::time::now()),
        size: raw.len() as u64,
        header: raw.to_vec(),
    });
    summary.attachments = attachments;
    cache.store_summaries(drafts.id, &[summary], Indexing::WithBody)?;
    cache.store_bodies(drafts.id, &[(uid, raw.to_vec(), text, attachments)])?;
    cache.set_folder_state(drafts.id, Some(uid + 1), None)
}

/// Writes a fresh demo cache at `path` (any previous one is replaced) from `messages` (file
/// name, raw bytes): every message in the Inbox, newest first by its Date, the newest few
/// unread, the welcome message flagged; empty Sent, Drafts, Archive, Trash and Junk so moving
/// works as it does in a real account.
pub fn build(path: &Path, messages: &[(&str, &[u8])]) -> Result<Cache, quietpost_store::Error> {
    for suffix in ["", "-wal", "-shm", "-bodies"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let removed = if suffix == "-bodies" {
            std::fs::remove_dir_all(&file)
        } else {
            std::fs::remove_file(&file)
        };
        match removed {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(quietpost_store::Error::Io {
                    path: file.into(),
                    source,
                });
            }
        }
    }
    let mut cache = Cache::open_file(path)?;
    let folder = |name: &str, role| FolderInfo {
        name: name.to_owned(),
        delimiter: Some("/".to_owned()),
        role: Some(role),
        selectable: true,
    };
    cache.set_folders(
        ACCOUNT,
        &[
            folder("INBOX", Role::Inbox),
            folder("Drafts", Role::Drafts),
            folder("Sent", Role::Sent),
            folder("Archive", Role::Archive),
            folder("Junk", Role::Junk),
            folder("Trash", Role::Trash),
        ],
    )?;
    for f in cache.folders(ACCOUNT)? {
        cache.begin_folder(f.id, 1)?;
        cache.set_folder_state(f.id, Some(1), None)?;
    }
    let inbox = cache
        .folder(ACCOUNT, "INBOX")?
        .ok_or_else(|| quietpost_store::Error::Cache {
            path: path.to_owned(),
            detail: "the demo Inbox was not created".to_owned(),
        })?;

    let options = Options::default();
    let mut dated: Vec<(i64, &str, &[u8])> = messages
        .iter()
        .map(|(name, raw)| {
            let date = quietpost_render::summary(raw, &options)
                .date
                .as_deref()
                .and_then(crate::time::parse_rfc3339)
                .unwrap_or(0);
            (date, *name, *raw)
        })
        .collect();
    // Oldest first, so UIDs grow with time as on a server.
    dated.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    let newest_unread = dated.len().saturating_sub(UNREAD);
    let mut summaries = Vec::with_capacity(dated.len());
    let mut bodies = Vec::with_capacity(dated.len());
    for (i, (date, name, raw)) in dated.into_iter().enumerate() {
        let uid = i as u32 + 1;
        let mut flags = Vec::new();
        if i < newest_unread && !name.starts_with("welcome") {
            flags.push("\\Seen".to_owned());
        }
        if name.starts_with("welcome") {
            flags.push("\\Flagged".to_owned());
        }
        let (text, attachments) = quietpost_render::search_text(raw, &Limits::default());
        let mut summary = summarize(&Fetched {
            uid,
            flags,
            modseq: None,
            received: Some(date),
            size: raw.len() as u64,
            header: raw.to_vec(),
        });
        summary.attachments = attachments;
        summaries.push(summary);
        bodies.push((uid, raw.to_vec(), text, attachments));
    }
    cache.store_summaries(inbox.id, &summaries, Indexing::WithBody)?;
    cache.store_bodies(inbox.id, &bodies)?;
    cache.set_folder_state(inbox.id, Some(summaries.len() as u32 + 1), None)?;
    Ok(cache)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quietpost_store::cache::ListQuery;

    const A: &[u8] = b"From: A <a@example.org>\r\nTo: robin@example.org\r\nSubject: Older\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nHello.\r\n";
    const B: &[u8] = b"From: B <b@example.org>\r\nTo: robin@example.org\r\nSubject: Newer\r\nDate: Tue, 3 Nov 2026 10:00:00 +0000\r\n\r\nSearchable words here.\r\n";

    #[test]
    fn builds_a_fresh_searchable_inbox_newest_first() {
        let dir = std::env::temp_dir().join(format!("qp-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("demo.sqlite3");
        for _ in 0..2 {
            // Twice: a rebuild replaces the old cache instead of adding to it.
            let cache = build(&path, &[("b.eml", B), ("a.eml", A)]).unwrap();
            let rows = cache
                .list(&ListQuery {
                    account: Some(ACCOUNT.into()),
                    folder: Some("INBOX".into()),
                    limit: 10,
                    ..Default::default()
                })
                .unwrap();
            let subjects: Vec<_> = rows.iter().map(|r| r.summary.subject.as_str()).collect();
            assert_eq!(subjects, ["Newer", "Older"]);
            assert!(rows.iter().all(|r| r.has_body));
            assert_eq!(cache.search("searchable", None, 10).unwrap().len(), 1);
            assert_eq!(cache.folders(ACCOUNT).unwrap().len(), 6);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
