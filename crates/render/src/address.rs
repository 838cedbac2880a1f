//! Address fields (From, Sender, Reply-To, To, Cc), parsed from the raw header bytes.
//!
//! Our own parser, because display rules need more than a best guess:
//! - encoded words are decoded in display names only, never inside the address
//!   (RFC 2047 §5) — the Mailsploit attack hides `@` and NUL there;
//! - when a field can be read as different addresses by different parsers (two `<...>`, an
//!   address after the `<...>`, a quoted local part holding `@`), every candidate is returned.

use crate::encoded::{decode_phrase, has_encoded_word};
use crate::idn::view_domain;
use quietpost_model::{Addr, Code, SafeLine};

const MAX_NAME_CHARS: usize = 200;
const MAX_ADDRESS_CHARS: usize = 320;
/// Mailboxes kept per field.
pub const MAX_MAILBOXES: usize = 500;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Atom(String),
    Quoted(String),
    Comment(String),
    Angle(String),
    Comma,
    Colon,
    Semicolon,
}

/// A token and whether whitespace (or a comment) came before it.
type Spaced = (Tok, bool);

fn tokenize(s: &str) -> Vec<Spaced> {
    let mut out: Vec<Spaced> = Vec::new();
    let mut atom = String::new();
    let mut atom_space = false;
    let mut space = false;
    let mut rest = s;
    macro_rules! flush {
        () => {
            if !atom.is_empty() {
                out.push((Tok::Atom(std::mem::take(&mut atom)), atom_space));
                space = false;
            }
        };
    }
    while let Some(c) = rest.chars().next() {
        // An encoded word is one token whatever it contains (`:`, `;`, `<` ...), as the
        // clients that decode it see it.
        if c == '='
            && rest.starts_with("=?")
            && let Some(len) = encoded_word_len(rest)
        {
            if atom.is_empty() {
                atom_space = space;
            }
            atom.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        rest = &rest[c.len_utf8()..];
        let mut chars = rest.chars();
        match c {
            '"' => {
                flush!();
                let mut q = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => q.extend(chars.next()),
                        '"' => break,
                        c => q.push(c),
                    }
                }
                out.push((Tok::Quoted(q), space));
                space = false;
            }
            '(' => {
                flush!();
                let mut depth = 1usize;
                let mut text = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => text.extend(chars.next()),
                        '(' => {
                            depth += 1;
                            text.push(c);
                        }
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            text.push(c);
                        }
                        c => text.push(c),
                    }
                }
                out.push((Tok::Comment(text), space));
                space = true;
            }
            '<' => {
                flush!();
                let mut a = String::new();
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                    a.push(c);
                }
                out.push((Tok::Angle(a), space));
                space = false;
            }
            ',' | ':' | ';' => {
                flush!();
                let t = match c {
                    ',' => Tok::Comma,
                    ':' => Tok::Colon,
                    _ => Tok::Semicolon,
                };
                out.push((t, space));
                space = false;
            }
            c if c.is_whitespace() => {
                if !atom.is_empty() {
                    out.push((Tok::Atom(std::mem::take(&mut atom)), atom_space));
                }
                space = true;
            }
            c => {
                if atom.is_empty() {
                    atom_space = space;
                }
                atom.push(c);
            }
        }
        rest = chars.as_str();
    }
    if !atom.is_empty() {
        out.push((Tok::Atom(atom), atom_space));
    }
    out
}

/// Length of an encoded word at the start of `s` (no whitespace inside), if there is one.
fn encoded_word_len(s: &str) -> Option<usize> {
    let after = s.strip_prefix("=?")?;
    let q1 = after.find('?')?;
    let q2 = after[q1 + 1..].find('?')? + q1 + 1;
    let end = after[q2 + 1..].find("?=")? + q2 + 1;
    let len = 2 + end + 2;
    (!s[..len].chars().any(char::is_whitespace)).then_some(len)
}

/// One mailbox as parsed, before display rules are applied.
#[derive(Debug, Clone, Default, PartialEq)]
struct Mailbox {
    name: Option<String>,
    address: Option<String>,
    /// Other readings of the same item, each a possible address.
    others: Vec<String>,
}

fn split_items(tokens: Vec<Spaced>) -> Vec<Vec<Spaced>> {
    let mut items = vec![Vec::new()];
    for (t, space) in tokens {
        match t {
            Tok::Comma | Tok::Semicolon => items.push(Vec::new()),
            // A group's name ends at the colon: drop it, keep its members.
            Tok::Colon => {
                if let Some(last) = items.last_mut() {
                    last.retain(|(t, _)| matches!(t, Tok::Angle(_)));
                }
            }
            t => items.last_mut().map_or((), |l| l.push((t, space))),
        }
    }
    items.retain(|i| !i.is_empty());
    items
}

fn parse_item(item: &[Spaced]) -> Mailbox {
    let angles: Vec<&str> = item
        .iter()
        .filter_map(|(t, _)| {
            if let Tok::Angle(a) = t {
                Some(a.trim())
            } else {
                None
            }
        })
        .collect();
    if let Some(first_angle) = item.iter().position(|(t, _)| matches!(t, Tok::Angle(_))) {
        let mut phrase = Vec::new();
        let mut comments = Vec::new();
        let mut others: Vec<String> = angles
            .iter()
            .skip(1)
            .map(|a| strip_route(a).to_owned())
            .collect();
        for (t, _) in &item[..first_angle] {
            match t {
                // An unquoted address before `<...>` is read as the address by some parsers.
                Tok::Atom(a) => {
                    if a.contains('@') && !has_encoded_word(a) {
                        others.push(a.clone());
                    }
                    phrase.push(a.clone());
                }
                // Decoding inside quotes is what other clients show, so it is what we check.
                Tok::Quoted(q) => phrase.push(q.clone()),
                Tok::Comment(c) => comments.push(c.clone()),
                _ => {}
            }
        }
        let name = if phrase.is_empty() {
            comments.join(" ")
        } else {
            phrase.join(" ")
        };
        // Text after the address that itself looks like an address.
        for (t, _) in &item[first_angle + 1..] {
            if let Tok::Atom(a) | Tok::Quoted(a) = t
                && a.contains('@')
            {
                others.push(a.clone());
            }
        }
        return Mailbox {
            name: (!name.trim().is_empty()).then(|| decode_phrase(name.trim())),
            address: Some(strip_route(angles[0]).to_owned()),
            others,
        };
    }
    // Bare addr-spec, possibly with comments (the old `addr (Name)` form). Tokens not separated
    // by whitespace form one word: `"a@b"@c` is a single (quoted local part) address.
    let mut words: Vec<String> = Vec::new();
    let mut comments = Vec::new();
    for (t, space) in item {
        let piece = match t {
            Tok::Atom(a) => a.clone(),
            Tok::Quoted(q) => format!("\"{q}\""),
            Tok::Comment(c) => {
                comments.push(c.clone());
                continue;
            }
            _ => continue,
        };
        match words.last_mut() {
            Some(last) if !space => last.push_str(&piece),
            _ => words.push(piece),
        }
    }
    let with_at: Vec<&String> = words.iter().filter(|w| w.contains('@')).collect();
    if with_at.is_empty() {
        // A phrase with no address at all: show it as a name, invent no address.
        let name = if words.is_empty() {
            comments.join(" ")
        } else {
            words.join(" ")
        };
        return Mailbox {
            name: (!name.trim().is_empty()).then(|| decode_phrase(name.trim())),
            address: None,
            others: Vec::new(),
        };
    }
    let name = comments.join(" ");
    Mailbox {
        name: (!name.trim().is_empty()).then(|| decode_phrase(name.trim())),
        address: Some(with_at[0].clone()),
        others: with_at[1..].iter().map(|s| (*s).clone()).collect(),
    }
}

/// `@route1,@route2:user@host` → `user@host` (obsolete source routes).
fn strip_route(a: &str) -> &str {
    if a.starts_with('@') {
        a.rsplit_once(':').map_or(a, |(_, r)| r)
    } else {
        a
    }
}

/// Parses one raw (unfolded) address field into display-ready mailboxes.
/// Also returns how many mailboxes the field held: more than [`MAX_MAILBOXES`] means only the
/// first ones are returned.
pub fn parse_field(value: &str) -> (Vec<Addr>, usize) {
    let mut out = Vec::new();
    let items = split_items(tokenize(value));
    let total = items.len();
    for item in items.into_iter().take(MAX_MAILBOXES) {
        let mb = parse_item(&item);
        let ambiguous =
            !mb.others.is_empty() || mb.address.as_deref().is_some_and(local_part_holds_address);
        let mut first = to_addr(mb.name.as_deref(), mb.address.as_deref());
        if ambiguous {
            first.warnings.push(Code::AmbiguousAddress);
        }
        out.push(first);
        for other in &mb.others {
            let mut a = to_addr(None, Some(other));
            a.warnings.push(Code::AmbiguousAddress);
            out.push(a);
        }
    }
    (out, total)
}

fn local_part_holds_address(a: &str) -> bool {
    a.starts_with('"') && a.rfind('"').is_some_and(|q| a[..q].contains('@'))
}

/// Applies the display rules to one mailbox.
fn to_addr(name: Option<&str>, address: Option<&str>) -> Addr {
    let mut warnings = Vec::new();
    let address_line = address.map(|raw| {
        let raw = raw.trim();
        if has_encoded_word(raw) {
            warnings.push(Code::EncodedAddress);
            // Never decoded for display; decoded here only to see what it would hide.
            let decoded = decode_phrase(raw);
            if decoded.chars().any(|c| c.is_control()) {
                warnings.push(Code::ControlChars);
            }
        }
        let (line, findings) =
            SafeLine::with_findings(&display_address(raw, &mut warnings), MAX_ADDRESS_CHARS);
        if (findings.control || findings.line_break) && !warnings.contains(&Code::ControlChars) {
            warnings.push(Code::ControlChars);
        }
        if !is_valid_shape(raw) {
            warnings.push(Code::InvalidAddress);
        }
        line
    });
    let name_line = name.map(|n| {
        let (line, findings) = SafeLine::with_findings(n, MAX_NAME_CHARS);
        if (findings.control || findings.line_break) && !warnings.contains(&Code::ControlChars) {
            warnings.push(Code::ControlChars);
        }
        if findings.bidi {
            warnings.push(Code::BidiInName);
        }
        if let Some(named) = address_in_name(n)
            && address.is_none_or(|a| !a.trim().eq_ignore_ascii_case(&named))
        {
            warnings.push(Code::DisplayNameAddress);
        }
        line
    });
    if address.is_none() {
        warnings.push(Code::InvalidAddress);
    }
    Addr {
        name: name_line.filter(|n| !n.is_empty()),
        address: address_line,
        warnings,
    }
}

/// The address with its domain shown safely (punycode when confusable).
fn display_address(raw: &str, warnings: &mut Vec<Code>) -> String {
    let Some((local, domain)) = raw.rsplit_once('@') else {
        return raw.to_owned();
    };
    if domain.starts_with('[') || domain.is_empty() {
        return raw.to_owned();
    }
    let view = view_domain(domain);
    if view.confusable {
        warnings.push(Code::IdnHomograph);
    }
    format!("{local}@{}", view.display)
}

fn is_valid_shape(a: &str) -> bool {
    let Some((local, domain)) = a.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !a.chars().any(|c| c.is_control() || c.is_whitespace())
        && (domain.starts_with('[')
            || domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.'))
}

/// An address hidden in a display name, after folding look-alikes: full-width `＠`, small
/// `﹫` and other compatibility forms (NFKC), with control characters removed.
fn address_in_name(name: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name
        .nfkc()
        .filter(|c| !c.is_control() && !quietpost_model::text::is_invisible(*c))
        .collect::<String>()
        .to_lowercase();
    folded
        .split(|c: char| c.is_whitespace() || "<>\"'()[],;:".contains(c))
        .find(|w| {
            w.rsplit_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.ends_with('.'))
        })
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(v: &str) -> Vec<(Option<String>, Option<String>, Vec<Code>)> {
        parse_field(v)
            .0
            .into_iter()
            .map(|a| {
                (
                    a.name.map(|n| n.to_string()),
                    a.address.map(|n| n.to_string()),
                    a.warnings,
                )
            })
            .collect()
    }

    #[test]
    fn plain_forms() {
        assert_eq!(
            addrs("Alice <alice@example.com>"),
            [(
                Some("Alice".into()),
                Some("alice@example.com".into()),
                vec![]
            )]
        );
        assert_eq!(
            addrs("bob@example.com (Bob)"),
            [(Some("Bob".into()), Some("bob@example.com".into()), vec![])]
        );
        assert_eq!(addrs("\"Doe, J\" <j@example.com>, k@example.com").len(), 2);
        assert_eq!(addrs("undisclosed-recipients:;").len(), 0);
    }

    #[test]
    fn mailsploit_in_address_is_not_decoded() {
        let v =
            addrs("=?utf-8?b?cG90dXNAd2hpdGVob3VzZS5nb3YNCg==?==?utf-8?Q?=00?=@mailsploit.example");
        assert_eq!(v.len(), 1);
        assert!(v[0].1.as_ref().unwrap().ends_with("@mailsploit.example"));
        assert!(v[0].2.contains(&Code::EncodedAddress));
        assert!(v[0].2.contains(&Code::ControlChars));
    }

    #[test]
    fn mailsploit_in_name() {
        let v = addrs(
            "=?utf-8?b?cG90dXNAd2hpdGVob3VzZS5nb3Y=?==?utf-8?Q?=0A=00?= <attacker@mailsploit.example>",
        );
        assert_eq!(v[0].1.as_deref(), Some("attacker@mailsploit.example"));
        assert!(v[0].2.contains(&Code::ControlChars));
        assert!(v[0].2.contains(&Code::DisplayNameAddress));
    }

    #[test]
    fn encoded_word_with_specials_is_one_name() {
        let v = addrs(
            "=?utf-8?q?Support=0D=0AReply-To:_x@attacker.example?= <support-desk@attacker.example>",
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(
            v[0].0.as_deref(),
            Some("Support Reply-To: x@attacker.example")
        );
        assert!(v[0].2.contains(&Code::ControlChars) && v[0].2.contains(&Code::DisplayNameAddress));
        let v = addrs("=?utf-8?q?Bob_=1B[2J=1B]0;pwned=07?= <bob@example.com>");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].0.as_deref(), Some("Bob"));
    }

    #[test]
    fn phrase_without_address_invents_none() {
        let v = addrs("Bank Security Team");
        assert_eq!(
            v,
            [(
                Some("Bank Security Team".into()),
                None,
                vec![Code::InvalidAddress]
            )]
        );
    }

    #[test]
    fn fullwidth_at_in_name() {
        let v = addrs("\"support＠bank.example\" <x@attacker.example>");
        assert!(v[0].2.contains(&Code::DisplayNameAddress));
    }

    #[test]
    fn every_candidate_is_shown() {
        let v = addrs("Alice <alice@bank.example> <eve@attacker.example>");
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|a| a.2.contains(&Code::AmbiguousAddress)));
        let v = addrs("\"alice@bank.example\"@attacker.example");
        assert_eq!(v.len(), 1);
        assert_eq!(
            v[0].1.as_deref(),
            Some("\"alice@bank.example\"@attacker.example")
        );
        assert!(v[0].2.contains(&Code::AmbiguousAddress));
    }
}
