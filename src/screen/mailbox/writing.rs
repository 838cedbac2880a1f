//! Writing in the mailbox: opening the composer (new, reply, reply to all, forward, a draft
//! continued, what was kept when the window last closed), routing its messages and events,
//! and the outbox view (what waits, why, and the person's choices).

use super::composer::{self, Composer};
use super::{Event, Mailbox, Message, Notice, Role};
use crate::backend::{self, Answer, OutboxAct};
use iced::Task;
use quietpost_core::compose;
use quietpost_model::{Account, Unsent, Writing};
use std::sync::Arc;

/// What the person asked to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    New,
    Reply,
    ReplyAll,
    Forward,
    /// The selected draft of a Drafts folder, continued.
    Draft,
}

impl Mailbox {
    pub fn composer(&self) -> Option<&Composer> {
        self.composer.as_deref()
    }

    /// The outbox view's messages, when it is shown.
    pub fn outbox(&self) -> Option<&[quietpost_model::Outgoing]> {
        self.outbox.as_deref().map(Vec::as_slice)
    }

    /// How many messages wait in the outbox (as last read).
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    /// What was being written when the window last closed, not opened again yet.
    pub fn kept(&self) -> usize {
        self.kept.len()
    }

    /// The account new mail is written from: the selected message's, else the folder's, else
    /// the first.
    fn writing_account(&self) -> Option<Account> {
        let name = self.selected().map(|r| r.account.clone()).or_else(|| {
            self.folder
                .and_then(|i| self.folders.get(i))
                .map(|f| f.account.clone())
        });
        name.and_then(|n| self.account(&n).cloned())
            .or_else(|| self.accounts.first().cloned())
    }

    /// Whether the selected message is a draft of a Drafts folder.
    pub fn selected_is_draft(&self) -> bool {
        self.selected().is_some_and(|r| {
            self.folders.iter().any(|f| {
                f.account == r.account && f.name == r.folder && f.role == Some(Role::Drafts)
            })
        })
    }

    /// Opens the composer; `slot`: what it holds is kept in the cache only (continued after
    /// the window died, or taken out of the outbox), so discarding anything would lose it.
    fn open_composer(
        &mut self,
        account: Account,
        fields: Unsent,
        files: Vec<Arc<compose::File>>,
        notes: Vec<String>,
        slot: Option<i64>,
    ) -> Task<Message> {
        let (c, task) = Composer::new(
            self.places.cache.clone(),
            account,
            (fields, files),
            notes,
            slot,
            slot.is_none(),
            self.places.opener.uses_desktop_chooser(),
        );
        self.composer = Some(Box::new(c));
        self.outbox = None;
        self.folders_open = false;
        task.map(Message::Composer)
    }

    /// Starts writing what the person asked for.
    pub(super) fn write(&mut self, what: Write) -> Task<Message> {
        if self.composer.is_some() {
            self.notice = Some(Notice::Failed(
                "A message is already being written: send it, save it as a draft or discard it first."
                    .to_owned(),
            ));
            return Task::none();
        }
        let Some(account) = self.writing_account() else {
            return Task::none();
        };
        let selected = self.selected().filter(|r| !r.pending).map(|r| r.id);
        let cache = self.places.cache.clone();
        match (what, selected) {
            (Write::New, _) => {
                let body = compose::signed("", account.signature.as_deref());
                let fields = Unsent {
                    account: account.name.clone(),
                    body,
                    ..Unsent::default()
                };
                self.open_composer(account, fields, Vec::new(), Vec::new(), None)
            }
            (Write::Draft, Some(id)) if self.selected_is_draft() => {
                Task::perform(backend::resume(cache, account.clone(), id), move |r| {
                    Message::Resumed(id, r.map(Arc::new))
                })
            }
            (Write::Reply | Write::ReplyAll | Write::Forward, Some(id)) => {
                let answer = match what {
                    Write::Forward => Answer::Forward,
                    all => Answer::Reply {
                        all: all == Write::ReplyAll,
                    },
                };
                Task::perform(backend::answer(cache, account, id, answer), move |r| {
                    Message::Answered(id, answer, r.map(Arc::new))
                })
            }
            _ => {
                self.notice = Some(Notice::Failed(
                    "Select a message first: this answers the message shown.".to_owned(),
                ));
                Task::none()
            }
        }
    }

    /// Starts writing to a `mailto:` link: its To, Cc, subject and text only; what else it
    /// asked for is said and ignored.
    pub fn write_to(&mut self, url: &str) -> Task<Message> {
        self.set_dialog(None);
        if self.composer.is_some() {
            return self.write(Write::New);
        }
        let Some(account) = self.writing_account() else {
            return Task::none();
        };
        let Some(link) = compose::parse_mailto(url) else {
            self.notice = Some(Notice::Failed("This is not a mailto: link.".to_owned()));
            return Task::none();
        };
        let mut notes = Vec::new();
        if !link.ignored.is_empty() {
            notes.push(format!(
                "The link also asked for {}: ignored — a link can only fill in the recipients, the subject and the text.",
                link.ignored.join(", ")
            ));
        }
        let fields = Unsent {
            account: account.name.clone(),
            to: link.to.join(", "),
            cc: link.cc.join(", "),
            subject: link.subject.unwrap_or_default(),
            body: compose::signed(&link.body.unwrap_or_default(), account.signature.as_deref()),
            ..Unsent::default()
        };
        self.open_composer(account, fields, Vec::new(), notes, None)
    }

    /// Routes the writing side's messages (see `Message`).
    pub(super) fn writing(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        let task = match message {
            Message::Write(what) => self.write(what),
            Message::Mailto(url) => self.write_to(&url),
            Message::Answered(id, answer, Ok(ready)) => {
                let Some(account) = self.writing_account() else {
                    return (Task::none(), None);
                };
                let (draft, notes) = Arc::unwrap_or_clone(ready);
                let writing = match answer {
                    Answer::Forward => Writing::Forward { of: id },
                    Answer::Reply { .. } => Writing::Reply { to: id },
                };
                let fields = backend::unsent_of(&account.name, &draft, writing);
                let files = draft.attachments.into_iter().map(Arc::new).collect();
                self.open_composer(account, fields, files, notes, None)
            }
            Message::Resumed(id, Ok(resumed)) => {
                let Some(account) = self.writing_account() else {
                    return (Task::none(), None);
                };
                let r = Arc::unwrap_or_clone(resumed);
                let fields = backend::unsent_of(&account.name, &r.draft, Writing::Draft { id });
                let files = r.draft.attachments.into_iter().map(Arc::new).collect();
                self.open_composer(account, fields, files, r.notes, None)
            }
            Message::Answered(_, _, Err(e)) | Message::Resumed(_, Err(e)) => self.fail(e),
            Message::KeptFound(Ok(kept)) => {
                self.kept = kept;
                Task::none()
            }
            Message::KeptFound(Err(e)) => self.fail(e),
            Message::ContinueKept => {
                if self.composer.is_some() || self.kept.is_empty() {
                    return (Task::none(), None);
                }
                let (slot, fields, files) = self.kept.remove(0);
                match self.account(&fields.account).cloned() {
                    Some(account) => {
                        self.open_composer(account, fields, files, Vec::new(), Some(slot))
                    }
                    None => {
                        self.notice = Some(Notice::Failed(format!(
                            "The message kept was being written from {}, which is no longer configured.",
                            fields.account
                        )));
                        Task::none()
                    }
                }
            }
            Message::Composer(m) => {
                let Some(c) = self.composer.as_mut() else {
                    return (Task::none(), None);
                };
                let (task, events) = c.update(m, &self.places.cache, self.demo);
                let mut event = None;
                for e in events {
                    match e {
                        composer::Event::Closed => {
                            self.composer = None;
                            self.set_dialog(None);
                        }
                        composer::Event::Notice(n) => self.notice = Some(n),
                        composer::Event::Dialog(d) => self.set_dialog(d),
                        composer::Event::Queued(account) => {
                            self.waiting += 1;
                            if !self.demo {
                                self.set_sync_words(&account, "sending…");
                                event = Some(Event::Changed);
                            }
                        }
                        composer::Event::Saved(_) => {
                            if !self.demo {
                                event = Some(Event::Changed);
                            }
                        }
                    }
                }
                let task = Task::batch([task.map(Message::Composer), self.refresh()]);
                return (task, event);
            }
            Message::DiscardConfirmed => {
                self.set_dialog(None);
                if let Some(c) = self.composer.as_mut() {
                    let (task, _) = c.discard(&self.places.cache);
                    self.composer = None;
                    self.notice = Some(Notice::Done("Discarded.".to_owned()));
                    return (task.map(Message::Composer), None);
                }
                Task::none()
            }
            Message::ShowOutbox => {
                self.outbox = Some(Arc::new(Vec::new()));
                self.folders_open = false;
                self.load_outbox()
            }
            Message::CloseOutbox => {
                self.outbox = None;
                Task::none()
            }
            Message::OutboxLoaded(Ok(items)) => {
                self.waiting = items.len();
                if self.outbox.is_some() {
                    self.outbox = Some(items);
                }
                Task::none()
            }
            Message::OutboxLoaded(Err(e)) => self.fail(e),
            Message::Outbox(id, act) => Task::perform(
                backend::outbox_act(self.places.cache.clone(), id, act),
                move |r| Message::OutboxActed(act, r),
            ),
            Message::OutboxActed(act, Ok(())) => {
                self.notice = Some(Notice::Done(
                    match act {
                        OutboxAct::Retry if self.demo => {
                            "Waiting to be sent — the demo never sends anything."
                        }
                        OutboxAct::Retry => "Sending again…",
                        OutboxAct::MarkSent => {
                            "Marked sent: it is filed in Sent and never sent again."
                        }
                        OutboxAct::Discard => "Removed from the outbox.",
                    }
                    .to_owned(),
                ));
                let load = self.load_outbox();
                if act == OutboxAct::Retry && !self.demo {
                    return (load, Some(Event::Changed));
                }
                load
            }
            Message::OutboxActed(_, Err(e)) => {
                let t = self.fail(e);
                Task::batch([t, self.load_outbox()])
            }
            Message::EditOutgoing(id) => {
                let account = self
                    .outbox
                    .as_ref()
                    .and_then(|o| o.iter().find(|m| m.id == id))
                    .and_then(|m| self.account(&m.account).cloned());
                match account {
                    Some(account) if self.composer.is_none() => Task::perform(
                        backend::edit_outgoing(self.places.cache.clone(), account, id),
                        |r| Message::Editing(r.map(Arc::new)),
                    ),
                    _ => Task::none(),
                }
            }
            Message::Editing(Ok(editing)) => {
                let (slot, fields, files) = Arc::unwrap_or_clone(editing);
                self.waiting = self.waiting.saturating_sub(1);
                match self.account(&fields.account).cloned() {
                    Some(account) => {
                        self.open_composer(account, fields, files, Vec::new(), Some(slot))
                    }
                    None => Task::none(),
                }
            }
            Message::Editing(Err(e)) => self.fail(e),
            _ => Task::none(),
        };
        (task, None)
    }

    pub(super) fn load_outbox(&self) -> Task<Message> {
        Task::perform(
            backend::outbox_list(self.places.cache.clone()),
            Message::OutboxLoaded,
        )
    }

    /// What was being written when the window last closed (asked once, at the start).
    pub(super) fn find_kept(&self) -> Task<Message> {
        Task::perform(backend::kept(self.places.cache.clone()), Message::KeptFound)
    }

    fn set_sync_words(&mut self, account: &str, words: &str) {
        let health = self
            .sync_of(account)
            .map_or(super::Health::Fine, |(h, _)| h);
        self.set_sync(account, health, words.to_owned());
    }

    /// Esc, Ctrl+Enter and Ctrl+S while the composer is open; every other key is its fields'.
    pub(super) fn composer_shortcut(
        &mut self,
        s: crate::keys::Shortcut,
    ) -> (Task<Message>, Option<Event>) {
        use crate::keys::Shortcut;
        let m = match s {
            Shortcut::Close => composer::Message::Discard,
            Shortcut::Send => composer::Message::Send,
            Shortcut::SaveDraft => composer::Message::SaveDraft,
            Shortcut::Attach => composer::Message::Attach,
            Shortcut::Quit => return (self.keep_now(), Some(Event::Quit)),
            _ => return (Task::none(), None),
        };
        self.writing(Message::Composer(m))
    }

    /// What the composer holds, kept now (before the window closes).
    pub fn keep_now(&mut self) -> Task<Message> {
        match self.composer.as_mut() {
            Some(c) if c.would_lose() => {
                let (task, _) = c.update(
                    composer::Message::Tick(std::time::Instant::now() + composer::KEEP_AFTER * 2),
                    &self.places.cache,
                    self.demo,
                );
                task.map(Message::Composer)
            }
            _ => Task::none(),
        }
    }
}

/// The discard question.
pub fn discard_dialog<'a>() -> iced::Element<'a, Message> {
    use crate::theme;
    use iced::widget::{button, column, row, text};
    column![
        text("Discard this message?").size(18).font(theme::BOLD),
        text("What you wrote is not kept anywhere once it is discarded: not in Drafts, not on this computer."),
        row![
            button(text("Keep writing")).on_press(Message::CloseDialog),
            button(text("Discard message"))
                .style(button::danger)
                .on_press(Message::DiscardConfirmed),
        ]
        .spacing(8),
    ]
    .spacing(8)
    .into()
}
