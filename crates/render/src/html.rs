//! HTML to text, with the links the reader can see.
//!
//! The normal path is html2text's rich renderer (tables flattened, images without alt text
//! dropped): each visible link becomes its text followed by ` [N]`. Documents nested deeper
//! than [`MAX_HTML_DEPTH`], or with more than [`MAX_TREE_ELEMENTS`] elements, take an
//! iterative fallback that keeps the text and drops layout, so no input can exhaust the stack
//! (or the memory: html2text's tree takes some kilobytes an element).

use html2text::render::RichAnnotation;
use html5ever::tokenizer::{
    CharacterTokens, EndTag, StartTag, TagToken, Token, TokenSink, TokenSinkResult,
};
use std::cell::RefCell;

/// Deeper documents are converted without layout.
pub const MAX_HTML_DEPTH: usize = 400;
/// Documents with more elements are converted without layout (a real newsletter has a few
/// thousand; 330,000 took 1 GB and 1.4 s as a tree).
pub const MAX_TREE_ELEMENTS: usize = 50_000;

/// What a scan found of a document's shape, which decides how it is converted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    /// Estimated element nesting depth.
    pub depth: usize,
    /// Start tags.
    pub elements: usize,
}
/// Line width handed to html2text: wide, so paragraphs stay whole and the viewer wraps them.
const WIDTH: usize = 1000;

/// Text converted from HTML and the links in it, in order; link N is marked ` [N]` in `text`.
#[derive(Debug, Default)]
pub struct Converted {
    pub text: String,
    pub links: Vec<(String, String)>,
    /// The fallback converter was used.
    pub flattened: bool,
}

/// Around each link marker the converter writes, so the marker can be told from message text
/// that looks the same (`[2]`, `[2 → bank.example]`): private-use characters that the message's
/// own text is cleared of first ([`without_mark_chars`]). They are taken out again, and the
/// markers' places recorded, once the body is whole (`SafeMessage::link_markers`).
pub const MARK_OPEN: char = '\u{E000}';
pub const MARK_CLOSE: char = '\u{E001}';

/// The marker after link `n`'s text: ` [n]`, delimited.
fn marker(n: usize) -> String {
    format!(" {MARK_OPEN}[{n}]{MARK_CLOSE}")
}

/// `text` without the characters that delimit markers (the message cannot write markers).
pub fn without_mark_chars(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([MARK_OPEN, MARK_CLOSE]) {
        std::borrow::Cow::Owned(text.replace([MARK_OPEN, MARK_CLOSE], ""))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Converts HTML of the given shape (from a scan of this very text). `first_marker` is the
/// number the first link gets (links from earlier parts come before); `None` leaves the
/// markers out of the text (for a quote, which does not carry the link list).
pub fn to_text(html: &str, shape: Shape, first_marker: Option<usize>) -> Converted {
    if shape.depth <= MAX_HTML_DEPTH && shape.elements <= MAX_TREE_ELEMENTS {
        let rich = std::panic::catch_unwind(|| {
            html2text::config::rich()
                .raw_mode(true)
                .lines_from_read(html.as_bytes(), WIDTH)
        });
        if let Ok(Ok(lines)) = rich {
            return from_rich_lines(lines, first_marker);
        }
    }
    flatten(html, first_marker)
}

fn from_rich_lines(
    lines: Vec<html2text::render::TaggedLine<Vec<RichAnnotation>>>,
    first_marker: Option<usize>,
) -> Converted {
    fn href_of(tags: &[RichAnnotation]) -> Option<&str> {
        tags.iter().find_map(|a| match a {
            RichAnnotation::Link(u) => Some(u.as_str()),
            _ => None,
        })
    }
    let mut out = Converted::default();
    let mut open: Option<(String, String)> = None; // (href, text so far)
    let close = |out: &mut Converted, open: &mut Option<(String, String)>| {
        if let Some((href, text)) = open.take() {
            out.links.push((text.trim().to_owned(), href));
            if let Some(first) = first_marker {
                out.text.push_str(&marker(first + out.links.len() - 1));
            }
        }
    };
    for (n, line) in lines.iter().enumerate() {
        let pieces: Vec<_> = line.tagged_strings().collect();
        if n > 0 {
            // A link wrapped onto this line stays one link; otherwise it ends with the line.
            let first_href = pieces.first().and_then(|p| href_of(&p.tag));
            if !matches!((&open, first_href), (Some((o, _)), Some(h)) if o == h) {
                close(&mut out, &mut open);
            }
            out.text.push('\n');
        }
        for (k, piece) in pieces.iter().enumerate() {
            let href = href_of(&piece.tag);
            let continues = matches!((&open, href), (Some((o, _)), Some(h)) if o == h);
            if !continues {
                close(&mut out, &mut open);
            }
            out.text.push_str(&piece.s);
            match (href, &mut open) {
                (Some(_), Some((_, text))) if continues => {
                    if k == 0 {
                        text.push(' ');
                    }
                    text.push_str(&piece.s);
                }
                (Some(h), _) => open = Some((h.to_owned(), piece.s.clone())),
                (None, _) => {}
            }
        }
    }
    close(&mut out, &mut open);
    out
}

/// Text without layout, from one tokenizer pass (for the search index).
pub fn to_plain(html: &str) -> String {
    flatten(html, None).text
}

/// Iterative tag-stripping conversion for documents too deep for a tree.
fn flatten(html: &str, first_marker: Option<usize>) -> Converted {
    let sink = FlatSink(RefCell::new(Flat {
        first_marker,
        ..Flat::default()
    }));
    let mut flat = crate::remote::run_tokenizer(html, sink).0.into_inner();
    flat.close_link();
    let mut text = String::with_capacity(flat.out.text.len());
    // Collapse the blank lines that empty block elements leave.
    let mut blank = 0;
    for line in flat.out.text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 || text.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        text.push_str(line);
        text.push('\n');
    }
    flat.out.text = text.trim_end().to_owned();
    flat.out.flattened = true;
    flat.out
}

#[derive(Default)]
struct Flat {
    out: Converted,
    skip: usize,
    link: Option<(String, String)>,
    first_marker: Option<usize>,
}

impl Flat {
    fn close_link(&mut self) {
        if let Some((href, text)) = self.link.take() {
            self.out.links.push((text.trim().to_owned(), href));
            if let Some(first) = self.first_marker {
                let n = first + self.out.links.len() - 1;
                self.out.text.push_str(&marker(n));
            }
        }
    }
}

struct FlatSink(RefCell<Flat>);

impl TokenSink for FlatSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut f = self.0.borrow_mut();
        match token {
            TagToken(tag) => {
                let name: &str = &tag.name;
                let hidden = matches!(name, "script" | "style" | "head" | "title" | "template");
                if hidden {
                    if tag.kind == StartTag {
                        f.skip += 1;
                    } else {
                        f.skip = f.skip.saturating_sub(1);
                    }
                    return TokenSinkResult::Continue;
                }
                if name == "a" {
                    f.close_link();
                    if tag.kind == StartTag
                        && let Some(a) = tag.attrs.iter().find(|a| &*a.name.local == "href")
                    {
                        f.link = Some((a.value.to_string(), String::new()));
                    }
                }
                let block = matches!(
                    name,
                    "p" | "div"
                        | "br"
                        | "tr"
                        | "li"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "table"
                        | "blockquote"
                        | "pre"
                        | "hr"
                        | "ul"
                        | "ol"
                        | "section"
                        | "article"
                        | "header"
                        | "footer"
                );
                if block && (name == "br" || tag.kind == EndTag || name == "p" || name == "div") {
                    f.out.text.push('\n');
                }
            }
            CharacterTokens(text) if f.skip == 0 => {
                let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let lead =
                    text.starts_with(char::is_whitespace) && !f.out.text.ends_with([' ', '\n']);
                let trail = text.ends_with(char::is_whitespace) && !collapsed.is_empty();
                let piece = format!(
                    "{}{}{}",
                    if lead { " " } else { "" },
                    collapsed,
                    if trail { " " } else { "" }
                );
                if let Some((_, t)) = &mut f.link {
                    t.push_str(&piece);
                }
                f.out.text.push_str(&piece);
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_get_markers() {
        let c = to_text(
            r#"<p>Hello <a href="https://x.example/">click here</a> now</p><p><a href="mailto:a@b.example">mail</a></p>"#,
            Shape {
                depth: 2,
                elements: 4,
            },
            Some(1),
        );
        assert_eq!(
            c.links,
            [
                ("click here".to_owned(), "https://x.example/".to_owned()),
                ("mail".to_owned(), "mailto:a@b.example".to_owned())
            ]
        );
        assert!(
            c.text.contains("click here \u{E000}[1]\u{E001} now"),
            "{}",
            c.text
        );
        assert!(c.text.contains("mail \u{E000}[2]\u{E001}"), "{}", c.text);
    }

    #[test]
    fn deep_documents_are_flattened() {
        let html = format!(
            "{}deep <a href='https://x.example/'>text</a>{}",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        let c = to_text(
            &html,
            Shape {
                depth: 5000,
                elements: 5001,
            },
            Some(1),
        );
        assert!(c.flattened);
        assert_eq!(c.text, "deep text \u{E000}[1]\u{E001}");
        assert_eq!(c.links.len(), 1);
    }

    #[test]
    fn documents_with_very_many_elements_are_flattened() {
        let html = "<p>a <i>b</i> <a href='https://x.example/'>c</a></p>";
        let many = Shape {
            depth: 3,
            elements: MAX_TREE_ELEMENTS + 1,
        };
        let c = to_text(html, many, Some(1));
        assert!(c.flattened);
        assert_eq!(c.links.len(), 1);
        let few = Shape {
            depth: 3,
            elements: 3,
        };
        assert!(!to_text(html, few, Some(1)).flattened);
    }
}
