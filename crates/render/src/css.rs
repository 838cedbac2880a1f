//! Finds the URLs a piece of CSS would fetch: `url()`, `@import`, `image-set()` and friends,
//! `@font-face` sources. It errs on the side of finding too much: comments are removed and
//! escapes decoded first, so `u\72 l(`, `\75rl(` and `@\69mport` are all seen.

use quietpost_model::RemoteKind;

/// Longest CSS scanned; beyond this the rest is ignored (the caller reports the limit).
pub const MAX_CSS_BYTES: usize = 4 << 20;

/// Calls `found(url, kind)` for every URL in `css`.
pub fn scan(css: &str, found: &mut dyn FnMut(&str, RemoteKind)) {
    let css = &css[..floor_char_boundary(css, MAX_CSS_BYTES)];
    let decoded = decode(css);
    // ASCII lower-casing keeps byte offsets identical.
    let lower = decoded.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut depth = 0usize;
    let mut font_face_depth: Option<usize> = None;
    let mut pending_font_face = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => {
                depth += 1;
                if pending_font_face {
                    font_face_depth = Some(depth);
                    pending_font_face = false;
                }
                i += 1;
            }
            b'}' => {
                if font_face_depth == Some(depth) {
                    font_face_depth = None;
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'@' if lower[i..].starts_with("@font-face") => {
                pending_font_face = true;
                i += "@font-face".len();
            }
            b'@' if lower[i..].starts_with("@import") => {
                i += "@import".len();
                let j = skip_ws(b, i);
                if let Some((s, next)) = read_string(&decoded, j) {
                    found(s, RemoteKind::Stylesheet);
                    i = next;
                } else if lower[j..].starts_with("url(") {
                    let (s, next) = read_url_arg(&decoded, j + 4);
                    found(s, RemoteKind::Stylesheet);
                    i = next;
                }
            }
            b'u' if lower[i..].starts_with("url(") && !is_ident_byte(b, i) => {
                let kind = if font_face_depth.is_some() {
                    RemoteKind::Font
                } else {
                    RemoteKind::Image
                };
                let (s, next) = read_url_arg(&decoded, i + 4);
                found(s, kind);
                i = next;
            }
            b'i' | b'-' | b'c' | b's'
                if !is_ident_byte(b, i)
                    && [
                        "image-set(",
                        "-webkit-image-set(",
                        "image(",
                        "cross-fade(",
                        "src(",
                    ]
                    .iter()
                    .any(|f| lower[i..].starts_with(f)) =>
            {
                // Quoted strings inside these functions are URLs.
                let open = i + lower[i..].find('(').unwrap_or(0) + 1;
                let kind = if font_face_depth.is_some() {
                    RemoteKind::Font
                } else {
                    RemoteKind::Image
                };
                let mut j = open;
                let mut parens = 1usize;
                while j < b.len() && parens > 0 {
                    match b[j] {
                        b'(' => parens += 1,
                        b')' => parens -= 1,
                        b'"' | b'\'' => {
                            if let Some((s, next)) = read_string(&decoded, j) {
                                found(s, kind);
                                j = next;
                                continue;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                i = open;
            }
            _ => i += 1,
        }
    }
}

fn is_ident_byte(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-' || b[i - 1] == b'_')
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Reads a quoted string at `i`; returns its content and the index after the closing quote.
fn read_string(s: &str, i: usize) -> Option<(&str, usize)> {
    let q = *s.as_bytes().get(i)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let end = s[i + 1..].find(q as char).map_or(s.len(), |e| i + 1 + e);
    Some((&s[i + 1..end], (end + 1).min(s.len())))
}

/// Reads the argument of `url(` starting at `i` (just after the parenthesis).
fn read_url_arg(s: &str, i: usize) -> (&str, usize) {
    let j = skip_ws(s.as_bytes(), i);
    if let Some((v, next)) = read_string(s, j) {
        let close = s[next..].find(')').map_or(s.len(), |e| next + e + 1);
        return (v, close);
    }
    let end = s[j..].find(')').map_or(s.len(), |e| j + e);
    (s[j..end].trim(), (end + 1).min(s.len()))
}

/// Removes comments and decodes escapes (CSS Syntax §4.3.7), `\` + newline included.
fn decode(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if css[i..].starts_with("/*") => {
                let end = css[i + 2..].find("*/").map_or(css.len(), |e| i + 2 + e + 2);
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            '\\' => {
                let mut hex = String::new();
                while hex.len() < 6 {
                    match chars.peek() {
                        Some(&(_, h)) if h.is_ascii_hexdigit() => {
                            hex.push(h);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                if hex.is_empty() {
                    match chars.next() {
                        Some((_, '\n')) | None => {}
                        Some((_, other)) => out.push(other),
                    }
                } else {
                    if chars.peek().is_some_and(|&(_, w)| w.is_ascii_whitespace()) {
                        chars.next();
                    }
                    let v = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                    out.push(
                        char::from_u32(v)
                            .filter(|&c| c != '\0')
                            .unwrap_or('\u{FFFD}'),
                    );
                }
            }
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(css: &str) -> Vec<(String, RemoteKind)> {
        let mut v = Vec::new();
        scan(css, &mut |u, k| v.push((u.to_owned(), k)));
        v
    }

    #[test]
    fn plain_and_escaped_url() {
        assert_eq!(
            urls("a{background:url(http://x/a.png)}")[0].0,
            "http://x/a.png"
        );
        assert_eq!(urls("a{background:u\\72 l('//x/b.png')}")[0].0, "//x/b.png");
        assert_eq!(urls("a{background:\\75rl( \"//x/c\" )}")[0].0, "//x/c");
        assert_eq!(urls("a{background:URL(//x/d)}")[0].0, "//x/d");
    }

    #[test]
    fn import_font_face_and_image_set() {
        let v = urls(
            "@\\69mport 'http://x/s.css'; @font-face{src:url(f.woff)} b{c:image-set(\"i.png\" 1x)}",
        );
        assert_eq!(v[0], ("http://x/s.css".into(), RemoteKind::Stylesheet));
        assert_eq!(v[1], ("f.woff".into(), RemoteKind::Font));
        assert_eq!(v[2], ("i.png".into(), RemoteKind::Image));
    }
}
