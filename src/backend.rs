//! The window's side effects, as `async fn`s that screens start with `Task::perform`: each is
//! one core operation (the same the command line calls), plus what only a window needs —
//! images as iced handles, a failure a message can carry, the desktop's opener. `update` never
//! does I/O. Blocking work runs on tokio's blocking pool, so the window never waits on it.

use quietpost_core::autoconfig::Discovered;
use quietpost_core::reading::{self, blocking};
use quietpost_core::sync::Verb;
use quietpost_core::{Mailbox, Paths, accounts};
use quietpost_model::{Account, LedgerEntry, ListQuery, MessageId, MessageRow, SafeMessage};
use std::path::PathBuf;
use std::sync::Arc;

pub use quietpost_core::reading::{CannotLoad, Opened};

/// A failure, as it travels inside a message (cheap to clone; the app words it).
#[derive(Debug, Clone)]
pub enum Error {
    /// What core reports (the cache, a sync, a load, an attachment).
    Core(reading::Error),
    /// The system could not start its viewer or browser.
    Launch(Arc<std::io::Error>),
    /// A message could not be built, queued or saved as a draft.
    Send(Arc<quietpost_core::outbox::Error>),
    /// A file chosen to attach is larger than the composer takes.
    TooLarge(PathBuf),
    /// A setting, a check or the self-test of the settings pane.
    Settings(SettingsError),
    /// The desktop's notification service could not be reached.
    Notify(String),
}

impl From<reading::Error> for Error {
    fn from(e: reading::Error) -> Self {
        Error::Core(e)
    }
}

impl From<quietpost_core::StoreError> for Error {
    fn from(e: quietpost_core::StoreError) -> Self {
        Error::Core(e.into())
    }
}

impl From<quietpost_core::sync::Error> for Error {
    fn from(e: quietpost_core::sync::Error) -> Self {
        Error::Core(e.into())
    }
}

pub mod settings;
mod writing;
pub use settings::SettingsError;
pub use writing::*;

/// A folder in the folder pane (core's, shared with the command line).
pub use quietpost_core::folders::Folder as FolderItem;

/// The folders of `accounts` (in that order) with their counts.
pub async fn folders(cache: PathBuf, accounts: Vec<String>) -> Result<Vec<FolderItem>, Error> {
    blocking(move || Ok(Mailbox::open_file(&cache)?.folders(&accounts)?)).await
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
        let rows = Mailbox::open_file(&cache)?.list(&ListQuery {
            account: Some(account),
            folder: Some(folder),
            unread_only: false,
            limit,
        })?;
        Ok(Arc::new(rows))
    })
    .await
}

/// The messages matching `words` in `account` (`None`: every account), newest first.
pub async fn search(
    cache: PathBuf,
    words: String,
    account: Option<String>,
) -> Result<Arc<Vec<MessageRow>>, Error> {
    blocking(move || {
        Ok(Arc::new(Mailbox::open_file(&cache)?.search(
            &words,
            account.as_deref(),
            5_000,
        )?))
    })
    .await
}

/// Opens a message for the reading pane, and marks it read.
pub async fn open(
    cache: PathBuf,
    account: Account,
    id: MessageId,
    prefer: quietpost_render::Prefer,
) -> Result<Opened, Error> {
    Ok(reading::open(cache, account, id, prefer, reading::MarkRead::Yes).await?)
}

/// Opens an attached message inside Quietpost (nothing in it is believed or loaded).
pub async fn open_attached(
    cache: PathBuf,
    outer: MessageRow,
    within: Vec<usize>,
    prefer: quietpost_render::Prefer,
    documents: quietpost_model::Documents,
) -> Result<Opened, Error> {
    Ok(reading::open_attached(cache, outer, within, prefer, documents).await?)
}

/// Takes an action on a message: in the cache at once, on the server at the next sync; with
/// the way to take it back until then.
pub async fn act(
    cache: PathBuf,
    id: MessageId,
    verb: Verb,
) -> Result<Option<quietpost_core::sync::Undo>, Error> {
    Ok(reading::act(cache, id, verb).await?)
}

/// The demo's stand-in for a sync: what the person did, settled as a server would.
pub async fn settle_demo(cache: PathBuf) -> Result<usize, Error> {
    blocking(move || Ok(quietpost_core::demo::settle(&cache)?)).await
}

/// Remembers how the window looks for the next start (off the window's thread).
pub async fn save_appearance(
    paths: Paths,
    appearance: quietpost_model::Appearance,
) -> Result<(), Error> {
    blocking(move || Ok(quietpost_core::appearance::save(&paths, &appearance)?)).await
}

/// Takes an action back; `false` when it is too late (the server already has it).
pub async fn undo(cache: PathBuf, undo: quietpost_core::sync::Undo) -> Result<bool, Error> {
    Ok(reading::undo(cache, undo).await?)
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
    id: MessageId,
    message: SafeMessage,
) -> Result<RemoteLoaded, Error> {
    let loaded = reading::load_remote(cache, account, id, message, None).await?;
    let images = loaded
        .images
        .into_iter()
        .map(|image| iced::widget::image::Handle::from_rgba(image.width, image.height, image.rgba))
        .collect();
    Ok(RemoteLoaded {
        ledger: loaded.ledger,
        images,
    })
}

/// A preview of an image attachment, ready to show (decoded in memory, within bounds).
pub async fn preview(
    cache: PathBuf,
    id: MessageId,
    path: Vec<usize>,
    declared: String,
) -> Result<iced::widget::image::Handle, Error> {
    let image = reading::preview(cache, id, path, declared).await?;
    Ok(iced::widget::image::Handle::from_rgba(
        image.width,
        image.height,
        image.rgba,
    ))
}

/// Saves an attachment as `dir/safe_name` (0600, never replacing a file, marked as from the
/// internet).
pub async fn save_attachment(
    cache: PathBuf,
    id: MessageId,
    path: Vec<usize>,
    safe_name: String,
    dir: PathBuf,
) -> Result<PathBuf, Error> {
    Ok(reading::save_attachment(cache, id, path, safe_name, dir).await?)
}

/// Opens an attachment with the system viewer, from a private copy under `temp` (emptied when
/// the window closes and when it starts). Only what the renderer allows to go to a viewer is
/// copied and handed over, whatever the caller shows.
pub async fn open_attachment(
    cache: PathBuf,
    id: MessageId,
    path: Vec<usize>,
    attachment: quietpost_model::Attachment,
    temp: PathBuf,
    opener: crate::system::Opener,
) -> Result<PathBuf, Error> {
    let path = reading::copy_for_viewer(cache, id, path, attachment, temp).await?;
    hand_over(path.clone().into_os_string(), opener).await?;
    Ok(path)
}

/// Lets account `name` load remote content on request (through its proxy only), in
/// config.toml, as `quietpost remote policy NAME on-request` does.
pub async fn allow_on_request(paths: Paths, name: String) -> Result<Arc<Account>, Error> {
    blocking(move || {
        accounts::update(&paths, &name, |a| {
            a.remote_content = quietpost_model::RemoteContent::OnRequest;
        })
        .map(Arc::new)
        .map_err(|e| Error::from(quietpost_core::sync::Error::from(e)))
    })
    .await
}

/// What a notification of new mail in `account`'s folders (`arrived`: each folder's name and
/// how many arrived) says, by the account's setting: nothing (off); "New mail" and a count,
/// never a sender, subject or folder (the default); or the newest unread message's sender
/// address and subject among those folders. Never markup: notification services may read HTML
/// in the text (and some load images it names), so `<`, `>` and `&` are escaped.
pub async fn new_mail_notice(
    cache: PathBuf,
    account: Account,
    arrived: Vec<(String, usize)>,
) -> Result<Option<(String, String)>, Error> {
    use quietpost_model::Notifications;
    let count = match arrived.iter().map(|(_, n)| n).sum::<usize>() {
        0 => return Ok(None),
        1 => "1 new message".to_owned(),
        n => format!("{n} new messages"),
    };
    match account.notifications {
        Notifications::Off => Ok(None),
        Notifications::NewMail => Ok(Some(("New mail".to_owned(), count))),
        Notifications::WithSender => {
            blocking(move || {
                let mailbox = Mailbox::open_file(&cache)?;
                let mut newest: Option<MessageRow> = None;
                for (folder, _) in arrived {
                    let row = mailbox
                        .list(&ListQuery {
                            account: Some(account.name.clone()),
                            folder: Some(folder),
                            unread_only: true,
                            limit: 1,
                        })?
                        .into_iter()
                        .next();
                    newest = match (newest, row) {
                        (Some(a), Some(b)) => Some(if b.summary.received > a.summary.received {
                            b
                        } else {
                            a
                        }),
                        (a, b) => a.or(b),
                    };
                }
                let escape = |s: &str| {
                    let s: String = s.chars().filter(|c| !c.is_control()).take(200).collect();
                    s.replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;")
                };
                Ok(Some(match newest {
                    Some(row) => (
                        escape(row.summary.from_address.split(',').next().unwrap_or("")),
                        escape(&row.summary.subject),
                    ),
                    None => ("New mail".to_owned(), count),
                }))
            })
            .await
        }
    }
}

/// Shows a desktop notification of new mail in `account`'s folders (see [`new_mail_notice`]).
pub async fn notify_new_mail(
    cache: PathBuf,
    account: Account,
    arrived: Vec<(String, usize)>,
) -> Result<(), Error> {
    match new_mail_notice(cache, account, arrived).await? {
        Some((summary, body)) => crate::system::notify(summary, body)
            .await
            .map_err(Error::Notify),
        None => Ok(()),
    }
}

/// Hands a web address to the system's browser, off the window's thread.
pub async fn open_link(url: String, opener: crate::system::Opener) -> Result<(), Error> {
    hand_over(url.into(), opener).await
}

/// Shows a folder in the system's file manager, off the window's thread.
pub async fn show_folder(folder: PathBuf, opener: crate::system::Opener) -> Result<(), Error> {
    hand_over(folder.into_os_string(), opener).await
}

async fn hand_over(what: std::ffi::OsString, opener: crate::system::Opener) -> Result<(), Error> {
    blocking(move || opener.open(&what).map_err(|e| Error::Launch(Arc::new(e)))).await
}

/// Removes the copies made for opening attachments (`temp`'s private directories).
pub fn remove_opened(temp: &std::path::Path) {
    reading::remove_viewer_copies(temp);
}

/// Why no servers were found for an address (cheap to clone; the wizard words it).
#[derive(Debug, Clone)]
pub enum DiscoverFailure {
    /// The proxy typed is not one Quietpost can use: nothing was looked up.
    Proxy(Arc<accounts::Error>),
    /// Nothing was found where settings are published.
    NotFound(Arc<quietpost_core::autoconfig::NotFound>),
}

/// Finds the servers for an address (the built-in table, the provider's autoconfig document
/// over HTTPS, DNS service records — never with a proxy), through `proxy` when one is given.
pub async fn discover(email: String, proxy: String) -> Result<Discovered, DiscoverFailure> {
    let route = match proxy.trim() {
        "" => quietpost_model::Route::Direct,
        p => accounts::parse_proxy(p).map_err(|e| DiscoverFailure::Proxy(Arc::new(e)))?,
    };
    quietpost_core::autoconfig::discover(&email, &route)
        .await
        .map_err(|e| DiscoverFailure::NotFound(Arc::new(e)))
}

/// Whether the system keychain can be used, asked before anyone types a password.
pub async fn keychain() -> Result<(), accounts::Error> {
    tokio::task::spawn_blocking(accounts::check_keychain)
        .await
        .unwrap_or(Err(accounts::Error::Stopped))
}

/// Why an account was not added (cheap to clone; the wizard words it).
#[derive(Debug, Clone)]
pub struct AddFailure(pub Arc<accounts::AddError>);

/// Adds an account with core's `accounts::add` (as `quietpost account add` does). Returns the
/// checks in words.
pub async fn add_account(
    paths: Paths,
    account: Account,
    password: quietpost_model::Secret,
) -> Result<Vec<String>, AddFailure> {
    let (imap, smtp) = accounts::add(&paths, &account, &password)
        .await
        .map_err(|e| AddFailure(Arc::new(e)))?;
    let mut lines = crate::wording::server_check("IMAP", &imap);
    lines.extend(crate::wording::server_check("SMTP", &smtp));
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window's "Allow loading on request" changes the account in config.toml, as the
    /// command line's `remote policy` does, and nothing else.
    #[test]
    fn allowing_on_request_changes_only_that_setting() {
        use quietpost_model::{RemoteContent, Security, Server};
        use quietpost_store::config::Config;
        let dir = std::env::temp_dir().join(format!("qp-allow-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let paths = Paths::profile(&dir);
        let server = |port| Server::new("mail.example.org", port, Security::ImplicitTls);
        let before = Account {
            remote_content: RemoteContent::Never,
            ..Account::new("work", "a@example.org", "a", server(993), server(465))
        };
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
}
