//! `quietpost send` and `quietpost outbox`: composing a message that reveals nothing, the
//! outbox, submission.

use super::account::{accounts_named, password, runtime};
use super::term::Out;
use crate::wording;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use quietpost_core::compose::{self, Draft, File};
use quietpost_core::mailbox::Sending;
use quietpost_core::outbox;
use quietpost_core::{Mailbox, Paths};
use quietpost_model::{Account, Flags, MessageId, OutboxState};
use std::io::{self, Read, Write};
use std::path::PathBuf;

/// Largest body read from a file or standard input, and largest attachment.
const MAX_BODY: u64 = 10 << 20;
const MAX_ATTACHMENT: u64 = 25 << 20;

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The account to send from (its identity is the sender).
    #[arg(long, required_unless_present = "draft_id")]
    pub account: Option<String>,
    #[arg(long, required_unless_present = "draft_id")]
    pub to: Vec<String>,
    /// Send a draft of the Drafts folder (its id as `list` prints it), with its recipients,
    /// subject, text and attachments; --to, --cc, --bcc and --attach add to them. Once it is
    /// in the outbox, the draft is removed from Drafts.
    #[arg(long, value_name = "ID", conflicts_with_all = ["body_file", "draft"])]
    pub draft_id: Option<MessageId>,
    #[arg(long)]
    pub cc: Vec<String>,
    /// Recipients no other recipient sees (only in the SMTP envelope).
    #[arg(long)]
    pub bcc: Vec<String>,
    #[arg(long, default_value = "")]
    pub subject: String,
    /// Attach a file (only its name is sent, never its folder). Repeatable.
    #[arg(long = "attach", value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// Ask the recipients' programs to confirm when they read it (off by default).
    #[arg(long)]
    pub read_receipt: bool,
    #[command(flatten)]
    pub how: How,
}

/// Where the text comes from and what happens to the message.
#[derive(Debug, Args)]
pub struct How {
    /// Read the body from this file instead of standard input.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// Print the exact message and what it reveals; send nothing.
    #[arg(long, conflicts_with = "draft")]
    pub dry_run: bool,
    /// Save the message in the account's Drafts folder instead of sending it.
    #[arg(long)]
    pub draft: bool,
    /// Leave out the account's signature.
    #[arg(long)]
    pub no_signature: bool,
}

#[derive(Debug, Args)]
pub struct ReplyArgs {
    /// The message id printed by `list`.
    pub id: MessageId,
    /// Reply to everyone in To and Cc too, not only to the sender.
    #[arg(long)]
    pub all: bool,
    /// Attach a file. Repeatable.
    #[arg(long = "attach", value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// Send the reply to this address too (repeatable): the way to answer a message whose
    /// sender Quietpost cannot tell for sure (it then proposes no recipient of its own).
    #[arg(long, value_name = "ADDRESS")]
    pub to: Vec<String>,
    #[command(flatten)]
    pub how: How,
}

#[derive(Debug, Args)]
pub struct ForwardArgs {
    /// The message id printed by `list`.
    pub id: MessageId,
    #[arg(long, required = true)]
    pub to: Vec<String>,
    #[arg(long)]
    pub cc: Vec<String>,
    #[arg(long)]
    pub bcc: Vec<String>,
    #[command(flatten)]
    pub how: How,
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub command: Option<OutboxCommand>,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// What is waiting, why, and what is unknown (the default).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Send a waiting message now, or again after a failure or an unknown outcome.
    Retry { id: i64 },
    /// Send every waiting message whose retry time has come (never one whose outcome is
    /// unknown), and file sent ones in Sent.
    Send,
    /// Remove a message from the outbox without sending it.
    Discard { id: i64 },
}

fn read_capped(mut r: impl Read, max: u64, what: &str) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    r.by_ref().take(max + 1).read_to_end(&mut data)?;
    if data.len() as u64 > max {
        bail!(
            "{what} is larger than {}; nothing was sent.",
            crate::wording::size(max)
        );
    }
    Ok(data)
}

/// The text the user wrote: from `--body-file`, else standard input.
fn text(how: &How) -> Result<String> {
    let body = match &how.body_file {
        Some(path) => read_capped(
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?,
            MAX_BODY,
            "the body",
        )?,
        None => read_capped(io::stdin().lock(), MAX_BODY, "the body")?,
    };
    String::from_utf8(body).map_err(|_| anyhow!("The body is not UTF-8 text; nothing was sent."))
}

/// The text with the account's signature, unless `--no-signature`.
fn signed(text: &str, account: &Account, how: &How) -> String {
    if how.no_signature {
        text.to_owned()
    } else {
        compose::signed(text, account.signature.as_deref())
    }
}

fn files(paths: &[PathBuf]) -> Result<Vec<File>> {
    paths
        .iter()
        .map(|path| {
            let f = std::fs::File::open(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Ok(File {
                name: path.to_string_lossy().into_owned(),
                data: read_capped(f, MAX_ATTACHMENT, &path.display().to_string())?,
            })
        })
        .collect()
}

pub fn send(a: SendArgs, paths: &Paths) -> Result<()> {
    if let Some(id) = a.draft_id {
        return send_draft(a, id, paths);
    }
    let account = accounts_named(paths, a.account.as_deref().unwrap_or_default())?;
    let d = Draft {
        from: compose::identity(&account),
        to: a.to.clone(),
        cc: a.cc.clone(),
        bcc: a.bcc.clone(),
        subject: a.subject.clone(),
        body: signed(&text(&a.how)?, &account, &a.how),
        attachments: files(&a.attach)?,
        read_receipt: a.read_receipt,
        ..Draft::default()
    };
    deliver(paths, &account, &d, &a.how)
}

/// `send --draft-id ID`: the draft as it was saved, with what the options add.
fn send_draft(a: SendArgs, id: MessageId, paths: &Paths) -> Result<()> {
    let account = super::mail::account_of(paths, id)?;
    if a.account.as_ref().is_some_and(|n| *n != account.name) {
        bail!(
            "Draft {id} belongs to the account {}, not {}; nothing was sent.",
            account.name,
            a.account.as_deref().unwrap_or_default()
        );
    }
    let mut cache = mailbox(paths)?;
    let resumed = runtime()?
        .block_on(cache.resume_draft(&account, id))
        .map_err(|e| anyhow!("{} Nothing was sent.", wording::sync_error(&e)))?;
    for note in &resumed.notes {
        eprintln!("Note: {}", super::term::safe(note));
    }
    let mut d = resumed.draft;
    d.to.extend(a.to.iter().cloned());
    d.cc.extend(a.cc.iter().cloned());
    d.bcc.extend(a.bcc.iter().cloned());
    if !a.subject.is_empty() {
        d.subject = a.subject.clone();
    }
    d.attachments.extend(files(&a.attach)?);
    d.read_receipt |= a.read_receipt;
    drop(cache);
    // Once the message is safe in the outbox, the draft goes (on the server at the next sync).
    deliver_then(paths, &account, &d, &a.how, |cache| {
        cache
            .act(id, &quietpost_core::sync::Verb::RemoveDraft)
            .map(|_| ())
            .map_err(|e| anyhow!(wording::sync_error(&e)))
    })
}

pub fn reply(a: ReplyArgs, paths: &Paths) -> Result<()> {
    let account = super::mail::account_of(paths, a.id)?;
    let text = signed(&text(&a.how)?, &account, &a.how);
    let r = runtime()?
        .block_on(mailbox(paths)?.reply(&account, a.id, a.all, &text))
        .map_err(|e| anyhow!(wording::sync_error(&e)))?;
    let mut d = r.draft;
    d.attachments = files(&a.attach)?;
    // Where it goes, and why, before anything else.
    for note in &r.notes {
        eprintln!("Note: {}", super::term::safe(note));
    }
    if let Some(why) = &r.no_recipient {
        eprintln!(
            "Note: this reply has no recipient: {}.",
            super::term::safe(why)
        );
    }
    d.to.extend(a.to.iter().cloned());
    if d.to.is_empty() && d.cc.is_empty() && !a.how.draft {
        bail!(
            "Nothing was sent: the reply has no recipient. Name one yourself with --to ADDRESS \
             (or save it with --draft)."
        );
    }
    deliver(paths, &account, &d, &a.how)?;
    if !a.how.dry_run && !a.how.draft {
        // Marked answered here at once, on the server at the next sync.
        mailbox(paths)?
            .act(
                a.id,
                &quietpost_core::sync::Verb::Flag(Flags::ANSWERED, true),
            )
            .map_err(|e| anyhow!(wording::sync_error(&e)))?;
    }
    Ok(())
}

pub fn forward(a: ForwardArgs, paths: &Paths) -> Result<()> {
    let account = super::mail::account_of(paths, a.id)?;
    let text = signed(&text(&a.how)?, &account, &a.how);
    let mut d = runtime()?
        .block_on(mailbox(paths)?.forward(&account, a.id, a.to, &text))
        .map_err(|e| anyhow!(wording::sync_error(&e)))?;
    d.cc = a.cc;
    d.bcc = a.bcc;
    deliver(paths, &account, &d, &a.how)
}

/// Shows (`--dry-run`), saves as a draft (`--draft`) or sends the message.
fn deliver(paths: &Paths, account: &Account, d: &Draft, how: &How) -> Result<()> {
    deliver_then(paths, account, d, how, |_| Ok(()))
}

/// As [`deliver`], with `queued` done once the message is in the outbox, before it is sent.
fn deliver_then(
    paths: &Paths,
    account: &Account,
    d: &Draft,
    how: &How,
    queued: impl FnOnce(&mut Mailbox) -> Result<()>,
) -> Result<()> {
    let now = std::time::SystemTime::now();
    if how.draft {
        let built = compose::build_draft(d, now)
            .map_err(|e| anyhow!("The draft cannot be built: {e}. Nothing was saved."))?;
        let imap_pw = password(account, &account.imap)?;
        let folder = runtime()?
            .block_on(outbox::save_draft(
                account,
                &imap_pw,
                &built.raw,
                Default::default(),
            ))
            .map_err(|e| match e {
                outbox::Error::Net(n) => {
                    anyhow!("{} The draft was not saved.", wording::net_error(&n))
                }
                other => anyhow!("The draft was not saved: {other}."),
            })?;
        println!("Saved in {folder}; nothing was sent.");
        return Ok(());
    }
    let built = compose::build(d, now)
        .map_err(|e| anyhow!("The message cannot be built: {e}. Nothing was sent."))?;
    if how.dry_run {
        let mut out = io::stdout().lock();
        out.write_all(&built.raw)?;
        writeln!(out, "\n──── What this message reveals ────")?;
        for fact in wording::reveal(&compose::reveal(d, &built, account)) {
            writeln!(out, "- {}: {}", fact.topic, super::term::safe(&fact.words))?;
        }
        writeln!(out, "(dry run: nothing was sent)")?;
        return Ok(());
    }
    let mut cache = mailbox(paths)?;
    let lock = send_lock(&mut cache)?;
    // In the outbox before any network step.
    let id = cache.queue(account, &built).map_err(|e| anyhow!("{e}"))?;
    queued(&mut cache)?;
    submit(&mut cache, &lock, account, id)
}

fn mailbox(paths: &Paths) -> Result<Mailbox> {
    Mailbox::open(paths).map_err(|e| anyhow!(wording::store_error(&e)))
}

/// Becomes the one process submitting (waiting for another one to finish), and settles what a
/// process that died while sending left behind.
fn send_lock(cache: &mut Mailbox) -> Result<Sending> {
    cache
        .start_sending(|| eprintln!("Another Quietpost is sending; waiting for it to finish…"))
        .map_err(|e| anyhow!(wording::store_error(&e)))
}

fn submit(cache: &mut Mailbox, lock: &Sending, account: &Account, id: i64) -> Result<()> {
    // Passwords are fetched outside the async runtime (the keychain runs its own).
    let smtp_pw = password(account, &account.smtp)?;
    let imap_pw = password(account, &account.imap)?;
    let result = runtime()?.block_on(cache.submit(
        lock,
        account,
        (&smtp_pw, &imap_pw),
        id,
        Default::default(),
    ));
    match result {
        Ok(()) => {
            println!(
                "Sent{}.",
                if account.files_sent {
                    ""
                } else {
                    ", and filed in Sent"
                }
            );
            Ok(())
        }
        Err(e) => {
            let (what, next) = match &e {
                outbox::Error::Net(n) => (wording::net_error(n), "it will be retried"),
                outbox::Error::Deferred(r) => (format!("Not sent ({r})."), "it will be retried"),
                outbox::Error::Refused(r) => (
                    format!("The server refused the message: {r}."),
                    "fix the recipient and send again, or discard it",
                ),
                outbox::Error::Unknown(r) => (
                    format!(
                        "The connection ended before the server confirmed the message ({r}); it may or may not have been sent."
                    ),
                    "check with a recipient before `quietpost outbox retry`",
                ),
                other => (other.to_string(), "see `quietpost outbox`"),
            };
            bail!(
                "{what}\nThe message stays in the outbox as #{id}: {next}. `quietpost outbox` lists it."
            )
        }
    }
}

pub fn outbox_cmd(a: OutboxArgs, paths: &Paths) -> Result<()> {
    let mut cache = mailbox(paths)?;
    let outbox_error = |e: outbox::Error| match e {
        outbox::Error::Store(e) => anyhow!(wording::store_error(&e)),
        outbox::Error::NoSuchMessage(id) => anyhow!("There is no message #{id} in the outbox."),
        other => anyhow!("{other}"),
    };
    match a.command.unwrap_or(OutboxCommand::List { json: false }) {
        OutboxCommand::List { json } => {
            // Settles what a dead sender left, unless a live one is at work.
            cache
                .settle_outbox()
                .map_err(|e| anyhow!(wording::store_error(&e)))?;
            list(&cache, json)
        }
        OutboxCommand::Retry { id } => {
            let lock = send_lock(&mut cache)?;
            let name = cache.retry(&lock, id).map_err(outbox_error)?;
            let account = accounts_named(paths, &name)?;
            submit(&mut cache, &lock, &account, id)
        }
        OutboxCommand::Send => {
            drop(cache);
            send_due(paths)
        }
        OutboxCommand::Discard { id } => {
            let lock = send_lock(&mut cache)?;
            let state = cache.discard(&lock, id).map_err(outbox_error)?;
            let what = match state {
                OutboxState::Sent => "it was sent, and will not be filed in Sent",
                OutboxState::Unknown => "it may have been sent before; it will not be sent again",
                _ => "it was not sent",
            };
            println!("Message #{id} removed from the outbox: {what}.");
            Ok(())
        }
    }
}

/// `outbox send`: what is due, account by account.
fn send_due(paths: &Paths) -> Result<()> {
    let mut cache = mailbox(paths)?;
    let mut accounts: Vec<String> = cache
        .outbox(None)
        .map_err(|e| anyhow!(wording::store_error(&e)))?
        .into_iter()
        .map(|m| m.account)
        .collect();
    accounts.sort();
    accounts.dedup();
    let (mut tried, mut not_sent) = (0, 0);
    for name in accounts {
        let account = accounts_named(paths, &name)?;
        if cache
            .next_due(&account)
            .map_err(|e| anyhow!("{e}"))?
            .is_none()
        {
            continue;
        }
        let smtp_pw = password(&account, &account.smtp)?;
        let imap_pw = password(&account, &account.imap)?;
        let done = runtime()?
            .block_on(cache.send_due(&account, (&smtp_pw, &imap_pw), Default::default()))
            .map_err(|e| anyhow!("{e}"))?;
        for (id, r) in done {
            tried += 1;
            match r {
                Ok(()) => println!("#{id} sent."),
                Err(e) => {
                    not_sent += 1;
                    println!("#{id} not sent: {e}");
                }
            }
        }
    }
    if not_sent > 0 {
        bail!("{not_sent} message(s) stay in the outbox; `quietpost outbox` says why.");
    }
    if tried == 0 {
        println!("Nothing is due: `quietpost outbox` lists what waits, and until when.");
    }
    Ok(())
}

fn list(cache: &Mailbox, json: bool) -> Result<()> {
    let items = cache
        .outbox(None)
        .map_err(|e| anyhow!(wording::store_error(&e)))?;
    let subject = |raw: &[u8]| {
        quietpost_render::summary(raw, &Default::default())
            .subject
            .as_str()
            .to_owned()
    };
    if json {
        let v: Vec<_> = items
            .iter()
            .map(|m| {
                serde_json::json!({
                    "id": m.id, "account": m.account, "state": m.state.as_str(),
                    "subject": subject(&m.raw), "recipients": m.recipients,
                    "attempts": m.attempts, "last_error": m.last_error,
                    "next_attempt": m.next_attempt, "message_id": m.message_id,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    if items.is_empty() {
        println!("The outbox is empty.");
        return Ok(());
    }
    let mut out = Out(io::stdout().lock());
    for m in &items {
        out.line(&format!(
            "#{}  {}  [{}]  {}",
            m.id,
            wording::outbox_state(m.state),
            m.account,
            subject(&m.raw)
        ))?;
        if let Some(e) = &m.last_error {
            out.line(&format!("      last attempt ({} so far): {e}", m.attempts))?;
        }
    }
    Ok(())
}
