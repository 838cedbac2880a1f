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

/// A reply from `from` (the account's identity) to the message `raw`, with `text` above the
/// quote. Replies go to Reply-To when the message has one, else to From; replying to a
/// message you sent goes to its recipients. `all` adds everyone else from To and Cc, except
/// you. Addresses that parsers read differently, or that are not valid, are left out.
pub fn reply(original: &Quoted, from: &str, all: bool, text: &str) -> Draft {
    let m = &original.message;
    let me = address_of(from);
    let is_me = |a: &str| me.as_deref().is_some_and(|me| me.eq_ignore_ascii_case(a));
    let reply_to = usable(&m.reply_to);
    let mut to = if reply_to.is_empty() {
        usable(&m.from)
    } else {
        reply_to
    };
    if to.iter().all(|(a, _)| is_me(a)) {
        // Your own message: the reply continues to its recipients.
        to = usable(&m.to);
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
        let mut rest = usable(&m.to);
        rest.extend(usable(&m.cc));
        take(rest)
    } else {
        Vec::new()
    };
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
    Draft {
        from: from.to_owned(),
        to,
        cc,
        subject: prefixed("Re: ", &["re:"], m.subject.as_str()),
        body: above(text, &format!("{attribution}\n{}\n", quoted.join("\n"))),
        in_reply_to,
        references,
        ..Draft::default()
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
    let attachments = m
        .attachments
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            Some(File {
                name: a.safe_filename.as_str().to_owned(),
                data: quietpost_render::attachment_data(raw, i, limits)?,
            })
        })
        .collect();
    Draft {
        from: from.to_owned(),
        to,
        subject: prefixed("Fwd: ", &["fwd:", "fw:"], m.subject.as_str()),
        body: above(text, &format!("{header}\n{}\n", m.body.as_str().trim_end())),
        attachments,
        ..Draft::default()
    }
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

/// `(address, mailbox to send to)` for each address a reply can safely go to.
fn usable(list: &[Addr]) -> Vec<(String, String)> {
    const UNSAFE: [Code; 4] = [
        Code::AmbiguousAddress,
        Code::InvalidAddress,
        Code::EncodedAddress,
        Code::ControlChars,
    ];
    list.iter()
        .filter(|a| !a.warnings.iter().any(|w| UNSAFE.contains(w)))
        .filter_map(|a| {
            let address: lettre::Address = a.address.as_ref()?.as_str().parse().ok()?;
            // A name that pretends to be an address is not repeated.
            let name = a
                .name
                .as_ref()
                .filter(|_| !a.warnings.contains(&Code::DisplayNameAddress))
                .map(|n| n.as_str().to_owned())
                .filter(|n| !n.trim().is_empty());
            Some((address.to_string(), Mailbox::new(name, address).to_string()))
        })
        .collect()
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
        let d = reply(&q, "Alice <alice@example.org>", false, "Thanks!\n");
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

        let all = reply(&q, "alice@example.org", true, "");
        assert_eq!(all.to, ["news@shop.example"]);
        assert_eq!(all.cc, ["Carol <carol@example.net>"]);
        assert!(all.body.starts_with("On 2026-11-27"));
    }

    #[test]
    fn replying_to_your_own_message_goes_to_its_recipients() {
        let raw = b"From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\n\
            Subject: Re: plans\r\nMessage-ID: <x@example.org>\r\n\r\nhi\r\n";
        let q = quietpost_render::quote(raw, &Default::default());
        let d = reply(&q, "alice@example.org", false, "");
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
}
