//! Replies and forwards, from a message as [`quietpost_render::quote`] gives it: the quote is
//! the text the reader was shown, without what the HTML hid and without any remote reference
//! (the render crate guarantees both); the attribution gives the time in UTC, never in the
//! user's time zone.

use super::{Draft, File};
use lettre::message::Mailbox;
use quietpost_model::{Addr, Code};
use quietpost_render::{Limits, Quoted};

/// References kept in a reply: the thread's first message and the most recent ones.
const MAX_REFERENCES: usize = 20;

/// A reply, and what the person must be told about where it goes before sending it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub draft: Draft,
    /// Where the reply goes and why, every recipient reply-all adds, every address left out
    /// and why. Shown before sending (`reply --dry-run`, the composer).
    pub notes: Vec<String>,
    /// Why the reply has no recipient, when it has none: the message names no sender a reply
    /// can safely go to, and Quietpost does not guess.
    pub no_recipient: Option<String>,
}

/// A reply from `from` (the account's identity) to `original`, with `text` above the quote.
///
/// It goes only to whom the reader was shown: the Reply-To when the message has one, else the
/// From — never anywhere else without saying so. Replying to a message you sent goes to its
/// recipients (said in a note). When the sender cannot be told (several From fields, a From
/// that parsers read differently, an encoded or invalid address, control characters), or the
/// message names where replies go more than once, the reply has no recipient and
/// `no_recipient` says why: the person chooses. `all` adds everyone else from To and Cc,
/// except you, and lists them. Addresses that parsers read differently or that are not valid
/// are left out, and named.
pub fn reply(original: &Quoted, from: &str, all: bool, text: &str) -> Reply {
    let m = &original.message;
    let me = address_of(from);
    let is_me = |a: &str| me.as_deref().is_some_and(|me| me.eq_ignore_ascii_case(a));
    let mut notes = Vec::new();
    let mut no_recipient = None;
    let listed = |l: &[Addr]| l.iter().map(shown).collect::<Vec<_>>().join(", ");
    let (usable_reply_to, unusable_reply_to) = usable(&m.reply_to);
    let (usable_from, unusable_from) = usable(&m.from);
    let mut to: Vec<(String, String)> = if m.has_warning(Code::MultipleReplyTo) {
        no_recipient = Some(format!(
            "the message names where replies go more than once ({}); Quietpost does not choose for you",
            listed(&m.reply_to)
        ));
        Vec::new()
    } else if !m.reply_to.is_empty() {
        for (a, why) in &unusable_reply_to {
            notes.push(format!("Reply-To {a} is left out: {why}."));
        }
        if usable_reply_to.is_empty() {
            no_recipient = Some(format!(
                "its Reply-To ({}) cannot be used, and Quietpost does not send elsewhere in its place",
                listed(&m.reply_to)
            ));
        } else if usable_from.iter().any(|(a, _)| {
            !usable_reply_to
                .iter()
                .any(|(r, _)| r.eq_ignore_ascii_case(a))
        }) || m.from.is_empty()
        {
            notes.push(format!(
                "The reply goes to {}, the address the message asks replies to go to (Reply-To), not to the sender {}.",
                usable_reply_to
                    .iter()
                    .map(|(_, mb)| mb.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if m.from.is_empty() {
                    "(none)".to_owned()
                } else {
                    listed(&m.from)
                }
            ));
        }
        usable_reply_to
    } else if m.has_warning(Code::MultipleFrom)
        || m.has_warning(Code::AmbiguousAddress)
        || usable_from.is_empty()
        || !unusable_from.is_empty()
    {
        no_recipient = Some(if m.from.is_empty() {
            "the message has no sender address".to_owned()
        } else {
            format!(
                "its sender cannot be told for sure ({}: {})",
                listed(&m.from),
                unusable_from
                    .first()
                    .map(|(_, why)| why.as_str())
                    .unwrap_or("several senders are claimed")
            )
        });
        Vec::new()
    } else {
        usable_from
    };
    if !to.is_empty() && to.iter().all(|(a, _)| is_me(a)) {
        // Your own message: the reply continues to its recipients.
        to = usable(&m.to).0;
        notes.push("This is a message you sent: the reply goes to its recipients.".to_owned());
    }
    let mut seen: Vec<String> = Vec::new();
    let mut take = |list: Vec<(String, String)>| -> Vec<String> {
        list.into_iter()
            .filter(|(a, _)| !is_me(a))
            .filter(|(a, _)| {
                let key = a.to_ascii_lowercase();
                let new = !seen.contains(&key);
                seen.push(key);
                new
            })
            .map(|(_, mailbox)| mailbox)
            .collect()
    };
    let to = take(to);
    let cc = if all {
        let (mut rest, mut left_out) = usable(&m.to);
        let (cc, cc_left_out) = usable(&m.cc);
        rest.extend(cc);
        left_out.extend(cc_left_out);
        for (a, why) in &left_out {
            notes.push(format!("Reply-all leaves out {a}: {why}."));
        }
        let added = take(rest);
        if !added.is_empty() {
            notes.push(format!("Reply-all adds in Cc: {}.", added.join(", ")));
        }
        added
    } else {
        Vec::new()
    };
    if to.is_empty() && cc.is_empty() && no_recipient.is_none() {
        no_recipient = Some("every address it could go to is yours".to_owned());
    }
    let mut references = original.references.clone();
    let in_reply_to = m
        .message_id
        .as_ref()
        .and_then(|id| quietpost_render::message_id(id.as_str()));
    references.extend(in_reply_to.clone());
    if references.len() > MAX_REFERENCES {
        references.drain(1..references.len() - (MAX_REFERENCES - 1));
    }
    let quoted: Vec<String> = m
        .body
        .as_str()
        .trim_end()
        .lines()
        .map(|l| match l {
            "" => ">".to_owned(),
            l if l.starts_with('>') => format!(">{l}"),
            l => format!("> {l}"),
        })
        .collect();
    let attribution = format!(
        "On {}, {} wrote:",
        original
            .timestamp
            .map_or("an unknown date".into(), crate::time::minute_utc),
        sender(m)
    );
    Reply {
        draft: Draft {
            from: from.to_owned(),
            to,
            cc,
            subject: prefixed("Re: ", &["re:"], m.subject.as_str()),
            body: above(text, &format!("{attribution}\n{}\n", quoted.join("\n"))),
            in_reply_to,
            references,
            ..Draft::default()
        },
        notes,
        no_recipient,
    }
}

/// A forward of `raw` (as `original`) to `to`, with `text` above it: the shown text and the
/// original's attachments (their safe names; photos lose their metadata when built).
pub fn forward(
    raw: &[u8],
    original: &Quoted,
    from: &str,
    to: Vec<String>,
    text: &str,
    limits: &Limits,
) -> Draft {
    let m = &original.message;
    let list = |l: &[Addr]| l.iter().map(display).collect::<Vec<_>>().join(", ");
    let mut header = format!(
        "---------- Forwarded message ----------\nFrom: {}\nDate: {}\nSubject: {}\nTo: {}\n",
        sender(m),
        original
            .timestamp
            .map_or("unknown".into(), crate::time::minute_utc),
        m.subject.as_str(),
        list(&m.to)
    );
    if !m.cc.is_empty() {
        header.push_str(&format!("Cc: {}\n", list(&m.cc)));
    }
    let attachments = attachments_of(raw, m, limits);
    Draft {
        from: from.to_owned(),
        to,
        subject: prefixed("Fwd: ", &["fwd:", "fw:"], m.subject.as_str()),
        body: above(text, &format!("{header}\n{}\n", m.body.as_str().trim_end())),
        attachments,
        ..Draft::default()
    }
}

/// The attachments of `raw` (rendered as `m`) by their safe names, for a forward or a draft
/// read back.
pub(super) fn attachments_of(
    raw: &[u8],
    m: &quietpost_model::SafeMessage,
    limits: &Limits,
) -> Vec<File> {
    m.attachments
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            Some(File {
                name: a.safe_filename.as_str().to_owned(),
                data: quietpost_render::attachment_data(raw, i, limits)?,
            })
        })
        .collect()
}

/// The user's text, a blank line, then what it answers.
fn above(text: &str, rest: &str) -> String {
    let text = text.trim_end();
    if text.is_empty() {
        rest.to_owned()
    } else {
        format!("{text}\n\n{rest}")
    }
}

/// `prefix` before the subject unless it already starts with one of `already` (lower case).
fn prefixed(prefix: &str, already: &[&str], subject: &str) -> String {
    let s = subject.trim();
    let lower = s.to_lowercase();
    if already.iter().any(|p| lower.starts_with(p)) {
        s.to_owned()
    } else {
        format!("{prefix}{s}")
    }
}

/// The first sender as the reader saw it: name and real address.
fn sender(m: &quietpost_model::SafeMessage) -> String {
    m.from
        .first()
        .map(display)
        .unwrap_or_else(|| "an unknown sender".into())
}

fn display(a: &Addr) -> String {
    match (&a.name, &a.address) {
        (Some(n), Some(ad)) => format!("{} <{}>", n.as_str(), ad.as_str()),
        (None, Some(ad)) => ad.as_str().to_owned(),
        (Some(n), None) => n.as_str().to_owned(),
        (None, None) => String::new(),
    }
}

/// An address as the reader shows it (for notes).
fn shown(a: &Addr) -> String {
    a.address
        .as_ref()
        .map_or_else(|| display(a), |ad| ad.as_str().to_owned())
}

/// An address and something about it: the mailbox to send to, or why it cannot be used.
pub(super) type Pairs = Vec<(String, String)>;

/// `(address, mailbox to send to)` for each address a reply can safely go to, and
/// `(address, why not)` for each one it cannot.
pub(super) fn usable(list: &[Addr]) -> (Pairs, Pairs) {
    let mut ok = Vec::new();
    let mut not = Vec::new();
    for a in list {
        let why = a.warnings.iter().find_map(|w| match w {
            Code::AmbiguousAddress => Some("mail programs read it differently"),
            Code::InvalidAddress => Some("it is not a valid address"),
            Code::EncodedAddress => Some("it hides encoded text"),
            Code::ControlChars => Some("it carries hidden control characters"),
            _ => None,
        });
        let parsed = a
            .address
            .as_ref()
            .and_then(|ad| ad.as_str().parse::<lettre::Address>().ok());
        match (why, parsed) {
            (None, Some(address)) => {
                // A name that pretends to be an address is not repeated.
                let name = a
                    .name
                    .as_ref()
                    .filter(|_| !a.warnings.contains(&Code::DisplayNameAddress))
                    .map(|n| n.as_str().to_owned())
                    .filter(|n| !n.trim().is_empty());
                ok.push((address.to_string(), Mailbox::new(name, address).to_string()));
            }
            (why, _) => not.push((
                shown(a),
                why.unwrap_or("it is not an address mail can be sent to")
                    .to_owned(),
            )),
        }
    }
    (ok, not)
}

fn address_of(identity: &str) -> Option<String> {
    identity
        .parse::<Mailbox>()
        .ok()
        .map(|m| m.email.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &[u8] = include_bytes!("../../../../tests/data/hidden-and-remote.eml");

    #[test]
    fn a_reply_quotes_only_what_was_shown() {
        let q = quietpost_render::quote(MESSAGE, &Default::default());
        let d = reply(&q, "Alice <alice@example.org>", false, "Thanks!\n").draft;
        assert_eq!(d.to, ["news@shop.example"]);
        assert!(d.cc.is_empty());
        assert_eq!(d.subject, "Re: Your weekly picks");
        assert_eq!(
            d.in_reply_to.as_deref(),
            Some("<picks-2026-48@shop.example>")
        );
        assert_eq!(
            d.references,
            [
                "<thread-start@shop.example>",
                "<picks-2026-47@shop.example>",
                "<picks-2026-48@shop.example>"
            ]
        );
        assert!(d.body.starts_with(
            "Thanks!\n\nOn 2026-11-27 18:00 UTC, Newsletter Team <news@shop.example> wrote:\n> Hello Alice,\n>\n"
        ), "{}", d.body);
        assert!(!d.body.contains("SECRET") && !d.body.contains("tracker"));
        let built = super::super::build(&d, std::time::SystemTime::now()).unwrap();
        let raw = String::from_utf8_lossy(&built.raw);
        assert!(!raw.contains("SECRET") && !raw.contains("tracker") && !raw.contains("+0545"));

        let all = reply(&q, "alice@example.org", true, "").draft;
        assert_eq!(all.to, ["news@shop.example"]);
        assert_eq!(all.cc, ["Carol <carol@example.net>"]);
        assert!(all.body.starts_with("On 2026-11-27"));
    }

    #[test]
    fn replying_to_your_own_message_goes_to_its_recipients() {
        let raw = b"From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\n\
            Subject: Re: plans\r\nMessage-ID: <x@example.org>\r\n\r\nhi\r\n";
        let q = quietpost_render::quote(raw, &Default::default());
        let d = reply(&q, "alice@example.org", false, "").draft;
        assert_eq!(d.to, ["Bob <bob@example.net>"]);
        assert_eq!(d.subject, "Re: plans");
    }

    #[test]
    fn a_forward_carries_the_shown_text_and_the_attachments() {
        let raw = b"From: Bob <bob@example.net>\r\nTo: alice@example.org\r\nSubject: photo\r\n\
            Date: Sat, 28 Nov 2026 10:00:00 -0800\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
            Look at this.\r\n--b\r\nContent-Type: application/pdf; name=\"../../etc/report.pdf\"\r\n\
            Content-Disposition: attachment; filename=\"../../etc/report.pdf\"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";
        let q = quietpost_render::quote(raw, &Default::default());
        let d = forward(
            raw,
            &q,
            "alice@example.org",
            vec!["carol@example.net".into()],
            "FYI",
            &Limits::default(),
        );
        assert_eq!(d.subject, "Fwd: photo");
        assert!(d.body.starts_with("FYI\n\n---------- Forwarded message ----------\nFrom: Bob <bob@example.net>\nDate: 2026-11-28 18:00 UTC\n"), "{}", d.body);
        assert!(d.body.contains("Look at this."));
        assert_eq!(d.attachments.len(), 1);
        assert_eq!(d.attachments[0].name, "report.pdf");
        assert_eq!(d.attachments[0].data, b"%PDF-1.4\n");
        assert!(d.in_reply_to.is_none());
    }

    fn reply_to(header: &str, all: bool) -> Reply {
        let raw = format!(
            "{header}\r\nTo: Alice <alice@example.org>, Eve <eve@attacker.example>\r\n\
             Cc: carol@example.net, =?utf-8?q?x=00?=@attacker.example\r\n\
             Subject: s\r\nMessage-ID: <m@example.net>\r\n\r\nhi\r\n"
        );
        let q = quietpost_render::quote(raw.as_bytes(), &Default::default());
        reply(&q, "alice@example.org", all, "")
    }

    #[test]
    fn without_a_usable_sender_a_reply_has_no_recipient_and_says_why() {
        for from in [
            // A group whose name is an address: two readings.
            "From: mallory@attacker.example: <ceo@bank.example>;",
            // Two From fields.
            "From: ceo@bank.example\r\nFrom: mallory@attacker.example",
            // An encoded word inside the address.
            "From: =?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?=@attacker.example",
            // A control character in the name.
            "From: =?utf-8?q?CEO=0D=0A?= <ceo@bank.example>",
            // No sender at all.
            "Subject-Only: x",
            // An unclosed quote.
            "From: \"ceo@bank.example <mallory@attacker.example>",
            // Two Reply-To fields.
            "From: ceo@bank.example\r\nReply-To: a@bank.example\r\nReply-To: b@attacker.example",
        ] {
            for all in [false, true] {
                let r = reply_to(from, all);
                assert!(r.draft.to.is_empty(), "{from}: {:?}", r.draft.to);
                assert!(r.no_recipient.is_some(), "{from}");
                // Never the original's To list instead (an attacker's address among them).
                assert!(
                    !r.draft
                        .to
                        .iter()
                        .chain(&r.draft.cc)
                        .any(|a| a.contains("eve@"))
                        || all,
                    "{from}"
                );
            }
        }
    }

    #[test]
    fn replies_go_where_the_reader_was_shown_and_say_so() {
        let r = reply_to("From: Bob <bob@example.net>", false);
        assert_eq!(r.draft.to, ["Bob <bob@example.net>"]);
        assert!(r.notes.is_empty() && r.no_recipient.is_none());
        // Reply-To elsewhere: there, and said.
        let r = reply_to(
            "From: Bob <bob@example.net>\r\nReply-To: desk@helpdesk.example",
            false,
        );
        assert_eq!(r.draft.to, ["desk@helpdesk.example"]);
        assert!(r.notes[0].contains("desk@helpdesk.example") && r.notes[0].contains("Reply-To"));
        // An unusable Reply-To is never replaced by a guess.
        let r = reply_to(
            "From: Bob <bob@example.net>\r\nReply-To: =?utf-8?q?a=00?=@x.example",
            false,
        );
        assert!(r.draft.to.is_empty() && r.no_recipient.is_some());
        // Reply-all lists whom it adds and whom it leaves out.
        let r = reply_to("From: Bob <bob@example.net>", true);
        assert_eq!(r.draft.to, ["Bob <bob@example.net>"]);
        assert_eq!(
            r.draft.cc,
            ["Eve <eve@attacker.example>", "carol@example.net"]
        );
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("adds") && n.contains("eve@attacker.example")),
            "{:?}",
            r.notes
        );
        assert!(
            r.notes.iter().any(|n| n.contains("leaves out")),
            "{:?}",
            r.notes
        );
    }
}
