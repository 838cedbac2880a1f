//! The wizard's screens: the form, the servers found or typed, the check, the certificate.

use super::{EMAIL_ID, Message, Mode, ServerForm, Step, Wizard};
use crate::theme;
use crate::widget::focusable::{focusable, pressed};
use iced::widget::{
    Column, Space, button, checkbox, column, container, pick_list, row, scrollable, text,
    text_input,
};
use iced::{Element, Length};
use quietpost_model::Security;

impl Wizard {
    pub fn view(&self) -> Element<'_, Message> {
        let f = &self.form;
        let title = text("Add an account").size(24).font(theme::BOLD);
        let body: Column<'_, Message> = match &self.step {
            Step::Details { error } => {
                // What went wrong leads, above the form — each in a place of its own that is
                // always there: a problem that appears must not shift the fields below it,
                // which would hand the typed-into field's state (its focus) to another widget.
                let mut c =
                    column![slot(self.no_keychain.as_deref()), slot(error.as_deref())].spacing(10);
                let mut fields = column![
                    labelled(
                        "Email address",
                        text_input("name@example.org", &f.email)
                            .id(EMAIL_ID)
                            .on_input(Message::Email)
                            .on_submit(Message::FindServers)
                    ),
                    labelled(
                        "Password",
                        text_input("", &f.password)
                            .secure(true)
                            .on_input(Message::Password)
                            .on_submit(Message::FindServers)
                    ),
                ]
                .spacing(10);
                // A provider that takes only app passwords says so before the password is
                // typed, with its page as text to copy (the window opens nothing by itself).
                if let Some(a) =
                    quietpost_core::autoconfig::builtin(f.email.trim()).and_then(|d| d.app_password)
                {
                    fields = fields.push(app_password(a));
                }
                fields = fields
                    .push(labelled(
                        "Account name",
                        text_input("Personal", &f.name)
                            .on_input(Message::Name)
                            .on_submit(Message::FindServers),
                    ))
                    .push(labelled(
                        "Your name, as recipients see it beside your address (optional)",
                        text_input("Alex Example", &f.display_name)
                            .on_input(Message::DisplayName)
                            .on_submit(Message::FindServers),
                    ))
                    .push(
                        column![
                            text("Signature, added below what you write (optional)").size(13),
                            iced::widget::text_editor(&f.signature)
                                .on_action(Message::Signature)
                                .height(64)
                                .padding(6),
                        ]
                        .spacing(4),
                    );
                fields = fields.push(
                    column![
                        focusable(
                            checkbox(f.protect)
                                .label(crate::wording::settings::JOURNALIST)
                                .on_toggle(Message::Protect),
                            Some(Message::Protect(!f.protect)),
                        ),
                        text("For journalists and anyone who must not be located: every connection through a proxy such as Tor (nothing connects without it), nothing loaded by itself, documents saved only, what a message reveals shown before every send. It can be changed later in the settings.")
                            .size(12)
                            .style(theme::muted),
                    ]
                    .spacing(4),
                );
                // The proxy is an advanced option, shown at once when one is set.
                if self.advanced || !f.proxy.is_empty() {
                    fields = fields
                        .push(labelled(
                            "Proxy (optional)",
                            text_input("socks5://127.0.0.1:9050 for Tor", &f.proxy).on_input(Message::Proxy),
                        ))
                        .push(
                            text("With a proxy, every connection of this account goes through it — finding its servers too; if it is down, nothing connects.")
                                .size(12)
                                .style(theme::muted),
                        );
                } else {
                    fields = fields.push(pressed(
                        button(text("Connection options (a proxy such as Tor)…").size(13))
                            .style(button::text),
                        Message::Advanced,
                    ));
                }
                c = c.push(
                    fields.push(
                        row![
                            pressed(button(text("Find my servers")), Message::FindServers),
                            pressed(
                                button(text("Enter servers myself")).style(theme::secondary),
                                Message::EnterServers
                            ),
                            pressed(button(text("Cancel")).style(button::text), Message::Cancel),
                        ]
                        .spacing(8),
                    ),
                );
                c
            }
            Step::Discovering => column![text(format!(
                "Looking up the settings for {}…",
                f.email.trim()
            ))],
            Step::Servers { found, error } => {
                let mut c = column![].spacing(10);
                // The cause leads, above the form (e.g. a proxy that is not running).
                if let Some(e) = error {
                    c = c.push(problem(e));
                }
                if let Some((source, note)) = found {
                    c = c.push(text(format!("Found in {source}.")));
                    if let Some(note) = note {
                        c = c.push(
                            container(text(*note).size(13))
                                .padding(8)
                                .style(theme::badge),
                        );
                    }
                }
                if found.is_some() && !self.advanced && error.is_none() {
                    // Found: said in words; changing them is an advanced option.
                    c = c
                        .push(server_summary("Receiving (IMAP)", &f.imap))
                        .push(server_summary("Sending (SMTP)", &f.smtp))
                        .push(text(format!("Login name: {}", f.user)).size(13))
                        .push(pressed(
                            button(text("Change these settings…").size(13)).style(button::text),
                            Message::Advanced,
                        ));
                } else {
                    c = c
                        .push(server_form("IMAP (receiving)", false, &f.imap))
                        .push(server_form("SMTP (sending)", true, &f.smtp))
                        .push(labelled(
                            "Login name",
                            text_input("", &f.user).on_input(Message::User),
                        ));
                }
                if let Some(a) =
                    quietpost_core::autoconfig::builtin(f.email.trim()).and_then(|d| d.app_password)
                {
                    c = c.push(app_password(a));
                }
                c = c
                    .push(
                        text("Nothing has been sent yet. Checking connects to both servers and logs in; the password travels only inside TLS.")
                            .size(13),
                    );
                c.push(
                    row![
                        pressed(button(text("Back")).style(theme::secondary), Message::Back),
                        pressed(button(text("Check and save")), Message::Check),
                    ]
                    .spacing(8),
                )
            }
            Step::Checking => column![text(
                "Connecting to both servers and logging in (inside TLS)…"
            )],
            Step::Certificate(c) => {
                // Which server, first; then why, in words.
                let s = if c.smtp { &f.smtp } else { &f.imap };
                let which = if c.smtp {
                    "sending (SMTP)"
                } else {
                    "receiving (IMAP)"
                };
                let mut col = column![
                    text(format!(
                        "The {which} server {}:{} could not be trusted",
                        s.host, s.port
                    ))
                    .size(16)
                    .font(theme::BOLD),
                    problem(&c.words)
                ]
                .spacing(10);
                match &c.fingerprint {
                    Some(fp) => {
                        col = col
                            .push(text("Is this your own server? Then ask its administrator for the certificate's SHA-256 fingerprint and compare every character with this one:").size(13))
                            .push(
                                container(
                                    row![
                                        iced::widget::text_editor(&c.shown)
                                            .on_action(Message::Fingerprint)
                                            .key_binding(crate::keys::read_only)
                                            .font(iced::Font::MONOSPACE)
                                            .size(15)
                                            .padding(0),
                                        pressed(button(text("Copy").size(13)).style(theme::secondary), Message::Copy(fp.to_string())),
                                    ]
                                    .spacing(8)
                                    .align_y(iced::Alignment::Center),
                                )
                                .padding(10)
                                .width(Length::Fill)
                                .style(theme::banner),
                            )
                            .push(
                                focusable(
                                    checkbox(c.compared)
                                        .label("It is exactly the fingerprint my administrator gave me")
                                        .on_toggle(Message::Compared),
                                    Some(Message::Compared(!c.compared)),
                                ),
                            );
                        let pin = button(text("Pin this certificate"));
                        col = col.push(
                            row![
                                pressed(
                                    button(text("Back")).style(theme::secondary),
                                    Message::Back
                                ),
                                if c.compared {
                                    pressed(pin, Message::Pin)
                                } else {
                                    focusable(pin, None).into()
                                },
                            ]
                            .spacing(8),
                        );
                    }
                    None => {
                        col = col.push(pressed(
                            button(text("Back")).style(theme::secondary),
                            Message::Back,
                        ))
                    }
                }
                col
            }
            Step::Done { lines, account } => {
                let mut col =
                    column![text(format!("{} is ready.", account.name)).size(18)].spacing(6);
                for l in lines {
                    col = col.push(text(l).size(13));
                }
                col.push(text("The password is in your system keychain; the settings file holds no secret.").size(13))
                    .push(pressed(button(text("Open the mailbox")), Message::OpenMailbox))
            }
        };
        scrollable(
            container(column![title, body].spacing(16).max_width(640))
                .center_x(Length::Fill)
                .padding(32),
        )
        .into()
    }
}

fn labelled<'a>(label: &'a str, input: text_input::TextInput<'a, Message>) -> Element<'a, Message> {
    column![text(label).size(13), input.padding(6)]
        .spacing(4)
        .into()
}

/// A problem in a place that is always there (empty when there is none).
fn slot(words: Option<&str>) -> Element<'_, Message> {
    match words {
        Some(w) => problem(w),
        None => Space::new().into(),
    }
}

fn problem(words: &str) -> Element<'_, Message> {
    container(text(words).size(13))
        .padding(10)
        .width(Length::Fill)
        .style(theme::badge)
        .into()
}

/// A provider that takes only app passwords from mail programs: said before the password is
/// typed, with the page to make one as text and a Copy button.
fn app_password<'a>(a: quietpost_core::autoconfig::AppPassword) -> Element<'a, Message> {
    container(
        column![
            text(format!(
                "{} does not take your account password from mail programs: make an app password on its page, and type that above.",
                a.provider
            ))
            .size(13),
            row![
                text(a.page).size(13).font(theme::BOLD).width(Length::Fill),
                pressed(button(text("Copy").size(12)).style(theme::secondary), Message::Copy(a.page.to_owned())),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        ]
        .spacing(4),
    )
    .padding(10)
    .width(Length::Fill)
    .style(theme::banner)
    .into()
}

/// A server found automatically, in words.
fn server_summary<'a>(title: &'a str, s: &'a ServerForm) -> Element<'a, Message> {
    row![
        text(title).width(140).style(theme::muted),
        text(format!(
            "{}, port {}, {}",
            s.host,
            s.port,
            crate::wording::security(s.security.0)
        )),
    ]
    .spacing(8)
    .into()
}

fn server_form<'a>(title: &'a str, smtp: bool, s: &'a ServerForm) -> Element<'a, Message> {
    let mut c = column![
        text(title).font(theme::BOLD),
        row![
            text_input("mail.example.org", &s.host)
                .on_input(move |v| Message::Host(smtp, v))
                .on_submit(Message::Check)
                .padding(6)
                .width(Length::FillPortion(3)),
            text_input("port", &s.port)
                .on_input(move |v| Message::Port(smtp, v))
                .on_submit(Message::Check)
                .padding(6)
                .width(80),
            // Space or Enter on it (after Tab) picks the other mode.
            focusable(
                pick_list(
                    [
                        Mode(Security::ImplicitTls),
                        Mode(Security::StartTlsRequired),
                    ],
                    Some(s.security),
                    move |m| Message::Security(smtp, m),
                )
                .width(Length::FillPortion(2)),
                Some(Message::Security(
                    smtp,
                    if s.security == Mode(Security::ImplicitTls) {
                        Mode(Security::StartTlsRequired)
                    } else {
                        Mode(Security::ImplicitTls)
                    },
                )),
            ),
        ]
        .spacing(8),
    ]
    .spacing(4);
    c = c.push(
        text_input(
            "CA file (optional): for a server signed by your own authority",
            &s.ca_file,
        )
        .on_input(move |v| Message::CaFile(smtp, v))
        .on_submit(Message::Check)
        .padding(6)
        .size(13),
    );
    if let Some(pin) = &s.pin {
        c = c.push(
            text(format!("Pinned certificate: {pin}"))
                .size(12)
                .style(theme::muted),
        );
    }
    c.into()
}
