//! Display-safe text.
//!
//! Every string that reaches a person — subject, names, filenames, folder names, body — goes
//! through [`SafeLine::new`] or [`SafeText::new`] first. The constructors are the only way to
//! build these types, so "this string was sanitized" is a fact the compiler checks.
//!
//! What is removed or replaced (safety-rules §2.6):
//! - terminal escape sequences (ESC / CSI / OSC, 7-bit and 8-bit forms) are removed whole;
//! - other C0 controls and DEL become visible control pictures (`␀`, `␇`, …), C1 controls `�`;
//! - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and bidi marks
//!   are removed, leaving the characters in their real (logical) order;
//! - zero-width and other invisible format characters are removed;
//! - runs of more than [`MAX_COMBINING`] combining marks are cut (stacked "zalgo" text);
//! - in a [`SafeLine`], every kind of line break becomes a space, so one value is one line.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Longest run of combining marks kept on one base character.
pub const MAX_COMBINING: usize = 8;

/// What sanitizing found in a string. Callers turn these into warnings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Findings {
    /// C0/C1 controls, DEL or escape sequences.
    pub control: bool,
    /// Bidi embeddings, overrides or isolates.
    pub bidi: bool,
    /// Zero-width or other invisible format characters (including bidi marks).
    pub invisible: bool,
    /// A line break inside what must be one line.
    pub line_break: bool,
    /// The value was cut to its length limit.
    pub truncated: bool,
}

impl Findings {
    /// True when anything at all was changed.
    pub fn any(&self) -> bool {
        self.control || self.bidi || self.invisible || self.line_break || self.truncated
    }
}

/// One line of display-safe text: no controls, no bidi overrides, no invisible characters, no
/// line breaks, bounded length.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, PartialOrd, Ord)]
#[serde(transparent)]
pub struct SafeLine(String);

/// Display-safe text that may span lines (`\n`) and contain tabs; nothing else invisible.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct SafeText(String);

impl SafeLine {
    /// Sanitizes `raw` into one line of at most `max_chars` characters (an ellipsis marks a cut).
    pub fn new(raw: &str, max_chars: usize) -> Self {
        Self::with_findings(raw, max_chars).0
    }

    /// Like [`SafeLine::new`], also reporting what was found.
    pub fn with_findings(raw: &str, max_chars: usize) -> (Self, Findings) {
        let mut findings = Findings::default();
        let mut out = String::with_capacity(raw.len().min(max_chars.saturating_mul(4)));
        sanitize_into(raw, Mode::Line, max_chars, &mut out, &mut findings);
        // Collapse the spaces that line breaks became at the ends.
        let trimmed = out.trim();
        if trimmed.len() != out.len() {
            out = trimmed.to_owned();
        }
        (SafeLine(out), findings)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl SafeText {
    /// Sanitizes `raw`, keeping line breaks (normalised to `\n`) and tabs, cut at `max_bytes`.
    pub fn new(raw: &str, max_bytes: usize) -> Self {
        Self::with_findings(raw, max_bytes).0
    }

    /// Like [`SafeText::new`], also reporting what was found.
    pub fn with_findings(raw: &str, max_bytes: usize) -> (Self, Findings) {
        let mut findings = Findings::default();
        let mut out = String::with_capacity(raw.len().min(max_bytes));
        sanitize_into(
            raw,
            Mode::Text { max_bytes },
            usize::MAX,
            &mut out,
            &mut findings,
        );
        (SafeText(out), findings)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Joins safe pieces; the result stays safe because every piece is.
    pub fn concat(parts: &[SafeText], separator: &str) -> SafeText {
        debug_assert!(separator.chars().all(|c| c == '\n' || !is_unsafe_char(c)));
        SafeText(
            parts
                .iter()
                .map(|p| p.0.as_str())
                .collect::<Vec<_>>()
                .join(separator),
        )
    }
}

/// Read back (from the cache) through the sanitizing constructor, so a stored value that was
/// tampered with is made safe again: the type's promise does not depend on the file.
impl<'de> Deserialize<'de> for SafeLine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(SafeLine::new(&s, MAX_STORED_CHARS))
    }
}

/// The longest one-line value read back from storage.
const MAX_STORED_CHARS: usize = 4096;

impl fmt::Display for SafeLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for SafeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Line,
    Text { max_bytes: usize },
}

/// Characters that never reach output as themselves.
fn is_unsafe_char(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible(c) || is_line_separator(c)
}

/// Bidi embeddings, overrides and isolates: these reorder what follows them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Invisible format characters: zero-width, bidi marks, fillers, tags, variation selectors.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}'
        | '\u{206A}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}')
}

fn is_combining(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}' | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Length of an escape sequence starting at `s[0]` (ESC or 8-bit CSI/OSC), bounded so a stray
/// ESC cannot swallow a whole message. Returns the number of chars to drop.
fn escape_sequence_len(s: &[char]) -> usize {
    const MAX_SEQ: usize = 256;
    let (intro, rest_start) = match s {
        ['\u{1B}', '[', ..] | ['\u{9B}', ..] => ('[', if s[0] == '\u{9B}' { 1 } else { 2 }),
        ['\u{1B}', ']', ..] | ['\u{9D}', ..] => (']', if s[0] == '\u{9D}' { 1 } else { 2 }),
        ['\u{1B}', 'P' | 'X' | '^' | '_', ..] => (']', 2),
        ['\u{90}' | '\u{98}' | '\u{9E}' | '\u{9F}', ..] => (']', 1),
        ['\u{1B}', c, ..] if (' '..='~').contains(c) => return 2,
        _ => return 1,
    };
    let limit = s.len().min(MAX_SEQ);
    let mut i = rest_start;
    if intro == '[' {
        // CSI: parameter and intermediate bytes, then one final byte.
        while i < limit {
            match s[i] {
                '\u{30}'..='\u{3F}' | '\u{20}'..='\u{2F}' => i += 1,
                '\u{40}'..='\u{7E}' => return i + 1,
                _ => return i,
            }
        }
        i.min(limit)
    } else {
        // OSC / DCS / PM / APC: a string ended by BEL or ST (ESC \ or 0x9C).
        while i < limit {
            match s[i] {
                '\u{07}' | '\u{9C}' => return i + 1,
                '\u{1B}' if s.get(i + 1) == Some(&'\\') => return i + 2,
                '\u{1B}' => return i,
                _ => i += 1,
            }
        }
        // Unterminated within the bound: drop only the introducer.
        rest_start
    }
}

fn sanitize_into(raw: &str, mode: Mode, max_chars: usize, out: &mut String, f: &mut Findings) {
    let max_bytes = match mode {
        Mode::Text { max_bytes } => max_bytes,
        Mode::Line => usize::MAX,
    };
    let chars: Vec<char> = raw.chars().collect();
    let mut i = 0;
    let mut count = 0usize;
    let mut combining_run = 0usize;
    let mut last_space = false;
    while i < chars.len() {
        if count >= max_chars || out.len() >= max_bytes {
            f.truncated = true;
            out.push('…');
            return;
        }
        let c = chars[i];
        i += 1;
        let line_break = |out: &mut String, f: &mut Findings, last_space: &mut bool| match mode {
            Mode::Line => {
                f.line_break = true;
                if !*last_space {
                    out.push(' ');
                    *last_space = true;
                }
            }
            Mode::Text { .. } => {
                out.push('\n');
                *last_space = false;
            }
        };
        match c {
            '\n' => line_break(out, f, &mut last_space),
            '\r' => {
                if chars.get(i) == Some(&'\n') {
                    i += 1;
                }
                line_break(out, f, &mut last_space);
            }
            '\t' => {
                out.push(if mode == Mode::Line { ' ' } else { '\t' });
                last_space = true;
            }
            '\u{0B}' | '\u{0C}' => line_break(out, f, &mut last_space),
            c if is_line_separator(c) => line_break(out, f, &mut last_space),
            '\u{1B}' | '\u{9B}' | '\u{9D}' | '\u{90}' | '\u{98}' | '\u{9E}' | '\u{9F}' => {
                f.control = true;
                i += escape_sequence_len(&chars[i - 1..]) - 1;
            }
            '\u{00}'..='\u{1F}' => {
                f.control = true;
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'));
                last_space = false;
            }
            '\u{7F}' => {
                f.control = true;
                out.push('\u{2421}');
                last_space = false;
            }
            '\u{80}'..='\u{9F}' => {
                f.control = true;
                out.push('\u{FFFD}');
                last_space = false;
            }
            c if is_bidi_control(c) => f.bidi = true,
            c if is_invisible(c) => f.invisible = true,
            c if is_combining(c) => {
                combining_run += 1;
                if combining_run <= MAX_COMBINING {
                    out.push(c);
                } else {
                    f.invisible = true;
                }
                continue; // combining marks do not count as characters of their own
            }
            c => {
                out.push(c);
                last_space = c == ' ';
            }
        }
        combining_run = 0;
        count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_removes_breaks_controls_and_bidi() {
        let (s, f) = SafeLine::with_findings("a\r\nb\u{202E}c\u{200B}d\u{1B}[31me\u{7}", 100);
        assert_eq!(s.as_str(), "a bcde␇");
        assert!(f.control && f.bidi && f.invisible && f.line_break);
    }

    #[test]
    fn osc_and_c1_csi_are_removed_whole() {
        let s = SafeLine::new("x\u{1B}]0;title\u{7}y\u{9B}2Jz", 100);
        assert_eq!(s.as_str(), "xyz");
    }

    #[test]
    fn unterminated_osc_drops_only_the_introducer() {
        let s = SafeLine::new("a\u{1B}]never ends", 100);
        assert_eq!(s.as_str(), "anever ends");
    }

    #[test]
    fn text_normalises_line_ends_and_keeps_tabs() {
        let s = SafeText::new("a\r\nb\rc\u{2028}d\te", 100);
        assert_eq!(s.as_str(), "a\nb\nc\nd\te");
    }

    #[test]
    fn zalgo_is_cut() {
        let zalgo = format!("a{}", "\u{0301}".repeat(50));
        let s = SafeLine::new(&zalgo, 100);
        assert_eq!(s.as_str().chars().count(), 1 + MAX_COMBINING);
    }

    #[test]
    fn line_is_bounded() {
        let (s, f) = SafeLine::with_findings(&"x".repeat(10_000), 50);
        assert_eq!(s.as_str().chars().count(), 51);
        assert!(f.truncated);
    }
}
