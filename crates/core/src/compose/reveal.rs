//! What a message reveals, as facts: who sees which recipient, the identity, the Date, what
//! the attachments lose and what could not be checked, the route it leaves by, what the
//! provider may still add. One function for `send --dry-run` and the window's panel (the app
//! words them: `wording::reveal`).

use super::{Attached, Built, Draft};
use quietpost_model::{Account, Route};

/// What one message reveals, and to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reveal {
    /// The From line as sent (display name and address, or the address).
    pub from: String,
    /// Seen by every recipient.
    pub to: Vec<String>,
    pub cc: Vec<String>,
    /// In the SMTP envelope only: no recipient sees them, not even each other.
    pub bcc: Vec<String>,
    /// The Date header as sent (UTC, to the minute).
    pub date: String,
    pub message_id: String,
    pub read_receipt: bool,
    pub attachments: Vec<Attached>,
    /// How the message leaves this computer: direct, or through the account's proxy.
    pub route: Route,
    /// The submission server, which may add what Quietpost cannot prevent.
    pub provider: String,
}

impl Reveal {
    /// What, if it changed since the person last looked, makes the panel show itself again
    /// before sending: the route, and each kind of attachment whose hidden data could not be
    /// checked. (Recipients change with every message; they are on the composer's face.)
    pub fn kinds(&self) -> Vec<String> {
        let mut kinds = vec![match &self.route {
            Route::Direct => "route:direct".to_owned(),
            proxy => format!("route:{}", proxy.url()),
        }];
        for a in &self.attachments {
            if let Some(why) = &a.unchecked {
                kinds.push(format!("unchecked:{why}"));
            }
        }
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

/// What `built` (made from `draft`) reveals when sent from `account`.
pub fn reveal(draft: &Draft, built: &Built, account: &Account) -> Reveal {
    let raw = String::from_utf8_lossy(&built.raw);
    let head = raw.split("\r\n\r\n").next().unwrap_or("");
    let date = head
        .split("\r\n")
        .find_map(|l| l.strip_prefix("Date:"))
        .unwrap_or("")
        .trim()
        .to_owned();
    Reveal {
        from: draft.from.trim().to_owned(),
        to: draft.to.clone(),
        cc: draft.cc.clone(),
        bcc: draft.bcc.clone(),
        date,
        message_id: built.message_id.clone(),
        read_receipt: draft.read_receipt,
        attachments: built.attachments.clone(),
        route: account.proxy.clone().unwrap_or_default(),
        provider: account.smtp.host.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::{File, build, metadata};
    use quietpost_model::{Security, Server};

    fn account(proxy: Option<Route>) -> Account {
        let server = Server {
            host: "smtp.example.org".into(),
            port: 465,
            security: Security::ImplicitTls,
            ca_file: None,
            pin_sha256: None,
            pin_key_sha256: None,
        };
        Account {
            proxy,
            ..Account::new("a", "alice@example.org", "alice", server.clone(), server)
        }
    }

    #[test]
    fn bcc_date_attachments_and_route_are_facts() {
        let draft = Draft {
            from: "Alice <alice@example.org>".into(),
            to: vec!["bob@example.net".into()],
            bcc: vec!["secret@example.com".into()],
            subject: "Hi".into(),
            body: "Hello".into(),
            attachments: vec![
                File {
                    name: "photo.jpg".into(),
                    data: metadata::tests::jpeg_with_gps(),
                },
                File {
                    name: "report.pdf".into(),
                    data: b"%PDF-1.4 ...".to_vec(),
                },
            ],
            ..Draft::default()
        };
        let built = build(&draft, std::time::SystemTime::now()).unwrap();
        let r = reveal(&draft, &built, &account(None));
        assert_eq!(r.bcc, ["secret@example.com"]);
        assert!(r.date.ends_with(":00 +0000"), "{}", r.date);
        assert_eq!(r.route, Route::Direct);
        assert!(
            r.attachments[0]
                .removed
                .contains(&"the GPS position where the photo was taken")
        );
        assert!(r.attachments[1].unchecked.is_some());
        assert_eq!(r.kinds().len(), 2, "{:?}", r.kinds());
        let tor: Route = "socks5://127.0.0.1:9050".parse().unwrap();
        let through = reveal(&draft, &built, &account(Some(tor)));
        assert_ne!(through.kinds(), r.kinds(), "a new route is a new reveal");
    }
}
