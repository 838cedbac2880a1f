//! The composer's view: its buttons, a place for a problem, the fields, the attachments with
//! what each loses, the text; the reveal panel or the file picker in the fields' place.

use super::{Composer, Field, Message, TO_ID, picker};
use crate::theme;
use crate::widget::icon::{Icon, icon};
use iced::widget::{
    Space, button, column, container, row, scrollable, text, text_editor, text_input,
};
use iced::{Alignment, Element, Length};
use quietpost_model::Writing;

pub const CC_ID: &str = "composer-cc";
pub const BCC_ID: &str = "composer-bcc";
const SUBJECT_ID: &str = "composer-subject";
/// The widest the fields get: a line of text a person can still follow.
const WIDTH: f32 = 880.0;
const LABEL: f32 = 70.0;

impl Composer {
    pub fn title(&self) -> &'static str {
        match self.fields.writing {
            Writing::New => "New message",
            Writing::Reply { .. } => "Reply",
            Writing::Forward { .. } => "Forward",
            Writing::Draft { .. } => "Draft",
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let busy = self.busy;
        let act = |label: &'static str, glyph: Icon, m: Message| {
            button(
                row![icon(glyph, 14.0), text(label).size(13)]
                    .spacing(6)
                    .align_y(Alignment::Center),
            )
            .style(theme::secondary)
            .on_press_maybe((!busy).then_some(m))
        };
        let send = button(
            row![icon(Icon::Send, 14.0), text("Send").size(13)]
                .spacing(6)
                .align_y(Alignment::Center),
        )
        .on_press_maybe((!busy).then_some(
            // With the reveal shown before sending, Send means it was read.
            if self.reveal.as_ref().is_some_and(|r| r.before_sending) {
                Message::SendRead
            } else {
                Message::Send
            },
        ));
        let header = row![
            text(self.title()).size(18).font(theme::BOLD),
            Space::new().width(Length::Fill),
            act(
                if self.reveal.is_some() {
                    "Back to the message"
                } else {
                    "What this reveals"
                },
                Icon::Shield,
                Message::Reveal
            ),
            act("Save draft", Icon::Drafts, Message::SaveDraft),
            act("Discard", Icon::Trash, Message::Discard),
            send,
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        // Always there, so nothing below it moves in the widget tree when a problem appears.
        let problem = container(match &self.problem {
            Some(p) => Element::from(text(p.as_str()).size(13).style(text::danger)),
            None => Space::new().height(0).into(),
        })
        .width(Length::Fill);
        let below: Element<'_, Message> = if let Some(p) = &self.picker {
            picker_view(p).map(Message::Picker)
        } else if let Some(r) = &self.reveal {
            self.reveal_view(r)
        } else {
            self.form()
        };
        container(
            column![header, problem, below]
                .spacing(10)
                .max_width(WIDTH)
                .height(Length::Fill),
        )
        .padding([12, 20])
        .height(Length::Fill)
        .into()
    }

    fn form(&self) -> Element<'_, Message> {
        let label = |t: &'static str| {
            text(t)
                .width(LABEL)
                .size(13)
                .style(theme::muted)
                .align_y(Alignment::Center)
        };
        let address = |field: Field, id: &'static str| {
            text_input("name@example.org", self.address(field))
                .id(id)
                .on_input(move |t| Message::Address(field, t))
                .on_submit(Message::Send)
                .size(14)
        };
        // Cc and Bcc always there: reachable with Tab, and nothing moves when they fill.
        let fields = column![
            row![
                label("From"),
                text(quietpost_core::compose::identity(&self.account)).size(14)
            ]
            .spacing(8),
            row![label("To"), address(Field::To, TO_ID)]
                .spacing(8)
                .align_y(Alignment::Center),
            row![label("Cc"), address(Field::Cc, CC_ID)]
                .spacing(8)
                .align_y(Alignment::Center),
            row![
                label("Bcc"),
                column![
                    address(Field::Bcc, BCC_ID),
                    text("Hidden: no other recipient sees these addresses.")
                        .size(11)
                        .style(theme::muted),
                ]
                .spacing(2)
            ]
            .spacing(8),
        ]
        .spacing(6);
        // The suggestions' place is always there (empty when there are none).
        let mut suggestions = row![Space::new().width(LABEL)].spacing(6);
        if let Some(field) = self.field {
            for s in self.suggestions() {
                suggestions = suggestions.push(
                    button(text(s).size(12))
                        .style(theme::secondary)
                        .on_press(Message::Complete(field, s.to_owned())),
                );
            }
        }
        let subject = row![
            label("Subject"),
            text_input("", &self.fields.subject)
                .id(SUBJECT_ID)
                .on_input(Message::Subject)
                .size(14)
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        let mut notes = column![].spacing(2);
        for n in &self.notes {
            notes = notes.push(text(n.as_str()).size(12).style(theme::muted));
        }
        let body = text_editor(&self.body)
            .id(super::BODY_ID)
            .on_action(Message::Body)
            .key_binding(super::body_keys)
            .placeholder("Write your message")
            .height(Length::Fill)
            .padding(10)
            .style(|t: &iced::Theme, s| {
                // The same quiet edge as the fields above it.
                let mut style = text_editor::default(t, s);
                if !matches!(s, text_editor::Status::Focused { .. }) {
                    style.border.color = t.extended_palette().background.strong.color;
                }
                style
            });
        column![
            fields,
            suggestions,
            subject,
            notes,
            self.attachments_view(),
            body
        ]
        .spacing(8)
        .height(Length::Fill)
        .into()
    }

    fn attachments_view(&self) -> Element<'_, Message> {
        let mut list = column![].spacing(4);
        for (i, a) in self.attachments.iter().enumerate() {
            let c = &a.check;
            let what = if let Some(why) = &c.unchecked {
                format!("{why}: it is sent as it is.")
            } else if c.removed.is_empty() {
                "Checked: no hidden data found.".to_owned()
            } else {
                format!("Removed before sending: {}.", c.removed.join("; "))
            };
            list = list.push(
                row![
                    icon(Icon::Paperclip, 14.0),
                    column![
                        text(format!(
                            "{} ({})",
                            c.name,
                            crate::wording::size(c.bytes as u64)
                        ))
                        .size(13),
                        text(what)
                            .size(12)
                            .style(theme::severity_text(if c.unchecked.is_some() {
                                quietpost_model::Severity::Caution
                            } else {
                                quietpost_model::Severity::Info
                            })),
                    ]
                    .width(Length::Fill),
                    button(text("Remove").size(12))
                        .style(theme::secondary)
                        .on_press(Message::Remove(i)),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            );
        }
        list.push(
            button(
                row![icon(Icon::Paperclip, 14.0), text("Attach a file").size(13)]
                    .spacing(6)
                    .align_y(Alignment::Center),
            )
            .style(theme::secondary)
            .on_press(Message::Attach),
        )
        .into()
    }

    fn reveal_view(&self, r: &super::Reveal) -> Element<'_, Message> {
        let mut facts = column![
            text("What this message reveals").size(16).font(theme::BOLD),
            text(if r.before_sending {
                "Read this once before it goes: it is shown before the first message from an account, and again when something here is new."
            } else {
                "What this message tells its recipients and the servers on its way, as it is now."
            })
            .size(12)
            .style(theme::muted),
        ]
        .spacing(8);
        for f in crate::wording::reveal(&r.prepared.reveal) {
            facts = facts.push(
                row![
                    text(f.topic).size(13).font(theme::BOLD).width(170),
                    text(f.words).size(13).width(Length::Fill),
                ]
                .spacing(8),
            );
        }
        let mut buttons = row![
            button(text("Back to the message").size(13))
                .style(theme::secondary)
                .on_press(Message::CloseReveal)
        ]
        .spacing(8);
        if r.before_sending {
            buttons = buttons.push(
                button(text("Send").size(13))
                    .on_press_maybe((!self.busy).then_some(Message::SendRead)),
            );
        }
        scrollable(column![facts, buttons].spacing(16).padding([4, 0]))
            .height(Length::Fill)
            .into()
    }
}

fn picker_view(p: &picker::Picker) -> Element<'_, picker::Message> {
    let mut list = column![].spacing(2);
    for e in &p.entries {
        let label = if e.folder {
            row![
                icon(Icon::Folder, 14.0),
                text(format!("{}/", e.name)).size(13)
            ]
        } else {
            row![
                icon(Icon::Paperclip, 14.0),
                text(e.name.as_str()).size(13).width(Length::Fill),
                text(crate::wording::size(e.bytes))
                    .size(12)
                    .style(theme::muted)
            ]
        };
        list = list.push(
            button(label.spacing(8).align_y(Alignment::Center))
                .style(button::text)
                .width(Length::Fill)
                .on_press(picker::Message::Open(e.name.clone())),
        );
    }
    column![
        text("Attach a file").size(16).font(theme::BOLD),
        row![
            text_input("A file or folder", &p.typed)
                .id(picker::PATH_ID)
                .on_input(picker::Message::Typed)
                .on_submit(picker::Message::Go)
                .size(14),
            button(text("Up").size(13))
                .style(theme::secondary)
                .on_press(picker::Message::Up),
            button(text("Cancel").size(13))
                .style(theme::secondary)
                .on_press(picker::Message::Cancel),
        ]
        .spacing(8)
        .align_y(Alignment::Center),
        container(match &p.problem {
            Some(why) => text(why.as_str()).size(13).style(text::danger),
            None => text(""),
        }),
        scrollable(list).height(Length::Fill),
    ]
    .spacing(8)
    .height(Length::Fill)
    .into()
}
