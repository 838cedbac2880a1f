//! The local mail cache: one SQLite database (WAL mode, versioned migrations) holding folders
//! and their sync state, message summaries and flags, raw bodies, the action journal and a
//! full-text index.
//!
//! Every change is one transaction, so a process killed at any instant leaves a consistent
//! cache: a folder's sync state (UIDNEXT, HIGHESTMODSEQ) is only ever written together with, or
//! after, the messages it vouches for. The file is 0600 in a 0700 directory; SQLite gives its
//! `-wal` and `-shm` files the database file's mode.
//!
//! Tuning (measured with `scripts/bench-sync`): 16 KB pages (bodies average tens of KB; 4 KB
//! pages cost 12% more time, 64 KB pages waste space and time), a 64 MB page cache so a batch
//! of bodies never spills mid-transaction, statement journals in memory, and a checkpoint every
//! 32 MB of WAL rather than every 4 MB (pages rewritten in between are copied once).

mod composing;
mod files;
mod journal;
mod ledger;
mod messages;
mod outbox;

pub use files::FILE_BODY_BYTES;
pub use journal::Pending;
pub use ledger::LedgerRow;
pub use messages::Indexing;
pub use outbox::SendLock;
pub use quietpost_model::{
    Action, Flags, ListQuery, MessageRow, OutboxState, Outgoing, Role, Summary,
};

use crate::error::{Error, Result};
use crate::paths::{Paths, private_dir};
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};

/// A folder as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderInfo {
    /// The server's name for it (as sent; modified UTF-7 is not decoded).
    pub name: String,
    pub delimiter: Option<String>,
    pub role: Option<Role>,
    pub selectable: bool,
}

/// A folder with its sync state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub id: i64,
    pub account: String,
    pub info: FolderInfo,
    pub uidvalidity: Option<u32>,
    /// Set only once every message below it is in the cache.
    pub uidnext: Option<u32>,
    pub highestmodseq: Option<u64>,
}

const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE folder (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        delimiter TEXT,
        role TEXT,
        selectable INTEGER NOT NULL,
        uidvalidity INTEGER,
        uidnext INTEGER,
        highestmodseq INTEGER,
        UNIQUE (account, name)
    );
    CREATE TABLE message (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        folder INTEGER NOT NULL REFERENCES folder(id) ON DELETE CASCADE,
        uid INTEGER NOT NULL,
        modseq INTEGER,
        flags INTEGER NOT NULL,
        received INTEGER,
        date TEXT,
        subject TEXT NOT NULL,
        from_name TEXT NOT NULL,
        from_address TEXT NOT NULL,
        recipients TEXT NOT NULL,
        message_id TEXT,
        size INTEGER NOT NULL,
        attachments INTEGER NOT NULL,
        hidden INTEGER NOT NULL DEFAULT 0,
        -- In the search index: 0 not yet, 1 subject and addresses, 2 with the body text.
        indexed INTEGER NOT NULL DEFAULT 0,
        UNIQUE (folder, uid)
    );
    CREATE INDEX message_newest ON message (folder, received DESC, uid DESC);
    CREATE INDEX message_received ON message (received DESC, id DESC);
    CREATE TABLE body (
        message INTEGER PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE,
        raw BLOB NOT NULL
    );
    CREATE VIRTUAL TABLE search_index USING fts5 (
        subject, addresses, body,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER message_gone AFTER DELETE ON message BEGIN
        DELETE FROM search_index WHERE rowid = old.id;
    END;
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        folder TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        uid INTEGER NOT NULL,
        message INTEGER,
        kind TEXT NOT NULL,
        target TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );",
    // 2: the outbox (see `outbox.rs`).
    "CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        message_id TEXT NOT NULL,
        raw BLOB NOT NULL,
        envelope_from TEXT NOT NULL,
        recipients TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt INTEGER
    );",
    // 3: the network ledger (see `ledger.rs`).
    "CREATE TABLE ledger (
        message INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        via TEXT,
        at INTEGER,
        detail TEXT NOT NULL,
        PRIMARY KEY (message, url, kind)
    );",
    // 4: who sent it, as the reader's analysis names them (JSON of `SenderSummary`). Rows
    // from before stay NULL until the next sync reads their header again (the index finds
    // them without a scan).
    "ALTER TABLE message ADD COLUMN sender TEXT;
    CREATE INDEX message_unanalysed ON message (folder) WHERE sender IS NULL;",
    // 5: what the window's composer holds (see `composing.rs`), and what the person has seen
    // of what their messages reveal.
    "CREATE TABLE composing (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        state TEXT NOT NULL,
        updated INTEGER NOT NULL
    );
    CREATE TABLE composing_file (
        composing INTEGER NOT NULL REFERENCES composing(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (composing, position)
    );
    CREATE TABLE reveal_seen (
        account TEXT NOT NULL,
        kind TEXT NOT NULL,
        PRIMARY KEY (account, kind)
    );",
    // 6: large bodies as files (see `files.rs`): a row gives the file's length and keeps no
    // bytes; a deleted row leaves a note that its file is to be deleted.
    "ALTER TABLE body ADD COLUMN file_size INTEGER;
    CREATE TABLE body_gone (message INTEGER PRIMARY KEY);
    CREATE TRIGGER body_file_gone AFTER DELETE ON body WHEN old.file_size IS NOT NULL BEGIN
        INSERT OR IGNORE INTO body_gone (message) VALUES (old.message);
    END;",
    // 7: a body kept in its row may be zstd-compressed; `zstd_size` is then the length it
    // decompresses to (NULL: the row holds the bytes as they are).
    "ALTER TABLE body ADD COLUMN zstd_size INTEGER;",
];

/// The cache database of one profile.
pub struct Cache {
    conn: Connection,
    path: PathBuf,
    /// Where large bodies are kept (`files.rs`).
    bodies: PathBuf,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("path", &self.path).finish()
    }
}

fn db(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |source| Error::Database {
        path: path.to_owned(),
        source,
    }
}

impl Cache {
    /// The profile's cache: `DATA/mail.sqlite3`.
    pub fn open(paths: &Paths) -> Result<Cache> {
        Cache::open_file(&Cache::file(paths))
    }

    pub fn file(paths: &Paths) -> PathBuf {
        paths.data.join("mail.sqlite3")
    }

    /// Whether the profile has a cache yet.
    pub fn exists(paths: &Paths) -> bool {
        Cache::file(paths).exists()
    }

    pub fn open_file(path: &Path) -> Result<Cache> {
        if let Some(dir) = path.parent() {
            private_dir(dir)?;
        }
        // Create the file 0600 before SQLite does, so it never exists with a wider mode.
        {
            let mut options = std::fs::OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(path).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })?;
        }
        let err = db(path);
        let mut conn = Connection::open(path).map_err(&err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(&err)?;
        // Every write transaction takes the write lock when it begins. A deferred one that
        // reads first and then writes fails at once (SQLITE_BUSY, no waiting) if another
        // connection — the engine, the window, a command — wrote in between.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        conn.execute_batch(
            "PRAGMA page_size = 16384;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -65536;
             PRAGMA temp_store = MEMORY;
             PRAGMA wal_autocheckpoint = 8192;",
        )
        .map_err(&err)?;
        let mut cache = Cache {
            conn,
            path: path.to_owned(),
            bodies: files::directory(path),
        };
        cache.migrate()?;
        // Files of messages deleted since the last open (by any connection) go now.
        cache.remove_dropped_bodies()?;
        Ok(cache)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A second connection to the same file (for a writer on another thread).
    pub fn reopen(&self) -> Result<Cache> {
        Cache::open_file(&self.path)
    }

    /// A connection for bulk writes that never checkpoints by itself, so it never waits for
    /// the disk to sync: run `checkpoint` beside it (another connection, another thread).
    pub fn bulk_writer(&self) -> Result<Cache> {
        let cache = self.reopen()?;
        cache
            .conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(cache.err())?;
        Ok(cache)
    }

    /// Copies what the WAL holds into the database without blocking writers (a passive
    /// checkpoint).
    pub fn checkpoint(&self) -> Result<()> {
        let err = self.err();
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(err)
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        db(&self.path)
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(&err)?;
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&err)?;
        if version as usize > MIGRATIONS.len() {
            return Err(Error::Cache {
                path: path.clone(),
                detail: format!(
                    "it was written by a newer Quietpost (schema {version}, this one knows {})",
                    MIGRATIONS.len()
                ),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql).map_err(&err)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    /// Records the account's folder list; folders the server no longer has are dropped with
    /// their messages.
    pub fn set_folders(&mut self, account: &str, folders: &[FolderInfo]) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut upsert = tx
                .prepare(
                    "INSERT INTO folder (account, name, delimiter, role, selectable)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (account, name) DO UPDATE SET
                        delimiter = excluded.delimiter, role = excluded.role,
                        selectable = excluded.selectable
                     WHERE delimiter IS NOT excluded.delimiter OR role IS NOT excluded.role
                        OR selectable IS NOT excluded.selectable",
                )
                .map_err(&err)?;
            for f in folders {
                upsert
                    .execute(params![
                        account,
                        f.name,
                        f.delimiter,
                        f.role.map(Role::as_str),
                        f.selectable
                    ])
                    .map_err(&err)?;
            }
            let names: Vec<&str> = folders.iter().map(|f| f.name.as_str()).collect();
            let known: Vec<(i64, String)> = tx
                .prepare("SELECT id, name FROM folder WHERE account = ?1")
                .map_err(&err)?
                .query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(&err)?
                .collect::<rusqlite::Result<_>>()
                .map_err(&err)?;
            for (id, name) in known {
                if !names.contains(&name.as_str()) {
                    tx.execute("DELETE FROM folder WHERE id = ?1", [id])
                        .map_err(&err)?;
                }
            }
        }
        tx.commit().map_err(&err)
    }

    /// The account's folders: by role (Inbox first), then by name.
    pub fn folders(&self, account: &str) -> Result<Vec<Folder>> {
        let err = self.err();
        let mut rows: Vec<Folder> = self
            .conn
            .prepare(
                "SELECT f.id, f.account, f.name, f.delimiter, f.role, f.selectable, f.uidvalidity,
                        f.uidnext, f.highestmodseq
                 FROM folder f WHERE f.account = ?1",
            )
            .map_err(&err)?
            .query_map([account], |r| {
                Ok(Folder {
                    id: r.get(0)?,
                    account: r.get(1)?,
                    info: FolderInfo {
                        name: r.get(2)?,
                        delimiter: r.get(3)?,
                        role: r
                            .get::<_, Option<String>>(4)?
                            .as_deref()
                            .and_then(Role::parse),
                        selectable: r.get(5)?,
                    },
                    uidvalidity: r.get(6)?,
                    uidnext: r.get(7)?,
                    highestmodseq: r.get::<_, Option<i64>>(8)?.map(|v| v as u64),
                })
            })
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)?;
        rows.sort_by(|a, b| {
            (a.info.role.is_none(), a.info.role, &a.info.name).cmp(&(
                b.info.role.is_none(),
                b.info.role,
                &b.info.name,
            ))
        });
        Ok(rows)
    }

    /// Messages shown in a folder (those on their way there included), and how many of them
    /// are unread.
    pub fn counts(&self, folder: i64) -> Result<(u64, u64)> {
        let err = self.err();
        let count =
            |r: &rusqlite::Row<'_>| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64));
        let (total, unread) = self
            .conn
            .query_row(
                "SELECT count(*), coalesce(sum(flags & 1 = 0), 0) FROM message
                 WHERE folder = ?1 AND hidden = 0 AND flags & 8 = 0",
                [folder],
                count,
            )
            .map_err(&err)?;
        let (arriving, arriving_unread) = self
            .conn
            .query_row(
                "SELECT count(*), coalesce(sum(m.flags & 1 = 0), 0)
                 FROM message m JOIN folder f ON f.id = m.folder
                 WHERE m.id IN (SELECT j.message FROM journal j JOIN folder t
                                ON t.account = j.account AND t.name = j.target
                                WHERE t.id = ?1 AND j.kind = 'move')
                   AND m.flags & 8 = 0 AND m.hidden = 1
                   AND (SELECT j.target FROM journal j WHERE j.message = m.id
                        AND j.kind IN ('move', 'expunge') ORDER BY j.id DESC LIMIT 1)
                       = (SELECT name FROM folder WHERE id = ?1)",
                [folder],
                count,
            )
            .map_err(&err)?;
        Ok((total + arriving, unread + arriving_unread))
    }

    pub fn folder(&self, account: &str, name: &str) -> Result<Option<Folder>> {
        Ok(self
            .folders(account)?
            .into_iter()
            .find(|f| f.info.name == name))
    }

    /// Starts syncing a folder whose UIDVALIDITY is `uidvalidity`. If the cache knew another
    /// one, every cached message of the folder is dropped (their UIDs now mean other
    /// messages), and so are journalled actions that name them. Returns true if it rebuilt.
    pub fn begin_folder(&mut self, folder: i64, uidvalidity: u32) -> Result<bool> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        let (known, account, name): (Option<u32>, String, String) = tx
            .query_row(
                "SELECT uidvalidity, account, name FROM folder WHERE id = ?1",
                [folder],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(&err)?;
        let rebuilt = known.is_some_and(|k| k != uidvalidity);
        if rebuilt {
            tx.execute("DELETE FROM message WHERE folder = ?1", [folder])
                .map_err(&err)?;
            tx.execute(
                "DELETE FROM journal WHERE account = ?1 AND folder = ?2 AND uidvalidity != ?3",
                params![account, name, uidvalidity],
            )
            .map_err(&err)?;
        }
        if known != Some(uidvalidity) {
            tx.execute(
                "UPDATE folder SET uidvalidity = ?2, uidnext = NULL, highestmodseq = NULL
                 WHERE id = ?1",
                params![folder, uidvalidity],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(rebuilt)
    }

    /// Records the folder's sync state once everything it vouches for is stored. (Writes only
    /// what changed: a pass that changed nothing leaves the file untouched, so closing it
    /// costs no checkpoint.)
    pub fn set_folder_state(
        &mut self,
        folder: i64,
        uidnext: Option<u32>,
        highestmodseq: Option<u64>,
    ) -> Result<()> {
        let err = self.err();
        self.conn
            .execute(
                "UPDATE folder SET uidnext = ?2, highestmodseq = ?3
                 WHERE id = ?1 AND (uidnext IS NOT ?2 OR highestmodseq IS NOT ?3)",
                params![folder, uidnext, highestmodseq.map(|v| v as i64)],
            )
            .map_err(err)?;
        Ok(())
    }

    /// Verifies the database file: SQLite's integrity check, foreign keys, and the search
    /// index against its rows.
    pub fn check(&self) -> Result<()> {
        let err = self.err();
        let integrity: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(&err)?;
        let dangling: i64 = self
            .conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(&err)?;
        let unindexed: i64 = self
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM message WHERE indexed > 0)
                      - (SELECT count(*) FROM search_index)",
                [],
                |r| r.get(0),
            )
            .map_err(&err)?;
        if integrity != "ok" || dangling != 0 || unindexed != 0 {
            return Err(Error::Cache {
                path: self.path.clone(),
                detail: format!(
                    "inconsistent: integrity {integrity}, {dangling} dangling rows, {unindexed} messages outside the index"
                ),
            });
        }
        Ok(())
    }

    /// The account's cached data goes (the account was removed).
    pub fn forget_account(&mut self, account: &str) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute("DELETE FROM folder WHERE account = ?1", [account])
            .map_err(&err)?;
        // What waits to be sent, what was being written and what was seen of reveals go with
        // it: nothing of a removed account is sent later or kept.
        for table in ["journal", "outbox", "composing", "reveal_seen"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE account = ?1"),
                [account],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        self.remove_dropped_bodies().map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn temp() -> (PathBuf, Cache) {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "qp-cache-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Cache::open_file(&dir.join("data/mail.sqlite3")).unwrap();
        (dir, cache)
    }

    pub(super) fn summary(uid: u32, subject: &str) -> Summary {
        Summary {
            uid,
            flags: Flags::default(),
            received: Some(1_700_000_000 + i64::from(uid)),
            subject: subject.into(),
            from_name: "Alice".into(),
            from_address: "alice@example.org".into(),
            recipients: "bob@example.org".into(),
            size: 100,
            ..Summary::default()
        }
    }

    pub(super) fn inbox(cache: &mut Cache) -> i64 {
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
        cache.folder("a", "INBOX").unwrap().unwrap().id
    }

    #[test]
    fn writers_on_several_connections_wait_for_each_other() {
        // The window, the engine and commands write the same file at the same time; a write
        // transaction that read first must wait for the lock, not fail.
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        let path = cache.path().to_owned();
        let writers: Vec<_> = (0..4u32)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut c = Cache::open_file(&path).unwrap();
                    for i in 0..40u32 {
                        let uid = t * 1000 + i + 1;
                        c.store_summaries(inbox, &[summary(uid, "x")], Indexing::Now)?;
                        let id = c.list(&ListQuery {
                            limit: 1,
                            ..Default::default()
                        })?[0]
                            .id;
                        // Reads the message, then writes it and the journal.
                        c.record(id, &Action::Flag(Flags::FLAGGED, i % 2 == 0))?;
                    }
                    Ok::<_, Error>(())
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap().unwrap();
        }
        assert_eq!(cache.counts(inbox).unwrap().0, 160);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn private_file_in_wal_mode() {
        let (dir, cache) = temp();
        let mode: String = cache
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o777;
            assert_eq!(meta(&dir.join("data")), 0o700);
            assert_eq!(meta(&dir.join("data/mail.sqlite3")), 0o600);
            assert_eq!(meta(&dir.join("data/mail.sqlite3-wal")), 0o600);
        }
        drop(cache);
        // Reopening runs no migration twice.
        Cache::open_file(&dir.join("data/mail.sqlite3")).unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn uidvalidity_change_rebuilds_and_voids_the_journal() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        assert!(!cache.begin_folder(inbox, 7).unwrap());
        cache
            .store_summaries(inbox, &[summary(1, "old")], Indexing::Now)
            .unwrap();
        cache.set_folder_state(inbox, Some(2), Some(5)).unwrap();
        let id = cache
            .list(&ListQuery {
                limit: 1,
                ..Default::default()
            })
            .unwrap()[0]
            .id;
        cache.record(id, &Action::Flag(Flags::SEEN, true)).unwrap();
        assert!(!cache.begin_folder(inbox, 7).unwrap());
        assert_eq!(
            cache.folder("a", "INBOX").unwrap().unwrap().uidnext,
            Some(2)
        );
        assert!(cache.begin_folder(inbox, 8).unwrap());
        let f = cache.folder("a", "INBOX").unwrap().unwrap();
        assert_eq!((f.uidnext, f.highestmodseq), (None, None));
        assert_eq!(cache.counts(f.id).unwrap(), (0, 0));
        assert!(cache.pending("a").unwrap().is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
