//! The reading pane as it looks: who really sent the message, its warnings as loud as the
//! danger, the blocked remote content with the way to load it (through a proxy only) and its
//! ledger, the text as selectable plain text with each link's real host, the links, and the
//! attachments. The state it shows is `reading.rs`'s.

use super::Message;
use super::reading::{MarkerHighlighter, Reading, Remote};
use crate::backend::CannotLoad;
use crate::theme;
use crate::wording::explain;
use iced::widget::{
    Column, button, column, container, image, row, rule, scrollable, text, text_editor,
};
use iced::{Element, Length};
use quietpost_core::remote::Permission;
use quietpost_model::{Addr, Code, LedgerEntry, LedgerState, Opening, SafeMessage, Severity};

/// The message text (a read-only editor, so it can be selected and copied).
pub const BODY_ID: &str = "message-body";

/// Characters of a name flagged as very long that the From line shows.
const LONG_NAME_SHOWN: usize = 48;

fn badge<'a>(severity: Severity, title: String, explanation: String) -> Element<'a, Message> {
    let size = if severity == Severity::Info { 12 } else { 13 };
    container(
        column![
            text(format!(
                "{} {title}",
                crate::wording::severity_mark(severity)
            ))
            .font(theme::BOLD)
            .size(size),
            text(explanation).size(size)
        ]
        .spacing(2),
    )
    .padding([6, 10])
    .width(Length::Fill)
    .style(theme::severity(severity))
    .into()
}

fn field<'a>(label: &'a str, value: String) -> Element<'a, Message> {
    row![
        text(label).width(72).style(theme::muted),
        text(value).width(Length::Fill)
    ]
    .spacing(8)
    .into()
}

fn header(m: &SafeMessage, date: String) -> Element<'_, Message> {
    let subject = if m.subject.is_empty() {
        "(no subject)"
    } else {
        m.subject.as_str()
    };
    let mut block = column![text(subject).size(20).font(theme::BOLD)].spacing(4);
    // Deception is said first, in one line, above who sent it; the details follow below.
    if let Some(summary) = crate::wording::deceive_summary(&m.dangers()) {
        block = block.push(
            container(text(summary).font(theme::BOLD).size(14))
                .padding([8, 10])
                .width(Length::Fill)
                .style(theme::severity(Severity::Danger)),
        );
    }
    // The sender's name and real address, each on its own: the address is the truth. The
    // line wraps: a long name moves the address to the next line, never out of sight. A name
    // flagged as very long is cut (the badge says why).
    for a in &m.from {
        let name = a.name.as_ref().map_or("(no name)", |n| n.as_str());
        let name = if a.warnings.contains(&Code::LongDisplayName) {
            let cut: String = name.chars().take(LONG_NAME_SHOWN).collect();
            format!("{}…", cut.trim_end())
        } else {
            name.to_owned()
        };
        let address = a.address.as_ref().map_or("(no address)", |n| n.as_str());
        block = block.push(
            row![
                text("From").width(72).style(theme::muted),
                container(
                    row![
                        text(name)
                            .font(theme::BOLD)
                            .wrapping(text::Wrapping::WordOrGlyph),
                        text(format!("<{address}>")).wrapping(text::Wrapping::WordOrGlyph),
                    ]
                    .spacing(8)
                    .wrap()
                )
                .width(Length::Fill),
            ]
            .spacing(8),
        );
    }
    let list = |v: &[Addr]| {
        v.iter()
            .map(crate::wording::address)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !m.sender.is_empty() {
        block = block.push(field("Sent by", list(&m.sender)));
    }
    if !m.reply_to.is_empty() {
        block = block.push(field("Reply-To", list(&m.reply_to)));
    }
    if !m.to.is_empty() {
        block = block.push(field("To", list(&m.to)));
    }
    if !m.cc.is_empty() {
        block = block.push(field("Cc", list(&m.cc)));
    }
    block = block.push(field("Date", date));
    // The one authentication verdict (render's `verdict`): a ✓ only for a provider's pass
    // aligned with the sender shown.
    if let Some(auth) = m.authentication.as_ref().filter(|a| a.trusted) {
        block = block.push(match crate::wording::authentication(auth) {
            // The checked domain first, in plain words; how it was checked below.
            Ok(vouched) => container(
                column![
                    text(format!(
                        "✓ Signed by {}",
                        auth.verified_domain.as_ref().map_or("", |d| d.as_str())
                    ))
                    .font(theme::BOLD)
                    .size(13),
                    text(vouched).size(12),
                ]
                .spacing(2),
            )
            .padding([6, 10])
            .style(theme::verified)
            .into(),
            Err(why) => badge(Severity::Caution, "Not verified".to_owned(), why),
        });
    }
    // Who sent it first — the same summary the message list marks a row from — then the
    // message's other warnings.
    let sender = m.sender_summary();
    for a in sender.from.iter().chain(&sender.related) {
        for code in &a.warnings {
            block = block.push(badge(
                code.severity(),
                title(*code),
                explain(*code).to_owned(),
            ));
        }
    }
    for w in &sender.warnings {
        block = block.push(badge(
            w.code.severity(),
            title(w.code),
            w.detail.as_str().to_owned(),
        ));
    }
    for w in &m.warnings {
        if w.code == Code::HtmlConverted || w.code.is_about_sender() {
            continue; // said once, quietly, under the text; or said above
        }
        let detail = if w.detail.is_empty() {
            explain(w.code).to_owned()
        } else {
            w.detail.as_str().to_owned()
        };
        block = block.push(badge(w.code.severity(), title(w.code), detail));
    }
    block.into()
}

fn title(code: Code) -> String {
    crate::wording::headline(code).to_owned()
}

fn ledger_view(ledger: &[LedgerEntry]) -> Element<'_, Message> {
    let mut list =
        column![text("Network ledger: every remote item in this message").font(theme::BOLD)]
            .spacing(6);
    for e in ledger {
        // Trackers told apart from the message's pictures.
        let kind = if e.tracker {
            "tracker"
        } else {
            e.kind.as_str()
        };
        list = list.push(
            column![
                text(format!(
                    "{kind} — {}: {}",
                    crate::wording::ledger_state(e),
                    e.detail
                ))
                .size(13),
                text(e.url.as_str()).size(12).style(theme::muted),
            ]
            .spacing(1),
        );
    }
    list.into()
}

fn banner(r: &Reading) -> Option<Element<'_, Message>> {
    let m = r.message();
    if m.remote_content.is_empty() {
        return None;
    }
    // One line for the routine case: how many were blocked, how many of them are trackers,
    // Load (when it can do something) and Details; the why, the setting and the ledger are
    // behind Details.
    let blocked = r.blocked();
    let count = |s| r.opened.ledger.iter().filter(|e| e.state == s).count();
    let mut summary = if count(LedgerState::Loaded) + count(LedgerState::Failed) == 0 {
        format!(
            "{blocked} remote item{} blocked",
            if blocked == 1 { "" } else { "s" }
        )
    } else {
        crate::wording::ledger_counts(&r.opened.ledger, " through your proxy")
    };
    let trackers = m.remote_content.iter().filter(|x| x.tracker).count();
    if trackers > 0 {
        summary.push_str(&format!(
            " · {trackers} tracker{}",
            if trackers == 1 { "" } else { "s" }
        ));
    }
    let details_label = if r.show_ledger {
        "Hide details"
    } else {
        "Details"
    };
    let mut line = row![text(summary).font(theme::BOLD).width(Length::Fill)]
        .spacing(8)
        .align_y(iced::Alignment::Center);
    // When nothing here could ever load, no button that could not do anything.
    let nothing_loads = r.opened.cannot_load == Some(CannotLoad::Attached)
        || !(m.remote_content.iter()).any(|x| x.loadable());
    if !nothing_loads && r.can_load().is_ok() {
        line = line.push(crate::widget::focusable::pressed(
            button(text("Load through proxy").size(13)),
            Message::LoadRemote,
        ));
    }
    // No proxy: the button says why nothing loads, and leads to where one is set.
    if !nothing_loads && r.opened.cannot_load == Some(CannotLoad::NoProxy) {
        line = line.push(crate::widget::focusable::pressed(
            button(text("Set a proxy to load…").size(13)).style(theme::secondary),
            Message::OpenSettings,
        ));
    }
    line = line.push(crate::widget::focusable::pressed(
        button(text(details_label).size(13)).style(theme::secondary),
        Message::ToggleLedger,
    ));
    let mut col = column![line].spacing(6);
    if r.show_ledger {
        col = col.push(
            text("Nothing was loaded from the sender's servers, so they cannot tell you opened this.")
                .size(13),
        );
        if trackers > 0 {
            col = col.push(text(crate::wording::TRACKERS).size(13));
        }
        if let Err(why) = r.can_load() {
            col = col.push(text(why).size(12).style(theme::muted));
            if !nothing_loads && r.opened.cannot_load == Some(CannotLoad::Policy) {
                col = col.push(crate::widget::focusable::pressed(
                    button(text("Allow loading on request").size(13)).style(theme::secondary),
                    Message::AllowOnRequest,
                ));
            }
        }
        if r.opened.permission == Permission::Always {
            col = col.push(
                text("Images from this sender load without asking (your setting, confirmed by your provider).")
                    .size(12)
                    .style(theme::muted),
            );
        }
        col = col.push(ledger_view(&r.opened.ledger));
    }
    Some(
        container(col)
            .padding([6, 10])
            .width(Length::Fill)
            .style(theme::banner)
            .into(),
    )
}

fn links(m: &SafeMessage) -> Option<Element<'_, Message>> {
    if m.links.is_empty() {
        return None;
    }
    let mut list = column![text("Links (where they really go)").font(theme::BOLD)].spacing(6);
    for (i, l) in m.links.iter().enumerate() {
        let url = l.url.as_str();
        // Where it goes: the host, or for a link without one (javascript:, data:) its scheme.
        let host = l.host.as_ref().map_or_else(
            || {
                url.split_once(':')
                    .map_or(url, |(scheme, _)| scheme)
                    .to_owned()
                    + ":"
            },
            |h| h.as_str().to_owned(),
        );
        // The site it belongs to, when the host does not end plainly with it.
        let site = l
            .registrable
            .as_ref()
            .filter(|r| r.as_str() != host)
            .map(|r| format!(" (a page of {r})"))
            .unwrap_or_default();
        let label = format!("[{}] {} → {host}{site}", i + 1, l.text);
        let entry: Element<'_, Message> = if l.activatable {
            crate::widget::focusable::pressed(
                button(text(label).size(13))
                    .style(theme::link)
                    .padding([2, 4]),
                Message::Link(i),
            )
        } else {
            // A dangerous or broken link has no action at all: nothing to click.
            text(format!("{label} (cannot be opened)"))
                .size(13)
                .style(theme::muted)
                .into()
        };
        let mut item = column![entry].spacing(2);
        for code in &l.warnings {
            item = item.push(text(format!("⚠ {}", explain(*code))).size(12));
        }
        if l.original.is_some() {
            let note = crate::wording::cleaned_link(l);
            let note = note.trim_end_matches(" As written:");
            item = item.push(text(note.to_owned()).size(12).style(theme::muted));
        }
        list = list.push(item);
    }
    Some(list.into())
}

fn attachments<'a>(
    m: &'a SafeMessage,
    previews: &'a [(usize, Result<image::Handle, String>)],
) -> Option<Element<'a, Message>> {
    if m.attachments.is_empty() {
        return None;
    }
    let mut list = column![text("Attachments").font(theme::BOLD)].spacing(8);
    for (i, a) in m.attachments.iter().enumerate() {
        let kind = match a.detected_type {
            Some(t) => format!("{t} (declared {})", a.content_type),
            None => a.content_type.as_str().to_owned(),
        };
        // Only what can be opened gets an Open button; the rest says why it is saved only.
        let mut buttons = row![crate::widget::focusable::pressed(
            button(text("Save")),
            Message::Save(i)
        )]
        .spacing(8);
        let open_label = match a.opening {
            Opening::Viewer => Some("Open"),
            Opening::Document => Some("Open…"),
            Opening::Quietpost => Some("Read it here"),
            Opening::SaveOnly(_) => None,
        };
        if let Some(label) = open_label {
            buttons = buttons.push(crate::widget::focusable::pressed(
                button(text(label)).style(theme::secondary),
                Message::OpenAttachment(i),
            ));
        }
        let mut item = column![
            row![
                text(a.safe_filename.as_str())
                    .font(theme::BOLD)
                    .width(Length::Fill),
                buttons,
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
            text(format!("{} · {kind}", crate::wording::size(a.size)))
                .size(12)
                .style(theme::muted),
        ]
        .spacing(2);
        if let Opening::SaveOnly(why) = a.opening {
            item = item.push(
                text(format!("Save only: {}", crate::wording::save_only(why)))
                    .size(12)
                    .style(theme::muted),
            );
        }
        if let Some(looks) = &a.looks_like {
            item = item.push(
                text(format!("Other programs show this name as: {looks}"))
                    .size(12)
                    .style(theme::muted),
            );
        }
        if a.filename.as_str() != a.safe_filename.as_str() && !a.filename.is_empty() {
            item = item.push(
                text(format!("Sent as: {}", a.filename))
                    .size(12)
                    .style(theme::muted),
            );
        }
        for code in &a.warnings {
            item = item.push(text(format!("⚠ {}", explain(*code))).size(12));
        }
        // A picture is previewed here (decoded in memory, within bounds), or says why not.
        match previews.iter().find(|(p, _)| *p == i).map(|(_, r)| r) {
            Some(Ok(handle)) => {
                item = item.push(
                    container(image(handle.clone()).content_fit(iced::ContentFit::ScaleDown))
                        .max_height(PREVIEW_HEIGHT)
                        .padding([4, 0]),
                );
            }
            Some(Err(why)) => {
                item = item.push(
                    text(format!("No preview: {why}"))
                        .size(12)
                        .style(theme::muted),
                );
            }
            None => {}
        }
        list = list.push(item);
    }
    Some(list.into())
}

/// The reading pane for an open message.
pub fn view(r: &Reading, date: String) -> Element<'_, Message> {
    let m = r.message();
    let mut page: Column<'_, Message> = column![].spacing(12).padding(16);
    if r.back.is_some() {
        page = page.push(
            container(
                column![
                    row![
                        text("Attached message").font(theme::BOLD).width(Length::Fill),
                        crate::widget::focusable::pressed(button(text("Back to the message")).style(theme::secondary), Message::BackToMessage),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                    text(
                        "It came as an attachment, and Quietpost shows it as it shows any message. Its sender is not the sender of the message it came in, and no authentication result in it is believed."
                    )
                    .size(13),
                ]
                .spacing(4),
            )
            .padding(10)
            .style(theme::banner)
            .width(Length::Fill),
        );
    }
    page = page.push(header(m, date));
    if let Some(b) = banner(r) {
        page = page.push(b);
    }
    if let Remote::Loaded(images) = &r.remote {
        for handle in images {
            page = page.push(image(handle.clone()).width(Length::Shrink));
        }
    }
    page = page.push(rule::horizontal(1));
    page = page.push(
        text_editor(&r.body)
            .id(BODY_ID)
            .highlight_with::<MarkerHighlighter>(r.markers.clone(), |_, theme: &iced::Theme| {
                iced::advanced::text::highlighter::Format {
                    color: Some(theme::marker(theme)),
                    font: Some(theme::BOLD),
                }
            })
            .on_action(Message::Body)
            .key_binding(crate::keys::read_only)
            .height(Length::Shrink)
            .padding(0)
            .style(|t: &iced::Theme, s| {
                let mut style = text_editor::default(t, s);
                style.background = iced::Background::Color(iced::Color::TRANSPARENT);
                style.border = iced::Border::default();
                style
            }),
    );
    if r.hidden_bytes() > 0 {
        page = page.push(
            row![
                text(format!(
                    "This message is long: {} of its text are not shown yet.",
                    crate::wording::size(r.hidden_bytes() as u64)
                ))
                .size(13)
                .width(Length::Fill),
                crate::widget::focusable::pressed(
                    button(text("Show the rest")).style(theme::secondary),
                    Message::ShowWholeText
                ),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
    }
    if m.has_warning(Code::VersionsDiffer) || r.opened.prefer == quietpost_render::Prefer::Html {
        let label = match r.opened.prefer {
            quietpost_render::Prefer::Plain => "Show the HTML version",
            quietpost_render::Prefer::Html => "Show the plain-text version",
        };
        page = page.push(crate::widget::focusable::pressed(
            button(text(label)).style(theme::secondary),
            Message::OtherVersion,
        ));
    }
    if m.has_warning(Code::HtmlConverted) {
        page = page.push(
            text("Written in HTML, shown as text: nothing in it was loaded or run.")
                .size(12)
                .style(theme::muted),
        );
    }
    if let Some(l) = links(m) {
        page = page.push(rule::horizontal(1));
        page = page.push(l);
    }
    if let Some(a) = attachments(m, &r.previews) {
        page = page.push(rule::horizontal(1));
        page = page.push(a);
    }
    // A comfortable measure on a wide screen: lines of about 80 characters (a 72-column
    // message fits whole), the page centred in the pane.
    scrollable(container(page.max_width(MEASURE)).center_x(Length::Fill))
        .height(Length::Fill)
        .into()
}

/// How tall an image attachment's preview is, at most.
const PREVIEW_HEIGHT: f32 = 220.0;

/// The reading pane's widest page (its padding included), in logical pixels.
pub const MEASURE: f32 = 640.0;

#[cfg(test)]
mod tests {
    use super::super::reading::FIRST_TEXT;
    use super::*;
    use crate::backend::Opened;
    use quietpost_model::{MessageRow, Summary};

    fn reading(raw: &[u8]) -> Reading {
        let message = quietpost_render::render(raw, &quietpost_render::Options::default());
        Reading::new(Opened {
            id: quietpost_model::MessageId(1),
            row: MessageRow {
                id: quietpost_model::MessageId(1),
                account: "a".into(),
                folder: "INBOX".into(),
                uidvalidity: 1,
                summary: Summary::default(),
                has_body: true,
                pending: false,
            },
            ledger: Vec::new(),
            permission: Permission::Blocked,
            cannot_load: Some(CannotLoad::Policy),
            within: Vec::new(),
            prefer: quietpost_render::Prefer::Plain,
            message,
        })
    }

    /// An account whose remote content is blocked offers to allow it, in the window: the
    /// reason names no command.
    #[test]
    fn a_blocked_account_is_allowed_from_the_window_never_by_a_command() {
        let mut r = reading(
            b"From: a@example.org\r\nContent-Type: text/html\r\n\r\n<p>Hi<img src='https://t.example/p.gif'>",
        );
        r.opened.ledger = (r.message().remote_content.iter())
            .map(|x| quietpost_model::LedgerEntry {
                url: x.url.clone(),
                kind: x.kind,
                state: LedgerState::Blocked,
                via: None,
                at: None,
                detail: quietpost_model::SafeLine::new("blocked", 20),
                tracker: x.tracker,
            })
            .collect();
        let why = r.can_load().unwrap_err();
        assert!(!why.contains("quietpost"), "{why}");
        // One line; the way to allow it is behind Details.
        assert!(
            iced_test::simulator(banner(&r).unwrap())
                .find("Allow loading on request")
                .is_err()
        );
        r.show_ledger = true;
        let mut ui = iced_test::simulator(banner(&r).unwrap());
        ui.click("Allow loading on request").unwrap();
        let messages: Vec<Message> = ui.into_messages().collect();
        assert!(
            matches!(messages.as_slice(), [Message::AllowOnRequest]),
            "{messages:?}"
        );
    }

    /// A click in the message text gives the editor focus; a letter typed then is not taken by
    /// it (the window's shortcut gets it), while copying still is.
    #[test]
    fn letters_after_a_click_in_the_text_are_left_for_the_shortcuts() {
        let r = reading(b"From: a@example.org\r\nSubject: s\r\n\r\nHello there, reader.\r\n");
        let mut ui = iced_test::simulator(view(&r, "today".into()));
        ui.click(iced::widget::Id::new(BODY_ID)).unwrap();
        assert_eq!(
            ui.tap_key(iced::keyboard::Key::Character("a".into())),
            iced::event::Status::Ignored
        );
        assert_eq!(ui.typewrite("s"), iced::event::Status::Ignored);
        let messages: Vec<Message> = ui.into_messages().collect();
        assert!(
            !messages
                .iter()
                .any(|m| matches!(m, Message::Body(a) if a.is_edit())),
            "{messages:?}"
        );
    }

    #[test]
    fn a_huge_body_is_shown_in_part_until_asked() {
        let line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n";
        let raw = format!(
            "From: a@example.org\r\nSubject: long\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\n{}",
            line.repeat(20_000)
        );
        let mut r = reading(raw.as_bytes());
        let shown = r.body.text();
        assert!(shown.len() <= FIRST_TEXT, "{}", shown.len());
        assert!(shown.trim_end().ends_with("elit."), "cut at a line end");
        assert!(r.hidden_bytes() > 1_000_000);
        r.show_all();
        assert_eq!(r.hidden_bytes(), 0);
        assert!(r.body.text().len() > 1_000_000);

        let short = reading(b"From: a@example.org\r\nSubject: s\r\n\r\nHello.\r\n");
        assert_eq!(short.hidden_bytes(), 0);
    }

    #[test]
    fn link_markers_carry_the_real_host() {
        let r = reading(
            b"From: a@example.org\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n<a href=\"https://evil.example/x\">bank.example</a> and <a href=\"javascript:alert(1)\">win</a> [9]",
        );
        let text = r.body.text();
        assert!(text.contains("[1 → evil.example]"), "{text}");
        assert!(text.contains("[2 cannot be opened]"), "{text}");
        assert!(
            text.contains("[9]"),
            "a number that is no link stays as written: {text}"
        );
    }

    #[test]
    fn only_the_renderers_markers_are_annotated_and_styled() {
        // The message writes "[1]" and a fake annotation; one real link follows, on line 2.
        let r = reading(
            "From: a@example.org\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n<p>See [1] and [2 → bank.example].</p><p>Then <a href=\"https://attacker.example/\">sign in</a></p>".as_bytes(),
        );
        let text = r.body.text();
        assert!(text.contains("See [1] and [2 → bank.example]."), "{text}");
        assert!(text.contains("sign in [1 → attacker.example]"), "{text}");
        // Styled: exactly the real marker, on its line.
        let lines: Vec<&str> = text.lines().collect();
        let styled: Vec<(usize, &str)> = r
            .markers
            .0
            .iter()
            .enumerate()
            .flat_map(|(n, ranges)| ranges.iter().map(move |m| (n, m.range.clone())))
            .map(|(n, rg)| (n, &lines[n][rg]))
            .collect();
        assert_eq!(styled.len(), 1, "{styled:?}");
        assert_eq!(styled[0].1, "[1 → attacker.example]");
    }
}
