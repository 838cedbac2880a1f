//! Actions on messages: taken locally at once (`act`), journalled, and replayed on the server
//! (`replay`) until it confirms.

use super::{Error, Result};
use quietpost_model::MessageId;
use quietpost_net::imap::mailbox::{self, Mail};
use quietpost_store::cache::{Action, Cache, Flags, Pending, Role};

/// Sends journalled actions to the server, oldest first. An action whose message is gone or
/// whose folder's UIDVALIDITY changed is dropped (its UID may now name another message); a
/// transient failure stops the replay and leaves the rest for next time.
pub async fn replay(mail: &mut Mail, cache: &mut Cache, account: &str) -> Result<(usize, usize)> {
    let mut applied = 0;
    let mut dropped = 0;
    let mut selected: Option<(String, Option<u32>)> = None;
    for p in cache.pending(account)? {
        if selected.as_ref().map(|s| &s.0) != Some(&p.folder) {
            match mail.select(&p.folder, None).await {
                Ok(s) => selected = Some((p.folder.clone(), s.uidvalidity)),
                Err(e) if e.is_transient() => {
                    cache.retry_later(&p, &e.to_string())?;
                    return Err(e.into());
                }
                Err(_) => {
                    // The folder is gone: nothing of it can be applied.
                    cache.abandon(&p)?;
                    dropped += 1;
                    continue;
                }
            }
        }
        if selected.as_ref().and_then(|s| s.1) != Some(p.uidvalidity) {
            cache.abandon(&p)?;
            dropped += 1;
            continue;
        }
        let result = apply(mail, &p).await;
        match result {
            Ok(()) => {
                cache.done(&p)?;
                applied += 1;
            }
            Err(e @ quietpost_net::Error::Protocol { .. }) => {
                tracing::warn!(action = ?p.action, error = %e, "server refused a journalled action");
                cache.abandon(&p)?;
                dropped += 1;
            }
            Err(e) => {
                cache.retry_later(&p, &e.to_string())?;
                return Err(e.into());
            }
        }
    }
    Ok((applied, dropped))
}

async fn apply(mail: &mut Mail, p: &Pending) -> quietpost_net::Result<()> {
    match &p.action {
        Action::Flag(f, on) => {
            // The journal only holds single system flags (`Action::decode` checks).
            let Some(name) = f.imap_name() else {
                return Err(quietpost_net::Error::Protocol {
                    host: mail.host().to_owned(),
                    detail: "not a system flag".into(),
                });
            };
            mail.store(p.uid, name, *on).await
        }
        Action::Move(to) => mail.move_to(p.uid, to).await,
        Action::Expunge => mail.expunge(p.uid).await,
    }
}

/// What a user can do to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verb {
    Flag(Flags, bool),
    Move(String),
    /// To the account's Trash.
    Delete,
    /// To the account's Archive.
    Archive,
    /// Removed for good: only a draft in the Drafts folder (once it is sent, or discarded).
    RemoveDraft,
}

/// Takes an action locally at once and journals it for the server (see `replay`). Deleting a
/// message that is already in Trash deletes it for good. Returns what was recorded, or `None`
/// when there is nothing to do (a move to the folder the message is in).
pub fn act(cache: &mut Cache, id: MessageId, verb: &Verb) -> Result<Option<Action>> {
    Ok(act_undoable(cache, id, verb)?.map(|(action, _)| action))
}

/// A way to take back an action while the server has not been sent it ([`undo`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undo(i64);

/// As [`act`], with the way to take the action back.
pub fn act_undoable(
    cache: &mut Cache,
    id: MessageId,
    verb: &Verb,
) -> Result<Option<(Action, Undo)>> {
    let row = cache
        .message(id)?
        .ok_or(quietpost_store::Error::NoMessage(id))?;
    let folders = cache.folders(&row.account)?;
    let by_role = |role: Role, what: &'static str| {
        folders
            .iter()
            .find(|f| f.info.role == Some(role))
            .map(|f| f.info.name.clone())
            .ok_or(Error::NoRole(what))
    };
    let action = match verb {
        Verb::Flag(f, on) => Action::Flag(*f, *on),
        Verb::Move(to) => {
            let target = folders
                .iter()
                .find(|f| &f.info.name == to || &mailbox::decode_name(&f.info.name) == to)
                .ok_or_else(|| Error::NoFolder(to.clone()))?;
            Action::Move(target.info.name.clone())
        }
        Verb::Delete => {
            let in_trash = folders
                .iter()
                .any(|f| f.info.name == row.folder && f.info.role == Some(Role::Trash));
            if in_trash {
                Action::Expunge
            } else {
                Action::Move(by_role(Role::Trash, "Trash")?)
            }
        }
        Verb::Archive => Action::Move(by_role(Role::Archive, "Archive")?),
        Verb::RemoveDraft => {
            let in_drafts = folders
                .iter()
                .any(|f| f.info.name == row.folder && f.info.role == Some(Role::Drafts));
            if !in_drafts {
                return Err(Error::NotADraft);
            }
            Action::Expunge
        }
    };
    if let Action::Move(to) = &action
        && to == &row.folder
    {
        return Ok(None);
    }
    let entry = cache.record(id, &action)?;
    Ok(Some((action, Undo(entry))))
}

/// Takes back an action the server has not been sent yet (the message is where it was, the flag
/// as it was). `false` when it is too late: the server already has it.
pub fn undo(cache: &mut Cache, undo: Undo) -> Result<bool> {
    Ok(cache.undo(undo.0)?)
}
