//! The sync engine: server folders and messages into the local cache, and actions taken
//! locally back to the server.
//!
//! One pass (`sync_account`) logs in, replays the action journal, lists folders and brings
//! each folder up to date:
//!
//! - a folder never synced (or whose UIDVALIDITY changed: it is rebuilt) gets every UID the
//!   server has, then summaries fetched newest first in pipelined batches, each batch one
//!   cache transaction;
//! - with QRESYNC and a known state, SELECT itself reports what vanished and which flags
//!   changed; if HIGHESTMODSEQ and UIDNEXT did not move, that one round trip is all;
//! - otherwise (no QRESYNC), all UIDs and flags are compared with the cache.
//!
//! The folder's state (UIDNEXT, HIGHESTMODSEQ) is written only after everything it vouches for
//! is stored, so a pass interrupted at any point (killed, server gone) leaves a cache that the
//! next pass completes without duplicates.

use crate::accounts;
use quietpost_model::{MessageId, SafeMessage, Secret};
use quietpost_net::imap::mailbox::{self, Fetched, Listed};
use quietpost_net::{Timeouts, imap};
use quietpost_render::{Limits, Options};
use quietpost_store::cache::{Cache, Flags, Folder, FolderInfo, Indexing, Role, Summary};
use quietpost_store::config::Account;
use std::collections::{HashMap, HashSet};

mod actions;
mod bodies;
pub use actions::{Undo, Verb, act, act_undoable, replay, undo};
use bodies::fetch_bodies;
/// The IMAP connection a pass runs over ([`connect`]).
pub use quietpost_net::imap::mailbox::Mail;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Account(#[from] accounts::Error),
    #[error(transparent)]
    Net(#[from] quietpost_net::Error),
    #[error(transparent)]
    Store(#[from] quietpost_store::Error),
    #[error("no folder named {0}")]
    NoFolder(String),
    #[error("the account has no {0} folder")]
    NoRole(&'static str),
    #[error("the message is not a draft in the Drafts folder")]
    NotADraft,
    /// A task ended before it finished (the program is closing).
    #[error("the task was stopped before it finished")]
    Stopped,
}

impl Error {
    /// Worth retrying later without changing anything (offline, server restarting).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Net(e) => e.is_transient(),
            _ => false,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// How a pass runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Only this folder (the server's name or its decoded display name).
    pub folder: Option<String>,
    /// Also download every message body (else bodies come on demand).
    pub bodies: bool,
    pub timeouts: Timeouts,
    /// Use CONDSTORE/QRESYNC when offered (off only to test the fallback).
    pub extensions: bool,
    /// Messages per summary FETCH.
    pub batch: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            folder: None,
            bodies: false,
            timeouts: Timeouts::default(),
            extensions: true,
            batch: 1000,
        }
    }
}

/// Progress, as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// Journalled actions were sent to the server.
    Replayed {
        applied: usize,
        dropped: usize,
    },
    /// A folder's pass began; `total` messages are to be fetched.
    FolderStarted {
        folder: String,
        total: usize,
    },
    /// `done` of `total` fetched so far.
    Progress {
        folder: String,
        done: usize,
        total: usize,
    },
    FolderDone(FolderReport),
}

/// What a pass changed in one folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderReport {
    pub folder: String,
    pub new: usize,
    pub flags_changed: usize,
    pub removed: usize,
    pub bodies: usize,
    /// UIDVALIDITY changed: the cached copy was dropped and fetched again.
    pub rebuilt: bool,
    /// Which method the pass used: "qresync", "condstore" or "full".
    pub method: &'static str,
}

/// What a whole pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub folders: Vec<FolderReport>,
    pub actions_applied: usize,
    pub actions_dropped: usize,
}

/// Logs in to the account's IMAP server.
pub async fn connect(account: &Account, password: &Secret, timeouts: Timeouts) -> Result<Mail> {
    connect_asking(account, async { Ok(password.clone()) }, timeouts).await
}

/// A connection made while the password was being asked for longer than this is made again
/// before the login: a server may give up on a connection that stays silent (a keychain that
/// prompted to be unlocked).
const PASSWORD_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// Logs in to the account's IMAP server with the password `asking` gives, asked for while the
/// connection is made: a keychain or a password command takes about as long as the TLS
/// handshake, and neither need wait for the other. Nothing but what TLS needs is sent before
/// the password is there; if it cannot be had, that is the error, whatever the network did.
pub async fn connect_asking<F>(account: &Account, asking: F, timeouts: Timeouts) -> Result<Mail>
where
    F: std::future::Future<Output = std::result::Result<Secret, accounts::Error>>,
{
    let ep = accounts::endpoint(account, &account.imap)?;
    let started = std::time::Instant::now();
    let (connected, password) = tokio::join!(imap::connect(&ep, &timeouts), asking);
    let password = password?;
    let connected = if started.elapsed() > PASSWORD_PATIENCE {
        drop(connected);
        imap::connect(&ep, &timeouts).await?
    } else {
        connected?
    };
    let auth = imap::authenticate(connected, &ep, &account.user, &password, &timeouts).await?;
    let mut mail = Mail::new(auth, &ep, timeouts).await?;
    // Bodies may come over more connections than this one (`fetch_bodies`).
    mail.keep_login(ep, account.user.clone(), password);
    Ok(mail)
}

/// The role a listed folder plays: its SPECIAL-USE attribute, INBOX by name, or (for servers
/// without SPECIAL-USE) a usual name when no folder claims that role.
pub(crate) fn roles(listed: &[Listed]) -> Vec<Option<Role>> {
    let by_attribute = |l: &Listed| {
        l.attributes.iter().find_map(|a| {
            Some(match a.as_str() {
                "\\sent" => Role::Sent,
                "\\drafts" => Role::Drafts,
                "\\trash" => Role::Trash,
                "\\junk" => Role::Junk,
                "\\archive" => Role::Archive,
                _ => return None,
            })
        })
    };
    let mut roles: Vec<Option<Role>> = listed
        .iter()
        .map(|l| {
            if l.name.eq_ignore_ascii_case("INBOX") {
                Some(Role::Inbox)
            } else {
                by_attribute(l)
            }
        })
        .collect();
    const USUAL: [(Role, &[&str]); 5] = [
        (
            Role::Sent,
            &["sent", "sent items", "sent messages", "sent mail"],
        ),
        (Role::Drafts, &["drafts"]),
        (
            Role::Trash,
            &["trash", "deleted items", "deleted messages", "bin"],
        ),
        (Role::Junk, &["junk", "spam", "junk e-mail"]),
        (Role::Archive, &["archive", "archives"]),
    ];
    for (role, names) in USUAL {
        if roles.contains(&Some(role)) {
            continue;
        }
        if let Some(i) = listed.iter().position(|l| {
            let leaf = l
                .delimiter
                .as_deref()
                .and_then(|d| l.name.rsplit(d).next())
                .unwrap_or(&l.name);
            names.contains(&leaf.to_ascii_lowercase().as_str())
        }) && roles[i].is_none()
        {
            roles[i] = Some(role);
        }
    }
    roles
}

/// A summary for the list, read by the render crate from the fetched header: the same
/// analysis the reader makes of the whole message, so both name the same sender.
pub fn summarize(f: &Fetched) -> Summary {
    let header: std::borrow::Cow<'_, [u8]> =
        if f.header.ends_with(b"\r\n\r\n") || f.header.ends_with(b"\n\n") {
            std::borrow::Cow::Borrowed(&f.header)
        } else {
            let mut ended = f.header.clone();
            ended.extend_from_slice(b"\r\n");
            std::borrow::Cow::Owned(ended)
        };
    let (m, attachments) = quietpost_render::list_summary(&header, &Options::default());
    let mut summary = summary_of(&m);
    summary.uid = f.uid;
    summary.modseq = f.modseq;
    summary.flags = Flags::from_imap(f.flags.iter().map(String::as_str));
    summary.received = f.received;
    summary.size = f.size;
    summary.attachments = attachments;
    summary
}

/// What the list keeps of a message the render crate analysed (its header or all of it).
pub fn summary_of(m: &SafeMessage) -> Summary {
    let addr = |a: &quietpost_model::Addr| match (&a.name, &a.address) {
        (Some(n), Some(ad)) => format!("{} <{}>", n.as_str(), ad.as_str()),
        (None, Some(ad)) => ad.as_str().to_owned(),
        (Some(n), None) => n.as_str().to_owned(),
        (None, None) => String::new(),
    };
    Summary {
        date: m.date.clone(),
        subject: m.subject.as_str().to_owned(),
        from_name: m
            .from
            .iter()
            .find_map(|a| a.name.as_ref())
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default(),
        from_address: m
            .from
            .iter()
            .filter_map(|a| a.address.as_ref().map(|s| s.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        sender: Some(m.sender_summary()),
        recipients: m
            .to
            .iter()
            .chain(&m.cc)
            .map(addr)
            .collect::<Vec<_>>()
            .join(", "),
        message_id: m.message_id.as_ref().map(|s| s.as_str().to_owned()),
        ..Summary::default()
    }
}

/// The text indexed for search, and whether the message has attachments (whose contents the
/// render crate leaves out before reading).
pub(crate) fn index_text(raw: &[u8]) -> (String, bool) {
    quietpost_render::search_text(raw, &Limits::default())
}

/// One pass over the account (see the module documentation).
pub async fn sync_account(
    mail: &mut Mail,
    cache: &mut Cache,
    account: &Account,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(Update) + Send),
) -> Result<Report> {
    let mut report = Report::default();
    if options.extensions {
        // With the folder listing below (or before replay's first SELECT, if it has any).
        mail.enable_qresync_soon();
    }
    let (applied, dropped) = replay(mail, cache, &account.name).await?;
    report.actions_applied = applied;
    report.actions_dropped = dropped;
    if applied + dropped > 0 {
        progress(Update::Replayed { applied, dropped });
    }
    let listed = mail.folders().await?;
    let roles = roles(&listed);
    let infos: Vec<FolderInfo> = listed
        .iter()
        .zip(roles)
        .map(|(l, role)| FolderInfo {
            name: l.name.clone(),
            delimiter: l.delimiter.clone(),
            role,
            selectable: !l
                .attributes
                .iter()
                .any(|a| a == "\\noselect" || a == "\\nonexistent"),
        })
        .collect();
    cache.set_folders(&account.name, &infos)?;
    let folders: Vec<Folder> = cache
        .folders(&account.name)?
        .into_iter()
        .filter(|f| f.info.selectable)
        .collect();
    let chosen: Vec<Folder> = match &options.folder {
        None => folders,
        Some(name) => {
            let f = folders
                .into_iter()
                .find(|f| &f.info.name == name || &mailbox::decode_name(&f.info.name) == name)
                .ok_or_else(|| Error::NoFolder(name.clone()))?;
            vec![f]
        }
    };
    for folder in chosen {
        let status = listed
            .iter()
            .find(|l| l.name == folder.info.name)
            .and_then(|l| l.status);
        let r = sync_folder(mail, cache, &folder, status, options, progress).await?;
        progress(Update::FolderDone(r.clone()));
        report.folders.push(r);
    }
    Ok(report)
}

/// Brings one folder up to date. With the folder's STATUS from the listing (LIST-STATUS), a
/// folder whose UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ all match the cache is not even
/// selected: nothing was added, expunged or flagged since.
pub async fn sync_folder(
    mail: &mut Mail,
    cache: &mut Cache,
    folder: &Folder,
    status: Option<mailbox::FolderStatus>,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(Update) + Send),
) -> Result<FolderReport> {
    let name = folder.info.name.clone();
    let mut report = FolderReport {
        folder: name.clone(),
        ..FolderReport::default()
    };
    if let Some(st) = status
        && options.extensions
        && folder.uidnext.is_some()
        && folder.highestmodseq.is_some()
        && st.uidvalidity == folder.uidvalidity
        && st.uidnext == folder.uidnext
        && st.highestmodseq == folder.highestmodseq
        && !(options.bodies && cache.has_missing_bodies(folder.id)?)
        && cache.unanalysed(folder.id)?.is_empty()
    {
        report.method = "unchanged";
        return Ok(report);
    }
    // A state is usable only if complete (UIDNEXT is written last).
    let known = match (folder.uidvalidity, folder.uidnext, folder.highestmodseq) {
        (Some(v), Some(_), Some(m)) if options.extensions && mail.qresync() => Some((v, m)),
        _ => None,
    };
    let selected = mail.select(&name, known).await?;
    let uidvalidity = selected
        .uidvalidity
        .ok_or_else(|| quietpost_net::Error::Protocol {
            host: mail.host().to_owned(),
            detail: format!("no UIDVALIDITY for {name}"),
        })?;
    report.rebuilt = cache.begin_folder(folder.id, uidvalidity)?;
    let state_complete =
        !report.rebuilt && folder.uidvalidity == Some(uidvalidity) && folder.uidnext.is_some();
    let modseq = if options.extensions {
        selected.highestmodseq
    } else {
        None
    };

    let missing: Vec<u32> = if state_complete && known.is_some() {
        report.method = "qresync";
        // What vanished and what changed came with SELECT.
        // Never a scan of the cached UIDs: a no-change pass costs the same at any size.
        let vanished: Vec<(u32, u32)> = selected
            .vanished
            .iter()
            .map(|r| (*r.start(), *r.end()))
            .collect();
        report.removed = cache.remove_uid_ranges(folder.id, &vanished)?;
        // Messages new since the last pass come with the new UIDs below.
        let old_next = folder.uidnext.unwrap_or(u32::MAX);
        let changes: Vec<(u32, Flags, Option<u64>)> = selected
            .changed
            .iter()
            .filter(|c| c.uid < old_next)
            .map(|c| {
                (
                    c.uid,
                    Flags::from_imap(c.flags.iter().map(String::as_str)),
                    c.modseq,
                )
            })
            .collect();
        report.flags_changed = changes.len();
        cache.update_flags(folder.id, &changes)?;
        new_uids(mail, folder, &selected).await?
    } else if state_complete && modseq.is_some() && folder.highestmodseq.is_some() {
        report.method = "condstore";
        let changed = mail.flags(folder.highestmodseq).await?;
        let changes: Vec<(u32, Flags, Option<u64>)> = changed
            .iter()
            .map(|c| {
                (
                    c.uid,
                    Flags::from_imap(c.flags.iter().map(String::as_str)),
                    c.modseq,
                )
            })
            .collect();
        report.flags_changed = changes.len();
        cache.update_flags(folder.id, &changes)?;
        let server: HashSet<u32> = mail.uids().await?.into_iter().collect();
        let local = cache.uid_flags(folder.id)?;
        let gone: Vec<u32> = local
            .iter()
            .map(|(u, _)| *u)
            .filter(|u| !server.contains(u))
            .collect();
        report.removed = gone.len();
        cache.remove_uids(folder.id, &gone)?;
        let local: HashSet<u32> = local.into_iter().map(|(u, _)| u).collect();
        server.into_iter().filter(|u| !local.contains(u)).collect()
    } else {
        report.method = "full";
        let local = cache.uid_flags(folder.id)?;
        if local.is_empty() {
            mail.uids().await?
        } else {
            let server = mail.flags(None).await?;
            let local_map: HashMap<u32, Flags> = local.iter().copied().collect();
            let server_uids: HashSet<u32> = server.iter().map(|s| s.uid).collect();
            let gone: Vec<u32> = local
                .iter()
                .map(|(u, _)| *u)
                .filter(|u| !server_uids.contains(u))
                .collect();
            report.removed = gone.len();
            cache.remove_uids(folder.id, &gone)?;
            let mut changes = Vec::new();
            let mut missing = Vec::new();
            for s in &server {
                let flags = Flags::from_imap(s.flags.iter().map(String::as_str));
                match local_map.get(&s.uid) {
                    Some(f) if *f != flags => changes.push((s.uid, flags, s.modseq)),
                    Some(_) => {}
                    None => missing.push(s.uid),
                }
            }
            report.flags_changed = changes.len();
            cache.update_flags(folder.id, &changes)?;
            missing
        }
    };

    // Rows cached before the sender analysis was stored: their header is read again (they
    // keep their ids; the summary replaces the old one).
    let mut missing = missing;
    let again = cache.unanalysed(folder.id)?;
    let reread = again.len();
    missing.extend(again);
    report.new = fetch_summaries(mail, cache, folder, missing, options, progress)
        .await?
        .saturating_sub(reread);
    // Everything below UIDNEXT is now cached: the state may say so.
    cache.set_folder_state(folder.id, selected.uidnext, modseq)?;
    // The files of large bodies whose messages went (expunged, the folder rebuilt).
    cache.remove_dropped_bodies()?;
    if options.bodies {
        let bodies = fetch_bodies(mail, cache, folder, uidvalidity, progress).await;
        // Messages whose body did not come (or a pass killed earlier) are searchable by
        // subject and addresses all the same.
        cache.index_pending(folder.id)?;
        report.bodies = bodies?;
    } else {
        cache.index_pending(folder.id)?;
    }
    Ok(report)
}

/// UIDs at or above the cached UIDNEXT.
async fn new_uids(
    mail: &mut Mail,
    folder: &Folder,
    selected: &mailbox::Selected,
) -> Result<Vec<u32>> {
    let from = folder.uidnext.unwrap_or(1);
    if selected.uidnext.is_some_and(|n| n <= from) {
        return Ok(Vec::new());
    }
    // `n:*` always includes the highest UID, even below n: filter.
    Ok(mail
        .uids_from(from)
        .await?
        .into_iter()
        .filter(|u| *u >= from)
        .collect())
}

async fn fetch_summaries(
    mail: &mut Mail,
    cache: &mut Cache,
    folder: &Folder,
    mut missing: Vec<u32>,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(Update) + Send),
) -> Result<usize> {
    let name = folder.info.name.clone();
    let total = missing.len();
    progress(Update::FolderStarted {
        folder: name.clone(),
        total,
    });
    if total == 0 {
        return Ok(0);
    }
    // Newest first.
    missing.sort_unstable_by(|a, b| b.cmp(a));
    let sets: Vec<String> = growing_chunks(&missing, options.batch)
        .map(mailbox::uid_set)
        .collect();
    // Three stages, as for bodies: this task reads from the network, a second thread makes
    // the summaries (render), a third stores them over its own connection to the cache.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Fetched>>(4);
    let (made_tx, made_rx) = std::sync::mpsc::sync_channel::<Vec<Summary>>(4);
    let maker = tokio::task::spawn_blocking(move || {
        for batch in rx {
            if made_tx.send(batch.iter().map(summarize).collect()).is_err() {
                break;
            }
        }
    });
    let mut writer = cache.reopen()?;
    let folder_id = folder.id;
    // With bodies coming next, each message enters the search index once, with its body.
    let indexing = if options.bodies {
        Indexing::WithBody
    } else {
        Indexing::Now
    };
    let worker = tokio::task::spawn_blocking(move || -> Result<usize> {
        let mut stored = 0;
        for summaries in made_rx {
            writer.store_summaries(folder_id, &summaries, indexing)?;
            stored += summaries.len();
        }
        Ok(stored)
    });
    let mut done = 0;
    let fetched = mail
        .summaries(&sets, |batch| {
            done += batch.len();
            // A closed channel means the writer failed; its error is reported below.
            let _ = tx.send(batch);
            progress(Update::Progress {
                folder: name.clone(),
                done,
                total,
            });
            Ok(())
        })
        .await;
    drop(tx);
    let _ = maker.await;
    // What arrived before a failure is stored before the failure is reported.
    let stored = worker.await.map_err(|e| writer_stopped(cache, e))??;
    fetched?;
    Ok(stored)
}

/// The first messages in batches that start small and double up to `batch`: the newest
/// summaries reach the list (and the summary thread) after one small FETCH instead of after
/// `batch` messages, and the later, larger batches keep the number of commands low.
fn growing_chunks(uids: &[u32], batch: usize) -> impl Iterator<Item = &[u32]> {
    const FIRST: usize = 50;
    let batch = batch.max(1);
    let mut size = FIRST.min(batch);
    let mut rest = uids;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        rest = tail;
        size = (size * 2).min(batch);
        Some(chunk)
    })
}

/// A cache thread that panicked or was cancelled.
pub(crate) fn writer_stopped(cache: &Cache, e: tokio::task::JoinError) -> Error {
    Error::Store(quietpost_store::Error::Cache {
        path: cache.path().to_owned(),
        detail: format!("the writer stopped: {e}"),
    })
}

/// The bytes of cached message `id`, as [`body`] gives them, with the IMAP password asked
/// only when the body must be fetched — off the async threads, since the keychain runs its own
/// runtime. The one way the command line and the window read a message; it does not mark it
/// read.
pub async fn raw_message(cache: &mut Cache, account: &Account, id: MessageId) -> Result<Vec<u8>> {
    if let Some(raw) = cache.body(id)? {
        return Ok(raw);
    }
    let asking = account.clone();
    let password =
        tokio::task::spawn_blocking(move || accounts::password(&asking, &asking.imap, None))
            .await
            .map_err(|_| Error::Stopped)??;
    body(cache, account, &password, id, Timeouts::default()).await
}

/// The raw message: from the cache, or fetched from the server (and cached) on demand.
pub async fn body(
    cache: &mut Cache,
    account: &Account,
    password: &Secret,
    id: MessageId,
    timeouts: Timeouts,
) -> Result<Vec<u8>> {
    if let Some(raw) = cache.body(id)? {
        return Ok(raw);
    }
    let row = cache
        .message(id)?
        .ok_or(quietpost_store::Error::NoMessage(id))?;
    let mut mail = connect(account, password, timeouts).await?;
    let selected = mail.select(&row.folder, None).await?;
    if selected.uidvalidity != Some(row.uidvalidity) {
        mail.logout().await;
        return Err(quietpost_store::Error::NoMessage(id).into());
    }
    let mut got = None;
    mail.bodies(&[row.summary.uid.to_string()], |uid, raw| {
        if uid == row.summary.uid {
            got = Some(raw);
        }
        Ok(())
    })
    .await?;
    mail.logout().await;
    let raw = got.ok_or(quietpost_store::Error::NoMessage(id))?;
    let folder = cache
        .folder(&row.account, &row.folder)?
        .ok_or_else(|| Error::NoFolder(row.folder.clone()))?;
    let (text, attachments) = index_text(&raw);
    cache.store_bodies(
        folder.id,
        &[(row.summary.uid, raw.clone(), text, attachments)],
    )?;
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(name: &str, attrs: &[&str]) -> Listed {
        Listed {
            name: name.into(),
            delimiter: Some("/".into()),
            attributes: attrs.iter().map(|s| s.to_string()).collect(),
            status: None,
        }
    }

    #[test]
    fn roles_from_special_use_then_names() {
        let l = [
            listed("INBOX", &[]),
            listed("Sent Items", &[]),
            listed("Gesendet", &["\\sent"]),
            listed("Spam", &[]),
            listed("Work/Archive", &[]),
        ];
        assert_eq!(
            roles(&l),
            [
                Some(Role::Inbox),
                None,
                Some(Role::Sent),
                Some(Role::Junk),
                Some(Role::Archive)
            ]
        );
    }

    #[test]
    fn summary_batches_start_small_and_double_up_to_the_batch_size() {
        let uids: Vec<u32> = (1..=1000).rev().collect();
        let sizes: Vec<usize> = growing_chunks(&uids, 300).map(<[u32]>::len).collect();
        assert_eq!(sizes, [50, 100, 200, 300, 300, 50]);
        let all: Vec<u32> = growing_chunks(&uids, 300).flatten().copied().collect();
        assert_eq!(all, uids);
        let sizes: Vec<usize> = growing_chunks(&uids[..10], 7).map(<[u32]>::len).collect();
        assert_eq!(sizes, [7, 3]);
        assert_eq!(growing_chunks(&[], 1000).count(), 0);
        assert_eq!(growing_chunks(&uids[..3], 0).count(), 3);
    }

    #[test]
    fn summaries_come_from_the_render_crate() {
        let f = Fetched {
            uid: 7,
            flags: vec!["\\Seen".into(), "$Junk".into()],
            modseq: Some(3),
            received: Some(10),
            size: 1234,
            header: b"From: =?utf-8?q?PayPal?= <x@evil.example>\r\nSubject: =?utf-8?b?SGVsbG8=?= \xe2\x80\xae\r\nContent-Type: Multipart/Mixed; boundary=x\r\n\r\n".to_vec(),
        };
        let s = summarize(&f);
        assert_eq!(s.subject, "Hello");
        assert_eq!(s.from_name, "PayPal");
        assert_eq!(s.from_address, "x@evil.example");
        let sender = s.sender.as_ref().unwrap();
        assert_eq!(sender.list_sender().address, "evil.example");
        assert!(s.flags.contains(Flags::SEEN));
        assert!(s.attachments);
    }
}
