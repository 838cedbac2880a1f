//! The composer's and the outbox view's side effects: each one core operation (the same the
//! command line's `send`, `send --draft`, `send --draft-id` and `outbox` call).

use super::{Error, blocking};
use quietpost_core::Mailbox;
use quietpost_core::compose::{self, Attached, Draft, File, Reveal};
use quietpost_core::outbox;
use quietpost_model::{Account, Flags, MessageId, Outgoing, Unsent, Writing};
use std::path::PathBuf;
use std::sync::Arc;

impl From<outbox::Error> for Error {
    fn from(e: outbox::Error) -> Self {
        Error::Send(Arc::new(e))
    }
}

/// The addresses the composer completes from (see core's `Mailbox::contacts`).
pub async fn contacts(cache: PathBuf, account: String) -> Result<Arc<Vec<String>>, Error> {
    blocking(move || Ok(Arc::new(Mailbox::open_file(&cache)?.contacts(&account)?))).await
}

/// A message being written, as the cache keeps it: its slot, fields and files.
pub type KeptMessage = (i64, Unsent, Vec<Arc<File>>);

/// Keeps what the composer holds (a new slot when `slot` is none); the files too when given.
pub async fn keep(
    cache: PathBuf,
    slot: Option<i64>,
    unsent: Unsent,
    files: Option<Vec<Arc<File>>>,
) -> Result<i64, Error> {
    blocking(move || {
        let mut mailbox = Mailbox::open_file(&cache)?;
        let slot = mailbox.keep_composing(slot, &unsent)?;
        if let Some(files) = files {
            let files: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect();
            mailbox.keep_composing_files(slot, &files)?;
        }
        Ok(slot)
    })
    .await
}

/// Forgets what the composer held (discarded).
pub async fn forget(cache: PathBuf, slot: Option<i64>) -> Result<(), Error> {
    blocking(move || {
        if let Some(slot) = slot {
            Mailbox::open_file(&cache)?.forget_composing(slot)?;
        }
        Ok(())
    })
    .await
}

/// What was being written when the window last closed: each slot with its files.
pub async fn kept(cache: PathBuf) -> Result<Vec<KeptMessage>, Error> {
    blocking(move || {
        let mailbox = Mailbox::open_file(&cache)?;
        let mut out = Vec::new();
        for (slot, unsent, _) in mailbox.composing()? {
            let files = mailbox
                .composing_files(slot)?
                .into_iter()
                .map(|(name, data)| Arc::new(File { name, data }))
                .collect();
            out.push((slot, unsent, files));
        }
        Ok(out)
    })
    .await
}

/// Files chosen to attach: read (at most [`MAX_ATTACHMENT`] each) and checked for what will
/// be removed from them, or why they cannot be checked.
pub async fn read_files(paths: Vec<PathBuf>) -> Result<Vec<(Arc<File>, Attached)>, Error> {
    blocking(move || {
        let mut out = Vec::new();
        for path in paths {
            let data = read_capped(&path)?;
            let file = File {
                name: path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                data,
            };
            let check = compose::check(&file, out.len());
            out.push((Arc::new(file), check));
        }
        Ok(out)
    })
    .await
}

/// The largest file the composer attaches (as `send --attach`).
pub const MAX_ATTACHMENT: u64 = 25 << 20;

fn read_capped(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io = |source| {
        Error::from(quietpost_core::StoreError::Io {
            path: path.to_owned(),
            source,
        })
    };
    let mut data = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_ATTACHMENT + 1)
        .read_to_end(&mut data)
        .map_err(io)?;
    if data.len() as u64 > MAX_ATTACHMENT {
        return Err(Error::TooLarge(path.to_owned()));
    }
    Ok(data)
}

/// A message built as it will be sent, with what it reveals and whether the person has seen
/// that kind of reveal for this account before.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub reveal: Reveal,
    pub new: bool,
}

/// Builds `draft` as it would be sent from `account` (nothing is sent or kept) and says what
/// it reveals — the same facts as `send --dry-run`.
pub async fn prepare(cache: PathBuf, account: Account, draft: Draft) -> Result<Prepared, Error> {
    blocking(move || {
        let built =
            compose::build(&draft, std::time::SystemTime::now()).map_err(outbox::Error::from)?;
        let reveal = compose::reveal(&draft, &built, &account);
        let new = Mailbox::open_file(&cache)?.reveal_is_new(&account, &reveal)?;
        Ok(Prepared { reveal, new })
    })
    .await
}

/// Puts the message into the outbox (the engine sends it), then: the reveal the person read
/// is remembered, the composer's kept copy forgotten, a reply's original marked answered, a
/// continued draft removed from Drafts. Returns its outbox id.
pub async fn queue(
    cache: PathBuf,
    account: Account,
    draft: Draft,
    seen: Option<Reveal>,
    slot: Option<i64>,
    writing: Writing,
) -> Result<i64, Error> {
    blocking(move || {
        let mut mailbox = Mailbox::open_file(&cache)?;
        let (id, _) = mailbox.queue_draft(&account, &draft)?;
        if let Some(reveal) = &seen {
            mailbox.see_reveal(&account.name, reveal)?;
        }
        if let Some(slot) = slot {
            mailbox.forget_composing(slot)?;
        }
        // The message is safe in the outbox: what follows is bookkeeping, and its failure
        // (the original deleted meanwhile) loses nothing.
        let after = match writing {
            Writing::Reply { to } => mailbox
                .act(to, &quietpost_core::sync::Verb::Flag(Flags::ANSWERED, true))
                .map(|_| ()),
            Writing::Draft { id } => mailbox
                .act(id, &quietpost_core::sync::Verb::RemoveDraft)
                .map(|_| ()),
            Writing::New | Writing::Forward { .. } => Ok(()),
        };
        if let Err(e) = after {
            tracing::warn!(error = %e, "after queueing");
        }
        Ok(id)
    })
    .await
}

/// Saves the message in the account's Drafts folder (Bcc kept), as `send --draft` does; the
/// demo, with no server, files it in its own Drafts. Then forgets the composer's kept copy
/// (and, for a continued draft, the old version). Returns the folder's name.
pub async fn save_draft(
    cache: PathBuf,
    account: Account,
    draft: Draft,
    slot: Option<i64>,
    writing: Writing,
    demo: bool,
) -> Result<String, Error> {
    let built =
        compose::build_draft(&draft, std::time::SystemTime::now()).map_err(outbox::Error::from)?;
    let folder = if demo {
        let (path, raw) = (cache.clone(), built.raw.clone());
        blocking(move || {
            quietpost_core::demo::file_draft(&path, &raw)?;
            Ok::<_, Error>("Drafts".to_owned())
        })
        .await?
    } else {
        let asking = account.clone();
        let password = blocking(move || {
            quietpost_core::accounts::password_for(&asking, &asking.imap)
                .map_err(|e| Error::from(outbox::Error::Account(e)))
        })
        .await?;
        outbox::save_draft(&account, &password, &built.raw, Default::default()).await?
    };
    blocking(move || {
        let mut mailbox = Mailbox::open_file(&cache)?;
        if let Some(slot) = slot {
            mailbox.forget_composing(slot)?;
        }
        if let Writing::Draft { id } = writing
            && let Err(e) = mailbox.act(id, &quietpost_core::sync::Verb::RemoveDraft)
        {
            tracing::warn!(error = %e, "the older draft");
        }
        Ok(folder)
    })
    .await
}

/// A draft of the Drafts folder, to go on writing (its own From replaced by the account's).
pub async fn resume(
    cache: PathBuf,
    account: Account,
    id: MessageId,
) -> Result<compose::resume::Resumed, Error> {
    let mut mailbox = blocking(move || Ok::<_, Error>(Mailbox::open_file(&cache)?)).await?;
    Ok(mailbox
        .resume_draft(&account, id)
        .await
        .map_err(quietpost_core::reading::Error::from)?)
}

/// What waits in the outbox (what a dead sender left settled first).
pub async fn outbox_list(cache: PathBuf) -> Result<Arc<Vec<Outgoing>>, Error> {
    blocking(move || {
        let mut mailbox = Mailbox::open_file(&cache)?;
        mailbox.settle_outbox()?;
        Ok(Arc::new(mailbox.outbox(None)?))
    })
    .await
}

/// What the outbox view's buttons do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxAct {
    /// Send again (a refused message, or one whose outcome is unknown), or now.
    Retry,
    /// The person says it went out: filed in Sent, never sent again.
    MarkSent,
    Discard,
}

/// Takes an outbox action, as `quietpost outbox retry | discard` (and "mark sent") do:
/// holding the send lock, waiting for a sender at work to finish.
pub async fn outbox_act(cache: PathBuf, id: i64, act: OutboxAct) -> Result<(), Error> {
    blocking(move || {
        let mut mailbox = Mailbox::open_file(&cache)?;
        let lock = mailbox.start_sending(|| {})?;
        match act {
            OutboxAct::Retry => mailbox.retry(&lock, id).map(|_| ()),
            OutboxAct::MarkSent => mailbox.mark_sent(&lock, id),
            OutboxAct::Discard => mailbox.discard(&lock, id).map(|_| ()),
        }?;
        Ok(())
    })
    .await
}

/// Takes a message out of the outbox to change it: kept for the composer first (so nothing
/// is lost if the window dies in between), then removed from the outbox. Returns the slot,
/// the fields and the files.
pub async fn edit_outgoing(
    cache: PathBuf,
    account: Account,
    id: i64,
) -> Result<KeptMessage, Error> {
    blocking(move || {
        let mut mailbox = Mailbox::open_file(&cache)?;
        let lock = mailbox.start_sending(|| {})?;
        let message = mailbox
            .outbox(None)?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or(outbox::Error::NoSuchMessage(id))?;
        let options = quietpost_render::Options::default();
        let quoted = quietpost_render::quote(&message.raw, &options);
        let mut resumed = compose::resume::resume(
            &message.raw,
            &quoted,
            &compose::identity(&account),
            &options.limits,
        );
        // The envelope knows the Bcc recipients the message's header does not name.
        let named: Vec<String> = resumed
            .draft
            .to
            .iter()
            .chain(&resumed.draft.cc)
            .filter_map(|m| compose::address_of(m))
            .map(|a| a.to_lowercase())
            .collect();
        resumed.draft.bcc = message
            .recipients
            .iter()
            .filter(|r| !named.contains(&r.to_lowercase()))
            .cloned()
            .collect();
        let unsent = unsent_of(&account.name, &resumed.draft, Writing::New);
        let files: Vec<Arc<File>> = resumed
            .draft
            .attachments
            .into_iter()
            .map(Arc::new)
            .collect();
        let slot = mailbox.keep_composing(None, &unsent)?;
        mailbox.keep_composing_files(
            slot,
            &files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect::<Vec<_>>(),
        )?;
        mailbox.discard(&lock, id)?;
        Ok((slot, unsent, files))
    })
    .await
}

/// The composer's fields for `draft`.
pub fn unsent_of(account: &str, draft: &Draft, writing: Writing) -> Unsent {
    Unsent {
        account: account.to_owned(),
        writing,
        to: draft.to.join(", "),
        cc: draft.cc.join(", "),
        bcc: draft.bcc.join(", "),
        subject: draft.subject.clone(),
        body: draft.body.clone(),
        in_reply_to: draft.in_reply_to.clone(),
        references: draft.references.clone(),
        read_receipt: draft.read_receipt,
    }
}

/// A reply (to everyone with `all`) or a forward of message `id`, as the composer starts it:
/// the signature above the quote; where a reply goes and why (notes), and why it has no
/// recipient when it has none.
pub async fn answer(
    cache: PathBuf,
    account: Account,
    id: MessageId,
    writing: Answer,
) -> Result<(Draft, Vec<String>), Error> {
    let text = compose::signed("", account.signature.as_deref());
    // A blank line to write on above the quote (the signature has one above it).
    let room = |mut d: Draft| {
        if account.signature.is_none() {
            d.body.insert_str(0, "\n\n");
        }
        d
    };
    let mut mailbox = blocking(move || Ok::<_, Error>(Mailbox::open_file(&cache)?)).await?;
    let sync = |e| Error::from(quietpost_core::reading::Error::from(e));
    match writing {
        Answer::Forward => Ok((
            room(
                mailbox
                    .forward(&account, id, Vec::new(), &text)
                    .await
                    .map_err(sync)?,
            ),
            Vec::new(),
        )),
        Answer::Reply { all } => {
            let r = mailbox
                .reply(&account, id, all, &text)
                .await
                .map_err(sync)?;
            let mut notes = r.notes;
            if let Some(why) = r.no_recipient {
                notes.insert(
                    0,
                    format!("Quietpost proposes no recipient: {why}. Type the address yourself."),
                );
            }
            Ok((room(r.draft), notes))
        }
    }
}

/// What the composer answers a message with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Reply { all: bool },
    Forward,
}
