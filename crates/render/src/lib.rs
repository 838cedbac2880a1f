//! Raw message bytes → [`SafeMessage`]: the only way Quietpost turns mail into something shown.
//!
//! This crate owns MIME parsing (mail-parser), HTML-to-text (html2text), and the display and
//! detection rules of safety-rules §2, §3 and §6. It must never touch the network, the disk, an
//! async runtime or a GUI: it has no such dependency, so "rendering cannot fetch" is a fact of
//! the build, checked in CI with `cargo tree`.
//!
//! [`render`] never panics and never fails: any input, however hostile, gives a `SafeMessage`,
//! with warnings saying what was wrong. Time and memory are bounded by [`Limits`].

mod address;
mod attachment;
mod auth;
mod clean;
mod css;
mod encoded;
mod flowed;
mod header;
mod html;
mod idn;
mod links;
mod mime;
mod quote;
mod remote;
mod textonly;
mod versions;
use header::{headers, note_findings};

use mail_parser::{Message, MessageParser};
use quietpost_model::{
    Addr, Attachment, BodySource, Code, Link, RemoteRef, SafeLine, SafeMessage, SafeText, Warning,
};
use std::collections::HashSet;

pub use attachment::safe_filename;
pub use auth::verdict;
pub use idn::{TopDomains, display_host, view_domain};
pub use links::{other_site_in_subdomain, registrable};
pub use quote::{Quoted, attachment_data, message_id, quote};

/// Caps that keep rendering bounded on any input. Exceeding one is a `limit-reached` warning.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes of the raw message read; the rest is not parsed.
    pub max_message_bytes: usize,
    pub max_mime_depth: usize,
    pub max_parts: usize,
    pub max_attachments: usize,
    /// Bytes of body text shown.
    pub max_body_bytes: usize,
    /// Bytes of HTML converted and scanned for remote content: of one part, and of all the
    /// message's parts together.
    pub max_html_bytes: usize,
    pub max_links: usize,
    pub max_remote: usize,
    /// Characters of the subject shown.
    pub max_subject_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_mime_depth: 64,
            max_parts: 2_000,
            max_attachments: 500,
            max_body_bytes: 2 << 20,
            max_html_bytes: 4 << 20,
            max_links: 2_000,
            max_remote: 2_000,
            max_subject_chars: 998,
        }
    }
}

/// What the caller knows that the message cannot tell.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// authserv-ids of the user's own provider: only Authentication-Results carrying one of
    /// these are believed. Empty means none is.
    pub trusted_authserv_ids: Vec<String>,
    pub limits: Limits,
    /// Which version of a message written twice (plain text and HTML) to show: the plain
    /// text by default; the HTML when the person asks for the other version.
    pub prefer: Prefer,
}

pub use mime::Prefer;

/// What the body text is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Shown to the reader: hidden HTML text included (and warned about), links marked ` [N]`.
    Display,
    /// Quoted in a reply or forward: only the text the reader was shown by the message's own
    /// formatting, without link markers.
    Quote,
    /// No body at all: the header, for the message list.
    Header,
}

/// Renders raw RFC 5322 bytes into a message that is safe to show.
pub fn render(raw: &[u8], options: &Options) -> SafeMessage {
    render_for(raw, options, Purpose::Display)
}

/// Parses at most `limits.max_message_bytes` of `raw` (old Mac line ends repaired) and runs
/// `f` on the message and the bytes it was parsed from; `None` when it is not a message or a
/// dependency panicked.
fn with_parsed<R>(
    raw: &[u8],
    limits: &Limits,
    f: impl FnOnce(&Message<'_>, &[u8]) -> R,
) -> Option<R> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let raw = &raw[..raw.len().min(limits.max_message_bytes)];
        let normalized = normalize_bare_cr(raw);
        let raw: &[u8] = normalized.as_deref().unwrap_or(raw);
        MessageParser::default().parse(raw).map(|m| f(&m, raw))
    }))
    .ok()
    .flatten()
}

fn mime_limits(limits: &Limits) -> mime::Limits {
    mime::Limits {
        max_depth: limits.max_mime_depth,
        max_parts: limits.max_parts,
        max_attachments: limits.max_attachments,
        prefer: Prefer::Plain,
    }
}

fn render_for(raw: &[u8], options: &Options, purpose: Purpose) -> SafeMessage {
    render_declared(raw, options, purpose).0
}

/// The message rendered for `purpose`, and whether it declares attachments (as
/// [`declares_attachments`] reads it).
fn render_declared(raw: &[u8], options: &Options, purpose: Purpose) -> (SafeMessage, bool) {
    // Belt and braces: the code below is written not to panic, but a dependency might.
    std::panic::catch_unwind(|| render_inner(raw, options, purpose)).unwrap_or_else(|_| {
        let mut m = empty_message();
        m.warnings.push(warning(
            Code::Unparsable,
            "Quietpost could not read this message; nothing of it is shown.",
        ));
        (m, false)
    })
}

/// What a message list shows, from a message's header (the whole message works too): the
/// header analysed exactly as `render` analyses it — subject, date, every address field and
/// the warnings about who sent it ([`SafeMessage::sender_summary`]) — without the body. The
/// list and the reader therefore never name different senders.
pub fn summary(raw: &[u8], options: &Options) -> SafeMessage {
    render_for(raw, options, Purpose::Header)
}

/// [`summary`] and [`declares_attachments`] from one reading of the header: what the sync
/// makes of every message it lists.
pub fn list_summary(raw: &[u8], options: &Options) -> (SafeMessage, bool) {
    render_declared(raw, options, Purpose::Header)
}

/// Whether the parsed message's top-level type is multipart/mixed.
fn declares_mixed(message: &Message<'_>) -> bool {
    mail_parser::MimeHeaders::content_type(message.root_part()).is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("mixed"))
    })
}

/// Whether a message (or its header) says it carries attachments: its top-level type is
/// multipart/mixed, as read by the MIME parser (never a text search of the header, where
/// `content-type:` also appears in DKIM signatures).
pub fn declares_attachments(raw: &[u8]) -> bool {
    with_parsed(raw, &Limits::default(), |message, _| {
        declares_mixed(message)
    })
    .unwrap_or(false)
}

/// The words of a message for a search index, and whether it has attachments: the text parts
/// as they are and HTML parts converted without layout (one pass of the tokenizer), without the
/// link, sender and remote-content analysis `render` does for display. Never displayed (the
/// index stores no text), so it is not sanitized; bounded by `limits` like `render`.
///
/// Attachments' contents are left out before parsing (`textonly.rs`: the index never reads
/// them, and decoding them was most of the work), and the first 512 KB of what remains is read.
pub fn search_text(raw: &[u8], limits: &Limits) -> (String, bool) {
    const INDEXED: usize = 512 << 10;
    let raw = &raw[..raw.len().min(limits.max_message_bytes)];
    // Written not to panic; mail-parser reads the headers, and might.
    let text = std::panic::catch_unwind(|| textonly::text_parts(raw)).unwrap_or(None);
    match text {
        Some(text) => search_text_of(&text[..text.len().min(INDEXED)], limits),
        None => search_text_of(&raw[..raw.len().min(INDEXED)], limits),
    }
}

fn search_text_of(raw: &[u8], limits: &Limits) -> (String, bool) {
    with_parsed(raw, limits, |message, _| {
        let walk = mime::walk(message, &mime_limits(limits));
        let mut text = String::new();
        for piece in &walk.body {
            if text.len() >= limits.max_body_bytes {
                break;
            }
            match piece {
                mime::Piece::Text(t) => text.push_str(t),
                mime::Piece::Html(i) => {
                    let html = &walk.html[*i];
                    let cut = css::floor_char_boundary(html, limits.max_html_bytes);
                    text.push_str(&html::to_plain(&html[..cut]));
                }
                mime::Piece::Nested(inner) => text.push_str(&nested_header(inner)),
            }
            text.push_str("\n\n");
        }
        let cut = css::floor_char_boundary(&text, limits.max_body_bytes);
        text.truncate(cut);
        (text, !walk.attachments.is_empty())
    })
    .unwrap_or_default()
}

fn empty_message() -> SafeMessage {
    SafeMessage {
        subject: SafeLine::default(),
        date: None,
        from: Vec::new(),
        sender: Vec::new(),
        reply_to: Vec::new(),
        to: Vec::new(),
        cc: Vec::new(),
        body: SafeText::default(),
        body_source: BodySource::None,
        links: Vec::new(),
        link_markers: Vec::new(),
        remote_content: Vec::new(),
        attachments: Vec::new(),
        authentication: None,
        warnings: Vec::new(),
        message_id: None,
    }
}

fn warning(code: Code, detail: &str) -> Warning {
    Warning {
        code,
        detail: SafeLine::new(detail, 500),
    }
}

fn render_inner(raw: &[u8], options: &Options, purpose: Purpose) -> (SafeMessage, bool) {
    let limits = &options.limits;
    let mut m = empty_message();
    let raw = if raw.len() > limits.max_message_bytes {
        m.warnings.push(warning(
            Code::LimitReached,
            &format!(
                "The message is larger than {} MB; only the start is shown.",
                limits.max_message_bytes >> 20
            ),
        ));
        &raw[..limits.max_message_bytes]
    } else {
        raw
    };
    let normalized = normalize_bare_cr(raw);
    let raw: &[u8] = normalized.as_deref().unwrap_or(raw);
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        m.warnings
            .push(warning(Code::Unparsable, "The message is empty."));
        return (m, false);
    }
    let Some(message) = MessageParser::default().parse(raw) else {
        m.warnings.push(warning(
            Code::Unparsable,
            "This is not a mail message: no header was found. Its bytes are shown as text.",
        ));
        let (body, _) =
            SafeText::with_findings(&String::from_utf8_lossy(raw), limits.max_body_bytes);
        m.body = body;
        return (m, false);
    };
    const USUAL: [&str; 9] = [
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "received",
        "content-type",
        "mime-version",
        "return-path",
    ];
    if !message
        .root_part()
        .headers
        .iter()
        .any(|h| USUAL.contains(&h.name.as_str().to_ascii_lowercase().as_str()))
    {
        m.warnings.push(warning(
            Code::Unparsable,
            "This does not look like a mail message: none of the usual header fields is present.",
        ));
    }
    headers(&message, raw, options, &mut m);
    if purpose != Purpose::Header {
        body(&message, options, purpose, &mut m);
    }
    (m, declares_mixed(&message))
}

/// Old Mac mail ends lines with a bare CR, which MIME parsers do not see as line ends. When
/// bare CRs outnumber LFs, they are turned into CRLF so the message can be read at all.
fn normalize_bare_cr(raw: &[u8]) -> Option<Vec<u8>> {
    let head = &raw[..raw.len().min(64 << 10)];
    let lf = head.iter().filter(|&&b| b == b'\n').count();
    // Fast path: bare CRs cannot outnumber LFs when all CRs together do not.
    if head.iter().filter(|&&b| b == b'\r').count() <= lf {
        return None;
    }
    let bare_cr = head
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count();
    if bare_cr <= lf {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len() + bare_cr);
    for (i, &b) in raw.iter().enumerate() {
        out.push(b);
        if b == b'\r' && raw.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        }
    }
    Some(out)
}

fn body(message: &Message<'_>, options: &Options, purpose: Purpose, m: &mut SafeMessage) {
    let limits = &options.limits;
    let walk = mime::walk(
        message,
        &mime::Limits {
            prefer: options.prefer,
            ..mime_limits(limits)
        },
    );
    if purpose == Purpose::Display {
        // Each pair up to 1 MB of HTML, all of them up to the conversion's bound.
        let mut left = limits.max_html_bytes;
        for (plain, html, shown_html) in &walk.alternatives {
            let html = &html[..css::floor_char_boundary(html, left.min(1 << 20))];
            left -= html.len();
            if html.is_empty() {
                break;
            }
            if let Some(what) = versions::differ(plain, html) {
                let (shown, other) = if *shown_html {
                    ("HTML", "plain-text")
                } else {
                    ("plain-text", "HTML")
                };
                m.warnings.push(warning(
                    Code::VersionsDiffer,
                    &format!("This message is written twice, as plain text and as HTML, and the two say different things: {what}. You are reading the {shown} version; the {other} version can be shown."),
                ));
                break;
            }
        }
    }
    for note in &walk.limits {
        m.warnings
            .push(warning(Code::LimitReached, &format!("{note}.")));
    }
    for note in &walk.structure {
        m.warnings
            .push(warning(Code::BrokenStructure, &format!("{note}.")));
    }
    if walk.charset_problem {
        m.warnings.push(warning(
            Code::CharsetProblem,
            "Part of the text is encoded incorrectly or uses an unknown character set; some characters may be wrong.",
        ));
    }

    // Remote content: every HTML part a renderer would show, de-duplicated.
    // Then those of attached messages, marked as such.
    // Each part up to the conversion's bound, and all of them together too: the scan never reads
    // past what is converted (its depth guides the conversion), and a flood of entities or
    // parts costs a bounded time.
    let mut scan_left = limits.max_html_bytes;
    let mut scan_cut = false;
    let mut scanned = |h: &str| -> usize {
        let cut = css::floor_char_boundary(h, limits.max_html_bytes.min(scan_left));
        scan_left -= cut;
        scan_cut |= cut < h.len();
        cut
    };
    let scanned_to: Vec<usize> = walk.html.iter().map(|h| scanned(h)).collect();
    let enclosed_to: Vec<usize> = walk.enclosed_html.iter().map(|h| scanned(h)).collect();
    // A part with no <base> resolves against its MIME base (Content-Base, Content-Location).
    let scan = |h: &str, cut: usize, base: &Option<String>| {
        let mut scan = remote::scan_html(&h[..cut]);
        if scan.base.is_none() {
            scan.base = base.clone();
        }
        scan
    };
    let scans: Vec<remote::HtmlScan> = (walk.html.iter().zip(&scanned_to))
        .zip(&walk.html_base)
        .map(|((h, cut), base)| scan(h, *cut, base))
        .collect();
    let enclosed: Vec<remote::HtmlScan> = (walk.enclosed_html.iter().zip(&enclosed_to))
        .zip(&walk.enclosed_base)
        .map(|((h, cut), base)| scan(h, *cut, base))
        .collect();
    if scan_cut {
        m.warnings.push(warning(
            Code::LimitReached,
            &format!(
                "The HTML is too large to check whole: remote references after its first {} MB are not listed (nothing in it is ever loaded).",
                limits.max_html_bytes >> 20
            ),
        ));
    }
    let mut seen = HashSet::new();
    let mut remote_capped = false;
    let all = (scans.iter().map(|s| (s, false))).chain(enclosed.iter().map(|s| (s, true)));
    for (scan, attached) in all {
        remote_capped |= scan.truncated;
        for (url, kind, tracker) in remote::resolve(scan) {
            if seen.insert((url.as_str().to_owned(), kind))
                && m.remote_content.len() < limits.max_remote
            {
                m.remote_content.push(RemoteRef {
                    url: SafeLine::new(url.as_str(), 2048),
                    kind,
                    attached,
                    tracker,
                });
            }
        }
    }
    // Bodies kept outside the message (message/external-body).
    for raw in &walk.external {
        if let Ok(url) = url::Url::parse(raw)
            && seen.insert((url.as_str().to_owned(), quietpost_model::RemoteKind::Other))
            && m.remote_content.len() < limits.max_remote
        {
            m.remote_content.push(RemoteRef {
                url: SafeLine::new(url.as_str(), 2048),
                kind: quietpost_model::RemoteKind::Other,
                attached: false,
                tracker: false,
            });
        }
    }
    if remote_capped || seen.len() > m.remote_content.len() {
        let more = seen.len() - m.remote_content.len();
        let at_least = if remote_capped { "at least " } else { "" };
        m.warnings.push(warning(
            Code::LimitReached,
            &format!(
                "{} remote references are listed and {at_least}{more} more were found. All are blocked.",
                m.remote_content.len()
            ),
        ));
    }

    // Body text and links, in display order.
    let mut texts: Vec<String> = Vec::new();
    let mut links: Vec<Link> = Vec::new();
    let mut hidden: Vec<Link> = Vec::new();
    let mut body_findings = quietpost_model::Findings::default();
    let mut flattened = false;
    let mut source = BodySource::None;
    for piece in &walk.body {
        match piece {
            mime::Piece::Text(t) => {
                if source == BodySource::None {
                    source = BodySource::TextPlain;
                }
                // Links are looked for in what is displayed, never in what sanitizing removed
                // (an OSC 8 escape can carry a hidden target).
                let t = html::without_mark_chars(t);
                let (shown, findings) = SafeText::with_findings(&t, limits.max_body_bytes);
                body_findings.bidi |= findings.bidi;
                body_findings.control |= findings.control;
                let shown = shown.as_str();
                for (s, e) in links::find_urls(shown) {
                    let u = &shown[s..e];
                    let href = if u.to_ascii_lowercase().starts_with("www.") {
                        format!("http://{u}")
                    } else {
                        u.to_owned()
                    };
                    links.push(links::analyze(u, &href, None));
                }
                texts.push(shown.to_owned());
            }
            mime::Piece::Html(i) => {
                if source == BodySource::None {
                    source = BodySource::TextHtml;
                }
                // What the scan read, no more (the mark characters removed here are never
                // markup, so the scan's depth still holds).
                let html = html::without_mark_chars(&walk.html[*i][..scanned_to[*i]]);
                let html = html.as_ref();
                let cut = html.len();
                if scanned_to[*i] < walk.html[*i].len() {
                    m.warnings.push(warning(
                        Code::LimitReached,
                        "An HTML part is too large; only its start is shown.",
                    ));
                }
                let scan = &scans[*i];
                let base = remote::base_url(scan);
                let converted = match purpose {
                    Purpose::Display => {
                        html::to_text(&html[..cut], scan.shape(), Some(links.len() + 1))
                    }
                    Purpose::Quote | Purpose::Header => {
                        html::to_text(&remote::visible_html(&html[..cut]), scan.shape(), None)
                    }
                };
                flattened |= converted.flattened;
                for (text, href) in &converted.links {
                    links.push(links::analyze(text, href, base.as_ref()));
                }
                texts.push(converted.text);
                // Links a reader cannot see in the text are still listed, marked as such.
                let shown: HashSet<&str> = converted.links.iter().map(|(_, h)| h.trim()).collect();
                let mut hidden_seen = HashSet::new();
                for href in &scan.anchors {
                    let h = href.trim();
                    if !h.starts_with('#') && !shown.contains(h) && hidden_seen.insert(h) {
                        hidden.push(links::analyze("", h, base.as_ref()));
                    }
                }
            }
            mime::Piece::Nested(inner) => {
                texts.push(html::without_mark_chars(&nested_header(inner)).into_owned())
            }
        }
    }
    if flattened {
        m.warnings.push(warning(
            Code::LimitReached,
            "The HTML is too complex to lay out (nested too deeply, or too many elements); its text is shown without layout.",
        ));
    }
    let hidden_chars: usize = walk
        .body
        .iter()
        .filter_map(|p| match p {
            mime::Piece::Html(i) => Some(scans[*i].hidden_chars),
            _ => None,
        })
        .sum();
    if hidden_chars > 0 {
        let sample = walk
            .body
            .iter()
            .find_map(|p| match p {
                mime::Piece::Html(i) if scans[*i].hidden_chars > 0 => {
                    Some(scans[*i].hidden_sample.as_str())
                }
                _ => None,
            })
            .unwrap_or("");
        m.warnings.push(warning(
            Code::HiddenText,
            &format!("The formatting of this message hides {hidden_chars} characters of text that Quietpost shows, starting with: \u{201C}{sample}\u{201D}"),
        ));
    }
    if source == BodySource::TextHtml {
        m.warnings.push(warning(Code::HtmlConverted, "This message was written in HTML. It is shown as text; nothing in it was loaded or run."));
    }
    m.body_source = source;
    for mut link in hidden {
        link.warnings.insert(0, Code::HiddenLink);
        links.push(link);
    }
    if links.len() > limits.max_links {
        links.truncate(limits.max_links);
        m.warnings.push(warning(
            Code::LimitReached,
            &format!("Only the first {} links are listed.", limits.max_links),
        ));
    }
    m.links = links;
    let (body, mut findings) = SafeText::with_findings(&texts.join("\n\n"), limits.max_body_bytes);
    let (body, markers) = take_markers(body);
    m.body = body;
    m.link_markers = markers;
    findings.bidi |= body_findings.bidi;
    findings.control |= body_findings.control;
    note_findings(m, findings, "text");
    if findings.truncated {
        m.warnings.push(warning(
            Code::LimitReached,
            &format!(
                "The text is longer than {} KB; only its start is shown.",
                limits.max_body_bytes >> 10
            ),
        ));
    }

    m.attachments = walk
        .attachments
        .iter()
        .enumerate()
        .map(|(i, f)| attachment_of(f, i))
        .collect();
}

/// The body without the characters that delimit link markers, and where each marker is. A
/// marker cut by the size limit (no closing delimiter) is not one.
fn take_markers(body: SafeText) -> (SafeText, Vec<quietpost_model::LinkMarker>) {
    let text = body.as_str();
    if !text.contains(html::MARK_OPEN) && !text.contains(html::MARK_CLOSE) {
        return (body, Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut markers = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(html::MARK_OPEN) {
        out.push_str(&rest[..open].replace(html::MARK_CLOSE, ""));
        let after = &rest[open + html::MARK_OPEN.len_utf8()..];
        let number = after
            .strip_prefix('[')
            .and_then(|a| a.split_once(']'))
            .filter(|(n, tail)| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && tail.starts_with(html::MARK_CLOSE)
            })
            .and_then(|(n, _)| n.parse::<usize>().ok().map(|v| (v, n.len())));
        match number {
            Some((link, digits)) => {
                markers.push(quietpost_model::LinkMarker {
                    at: out.len(),
                    link,
                });
                out.push_str(&after[..digits + 2]);
                rest = &after[digits + 2 + html::MARK_CLOSE.len_utf8()..];
            }
            None => rest = after,
        }
    }
    out.push_str(&rest.replace(html::MARK_CLOSE, ""));
    (SafeText::new(&out, usize::MAX), markers)
}

/// The block that stands for an attached message in the text: its senders and subject from
/// the same hardened analysis as the message's own header (every From candidate, encoded words
/// never decoded inside an address, its warnings), each value one sanitized line, so nothing
/// in the attached header can forge lines of the block.
fn nested_header(inner: &Message<'_>) -> String {
    let mut m = empty_message();
    headers(inner, &inner.raw_message, &Options::default(), &mut m);
    let mut block =
        String::from("──── Attached message (its sender is not the sender of this message) ────\n");
    let line = |a: &Addr| match (&a.name, &a.address) {
        (Some(n), Some(ad)) => format!("{n} <{ad}>"),
        (None, Some(ad)) => ad.to_string(),
        (Some(n), None) => format!("{n} (no address)"),
        (None, None) => "(no address)".to_owned(),
    };
    if m.from.is_empty() {
        block.push_str("From: (no sender address)\n");
    }
    for a in &m.from {
        block.push_str(&format!("From: {}\n", line(a)));
        for code in &a.warnings {
            block.push_str(&format!("  ⚠ {}\n", address_note(*code)));
        }
    }
    for a in m.sender.iter().chain(&m.reply_to) {
        for code in &a.warnings {
            block.push_str(&format!("  ⚠ {}: {}\n", line(a), address_note(*code)));
        }
    }
    block.push_str(&format!("Subject: {}\n", m.subject));
    if let Some(date) = &m.date {
        block.push_str(&format!("Date: {date}\n"));
    }
    for w in m.warnings.iter().filter(|w| {
        w.code.is_about_sender() || matches!(w.code, Code::HiddenControl | Code::BidiControl)
    }) {
        block.push_str(&format!("  ⚠ {}\n", w.detail));
    }
    block
}

/// A few words for an address warning inside an attached message's block (the reader's
/// badges say the same of the message's own senders).
fn address_note(code: Code) -> &'static str {
    match code {
        Code::DisplayNameAddress => "the name holds a different address than the real one",
        Code::ControlChars => "hidden control characters were removed from it",
        Code::EncodedAddress => {
            "the address holds encoded text (shown undecoded), a trick to fake a sender"
        }
        Code::AmbiguousAddress => "mail programs disagree on which address this is",
        Code::InvalidAddress => "not a valid address",
        Code::LongDisplayName => "an unusually long name, which can hide the address",
        Code::IdnHomograph => "look-alike letters in the domain (shown in ASCII)",
        _ => "suspicious",
    }
}

fn attachment_of(found: &mime::Found<'_>, index: usize) -> Attachment {
    let fallback = format!(
        "attachment-{}{}",
        index + 1,
        default_extension(&found.content_type)
    );
    let raw_name = found.name.as_deref().unwrap_or("");
    let safe = attachment::safe_filename(raw_name, &fallback);
    // A placeholder we made up (no name, or one with nothing usable) says nothing.
    let given = found.name.is_some() && safe.name != fallback;
    let analysis = attachment::analyze(
        given.then_some(safe.name.as_str()),
        &found.content_type,
        found.data,
    );
    let mut warnings = safe.warnings;
    if found.name.is_none() {
        warnings.retain(|w| *w != Code::NameChanged);
    }
    warnings.extend(analysis.warnings);
    let opening = attachment::opening(
        given.then_some(safe.name.as_str()),
        &found.content_type,
        analysis.detected,
        found.data,
        &warnings,
    );
    Attachment {
        opening,
        filename: attachment::display_original(raw_name),
        safe_filename: SafeLine::new(&safe.name, 1024),
        content_type: SafeLine::new(&found.content_type, 255),
        detected_type: analysis.detected,
        size: found.data.len() as u64,
        warnings,
        part: found.part,
        looks_like: attachment::bidi_display(raw_name)
            .map(|shown| SafeLine::new(&shown, 1024))
            .filter(|shown| shown.as_str() != safe.name),
    }
}

fn default_extension(content_type: &str) -> &'static str {
    match content_type {
        "message/rfc822" => ".eml",
        "application/pdf" => ".pdf",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "text/calendar" => ".ics",
        "text/html" => ".html",
        t if t.starts_with("text/") => ".txt",
        _ => ".bin",
    }
}
