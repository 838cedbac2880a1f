//! Skeletons of host names and the list of top domains they are compared with: a name whose
//! skeleton is a top domain's, without being that domain or under it (`tést.net` for
//! test.net), is never shown in Unicode. After Chromium's skeleton generator
//! (components/url_formatter/spoof_checks/skeleton_generator.cc), on the UTS #39 confusables
//! of the `unicode-security` crate.

use super::spoof::is_lgc_or_ascii;
use std::collections::{BTreeSet, HashMap};
use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

/// Labels of a skeleton looked up, from the end (every top domain has at most this many).
const LABELS_CHECKED: usize = 4;
/// Host names longer than this get no alternative skeletons (the original one is kept).
const MAX_LEN_FOR_ALTERNATIVES: usize = 32;
/// Host names with more characters of several skeletons get no alternatives.
const MAX_MULTI_SKELETON_CHARS: usize = 5;
/// At most this many alternative spellings are tried.
const MAX_ALTERNATIVES: usize = 128;

/// Characters that look like more than one thing: each alternative is tried.
fn alternatives(c: char) -> &'static [&'static str] {
    match c {
        'þ' => &["b", "p"],
        'œ' => &["ce", "oe"],
        'ł' => &["l", "t"],
        _ => &[],
    }
}

/// Mappings the Unicode confusables leave out (Chromium's extra confusable mapper).
fn extra_confusable(c: char) -> Option<&'static str> {
    Some(match c {
        'æ' | 'ӕ' => "ae",
        'ϼ' | 'ҏ' => "p",
        'ħ' | 'н' | 'ћ' | 'ң' | 'ҥ' | 'ӈ' | 'ӊ' | 'ԋ' | 'ԧ' | 'ԩ' => "h",
        'ĸ' | 'κ' | 'к' | 'қ' | 'ҝ' | 'ҟ' | 'ҡ' | 'ӄ' | 'ԟ' => "k",
        'ŋ' | 'п' | 'ԥ' | 'ก' | 'ח' => "n",
        'ŧ' | 'т' | 'ҭ' | 'ԏ' | '七' | '丅' | '丆' | '丁' => "t",
        'ƅ' | 'ь' | 'ҍ' | 'в' | 'ß' => "b",
        'ω' | 'ш' | 'щ' | 'พ' | 'ฟ' | 'ພ' | 'ຟ' => "w",
        'м' | 'ӎ' => "m",
        'є' | 'ҽ' | 'ҿ' | 'ၔ' => "e",
        'ґ' => "r",
        'ғ' | 'ӻ' => "f",
        'ҫ' | 'င' => "c",
        'ұ' | '丫' => "y",
        'χ' | 'ҳ' | 'ӽ' | 'ӿ' | '乂' => "x",
        'ԃ' | 'ძ' => "d",
        'ԍ' | 'ဌ' => "g",
        'ട' | 'ร' | 'ຣ' | 'ຮ' => "s",
        '၂' => "j",
        '०' | '০' | '੦' | '૦' | 'ଠ' | '୦' | '೦' | 'စ' => "o",
        '৭' | '੧' | '૧' => "q",
        'บ' | 'ບ' => "u",
        'θ' => "0",
        '२' | '২' | '੨' | '૨' | '೩' | '೭' | 'շ' => "2",
        'з' | 'ҙ' | 'ӡ' | 'उ' | 'ও' | 'ਤ' | '੩' | '૩' | '౩' | 'ဒ' | 'ვ' | 'პ' | 'კ' | 'ੜ' => {
            "3"
        }
        '੫' | '丩' | 'ㄐ' => "4",
        'ճ' => "6",
        '৪' | '੪' | '୫' => "8",
        '૭' | '୨' | '౨' => "9",
        '—' | '一' | '―' | '⸺' | '⸻' => "-",
        _ => return None,
    })
}

/// Latin, Greek and Cyrillic names lose their diacritics (`tést` → `test`); others keep them
/// (combining marks on other scripts are refused earlier).
fn without_diacritics(host: &str) -> String {
    if !host.chars().all(is_lgc_or_ascii) {
        return host.to_owned();
    }
    let stripped: String = host
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .nfc()
        .collect();
    stripped
        .chars()
        .map(|c| match c {
            'ø' => 'o',
            'đ' => 'd',
            c => c,
        })
        .collect()
}

/// The host and its alternative spellings (characters that look like several things).
fn spellings(host: &str) -> Vec<String> {
    let chars: Vec<char> = host.chars().collect();
    let multi = chars
        .iter()
        .filter(|c| !alternatives(**c).is_empty())
        .count();
    if chars.len() > MAX_LEN_FOR_ALTERNATIVES || multi == 0 || multi > MAX_MULTI_SKELETON_CHARS {
        return vec![host.to_owned()];
    }
    let mut out: Vec<String> = vec![String::new()];
    for c in chars {
        let mut next = Vec::new();
        for prefix in &out {
            next.push(format!("{prefix}{c}"));
            for alt in alternatives(c) {
                next.push(format!("{prefix}{alt}"));
            }
        }
        next.truncate(MAX_ALTERNATIVES);
        out = next;
    }
    out
}

/// The skeletons of a host name: what it looks like, for every way of reading it.
pub fn skeletons(host: &str) -> BTreeSet<String> {
    let host = host.trim_end_matches('.').to_lowercase();
    let host = without_diacritics(&host);
    let mut out = BTreeSet::new();
    for spelling in spellings(&host) {
        let mapped: String = spelling
            .chars()
            .map(|c| extra_confusable(c).map_or_else(|| c.to_string(), str::to_owned))
            .collect();
        // U+04CF (ӏ) reads as a lower-case L as well as an i.
        if mapped.contains('ӏ') {
            out.insert(skeleton(&mapped.replace('ӏ', "l")).collect());
        }
        out.insert(skeleton(&mapped).collect());
    }
    out
}

/// A list of top domains, by skeleton.
#[derive(Debug, Default)]
pub struct TopDomains {
    by_skeleton: HashMap<String, String>,
}

impl TopDomains {
    /// The list of `domains` (ASCII or Unicode, lower case).
    pub fn new<'a>(domains: impl IntoIterator<Item = &'a str>) -> TopDomains {
        let mut by_skeleton = HashMap::new();
        for d in domains {
            let d = d.trim();
            if d.is_empty() || d.starts_with('#') {
                continue;
            }
            for s in skeletons(d) {
                by_skeleton.entry(s).or_insert_with(|| d.to_owned());
            }
        }
        TopDomains { by_skeleton }
    }

    /// The top domain a skeleton matches: its last labels, longest first, at least two.
    fn lookup(&self, skeleton: &str) -> Option<&str> {
        let labels: Vec<&str> = skeleton.split('.').collect();
        let start = labels.len().saturating_sub(LABELS_CHECKED);
        (start..labels.len().saturating_sub(1))
            .find_map(|i| self.by_skeleton.get(&labels[i..].join(".")))
            .map(String::as_str)
    }

    /// The top domain `host` (as it would be shown) looks like without being it or a name
    /// under it, if any.
    pub fn similar(&self, host: &str) -> Option<&str> {
        let host = host.trim_end_matches('.').to_lowercase();
        for s in skeletons(&host) {
            if let Some(top) = self.lookup(&s) {
                let top_unicode = idna::domain_to_unicode(top).0;
                let own = [top, top_unicode.as_str()]
                    .iter()
                    .any(|t| host == *t || host.ends_with(&format!(".{t}")));
                return (!own).then_some(top);
            }
        }
        None
    }
}
