//! The outbox: every outgoing message is written here before any network step, and each
//! submission is recorded before and after DATA, so that after a crash a message is never
//! silently lost and never silently sent twice.
//!
//! States: `Queued` (waiting, or waiting to be retried after `last_error`) → `Sending` (DATA may
//! have begun) → `Sent` (the server said 250; still to be filed in Sent) → gone. A message found
//! `Sending` when the outbox is opened after a crash becomes `Unknown`: the server may or may not
//! have accepted it, and only the user can decide to send it again. `Failed` is a refusal that
//! retrying cannot fix (a rejected recipient).
//!
//! Only one process submits at a time: a sender holds the [`SendLock`] (an OS file lock beside
//! the cache, released by the OS when the process dies) from before it reads a message's state
//! until it has recorded the outcome. So a `Sending` message found while nobody holds the lock
//! was left by a process that died; one found while another process holds it is being sent.

use super::{Cache, OutboxState, Outgoing, db};
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, params};
use std::path::PathBuf;

/// Proof that this process is the one submitting (see the module documentation). Dropping it
/// releases the lock.
#[derive(Debug)]
pub struct SendLock(#[allow(dead_code)] std::fs::File);

const COLUMNS: &str = "id, account, message_id, raw, envelope_from, recipients, state, attempts,
    last_error, next_attempt";

fn outgoing(r: &rusqlite::Row<'_>) -> rusqlite::Result<Outgoing> {
    let recipients: String = r.get(5)?;
    let state: String = r.get(6)?;
    Ok(Outgoing {
        id: r.get(0)?,
        account: r.get(1)?,
        message_id: r.get(2)?,
        raw: r.get(3)?,
        envelope_from: r.get(4)?,
        recipients: recipients.lines().map(str::to_owned).collect(),
        state: OutboxState::parse(&state),
        attempts: r.get(7)?,
        last_error: r.get(8)?,
        next_attempt: r.get(9)?,
    })
}

impl Cache {
    fn send_lock_file(&self) -> Result<(PathBuf, std::fs::File)> {
        let mut name = self.path.as_os_str().to_owned();
        name.push("-send.lock");
        let path = PathBuf::from(name);
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        Ok((path, file))
    }

    /// Waits until no other process is submitting, then holds the lock.
    pub fn send_lock(&self) -> Result<SendLock> {
        let (path, file) = self.send_lock_file()?;
        file.lock().map_err(|source| Error::Io { path, source })?;
        Ok(SendLock(file))
    }

    /// The lock if no other process is submitting right now.
    pub fn try_send_lock(&self) -> Result<Option<SendLock>> {
        let (path, file) = self.send_lock_file()?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SendLock(file))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(source)) => Err(Error::Io { path, source }),
        }
    }

    /// Puts a message in the outbox (before anything is sent). Returns its outbox id.
    pub fn queue(
        &mut self,
        account: &str,
        message_id: &str,
        raw: &[u8],
        envelope_from: &str,
        recipients: &[String],
    ) -> Result<i64> {
        let err = self.err();
        self.conn
            .execute(
                "INSERT INTO outbox (account, message_id, raw, envelope_from, recipients, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'queued')",
                params![
                    account,
                    message_id,
                    raw,
                    envelope_from,
                    recipients.join("\n")
                ],
            )
            .map_err(&err)?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Everything in the outbox, oldest first.
    pub fn outbox(&self, account: Option<&str>) -> Result<Vec<Outgoing>> {
        let err = self.err();
        self.conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM outbox WHERE ?1 IS NULL OR account = ?1 ORDER BY id"
            ))
            .map_err(&err)?
            .query_map([account], outgoing)
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)
    }

    pub fn outgoing(&self, id: i64) -> Result<Option<Outgoing>> {
        let err = self.err();
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                outgoing,
            )
            .optional()
            .map_err(err)
    }

    fn set_state(
        &mut self,
        id: i64,
        state: OutboxState,
        error: Option<&str>,
        next_attempt: Option<i64>,
        attempt: bool,
    ) -> Result<()> {
        let err = db(&self.path);
        self.conn
            .execute(
                "UPDATE outbox SET state = ?2, last_error = coalesce(?3, last_error),
                    next_attempt = ?4, attempts = attempts + ?5 WHERE id = ?1",
                params![id, state.as_str(), error, next_attempt, i64::from(attempt)],
            )
            .map_err(err)?;
        Ok(())
    }

    /// About to hand the message to the server (before DATA). Committed before the network
    /// step: a crash from here on leaves `Sending`, read back as `Unknown`.
    pub fn sending(&mut self, id: i64) -> Result<()> {
        self.set_state(id, OutboxState::Sending, None, None, true)
    }

    /// The server accepted it (250 after DATA); it still has to be filed in Sent.
    pub fn sent(&mut self, id: i64) -> Result<()> {
        self.set_state(id, OutboxState::Sent, None, None, false)
    }

    /// Not sent this time (nothing was accepted); retried after `retry_at`. Counts as an
    /// attempt, so the delay before the next one can grow.
    pub fn retry_at(&mut self, id: i64, reason: &str, retry_at: i64) -> Result<()> {
        self.set_state(id, OutboxState::Queued, Some(reason), Some(retry_at), true)
    }

    /// Refused for good (the user must change something).
    pub fn failed(&mut self, id: i64, reason: &str) -> Result<()> {
        self.set_state(id, OutboxState::Failed, Some(reason), None, false)
    }

    /// The connection ended after the message went out and before the server confirmed it.
    pub fn unknown(&mut self, id: i64, reason: &str) -> Result<()> {
        self.set_state(id, OutboxState::Unknown, Some(reason), None, false)
    }

    /// The user chose to send an `Unknown` or `Failed` message again.
    pub fn requeue(&mut self, id: i64) -> Result<()> {
        self.set_state(id, OutboxState::Queued, None, None, false)
    }

    /// The message leaves the outbox: filed in Sent, or discarded by the user.
    pub fn remove_outgoing(&mut self, id: i64) -> Result<()> {
        let err = self.err();
        self.conn
            .execute("DELETE FROM outbox WHERE id = ?1", [id])
            .map_err(err)?;
        Ok(())
    }

    /// After a crash: a message left `Sending` may or may not have been accepted. It becomes
    /// `Unknown`, for the user to decide; never silently sent again. Returns how many. Holding
    /// the [`SendLock`] is what makes this safe: no live process is sending meanwhile.
    pub fn recover_outbox(&mut self, _sender: &SendLock) -> Result<usize> {
        let err = self.err();
        self.conn
            .execute(
                "UPDATE outbox SET state = 'unknown',
                    last_error = 'the program stopped while this message was being sent'
                 WHERE state = 'sending'",
                [],
            )
            .map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::temp;
    use super::*;

    #[test]
    fn a_message_is_never_lost_nor_silently_sent_twice() {
        let (dir, mut cache) = temp();
        let rcpt = vec![
            "bob@example.net".to_owned(),
            "hidden@example.com".to_owned(),
        ];
        let id = cache
            .queue("a", "<x@example.org>", b"raw", "alice@example.org", &rcpt)
            .unwrap();
        let q = cache.outgoing(id).unwrap().unwrap();
        assert_eq!((q.state, q.recipients.clone()), (OutboxState::Queued, rcpt));
        cache.sending(id).unwrap();
        // The process dies here; the next start cannot know whether the server took it.
        drop(cache);
        let mut cache = Cache::open_file(&dir.join("data/mail.sqlite3")).unwrap();
        let lock = cache
            .try_send_lock()
            .unwrap()
            .expect("nobody else is sending");
        assert!(
            cache.try_send_lock().unwrap().is_none(),
            "one sender at a time"
        );
        assert_eq!(cache.recover_outbox(&lock).unwrap(), 1);
        let q = cache.outgoing(id).unwrap().unwrap();
        assert_eq!(q.state, OutboxState::Unknown);
        assert_eq!(q.attempts, 1);
        assert!(q.last_error.unwrap().contains("stopped"));
        // The user decides: send again.
        cache.requeue(id).unwrap();
        cache.sending(id).unwrap();
        cache.retry_at(id, "connection refused", 100).unwrap();
        let q = cache.outgoing(id).unwrap().unwrap();
        assert_eq!(q.state, OutboxState::Queued);
        assert_eq!(q.attempts, 3);
        assert_eq!(q.last_error.as_deref(), Some("connection refused"));
        assert_eq!(q.next_attempt, Some(100));
        cache.sending(id).unwrap();
        cache.sent(id).unwrap();
        assert_eq!(cache.recover_outbox(&lock).unwrap(), 0, "sent is sent");
        cache.remove_outgoing(id).unwrap();
        assert!(cache.outbox(None).unwrap().is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
