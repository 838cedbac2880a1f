//! Large bodies kept as files beside the database, each written once; smaller ones in the
//! database, compressed.
//!
//! A body stored in SQLite is written twice: into the WAL, then by a checkpoint into the
//! database (and the WAL's checksums are computed over every byte). For a large message —
//! an attachment — that doubles the disk traffic and costs more CPU than the network does. So
//! a body of [`FILE_BODY_BYTES`] or more goes to a file of its own in `<database>-bodies/`
//! (0700; files 0600), named by the message's id, and its row in `body` holds only its length.
//! Message ids are never reused (AUTOINCREMENT), so a name means one message for the life of
//! the database.
//!
//! A smaller body stays in its row, zstd-compressed when that saves at least an eighth (mail
//! text compresses to a third or less; encrypted or already compressed parts do not, and are
//! kept as they are), with the length it decompresses to in `zstd_size`. Decompression is
//! bounded by that length and never above [`FILE_BODY_BYTES`]; a row that does not decompress
//! to exactly its length (damaged, or edited by hand) counts as not cached, like a short file.
//!
//! Crash safety, in the cache's terms (a cache of what the server holds):
//!
//! - a file is written (to `<id>.part`, renamed) before the transaction that refers to it
//!   commits, so a committed row's file was complete when it committed; a process killed in
//!   between leaves a file no row refers to, which [`Cache::sweep_body_files`] removes;
//! - like the WAL (`synchronous = NORMAL`), files are not synced: after a power loss a file may
//!   be shorter than its row says. A body is read only if its length matches, else it counts
//!   as not cached and is fetched again;
//! - a deleted message's row goes by `ON DELETE CASCADE`, and a trigger notes its file in
//!   `body_gone` in the same transaction; [`Cache::remove_dropped_bodies`] deletes the files
//!   and then the notes, so a process killed between the two only deletes again.

use super::{Cache, db};
use crate::error::{Error, Result};
use crate::paths::private_dir;
use quietpost_model::MessageId;
use rusqlite::{OptionalExtension, params};
use std::path::{Path, PathBuf};

/// Bodies of this many bytes or more are stored as files: one page of the database. Most
/// plain-text mail stays below it, in the database; newsletters and attachments — most of the
/// bytes — go above it. On the benchmark mailboxes (`scripts/bench-sync`, 10,000 messages) the
/// bytes left in the database, written twice, are 8% of the mail with small messages and 2%
/// with attachments (at 32 KB: 16% and 6%), for 2,584 and 3,638 files.
pub const FILE_BODY_BYTES: usize = 16 << 10;

/// An orphaned file younger than this may belong to a transaction still being written (by
/// another process: the window and a command share the cache).
const ORPHAN_AGE: std::time::Duration = std::time::Duration::from_secs(120);

/// The directory of the database at `path`'s body files.
pub(super) fn directory(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push("-bodies");
    path.with_file_name(name)
}

/// Writes message `id`'s body to its file in `dir` (a new file renamed over any old one).
/// Called inside the transaction that records it.
fn write_body_file(dir: &Path, id: i64, raw: &[u8]) -> Result<()> {
    use std::io::Write;
    private_dir(dir)?;
    let path = dir.join(id.to_string());
    let part = path.with_extension("part");
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&part).map_err(io(&part))?;
    file.write_all(raw).map_err(io(&part))?;
    drop(file);
    std::fs::rename(&part, &path).map_err(io(&path))
}

/// zstd's level for bodies kept in the database: its default, several hundred MB/s on one
/// core, a third of mail text's size.
const ZSTD_LEVEL: i32 = 3;

/// Stores message `id`'s body with `insert` (`INSERT ... body (message, raw, file_size,
/// zstd_size)`) of the database at `path`: in the row (compressed when that pays), or (when
/// large) in its file in `dir` with its length in the row. Inside the caller's transaction.
pub(super) fn put_body(
    path: &Path,
    dir: &Path,
    insert: &mut rusqlite::CachedStatement<'_>,
    id: i64,
    raw: &[u8],
) -> Result<()> {
    let len = raw.len() as i64;
    let result = if raw.len() >= FILE_BODY_BYTES {
        write_body_file(dir, id, raw)?;
        insert.execute(params![id, &b""[..], len, None::<i64>])
    } else {
        match zstd::bulk::compress(raw, ZSTD_LEVEL) {
            Ok(packed) if packed.len() <= raw.len() - raw.len() / 8 => {
                insert.execute(params![id, packed, None::<i64>, len])
            }
            // Not worth it, or the compressor failed (out of memory): kept as it is.
            _ => insert.execute(params![id, raw, None::<i64>, None::<i64>]),
        }
    };
    result.map(drop).map_err(db(path))
}

/// A compressed row's body, if it decompresses to exactly `len` bytes (at most
/// [`FILE_BODY_BYTES`]: no row holds more, so a larger length is damage, never an allocation).
fn unpack(packed: &[u8], len: i64) -> Option<Vec<u8>> {
    let len = usize::try_from(len).ok().filter(|&l| l < FILE_BODY_BYTES)?;
    zstd::bulk::decompress(packed, len)
        .ok()
        .filter(|raw| raw.len() == len)
}

impl Cache {
    /// Message `id`'s body file, if it is there with the length its row gives; `None` if it
    /// is missing or short (after a power loss, or removed by hand): the body is then fetched
    /// again.
    fn read_body_file(&self, id: i64, len: u64) -> Result<Option<Vec<u8>>> {
        let path = self.bodies.join(id.to_string());
        match std::fs::read(&path) {
            Ok(raw) if raw.len() as u64 == len => Ok(Some(raw)),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Deletes the files of bodies whose messages are gone (noted by the `body_gone` trigger).
    /// Returns how many. Cheap when there are none: one read, no lock.
    pub fn remove_dropped_bodies(&mut self) -> Result<usize> {
        let path = self.path.clone();
        let err = db(&path);
        let any: bool = self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM body_gone)", [], |r| r.get(0))
            .map_err(&err)?;
        if !any {
            return Ok(0);
        }
        // Under the write lock: no body is stored meanwhile (a message's id is never reused,
        // but a file is only ever deleted for a note read in this same transaction).
        let tx = self.conn.transaction().map_err(&err)?;
        let gone: Vec<i64> = tx
            .prepare("SELECT message FROM body_gone")
            .map_err(&err)?
            .query_map([], |r| r.get(0))
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)?;
        for id in &gone {
            let file = self.bodies.join(id.to_string());
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(Error::Io { path: file, source }),
            }
        }
        tx.execute("DELETE FROM body_gone", []).map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(gone.len())
    }

    /// Deletes body files no row refers to (a process killed after writing a file, before its
    /// transaction committed), once they are old enough not to belong to a transaction still
    /// under way. Returns how many.
    pub fn sweep_body_files(&self) -> Result<usize> {
        let entries = match std::fs::read_dir(&self.bodies) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(source) => {
                return Err(Error::Io {
                    path: self.bodies.clone(),
                    source,
                });
            }
        };
        let err = self.err();
        let mut referred = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM body WHERE message = ?1 AND file_size IS NOT NULL)",
            )
            .map_err(&err)?;
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let kept = match name.parse::<i64>() {
                Ok(id) => referred.query_row([id], |r| r.get(0)).map_err(&err)?,
                // `<id>.part` and anything else: never referred to.
                Err(_) => false,
            };
            let young = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_none_or(|age| age < ORPHAN_AGE);
            if !kept && !young && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Message `id`'s body from its row in `body`: its bytes, compressed or not, or its file.
    pub(super) fn body_row(&self, id: MessageId) -> Result<Option<Vec<u8>>> {
        let id = id.0;
        let err = self.err();
        let row: Option<(Vec<u8>, Option<i64>, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT raw, file_size, zstd_size FROM body WHERE message = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(err)?;
        match row {
            None => Ok(None),
            Some((_, Some(len), _)) => self.read_body_file(id, len as u64),
            Some((raw, None, None)) => Ok(Some(raw)),
            Some((packed, None, Some(len))) => Ok(unpack(&packed, len)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{inbox, summary, temp};
    use super::*;
    use crate::cache::{Indexing, ListQuery};

    fn ids(cache: &Cache) -> Vec<(u32, i64)> {
        cache
            .list(&ListQuery {
                limit: 10,
                ..ListQuery::default()
            })
            .unwrap()
            .iter()
            .map(|r| (r.summary.uid, r.id.0))
            .collect()
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn a_large_body_is_written_once_to_its_own_file_and_goes_with_its_message() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache
            .store_summaries(
                inbox,
                &[summary(1, "small"), summary(2, "large"), summary(3, "also")],
                Indexing::WithBody,
            )
            .unwrap();
        let large: Vec<u8> = (0..FILE_BODY_BYTES + 7).map(|i| (i % 251) as u8).collect();
        let also: Vec<u8> = large.iter().rev().copied().collect();
        let db_size = |cache: &Cache| {
            cache.checkpoint().unwrap();
            std::fs::metadata(cache.path()).unwrap().len() as usize
        };
        let before = db_size(&cache);
        cache
            .store_bodies(
                inbox,
                &[
                    (1, b"small raw".to_vec(), "little".into(), false),
                    (2, large.clone(), "attached report".into(), true),
                    (3, also.clone(), "another".into(), true),
                ],
            )
            .unwrap();
        let id = |uid| MessageId(ids(&cache).iter().find(|r| r.0 == uid).unwrap().1);
        let (small_id, large_id, also_id) = (id(1), id(2), id(3));
        let bodies = directory(cache.path());
        assert_eq!(
            files(&bodies),
            [large_id.0.to_string(), also_id.0.to_string()]
        );
        assert_eq!(cache.body(small_id).unwrap().unwrap(), b"small raw");
        assert_eq!(cache.body(large_id).unwrap().unwrap(), large);
        assert!(cache.message(large_id).unwrap().unwrap().has_body);
        assert_eq!(cache.search("report", None, 10).unwrap().len(), 1);
        // Not in the database as well: the file holds the only copy.
        let grown = db_size(&cache) - before;
        assert!(grown < large.len(), "the database grew by {grown} bytes");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&bodies), 0o700);
            assert_eq!(mode(&bodies.join(large_id.0.to_string())), 0o600);
        }
        // Stored again (fetched again): the same file, replaced whole.
        cache
            .store_bodies(inbox, &[(2, large.clone(), "attached report".into(), true)])
            .unwrap();
        assert_eq!(cache.body(large_id).unwrap().unwrap(), large);
        cache.check().unwrap();

        // Expunged: the row and the index entry go at once, the file when the note is read —
        // by the next connection that opens the cache, or at once by this one.
        cache.remove_uids(inbox, &[2]).unwrap();
        assert_eq!(cache.message(large_id).unwrap(), None);
        drop(Cache::open_file(cache.path()).unwrap());
        assert_eq!(files(&bodies), [also_id.0.to_string()]);
        assert_eq!(cache.remove_dropped_bodies().unwrap(), 0);

        // The account removed: nothing of it is left on disk.
        cache.forget_account("a").unwrap();
        assert!(files(&bodies).is_empty());
        cache.check().unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_body_file_lost_or_cut_short_counts_as_not_cached() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache
            .store_summaries(inbox, &[summary(1, "large")], Indexing::WithBody)
            .unwrap();
        let large = vec![b'x'; FILE_BODY_BYTES * 2];
        cache
            .store_bodies(inbox, &[(1, large.clone(), String::new(), false)])
            .unwrap();
        let id = MessageId(ids(&cache)[0].1);
        let file = directory(cache.path()).join(id.0.to_string());
        // What a power loss can leave of a file that was never synced.
        std::fs::write(&file, &large[..1000]).unwrap();
        assert_eq!(cache.body(id).unwrap(), None);
        std::fs::remove_file(&file).unwrap();
        assert_eq!(cache.body(id).unwrap(), None);
        // Fetched again, it is whole again.
        cache
            .store_bodies(inbox, &[(1, large.clone(), String::new(), false)])
            .unwrap();
        assert_eq!(cache.body(id).unwrap().unwrap(), large);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_small_body_is_kept_compressed_in_its_row_and_a_damaged_one_counts_as_not_cached() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache
            .store_summaries(
                inbox,
                &[summary(1, "text"), summary(2, "noise"), summary(3, "tiny")],
                Indexing::WithBody,
            )
            .unwrap();
        // Mail text: repetitive enough to compress. Noise (an encrypted or already compressed
        // part) does not, and is kept as it is; so are bodies too small to gain anything.
        let text: Vec<u8> = (0..FILE_BODY_BYTES - 100)
            .map(|i| b"Dear team, the quarterly report is attached.\r\n"[i % 46])
            .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..8000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        cache
            .store_bodies(
                inbox,
                &[
                    (1, text.clone(), "report".into(), false),
                    (2, noise.clone(), String::new(), false),
                    (3, b"ok".to_vec(), String::new(), false),
                ],
            )
            .unwrap();
        let row = ids(&cache);
        let id = |uid| MessageId(row.iter().find(|r| r.0 == uid).unwrap().1);
        assert_eq!(cache.body(id(1)).unwrap().unwrap(), text);
        assert_eq!(cache.body(id(2)).unwrap().unwrap(), noise);
        assert_eq!(cache.body(id(3)).unwrap().unwrap(), b"ok");
        assert!(files(&directory(cache.path())).is_empty());
        let stored = |cache: &Cache, uid| -> (usize, Option<i64>) {
            cache
                .conn
                .query_row(
                    "SELECT length(raw), zstd_size FROM body WHERE message = ?1",
                    [id(uid).0],
                    |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?)),
                )
                .unwrap()
        };
        let (len, size) = stored(&cache, 1);
        assert!(
            len * 4 < text.len(),
            "{len} bytes stored for {}",
            text.len()
        );
        assert_eq!(size, Some(text.len() as i64));
        assert_eq!(stored(&cache, 2), (noise.len(), None));
        assert_eq!(stored(&cache, 3), (2, None));

        // A damaged row (a disk error, an edit by hand) or one whose length is not what it
        // decompresses to — larger, a bomb — is not believed: the body is fetched again.
        for damage in [
            "UPDATE body SET raw = substr(raw, 1, length(raw) / 2) WHERE message = ?1",
            "UPDATE body SET zstd_size = zstd_size - 1 WHERE message = ?1",
            "UPDATE body SET zstd_size = 1000000000 WHERE message = ?1",
        ] {
            cache
                .store_bodies(inbox, &[(1, text.clone(), "report".into(), false)])
                .unwrap();
            cache.conn.execute(damage, [id(1).0]).unwrap();
            assert_eq!(cache.body(id(1)).unwrap(), None, "{damage}");
        }
        cache
            .store_bodies(inbox, &[(1, text.clone(), "report".into(), false)])
            .unwrap();
        assert_eq!(cache.body(id(1)).unwrap().unwrap(), text);
        assert_eq!(cache.search("report", None, 10).unwrap().len(), 1);
        cache.check().unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn files_no_row_refers_to_are_swept_once_old_enough() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache
            .store_summaries(inbox, &[summary(1, "large")], Indexing::WithBody)
            .unwrap();
        cache
            .store_bodies(
                inbox,
                &[(1, vec![b'x'; FILE_BODY_BYTES], String::new(), false)],
            )
            .unwrap();
        let kept = ids(&cache)[0].1.to_string();
        let bodies = directory(cache.path());
        // A process killed after writing files, before its transaction committed.
        for orphan in ["999", "1000.part"] {
            std::fs::write(bodies.join(orphan), b"half").unwrap();
        }
        // Young: perhaps another process's transaction, still under way.
        assert_eq!(cache.sweep_body_files().unwrap(), 0);
        let old = std::time::SystemTime::now() - ORPHAN_AGE * 2;
        for name in ["999", "1000.part", kept.as_str()] {
            std::fs::File::options()
                .write(true)
                .open(bodies.join(name))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        assert_eq!(cache.sweep_body_files().unwrap(), 2);
        assert_eq!(files(&bodies), [kept]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
