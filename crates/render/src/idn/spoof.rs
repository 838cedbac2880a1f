//! Whether one label of a domain name may be shown in Unicode: Chromium's IDN spoof checks
//! (components/url_formatter/spoof_checks/idn_spoof_checker.cc), rebuilt on the UTS #39 data of
//! the `unicode-security` crate instead of ICU's spoof checker.

use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};
use unicode_security::GeneralSecurityProfile;
use unicode_security::RestrictionLevel;

/// Characters allowed in identifiers (UTS #39 Identifier_Status=Allowed) that are still never
/// shown in a domain name, as in Chromium (mostly Mozilla's IDN block list): look-alikes of a
/// slash, hyphens and quotes, characters invalid in IDNA 2008, a historic Latin letter, the
/// joiners, and whole blocks of rarely used Latin, Greek and Cyrillic letters.
fn blocked(c: char) -> bool {
    matches!(c,
        '\u{0338}' | '\u{058A}' | '\u{2010}' | '\u{2019}' | '\u{2027}' | '\u{30A0}'
        | '\u{02BB}' | '\u{02BC}' | '\u{02EC}' | '\u{0138}' | '\u{200C}' | '\u{200D}'
        | '\u{01CD}'..='\u{01DC}'   // Latin Extended-B: Pinyin
        | '\u{1C80}'..='\u{1C8F}'   // Cyrillic Extended-C
        | '\u{1E00}'..='\u{1E9B}'   // Latin Extended Additional
        | '\u{1F00}'..='\u{1FFF}'   // Greek Extended
        | '\u{A640}'..='\u{A69F}'   // Cyrillic Extended-B
        | '\u{A720}'..='\u{A7FF}') // Latin Extended-D
}

/// Characters in ICU's recommended and inclusion sets, which Chromium's checker starts from,
/// that the UTS #39 Identifier_Status data of the `unicode-security` crate does not allow:
/// Bopomofo (written with Han in Taiwan), the Kana voiced sound marks (refused in mixed labels
/// by the dangerous patterns), three Georgian letters and the Myanmar Shan digits.
fn also_allowed(c: char) -> bool {
    matches!(c,
        '\u{3105}'..='\u{312F}' | '\u{31A0}'..='\u{31BF}' | '\u{3099}' | '\u{309A}'
        | '\u{10FD}'..='\u{10FF}' | '\u{1090}'..='\u{1099}')
}

fn allowed(c: char) -> bool {
    (GeneralSecurityProfile::identifier_allowed(c) || also_allowed(c)) && !blocked(c)
}

/// The zero of each decimal numbering system (General_Category=Nd comes in runs of ten).
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950,
    0x1FBF0,
];

/// The numbering system (its zero) of a decimal digit.
fn digit_system(c: char) -> Option<u32> {
    let v = c as u32;
    DIGIT_ZEROS
        .iter()
        .copied()
        .find(|z| (*z..*z + 10).contains(&v))
}

/// The restriction level of a label whose characters are all allowed (UTS #39 §5.2, as the
/// `unicode-security` crate computes it, but over this module's allowed set).
fn restriction_level(label: &str) -> RestrictionLevel {
    use unicode_security::mixed_script::AugmentedScriptSet;
    if label.is_ascii() {
        return RestrictionLevel::ASCIIOnly;
    }
    let mut set = AugmentedScriptSet::default();
    let mut without_latin = AugmentedScriptSet::default();
    for c in label.chars() {
        let own = AugmentedScriptSet::for_char(c);
        set.intersect_with(own);
        if !own.base.contains_script(Script::Latin) {
            without_latin.intersect_with(own);
        }
    }
    if !set.is_empty() {
        RestrictionLevel::SingleScript
    } else if without_latin.kore || without_latin.hanb || without_latin.jpan {
        RestrictionLevel::HighlyRestrictive
    } else {
        RestrictionLevel::MinimallyRestrictive
    }
}

/// ICU's spoof checks as Chromium configures them (uspoof_check): every character allowed,
/// at most the "highly restrictive" mix of scripts, no repeated combining mark (invisible),
/// digits from one numbering system only. The restriction level when they pass.
fn icu_checks(label: &str) -> Option<RestrictionLevel> {
    if !label.chars().all(allowed) {
        return None;
    }
    let level = restriction_level(label);
    if level > RestrictionLevel::HighlyRestrictive {
        return None;
    }
    // Invisible: the same combining mark twice on one base character.
    let mut marks: Vec<char> = Vec::new();
    for c in label.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            if marks.contains(&c) {
                return None;
            }
            marks.push(c);
        } else {
            marks.clear();
        }
    }
    // Mixed numbers.
    let mut system = None;
    for z in label.chars().filter_map(digit_system) {
        if system.is_some_and(|s| s != z) {
            return None;
        }
        system = Some(z);
    }
    Some(level)
}

/// A script whose letters can together spell a Latin-looking name, the letters that do, and
/// the top-level domains where names in it are expected.
struct WholeScript {
    script: Script,
    lookalikes: &'static str,
    tlds: &'static [&'static str],
}

const WHOLE_SCRIPT_CONFUSABLES: &[WholeScript] = &[
    WholeScript {
        script: Script::Armenian,
        lookalikes: "ագզէլհյոսւօՙ",
        tlds: &["am"],
    },
    WholeScript {
        script: Script::Cyrillic,
        lookalikes: "аысԁеԍһіюкјӏорԗԛѕԝхуъьҽпгѵѡ",
        tlds: &["bg", "by", "kz", "pyc", "ru", "su", "ua", "uz"],
    },
    WholeScript {
        script: Script::Ethiopic,
        lookalikes: "ሀሠሰስበነተከዐዕዘጠፐꬅ",
        tlds: &["er", "et"],
    },
    WholeScript {
        script: Script::Georgian,
        lookalikes: "იოყძხჽჿ",
        tlds: &["ge"],
    },
    WholeScript {
        script: Script::Greek,
        lookalikes: "αικνρυωηοτ",
        tlds: &["gr"],
    },
    WholeScript {
        script: Script::Hebrew,
        lookalikes: "דוחיןסװײ׳ﬦ",
        tlds: &["il"],
    },
    WholeScript {
        script: Script::Bengali,
        lookalikes: "০৭",
        tlds: &[],
    },
    WholeScript {
        script: Script::Devanagari,
        lookalikes: "ऽ०ॱ",
        tlds: &[],
    },
    WholeScript {
        script: Script::Gujarati,
        lookalikes: "ડટ૦૧",
        tlds: &[],
    },
    WholeScript {
        script: Script::Gurmukhi,
        lookalikes: "੦੧",
        tlds: &[],
    },
    WholeScript {
        script: Script::Kannada,
        lookalikes: "ಽ೦೧",
        tlds: &[],
    },
    WholeScript {
        script: Script::Malayalam,
        lookalikes: "ടഠധനറ൦",
        tlds: &[],
    },
    WholeScript {
        script: Script::Oriya,
        lookalikes: "ଠ୦୮",
        tlds: &[],
    },
    WholeScript {
        script: Script::Tamil,
        lookalikes: "டப௦",
        tlds: &[],
    },
    WholeScript {
        script: Script::Telugu,
        lookalikes: "౦౧",
        tlds: &[],
    },
    WholeScript {
        script: Script::Myanmar,
        lookalikes: "ခဂငထပဝ၀၂ၔၜ\u{1090}\u{1091}\u{1095}\u{1096}\u{1097}",
        tlds: &["mm"],
    },
    WholeScript {
        // The larger (Linux) set of Chromium's: some of these look like Latin only in some
        // fonts, and Quietpost cannot know the reader's.
        script: Script::Thai,
        lookalikes: "ทนบพรหเแ๐ดลปฟม",
        tlds: &["th"],
    },
];

/// Common words that are whole-script confusables but look like no Latin word.
const ALLOWED_WHOLE_SCRIPT_WORDS: &[&str] = &[
    "секс",
    "как",
    "коса",
    "курс",
    "парк",
    "такий",
    "укроп",
    "сахарок",
    "покраска",
];

/// Characters that are, or look like, digits.
const DIGIT_LOOKALIKES: &str = "θ२২੨૨೩೭շзҙӡउওਤ੩૩౩ဒვპੜკ੫丩ㄐճ৪੪୫૭୨౨";

fn is_whole_script_confusable(label: &str, ws: &WholeScript) -> bool {
    let mut any = false;
    for c in label.chars().filter(|c| c.script() == ws.script) {
        if !ws.lookalikes.contains(c) {
            return false;
        }
        any = true;
    }
    any
}

fn allowed_for_tld(ws: &WholeScript, tld: &str, tld_unicode: &str) -> bool {
    tld_unicode.chars().any(|c| c.script() == ws.script) || ws.tlds.contains(&tld)
}

fn is_digit_lookalike(label: &str) -> bool {
    let mut lookalike = false;
    for c in label.chars() {
        if c.is_ascii_digit() {
            continue;
        }
        if DIGIT_LOOKALIKES.contains(c) {
            lookalike = true;
            continue;
        }
        return false;
    }
    lookalike
}

/// Latin, Greek, Cyrillic, ASCII digits, `._-` and the combining marks U+0300–U+0339: the
/// characters diacritics are removed from before comparing with top domains.
pub(super) fn is_lgc_or_ascii(c: char) -> bool {
    matches!(c.script(), Script::Latin | Script::Greek | Script::Cyrillic)
        || c.is_ascii_digit()
        || matches!(c, '.' | '_' | '-' | '\u{0300}'..='\u{0339}')
}

/// The middle dot is allowed only in Catalan names, between two `l`s (ela geminada).
fn has_unsafe_middle_dot(label: &[char], tld: &str) -> bool {
    label.iter().enumerate().any(|(i, c)| {
        *c == '\u{00B7}'
            && (tld != "cat"
                || i == 0
                || i + 1 == label.len()
                || label[i - 1] != 'l'
                || label[i + 1] != 'l')
    })
}

/// Whether `c`'s Script_Extensions hold one of `scripts`. Characters of every script
/// (Common, Inherited) belong to none in particular, as in ICU's `\p{scx=…}`.
fn scx(c: char, scripts: &[Script]) -> bool {
    let ext = c.script_extension();
    !ext.is_common() && !ext.is_inherited() && scripts.iter().any(|s| ext.contains_script(*s))
}

const JAPANESE: &[Script] = &[Script::Katakana, Script::Hiragana, Script::Han];
const CJK: &[Script] = &[
    Script::Katakana,
    Script::Hiragana,
    Script::Han,
    Script::Bopomofo,
];
/// Characters that look like slashes next to non-Japanese text.
const SLASH_LIKE: &str = "\u{30CE}\u{30F3}\u{30BD}\u{30BE}\u{4E36}\u{4E40}\u{4E41}\u{4E3F}";
/// CJK characters that look like Latin letters or punctuation next to non-CJK text.
const CJK_LOOKALIKES: &str = "\u{4E00}\u{3127}\u{4E28}\u{4E5B}\u{4E03}\u{4E05}\u{5341}\u{3007}\u{3112}\u{311A}\u{311F}\u{3128}\u{3129}\u{3108}\u{31BA}\u{31B3}\u{5DE5}\u{31B2}\u{8BA0}\u{4E01}";

/// Chromium's dangerous patterns: characters that are confusable only in some contexts.
fn has_dangerous_pattern(s: &[char]) -> bool {
    let n = s.len();
    let is_kana = |c: char| scx(c, &[Script::Katakana]);
    let is_hira = |c: char| scx(c, &[Script::Hiragana]);
    let combining = |c: char| ('\u{0300}'..='\u{0339}').contains(&c);
    for i in 0..n {
        let c = s[i];
        let prev = i.checked_sub(1).map(|j| s[j]);
        let next = s.get(i + 1).copied();
        // Slash look-alikes with non-Japanese text on both sides.
        if SLASH_LIKE.contains(c)
            && prev.is_some_and(|p| !scx(p, JAPANESE))
            && next.is_some_and(|x| !scx(x, JAPANESE))
        {
            return true;
        }
        // Katakana iteration marks not after Katakana.
        if matches!(c, '\u{30FD}' | '\u{30FE}') && prev.is_none_or(|p| !is_kana(p)) {
            return true;
        }
        // The prolonged sound mark not after Kana.
        if c == '\u{30FC}' && prev.is_none_or(|p| !is_kana(p) && !is_hira(p)) {
            return true;
        }
        // The Katakana middle dot next to a Latin letter.
        if c == '\u{30FB}'
            && (prev.is_some_and(|p| p.is_ascii_lowercase())
                || next.is_some_and(|x| x.is_ascii_lowercase()))
        {
            return true;
        }
        // CJK look-alikes next to non-CJK.
        if CJK_LOOKALIKES.contains(c)
            && (prev.is_some_and(|p| !scx(p, CJK)) || next.is_some_and(|x| !scx(x, CJK)))
        {
            return true;
        }
        // A combining diacritic after a non-LGC letter.
        if combining(c)
            && prev.is_some_and(|p| !scx(p, &[Script::Latin, Script::Greek, Script::Cyrillic]))
        {
            return true;
        }
        // A combining mark on a dotless i.
        if combining(c) && prev == Some('\u{0131}') {
            return true;
        }
        // Kana voiced sound marks.
        if matches!(c, '\u{3099}' | '\u{309A}') {
            return true;
        }
        // A dot above on i, j or l.
        if c == '\u{0307}' && matches!(prev, Some('i' | 'j' | 'l')) {
            return true;
        }
    }
    // A Hiragana he/be/pe in an otherwise Katakana label, or the Katakana ones in Hiragana.
    let lone = |middle: std::ops::RangeInclusive<char>, rest: &dyn Fn(char) -> bool| {
        (1..n.saturating_sub(1)).any(|i| {
            middle.contains(&s[i])
                && s[..i].iter().all(|c| rest(*c))
                && s[i + 1..].iter().all(|c| rest(*c))
        })
    };
    lone('\u{3078}'..='\u{307A}', &is_kana) || lone('\u{30D8}'..='\u{30DA}', &is_hira)
}

/// Whether a (decoded, lower-case) label may be shown in Unicode under the top-level domain
/// `tld` (ASCII) whose Unicode form is `tld_unicode`.
pub fn safe_label(label: &str, tld: &str, tld_unicode: &str) -> bool {
    let Some(level) = icu_checks(label) else {
        return false;
    };
    let chars: Vec<char> = label.chars().collect();
    // Thorn and eth only under Iceland's and the Faroes' TLDs; schwa only under Azerbaijan's.
    if chars.len() > 1 && tld != "is" && tld != "fo" && label.contains(['\u{00FE}', '\u{00F0}']) {
        return false;
    }
    if chars.len() > 1 && tld != "az" && label.contains('\u{0259}') {
        return false;
    }
    if has_unsafe_middle_dot(&chars, tld) {
        return false;
    }
    if level == RestrictionLevel::ASCIIOnly {
        return true;
    }
    let kana_exceptions = |c: &char| matches!(c, '\u{3078}'..='\u{307A}' | '\u{30D8}'..='\u{30DA}' | '\u{30FB}'..='\u{30FE}');
    let combining = |c: &char| ('\u{0300}'..='\u{0339}').contains(c);
    if level == RestrictionLevel::SingleScript
        && !chars.iter().any(kana_exceptions)
        && !chars.iter().any(combining)
    {
        for ws in WHOLE_SCRIPT_CONFUSABLES {
            if is_whole_script_confusable(label, ws)
                && !allowed_for_tld(ws, tld, tld_unicode)
                && !ALLOWED_WHOLE_SCRIPT_WORDS.contains(&label)
            {
                return false;
            }
        }
        return !is_digit_lookalike(label);
    }
    if is_digit_lookalike(label) {
        return false;
    }
    // Non-ASCII Latin letters mixed with another script.
    let non_ascii_latin = chars
        .iter()
        .any(|c| c.script() == Script::Latin && !c.is_ascii_alphabetic());
    if non_ascii_latin && !chars.iter().all(|c| is_lgc_or_ascii(*c)) {
        return false;
    }
    !has_dangerous_pattern(&chars)
}
