//! An account's settings as a person changes them: the list of what changed (the command line
//! prints it, the window shows it before a preset is turned off), and the journalist preset —
//! a named bundle of ordinary settings, never a separate code path: turning it on sets them,
//! and it is "on" exactly while every one of them holds.

use quietpost_model::{Account, Documents, Fingerprint, Notifications, RemoteContent, Route};
use std::path::PathBuf;

/// One change a person asks for: the window's controls and `account set`'s options are both
/// lists of these, applied by [`apply`] and saved by [`save`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The name in From, as typed ("" removes it).
    DisplayName(String),
    /// The signature, as typed (none or blank: no signature).
    Signature(Option<String>),
    Proxy(Option<Route>),
    RequireProxy(bool),
    IsolateStreams(bool),
    /// A certificate (or key) pin for both servers; none removes it.
    Pin(Option<Fingerprint>),
    /// A CA file for both servers; none removes it.
    CaFile(Option<PathBuf>),
    Remote(RemoteContent),
    AlwaysLoad(String),
    NoAlwaysLoad(String),
    TrustAuthserv(String),
    NoTrustAuthserv(String),
    Documents(Documents),
    Notifications(Notifications),
    /// No notification of new mail in this folder (by its name).
    Mute(String),
    /// Notifications of new mail in this folder too.
    Unmute(String),
    RevealEverySend(bool),
    /// Turn a preset on (`Some`) or the journalist preset off (`None`).
    Preset(Option<Preset>),
}

/// Why a change was refused (nothing is saved).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("display name: {0}")]
    DisplayName(String),
    #[error("signature: {0}")]
    Signature(String),
    #[error("{0:?} is not an email address")]
    NotAnAddress(String),
    #[error("{0:?} is not an authserv-id (a host name such as mx.example.org)")]
    NotAnAuthservId(String),
    #[error("the CA file {0} cannot be read")]
    CaFile(PathBuf),
    #[error(transparent)]
    Preset(#[from] PresetError),
    /// Removing the proxy of an account that requires one.
    #[error("the account requires a proxy for every connection")]
    ProxyRequired,
}

/// `account` with `edits` applied in order (nothing is saved).
pub fn apply(account: &Account, edits: &[Edit]) -> Result<Account, EditError> {
    let mut a = account.clone();
    for edit in edits {
        match edit {
            Edit::DisplayName(typed) => {
                a.display_name = crate::compose::display_name(typed)
                    .map_err(|e| EditError::DisplayName(e.to_string()))?;
            }
            Edit::Signature(typed) => {
                a.signature = match typed {
                    Some(t) => crate::compose::signature(t)
                        .map_err(|e| EditError::Signature(e.to_string()))?,
                    None => None,
                };
            }
            Edit::Proxy(route) => {
                let route = route.clone().filter(|r| *r != Route::Direct);
                if route.is_none() && a.proxy_required {
                    return Err(EditError::ProxyRequired);
                }
                a.proxy = route;
            }
            Edit::RequireProxy(on) => a.proxy_required = *on,
            Edit::IsolateStreams(on) => a.isolate_streams = *on,
            Edit::Pin(pin) => {
                // A fingerprint typed is of the certificate (what administrators give and
                // `openssl x509 -fingerprint` prints); it becomes a key pin once it verified.
                for s in [&mut a.imap, &mut a.smtp] {
                    s.pin_sha256 = *pin;
                    s.pin_key_sha256 = None;
                }
            }
            Edit::CaFile(ca) => {
                let ca = match ca {
                    Some(p) => {
                        let p = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                        if !p.is_file() {
                            return Err(EditError::CaFile(p));
                        }
                        Some(p)
                    }
                    None => None,
                };
                for s in [&mut a.imap, &mut a.smtp] {
                    s.ca_file = ca.clone();
                }
            }
            Edit::Remote(r) => a.remote_content = *r,
            Edit::AlwaysLoad(typed) => {
                let address = crate::compose::address_of(typed.trim())
                    .ok_or_else(|| EditError::NotAnAddress(typed.clone()))?
                    .to_lowercase();
                if !a.always_load_from.contains(&address) {
                    a.always_load_from.push(address);
                }
            }
            Edit::NoAlwaysLoad(x) => a
                .always_load_from
                .retain(|y| !y.eq_ignore_ascii_case(x.trim())),
            Edit::TrustAuthserv(typed) => {
                let id = typed.trim();
                if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == ';') {
                    return Err(EditError::NotAnAuthservId(typed.clone()));
                }
                if !a
                    .trusted_authserv_ids
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(id))
                {
                    a.trusted_authserv_ids.push(id.to_owned());
                }
            }
            Edit::NoTrustAuthserv(x) => a
                .trusted_authserv_ids
                .retain(|y| !y.eq_ignore_ascii_case(x.trim())),
            Edit::Documents(d) => a.documents = *d,
            Edit::Notifications(n) => a.notifications = *n,
            Edit::Mute(folder) | Edit::Unmute(folder) => {
                let mut list = a.notified_folders();
                let muted = |f: &String| {
                    f == folder
                        || (f.eq_ignore_ascii_case("INBOX") && folder.eq_ignore_ascii_case("INBOX"))
                };
                list.retain(|f| !muted(f));
                if matches!(edit, Edit::Unmute(_)) {
                    list.push(folder.clone());
                }
                a.notify_folders = (list != ["INBOX"]).then_some(list);
            }
            Edit::RevealEverySend(on) => a.reveal_every_send = *on,
            Edit::Preset(Some(p)) => a = turn_on(&a, *p)?,
            Edit::Preset(None) => a = turn_off(&a, Preset::Journalist),
        }
    }
    Ok(a)
}

/// Why settings were not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Account(#[from] crate::accounts::Error),
}

/// Applies `edits` to account `name` and saves it in config.toml (nothing is saved when one is
/// refused). Returns the account before and after. Blocking.
pub fn save(
    paths: &quietpost_store::paths::Paths,
    name: &str,
    edits: &[Edit],
) -> Result<(Account, Account), SaveError> {
    let before = crate::accounts::named(paths, name).map_err(crate::accounts::Error::from)?;
    let after = apply(&before, edits)?;
    if after == before {
        return Ok((before, after));
    }
    // Applied again to the account as the file holds it at the moment of saving.
    let mut refused = None;
    let after = crate::accounts::update(paths, name, |a| match apply(a, edits) {
        Ok(x) => *a = x,
        Err(e) => refused = Some(e),
    })?;
    match refused {
        Some(e) => Err(e.into()),
        None => Ok((before, after)),
    }
}

/// One setting that differs between two versions of an account, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The setting's name, as the command line's option spells it (`remote`, `proxy`, ...).
    pub setting: &'static str,
    pub before: String,
    pub after: String,
}

fn on_off(b: bool) -> String {
    if b { "on" } else { "off" }.to_owned()
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// Each setting a person can change, as words.
fn described(a: &Account) -> Vec<(&'static str, String)> {
    let server = |s: &quietpost_model::Server| {
        format!(
            "{}:{} ({})",
            s.host,
            s.port,
            match s.security {
                quietpost_model::Security::ImplicitTls => "TLS",
                quietpost_model::Security::StartTlsRequired => "STARTTLS, required",
            }
        )
    };
    let trust = |s: &quietpost_model::Server| match (&s.pin_key_sha256, &s.pin_sha256, &s.ca_file) {
        (Some(k), _, _) => format!("pinned key {k}"),
        (None, Some(p), _) => format!("pinned certificate {p}"),
        (None, None, Some(ca)) => format!("CA file {}", ca.display()),
        (None, None, None) => "the system's authorities".to_owned(),
    };
    vec![
        (
            "display-name",
            a.display_name.clone().unwrap_or_else(|| "none".into()),
        ),
        (
            "signature",
            match &a.signature {
                Some(s) => format!("{} lines", s.lines().count()),
                None => "none".into(),
            },
        ),
        ("imap", server(&a.imap)),
        ("smtp", server(&a.smtp)),
        ("imap-trust", trust(&a.imap)),
        ("smtp-trust", trust(&a.smtp)),
        (
            "proxy",
            match &a.proxy {
                Some(r) if *r != Route::Direct => r.url(),
                _ => "none (direct)".into(),
            },
        ),
        ("require-proxy", on_off(a.proxy_required)),
        ("isolate-streams", on_off(a.isolate_streams)),
        (
            "remote",
            match a.remote_content {
                RemoteContent::OnRequest => "on request, through the proxy",
                RemoteContent::Never => "never",
            }
            .into(),
        ),
        ("always-load", list(&a.always_load_from)),
        ("trust-authserv", list(&a.trusted_authserv_ids)),
        (
            "documents",
            match a.documents {
                Documents::Open => "open or save",
                Documents::SaveOnly => "save only",
            }
            .into(),
        ),
        (
            "notifications",
            match a.notifications {
                Notifications::Off => "off",
                Notifications::NewMail => "new mail, without sender or subject",
                Notifications::WithSender => "with sender and subject",
            }
            .into(),
        ),
        ("notify-folders", list(&a.notified_folders())),
        (
            "reveal",
            if a.reveal_every_send {
                "before every send"
            } else {
                "before the first send and when something new is revealed"
            }
            .into(),
        ),
    ]
}

/// What differs from `before` to `after`, in the order settings are listed.
pub fn changes(before: &Account, after: &Account) -> Vec<Change> {
    described(before)
        .into_iter()
        .zip(described(after))
        .filter(|((_, b), (_, a))| b != a)
        .map(|((setting, before), (_, after))| Change {
            setting,
            before,
            after,
        })
        .collect()
}

/// Every setting, as words (for `account set NAME` with nothing to change).
pub fn all(account: &Account) -> Vec<(&'static str, String)> {
    described(account)
}

/// A named bundle of settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// "Protect my location and identity".
    Journalist,
}

/// One line of a preset's checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    /// Whether the account has it now.
    pub holds: bool,
}

/// What the journalist preset turns on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A proxy is set and required for every connection (kill-switch).
    ProxyRequired,
    /// Tor stream isolation, on a SOCKS5 proxy.
    StreamIsolation,
    /// Images only when the person loads one message's, through the proxy: never by
    /// themselves (the always-load list is empty).
    NoAutomaticImages,
    /// Documents are saved only, never handed to a viewer.
    DocumentsSaveOnly,
    /// Notifications carry no sender or subject.
    PrivateNotifications,
    /// What a message reveals is shown before every send.
    RevealEverySend,
    /// UTC date, no program name, attachments' hidden data removed: always on in Quietpost.
    SendingPrivacy,
}

/// The journalist preset's checklist for `account`: each item and whether it holds.
pub fn checklist(account: &Account) -> Vec<Item> {
    use ItemKind::*;
    let socks = matches!(account.proxy, Some(Route::Socks5 { .. }));
    [
        (
            ProxyRequired,
            account.proxy_required && socks_or_http(account),
        ),
        (StreamIsolation, account.isolate_streams && socks),
        (
            NoAutomaticImages,
            account.always_load_from.is_empty() && account.remote_content.is_default()
                || account.remote_content == RemoteContent::Never,
        ),
        (DocumentsSaveOnly, account.documents == Documents::SaveOnly),
        (
            PrivateNotifications,
            account.notifications != Notifications::WithSender,
        ),
        (RevealEverySend, account.reveal_every_send),
        (SendingPrivacy, true),
    ]
    .into_iter()
    .map(|(kind, holds)| Item { kind, holds })
    .collect()
}

fn socks_or_http(account: &Account) -> bool {
    matches!(&account.proxy, Some(r) if *r != Route::Direct)
}

/// Whether the preset is on: every item of its checklist holds.
pub fn is_on(account: &Account, preset: Preset) -> bool {
    match preset {
        Preset::Journalist => checklist(account).iter().all(|i| i.holds),
    }
}

/// Why a preset cannot be turned on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresetError {
    /// The journalist preset needs a proxy to require (Tor: socks5://127.0.0.1:9050).
    #[error("the preset needs a proxy (Tor: socks5://127.0.0.1:9050)")]
    NoProxy,
}

/// The account with `preset` turned on. The proxy itself is the person's to give: without one
/// the preset is refused rather than leaving an account that can never connect.
pub fn turn_on(account: &Account, preset: Preset) -> Result<Account, PresetError> {
    let mut a = account.clone();
    match preset {
        Preset::Journalist => {
            if !socks_or_http(&a) {
                return Err(PresetError::NoProxy);
            }
            a.proxy_required = true;
            a.isolate_streams = true;
            if a.remote_content != RemoteContent::Never {
                a.remote_content = RemoteContent::OnRequest;
            }
            a.always_load_from.clear();
            a.documents = Documents::SaveOnly;
            if a.notifications == Notifications::WithSender {
                a.notifications = Notifications::NewMail;
            }
            a.reveal_every_send = true;
        }
    }
    Ok(a)
}

/// The account with `preset` turned off: what it turned on goes back to the defaults. The
/// proxy stays (no longer required); the always-load list stays empty; remote content and
/// notifications stay as they are (both are already the safe way).
pub fn turn_off(account: &Account, preset: Preset) -> Account {
    let mut a = account.clone();
    match preset {
        Preset::Journalist => {
            a.proxy_required = false;
            a.isolate_streams = false;
            a.documents = Documents::Open;
            a.reveal_every_send = false;
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use quietpost_model::{Security, Server};

    fn account() -> Account {
        let s = |port| Server::new("mail.example.org", port, Security::ImplicitTls);
        Account::new("work", "a@example.org", "a", s(993), s(465))
    }

    #[test]
    fn the_preset_turns_on_every_item_and_off_reverts_them() {
        let mut a = account();
        a.always_load_from = vec!["news@shop.example".into()];
        a.notifications = Notifications::WithSender;
        assert_eq!(turn_on(&a, Preset::Journalist), Err(PresetError::NoProxy));
        a.proxy = Some("socks5://127.0.0.1:9050".parse().unwrap());
        assert!(!is_on(&a, Preset::Journalist));
        let on = turn_on(&a, Preset::Journalist).unwrap();
        assert!(is_on(&on, Preset::Journalist), "{:?}", checklist(&on));
        let said: Vec<_> = changes(&a, &on).iter().map(|c| c.setting).collect();
        assert_eq!(
            said,
            [
                "require-proxy",
                "isolate-streams",
                "always-load",
                "documents",
                "notifications",
                "reveal"
            ]
        );
        let off = turn_off(&on, Preset::Journalist);
        assert!(!is_on(&off, Preset::Journalist));
        let said: Vec<_> = changes(&on, &off).iter().map(|c| c.setting).collect();
        assert_eq!(
            said,
            ["require-proxy", "isolate-streams", "documents", "reveal"]
        );
        assert_eq!(off.proxy, a.proxy, "the proxy stays");
        // One item changed by hand: the preset is no longer on, and the list says which.
        let mut by_hand = on.clone();
        by_hand.documents = Documents::Open;
        assert!(!is_on(&by_hand, Preset::Journalist));
        let off_items: Vec<_> = checklist(&by_hand)
            .into_iter()
            .filter(|i| !i.holds)
            .map(|i| i.kind)
            .collect();
        assert_eq!(off_items, [ItemKind::DocumentsSaveOnly]);
        // Through an HTTP proxy, stream isolation cannot hold.
        let mut http = on;
        http.proxy = Some("http://127.0.0.1:8080".parse().unwrap());
        assert!(!is_on(&http, Preset::Journalist));
    }

    #[test]
    fn folders_are_muted_and_unmuted_by_name_and_the_inbox_in_any_case() {
        let a = account();
        assert!(a.notifies("INBOX") && a.notifies("Inbox") && !a.notifies("Lists/rust"));
        let b = apply(&a, &[Edit::Unmute("Lists/rust".into())]).unwrap();
        assert!(b.notifies("INBOX") && b.notifies("Lists/rust") && !b.notifies("lists/rust"));
        let c = apply(&b, &[Edit::Mute("inbox".into())]).unwrap();
        assert!(!c.notifies("INBOX") && c.notifies("Lists/rust"));
        assert_eq!(
            changes(&a, &c),
            [Change {
                setting: "notify-folders",
                before: "INBOX".into(),
                after: "Lists/rust".into()
            }]
        );
        // Back to the Inbox only: the default again, nothing written for it.
        let d = apply(
            &c,
            &[
                Edit::Mute("Lists/rust".into()),
                Edit::Unmute("INBOX".into()),
            ],
        );
        assert_eq!(d.unwrap().notify_folders, None);
        let none = apply(&a, &[Edit::Mute("INBOX".into())]).unwrap();
        assert!(!none.notifies("INBOX"));
        assert_eq!(
            all(&none)
                .iter()
                .find(|s| s.0 == "notify-folders")
                .unwrap()
                .1,
            "none"
        );
    }

    #[test]
    fn changes_are_words() {
        let a = account();
        let mut b = a.clone();
        b.remote_content = RemoteContent::Never;
        assert_eq!(
            changes(&a, &b),
            [Change {
                setting: "remote",
                before: "on request, through the proxy".into(),
                after: "never".into()
            }]
        );
        assert!(changes(&a, &a).is_empty());
    }
}
