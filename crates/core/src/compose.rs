//! Building outgoing messages that reveal nothing by default (safety-rules §5):
//!
//! - Message-ID of 160 random bits at the sender's domain; MIME boundaries random too;
//! - Date in UTC, rounded down to the minute (no time zone, no seconds to correlate);
//! - no User-Agent or X-Mailer; Bcc only in the SMTP envelope, never in a header;
//! - attachment names reduced to a safe file name (no directory); JPEG and PNG photos lose
//!   their EXIF/XMP/IPTC/GPS metadata without re-encoding, and the message says what went;
//! - Disposition-Notification-To only when asked for this one message.
//!
//! Replies and forwards are drafts made by [`reply`] from what the reader was shown; sending
//! (the outbox, SMTP) is in `outbox`.

pub mod flowed;
pub mod metadata;
pub mod reply;
pub mod resume;
pub mod reveal;

pub use reveal::{Reveal, reveal};

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not a valid address: {0}")]
    Address(String),
    #[error("the message has no recipient")]
    NoRecipient,
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("no randomness available from the system")]
    Random,
    #[error("{0}")]
    Identity(&'static str),
}

/// Longest display name, in characters, and longest signature, in bytes.
pub const MAX_DISPLAY_NAME: usize = 100;
pub const MAX_SIGNATURE: usize = 4096;

/// A display name as typed, made fit for the From line: trimmed, one line. None when empty.
/// A line break or other control character is refused (in a header it would start another
/// field), as is a name longer than [`MAX_DISPLAY_NAME`].
pub fn display_name(typed: &str) -> Result<Option<String>, Error> {
    let name = typed.trim();
    if name.chars().any(char::is_control) {
        return Err(Error::Identity(
            "a display name is one line, without control characters",
        ));
    }
    if name.chars().count() > MAX_DISPLAY_NAME {
        return Err(Error::Identity("a display name has at most 100 characters"));
    }
    Ok((!name.is_empty()).then(|| name.to_owned()))
}

/// A signature as typed: line endings made `\n`, blank lines and spaces at its ends removed,
/// a "-- " separator of its own dropped (one is added when it is used). None when empty.
/// Refused: control characters other than tabs and line breaks, more than [`MAX_SIGNATURE`]
/// bytes.
pub fn signature(typed: &str) -> Result<Option<String>, Error> {
    let text = typed.replace("\r\n", "\n").replace('\r', "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::Identity(
            "a signature cannot contain control characters",
        ));
    }
    if text.len() > MAX_SIGNATURE {
        return Err(Error::Identity("a signature has at most 4096 bytes"));
    }
    let text = text.trim();
    let text = text
        .strip_prefix("-- \n")
        .or_else(|| text.strip_prefix("--\n"))
        .unwrap_or(text)
        .trim();
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let text = lines.join("\n");
    Ok((!text.is_empty()).then_some(text))
}

/// The account's identity for the From line: `Name <address>` (quoted or encoded as the name
/// needs), or the bare address when it has no display name.
pub fn identity(account: &quietpost_model::Account) -> String {
    match (
        &account.display_name,
        account.email.parse::<lettre::Address>(),
    ) {
        (Some(name), Ok(address)) => Mailbox::new(Some(name.clone()), address).to_string(),
        _ => account.email.clone(),
    }
}

/// Addresses as typed in a field, split at the commas between them (not those inside a
/// quoted name: `"Doe, Jane" <jane@example.org>` is one), blanks dropped.
pub fn split_addresses(typed: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut angle, mut escaped) = (false, false, false);
    for c in typed.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' if !quoted && !angle => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out.into_iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect()
}

/// The addresses typed in a field, each one checked: all of them, or the ones that are not
/// addresses (as typed).
pub fn addresses(typed: &str) -> Result<Vec<String>, Vec<String>> {
    let (ok, bad): (Vec<String>, Vec<String>) = split_addresses(typed)
        .into_iter()
        .partition(|a| mailbox(a).is_ok());
    if bad.is_empty() { Ok(ok) } else { Err(bad) }
}

/// The address of a mailbox as typed (`Name <address>` or `address`), if it is one.
pub fn address_of(typed: &str) -> Option<String> {
    mailbox(typed).ok().map(|m| m.email.to_string())
}

/// `Name <address>` as a header would carry it (the name quoted when it must be); the bare
/// address when it is not a valid one with that name.
pub fn mailbox_string(name: &str, address: &str) -> String {
    match address.parse::<lettre::Address>() {
        Ok(a) if !name.chars().any(char::is_control) => {
            Mailbox::new(Some(name.to_owned()), a).to_string()
        }
        _ => address.to_owned(),
    }
}

/// `text` with the account's signature below it, after the "-- " line.
pub fn signed(text: &str, signature: Option<&str>) -> String {
    match signature {
        Some(sig) => format!("{}\n\n-- \n{sig}", text.trim_end()),
        None => text.to_owned(),
    }
}

/// A file to attach, as the user chose it.
#[derive(Debug, Clone)]
pub struct File {
    /// The name (or path) it had; only a safe final name is sent.
    pub name: String,
    pub data: Vec<u8>,
}

/// What the user wrote.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The identity it is sent as: `Name <address>` or `address`.
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    /// Plain text.
    pub body: String,
    pub attachments: Vec<File>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Ask for a read receipt (Disposition-Notification-To) for this message only.
    pub read_receipt: bool,
}

/// One attachment as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    /// The name the recipient sees.
    pub name: String,
    pub bytes: usize,
    /// Metadata removed from it (empty: none found, when it could be checked).
    pub removed: Vec<&'static str>,
    /// Why it could not be checked for hidden data, when it could not ("Quietpost cannot
    /// check PDF files for hidden data"): sent as it is.
    pub unchecked: Option<String>,
}

/// A message ready for submission.
#[derive(Debug, Clone)]
pub struct Built {
    /// The exact bytes that will be sent.
    pub raw: Vec<u8>,
    pub message_id: String,
    /// The SMTP envelope: sender, and every recipient (Bcc included).
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub attachments: Vec<Attached>,
}

fn random_hex(bytes: usize) -> Result<String, Error> {
    use ring::rand::SecureRandom;
    let mut buf = vec![0u8; bytes];
    ring::rand::SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| Error::Random)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn mailbox(s: &str) -> Result<Mailbox, Error> {
    if s.contains(['\r', '\n', '\0']) {
        return Err(Error::Address(s.escape_default().to_string()));
    }
    s.trim().parse().map_err(|_| Error::Address(s.to_owned()))
}

/// One line: a header value never carries a line break.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The time rounded down to the minute.
fn minute(now: SystemTime) -> SystemTime {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(secs - secs % 60)
}

fn raw_header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

/// Builds the message (see the module documentation).
pub fn build(draft: &Draft, now: SystemTime) -> Result<Built, Error> {
    build_with(draft, now, false)
}

/// Builds a draft to save in the Drafts folder: as [`build`], except that the Bcc header is
/// kept (only you see the Drafts folder, and the draft must not lose its hidden recipients).
/// A message with no recipient yet is allowed.
pub fn build_draft(draft: &Draft, now: SystemTime) -> Result<Built, Error> {
    build_with(draft, now, true)
}

fn build_with(draft: &Draft, now: SystemTime, for_drafts: bool) -> Result<Built, Error> {
    let from = mailbox(&draft.from)?;
    let domain = from.email.domain().to_owned();
    let message_id = format!("<{}@{domain}>", random_hex(20)?);
    let mut b = lettre::Message::builder()
        .from(from.clone())
        .subject(one_line(&draft.subject))
        .date(minute(now))
        .message_id(Some(message_id.clone()));
    for to in &draft.to {
        b = b.to(mailbox(to)?);
    }
    for cc in &draft.cc {
        b = b.cc(mailbox(cc)?);
    }
    // lettre puts Bcc in the envelope and removes the header before formatting.
    for bcc in &draft.bcc {
        b = b.bcc(mailbox(bcc)?);
    }
    if for_drafts {
        // Never submitted: the envelope only has to exist.
        let envelope =
            lettre::address::Envelope::new(Some(from.email.clone()), vec![from.email.clone()])
                .map_err(|e| Error::Build(e.to_string()))?;
        b = b.keep_bcc().envelope(envelope);
    } else if draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
        return Err(Error::NoRecipient);
    }
    if let Some(id) = &draft.in_reply_to {
        b = b.in_reply_to(one_line(id));
    }
    if !draft.references.is_empty() {
        b = b.references(one_line(&draft.references.join(" ")));
    }
    if draft.read_receipt {
        b = b.raw_header(raw_header("Disposition-Notification-To", from.to_string()));
    }
    let flowed = ContentType::parse("text/plain; charset=utf-8; format=flowed")
        .map_err(|e| Error::Build(e.to_string()))?;
    let text = SinglePart::builder()
        .header(flowed)
        .body(flowed::encode(&draft.body.replace("\r\n", "\n")).replace('\n', "\r\n"));
    let mut attached = Vec::new();
    let message = if draft.attachments.is_empty() {
        b.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed()
            .boundary(random_hex(16)?)
            .singlepart(text);
        for (i, file) in draft.attachments.iter().enumerate() {
            let (check, data) = prepare(file, i);
            let content_type = ContentType::parse(content_type_of(&data)).unwrap_or(
                ContentType::parse("application/octet-stream")
                    .map_err(|e| Error::Build(e.to_string()))?,
            );
            let name = check.name.clone();
            attached.push(check);
            parts = parts.singlepart(Attachment::new(name).body(data, content_type));
        }
        b.multipart(parts)
    }
    .map_err(|e| Error::Build(e.to_string()))?;
    let envelope = message.envelope();
    Ok(Built {
        raw: message.formatted(),
        message_id,
        envelope_from: envelope.from().map(|a| a.to_string()).unwrap_or_default(),
        recipients: envelope.to().iter().map(|a| a.to_string()).collect(),
        attachments: attached,
    })
}

/// Attachment `i` (from 0) as it will be sent: the name the recipient sees, its size, the
/// metadata removed or why it cannot be checked — what the composer shows beside it.
pub fn check(file: &File, i: usize) -> Attached {
    prepare(file, i).0
}

/// Attachment `i` as it will be sent, and its bytes (photo metadata removed).
fn prepare(file: &File, i: usize) -> (Attached, Vec<u8>) {
    let name = quietpost_render::safe_filename(&file.name, &format!("attachment-{}", i + 1)).name;
    let outcome = metadata::strip(&file.data);
    let unchecked = outcome.unchecked();
    let (data, removed) = match outcome {
        metadata::Outcome::Clean(data, s) => (data, s.removed),
        _ => (file.data.clone(), Vec::new()),
    };
    let check = Attached {
        name,
        bytes: data.len(),
        removed,
        unchecked,
    };
    (check, data)
}

/// The content type an attachment is declared with: from its bytes, never from its name.
fn content_type_of(data: &[u8]) -> &'static str {
    if let Some(picture) = metadata::Picture::of(data) {
        return picture.media_type();
    }
    match data {
        [b'G', b'I', b'F', b'8', ..] => "image/gif",
        [b'%', b'P', b'D', b'F', ..] => "application/pdf",
        _ if std::str::from_utf8(data).is_ok() => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// What a `mailto:` link may set. Only these: a link can never add attachments, change the
/// sender, add hidden recipients or set other headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailto {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// Fields the link tried to set and that were ignored (bcc, from, attach, any header).
    pub ignored: Vec<String>,
}

/// Parses a `mailto:` URL (RFC 6068), keeping only to, cc, subject and body.
pub fn parse_mailto(url: &str) -> Option<Mailto> {
    let rest = url
        .trim()
        .strip_prefix("mailto:")
        .or_else(|| url.trim().strip_prefix("MAILTO:"))?;
    let (to, query) = rest.split_once('?').unwrap_or((rest, ""));
    let decode = |s: &str| -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%'
                && let Some(h) = s.get(i + 1..i + 3)
                && let Ok(b) = u8::from_str_radix(h, 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    let addresses = |s: &str| -> Vec<String> {
        decode(s)
            .split(',')
            .map(|a| one_line(a).trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect()
    };
    let mut m = Mailto {
        to: addresses(to),
        ..Mailto::default()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match decode(key).to_ascii_lowercase().as_str() {
            "to" => m.to.extend(addresses(value)),
            "cc" => m.cc.extend(addresses(value)),
            "subject" => m.subject = Some(one_line(&decode(value))),
            "body" => m.body = Some(decode(value)),
            other => m.ignored.push(one_line(other)),
        }
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            from: "Alice Example <alice@example.org>".into(),
            to: vec!["bob@example.net".into()],
            cc: vec!["Carol <carol@example.net>".into()],
            bcc: vec!["secret@example.com".into()],
            subject: "Plans\r\nBcc: injected@evil.example".into(),
            body: "Hello Bob,\nsee attached.\n".into(),
            attachments: vec![File {
                name: "/home/alice/Pictures/holiday.jpg".into(),
                data: metadata::tests::jpeg_with_gps(),
            }],
            ..Draft::default()
        }
    }

    fn header<'a>(raw: &'a str, name: &str) -> Vec<&'a str> {
        let head = raw.split("\r\n\r\n").next().unwrap();
        head.split("\r\n")
            .filter(|l| {
                l.split_once(':')
                    .is_some_and(|(n, _)| n.eq_ignore_ascii_case(name))
            })
            .collect()
    }

    #[test]
    fn reveals_nothing_by_default() {
        // 2026-11-28 20:34:56 UTC
        let now = UNIX_EPOCH + Duration::from_secs(1_795_898_096);
        let built = build(&draft(), now).unwrap();
        let raw = String::from_utf8(built.raw.clone()).unwrap();
        // Message-ID: 160 random bits at the sender's domain.
        assert!(
            built.message_id.ends_with("@example.org>"),
            "{}",
            built.message_id
        );
        assert_eq!(built.message_id.len(), 1 + 40 + 1 + "example.org".len() + 1);
        assert_eq!(header(&raw, "Message-ID").len(), 1);
        // Date in UTC, whole minutes.
        let date = header(&raw, "Date")[0];
        assert!(date.ends_with(":00 +0000"), "{date}");
        assert!(header(&raw, "User-Agent").is_empty() && header(&raw, "X-Mailer").is_empty());
        assert!(header(&raw, "Disposition-Notification-To").is_empty());
        // Bcc only in the envelope; a line break in the subject cannot add a header.
        assert!(header(&raw, "Bcc").is_empty());
        assert!(!raw.contains("secret@example.com"));
        assert!(built.recipients.contains(&"secret@example.com".to_owned()));
        assert_eq!(built.recipients.len(), 3);
        assert_eq!(built.envelope_from, "alice@example.org");
        // No directory in the attachment's name; the photo's GPS position and EXIF are gone.
        assert!(!raw.contains("/home/alice") && !raw.contains("Pictures"));
        assert_eq!(built.attachments[0].name, "holiday.jpg");
        assert!(
            built.attachments[0]
                .removed
                .contains(&"the GPS position where the photo was taken")
        );
        let parsed = mail_parser::MessageParser::default()
            .parse(&built.raw)
            .unwrap();
        let photo = parsed.attachment(0).unwrap().contents();
        assert!(!photo.windows(4).any(|w| w == b"Exif"));
        assert!(photo.windows(6).any(|w| w == b"PIXELS"));
        assert_eq!(parsed.subject(), Some("Plans  Bcc: injected@evil.example"));
        // Boundaries and ids differ every time.
        let again = build(&draft(), now).unwrap();
        assert_ne!(again.message_id, built.message_id);
        let boundary = |r: &[u8]| {
            let s = String::from_utf8_lossy(r).into_owned();
            s.split("boundary=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        };
        assert_ne!(boundary(&again.raw), boundary(&built.raw));
    }

    #[test]
    fn a_draft_keeps_its_bcc_and_may_have_no_recipient() {
        let raw = String::from_utf8(build_draft(&draft(), SystemTime::now()).unwrap().raw).unwrap();
        assert_eq!(header(&raw, "Bcc"), ["Bcc: secret@example.com"]);
        let empty = Draft {
            from: "alice@example.org".into(),
            ..Draft::default()
        };
        assert!(build_draft(&empty, SystemTime::now()).is_ok());
        assert!(matches!(
            build(&empty, SystemTime::now()),
            Err(Error::NoRecipient)
        ));
    }

    #[test]
    fn the_identity_carries_the_display_name_safely() {
        let server = quietpost_model::Server {
            host: "smtp.example.org".into(),
            port: 465,
            security: quietpost_model::Security::ImplicitTls,
            ca_file: None,
            pin_sha256: None,
            pin_key_sha256: None,
        };
        let mut account = quietpost_model::Account::new(
            "a",
            "alice@example.org",
            "alice",
            server.clone(),
            server,
        );
        assert_eq!(identity(&account), "alice@example.org");
        account.display_name = display_name("  Émilie Dupont, Reporter ").unwrap();
        let d = Draft {
            from: identity(&account),
            attachments: Vec::new(),
            ..draft()
        };
        let built = build(&d, SystemTime::now()).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&built.raw)
            .unwrap();
        let from = parsed.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Émilie Dupont, Reporter"));
        assert_eq!(from.address(), Some("alice@example.org"));
        assert_eq!(built.envelope_from, "alice@example.org");
        // A line break cannot start another header; an empty name is none.
        assert!(display_name("Alice\r\nBcc: x@y").is_err());
        assert_eq!(display_name("   ").unwrap(), None);
        assert!(display_name(&"x".repeat(101)).is_err());
    }

    #[test]
    fn a_signature_is_cleaned_and_added_after_its_separator() {
        assert_eq!(
            signature("-- \r\nAlice  \r\nExample Org\n\n")
                .unwrap()
                .as_deref(),
            Some("Alice\nExample Org")
        );
        assert_eq!(signature(" \n ").unwrap(), None);
        assert!(signature("a\u{1b}[31m").is_err());
        assert_eq!(signed("Hello\n\n", Some("Alice")), "Hello\n\n-- \nAlice");
        assert_eq!(signed("Hello", None), "Hello");
    }

    #[test]
    fn the_text_is_sent_flowed_and_reads_back_as_written() {
        let para = "This paragraph is long enough to be broken into several lines when it is sent, and a flowed reader joins them again.";
        let d = Draft {
            body: format!("{para}\n\n> a quoted line\n-- \nAlice"),
            attachments: Vec::new(),
            ..draft()
        };
        let built = build(&d, SystemTime::now()).unwrap();
        let raw = String::from_utf8(built.raw).unwrap();
        assert!(raw.contains("format=flowed"), "{raw}");
        let shown = quietpost_render::render(raw.as_bytes(), &Default::default());
        let body = shown.body.as_str();
        assert!(body.contains(para), "{body}");
        assert!(
            body.contains("> a quoted line") && body.contains("-- \nAlice"),
            "{body}"
        );
    }

    #[test]
    fn typed_addresses_are_split_and_checked() {
        assert_eq!(
            split_addresses("\"Doe, Jane\" <jane@example.org>, bob@example.net; ,"),
            ["\"Doe, Jane\" <jane@example.org>", "bob@example.net"]
        );
        assert_eq!(
            addresses("a@example.org, not an address, b@").unwrap_err(),
            ["not an address", "b@"]
        );
        assert_eq!(addresses(" ").unwrap(), Vec::<String>::new());
        assert_eq!(
            address_of("Jane <jane@example.org>").as_deref(),
            Some("jane@example.org")
        );
        assert_eq!(
            mailbox_string("Doe, Jane", "jane@example.org"),
            "\"Doe, Jane\" <jane@example.org>"
        );
    }

    #[test]
    fn read_receipt_only_when_asked() {
        let d = Draft {
            read_receipt: true,
            attachments: Vec::new(),
            ..draft()
        };
        let raw = String::from_utf8(build(&d, SystemTime::now()).unwrap().raw).unwrap();
        assert_eq!(header(&raw, "Disposition-Notification-To").len(), 1);
    }

    #[test]
    fn mailto_sets_only_recipients_subject_and_body() {
        let m = parse_mailto(
            "mailto:a@example.org,b@example.org?cc=c%40example.org&subject=Hi%0D%0ABcc:%20x@y&body=Line%201%0ALine%202&bcc=spy@evil.example&attach=/etc/passwd&from=ceo@example.org&X-Header=1",
        )
        .unwrap();
        assert_eq!(m.to, ["a@example.org", "b@example.org"]);
        assert_eq!(m.cc, ["c@example.org"]);
        assert_eq!(m.subject.as_deref(), Some("Hi  Bcc: x@y"));
        assert_eq!(m.body.as_deref(), Some("Line 1\nLine 2"));
        assert_eq!(m.ignored, ["bcc", "attach", "from", "x-header"]);
        assert!(parse_mailto("https://example.org").is_none());
    }
}
