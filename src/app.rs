//! The window: routing between screens, the keyboard, and the live sync of each account.
//! Screens own their state and logic; this file only routes messages and events.

use crate::keys::{self, Shortcut};
use crate::screen::mailbox::{self, Mailbox, Places};
use crate::screen::welcome;
use crate::screen::wizard::{self, Wizard};
use crate::theme;
use futures::StreamExt;
use futures::stream::BoxStream;
use iced::widget::{center, text};
use iced::{Element, Subscription, Task};
use quietpost_core::engine::{self, EngineOptions};
use quietpost_core::{Paths, StoreError};
use quietpost_model::{Account, Appearance, ThemeChoice};
use std::path::PathBuf;
use std::sync::Arc;

/// How the window starts.
#[derive(Debug, Clone)]
pub struct Launch {
    pub paths: Paths,
    /// Open the demo mailbox whatever is configured.
    pub demo: bool,
    /// Where attachments are saved.
    pub downloads: PathBuf,
    /// Where attachments are opened from (a private directory is made in it each time; all
    /// are removed when the window closes and when it starts).
    pub temp: PathBuf,
    /// What the start changed that the person should know (files made private again).
    pub notices: Vec<String>,
    /// What attachments and links are handed to (the platform's opener).
    pub opener: crate::system::Opener,
    /// How the window looked when it was last closed: theme, zoom, pane widths.
    pub appearance: Appearance,
    /// A `mailto:` link to start writing to once the mailbox is open.
    pub mailto: Option<String>,
}

impl Launch {
    /// The platform's places for `paths`: the Downloads folder (else home), the temp folder.
    pub fn new(paths: Paths, demo: bool) -> Launch {
        let downloads = directories::UserDirs::new()
            .and_then(|u| {
                u.download_dir()
                    .map(ToOwned::to_owned)
                    .or_else(|| Some(u.home_dir().to_owned()))
            })
            .unwrap_or_else(|| paths.data.join("downloads"));
        let appearance = quietpost_core::appearance::load(&paths);
        Launch {
            // Inside Quietpost's own (0700) cache directory, not the shared temp directory.
            temp: paths.cache.join("opened"),
            appearance,
            paths,
            demo,
            downloads,
            notices: Vec::new(),
            opener: crate::system::Opener::default(),
            mailto: None,
        }
    }
}

pub struct App {
    launch: Launch,
    screen: Screen,
    engines: Vec<(String, engine::Handle)>,
    /// How many times each account's sync was started again (Retry after it stopped).
    restarts: std::collections::HashMap<String, u32>,
    /// Whether the desktop is light or dark (followed when the person chose neither).
    system_mode: iced::theme::Mode,
    /// Accounts whose first full pass of this window is done: mail that arrives after it is
    /// new mail to notify of (what the first pass downloads is not).
    passed: std::collections::HashSet<String>,
    /// An account just added with the journalist preset on: its settings open with the
    /// provider self-test running, as turning the preset on in the settings does.
    selftest_after: Option<String>,
}

pub enum Screen {
    Starting,
    Welcome { note: Option<String> },
    Wizard(Box<Wizard>),
    Mailbox(Box<Mailbox>),
    Failed(Failure),
}

/// Why the window cannot show mail, with the ways on from there.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Plain words, e.g. the line and field of config.toml that does not parse.
    pub words: String,
    /// The folder holding the file at fault, to open for the person to fix it.
    pub folder: Option<PathBuf>,
}

/// What the failure screen's buttons do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureAction {
    OpenFolder,
    OpenDemo,
    Quit,
}

#[derive(Debug, Clone)]
pub enum Message {
    Welcome(welcome::Message),
    Wizard(wizard::Message),
    Mailbox(mailbox::Message),
    DemoReady(Result<PathBuf, Arc<StoreError>>),
    /// The configuration, read at the start and after an account was added.
    Configured(Result<Vec<Account>, Arc<StoreError>>),
    Shortcut(Shortcut),
    Engine(String, EngineUpdate),
    Failure(FailureAction),
    /// The folder was handed to the file manager (or could not be).
    FolderShown(Result<(), crate::backend::Error>),
    /// The appearance was saved for the next start (or could not be: it is only how the
    /// window looks, so the window goes on as it is).
    AppearanceSaved(Result<(), crate::backend::Error>),
    /// The desktop is light or dark (at the start, and when it changes).
    SystemTheme(iced::theme::Mode),
    /// A new-mail notification was shown (or could not be: logged, never in the way).
    Notified(Result<(), crate::backend::Error>),
}

/// What an account's sync reports to the window.
#[derive(Debug, Clone)]
pub enum EngineUpdate {
    Started(engine::Handle),
    Event(engine::Event),
    /// It could not start (no password in the keychain, a configuration error).
    Unavailable(String),
}

impl App {
    /// The first state: the demo (`--demo`), the mailbox of the configured accounts, or the
    /// welcome screen when there is none.
    pub fn new(launch: Launch) -> (App, Task<Message>) {
        // Copies left by a window that did not close cleanly.
        crate::backend::remove_opened(&launch.temp);
        let mut app = App {
            launch,
            screen: Screen::Starting,
            engines: Vec::new(),
            restarts: std::collections::HashMap::new(),
            system_mode: iced::theme::Mode::None,
            passed: std::collections::HashSet::new(),
            selftest_after: None,
        };
        let task = if app.launch.demo {
            app.open_demo()
        } else {
            app.open_configured()
        };
        (
            app,
            Task::batch([
                task,
                fit_to_screen(),
                iced::system::theme().map(Message::SystemTheme),
            ]),
        )
    }

    /// The theme chosen, or the desktop's light or dark.
    pub fn theme(&self) -> iced::Theme {
        match self.launch.appearance.theme {
            ThemeChoice::System => theme::system(self.system_mode),
            ThemeChoice::Light => theme::light(),
            ThemeChoice::Dark => theme::dark(),
        }
    }

    /// Every text and pane scaled by the zoom (Ctrl + and Ctrl −).
    pub fn scale_factor(&self) -> f32 {
        self.launch.appearance.zoom
    }

    pub fn appearance(&self) -> &Appearance {
        &self.launch.appearance
    }

    /// A new appearance: shown at once, saved for the next start.
    fn set_appearance(&mut self, appearance: Appearance) -> Task<Message> {
        let appearance = appearance.sane();
        if appearance == self.launch.appearance {
            return Task::none();
        }
        self.launch.appearance = appearance;
        Task::perform(
            crate::backend::save_appearance(self.launch.paths.clone(), appearance),
            Message::AppearanceSaved,
        )
    }

    /// The mailbox of the configured accounts, or the welcome screen when there is none: the
    /// configuration is read off the window's thread.
    fn open_configured(&mut self) -> Task<Message> {
        self.screen = Screen::Starting;
        let paths = self.launch.paths.clone();
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || {
                    quietpost_core::accounts::load(&paths).map_err(Arc::new)
                })
                .await
                .unwrap_or_else(|e| {
                    Err(Arc::new(StoreError::Io {
                        path: PathBuf::from("config.toml"),
                        source: std::io::Error::other(e.to_string()),
                    }))
                })
            },
            Message::Configured,
        )
    }

    /// What the configuration holds: the mailbox, or the welcome screen when it has no account.
    fn configured(&mut self, config: Result<Vec<Account>, Arc<StoreError>>) -> Task<Message> {
        match config {
            Ok(accounts) if accounts.is_empty() => {
                let notices: Vec<String> = self.launch.notices.drain(..).collect();
                self.screen = Screen::Welcome {
                    note: (!notices.is_empty()).then(|| notices.join(" ")),
                };
                Task::none()
            }
            Ok(accounts) => self.open_accounts(accounts),
            Err(e) => {
                let folder = match &*e {
                    StoreError::Config { path, .. } | StoreError::Io { path, .. } => {
                        path.parent().map(ToOwned::to_owned)
                    }
                    _ => None,
                };
                self.screen = Screen::Failed(Failure {
                    words: crate::wording::config_error(&e),
                    folder,
                });
                Task::none()
            }
        }
    }

    fn open_demo(&mut self) -> Task<Message> {
        self.screen = Screen::Starting;
        let paths = self.launch.paths.clone();
        Task::perform(
            async move {
                tokio::task::spawn_blocking(move || crate::demo::prepare(&paths).map_err(Arc::new))
                    .await
                    .unwrap_or_else(|e| {
                        Err(Arc::new(StoreError::Cache {
                            path: PathBuf::new(),
                            detail: e.to_string(),
                        }))
                    })
            },
            Message::DemoReady,
        )
    }

    fn places(&self, cache: PathBuf) -> Places {
        Places {
            cache,
            downloads: self.launch.downloads.clone(),
            temp: self.launch.temp.clone(),
            opener: self.launch.opener.clone(),
            paths: self.launch.paths.clone(),
        }
    }

    fn open_accounts(&mut self, accounts: Vec<Account>) -> Task<Message> {
        let cache = quietpost_core::Mailbox::file(&self.launch.paths);
        let (mut mailbox, task) =
            Mailbox::new(self.places(cache), accounts, false, &self.launch.appearance);
        let mut tasks = vec![task];
        if let Some(name) = self.selftest_after.take() {
            for m in [
                mailbox::Message::OpenSettings(Some(name)),
                mailbox::Message::Settings(mailbox::settings::Message::SelfTest),
            ] {
                tasks.push(mailbox.update(m).0);
            }
        }
        let write = self.show_mailbox(mailbox);
        Task::batch([Task::batch(tasks).map(Message::Mailbox), write])
    }

    /// Shows `mailbox`, with what the start changed said once, and the composer for the
    /// `mailto:` link the window was started with.
    fn show_mailbox(&mut self, mut mailbox: Mailbox) -> Task<Message> {
        if !self.launch.notices.is_empty() {
            mailbox.tell(self.launch.notices.drain(..).collect::<Vec<_>>().join(" "));
        }
        let write = match self.launch.mailto.take() {
            Some(url) => mailbox.write_to(&url).map(Message::Mailbox),
            None => Task::none(),
        };
        self.screen = Screen::Mailbox(Box::new(mailbox));
        write
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn title(&self) -> String {
        match &self.screen {
            Screen::Mailbox(_) if self.launch.demo => "Quietpost — demo mailbox".to_owned(),
            _ => "Quietpost".to_owned(),
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Welcome(welcome::Message::OpenDemo) => {
                self.launch.demo = true;
                self.open_demo()
            }
            Message::Welcome(welcome::Message::AddAccount) => self.open_wizard(),
            Message::Wizard(m) => {
                let Screen::Wizard(w) = &mut self.screen else {
                    return Task::none();
                };
                let (task, event) = w.update(m);
                match event {
                    None => task.map(Message::Wizard),
                    Some(wizard::Event::Added(_)) | Some(wizard::Event::Cancelled) => {
                        if let Some(wizard::Event::Added(a)) = &event {
                            use quietpost_core::settings::{Preset, is_on};
                            self.selftest_after =
                                is_on(a, Preset::Journalist).then(|| a.name.clone());
                        }
                        // Back to what the configuration now holds.
                        self.launch.demo = false;
                        self.engines.clear();
                        self.open_configured()
                    }
                }
            }
            Message::DemoReady(Ok(cache)) => {
                let (mailbox, task) = Mailbox::new(
                    self.places(cache),
                    vec![quietpost_core::demo::account()],
                    true,
                    &self.launch.appearance,
                );
                let write = self.show_mailbox(mailbox);
                Task::batch([task.map(Message::Mailbox), write])
            }
            Message::Configured(config) => self.configured(config),
            Message::DemoReady(Err(e)) => {
                self.screen = Screen::Failed(Failure {
                    words: format!(
                        "The demo mailbox could not be prepared: {}",
                        crate::wording::store_error(&e)
                    ),
                    folder: None,
                });
                Task::none()
            }
            Message::Mailbox(m) => self.mailbox(m),
            // The mailbox first keeps what is being written.
            Message::Shortcut(Shortcut::Quit) if matches!(self.screen, Screen::Mailbox(_)) => {
                self.mailbox(mailbox::Message::Shortcut(Shortcut::Quit))
            }
            Message::Shortcut(Shortcut::Quit) => iced::exit(),
            Message::Shortcut(Shortcut::ZoomIn) => {
                self.set_appearance(self.launch.appearance.zoomed(true))
            }
            Message::Shortcut(Shortcut::ZoomOut) => {
                self.set_appearance(self.launch.appearance.zoomed(false))
            }
            Message::Shortcut(Shortcut::ZoomReset) => self.set_appearance(Appearance {
                zoom: 1.0,
                ..self.launch.appearance
            }),
            Message::SystemTheme(mode) => {
                self.system_mode = mode;
                Task::none()
            }
            Message::Notified(result) => {
                if let Err(e) = result {
                    tracing::warn!("{}", crate::wording::app_error(&e));
                }
                Task::none()
            }
            Message::AppearanceSaved(result) => {
                if let Err(e) = result {
                    tracing::warn!(
                        "the window's appearance could not be saved: {}",
                        crate::wording::app_error(&e)
                    );
                }
                Task::none()
            }
            Message::Shortcut(Shortcut::NextField) => iced::widget::operation::focus_next(),
            Message::Shortcut(Shortcut::PreviousField) => iced::widget::operation::focus_previous(),
            Message::Shortcut(s) => self.mailbox(mailbox::Message::Shortcut(s)),
            Message::Engine(account, update) => self.engine(account, update),
            Message::Failure(action) => self.failure(action),
            Message::FolderShown(Ok(())) => Task::none(),
            Message::FolderShown(Err(e)) => {
                if let Screen::Failed(f) = &mut self.screen {
                    f.words = format!(
                        "{}\n\nThe folder could not be shown ({}). It is {}.",
                        f.words,
                        crate::wording::app_error(&e),
                        f.folder
                            .as_deref()
                            .map_or_else(String::new, |p| p.display().to_string())
                    );
                }
                Task::none()
            }
        }
    }

    /// A button of the failure screen.
    fn failure(&mut self, action: FailureAction) -> Task<Message> {
        match action {
            FailureAction::Quit => iced::exit(),
            FailureAction::OpenDemo => {
                self.launch.demo = true;
                self.open_demo()
            }
            FailureAction::OpenFolder => match &self.screen {
                Screen::Failed(Failure {
                    folder: Some(folder),
                    ..
                }) => Task::perform(
                    crate::backend::show_folder(folder.clone(), self.launch.opener.clone()),
                    Message::FolderShown,
                ),
                _ => Task::none(),
            },
        }
    }

    /// The account wizard, its first field focused.
    fn open_wizard(&mut self) -> Task<Message> {
        self.screen = Screen::Wizard(Box::new(Wizard::new(self.launch.paths.clone())));
        Task::batch([
            iced::widget::operation::focus(wizard::EMAIL_ID),
            Wizard::check_keychain().map(Message::Wizard),
        ])
    }

    fn mailbox(&mut self, message: mailbox::Message) -> Task<Message> {
        let Screen::Mailbox(mailbox) = &mut self.screen else {
            return Task::none();
        };
        let (task, event) = mailbox.update(message);
        let task = task.map(Message::Mailbox);
        match event {
            Some(mailbox::Event::Quit) => task.chain(iced::exit()),
            Some(mailbox::Event::AddAccount) => Task::batch([task, self.open_wizard()]),
            Some(mailbox::Event::Resized { folders, list }) => {
                let appearance = Appearance {
                    folders_width: folders,
                    list_share: list,
                    ..self.launch.appearance
                };
                Task::batch([task, self.set_appearance(appearance)])
            }
            Some(mailbox::Event::Retry(account)) => {
                match self.engines.iter().find(|(a, _)| *a == account) {
                    // Running (offline, waiting to try again): now.
                    Some((_, handle)) => handle.send(engine::Command::SyncNow),
                    // Ended or never started: started again (a new subscription key).
                    None => *self.restarts.entry(account).or_default() += 1,
                }
                task
            }
            Some(mailbox::Event::Reconfigured(account)) => {
                // Its sync starts again from the settings as saved: the running one stops
                // (a new subscription key), and the new one reads config.toml.
                if let Some((_, handle)) = self.engines.iter().find(|(a, _)| *a == account) {
                    handle.send(engine::Command::Shutdown);
                }
                self.engines.retain(|(a, _)| *a != account);
                *self.restarts.entry(account).or_default() += 1;
                task
            }
            Some(mailbox::Event::AccountRemoved) => {
                for (_, handle) in self.engines.drain(..) {
                    handle.send(engine::Command::Shutdown);
                }
                Task::batch([task, self.open_configured()])
            }
            Some(mailbox::Event::Changed) => {
                for (_, handle) in &self.engines {
                    handle.send(engine::Command::SyncNow);
                }
                task
            }
            None => task,
        }
    }

    fn engine(&mut self, account: String, update: EngineUpdate) -> Task<Message> {
        let Screen::Mailbox(mailbox) = &mut self.screen else {
            return Task::none();
        };
        use mailbox::Health;
        // A changed server key is shown for what it is (above the list), not only in words.
        if let EngineUpdate::Event(
            engine::Event::Failed(e) | engine::Event::Offline { error: e, .. },
        ) = &update
        {
            mailbox.sync_failed(&account, e);
        }
        if let EngineUpdate::Event(engine::Event::Outbox(results)) = &update {
            mailbox.outbox_sent(&account, results);
        }
        // New mail after the first pass, in the folders the account notifies (the Inbox by
        // default; a muted folder never): a desktop notification, as the account's setting
        // says (by default without sender or subject).
        let arrived: Vec<(String, usize)> = match &update {
            EngineUpdate::Event(engine::Event::InboxChanged(r)) => vec![(r.folder.clone(), r.new)],
            EngineUpdate::Event(engine::Event::Synced(report)) => {
                if self.passed.insert(account.clone()) {
                    Vec::new()
                } else {
                    (report.folders.iter())
                        .map(|f| (f.folder.clone(), f.new))
                        .collect()
                }
            }
            _ => Vec::new(),
        };
        let notify = match mailbox.accounts().iter().find(|a| a.name == account) {
            Some(a) if !self.launch.demo => {
                let arrived: Vec<_> = (arrived.into_iter())
                    .filter(|(folder, new)| *new > 0 && a.notifies(folder))
                    .collect();
                if arrived.is_empty() {
                    Task::none()
                } else {
                    Task::perform(
                        crate::backend::notify_new_mail(
                            quietpost_core::Mailbox::file(&self.launch.paths),
                            a.clone(),
                            arrived,
                        ),
                        Message::Notified,
                    )
                }
            }
            _ => Task::none(),
        };
        let (health, words, refresh) = match update {
            EngineUpdate::Started(handle) => {
                self.engines.retain(|(a, _)| *a != account);
                self.engines.push((account.clone(), handle));
                (Health::Fine, "connecting…".to_owned(), false)
            }
            EngineUpdate::Unavailable(why) => {
                (Health::Stopped, format!("not syncing: {why}"), false)
            }
            EngineUpdate::Event(e) => {
                let (words, refresh) = crate::wording::engine_event(&e);
                let health = match e {
                    engine::Event::Offline { .. } => Health::Offline,
                    engine::Event::Failed(_) => Health::Stopped,
                    _ => Health::Fine,
                };
                (health, words, refresh)
            }
        };
        if health == Health::Stopped {
            // The engine has ended: a Retry starts it again.
            self.engines.retain(|(a, _)| *a != account);
        }

        mailbox.set_sync(&account, health, words);
        if refresh {
            Task::batch([mailbox.refresh().map(Message::Mailbox), notify])
        } else {
            notify
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        match &self.screen {
            Screen::Starting => center(text("Opening…").style(theme::muted)).into(),
            Screen::Welcome { note } => welcome::view(note.as_deref()).map(Message::Welcome),
            Screen::Wizard(w) => w.view().map(Message::Wizard),
            Screen::Mailbox(m) => m.view().map(Message::Mailbox),
            Screen::Failed(f) => failure_view(f),
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let keys = iced::event::listen_with(keys::from_event).map(Message::Shortcut);
        let mode = iced::system::theme_changes().map(Message::SystemTheme);
        let engines = match &self.screen {
            // The mailbox's accounts (read from config.toml when it opened): iced asks for
            // the subscription after every update, so nothing here touches the disk.
            Screen::Mailbox(m) if !self.launch.demo => m
                .accounts()
                .iter()
                .map(|a| {
                    Subscription::run_with(
                        EngineKey {
                            account: a.name.clone(),
                            restart: self.restarts.get(&a.name).copied().unwrap_or(0),
                            config: self.launch.paths.config.clone(),
                            data: self.launch.paths.data.clone(),
                            cache: self.launch.paths.cache.clone(),
                        },
                        engine_stream,
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        let undo = match &self.screen {
            Screen::Mailbox(m) => m.subscription().map(Message::Mailbox),
            _ => Subscription::none(),
        };
        Subscription::batch(std::iter::once(keys).chain([mode, undo]).chain(engines))
    }
}

impl Drop for App {
    fn drop(&mut self) {
        crate::backend::remove_opened(&self.launch.temp);
    }
}

/// The failure screen: what is wrong, in words, and the ways on (never a dead end).
fn failure_view(f: &Failure) -> Element<'_, Message> {
    use iced::widget::{button, column, container, row};
    let mut buttons = row![].spacing(8);
    if f.folder.is_some() {
        buttons = buttons.push(
            button(text("Open the file's folder"))
                .on_press(Message::Failure(FailureAction::OpenFolder)),
        );
    }
    buttons = buttons
        .push(
            button(text("Open the demo"))
                .style(theme::secondary)
                .on_press(Message::Failure(FailureAction::OpenDemo)),
        )
        .push(
            button(text("Quit"))
                .style(theme::secondary)
                .on_press(Message::Failure(FailureAction::Quit)),
        );
    center(
        container(
            column![
                text("Quietpost cannot open your mail")
                    .size(22)
                    .font(theme::BOLD),
                text(f.words.as_str()),
                buttons,
            ]
            .spacing(16)
            .max_width(640),
        )
        .padding(32),
    )
    .into()
}

/// Identifies one account's sync (iced keeps one running per distinct key).
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
struct EngineKey {
    account: String,
    /// Bumped to start a stopped sync again.
    restart: u32,
    config: PathBuf,
    data: PathBuf,
    cache: PathBuf,
}

fn engine_stream(key: &EngineKey) -> BoxStream<'static, Message> {
    account_sync(
        Paths {
            config: key.config.clone(),
            data: key.data.clone(),
            cache: key.cache.clone(),
        },
        key.account.clone(),
    )
}

/// An account's live sync as the window's messages: its passwords from the keychain (asked
/// off the window's thread), then the engine's events. The window runs one per account as a
/// subscription.
pub fn account_sync(paths: Paths, account: String) -> BoxStream<'static, Message> {
    let name = account.clone();
    let start = async move {
        match engine::start_for(paths, account, EngineOptions::default()).await {
            Err(e) => {
                let why = match e {
                    quietpost_core::accounts::Error::Store(StoreError::NoAccount(_)) => {
                        "the account is no longer configured".to_owned()
                    }
                    quietpost_core::accounts::Error::Store(e) => {
                        crate::wording::store_error_for(&e, crate::wording::Face::Window)
                    }
                    e => e.to_string(),
                };
                futures::stream::once(async move { EngineUpdate::Unavailable(why) }).boxed()
            }
            Ok((_, handle, events)) => {
                futures::stream::once(async move { EngineUpdate::Started(handle) })
                    .chain(events.map(EngineUpdate::Event))
                    .boxed()
            }
        }
    };
    futures::stream::once(start)
        .flatten()
        .map(move |u| Message::Engine(name.clone(), u))
        .boxed()
}

/// Opens the window and runs it until it is closed. A machine with no display to open it on
/// gets one plain line, not a panic: winit panics when it cannot reach a display, so that one
/// panic is caught and said in words (any other goes on as a panic).
pub fn open(launch: Launch) -> anyhow::Result<()> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if no_display(info.payload()).is_none() {
            previous(info);
        }
    }));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(launch))) {
        Ok(result) => result.map_err(|e| anyhow::anyhow!("the window could not be opened: {e}")),
        Err(payload) => match no_display(payload.as_ref()) {
            Some(detail) => Err(anyhow::anyhow!(
                "There is no display to open the window on ({detail}). The window needs a \
                 desktop session; the commands (quietpost --help) work without one."
            )),
            None => std::panic::resume_unwind(payload),
        },
    }
}

/// What winit said when it could not reach a display, if that is what the panic was.
fn no_display(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())?;
    let detail = message.strip_prefix("Create event loop: ")?;
    if detail.contains("XOpenDisplayFailed") {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        return Some(format!("the X11 display {display:?} could not be opened"));
    }
    // winit's words, e.g. "neither WAYLAND_DISPLAY nor … DISPLAY is set."
    let words = detail
        .split("error: Misc(\"")
        .nth(1)
        .and_then(|w| w.split('"').next())
        .unwrap_or(detail);
    Some(words.trim_end_matches('.').to_owned())
}

/// Runs the window until it is closed.
pub fn run(launch: Launch) -> iced::Result {
    iced::application(move || App::new(launch.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .scale_factor(App::scale_factor)
        .settings(iced::Settings {
            default_text_size: theme::TEXT_SIZE.into(),
            ..iced::Settings::default()
        })
        .window(iced::window::Settings {
            size: DEFAULT_SIZE,
            min_size: Some(MIN_SIZE),
            icon: window_icon(),
            #[cfg(target_os = "linux")]
            platform_specific: iced::window::settings::PlatformSpecific {
                application_id: crate::APP_ID.to_owned(),
                ..Default::default()
            },
            ..iced::window::Settings::default()
        })
        .font(theme::REGULAR_BYTES)
        .font(theme::BOLD_BYTES)
        .font(theme::SYMBOLS_BYTES)
        .font(theme::ICONS_BYTES)
        .default_font(theme::FONT)
        .run()
}

/// The icon X11 and Windows show for the window (Wayland desktops find it by the app-id, in
/// the installed desktop file).
fn window_icon() -> Option<iced::window::Icon> {
    const PNG: &[u8] = include_bytes!("../assets/icons/org.quietpost.Quietpost-64.png");
    let image = quietpost_core::reading::decode_image(PNG, "the window icon").ok()?;
    iced::window::icon::from_rgba(image.rgba, image.width, image.height).ok()
}

/// The window's size at the start, unless the screen is smaller.
pub const DEFAULT_SIZE: iced::Size = iced::Size::new(1280.0, 800.0);
/// Below this the panes cannot show a sender, a subject and a message side by side.
pub const MIN_SIZE: iced::Size = iced::Size::new(800.0, 500.0);

/// On a screen smaller than the default size, the window is made to fit it (nine tenths of
/// it, never below the minimum).
fn fit_to_screen() -> Task<Message> {
    iced::window::latest().and_then(|id| {
        iced::window::monitor_size(id).and_then(move |screen| {
            if screen.width >= DEFAULT_SIZE.width && screen.height >= DEFAULT_SIZE.height {
                return Task::none();
            }
            iced::window::resize(
                id,
                iced::Size::new(
                    (screen.width * 0.9).clamp(MIN_SIZE.width, DEFAULT_SIZE.width),
                    (screen.height * 0.9).clamp(MIN_SIZE.height, DEFAULT_SIZE.height),
                ),
            )
        })
    })
}
