//! Internationalised domain names: when is the Unicode form safe to show?
//!
//! The policy follows the spirit of browsers' IDN display rules (UTS #39): a label is shown in
//! Unicode only if it is single-script or an accepted CJK mix, uses no character restricted for
//! identifiers, and does not look like a plain ASCII name (whole-script confusables such as
//! Cyrillic `аррӏе`). Otherwise the whole domain is shown as punycode.

use unicode_security::RestrictionLevel;
use unicode_security::confusable_detection::skeleton;
use unicode_security::restriction_level::RestrictionLevelDetection;

/// How a domain should be displayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainView {
    /// The form to show: Unicode when safe, otherwise ASCII (punycode).
    pub display: String,
    /// The ASCII (punycode) form.
    pub ascii: String,
    /// True when the Unicode form mixes scripts or is confusable.
    pub confusable: bool,
}

/// Analyses a domain given in ASCII (punycode) or Unicode form.
pub fn view_domain(domain: &str) -> DomainView {
    let domain = domain.trim_end_matches('.');
    let ascii = idna::domain_to_ascii(domain)
        .unwrap_or_else(|_| domain.to_ascii_lowercase())
        .to_ascii_lowercase();
    let (unicode, result) = idna::domain_to_unicode(&ascii);
    if result.is_err() || unicode == ascii {
        // Invalid punycode is shown as sent, and flagged if it claims to be IDN.
        let confusable = result.is_err() && ascii.split('.').any(|l| l.starts_with("xn--"));
        return DomainView {
            display: ascii.clone(),
            ascii,
            confusable,
        };
    }
    let confusable = unicode.split('.').any(label_is_confusable);
    let display = if confusable { ascii.clone() } else { unicode };
    DomainView {
        display,
        ascii,
        confusable,
    }
}

fn label_is_confusable(label: &str) -> bool {
    if label.is_ascii() {
        return false;
    }
    let letters: String = label.chars().filter(|c| *c != '-').collect();
    if letters.detect_restriction_level() > RestrictionLevel::HighlyRestrictive {
        return true;
    }
    // Whole-script confusable: a non-ASCII label whose skeleton is plain ASCII looks exactly
    // like some ASCII name (Cyrillic "аррӏе" → "apple").
    skeleton(label).all(|c| c.is_ascii())
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
    fn single_script_idn_is_shown_in_unicode() {
        let v = view_domain("bücher.example");
        assert!(!v.confusable, "{v:?}");
        assert_eq!(v.display, "bücher.example");
        let v = view_domain("例え.テスト");
        assert!(!v.confusable, "{v:?}");
    }
}
