//! Who sent a message, as every view names them.
//!
//! The message list, `quietpost list` and the reading pane all take the sender from one
//! [`SenderSummary`], made by [`SafeMessage::sender_summary`] from the renderer's analysis of
//! the header. The list stores it when the header arrives; the reader makes it again from the
//! whole message. Both come from the same function over the same header bytes, so the list
//! and the reader can never name different senders.

use crate::message::{Addr, Code, SafeMessage, Warning};
use serde::{Deserialize, Serialize};

/// Everything about who sent a message that a person must see before opening it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SenderSummary {
    /// Every address the From fields can be read as, in order, each with its warnings.
    pub from: Vec<Addr>,
    /// Sender and Reply-To addresses that carry a warning of their own.
    pub related: Vec<Addr>,
    /// The message's warnings about who sent it (several From fields, an ambiguous From, a
    /// different Sender, replies going elsewhere, no sender at all).
    pub warnings: Vec<Warning>,
}

/// How a list row names the sender: an optional name (cut when space is short) and the part
/// that is never cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSender<'a> {
    /// The display name, when it can be shown beside the domain. `None` when there is none,
    /// or when it cannot be trusted even that far (it holds an address, it is very long, or
    /// there are several candidates).
    pub name: Option<&'a str>,
    /// The real address's domain beside a name; otherwise every whole address.
    pub address: String,
}

impl Code {
    /// Message-level codes that are about who sent the message (the others are about links,
    /// attachments, the body or the structure).
    /// How loud the warning is: what a person should do differently because of it.
    pub fn severity(self) -> Severity {
        use Code::*;
        match self {
            // Someone is probably pretending: a look-alike sender or site, a name that shows
            // another address, a disguised link or attachment, a header read two ways.
            TextHostMismatch | Userinfo | IdnHomograph | LookalikeSubdomain
            | DisplayNameAddress | ControlChars | EncodedAddress | AmbiguousAddress
            | MultipleFrom | VersionsDiffer | Executable | BidiInName | TypeMismatch
            | PaddedName => Severity::Danger,
            // Worth a second look: replies or the sender elsewhere, odd links, odd names.
            SenderDiffers | ReplyToDiffers | MultipleReplyTo | IpHost | DangerousScheme
            | LongDisplayName | LongUrl | MailtoExtra | HiddenLink | InvalidAddress
            | PathInName | ReservedName => Severity::Caution,
            // How the message was shown: quiet.
            ReadReceiptRequested | LimitReached | CharsetProblem | Unparsable | BrokenStructure
            | BadDate | BidiControl | HiddenControl | HtmlConverted | HiddenText | RelativeLink
            | UnparsableUrl | NameChanged | LongName => Severity::Info,
        }
    }

    pub fn is_about_sender(self) -> bool {
        matches!(
            self,
            Code::MultipleFrom
                | Code::AmbiguousAddress
                | Code::SenderDiffers
                | Code::ReplyToDiffers
                | Code::MultipleReplyTo
                | Code::InvalidAddress
        )
    }
}

/// How loud a warning is (`Code::severity`), designed once in the window's theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The message is probably trying to deceive: said first, in one summary line.
    Danger,
    /// Worth a second look.
    Caution,
    /// How the message was shown; quiet.
    Info,
}

impl SafeMessage {
    /// Every warning of the highest severity anywhere in the message (sender, links,
    /// attachments, the message itself), each code once, in the order found.
    pub fn dangers(&self) -> Vec<Code> {
        let sender = self.sender_summary();
        let mut found: Vec<Code> = Vec::new();
        let codes = sender
            .from
            .iter()
            .chain(&sender.related)
            .flat_map(|a| a.warnings.iter().copied())
            .chain(sender.warnings.iter().map(|w| w.code))
            .chain(self.warnings.iter().map(|w| w.code))
            .chain(self.links.iter().flat_map(|l| l.warnings.iter().copied()))
            .chain(
                self.attachments
                    .iter()
                    .flat_map(|a| a.warnings.iter().copied()),
            );
        for code in codes {
            if code.severity() == Severity::Danger && !found.contains(&code) {
                found.push(code);
            }
        }
        found
    }

    /// Who sent this message: what the list shows and the reader's first warnings.
    pub fn sender_summary(&self) -> SenderSummary {
        SenderSummary {
            from: self.from.clone(),
            related: self
                .sender
                .iter()
                .chain(&self.reply_to)
                .filter(|a| !a.warnings.is_empty())
                .cloned()
                .collect(),
            warnings: self
                .warnings
                .iter()
                .filter(|w| w.code.is_about_sender())
                .cloned()
                .collect(),
        }
    }
}

impl SenderSummary {
    /// Every warning code about the sender, addresses first, each once, in order.
    pub fn codes(&self) -> Vec<Code> {
        let mut codes: Vec<Code> = Vec::new();
        let all = self
            .from
            .iter()
            .chain(&self.related)
            .flat_map(|a| a.warnings.iter().copied())
            .chain(self.warnings.iter().map(|w| w.code));
        for code in all {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes
    }

    /// The loudest of the sender's warnings (none: nothing to mark).
    pub fn severity(&self) -> Option<Severity> {
        self.codes().into_iter().map(Code::severity).min()
    }

    /// True when a view must mark the sender with a warning.
    pub fn is_suspicious(&self) -> bool {
        !self.warnings.is_empty()
            || self
                .from
                .iter()
                .chain(&self.related)
                .any(|a| !a.warnings.is_empty())
    }

    /// How a list row names the sender. The real address is always there: its domain beside a
    /// name that can stand, else the whole address (no name, a name holding an address or a
    /// look-alike, a very long name, several candidates).
    pub fn list_sender(&self) -> ListSender<'_> {
        let addresses = || {
            let all: Vec<&str> = self
                .from
                .iter()
                .filter_map(|a| a.address.as_ref().map(|s| s.as_str()))
                .collect();
            if all.is_empty() {
                "(no address)".to_owned()
            } else {
                all.join(", ")
            }
        };
        let [only] = self.from.as_slice() else {
            return ListSender {
                name: None,
                address: if self.from.is_empty() {
                    "(no sender)".to_owned()
                } else {
                    addresses()
                },
            };
        };
        let untrusted_name = only.warnings.iter().any(|c| {
            matches!(
                c,
                Code::DisplayNameAddress | Code::LongDisplayName | Code::AmbiguousAddress
            )
        });
        let name = only
            .name
            .as_ref()
            .map(|n| n.as_str())
            .filter(|n| !n.is_empty());
        match (name, &only.address) {
            (Some(name), None) => ListSender {
                name: Some(name),
                address: "(no address)".to_owned(),
            },
            (Some(name), Some(address)) if !untrusted_name => ListSender {
                name: Some(name),
                address: domain(address.as_str()).to_owned(),
            },
            _ => ListSender {
                name: None,
                address: addresses(),
            },
        }
    }
}

/// The part after the last `@` (the whole address when there is none).
fn domain(address: &str) -> &str {
    address.rsplit_once('@').map_or(address, |(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SafeLine;

    fn addr(name: Option<&str>, address: Option<&str>, warnings: &[Code]) -> Addr {
        Addr {
            name: name.map(|n| SafeLine::new(n, 200)),
            address: address.map(|a| SafeLine::new(a, 320)),
            warnings: warnings.to_vec(),
        }
    }

    fn summary(from: Vec<Addr>) -> SenderSummary {
        SenderSummary {
            from,
            ..SenderSummary::default()
        }
    }

    /// The list marks a sender as loud as the loudest of its warnings.
    #[test]
    fn the_sender_is_as_severe_as_its_loudest_warning() {
        let plain = summary(vec![addr(Some("Alice"), Some("alice@example.org"), &[])]);
        assert_eq!(plain.severity(), None);
        let caution = summary(vec![addr(
            Some("Alice"),
            Some("alice@example.org"),
            &[Code::LongDisplayName],
        )]);
        assert_eq!(caution.severity(), Some(Severity::Caution));
        let danger = summary(vec![addr(
            Some("PayPal"),
            Some("service@xn--pypal-4ve.example"),
            &[Code::LongDisplayName, Code::IdnHomograph],
        )]);
        assert_eq!(danger.severity(), Some(Severity::Danger));
    }

    #[test]
    fn a_trustworthy_name_stands_beside_the_domain() {
        let s = summary(vec![addr(
            Some("Alice"),
            Some("alice@mail.example.org"),
            &[],
        )]);
        assert_eq!(
            s.list_sender(),
            ListSender {
                name: Some("Alice"),
                address: "mail.example.org".into()
            }
        );
        assert!(!s.is_suspicious());
    }

    #[test]
    fn a_name_that_lies_gives_way_to_the_whole_address() {
        for code in [
            Code::DisplayNameAddress,
            Code::LongDisplayName,
            Code::AmbiguousAddress,
        ] {
            let s = summary(vec![addr(
                Some("ceo@bank.example"),
                Some("mallory@attacker.example"),
                &[code],
            )]);
            let l = s.list_sender();
            assert_eq!(l.name, None, "{code:?}");
            assert_eq!(l.address, "mallory@attacker.example");
            assert!(s.is_suspicious());
        }
    }

    #[test]
    fn every_candidate_is_named() {
        let s = summary(vec![
            addr(None, Some("ceo@bank.example"), &[Code::AmbiguousAddress]),
            addr(
                None,
                Some("mallory@attacker.example"),
                &[Code::AmbiguousAddress],
            ),
        ]);
        assert_eq!(
            s.list_sender().address,
            "ceo@bank.example, mallory@attacker.example"
        );
        assert_eq!(summary(Vec::new()).list_sender().address, "(no sender)");
        let nameless = summary(vec![addr(None, Some("bob@example.net"), &[])]);
        assert_eq!(nameless.list_sender().address, "bob@example.net");
    }

    #[test]
    fn codes_are_listed_once_addresses_first() {
        let s = SenderSummary {
            from: vec![addr(None, Some("a@b.example"), &[Code::IdnHomograph])],
            related: vec![addr(None, Some("x@y.example"), &[Code::IdnHomograph])],
            warnings: vec![Warning {
                code: Code::ReplyToDiffers,
                detail: SafeLine::new("Replies go to x@y.example", 100),
            }],
        };
        assert_eq!(s.codes(), [Code::IdnHomograph, Code::ReplyToDiffers]);
        let json = serde_json::to_string(&s).unwrap();
        let back: SenderSummary = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
