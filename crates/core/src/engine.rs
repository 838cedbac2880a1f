//! The long-lived sync of one account, for the app: a `Stream` of events plus a command
//! handle (the halloy pattern: the GUI wraps the stream in one subscription).
//!
//! It connects, runs a full pass (`sync::sync_account`), then waits in IDLE on the Inbox for
//! up to 10 minutes (under the server's 30-minute limit) before the next full pass. A change
//! reported during IDLE brings the Inbox up to date at once; a dropped connection or an
//! unreachable server is retried with exponential backoff (and said so, as an event), reset
//! only by a connection that stayed up two minutes (not by one good pass: a server that drops
//! every IDLE at once gets a few reconnects a minute, not one every two seconds); a
//! failure that waiting cannot fix (a rejected login, a bad certificate) ends the stream with
//! that error, and is never retried silently.
//!
//! Given the SMTP password, it also sends what waits in the outbox: after each pass, and when
//! a message's retry time comes (IDLE is cut short for it), with the outbox's backoff. Only
//! messages that were never handed over are sent; one whose outcome is unknown waits for the
//! user (see `outbox`).
//!
//! The engine opens its own connection to the cache file, so the app can read it at the same
//! time (WAL mode).

use crate::outbox;
use crate::sync::{self, FolderReport, Report, SyncOptions, Update};
use futures::Stream;
use futures::StreamExt;
use quietpost_model::Secret;
use quietpost_store::cache::{Cache, Role};
use quietpost_store::config::Account;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// What the engine reports.
#[derive(Debug, Clone)]
pub enum Event {
    /// Progress of a pass.
    Progress(Update),
    /// A full pass finished.
    Synced(Report),
    /// The Inbox changed while idling and is up to date again.
    InboxChanged(FolderReport),
    /// The server cannot be reached (or the connection dropped); retrying after `retry_in`.
    Offline {
        error: Arc<sync::Error>,
        retry_in: Duration,
    },
    /// A failure that retrying cannot fix; the engine has stopped.
    Failed(Arc<sync::Error>),
    /// Messages from the outbox were sent (`Ok`), or not, with the reason (they stay in the
    /// outbox: see `outbox::Error` for which are retried).
    Outbox(Arc<Vec<(i64, Result<(), outbox::Error>)>>),
}

/// The passwords the engine works with: IMAP always; SMTP to send what waits in the outbox.
#[derive(Debug)]
pub struct Passwords {
    pub imap: Secret,
    pub smtp: Option<Secret>,
}

/// Sync only: the outbox is left alone.
impl From<Secret> for Passwords {
    fn from(imap: Secret) -> Self {
        Passwords { imap, smtp: None }
    }
}

/// What the app can ask of a running engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Send journalled actions and run a full pass now.
    SyncNow,
    /// Log out and end the stream.
    Shutdown,
}

/// Sends commands to a running engine. Dropping every handle stops it too.
#[derive(Debug, Clone)]
pub struct Handle(mpsc::UnboundedSender<Command>);

impl Handle {
    pub fn send(&self, command: Command) {
        let _ = self.0.send(command);
    }
}

/// How the engine waits.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub sync: SyncOptions,
    /// IDLE ends after this long (RFC 2177: servers may drop it after 30 minutes) for a full
    /// pass, so the other folders (and actions journalled meanwhile) are seen to as well; with
    /// LIST-STATUS an unchanged account costs one command.
    pub idle: Duration,
    /// Polling interval for servers without IDLE.
    pub poll: Duration,
    /// First retry delay; doubled after each failure up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// A connection that lasted this long earns a fresh start: the next failure waits
    /// `backoff` again. A shorter one (a server that drops IDLE right after each pass) keeps
    /// doubling the delay, however well its pass went.
    pub stable: Duration,
    /// The profile, when the engine may update the account's settings: a certificate pin
    /// becomes a key pin after a connection it verified.
    pub profile: Option<quietpost_store::paths::Paths>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            sync: SyncOptions::default(),
            idle: Duration::from_secs(10 * 60),
            poll: Duration::from_secs(5 * 60),
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(5 * 60),
            stable: Duration::from_secs(2 * 60),
            profile: None,
        }
    }
}

/// Starts syncing `account` into the cache file at `cache`. Nothing runs until the stream is
/// polled; it ends after `Command::Shutdown`, when every handle is dropped, or with `Failed`.
pub fn start(
    account: Account,
    passwords: impl Into<Passwords>,
    cache: PathBuf,
    options: EngineOptions,
) -> (Handle, impl Stream<Item = Event> + Send) {
    let (events, mut rx) = mpsc::unbounded_channel();
    let (commands, crx) = mpsc::unbounded_channel();
    let worker = run(account, passwords.into(), cache, options, events, crx);
    let driver = futures::stream::once(worker).filter_map(|()| async { None });
    let received = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
    (Handle(commands), futures::stream::select(driver, received))
}

/// Account `name` as configured now, with its passwords: IMAP (required) and SMTP (when it
/// can be had; without it the outbox waits). Blocking (keychain or command): call it off the
/// async threads.
pub fn prepare(
    paths: &quietpost_store::paths::Paths,
    name: &str,
) -> Result<(Account, Passwords), crate::accounts::Error> {
    let account = crate::accounts::named(paths, name)?;
    let imap = crate::accounts::password_for(&account, &account.imap)?;
    let smtp = crate::accounts::password_for(&account, &account.smtp).ok();
    Ok((account, Passwords { imap, smtp }))
}

/// Starts the engine of account `name` in profile `paths`, the one way the command line's
/// `sync --watch` and the window do: [`prepare`] off the async threads, then [`start`] on the
/// profile's mailbox. Returns the account as it was read, too.
pub async fn start_for(
    paths: quietpost_store::paths::Paths,
    name: String,
    options: EngineOptions,
) -> Result<(Account, Handle, impl Stream<Item = Event> + Send), crate::accounts::Error> {
    let cache = Cache::file(&paths);
    let profile = paths.clone();
    let (account, passwords) = tokio::task::spawn_blocking(move || prepare(&paths, &name))
        .await
        .map_err(|_| crate::accounts::Error::Stopped)??;
    let options = EngineOptions {
        profile: options.profile.or(Some(profile)),
        ..options
    };
    let (handle, events) = start(account.clone(), passwords, cache, options);
    Ok((account, handle, events))
}

/// Whether to go on after an error: transient ones wait and retry.
enum Next {
    Retry(Arc<sync::Error>),
    Stop,
}

async fn run(
    account: Account,
    passwords: Passwords,
    cache_path: PathBuf,
    options: EngineOptions,
    events: mpsc::UnboundedSender<Event>,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let emit = |e: Event| {
        let _ = events.send(e);
    };
    let mut cache = match Cache::open_file(&cache_path) {
        Ok(c) => c,
        Err(e) => {
            emit(Event::Failed(Arc::new(e.into())));
            return;
        }
    };
    let mut delay = options.backoff;
    loop {
        let started = tokio::time::Instant::now();
        let outcome = session(
            &account,
            &passwords,
            &mut cache,
            &options,
            &events,
            &mut commands,
        )
        .await;
        let error = match outcome {
            Next::Stop => return,
            Next::Retry(error) => error,
        };
        // The failure pattern decides, not one good pass: only a connection that stayed up
        // resets the delay.
        if started.elapsed() >= options.stable {
            delay = options.backoff;
        }
        tracing::debug!(account = account.name, error = %error, retry_in = ?delay, "offline");
        emit(Event::Offline {
            error,
            retry_in: delay,
        });
        // Wait, unless the app asks for something first.
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            c = commands.recv() => match c {
                Some(Command::SyncNow) => {}
                Some(Command::Shutdown) | None => return,
            },
        }
        delay = (delay * 2).min(options.max_backoff);
    }
}

fn classify(e: sync::Error, events: &mpsc::UnboundedSender<Event>) -> Next {
    // Transient: offline, refused, timed out, or the connection closed under us.
    if e.is_transient() {
        Next::Retry(Arc::new(e))
    } else {
        let _ = events.send(Event::Failed(Arc::new(e)));
        Next::Stop
    }
}

/// One connection's life: a full pass, then IDLE on the Inbox until something happens.
async fn session(
    account: &Account,
    passwords: &Passwords,
    cache: &mut Cache,
    options: &EngineOptions,
    events: &mpsc::UnboundedSender<Event>,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> Next {
    let mut mail = match sync::connect(account, &passwords.imap, options.sync.timeouts).await {
        Ok(m) => m,
        Err(e) => return classify(e, events),
    };
    tracing::debug!(account = account.name, "connected");
    if let Some(paths) = &options.profile
        && account.imap.pin_sha256.is_some()
        && account.imap.pin_key_sha256.is_none()
    {
        let (paths, name, tls) = (paths.clone(), account.name.clone(), mail.tls.clone());
        let learnt = tokio::task::spawn_blocking(move || {
            crate::accounts::learn_key_pins(&paths, &name, Some(&tls), None)
        })
        .await;
        if let Ok(Err(e)) = learnt {
            tracing::warn!(account = account.name, error = %e, "the key pin was not saved");
        }
    }
    let mut full_pass = true;
    loop {
        if full_pass {
            let mut progress = |u: Update| {
                let _ = events.send(Event::Progress(u));
            };
            match sync::sync_account(&mut mail, cache, account, &options.sync, &mut progress).await
            {
                Ok(report) => {
                    let _ = events.send(Event::Synced(report));
                }
                Err(e) => return classify(e, events),
            }
            full_pass = false;
        }
        let inbox = match cache.folders(&account.name) {
            Ok(folders) => folders
                .into_iter()
                .find(|f| f.info.role == Some(Role::Inbox)),
            Err(e) => return classify(e.into(), events),
        };
        let Some(inbox) = inbox else {
            // Nothing to watch: wait for a command.
            match commands.recv().await {
                Some(Command::SyncNow) => {
                    full_pass = true;
                    continue;
                }
                Some(Command::Shutdown) | None => {
                    mail.logout().await;
                    return Next::Stop;
                }
            }
        };
        // IDLE is cut short when a message in the outbox is due before it would end.
        let mut idle_for = options.idle;
        if let Some(smtp) = &passwords.smtp {
            send_due(account, smtp, &passwords.imap, cache, options, events).await;
            match outbox::next_due(cache, account) {
                Ok(Some(at)) => {
                    let wait = u64::try_from(at - crate::time::now()).unwrap_or(0).max(1);
                    idle_for = idle_for.min(Duration::from_secs(wait));
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(account = account.name, error = %e, "outbox"),
            }
        }
        if let Err(e) = mail.select(&inbox.info.name, None).await {
            return classify(e.into(), events);
        }
        let mut command = None;
        let idled = mail
            .idle(idle_for, options.poll, async {
                command = Some(commands.recv().await);
            })
            .await;
        match command {
            Some(Some(Command::Shutdown)) | Some(None) => {
                mail.logout().await;
                return Next::Stop;
            }
            Some(Some(Command::SyncNow)) => full_pass = true,
            None => {}
        }
        match idled {
            Err(e) => return classify(e.into(), events),
            Ok(true) if !full_pass => {
                let mut progress = |u: Update| {
                    let _ = events.send(Event::Progress(u));
                };
                // The folder row as the cache has it now (its state moved on since listing).
                let current = match cache.folder(&account.name, &inbox.info.name) {
                    Ok(Some(f)) => f,
                    Ok(None) => continue,
                    Err(e) => return classify(e.into(), events),
                };
                match sync::sync_folder(
                    &mut mail,
                    cache,
                    &current,
                    None,
                    &options.sync,
                    &mut progress,
                )
                .await
                {
                    Ok(r) => {
                        let _ = events.send(Event::InboxChanged(r));
                    }
                    Err(e) => return classify(e, events),
                }
            }
            // IDLE ran its time: a full pass, then IDLE again (cut short for the outbox: it is
            // seen to before the next IDLE).
            Ok(false) if command.is_none() && idle_for == options.idle => full_pass = true,
            Ok(_) => {}
        }
    }
}

/// Sends what is due in the outbox and reports it; a failure here never stops the sync.
async fn send_due(
    account: &Account,
    smtp: &Secret,
    imap: &Secret,
    cache: &mut Cache,
    options: &EngineOptions,
    events: &mpsc::UnboundedSender<Event>,
) {
    match outbox::send_due(cache, account, smtp, imap, options.sync.timeouts).await {
        Ok(done) if done.is_empty() => {}
        Ok(done) => {
            let _ = events.send(Event::Outbox(Arc::new(done)));
        }
        Err(e) => tracing::warn!(account = account.name, error = %e, "outbox"),
    }
}
