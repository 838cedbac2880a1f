//! The network ledger: for each message, what happened to each remote reference it carries
//! when the user asked to load them (loaded through which proxy and when, or failed and why).
//! References never asked for have no row: they are blocked, and the caller says so.

use super::{Cache, db};
use crate::error::Result;
use quietpost_model::MessageId;
use rusqlite::params;

/// One remote reference of a message and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub url: String,
    /// The kind, as `RemoteKind::as_str` writes it.
    pub kind: String,
    /// `loaded`, `failed` or `blocked`.
    pub state: String,
    /// The proxy it went (or would have gone) through.
    pub via: Option<String>,
    /// Seconds since 1970 (UTC).
    pub at: Option<i64>,
    pub detail: String,
}

impl Cache {
    /// Records the outcome of a load of message `message`'s remote references (replacing what
    /// an earlier load recorded for the same references), in one transaction.
    pub fn record_ledger(&mut self, message: MessageId, rows: &[LedgerRow]) -> Result<()> {
        let message = message.0;
        let err = db(&self.path);
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut put = tx
                .prepare(
                    "INSERT OR REPLACE INTO ledger (message, url, kind, state, via, at, detail)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(&err)?;
            for r in rows {
                put.execute(params![
                    message, r.url, r.kind, r.state, r.via, r.at, r.detail
                ])
                .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// What was recorded for message `message`, in the order it was recorded.
    pub fn ledger(&self, message: MessageId) -> Result<Vec<LedgerRow>> {
        let message = message.0;
        let err = self.err();
        self.conn
            .prepare(
                "SELECT url, kind, state, via, at, detail FROM ledger WHERE message = ?1
                 ORDER BY rowid",
            )
            .map_err(&err)?
            .query_map([message], |r| {
                Ok(LedgerRow {
                    url: r.get(0)?,
                    kind: r.get(1)?,
                    state: r.get(2)?,
                    via: r.get(3)?,
                    at: r.get(4)?,
                    detail: r.get(5)?,
                })
            })
            .map_err(&err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(&err)
    }
}
