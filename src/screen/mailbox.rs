//! The main window: folders, the message list and the reading pane. Actions (star, read,
//! archive, delete) change the list at once and reach the server at the next sync.

mod acting;
pub mod composer;
mod dialogs;
pub mod keychange;
mod outbox_view;
mod panes;
pub mod reader;
pub mod settings;
mod writing;

pub use panes::{FOLD_BELOW, Layout, layout};
pub use reader::{Reader, Reading, Remote, annotate};
pub use writing::Write;

use crate::backend::{self, Error, FolderItem};
use crate::keys::Shortcut;
use crate::widget::message_list::Scroll;
use iced::Task;
use iced::widget::operation::{AbsoluteOffset, scroll_to};
use iced::widget::scrollable;
use quietpost_core::sync::Undo;
use quietpost_model::{Account, Flags, MessageId, MessageRow, Role};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the mailbox keeps and hands over files.
#[derive(Debug, Clone)]
pub struct Places {
    /// The mail cache.
    pub cache: PathBuf,
    /// Where Save puts attachments.
    pub downloads: PathBuf,
    /// Where Open makes its private directories.
    pub temp: PathBuf,
    /// What Open and a confirmed link are handed to.
    pub opener: crate::system::Opener,
    /// Where the configuration is (settings changed from the window).
    pub paths: quietpost_core::Paths,
}

pub struct Mailbox {
    places: Places,
    accounts: Vec<Account>,
    demo: bool,
    folders: Vec<FolderItem>,
    folder: Option<usize>,
    /// The list shown: a folder's messages, or search results.
    rows: Arc<Vec<MessageRow>>,
    /// Bumped for every new list asked for, so a late answer never replaces a newer one.
    generation: u64,
    scroll: Scroll,
    selected: Option<usize>,
    /// The search box, open, with what is typed in it.
    search: Option<String>,
    /// The words whose results the list shows; `None`: the list is the folder's.
    results: Option<String>,
    /// The account searched; `None`: every account.
    search_in: Option<String>,
    /// The reading pane (a component with its own messages).
    reader: reader::Pane,
    /// The last action, while it can still be taken back (it is synced after that).
    undo: Option<Pending>,
    dialog: Option<Dialog>,
    /// The browser could not be started for the link dialog shown.
    browser_failed: bool,
    notice: Option<Notice>,
    /// How each account's sync is, with what it is doing in words.
    syncs: Vec<(String, Health, String)>,
    /// The widths the person gave the panes (the view fits them to the window).
    widths: Widths,
    /// The divider being dragged, if one is.
    drag: Option<Splitter>,
    /// In a narrow window the folders fold away: shown over the list while this is set.
    folders_open: bool,
    /// The pane the keyboard is in (F6 moves it), and whether to show it (after F6).
    focus: Pane,
    focus_shown: bool,
    /// The newest message of the Inbox was opened at the start (once: never again after).
    launched: bool,
    /// The message being written, in the place of the list and the reader.
    composer: Option<Box<composer::Composer>>,
    /// The outbox view, in the place of the list and the reader, with what it lists.
    outbox: Option<Arc<Vec<quietpost_model::Outgoing>>>,
    /// How many messages wait in the outbox.
    waiting: usize,
    /// An account's settings, in the place of the list and the reader.
    settings: Option<Box<settings::Settings>>,
    /// Servers whose certificate key is not the one pinned, by account.
    key_changes: Vec<keychange::KeyChange>,
    /// Accounts held by their kill-switch: the proxy is down (or required and not set).
    proxy_down: Vec<String>,
    /// What was being written when the window last closed (kept in the cache), to continue.
    kept: Vec<(
        i64,
        quietpost_model::Unsent,
        Vec<Arc<quietpost_core::compose::File>>,
    )>,
}

/// The widths the person gave the panes by dragging their dividers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Widths {
    /// The folder pane, in logical pixels.
    pub folders: f32,
    /// The list's share of the width the folders leave.
    pub list: f32,
}

/// A divider between two panes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Splitter {
    /// Between the folders and the list.
    Folders,
    /// Between the list and the reader: where the list starts and how wide list and reader
    /// are together (as laid out when the drag started).
    List { left: f32, both: f32 },
}

/// How an account's sync is: fine (connecting, syncing, up to date), offline (the engine
/// tries again by itself), or stopped (it cannot go on without a change, or could not start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Fine,
    Offline,
    Stopped,
}

/// The panes the keyboard moves between (F6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    Folders,
    #[default]
    List,
    Reader,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    /// The confirmation before a link goes to the browser.
    Link(usize),
    /// The warning, once, before a document (PDF, office) goes to its viewer.
    Document(usize),
    /// The warning before a program or a disguised file is saved.
    Save(usize),
    /// Deleting the selected message from Trash: for good, so asked first.
    DeleteForGood,
    /// Closing the composer would lose what was written.
    Discard,
    Help,
}

#[derive(Debug, Clone)]
pub enum Notice {
    Done(String),
    Failed(String),
}

#[derive(Debug, Clone)]
pub enum Message {
    FoldersLoaded(Result<Vec<FolderItem>, Error>),
    SelectFolder(usize),
    /// A list asked for (its generation), and whether it is the whole list or its first page.
    ListLoaded(u64, bool, Result<Arc<Vec<MessageRow>>, Error>),
    Scrolled(scrollable::Viewport),
    Select(usize),
    /// The reading pane's own messages.
    Reader(reader::Message),
    CloseDialog,
    Act(Act),
    /// An action was taken in the cache; with the way to take it back until it is synced.
    Acted(Result<Option<Undo>, Error>),
    /// Take back the last action (its notice's Undo, or Ctrl+Z).
    Undo,
    Undone(Result<bool, Error>),
    /// Time passes while an action can be undone (the subscription, twice a second).
    Tick(Instant),
    Shortcut(Shortcut),
    SearchChanged(String),
    SearchSubmitted,
    /// Search one account (or, `None`, every account): the results follow at once.
    SearchIn(Option<String>),
    /// The × of the search: back to the folder.
    ClearSearch,
    /// Try an account's sync again now (its infobar's Retry).
    Retry(String),
    /// The demo settled what was done, as a server would (how many actions).
    Settled(Result<usize, Error>),
    DismissNotice,
    AddAccount,
    /// A divider is pressed, the pointer moves (window coordinates) with it, it is let go.
    DragStart(Splitter),
    Dragged(iced::Point),
    DragEnd,
    /// The folder pane, folded away in a narrow window, shown or hidden.
    ToggleFolders,
    /// Start writing.
    Write(Write),
    /// Start writing to a `mailto:` link's address (a link in a message, or the one the
    /// desktop handed Quietpost).
    Mailto(String),
    /// A reply or forward of a message, ready to write: the draft and where it goes, why.
    Answered(
        MessageId,
        backend::Answer,
        Result<Arc<(quietpost_core::compose::Draft, Vec<String>)>, Error>,
    ),
    /// A draft of the Drafts folder, read back to go on writing it.
    Resumed(
        MessageId,
        Result<Arc<quietpost_core::compose::resume::Resumed>, Error>,
    ),
    /// The composer's own messages.
    Composer(composer::Message),
    /// Closing the composer after its question: what was written goes.
    DiscardConfirmed,
    /// What was being written when the window last closed (read at the start).
    KeptFound(Result<Vec<backend::KeptMessage>, Error>),
    /// Open the oldest of those in the composer.
    ContinueKept,
    ShowOutbox,
    CloseOutbox,
    OutboxLoaded(Result<Arc<Vec<quietpost_model::Outgoing>>, Error>),
    Outbox(i64, backend::OutboxAct),
    OutboxActed(backend::OutboxAct, Result<(), Error>),
    /// Take a message out of the outbox into the composer to change it.
    EditOutgoing(i64),
    Editing(Result<Arc<backend::KeptMessage>, Error>),
    /// Show the settings of this account (none: the account of the folder shown).
    OpenSettings(Option<String>),
    /// The settings pane's own messages.
    Settings(settings::Message),
    /// Pin the key an account's server presents now (after comparing it).
    /// The account, and whether the sending server's key (else the receiving server's).
    PinNewKey(String, bool),
    KeyPinned(Result<Arc<Account>, Error>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Delete,
    /// Delete from Trash, after its question.
    DeleteForGood,
    Archive,
    ToggleStar,
    ToggleRead,
    /// To this folder of the message's account (its server name).
    Move(String),
}

/// What the mailbox asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Actions were taken: sync them now.
    Changed,
    AddAccount,
    Quit,
    /// The panes were given new widths: remember them.
    Resized {
        folders: f32,
        list: f32,
    },
    /// Try this account's sync again now.
    Retry(String),
    /// The account's settings changed: its sync starts again with them.
    Reconfigured(String),
    /// An account was removed: what the configuration now holds is opened again.
    AccountRemoved,
}

/// An action the person can still take back, and until when.
#[derive(Debug, Clone, Copy)]
struct Pending {
    undo: Undo,
    until: Instant,
}

/// How long an action can be taken back before it goes to the server.
pub const UNDO_WINDOW: Duration = Duration::from_secs(6);

const LIST_ID: &str = "message-list";
/// Why a message on its way to a folder takes no action yet.
pub const PENDING: &str = "This message is still on its way here: the server has not confirmed the move yet. Actions on it wait until it has.";
/// Rows read before the rest of a folder: more than a screen holds.
const FIRST_PAGE: usize = 200;
const SEARCH_ID: &str = "search";

impl Mailbox {
    pub fn new(
        places: Places,
        accounts: Vec<Account>,
        demo: bool,
        appearance: &quietpost_model::Appearance,
    ) -> (Mailbox, Task<Message>) {
        let mailbox = Mailbox {
            places,
            accounts,
            demo,
            folders: Vec::new(),
            folder: None,
            rows: Arc::new(Vec::new()),
            generation: 0,
            scroll: Scroll::default(),
            selected: None,
            search: None,
            search_in: None,
            results: None,
            reader: reader::Pane::default(),
            undo: None,
            dialog: None,
            browser_failed: false,
            notice: None,
            syncs: Vec::new(),
            widths: Widths {
                folders: appearance.folders_width,
                list: appearance.list_share,
            },
            drag: None,
            folders_open: false,
            focus: Pane::List,
            focus_shown: false,
            launched: false,
            composer: None,
            outbox: None,
            waiting: 0,
            settings: None,
            key_changes: Vec::new(),
            proxy_down: Vec::new(),
            kept: Vec::new(),
        };
        let task = Task::batch([
            mailbox.load_folders(),
            mailbox.load_outbox(),
            mailbox.find_kept(),
        ]);
        (mailbox, task)
    }

    pub fn rows(&self) -> &[MessageRow] {
        &self.rows
    }

    /// The selected row: the message the actions act on.
    pub fn selected(&self) -> Option<&MessageRow> {
        self.selected.and_then(|i| self.rows.get(i))
    }

    pub fn reader(&self) -> &Reader {
        &self.reader.shown
    }

    pub fn dialog(&self) -> Option<Dialog> {
        self.dialog
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// What an account's sync reports: how it is, in words.
    pub fn set_sync(&mut self, account: &str, health: Health, words: String) {
        if health == Health::Fine {
            self.proxy_down.retain(|a| a != account);
        }
        match self.syncs.iter_mut().find(|(a, _, _)| a == account) {
            Some(entry) => (entry.1, entry.2) = (health, words),
            None => self.syncs.push((account.to_owned(), health, words)),
        }
    }

    /// How `account`'s sync is, and what it is doing (none: not heard from yet).
    pub fn sync_of(&self, account: &str) -> Option<(Health, &str)> {
        self.syncs
            .iter()
            .find(|(a, _, _)| a == account)
            .map(|(_, h, w)| (*h, w.as_str()))
    }

    /// Tells the person something the start did (shown until the next notice).
    pub fn tell(&mut self, words: String) {
        self.notice = Some(Notice::Done(words));
    }

    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    pub fn folders(&self) -> &[FolderItem] {
        &self.folders
    }

    /// Reloads the folders, the list shown and the outbox (after a sync brought changes).
    pub fn refresh(&mut self) -> Task<Message> {
        Task::batch([self.load_folders(), self.load_list(), self.load_outbox()])
    }

    fn load_folders(&self) -> Task<Message> {
        let names = self.accounts.iter().map(|a| a.name.clone()).collect();
        Task::perform(
            backend::folders(self.places.cache.clone(), names),
            Message::FoldersLoaded,
        )
    }

    fn load_list(&mut self) -> Task<Message> {
        self.generation += 1;
        let generation = self.generation;
        let cache = self.places.cache.clone();
        match (&self.results, self.folder.and_then(|i| self.folders.get(i))) {
            (Some(words), _) => Task::perform(
                backend::search(cache, words.clone(), self.search_in.clone()),
                move |r| Message::ListLoaded(generation, true, r),
            ),
            (_, Some(f)) => {
                // The first screenful at once, then the whole folder (100,000 rows take a few
                // hundred milliseconds to read).
                let page = Task::perform(
                    backend::list(cache.clone(), f.account.clone(), f.name.clone(), FIRST_PAGE),
                    move |r| Message::ListLoaded(generation, false, r),
                );
                let all = Task::perform(
                    backend::list(cache, f.account.clone(), f.name.clone(), usize::MAX),
                    move |r| Message::ListLoaded(generation, true, r),
                );
                page.chain(all)
            }
            _ => Task::none(),
        }
    }

    fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::FoldersLoaded(Ok(folders)) => {
                let current = self
                    .folder
                    .and_then(|i| self.folders.get(i))
                    .map(|f| (f.account.clone(), f.name.clone()));
                self.folders = folders;
                if let Some(name) = self.settings.as_ref().map(|p| p.account().name.clone()) {
                    let folders = self.notifiable(&name);
                    if let Some(pane) = &mut self.settings {
                        pane.set_folders(folders);
                    }
                }
                self.folder = current
                    .as_ref()
                    .and_then(|(a, n)| {
                        self.folders
                            .iter()
                            .position(|f| &f.account == a && &f.name == n)
                    })
                    .or_else(|| (!self.folders.is_empty()).then_some(0));
                if current.is_none() {
                    self.load_list()
                } else {
                    Task::none()
                }
            }
            Message::FoldersLoaded(Err(e)) => self.fail(e),
            Message::SelectFolder(i) => {
                self.outbox = None;
                self.settings = None;
                self.folder = Some(i);
                self.folders_open = false;
                self.search = None;
                self.results = None;
                self.selected = None;
                // Another folder: what was read is not in it.
                self.reader.clear();
                self.rows = Arc::new(Vec::new());
                self.scroll.offset = 0.0;
                Task::batch([
                    self.load_list(),
                    scroll_to(LIST_ID, AbsoluteOffset { x: 0.0, y: 0.0 }),
                ])
            }
            Message::ListLoaded(generation, whole, Ok(rows)) if generation == self.generation => {
                // The selection stays on the message shown (or selected) wherever it is in the
                // new list. Once the whole list is in and it is not there, the reader is
                // cleared: actions never act on a message the list does not show.
                let keep = self.reader.shown_id().or_else(|| self.selected_id());
                self.rows = rows;
                self.selected = keep.and_then(|id| self.rows.iter().position(|r| r.id == id));
                if whole && self.selected.is_none() {
                    self.reader.clear();
                }
                self.open_at_launch()
            }
            Message::ListLoaded(_, _, Ok(_)) => Task::none(),
            Message::ListLoaded(_, _, Err(e)) => self.fail(e),
            Message::Scrolled(viewport) => {
                self.scroll = Scroll {
                    offset: viewport.absolute_offset().y,
                    height: viewport.bounds().height,
                };
                Task::none()
            }
            Message::Select(i) => {
                self.focus = Pane::List;
                self.select(i)
            }
            Message::Reader(message) => {
                let cx = reader::Context {
                    places: &self.places,
                    accounts: &self.accounts,
                };
                let (task, events) = self.reader.update(message, &cx);
                let mut settings = None;
                for event in events {
                    match event {
                        reader::Event::OpenSettings(account) => settings = Some(account),
                        other => self.reader_event(other),
                    }
                }
                let task = task.map(Message::Reader);
                match settings {
                    Some(account) => {
                        Task::batch([task, Task::done(Message::OpenSettings(Some(account)))])
                    }
                    None => task,
                }
            }
            Message::CloseDialog => {
                self.set_dialog(None);
                Task::none()
            }
            Message::Act(act) => return self.act(act),
            Message::Acted(Ok(None)) => self.load_folders(),
            Message::Acted(Ok(Some(undo))) => {
                // The action reaches the server once the time to take it back is over; an
                // earlier action still waiting goes now.
                let earlier = self.undo.replace(Pending {
                    undo,
                    until: Instant::now() + UNDO_WINDOW,
                });
                let folders = self.load_folders();
                if earlier.is_some() {
                    let (sync, event) = self.changed();
                    return (Task::batch([folders, sync]), event);
                }
                folders
            }
            Message::Undo => match self.undo.take() {
                Some(p) => Task::perform(
                    backend::undo(self.places.cache.clone(), p.undo),
                    Message::Undone,
                ),
                None => Task::none(),
            },
            Message::Undone(Ok(true)) => {
                self.notice = Some(Notice::Done("Undone.".to_owned()));
                self.refresh()
            }
            Message::Undone(Ok(false)) => {
                self.notice = Some(Notice::Failed(
                    "Too late to undo: the server already has it.".to_owned(),
                ));
                self.refresh()
            }
            Message::Undone(Err(e)) => {
                self.notice = Some(Notice::Failed(crate::wording::app_error(&e)));
                self.refresh()
            }
            Message::Tick(now) => {
                if self.undo.as_ref().is_some_and(|p| now >= p.until) {
                    self.undo = None;
                    return self.changed();
                }
                Task::none()
            }
            Message::Acted(Err(e)) => {
                self.notice = Some(Notice::Failed(crate::wording::app_error(&e)));
                self.refresh()
            }
            Message::Shortcut(s) => return self.shortcut(s),
            Message::SearchChanged(words) => {
                self.search = Some(words);
                Task::none()
            }
            Message::SearchSubmitted => {
                // The selection follows the message shown into the results (ListLoaded).
                self.results = self
                    .search
                    .as_deref()
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned);
                self.scroll.offset = 0.0;
                Task::batch([
                    self.load_list(),
                    scroll_to(LIST_ID, AbsoluteOffset { x: 0.0, y: 0.0 }),
                ])
            }
            Message::SearchIn(account) => {
                self.search_in = account.filter(|a| self.account(a).is_some());
                if self.results.is_some() {
                    self.scroll.offset = 0.0;
                    self.load_list()
                } else {
                    Task::none()
                }
            }
            Message::ClearSearch => self.clear_search(),
            Message::Retry(account) => {
                if let Some(s) = self.syncs.iter_mut().find(|(a, _, _)| *a == account) {
                    s.1 = Health::Fine;
                    s.2 = "trying again…".to_owned();
                }
                return (Task::none(), Some(Event::Retry(account)));
            }
            Message::Settled(Ok(_)) => self.refresh(),
            Message::Settled(Err(e)) => self.fail(e),
            Message::DismissNotice => {
                self.notice = None;
                Task::none()
            }
            Message::AddAccount => return (Task::none(), Some(Event::AddAccount)),
            Message::DragStart(splitter) => {
                self.drag = Some(splitter);
                Task::none()
            }
            Message::Dragged(at) => {
                match self.drag {
                    Some(Splitter::Folders) => self.widths.folders = at.x,
                    Some(Splitter::List { left, both }) if both > 0.0 => {
                        self.widths.list = (at.x - left) / both;
                    }
                    _ => {}
                }
                self.widths = self.sane_widths();
                Task::none()
            }
            Message::DragEnd => {
                if self.drag.take().is_some() {
                    return (
                        Task::none(),
                        Some(Event::Resized {
                            folders: self.widths.folders,
                            list: self.widths.list,
                        }),
                    );
                }
                Task::none()
            }
            Message::ToggleFolders => {
                self.folders_open = !self.folders_open;
                Task::none()
            }
            Message::OpenSettings(name) => {
                let name = name.or_else(|| {
                    (self.folder.and_then(|i| self.folders.get(i))).map(|f| f.account.clone())
                });
                let account = name
                    .and_then(|n| self.account(&n).cloned())
                    .or_else(|| self.accounts.first().cloned());
                match account {
                    _ if self.demo => {
                        self.notice = Some(Notice::Done(
                            "The demo mailbox has no settings: add your own account (Add your account, in the folder pane) to set a proxy and the rest."
                                .to_owned(),
                        ));
                        Task::none()
                    }
                    Some(a) => {
                        self.outbox = None;
                        self.folders_open = false;
                        let folders = self.notifiable(&a.name);
                        self.settings = Some(Box::new(settings::Settings::new(
                            self.places.paths.clone(),
                            a,
                            folders,
                        )));
                        iced::widget::operation::focus(settings::view::FIRST_FIELD)
                    }
                    _ => Task::none(),
                }
            }
            Message::Settings(m) => return self.settings(m),
            Message::PinNewKey(account, smtp) => self.pin_new_key(account, smtp),
            Message::KeyPinned(result) => return self.key_pinned(result),
            writing => return self.writing(writing),
        };
        (task, None)
    }

    /// Actions were taken and can no longer be undone: the server gets them now. The demo has
    /// none: it settles them in its cache as one would.
    fn changed(&mut self) -> (Task<Message>, Option<Event>) {
        if self.demo {
            let settle = Task::perform(
                backend::settle_demo(self.places.cache.clone()),
                Message::Settled,
            );
            (settle, None)
        } else {
            (Task::none(), Some(Event::Changed))
        }
    }

    /// The widths brought into the range the appearance keeps.
    fn sane_widths(&self) -> Widths {
        let a = quietpost_model::Appearance {
            folders_width: self.widths.folders,
            list_share: self.widths.list,
            ..Default::default()
        }
        .sane();
        Widths {
            folders: a.folders_width,
            list: a.list_share,
        }
    }

    /// At the start, the newest message of the Inbox is opened (as Geary and Apple Mail do),
    /// once the list first shows it; never later, and never over a choice already made.
    fn open_at_launch(&mut self) -> Task<Message> {
        if self.launched {
            return Task::none();
        }
        self.launched = true;
        let inbox = self
            .folder
            .and_then(|i| self.folders.get(i))
            .is_some_and(|f| f.role == Some(Role::Inbox));
        if inbox && self.results.is_none() && self.selected.is_none() && !self.rows.is_empty() {
            self.select(0)
        } else {
            Task::none()
        }
    }

    /// The pane the keyboard is in.
    pub fn focus(&self) -> Pane {
        self.focus
    }

    fn fail(&mut self, e: Error) -> Task<Message> {
        self.notice = Some(Notice::Failed(crate::wording::app_error(&e)));
        Task::none()
    }

    fn selected_id(&self) -> Option<MessageId> {
        self.selected.and_then(|i| self.rows.get(i)).map(|r| r.id)
    }

    fn select(&mut self, i: usize) -> Task<Message> {
        let Some(row) = self.rows.get(i) else {
            return Task::none();
        };
        let id = row.id;
        let Some(account) = self.account(&row.account).cloned() else {
            return Task::none();
        };
        self.selected = Some(i);
        let reveal = self.scroll.reveal(i).map(|y| {
            self.scroll.offset = y;
            scroll_to(LIST_ID, AbsoluteOffset { x: 0.0, y })
        });
        let cx = reader::Context {
            places: &self.places,
            accounts: &self.accounts,
        };
        let open = self.reader.open(&cx, account, id).map(Message::Reader);
        Task::batch([open, reveal.unwrap_or_else(Task::none)])
    }

    /// Closes the search: the folder's list again, the message shown still selected if it is
    /// there.
    fn clear_search(&mut self) -> Task<Message> {
        self.search = None;
        if self.results.take().is_some() {
            self.load_list()
        } else {
            Task::none()
        }
    }

    /// The words whose results the list shows, if it shows search results.
    pub fn results(&self) -> Option<&str> {
        self.results.as_deref()
    }

    /// The folders of `account` whose new mail may be notified (the Inbox and the person's
    /// own, not Sent, Drafts, Junk, Trash or Archive): each one's server name and whole name.
    fn notifiable(&self, account: &str) -> Vec<(String, String)> {
        (self.folders.iter())
            .filter(|f| f.account == account)
            .filter(|f| matches!(f.role, None | Some(Role::Inbox)))
            .map(|f| (f.name.clone(), crate::wording::settings::folder(f)))
            .collect()
    }

    /// The account searched; `None`: every account.
    pub fn search_in(&self) -> Option<&str> {
        self.search_in.as_deref()
    }

    /// Shows a dialog (or none), fresh: no failure of an earlier one carried over.
    fn set_dialog(&mut self, dialog: Option<Dialog>) {
        self.dialog = dialog;
        self.browser_failed = false;
    }

    /// Whether the last action can still be taken back.
    pub fn can_undo(&self) -> bool {
        self.undo.is_some()
    }

    /// Time, only while an action can be taken back; the pointer, only while a divider is
    /// dragged (wherever it goes in the window, over whatever pane).
    pub fn subscription(&self) -> iced::Subscription<Message> {
        let undo = if self.undo.is_some() {
            iced::time::every(Duration::from_millis(500)).map(Message::Tick)
        } else {
            iced::Subscription::none()
        };
        let keep = if self.composer.as_ref().is_some_and(|c| c.keeping()) {
            iced::time::every(Duration::from_millis(500))
                .map(|now| Message::Composer(composer::Message::Tick(now)))
        } else {
            iced::Subscription::none()
        };
        let drag = if self.drag.is_some() {
            iced::event::listen_with(|event, _, _| match event {
                iced::Event::Mouse(iced::mouse::Event::CursorMoved { position }) => {
                    Some(Message::Dragged(position))
                }
                iced::Event::Mouse(iced::mouse::Event::ButtonReleased(_))
                | iced::Event::Mouse(iced::mouse::Event::CursorLeft) => Some(Message::DragEnd),
                _ => None,
            })
        } else {
            iced::Subscription::none()
        };
        // Files dropped on the window while writing are attached (as if chosen).
        let dropped = if self.composer.is_some() {
            iced::event::listen_with(|event, _, _| match event {
                iced::Event::Window(iced::window::Event::FileDropped(path)) => {
                    Some(Message::Composer(composer::Message::Chosen(
                        crate::system::Chosen::Files(vec![path]),
                    )))
                }
                _ => None,
            })
        } else {
            iced::Subscription::none()
        };
        iced::Subscription::batch([undo, keep, drag, dropped])
    }

    /// What the reading pane asked for.
    fn reader_event(&mut self, event: reader::Event) {
        match event {
            reader::Event::Notice(n) => self.notice = Some(n),
            reader::Event::Dialog(d) => self.set_dialog(d),
            reader::Event::BrowserFailed => self.browser_failed = true,
            // Taken where the reader's messages are (it opens a pane).
            reader::Event::OpenSettings(_) => {}
            reader::Event::AccountChanged(account) => {
                if let Some(a) = self.accounts.iter_mut().find(|a| a.name == account.name) {
                    *a = Account::clone(&account);
                }
            }
            reader::Event::Opened(opened) => {
                // The list names the sender as the reader does (the reader's analysis of the
                // whole message wins, should the header's ever have said otherwise).
                if let Some(i) = self.rows.iter().position(|r| r.id == opened.id)
                    && self.rows[i].summary.sender != opened.summary.sender
                    && opened.summary.sender.is_some()
                {
                    Arc::make_mut(&mut self.rows)[i].summary.sender = opened.summary.sender.clone();
                }
                // Shown as read at once (the cache already says so), and counted as read in
                // its folder: no need to count every folder again for one message.
                if !opened.summary.flags.contains(Flags::SEEN) {
                    if let Some(i) = self.rows.iter().position(|r| r.id == opened.id) {
                        let rows = Arc::make_mut(&mut self.rows);
                        rows[i].summary.flags = rows[i].summary.flags.with(Flags::SEEN, true);
                    }
                    let (account, folder) = (&opened.account, &opened.folder);
                    if let Some(f) = self
                        .folders
                        .iter_mut()
                        .find(|f| &f.account == account && &f.name == folder)
                    {
                        f.unread = f.unread.saturating_sub(1);
                    }
                }
            }
        }
    }
}
