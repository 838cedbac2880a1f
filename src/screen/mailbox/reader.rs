//! The reading pane as a component: what it shows (`Reader`), its own messages and `update`,
//! and the events it hands the mailbox around it (a notice, a dialog, a message opened, an
//! account changed). Every side effect is a `backend::*` task; `update` does no I/O.

mod page;
mod reading;

pub use page::{BODY_ID, MEASURE, view};
pub use reading::{Reading, Remote, annotate};

use super::{Dialog, Notice, Places};
use crate::backend::{self, CannotLoad, Error, Opened, RemoteLoaded};
use iced::Task;
use iced::widget::text_editor;
use quietpost_model::{Account, MessageId, MessageRow, Opening};
use quietpost_render::Prefer;
use std::path::PathBuf;
use std::sync::Arc;

/// Whether saving attachment `i` asks first: a program, or a file whose name, declared type
/// and content disagree (a danger warning on it).
pub fn save_warned(m: &quietpost_model::SafeMessage, i: usize) -> bool {
    m.attachments.get(i).is_some_and(|a| {
        matches!(
            a.opening,
            Opening::SaveOnly(
                quietpost_model::SaveOnly::RunsCode
                    | quietpost_model::SaveOnly::NameAndContentDiffer
            )
        ) || a
            .warnings
            .iter()
            .any(|c| c.severity() == quietpost_model::Severity::Danger)
    })
}

/// What the pane shows.
pub enum Reader {
    Empty,
    Loading(MessageId),
    Open(Box<Reading>),
    Failed(Error),
}

/// The reading pane: what it shows, and what it remembers in this window.
pub struct Pane {
    pub shown: Reader,
    /// The person was told, once in this window, that a document's viewer may contact the
    /// internet, and opened one anyway.
    documents_confirmed: bool,
}

/// What the reading pane's controls and tasks send it.
#[derive(Debug, Clone)]
pub enum Message {
    Opened(MessageId, Result<Arc<Opened>, Error>),
    Body(text_editor::Action),
    Link(usize),
    OpenLink(usize),
    /// The link as the message wrote it (before tracking was removed or a redirect unwrapped).
    OpenOriginalLink(usize),
    /// The browser was started (or could not be).
    LinkOpened(Result<(), Error>),
    CopyLink(usize),
    LoadRemote,
    /// Allow the account of the message shown to load remote content on request.
    AllowOnRequest,
    /// The settings of the shown message's account (to set a proxy).
    OpenSettings,
    AllowedOnRequest(Result<Arc<Account>, Error>),
    RemoteLoaded(MessageId, Result<Arc<RemoteLoaded>, Error>),
    ToggleLedger,
    ShowWholeText,
    /// The other version of a message written twice (plain text and HTML).
    OtherVersion,
    Save(usize),
    Saved(Result<PathBuf, Error>),
    OpenAttachment(usize),
    /// A document, after its warning.
    OpenDocument(usize),
    /// An attachment saved from a dialog's warning (a document's, instead of opening it; a
    /// program's or a disguised file's, after reading why not).
    SaveInstead(usize),
    AttachmentOpened(Result<PathBuf, Error>),
    /// An attached message, rendered to be shown inside Quietpost: the message it came in and
    /// where in it.
    AttachedOpened(MessageId, Vec<usize>, Result<Arc<Opened>, Error>),
    /// From an attached message back to the message it came in.
    BackToMessage,
    /// A preview of an image attachment (of the message or attached message at `within`).
    Previewed(
        MessageId,
        Vec<usize>,
        usize,
        Result<iced::widget::image::Handle, Error>,
    ),
}

/// What the reading pane asks of the mailbox.
#[derive(Debug, Clone)]
pub enum Event {
    /// Say this in the status line.
    Notice(Notice),
    /// Show this dialog, or close the one shown.
    Dialog(Option<Dialog>),
    /// A message was opened (marked read in the cache): its row as the reader read it, with
    /// the flags it had before.
    Opened(Box<MessageRow>),
    /// An account's settings changed (as saved).
    AccountChanged(Arc<Account>),
    /// The browser could not be started for the link in the dialog (which stays open).
    BrowserFailed,
    /// Show this account's settings.
    OpenSettings(String),
}

/// What the pane needs of the mailbox to act.
pub struct Context<'a> {
    pub places: &'a Places,
    pub accounts: &'a [Account],
}

impl Context<'_> {
    fn account(&self, name: &str) -> Option<Account> {
        self.accounts.iter().find(|a| a.name == name).cloned()
    }
}

impl Default for Pane {
    fn default() -> Self {
        Pane {
            shown: Reader::Empty,
            documents_confirmed: false,
        }
    }
}

impl Pane {
    /// Opens message `id` of `account` (plain text first), marking it read.
    pub fn open(&mut self, cx: &Context<'_>, account: Account, id: MessageId) -> Task<Message> {
        self.shown = Reader::Loading(id);
        Task::perform(
            backend::open(cx.places.cache.clone(), account, id, Prefer::Plain),
            move |r| Message::Opened(id, r.map(Arc::new)),
        )
    }

    /// Shows nothing.
    pub fn clear(&mut self) {
        self.shown = Reader::Empty;
    }

    /// The message shown or being opened.
    pub fn shown_id(&self) -> Option<MessageId> {
        match &self.shown {
            Reader::Loading(id) => Some(*id),
            Reader::Open(r) => Some(r.opened.id),
            Reader::Empty | Reader::Failed(_) => None,
        }
    }

    /// The open reading, if a message is shown.
    pub fn reading(&self) -> Option<&Reading> {
        match &self.shown {
            Reader::Open(r) => Some(r),
            _ => None,
        }
    }

    pub fn update(&mut self, message: Message, cx: &Context<'_>) -> (Task<Message>, Vec<Event>) {
        let mut events = Vec::new();
        let notice = |events: &mut Vec<Event>, n: Notice| events.push(Event::Notice(n));
        let failed = |e: &Error| Notice::Failed(crate::wording::app_error(e));
        let task = match message {
            Message::Opened(id, result) => {
                if matches!(self.shown, Reader::Loading(l) if l == id) {
                    return self.opened(result, cx);
                }
                Task::none()
            }
            Message::Body(action) => {
                if let Reader::Open(r) = &mut self.shown
                    && !action.is_edit()
                {
                    let click = matches!(action, text_editor::Action::Click(_));
                    r.body.perform(action);
                    // A click on a link's marker (`[1 → host]`), where it stands in the text:
                    // the link's confirmation, as from the list of links.
                    let cursor = r.body.cursor();
                    if click
                        && cursor.selection.is_none()
                        && let Some(i) = r
                            .markers
                            .link_at(cursor.position.line, cursor.position.column)
                        && self.link_url(i).is_some()
                    {
                        events.push(Event::Dialog(Some(Dialog::Link(i))));
                    }
                }
                Task::none()
            }
            Message::Link(i) => {
                // Only a link that can be opened gets a dialog; the view gives the others no
                // button, and this check holds whatever sends the message.
                if self.link_url(i).is_some() {
                    events.push(Event::Dialog(Some(Dialog::Link(i))));
                }
                Task::none()
            }
            Message::OpenLink(i) | Message::OpenOriginalLink(i) => {
                // The dialog stays until the browser has started: if it cannot, the person
                // still has the link there to copy.
                let url = if matches!(message, Message::OpenOriginalLink(_)) {
                    self.original_link_url(i)
                } else {
                    self.link_url(i)
                };
                match url {
                    Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                        Task::perform(
                            backend::open_link(url, cx.places.opener.clone()),
                            Message::LinkOpened,
                        )
                    }
                    _ => Task::none(),
                }
            }
            Message::LinkOpened(Ok(())) => {
                events.push(Event::Dialog(None));
                Task::none()
            }
            Message::LinkOpened(Err(_)) => {
                events.push(Event::BrowserFailed);
                Task::none()
            }
            Message::CopyLink(i) => {
                events.push(Event::Dialog(None));
                match self.link_url(i) {
                    Some(url) => {
                        notice(&mut events, Notice::Done("Link copied.".to_owned()));
                        iced::clipboard::write(url)
                    }
                    None => Task::none(),
                }
            }
            Message::LoadRemote => self.load_remote(cx),
            Message::OpenSettings => {
                if let Reader::Open(r) = &self.shown {
                    events.push(Event::OpenSettings(r.opened.row.account.clone()));
                }
                Task::none()
            }
            Message::AllowOnRequest => match &self.shown {
                Reader::Open(r) => Task::perform(
                    backend::allow_on_request(
                        cx.places.paths.clone(),
                        r.opened.row.account.clone(),
                    ),
                    Message::AllowedOnRequest,
                ),
                _ => Task::none(),
            },
            Message::AllowedOnRequest(Ok(account)) => {
                let proxy = account.proxy.is_some();
                if let Reader::Open(r) = &mut self.shown
                    && r.opened.row.account == account.name
                    && r.opened.cannot_load == Some(CannotLoad::Policy)
                {
                    r.opened.cannot_load = (!proxy).then_some(CannotLoad::NoProxy);
                }
                notice(
                    &mut events,
                    Notice::Done(format!(
                        "{}: images now load when you ask, through the account's proxy only.",
                        account.name
                    )),
                );
                events.push(Event::AccountChanged(account));
                Task::none()
            }
            Message::AllowedOnRequest(Err(e)) => {
                notice(&mut events, failed(&e));
                Task::none()
            }
            Message::RemoteLoaded(id, result) => {
                // Onto the message itself (not an attached message opened meanwhile; its own
                // reading is behind it and gets the result when the person goes back).
                let mut reading = match &mut self.shown {
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
                            notice(&mut events, failed(&e));
                        }
                    }
                }
                Task::none()
            }
            Message::OtherVersion => self.other_version(cx),
            Message::ShowWholeText => {
                if let Reader::Open(r) = &mut self.shown {
                    r.show_all();
                }
                Task::none()
            }
            Message::ToggleLedger => {
                if let Reader::Open(r) = &mut self.shown {
                    r.show_ledger = !r.show_ledger;
                }
                Task::none()
            }
            Message::Save(i) => {
                // A program or a disguised file is saved only after the person read why not.
                if self.reading().is_some_and(|r| save_warned(r.message(), i)) {
                    events.push(Event::Dialog(Some(Dialog::Save(i))));
                    Task::none()
                } else {
                    self.save_attachment(i, cx)
                }
            }
            Message::SaveInstead(i) => {
                events.push(Event::Dialog(None));
                self.save_attachment(i, cx)
            }
            Message::OpenAttachment(i) => {
                let (task, dialog) = self.open_attachment(i, false, cx);
                if dialog.is_some() {
                    events.push(Event::Dialog(dialog));
                }
                task
            }
            Message::OpenDocument(i) => {
                events.push(Event::Dialog(None));
                self.documents_confirmed = true;
                self.open_attachment(i, true, cx).0
            }
            Message::AttachedOpened(id, within, result) => {
                // Only onto the message (or attached message) it was opened from.
                if let Reader::Open(r) = &mut self.shown
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
                        Err(e) => notice(&mut events, failed(&e)),
                    }
                }
                Task::none()
            }
            Message::BackToMessage => {
                self.back_to_message();
                Task::none()
            }
            Message::Previewed(id, within, i, result) => {
                // Only onto the message (or attached message) it was made for.
                if let Reader::Open(r) = &mut self.shown
                    && r.opened.id == id
                    && r.opened.within == within
                {
                    r.previews
                        .push((i, result.map_err(|e| crate::wording::app_error(&e))));
                    r.previews.sort_by_key(|(i, _)| *i);
                }
                Task::none()
            }
            Message::Saved(result) => {
                notice(
                    &mut events,
                    match result {
                        Ok(path) => Notice::Done(format!("Saved as {}", path.display())),
                        Err(e) => failed(&e),
                    },
                );
                Task::none()
            }
            Message::AttachmentOpened(result) => {
                if let Err(e) = result {
                    notice(&mut events, failed(&e));
                }
                Task::none()
            }
        };
        (task, events)
    }

    fn opened(
        &mut self,
        result: Result<Arc<Opened>, Error>,
        cx: &Context<'_>,
    ) -> (Task<Message>, Vec<Event>) {
        match result {
            Ok(opened) => {
                let opened = Arc::unwrap_or_clone(opened);
                let row = opened.row.clone();
                let auto = opened.permission == quietpost_core::remote::Permission::Always
                    && opened.cannot_load.is_none();
                self.shown = Reader::Open(Box::new(Reading::new(opened)));
                let task = if auto {
                    self.load_remote(cx)
                } else {
                    Task::none()
                };
                (
                    Task::batch([task, self.previews(cx)]),
                    vec![Event::Opened(Box::new(row))],
                )
            }
            Err(e) => {
                self.shown = Reader::Failed(e);
                (Task::none(), Vec::new())
            }
        }
    }

    /// Previews of the open message's image attachments (a few at most), decoded off the
    /// window's thread.
    fn previews(&self, cx: &Context<'_>) -> Task<Message> {
        /// More pictures than this are saved or opened, not previewed.
        const AT_MOST: usize = 6;
        let Some(r) = self.reading() else {
            return Task::none();
        };
        let (id, within) = (r.opened.id, r.opened.within.clone());
        Task::batch(
            r.message()
                .attachments
                .iter()
                .enumerate()
                .filter(|(_, a)| quietpost_core::reading::previewable(a))
                .take(AT_MOST)
                .map(|(i, a)| {
                    let path = [within.as_slice(), &[i]].concat();
                    let within = within.clone();
                    Task::perform(
                        backend::preview(
                            cx.places.cache.clone(),
                            id,
                            path,
                            a.content_type.as_str().to_owned(),
                        ),
                        move |r| Message::Previewed(id, within.clone(), i, r),
                    )
                }),
        )
    }

    fn link_url(&self, i: usize) -> Option<String> {
        self.reading()?
            .message()
            .links
            .get(i)
            .filter(|l| l.activatable)
            .map(|l| l.url.as_str().to_owned())
    }

    /// The link as written, when Quietpost cleaned it and it may be opened at all.
    fn original_link_url(&self, i: usize) -> Option<String> {
        self.reading()?
            .message()
            .links
            .get(i)
            .filter(|l| l.activatable)
            .and_then(|l| l.original.as_ref())
            .map(|o| o.as_str().to_owned())
    }

    /// Renders the open message again in its other version (plain text or HTML).
    fn other_version(&mut self, cx: &Context<'_>) -> Task<Message> {
        let Reader::Open(r) = &self.shown else {
            return Task::none();
        };
        let id = r.opened.id;
        let Some(account) = cx.account(&r.opened.row.account) else {
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
                backend::open_attached(
                    cx.places.cache.clone(),
                    row,
                    path,
                    other,
                    account.documents,
                ),
                move |result| Message::AttachedOpened(id, within, result.map(Arc::new)),
            );
        }
        self.shown = Reader::Loading(id);
        Task::perform(
            backend::open(cx.places.cache.clone(), account, id, other),
            move |r| Message::Opened(id, r.map(Arc::new)),
        )
    }

    fn load_remote(&mut self, cx: &Context<'_>) -> Task<Message> {
        let Reader::Open(r) = &mut self.shown else {
            return Task::none();
        };
        if r.can_load().is_err() {
            return Task::none();
        }
        let Some(account) = cx.account(&r.opened.row.account) else {
            return Task::none();
        };
        r.remote = Remote::Loading;
        let id = r.opened.id;
        Task::perform(
            backend::load_remote(
                cx.places.cache.clone(),
                account,
                id,
                r.opened.message.clone(),
            ),
            move |result| Message::RemoteLoaded(id, result.map(Arc::new)),
        )
    }

    /// Saves attachment `i` of the message shown into the Downloads folder.
    fn save_attachment(&self, i: usize, cx: &Context<'_>) -> Task<Message> {
        // Whatever sent the message, a warned attachment is saved only through its dialog
        // (SaveInstead), which the person saw.
        let Some(r) = self.reading() else {
            return Task::none();
        };
        let Some(a) = r.message().attachments.get(i) else {
            return Task::none();
        };
        Task::perform(
            backend::save_attachment(
                cx.places.cache.clone(),
                r.opened.id,
                [r.opened.within.as_slice(), &[i]].concat(),
                a.safe_filename.as_str().to_owned(),
                cx.places.downloads.clone(),
            ),
            Message::Saved,
        )
    }

    /// Opens attachment `i` as the renderer allows: a picture or text in its viewer, a
    /// document in its viewer after the warning (once in this window; the dialog to show is
    /// returned), an attached message inside Quietpost; anything else not at all.
    fn open_attachment(
        &self,
        i: usize,
        confirmed: bool,
        cx: &Context<'_>,
    ) -> (Task<Message>, Option<Dialog>) {
        let Some(r) = self.reading() else {
            return (Task::none(), None);
        };
        let Some(a) = r.message().attachments.get(i) else {
            return (Task::none(), None);
        };
        let path = [r.opened.within.as_slice(), &[i]].concat();
        let (cache, id) = (cx.places.cache.clone(), r.opened.id);
        let task = match a.opening {
            Opening::Document if !confirmed && !self.documents_confirmed => {
                return (Task::none(), Some(Dialog::Document(i)));
            }
            Opening::Viewer | Opening::Document => Task::perform(
                backend::open_attachment(
                    cache,
                    id,
                    path,
                    a.clone(),
                    cx.places.temp.clone(),
                    cx.places.opener.clone(),
                ),
                Message::AttachmentOpened,
            ),
            Opening::Quietpost => {
                let within = path.clone();
                let documents = (cx.account(&r.opened.row.account))
                    .map_or(quietpost_model::Documents::SaveOnly, |a| a.documents);
                Task::perform(
                    backend::open_attached(
                        cache,
                        r.opened.row.clone(),
                        path,
                        Prefer::default(),
                        documents,
                    ),
                    move |result| Message::AttachedOpened(id, within, result.map(Arc::new)),
                )
            }
            Opening::SaveOnly(_) => Task::none(),
        };
        (task, None)
    }

    /// An account's settings changed: what the message shown can load follows them (its policy,
    /// its proxy).
    pub fn account_changed(&mut self, account: &Account) {
        use quietpost_core::remote::{self, Permission};
        if let Reader::Open(r) = &mut self.shown
            && r.opened.row.account == account.name
            && r.opened.cannot_load != Some(CannotLoad::Attached)
        {
            let permission = remote::permission(account, &r.opened.message);
            r.opened.permission = permission;
            r.opened.cannot_load = if permission == Permission::Blocked {
                Some(CannotLoad::Policy)
            } else if remote::route(account, None).is_none() {
                Some(CannotLoad::NoProxy)
            } else {
                None
            };
        }
    }

    /// From an attached message back to the message it came in; false when the pane shows no
    /// attached message.
    pub fn back_to_message(&mut self) -> bool {
        if let Reader::Open(r) = &mut self.shown
            && let Some(back) = r.back.take()
        {
            *r = back;
            return true;
        }
        false
    }
}
