//! The composer as a component: a message being written (new, reply, reply to all, forward,
//! a draft continued, an outbox message changed), with its own messages and `update`, and the
//! events it hands the mailbox (closed, a notice, a dialog, queued for sending).
//!
//! It takes the place of the list and the reader (see ARCHITECTURE.md for why a pane, not a
//! window). What is typed is kept in the cache a second after the last change, so a crash
//! loses nothing; the kept copy goes once the message is in the outbox, saved as a draft or
//! discarded. Every field keeps its place in the widget tree whatever appears around it (a
//! problem, suggestions, the reveal panel), so the field being typed in keeps the keyboard.

pub mod picker;
mod view;

pub use picker::Picker;

use super::{Dialog, Notice};
use crate::backend::{self, Error, Prepared};
use iced::Task;
use iced::widget::text_editor;
use quietpost_core::compose::{self, Attached, Draft, File};
use quietpost_model::{Account, Unsent, Writing};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long after the last change what is typed is kept.
pub const KEEP_AFTER: Duration = Duration::from_secs(1);
/// The first field the composer focuses: To for a new message, the text for a reply.
pub const TO_ID: &str = "composer-to";
pub const BODY_ID: &str = "composer-body";
/// Suggestions shown under an address field.
const SUGGESTIONS: usize = 5;

/// An address field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    To,
    Cc,
    Bcc,
}

/// A file attached, with what will happen to it.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file: Arc<File>,
    pub check: Attached,
}

/// The reveal panel: what the message reveals, and whether it stands between Send and the
/// outbox (shown before the first message from an account, or when something is new).
#[derive(Debug, Clone)]
pub struct Reveal {
    pub prepared: Arc<Prepared>,
    /// Shown because Send was pressed: its own button sends.
    pub before_sending: bool,
}

pub struct Composer {
    /// The account it is sent from (its identity is the From line).
    pub account: Account,
    /// The fields as typed (the text is in `body`).
    pub fields: Unsent,
    pub body: text_editor::Content,
    pub attachments: Vec<Attachment>,
    /// Where the reply goes and why, what was left out (from core's reply).
    pub notes: Vec<String>,
    /// Why the last Send or Save did not go ahead.
    pub problem: Option<String>,
    pub reveal: Option<Reveal>,
    /// The file picker (the fallback: no desktop portal in use).
    pub picker: Option<Picker>,
    /// The address field typed in last, for its suggestions.
    pub field: Option<Field>,
    contacts: Arc<Vec<String>>,
    /// Its slot in the cache, once kept.
    pub slot: Option<i64>,
    /// Changed since last kept: kept at `keep_at`.
    keep_at: Option<Instant>,
    /// What it held when opened, when that is kept elsewhere too (a new message's empty
    /// fields, a reply as prefilled, a draft in Drafts): Discard asks only when something
    /// would be lost. None: what it holds exists nowhere else (continued after a crash, taken
    /// out of the outbox), so discarding anything loses it.
    initial: Option<(Unsent, usize)>,
    /// Sending or saving is under way: the buttons wait.
    pub busy: bool,
    /// Files are chosen with the desktop's chooser (until it turns out there is none).
    desktop_chooser: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Address(Field, String),
    Subject(String),
    Body(text_editor::Action),
    /// A suggestion chosen for a field.
    Complete(Field, String),
    Contacts(Result<Arc<Vec<String>>, Error>),
    Attach,
    /// What the desktop's file chooser gave.
    Chosen(crate::system::Chosen),
    Picker(picker::Message),
    Attached(Result<Vec<(Arc<File>, Attached)>, Error>),
    Remove(usize),
    /// The reveal panel, from its button.
    Reveal,
    Prepared(bool, Result<Arc<Prepared>, Error>),
    CloseReveal,
    Send,
    /// From the reveal panel shown before sending: it was read.
    SendRead,
    Queued(Result<i64, Error>),
    SaveDraft,
    DraftSaved(Result<String, Error>),
    Discard,
    Kept(Result<i64, Error>),
    /// Time passes while something typed is not kept yet.
    Tick(Instant),
}

/// What the composer asks of the mailbox.
#[derive(Debug, Clone)]
pub enum Event {
    /// Done with (sent to the outbox, saved, discarded): close it.
    Closed,
    Notice(Notice),
    Dialog(Option<Dialog>),
    /// In the outbox, for this account's sync to send.
    Queued(String),
    /// Saved in Drafts on the server: sync the account.
    Saved(String),
}

impl Composer {
    /// A composer from `account` with `fields` (its text is `fields.body`) and `files`;
    /// `elsewhere`: what it starts with is kept elsewhere too (see `initial`).
    pub fn new(
        cache: PathBuf,
        account: Account,
        (fields, files): (Unsent, Vec<Arc<File>>),
        notes: Vec<String>,
        slot: Option<i64>,
        elsewhere: bool,
        desktop_chooser: bool,
    ) -> (Composer, Task<Message>) {
        let attachments: Vec<Attachment> = files
            .into_iter()
            .enumerate()
            .map(|(i, file)| Attachment {
                check: compose::check(&file, i),
                file,
            })
            .collect();
        let c = Composer {
            body: text_editor::Content::with_text(&fields.body),
            initial: elsewhere.then(|| (fields.clone(), attachments.len())),
            account,
            fields,
            attachments,
            notes,
            problem: None,
            reveal: None,
            picker: None,
            field: None,
            contacts: Arc::new(Vec::new()),
            slot,
            keep_at: None,
            busy: false,
            desktop_chooser,
        };
        let name = c.account.name.clone();
        let first = if c.fields.to.is_empty() {
            TO_ID
        } else {
            BODY_ID
        };
        (
            c,
            Task::batch([
                Task::perform(backend::contacts(cache, name), Message::Contacts),
                iced::widget::operation::focus(first),
            ]),
        )
    }

    /// What is typed, as the cache keeps it.
    pub fn unsent(&self) -> Unsent {
        Unsent {
            body: self.body.text(),
            ..self.fields.clone()
        }
    }

    /// Whether closing it now would lose something typed or attached.
    pub fn would_lose(&self) -> bool {
        let now = self.unsent();
        let Some((was, files)) = &self.initial else {
            return !(now.to.trim().is_empty()
                && now.cc.trim().is_empty()
                && now.bcc.trim().is_empty()
                && now.subject.trim().is_empty()
                && now.body.trim().is_empty()
                && self.attachments.is_empty());
        };
        now.to != was.to
            || now.cc != was.cc
            || now.bcc != was.bcc
            || now.subject != was.subject
            || now.body.trim_end() != was.body.trim_end()
            || self.attachments.len() != *files
    }

    /// Waiting to keep what was typed (the mailbox ticks while it is).
    pub fn keeping(&self) -> bool {
        self.keep_at.is_some()
    }

    /// The suggestions for the field typed in last: addresses already known that start with
    /// (or whose name has a word starting with) what is typed after its last comma.
    pub fn suggestions(&self) -> Vec<&str> {
        let Some(field) = self.field else {
            return Vec::new();
        };
        let typed = self.address(field);
        let last = typed.rsplit([',', ';']).next().unwrap_or("").trim();
        if last.chars().count() < 2 {
            return Vec::new();
        }
        let last = last.to_lowercase();
        let already: Vec<String> = compose::split_addresses(typed)
            .iter()
            .filter_map(|a| compose::address_of(a))
            .map(|a| a.to_lowercase())
            .collect();
        self.contacts
            .iter()
            .filter(|c| {
                let lower = c.to_lowercase();
                lower.starts_with(&last)
                    || lower
                        .split(|ch: char| !ch.is_alphanumeric() && ch != '.' && ch != '-')
                        .any(|w| w.starts_with(&last))
            })
            .filter(|c| compose::address_of(c).is_none_or(|a| !already.contains(&a.to_lowercase())))
            .take(SUGGESTIONS)
            .map(String::as_str)
            .collect()
    }

    pub fn address(&self, field: Field) -> &str {
        match field {
            Field::To => &self.fields.to,
            Field::Cc => &self.fields.cc,
            Field::Bcc => &self.fields.bcc,
        }
    }

    fn address_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::To => &mut self.fields.to,
            Field::Cc => &mut self.fields.cc,
            Field::Bcc => &mut self.fields.bcc,
        }
    }

    /// The message as it would be sent, or what is wrong with the addresses.
    fn draft(&self, sending: bool) -> Result<Draft, String> {
        let mut bad = Vec::new();
        let mut field = |name: &str, typed: &str| match compose::addresses(typed) {
            Ok(list) => list,
            Err(wrong) => {
                bad.push(format!("{name}: {}", wrong.join(", ")));
                Vec::new()
            }
        };
        let to = field("To", &self.fields.to);
        let cc = field("Cc", &self.fields.cc);
        let bcc = field("Bcc", &self.fields.bcc);
        if !bad.is_empty() {
            return Err(format!(
                "Not an email address — {}. Check what is typed there.",
                bad.join("; ")
            ));
        }
        if sending && to.is_empty() && cc.is_empty() && bcc.is_empty() {
            return Err("Who is it for? Type an address in To.".to_owned());
        }
        Ok(Draft {
            from: compose::identity(&self.account),
            to,
            cc,
            bcc,
            subject: self.fields.subject.clone(),
            body: self.body.text(),
            attachments: self
                .attachments
                .iter()
                .map(|a| File::clone(&a.file))
                .collect(),
            in_reply_to: self.fields.in_reply_to.clone(),
            references: self.fields.references.clone(),
            read_receipt: self.fields.read_receipt,
        })
    }

    fn changed(&mut self) {
        self.keep_at = Some(Instant::now() + KEEP_AFTER);
        self.problem = None;
    }

    /// Keeps what is typed now (with the files when they changed).
    fn keep(&mut self, cache: &std::path::Path, files: bool) -> Task<Message> {
        self.keep_at = None;
        let files = files.then(|| self.attachments.iter().map(|a| a.file.clone()).collect());
        Task::perform(
            backend::keep(cache.to_owned(), self.slot, self.unsent(), files),
            Message::Kept,
        )
    }

    pub fn update(
        &mut self,
        message: Message,
        cache: &std::path::Path,
        demo: bool,
    ) -> (Task<Message>, Vec<Event>) {
        let mut events = Vec::new();
        let task = match message {
            Message::Address(field, typed) => {
                *self.address_mut(field) = typed.replace(['\r', '\n'], " ");
                self.field = Some(field);
                self.changed();
                Task::none()
            }
            Message::Subject(typed) => {
                self.fields.subject = typed.replace(['\r', '\n'], " ");
                self.field = None;
                self.changed();
                Task::none()
            }
            Message::Body(action) => {
                let edits = action.is_edit();
                self.body.perform(action);
                if edits {
                    self.field = None;
                    self.changed();
                }
                Task::none()
            }
            Message::Complete(field, chosen) => {
                let typed = self.address(field).to_owned();
                let kept = match typed.rfind([',', ';']) {
                    Some(i) => format!("{}, ", typed[..i].trim_end()),
                    None => String::new(),
                };
                *self.address_mut(field) = format!("{kept}{chosen}, ");
                self.field = None;
                self.changed();
                iced::widget::operation::focus(match field {
                    Field::To => TO_ID,
                    Field::Cc => view::CC_ID,
                    Field::Bcc => view::BCC_ID,
                })
            }
            Message::Contacts(Ok(contacts)) => {
                self.contacts = contacts;
                Task::none()
            }
            Message::Contacts(Err(e)) => {
                // Completion is a help, not a need: the composer works without it.
                tracing::warn!("no address completion: {}", crate::wording::app_error(&e));
                Task::none()
            }
            Message::Attach if self.desktop_chooser => Task::perform(
                async { crate::system::choose_files("Attach files").await },
                Message::Chosen,
            ),
            Message::Attach | Message::Chosen(crate::system::Chosen::Unavailable(_)) => {
                if let Message::Chosen(crate::system::Chosen::Unavailable(why)) = &message {
                    // No desktop chooser: the window's own, from now on.
                    tracing::info!("no desktop file chooser ({why}): the window's own is used");
                    self.desktop_chooser = false;
                }
                self.picker = Some(Picker::at_home());
                iced::widget::operation::focus(picker::PATH_ID)
            }
            Message::Chosen(crate::system::Chosen::Cancelled) => Task::none(),
            Message::Chosen(crate::system::Chosen::Files(paths)) => {
                Task::perform(backend::read_files(paths), Message::Attached)
            }
            Message::Picker(m) => match self.picker.as_mut().map(|p| p.update(m)) {
                Some(picker::Outcome::Chosen(path)) => {
                    self.picker = None;
                    Task::perform(backend::read_files(vec![path]), Message::Attached)
                }
                Some(picker::Outcome::Cancelled) => {
                    self.picker = None;
                    Task::none()
                }
                Some(picker::Outcome::Task(t)) => t.map(Message::Picker),
                None => Task::none(),
            },
            Message::Attached(Ok(files)) => {
                for (file, _) in files {
                    let check = compose::check(&file, self.attachments.len());
                    self.attachments.push(Attachment { file, check });
                }
                self.changed();
                self.keep(cache, true)
            }
            Message::Attached(Err(e)) => {
                self.problem = Some(crate::wording::app_error(&e));
                Task::none()
            }
            Message::Remove(i) => {
                if i < self.attachments.len() {
                    self.attachments.remove(i);
                    // The names of the others do not change (each keeps its own), but their
                    // numbers for nameless files do.
                    for (n, a) in self.attachments.iter_mut().enumerate() {
                        a.check = compose::check(&a.file, n);
                    }
                    self.changed();
                    return (self.keep(cache, true), events);
                }
                Task::none()
            }
            Message::Reveal => {
                if self.reveal.take().is_some() {
                    return (Task::none(), events);
                }
                self.prepare(cache, false)
            }
            Message::Prepared(sending, Ok(prepared)) => {
                if sending && !prepared.new {
                    // Nothing new to read: it goes.
                    return self.queue(cache, None);
                }
                self.busy = false;
                self.reveal = Some(Reveal {
                    prepared,
                    before_sending: sending,
                });
                Task::none()
            }
            Message::Prepared(_, Err(e)) => {
                self.busy = false;
                self.problem = Some(crate::wording::app_error(&e));
                Task::none()
            }
            Message::CloseReveal => {
                self.reveal = None;
                Task::none()
            }
            Message::Send => {
                if self.busy || self.picker.is_some() {
                    return (Task::none(), events);
                }
                self.prepare(cache, true)
            }
            Message::SendRead => {
                let seen = self.reveal.take().map(|r| r.prepared.reveal.clone());
                return self.queue(cache, seen);
            }
            Message::Queued(Ok(_)) => {
                self.busy = false;
                self.slot = None;
                self.keep_at = None;
                events.push(Event::Queued(self.account.name.clone()));
                events.push(Event::Notice(Notice::Done(if demo {
                    "In the outbox. The demo never sends anything: it stays there.".to_owned()
                } else {
                    "Sending…".to_owned()
                })));
                events.push(Event::Closed);
                Task::none()
            }
            Message::Queued(Err(e)) => {
                self.busy = false;
                self.problem = Some(format!(
                    "{} Nothing was sent; the message is still here.",
                    crate::wording::app_error(&e)
                ));
                Task::none()
            }
            Message::SaveDraft => {
                if self.busy {
                    return (Task::none(), events);
                }
                match self.draft(false) {
                    Err(why) => {
                        self.problem = Some(why);
                        Task::none()
                    }
                    Ok(draft) => {
                        self.busy = true;
                        Task::perform(
                            backend::save_draft(
                                cache.to_owned(),
                                self.account.clone(),
                                draft,
                                self.slot,
                                self.fields.writing,
                                demo,
                            ),
                            Message::DraftSaved,
                        )
                    }
                }
            }
            Message::DraftSaved(Ok(folder)) => {
                self.busy = false;
                self.slot = None;
                self.keep_at = None;
                events.push(Event::Saved(self.account.name.clone()));
                events.push(Event::Notice(Notice::Done(format!(
                    "Saved in {}. Open it there to go on writing.",
                    quietpost_core::folders::decoded(&folder)
                ))));
                events.push(Event::Closed);
                Task::none()
            }
            Message::DraftSaved(Err(e)) => {
                self.busy = false;
                self.problem = Some(format!(
                    "The draft was not saved: {} What you wrote is still here.",
                    crate::wording::app_error(&e)
                ));
                Task::none()
            }
            Message::Discard => {
                if self.would_lose() {
                    events.push(Event::Dialog(Some(Dialog::Discard)));
                    Task::none()
                } else {
                    return self.discard(cache);
                }
            }
            Message::Kept(Ok(slot)) => {
                // A slot forgotten meanwhile (sent, saved) is not brought back.
                if !self.busy {
                    self.slot = Some(slot);
                }
                Task::none()
            }
            Message::Kept(Err(e)) => {
                events.push(Event::Notice(Notice::Failed(format!(
                    "What you are writing could not be kept on disk ({}); it is still here.",
                    crate::wording::app_error(&e)
                ))));
                Task::none()
            }
            Message::Tick(now) => match self.keep_at {
                Some(at) if now >= at && !self.busy => self.keep(cache, false),
                _ => Task::none(),
            },
        };
        (task, events)
    }

    /// Closes without sending: what was kept of it goes too.
    pub fn discard(&mut self, cache: &std::path::Path) -> (Task<Message>, Vec<Event>) {
        self.keep_at = None;
        let slot = self.slot.take();
        (
            Task::perform(backend::forget(cache.to_owned(), slot), |r| {
                Message::Kept(r.map(|()| 0))
            })
            .discard(),
            vec![Event::Closed],
        )
    }

    /// Builds the message to say what it reveals (and, `sending`, then send it).
    fn prepare(&mut self, cache: &std::path::Path, sending: bool) -> Task<Message> {
        match self.draft(sending) {
            Err(why) => {
                self.problem = Some(why);
                Task::none()
            }
            Ok(draft) => {
                self.busy = sending;
                Task::perform(
                    backend::prepare(cache.to_owned(), self.account.clone(), draft),
                    move |r| Message::Prepared(sending, r.map(Arc::new)),
                )
            }
        }
    }

    fn queue(
        &mut self,
        cache: &std::path::Path,
        seen: Option<quietpost_core::compose::Reveal>,
    ) -> (Task<Message>, Vec<Event>) {
        match self.draft(true) {
            Err(why) => {
                self.busy = false;
                self.problem = Some(why);
                (Task::none(), Vec::new())
            }
            Ok(draft) => {
                self.busy = true;
                (
                    Task::perform(
                        backend::queue(
                            cache.to_owned(),
                            self.account.clone(),
                            draft,
                            seen,
                            self.slot,
                            self.fields.writing,
                        ),
                        Message::Queued,
                    ),
                    Vec::new(),
                )
            }
        }
    }
}

/// For the body's editor: Ctrl+Enter (send) and Ctrl+S (save) are the window's, not text.
pub fn body_keys(key_press: text_editor::KeyPress) -> Option<text_editor::Binding<Message>> {
    let ctrl = key_press.modifiers.command() || key_press.modifiers.control();
    if ctrl {
        match key_press.key.as_ref() {
            iced::keyboard::Key::Named(iced::keyboard::key::Named::Enter) => return None,
            _ if key_press.key.to_latin(key_press.physical_key) == Some('s') => return None,
            _ => {}
        }
    }
    text_editor::Binding::from_key_press(key_press)
}

/// The fields of a reply, a forward or a new message: core's draft, as the composer holds it.
pub fn fields_of(account: &Account, draft: &Draft, writing: Writing) -> Unsent {
    backend::unsent_of(&account.name, draft, writing)
}
