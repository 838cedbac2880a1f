//! An open message as the reading pane holds it: the text with each link's real host in its
//! marker (and where those markers are, for styling), how much of a long text is laid out, the
//! remote images' phase, and the way back from an attached message.

use crate::backend::{CannotLoad, Opened};
use iced::widget::{image, text_editor};
use quietpost_model::{LedgerState, RemoteKind, SafeMessage};
use std::ops::Range;

/// An open message and what the user did with it.
#[derive(Debug)]
pub struct Reading {
    pub opened: Opened,
    /// The body, selectable (a read-only editor: only motions and selection reach it).
    pub body: text_editor::Content,
    /// The whole text (with link hosts), and how many bytes of it the editor holds.
    text: String,
    shown: usize,
    /// Where the link markers are, for styling.
    pub(super) markers: MarkerLines,
    pub remote: Remote,
    /// Previews of its image attachments, by attachment: shown, or why not.
    pub previews: Vec<(usize, Result<image::Handle, String>)>,
    pub show_ledger: bool,
    /// For an attached message shown inside Quietpost: the reading of the message it came in.
    pub back: Option<Box<Reading>>,
}

/// A reading's remote images: not asked for, on their way, or here (possibly none).
#[derive(Debug, Clone, PartialEq)]
pub enum Remote {
    Idle,
    Loading,
    Loaded(Vec<image::Handle>),
}

/// How much of a body the pane lays out at first. The editor shapes and draws all it holds,
/// about a second per megabyte on the CPU renderer, so a huge (or hostile) message would
/// freeze the window; the rest comes on request.
pub const FIRST_TEXT: usize = 48 * 1024;

impl Reading {
    pub fn new(opened: Opened) -> Reading {
        let (text, markers) = annotate(opened.message.body.as_str(), &opened.message);
        let shown = if text.len() <= FIRST_TEXT {
            text.len()
        } else {
            // At a line end, else at a character boundary.
            let mut cut = FIRST_TEXT;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].rfind('\n').map_or(cut, |n| n + 1)
        };
        Reading {
            body: text_editor::Content::with_text(&text[..shown]),
            opened,
            text,
            shown,
            markers,
            remote: Remote::Idle,
            previews: Vec::new(),
            show_ledger: false,
            back: None,
        }
    }

    /// The part of the text not in the pane yet, in bytes.
    pub fn hidden_bytes(&self) -> usize {
        self.text.len() - self.shown
    }

    /// Puts the whole text in the pane (the person asked; it may take a moment).
    pub fn show_all(&mut self) {
        if self.hidden_bytes() > 0 {
            self.body = text_editor::Content::with_text(&self.text);
            self.shown = self.text.len();
        }
    }

    pub fn message(&self) -> &SafeMessage {
        &self.opened.message
    }

    /// Remote references still blocked (all of them until a load).
    pub fn blocked(&self) -> usize {
        self.opened
            .ledger
            .iter()
            .filter(|e| e.state == LedgerState::Blocked)
            .count()
    }

    /// Whether "Load through proxy" can do anything, or why not.
    pub fn can_load(&self) -> Result<(), &'static str> {
        // Images of the message itself still blocked (the ledger follows remote_content).
        let loadable = (self.message().remote_content.iter())
            .zip(&self.opened.ledger)
            .filter(|(r, e)| {
                r.kind == RemoteKind::Image && !r.tracker && e.state == LedgerState::Blocked
            });
        let (mut own, mut attached) = (0, 0);
        for (r, _) in loadable {
            if r.attached {
                attached += 1;
            } else {
                own += 1;
            }
        }
        match self.opened.cannot_load {
            Some(CannotLoad::Attached) => {
                Err("Nothing in an attached message is ever loaded: it is shown as text only.")
            }
            _ if own == 0 && attached > 0 => Err(
                "Its only images are in an attached message, which Quietpost shows without loading anything.",
            ),
            _ if own == 0 => Err("Only images ever load; nothing else here can."),
            Some(CannotLoad::Policy) => Err(
                "This account is set never to load remote content, even when you ask. Allow loading on request to load images through the account's proxy, one message at a time.",
            ),
            Some(CannotLoad::NoProxy) => Err(
                "No proxy is set for this account, and images never load directly (that would show the sender your IP address). Set a proxy such as Tor in the account's settings to load them.",
            ),
            None if self.remote == Remote::Loading => Err("Loading through your proxy…"),
            None => Ok(()),
        }
    }
}

/// The body with each link's real host in its marker — `[N → host]` — at the places the
/// renderer recorded (`link_markers`), never where the message's own text merely looks like a
/// marker; and where those markers are, line by line, so the pane can style them as message
/// text cannot be styled.
pub fn annotate(body: &str, message: &SafeMessage) -> (String, MarkerLines) {
    let mut out = String::with_capacity(body.len() + message.links.len() * 24);
    let mut lines: Vec<Vec<Marker>> = Vec::new();
    let mut from = 0;
    // Where the current line starts in `out`.
    let mut line_start = 0;
    let note =
        |out: &mut String, piece: &str, lines: &mut Vec<Vec<Marker>>, line_start: &mut usize| {
            for (i, _) in piece.match_indices('\n') {
                lines.push(Vec::new());
                *line_start = out.len() + i + 1;
            }
            out.push_str(piece);
        };
    lines.push(Vec::new());
    for m in &message.link_markers {
        let end = m.at + m.link.to_string().len() + 2;
        if m.at < from || end > body.len() || !body.is_char_boundary(m.at) {
            continue;
        }
        note(&mut out, &body[from..m.at], &mut lines, &mut line_start);
        let link = m.link.checked_sub(1).and_then(|i| message.links.get(i));
        let label = match link.map(|l| (&l.host, l.activatable)) {
            Some((Some(h), true)) => format!("[{} → {h}]", m.link),
            Some((Some(h), false)) => format!("[{} → {h}, cannot be opened]", m.link),
            _ => format!("[{} cannot be opened]", m.link),
        };
        let start = out.len() - line_start;
        out.push_str(&label);
        if let Some(current) = lines.last_mut() {
            current.push(Marker {
                range: start..start + label.len(),
                link: m
                    .link
                    .checked_sub(1)
                    .filter(|_| link.is_some_and(|l| l.activatable)),
            });
        }
        from = end;
    }
    note(
        &mut out,
        &body[from.min(body.len())..],
        &mut lines,
        &mut line_start,
    );
    plain_links(&out, message, &mut lines);
    (out, MarkerLines(std::sync::Arc::new(lines)))
}

/// Links written out in plain text (no marker: the address is the link) are clickable where
/// they stand: found in the text in the order the renderer found them, one forward pass.
fn plain_links(out: &str, message: &SafeMessage, lines: &mut [Vec<Marker>]) {
    let marked: std::collections::HashSet<usize> =
        message.link_markers.iter().map(|m| m.link).collect();
    let (mut from, mut line, mut line_start) = (0usize, 0usize, 0usize);
    for (i, l) in message.links.iter().enumerate() {
        let written = l.text.as_str();
        if marked.contains(&(i + 1)) || written.is_empty() || written.contains('\n') {
            continue;
        }
        let Some(found) = out[from..].find(written).map(|p| p + from) else {
            continue;
        };
        for (n, _) in out[from..found].match_indices('\n') {
            line += 1;
            line_start = from + n + 1;
        }
        let start = found - line_start;
        if let Some(markers) = lines.get_mut(line) {
            markers.push(Marker {
                range: start..start + written.len(),
                link: l.activatable.then_some(i),
            });
            markers.sort_by_key(|m| m.range.start);
        }
        from = found + written.len();
    }
}

/// A link marker in the pane's text: where it is in its line (bytes), and the link it opens
/// (`None`: one that cannot be opened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub range: Range<usize>,
    pub link: Option<usize>,
}

/// Where the renderer's link markers are in the pane's text, line by line.
#[derive(Debug, Clone, Default)]
pub struct MarkerLines(pub(super) std::sync::Arc<Vec<Vec<Marker>>>);

impl MarkerLines {
    /// The link whose marker is at `column` (a byte) of `line`, if it can be opened.
    pub fn link_at(&self, line: usize, column: usize) -> Option<usize> {
        self.0
            .get(line)?
            .iter()
            .find(|m| m.range.start <= column && column < m.range.end)?
            .link
    }
}

impl PartialEq for MarkerLines {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Styles the link markers of the pane's text (a highlighter over the read-only editor).
pub struct MarkerHighlighter {
    lines: MarkerLines,
    line: usize,
}

impl iced::advanced::text::Highlighter for MarkerHighlighter {
    type Settings = MarkerLines;
    type Highlight = ();
    type Iterator<'a> = std::vec::IntoIter<(Range<usize>, ())>;

    fn new(settings: &MarkerLines) -> Self {
        MarkerHighlighter {
            lines: settings.clone(),
            line: 0,
        }
    }

    fn update(&mut self, settings: &MarkerLines) {
        self.lines = settings.clone();
        self.line = 0;
    }

    fn change_line(&mut self, line: usize) {
        self.line = self.line.min(line);
    }

    fn highlight_line(&mut self, line: &str) -> Self::Iterator<'_> {
        let ranges: Vec<(Range<usize>, ())> = self
            .lines
            .0
            .get(self.line)
            .map(|r| {
                r.iter()
                    .filter(|m| m.range.end <= line.len())
                    .map(|m| (m.range.clone(), ()))
                    .collect()
            })
            .unwrap_or_default();
        self.line += 1;
        ranges.into_iter()
    }

    fn current_line(&self) -> usize {
        self.line
    }
}
