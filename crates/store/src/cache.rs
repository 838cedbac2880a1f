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

mod outbox;

pub use outbox::{OutboxState, Outgoing};

use crate::error::{Error, Result};
use crate::paths::{Paths, private_dir};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// Message flags as a bit set, in the order of RFC 9051's system flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags(pub u8);

impl Flags {
    pub const SEEN: Flags = Flags(1);
    pub const ANSWERED: Flags = Flags(2);
    pub const FLAGGED: Flags = Flags(4);
    pub const DELETED: Flags = Flags(8);
    pub const DRAFT: Flags = Flags(16);

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn with(self, other: Flags, on: bool) -> Flags {
        if on {
            Flags(self.0 | other.0)
        } else {
            Flags(self.0 & !other.0)
        }
    }

    /// From IMAP flag names; keywords and unknown flags are ignored.
    pub fn from_imap<'a>(names: impl IntoIterator<Item = &'a str>) -> Flags {
        let mut f = Flags::default();
        for n in names {
            f = f.with(
                match n.to_ascii_lowercase().as_str() {
                    "\\seen" => Flags::SEEN,
                    "\\answered" => Flags::ANSWERED,
                    "\\flagged" => Flags::FLAGGED,
                    "\\deleted" => Flags::DELETED,
                    "\\draft" => Flags::DRAFT,
                    _ => continue,
                },
                true,
            );
        }
        f
    }

    /// The IMAP name of a single system flag.
    pub fn imap_name(self) -> Option<&'static str> {
        Some(match self {
            Flags::SEEN => "\\Seen",
            Flags::ANSWERED => "\\Answered",
            Flags::FLAGGED => "\\Flagged",
            Flags::DELETED => "\\Deleted",
            Flags::DRAFT => "\\Draft",
            _ => return None,
        })
    }
}

/// What a folder is for (RFC 6154 SPECIAL-USE, or the name INBOX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Inbox,
    Drafts,
    Sent,
    Archive,
    Junk,
    Trash,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Inbox => "inbox",
            Role::Drafts => "drafts",
            Role::Sent => "sent",
            Role::Archive => "archive",
            Role::Junk => "junk",
            Role::Trash => "trash",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "inbox" => Role::Inbox,
            "drafts" => Role::Drafts,
            "sent" => Role::Sent,
            "archive" => Role::Archive,
            "junk" => Role::Junk,
            "trash" => Role::Trash,
            _ => return None,
        })
    }
}

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

/// What the message list needs of one message, already sanitized by the render crate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub uid: u32,
    pub modseq: Option<u64>,
    pub flags: Flags,
    /// Seconds since the epoch (the server's INTERNALDATE: when it received the message).
    pub received: Option<i64>,
    /// RFC 3339, as the message claims.
    pub date: Option<String>,
    pub subject: String,
    pub from_name: String,
    pub from_address: String,
    /// To and Cc, for display and search.
    pub recipients: String,
    pub message_id: Option<String>,
    pub size: u64,
    pub attachments: bool,
}

/// When summaries enter the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// At once (subject and addresses).
    Now,
    /// With the body, about to be fetched (once, with everything); `index_pending` catches
    /// the ones whose body never came.
    WithBody,
}

/// One cached message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// Stable local id: never reused, printed by `list`.
    pub id: i64,
    pub account: String,
    pub folder: String,
    pub uidvalidity: u32,
    pub summary: Summary,
    pub has_body: bool,
}

/// What `list` asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub account: Option<String>,
    pub folder: Option<String>,
    pub unread_only: bool,
    pub limit: usize,
}

/// An action on a message, taken locally first and then replayed on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Set (`true`) or clear a system flag.
    Flag(Flags, bool),
    /// Move to another folder of the same account (delete and archive are moves).
    Move(String),
    /// Delete for good (a message deleted from Trash): \Deleted, then UID EXPUNGE of that
    /// message only.
    Expunge,
}

impl Action {
    fn encode(&self) -> (String, Option<String>) {
        match self {
            Action::Flag(f, on) => (format!("{}{}", if *on { '+' } else { '-' }, f.0), None),
            Action::Move(to) => ("move".into(), Some(to.clone())),
            Action::Expunge => ("expunge".into(), None),
        }
    }

    fn decode(kind: &str, target: Option<String>) -> Option<Action> {
        match kind {
            "move" => return target.map(Action::Move),
            "expunge" => return Some(Action::Expunge),
            _ => {}
        }
        let (sign, bits) = kind.split_at_checked(1)?;
        let flag = Flags(bits.parse().ok()?);
        flag.imap_name()?;
        Some(Action::Flag(flag, sign == "+"))
    }
}

/// A journalled action not yet confirmed by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: i64,
    pub account: String,
    pub folder: String,
    pub uidvalidity: u32,
    pub uid: u32,
    pub action: Action,
    pub attempts: u32,
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
];

/// The cache database of one profile.
pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("path", &self.path).finish()
    }
}

fn db(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::Cache {
        path: path.to_owned(),
        detail: e.to_string(),
    }
}

const MESSAGE_COLUMNS: &str = "m.id, f.account, f.name, f.uidvalidity, m.uid, m.modseq, m.flags,
    m.received, m.date, m.subject, m.from_name, m.from_address, m.recipients, m.message_id,
    m.size, m.attachments, EXISTS (SELECT 1 FROM body b WHERE b.message = m.id)";

fn message_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: r.get(0)?,
        account: r.get(1)?,
        folder: r.get(2)?,
        uidvalidity: r.get::<_, Option<u32>>(3)?.unwrap_or(0),
        summary: Summary {
            uid: r.get(4)?,
            modseq: r.get::<_, Option<i64>>(5)?.map(|v| v as u64),
            flags: Flags(r.get(6)?),
            received: r.get(7)?,
            date: r.get(8)?,
            subject: r.get(9)?,
            from_name: r.get(10)?,
            from_address: r.get(11)?,
            recipients: r.get(12)?,
            message_id: r.get(13)?,
            size: r.get::<_, i64>(14)? as u64,
            attachments: r.get(15)?,
        },
        has_body: r.get(16)?,
    })
}

/// A user's words as an FTS5 query: every word must match (as a prefix), and nothing they type
/// is FTS syntax.
fn fts_query(words: &str) -> Option<String> {
    let terms: Vec<String> = words
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '@' && c != '.'))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
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
        let conn = Connection::open(path).map_err(&err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(&err)?;
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
        };
        cache.migrate()?;
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

    /// Messages shown in a folder, and how many of them are unread.
    pub fn counts(&self, folder: i64) -> Result<(u64, u64)> {
        let err = self.err();
        self.conn
            .query_row(
                "SELECT count(*), coalesce(sum(flags & 1 = 0), 0) FROM message
                 WHERE folder = ?1 AND hidden = 0 AND flags & 8 = 0",
                [folder],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(err)
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

    /// Stores message summaries (one transaction). A UID already cached keeps its id and gets
    /// the new summary (a message's content never changes under its UID, so its index entry
    /// stays).
    ///
    /// The search index is written after every row: an FTS5 table flushes its pending terms at
    /// each statement savepoint, and interleaving would flush once per message.
    pub fn store_summaries(
        &mut self,
        folder: i64,
        summaries: &[Summary],
        index: Indexing,
    ) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut known = tx
                .prepare_cached("SELECT id FROM message WHERE folder = ?1 AND uid = ?2")
                .map_err(&err)?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO message (folder, uid, modseq, flags, received, date, subject,
                        from_name, from_address, recipients, message_id, size, attachments)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .map_err(&err)?;
            let mut update = tx
                .prepare_cached(
                    "UPDATE message SET modseq = ?2, flags = ?3, received = ?4, date = ?5,
                        subject = ?6, from_name = ?7, from_address = ?8, recipients = ?9,
                        message_id = ?10, size = ?11, attachments = ?12
                     WHERE id = ?1",
                )
                .map_err(&err)?;
            let mut new = Vec::with_capacity(summaries.len());
            for s in summaries {
                let existing: Option<i64> = known
                    .query_row(params![folder, s.uid], |r| r.get(0))
                    .optional()
                    .map_err(&err)?;
                let modseq = s.modseq.map(|v| v as i64);
                if let Some(id) = existing {
                    update
                        .execute(params![
                            id,
                            modseq,
                            s.flags.0,
                            s.received,
                            s.date,
                            s.subject,
                            s.from_name,
                            s.from_address,
                            s.recipients,
                            s.message_id,
                            s.size as i64,
                            s.attachments
                        ])
                        .map_err(&err)?;
                } else {
                    insert
                        .execute(params![
                            folder,
                            s.uid,
                            modseq,
                            s.flags.0,
                            s.received,
                            s.date,
                            s.subject,
                            s.from_name,
                            s.from_address,
                            s.recipients,
                            s.message_id,
                            s.size as i64,
                            s.attachments
                        ])
                        .map_err(&err)?;
                    new.push((tx.last_insert_rowid(), s));
                }
            }
            if index == Indexing::Now {
                let mut mark = tx
                    .prepare_cached("UPDATE message SET indexed = 1 WHERE id = ?1")
                    .map_err(&err)?;
                for (id, _) in &new {
                    mark.execute([id]).map_err(&err)?;
                }
                let mut index = tx
                    .prepare_cached(
                        "INSERT INTO search_index (rowid, subject, addresses, body)
                         VALUES (?1, ?2, ?3, '')",
                    )
                    .map_err(&err)?;
                for (id, s) in new {
                    let addresses = format!("{} {} {}", s.from_name, s.from_address, s.recipients);
                    index
                        .execute(params![id, s.subject, addresses])
                        .map_err(&err)?;
                }
            }
        }
        tx.commit().map_err(&err)
    }

    /// Puts messages the search index does not have yet into it (subject and addresses): the
    /// ones stored with `Indexing::WithBody` whose body never came. Returns how many.
    pub fn index_pending(&mut self, folder: i64) -> Result<usize> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        let n = tx
            .execute(
                "INSERT INTO search_index (rowid, subject, addresses, body)
                 SELECT id, subject, from_name || ' ' || from_address || ' ' || recipients, ''
                 FROM message WHERE folder = ?1 AND indexed = 0",
                [folder],
            )
            .map_err(&err)?;
        tx.execute(
            "UPDATE message SET indexed = 1 WHERE folder = ?1 AND indexed = 0",
            [folder],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(n)
    }

    /// Applies flags the server reports. A message with an action still waiting in the journal
    /// keeps its local flags: the action will be replayed and the server will agree.
    pub fn update_flags(
        &mut self,
        folder: i64,
        changes: &[(u32, Flags, Option<u64>)],
    ) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut update = tx
                .prepare_cached(
                    "UPDATE message SET flags = ?3, modseq = coalesce(?4, modseq)
                     WHERE folder = ?1 AND uid = ?2 AND NOT EXISTS (
                        SELECT 1 FROM journal j, folder f
                        WHERE f.id = ?1 AND j.account = f.account AND j.folder = f.name
                          AND j.uid = ?2)",
                )
                .map_err(&err)?;
            for (uid, flags, modseq) in changes {
                update
                    .execute(params![folder, uid, flags.0, modseq.map(|v| v as i64)])
                    .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// Drops the messages in these UID ranges (what QRESYNC reports as vanished); returns how
    /// many were cached.
    pub fn remove_uid_ranges(&mut self, folder: i64, ranges: &[(u32, u32)]) -> Result<usize> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        let mut removed = 0;
        {
            let mut delete = tx
                .prepare_cached("DELETE FROM message WHERE folder = ?1 AND uid BETWEEN ?2 AND ?3")
                .map_err(&err)?;
            for (low, high) in ranges {
                removed += delete.execute(params![folder, low, high]).map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)?;
        Ok(removed)
    }

    /// Drops messages the server no longer has.
    pub fn remove_uids(&mut self, folder: i64, uids: &[u32]) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut delete = tx
                .prepare_cached("DELETE FROM message WHERE folder = ?1 AND uid = ?2")
                .map_err(&err)?;
            for uid in uids {
                delete.execute(params![folder, uid]).map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// The cached UIDs of a folder with their flags, ascending.
    pub fn uid_flags(&self, folder: i64) -> Result<Vec<(u32, Flags)>> {
        let err = self.err();
        self.conn
            .prepare("SELECT uid, flags FROM message WHERE folder = ?1 ORDER BY uid")
            .map_err(&err)?
            .query_map([folder], |r| Ok((r.get(0)?, Flags(r.get(1)?))))
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)
    }

    /// Whether some message of the folder has no cached body.
    pub fn has_missing_bodies(&self, folder: i64) -> Result<bool> {
        let err = self.err();
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM message m WHERE folder = ?1
                 AND NOT EXISTS (SELECT 1 FROM body b WHERE b.message = m.id))",
                [folder],
                |r| r.get(0),
            )
            .map_err(err)
    }

    /// UIDs (newest first) and sizes of messages whose body is not cached yet.
    pub fn missing_bodies(&self, folder: i64) -> Result<Vec<(u32, u64)>> {
        let err = self.err();
        self.conn
            .prepare(
                "SELECT uid, size FROM message m WHERE folder = ?1
                 AND NOT EXISTS (SELECT 1 FROM body b WHERE b.message = m.id) ORDER BY uid DESC",
            )
            .map_err(&err)?
            .query_map([folder], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)
    }

    /// Stores raw bodies with the text to index for each (one transaction). Bodies for UIDs
    /// that are not cached (expunged meanwhile) are ignored.
    pub fn store_bodies(
        &mut self,
        folder: i64,
        bodies: &[(u32, Vec<u8>, String, bool)],
    ) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut find = tx
                .prepare_cached(
                    "SELECT id, subject, from_name || ' ' || from_address || ' ' || recipients,
                        indexed
                     FROM message WHERE folder = ?1 AND uid = ?2",
                )
                .map_err(&err)?;
            let mut mark = tx
                .prepare_cached("UPDATE message SET indexed = 2 WHERE id = ?1")
                .map_err(&err)?;
            let mut insert = tx
                .prepare_cached("INSERT OR REPLACE INTO body (message, raw) VALUES (?1, ?2)")
                .map_err(&err)?;
            let mut attachments = tx
                .prepare_cached("UPDATE message SET attachments = ?2 WHERE id = ?1")
                .map_err(&err)?;
            let mut unindex = tx
                .prepare_cached("DELETE FROM search_index WHERE rowid = ?1")
                .map_err(&err)?;
            let mut index = tx
                .prepare_cached(
                    "INSERT INTO search_index (rowid, subject, addresses, body)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(&err)?;
            let mut indexed = Vec::with_capacity(bodies.len());
            for (uid, raw, text, has_attachments) in bodies {
                let Some((id, subject, addresses, was)): Option<(i64, String, String, i64)> = find
                    .query_row(params![folder, uid], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()
                    .map_err(&err)?
                else {
                    continue;
                };
                insert.execute(params![id, raw]).map_err(&err)?;
                attachments
                    .execute(params![id, has_attachments])
                    .map_err(&err)?;
                mark.execute([id]).map_err(&err)?;
                indexed.push((id, subject, addresses, text, was));
            }
            // The index last, deletions then insertions (see `store_summaries`). A message
            // first indexed with its body needs no deletion (FTS5 deletions leave tombstones
            // that every later merge must check).
            for (id, .., was) in &indexed {
                if *was > 0 {
                    unindex.execute([id]).map_err(&err)?;
                }
            }
            for (id, subject, addresses, text, _) in &indexed {
                index
                    .execute(params![id, subject, addresses, text])
                    .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// One message by its local id (hidden ones too: an action on them is still pending).
    pub fn message(&self, id: i64) -> Result<Option<MessageRow>> {
        let err = self.err();
        self.conn
            .query_row(
                &format!(
                    "SELECT {MESSAGE_COLUMNS} FROM message m JOIN folder f ON f.id = m.folder
                     WHERE m.id = ?1"
                ),
                [id],
                message_row,
            )
            .optional()
            .map_err(err)
    }

    /// The raw message, if its body is cached.
    pub fn body(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let err = self.err();
        self.conn
            .query_row("SELECT raw FROM body WHERE message = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(err)
    }

    /// Messages newest first.
    pub fn list(&self, q: &ListQuery) -> Result<Vec<MessageRow>> {
        let err = self.err();
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM message m JOIN folder f ON f.id = m.folder
             WHERE m.hidden = 0 AND m.flags & 8 = 0
               AND (?1 IS NULL OR f.account = ?1) AND (?2 IS NULL OR f.name = ?2)
               AND (?3 = 0 OR m.flags & 1 = 0)
             ORDER BY m.received DESC, m.uid DESC LIMIT ?4"
        );
        self.conn
            .prepare(&sql)
            .map_err(&err)?
            .query_map(
                params![
                    q.account,
                    q.folder,
                    q.unread_only,
                    i64::try_from(q.limit).unwrap_or(i64::MAX)
                ],
                message_row,
            )
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)
    }

    /// Full-text search over subjects, addresses and the text of cached bodies; newest
    /// first. Whatever the user types is taken as words, never as query syntax.
    pub fn search(
        &self,
        words: &str,
        account: Option<&str>,
        limit: usize,
    ) -> Result<Vec<MessageRow>> {
        let Some(query) = fts_query(words) else {
            return Ok(Vec::new());
        };
        let err = self.err();
        // Newest first, as a mail list is. (Ranking by relevance scores every match: 45 ms for
        // a word in every message of 50,000; the set of matches walked in date order, 17 ms.)
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM message m JOIN folder f ON f.id = m.folder
             WHERE m.id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?1)
               AND m.hidden = 0 AND m.flags & 8 = 0 AND (?2 IS NULL OR f.account = ?2)
             ORDER BY m.received DESC, m.id DESC LIMIT ?3"
        );
        self.conn
            .prepare_cached(&sql)
            .map_err(&err)?
            .query_map(
                params![query, account, i64::try_from(limit).unwrap_or(i64::MAX)],
                message_row,
            )
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)
    }

    /// Takes an action locally and journals it, in one transaction: the message list shows it
    /// at once, and the server gets it when it can.
    pub fn record(&mut self, message: i64, action: &Action) -> Result<i64> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        let (account, folder, uidvalidity, uid, flags): (String, String, Option<u32>, u32, u8) = tx
            .query_row(
                "SELECT f.account, f.name, f.uidvalidity, m.uid, m.flags
                 FROM message m JOIN folder f ON f.id = m.folder WHERE m.id = ?1",
                [message],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(&err)?
            .ok_or(Error::NoMessage(message))?;
        match action {
            Action::Flag(f, on) => {
                tx.execute(
                    "UPDATE message SET flags = ?2 WHERE id = ?1",
                    params![message, Flags(flags).with(*f, *on).0],
                )
                .map_err(&err)?;
            }
            Action::Move(_) | Action::Expunge => {
                tx.execute("UPDATE message SET hidden = 1 WHERE id = ?1", [message])
                    .map_err(&err)?;
            }
        }
        let (kind, target) = action.encode();
        tx.execute(
            "INSERT INTO journal (account, folder, uidvalidity, uid, message, kind, target)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                account,
                folder,
                uidvalidity.unwrap_or(0),
                uid,
                message,
                kind,
                target
            ],
        )
        .map_err(&err)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(&err)?;
        Ok(id)
    }

    /// The account's journalled actions, oldest first.
    pub fn pending(&self, account: &str) -> Result<Vec<Pending>> {
        let err = self.err();
        let rows: Vec<Option<Pending>> = self
            .conn
            .prepare(
                "SELECT id, account, folder, uidvalidity, uid, kind, target, attempts
                 FROM journal WHERE account = ?1 ORDER BY id",
            )
            .map_err(&err)?
            .query_map([account], |r| {
                let kind: String = r.get(5)?;
                let Some(action) = Action::decode(&kind, r.get(6)?) else {
                    return Ok(None);
                };
                Ok(Some(Pending {
                    id: r.get(0)?,
                    account: r.get(1)?,
                    folder: r.get(2)?,
                    uidvalidity: r.get(3)?,
                    uid: r.get(4)?,
                    action,
                    attempts: r.get(7)?,
                }))
            })
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)?;
        // An entry this version cannot read (written by a newer one) is left alone.
        Ok(rows.into_iter().flatten().collect())
    }

    /// The server applied the action (or it can never apply: the message is gone). A moved
    /// or expunged message leaves its old folder.
    pub fn done(&mut self, pending: &Pending) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        if matches!(pending.action, Action::Move(_) | Action::Expunge) {
            tx.execute(
                "DELETE FROM message WHERE id = (SELECT message FROM journal WHERE id = ?1)",
                [pending.id],
            )
            .map_err(&err)?;
        }
        tx.execute("DELETE FROM journal WHERE id = ?1", [pending.id])
            .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// The server refused the action for good: it is dropped and the message shown again as
    /// the server has it (the next sync brings its flags back).
    pub fn abandon(&mut self, pending: &Pending) -> Result<()> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute(
            "UPDATE message SET hidden = 0 WHERE id = (SELECT message FROM journal WHERE id = ?1)",
            [pending.id],
        )
        .map_err(&err)?;
        tx.execute("DELETE FROM journal WHERE id = ?1", [pending.id])
            .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// The action could not be applied this time (offline, a transient error).
    pub fn retry_later(&mut self, pending: &Pending, reason: &str) -> Result<()> {
        let err = self.err();
        self.conn
            .execute(
                "UPDATE journal SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                params![pending.id, reason],
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
        tx.execute("DELETE FROM journal WHERE account = ?1", [account])
            .map_err(&err)?;
        tx.commit().map_err(&err)
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

    fn summary(uid: u32, subject: &str) -> Summary {
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

    fn inbox(cache: &mut Cache) -> i64 {
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
    fn summaries_list_and_search() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache
            .store_summaries(
                inbox,
                &[summary(1, "Quarterly report"), summary(2, "Lunch?")],
                Indexing::Now,
            )
            .unwrap();
        let listed = cache
            .list(&ListQuery {
                limit: 10,
                ..ListQuery::default()
            })
            .unwrap();
        assert_eq!(
            listed.iter().map(|m| m.summary.uid).collect::<Vec<_>>(),
            [2, 1]
        );
        let found = cache.search("quarter", None, 10).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].summary.subject, "Quarterly report");
        // FTS syntax typed by a user is just words.
        assert!(cache.search("\"NEAR(", None, 10).unwrap().is_empty());
        assert!(cache.search("subject:*", None, 10).unwrap().is_empty());
        // Body text becomes searchable once the body is stored.
        cache
            .store_bodies(
                inbox,
                &[(2, b"raw".to_vec(), "pizza at noon".into(), false)],
            )
            .unwrap();
        assert_eq!(cache.search("pizza", None, 10).unwrap()[0].summary.uid, 2);
        assert_eq!(cache.body(found[0].id).unwrap(), None);
        // Re-storing a summary keeps the id.
        let id = listed[0].id;
        cache
            .store_summaries(inbox, &[summary(2, "Lunch!")], Indexing::Now)
            .unwrap();
        assert_eq!(
            cache.message(id).unwrap().unwrap().summary.subject,
            "Lunch!"
        );
        cache.remove_uids(inbox, &[2]).unwrap();
        assert!(cache.search("pizza", None, 10).unwrap().is_empty());
        assert_eq!(cache.message(id).unwrap(), None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn summaries_indexed_once_with_their_body() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache
            .store_summaries(
                inbox,
                &[summary(1, "alpha"), summary(2, "beta")],
                Indexing::WithBody,
            )
            .unwrap();
        assert!(cache.search("alpha", None, 10).unwrap().is_empty());
        cache.check().unwrap();
        cache
            .store_bodies(inbox, &[(1, b"raw".to_vec(), "gamma words".into(), false)])
            .unwrap();
        assert_eq!(cache.search("alpha gamma", None, 10).unwrap().len(), 1);
        // The body of message 2 never came: it is indexed without it.
        assert_eq!(cache.index_pending(inbox).unwrap(), 1);
        assert_eq!(cache.index_pending(inbox).unwrap(), 0);
        assert_eq!(cache.search("beta", None, 10).unwrap().len(), 1);
        cache
            .store_bodies(inbox, &[(2, b"raw".to_vec(), "delta".into(), false)])
            .unwrap();
        assert_eq!(cache.search("beta delta", None, 10).unwrap().len(), 1);
        cache.check().unwrap();
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

    #[test]
    fn journal_keeps_local_state_until_done() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache.begin_folder(inbox, 1).unwrap();
        cache
            .store_summaries(inbox, &[summary(1, "a"), summary(2, "b")], Indexing::Now)
            .unwrap();
        let rows = cache
            .list(&ListQuery {
                limit: 9,
                ..Default::default()
            })
            .unwrap();
        cache
            .record(rows[0].id, &Action::Flag(Flags::FLAGGED, true))
            .unwrap();
        cache
            .record(rows[1].id, &Action::Move("Archive".into()))
            .unwrap();
        // The server's older view does not undo the local flag while it is pending.
        cache
            .update_flags(
                inbox,
                &[(2, Flags::default(), None), (1, Flags::SEEN, None)],
            )
            .unwrap();
        assert!(
            cache
                .message(rows[0].id)
                .unwrap()
                .unwrap()
                .summary
                .flags
                .contains(Flags::FLAGGED)
        );
        let listed = cache
            .list(&ListQuery {
                limit: 9,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(listed.len(), 1, "a moved message leaves the list at once");
        let pending = cache.pending("a").unwrap();
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].action, Action::Flag(Flags::FLAGGED, true));
        assert_eq!(pending[1].action, Action::Move("Archive".into()));
        cache.done(&pending[0]).unwrap();
        cache.abandon(&pending[1]).unwrap();
        assert!(cache.pending("a").unwrap().is_empty());
        assert_eq!(
            cache
                .list(&ListQuery {
                    limit: 9,
                    ..Default::default()
                })
                .unwrap()
                .len(),
            2
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
