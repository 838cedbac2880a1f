//! Messages in the cache: summaries, bodies, the search index, the list and search.

use super::{Cache, Flags, ListQuery, MessageRow, Summary, db};
use crate::error::Result;
use quietpost_model::MessageId;
use quietpost_model::SenderSummary;
use rusqlite::{OptionalExtension, params};

/// When summaries enter the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// At once (subject and addresses).
    Now,
    /// With the body, about to be fetched (once, with everything); `index_pending` catches
    /// the ones whose body never came.
    WithBody,
}

const MESSAGE_COLUMNS: &str = "m.id, f.account, f.name, f.uidvalidity, m.uid, m.modseq, m.flags,
    m.received, m.date, m.subject, m.from_name, m.from_address, m.recipients, m.message_id,
    m.size, m.attachments, EXISTS (SELECT 1 FROM body b WHERE b.message = m.id), m.sender,
    m.hidden";

/// The latest move journalled for message `m` goes to folder `?2` of account `?1`: the message
/// is on its way there (listed there, marked pending, until the server confirms).
const MOVING_TO: &str = "m.hidden = 1 AND f.account = ?1 AND (
        SELECT j.target FROM journal j WHERE j.message = m.id AND j.kind IN ('move', 'expunge')
        ORDER BY j.id DESC LIMIT 1
    ) = ?2";

fn message_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: MessageId(r.get(0)?),
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
            // A value that does not read back (hand-edited, damaged) counts as not analysed:
            // the next sync analyses the header again.
            sender: r
                .get::<_, Option<String>>(17)?
                .and_then(|json| serde_json::from_str(&json).ok()),
        },
        has_body: r.get(16)?,
        pending: r.get::<_, i64>(18)? != 0,
    })
}

/// The sender analysis as stored.
fn sender_json(s: &Summary) -> Option<String> {
    s.sender
        .as_ref()
        .and_then(|sender| serde_json::to_string(sender).ok())
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
                        from_name, from_address, recipients, message_id, size, attachments, sender,
                        indexed)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                )
                .map_err(&err)?;
            let mut update = tx
                .prepare_cached(
                    "UPDATE message SET modseq = ?2, flags = ?3, received = ?4, date = ?5,
                        subject = ?6, from_name = ?7, from_address = ?8, recipients = ?9,
                        message_id = ?10, size = ?11, attachments = ?12, sender = ?13
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
                            s.attachments,
                            sender_json(s)
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
                            s.attachments,
                            sender_json(s),
                            // Marked as indexed in the same write when its index entry follows
                            // in this transaction (one write per row, not two).
                            index == Indexing::Now
                        ])
                        .map_err(&err)?;
                    new.push((tx.last_insert_rowid(), s));
                }
            }
            if index == Indexing::Now {
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

    /// UIDs of the folder's messages cached before the sender analysis was stored (their
    /// header is to be read again).
    pub fn unanalysed(&self, folder: i64) -> Result<Vec<u32>> {
        let err = self.err();
        self.conn
            .prepare_cached("SELECT uid FROM message WHERE folder = ?1 AND sender IS NULL")
            .map_err(&err)?
            .query_map([folder], |r| r.get(0))
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)
    }

    /// Replaces the sender analysis of message `id` (the reader made it again from the whole
    /// message; the list must say the same). Returns whether the row changed.
    pub fn set_sender(&mut self, id: MessageId, sender: &SenderSummary) -> Result<bool> {
        let id = id.0;
        let err = self.err();
        let json = serde_json::to_string(sender).map_err(|e| crate::Error::Cache {
            path: self.path.clone(),
            detail: e.to_string(),
        })?;
        self.conn
            .execute(
                "UPDATE message SET sender = ?2 WHERE id = ?1 AND sender IS NOT ?2",
                params![id, json],
            )
            .map(|n| n > 0)
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
                .prepare_cached(
                    "INSERT INTO body (message, raw, file_size, zstd_size) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (message) DO UPDATE SET
                        raw = excluded.raw, file_size = excluded.file_size,
                        zstd_size = excluded.zstd_size",
                )
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
                super::files::put_body(&path, &self.bodies, &mut insert, id, raw)?;
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
    pub fn message(&self, id: MessageId) -> Result<Option<MessageRow>> {
        let id = id.0;
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
    pub fn body(&self, id: MessageId) -> Result<Option<Vec<u8>>> {
        self.body_row(id)
    }

    /// Messages newest first. A folder's list includes the messages moved there that the
    /// server has not confirmed yet (marked `pending`).
    pub fn list(&self, q: &ListQuery) -> Result<Vec<MessageRow>> {
        let mut rows = self.list_stored(q)?;
        if let (Some(account), Some(folder)) = (&q.account, &q.folder) {
            let mut arriving = self.moving_to(account, folder, q.unread_only)?;
            if !arriving.is_empty() {
                rows.append(&mut arriving);
                rows.sort_by(|a, b| {
                    (b.summary.received, b.summary.uid).cmp(&(a.summary.received, a.summary.uid))
                });
                rows.truncate(q.limit);
            }
        }
        Ok(rows)
    }

    /// The messages on their way to `folder` of `account` (moved in the cache, not yet on the
    /// server): few, as many as actions wait in the journal.
    fn moving_to(&self, account: &str, folder: &str, unread_only: bool) -> Result<Vec<MessageRow>> {
        let err = self.err();
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM message m JOIN folder f ON f.id = m.folder
             WHERE m.id IN (SELECT message FROM journal WHERE account = ?1 AND kind = 'move' AND target = ?2)
               AND {MOVING_TO} AND m.flags & 8 = 0 AND (?3 = 0 OR m.flags & 1 = 0)"
        );
        self.conn
            .prepare_cached(&sql)
            .map_err(&err)?
            .query_map(params![account, folder, unread_only], message_row)
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)
    }

    /// What is stored in the folder (or every folder) and shown there.
    fn list_stored(&self, q: &ListQuery) -> Result<Vec<MessageRow>> {
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
}

#[cfg(test)]
mod tests {
    use super::super::tests::{inbox, summary, temp};
    use super::*;

    #[test]
    fn the_sender_analysis_is_stored_and_old_rows_are_found_again() {
        use quietpost_model::{Addr, Code, SafeLine};
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        let sender = SenderSummary {
            from: vec![Addr {
                name: Some(SafeLine::new("ceo@bank.example", 200)),
                address: Some(SafeLine::new("mallory@attacker.example", 320)),
                warnings: vec![Code::DisplayNameAddress],
            }],
            ..SenderSummary::default()
        };
        let analysed = Summary {
            sender: Some(sender.clone()),
            ..summary(1, "analysed")
        };
        cache
            .store_summaries(inbox, &[analysed, summary(2, "old")], Indexing::Now)
            .unwrap();
        assert_eq!(cache.unanalysed(inbox).unwrap(), [2]);
        let rows = cache
            .list(&ListQuery {
                limit: 10,
                ..ListQuery::default()
            })
            .unwrap();
        let one = rows.iter().find(|r| r.summary.uid == 1).unwrap();
        assert_eq!(one.summary.sender.as_ref(), Some(&sender));
        // Reading the header again fills the old row in place (same id).
        let old_id = rows.iter().find(|r| r.summary.uid == 2).unwrap().id;
        let again = Summary {
            sender: Some(SenderSummary::default()),
            ..summary(2, "old")
        };
        cache
            .store_summaries(inbox, &[again], Indexing::Now)
            .unwrap();
        assert!(cache.unanalysed(inbox).unwrap().is_empty());
        let row = cache.message(old_id).unwrap().unwrap();
        assert_eq!(row.summary.sender, Some(SenderSummary::default()));
        let _ = std::fs::remove_dir_all(dir);
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
}
