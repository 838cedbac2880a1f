//! Internationalised domain names: when is the Unicode form safe to show?
//!
//! Quietpost adopts the IDN display algorithm of Chromium's URL formatter
//! (components/url_formatter/spoof_checks; docs/idn.md there), label by label:
//!
//! - the name is processed as IDNA 2008 / UTS #46 *non-transitional* (`ß`, `ς` are kept, as
//!   browsers do now); a label that is not valid punycode, or whose Unicode form does not
//!   encode back to the same ASCII, stays as it is;
//! - a label is shown in Unicode only if it passes the spoof checks (`spoof.rs`): characters
//!   allowed in identifiers (UTS #39) minus a block list, at most the highly restrictive mix of
//!   scripts (Latin with one CJK script), no repeated combining mark, one numbering system, no
//!   non-ASCII Latin mixed with another script, no whole-script confusable (`ѕсоре` in
//!   Cyrillic) outside the script's own TLDs, no label of digits and digit look-alikes, no
//!   dangerous pattern (the prolonged sound mark out of context, a dot above on i/j/l, CJK
//!   look-alikes of Latin next to Latin, ...), the TLD-specific letters (þ, ð, ə, ·);
//! - then the whole name is compared with the top domains by skeleton (`skeleton.rs`): a name
//!   that looks like one without being it or under it is shown in ASCII.
//!
//! The same function decides the domains of links and of sender addresses.

mod skeleton;
mod spoof;

pub use skeleton::TopDomains;
pub use spoof::safe_label;
use std::sync::OnceLock;

/// How a domain should be displayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainView {
    /// The form to show: each label in Unicode when safe, otherwise ASCII (punycode).
    pub display: String,
    /// The ASCII (punycode) form.
    pub ascii: String,
    /// True when some label (or the whole name) is not shown in its Unicode form: it is a
    /// spoof, or invalid punycode.
    pub confusable: bool,
}

/// The top domains shipped with Quietpost (`data/top-domains.txt`).
pub fn bundled_top_domains() -> &'static TopDomains {
    static TOP: OnceLock<TopDomains> = OnceLock::new();
    TOP.get_or_init(|| TopDomains::new(include_str!("../data/top-domains.txt").lines()))
}

/// Analyses a domain given in ASCII (punycode) or Unicode form.
pub fn view_domain(domain: &str) -> DomainView {
    let domain = domain.trim_end_matches('.');
    let ascii = idna::domain_to_ascii(domain)
        .unwrap_or_else(|_| domain.to_ascii_lowercase())
        .to_ascii_lowercase();
    let display = display_host(&ascii, bundled_top_domains());
    let unicode = idna::domain_to_unicode(&ascii);
    let confusable = match unicode {
        (u, Ok(())) => display != u,
        // Invalid punycode is shown as sent, and flagged if it claims to be IDN.
        (_, Err(_)) => ascii.split('.').any(|l| l.starts_with("xn--")),
    };
    DomainView {
        display,
        ascii,
        confusable,
    }
}

/// A punycode label decoded, when it is valid IDNA (UTS #46 non-transitional, hyphens
/// checked) and its Unicode form encodes back to exactly the same label.
fn decode_label(label: &str) -> Option<String> {
    let (unicode, result) = idna::domain_to_unicode(label);
    if result.is_err() || unicode.contains('.') || unicode.is_empty() {
        return None;
    }
    // CheckHyphens: not at either end, not in the third and fourth places.
    let chars: Vec<char> = unicode.chars().collect();
    if chars.first() == Some(&'-')
        || chars.last() == Some(&'-')
        || (chars.get(2) == Some(&'-') && chars.get(3) == Some(&'-'))
    {
        return None;
    }
    let back = idna::domain_to_ascii(&unicode).ok()?;
    (back == label.to_ascii_lowercase()).then_some(unicode)
}

/// The form of an ASCII host name to show: each punycode label in Unicode when it is safe,
/// and the whole name as given when it looks like one of `top` without being it.
pub fn display_host(ascii: &str, top: &TopDomains) -> String {
    let labels: Vec<&str> = ascii.split('.').collect();
    let tld = labels
        .iter()
        .rev()
        .find(|l| !l.is_empty())
        .copied()
        .unwrap_or("")
        .to_ascii_lowercase();
    let tld_unicode = if tld.starts_with("xn--") {
        decode_label(&tld).unwrap_or_else(|| tld.clone())
    } else {
        tld.clone()
    };
    let mut converted = false;
    let shown: Vec<String> = labels
        .iter()
        .map(|label| {
            if label.len() > 4
                && label[..4].eq_ignore_ascii_case("xn--")
                && let Some(unicode) = decode_label(label)
                && safe_label(&unicode, &tld, &tld_unicode)
            {
                converted = true;
                unicode
            } else {
                (*label).to_owned()
            }
        })
        .collect();
    let shown = shown.join(".");
    if converted && top.similar(&shown).is_some() {
        return ascii.to_owned();
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_plain() {
        let v = view_domain("Example.COM");
        assert_eq!(v.display, "example.com");
        assert!(!v.confusable);
    }

    #[test]
    fn whole_script_cyrillic_is_confusable() {
        let v = view_domain("аррӏе.com");
        assert!(v.confusable);
        assert!(v.display.starts_with("xn--"));
    }

    #[test]
    fn mixed_latin_cyrillic_is_confusable() {
        assert!(view_domain("pаypal.example").confusable);
    }

    #[test]
    fn a_look_alike_of_a_top_domain_stays_in_ascii() {
        // Single-script Latin with an accent passes the spoof checks, but looks like
        // google.com (shipped list): never shown in Unicode.
        let v = view_domain("googlé.com");
        assert!(v.confusable && v.display == "xn--googl-fsa.com", "{v:?}");
        // Names under a top domain, and ordinary accented names, are shown as they are.
        assert!(!view_domain("café.fr").confusable);
        assert!(!view_domain("bücher.google.com").confusable);
    }

    #[test]
    fn labels_are_judged_one_by_one() {
        // A safe Korean TLD is shown in Unicode even when the label before it is a spoof.
        let v = view_domain("xn--googl-3we.xn--3e0b707e");
        assert_eq!(v.display, "xn--googl-3we.한국");
        assert!(v.confusable);
    }

    #[test]
    fn single_script_idn_is_shown_in_unicode() {
        let v = view_domain("bücher.example");
        assert!(!v.confusable, "{v:?}");
        assert_eq!(v.display, "bücher.example");
        let v = view_domain("例え.テスト");
        assert!(!v.confusable, "{v:?}");
    }
}
