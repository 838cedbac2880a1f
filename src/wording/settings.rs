//! Account settings in words: the journalist preset's checklist, and where an account's
//! connections go.

use quietpost_core::settings::{Item, ItemKind};
use quietpost_model::{Account, Route};

/// The preset's name as the switch shows it.
pub const JOURNALIST: &str = "Protect my location and identity";

/// Where the account's connections go, for the folder pane and the settings: "via Tor at
/// 127.0.0.1:9050", "via the proxy at …", "direct", or the kill-switch with no proxy.
pub fn route(account: &Account) -> String {
    match &account.proxy {
        Some(Route::Socks5 { host, port }) if *port == 9050 || *port == 9150 => {
            format!("via Tor at {}", hostport(host, *port))
        }
        Some(Route::Socks5 { host, port }) => {
            format!("via the SOCKS5 proxy at {}", hostport(host, *port))
        }
        Some(Route::HttpConnect { host, port }) => {
            format!("via the HTTP proxy at {}", hostport(host, *port))
        }
        _ if account.proxy_required => "no proxy set: nothing connects".to_owned(),
        _ => "direct".to_owned(),
    }
}

fn hostport(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// One line of the checklist: what the item protects, as it stands for `account`.
pub fn item(item: &Item, account: &Account) -> String {
    let proxy = account
        .proxy
        .as_ref()
        .map_or_else(|| "the proxy".to_owned(), Route::url);
    match (item.kind, item.holds) {
        (ItemKind::ProxyRequired, true) => format!(
            "Every connection goes through {proxy}; if it is down, nothing connects"
        ),
        (ItemKind::ProxyRequired, false) => {
            "A proxy is not required: without one, connections go direct".to_owned()
        }
        (ItemKind::StreamIsolation, true) => {
            "Tor stream isolation: the mail server, the sending server and each message's images use separate circuits"
                .to_owned()
        }
        (ItemKind::StreamIsolation, false) => match &account.proxy {
            Some(Route::HttpConnect { .. }) => {
                "No stream isolation: an HTTP proxy cannot keep connections apart (use Tor's SOCKS5 port)"
                    .to_owned()
            }
            _ => "No stream isolation: connections may share a Tor circuit".to_owned(),
        },
        (ItemKind::NoAutomaticImages, true) => {
            "No image loads by itself: only one message's, when you ask, through the proxy"
                .to_owned()
        }
        (ItemKind::NoAutomaticImages, false) => format!(
            "Images of {} load without asking",
            account.always_load_from.join(", ")
        ),
        (ItemKind::DocumentsSaveOnly, true) => {
            "Documents (PDF, office) are saved only, never opened in a viewer that could go online"
                .to_owned()
        }
        (ItemKind::DocumentsSaveOnly, false) => {
            "Documents can be opened in the system's viewer".to_owned()
        }
        (ItemKind::PrivateNotifications, true) => {
            "Notifications never show a sender or subject".to_owned()
        }
        (ItemKind::PrivateNotifications, false) => {
            "Notifications show the sender and subject".to_owned()
        }
        (ItemKind::RevealEverySend, true) => {
            "What a message reveals is shown before every send".to_owned()
        }
        (ItemKind::RevealEverySend, false) => {
            "What a message reveals is shown only the first time, or when it changes".to_owned()
        }
        (ItemKind::SendingPrivacy, _) => {
            "Sent mail carries a UTC date, no program name, and attachments without hidden data (always)"
                .to_owned()
        }
    }
}

/// What the provider self-test found, in sentences (the window and the command line).
pub fn selftest(report: &quietpost_core::selftest::Report) -> Vec<String> {
    let f = &report.findings;
    let mut out = Vec::new();
    let proxied = report.route != Route::Direct;
    match &f.sender_address {
        Some(ip) if proxied => out.push(format!(
            "Your provider writes the address it saw you send from into every message: {ip}. That is your proxy's exit, not your own address; every recipient can read it."
        )),
        Some(ip) => out.push(format!(
            "Your provider writes the address you send from into every message: {ip}. Every recipient can read it, and it tells roughly where you are. A proxy (such as Tor) puts its exit's address there instead."
        )),
        None => out.push(
            "Your provider does not write the address you send from into the Received lines of your mail."
                .to_owned(),
        ),
    }
    for (name, value) in &f.originating {
        out.push(format!(
            "It also adds a header that names your address outright: {name}: {value}."
        ));
    }
    if !f.addresses.is_empty() {
        out.push(format!(
            "Names and addresses in its Received lines: {}.",
            f.addresses.join(", ")
        ));
    }
    match &f.authserv_id {
        Some(id) => out.push(format!(
            "It checks the mail you receive and signs the results as {id}: Quietpost believes those results for this account, so verified senders show as verified."
        )),
        None => out.push(
            "It records no authentication results on the mail you receive, so Quietpost cannot show which senders are verified."
                .to_owned(),
        ),
    }
    out.push(if report.probe_deleted {
        "The test message was deleted.".to_owned()
    } else {
        "The test message is marked deleted (your server cannot remove one message alone); it goes when the folder is next compacted.".to_owned()
    });
    out
}

/// What a change of settings did, in one line ("Saved: proxy none (direct) → socks5://…").
pub fn changed(changes: &[quietpost_core::settings::Change]) -> String {
    let parts: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {} → {}", label(c.setting), c.before, c.after))
        .collect();
    format!("Saved: {}.", parts.join("; "))
}

/// A setting's name as the window says it.
pub fn label(setting: &str) -> &str {
    match setting {
        "display-name" => "name",
        "require-proxy" => "proxy required",
        "isolate-streams" => "stream isolation",
        "remote" => "remote content",
        "always-load" => "always load from",
        "trust-authserv" => "believed authentication results",
        "reveal" => "what a message reveals is shown",
        "imap-trust" => "IMAP trusts",
        "smtp-trust" => "SMTP trusts",
        other => other,
    }
}

/// What removing the account deletes.
pub fn removal(account: &Account) -> String {
    let password = match account.password {
        quietpost_model::PasswordSource::Keychain => "its password in the system keychain, ",
        quietpost_model::PasswordSource::Command { .. } => "",
    };
    format!(
        "Removing {} deletes {password}the mail downloaded for it on this computer, the messages waiting in its outbox, and its settings. Nothing is deleted on the server.",
        account.name
    )
}

/// A folder by its whole path as people read it ("Lists/rust"; the Inbox as "Inbox"), for the
/// choice of folders whose new mail is notified (the folder pane shows only the last part).
pub fn folder(f: &crate::backend::FolderItem) -> String {
    match f.role {
        Some(quietpost_model::Role::Inbox) => "Inbox".to_owned(),
        _ => {
            let decoded = quietpost_core::folders::decoded(&f.name);
            quietpost_model::SafeLine::new(&decoded, 120)
                .as_str()
                .to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quietpost_model::{Security, Server};

    #[test]
    fn the_route_is_said_as_the_folder_pane_shows_it() {
        let s = |port| Server::new("h", port, Security::ImplicitTls);
        let mut a = Account::new("w", "a@b", "a", s(993), s(465));
        assert_eq!(route(&a), "direct");
        a.proxy_required = true;
        assert_eq!(route(&a), "no proxy set: nothing connects");
        a.proxy = Some("socks5://127.0.0.1:9050".parse().unwrap());
        assert_eq!(route(&a), "via Tor at 127.0.0.1:9050");
        a.proxy = Some("http://[::1]:8080".parse().unwrap());
        assert_eq!(route(&a), "via the HTTP proxy at [::1]:8080");
    }
}
