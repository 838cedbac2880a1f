//! A server's certificate key that is not the one pinned: shown for what it is — the pinned
//! and the presented fingerprints side by side, and what it may mean — above the list, with
//! *Pin the new key* for after the person compared it. Never a "continue anyway": nothing
//! connects until the new key is pinned (or the old one comes back).

use super::{Event, Mailbox, Message, Notice};
use crate::backend::{self, Error};
use crate::theme;
use crate::widget::icon::{Icon, icon};
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length, Task};
use quietpost_model::{Account, Fingerprint};

/// What a refusal said: which account and server, the pin, what was presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChange {
    pub account: String,
    /// The sending (SMTP) server's key, else the receiving (IMAP) server's.
    pub smtp: bool,
    pub host: String,
    /// The pinned fingerprint, and whether it is of a key (else of a whole certificate).
    pub pinned: String,
    pub pinned_is_key: bool,
    /// What the server presents now: the fingerprint of the pinned kind, and of its key.
    pub presented: String,
    pub presented_key: String,
}

impl KeyChange {
    /// The key change the sync engine's failure reports (the IMAP server's), if it is one.
    pub fn of(account: &str, e: &quietpost_core::sync::Error) -> Option<KeyChange> {
        match e {
            quietpost_core::sync::Error::Net(n) => KeyChange::of_net(account, false, n),
            _ => None,
        }
    }

    /// The key change a connection's failure reports, if it is one.
    pub fn of_net(account: &str, smtp: bool, e: &quietpost_core::NetError) -> Option<KeyChange> {
        let quietpost_core::NetError::Certificate {
            host,
            problem:
                quietpost_core::CertProblem::PinMismatch {
                    expected,
                    actual,
                    key,
                    actual_key,
                },
        } = e
        else {
            return None;
        };
        Some(KeyChange {
            account: account.to_owned(),
            smtp,
            host: host.clone(),
            pinned: expected.clone(),
            pinned_is_key: *key,
            presented: actual.clone(),
            presented_key: actual_key.clone(),
        })
    }
}

/// A fingerprint in two lines of 16 bytes, to compare by eye.
fn halves(fp: &str) -> String {
    let parts: Vec<&str> = fp.split(':').collect();
    if parts.len() == 32 {
        format!("{}\n{}", parts[..16].join(":"), parts[16..].join(":"))
    } else {
        fp.to_owned()
    }
}

impl Mailbox {
    /// An account's sync stopped or is waiting: on a changed key, the panel is shown for it;
    /// on a proxy that is down (or required and not set), the kill-switch is named as such.
    pub fn sync_failed(&mut self, account: &str, e: &quietpost_core::sync::Error) {
        use quietpost_core::NetError;
        self.key_changes.retain(|k| k.account != account || k.smtp);
        if let Some(k) = KeyChange::of(account, e) {
            self.key_changes.push(k);
        }
        self.proxy_down.retain(|a| a != account);
        if matches!(
            e,
            quietpost_core::sync::Error::Net(
                NetError::ProxyUnreachable { .. } | NetError::Proxy { .. }
            ) | quietpost_core::sync::Error::Account(
                quietpost_core::accounts::Error::ProxyRequired(_)
            )
        ) {
            self.proxy_down.push(account.to_owned());
        }
    }

    /// The outbox was sent (or not): a sending server whose key changed gets the panel; one
    /// that took a message has none.
    pub fn outbox_sent(
        &mut self,
        account: &str,
        results: &[(i64, Result<(), quietpost_core::outbox::Error>)],
    ) {
        let changed = results.iter().find_map(|(_, r)| match r {
            Err(quietpost_core::outbox::Error::Net(n)) => KeyChange::of_net(account, true, n),
            _ => None,
        });
        if changed.is_some() || results.iter().any(|(_, r)| r.is_ok()) {
            self.key_changes.retain(|k| k.account != account || !k.smtp);
        }
        self.key_changes.extend(changed);
    }

    /// Whether `account` is held by its kill-switch (its proxy down, or required and unset).
    pub fn proxy_down(&self, account: &str) -> bool {
        self.proxy_down.iter().any(|a| a == account)
    }

    pub fn key_changes(&self) -> &[KeyChange] {
        &self.key_changes
    }

    pub(super) fn pin_new_key(&mut self, account: String, smtp: bool) -> Task<Message> {
        let Some(k) = (self.key_changes.iter()).find(|k| k.account == account && k.smtp == smtp)
        else {
            return Task::none();
        };
        let Ok(key) = k.presented_key.parse::<Fingerprint>() else {
            self.notice = Some(Notice::Failed(
                "The new key's fingerprint could not be read: nothing was pinned.".into(),
            ));
            return Task::none();
        };
        Task::perform(
            backend::settings::pin_key(self.places.paths.clone(), account, smtp, key),
            |r| Message::KeyPinned(r.map(std::sync::Arc::new)),
        )
    }

    pub(super) fn key_pinned(
        &mut self,
        result: Result<std::sync::Arc<Account>, Error>,
    ) -> (Task<Message>, Option<Event>) {
        match result {
            Ok(account) => {
                let name = account.name.clone();
                // The panel of each server whose new key is now pinned goes.
                self.key_changes.retain(|k| {
                    let server = if k.smtp { &account.smtp } else { &account.imap };
                    k.account != name
                        || server.pin_key_sha256.map(|p| p.to_string())
                            != Some(k.presented_key.clone())
                });
                if let Some(a) = self.accounts.iter_mut().find(|a| a.name == name) {
                    *a = Account::clone(&account);
                }
                self.notice = Some(Notice::Done(format!(
                    "{name}: the new key is pinned. Connecting…"
                )));
                (Task::none(), Some(Event::Reconfigured(name)))
            }
            Err(e) => {
                self.notice = Some(Notice::Failed(crate::wording::app_error(&e)));
                (Task::none(), None)
            }
        }
    }

    /// The panels for `account`'s changed keys (the receiving server's, the sending
    /// server's), when it has any.
    pub(super) fn key_change_view(&self, account: &str) -> Option<Element<'_, Message>> {
        let panels: Vec<Element<'_, Message>> = (self.key_changes.iter())
            .filter(|k| k.account == account)
            .map(|k| self.key_change_panel(k))
            .collect();
        (!panels.is_empty()).then(|| {
            iced::widget::Column::with_children(panels)
                .spacing(4)
                .into()
        })
    }

    fn key_change_panel<'a>(&'a self, k: &'a KeyChange) -> Element<'a, Message> {
        let account = k.account.as_str();
        let server = if k.smtp {
            "sending (SMTP)"
        } else {
            "receiving (IMAP)"
        };
        let what = if k.pinned_is_key {
            "key"
        } else {
            "certificate"
        };
        let side = |title: &'static str, fp: &str| {
            column![
                text(title).size(12).font(theme::BOLD),
                text(halves(fp)).size(12),
            ]
            .spacing(2)
            .width(Length::FillPortion(1))
        };
        container(
                column![
                    row![
                        icon(Icon::Shield, 14.0),
                        text(format!("{account}: the {server} server's {what} changed"))
                            .font(theme::BOLD)
                            .size(13)
                    ]
                    .spacing(6),
                    text(format!(
                        "{} presented a {what} that is not the one you pinned, so Quietpost did not connect and sent nothing{}. If you did not renew your server's certificate with a new key, someone may be intercepting the connection.",
                        k.host,
                        if k.smtp { " (the message stays in your outbox: send it again from there)" } else { "" }
                    ))
                    .size(12),
                    row![
                        side("Pinned", &k.pinned),
                        side("Presented now", &k.presented),
                    ]
                    .spacing(12),
                    text("Compare the one presented now with the fingerprint your administrator gives you (by phone, in person, on their website). Only if they are the same:")
                        .size(12),
                    crate::widget::focusable::pressed(button(text("Pin the new key").size(12)).style(theme::secondary), Message::PinNewKey(account.to_owned(), k.smtp)),
                ]
                .spacing(6),
            )
            .padding([6, 10])
            .width(Length::Fill)
            .style(theme::severity(quietpost_model::Severity::Danger))
            .into()
    }
}
