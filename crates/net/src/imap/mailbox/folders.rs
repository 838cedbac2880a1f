//! The folder list (LIST, with each folder's state when the server has LIST-STATUS) and
//! QRESYNC's ENABLE, which goes out with it.

use super::Mail;
use crate::error::Result;
use async_imap::imap_proto::{MailboxDatum, NameAttribute, Response, StatusAttribute};

/// A folder as LIST reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The name as the server spells it (modified UTF-7 for non-ASCII; see `decode_name`).
    pub name: String,
    pub delimiter: Option<String>,
    /// Name attributes, lower case: `\noselect`, `\sent`, `\trash` ...
    pub attributes: Vec<String>,
    /// The folder's state, when the server reports it with the list (LIST-STATUS).
    pub status: Option<FolderStatus>,
}

/// STATUS of a folder: enough to tell that nothing changed without selecting it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderStatus {
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highestmodseq: Option<u64>,
    pub messages: Option<u32>,
}

impl Mail {
    /// Turns on QRESYNC (RFC 7162) if the server offers it; returns whether it is on.
    pub async fn enable_qresync(&mut self) -> Result<bool> {
        self.enable_soon = false;
        if self.qresync {
            return Ok(true);
        }
        if !self.offers_qresync() {
            return Ok(false);
        }
        let tag = self.send("ENABLE QRESYNC").await?;
        self.read_until(&[tag], "ENABLE", |_, _| Ok(())).await?;
        self.qresync = true;
        Ok(true)
    }

    /// Turns on QRESYNC, if the server offers it, with the next [`Mail::folders`]: both
    /// commands go out together, one round trip instead of two. A [`Mail::select`] before that
    /// turns it on first (ENABLE is valid only before a folder is selected).
    pub fn enable_qresync_soon(&mut self) {
        self.enable_soon = !self.qresync && self.offers_qresync();
    }

    fn offers_qresync(&self) -> bool {
        self.has("QRESYNC") && self.has("CONDSTORE") && self.has("ENABLE")
    }

    /// Whether QRESYNC is on (after [`Mail::enable_qresync`], or after the [`Mail::folders`]
    /// that [`Mail::enable_qresync_soon`] asked to turn it on).
    pub fn qresync(&self) -> bool {
        self.qresync
    }

    /// Every folder, with SPECIAL-USE attributes when the server has them, and with each
    /// folder's STATUS in the same round trip when it has LIST-STATUS (RFC 5819) and CONDSTORE.
    pub async fn folders(&mut self) -> Result<Vec<Listed>> {
        let mut returns = Vec::new();
        if self.has("LIST-EXTENDED") && self.has("SPECIAL-USE") {
            returns.push("SPECIAL-USE");
        }
        if self.has("LIST-STATUS") && self.has("CONDSTORE") {
            returns.push("STATUS (UIDVALIDITY UIDNEXT HIGHESTMODSEQ MESSAGES)");
        }
        let command = if returns.is_empty() {
            "LIST \"\" \"*\"".to_owned()
        } else {
            format!("LIST \"\" \"*\" RETURN ({})", returns.join(" "))
        };
        let mut tags = Vec::new();
        let enabling = std::mem::take(&mut self.enable_soon);
        if enabling {
            tags.push(self.send("ENABLE QRESYNC").await?);
        }
        tags.push(self.send(&command).await?);
        let mut out: Vec<Listed> = Vec::new();
        let mut statuses: Vec<(String, FolderStatus)> = Vec::new();
        // (ENABLE's own reply, `* ENABLED`, is neither a listing nor a status.)
        let what = if enabling { "ENABLE or LIST" } else { "LIST" };
        self.read_until(&tags, what, |_, r| {
            if let Response::MailboxData(MailboxDatum::Status { mailbox, status }) = r {
                let mut st = FolderStatus::default();
                for a in status {
                    match a {
                        StatusAttribute::UidValidity(v) => st.uidvalidity = Some(*v),
                        StatusAttribute::UidNext(v) => st.uidnext = Some(*v),
                        StatusAttribute::HighestModSeq(v) => st.highestmodseq = Some(*v),
                        StatusAttribute::Messages(v) => st.messages = Some(*v),
                        _ => {}
                    }
                }
                statuses.push((mailbox.to_string(), st));
            }
            if let Response::MailboxData(MailboxDatum::List(l)) = r {
                out.push(Listed {
                    name: l.name.to_string(),
                    delimiter: l.delimiter.as_deref().map(str::to_owned),
                    attributes: l
                        .name_attributes
                        .iter()
                        .map(|a| {
                            match a {
                                NameAttribute::NoInferiors => "\\noinferiors",
                                NameAttribute::NoSelect => "\\noselect",
                                NameAttribute::Marked => "\\marked",
                                NameAttribute::Unmarked => "\\unmarked",
                                NameAttribute::All => "\\all",
                                NameAttribute::Archive => "\\archive",
                                NameAttribute::Drafts => "\\drafts",
                                NameAttribute::Flagged => "\\flagged",
                                NameAttribute::Junk => "\\junk",
                                NameAttribute::Sent => "\\sent",
                                NameAttribute::Trash => "\\trash",
                                NameAttribute::Extension(e) => return e.to_ascii_lowercase(),
                                _ => "\\unknown",
                            }
                            .to_owned()
                        })
                        .collect(),
                    status: None,
                });
            }
            Ok(())
        })
        .await?;
        if enabling {
            self.qresync = true;
        }
        for (name, st) in statuses {
            if let Some(l) = out.iter_mut().find(|l| l.name == name) {
                l.status = Some(st);
            }
        }
        Ok(out)
    }
}
