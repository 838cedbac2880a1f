//! Reading a message, the one way for both faces: open it (downloading the body when only the
//! summary is cached), render it with the account's trusted authserv-ids, its remote ledger and
//! what the policy allows; attached messages opened inside Quietpost; attachments saved or
//! handed to a viewer. Blocking work runs on tokio's blocking pool, so a window never waits.

use crate::mailbox::Mailbox;
use crate::remote::{self, LoadLimits, Permission};
use crate::sync::{self, Undo, Verb};
use crate::{StoreError, remote::Loaded};
use quietpost_model::{
    Account, Attachment, Flags, LedgerEntry, MessageId, MessageRow, Opening, SafeMessage,
};
use quietpost_render::{Limits, Options, Prefer};
use quietpost_store::paths;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A failure, cheap to clone so it can travel in a window's message; each face words it.
#[derive(Debug, Clone)]
pub enum Error {
    Store(Arc<StoreError>),
    Sync(Arc<sync::Error>),
    Remote(Arc<remote::Error>),
    /// The message is no longer in the cache (deleted or moved meanwhile).
    Gone(MessageId),
    /// The attachment could not be read back from the message.
    NoAttachment,
    /// Opening this attachment was refused: it can run code, or is a web document.
    NotOpenable,
    /// A background task ended before it finished (the program is closing).
    Stopped,
    /// An image attachment could not be previewed (damaged, not the picture it claims, or
    /// beyond the decoder's bounds): why, in words.
    Preview(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(Arc::new(e))
    }
}

impl From<sync::Error> for Error {
    fn from(e: sync::Error) -> Self {
        Error::Sync(Arc::new(e))
    }
}

impl From<remote::Error> for Error {
    fn from(e: remote::Error) -> Self {
        Error::Remote(Arc::new(e))
    }
}

/// Runs blocking work (SQLite, files) on tokio's blocking pool.
pub async fn blocking<T: Send + 'static, E: From<Error> + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| Err(Error::Stopped.into()))
}

/// An opened message: what a reader shows.
#[derive(Debug, Clone)]
pub struct Opened {
    pub id: MessageId,
    pub row: MessageRow,
    pub message: SafeMessage,
    /// Every remote reference and what happened to it (all blocked until a load).
    pub ledger: Vec<LedgerEntry>,
    /// What the account's policy allows for this message.
    pub permission: Permission,
    /// Why nothing can be loaded, when nothing can (no proxy, or the policy).
    pub cannot_load: Option<CannotLoad>,
    /// Which version of a message written twice (plain text and HTML) is shown.
    pub prefer: Prefer,
    /// For an attached message shown inside Quietpost: the attachment indices leading to it
    /// from message `id` (an attached message inside an attached message has two). Empty for
    /// the message itself.
    pub within: Vec<usize>,
}

/// Why "Load through proxy" is unavailable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CannotLoad {
    /// The account's policy blocks remote content even on request.
    Policy,
    /// No proxy is configured: images never load directly.
    NoProxy,
    /// An attached message: nothing in it is ever loaded.
    Attached,
}

/// Whether opening a message marks it read: a window marks what the person opened; the
/// command line's `read` leaves flags alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkRead {
    Yes,
    No,
}

/// Opens cached message `id` of `account` from the mailbox in `file`.
pub async fn open(
    file: PathBuf,
    account: Account,
    id: MessageId,
    prefer: Prefer,
    mark: MarkRead,
) -> Result<Opened, Error> {
    // One connection to the mailbox for the whole opening (it moves between blocking tasks).
    let (mut mailbox, row) = blocking(move || {
        let mailbox = Mailbox::open_file(&file)?;
        let row = mailbox.message(id)?.ok_or(Error::Gone(id))?;
        Ok::<_, Error>((mailbox, row))
    })
    .await?;
    let raw = mailbox.raw(&account, id).await?;
    blocking(move || {
        let options = Options {
            trusted_authserv_ids: account.trusted_authserv_ids.clone(),
            limits: Limits::default(),
            prefer,
        };
        let mut message = quietpost_render::render(&raw, &options);
        save_only_documents(&mut message, account.documents);
        // The list names the sender from the header's analysis; the reader has just made it
        // from the whole message. Should they ever differ, the list takes the reader's.
        let mut row = row;
        let sender = message.sender_summary();
        if mailbox.cache_mut().set_sender(id, &sender)? {
            row.summary.sender = Some(sender);
        }
        let ledger = mailbox.ledger(id, &message)?;
        if mark == MarkRead::Yes && !row.summary.flags.contains(Flags::SEEN) {
            mailbox.act(id, &Verb::Flag(Flags::SEEN, true))?;
        }
        let permission = remote::permission(&account, &message);
        let cannot_load = if permission == Permission::Blocked {
            Some(CannotLoad::Policy)
        } else if remote::route(&account, None).is_none() {
            Some(CannotLoad::NoProxy)
        } else {
            None
        };
        Ok(Opened {
            id,
            row,
            message,
            ledger,
            permission,
            cannot_load,
            prefer,
            within: Vec::new(),
        })
    })
    .await
}

/// Opens an attached message inside Quietpost: the attachment at `within` (followed from
/// message `outer.id`, through attached messages inside each other), rendered as any message
/// is. Its Authentication-Results were written for someone else's mailbox, so none is
/// believed; nothing in it is ever loaded.
pub async fn open_attached(
    file: PathBuf,
    outer: MessageRow,
    within: Vec<usize>,
    prefer: Prefer,
    documents: quietpost_model::Documents,
) -> Result<Opened, Error> {
    blocking(move || {
        let mailbox = Mailbox::open_file(&file)?;
        let raw = attachment_bytes(&mailbox, outer.id, &within)?;
        let mut message = attached_message(&raw, prefer);
        save_only_documents(&mut message, documents);
        let ledger = mailbox.ledger(outer.id, &message)?;
        Ok(Opened {
            id: outer.id,
            row: outer,
            message,
            ledger,
            permission: Permission::Blocked,
            cannot_load: Some(CannotLoad::Attached),
            prefer,
            within,
        })
    })
    .await
}

/// With the account's documents saved only, a document is offered for saving alone (the
/// renderer's "open after a warning" becomes "save only, by your settings").
pub fn save_only_documents(message: &mut SafeMessage, documents: quietpost_model::Documents) {
    if documents == quietpost_model::Documents::SaveOnly {
        for a in &mut message.attachments {
            if a.opening == Opening::Document {
                a.opening = Opening::SaveOnly(quietpost_model::SaveOnly::DocumentsSaveOnly);
            }
        }
    }
}

/// An attached message rendered for reading: no Authentication-Results believed, every remote
/// reference marked as one that never loads.
pub fn attached_message(raw: &[u8], prefer: Prefer) -> SafeMessage {
    let options = Options {
        trusted_authserv_ids: Vec::new(),
        limits: Limits::default(),
        prefer,
    };
    let mut message = quietpost_render::render(raw, &options);
    for r in &mut message.remote_content {
        r.attached = true;
    }
    message
}

/// Takes an action on a message: in the cache at once, on the server at the next sync. Returns
/// the way to take it back until then (none when there was nothing to do).
pub async fn act(file: PathBuf, id: MessageId, verb: Verb) -> Result<Option<Undo>, Error> {
    blocking(move || {
        Ok(Mailbox::open_file(&file)?
            .act_undoable(id, &verb)?
            .map(|(_, undo)| undo))
    })
    .await
}

/// Takes an action back; `false` when it is too late (the server already has it).
pub async fn undo(file: PathBuf, undo: Undo) -> Result<bool, Error> {
    blocking(move || Ok(Mailbox::open_file(&file)?.undo(undo)?)).await
}

/// What a load through the proxy brought: the new ledger and the images, decoded and bounded.
#[derive(Debug, Clone)]
pub struct RemoteLoaded {
    pub ledger: Vec<LedgerEntry>,
    pub images: Vec<remote::Image>,
    /// The proxy it went through; `None`: there was none, so nothing was fetched.
    pub route: Option<quietpost_model::Route>,
}

/// Loads the message's images through a proxy (`over` for this one load, else the account's;
/// never directly) and records the ledger. Fails only when the policy forbids it; a dead proxy
/// is a ledger of failures. The one way both faces load remote content.
pub async fn load_remote(
    file: PathBuf,
    account: Account,
    id: MessageId,
    message: SafeMessage,
    over: Option<quietpost_model::Route>,
) -> Result<RemoteLoaded, Error> {
    let route = remote::route(&account, over);
    let loaded: Loaded =
        remote::load(&account, &message, route.as_ref(), &LoadLimits::default()).await?;
    let route = route.clone();
    blocking(move || {
        let mut mailbox = Mailbox::open_file(&file)?;
        mailbox.record(id, &loaded)?;
        let ledger = mailbox.ledger(id, &message)?;
        let images = loaded.images.into_iter().map(|(_, image)| image).collect();
        Ok(RemoteLoaded {
            ledger,
            images,
            route,
        })
    })
    .await
}

/// The bytes of the attachment at `path` in message `id`: each index but the last names an
/// attached message, the last the attachment in it.
pub fn attachment_bytes(
    mailbox: &Mailbox,
    id: MessageId,
    path: &[usize],
) -> Result<Vec<u8>, Error> {
    let mut raw = mailbox.cache().body(id)?.ok_or(Error::Gone(id))?;
    for &index in path {
        raw = attachment_in(&raw, index)?;
    }
    Ok(raw)
}

/// Attachment `index` of the message `raw`.
pub fn attachment_in(raw: &[u8], index: usize) -> Result<Vec<u8>, Error> {
    quietpost_render::attachment_data(raw, index, &Limits::default()).ok_or(Error::NoAttachment)
}

/// The pictures a preview is made of: what the renderer lets go to a viewer, whose content
/// is one of the raster types the bounded decoder reads.
pub fn previewable(a: &quietpost_model::Attachment) -> bool {
    a.opening == quietpost_model::Opening::Viewer
        && matches!(
            a.detected_type.unwrap_or(a.content_type.as_str()),
            "image/png" | "image/jpeg" | "image/gif" | "image/webp"
        )
}

/// A preview of the image attachment at `path` (as [`attachment_bytes`] takes it): decoded in
/// memory with the bounds remote images have (size read from the header before any pixel is
/// allocated; PNG, JPEG, GIF or WebP by content), nothing written anywhere.
pub async fn preview(
    file: PathBuf,
    id: MessageId,
    path: Vec<usize>,
    declared: String,
) -> Result<remote::Image, Error> {
    blocking(move || {
        let bytes = attachment_bytes(&Mailbox::open_file(&file)?, id, &path)?;
        decode_image(&bytes, &declared)
    })
    .await
}

/// Bytes that should be a PNG, JPEG, GIF or WebP image (`what`: what they were said to be),
/// decoded in memory within the bounds remote images have. No I/O.
pub fn decode_image(bytes: &[u8], what: &str) -> Result<remote::Image, Error> {
    let limits = quietpost_net::fetch::Limits::default();
    let budget = quietpost_net::fetch::Budget::new(limits.max_decoded);
    quietpost_net::fetch::decode_bytes(bytes, what, &limits, &budget)
        .map_err(|e| Error::Preview(e.to_string()))
}

/// Saves an attachment (at `path`, as [`attachment_bytes`] takes it) as `dir/safe_name` (mode
/// 0600), never replacing a file, with the system's mark for files from the internet.
pub async fn save_attachment(
    file: PathBuf,
    id: MessageId,
    path: Vec<usize>,
    safe_name: String,
    dir: PathBuf,
) -> Result<PathBuf, Error> {
    blocking(move || {
        let bytes = attachment_bytes(&Mailbox::open_file(&file)?, id, &path)?;
        Ok(save_bytes(&dir, &safe_name, &bytes)?)
    })
    .await
}

/// Writes `bytes` as `dir/safe_name` (0600), never replacing a file, marked as from the
/// internet. Returns the path written.
pub fn save_bytes(dir: &Path, safe_name: &str, bytes: &[u8]) -> Result<PathBuf, StoreError> {
    paths::ensure_dir(dir)?;
    let path = paths::save_new(dir, safe_name, bytes)?;
    paths::mark_from_internet(&path);
    Ok(path)
}

/// A copy of an attachment for the system viewer, in a new private (0700) directory under
/// `temp` (emptied by [`remove_viewer_copies`]). Only what the renderer allows to go to a
/// viewer (`Opening::Viewer` or `Opening::Document`) is copied, whatever the caller shows;
/// attached messages open inside Quietpost ([`open_attached`]).
pub async fn copy_for_viewer(
    file: PathBuf,
    id: MessageId,
    path: Vec<usize>,
    attachment: Attachment,
    temp: PathBuf,
) -> Result<PathBuf, Error> {
    if !matches!(attachment.opening, Opening::Viewer | Opening::Document) {
        return Err(Error::NotOpenable);
    }
    blocking(move || {
        let bytes = attachment_bytes(&Mailbox::open_file(&file)?, id, &path)?;
        paths::private_dir(&temp)?;
        let dir = paths::private_temp_dir(&temp)?;
        let path = paths::save_new(&dir, attachment.safe_filename.as_str(), &bytes)?;
        paths::mark_from_internet(&path);
        Ok(path)
    })
    .await
}

/// Removes the copies made for viewers ([`copy_for_viewer`]'s private directories in `temp`).
pub fn remove_viewer_copies(temp: &Path) {
    if let Ok(entries) = std::fs::read_dir(temp) {
        for e in entries.flatten() {
            let name = e.file_name();
            if name.to_string_lossy().starts_with("quietpost-")
                && e.file_type().is_ok_and(|t| t.is_dir())
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quietpost_model::SafeLine;

    fn attachment(opening: Opening) -> Attachment {
        Attachment {
            filename: SafeLine::new("photo.png", 255),
            safe_filename: SafeLine::new("photo.png", 255),
            content_type: SafeLine::new("image/png", 100),
            detected_type: Some("image/png"),
            size: 10,
            warnings: Vec::new(),
            part: 1,
            looks_like: None,
            opening,
        }
    }

    #[test]
    fn only_what_the_renderer_allows_goes_to_a_viewer() {
        use quietpost_model::SaveOnly::*;
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let temp = std::env::temp_dir().join(format!("qp-open-{}", std::process::id()));
        for opening in [
            Opening::SaveOnly(RunsCode),
            Opening::SaveOnly(WebPage),
            Opening::SaveOnly(OtherType),
            Opening::Quietpost,
        ] {
            let r = rt.block_on(copy_for_viewer(
                PathBuf::from("/nonexistent"),
                MessageId(1),
                vec![0],
                attachment(opening),
                temp.clone(),
            ));
            assert!(matches!(r, Err(Error::NotOpenable)), "{opening:?}: {r:?}");
        }
        assert!(!temp.exists(), "nothing was written");
    }
}
