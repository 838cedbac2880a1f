//! The mailbox's dialogs: a link's confirmation (with the site it really goes to), a
//! document's warning, saving a program, deleting for good, discarding a message being
//! written, the shortcuts. A dialog with a warning makes Cancel its primary button.

use super::{Act, Dialog, Mailbox, Message, Reader, reader};
use crate::keys::HELP;
use crate::theme;
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length};

impl Mailbox {
    pub(super) fn dialog_view(&self, dialog: Dialog) -> Element<'_, Message> {
        let body: Element<'_, Message> = match dialog {
            Dialog::Help => {
                let mut list =
                    column![text("Keyboard shortcuts").size(18).font(theme::BOLD)].spacing(6);
                for (key, what) in HELP {
                    list = list.push(row![text(*key).width(110).font(theme::BOLD), text(*what)]);
                }
                list.push(button(text("Close")).on_press(Message::CloseDialog))
                    .into()
            }
            Dialog::Document(i) => {
                let Reader::Open(r) = self.reader() else {
                    return column![].into();
                };
                let Some(a) = r.message().attachments.get(i) else {
                    return column![].into();
                };
                column![
                    text(format!("Open {}?", a.safe_filename))
                        .size(18)
                        .font(theme::BOLD),
                    text(crate::wording::DOCUMENT_WARNING),
                    text("Quietpost asks this once while it is open.")
                        .size(12)
                        .style(theme::muted),
                    // A warned dialog: the safe way is the primary button.
                    row![
                        button(text("Cancel")).on_press(Message::CloseDialog),
                        button(text("Save instead"))
                            .style(theme::secondary)
                            .on_press(Message::Reader(reader::Message::SaveInstead(i))),
                        button(text("Open"))
                            .style(theme::secondary)
                            .on_press(Message::Reader(reader::Message::OpenDocument(i))),
                    ]
                    .spacing(8),
                ]
                .spacing(8)
                .into()
            }
            Dialog::Save(i) => {
                let Reader::Open(r) = self.reader() else {
                    return column![].into();
                };
                let Some(a) = r.message().attachments.get(i) else {
                    return column![].into();
                };
                let mut col = column![
                    text(format!("Save {}?", a.safe_filename))
                        .size(18)
                        .font(theme::BOLD),
                ]
                .spacing(8);
                if let quietpost_model::Opening::SaveOnly(why) = a.opening {
                    col = col.push(text(crate::wording::save_only(why)));
                }
                for code in &a.warnings {
                    col = col.push(
                        container(text(format!("⚠ {}", crate::wording::explain(*code))).size(13))
                            .padding([6, 10])
                            .style(theme::severity(code.severity()))
                            .width(Length::Fill),
                    );
                }
                col.push(text(crate::wording::SAVE_WARNING))
                    .push(
                        row![
                            button(text("Cancel")).on_press(Message::CloseDialog),
                            button(text("Save the file"))
                                .style(theme::secondary)
                                .on_press(Message::Reader(reader::Message::SaveInstead(i))),
                        ]
                        .spacing(8),
                    )
                    .into()
            }
            Dialog::Discard => super::writing::discard_dialog(),
            Dialog::DeleteForGood => column![
                text("Delete this message for good?")
                    .size(18)
                    .font(theme::BOLD),
                text(
                    "It is in Trash: deleting it here removes it from your mail server too, and it cannot be recovered once the server has it."
                ),
                row![
                    button(text("Cancel")).on_press(Message::CloseDialog),
                    button(text("Delete for good"))
                        .style(button::danger)
                        .on_press(Message::Act(Act::DeleteForGood)),
                ]
                .spacing(8),
            ]
            .spacing(8)
            .into(),
            Dialog::Link(i) => {
                let Reader::Open(r) = self.reader() else {
                    return column![].into();
                };
                let Some(link) = r.message().links.get(i) else {
                    return column![].into();
                };
                let host = link.host.as_ref().map_or("(none)", |h| h.as_str());
                let web = link.url.as_str().starts_with("https://")
                    || link.url.as_str().starts_with("http://");
                let mut col = column![
                    text("Open this link?").size(18).font(theme::BOLD),
                    text("It really goes to:"),
                    container(text(link.url.as_str()).font(theme::BOLD))
                        .padding(8)
                        .style(theme::banner)
                        .width(Length::Fill),
                ]
                .spacing(8);
                // The site it belongs to, made plain: the part of the host a registrant owns.
                match &link.registrable {
                    Some(site) if site.as_str() != host => {
                        col = col.push(text(format!("This is a page of {site}")).font(theme::BOLD));
                        col = col.push(text(format!("Host: {host}")).style(theme::muted));
                    }
                    Some(site) => col = col.push(text(format!("This is {site}")).font(theme::BOLD)),
                    None => col = col.push(text(format!("Host: {host}"))),
                }
                col = col.push(
                    text(format!("Shown in the message as: {}", link.text)).style(theme::muted),
                );
                if let Some(original) = &link.original {
                    col = col.push(
                        text(crate::wording::cleaned_link(link))
                            .size(12)
                            .style(theme::muted),
                    );
                    col = col.push(
                        container(text(original.as_str()).size(12))
                            .padding(6)
                            .width(Length::Fill),
                    );
                }
                for code in &link.warnings {
                    col = col.push(
                        container(text(format!("⚠ {}", crate::wording::explain(*code))).size(13))
                            .padding([6, 10])
                            .style(theme::badge)
                            .width(Length::Fill),
                    );
                }
                if web {
                    col = col.push(
                        text("Your browser connects to this site directly, not through Quietpost's proxy.")
                            .size(12)
                            .style(theme::muted),
                    );
                }
                if self.browser_failed {
                    col = col.push(
                        container(
                            text("Your browser could not be started. Copy the link and paste it into your browser.")
                                .size(13),
                        )
                        .padding([6, 10])
                        .style(theme::badge)
                        .width(Length::Fill),
                    );
                }
                // With a warning, the safe way (Cancel) is the primary button, and opening it
                // is a secondary one.
                let warned = !link.warnings.is_empty();
                let emphasis = |on: bool| if on { button::primary } else { theme::secondary };
                let mut buttons = row![
                    button(text("Cancel"))
                        .style(emphasis(warned))
                        .on_press(Message::CloseDialog),
                    button(text("Copy link"))
                        .style(theme::secondary)
                        .on_press(Message::Reader(reader::Message::CopyLink(i))),
                ]
                .spacing(8);
                if link.url.as_str().starts_with("mailto:") {
                    // Written in Quietpost: only its address, copies, subject and text are
                    // taken (never an attachment, a hidden recipient or another header).
                    buttons = buttons.push(
                        button(text("Write a message"))
                            .style(emphasis(!warned))
                            .on_press(Message::Mailto(link.url.as_str().to_owned())),
                    );
                }
                if web {
                    if link.original.is_some() {
                        buttons = buttons.push(
                            button(text("Open the original link"))
                                .style(theme::secondary)
                                .on_press(Message::Reader(reader::Message::OpenOriginalLink(i))),
                        );
                    }
                    buttons = buttons.push(
                        button(text("Open in browser"))
                            .style(emphasis(!warned))
                            .on_press(Message::Reader(reader::Message::OpenLink(i))),
                    );
                }
                col.push(buttons).into()
            }
        };
        container(body)
            .padding(20)
            .max_width(560)
            .style(theme::dialog)
            .into()
    }
}
