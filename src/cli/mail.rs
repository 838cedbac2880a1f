//! `quietpost sync|list|read|search|flag|move|delete|archive`: the sync engine and the cache
//! from the command line.

use super::account::{account_error, accounts_named, load, runtime};
use super::inspect;
use super::term::Out;
use crate::wording;
use anyhow::{Result, anyhow, bail};
use clap::Args;
use quietpost_core::folders::decoded as decode_name;
use quietpost_core::reading::{self, MarkRead};
use quietpost_core::sync::{self, SyncOptions, Update, Verb};
use quietpost_core::{Mailbox, Paths};
use quietpost_model::{Account, Action, Flags, ListQuery, MessageId, MessageRow};
use quietpost_render::Prefer;
use std::io::{self, IsTerminal, Write};
use std::time::Instant;

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The account to sync (default: every account).
    pub account: Option<String>,
    /// Only this folder.
    #[arg(long)]
    pub folder: Option<String>,
    /// Also download every message body (otherwise bodies come when a message is read).
    #[arg(long)]
    pub bodies: bool,
    /// Print a summary as JSON (with --watch: one JSON object per line, per event).
    #[arg(long)]
    pub json: bool,
    /// Keep running: wait for new mail (IDLE) and reconnect when the connection drops, until
    /// interrupted. One account only.
    #[arg(long)]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long)]
    pub folder: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Only messages not yet read.
    #[arg(long)]
    pub unread: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// The message id printed by `list`.
    pub id: MessageId,
    /// Print the SafeMessage as JSON: what `inspect --json` prints for its bytes, plus the
    /// network ledger (`ledger`: each remote reference blocked, loaded or failed).
    #[arg(long)]
    pub json: bool,
    /// For a message written twice (plain text and HTML), show the HTML version.
    #[arg(long)]
    pub html_version: bool,
    /// Show the attached message numbered N in the list of attachments instead (repeat to go
    /// into an attached message inside it). Nothing in it is ever loaded.
    #[arg(long = "attached", value_name = "N")]
    pub attached: Vec<usize>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find in subjects, addresses and the text of downloaded bodies.
    pub query: Vec<String>,
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FlagArgs {
    pub id: MessageId,
    /// +seen, -seen, +flagged, -flagged, +answered, -answered
    #[arg(allow_hyphen_values = true)]
    pub change: String,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    pub id: MessageId,
    pub folder: String,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    pub id: MessageId,
}

fn cache(paths: &Paths) -> Result<Mailbox> {
    Mailbox::open(paths).map_err(|e| anyhow!(wording::store_error(&e)))
}

fn accounts(paths: &Paths, only: Option<&str>) -> Result<Vec<Account>> {
    let accounts = load(paths)?;
    if accounts.is_empty() {
        bail!("No account yet. Add one with `quietpost account add NAME --email ADDRESS`.");
    }
    Ok(match only {
        None => accounts,
        Some(name) => vec![accounts_named(paths, name)?],
    })
}

/// A progress line per folder on a terminal: messages done of total, and the rate.
struct Progress {
    tty: bool,
    started: Instant,
    line_open: bool,
}

impl Progress {
    fn update(&mut self, u: &Update) {
        if !self.tty {
            return;
        }
        let mut err = io::stderr().lock();
        match u {
            Update::FolderStarted { .. } => self.started = Instant::now(),
            Update::Progress {
                folder,
                done,
                total,
            } => {
                let width = 24;
                let filled = (done * width).checked_div(*total).unwrap_or(width);
                let rate = *done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
                let _ = write!(
                    err,
                    "\r{:<24} [{}{}] {done}/{total}  {rate:.0} msg/s ",
                    super::term::safe(&decode_name(folder)),
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
                self.line_open = true;
            }
            Update::FolderDone(r) => {
                if self.line_open {
                    let _ = writeln!(err);
                    self.line_open = false;
                }
                let _ = writeln!(
                    err,
                    "{:<24} {} new, {} changed, {} removed{}{}",
                    super::term::safe(&decode_name(&r.folder)),
                    r.new,
                    r.flags_changed,
                    r.removed,
                    if r.bodies > 0 {
                        format!(", {} bodies", r.bodies)
                    } else {
                        String::new()
                    },
                    if r.rebuilt {
                        " (rebuilt: the server renumbered this folder)"
                    } else {
                        ""
                    }
                );
            }
            Update::Replayed { applied, dropped } => {
                let _ = writeln!(
                    err,
                    "Applied {applied} action(s) taken offline{}",
                    if *dropped > 0 {
                        format!("; {dropped} could not apply (message gone) and were undone")
                    } else {
                        String::new()
                    }
                );
            }
        }
    }
}

pub fn sync(a: SyncArgs, paths: &Paths) -> Result<()> {
    if a.watch {
        return watch(a, paths);
    }
    let options = SyncOptions {
        folder: a.folder.clone(),
        bodies: a.bodies,
        ..SyncOptions::default()
    };
    let rt = runtime()?;
    // The cache opens, and each account's password comes, while its connection is made: all
    // three wait on something else (the disk, a keychain or command, the server). Both start
    // once the connection has (its name lookup first: the rest of the pass waits on it). A
    // cache that cannot open stops everything before any login.
    let mut cache: Option<Mailbox> = None;
    let mut cache_failed = false;
    let mut summary = Vec::new();
    let mut failed = false;
    for account in accounts(paths, a.account.as_deref())? {
        let mut progress = Progress {
            tty: io::stderr().is_terminal() && !a.json,
            started: Instant::now(),
            line_open: false,
        };
        let result = rt.block_on(async {
            let opened = &mut cache;
            let open_failed = &mut cache_failed;
            let ready = async {
                let asking = {
                    let account = account.clone();
                    tokio::task::spawn_blocking(move || {
                        quietpost_core::accounts::password_for(&account, &account.imap)
                    })
                };
                let opening = opened.is_none().then(|| {
                    let paths = paths.clone();
                    tokio::task::spawn_blocking(move || Mailbox::open(&paths))
                });
                let (password, mailbox) = tokio::join!(asking, async {
                    match opening {
                        Some(o) => Some(o.await),
                        None => None,
                    }
                });
                if let Some(mailbox) = mailbox {
                    let mailbox = mailbox.map_err(|_| quietpost_core::accounts::Error::Stopped)?;
                    *open_failed = mailbox.is_err();
                    *opened = Some(mailbox?);
                }
                password.map_err(|_| quietpost_core::accounts::Error::Stopped)?
            };
            let mut mail = sync::connect_asking(&account, ready, options.timeouts).await?;
            // A certificate pin that verified becomes a pin of its key.
            if account.imap.pin_sha256.is_some()
                && account.imap.pin_key_sha256.is_none()
                && let Err(e) = quietpost_core::accounts::learn_key_pins(
                    paths,
                    &account.name,
                    Some(&mail.tls),
                    None,
                )
            {
                tracing::warn!(error = %e, "the key pin was not saved");
            }
            // (Always there: `ready` fails, and so the login, when the cache does not open.)
            let Some(cache) = cache.as_mut() else {
                return Err(sync::Error::Stopped);
            };
            let report = cache
                .sync_account(&mut mail, &account, &options, &mut |u| progress.update(&u))
                .await;
            mail.logout().await;
            report
        });
        match result {
            Ok(report) => summary.push(serde_json::json!({
                "account": account.name,
                "ok": true,
                "actions_applied": report.actions_applied,
                "actions_dropped": report.actions_dropped,
                "folders": report.folders.iter().map(|r| serde_json::json!({
                    "folder": decode_name(&r.folder),
                    "new": r.new,
                    "flags_changed": r.flags_changed,
                    "removed": r.removed,
                    "bodies": r.bodies,
                    "rebuilt": r.rebuilt,
                    "method": r.method,
                })).collect::<Vec<_>>(),
            })),
            Err(e) => {
                failed = true;
                if !a.json {
                    eprintln!("{}: {}", account.name, wording::sync_error(&e));
                }
                summary.push(serde_json::json!({
                    "account": account.name,
                    "ok": false,
                    "error": wording::sync_error(&e),
                }));
            }
        }
        if cache_failed {
            // The cache did not open (this account's error says why): no other can sync.
            break;
        }
    }
    // Every task of the pass has ended; what may still run is a name lookup for a connection
    // given up on, which nothing waits for.
    rt.shutdown_background();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else if !io::stderr().is_terminal() {
        for s in &summary {
            if let Some(folders) = s["folders"].as_array() {
                let new: u64 = folders.iter().filter_map(|f| f["new"].as_u64()).sum();
                println!(
                    "{}: {} folders, {new} new messages",
                    s["account"].as_str().unwrap_or(""),
                    folders.len()
                );
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

fn flags_json(f: Flags) -> serde_json::Value {
    serde_json::json!({
        "seen": f.contains(Flags::SEEN),
        "flagged": f.contains(Flags::FLAGGED),
        "answered": f.contains(Flags::ANSWERED),
        "draft": f.contains(Flags::DRAFT),
    })
}

fn row_json(m: &MessageRow) -> serde_json::Value {
    let s = &m.summary;
    serde_json::json!({
        "id": m.id,
        "account": m.account,
        "folder": decode_name(&m.folder),
        "uid": s.uid,
        "date": s.date,
        "received": s.received,
        "from": { "name": s.from_name, "address": s.from_address },
        "sender": sender_json(s),
        "recipients": s.recipients,
        "subject": s.subject,
        "flags": flags_json(s.flags),
        "size": s.size,
        "attachments": s.attachments,
        "downloaded": m.has_body,
        // Moved here in the cache, not yet confirmed by the server ("folder" is where the
        // server still has it).
        "pending": m.pending,
    })
}

/// Who sent it, as the reader names them: what the row shows, every candidate, every warning.
fn sender_json(s: &quietpost_model::Summary) -> serde_json::Value {
    let (name, address) = wording::list_sender(s);
    let warnings: Vec<_> = s
        .sender
        .as_ref()
        .map(wording::sender_warnings)
        .unwrap_or_default()
        .into_iter()
        .map(|(code, detail)| serde_json::json!({ "code": code, "detail": detail }))
        .collect();
    serde_json::json!({
        "shown": { "name": name, "address": address },
        "candidates": s.sender.as_ref().map(|s| &s.from),
        "warning": !warnings.is_empty(),
        "warnings": warnings,
        "analysed": s.sender.is_some(),
    })
}

/// The sender column of `list`: `width` characters at least; the name is cut (with …) to
/// leave room for the address part, which is never cut — a long one widens the column.
fn sender_column(name: Option<&str>, address: &str, width: usize) -> String {
    let address_len = address.chars().count();
    let text = match name {
        Some(name) if address_len + 4 < width => {
            let room = width - address_len - 3;
            let name = if name.chars().count() > room {
                let cut: String = name.chars().take(room.saturating_sub(1)).collect();
                format!("{}…", cut.trim_end())
            } else {
                name.to_owned()
            };
            format!("{name} · {address}")
        }
        _ => address.to_owned(),
    };
    let len = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(len)))
}

fn print_rows(rows: &[MessageRow], json: bool) -> Result<()> {
    if json {
        let v: Vec<_> = rows.iter().map(row_json).collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let mut out = Out(io::BufWriter::new(io::stdout().lock()));
    for m in rows {
        let s = &m.summary;
        let warned = s.sender.as_ref().is_some_and(|s| s.is_suspicious());
        let marks = format!(
            "{}{}{}{}",
            if s.flags.contains(Flags::SEEN) {
                ' '
            } else {
                '*'
            },
            if s.flags.contains(Flags::FLAGGED) {
                '!'
            } else {
                ' '
            },
            if s.attachments { '@' } else { ' ' },
            if warned { '⚠' } else { ' ' },
        );
        let date = s
            .date
            .as_deref()
            .map(|d| d.get(..10).unwrap_or(d))
            .unwrap_or("");
        let (name, address) = wording::list_sender(s);
        let from = sender_column(name.as_deref(), &address, 40);
        let subject = if s.subject.is_empty() {
            "(no subject)"
        } else {
            &s.subject
        };
        // Moved here, not yet on the server: said where the date would be.
        let date = if m.pending { "(moving)" } else { date };
        out.line(&format!(
            "{:>7} {marks} {date:<10} {} {}",
            m.id, from, subject
        ))?;
    }
    out.0.flush()?;
    Ok(())
}

pub fn list(a: ListArgs, paths: &Paths) -> Result<()> {
    let cache = cache(paths)?;
    let folder = match (&a.folder, &a.account) {
        (Some(f), account) => Some(resolve_folder(&cache, paths, account.as_deref(), f)?),
        _ => None,
    };
    let rows = cache
        .list(&ListQuery {
            account: a.account,
            folder,
            unread_only: a.unread,
            limit: a.limit,
        })
        .map_err(|e| anyhow!(wording::store_error(&e)))?;
    print_rows(&rows, a.json)
}

/// A folder as the user typed it (display name or server name) → the server's name.
fn resolve_folder(
    cache: &Mailbox,
    paths: &Paths,
    account: Option<&str>,
    typed: &str,
) -> Result<String> {
    for acc in accounts(paths, account)? {
        if let Some(name) = cache
            .find_folder(&acc.name, typed)
            .map_err(|e| anyhow!(wording::store_error(&e)))?
        {
            return Ok(name);
        }
    }
    bail!(
        "There is no folder named \u{201C}{typed}\u{201D} in the cache. Run `quietpost sync` first."
    )
}

pub fn read(a: ReadArgs, paths: &Paths) -> Result<()> {
    let prefer = inspect::prefer(a.html_version);
    if !a.attached.is_empty() {
        let (_, raw) = raw_message(paths, a.id)?;
        let raw = inspect::attached(raw, &a.attached)?;
        return inspect::show(&raw, Vec::new(), a.json, prefer);
    }
    let opened = open(paths, a.id, prefer)?;
    inspect::print_message(&opened.message, Some(&opened.ledger), a.json)
}

/// Cached message `id`, opened as the window opens it (the same core function), without
/// marking it read.
pub(super) fn open(paths: &Paths, id: MessageId, prefer: Prefer) -> Result<reading::Opened> {
    let account = account_of(paths, id)?;
    runtime()?
        .block_on(reading::open(
            Mailbox::file(paths),
            account,
            id,
            prefer,
            MarkRead::No,
        ))
        .map_err(|e| anyhow!(reading_error(&e, id)))
}

/// Why a message could not be read, in the command line's words.
pub(super) fn reading_error(e: &reading::Error, id: MessageId) -> String {
    match e {
        reading::Error::Store(e) => wording::store_error(e),
        reading::Error::Sync(e) => wording::sync_error(e),
        reading::Error::Gone(_) => {
            format!("There is no message {id} in the cache. `quietpost list` shows the ids.")
        }
        other => format!("{other:?}"),
    }
}

/// The configured account cached message `id` belongs to.
pub(super) fn account_of(paths: &Paths, id: MessageId) -> Result<Account> {
    let row = cache(paths)?
        .message(id)
        .map_err(|e| anyhow!(wording::store_error(&e)))?
        .ok_or_else(|| {
            anyhow!("There is no message {id} in the cache. `quietpost list` shows the ids.")
        })?;
    accounts_named(paths, &row.account)
}

/// A cached message's account and bytes, downloading the body if it is not cached yet (without
/// marking the message read).
pub(super) fn raw_message(paths: &Paths, id: MessageId) -> Result<(Account, Vec<u8>)> {
    let account = account_of(paths, id)?;
    let raw = runtime()?
        .block_on(cache(paths)?.raw(&account, id))
        .map_err(|e| anyhow!(wording::sync_error(&e)))?;
    Ok((account, raw))
}

pub fn search(a: SearchArgs, paths: &Paths) -> Result<()> {
    let cache = cache(paths)?;
    let rows = cache
        .search(&a.query.join(" "), a.account.as_deref(), a.limit)
        .map_err(|e| anyhow!(wording::store_error(&e)))?;
    print_rows(&rows, a.json)
}

fn act(paths: &Paths, id: MessageId, verb: Verb, done: &str) -> Result<()> {
    let mut cache = cache(paths)?;
    let action = cache
        .act(id, &verb)
        .map_err(|e| anyhow!(wording::sync_error(&e)))?;
    let done = match action {
        None => {
            println!("Nothing to do: the message is already there.");
            return Ok(());
        }
        Some(Action::Expunge) => "It was in Trash: deleted for good.",
        Some(_) => done,
    };
    println!("{done} The server is updated at the next `quietpost sync`.");
    Ok(())
}

pub fn flag(a: FlagArgs, paths: &Paths) -> Result<()> {
    let (on, name) = match a.change.split_at_checked(1) {
        Some(("+", n)) => (true, n),
        Some(("-", n)) => (false, n),
        _ => bail!("Write the change as +seen, -seen, +flagged, -flagged, +answered or -answered."),
    };
    let flag = match name.to_ascii_lowercase().as_str() {
        "seen" | "read" => Flags::SEEN,
        "flagged" | "star" | "starred" => Flags::FLAGGED,
        "answered" => Flags::ANSWERED,
        _ => bail!("Unknown flag {name:?}: use seen, flagged or answered."),
    };
    act(paths, a.id, Verb::Flag(flag, on), "Done.")
}

pub fn move_to(a: MoveArgs, paths: &Paths) -> Result<()> {
    let done = format!("Moved to {}.", a.folder);
    act(paths, a.id, Verb::Move(a.folder), &done)
}

pub fn delete(a: IdArgs, paths: &Paths) -> Result<()> {
    act(paths, a.id, Verb::Delete, "Moved to Trash.")
}

pub fn archive(a: IdArgs, paths: &Paths) -> Result<()> {
    act(paths, a.id, Verb::Archive, "Archived.")
}

/// `sync --watch`: the engine's event stream, printed as it comes.
fn watch(a: SyncArgs, paths: &Paths) -> Result<()> {
    use futures::StreamExt;
    use quietpost_core::engine::{self, EngineOptions, Event};
    let mut list = accounts(paths, a.account.as_deref())?;
    if list.len() != 1 {
        bail!("--watch follows one account: name it, e.g. `quietpost sync ACCOUNT --watch`.");
    }
    let account = list.remove(0);
    // The mailbox exists (and is private) before the engine opens it.
    drop(cache(paths)?);
    let options = EngineOptions {
        sync: SyncOptions {
            folder: a.folder.clone(),
            bodies: a.bodies,
            ..SyncOptions::default()
        },
        ..EngineOptions::default()
    };
    // Started as the window starts it: what waits in the outbox is sent too.
    let rt = runtime()?;
    let (_, _handle, events) = rt
        .block_on(engine::start_for(paths.clone(), account.name, options))
        .map_err(account_error)?;
    let mut progress = Progress {
        tty: io::stderr().is_terminal() && !a.json,
        started: Instant::now(),
        line_open: false,
    };
    rt.block_on(async {
        let mut events = Box::pin(events);
        while let Some(event) = events.next().await {
            let line = match &event {
                Event::Progress(u) => {
                    progress.update(u);
                    continue;
                }
                Event::Synced(r) => serde_json::json!({
                    "event": "synced",
                    "new": r.folders.iter().map(|f| f.new).sum::<usize>(),
                    "actions_applied": r.actions_applied,
                }),
                Event::InboxChanged(r) => serde_json::json!({
                    "event": "inbox-changed", "new": r.new, "removed": r.removed,
                    "flags_changed": r.flags_changed,
                }),
                Event::Offline { error, retry_in } => serde_json::json!({
                    "event": "offline", "error": wording::sync_error(error),
                    "retry_in_seconds": retry_in.as_secs(),
                }),
                Event::Outbox(done) => serde_json::json!({
                    "event": "outbox",
                    "sent": done.iter().filter(|(_, r)| r.is_ok()).map(|(id, _)| id).collect::<Vec<_>>(),
                    "not_sent": done.iter().filter_map(|(id, r)| r.as_ref().err().map(|e| {
                        serde_json::json!({"id": id, "error": e.to_string()})
                    })).collect::<Vec<_>>(),
                }),
                Event::Failed(error) => {
                    let text = wording::sync_error(error);
                    if a.json {
                        println!("{}", serde_json::json!({"event": "failed", "error": text}));
                    }
                    bail!("{text}");
                }
            };
            if a.json {
                println!("{line}");
            } else {
                let text = match line["event"].as_str() {
                    Some("synced") => {
                        format!("Up to date ({} new). Waiting for new mail…", line["new"])
                    }
                    Some("outbox") => format!(
                        "Outbox: {} sent, {} not sent (`quietpost outbox` says why).",
                        line["sent"].as_array().map_or(0, Vec::len),
                        line["not_sent"].as_array().map_or(0, Vec::len)
                    ),
                    Some("inbox-changed") => format!(
                        "Inbox: {} new, {} removed, {} changed.",
                        line["new"], line["removed"], line["flags_changed"]
                    ),
                    _ => format!(
                        "Offline: {} Retrying in {} s.",
                        line["error"].as_str().unwrap_or(""),
                        line["retry_in_seconds"]
                    ),
                };
                eprintln!("{}", super::term::safe(&text));
            }
            let _ = io::stdout().flush();
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::sender_column;

    #[test]
    fn the_sender_column_cuts_the_name_never_the_address() {
        let c = sender_column(Some("PayPal Service"), "xn--pypal-secure-x9j.example", 40);
        assert_eq!(c, "PayPal S… · xn--pypal-secure-x9j.example");
        let c = sender_column(Some("Ana Lima"), "example.net", 40);
        assert_eq!(c.trim_end(), "Ana Lima · example.net");
        let long = "Microsoft 365 Mailbox Security and Storage Verification Team";
        let c = sender_column(Some(long), "storage-alerts.example", 40);
        assert_eq!(c.chars().count(), 40);
        assert!(c.trim_end().ends_with("… · storage-alerts.example"), "{c}");
        // An address longer than the column widens it; nothing of it is cut.
        let address = "quota-team@mailbox-storage-alerts.example.com";
        assert_eq!(sender_column(None, address, 40), address);
        assert_eq!(sender_column(Some("Name"), address, 40), address);
        assert_eq!(sender_column(None, "a@b.example", 12), "a@b.example ");
    }
}
