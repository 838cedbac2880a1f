//! Walks the MIME tree: what is shown as body, which HTML is scanned, what is an attachment.
//!
//! The walk is iterative with explicit depth and part-count limits, so 2,000 levels of nesting
//! or 20,000 parts cost bounded time and no stack.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use std::borrow::Cow;

/// One piece of the displayed body, in order.
pub enum Piece<'m> {
    /// Plain text (a flowed one already made back into paragraphs).
    Text(Cow<'m, str>),
    /// Index into [`Walk::html`].
    Html(usize),
    /// A message forwarded inline: its headers are shown as a block before its body.
    Nested(&'m Message<'m>),
}

/// A part that is not body text.
pub struct Found<'m> {
    pub name: Option<Cow<'m, str>>,
    pub content_type: String,
    pub data: &'m [u8],
    pub part: u32,
}

#[derive(Default)]
pub struct Walk<'m> {
    pub body: Vec<Piece<'m>>,
    /// Every HTML part a renderer would show: displayed ones and unchosen alternatives (and
    /// HTML found unsplit inside a text part, decoded: see [`unsplit_html`]).
    pub html: Vec<Cow<'m, str>>,
    /// For each of [`Walk::html`], the base its relative references resolve against when it
    /// has no `<base>`: its Content-Base or Content-Location (RFC 2110, 2557), else the
    /// message's.
    pub html_base: Vec<Option<String>>,
    /// The HTML parts of attached messages (attachments, not shown): scanned for remote
    /// content only.
    pub enclosed_html: Vec<&'m str>,
    pub enclosed_base: Vec<Option<String>>,
    /// Bodies a message/external-body part points at (RFC 2046 §5.2.3), as URLs: listed as
    /// remote content, never fetched, never an attachment.
    pub external: Vec<String>,
    /// Each multipart/alternative shown that has a text/plain and a text/html version: the
    /// plain text, the HTML, and whether the HTML is the one shown (to compare the two).
    pub alternatives: Vec<(&'m str, &'m str, bool)>,
    pub attachments: Vec<Found<'m>>,
    pub limits: Vec<String>,
    /// Structural damage worked around (e.g. a multipart without a boundary).
    pub structure: Vec<String>,
    pub charset_problem: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Display,
    /// An alternative that is not shown: its HTML is still scanned for remote content.
    Alternative,
    /// Inside an attached message (one that is an attachment, not shown in the body): only
    /// its HTML is collected, so that its remote references are listed too. Its parts are
    /// not this message's attachments and take no part number.
    Enclosed,
}

/// Which version of a multipart/alternative to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// The plain text when there is one (the default: nothing of the HTML's layout tricks).
    #[default]
    Plain,
    /// The HTML (the person asked for the other version).
    Html,
}

pub struct Limits {
    pub max_depth: usize,
    pub max_parts: usize,
    pub max_attachments: usize,
    pub prefer: Prefer,
}

fn content_type(part: &MessagePart<'_>) -> (String, String) {
    match part.content_type() {
        Some(ct) => (
            ct.c_type.to_ascii_lowercase(),
            ct.c_subtype.as_deref().unwrap_or("").to_ascii_lowercase(),
        ),
        None => match &part.body {
            PartType::Html(_) => ("text".into(), "html".into()),
            PartType::Text(_) => ("text".into(), "plain".into()),
            PartType::Message(_) => ("message".into(), "rfc822".into()),
            PartType::Multipart(_) => ("multipart".into(), "mixed".into()),
            _ => ("application".into(), "octet-stream".into()),
        },
    }
}

fn is_attachment(part: &MessagePart<'_>) -> bool {
    part.content_disposition()
        .is_some_and(|d| d.c_type.eq_ignore_ascii_case("attachment"))
}

pub fn walk<'m>(root: &'m Message<'m>, limits: &Limits) -> Walk<'m> {
    let mut w = Walk::default();
    let mut stack: Vec<(&'m Message<'m>, u32, usize, Role)> = vec![(root, 0, 0, Role::Display)];
    let mut visited = 0usize;
    let mut part_counter = 0u32;
    let mut depth_noted = false;
    while let Some((msg, id, depth, role)) = stack.pop() {
        if depth > limits.max_depth {
            if !depth_noted {
                w.limits.push(format!(
                    "MIME nesting deeper than {} levels is not shown",
                    limits.max_depth
                ));
                depth_noted = true;
            }
            continue;
        }
        visited += 1;
        if visited > limits.max_parts {
            w.limits.push(format!(
                "Only the first {} MIME parts are shown",
                limits.max_parts
            ));
            break;
        }
        let Some(part) = msg.parts.get(id as usize) else {
            continue;
        };
        if role == Role::Enclosed {
            match &part.body {
                PartType::Html(text) => {
                    w.enclosed_html.push(text.as_ref());
                    w.enclosed_base.push(part_base(msg, part));
                }
                PartType::Multipart(children) => {
                    for child in children.iter().rev() {
                        stack.push((msg, *child, depth + 1, Role::Enclosed));
                    }
                }
                PartType::Message(nested) => stack.push((nested, 0, depth + 1, Role::Enclosed)),
                _ => {}
            }
            continue;
        }
        part_counter += 1;
        let (ty, sub) = content_type(part);
        let full_type = format!("{ty}/{sub}");
        let index = part_counter - 1;
        if ty == "message" && sub == "external-body" {
            match external_url(part) {
                Some(url) => w.external.push(url),
                None => w.structure.push(
                    "A part refers to a body kept outside the message, which Quietpost never fetches"
                        .to_owned(),
                ),
            }
            continue;
        }
        match &part.body {
            PartType::Multipart(children) => {
                let chosen = (sub == "alternative" && role == Role::Display)
                    .then(|| choose_alternative(msg, children, limits.prefer));
                if let Some(c) = chosen {
                    let version = |sub: &str| {
                        children.iter().find_map(|child| {
                            let part = msg.parts.get(*child as usize)?;
                            let (t, s) = content_type(part);
                            match &part.body {
                                PartType::Text(x) | PartType::Html(x)
                                    if t == "text" && s == sub && !is_attachment(part) =>
                                {
                                    Some(x.as_ref())
                                }
                                _ => None,
                            }
                        })
                    };
                    if let (Some(plain), Some(html)) = (version("plain"), version("html")) {
                        let shown_html = msg
                            .parts
                            .get(children[c] as usize)
                            .is_some_and(|p| content_type(p).1 == "html");
                        w.alternatives.push((plain, html, shown_html));
                    }
                }
                for (i, child) in children.iter().enumerate().rev() {
                    let child_role = match chosen {
                        Some(c) if c != i => Role::Alternative,
                        _ => role,
                    };
                    stack.push((msg, *child, depth + 1, child_role));
                }
            }
            PartType::Text(text) | PartType::Html(text) => {
                let html = matches!(part.body, PartType::Html(_)) || sub == "html";
                // A multipart without a usable boundary arrives as text: show it as text.
                let broken_multipart = ty == "multipart";
                if broken_multipart && role == Role::Display {
                    w.structure.push(
                        "A multipart part has no usable boundary; it is shown as plain text"
                            .to_owned(),
                    );
                }
                let body_type = broken_multipart
                    || ty == "text"
                        && matches!(
                            sub.as_str(),
                            "plain" | "html" | "enriched" | "rfc822-headers" | ""
                        );
                if is_attachment(part) || !body_type {
                    if !(role == Role::Alternative && sub == "plain") {
                        push_attachment(&mut w, msg, part, full_type.clone(), index, limits);
                    }
                    continue;
                }
                if html {
                    w.html.push(Cow::Borrowed(text.as_ref()));
                    w.html_base.push(part_base(msg, part));
                    if role == Role::Display {
                        w.body.push(Piece::Html(w.html.len() - 1));
                    }
                } else if role == Role::Display {
                    let text: &'m str = text.as_ref();
                    match unsplit_html(text) {
                        Some((at, html)) => {
                            w.body.push(Piece::Text(Cow::Borrowed(&text[..at])));
                            w.html.push(Cow::Owned(html));
                            w.html_base.push(part_base(msg, part));
                            w.body.push(Piece::Html(w.html.len() - 1));
                            w.structure.push(
                                "Part of this message was not separated from the text before it (a boundary line that does not match its declaration); it is shown as the HTML it declares itself to be, converted"
                                    .to_owned(),
                            );
                        }
                        None => w.body.push(Piece::Text(crate::flowed::unflow(
                            text,
                            part.content_type().and_then(|c| c.attribute("format")),
                            part.content_type().and_then(|c| c.attribute("delsp")),
                        ))),
                    }
                }
                if role == Role::Display && !text.is_empty() && charset_suspect(part, text) {
                    w.charset_problem = true;
                }
            }
            // Delivery and read reports are text meant to be read; a multipart whose boundary
            // is missing is shown as the text it is.
            PartType::Binary(data) | PartType::InlineBinary(data)
                if role == Role::Display
                    && !is_attachment(part)
                    && (ty == "multipart"
                        || ty == "message"
                            && matches!(
                                sub.as_str(),
                                "delivery-status"
                                    | "global-delivery-status"
                                    | "disposition-notification"
                                    | "feedback-report"
                            ))
                    && std::str::from_utf8(data).is_ok() =>
            {
                if ty == "multipart" {
                    w.structure.push(
                        "A multipart part has no usable boundary; it is shown as plain text"
                            .to_owned(),
                    );
                }
                w.body.push(Piece::Text(Cow::Borrowed(
                    std::str::from_utf8(data).unwrap_or_default(),
                )));
            }
            PartType::Binary(_) | PartType::InlineBinary(_) => {
                push_attachment(&mut w, msg, part, full_type.clone(), index, limits);
            }
            PartType::Message(nested) => {
                push_attachment(&mut w, msg, part, "message/rfc822".into(), index, limits);
                if role == Role::Display && !is_attachment(part) {
                    w.body.push(Piece::Nested(nested));
                    stack.push((nested, 0, depth + 1, Role::Display));
                } else {
                    stack.push((nested, 0, depth + 1, Role::Enclosed));
                }
            }
        }
    }
    w
}

/// The value of a part's header field `name` (any case), as text.
fn field<'a>(part: &'a MessagePart<'_>, name: &str) -> Option<&'a str> {
    part.headers
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))
        .and_then(|h| h.value.as_text())
}

/// The base of an HTML part's relative references: its own Content-Base or Content-Location,
/// else its message's (RFC 2110, RFC 2557 §5).
fn part_base(msg: &Message<'_>, part: &MessagePart<'_>) -> Option<String> {
    let of = |p: &MessagePart<'_>| {
        field(p, "Content-Base")
            .or_else(|| field(p, "Content-Location"))
            .map(|v| v.split_whitespace().collect::<String>())
            .filter(|v| !v.is_empty())
    };
    of(part).or_else(|| msg.parts.first().and_then(of))
}

/// The URL a message/external-body part points at: its URL parameter (RFC 2017, white space
/// removed), or an FTP location from site, directory and name (RFC 2046 §5.2.3).
fn external_url(part: &MessagePart<'_>) -> Option<String> {
    let ct = part.content_type()?;
    let param = |n: &str| {
        ct.attribute(n)
            .map(|v| v.split_whitespace().collect::<String>())
    };
    let access = param("access-type")?.to_ascii_lowercase();
    match access.as_str() {
        "url" => param("url").filter(|u| !u.is_empty()),
        "anon-ftp" | "ftp" | "tftp" => {
            let site = param("site")?;
            let directory = param("directory").unwrap_or_default();
            let name = param("name").unwrap_or_default();
            let scheme = if access == "tftp" { "tftp" } else { "ftp" };
            Some(format!(
                "{scheme}://{site}/{}/{name}",
                directory.trim_matches('/')
            ))
        }
        _ => None,
    }
}

/// How many would-be part headers inside one text part are tried.
const MAX_UNSPLIT_TRIES: usize = 8;

/// HTML that a text part holds because a boundary was not split on — one that differs in case
/// from the declared one, is a prefix of another, or is otherwise not the parser's: a line
/// beginning with `--`, then a header block declaring a Content-Type, then a body, as a part
/// begins after a boundary. Shown as the text it is, that would put raw markup in the body
/// (and leave its remote references unlisted). Returns where that line begins and the HTML,
/// decoded as its header declares.
fn unsplit_html(text: &str) -> Option<(usize, String)> {
    let mut offset = 0;
    let mut tries = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if !line.starts_with("--") || line.trim_end().len() < 3 {
            continue;
        }
        let rest = &text[offset..];
        if !declares_content_type(rest) {
            continue;
        }
        tries += 1;
        if tries > MAX_UNSPLIT_TRIES {
            return None;
        }
        let Some(parsed) = mail_parser::MessageParser::default().parse(rest.as_bytes()) else {
            continue;
        };
        let html = parsed.parts.iter().find_map(|p| match &p.body {
            PartType::Html(h) => Some(h.to_string()),
            _ => None,
        });
        if let Some(html) = html {
            return Some((start, html));
        }
    }
    None
}

/// Whether `text` begins with a header block (fields, folded lines, then an empty line) that
/// has a Content-Type field.
fn declares_content_type(text: &str) -> bool {
    let mut content_type = false;
    for line in text.split('\n').take(64) {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            return content_type;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        content_type |= name.eq_ignore_ascii_case("content-type");
    }
    false
}

/// Text that was decoded with replacement characters, from an unknown charset, or from a
/// part mail-parser could not decode properly.
fn charset_suspect(part: &MessagePart<'_>, text: &str) -> bool {
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(|cs| cs.trim().to_ascii_lowercase());
    let suspect_charset = charset.as_deref().is_some_and(|cs| match cs {
        "utf-8" | "utf8" | "" => false,
        // 8-bit bytes under a 7-bit charset were guessed at.
        "us-ascii" | "ascii" => !text.is_ascii(),
        cs => mail_parser::decoders::charsets::map::charset_decoder(cs.as_bytes()).is_none(),
    });
    part.is_encoding_problem || suspect_charset || text.contains('\u{FFFD}')
}

/// The alternative to show: text/plain first (HTML first when asked), else HTML or a
/// multipart holding it, else the first one.
fn choose_alternative(msg: &Message<'_>, children: &[u32], prefer: Prefer) -> usize {
    let types: Vec<(String, String)> = children
        .iter()
        .map(|c| {
            msg.parts
                .get(*c as usize)
                .map(content_type)
                .unwrap_or_default()
        })
        .collect();
    let first = if prefer == Prefer::Html {
        "html"
    } else {
        "plain"
    };
    types
        .iter()
        .position(|(t, s)| t == "text" && s == first)
        .or_else(|| types.iter().position(|(t, s)| t == "text" && s == "plain"))
        .or_else(|| types.iter().position(|(t, s)| t == "text" && s == "html"))
        .or_else(|| types.iter().position(|(t, _)| t == "multipart"))
        .unwrap_or(0)
}

fn push_attachment<'m>(
    w: &mut Walk<'m>,
    msg: &'m Message<'m>,
    part: &'m MessagePart<'m>,
    content_type: String,
    index: u32,
    limits: &Limits,
) {
    if w.attachments.len() >= limits.max_attachments {
        let note = format!(
            "Only the first {} attachments are listed",
            limits.max_attachments
        );
        if !w.limits.contains(&note) {
            w.limits.push(note);
        }
        return;
    }
    let name =
        part.attachment_name()
            .map(|parsed| match literal_backslash_name(msg, part, parsed) {
                Some(literal) => Cow::Owned(literal),
                None => Cow::Borrowed(parsed),
            });
    w.attachments.push(Found {
        name,
        content_type,
        data: part.contents(),
        part: index,
    });
}

/// Windows mailers write `filename="C:\Users\x\evil.exe"` with literal backslashes, which a
/// MIME parser unescapes into `C:Usersxevil.exe`, hiding the path instead of removing it. When
/// the raw header holds such a quoted name and it is the parsed name with backslashes, the raw
/// form is used so the path is seen and cut.
fn literal_backslash_name(
    msg: &Message<'_>,
    part: &MessagePart<'_>,
    parsed: &str,
) -> Option<String> {
    let raw = msg.raw_message();
    for h in &part.headers {
        let n = h.name.as_str();
        if !n.eq_ignore_ascii_case("Content-Disposition") && !n.eq_ignore_ascii_case("Content-Type")
        {
            continue;
        }
        let Some(bytes) = raw.get(h.offset_start as usize..h.offset_end as usize) else {
            continue;
        };
        let value = String::from_utf8_lossy(bytes);
        let lower = value.to_ascii_lowercase();
        for key in ["filename=\"", "name=\""] {
            let Some(i) = lower.find(key) else { continue };
            let rest = &value[i + key.len()..];
            let Some(end) = rest.find('"') else { continue };
            let literal = &rest[..end];
            if literal.contains('\\') && literal.replace('\\', "") == parsed.replace('\\', "") {
                return Some(literal.to_owned());
            }
        }
    }
    None
}
