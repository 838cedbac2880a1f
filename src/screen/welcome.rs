//! The first run: what Quietpost is, and the two ways in.

use crate::theme;
use iced::widget::{button, center, column, container, text};
use iced::{Element, Length};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    AddAccount,
    OpenDemo,
}

pub fn view(note: Option<&str>) -> Element<'_, Message> {
    let mut col = column![
        text("Welcome to Quietpost").size(28).font(theme::BOLD),
        text("Mail with safe defaults. Messages are shown as plain text, never through a web engine. Remote images are blocked until you choose to load them through a proxy, and trackers never load. Links show where they really go, and senders who pretend to be someone else are pointed out.")
            .width(Length::Fill),
        crate::widget::focusable::pressed(button(text("Add an account").size(16)).padding([10,20]), Message::AddAccount),
        crate::widget::focusable::pressed(button(text("Open the demo mailbox").size(16)).padding([10,20]).style(theme::secondary), Message::OpenDemo),
        text("The demo needs no account and no network: about thirty messages, some ordinary, some hostile, showing what Quietpost does with each.")
            .size(13)
            .style(theme::muted),
    ]
    .spacing(16)
    .max_width(560);
    if let Some(note) = note {
        col = col.push(
            container(text(note).size(13))
                .padding(10)
                .style(theme::banner),
        );
    }
    center(col).padding(32).into()
}
