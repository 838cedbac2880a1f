//! Remote-content detection over HTML (safety-rules §2.3).
//!
//! html2text only reports `<a href>` and `<img src>`, so this module walks the HTML token stream
//! itself (html5ever's tokenizer: entities decoded, names lower-cased, as a browser sees them)
//! and lists every reference a browser engine would have fetched. Everything is tokenized in the
//! data state — `<style>` and `<script>` contents too — so markup hidden inside them is seen as
//! well: finding too much is safe, missing one is not.

use crate::css;
use crate::links::parse_href;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, StartTag, Tag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};
use html5ever::tokenizer::{CharacterTokens, CommentToken, EndTag};
use quietpost_model::RemoteKind;
use std::cell::RefCell;
use url::Url;

/// `srcdoc` documents inside `srcdoc` documents are followed this deep.
const MAX_SRCDOC_DEPTH: u8 = 4;
/// Raw references kept per document (the caller de-duplicates and caps again).
const MAX_RAW_REFS: usize = 20_000;

/// What one pass over an HTML document found.
#[derive(Debug, Default)]
pub struct HtmlScan {
    /// References as written (entity-decoded), with their kind, in document order.
    pub refs: Vec<(String, RemoteKind)>,
    /// The first `<base href>`, which relative references resolve against.
    pub base: Option<String>,
    /// Estimated element nesting depth, for choosing a safe conversion.
    pub max_depth: usize,
    /// Start tags, for the same choice.
    pub elements: usize,
    /// More references than [`MAX_RAW_REFS`] were present.
    pub truncated: bool,
    /// Targets of `<a>`/`<area>` links (HTML and SVG), whether visible in the text or not.
    pub anchors: Vec<String>,
    /// References (as written, trimmed) that only a tracker would make: an image sized one or
    /// two pixels, or hidden by its own style, or inside a hidden element.
    pub trackers: std::collections::HashSet<String>,
    /// Text inside elements the message's own formatting hides (display:none, font-size:0,
    /// white on white, ...): how many visible characters, and the start of it.
    pub hidden_chars: usize,
    pub hidden_sample: String,
}

#[derive(Default)]
struct State {
    scan: HtmlScan,
    depth: usize,
    in_style: bool,
    style: String,
    srcdoc_level: u8,
    /// The open element that hides its content, and how many same-named elements are open
    /// inside it.
    hidden_at: Option<(String, usize)>,
    /// Inside script/style/head/title: text there is never displayed anyway.
    non_text: usize,
    /// When set, the document is written back here without what is hidden and never shown
    /// (see [`visible_html`]).
    visible: Option<String>,
}

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.0.borrow_mut();
        match token {
            TagToken(tag) if tag.kind == StartTag => {
                st.scan.elements += 1;
                let name: &str = &tag.name;
                if !is_void(name) && !tag.self_closing && !auto_closes(name) {
                    st.depth += 1;
                    st.scan.max_depth = st.scan.max_depth.max(st.depth);
                }
                if name == "style" {
                    st.in_style = true;
                    st.style.clear();
                }
                if matches!(name, "script" | "style" | "head" | "title" | "template") {
                    st.non_text += 1;
                }
                if let Some((open, nested)) = &mut st.hidden_at
                    && open == name
                {
                    if auto_closes(name) && *nested == 0 {
                        st.hidden_at = None; // a new <p> closes the open one
                    } else {
                        *nested += 1;
                    }
                }
                if st.hidden_at.is_none() && !is_void(name) && !tag.self_closing && hides(&tag) {
                    st.hidden_at = Some((name.to_owned(), 0));
                }
                if st.hidden_at.is_none() && st.non_text == 0 {
                    write_tag(&mut st.visible, &tag);
                }
                start_tag(&mut st, &tag);
            }
            TagToken(tag) if tag.kind == EndTag => {
                let name: &str = &tag.name;
                if st.hidden_at.is_none() && st.non_text == 0 {
                    write_tag(&mut st.visible, &tag);
                }
                if let Some((open, nested)) = &mut st.hidden_at
                    && open == name
                {
                    if *nested == 0 {
                        st.hidden_at = None;
                    } else {
                        *nested -= 1;
                    }
                }
                if !is_void(name) && !auto_closes(name) {
                    st.depth = st.depth.saturating_sub(1);
                }
                if matches!(name, "script" | "style" | "head" | "title" | "template") {
                    st.non_text = st.non_text.saturating_sub(1);
                }
                if name == "style" && st.in_style {
                    st.in_style = false;
                    let style = std::mem::take(&mut st.style);
                    scan_css(&mut st, &style);
                }
            }
            CharacterTokens(text) if st.hidden_at.is_some() && st.non_text == 0 && !st.in_style => {
                let visible = text.chars().filter(|c| !c.is_whitespace()).count();
                st.scan.hidden_chars += visible;
                if visible > 0 && st.scan.hidden_sample.chars().count() < 120 {
                    if !st.scan.hidden_sample.is_empty() {
                        st.scan.hidden_sample.push(' ');
                    }
                    st.scan.hidden_sample.extend(
                        text.split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .chars()
                            .take(120),
                    );
                }
            }
            CharacterTokens(text) if st.hidden_at.is_none() && st.non_text == 0 && !st.in_style => {
                if let Some(out) = &mut st.visible {
                    escape_into(out, &text);
                }
            }
            CharacterTokens(text) if st.in_style && st.style.len() < css::MAX_CSS_BYTES => {
                st.style.push_str(&text);
            }
            // `<style><!-- ... --></style>` still applies in a browser.
            CommentToken(text) if st.in_style && st.style.len() < css::MAX_CSS_BYTES => {
                st.style.push_str(&text);
            }
            // Outlook renders what a conditional comment holds (`<!--[if mso]><v:image
            // src=...><![endif]-->`): its references are the message's too.
            CommentToken(text) if conditional(&text) && st.srcdoc_level < MAX_SRCDOC_DEPTH => {
                let inner = scan_nested(&text, st.srcdoc_level + 1);
                let (refs, anchors) = (inner.refs, inner.anchors);
                for (u, k) in refs {
                    push(&mut st, &u, k);
                }
                st.scan.trackers.extend(inner.trackers);
                for a in anchors {
                    if st.scan.anchors.len() < MAX_RAW_REFS {
                        st.scan.anchors.push(a);
                    }
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn end(&self) {
        let mut st = self.0.borrow_mut();
        if st.in_style {
            let style = std::mem::take(&mut st.style);
            scan_css(&mut st, &style);
        }
    }
}

/// An Outlook conditional comment: `[if mso]>…<![endif]`, `[if gte mso 9]>…`.
fn conditional(comment: &str) -> bool {
    comment
        .trim_start()
        .get(..3)
        .is_some_and(|s| s.eq_ignore_ascii_case("[if"))
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
            | "image"
            | "bgsound"
            | "basefont"
            | "frame"
            | "isindex"
    )
}

/// Does this element's own markup hide it from view? Inline styles and the `hidden` attribute
/// only: stylesheet rules are not evaluated.
fn hides(tag: &Tag) -> bool {
    if attr(tag, "hidden").is_some() {
        return true;
    }
    let Some(style) = attr(tag, "style") else {
        return false;
    };
    let style: String = style
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let decls: Vec<(&str, &str)> = style
        .split(';')
        .filter_map(|d| d.split_once(':'))
        .map(|(k, v)| (k, v.trim_end_matches("!important")))
        .collect();
    let get = |key: &str| decls.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let zero = |v: &str| {
        let num: String = v
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        !num.is_empty() && num.parse::<f64>().is_ok_and(|n| n == 0.0)
    };
    let clipped = get("overflow").is_some_and(|v| v == "hidden");
    get("display") == Some("none")
        || get("visibility") == Some("hidden")
        || get("font-size").is_some_and(zero)
        || get("opacity").is_some_and(zero)
        || clipped
            && (get("height").is_some_and(zero)
                || get("max-height").is_some_and(zero)
                || get("width").is_some_and(zero))
        || get("color").is_some_and(|c| Some(c) == get("background-color").or(get("background")))
}

/// Elements that a parser closes implicitly, so unclosed ones do not nest.
fn auto_closes(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "rb"
            | "rt"
            | "rp"
            | "rtc"
            | "colgroup"
            | "caption"
    )
}

fn push(st: &mut State, url: &str, kind: RemoteKind) {
    let url = url.trim();
    if url.is_empty() {
        return;
    }
    if st.scan.refs.len() >= MAX_RAW_REFS {
        st.scan.truncated = true;
        return;
    }
    st.scan.refs.push((url.to_owned(), kind));
}

fn scan_css(st: &mut State, text: &str) {
    let mut found = Vec::new();
    css::scan(text, &mut |u, k| found.push((u.to_owned(), k)));
    for (u, k) in found {
        push(st, &u, k);
    }
}

fn attr<'a>(tag: &'a Tag, name: &str) -> Option<&'a str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

/// An image no one is meant to see: one or two pixels wide and high (by its attributes or its
/// style), or hidden by its own style.
fn invisible_image(tag: &Tag) -> bool {
    let pixels = |v: &str| -> Option<f64> {
        let v = v.trim().trim_end_matches("px").trim();
        v.parse::<f64>().ok()
    };
    let style: String = attr(tag, "style")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let css = |key: &str| {
        style
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.trim_end_matches("!important").to_owned())
            .next_back()
    };
    let size = |name: &str| css(name).or_else(|| attr(tag, name).map(str::to_owned));
    let tiny = |name: &str| {
        size(name)
            .as_deref()
            .and_then(pixels)
            .is_some_and(|n| n <= 2.0)
    };
    let zero = |name: &str| {
        size(name)
            .as_deref()
            .and_then(pixels)
            .is_some_and(|n| n == 0.0)
    };
    (tiny("width") && tiny("height")) || zero("width") || zero("height") || hides(tag)
}

fn start_tag(st: &mut State, tag: &Tag) {
    use RemoteKind::*;
    let name: &str = &tag.name;
    let unseen_image =
        matches!(name, "img" | "image") && (st.hidden_at.is_some() || invisible_image(tag));
    for a in &tag.attrs {
        let key: &str = &a.name.local;
        let value: &str = &a.value;
        match key {
            "style" => scan_css(st, value),
            "background"
            | "lowsrc"
            | "dynsrc"
            | "data-src"
            | "data-original"
            | "data-lazy"
            | "data-lazy-src"
            | "data-bg"
            | "data-background"
            | "data-background-image"
            | "data-echo"
            | "data-hi-res-src" => push(st, value, Image),
            "srcset" | "data-srcset" | "imagesrcset" => {
                for candidate in srcset_urls(value) {
                    push(st, candidate, Image);
                }
            }
            "poster" => push(st, value, Image),
            "ping" => {
                for u in value.split_ascii_whitespace() {
                    push(st, u, Ping);
                }
            }
            "formaction" => push(st, value, Form),
            "action" if matches!(name, "form" | "isindex") => push(st, value, Form),
            "codebase" | "archive" | "classid" if matches!(name, "object" | "applet" | "embed") => {
                push(st, value, Object)
            }
            "code" if name == "applet" => push(st, value, Object),
            "manifest" if name == "html" => push(st, value, Other),
            "srcdoc" if st.srcdoc_level < MAX_SRCDOC_DEPTH => {
                let inner = scan_nested(value, st.srcdoc_level + 1);
                for (u, k) in inner.refs {
                    push(st, &u, k);
                }
            }
            "src" => {
                let kind = match name {
                    "img" | "image" | "input" => Image,
                    // Outlook's VML pictures (inside conditional comments).
                    "v:image" | "v:imagedata" | "v:fill" | "v:stroke" => Image,
                    "iframe" | "frame" | "portal" | "fencedframe" => Frame,
                    "video" | "audio" | "source" | "track" | "bgsound" => Media,
                    "embed" | "applet" | "object" => Object,
                    _ => Other,
                };
                push(st, value, kind);
                if unseen_image && st.scan.trackers.len() < MAX_RAW_REFS {
                    st.scan.trackers.insert(value.trim().to_owned());
                }
                if matches!(name, "iframe" | "frame" | "embed") {
                    data_document(st, value);
                }
            }
            "data" if name == "object" => {
                push(st, value, Object);
                data_document(st, value);
            }
            "href" | "xlink:href" => href_attr(st, tag, name, value),
            _ => {}
        }
    }
    if name == "meta" {
        meta(st, tag);
    }
    // SVG animation that sets a link or an image's address: `<set attributeName="href"
    // to="https://…">`, `<animate attributeName="xlink:href" values="a;b">`.
    if matches!(name, "set" | "animate")
        && attr(tag, "attributename")
            .map(|a| a.trim().to_ascii_lowercase())
            .is_some_and(|a| a == "href" || a == "xlink:href" || a == "src")
    {
        for key in ["to", "from", "by"] {
            if let Some(v) = attr(tag, key) {
                push(st, v, RemoteKind::Other);
            }
        }
        if let Some(values) = attr(tag, "values") {
            for v in values.split(';') {
                push(st, v, RemoteKind::Other);
            }
        }
    }
    // Plugin parameters that name what the plugin loads.
    if name == "param"
        && let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value"))
        && matches!(
            n.to_ascii_lowercase().as_str(),
            "movie" | "src" | "url" | "filename" | "data" | "code" | "codebase"
        )
    {
        push(st, v, RemoteKind::Object);
    }
}

/// A document inside a `data:` URL that a frame or object shows (`data:text/html,…`,
/// `data:image/svg+xml;base64,…`): a browser loads what it references, so its references are
/// the message's too.
fn data_document(st: &mut State, value: &str) {
    if st.srcdoc_level >= MAX_SRCDOC_DEPTH {
        return;
    }
    let Some(document) = data_url_document(value) else {
        return;
    };
    let inner = scan_nested(&document, st.srcdoc_level + 1);
    for (u, k) in inner.refs {
        push(st, &u, k);
    }
}

/// The text of a `data:` URL whose type is HTML, XHTML or SVG (percent- or base64-encoded).
fn data_url_document(value: &str) -> Option<String> {
    let rest = value.trim();
    let rest = rest
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("data:"))
        .map(|_| &rest[5..])?;
    let (meta, data) = rest.split_once(',')?;
    let meta = meta.to_ascii_lowercase();
    let ty = meta.split(';').next().unwrap_or("").trim();
    if !matches!(
        ty,
        "text/html" | "application/xhtml+xml" | "image/svg+xml" | "text/xml"
    ) {
        return None;
    }
    let bytes: Vec<u8> = percent_decode(data);
    let bytes = if meta.split(';').any(|p| p.trim() == "base64") {
        use base64::Engine;
        let clean: Vec<u8> = bytes
            .into_iter()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(&clean)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&clean))
            .ok()?
    } else {
        bytes
    };
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn href_attr(st: &mut State, tag: &Tag, name: &str, value: &str) {
    use RemoteKind::*;
    match name {
        // Links the reader may follow are not fetched by rendering, only listed.
        "a" | "area" => {
            if st.scan.anchors.len() < MAX_RAW_REFS && !value.trim().is_empty() {
                st.scan.anchors.push(value.trim().to_owned());
            }
        }
        "base" => {
            if st.scan.base.is_none() {
                st.scan.base = Some(value.trim().to_owned());
            }
            push(st, value, Other);
        }
        "link" => {
            let rel = attr(tag, "rel").unwrap_or("").to_ascii_lowercase();
            let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
            let kind = if rels.contains(&"stylesheet") {
                Stylesheet
            } else if rels.iter().any(|r| {
                matches!(
                    *r,
                    "prefetch"
                        | "preload"
                        | "preconnect"
                        | "dns-prefetch"
                        | "prerender"
                        | "modulepreload"
                        | "next"
                        | "subresource"
                )
            }) {
                Prefetch
            } else if rels.iter().any(|r| r.contains("icon")) {
                Image
            } else {
                Other
            };
            push(st, value, kind);
        }
        "image" | "feimage" | "img" => push(st, value, Image),
        // SVG <use>, <pattern>, gradients, <script>, ...: only fragment links stay local,
        // and those resolve to nothing remote below.
        _ => push(st, value, Other),
    }
}

fn meta(st: &mut State, tag: &Tag) {
    let equiv = attr(tag, "http-equiv")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let content = attr(tag, "content").unwrap_or("");
    match equiv.as_str() {
        "refresh" => {
            let after = content
                .split_once([';', ','])
                .map_or("", |(_, r)| r)
                .trim_start();
            let lower = after.to_ascii_lowercase();
            let target = if lower.starts_with("url") {
                after[3..]
                    .trim_start()
                    .strip_prefix('=')
                    .unwrap_or(&after[3..])
            } else {
                after
            };
            let target = target.trim().trim_matches(['\'', '"']);
            push(st, target, RemoteKind::Refresh);
        }
        "link" => {
            for part in content.split(',') {
                if let Some((u, rest)) = part
                    .trim()
                    .strip_prefix('<')
                    .and_then(|p| p.split_once('>'))
                {
                    let kind = if rest.to_ascii_lowercase().contains("stylesheet") {
                        RemoteKind::Stylesheet
                    } else {
                        RemoteKind::Other
                    };
                    push(st, u, kind);
                }
            }
        }
        _ => {}
    }
}

/// The URLs of a `srcset` (HTML §4.8.4.3.10: URL, then descriptors up to a top-level comma).
fn srcset_urls(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut url = &value[start..i];
        let trailing_comma = url.ends_with(',');
        url = url.trim_end_matches(',');
        if !url.is_empty() {
            out.push(url);
        }
        if !trailing_comma {
            // Skip descriptors up to a comma outside parentheses.
            let mut parens = 0i32;
            while i < b.len() {
                match b[i] {
                    b'(' => parens += 1,
                    b')' => parens -= 1,
                    b',' if parens <= 0 => break,
                    _ => {}
                }
                i += 1;
            }
        }
    }
    out
}

/// Scans one HTML document.
pub fn scan_html(html: &str) -> HtmlScan {
    scan_nested(html, 0)
}

/// The document as HTML again without the text its own formatting hides (see [`hides`]) and
/// without what is never displayed (script, style, head, comments), for quoting: a reply must
/// not carry text the reader did not see. Only the attributes text conversion uses are kept,
/// so no reference to anything remote survives. When the token stream and a browser's tree
/// disagree on where a hidden element ends, more is dropped, never less.
pub fn visible_html(html: &str) -> String {
    let sink = Sink(RefCell::new(State {
        // srcdoc documents are not displayed as text: not followed here.
        srcdoc_level: MAX_SRCDOC_DEPTH,
        visible: Some(String::with_capacity(html.len())),
        ..State::default()
    }));
    run_tokenizer(html, sink)
        .0
        .into_inner()
        .visible
        .unwrap_or_default()
}

/// Attributes that text conversion reads; everything else is left out of [`visible_html`].
const KEPT_ATTRIBUTES: [&str; 5] = ["href", "alt", "colspan", "rowspan", "start"];

fn write_tag(out: &mut Option<String>, tag: &Tag) {
    let Some(out) = out else { return };
    let name: &str = &tag.name;
    // An odd name could break out of the tag when written back; its text is still kept.
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return;
    }
    if tag.kind == EndTag {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
        return;
    }
    out.push('<');
    out.push_str(name);
    if name == "img"
        && tag
            .attrs
            .iter()
            .any(|a| &*a.name.local == "src" && !a.value.is_empty())
    {
        // Conversion shows an image's alt text only when it has a non-empty source, as the
        // reader's view does; never the real one.
        out.push_str(" src=\"about:blank\"");
    }
    for a in &tag.attrs {
        let key: &str = &a.name.local;
        if KEPT_ATTRIBUTES.contains(&key) {
            out.push(' ');
            out.push_str(key);
            out.push_str("=\"");
            escape_into(out, &a.value);
            out.push('"');
        }
    }
    out.push_str(if tag.self_closing { "/>" } else { ">" });
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

fn scan_nested(html: &str, level: u8) -> HtmlScan {
    let sink = Sink(RefCell::new(State {
        srcdoc_level: level,
        ..State::default()
    }));
    run_tokenizer(html, sink).0.into_inner().scan
}

/// Runs html5ever's tokenizer over `html` into `sink` and returns the sink. Our sinks never
/// ask to pause for a script, so one `feed` consumes the whole input.
pub(crate) fn run_tokenizer<S: TokenSink>(html: &str, sink: S) -> S {
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink
}

/// Is this the local scheme of an inline part or inline data?
fn is_local_scheme(url: &Url) -> bool {
    matches!(
        url.scheme(),
        "data" | "cid" | "mid" | "about" | "javascript" | "vbscript" | "blob"
    )
}

impl HtmlScan {
    /// The document's shape, for [`crate::html::to_text`].
    pub fn shape(&self) -> crate::html::Shape {
        crate::html::Shape {
            depth: self.max_depth,
            elements: self.elements,
        }
    }
}

/// The document's `<base>` as a URL, if it is a usable one.
pub fn base_url(scan: &HtmlScan) -> Option<Url> {
    let base = scan.base.as_deref().and_then(|b| parse_href(b, None).ok());
    base.filter(|b| !is_local_scheme(b) && b.has_host())
}

/// Resolves raw references against the document's base and keeps those a browser would fetch
/// over a network: absolute, network-path (`//host`, `\\host`), and relative ones when a
/// `<base>` makes them remote. `cid:`, `data:` and relative references without a base are
/// local. Each says whether it is a tracker: an unseen image (see [`HtmlScan::trackers`]),
/// a ping, or an address only open-tracking uses ([`tracking_address`]).
pub fn resolve(scan: &HtmlScan) -> Vec<(Url, RemoteKind, bool)> {
    let base = base_url(scan);
    scan.refs
        .iter()
        .filter_map(|(raw, kind)| {
            // A fragment-only reference is the same document, whatever the base says.
            if raw.trim_start().starts_with('#') {
                return None;
            }
            let url = parse_href(raw, base.as_ref()).ok()?;
            let tracker = *kind == RemoteKind::Ping
                || (*kind == RemoteKind::Image
                    && (scan.trackers.contains(raw.trim()) || tracking_address(&url)));
            (!is_local_scheme(&url)).then_some((url, *kind, tracker))
        })
        .collect()
}

/// An image address that open-tracking services use and nothing else: a web-analytics host,
/// or a path named for an open, a pixel or a beacon (`/wf/open`, `/track/open.php`,
/// `/pixel.gif`, `/e/o/…`). Content images are never named so; a miss only leaves a tracker
/// counted as an image (still blocked).
pub fn tracking_address(url: &Url) -> bool {
    const HOSTS: [&str; 6] = [
        "google-analytics.com",
        "doubleclick.net",
        "mixpanel.com",
        "pixel.wp.com",
        "sli.bounceexchange.com",
        "trk.klclick.com",
    ];
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    {
        return true;
    }
    let path = url.path().to_ascii_lowercase();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let named = |s: &str| {
        let stem = s.split('.').next().unwrap_or(s);
        matches!(
            stem,
            "open" | "opened" | "pixel" | "beacon" | "tracking-pixel" | "trackopen" | "openrate"
        )
    };
    segments.iter().any(|s| named(s))
        || path.contains("/track/open")
        || path.contains("/wf/open")
        || segments.windows(2).any(|w| w == ["e", "o"])
}

#[cfg(test)]
mod tests;
