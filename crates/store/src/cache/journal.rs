//! The action journal: what the user did to a message, applied to the cache at once and
//! replayed on the server until it confirms.

use super::{Action, Cache, Flags, db};
use crate::error::{Error, Result};
use quietpost_model::MessageId;
use rusqlite::{OptionalExtension, params};

/// The journal's spelling of an action: a kind, and the target folder of a move.
fn encode(action: &Action) -> (String, Option<String>) {
    match action {
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

impl Cache {
    /// Takes an action locally and journals it, in one transaction: the message list shows it
    /// at once, and the server gets it when it can.
    pub fn record(&mut self, message: MessageId, action: &Action) -> Result<i64> {
        let message = message.0;
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
            .ok_or(Error::NoMessage(MessageId(message)))?;
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
        let (kind, target) = encode(action);
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

    /// Takes back journal entry `entry` while the server has not been sent it: a moved (or
    /// deleted) message is shown again where it was, a flag gets its old value back, and the
    /// entry goes — one transaction. `false` when the entry is no longer there (the server
    /// already has the action, or it was given up): nothing is changed then.
    pub fn undo(&mut self, entry: i64) -> Result<bool> {
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        let found: Option<(i64, String, Option<String>)> = tx
            .query_row(
                "SELECT message, kind, target FROM journal WHERE id = ?1",
                [entry],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(&err)?;
        let Some((message, kind, target)) = found else {
            return Ok(false);
        };
        match decode(&kind, target) {
            Some(Action::Flag(f, on)) => {
                let flags: u8 = tx
                    .query_row("SELECT flags FROM message WHERE id = ?1", [message], |r| {
                        r.get(0)
                    })
                    .map_err(&err)?;
                tx.execute(
                    "UPDATE message SET flags = ?2 WHERE id = ?1",
                    params![message, Flags(flags).with(f, !on).0],
                )
                .map_err(&err)?;
            }
            _ => {
                tx.execute("UPDATE message SET hidden = 0 WHERE id = ?1", [message])
                    .map_err(&err)?;
            }
        }
        tx.execute("DELETE FROM journal WHERE id = ?1", [entry])
            .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(true)
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
                let Some(action) = decode(&kind, r.get(6)?) else {
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

    /// Plays the server for an account that has none (the demo): every journalled action of
    /// `account` is applied as a server would, at once — a moved message now stored in its
    /// new folder (the next free UID there), an expunged one gone, a flag kept — and the
    /// journal emptied. Returns how many actions were settled.
    pub fn settle_locally(&mut self, account: &str) -> Result<usize> {
        let pending = self.pending(account)?;
        let path = self.path.clone();
        let err = db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        for p in &pending {
            let message: Option<i64> = tx
                .query_row("SELECT message FROM journal WHERE id = ?1", [p.id], |r| {
                    r.get(0)
                })
                .map_err(&err)?;
            match (&p.action, message) {
                (Action::Move(to), Some(message)) => {
                    let target: Option<i64> = tx
                        .query_row(
                            "SELECT id FROM folder WHERE account = ?1 AND name = ?2",
                            params![account, to],
                            |r| r.get(0),
                        )
                        .optional()
                        .map_err(&err)?;
                    match target {
                        Some(target) => tx.execute(
                            "UPDATE message SET folder = ?2, hidden = 0,
                             uid = (SELECT coalesce(max(uid), 0) + 1 FROM message WHERE folder = ?2)
                             WHERE id = ?1",
                            params![message, target],
                        ),
                        // No such folder: as a server would, it refuses; shown where it was.
                        None => {
                            tx.execute("UPDATE message SET hidden = 0 WHERE id = ?1", [message])
                        }
                    }
                    .map_err(&err)?;
                }
                (Action::Expunge, Some(message)) => {
                    tx.execute("DELETE FROM message WHERE id = ?1", [message])
                        .map_err(&err)?;
                }
                _ => {}
            }
            tx.execute("DELETE FROM journal WHERE id = ?1", [p.id])
                .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(pending.len())
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
}

#[cfg(test)]
mod tests {
    use super::super::tests::{inbox, summary, temp};
    use super::*;
    use crate::cache::{Indexing, ListQuery};

    /// Undo takes back what the server has not been sent: the flag as it was, the moved row
    /// shown again, the entries gone; once an entry is done it is too late, and nothing changes.
    #[test]
    fn undo_takes_back_only_what_the_server_has_not_been_sent() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache.begin_folder(inbox, 1).unwrap();
        cache
            .store_summaries(inbox, &[summary(1, "a"), summary(2, "b")], Indexing::Now)
            .unwrap();
        let list = |cache: &Cache| {
            cache
                .list(&ListQuery {
                    limit: 9,
                    ..Default::default()
                })
                .unwrap()
        };
        let rows = list(&cache);
        let (a, b) = (rows[0].id, rows[1].id);
        let flags = |cache: &Cache, id| cache.message(id).unwrap().unwrap().summary.flags;
        let before = flags(&cache, a);
        let star = cache
            .record(a, &Action::Flag(Flags::FLAGGED, true))
            .unwrap();
        let moved = cache.record(b, &Action::Move("Archive".into())).unwrap();
        assert_eq!(list(&cache).len(), 1);
        assert!(cache.undo(star).unwrap());
        assert_eq!(flags(&cache, a), before);
        assert!(cache.undo(moved).unwrap());
        assert_eq!(list(&cache).len(), 2, "the moved row is back");
        assert!(cache.pending("a").unwrap().is_empty());
        assert!(!cache.undo(star).unwrap(), "twice is too late");

        // Done on the server: too late, and the row stays gone.
        let moved = cache.record(b, &Action::Move("Archive".into())).unwrap();
        let pending = cache.pending("a").unwrap();
        cache.done(&pending[0]).unwrap();
        assert!(!cache.undo(moved).unwrap());
        assert_eq!(list(&cache).len(), 1);
        drop(dir);
    }

    /// A moved message is listed in the folder it goes to at once, marked pending, and counted
    /// there; the latest move wins; undo takes it back; settled, it is stored there.
    #[test]
    fn a_moved_message_is_listed_where_it_goes_until_the_server_has_it() {
        let (dir, mut cache) = temp();
        let inbox = inbox(&mut cache);
        cache.begin_folder(inbox, 1).unwrap();
        cache
            .store_summaries(inbox, &[summary(1, "a"), summary(2, "b")], Indexing::Now)
            .unwrap();
        cache
            .set_folders(
                "a",
                &[
                    crate::cache::FolderInfo {
                        name: "INBOX".into(),
                        delimiter: Some("/".into()),
                        role: Some(quietpost_model::Role::Inbox),
                        selectable: true,
                    },
                    crate::cache::FolderInfo {
                        name: "Archive".into(),
                        delimiter: Some("/".into()),
                        role: Some(quietpost_model::Role::Archive),
                        selectable: true,
                    },
                    crate::cache::FolderInfo {
                        name: "Trash".into(),
                        delimiter: Some("/".into()),
                        role: Some(quietpost_model::Role::Trash),
                        selectable: true,
                    },
                ],
            )
            .unwrap();
        let folder = |cache: &Cache, name: &str| {
            cache
                .list(&ListQuery {
                    account: Some("a".into()),
                    folder: Some(name.into()),
                    limit: 9,
                    ..Default::default()
                })
                .unwrap()
        };
        let b = folder(&cache, "INBOX")[0].id;
        let moved = cache.record(b, &Action::Move("Archive".into())).unwrap();
        let archive = folder(&cache, "Archive");
        assert_eq!(archive.len(), 1);
        assert!(archive[0].pending && archive[0].id == b);
        assert_eq!(folder(&cache, "INBOX").len(), 1);
        let archive_id = cache.folder("a", "Archive").unwrap().unwrap().id;
        assert_eq!(cache.counts(archive_id).unwrap().0, 1);
        assert!(cache.undo(moved).unwrap());
        assert!(folder(&cache, "Archive").is_empty());
        assert_eq!(cache.counts(archive_id).unwrap().0, 0);
        // Two moves: only the last one's folder lists it.
        cache.record(b, &Action::Move("Archive".into())).unwrap();
        cache.record(b, &Action::Move("Trash".into())).unwrap();
        assert!(folder(&cache, "Archive").is_empty());
        assert_eq!(folder(&cache, "Trash").len(), 1);
        // Settled as a server would: stored in Trash, no longer pending.
        cache.settle_locally("a").unwrap();
        let trash = folder(&cache, "Trash");
        assert!(trash.len() == 1 && !trash[0].pending && trash[0].id == b);
        assert!(cache.pending("a").unwrap().is_empty());
        cache.record(b, &Action::Expunge).unwrap();
        assert!(folder(&cache, "Trash").is_empty());
        cache.settle_locally("a").unwrap();
        assert!(cache.message(b).unwrap().is_none());
        drop(dir);
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
