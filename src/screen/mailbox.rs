//! The main window: folders, the message list and the reading pane. Actions (star, read,
//! archive, delete) change the list at once and reach the server at the next sync.

mod panes;
mod reader;

pub use reader::{Reading, Remote, annotate};

use crate::backend::{self, Error, FolderItem, Opened, RemoteLoaded};
use crate::keys::Shortcut;
use crate::widget::message_list::Scroll;
use iced::Task;
use iced::widget::operation::{AbsoluteOffset, focus, scroll_to};
use iced::widget::{scrollable, text_editor};
use quietpost_core::sync::Verb;
use quietpost_model::Account;
use quietpost_model::Opening;
use quietpost_model::{Flags, MessageRow, Role};
use quietpost_render::Prefer;
use std::path::PathBuf;
use std::sync::Arc;

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
    search: Option<String>,
    reader: Reader,
    dialog: Option<Dialog>,
    notice: Option<Notice>,
    /// The person was told, once in this window, that a document's viewer may contact the
    /// internet, and opened one anyway.
    documents_confirmed: bool,
    /// What the sync is doing, in words (per account).
    pub status: Vec<(String, String)>,
}

pub enum Reader {
    Empty,
    Loading(i64),
    Open(Box<Reading>),
    Failed(Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    /// The confirmation before a link goes to the browser.
    Link(usize),
    /// The warning, once, before a document (PDF, office) goes to its viewer.
    Document(usize),
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
    ListLoaded(u64, Result<Arc<Vec<MessageRow>>, Error>),
    Scrolled(scrollable::Viewport),
    Select(usize),
    Opened(i64, Result<Arc<Opened>, Error>),
    Body(text_editor::Action),
    Link(usize),
    OpenLink(usize),
    /// The link as the message wrote it (before tracking was removed or a redirect unwrapped).
    OpenOriginalLink(usize),
    /// The browser was started (or could not be).
    LinkOpened(Result<(), Error>),
    CopyLink(usize),
    CloseDialog,
    LoadRemote,
    /// Allow the account of the message shown to load remote content on request.
    AllowOnRequest,
    AllowedOnRequest(Result<Arc<Account>, Error>),
    RemoteLoaded(i64, Result<Arc<RemoteLoaded>, Error>),
    ToggleLedger,
    ShowWholeText,
    /// The other version of a message written twice (plain text and HTML).
    OtherVersion,
    Save(usize),
    Saved(Result<PathBuf, Error>),
    OpenAttachment(usize),
    /// A document, after its warning.
    OpenDocument(usize),
    /// A document saved from its warning instead of opened.
    SaveInstead(usize),
    AttachmentOpened(Result<PathBuf, Error>),
    /// An attached message, rendered to be shown inside Quietpost: the message it came in and
    /// where in it.
    AttachedOpened(i64, Vec<usize>, Result<Arc<Opened>, Error>),
    /// From an attached message back to the message it came in.
    BackToMessage,
    Act(Act),
    Acted(Result<(), Error>),
    Shortcut(Shortcut),
    SearchChanged(String),
    SearchSubmitted,
    DismissNotice,
    AddAccount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Delete,
    Archive,
    ToggleStar,
    ToggleRead,
    /// To this folder of the message's account (its server name).
    Move(String),
}

/// What the mailbox asks of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Actions were taken: sync them now.
    Changed,
    AddAccount,
    Quit,
}

const LIST_ID: &str = "message-list";
/// Rows read before the rest of a folder: more than a screen holds.
const FIRST_PAGE: usize = 200;
const SEARCH_ID: &str = "search";

impl Mailbox {
    pub fn new(places: Places, accounts: Vec<Account>, demo: bool) -> (Mailbox, Task<Message>) {
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
            reader: Reader::Empty,
            dialog: None,
            notice: None,
            documents_confirmed: false,
            status: Vec::new(),
        };
        let task = mailbox.load_folders();
        (mailbox, task)
    }

    pub fn rows(&self) -> &[MessageRow] {
        &self.rows
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    pub fn dialog(&self) -> Option<Dialog> {
        self.dialog
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
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

    /// Reloads the folders and the list shown (after a sync brought changes).
    pub fn refresh(&mut self) -> Task<Message> {
        Task::batch([self.load_folders(), self.load_list()])
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
        match (&self.search, self.folder.and_then(|i| self.folders.get(i))) {
            (Some(words), _) if !words.trim().is_empty() => {
                Task::perform(backend::search(cache, words.clone()), move |r| {
                    Message::ListLoaded(generation, r)
                })
            }
            (_, Some(f)) => {
                // The first screenful at once, then the whole folder (100,000 rows take a few
                // hundred milliseconds to read).
                let page = Task::perform(
                    backend::list(cache.clone(), f.account.clone(), f.name.clone(), FIRST_PAGE),
                    move |r| Message::ListLoaded(generation, r),
                );
                let all = Task::perform(
                    backend::list(cache, f.account.clone(), f.name.clone(), usize::MAX),
                    move |r| Message::ListLoaded(generation, r),
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
                self.folder = Some(i);
                self.search = None;
                self.selected = None;
                self.rows = Arc::new(Vec::new());
                self.scroll.offset = 0.0;
                Task::batch([
                    self.load_list(),
                    scroll_to(LIST_ID, AbsoluteOffset { x: 0.0, y: 0.0 }),
                ])
            }
            Message::ListLoaded(generation, Ok(rows)) if generation == self.generation => {
                // Keep the selection on the same message if it is still there.
                let selected = self.selected_id();
                self.rows = rows;
                self.selected = selected.and_then(|id| self.rows.iter().position(|r| r.id == id));
                Task::none()
            }
            Message::ListLoaded(_, Ok(_)) => Task::none(),
            Message::ListLoaded(_, Err(e)) => self.fail(e),
            Message::Scrolled(viewport) => {
                self.scroll = Scroll {
                    offset: viewport.absolute_offset().y,
                    height: viewport.bounds().height,
                };
                Task::none()
            }
            Message::Select(i) => self.select(i),
            Message::Opened(id, result) => {
                if matches!(self.reader, Reader::Loading(l) if l == id) {
                    return (self.opened(result), None);
                }
                Task::none()
            }
            Message::Body(action) => {
                if let Reader::Open(r) = &mut self.reader
                    && !action.is_edit()
                {
                    r.body.perform(action);
                }
                Task::none()
            }
            Message::Link(i) => {
                // Only a link that can be opened gets a dialog; the view gives the others no
                // button, and this check holds whatever sends the message.
                if let Reader::Open(r) = &self.reader
                    && r.message().links.get(i).is_some_and(|l| l.activatable)
                {
                    self.dialog = Some(Dialog::Link(i));
                }
                Task::none()
            }
            Message::OpenLink(i) | Message::OpenOriginalLink(i) => {
                self.dialog = None;
                let url = if matches!(message, Message::OpenOriginalLink(_)) {
                    self.original_link_url(i)
                } else {
                    self.link_url(i)
                };
                match url {
                    Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                        Task::perform(
                            backend::open_link(url, self.places.opener.clone()),
                            Message::LinkOpened,
                        )
                    }
                    _ => Task::none(),
                }
            }
            Message::LinkOpened(Ok(())) => Task::none(),
            Message::LinkOpened(Err(e)) => {
                self.notice = Some(Notice::Failed(match &e {
                    Error::Launch(io) => {
                        format!("Your browser could not be started ({io}). Copy the link instead.")
                    }
                    other => crate::wording::app_error(other),
                }));
                Task::none()
            }
            Message::CopyLink(i) => {
                self.dialog = None;
                match self.link_url(i) {
                    Some(url) => {
                        self.notice = Some(Notice::Done("Link copied.".to_owned()));
                        iced::clipboard::write(url)
                    }
                    None => Task::none(),
                }
            }
            Message::CloseDialog => {
                self.dialog = None;
                Task::none()
            }
            Message::LoadRemote => self.load_remote(),
            Message::AllowOnRequest => match &self.reader {
                Reader::Open(r) => Task::perform(
                    backend::allow_on_request(
                        self.places.paths.clone(),
                        r.opened.row.account.clone(),
                    ),
                    Message::AllowedOnRequest,
                ),
                _ => Task::none(),
            },
            Message::AllowedOnRequest(Ok(account)) => {
                let proxy = account.proxy.is_some();
                if let Reader::Open(r) = &mut self.reader
                    && r.opened.row.account == account.name
                    && r.opened.cannot_load == Some(backend::CannotLoad::Policy)
                {
                    r.opened.cannot_load = (!proxy).then_some(backend::CannotLoad::NoProxy);
                }
                self.notice = Some(Notice::Done(format!(
                    "{}: images now load when you ask, through the account's proxy only.",
                    account.name
                )));
                if let Some(a) = self.accounts.iter_mut().find(|a| a.name == account.name) {
                    *a = Account::clone(&account);
                }
                Task::none()
            }
            Message::AllowedOnRequest(Err(e)) => {
                self.notice = Some(Notice::Failed(crate::wording::app_error(&e)));
                Task::none()
            }
            Message::RemoteLoaded(id, result) => {
                // Onto the message itself (not an attached message opened meanwhile; its own
                // reading is behind it and gets the result when the person goes back).
                let mut reading = match &mut self.reader {
                    Reader::Open(r) => Some(r.as_mut()),
                    _ => None,
                };
                while let Some(r) = reading.take_if(|r| !r.opened.within.is_empty()) {
                    reading = r.back.as_deref_mut();
                }
                if let Some(r) = reading
                    && r.opened.id == id
                {
                    match result {
                        Ok(loaded) => {
                            r.opened.ledger = loaded.ledger.clone();
                            r.remote = Remote::Loaded(loaded.images.clone());
                        }
                        Err(e) => {
                            r.remote = Remote::Idle;
                            self.notice = Some(Notice::Failed(crate::wording::app_error(&e)));
                        }
                    }
                }
                Task::none()
            }
            Message::OtherVersion => self.other_version(),
            Message::ShowWholeText => {
                if let Reader::Open(r) = &mut self.reader {
                    r.show_all();
                }
                Task::none()
            }
            Message::ToggleLedger => {
                if let Reader::Open(r) = &mut self.reader {
                    r.show_ledger = !r.show_ledger;
                }
                Task::none()
            }
            Message::Save(i) => self.save_attachment(i),
            Message::SaveInstead(i) => {
                self.dialog = None;
                self.save_attachment(i)
            }
            Message::OpenAttachment(i) => self.open_attachment(i, false),
            Message::OpenDocument(i) => {
                self.dialog = None;
                self.documents_confirmed = true;
                self.open_attachment(i, true)
            }
            Message::AttachedOpened(id, within, result) => {
                // Only onto the message (or attached message) it was opened from.
                if let Reader::Open(r) = &mut self.reader
                    && r.opened.id == id
                    && within
                        .split_last()
                        .is_some_and(|(_, up)| r.opened.within == up)
                {
                    match result {
                        Ok(opened) => {
                            let mut reading = Reading::new(Arc::unwrap_or_clone(opened));
                            std::mem::swap(r.as_mut(), &mut reading);
                            r.back = Some(Box::new(reading));
                        }
                        Err(e) => self.notice = Some(Notice::Failed(crate::wording::app_error(&e))),
                    }
                }
                Task::none()
            }
            Message::BackToMessage => {
                self.back_to_message();
                Task::none()
            }
            Message::Saved(result) => {
                self.notice = Some(match result {
                    Ok(path) => Notice::Done(format!("Saved as {}", path.display())),
                    Err(e) => Notice::Failed(crate::wording::app_error(&e)),
                });
                Task::none()
            }
            Message::AttachmentOpened(result) => {
                if let Err(e) = result {
                    self.notice = Some(Notice::Failed(crate::wording::app_error(&e)));
                }
                Task::none()
            }
            Message::Act(act) => return self.act(act),
            Message::Acted(Ok(())) => self.load_folders(),
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
                self.selected = None;
                self.scroll.offset = 0.0;
                Task::batch([
                    self.load_list(),
                    scroll_to(LIST_ID, AbsoluteOffset { x: 0.0, y: 0.0 }),
                ])
            }
            Message::DismissNotice => {
                self.notice = None;
                Task::none()
            }
            Message::AddAccount => return (Task::none(), Some(Event::AddAccount)),
        };
        (task, None)
    }

    fn fail(&mut self, e: Error) -> Task<Message> {
        self.notice = Some(Notice::Failed(crate::wording::app_error(&e)));
        Task::none()
    }

    fn selected_id(&self) -> Option<i64> {
        self.selected.and_then(|i| self.rows.get(i)).map(|r| r.id)
    }

    fn link_url(&self, i: usize) -> Option<String> {
        let Reader::Open(r) = &self.reader else {
            return None;
        };
        r.message()
            .links
            .get(i)
            .filter(|l| l.activatable)
            .map(|l| l.url.as_str().to_owned())
    }

    /// The link as written, when Quietpost cleaned it and it may be opened at all.
    fn original_link_url(&self, i: usize) -> Option<String> {
        let Reader::Open(r) = &self.reader else {
            return None;
        };
        r.message()
            .links
            .get(i)
            .filter(|l| l.activatable)
            .and_then(|l| l.original.as_ref())
            .map(|o| o.as_str().to_owned())
    }

    /// Renders the open message again in its other version (plain text or HTML).
    fn other_version(&mut self) -> Task<Message> {
        let Reader::Open(r) = &self.reader else {
            return Task::none();
        };
        let (id, account) = (r.opened.id, r.opened.row.account.clone());
        let Some(account) = self.account(&account).cloned() else {
            return Task::none();
        };
        let other = match r.opened.prefer {
            Prefer::Plain => Prefer::Html,
            Prefer::Html => Prefer::Plain,
        };
        if !r.opened.within.is_empty() {
            // An attached message: rendered again in its other version, over the message it
            // came in.
            let (within, row) = (r.opened.within.clone(), r.opened.row.clone());
            self.back_to_message();
            let path = within.clone();
            return Task::perform(
                backend::open_attached(self.places.cache.clone(), row, path, other),
                move |result| Message::AttachedOpened(id, within, result.map(Arc::new)),
            );
        }
        self.reader = Reader::Loading(id);
        Task::perform(
            backend::open(self.places.cache.clone(), account, id, other),
            move |r| Message::Opened(id, r.map(Arc::new)),
        )
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
        self.reader = Reader::Loading(id);
        let reveal = self.scroll.reveal(i).map(|y| {
            self.scroll.offset = y;
            scroll_to(LIST_ID, AbsoluteOffset { x: 0.0, y })
        });
        let open = Task::perform(
            backend::open(
                self.places.cache.clone(),
                account,
                id,
                quietpost_render::Prefer::Plain,
            ),
            move |r| Message::Opened(id, r.map(Arc::new)),
        );
        Task::batch([open, reveal.unwrap_or_else(Task::none)])
    }

    fn opened(&mut self, result: Result<Arc<Opened>, Error>) -> Task<Message> {
        match result {
            Ok(opened) => {
                let opened = Arc::unwrap_or_clone(opened);
                // The list names the sender as the reader does (the reader's analysis of the
                // whole message wins, should the header's ever have said otherwise).
                if let Some(i) = self.rows.iter().position(|r| r.id == opened.id)
                    && self.rows[i].summary.sender != opened.row.summary.sender
                    && opened.row.summary.sender.is_some()
                {
                    Arc::make_mut(&mut self.rows)[i].summary.sender =
                        opened.row.summary.sender.clone();
                }
                // Shown as read at once (the cache already says so), and counted as read in
                // its folder: no need to count every folder again for one message.
                if !opened.row.summary.flags.contains(Flags::SEEN) {
                    if let Some(i) = self.rows.iter().position(|r| r.id == opened.id) {
                        let rows = Arc::make_mut(&mut self.rows);
                        rows[i].summary.flags = rows[i].summary.flags.with(Flags::SEEN, true);
                    }
                    let (account, folder) = (&opened.row.account, &opened.row.folder);
                    if let Some(f) = self
                        .folders
                        .iter_mut()
                        .find(|f| &f.account == account && &f.name == folder)
                    {
                        f.unread = f.unread.saturating_sub(1);
                    }
                }
                let auto = opened.permission == quietpost_core::remote::Permission::Always
                    && opened.cannot_load.is_none();
                self.reader = Reader::Open(Box::new(Reading::new(opened)));
                if auto {
                    self.load_remote()
                } else {
                    Task::none()
                }
            }
            Err(e) => {
                self.reader = Reader::Failed(e);
                Task::none()
            }
        }
    }

    fn load_remote(&mut self) -> Task<Message> {
        let Reader::Open(r) = &mut self.reader else {
            return Task::none();
        };
        if r.can_load().is_err() {
            return Task::none();
        }
        let Some(account) = self
            .accounts
            .iter()
            .find(|a| a.name == r.opened.row.account)
            .cloned()
        else {
            return Task::none();
        };
        r.remote = Remote::Loading;
        let id = r.opened.id;
        Task::perform(
            backend::load_remote(
                self.places.cache.clone(),
                account,
                id,
                r.opened.message.clone(),
            ),
            move |result| Message::RemoteLoaded(id, result.map(Arc::new)),
        )
    }

    /// Saves attachment `i` of the message shown into the Downloads folder.
    fn save_attachment(&mut self, i: usize) -> Task<Message> {
        let Reader::Open(r) = &self.reader else {
            return Task::none();
        };
        let Some(a) = r.message().attachments.get(i) else {
            return Task::none();
        };
        Task::perform(
            backend::save_attachment(
                self.places.cache.clone(),
                r.opened.id,
                [r.opened.within.as_slice(), &[i]].concat(),
                a.safe_filename.as_str().to_owned(),
                self.places.downloads.clone(),
            ),
            Message::Saved,
        )
    }

    /// Opens attachment `i` as the renderer allows: a picture or text in its viewer, a
    /// document in its viewer after the warning (once in this window), an attached message
    /// inside Quietpost; anything else not at all.
    fn open_attachment(&mut self, i: usize, confirmed: bool) -> Task<Message> {
        let Reader::Open(r) = &self.reader else {
            return Task::none();
        };
        let Some(a) = r.message().attachments.get(i) else {
            return Task::none();
        };
        let path = [r.opened.within.as_slice(), &[i]].concat();
        let (cache, id) = (self.places.cache.clone(), r.opened.id);
        match a.opening {
            Opening::Document if !confirmed && !self.documents_confirmed => {
                self.dialog = Some(Dialog::Document(i));
                Task::none()
            }
            Opening::Viewer | Opening::Document => Task::perform(
                backend::open_attachment(
                    cache,
                    id,
                    path,
                    a.clone(),
                    self.places.temp.clone(),
                    self.places.opener.clone(),
                ),
                Message::AttachmentOpened,
            ),
            Opening::Quietpost => {
                let within = path.clone();
                Task::perform(
                    backend::open_attached(cache, r.opened.row.clone(), path, Prefer::default()),
                    move |result| Message::AttachedOpened(id, within, result.map(Arc::new)),
                )
            }
            Opening::SaveOnly(_) => Task::none(),
        }
    }

    /// From an attached message back to the message it came in; false when the reader shows
    /// no attached message.
    fn back_to_message(&mut self) -> bool {
        if let Reader::Open(r) = &mut self.reader
            && let Some(back) = r.back.take()
        {
            *r = back;
            return true;
        }
        false
    }

    fn act(&mut self, act: Act) -> (Task<Message>, Option<Event>) {
        let Some(i) = self.selected.filter(|&i| i < self.rows.len()) else {
            return (Task::none(), None);
        };
        let row = &self.rows[i];
        let id = row.id;
        let flags = row.summary.flags;
        let in_trash = self
            .folder
            .and_then(|f| self.folders.get(f))
            .is_some_and(|f| f.role == Some(Role::Trash) && self.search.is_none());
        let deleting = act == Act::Delete;
        let verb = match act {
            Act::Move(to) => Verb::Move(to),
            Act::Delete => Verb::Delete,
            Act::Archive => Verb::Archive,
            Act::ToggleStar => Verb::Flag(Flags::FLAGGED, !flags.contains(Flags::FLAGGED)),
            Act::ToggleRead => Verb::Flag(Flags::SEEN, !flags.contains(Flags::SEEN)),
        };
        let mut next = Task::none();
        match &verb {
            Verb::Flag(f, on) => {
                let rows = Arc::make_mut(&mut self.rows);
                rows[i].summary.flags = rows[i].summary.flags.with(*f, *on);
            }
            _ => {
                // Gone from this list at once; the next message takes its place.
                Arc::make_mut(&mut self.rows).remove(i);
                self.reader = Reader::Empty;
                self.selected = None;
                if i < self.rows.len() {
                    next = self.select(i);
                } else if i > 0 {
                    next = self.select(i - 1);
                }
            }
        }
        if in_trash && deleting {
            self.notice = Some(Notice::Done("Deleted for good.".to_owned()));
        }
        let task = Task::perform(
            backend::act(self.places.cache.clone(), id, verb),
            Message::Acted,
        );
        (Task::batch([task, next]), Some(Event::Changed))
    }

    fn shortcut(&mut self, s: Shortcut) -> (Task<Message>, Option<Event>) {
        if self.dialog.is_some() {
            // A dialog takes the keyboard: only closing it (or quitting) works.
            return match s {
                Shortcut::Close => {
                    self.dialog = None;
                    (Task::none(), None)
                }
                Shortcut::Quit => (Task::none(), Some(Event::Quit)),
                _ => (Task::none(), None),
            };
        }
        let task = match s {
            Shortcut::Next => {
                let next = self.selected.map_or(0, |i| i + 1);
                if next < self.rows.len() {
                    self.select(next)
                } else {
                    Task::none()
                }
            }
            Shortcut::Previous => match self.selected {
                Some(i) if i > 0 => self.select(i - 1),
                None if !self.rows.is_empty() => self.select(0),
                _ => Task::none(),
            },
            Shortcut::Open => match self.selected {
                Some(i) => self.select(i),
                None => Task::none(),
            },
            Shortcut::Delete => return self.act(Act::Delete),
            Shortcut::Archive => return self.act(Act::Archive),
            Shortcut::Star => return self.act(Act::ToggleStar),
            Shortcut::Unread => return self.act(Act::ToggleRead),
            Shortcut::Search => {
                if self.search.is_none() {
                    self.search = Some(String::new());
                }
                focus(SEARCH_ID)
            }
            Shortcut::Help => {
                self.dialog = Some(Dialog::Help);
                Task::none()
            }
            Shortcut::Close => {
                if self.back_to_message() {
                    Task::none()
                } else if self.search.take().is_some() {
                    self.selected = None;
                    self.load_list()
                } else {
                    Task::none()
                }
            }
            Shortcut::Quit => return (Task::none(), Some(Event::Quit)),
            // Moving between fields is the app's (a widget operation).
            Shortcut::NextField | Shortcut::PreviousField => Task::none(),
        };
        (task, None)
    }
}
