//! What the window's composer holds, kept while it is open: the fields as typed (JSON of
//! `Unsent`, rewritten as the person types) and the attached files (written when they change,
//! not with every keystroke). Removed once the message is in the outbox, saved as a draft or
//! discarded; what is left after a crash is offered again at the next start. Also: the kinds of
//! "what this message reveals" the person has seen, per account.

use super::Cache;
use crate::error::Result;
use quietpost_model::Unsent;
use rusqlite::{OptionalExtension, params};

impl Cache {
    /// Keeps `unsent` (as slot `id`, or a new slot); returns the slot.
    pub fn keep_composing(&mut self, id: Option<i64>, unsent: &Unsent, now: i64) -> Result<i64> {
        let err = self.err();
        let state = serde_json::to_string(unsent).unwrap_or_default();
        if let Some(id) = id {
            let n = self
                .conn
                .execute(
                    "UPDATE composing SET account = ?2, state = ?3, updated = ?4 WHERE id = ?1",
                    params![id, unsent.account, state, now],
                )
                .map_err(&err)?;
            if n == 1 {
                return Ok(id);
            }
        }
        self.conn
            .execute(
                "INSERT INTO composing (account, state, updated) VALUES (?1, ?2, ?3)",
                params![unsent.account, state, now],
            )
            .map_err(&err)?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Replaces slot `id`'s attached files (name and bytes, in order).
    pub fn keep_composing_files(&mut self, id: i64, files: &[(String, Vec<u8>)]) -> Result<()> {
        let path = self.path.clone();
        let err = super::db(&path);
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute("DELETE FROM composing_file WHERE composing = ?1", [id])
            .map_err(&err)?;
        for (i, (name, data)) in files.iter().enumerate() {
            tx.execute(
                "INSERT INTO composing_file (composing, position, name, data) VALUES (?1, ?2, ?3, ?4)",
                params![id, i as i64, name, data],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    /// Every kept slot, oldest first: its id, what was typed, when it was last kept. A slot
    /// whose state no longer reads (a damaged row) comes back empty, never as an error.
    pub fn composing(&self) -> Result<Vec<(i64, Unsent, i64)>> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare("SELECT id, account, state, updated FROM composing ORDER BY id")
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| {
                let account: String = r.get(1)?;
                let state: String = r.get(2)?;
                let unsent = serde_json::from_str(&state).unwrap_or_else(|_| Unsent {
                    account: account.clone(),
                    ..Unsent::default()
                });
                Ok((r.get(0)?, unsent, r.get(3)?))
            })
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&err)
    }

    /// Slot `id`'s attached files, in order.
    pub fn composing_files(&self, id: i64) -> Result<Vec<(String, Vec<u8>)>> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare("SELECT name, data FROM composing_file WHERE composing = ?1 ORDER BY position")
            .map_err(&err)?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&err)
    }

    /// Whether slot `id` is still kept.
    pub fn is_composing(&self, id: i64) -> Result<bool> {
        self.conn
            .query_row("SELECT 1 FROM composing WHERE id = ?1", [id], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(self.err())
    }

    /// Forgets slot `id` and its files.
    pub fn forget_composing(&mut self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM composing WHERE id = ?1", [id])
            .map(|_| ())
            .map_err(self.err())
    }

    /// The kinds of reveal the person has seen for `account`.
    pub fn reveal_seen(&self, account: &str) -> Result<Vec<String>> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare("SELECT kind FROM reveal_seen WHERE account = ?1 ORDER BY kind")
            .map_err(&err)?;
        let rows = stmt.query_map([account], |r| r.get(0)).map_err(&err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&err)
    }

    /// Records that the person has seen these kinds of reveal for `account`.
    pub fn see_reveal(&mut self, account: &str, kinds: &[String]) -> Result<()> {
        let err = self.err();
        for kind in kinds {
            self.conn
                .execute(
                    "INSERT OR IGNORE INTO reveal_seen (account, kind) VALUES (?1, ?2)",
                    params![account, kind],
                )
                .map_err(&err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_typed_is_kept_until_forgotten() {
        let dir = std::env::temp_dir().join(format!("qp-composing-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut cache = Cache::open_file(&dir.join("mail.sqlite3")).unwrap();
        let mut unsent = Unsent {
            account: "a".into(),
            to: "bob@example.org".into(),
            body: "Half a sentence".into(),
            ..Unsent::default()
        };
        let id = cache.keep_composing(None, &unsent, 1).unwrap();
        unsent.body.push_str(" and the rest.");
        assert_eq!(cache.keep_composing(Some(id), &unsent, 2).unwrap(), id);
        cache
            .keep_composing_files(id, &[("a.txt".into(), b"A".to_vec())])
            .unwrap();
        drop(cache);
        // As a new process finds it after a crash.
        let mut cache = Cache::open_file(&dir.join("mail.sqlite3")).unwrap();
        assert_eq!(cache.composing().unwrap(), [(id, unsent, 2)]);
        assert_eq!(
            cache.composing_files(id).unwrap(),
            [("a.txt".into(), b"A".to_vec())]
        );
        cache.forget_composing(id).unwrap();
        assert!(cache.composing().unwrap().is_empty());
        assert!(cache.composing_files(id).unwrap().is_empty());
        assert!(!cache.is_composing(id).unwrap());
        cache.see_reveal("a", &["route:direct".into()]).unwrap();
        cache.see_reveal("a", &["route:direct".into()]).unwrap();
        assert_eq!(cache.reveal_seen("a").unwrap(), ["route:direct"]);
        let _ = std::fs::remove_dir_all(dir);
    }
}
