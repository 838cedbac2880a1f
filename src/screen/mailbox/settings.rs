//! An account's settings, in the place of the list and the reader (as the composer and the
//! outbox are): the journalist preset with its checklist, identity, the connection (proxy,
//! kill-switch, stream isolation, with a Test), the servers' trust (pin, CA file, Check now,
//! password), remote content and its always-load list, the provider self-test, documents,
//! notifications, the reveal before sending, and removing the account. Every change is one
//! list of core `settings::Edit`s — the same `account set` applies — saved at once; what it
//! changed is said below the control.

pub mod view;

use super::Notice;
use crate::backend::{Error, settings as backend_settings};
use iced::Task;
use iced::widget::text_editor;
use quietpost_core::Paths;
use quietpost_core::accounts::ServerCheck;
use quietpost_core::selftest::Report;
use quietpost_core::settings::{Change, Edit, Preset};
use quietpost_model::{Account, Fingerprint, Route, Secret};
use std::sync::Arc;

pub struct Settings {
    paths: Paths,
    /// The account as saved.
    account: Account,
    /// The folders whose new mail may be notified (the Inbox and the person's own): the
    /// server's name and the name shown.
    folders: Vec<(String, String)>,
    display_name: String,
    signature: text_editor::Content,
    proxy: String,
    pin: String,
    ca_file: String,
    always_load: String,
    authserv: String,
    password: String,
    imap_host: String,
    imap_port: String,
    imap_starttls: bool,
    smtp_host: String,
    smtp_port: String,
    smtp_starttls: bool,
    /// What is running (a check, a test), so its button waits.
    busy: Option<Busy>,
    /// What the last change, check or test said, by section.
    said: Vec<(Section, Notice)>,
    check: Option<Vec<String>>,
    selftest: Option<Vec<String>>,
    /// A question before something that cannot be taken back, or that lowers protection.
    confirm: Option<Confirm>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    Saving,
    Checking,
    TestingProxy,
    SelfTest,
    Password,
    Servers,
    Removing,
}

/// Where a result is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Preset,
    Identity,
    Connection,
    Servers,
    Remote,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Turning the journalist preset off: what would change.
    PresetOff(Vec<Change>),
    RemoveAccount,
}

/// A text field of the pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    DisplayName,
    Proxy,
    Pin,
    CaFile,
    AlwaysLoad,
    Authserv,
    Password,
    ImapHost,
    ImapPort,
    SmtpHost,
    SmtpPort,
}

#[derive(Debug, Clone)]
pub enum Message {
    Typed(Field, String),
    Signature(text_editor::Action),
    /// A control changed (a toggle, a choice, a Remove): saved at once.
    Edit(Section, Vec<Edit>),
    /// A field's Save (or Add): what is typed, as an edit.
    SaveField(Field),
    SaveIdentity,
    Saved(Section, Result<Arc<(Account, Account)>, Error>),
    Preset(bool),
    Confirmed,
    Cancel,
    CheckNow,
    Checked(Result<Arc<(ServerCheck, ServerCheck, Account)>, Error>),
    TestProxy,
    ProxyTested(Result<Arc<ServerCheck>, Error>),
    ChangePassword,
    PasswordChanged(Result<(), Error>),
    /// STARTTLS (required) for the SMTP server (`true`) or the IMAP one.
    StartTls(bool, bool),
    SaveServers,
    ServersChanged(Result<Arc<(ServerCheck, ServerCheck, Account)>, Error>),
    SelfTest,
    SelfTested(Result<Arc<(Report, Account)>, Error>),
    /// Remove, asked first.
    AskRemove,
    Removed(Result<(), Error>),
    Close,
}

/// What the pane asks of the mailbox.
#[derive(Debug, Clone)]
pub enum Event {
    /// The account's settings changed (as saved): its sync starts again with them.
    Changed(Box<Account>),
    Removed(String),
    Closed,
}

impl Settings {
    pub fn new(paths: Paths, account: Account, folders: Vec<(String, String)>) -> Settings {
        let mut s = Settings {
            paths,
            folders,
            display_name: String::new(),
            signature: text_editor::Content::new(),
            proxy: String::new(),
            pin: String::new(),
            ca_file: String::new(),
            always_load: String::new(),
            authserv: String::new(),
            password: String::new(),
            imap_host: String::new(),
            imap_port: String::new(),
            imap_starttls: false,
            smtp_host: String::new(),
            smtp_port: String::new(),
            smtp_starttls: false,
            busy: None,
            said: Vec::new(),
            check: None,
            selftest: None,
            confirm: None,
            account,
        };
        s.fill();
        s
    }

    /// The fields as the saved account has them.
    fn fill(&mut self) {
        let a = &self.account;
        self.display_name = a.display_name.clone().unwrap_or_default();
        self.signature = text_editor::Content::with_text(a.signature.as_deref().unwrap_or(""));
        self.proxy = a.proxy.as_ref().map(Route::url).unwrap_or_default();
        self.pin = (a.imap.pin_key_sha256.or(a.imap.pin_sha256))
            .map(|p| p.to_string())
            .unwrap_or_default();
        self.ca_file = (a.imap.ca_file.as_ref())
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        use quietpost_model::Security::StartTlsRequired;
        self.imap_host = a.imap.host.clone();
        self.imap_port = a.imap.port.to_string();
        self.imap_starttls = a.imap.security == StartTlsRequired;
        self.smtp_host = a.smtp.host.clone();
        self.smtp_port = a.smtp.port.to_string();
        self.smtp_starttls = a.smtp.security == StartTlsRequired;
    }

    /// The servers as the fields have them (each keeps its trust), or what is wrong.
    fn typed_servers(&self) -> Result<(quietpost_model::Server, quietpost_model::Server), String> {
        use quietpost_model::Security;
        let one = |was: &quietpost_model::Server, role, host: &str, port: &str, starttls| {
            let host = host.trim();
            if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/') {
                return Err(format!("{role}: a host name such as mail.example.org."));
            }
            let port = match port.trim().parse::<u16>() {
                Ok(p) if p > 0 => p,
                _ => return Err(format!("{role}: the port is a number from 1 to 65535.")),
            };
            Ok(quietpost_model::Server {
                host: host.to_owned(),
                port,
                security: if starttls {
                    Security::StartTlsRequired
                } else {
                    Security::ImplicitTls
                },
                ..was.clone()
            })
        };
        Ok((
            one(
                &self.account.imap,
                "IMAP",
                &self.imap_host,
                &self.imap_port,
                self.imap_starttls,
            )?,
            one(
                &self.account.smtp,
                "SMTP",
                &self.smtp_host,
                &self.smtp_port,
                self.smtp_starttls,
            )?,
        ))
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The folders whose new mail may be notified: the server's name and the name shown.
    pub fn folders(&self) -> &[(String, String)] {
        &self.folders
    }

    /// The account's folders as the folder pane has them now.
    pub fn set_folders(&mut self, folders: Vec<(String, String)>) {
        self.folders = folders;
    }

    pub fn confirm(&self) -> Option<&Confirm> {
        self.confirm.as_ref()
    }

    /// What was said in `section` (the last change's result).
    pub fn said(&self, section: Section) -> Option<&Notice> {
        self.said
            .iter()
            .find(|(s, _)| *s == section)
            .map(|(_, n)| n)
    }

    fn say(&mut self, section: Section, notice: Notice) {
        self.said.retain(|(s, _)| *s != section);
        self.said.push((section, notice));
    }

    fn save(&mut self, section: Section, edits: Vec<Edit>) -> Task<Message> {
        self.busy = Some(Busy::Saving);
        Task::perform(
            backend_settings::save(self.paths.clone(), self.account.name.clone(), edits),
            move |r| Message::Saved(section, r),
        )
    }

    /// What typed text means as an edit; a refusal is said in its section.
    fn field_edit(&mut self, field: Field) -> Result<(Section, Edit), (Section, String)> {
        let typed = match field {
            Field::Proxy => self.proxy.trim(),
            Field::Pin => self.pin.trim(),
            Field::CaFile => self.ca_file.trim(),
            Field::AlwaysLoad => self.always_load.trim(),
            Field::Authserv => self.authserv.trim(),
            Field::DisplayName => self.display_name.trim(),
            Field::Password
            | Field::ImapHost
            | Field::ImapPort
            | Field::SmtpHost
            | Field::SmtpPort => "",
        }
        .to_owned();
        Ok(match field {
            Field::Proxy if typed.is_empty() => (Section::Connection, Edit::Proxy(None)),
            Field::Proxy => match typed.parse::<Route>() {
                Ok(r) => (Section::Connection, Edit::Proxy(Some(r))),
                Err(e) => return Err((Section::Connection, format!("{e}."))),
            },
            Field::Pin if typed.is_empty() => (Section::Servers, Edit::Pin(None)),
            Field::Pin => match typed.parse::<Fingerprint>() {
                Ok(p) => (Section::Servers, Edit::Pin(Some(p))),
                Err(_) => {
                    return Err((
                        Section::Servers,
                        "A fingerprint is 64 hex digits (colons allowed): copy it from your server's administrator.".into(),
                    ));
                }
            },
            Field::CaFile if typed.is_empty() => (Section::Servers, Edit::CaFile(None)),
            Field::CaFile => (Section::Servers, Edit::CaFile(Some(typed.into()))),
            Field::AlwaysLoad => (Section::Remote, Edit::AlwaysLoad(typed)),
            Field::Authserv => (Section::Remote, Edit::TrustAuthserv(typed)),
            Field::DisplayName => (Section::Identity, Edit::DisplayName(typed)),
            // Saved together, checked first (SaveServers); Enter in one of them does that.
            Field::Password
            | Field::ImapHost
            | Field::ImapPort
            | Field::SmtpHost
            | Field::SmtpPort => return Err((Section::Servers, String::new())),
        })
    }

    pub fn update(&mut self, message: Message) -> (Task<Message>, Vec<Event>) {
        let mut events = Vec::new();
        let task = match message {
            Message::Typed(field, value) => {
                *match field {
                    Field::DisplayName => &mut self.display_name,
                    Field::Proxy => &mut self.proxy,
                    Field::Pin => &mut self.pin,
                    Field::CaFile => &mut self.ca_file,
                    Field::AlwaysLoad => &mut self.always_load,
                    Field::Authserv => &mut self.authserv,
                    Field::Password => &mut self.password,
                    Field::ImapHost => &mut self.imap_host,
                    Field::ImapPort => &mut self.imap_port,
                    Field::SmtpHost => &mut self.smtp_host,
                    Field::SmtpPort => &mut self.smtp_port,
                } = value;
                Task::none()
            }
            Message::Signature(action) => {
                self.signature.perform(action);
                Task::none()
            }
            Message::Edit(section, edits) => self.save(section, edits),
            Message::SaveField(field) => match self.field_edit(field) {
                Ok((section, edit)) => self.save(section, vec![edit]),
                Err((section, words)) => {
                    self.say(section, Notice::Failed(words));
                    Task::none()
                }
            },
            Message::SaveIdentity => {
                let signature = self.signature.text();
                let edits = vec![
                    Edit::DisplayName(self.display_name.clone()),
                    Edit::Signature(Some(signature)),
                ];
                self.save(Section::Identity, edits)
            }
            Message::Saved(section, Ok(both)) => {
                self.busy = None;
                let (before, after) = &*both;
                let changes = quietpost_core::settings::changes(before, after);
                self.account = after.clone();
                self.fill();
                if matches!(section, Section::Remote) {
                    self.always_load.clear();
                    self.authserv.clear();
                }
                let words = if changes.is_empty() {
                    "Nothing changed.".to_owned()
                } else {
                    crate::wording::settings::changed(&changes)
                };
                self.say(section, Notice::Done(words));
                events.push(Event::Changed(Box::new(after.clone())));
                // The preset's last item: what the provider reveals.
                if section == Section::Preset
                    && quietpost_core::settings::is_on(&self.account, Preset::Journalist)
                    && self.selftest.is_none()
                {
                    return (self.start_selftest(), events);
                }
                Task::none()
            }
            Message::Saved(section, Err(e)) => {
                self.busy = None;
                self.fill();
                self.say(section, Notice::Failed(crate::wording::app_error(&e)));
                Task::none()
            }
            Message::Preset(true) => self.save(
                Section::Preset,
                vec![Edit::Preset(Some(Preset::Journalist))],
            ),
            Message::Preset(false) => {
                let off = quietpost_core::settings::turn_off(&self.account, Preset::Journalist);
                self.confirm = Some(Confirm::PresetOff(quietpost_core::settings::changes(
                    &self.account,
                    &off,
                )));
                Task::none()
            }
            Message::Confirmed => match self.confirm.take() {
                Some(Confirm::PresetOff(_)) => self.save(Section::Preset, vec![Edit::Preset(None)]),
                Some(Confirm::RemoveAccount) => {
                    self.busy = Some(Busy::Removing);
                    Task::perform(
                        backend_settings::remove(self.paths.clone(), self.account.name.clone()),
                        Message::Removed,
                    )
                }
                None => Task::none(),
            },
            Message::Cancel => {
                self.confirm = None;
                Task::none()
            }
            Message::CheckNow => {
                self.busy = Some(Busy::Checking);
                self.check = None;
                Task::perform(
                    backend_settings::check(self.paths.clone(), self.account.clone()),
                    Message::Checked,
                )
            }
            Message::Checked(result) => {
                self.busy = None;
                self.check = Some(match result {
                    Ok(both) => {
                        let (imap, smtp, saved) = &*both;
                        if *saved != self.account {
                            self.account = saved.clone();
                            self.fill();
                            events.push(Event::Changed(Box::new(saved.clone())));
                        }
                        let mut lines = crate::wording::server_check("IMAP", imap);
                        lines.extend(crate::wording::server_check("SMTP", smtp));
                        lines
                    }
                    Err(e) => vec![crate::wording::app_error(&e)],
                });
                Task::none()
            }
            Message::TestProxy => match self.proxy.trim().parse::<Route>() {
                Ok(route) => {
                    self.busy = Some(Busy::TestingProxy);
                    Task::perform(
                        backend_settings::test_proxy(self.account.clone(), route),
                        Message::ProxyTested,
                    )
                }
                Err(e) => {
                    self.say(Section::Connection, Notice::Failed(format!("{e}.")));
                    Task::none()
                }
            },
            Message::ProxyTested(result) => {
                self.busy = None;
                let notice = match result {
                    Ok(check) => match &check.result {
                        Ok(ok) => Notice::Done(format!(
                            "Through {}: reached {}:{}, {} with a verified certificate (nothing was sent inside).",
                            check.endpoint.route.url(),
                            check.endpoint.host,
                            check.endpoint.port,
                            ok.tls.version
                        )),
                        Err(e) => Notice::Failed(crate::wording::net_error_for(
                            e,
                            crate::wording::Face::Window,
                        )),
                    },
                    Err(e) => Notice::Failed(crate::wording::app_error(&e)),
                };
                self.say(Section::Connection, notice);
                Task::none()
            }
            Message::ChangePassword => {
                if self.password.is_empty() {
                    self.say(
                        Section::Servers,
                        Notice::Failed("Type the new password first.".into()),
                    );
                    return (Task::none(), events);
                }
                self.busy = Some(Busy::Password);
                let password = Secret::new(std::mem::take(&mut self.password));
                Task::perform(
                    backend_settings::change_password(
                        self.paths.clone(),
                        self.account.name.clone(),
                        password,
                    ),
                    Message::PasswordChanged,
                )
            }
            Message::PasswordChanged(result) => {
                self.busy = None;
                let notice = match result {
                    Ok(()) => {
                        events.push(Event::Changed(Box::new(self.account.clone())));
                        Notice::Done(
                            "Both servers accepted the new password; it is in the keychain.".into(),
                        )
                    }
                    Err(e) => Notice::Failed(crate::wording::app_error(&e)),
                };
                self.say(Section::Servers, notice);
                Task::none()
            }
            Message::StartTls(smtp, on) => {
                // The mode's usual port, unless another was typed.
                use quietpost_model::{Protocol, Security};
                let (port, protocol, was) = if smtp {
                    (
                        &mut self.smtp_port,
                        Protocol::Submission,
                        &mut self.smtp_starttls,
                    )
                } else {
                    (&mut self.imap_port, Protocol::Imap, &mut self.imap_starttls)
                };
                let mode = |tls: bool| {
                    if tls {
                        Security::StartTlsRequired
                    } else {
                        Security::ImplicitTls
                    }
                };
                if *port == mode(*was).usual_port(protocol).to_string() {
                    *port = mode(on).usual_port(protocol).to_string();
                }
                *was = on;
                Task::none()
            }
            Message::SaveServers => match self.typed_servers() {
                Ok((imap, smtp)) => {
                    self.busy = Some(Busy::Servers);
                    Task::perform(
                        backend_settings::change_servers(
                            self.paths.clone(),
                            self.account.name.clone(),
                            imap,
                            smtp,
                        ),
                        Message::ServersChanged,
                    )
                }
                Err(words) => {
                    self.say(Section::Servers, Notice::Failed(words));
                    Task::none()
                }
            },
            Message::ServersChanged(result) => {
                self.busy = None;
                match result {
                    Ok(done) => {
                        let (imap, smtp, saved) = &*done;
                        let mut lines = crate::wording::server_check("IMAP", imap);
                        lines.extend(crate::wording::server_check("SMTP", smtp));
                        self.check = Some(lines);
                        self.account = saved.clone();
                        self.fill();
                        events.push(Event::Changed(Box::new(saved.clone())));
                        self.say(
                            Section::Servers,
                            Notice::Done(
                                "Both servers accepted the password inside TLS: the account uses them now."
                                    .into(),
                            ),
                        );
                    }
                    Err(e) => {
                        self.fill();
                        self.say(
                            Section::Servers,
                            Notice::Failed(crate::wording::app_error(&e)),
                        );
                    }
                }
                Task::none()
            }
            Message::SelfTest => self.start_selftest(),
            Message::SelfTested(result) => {
                self.busy = None;
                self.selftest = Some(match result {
                    Ok(both) => {
                        let (report, saved) = &*both;
                        if *saved != self.account {
                            self.account = saved.clone();
                            events.push(Event::Changed(Box::new(saved.clone())));
                        }
                        crate::wording::settings::selftest(report)
                    }
                    Err(e) => vec![crate::wording::app_error(&e)],
                });
                Task::none()
            }
            Message::AskRemove => {
                self.confirm = Some(Confirm::RemoveAccount);
                Task::none()
            }
            Message::Removed(Ok(())) => {
                self.busy = None;
                events.push(Event::Removed(self.account.name.clone()));
                Task::none()
            }
            Message::Removed(Err(e)) => {
                self.busy = None;
                self.say(
                    Section::Other,
                    Notice::Failed(crate::wording::app_error(&e)),
                );
                Task::none()
            }
            Message::Close => {
                events.push(Event::Closed);
                Task::none()
            }
        };
        (task, events)
    }

    fn start_selftest(&mut self) -> Task<Message> {
        self.busy = Some(Busy::SelfTest);
        self.selftest = None;
        Task::perform(
            backend_settings::selftest(self.paths.clone(), self.account.clone()),
            Message::SelfTested,
        )
    }
}

impl super::Mailbox {
    /// The settings pane's message, and what it asks of the mailbox.
    pub(super) fn settings(
        &mut self,
        message: Message,
    ) -> (Task<super::Message>, Option<super::Event>) {
        let Some(pane) = self.settings.as_mut() else {
            return (Task::none(), None);
        };
        let (task, events) = pane.update(message);
        let mut task = task.map(super::Message::Settings);
        let mut asked = None;
        for event in events {
            match event {
                Event::Changed(account) => {
                    self.reader.account_changed(&account);
                    let name = account.name.clone();
                    if let Some(a) = self.accounts.iter_mut().find(|a| a.name == name) {
                        *a = *account;
                    }
                    asked = Some(super::Event::Reconfigured(name));
                }
                Event::Removed(name) => {
                    self.settings = None;
                    self.notice = Some(Notice::Done(format!("{name} was removed.")));
                    return (task, Some(super::Event::AccountRemoved));
                }
                Event::Closed => {
                    self.settings = None;
                    task = Task::none();
                }
            }
        }
        (task, asked)
    }

    /// The settings pane, when it is open.
    pub fn settings_pane(&self) -> Option<&Settings> {
        self.settings.as_deref()
    }

    /// Whether a key goes to the settings pane (it is open): only closing it, help and quitting
    /// act — the list and the reader behind it take no action unseen.
    pub(super) fn settings_shortcut(
        &mut self,
        s: crate::keys::Shortcut,
    ) -> Option<(Task<super::Message>, Option<super::Event>)> {
        use crate::keys::Shortcut;
        let pane = self.settings.as_mut()?;
        Some(match s {
            Shortcut::Close if pane.confirm().is_some() => {
                let (t, _) = pane.update(Message::Cancel);
                (t.map(super::Message::Settings), None)
            }
            Shortcut::Close => {
                self.settings = None;
                (Task::none(), None)
            }
            Shortcut::Quit => (Task::none(), Some(super::Event::Quit)),
            Shortcut::Help => {
                self.set_dialog(Some(super::Dialog::Help));
                (Task::none(), None)
            }
            Shortcut::Compose => {
                self.settings = None;
                (self.write(super::Write::New), None)
            }
            _ => (Task::none(), None),
        })
    }
}
