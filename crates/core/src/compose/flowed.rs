//! What the person wrote, sent as `format=flowed` (RFC 3676): each paragraph broken into lines
//! of at most [`WIDTH`] characters that end in a space (a soft break), so a plain-text reader
//! sees short lines and a flowed reader (Quietpost, Thunderbird, Apple Mail, …) joins them
//! back into paragraphs that fit its own width. Chosen over hard wrapping at 78 columns
//! because hard wrapping cannot be undone: a quoted paragraph would read ragged in every reply.
//!
//! Hard breaks stay where the person put them; quoted lines keep their depth (`>` marks, then
//! a space) and are wrapped with it; a line that would start with a space, `>` or "From " is
//! space-stuffed; the signature separator `-- ` is sent as it is. A word longer than a line is
//! never cut.

/// Longest line sent, marks and soft-break space included: 72 (as Thunderbird and Mutt),
/// under RFC 3676's 78, leaving room for the quote marks of a few replies.
pub const WIDTH: usize = 72;

/// `text` (lines separated by `\n`) as flowed lines separated by `\n`.
pub fn encode(text: &str) -> String {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line == "-- " {
            out.push(line.to_owned());
            continue;
        }
        // A space at the end would be read as a soft break: the person's line break is hard.
        let line = line.trim_end_matches(' ');
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let content = &line[depth..];
        let prefix = if depth > 0 {
            // The space after the marks is stuffing: a reader removes it.
            format!("{} ", ">".repeat(depth))
        } else if content.starts_with(' ') || content.starts_with("From ") {
            " ".to_owned()
        } else {
            String::new()
        };
        let content = if depth > 0 {
            content.strip_prefix(' ').unwrap_or(content)
        } else {
            content
        };
        if content.is_empty() {
            out.push(prefix.trim_end().to_owned());
            continue;
        }
        wrap(content, &prefix, &mut out);
    }
    out.join("\n")
}

/// One paragraph's lines: words kept whole, every line but the last ending in a space.
fn wrap(content: &str, prefix: &str, out: &mut Vec<String>) {
    let room = WIDTH.saturating_sub(prefix.chars().count()).max(20);
    let mut line = String::new();
    let mut width = 0;
    // Words with the spaces after them: joining them back gives the text unchanged.
    for word in content.split_inclusive(' ') {
        let w = word.chars().count();
        if width > 0 && width + w > room {
            out.push(format!("{prefix}{line}"));
            line.clear();
            width = 0;
        }
        line.push_str(word);
        width += w;
    }
    // The last line of the paragraph is a hard break: no trailing space.
    out.push(format!("{prefix}{}", line.trim_end_matches(' ')));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_become_soft_broken_lines_within_the_width() {
        let para = "word ".repeat(40);
        let sent = encode(para.trim_end());
        let lines: Vec<&str> = sent.split('\n').collect();
        assert!(lines.len() > 2);
        for l in &lines[..lines.len() - 1] {
            assert!(l.ends_with(' ') && l.chars().count() <= WIDTH, "{l:?}");
        }
        assert!(!lines.last().unwrap().ends_with(' '));
        assert_eq!(lines.concat(), para.trim_end());
    }

    #[test]
    fn hard_breaks_quotes_stuffing_and_the_signature() {
        let text = "Hello \nFrom here\n >indented\n\n> quoted line\n>> deeper\n>\n-- \nAlice";
        assert_eq!(
            encode(text),
            "Hello\n From here\n  >indented\n\n> quoted line\n>> deeper\n>\n-- \nAlice"
        );
        // A long quote is wrapped with its marks on every line.
        let long = format!("> {}", "quoted ".repeat(20));
        for l in encode(long.trim_end()).split('\n') {
            assert!(l.starts_with("> ") && l.chars().count() <= WIDTH, "{l:?}");
        }
    }

    #[test]
    fn a_long_word_is_never_cut() {
        let url = format!("https://example.org/{}", "a".repeat(100));
        let sent = encode(&format!("see {url} now"));
        assert!(sent.split('\n').any(|l| l.trim_end() == url), "{sent}");
    }
}
