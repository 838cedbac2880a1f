//! A message as the search index reads it: its structure and text, without the contents of
//! the parts that hold no text.
//!
//! mail-parser decodes every part it is given. For the index that is wasted work on
//! attachments — base64 images, documents, archives, most of a large message's bytes — whose
//! contents the index never reads. Here the MIME structure is followed by its delimiter lines
//! alone (found with `memmem`, at memory speed), and a leaf part that is not text, a message or
//! a multipart keeps its header but loses its contents: mail-parser still sees every part
//! (so attachments are still counted) and decodes only the text.
//!
//! Never used for display: a message is shown from its own bytes. When the structure is not
//! what this follows (no delimiters where the header says, deeper than [`MAX_DEPTH`]), the
//! message is left whole.

use mail_parser::{MessageParser, MimeHeaders};
use memchr::memmem;

/// Multiparts nested deeper than this are left whole.
const MAX_DEPTH: usize = 8;

/// `raw` without the contents of its non-text parts, or `None` when nothing would be left out.
pub(crate) fn text_parts(raw: &[u8]) -> Option<Vec<u8>> {
    // Most mail is one text part: nothing to copy.
    let header = &raw[..header_end(raw)?];
    let parsed = MessageParser::default().parse_headers(header)?;
    if parsed
        .root_part()
        .content_type()
        .is_none_or(|ct| ct.ctype().eq_ignore_ascii_case("text"))
    {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len().min(256 << 10));
    let left_out = entity(raw, &mut out, 0)?;
    (left_out > 0).then_some(out)
}

/// Where the header of the entity at the start of `raw` ends (after its blank line).
fn header_end(raw: &[u8]) -> Option<usize> {
    if raw.starts_with(b"\r\n") {
        return Some(2);
    }
    if raw.starts_with(b"\n") {
        return Some(1);
    }
    // The first blank line, CRLF or LF, searching for the second only as far as the first.
    let crlf = memmem::find(raw, b"\r\n\r\n");
    let lf = memmem::find(&raw[..crlf.map_or(raw.len(), |i| i + 2)], b"\n\n");
    match (crlf, lf) {
        (_, Some(i)) => Some(i + 2),
        (Some(i), None) => Some(i + 4),
        (None, None) => None,
    }
}

/// Copies the entity (header and body) at `raw` to `out`, leaving out the contents of its
/// non-text parts; returns how many bytes were left out, or `None` if the entity is not
/// followed (the caller keeps it whole).
fn entity(raw: &[u8], out: &mut Vec<u8>, depth: usize) -> Option<usize> {
    let body_at = header_end(raw)?;
    let (header, body) = raw.split_at(body_at);
    let parsed = MessageParser::default().parse_headers(header)?;
    let content_type = parsed.root_part().content_type();
    let kind = content_type.map(|ct| ct.ctype().to_ascii_lowercase());
    match kind.as_deref() {
        // No Content-Type: text/plain (or, in a digest, a message): kept.
        None | Some("text") => {
            out.extend_from_slice(raw);
            Some(0)
        }
        Some("multipart") => {
            let boundary = content_type.and_then(|ct| ct.attribute("boundary"))?;
            if depth >= MAX_DEPTH || boundary.is_empty() {
                return None;
            }
            out.extend_from_slice(header);
            Some(multipart(body, boundary.as_bytes(), out, depth))
        }
        Some("message") => {
            out.extend_from_slice(header);
            let start = out.len();
            match entity(body, out, depth + 1) {
                Some(left_out) => Some(left_out),
                None => {
                    out.truncate(start);
                    out.extend_from_slice(body);
                    Some(0)
                }
            }
        }
        // An image, a document, an archive: the header stays, the body is empty.
        Some(_) => {
            out.extend_from_slice(header);
            Some(body.len())
        }
    }
}

/// Copies a multipart body: its preamble, each part (through [`entity`]; kept whole when not
/// followed), each delimiter line and the epilogue.
fn multipart(body: &[u8], boundary: &[u8], out: &mut Vec<u8>, depth: usize) -> usize {
    // Delimiter lines begin with "--" and the boundary at the start of a line (RFC 2046 5.1.1).
    let mut pattern = b"\n--".to_vec();
    pattern.extend_from_slice(boundary);
    let mut starts: Vec<usize> = Vec::new();
    if body.starts_with(&pattern[1..]) {
        starts.push(0);
    }
    starts.extend(memmem::find_iter(body, &pattern).map(|i| i + 1));
    let Some(&first) = starts.first() else {
        out.extend_from_slice(body);
        return 0;
    };
    out.extend_from_slice(&body[..first]);
    let mut left_out = 0;
    for (k, &start) in starts.iter().enumerate() {
        let after = start + pattern.len() - 1;
        let line_end = memchr::memchr(b'\n', &body[after..]).map_or(body.len(), |e| after + e + 1);
        out.extend_from_slice(&body[start..line_end]);
        if body[after..].starts_with(b"--") {
            // The close delimiter: the epilogue follows, kept as it is.
            out.extend_from_slice(&body[line_end..]);
            return left_out;
        }
        // The part runs to the line end before the next delimiter (or, cut short, to the end).
        let end = starts.get(k + 1).map_or(body.len(), |&next| next);
        let (part, line_break) = split_line_break(&body[line_end..end.max(line_end)]);
        let mark = out.len();
        match entity(part, out, depth + 1) {
            Some(n) => left_out += n,
            None => {
                out.truncate(mark);
                out.extend_from_slice(part);
            }
        }
        out.extend_from_slice(line_break);
    }
    left_out
}

/// A part's bytes and the line break before the next delimiter, which belongs to the
/// delimiter.
fn split_line_break(part: &[u8]) -> (&[u8], &[u8]) {
    let cut = if part.ends_with(b"\r\n") {
        part.len() - 2
    } else if part.ends_with(b"\n") {
        part.len() - 1
    } else {
        part.len()
    };
    part.split_at(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &str = "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K";

    fn mixed(eol: &str) -> String {
        format!(
            "From: a@example.org\nSubject: Report\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n\
             preamble\n\
             --b1\nContent-Type: multipart/alternative; boundary=b2\n\n\
             --b2\nContent-Type: text/plain; charset=utf-8\n\nquarterly figures\n\
             --b2\nContent-Type: text/html\n\n<p>quarterly <b>figures</b></p>\n\
             --b2--\n\
             --b1\nContent-Type: application/pdf; name=r.pdf\nContent-Disposition: attachment; filename=r.pdf\nContent-Transfer-Encoding: base64\n\n{PDF}\n{PDF}\n\
             --b1\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n{PDF}\n\
             --b1\nContent-Type: text/plain\n\nafter the attachments\n\
             --b1--\nepilogue\n"
        )
        .replace('\n', eol)
    }

    #[test]
    fn attachments_lose_their_contents_and_nothing_else_changes() {
        for eol in ["\n", "\r\n"] {
            let raw = mixed(eol);
            let pruned = text_parts(raw.as_bytes()).unwrap();
            let pruned = String::from_utf8(pruned).unwrap();
            assert!(!pruned.contains(PDF), "{pruned}");
            // Exactly the attachments' contents went: every other byte is where it was.
            let kept = raw
                .replace(&format!("{PDF}{eol}{PDF}{eol}"), eol)
                .replace(&format!("{PDF}{eol}"), eol);
            assert_eq!(pruned, kept);
            // What the index reads of it is the same, attachments counted.
            let full = crate::search_text_of(raw.as_bytes(), &crate::Limits::default());
            let fast = crate::search_text(raw.as_bytes(), &crate::Limits::default());
            assert_eq!(full, fast);
            assert!(full.0.contains("quarterly") && full.0.contains("after the attachments"));
            assert!(full.1);
        }
    }

    #[test]
    fn what_is_not_followed_is_left_whole() {
        let text = "Subject: hi\r\n\r\nplain text\r\n";
        assert_eq!(text_parts(text.as_bytes()), None);
        // A boundary that never appears: nothing to leave out.
        let lost = "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--other\r\n\r\nx\r\n";
        assert_eq!(text_parts(lost.as_bytes()), None);
        // No header end at all.
        assert_eq!(text_parts(b"Subject: cut short"), None);
        // Cut short inside an attachment (the index reads a prefix): the part ends where the
        // bytes do.
        let raw = mixed("\r\n");
        let cut = &raw.as_bytes()[..raw.find(PDF).unwrap() + 10];
        let pruned = text_parts(cut).unwrap();
        assert!(pruned.ends_with(b"filename=r.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"));
        // Nested deeper than the limit: that multipart is kept whole.
        let mut deep = String::new();
        for d in 0..=MAX_DEPTH + 1 {
            deep.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=d{d}\r\n\r\n--d{d}\r\n"
            ));
        }
        deep.push_str("Content-Type: image/png\r\n\r\nAAAA\r\n");
        assert_eq!(text_parts(deep.as_bytes()), None);
    }

    /// Over the whole corpus (hostile structure included), what the index reads is the same
    /// with the attachments' contents left out as with the whole message.
    #[test]
    fn the_corpus_indexes_the_same_without_attachment_contents() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let limits = crate::Limits::default();
        let (mut checked, mut pruned, mut differ) = (0, 0, Vec::new());
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_none_or(|e| e != "eml") {
                    continue;
                }
                let raw = std::fs::read(&f).unwrap();
                if raw.len() > 512 << 10 {
                    continue; // the whole-message path reads only a prefix of these
                }
                checked += 1;
                pruned += usize::from(text_parts(&raw).is_some());
                if crate::search_text(&raw, &limits) != crate::search_text_of(&raw, &limits) {
                    differ.push(f.display().to_string());
                }
            }
        }
        assert!(
            checked > 200 && pruned > 10,
            "{checked} checked, {pruned} pruned"
        );
        assert!(differ.is_empty(), "indexed differently: {differ:#?}");
    }
}
