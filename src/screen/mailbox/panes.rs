//! The mailbox's panes: folders, the list, the reading pane with its action bar, the status
//! bar, and the dialogs (a link's confirmation, the shortcuts).

use super::{
    Act, Health, LIST_ID, Mailbox, Message, Notice, Pane, Reader, SEARCH_ID, Splitter, Widths,
    reader,
};
use crate::keys::Shortcut;
use crate::theme;
use crate::widget::icon::{Icon, icon};
use crate::widget::message_list;
use iced::widget::{
    Id, Space, button, center, column, container, mouse_area, opaque, pick_list, responsive, row,
    rule, scrollable, stack, text, text_input,
};
use iced::{Element, Length, Size};
use quietpost_model::Flags;

/// A folder to move a message to, as the "Move to" list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub name: String,
    pub label: String,
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// Under this window width the folders fold away behind a button above the list.
pub const FOLD_BELOW: f32 = 1000.0;
/// A divider's width: the line, and room to grab it.
const DIVIDER: f32 = 7.0;
/// The narrowest list and reader: a sender, a subject and a date; a From line and text.
const MIN_LIST: f32 = 280.0;
const MIN_READER: f32 = 360.0;
/// The folder pane shown over the list in a narrow window.
const FOLDED_WIDTH: f32 = 240.0;

/// The panes' widths in a window `width` wide, from the widths the person gave them: the
/// folders (none: folded away), the list, the reader.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub folders: Option<f32>,
    pub list: f32,
    pub reader: f32,
}

pub fn layout(width: f32, wanted: Widths) -> Layout {
    // Whole pixels: a pane edge between two pixels is drawn half into each, and the window's
    // repaint of what changed (a selected row) leaves that half behind.
    let folders =
        (width >= FOLD_BELOW).then(|| wanted.folders.min(width * 0.25).max(140.0).round());
    let both = (width - folders.map_or(0.0, |f| f + DIVIDER) - DIVIDER)
        .max(0.0)
        .floor();
    let least = MIN_LIST.min(both);
    let list = (both * wanted.list)
        .clamp(least, (both - MIN_READER).max(least))
        .round();
    Layout {
        folders,
        list,
        reader: both - list,
    }
}

/// A divider between two panes, dragged to resize them.
fn divider<'a>(splitter: Splitter) -> Element<'a, Message> {
    mouse_area(
        container(rule::vertical(1))
            .center_x(DIVIDER)
            .height(Length::Fill),
    )
    .interaction(iced::mouse::Interaction::ResizingHorizontally)
    .on_press(Message::DragStart(splitter))
    .into()
}

impl Mailbox {
    pub fn view(&self) -> Element<'_, Message> {
        let panes = responsive(move |size| self.panes(size));
        let main = column![panes, self.status_bar()];
        match self.dialog {
            None => main.into(),
            Some(dialog) => stack![
                main,
                opaque(
                    mouse_area(
                        center(opaque(self.dialog_view(dialog)))
                            .style(theme::veil)
                            .width(Length::Fill)
                            .height(Length::Fill)
                    )
                    .on_press(Message::CloseDialog)
                )
            ]
            .into(),
        }
    }

    /// The three panes, fitted to the window's size.
    fn panes(&self, size: Size) -> Element<'_, Message> {
        let l = layout(size.width, self.widths);
        let focused = |pane: Pane| self.focus_shown && self.focus == pane;
        let mut panes = row![].height(Length::Fill);
        if let Some(width) = l.folders {
            panes = panes
                .push(
                    container(self.folders_view())
                        .width(width)
                        .height(Length::Fill)
                        .style(theme::focusable(theme::pane, focused(Pane::Folders))),
                )
                .push(divider(Splitter::Folders));
        }
        let left = l.folders.map_or(0.0, |f| f + DIVIDER);
        let instead: Option<Element<'_, Message>> =
            match (&self.composer, self.settings_pane(), &self.outbox) {
                (Some(c), _, _) => Some(c.view().map(Message::Composer)),
                (None, Some(s), _) => Some(s.view(self.accounts.len()).map(Message::Settings)),
                (None, None, Some(items)) => Some(self.outbox_view(items)),
                _ => None,
            };
        if let Some(view) = instead {
            // Writing (or the outbox) takes the list's and the reader's place; in a narrow
            // window the folders stay folded behind their button.
            let mut main = column![].height(Length::Fill);
            if l.folders.is_none() {
                main = main.push(
                    container(
                        button(text("Folders").size(12))
                            .style(theme::secondary)
                            .on_press(Message::ToggleFolders),
                    )
                    .padding([6, 8]),
                );
            }
            panes = panes.push(
                container(main.push(view))
                    .width(Length::Fill)
                    .height(Length::Fill),
            );
            return self.with_folded_folders(panes, l);
        }
        panes = panes
            .push(
                container(self.list_view(l.folders.is_none()))
                    .width(l.list)
                    .height(Length::Fill)
                    .style(theme::focusable(theme::plain, focused(Pane::List))),
            )
            .push(divider(Splitter::List {
                left,
                both: l.list + l.reader,
            }))
            .push(
                container(self.reader_view(l.reader))
                    .width(Length::Fill)
                    .height(Length::Fill)
                    .style(theme::focusable(theme::plain, focused(Pane::Reader))),
            );
        self.with_folded_folders(panes, l)
    }

    /// The panes, with the folded folders over them while they are shown.
    fn with_folded_folders<'a>(
        &'a self,
        panes: iced::widget::Row<'a, Message>,
        l: Layout,
    ) -> Element<'a, Message> {
        if l.folders.is_none() && self.folders_open {
            // Folded away: the folders over the list, until one is chosen (or Esc, or a
            // click beside them).
            stack![
                panes,
                row![
                    container(self.folders_view())
                        .width(FOLDED_WIDTH)
                        .height(Length::Fill)
                        .style(theme::floating_pane),
                    mouse_area(Space::new().width(Length::Fill).height(Length::Fill))
                        .on_press(Message::ToggleFolders),
                ]
            ]
            .into()
        } else {
            panes.into()
        }
    }

    fn folders_view<'a>(&'a self) -> Element<'a, Message> {
        let mut list = column![].spacing(2).padding(8);
        // Each account by name, with its state when it is not fine; then its folders (an
        // account not synced yet has none, and says so).
        let heading = |name: &'a str| -> Element<'a, Message> {
            let title = text(if self.demo { "Demo mailbox" } else { name })
                .font(theme::BOLD)
                .size(13);
            let mut col = column![title];
            // Where its connections go: direct, or which proxy (the demo has none to make).
            if !self.demo
                && let Some(a) = self.accounts.iter().find(|a| a.name == name)
            {
                col = col.push(
                    text(crate::wording::settings::route(a))
                        .size(11)
                        .style(theme::muted),
                );
            }
            match self.sync_of(name) {
                Some((Health::Offline, _)) => col
                    .push(text("offline").size(12).style(theme::muted))
                    .into(),
                Some((Health::Stopped, _)) => col
                    .push(text("not syncing").size(12).style(theme::muted))
                    .into(),
                _ => col.into(),
            }
        };
        for a in &self.accounts {
            if !self.folders.iter().any(|f| f.account == a.name) {
                list = list.push(heading(&a.name));
                list = list.push(text("Not synced yet").size(12).style(theme::muted));
            }
        }
        let mut account = None;
        for (i, f) in self.folders.iter().enumerate() {
            if account != Some(&f.account) {
                account = Some(&f.account);
                list = list.push(heading(&f.account));
            }
            let count = if f.unread > 0 {
                text(f.unread.to_string()).font(theme::BOLD).size(12)
            } else {
                text("").size(12)
            };
            let selected = self.folder == Some(i) && self.results.is_none();
            list = list.push(
                button(
                    row![
                        icon(folder_icon(f.role), 14.0),
                        text(&f.label).width(Length::Fill),
                        count
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                )
                .width(Length::Fill)
                .padding([4, 8])
                .style(move |t, s| theme::list_row(t, s, selected))
                .on_press(Message::SelectFolder(i)),
            );
        }
        let outbox_shown = self.outbox.is_some();
        list = list.push(Space::new().height(8));
        list = list.push(
            button(
                row![
                    icon(Icon::Clock, 14.0),
                    text("Outbox").width(Length::Fill),
                    if self.waiting > 0 {
                        text(self.waiting.to_string()).font(theme::BOLD).size(12)
                    } else {
                        text("").size(12)
                    }
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            )
            .width(Length::Fill)
            .padding([4, 8])
            .style(move |t, s| theme::list_row(t, s, outbox_shown))
            .on_press(Message::ShowOutbox),
        );
        let add = button(
            text(if self.demo {
                "Add your account"
            } else {
                "Add an account"
            })
            .size(13),
        )
        .style(theme::secondary)
        .on_press(Message::AddAccount);
        // The demo has no settings to change: its button would do nothing.
        let settings = (!self.demo).then(|| {
            button(text("Settings").size(13))
                .style(theme::secondary)
                .on_press(Message::OpenSettings(None))
        });
        column![
            scrollable(list).height(Length::Fill),
            container(row![add, settings].spacing(6)).padding(8)
        ]
        .into()
    }

    /// What the empty search box says it searches.
    fn search_hint(&self) -> String {
        match &self.search_in {
            Some(account) => format!("Search {account} (Enter)"),
            None => "Search all mail (Enter)".to_owned(),
        }
    }

    /// With more than one account, where to search: every account or one.
    fn search_scope(&self) -> Option<Element<'_, Message>> {
        if self.accounts.len() < 2 {
            return None;
        }
        let scopes: Vec<Scope> = std::iter::once(Scope(None))
            .chain(self.accounts.iter().map(|a| Scope(Some(a.name.clone()))))
            .collect();
        let chosen = Scope(self.search_in.clone());
        // Space or Enter on it (after Tab) picks the next one.
        let at = scopes.iter().position(|s| *s == chosen).unwrap_or(0);
        let next = scopes[(at + 1) % scopes.len()].0.clone();
        Some(
            crate::widget::focusable::focusable(
                iced::widget::pick_list(scopes, Some(chosen), |s: Scope| Message::SearchIn(s.0))
                    .text_size(13)
                    .padding(6),
                Some(Message::SearchIn(next)),
            )
            .into(),
        )
    }

    /// The list with its title and search; `folded`: the folders are folded away, and a
    /// button above the list shows them.
    fn list_view(&self, folded: bool) -> Element<'_, Message> {
        let folder_label = self
            .folder
            .and_then(|i| self.folders.get(i))
            .map_or("", |f| f.label.as_str());
        let mut top = column![].spacing(6);
        top = top.push(match &self.search {
            Some(words) => row![
                text_input(&self.search_hint(), words)
                    .id(SEARCH_ID)
                    .on_input(Message::SearchChanged)
                    .on_submit(Message::SearchSubmitted)
                    .padding(6)
                    .width(Length::Fill),
                self.search_scope(),
                button(text("×").size(14))
                    .style(theme::secondary)
                    .on_press(Message::ClearSearch),
            ]
            .spacing(6)
            .align_y(iced::Alignment::Center),
            None => row![
                folded.then(|| {
                    button(text("Folders").size(12))
                        .style(theme::secondary)
                        .on_press(Message::ToggleFolders)
                }),
                text(match &self.results {
                    Some(_) => "Search results",
                    None => folder_label,
                })
                .font(theme::BOLD)
                .wrapping(text::Wrapping::None)
                .width(Length::Fill),
                button(
                    row![icon(Icon::Write, 13.0), text("Write").size(12)]
                        .spacing(6)
                        .align_y(iced::Alignment::Center),
                )
                .on_press(Message::Write(super::Write::New)),
                button(
                    row![icon(Icon::Search, 13.0), text("Search  /").size(12)]
                        .spacing(6)
                        .align_y(iced::Alignment::Center),
                )
                .style(theme::secondary)
                .on_press(Message::Shortcut(Shortcut::Search)),
                button(text("?").size(12))
                    .style(theme::secondary)
                    .on_press(Message::Shortcut(Shortcut::Help)),
            ]
            .spacing(6)
            .align_y(iced::Alignment::Center),
        });
        if let Some(words) = &self.results {
            // What the list shows, how many, and the way back.
            let count = match self.rows.len() {
                1 => "1 message".to_owned(),
                n => format!("{n} messages"),
            };
            let r#where = match &self.search_in {
                Some(account) => format!("in every folder of {account}"),
                None => "in every folder".to_owned(),
            };
            top = top.push(
                row![
                    text(format!("{count} with \u{201C}{words}\u{201D}, {where}"))
                        .size(12)
                        .style(theme::muted)
                        .width(Length::Fill),
                    button(text(format!("× Back to {folder_label}")).size(12))
                        .style(button::text)
                        .on_press(Message::ClearSearch),
                ]
                .align_y(iced::Alignment::Center),
            );
        }
        // Search results come from every folder (and account): each row says which.
        let folder_of = |r: &quietpost_model::MessageRow| -> String {
            let label = self
                .folders
                .iter()
                .find(|f| f.account == r.account && f.name == r.folder)
                .map_or_else(
                    || quietpost_core::folders::decoded(&r.folder),
                    |f| f.label.clone(),
                );
            if self.accounts().len() > 1 {
                format!("{label} · {}", r.account)
            } else {
                label
            }
        };
        let list: Element<'_, Message> = if self.rows.is_empty() {
            // "No messages" only when the folder is known to hold none: an account not synced
            // yet says so.
            let empty = match (&self.results, self.folder) {
                (Some(words), _) => format!("No messages match \u{201C}{words}\u{201D}."),
                (None, Some(_)) => "No messages.".to_owned(),
                (None, None) if self.folders.is_empty() && !self.demo => {
                    "Not synced yet: nothing has been downloaded from the server.".to_owned()
                }
                (None, None) => String::new(),
            };
            center(text(empty).style(theme::muted)).padding(16).into()
        } else {
            message_list::view(
                &self.rows,
                self.scroll,
                self.selected,
                Id::new(LIST_ID),
                message_list::Shape {
                    date: list_date,
                    folder: self
                        .results
                        .as_ref()
                        .map(|_| &folder_of as &dyn Fn(&quietpost_model::MessageRow) -> String),
                },
                Message::Select,
                Message::Scrolled,
            )
        };
        // The list starts on a whole pixel, whatever is above it (see widget::snap).
        column![crate::widget::snap::snap(
            column![container(top).padding(8)].push(self.infobars())
        )]
        .push(list)
        .height(Length::Fill)
        .into()
    }

    /// The accounts of the list shown: the folder's, or every one for search results.
    fn shown_accounts(&self) -> Vec<&str> {
        match (&self.results, self.folder.and_then(|i| self.folders.get(i))) {
            (None, Some(f)) => vec![f.account.as_str()],
            _ => self.accounts.iter().map(|a| a.name.as_str()).collect(),
        }
    }

    /// Above the list, for each of its accounts that cannot sync: why, in plain words, that
    /// what is shown is what was saved on this computer, and Retry.
    fn infobars(&self) -> Option<Element<'_, Message>> {
        let mut bars = column![].spacing(4).padding([0, 8]);
        let mut any = false;
        for account in self.shown_accounts() {
            if let Some(panel) = self.key_change_view(account) {
                any = true;
                bars = bars.push(panel);
                continue;
            }
            let Some((health, words)) = self.sync_of(account) else {
                continue;
            };
            let head = match health {
                Health::Fine => continue,
                // The kill-switch, named as such: not a generic "offline".
                _ if self.proxy_down(account) => format!(
                    "{account} connects only through its proxy: nothing connects until it answers"
                ),
                Health::Offline => format!("{account} cannot reach its mail server"),
                Health::Stopped => format!("{account} is not syncing"),
            };
            any = true;
            bars = bars.push(
                container(
                    column![
                        row![
                            icon(Icon::Offline, 14.0),
                            text(head).font(theme::BOLD).size(13)
                        ]
                        .spacing(6)
                        .align_y(iced::Alignment::Center),
                        text(format!(
                            "{words} You are seeing the mail saved on this computer."
                        ))
                        .size(12),
                        button(text("Retry").size(12))
                            .style(theme::secondary)
                            .on_press(Message::Retry(account.to_owned())),
                    ]
                    .spacing(4),
                )
                .padding([6, 10])
                .width(Length::Fill)
                .style(theme::severity(quietpost_model::Severity::Caution)),
            );
        }
        any.then(|| bars.into())
    }

    fn reader_view(&self, width: f32) -> Element<'_, Message> {
        match self.reader() {
            Reader::Empty => center(
                text(if self.rows.is_empty() {
                    ""
                } else {
                    "Select a message to read it."
                })
                .style(theme::muted),
            )
            .into(),
            Reader::Loading(_) => center(text("Opening…").style(theme::muted)).into(),
            Reader::Failed(e) => center(text(crate::wording::app_error(e)))
                .padding(24)
                .into(),
            Reader::Open(r) => {
                let date = r
                    .message()
                    .date
                    .as_deref()
                    .and_then(quietpost_core::time::parse_rfc3339)
                    .map_or_else(|| "(no valid date)".to_owned(), long_date);
                column![
                    self.actions(width),
                    reader::view(r, date).map(Message::Reader)
                ]
                .into()
            }
        }
    }

    /// The folders the selected message can move to: its account's others.
    fn destinations(&self) -> Vec<Destination> {
        let Some(row) = self.selected.and_then(|i| self.rows.get(i)) else {
            return Vec::new();
        };
        self.folders
            .iter()
            .filter(|f| f.account == row.account && f.name != row.folder)
            .map(|f| Destination {
                name: f.name.clone(),
                label: f.label.clone(),
            })
            .collect()
    }

    /// The action bar above the message, `width` wide: the answers first, then the actions.
    /// Each button has its name beside its icon when the pane is wide enough for all of them
    /// (the actions lose theirs first, then the answers); a tooltip always names it, with its
    /// key.
    fn actions(&self, width: f32) -> Element<'_, Message> {
        if self.selected().is_some_and(|r| r.pending) {
            // No button that would do nothing: says why there are none.
            return container(text(super::PENDING).size(13).style(theme::muted))
                .padding([8, 16])
                .into();
        }
        let (answers_named, actions_named) = (width >= 560.0, width >= 780.0);
        let flags = self
            .selected
            .and_then(|i| self.rows.get(i))
            .map(|r| r.summary.flags)
            .unwrap_or_default();
        let named = |glyph: Icon,
                     label: &'static str,
                     key: &'static str,
                     m: Message,
                     shown: bool,
                     primary: bool| {
            let face = if shown {
                row![icon(glyph, 14.0), text(label).size(13)]
            } else {
                row![icon(glyph, 14.0)]
            };
            let tip = if shown {
                format!("Shortcut: {key}")
            } else {
                format!("{label} — shortcut: {key}")
            };
            iced::widget::tooltip(
                button(face.spacing(6).align_y(iced::Alignment::Center))
                    .style(if primary {
                        button::primary
                    } else {
                        theme::secondary
                    })
                    .on_press(m),
                container(text(tip).size(12))
                    .padding(4)
                    .style(container::bordered_box),
                iced::widget::tooltip::Position::Bottom,
            )
        };
        let action = |glyph: Icon, label: &'static str, key: &'static str, act: Act| {
            named(glyph, label, key, Message::Act(act), actions_named, false)
        };
        let write = |glyph: Icon, label: &'static str, key: &'static str, w: super::Write| {
            named(glyph, label, key, Message::Write(w), answers_named, false)
        };
        let mut bar = row![].spacing(6).align_y(iced::Alignment::Center);
        if self.selected_is_draft() {
            bar = bar.push(named(
                Icon::Write,
                "Continue writing",
                "Enter",
                Message::Write(super::Write::Draft),
                true,
                true,
            ));
        } else {
            bar = bar
                .push(write(Icon::Reply, "Reply", "r", super::Write::Reply))
                .push(write(
                    Icon::ReplyAll,
                    "Reply all",
                    "Shift+R",
                    super::Write::ReplyAll,
                ))
                .push(write(Icon::Forward, "Forward", "f", super::Write::Forward));
        }
        bar = bar
            .push(Space::new().width(6))
            .push(action(Icon::Archive, "Archive", "a", Act::Archive))
            .push(action(Icon::Trash, "Delete", "Delete", Act::Delete))
            .push(action(
                Icon::Star,
                if flags.contains(Flags::FLAGGED) {
                    "Unstar"
                } else {
                    "Star"
                },
                "s",
                Act::ToggleStar,
            ))
            .push(action(
                if flags.contains(Flags::SEEN) {
                    Icon::Mail
                } else {
                    Icon::MailOpen
                },
                if flags.contains(Flags::SEEN) {
                    "Mark unread"
                } else {
                    "Mark read"
                },
                "u",
                Act::ToggleRead,
            ))
            .push(
                pick_list(self.destinations(), None::<Destination>, |d| {
                    Message::Act(Act::Move(d.name))
                })
                .placeholder("Move to…")
                .style(theme::pick)
                .text_size(13),
            );
        container(bar).padding([8, 16]).into()
    }

    fn status_bar(&self) -> Element<'_, Message> {
        let status = if self.demo {
            "Demo mailbox: nothing here ever touches the network.".to_owned()
        } else {
            self.accounts
                .iter()
                .filter_map(|a| {
                    self.sync_of(&a.name)
                        .map(|(_, w)| format!("{}: {w}", a.name))
                })
                .collect::<Vec<_>>()
                .join("   ")
        };
        // The sync's state on one line (cut with "…", its whole text is in each account's
        // infobar when it matters); a notice beside it has the larger share and may wrap.
        let mut bar = row![
            crate::widget::ellipsis::ellipsis(status)
                .size(12)
                .color(theme::muted_color)
                .width(Length::FillPortion(1))
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);
        if self.waiting > 0 && self.outbox.is_none() {
            bar = bar.push(
                button(text(format!("Outbox: {} waiting", self.waiting)).size(12))
                    .style(theme::secondary)
                    .on_press(Message::ShowOutbox),
            );
        }
        if !self.kept.is_empty() && self.composer.is_none() {
            bar = bar.push(
                button(text("Continue the message you were writing").size(12))
                    .on_press(Message::ContinueKept),
            );
        }
        if let Some(n) = &self.notice {
            let (t, failed) = match n {
                Notice::Done(t) => (t.as_str(), false),
                Notice::Failed(t) => (t.as_str(), true),
            };
            let mut line = text(t).size(13).width(Length::FillPortion(2));
            if failed {
                line = line.style(text::danger);
            }
            bar = bar.push(line);
            if self.can_undo() {
                bar = bar.push(
                    button(text("Undo").size(12))
                        .style(theme::secondary)
                        .on_press(Message::Undo),
                );
            }
            bar = bar.push(
                button(text("×").size(12))
                    .style(button::text)
                    .on_press(Message::DismissNotice),
            );
        }
        container(bar).padding([4, 10]).into()
    }
}

/// A folder's icon, by what it is for.
fn folder_icon(role: Option<quietpost_model::Role>) -> Icon {
    use quietpost_model::Role;
    match role {
        Some(Role::Inbox) => Icon::Inbox,
        Some(Role::Drafts) => Icon::Drafts,
        Some(Role::Sent) => Icon::Send,
        Some(Role::Archive) => Icon::Archive,
        Some(Role::Junk) => Icon::Junk,
        Some(Role::Trash) => Icon::Trash,
        _ => Icon::Folder,
    }
}

fn local(timestamp: i64) -> Option<chrono::DateTime<chrono::Local>> {
    chrono::DateTime::from_timestamp(timestamp, 0).map(|t| t.with_timezone(&chrono::Local))
}

/// A list date: the time today, the day this year, the full date before.
fn list_date(timestamp: i64) -> String {
    let (Some(t), now) = (local(timestamp), chrono::Local::now()) else {
        return String::new();
    };
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M").to_string()
    } else if t.format("%Y").to_string() == now.format("%Y").to_string() {
        t.format("%-d %b").to_string()
    } else {
        t.format("%-d %b %Y").to_string()
    }
}

/// The reading pane's date, in local time.
fn long_date(timestamp: i64) -> String {
    local(timestamp).map_or_else(String::new, |t| t.format("%A %-d %B %Y, %H:%M").to_string())
}

/// Where the window's search looks: every account, or the one named.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Scope(Option<String>);

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("All accounts"),
            Some(a) => write!(f, "In {a}"),
        }
    }
}
