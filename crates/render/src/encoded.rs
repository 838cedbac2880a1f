//! RFC 2047 encoded words and raw header bytes.

use mail_parser::decoders::charsets::map::charset_decoder;

/// Decodes raw header bytes: UTF-8 when valid, otherwise Latin-1 byte by byte (never lossy to
/// the point of hiding which bytes were there).
pub fn header_bytes_to_string(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => raw.iter().map(|&b| b as char).collect(),
    }
}

/// Unfolds a raw header value: CRLF (or bare LF / CR) followed by whitespace is removed.
pub fn unfold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if !chars.peek().is_some_and(|n| *n == ' ' || *n == '\t') {
                    // A bare line break that is not folding: keep it visible as a space.
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

/// True if `s` contains something shaped like an encoded word.
pub fn has_encoded_word(s: &str) -> bool {
    s.find("=?").is_some_and(|i| s[i + 2..].contains("?="))
}

/// Decodes one encoded word (`=?charset?B|Q?text?=`), or `None` if it is not one.
pub fn decode_word(word: &str) -> Option<String> {
    let inner = word.strip_prefix("=?")?.strip_suffix("?=")?;
    let mut parts = inner.splitn(3, '?');
    let charset = parts.next()?;
    let encoding = parts.next()?;
    let text = parts.next()?;
    let bytes = match encoding {
        "B" | "b" => base64(text.as_bytes()),
        "Q" | "q" => q_decode(text.as_bytes()),
        _ => return None,
    };
    // RFC 2231 language suffix: charset*lang.
    let charset = charset.split('*').next().unwrap_or(charset);
    Some(match charset_decoder(charset.as_bytes()) {
        Some(decode) => decode(&bytes),
        None => String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Decodes a phrase: encoded words are decoded; whitespace between two adjacent encoded words
/// is dropped (RFC 2047 §6.2); everything else is kept.
pub fn decode_phrase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_encoded = false;
    let mut pending_ws = String::new();
    for piece in split_keep_ws(s) {
        if piece.chars().all(char::is_whitespace) {
            pending_ws.push_str(piece);
            continue;
        }
        match decode_run(piece) {
            Some((decoded, starts_encoded, ends_encoded)) => {
                if !(last_encoded && starts_encoded) {
                    out.push_str(&pending_ws);
                }
                out.push_str(&decoded);
                last_encoded = ends_encoded;
            }
            None => {
                out.push_str(&pending_ws);
                out.push_str(piece);
                last_encoded = false;
            }
        }
        pending_ws.clear();
    }
    out
}

/// Decodes a whitespace-free run that may hold several encoded words back to back
/// (`=?a?b?c?==?a?b?d?=`) and plain text around them.
fn decode_run(run: &str) -> Option<(String, bool, bool)> {
    if !has_encoded_word(run) {
        return None;
    }
    let mut out = String::new();
    let mut rest = run;
    let mut starts = None;
    let mut ends = false;
    while !rest.is_empty() {
        match find_word(rest) {
            Some((start, end)) => {
                out.push_str(&rest[..start]);
                let decoded = decode_word(&rest[start..end])?;
                starts.get_or_insert(start == 0);
                out.push_str(&decoded);
                ends = end == rest.len();
                rest = &rest[end..];
            }
            None => {
                out.push_str(rest);
                ends = false;
                break;
            }
        }
    }
    Some((out, starts.unwrap_or(false), ends))
}

/// Finds the next encoded word: `=?` charset `?` enc `?` text `?=`.
fn find_word(s: &str) -> Option<(usize, usize)> {
    let start = s.find("=?")?;
    let after = &s[start + 2..];
    let q1 = after.find('?')?;
    let q2 = after[q1 + 1..].find('?')? + q1 + 1;
    let end = after[q2 + 1..].find("?=")? + q2 + 1;
    Some((start, start + 2 + end + 2))
}

fn split_keep_ws(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_ws = None;
    for (i, c) in s.char_indices() {
        let ws = c.is_whitespace();
        if in_ws.is_some_and(|w| w != ws) {
            out.push(&s[start..i]);
            start = i;
        }
        in_ws = Some(ws);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn q_decode(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < b.len() => {
                if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                out.push(b'=');
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Lenient base64: ignores characters outside the alphabet and stops at padding.
pub fn base64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_words_join() {
        assert_eq!(decode_phrase("=?utf-8?q?a?= =?utf-8?q?b?= c"), "ab c");
        assert_eq!(
            decode_phrase("=?utf-8?b?cG90dXM=?==?utf-8?Q?=0A=00?="),
            "potus\n\0"
        );
        assert_eq!(decode_phrase("plain =?iso-8859-1?q?caf=E9?="), "plain café");
    }

    #[test]
    fn unknown_charset_is_lossy_utf8() {
        assert_eq!(decode_word("=?x-unknown?q?abc?=").unwrap(), "abc");
    }
}
