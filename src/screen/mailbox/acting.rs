//! What the person does to the mailbox from the keyboard and the action bar: the shortcuts,
//! moving between panes and folders, and the actions on the selected message (star, read,
//! archive, delete, move), which change the list at once and reach the server after Undo's
//! time.

use super::{
    Act, Dialog, Event, LIST_ID, Mailbox, Message, Notice, PENDING, Pane, Reader, SEARCH_ID, Write,
    backend, reader,
};
use crate::keys::Shortcut;
use iced::Task;
use iced::widget::operation::focus;
use quietpost_core::sync::Verb;
use quietpost_model::{Flags, Role};
use std::sync::Arc;

impl Mailbox {
    /// Moves the keyboard to the next (or previous) pane, skipping the folders while they
    /// are folded away: the text of a message takes the keyboard (arrows scroll and select),
    /// the other panes leave it to the shortcuts.
    pub(super) fn move_focus(&mut self, forward: bool) -> Task<Message> {
        let order = [Pane::Folders, Pane::List, Pane::Reader];
        let i = order.iter().position(|p| *p == self.focus).unwrap_or(1);
        let next = if forward { (i + 1) % 3 } else { (i + 2) % 3 };
        self.focus = order[next];
        self.focus_shown = true;
        match self.focus {
            Pane::Reader if matches!(self.reader(), Reader::Open(_)) => focus(reader::BODY_ID),
            // Nothing focusable has this id: whatever had the keyboard lets it go.
            _ => focus(LIST_ID),
        }
    }

    /// The next or previous folder, for the keyboard in the folder pane.
    pub(super) fn step_folder(&mut self, forward: bool) -> Task<Message> {
        let n = self.folders.len();
        if n == 0 {
            return Task::none();
        }
        let i = match (self.folder, forward) {
            (Some(i), true) => (i + 1).min(n - 1),
            (Some(i), false) => i.saturating_sub(1),
            (None, _) => 0,
        };
        if Some(i) == self.folder && self.results.is_none() {
            return Task::none();
        }
        let (task, _) = self.update(Message::SelectFolder(i));
        task
    }

    pub(super) fn act(&mut self, act: Act) -> (Task<Message>, Option<Event>) {
        let Some(i) = self.selected.filter(|&i| i < self.rows.len()) else {
            return (Task::none(), None);
        };
        if self.rows[i].pending {
            // Its move is not on the server yet: a second action now could land it in the
            // wrong place. Undo (while it lasts) takes the move back.
            self.notice = Some(Notice::Failed(PENDING.to_owned()));
            return (Task::none(), None);
        }
        // The message's own folder (search results mix folders).
        let in_trash = {
            let row = &self.rows[i];
            self.folders.iter().any(|f| {
                f.account == row.account && f.name == row.folder && f.role == Some(Role::Trash)
            })
        };
        if act == Act::Delete && in_trash {
            // Nothing comes back from there: asked first.
            self.set_dialog(Some(Dialog::DeleteForGood));
            return (Task::none(), None);
        }
        if act == Act::DeleteForGood {
            self.set_dialog(None);
        }
        let row = &self.rows[i];
        let id = row.id;
        let flags = row.summary.flags;
        let done = match &act {
            Act::DeleteForGood | Act::Delete if in_trash => "Deleted for good.".to_owned(),
            Act::Delete | Act::DeleteForGood => "Moved to Trash.".to_owned(),
            Act::Archive => "Archived.".to_owned(),
            Act::Move(to) => format!(
                "Moved to {}.",
                self.folders
                    .iter()
                    .find(|f| f.account == row.account && &f.name == to)
                    .map_or(to.as_str(), |f| f.label.as_str())
            ),
            Act::ToggleStar if flags.contains(Flags::FLAGGED) => "Star removed.".to_owned(),
            Act::ToggleStar => "Starred.".to_owned(),
            Act::ToggleRead if flags.contains(Flags::SEEN) => "Marked unread.".to_owned(),
            Act::ToggleRead => "Marked read.".to_owned(),
        };
        let verb = match act {
            Act::Move(to) => Verb::Move(to),
            Act::Delete | Act::DeleteForGood => Verb::Delete,
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
                self.reader.clear();
                self.selected = None;
                if i < self.rows.len() {
                    next = self.select(i);
                } else if i > 0 {
                    next = self.select(i - 1);
                }
            }
        }
        self.notice = Some(Notice::Done(done));
        let task = Task::perform(
            backend::act(self.places.cache.clone(), id, verb),
            Message::Acted,
        );
        // Synced when the time to undo it is over (Tick), not now.
        (Task::batch([task, next]), None)
    }

    pub(super) fn shortcut(&mut self, s: Shortcut) -> (Task<Message>, Option<Event>) {
        if self.composer.is_some() && self.dialog.is_none() {
            return self.composer_shortcut(s);
        }
        if self.dialog.is_none()
            && let Some(done) = self.settings_shortcut(s)
        {
            return done;
        }
        if self.dialog.is_some() {
            // A dialog takes the keyboard: only closing it (or quitting) works.
            return match s {
                Shortcut::Close => {
                    self.set_dialog(None);
                    (Task::none(), None)
                }
                Shortcut::Quit => (Task::none(), Some(Event::Quit)),
                _ => (Task::none(), None),
            };
        }
        let task = match s {
            Shortcut::Next if self.focus == Pane::Folders => self.step_folder(true),
            Shortcut::Previous if self.focus == Pane::Folders => self.step_folder(false),
            Shortcut::Open if self.focus == Pane::Folders => {
                self.focus = Pane::List;
                Task::none()
            }
            Shortcut::NextPane => self.move_focus(true),
            Shortcut::PreviousPane => self.move_focus(false),
            // The window's zoom is the app's.
            Shortcut::ZoomIn | Shortcut::ZoomOut | Shortcut::ZoomReset => Task::none(),
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
            // A draft shown: Enter goes on writing it.
            Shortcut::Open if self.selected_is_draft() && self.reader.shown_id().is_some() => {
                self.write(Write::Draft)
            }
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
                self.set_dialog(Some(Dialog::Help));
                Task::none()
            }
            Shortcut::Close => {
                if self.folders_open {
                    self.folders_open = false;
                    Task::none()
                } else if self.reader.back_to_message() {
                    Task::none()
                } else if self.search.is_some() || self.results.is_some() {
                    self.clear_search()
                } else {
                    Task::none()
                }
            }
            Shortcut::Quit => return (Task::none(), Some(Event::Quit)),
            Shortcut::Undo => return self.update(Message::Undo),
            Shortcut::Compose => self.write(Write::New),
            Shortcut::Reply => self.write(Write::Reply),
            Shortcut::ReplyAll => self.write(Write::ReplyAll),
            Shortcut::Forward => self.write(Write::Forward),
            // The composer's, when it is open.
            Shortcut::Send | Shortcut::SaveDraft | Shortcut::Attach => Task::none(),
            Shortcut::Settings => return self.update(Message::OpenSettings(None)),
            // Moving between fields is the app's (a widget operation).
            Shortcut::NextField | Shortcut::PreviousField => Task::none(),
        };
        (task, None)
    }
}
