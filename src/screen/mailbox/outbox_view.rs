//! The outbox view: each message waiting, why, and what the person can do — send it now or
//! again, say it went out (when the connection died after it may have), change it, or
//! discard it.

use super::{Mailbox, Message};
use crate::backend::OutboxAct;
use crate::theme;
use crate::widget::icon::{Icon, icon};
use iced::widget::{Space, button, column, container, row, scrollable, text};
use iced::{Alignment, Element, Length};
use quietpost_model::{OutboxState, Outgoing};

impl Mailbox {
    pub(super) fn outbox_view<'a>(&'a self, items: &'a [Outgoing]) -> Element<'a, Message> {
        let header = row![
            icon(Icon::Clock, 18.0),
            text("Outbox").size(18).font(theme::BOLD),
            Space::new().width(Length::Fill),
            crate::widget::focusable::pressed(
                button(text("Close").size(13)).style(theme::secondary),
                Message::CloseOutbox
            ),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        let mut list = column![].spacing(12);
        if items.is_empty() {
            list = list.push(
                text("Nothing is waiting: every message written has been sent.")
                    .style(theme::muted),
            );
        }
        for m in items {
            list = list.push(self.outgoing(m));
        }
        let mut page = column![header].spacing(12);
        if self.demo {
            page = page.push(
                text("The demo never sends anything: what is written waits here.")
                    .size(12)
                    .style(theme::muted),
            );
        }
        container(page.push(scrollable(list).height(Length::Fill)))
            .padding([12, 20])
            .max_width(880)
            .height(Length::Fill)
            .into()
    }

    fn outgoing<'a>(&'a self, m: &'a Outgoing) -> Element<'a, Message> {
        let summary = quietpost_render::summary(&m.raw, &Default::default());
        let subject = match summary.subject.as_str() {
            "" => "(no subject)".to_owned(),
            s => s.to_owned(),
        };
        let state = crate::wording::outbox_state(m.state);
        let mut what = column![
            text(subject).size(14).font(theme::BOLD),
            text(format!("To {}", m.recipients.join(", ")))
                .size(12)
                .style(theme::muted),
            text(format!("From {} — {state}", m.account)).size(12),
        ]
        .spacing(2)
        .width(Length::Fill);
        let why = match m.state {
            OutboxState::Unknown => Some(
                "The connection ended after the message went out but before the server confirmed it: it may have been sent. Ask a recipient, then send it again or mark it sent.".to_owned(),
            ),
            OutboxState::Failed => m
                .last_error
                .as_ref()
                .map(|e| format!("The server refused it: {e}")),
            _ => m.last_error.as_ref().map(|e| {
                format!(
                    "Last try ({} so far): {e}{}",
                    m.attempts,
                    m.next_attempt
                        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                        .map(|t| format!(
                            " — next at {}",
                            t.with_timezone(&chrono::Local).format("%H:%M")
                        ))
                        .unwrap_or_default()
                )
            }),
        };
        if let Some(why) = why {
            what = what.push(text(why).size(12).style(theme::severity_text(
                if m.state == OutboxState::Queued {
                    quietpost_model::Severity::Info
                } else {
                    quietpost_model::Severity::Caution
                },
            )));
        }
        let act = |label: &'static str, a: OutboxAct| {
            crate::widget::focusable::pressed(
                button(text(label).size(12)).style(theme::secondary),
                Message::Outbox(m.id, a),
            )
        };
        let mut buttons = row![].spacing(6);
        match m.state {
            OutboxState::Queued => buttons = buttons.push(act("Send now", OutboxAct::Retry)),
            OutboxState::Failed => buttons = buttons.push(act("Send again", OutboxAct::Retry)),
            OutboxState::Unknown => {
                buttons = buttons
                    .push(act("Send again", OutboxAct::Retry))
                    .push(act("Mark sent", OutboxAct::MarkSent));
            }
            OutboxState::Sending | OutboxState::Sent => {}
        }
        if matches!(
            m.state,
            OutboxState::Queued | OutboxState::Failed | OutboxState::Unknown
        ) {
            buttons = buttons.push(crate::widget::focusable::pressed(
                button(text("Edit").size(12)).style(theme::secondary),
                Message::EditOutgoing(m.id),
            ));
            buttons = buttons.push(act("Discard", OutboxAct::Discard));
        }
        container(row![what, buttons].spacing(12).align_y(Alignment::Center))
            .padding(10)
            .style(container::bordered_box)
            .width(Length::Fill)
            .into()
    }
}
