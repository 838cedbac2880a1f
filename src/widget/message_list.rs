//! The message list, virtualised: iced's `scrollable` lays out every child, which for a
//! 100,000-message folder takes seconds and over a gigabyte. Here only the rows in view (and a
//! few around them) are built; two spacers stand for the rest, so the scrollbar is true to the
//! folder's length. Every row has the same height (two lines: the sender, then the subject
//! and the date), whatever the subject holds.

use crate::theme;
use crate::widget::ellipsis::ellipsis;
use crate::widget::icon::{Icon, icon};
use iced::widget::{
    Space, Text, button, column, container, keyed_column, scrollable, text, tooltip,
};
use iced::{Element, Length};
use quietpost_model::{Flags, MessageRow};
use std::ops::Range;

/// The height of one row (two lines), in logical pixels.
pub const ROW_HEIGHT: f32 = 48.0;
/// Rows built beyond each edge of the view, so a fast scroll never shows a gap.
const OVERSCAN: usize = 4;
/// The view's height assumed before the first scroll event tells the real one.
const ASSUMED_HEIGHT: f32 = 1400.0;

/// Where the list is scrolled to and how tall its view is (from the scrollable's viewport).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scroll {
    pub offset: f32,
    pub height: f32,
}

impl Scroll {
    fn height(&self) -> f32 {
        if self.height > 0.0 {
            self.height
        } else {
            ASSUMED_HEIGHT
        }
    }

    /// The rows to build for a list of `len` rows.
    pub fn visible(&self, len: usize) -> Range<usize> {
        let first = ((self.offset.max(0.0) / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let last = ((self.offset.max(0.0) + self.height()) / ROW_HEIGHT).ceil() as usize + OVERSCAN;
        first.min(len)..last.min(len)
    }

    /// The offset that brings row `index` fully into view, or `None` if it is already.
    pub fn reveal(&self, index: usize) -> Option<f32> {
        let top = index as f32 * ROW_HEIGHT;
        let bottom = top + ROW_HEIGHT;
        if top < self.offset {
            Some(top)
        } else if bottom > self.offset + self.height() {
            Some((bottom - self.height()).max(0.0))
        } else {
            None
        }
    }
}

/// How one row's date is written (the list gives the message's received time).
pub type DateFormat = fn(i64) -> String;

/// How rows are shown: their date, and the folder each one is in (search results, which come
/// from every folder) or none (a folder's own list).
pub struct Shape<'s> {
    pub date: DateFormat,
    pub folder: Option<&'s dyn Fn(&MessageRow) -> String>,
}

/// The list view. `id` identifies the scrollable (for keyboard scrolling).
pub fn view<'a, Message: Clone + 'a>(
    rows: &'a [MessageRow],
    scroll: Scroll,
    selected: Option<usize>,
    id: iced::widget::Id,
    shape: Shape<'_>,
    on_select: impl Fn(usize) -> Message + 'a,
    on_scroll: impl Fn(scrollable::Viewport) -> Message + 'a,
) -> Element<'a, Message> {
    let range = scroll.visible(rows.len());
    let above = range.start as f32 * ROW_HEIGHT;
    let below = (rows.len() - range.end) as f32 * ROW_HEIGHT;
    // Keyed by message id: a row keeps its laid-out text while it stays in view, so a scroll
    // step shapes only the rows that come in, not every row on screen. Only rows are keyed
    // children, all of one widget type: iced's keyed diff hands a child's old state to
    // whatever new child takes its place without checking the type, so a spacer among them
    // could give its empty state to a row's button ("Downcast on stateless state").
    let rows = keyed_column(range.map(|i| {
        (
            rows[i].id,
            row(
                &rows[i],
                selected == Some(i),
                shape.date,
                shape.folder.map(|f| f(&rows[i])),
                on_select(i),
            ),
        )
    }))
    .width(Length::Fill);
    let list =
        column![Space::new().height(above), rows, Space::new().height(below)].width(Length::Fill);
    scrollable(list)
        .id(id)
        .on_scroll(on_scroll)
        .height(Length::Fill)
        .width(Length::Fill)
        .into()
}

/// One row of the list (also used alone by the benchmark's non-virtualised peer), with the
/// folder it is in when the list mixes folders.
pub fn row<'a, Message: Clone + 'a>(
    r: &'a MessageRow,
    selected: bool,
    date: DateFormat,
    folder: Option<String>,
    on_press: Message,
) -> Element<'a, Message> {
    let s = &r.summary;
    let unread = !s.flags.contains(Flags::SEEN);
    let weight = if unread { theme::BOLD } else { theme::FONT };
    let marker = |on: bool, glyph: Text<'a>, tip: &'static str| -> Element<'a, Message> {
        if on {
            tooltip(
                glyph,
                container(text(tip).size(12))
                    .padding(4)
                    .style(container::bordered_box),
                tooltip::Position::Bottom,
            )
            .into()
        } else {
            // Nothing to paint (a blank text would still be shaped and drawn every frame).
            Space::new().into()
        }
    };
    // Two lines, as Geary and Apple Mail do: who sent it, then the subject and when. Each
    // has the list's whole width, so the sender's real domain (or whole address) fits even
    // in a narrow list: the name is cut first, never the address.
    let (name, address) = crate::wording::list_sender(s);
    let mut sender = iced::widget::row![]
        .spacing(4)
        .align_y(iced::Alignment::Center);
    if let Some((severity, warnings)) = s
        .sender
        .as_ref()
        .filter(|s| s.is_suspicious())
        .map(|s| (s.severity(), crate::wording::sender_warnings(s)))
    {
        let tip = warnings
            .iter()
            .map(|(code, detail)| format!("⚠ {}: {detail}", crate::wording::headline(*code)))
            .collect::<Vec<_>>()
            .join("\n");
        sender = sender.push(tooltip(
            // As loud as the reader's badges: red for a danger, amber for a caution.
            text("⚠")
                .size(13)
                .font(theme::BOLD)
                .style(theme::severity_text(
                    severity.unwrap_or(quietpost_model::Severity::Caution),
                )),
            container(text(tip).size(12))
                .padding(6)
                .max_width(480)
                .style(container::bordered_box),
            tooltip::Position::Bottom,
        ));
    }
    match name {
        Some(name) => {
            sender = sender
                .push(ellipsis(name).font(weight).size(13).hug())
                .push(
                    text(format!("· {address}"))
                        .size(12)
                        .wrapping(text::Wrapping::None)
                        .style(theme::muted),
                )
        }
        None => {
            // A whole address: when even the row's width is too short, the local part is cut,
            // never the domain. Several candidates (always marked, all in the tooltip) are
            // cut at the end.
            let (local, domain) = match address.rfind('@') {
                Some(at) if !address.contains(", ") => address.split_at(at + 1),
                _ => (address.as_str(), ""),
            };
            let local = ellipsis(local.to_owned()).font(weight).size(13).hug();
            sender = sender.push(
                iced::widget::row![
                    local,
                    text(domain.to_owned())
                        .size(13)
                        .font(weight)
                        .wrapping(text::Wrapping::None),
                ]
                .align_y(iced::Alignment::Center),
            );
        }
    }
    let subject = if s.subject.is_empty() {
        "(no subject)"
    } else {
        s.subject.as_str()
    };
    let first = iced::widget::row![
        container(marker(unread, text("●").size(12), "Unread")).width(14),
        container(marker(
            s.flags.contains(Flags::FLAGGED),
            text("★").size(12),
            "Starred"
        ))
        .width(16),
        container(marker(
            s.attachments,
            icon(Icon::Paperclip, 13.0),
            "Has attachments"
        ))
        .width(16),
        container(sender).width(Length::Fill),
    ]
    .spacing(6)
    .align_y(iced::Alignment::Center);
    let mut second = iced::widget::row![
        Space::new().width(58),
        ellipsis(subject).font(weight).size(13).width(Length::Fill),
    ]
    .spacing(6)
    .align_y(iced::Alignment::Center);
    // Search results mix folders: each row says which (a folder's own list has no such column).
    if let Some(label) = folder {
        second = second.push(
            text(label)
                .size(12)
                .wrapping(text::Wrapping::None)
                .style(theme::muted),
        );
    }
    // A message moved here that the server has not confirmed yet says so where its date is.
    let second = if r.pending {
        second.push(tooltip(
            text("moving…")
                .size(12)
                .wrapping(text::Wrapping::None)
                .style(theme::muted),
            container(text("Moved here; the server has not confirmed it yet.").size(12))
                .padding(4)
                .style(container::bordered_box),
            tooltip::Position::Bottom,
        ))
    } else {
        second.push(
            text(s.received.map(date).unwrap_or_default())
                .size(12)
                .wrapping(text::Wrapping::None)
                .style(theme::muted),
        )
    };
    let line = column![first, second].spacing(2);
    button(line)
        .on_press(on_press)
        .width(Length::Fill)
        .height(ROW_HEIGHT)
        .padding(iced::Padding::from([4, 8]).right(18))
        .style(move |t, status| theme::list_row(t, status, selected))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_in_view_are_built() {
        let s = Scroll {
            offset: 300.0 * ROW_HEIGHT,
            height: 20.0 * ROW_HEIGHT,
        };
        assert_eq!(s.visible(100_000), 296..324);
        assert_eq!(s.visible(310), 296..310);
        assert_eq!(Scroll::default().visible(3), 0..3);
    }

    #[test]
    fn reveal_scrolls_just_enough() {
        let s = Scroll {
            offset: 10.0 * ROW_HEIGHT,
            height: 10.0 * ROW_HEIGHT,
        };
        assert_eq!(s.reveal(12), None);
        assert_eq!(s.reveal(9), Some(9.0 * ROW_HEIGHT));
        assert_eq!(s.reveal(20), Some(11.0 * ROW_HEIGHT));
    }
}
