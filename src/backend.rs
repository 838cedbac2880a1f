//! The window's side effects: every read and write of the cache, the disk, the keychain and the
//! network, as `async fn`s that screens start with `Task::perform`. `update` never does I/O.
//! Blocking work runs on tokio's blocking pool, so the window never waits on it.

use quietpost_core::autoconfig::Discovered;
use quietpost_core::remote::{self, LoadLimits, Permission};
use quietpost_core::sync::{self, Verb};
use quietpost_model::{LedgerEntry, Opening, SafeMessage};
use quietpost_render::{Limits, Options};
use quietpost_store::cache::{Cache, Flags, ListQuery, MessageRow};
use quietpost_store::config::Account;
use quietpost_store::paths::Paths;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A failure, as it travels inside a message (cheap to clone; the app words it).
#[derive(Debug, Clone)]
pub enum Error {
    Store(Arc<quietpost_store::Error>),
    Sync(Arc<sync::Error>),
    Remote(Arc<remote::Error>),
    /// The message is no longer in the cache (deleted or moved meanwhile).
    Gone(i64),
    /// The attachment could not be read back from the message.
    NoAttachment,
    /// Opening this attachment was refused: it can run code, or is a web document.
    NotOpenable,
    /// The system could not start its viewer or browser.
    Launch(Arc<std::io::Error>),
    /// A background task ended before it finished (the app is closing).
    Stopped,
}

impl From<quietpost_store::Error> for Error {
    fn from(e: quietpost_store::Error) -> Self {
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

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or(Err(Error::Stopped))
}

/// A folder in the folder pane (core's, shared with the command line).
pub use quietpost_core::folders::Folder as FolderItem;

/// The folders of `accounts` (in that order) with their counts.
pub async fn folders(cache: PathBuf, accounts: Vec<String>) -> Result<Vec<FolderItem>, Error> {
    blocking(move || {
        Ok(quietpost_core::folders::list(
            &Cache::open_file(&cache)?,
            &accounts,
        )?)
    })
    .await
}

/// The newest `limit` messages of a folder, newest first (the list shows only the visible
/// ones).
pub async fn list(
    cache: PathBuf,
    account: String,
    folder: String,
    limit: usize,
) -> Result<Arc<Vec<MessageRow>>, Error> {
    blocking(move || {
        let cache = Cache::open_file(&cache)?;
        let rows = cache.list(&ListQuery {
            account: Some(account),
            folder: Some(folder),
            unread_only: false,
            limit,
        })?;
        Ok(Arc::new(rows))
    })
    .await
}

/// The messages matching `words` in every account, newest first.
pub async fn search(cache: PathBuf, words: String) -> Result<Arc<Vec<MessageRow>>, Error> {
    blocking(move || {
        let cache = Cache::open_file(&cache)?;
        Ok(Arc::new(cache.search(&words, None, 5_000)?))
    })
    .await
}

/// An opened message: what the reading pane shows.
#[derive(Debug, Clone)]
pub struct Opened {
    pub id: i64,
    pub row: MessageRow,
    pub message: SafeMessage,
    /// Every remote reference and what happened to it (all blocked until a load).
    pub ledger: Vec<LedgerEntry>,
    /// What the account's policy allows for this message.
    pub permission: Permission,
    /// Why nothing can be loaded, when nothing can (no proxy, or the policy).
    pub cannot_load: Option<CannotLoad>,
    /// Which version of a message written twice (plain text and HTML) is shown.
    pub prefer: quietpost_render::Prefer,
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

/// Reads a message from the cache (downloading its body first when only the summary is
/// cached), renders it with the account's trusted authserv-ids and marks it read.
pub async fn open(
    cache_path: PathBuf,
    account: Account,
    id: i64,
    prefer: quietpost_render::Prefer,
) -> Result<Opened, Error> {
    // One connection to the cache for the whole opening (it moves between blocking tasks).
    let (mut cache, row, cached) = blocking(move || {
        let cache = Cache::open_file(&cache_path)?;
        let row = cache.message(id)?.ok_or(Error::Gone(id))?;
        let body = cache.body(id)?;
        Ok((cache, row, body))
    })
    .await?;
    let raw = match cached {
        Some(raw) => raw,
        None => sync::raw_message(&mut cache, &account, id).await?,
    };
    blocking(move || {
        let options = Options {
            trusted_authserv_ids: account.trusted_authserv_ids.clone(),
            limits: Limits::default(),
            prefer,
        };
        let message = quietpost_render::render(&raw, &options);
        // The list names the sender from the header's analysis; the reader has just made it
        // from the whole message. Should they ever differ, the list takes the reader's.
        let mut row = row;
        let sender = message.sender_summary();
        if cache.set_sender(id, &sender)? {
            row.summary.sender = Some(sender);
        }
        let ledger = remote::ledger(&cache, id, &message)?;
        if !row.summary.flags.contains(Flags::SEEN) {
            sync::act(&mut cache, id, &Verb::Flag(Flags::SEEN, true))?;
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
    cache: PathBuf,
    outer: MessageRow,
    within: Vec<usize>,
    prefer: quietpost_render::Prefer,
) -> Result<Opened, Error> {
    blocking(move || {
        let raw = attachment_bytes(&cache, outer.id, &within)?;
        let options = Options {
            trusted_authserv_ids: Vec::new(),
            limits: Limits::default(),
            prefer,
        };
        let mut message = quietpost_render::render(&raw, &options);
        for r in &mut message.remote_content {
            r.attached = true;
        }
        let cache = Cache::open_file(&cache)?;
        let ledger = remote::ledger(&cache, outer.id, &message)?;
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

/// Takes an action on a message: in the cache at once, on the server at the next sync.
pub async fn act(cache: PathBuf, id: i64, verb: Verb) -> Result<(), Error> {
    blocking(move || {
        let mut cache = Cache::open_file(&cache)?;
        sync::act(&mut cache, id, &verb)?;
        Ok(())
    })
    .await
}

/// Images loaded through the proxy, ready to show, with the new ledger.
#[derive(Debug, Clone)]
pub struct RemoteLoaded {
    pub ledger: Vec<LedgerEntry>,
    pub images: Vec<iced::widget::image::Handle>,
}

/// Loads the message's images through the account's proxy (never directly) and records the
/// ledger. Fails only when the policy forbids it; a dead proxy is a ledger of failures.
pub async fn load_remote(
    cache: PathBuf,
    account: Account,
    id: i64,
    message: SafeMessage,
) -> Result<RemoteLoaded, Error> {
    let route = remote::route(&account, None);
    let loaded = remote::load(&account, &message, route.as_ref(), &LoadLimits::default()).await?;
    blocking(move || {
        let mut cache = Cache::open_file(&cache)?;
        remote::record(&mut cache, id, &loaded)?;
        let ledger = remote::ledger(&cache, id, &message)?;
        let images = loaded
            .images
            .into_iter()
            .map(|(_, image)| {
                iced::widget::image::Handle::from_rgba(image.width, image.height, image.rgba)
            })
            .collect();
        Ok(RemoteLoaded { ledger, images })
    })
    .await
}

/// The bytes of the attachment at `path` in message `id`: each index but the last names an
/// attached message, the last the attachment in it.
fn attachment_bytes(cache: &Path, id: i64, path: &[usize]) -> Result<Vec<u8>, Error> {
    let cache = Cache::open_file(cache)?;
    let mut raw = cache.body(id)?.ok_or(Error::Gone(id))?;
    for &index in path {
        raw = quietpost_render::attachment_data(&raw, index, &Limits::default())
            .ok_or(Error::NoAttachment)?;
    }
    Ok(raw)
}

/// Saves an attachment (at `path`, as [`attachment_bytes`] takes it) as `dir/safe_name` (mode
/// 0600), never replacing a file, with the system's mark for files from the internet.
pub async fn save_attachment(
    cache: PathBuf,
    id: i64,
    path: Vec<usize>,
    safe_name: String,
    dir: PathBuf,
) -> Result<PathBuf, Error> {
    blocking(move || {
        let bytes = attachment_bytes(&cache, id, &path)?;
        quietpost_store::paths::ensure_dir(&dir)?;
        let path = quietpost_store::paths::save_new(&dir, &safe_name, &bytes)?;
        quietpost_store::paths::mark_from_internet(&path);
        Ok(path)
    })
    .await
}

/// Opens an attachment with the system viewer, from a new private (0700) directory under
/// `temp` (emptied when the window closes and when it starts). Only what the renderer allows
/// to go to a viewer (`Opening::Viewer` or `Opening::Document`) is handed over, whatever the
/// caller shows; attached messages open inside Quietpost ([`open_attached`]).
pub async fn open_attachment(
    cache: PathBuf,
    id: i64,
    path: Vec<usize>,
    attachment: quietpost_model::Attachment,
    temp: PathBuf,
    opener: crate::system::Opener,
) -> Result<PathBuf, Error> {
    if !matches!(attachment.opening, Opening::Viewer | Opening::Document) {
        return Err(Error::NotOpenable);
    }
    blocking(move || {
        let bytes = attachment_bytes(&cache, id, &path)?;
        quietpost_store::paths::private_dir(&temp)?;
        let dir = quietpost_store::paths::private_temp_dir(&temp)?;
        let path =
            quietpost_store::paths::save_new(&dir, attachment.safe_filename.as_str(), &bytes)?;
        quietpost_store::paths::mark_from_internet(&path);
        opener
            .open(path.as_os_str())
            .map_err(|e| Error::Launch(Arc::new(e)))?;
        Ok(path)
    })
    .await
}

/// Lets account `name` load remote content on request (through its proxy only), in
/// config.toml, as `quietpost remote policy NAME on-request` does.
pub async fn allow_on_request(paths: Paths, name: String) -> Result<Arc<Account>, Error> {
    blocking(move || {
        quietpost_core::accounts::update(&paths, &name, |a| {
            a.remote_content = quietpost_store::config::RemoteContent::OnRequest;
        })
        .map(Arc::new)
        .map_err(|e| Error::Sync(Arc::new(sync::Error::from(e))))
    })
    .await
}

/// Hands a web address to the system's browser, off the window's thread.
pub async fn open_link(url: String, opener: crate::system::Opener) -> Result<(), Error> {
    blocking(move || {
        opener
            .open(std::ffi::OsStr::new(&url))
            .map_err(|e| Error::Launch(Arc::new(e)))
    })
    .await
}

/// Removes the copies made for opening attachments (`temp`'s private directories).
pub fn remove_opened(temp: &Path) {
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

/// Finds the servers for an address (the built-in table, the provider's autoconfig document
/// over HTTPS, DNS service records — never with a proxy), through `proxy` when one is given.
pub async fn discover(email: String, proxy: String) -> Result<Discovered, String> {
    let route = match proxy.trim() {
        "" => quietpost_net::Route::Direct,
        p => quietpost_core::accounts::parse_proxy(p).map_err(|e| e.to_string())?,
    };
    quietpost_core::autoconfig::discover(&email, &route).await
}

/// Why an account was not added, in words (and, for a certificate, what pinning needs).
#[derive(Debug, Clone)]
pub enum AddFailure {
    /// A server's certificate was refused. `fingerprint`: the certificate it presents, for the
    /// person to compare before pinning it (none when it could not be learnt).
    Certificate {
        words: String,
        smtp: bool,
        fingerprint: Option<quietpost_model::Fingerprint>,
    },
    Other(String),
}

/// Adds an account as `quietpost account add` does: the keychain first (none: stop before
/// anything is sent), then both servers checked with the password (only inside TLS), then the
/// password into the keychain and the account into config.toml. Returns the checks in words.
pub async fn add_account(
    paths: Paths,
    account: Account,
    password: quietpost_model::Secret,
) -> Result<Vec<String>, AddFailure> {
    use quietpost_core::accounts;
    use quietpost_store::config::PasswordSource;
    use quietpost_store::credentials::Keychain;
    let other = |s: String| AddFailure::Other(s);
    accounts::endpoint(&account, &account.imap).map_err(|e| other(e.to_string()))?;
    let keychain = match account.password {
        PasswordSource::Keychain => Some(
            tokio::task::spawn_blocking(Keychain::open)
                .await
                .map_err(|e| other(e.to_string()))?
                .map_err(|e| other(store_words(&e)))?,
        ),
        PasswordSource::Command { .. } => None,
    };
    let (imap, smtp) = accounts::check(&account, &password, &password)
        .await
        .map_err(|e| other(e.to_string()))?;
    for (is_smtp, c) in [(false, &imap), (true, &smtp)] {
        if let Err(e) = &c.result {
            let words = format!(
                "{} Nothing was saved.",
                crate::wording::net_error_for(e, crate::wording::Face::Window)
            );
            let pinnable = matches!(
                e,
                quietpost_net::Error::Certificate { problem, .. }
                    if !matches!(problem, quietpost_net::CertProblem::PinMismatch { .. })
            );
            if !pinnable {
                return Err(other(words));
            }
            let server = if is_smtp {
                &account.smtp
            } else {
                &account.imap
            };
            return Err(AddFailure::Certificate {
                words,
                smtp: is_smtp,
                fingerprint: accounts::presented_fingerprint(&account, server).await,
            });
        }
    }
    let mut lines = crate::wording::server_check("IMAP", &imap);
    lines.extend(crate::wording::server_check("SMTP", &smtp));
    tokio::task::spawn_blocking(move || {
        accounts::save_new(&paths, &account, &password, keychain.as_ref())
    })
    .await
    .map_err(|e| other(e.to_string()))?
    .map_err(|e| {
        other(match e {
            accounts::Error::Store(e) => store_words(&e),
            e => e.to_string(),
        })
    })?;
    Ok(lines)
}

fn store_words(e: &quietpost_store::Error) -> String {
    crate::wording::store_error_for(e, crate::wording::Face::Window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quietpost_model::{Attachment, SafeLine};

    fn attachment(name: &str, declared: &str, detected: Option<&'static str>) -> Attachment {
        Attachment {
            filename: SafeLine::new(name, 255),
            safe_filename: SafeLine::new(name, 255),
            content_type: SafeLine::new(declared, 100),
            detected_type: detected,
            size: 10,
            warnings: Vec::new(),
            part: 1,
            looks_like: None,
            opening: Opening::Viewer,
        }
    }

    /// The window's "Allow loading on request" changes the account in config.toml, as the
    /// command line's `remote policy` does, and nothing else.
    #[test]
    fn allowing_on_request_changes_only_that_setting() {
        use quietpost_store::config::{Config, RemoteContent, Security, Server};
        let dir = std::env::temp_dir().join(format!("qp-allow-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let paths = Paths::profile(&dir);
        let server = |port| Server {
            host: "mail.example.org".into(),
            port,
            security: Security::ImplicitTls,
            ca_file: None,
            pin_sha256: None,
        };
        let before = Account::new("work", "a@example.org", "a", server(993), server(465));
        assert_eq!(before.remote_content, RemoteContent::Blocked);
        Config {
            accounts: vec![before.clone()],
        }
        .save(&paths)
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let after = rt
            .block_on(allow_on_request(paths.clone(), "work".into()))
            .unwrap();
        assert_eq!(after.remote_content, RemoteContent::OnRequest);
        let saved = Config::load(&paths).unwrap().accounts;
        assert_eq!(
            saved,
            [Account {
                remote_content: RemoteContent::OnRequest,
                ..before
            }]
        );
        assert!(
            rt.block_on(allow_on_request(paths, "nobody".into()))
                .is_err()
        );
        let _ = std::fs::remove_dir_all(dir);
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
            let mut a = attachment("photo.png", "image/png", Some("image/png"));
            a.opening = opening;
            let r = rt.block_on(open_attachment(
                PathBuf::from("/nonexistent"),
                1,
                vec![0],
                a,
                temp.clone(),
                crate::system::Opener::program("/bin/false"),
            ));
            assert!(matches!(r, Err(Error::NotOpenable)), "{opening:?}: {r:?}");
        }
        assert!(!temp.exists(), "nothing was written");
    }
}
