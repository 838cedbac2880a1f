//! The settings pane's view: one column of sections, each saying what it protects; every
//! button acts (a running check greys its own button only).

use super::{Busy, Confirm, Field, Message, Section, Settings};
use crate::screen::mailbox::Notice;
use crate::theme;
use crate::widget::focusable::{focusable, pressed};
use crate::widget::icon::{Icon, icon};
use iced::widget::{
    Space, button, checkbox, column, container, radio, row, scrollable, text, text_editor,
    text_input, toggler,
};
use iced::{Alignment, Element, Length};
use quietpost_core::settings::{Edit, Preset};
use quietpost_model::{Documents, Notifications, RemoteContent};

/// The id of the first field (focused when the pane opens).
pub const FIRST_FIELD: &str = "settings-display-name";

fn heading<'a>(title: &'a str, about: &'a str) -> Element<'a, Message> {
    column![
        text(title).size(16).font(theme::BOLD),
        text(about).size(12).style(theme::muted),
    ]
    .spacing(2)
    .into()
}

fn notice(n: Option<&Notice>) -> Option<Element<'_, Message>> {
    n.map(|n| match n {
        Notice::Done(w) => text(w.as_str()).size(12).into(),
        Notice::Failed(w) => text(w.as_str()).size(12).style(theme::warning_text).into(),
    })
}

/// A switch with its label, turned by a click, or by Space or Enter once Tab reached it.
fn switch<'a>(on: bool, label: &'a str, to: impl Fn(bool) -> Message + 'a) -> Element<'a, Message> {
    let turned = to(!on);
    focusable(
        toggler(on).label(label).on_toggle(to).size(18),
        Some(turned),
    )
    .into()
}

fn lines<'a>(lines: &[String]) -> Element<'a, Message> {
    column(lines.iter().map(|l| text(l.clone()).size(12).into()))
        .spacing(2)
        .into()
}

impl Settings {
    /// A button that does `m`, or waits (greyed) while `busy` runs.
    fn act<'a>(&self, label: &'a str, m: Message, busy: Busy) -> Element<'a, Message> {
        let waiting = self.busy == Some(busy);
        let m = (!waiting).then_some(m);
        let b = button(text(if waiting { "…" } else { label }).size(13))
            .style(theme::secondary)
            .on_press_maybe(m.clone());
        focusable(b, m).into()
    }

    fn input<'a>(&'a self, hint: &'a str, field: Field, value: &'a str) -> Element<'a, Message> {
        let input = text_input(hint, value)
            .on_input(move |v| Message::Typed(field, v))
            .on_submit(Message::SaveField(field))
            .padding(6)
            .width(Length::Fill);
        match field {
            Field::DisplayName => input.id(FIRST_FIELD).into(),
            Field::Password => input.secure(true).on_submit(Message::ChangePassword).into(),
            Field::ImapHost | Field::ImapPort | Field::SmtpHost | Field::SmtpPort => {
                input.on_submit(Message::SaveServers).into()
            }
            _ => input.into(),
        }
    }

    pub fn view(&self, accounts: usize) -> Element<'_, Message> {
        let a = &self.account;
        let header = row![
            text(if accounts > 1 {
                format!("Settings of {}", a.name)
            } else {
                "Settings".to_owned()
            })
            .size(18)
            .font(theme::BOLD)
            .width(Length::Fill),
            pressed(
                button(text("Close").size(13)).style(theme::secondary),
                Message::Close
            ),
        ]
        .spacing(8)
        .align_y(Alignment::Center);

        let mut page = column![].spacing(22).padding([4, 0]);
        if let Some(confirm) = &self.confirm {
            page = page.push(self.confirm_view(confirm));
        }
        page = page
            .push(self.preset_view())
            .push(self.identity_view())
            .push(self.connection_view())
            .push(self.servers_view())
            .push(self.remote_view())
            .push(self.other_view());
        container(
            column![
                header,
                scrollable(page.padding(iced::Padding::ZERO.right(12))).height(Length::Fill)
            ]
            .spacing(12),
        )
        .padding([12, 20])
        .max_width(820)
        .height(Length::Fill)
        .into()
    }

    fn confirm_view<'a>(&'a self, confirm: &'a Confirm) -> Element<'a, Message> {
        let (title, body, yes): (&str, Vec<String>, &str) = match confirm {
            Confirm::PresetOff(changes) => (
                "Turn off “Protect my location and identity”?",
                changes
                    .iter()
                    .map(|c| {
                        format!(
                            "{}: {} → {}",
                            crate::wording::settings::label(c.setting),
                            c.before,
                            c.after
                        )
                    })
                    .collect(),
                "Turn it off",
            ),
            Confirm::RemoveAccount => (
                "Remove this account?",
                vec![crate::wording::settings::removal(&self.account)],
                "Remove",
            ),
        };
        container(
            column![
                text(title).font(theme::BOLD),
                lines(&body),
                row![
                    pressed(button(text(yes).size(13)), Message::Confirmed),
                    pressed(
                        button(text("Cancel").size(13)).style(theme::secondary),
                        Message::Cancel
                    ),
                ]
                .spacing(8),
            ]
            .spacing(8),
        )
        .padding(12)
        .style(theme::banner)
        .into()
    }

    fn preset_view(&self) -> Element<'_, Message> {
        let a = &self.account;
        let on = quietpost_core::settings::is_on(a, Preset::Journalist);
        let mut col = column![
            row![
                icon(Icon::Shield, 16.0),
                focusable(
                    toggler(on)
                        .label(crate::wording::settings::JOURNALIST)
                        .on_toggle(Message::Preset)
                        .size(20),
                    Some(Message::Preset(!on)),
                ),
            ]
            .spacing(8)
            .align_y(Alignment::Center),
            text("For journalists and anyone who must not be located: every connection through your proxy (Tor), nothing loaded by itself, documents saved only, the reveal before every send.")
                .size(12)
                .style(theme::muted),
        ]
        .spacing(6);
        for item in quietpost_core::settings::checklist(a) {
            col = col.push(
                row![
                    text(if item.holds { "✓" } else { "✗" })
                        .font(theme::BOLD)
                        .style(if item.holds {
                            theme::muted
                        } else {
                            theme::warning_text
                        }),
                    text(crate::wording::settings::item(&item, a)).size(13),
                ]
                .spacing(8),
            );
        }
        if let Some(n) = notice(self.said(Section::Preset)) {
            col = col.push(n);
        }
        col.into()
    }

    fn identity_view(&self) -> Element<'_, Message> {
        let mut col = column![
            heading("Identity", "Who your mail says it is from."),
            text("Name shown in From").size(13),
            self.input(
                "Your name (or leave empty)",
                Field::DisplayName,
                &self.display_name
            ),
            text("Signature, added below what you write").size(13),
            text_editor(&self.signature)
                .on_action(Message::Signature)
                .height(90)
                .padding(6),
            row![pressed(
                button(text("Save").size(13)),
                Message::SaveIdentity
            )],
        ]
        .spacing(6);
        if let Some(n) = notice(self.said(Section::Identity)) {
            col = col.push(n);
        }
        col.into()
    }

    fn connection_view(&self) -> Element<'_, Message> {
        let a = &self.account;
        let mut col = column![
            heading(
                "Connection",
                "Through a proxy, your mail servers, the image hosts and anyone watching the network see the proxy's address, not yours. If it is down, nothing connects."
            ),
            text(format!(
                "Now: {}.",
                crate::wording::settings::route(a)
            ))
            .size(13),
            row![
                self.input("socks5://127.0.0.1:9050 (Tor)", Field::Proxy, &self.proxy),
                pressed(button(text("Save").size(13)), Message::SaveField(Field::Proxy)),
                self.act("Test", Message::TestProxy, Busy::TestingProxy),
            ]
            .spacing(6)
            .align_y(Alignment::Center),
            switch(
                a.proxy_required,
                "Require the proxy: with none set, nothing connects",
                |on| Message::Edit(Section::Connection, vec![Edit::RequireProxy(on)]),
            ),
            switch(
                a.isolate_streams,
                "Tor stream isolation: separate circuits for the mail server, sending and each message's images",
                |on| Message::Edit(Section::Connection, vec![Edit::IsolateStreams(on)]),
            ),
        ]
        .spacing(8);
        if a.proxy.is_some() && !a.proxy_required {
            col = col.push(pressed(
                button(text("Connect directly (remove the proxy)").size(12)).style(theme::link),
                Message::Edit(Section::Connection, vec![Edit::Proxy(None)]),
            ));
        }
        if let Some(n) = notice(self.said(Section::Connection)) {
            col = col.push(n);
        }
        col.into()
    }

    fn servers_view<'a>(&'a self) -> Element<'a, Message> {
        let a = &self.account;
        let server = |role: &'static str,
                      host: (Field, &'a str),
                      port: (Field, &'a str),
                      starttls: bool,
                      smtp: bool| {
            row![
                text(role).size(13).width(44),
                self.input("mail.example.org", host.0, host.1),
                container(self.input("port", port.0, port.1)).width(80),
                focusable(
                    checkbox(starttls)
                        .label("STARTTLS (required)")
                        .on_toggle(move |on| Message::StartTls(smtp, on))
                        .text_size(13),
                    Some(Message::StartTls(smtp, !starttls)),
                ),
            ]
            .spacing(6)
            .align_y(Alignment::Center)
        };
        let mut col = column![
            heading(
                "Servers",
                "Where your mail is and how it is trusted. Other servers are saved only once both accept your password, inside TLS. A pin trusts one server key only: compare it with your administrator's before saving."
            ),
            server(
                "IMAP",
                (Field::ImapHost, &self.imap_host),
                (Field::ImapPort, &self.imap_port),
                self.imap_starttls,
                false
            ),
            server(
                "SMTP",
                (Field::SmtpHost, &self.smtp_host),
                (Field::SmtpPort, &self.smtp_port),
                self.smtp_starttls,
                true
            ),
            row![self.act("Check and use these servers", Message::SaveServers, Busy::Servers)],
            text("Pinned SHA-256 fingerprint").size(13),
            row![
                self.input("AB:CD:… (64 hex digits), or empty", Field::Pin, &self.pin),
                pressed(button(text("Save").size(13)), Message::SaveField(Field::Pin)),
            ]
            .spacing(6),
            text("Your own certificate authority (PEM file)").size(13),
            row![
                self.input("/path/to/ca.pem, or empty for the system's", Field::CaFile, &self.ca_file),
                pressed(button(text("Save").size(13)), Message::SaveField(Field::CaFile)),
            ]
            .spacing(6),
            row![self.act("Check now", Message::CheckNow, Busy::Checking)],
        ]
        .spacing(6);
        if let Some(check) = &self.check {
            col = col.push(lines(check));
        }
        if let quietpost_model::PasswordSource::Keychain = a.password {
            col = col.push(text("New password (kept only once both servers accept it)").size(13));
            col = col.push(
                row![
                    self.input("Password", Field::Password, &self.password),
                    self.act("Change password", Message::ChangePassword, Busy::Password),
                ]
                .spacing(6),
            );
        } else {
            col = col.push(
                text("The password comes from your password command; change it there.")
                    .size(12)
                    .style(theme::muted),
            );
        }
        if let Some(n) = notice(self.said(Section::Servers)) {
            col = col.push(n);
        }
        col.into()
    }

    fn remote_view(&self) -> Element<'_, Message> {
        let a = &self.account;
        let choice = |label, value| {
            let pick = |v| Message::Edit(Section::Remote, vec![Edit::Remote(v)]);
            focusable(
                radio(label, value, Some(a.remote_content), pick)
                    .size(16)
                    .text_size(13),
                Some(pick(value)),
            )
        };
        let mut col = column![
            heading(
                "Remote content",
                "Images a message links to tell its sender when and where you read it. Nothing loads by itself."
            ),
            choice(
                "Load one message's images when I ask, through the proxy",
                RemoteContent::OnRequest
            ),
            choice("Never, not even when I ask", RemoteContent::Never),
            text("Always load images from (only when your provider verified the sender)").size(13),
        ]
        .spacing(6);
        for sender in &a.always_load_from {
            col = col.push(
                row![
                    text(sender.as_str()).size(13).width(Length::Fill),
                    pressed(
                        button(text("Remove").size(12)).style(theme::secondary),
                        Message::Edit(Section::Remote, vec![Edit::NoAlwaysLoad(sender.clone())])
                    ),
                ]
                .align_y(Alignment::Center),
            );
        }
        col = col.push(
            row![
                self.input("sender@example.org", Field::AlwaysLoad, &self.always_load),
                pressed(
                    button(text("Add").size(13)),
                    Message::SaveField(Field::AlwaysLoad)
                ),
            ]
            .spacing(6),
        );
        col = col.push(
            text(match a.trusted_authserv_ids.as_slice() {
                [] => "Your provider's authentication results: not known yet, so no sender shows as verified. Check what your provider reveals to learn them.".to_owned(),
                ids => format!("Authentication results believed from: {}.", ids.join(", ")),
            })
            .size(12)
            .style(theme::muted),
        );
        for id in &a.trusted_authserv_ids {
            col = col.push(
                row![
                    text(id.as_str()).size(13).width(Length::Fill),
                    pressed(
                        button(text("Remove").size(12)).style(theme::secondary),
                        Message::Edit(Section::Remote, vec![Edit::NoTrustAuthserv(id.clone())])
                    ),
                ]
                .align_y(Alignment::Center),
            );
        }
        col = col.push(
            row![
                self.input("mx.your-provider.example", Field::Authserv, &self.authserv),
                pressed(
                    button(text("Add").size(13)),
                    Message::SaveField(Field::Authserv)
                ),
            ]
            .spacing(6),
        );
        col = col.push(row![self.act(
            "Check what my provider reveals",
            Message::SelfTest,
            Busy::SelfTest
        )]);
        if self.busy == Some(Busy::SelfTest) {
            col = col.push(
                text("Sending a test message to yourself and reading what your provider adds…")
                    .size(12)
                    .style(theme::muted),
            );
        }
        if let Some(said) = &self.selftest {
            col = col.push(lines(said));
        }
        if let Some(n) = notice(self.said(Section::Remote)) {
            col = col.push(n);
        }
        col.into()
    }

    /// Which folders' new mail is notified: a muted folder never is.
    fn notified_folders(&self) -> Element<'_, Message> {
        let a = &self.account;
        if a.notifications == Notifications::Off || self.folders().is_empty() {
            return Space::new().into();
        }
        let boxes = self.folders().iter().map(|(name, shown)| {
            let on = a.notifies(name);
            let name = name.clone();
            let edit = move |on: bool| {
                let edit = if on {
                    Edit::Unmute(name.clone())
                } else {
                    Edit::Mute(name.clone())
                };
                Message::Edit(Section::Other, vec![edit])
            };
            let toggled = edit(!on);
            focusable(
                checkbox(on)
                    .label(shown.as_str())
                    .on_toggle(edit)
                    .text_size(13),
                Some(toggled),
            )
            .into()
        });
        column![
            text("For new mail in (the others are muted):").size(13),
            iced::widget::Row::with_children(boxes).spacing(14).wrap(),
        ]
        .spacing(4)
        .padding([0, 24])
        .into()
    }

    fn other_view(&self) -> Element<'_, Message> {
        let a = &self.account;
        let documents = |label, value| {
            let pick = |v| Message::Edit(Section::Other, vec![Edit::Documents(v)]);
            focusable(
                radio(label, value, Some(a.documents), pick)
                    .size(16)
                    .text_size(13),
                Some(pick(value)),
            )
        };
        let notifications = |label, value| {
            let pick = |v| Message::Edit(Section::Other, vec![Edit::Notifications(v)]);
            focusable(
                radio(label, value, Some(a.notifications), pick)
                    .size(16)
                    .text_size(13),
                Some(pick(value)),
            )
        };
        let mut col = column![
            heading(
                "Documents",
                "A PDF or office viewer can go online by itself when it opens a file."
            ),
            documents("Open in the system's viewer (after a warning), or save", Documents::Open),
            documents("Save only", Documents::SaveOnly),
            Space::new().height(8),
            heading(
                "Notifications",
                "What your desktop shows when new mail arrives, to anyone who sees your screen."
            ),
            notifications("Off", Notifications::Off),
            notifications("“New mail”, without sender or subject", Notifications::NewMail),
            notifications("With the sender and subject", Notifications::WithSender),
            self.notified_folders(),
            Space::new().height(8),
            heading("Before sending", "What a message reveals: who sees whom, your name, the files' hidden data, the route."),
            switch(
                a.reveal_every_send,
                "Show it before every send (otherwise the first time, and when something new would be revealed)",
                |on| Message::Edit(Section::Other, vec![Edit::RevealEverySend(on)]),
            ),
            Space::new().height(8),
            heading("Remove this account", "Its mail stays on the server."),
            row![self.act("Remove this account…", Message::AskRemove, Busy::Removing)],
        ]
        .spacing(6);
        if let Some(n) = notice(self.said(Section::Other)) {
            col = col.push(n);
        }
        col.into()
    }
}
