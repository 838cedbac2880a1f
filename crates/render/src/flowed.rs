//! Plain text sent as `format=flowed` (RFC 3676), made back into paragraphs: the sender's
//! client broke each paragraph into ~72-character lines ending in a space; shown as sent, those
//! lines wrap a second time in a narrower pane and read ragged. Here the soft breaks are joined,
//! hard breaks stay, quotes keep their depth, and a signature separator stays a line of its own.

use std::borrow::Cow;

/// The text of a `text/plain` part with its `format` and `delsp` parameters: unflowed when it
/// is flowed, untouched (borrowed) otherwise.
pub fn unflow<'t>(text: &'t str, format: Option<&str>, delsp: Option<&str>) -> Cow<'t, str> {
    if !format.is_some_and(|f| f.trim().eq_ignore_ascii_case("flowed")) {
        return Cow::Borrowed(text);
    }
    let delsp = delsp.is_some_and(|d| d.trim().eq_ignore_ascii_case("yes"));
    let mut out = String::with_capacity(text.len());
    // The paragraph being joined: its quote depth.
    let mut open: Option<usize> = None;
    let mut lines = text.split('\n').peekable();
    while let Some(raw) = lines.next() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let mut content = &line[depth..];
        // Space-stuffing: one leading space was added by the sender; it is not text.
        content = content.strip_prefix(' ').unwrap_or(content);
        // The signature separator is never flowed, and starts its own line.
        let signature = content == "-- ";
        // A flowed line of another depth does not continue the paragraph (RFC 3676 §4.5).
        if let Some(d) = open
            && (d != depth || signature)
        {
            out.push('\n');
            open = None;
        }
        if open.is_none() && depth > 0 {
            out.push_str(&">".repeat(depth));
            if !content.is_empty() {
                out.push(' ');
            }
        }
        let flowed = content.ends_with(' ') && !signature;
        if flowed {
            out.push_str(if delsp {
                &content[..content.len() - 1]
            } else {
                content
            });
            open = Some(depth);
        } else {
            out.push_str(content);
            open = None;
            if lines.peek().is_some() {
                out.push('\n');
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flowed(t: &str) -> String {
        unflow(t, Some("flowed"), None).into_owned()
    }

    #[test]
    fn soft_breaks_join_and_hard_breaks_stay() {
        assert_eq!(
            flowed("The first line of a \r\nparagraph that goes \r\non.\r\nA new line.\r\n"),
            "The first line of a paragraph that goes on.\nA new line.\n"
        );
        assert_eq!(
            flowed("one \r\n\r\ntwo"),
            "one \ntwo",
            "an empty line ends it"
        );
    }

    #[test]
    fn quotes_keep_their_depth_and_stuffing_is_removed() {
        assert_eq!(
            flowed("> quoted and \r\n> joined\r\n>> deeper \r\n>> too\r\n From me\r\n"),
            "> quoted and joined\n>> deeper too\nFrom me\n"
        );
        // A flowed line followed by another depth ends its paragraph there.
        assert_eq!(flowed("> open \r\nnot quoted"), "> open \nnot quoted");
    }

    #[test]
    fn delsp_removes_the_space_and_the_signature_stays_apart() {
        assert_eq!(
            unflow("Zusammen \r\ngeschrieben", Some("Flowed"), Some("yes")),
            "Zusammengeschrieben"
        );
        assert_eq!(flowed("Bye \r\n-- \r\nAlice"), "Bye \n-- \nAlice");
    }

    #[test]
    fn a_flowed_message_reads_as_paragraphs_and_a_fixed_one_as_sent() {
        let message = |format: &str| {
            format!(
                "From: a@example.org\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8{format}\r\n\r\nA paragraph broken by the \r\nsender's client.\r\n"
            )
        };
        let options = crate::Options::default();
        let flowed = crate::render(message("; format=flowed").as_bytes(), &options);
        assert!(
            flowed
                .body
                .as_str()
                .contains("A paragraph broken by the sender's client."),
            "{:?}",
            flowed.body.as_str()
        );
        let fixed = crate::render(message("").as_bytes(), &options);
        assert!(
            fixed.body.as_str().contains("by the \nsender's"),
            "{:?}",
            fixed.body.as_str()
        );
    }

    #[test]
    fn fixed_text_is_left_as_it_is() {
        let t = "Line one \r\nline two";
        assert!(matches!(unflow(t, None, None), Cow::Borrowed(_)));
        assert!(matches!(unflow(t, Some("fixed"), None), Cow::Borrowed(_)));
    }
}
