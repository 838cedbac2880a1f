//! Adding an account: name, address and password; the servers (found automatically or typed)
//! shown with their TLS mode before anything is sent; a check of both servers with the TLS
//! details in plain words; then the password goes to the keychain and the account is saved.
//!
//! A certificate failure never has a "continue anyway". For a self-hosted server the only way
//! on is to pin its certificate, after comparing the full fingerprint with its administrator.

use crate::backend::{self, AddFailure, DiscoverFailure};
use iced::Task;
use quietpost_core::Paths;
use quietpost_core::accounts::AddError;
use quietpost_core::autoconfig::Discovered;
use quietpost_model::{Account, Protocol, Security, Server};
use std::sync::Arc;
use zeroize::Zeroizing;

mod view;

pub struct Wizard {
    paths: Paths,
    form: Form,
    step: Step,
    /// Known as the wizard opens: no keychain to keep a password in (the form says so before
    /// anyone fills it in).
    no_keychain: Option<String>,
    /// The advanced options (the proxy; each server's TLS mode, port and CA file) shown.
    advanced: bool,
}

#[derive(Default)]
struct Form {
    name: String,
    email: String,
    /// The name shown beside the address in what is sent.
    display_name: String,
    /// Text below what is written, after "-- ".
    signature: iced::widget::text_editor::Content,
    password: Zeroizing<String>,
    user: String,
    proxy: String,
    /// "Protect my location and identity": the journalist preset, turned on as it is added.
    protect: bool,
    imap: ServerForm,
    smtp: ServerForm,
}

#[derive(Default, Clone)]
struct ServerForm {
    host: String,
    port: String,
    security: Mode,
    /// The CA file (a path) for a server signed by an authority of one's own; empty: the
    /// system's authorities.
    ca_file: String,
    pin: Option<quietpost_model::Fingerprint>,
}

/// The TLS mode as the form's list offers it: the one `Security`, in the window's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mode(pub Security);

/// Which server a form row is for.
fn protocol(smtp: bool) -> Protocol {
    if smtp {
        Protocol::Submission
    } else {
        Protocol::Imap
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::wording::security(self.0))
    }
}

enum Step {
    Details {
        error: Option<String>,
    },
    Discovering,
    Servers {
        found: Option<(String, Option<&'static str>)>,
        error: Option<String>,
    },
    Checking,
    Certificate(Box<Certificate>),
    Done {
        lines: Vec<String>,
        account: Box<Account>,
    },
}

struct Certificate {
    words: String,
    smtp: bool,
    fingerprint: Option<quietpost_model::Fingerprint>,
    /// The fingerprint as shown (grouped), selectable: a read-only editor.
    shown: iced::widget::text_editor::Content,
    compared: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    Name(String),
    DisplayName(String),
    Signature(iced::widget::text_editor::Action),
    Email(String),
    Password(String),
    User(String),
    Proxy(String),
    Protect(bool),
    FindServers,
    EnterServers,
    Discovered(Result<Arc<Discovered>, DiscoverFailure>),
    Host(bool, String),
    Port(bool, String),
    Security(bool, Mode),
    Back,
    Check,
    Checked(Result<Arc<Vec<String>>, AddFailure>),
    Compared(bool),
    Pin,
    OpenMailbox,
    Cancel,
    /// Show or hide the advanced options.
    Advanced,
    CaFile(bool, String),
    /// Copy this text (a fingerprint, an address) to the clipboard.
    Copy(String),
    /// Selecting in the fingerprint (it cannot be changed).
    Fingerprint(iced::widget::text_editor::Action),
    /// Whether the system keychain can be used (checked as the wizard opens).
    Keychain(Result<(), Arc<quietpost_core::accounts::Error>>),
}

/// What the wizard tells the app.
pub enum Event {
    Added(Box<Account>),
    Cancelled,
}

impl Wizard {
    pub fn new(paths: Paths) -> Wizard {
        Wizard {
            paths,
            form: Form::default(),
            step: Step::Details { error: None },
            no_keychain: None,
            advanced: false,
        }
    }

    /// The fingerprint the certificate step shows (as its selectable text holds it), if that
    /// step is shown.
    pub fn fingerprint_shown(&self) -> Option<String> {
        match &self.step {
            Step::Certificate(c) if c.fingerprint.is_some() => Some(c.shown.text()),
            _ => None,
        }
    }

    /// Looks for the system keychain (off the window's thread) as the wizard opens.
    pub fn check_keychain() -> Task<Message> {
        Task::perform(backend::keychain(), |r| {
            Message::Keychain(r.map_err(Arc::new))
        })
    }

    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        let f = &mut self.form;
        match message {
            Message::Name(v) => f.name = v,
            Message::DisplayName(v) => f.display_name = v,
            Message::Signature(action) => f.signature.perform(action),
            Message::Keychain(Ok(())) => self.no_keychain = None,
            Message::Keychain(Err(e)) => {
                self.no_keychain = Some(match &*e {
                    quietpost_core::accounts::Error::Store(e) => {
                        crate::wording::store_error_for(e, crate::wording::Face::Window)
                    }
                    other => other.to_string(),
                })
            }
            Message::Email(v) => {
                // The name and login follow the address until the person changes them.
                if f.name.is_empty() || f.name == f.email {
                    f.name = v.clone();
                }
                if f.user.is_empty() || f.user == f.email {
                    f.user = v.clone();
                }
                f.email = v;
            }
            Message::Password(v) => f.password = Zeroizing::new(v),
            Message::User(v) => f.user = v,
            Message::Proxy(v) => f.proxy = v,
            Message::Protect(on) => {
                f.protect = on;
                // Tor's usual address, to change if it runs elsewhere: every connection, from
                // finding the servers on, goes through it.
                if on && f.proxy.trim().is_empty() {
                    f.proxy = "socks5://127.0.0.1:9050".to_owned();
                }
                self.advanced |= on;
            }
            Message::FindServers => {
                if let Err(e) = self.details_ok() {
                    self.step = Step::Details { error: Some(e) };
                    return (Task::none(), None);
                }
                self.step = Step::Discovering;
                let (email, proxy) = (self.form.email.trim().to_owned(), self.form.proxy.clone());
                return (
                    Task::perform(backend::discover(email, proxy), |r| {
                        Message::Discovered(r.map(Arc::new))
                    }),
                    None,
                );
            }
            Message::EnterServers => {
                if let Err(e) = self.details_ok() {
                    self.step = Step::Details { error: Some(e) };
                    return (Task::none(), None);
                }
                fill_ports(&mut self.form);
                self.step = Step::Servers {
                    found: None,
                    error: None,
                };
            }
            Message::Discovered(Ok(d)) => {
                let server = |found: &quietpost_core::autoconfig::Found| ServerForm {
                    host: found.host.clone(),
                    port: found.port.to_string(),
                    security: Mode(found.security),
                    ca_file: String::new(),
                    pin: None,
                };
                f.imap = server(&d.imap);
                f.smtp = server(&d.smtp);
                if let Some(user) = &d.user {
                    f.user = user.clone();
                }
                self.step = Step::Servers {
                    found: Some((d.source.clone(), d.note)),
                    error: None,
                };
            }
            Message::Discovered(Err(DiscoverFailure::Proxy(e))) => {
                // Nothing was looked up: the proxy is fixed where it was typed.
                self.step = Step::Details {
                    error: Some(format!(
                        "The proxy is not one Quietpost can use: {e}. Nothing was looked up."
                    )),
                }
            }
            Message::Discovered(Err(DiscoverFailure::NotFound(e))) => {
                fill_ports(&mut self.form);
                self.step = Step::Servers {
                    found: None,
                    error: Some(crate::wording::not_found(&e)),
                }
            }
            Message::Host(smtp, v) => server_mut(f, smtp).host = v.trim().to_owned(),
            Message::Port(smtp, v) => server_mut(f, smtp).port = v.trim().to_owned(),
            Message::Security(smtp, mode) => {
                let s = server_mut(f, smtp);
                // The usual port follows the mode, unless the person typed another.
                let usual = |m: Mode| m.0.usual_port(protocol(smtp)).to_string();
                if s.port.is_empty() || s.port == usual(s.security) {
                    s.port = usual(mode);
                }
                s.security = mode;
            }
            Message::Back => {
                self.step = match self.step {
                    Step::Servers { .. } => Step::Details { error: None },
                    _ => Step::Servers {
                        found: None,
                        error: None,
                    },
                }
            }
            Message::Check => return (self.check(), None),
            Message::Checked(Ok(lines)) => {
                if let Ok(account) = self.account() {
                    self.form.password = Zeroizing::new(String::new());
                    self.step = Step::Done {
                        lines: lines.to_vec(),
                        account: Box::new(account),
                    };
                }
            }
            Message::Checked(Err(AddFailure(failure))) => {
                let words = crate::wording::add_error(&failure, crate::wording::Face::Window);
                self.step = match &*failure {
                    AddError::Server {
                        smtp, presented, ..
                    } if failure.is_pinnable() => Step::Certificate(Box::new(Certificate {
                        words,
                        smtp: *smtp,
                        fingerprint: *presented,
                        shown: iced::widget::text_editor::Content::with_text(
                            &presented
                                .map(|fp| grouped(&fp.to_string()))
                                .unwrap_or_default(),
                        ),
                        compared: false,
                    })),
                    _ => Step::Servers {
                        found: None,
                        error: Some(words),
                    },
                }
            }
            Message::Compared(v) => {
                if let Step::Certificate(c) = &mut self.step {
                    c.compared = v;
                }
            }
            Message::Pin => {
                if let Step::Certificate(c) = &self.step
                    && c.compared
                    && let Some(fp) = c.fingerprint
                {
                    server_mut(&mut self.form, c.smtp).pin = Some(fp);
                    return (self.check(), None);
                }
            }
            Message::OpenMailbox => {
                if let Step::Done { account, .. } = &self.step {
                    return (Task::none(), Some(Event::Added(account.clone())));
                }
            }
            Message::Cancel => return (Task::none(), Some(Event::Cancelled)),
            Message::Advanced => self.advanced = !self.advanced,
            Message::CaFile(smtp, v) => server_mut(f, smtp).ca_file = v,
            Message::Copy(words) => return (iced::clipboard::write(words), None),
            Message::Fingerprint(action) => {
                if let Step::Certificate(c) = &mut self.step
                    && !action.is_edit()
                {
                    c.shown.perform(action);
                }
            }
        }
        (Task::none(), None)
    }

    fn details_ok(&self) -> Result<(), String> {
        let f = &self.form;
        if quietpost_core::autoconfig::domain_of(f.email.trim()).is_none() {
            return Err("Enter your email address (name@example.org).".to_owned());
        }
        if f.password.is_empty() {
            return Err(
                "Enter your password. It goes to your system keychain, never to a file.".to_owned(),
            );
        }
        if f.name.trim().is_empty() {
            return Err("Give the account a name.".to_owned());
        }
        if !f.proxy.trim().is_empty() {
            quietpost_core::accounts::parse_proxy(f.proxy.trim()).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// The account the form describes, with the safe defaults for everything else.
    fn account(&self) -> Result<Account, String> {
        let f = &self.form;
        let server = |s: &ServerForm, what: &str| -> Result<Server, String> {
            if s.host.is_empty() {
                return Err(format!("Enter the {what} server's name."));
            }
            let port = s
                .port
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("The {what} port must be a number from 1 to 65535."))?;
            let ca_file = match s.ca_file.trim() {
                "" => None,
                path => {
                    let path = std::path::PathBuf::from(path);
                    if !path.is_file() {
                        return Err(format!(
                            "The {what} CA file {} is not a file Quietpost can read.",
                            path.display()
                        ));
                    }
                    Some(path)
                }
            };
            Ok(Server {
                host: s.host.clone(),
                port,
                security: s.security.0,
                ca_file,
                pin_sha256: s.pin,
                pin_key_sha256: None,
            })
        };
        let mut account = Account::new(
            f.name.trim(),
            f.email.trim(),
            if f.user.trim().is_empty() {
                f.email.trim()
            } else {
                f.user.trim()
            },
            server(&f.imap, "IMAP")?,
            server(&f.smtp, "SMTP")?,
        );
        account.display_name = quietpost_core::compose::display_name(&f.display_name)
            .map_err(|e| format!("Your name: {e}."))?;
        account.signature = quietpost_core::compose::signature(&f.signature.text())
            .map_err(|e| format!("Signature: {e}."))?;
        account.proxy = match f.proxy.trim() {
            "" => None,
            typed => Some(quietpost_core::accounts::parse_proxy(typed).map_err(|e| e.to_string())?),
        };
        if f.protect {
            account = quietpost_core::settings::turn_on(
                &account,
                quietpost_core::settings::Preset::Journalist,
            )
            .map_err(|_| {
                "Protect my location and identity needs a proxy: give one (Tor: socks5://127.0.0.1:9050)."
                    .to_owned()
            })?;
        }
        Ok(account)
    }

    fn check(&mut self) -> Task<Message> {
        let account = match self.account() {
            Ok(a) => a,
            Err(e) => {
                self.step = Step::Servers {
                    found: None,
                    error: Some(e),
                };
                return Task::none();
            }
        };
        self.step = Step::Checking;
        let password = quietpost_model::Secret::new(self.form.password.to_string());
        Task::perform(
            backend::add_account(self.paths.clone(), account, password),
            |r| Message::Checked(r.map(Arc::new)),
        )
    }
}

fn server_mut(f: &mut Form, smtp: bool) -> &mut ServerForm {
    if smtp { &mut f.smtp } else { &mut f.imap }
}

/// Empty port fields get the usual port of their TLS mode, as a value the person sees and can
/// change (not a grey placeholder that looks like one).
fn fill_ports(f: &mut Form) {
    for smtp in [false, true] {
        let s = server_mut(f, smtp);
        if s.port.is_empty() {
            s.port = s.security.0.usual_port(protocol(smtp)).to_string();
        }
    }
}

/// The first field of the form: focused when the wizard opens.
pub const EMAIL_ID: &str = "wizard-email";

/// A fingerprint as people compare it: four lines of eight bytes, two spaces between groups of
/// four (`AB:CD:…` in, the same characters out).
fn grouped(fingerprint: &str) -> String {
    let bytes: Vec<&str> = fingerprint.split(':').collect();
    bytes
        .chunks(8)
        .map(|line| {
            line.chunks(4)
                .map(|g| g.join(":"))
                .collect::<Vec<_>>()
                .join("  ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entering the servers by hand shows the usual ports of the TLS modes as values; a port
    /// the person typed stays, and a mode change moves only a usual port.
    #[test]
    fn ports_are_filled_with_the_modes_usual_port() {
        let dir = std::env::temp_dir().join(format!("qp-wizard-ports-{}", std::process::id()));
        let mut w = Wizard::new(Paths::profile(&dir));
        for m in [
            Message::Email("a@example.org".into()),
            Message::Password("pw".into()),
            Message::Name("work".into()),
            Message::Port(true, "2525".into()),
            Message::EnterServers,
        ] {
            let _ = w.update(m);
        }
        assert_eq!(w.form.imap.port, "993");
        assert_eq!(w.form.smtp.port, "2525", "typed, kept");
        let _ = w.update(Message::Security(false, Mode(Security::StartTlsRequired)));
        assert_eq!(w.form.imap.port, "143");
        let _ = w.update(Message::Security(true, Mode(Security::StartTlsRequired)));
        assert_eq!(w.form.smtp.port, "2525");
    }

    /// No keychain is said on the first step, before anyone types a password; one that comes
    /// back clears it.
    #[test]
    fn a_missing_keychain_is_said_before_the_form_is_filled() {
        let dir = std::env::temp_dir().join(format!("qp-wizard-kc-{}", std::process::id()));
        let mut w = Wizard::new(Paths::profile(&dir));
        let missing =
            quietpost_core::accounts::Error::Store(quietpost_core::StoreError::NoKeychain {
                detail: "no Secret Service".into(),
            });
        let _ = w.update(Message::Keychain(Err(Arc::new(missing))));
        let said = w.no_keychain.clone().unwrap();
        assert!(
            said.starts_with("No system keychain is available (no Secret Service)"),
            "{said}"
        );
        let mut ui = iced_test::simulator(w.view());
        assert!(ui.find(said.as_str()).is_ok(), "shown on the details step");
        drop(ui);
        let _ = w.update(Message::Keychain(Ok(())));
        assert!(w.no_keychain.is_none());
    }

    /// "Protect my location and identity" in the wizard: Tor's address offered as the proxy,
    /// and the account it adds has every item of the preset; without a proxy it is refused.
    #[test]
    fn the_preset_is_offered_when_adding_an_account() {
        let dir = std::env::temp_dir().join(format!("qp-wizard-preset-{}", std::process::id()));
        let mut w = Wizard::new(Paths::profile(&dir));
        assert!(shows(&w, crate::wording::settings::JOURNALIST));
        for m in [
            Message::Email("a@example.org".into()),
            Message::Host(false, "imap.example.org".into()),
            Message::Host(true, "smtp.example.org".into()),
            Message::Port(false, "993".into()),
            Message::Port(true, "465".into()),
            Message::Protect(true),
        ] {
            let _ = w.update(m);
        }
        assert_eq!(w.form.proxy, "socks5://127.0.0.1:9050");
        let account = w.account().unwrap();
        assert!(quietpost_core::settings::is_on(
            &account,
            quietpost_core::settings::Preset::Journalist
        ));
        let _ = w.update(Message::Proxy(String::new()));
        assert!(w.account().unwrap_err().contains("needs a proxy"));
    }

    fn shows(w: &Wizard, label: &str) -> bool {
        iced_test::simulator(w.view()).find(label).is_ok()
    }

    /// The proxy is an advanced option: folded away until asked for (or set); a Gmail address
    /// says before the password is typed that Gmail takes only an app password, with the page
    /// as text to copy.
    #[test]
    fn advanced_options_are_folded_and_app_passwords_are_said_first() {
        let dir = std::env::temp_dir().join(format!("qp-wizard-adv-{}", std::process::id()));
        let mut w = Wizard::new(Paths::profile(&dir));
        assert!(!shows(&w, "Proxy (optional)"));
        assert!(shows(&w, "Connection options (a proxy such as Tor)…"));
        let _ = w.update(Message::Advanced);
        assert!(shows(&w, "Proxy (optional)"));
        let _ = w.update(Message::Proxy("socks5://127.0.0.1:9050".into()));
        let _ = w.update(Message::Advanced);
        assert!(
            shows(&w, "Proxy (optional)"),
            "a proxy that is set stays in sight"
        );

        assert!(!shows(&w, "https://myaccount.google.com/apppasswords"));
        let _ = w.update(Message::Email("alice@gmail.com".into()));
        assert!(shows(&w, "https://myaccount.google.com/apppasswords"));
        let mut ui = iced_test::simulator(w.view());
        ui.click("Copy").unwrap();
        let copied: Vec<Message> = ui.into_messages().collect();
        assert!(
            matches!(copied.as_slice(), [Message::Copy(page)] if page == "https://myaccount.google.com/apppasswords"),
            "{copied:?}"
        );
        let _ = w.update(Message::Email("alice@example.org".into()));
        assert!(!shows(&w, "https://myaccount.google.com/apppasswords"));
    }

    /// Servers found automatically are said in words, their form one click away; a cause
    /// comes before the form.
    #[test]
    fn found_servers_are_said_in_words_and_a_cause_leads() {
        let dir = std::env::temp_dir().join(format!("qp-wizard-found-{}", std::process::id()));
        let mut w = Wizard::new(Paths::profile(&dir));
        for m in [
            Message::Email("alice@gmail.com".into()),
            Message::Password("pw".into()),
        ] {
            let _ = w.update(m);
        }
        let found = quietpost_core::autoconfig::builtin("alice@gmail.com").unwrap();
        let _ = w.update(Message::Discovered(Ok(Arc::new(found))));
        assert!(
            shows(&w, "imap.gmail.com, port 993, TLS from the first byte"),
            "in words"
        );
        assert!(!shows(&w, "mail.example.org"), "no form yet");
        let _ = w.update(Message::Advanced);
        let mut ui = iced_test::simulator(w.view());
        assert!(
            ui.find("CA file (optional): for a server signed by your own authority")
                .is_ok()
        );
        drop(ui);
        // A CA file that is not there is said before anything connects.
        let _ = w.update(Message::CaFile(false, "/nonexistent/ca.pem".into()));
        let _ = w.update(Message::Check);
        let Step::Servers { error: Some(e), .. } = &w.step else {
            panic!("not refused")
        };
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }

    /// A fingerprint to compare: in four lines of eight bytes, every character kept.
    #[test]
    fn a_fingerprint_is_grouped_for_comparing() {
        let fp = quietpost_model::Fingerprint([0xAB; 32]).to_string();
        let g = grouped(&fp);
        assert_eq!(g.lines().count(), 4);
        assert_eq!(g.replace("  ", ":").replace('\n', ":"), fp);
        assert!(g.lines().all(|l| l == "AB:AB:AB:AB  AB:AB:AB:AB"), "{g}");
    }

    /// The fingerprint to compare is text that can be selected and copied, never changed.
    #[test]
    fn the_fingerprint_can_be_selected_not_changed() {
        use iced::widget::text_editor::{Action, Edit};
        let dir = std::env::temp_dir().join(format!("qp-wizard-fp-{}", std::process::id()));
        let mut w = Wizard::new(Paths::profile(&dir));
        let fp = quietpost_model::Fingerprint([0x5A; 32]);
        w.step = Step::Certificate(Box::new(Certificate {
            words: "not trusted".into(),
            smtp: false,
            fingerprint: Some(fp),
            shown: iced::widget::text_editor::Content::with_text(&grouped(&fp.to_string())),
            compared: false,
        }));
        let before = w.fingerprint_shown().unwrap();
        let _ = w.update(Message::Fingerprint(Action::Edit(Edit::Insert('x'))));
        let _ = w.update(Message::Fingerprint(Action::Edit(Edit::Backspace)));
        assert_eq!(w.fingerprint_shown().unwrap(), before, "unchanged");
        let _ = w.update(Message::Fingerprint(Action::SelectAll));
        let Step::Certificate(c) = &w.step else {
            unreachable!()
        };
        assert_eq!(c.shown.selection().as_deref(), Some(before.as_str()));
    }
}
