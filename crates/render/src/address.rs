//! Address fields (From, Sender, Reply-To, To, Cc), parsed from the raw header bytes.
//!
//! Our own parser, because display rules need more than a best guess:
//! - encoded words are decoded in display names only, never inside the address
//!   (RFC 2047 §5) — the Mailsploit attack hides `@` and NUL there;
//! - when a field can be read as different addresses by different parsers (two `<...>`, an
//!   address after the `<...>`, a quoted local part holding `@`, an address as a group's name,
//!   an obsolete source route, an unclosed quote or comment), every candidate is returned,
//!   flagged `ambiguous-address`. Three readings are compared: this parser's, a loose scan of
//!   the raw field for anything shaped like an address outside names and comments (what a
//!   lenient MTA might pick), and mail-parser's (`other`); whatever one of them finds that
//!   the others do not becomes a candidate of its own;
//! - comments are never addresses: inside `<...>` they are removed from the address, and one
//!   that holds an address makes the name suspect (`display-name-address`).

use crate::encoded::{decode_phrase, has_encoded_word};
use crate::idn::view_domain;
use quietpost_model::{Addr, Code, SafeLine};

mod memo;
pub use memo::parse_field;

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

/// The tokens of a field, and whether a quote, comment or `<` was left open (then other
/// parsers may well read the rest differently).
fn tokenize(s: &str) -> (Vec<Spaced>, bool) {
    let mut out: Vec<Spaced> = Vec::new();
    let mut open = false;
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
                let (q, closed) = quoted(&mut chars);
                open |= !closed;
                out.push((Tok::Quoted(q), space));
                space = false;
            }
            '(' => {
                flush!();
                let (text, closed) = comment(&mut chars);
                open |= !closed;
                out.push((Tok::Comment(text), space));
                space = true;
            }
            '<' => {
                flush!();
                // Quotes keep their `>`; comments are taken out of the address (and kept as
                // comments, which may be read as a name).
                let mut a = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '>' => {
                            closed = true;
                            break;
                        }
                        '"' => {
                            let (q, ok) = quoted(&mut chars);
                            open |= !ok;
                            a.push('"');
                            a.push_str(&q.replace('\\', "\\\\").replace('"', "\\\""));
                            a.push('"');
                        }
                        '(' => {
                            let (text, ok) = comment(&mut chars);
                            open |= !ok;
                            out.push((Tok::Comment(text), true));
                        }
                        c => a.push(c),
                    }
                }
                open |= !closed;
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
    (out, open)
}

/// A quoted string after its opening `"`: its text, and whether it was closed.
fn quoted(chars: &mut std::str::Chars<'_>) -> (String, bool) {
    let mut q = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => q.extend(chars.next()),
            '"' => return (q, true),
            c => q.push(c),
        }
    }
    (q, false)
}

/// A comment after its opening `(` (comments nest): its text, and whether it was closed.
fn comment(chars: &mut std::str::Chars<'_>) -> (String, bool) {
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
                    return (text, true);
                }
                text.push(c);
            }
            c => text.push(c),
        }
    }
    (text, false)
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
    /// The address as written, a source route (`@host1,@host2:`) included.
    address: Option<String>,
    /// Other readings of the same item, each a possible address.
    others: Vec<String>,
    /// The text of every comment in the item: other clients show it as the name.
    comments: Vec<String>,
}

/// The field cut into mailboxes, and the text of every group name that holds an `@` (some
/// parsers take `mallory@attacker.example: <ceo@bank.example>;` as from mallory).
fn split_items(tokens: Vec<Spaced>) -> (Vec<Vec<Spaced>>, Vec<String>) {
    let mut items = vec![Vec::new()];
    let mut group_names = Vec::new();
    for (t, space) in tokens {
        match t {
            Tok::Comma | Tok::Semicolon => items.push(Vec::new()),
            // A group's name ends at the colon: drop it, keep its members.
            Tok::Colon => {
                if let Some(last) = items.last_mut() {
                    for (t, _) in last.iter() {
                        if let Tok::Atom(w) | Tok::Quoted(w) = t
                            && w.contains('@')
                            && !has_encoded_word(w)
                        {
                            group_names.push(w.clone());
                        }
                    }
                    last.retain(|(t, _)| matches!(t, Tok::Angle(_)));
                }
            }
            t => items.last_mut().map_or((), |l| l.push((t, space))),
        }
    }
    items.retain(|i| !i.is_empty());
    (items, group_names)
}

fn parse_item(item: &[Spaced]) -> Mailbox {
    let comments: Vec<String> = item
        .iter()
        .filter_map(|(t, _)| match t {
            Tok::Comment(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
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
        let mut others: Vec<String> = angles.iter().skip(1).map(|a| (*a).to_owned()).collect();
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
            address: Some(angles[0].to_owned()),
            others,
            comments,
        };
    }
    // Bare addr-spec, possibly with comments (the old `addr (Name)` form). Tokens not separated
    // by whitespace form one word: `"a@b"@c` is a single (quoted local part) address.
    let mut words: Vec<String> = Vec::new();
    for (t, space) in item {
        let piece = match t {
            Tok::Atom(a) => a.clone(),
            Tok::Quoted(q) => format!("\"{q}\""),
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
            comments,
        };
    }
    let name = comments.join(" ");
    Mailbox {
        name: (!name.trim().is_empty()).then(|| decode_phrase(name.trim())),
        address: Some(with_at[0].clone()),
        others: with_at[1..].iter().map(|s| (*s).clone()).collect(),
        comments,
    }
}

/// `@route1,@route2:user@host` → `user@host` (obsolete source routes); other addresses as
/// they are.
fn strip_route(a: &str) -> &str {
    if a.starts_with('@') {
        a.rsplit_once(':').map_or(a, |(_, r)| r)
    } else {
        a
    }
}

/// An address as compared between readings: no route, no surrounding space, lower case.
fn key(a: &str) -> String {
    strip_route(a.trim()).to_lowercase()
}

/// [`parse_field`]'s work (`memo.rs` remembers it per thread): a pure function of the field and mail-parser's reading of it.
fn analyse_field(value: &str, other: &[String]) -> (Vec<Addr>, usize) {
    let mut out = Vec::new();
    let (tokens, left_open) = tokenize(value);
    let (items, group_names) = split_items(tokens);
    let total = items.len();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for item in items.into_iter().take(MAX_MAILBOXES) {
        let mb = parse_item(&item);
        let routed = mb
            .address
            .as_deref()
            .is_some_and(|a| a.trim().starts_with('@'));
        let ambiguous = !mb.others.is_empty()
            || routed
            || mb.address.as_deref().is_some_and(local_part_holds_address);
        let mut first = to_addr(mb.name.as_deref(), mb.address.as_deref(), &mb.comments);
        if ambiguous {
            first.warnings.push(Code::AmbiguousAddress);
        }
        seen.extend(mb.address.as_deref().map(key));
        out.push(first);
        for other in &mb.others {
            let mut a = to_addr(None, Some(other), &[]);
            a.warnings.push(Code::AmbiguousAddress);
            seen.insert(key(other));
            out.push(a);
        }
    }
    // What the other readings find that this one did not: a group's name, anything shaped
    // like an address outside names and comments (all of the rest of the field when a quote
    // or comment is left open), and mail-parser's own reading.
    let loose = loose_addresses(value);
    let lower = value.to_lowercase();
    let mut extra: Vec<String> = Vec::new();
    let candidates = (group_names.iter().chain(&loose).map(|c| (c, false)))
        .chain(other.iter().map(|c| (c, true)));
    for (candidate, from_other) in candidates {
        let k = key(candidate);
        let shaped = k
            .rsplit_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty());
        // mail-parser's reading counts only when it is written in the field as it is.
        if shaped
            && !seen.contains(&k)
            && out.len() + extra.len() < MAX_MAILBOXES
            && (!from_other || lower.contains(&candidate.trim().to_lowercase()))
        {
            seen.insert(k);
            extra.push(candidate.trim().to_owned());
        }
    }
    if !extra.is_empty() || (left_open && out.len() > 1) {
        for a in &mut out {
            if a.address.is_some() && !a.warnings.contains(&Code::AmbiguousAddress) {
                a.warnings.push(Code::AmbiguousAddress);
            }
        }
    }
    for candidate in extra {
        let mut a = to_addr(None, Some(&candidate), &[]);
        a.warnings.push(Code::AmbiguousAddress);
        out.push(a);
    }
    (out, total)
}

/// Everything in a raw field shaped like `local@domain`, outside closed quoted strings,
/// closed comments and encoded words — what a lenient reader could take as an address.
fn loose_addresses(value: &str) -> Vec<String> {
    let mut plain = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        if c == '='
            && let Some(len) = encoded_word_len(rest)
        {
            plain.push(' ');
            rest = &rest[len..];
            continue;
        }
        let mut chars = rest[c.len_utf8()..].chars();
        let skipped = match c {
            '"' => quoted(&mut chars).1,
            '(' => comment(&mut chars).1,
            _ => false,
        };
        if skipped {
            plain.push(' ');
            rest = chars.as_str();
        } else {
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    plain
        .split(|c: char| c.is_whitespace() || "<>,;:\"()".contains(c))
        .filter(|w| {
            w.rsplit_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !w.contains('['))
        })
        .map(str::to_owned)
        .collect()
}

fn local_part_holds_address(a: &str) -> bool {
    a.starts_with('"') && a.rfind('"').is_some_and(|q| a[..q].contains('@'))
}

/// Display names longer than this are a known trick (the address scrolls out of sight).
pub const LONG_NAME_CHARS: usize = 64;

/// Applies the display rules to one mailbox. `comments` are the item's comments, which some
/// clients show as (part of) the name.
fn to_addr(name: Option<&str>, address: Option<&str>, comments: &[String]) -> Addr {
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
        let shown = display_address(raw, &mut warnings);
        let (line, findings) = SafeLine::with_findings(&shown, MAX_ADDRESS_CHARS);
        // Only its start is shown: a cut address is another address, so it says so.
        if shown.chars().count() > MAX_ADDRESS_CHARS {
            warnings.push(Code::LimitReached);
        }
        if (findings.control || findings.line_break || findings.bidi)
            && !warnings.contains(&Code::ControlChars)
        {
            warnings.push(Code::ControlChars);
        }
        if !is_valid_shape(strip_route(raw)) {
            warnings.push(Code::InvalidAddress);
        }
        line
    });
    let name_line = name.map(|n| {
        // Sanitized first (a line break is a finding), then runs of spaces made one.
        let (whole, findings) = SafeLine::with_findings(n, MAX_NAME_CHARS * 4);
        let line = SafeLine::new(&collapse_spaces(whole.as_str()), MAX_NAME_CHARS);
        // Bidi controls reorder what the reader sees of the name (and of the address beside
        // it): the same danger as any other hidden control.
        if (findings.control || findings.line_break || findings.bidi)
            && !warnings.contains(&Code::ControlChars)
        {
            warnings.push(Code::ControlChars);
        }
        if line.as_str().chars().count() > LONG_NAME_CHARS {
            warnings.push(Code::LongDisplayName);
        }
        line
    });
    let real = address.map(key);
    // The name as written, and as a bidi override shows it (`\u{202E}elpmaxe.knab@troppus`
    // reads as support@bank.example).
    let shown_reversed: Option<String> = name
        .filter(|n| n.chars().any(quietpost_model::text::is_bidi_control))
        .map(|n| n.chars().rev().collect());
    let lies = std::iter::once(name.unwrap_or(""))
        .chain(shown_reversed.as_deref())
        .chain(comments.iter().map(String::as_str))
        .filter_map(address_in_name)
        .any(|named| real.as_deref() != Some(named.as_str()));
    if lies {
        warnings.push(Code::DisplayNameAddress);
    }
    if address.is_none() {
        warnings.push(Code::InvalidAddress);
    }
    Addr {
        name: name_line.filter(|n| !n.is_empty()),
        address: address_line,
        warnings,
    }
}

/// Runs of white space of any kind (a name padded with spaces pushes the address away) as one
/// space.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || matches!(c, '\u{2800}' | '\u{3164}' | '\u{115F}' | '\u{1160}') {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.trim().to_owned()
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
    if crate::links::other_site_in_subdomain(&view.ascii).is_some() {
        warnings.push(Code::LookalikeSubdomain);
    }
    format!("{local}@{}", view.display)
}

fn is_valid_shape(a: &str) -> bool {
    let Some((local, domain)) = a.rsplit_once('@') else {
        return false;
    };
    // RFC 5321 §4.5.3.1: a local part of at most 64 octets, a domain of at most 255.
    !local.is_empty()
        && local.len() <= 64
        && !domain.is_empty()
        && domain.len() <= 255
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
        parse_field(v, &[])
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

    #[test]
    fn a_group_name_that_is_an_address_is_a_candidate() {
        let v = addrs("mallory@attacker.example: <ceo@bank.example>;");
        let shown: Vec<_> = v.iter().map(|a| a.1.clone().unwrap()).collect();
        assert_eq!(shown, ["ceo@bank.example", "mallory@attacker.example"]);
        assert!(v.iter().all(|a| a.2.contains(&Code::AmbiguousAddress)));
        // An ordinary group stays quiet.
        let v = addrs("Team: alice@example.org, bob@example.org;");
        assert!(v.iter().all(|a| a.2.is_empty()), "{v:?}");
    }

    #[test]
    fn a_source_route_stays_visible_and_flagged() {
        let v = addrs("<@relay.attacker.example:ceo@bank.example>");
        assert_eq!(v.len(), 1);
        assert_eq!(
            v[0].1.as_deref(),
            Some("@relay.attacker.example:ceo@bank.example")
        );
        assert_eq!(v[0].2, [Code::AmbiguousAddress]);
    }

    #[test]
    fn comments_are_never_addresses() {
        let v = addrs("<(ceo@bank.example)mallory@attacker.example>");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].1.as_deref(), Some("mallory@attacker.example"));
        assert!(v[0].2.contains(&Code::DisplayNameAddress));
        let v = addrs("Support (ceo@bank.example) <mallory@attacker.example>");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].0.as_deref(), Some("Support"));
        assert!(v[0].2.contains(&Code::DisplayNameAddress));
        // A comment that is the address itself is no lie.
        let v = addrs("alice@example.org (alice@example.org)");
        assert!(v[0].2.is_empty(), "{v:?}");
    }

    #[test]
    fn an_unclosed_quote_shows_every_reading() {
        let v = addrs("\"ceo@bank.example <mallory@attacker.example>");
        let shown: Vec<_> = v.iter().filter_map(|a| a.1.clone()).collect();
        assert!(
            shown.contains(&"mallory@attacker.example".to_owned()),
            "{shown:?}"
        );
        assert!(v.iter().all(|a| a.2.contains(&Code::AmbiguousAddress)));
    }

    #[test]
    fn what_another_parser_reads_is_shown_when_it_is_written_there() {
        let (v, _) = parse_field(
            "Alice <alice@bank.example>",
            &["eve@attacker.example".into(), "alice@bank.example".into()],
        );
        assert_eq!(v.len(), 1, "not written in the field: not a reading of it");
        let (v, _) = parse_field("a\\@b@attacker.example", &["b@attacker.example".into()]);
        assert!(
            v.iter()
                .any(|a| a.address.as_ref().unwrap().as_str() == "b@attacker.example")
        );
        assert!(
            v.iter()
                .all(|a| a.warnings.contains(&Code::AmbiguousAddress))
        );
    }

    #[test]
    fn names_are_one_run_of_spaces_and_long_ones_are_flagged() {
        let v = addrs("\"PayPal        \u{3000}\u{a0} Service\" <x@attacker.example>");
        assert_eq!(v[0].0.as_deref(), Some("PayPal Service"));
        assert!(v[0].2.is_empty());
        let long = format!("\"{}\" <x@attacker.example>", "Security Team ".repeat(6));
        assert!(addrs(&long)[0].2.contains(&Code::LongDisplayName));
    }

    #[test]
    fn bidi_in_a_name_raises_control_chars() {
        let v = addrs("\"\u{202E}elpmaxe.knab@troppus\" <x@attacker.example>");
        assert!(v[0].2.contains(&Code::ControlChars), "{v:?}");
        assert!(v[0].2.contains(&Code::DisplayNameAddress), "{v:?}");
    }
}
