//! Link analysis: the real target of a link, its host, and what about it should worry a reader.

use crate::idn::view_domain;
use quietpost_model::{Code, Link, SafeLine};
use url::{Host, Url};

/// Longest link text kept.
const MAX_TEXT_CHARS: usize = 300;
/// Longest URL shown (a `data:` URL can be megabytes).
const MAX_URL_CHARS: usize = 2048;
/// Longest web or mail link kept whole, so it can be opened exactly as written; a longer one
/// cannot be opened (it could not be shown whole for checking either).
const MAX_OPENABLE_URL_CHARS: usize = 8192;
/// Stand-in base used to tell relative references from network-path ones (`//host/x`,
/// `\\host\x`): a reference that resolves onto this host was relative.
pub(crate) const SENTINEL_HOST: &str = "quietpost.invalid";

/// Schemes that may be handed to the system (after the user saw the full URL).
const ACTIVATABLE: [&str; 3] = ["http", "https", "mailto"];

/// Parses `href` the way a browser would, resolving network-path references as https.
/// `Err(true)` means a relative reference, `Err(false)` an unparsable one.
pub(crate) fn parse_href(href: &str, base: Option<&Url>) -> Result<Url, bool> {
    // A constant that parses; were it ever not to, every reference would count as relative
    // (never fetched, never opened), which fails closed.
    let Ok(sentinel) = Url::parse("https://quietpost.invalid/") else {
        return Err(true);
    };
    let base_url = base.unwrap_or(&sentinel);
    match Url::options().base_url(Some(base_url)).parse(href) {
        Ok(u)
            if base.is_none()
                && u.host_str() == Some(SENTINEL_HOST)
                && !mentions_sentinel(href) =>
        {
            Err(true)
        }
        Ok(u) => Ok(u),
        Err(_) => Err(false),
    }
}

fn mentions_sentinel(href: &str) -> bool {
    href.to_ascii_lowercase().contains(SENTINEL_HOST)
}

/// `\\server\share`, `//server/share` and mixes: a network path, which Windows resolves as UNC
/// (SMB, leaking credentials) when there is no web base.
fn is_network_path(href: &str) -> bool {
    let t = href.trim_start_matches(|c: char| c.is_ascii_whitespace() || c.is_ascii_control());
    let mut chars = t.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some('/' | '\\'), Some('/' | '\\'))
    )
}

/// Analyses one link as displayed with `text` and pointing at `href`, resolved against the
/// document's `<base>` if it has one.
pub fn analyze(text: &str, href: &str, base: Option<&Url>) -> Link {
    let text_line = SafeLine::new(text, MAX_TEXT_CHARS);
    let mut warnings = Vec::new();
    if base.is_none() && is_network_path(href) {
        warnings.push(Code::DangerousScheme);
        return Link {
            text: text_line,
            url: SafeLine::new(href.trim(), MAX_URL_CHARS),
            original: None,
            host: None,
            registrable: None,
            warnings,
            activatable: false,
        };
    }
    let url = match parse_href(href.trim(), base) {
        Ok(u) => u,
        Err(relative) => {
            warnings.push(if relative {
                Code::RelativeLink
            } else {
                Code::UnparsableUrl
            });
            return Link {
                text: text_line,
                url: SafeLine::new(href, MAX_URL_CHARS),
                original: None,
                host: None,
                registrable: None,
                warnings,
                activatable: false,
            };
        }
    };
    // Known redirect wrappers unwrapped and tracking removed (offline); what is left is the
    // link analysed below and opened. The link as written stays available.
    let (url, original) = {
        let cleaned = crate::clean::clean(&url);
        if cleaned.url == url {
            (url, None)
        } else {
            let original = SafeLine::new(url.as_str(), MAX_URL_CHARS);
            (cleaned.url, Some(original))
        }
    };
    let scheme = url.scheme();
    let mut activatable = ACTIVATABLE.contains(&scheme);
    if !activatable {
        warnings.push(Code::DangerousScheme);
    }
    if scheme == "mailto" && mailto_has_extras(&url) {
        warnings.push(Code::MailtoExtra);
    }
    if !url.username().is_empty() || url.password().is_some() {
        warnings.push(Code::Userinfo);
    }
    let mut ascii_host = None;
    let host = match url.host() {
        Some(Host::Domain(d)) => {
            let view = view_domain(d);
            if view.confusable {
                warnings.push(Code::IdnHomograph);
            }
            if other_site_in_subdomain(&view.ascii).is_some() {
                warnings.push(Code::LookalikeSubdomain);
            }
            ascii_host = Some(view.ascii);
            Some(view.display)
        }
        Some(Host::Ipv4(ip)) => {
            warnings.push(Code::IpHost);
            Some(ip.to_string())
        }
        Some(Host::Ipv6(ip)) => {
            warnings.push(Code::IpHost);
            Some(format!("[{ip}]"))
        }
        None if scheme == "mailto" => mailto_domain(&url).map(|d| {
            let view = view_domain(&d);
            if view.confusable {
                warnings.push(Code::IdnHomograph);
            }
            ascii_host = Some(view.ascii);
            view.display
        }),
        None => None,
    };
    if let Some(named) = host_named_in_text(text)
        && !hosts_related(&named, ascii_host.as_deref().unwrap_or(""))
    {
        warnings.push(Code::TextHostMismatch);
    }
    let max = if activatable {
        MAX_OPENABLE_URL_CHARS
    } else {
        MAX_URL_CHARS
    };
    if activatable && url.as_str().len() > MAX_OPENABLE_URL_CHARS {
        // Shown shortened, so never opened: what is opened must be what was shown.
        activatable = false;
        warnings.push(Code::LongUrl);
    }
    let registrable = ascii_host
        .as_deref()
        .filter(|_| matches!(url.host(), Some(Host::Domain(_))))
        .and_then(registrable)
        .map(|r| SafeLine::new(&view_domain(&r).display, 255));
    Link {
        text: text_line,
        url: SafeLine::new(url.as_str(), max),
        original,
        host: host.map(|h| SafeLine::new(&h, 255)),
        registrable,
        warnings,
        activatable,
    }
}

/// Top-level names that make a label before them read as a site's name inside another host:
/// the generic names phishing imitates, and those reserved for documentation and tests (RFC
/// 2606). Brand and word TLDs (`.blog`, `.aws`, `.app`) and two-letter country codes alone are
/// left out: `www.blog.example.com` and `s3.us.example.com` are ordinary subdomains.
const SITE_TLDS: [&str; 13] = [
    "com",
    "net",
    "org",
    "gov",
    "edu",
    "mil",
    "int",
    "info",
    "biz",
    "example",
    "test",
    "invalid",
    "localhost",
];

/// More labels than any rule of the Public Suffix List has, plus the site's own.
const MAX_SUFFIX_LABELS: usize = 8;

/// Another site's registrable name inside a host's subdomain labels —
/// `www.bank.example.login.attacker.example` holds `bank.example` but belongs to
/// attacker.example — if there is one. `host` is in ASCII.
pub fn other_site_in_subdomain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let own = registrable(&host)?;
    let sub = host.strip_suffix(&own)?.strip_suffix('.')?;
    let labels: Vec<&str> = sub.split('.').collect();
    // A label that is a known top-level name (or a known suffix's first label), after at
    // least one label of a name: the name up to there is another site.
    for end in 1..labels.len() {
        // The name ending at `end`, as far back as any public suffix and one label reach (a
        // whole prefix each time was quadratic: 100,000 labels took 13 s).
        let candidate = labels[end.saturating_sub(MAX_SUFFIX_LABELS)..=end].join(".");
        // A generic name, or a country's two-label suffix (`co.uk`, `com.au`).
        let suffix_labels = psl::suffix(candidate.as_bytes())
            .filter(|s| s.is_known())
            .map_or(0, |s| s.as_bytes().split(|b| *b == b'.').count());
        if !SITE_TLDS.contains(&labels[end]) && suffix_labels < 2 {
            continue;
        }
        if let Some(site) = registrable(&candidate)
            && site != candidate.rsplit('.').next().unwrap_or_default()
        {
            return Some(site);
        }
    }
    None
}

/// True if a mailto URL carries header fields beyond to, cc, subject and body.
fn mailto_has_extras(url: &Url) -> bool {
    url.query_pairs().any(|(k, _)| {
        !matches!(
            k.to_ascii_lowercase().as_str(),
            "to" | "cc" | "subject" | "body"
        )
    })
}

fn mailto_domain(url: &Url) -> Option<String> {
    let path = percent_decode(url.path());
    let first = path.split(',').next()?;
    let (_, domain) = first.rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('>');
    (!domain.is_empty()).then(|| domain.to_owned())
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The registrable domain of a host (the part a registrant owns: `attacker.example` of
/// `www.bank.example.login.attacker.example`, `example.co.uk` of `mail.example.co.uk`), from
/// the Public Suffix List compiled in; `None` for an IP address, a bare public suffix or a
/// name that is not a domain. Unknown top-level names count as one label, as browsers do.
pub fn registrable(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return None;
    }
    let domain = psl::domain(host.as_bytes())?;
    std::str::from_utf8(domain.as_bytes())
        .ok()
        .map(str::to_owned)
}

/// True when the host the text names and the real host are the same site: equal, or one a
/// subdomain of the other.
fn hosts_related(named: &str, real: &str) -> bool {
    let strip = |h: &str| h.trim_start_matches("www.").to_owned();
    let (a, b) = (strip(named), strip(real));
    !b.is_empty() && (a == b || b.ends_with(&format!(".{a}")) || a.ends_with(&format!(".{b}")))
}

/// File extensions that look like top-level domains in link text ("report.pdf").
const FILE_LIKE: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "jpg", "jpeg", "png", "gif", "zip",
    "exe", "html", "htm", "php", "asp", "aspx", "csv", "mp3", "mp4", "js", "css", "json", "xml",
    "ics", "eml", "py", "rs", "sh", "svg", "webp",
];

/// The host a piece of link text names, in ASCII, if it names one: a URL, `www.` name, an
/// email address or a bare domain. Full-width and other compatibility forms are folded first.
pub(crate) fn host_named_in_text(text: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    // Invisible characters inside a name ("pay\u{200B}pal.example") must not hide it.
    let visible: String = text
        .chars()
        .filter(|&c| {
            !quietpost_model::text::is_invisible(c) && !quietpost_model::text::is_bidi_control(c)
        })
        .collect();
    let folded: String = visible.nfkc().collect::<String>().to_lowercase();
    for token in folded.split(|c: char| c.is_whitespace() || "<>\"'()[]{},;|".contains(c)) {
        let mut t = token;
        let has_scheme = if let Some(i) = t.find("://") {
            t = &t[i + 3..];
            true
        } else {
            false
        };
        if let Some((_, after)) = t.rsplit_once('@') {
            t = after;
        }
        let end = t.find(['/', '?', '#', ':']).unwrap_or(t.len());
        let host = t[..end].trim_end_matches(['.', '!', '?']);
        if !host.contains('.') || host.starts_with('.') {
            continue;
        }
        let tld = host.rsplit('.').next().unwrap_or("");
        let tld_ok = tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic);
        let plausible = has_scheme || host.starts_with("www.") || !FILE_LIKE.contains(&tld);
        if tld_ok && plausible || has_scheme && host.parse::<std::net::Ipv4Addr>().is_ok() {
            return Some(view_domain(host).ascii);
        }
    }
    None
}

/// Finds URLs in plain text: `scheme://…` for http/https/ftp, `www.…` and `mailto:…`.
/// Returns byte ranges, with trailing punctuation and unbalanced closing brackets left out.
pub fn find_urls(text: &str) -> Vec<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &lower[i..];
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let starts = boundary
            && ["https://", "http://", "ftp://", "www.", "mailto:"]
                .iter()
                .any(|p| rest.starts_with(p));
        if !starts {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let mut end = i;
        for (off, c) in text[i..].char_indices() {
            if c.is_whitespace() || "<>\"`{}|\\^".contains(c) || c.is_control() {
                break;
            }
            end = i + off + c.len_utf8();
        }
        end = trim_url_end(text, i, end);
        if end > i + 4 {
            out.push((i, end));
        }
        i = end.max(i + 1);
    }
    out
}

fn trim_url_end(text: &str, start: usize, mut end: usize) -> usize {
    loop {
        let s = &text[start..end];
        let Some(last) = s.chars().last() else {
            return end;
        };
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' => true,
            ')' => s.matches('(').count() < s.matches(')').count(),
            ']' => s.matches('[').count() < s.matches(']').count(),
            _ => false,
        };
        if !drop {
            return end;
        }
        end -= last.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str, href: &str) -> Vec<Code> {
        super::analyze(text, href, None).warnings
    }

    fn analyze(text: &str, href: &str) -> Link {
        super::analyze(text, href, None)
    }

    #[test]
    fn unc_and_base_and_mailto_extras() {
        let l = analyze("report", "\\\\server\\share\\report.docx");
        assert!(
            !l.activatable && l.warnings.contains(&Code::DangerousScheme),
            "{l:?}"
        );
        assert!(!analyze("x", "//server/share").activatable);
        let base = Url::parse("https://base.example/assets/").unwrap();
        let l = super::analyze("account", "account", Some(&base));
        assert_eq!(l.url.as_str(), "https://base.example/assets/account");
        assert!(
            codes(
                "x",
                "mailto:a@example.com?attach=/home/u/.ssh/id_rsa&bcc=e@evil.example"
            )
            .contains(&Code::MailtoExtra)
        );
        assert!(codes("x", "mailto:a@example.com?subject=hi&body=there").is_empty());
    }

    #[test]
    fn mismatch_between_text_and_target() {
        assert!(
            codes(
                "https://www.bank.example/login",
                "https://attacker.example/"
            )
            .contains(&Code::TextHostMismatch)
        );
        assert!(
            codes("bank.example", "https://bank.example.attacker.example/")
                .contains(&Code::TextHostMismatch)
        );
        assert!(codes("bank.example", "https://www.bank.example/x").is_empty());
        assert!(codes("Download report.pdf", "https://files.example/report.pdf").is_empty());
        assert!(codes("Click here", "https://files.example/").is_empty());
        assert!(
            codes("pay\u{200B}pal.example", "https://evil.example/")
                .contains(&Code::TextHostMismatch)
        );
        assert!(codes("ｐａｙｐａｌ.example", "https://paypal.example/").is_empty());
    }

    #[test]
    fn numeric_hosts_are_normalised() {
        let l = analyze("x", "http://3232235777/");
        assert_eq!(l.host.unwrap().as_str(), "192.168.1.1");
        assert!(l.warnings.contains(&Code::IpHost));
        assert_eq!(
            analyze("x", "http://0xC0A80101/").host.unwrap().as_str(),
            "192.168.1.1"
        );
        assert_eq!(
            analyze("x", "http://127.1/").host.unwrap().as_str(),
            "127.0.0.1"
        );
    }

    #[test]
    fn userinfo_and_schemes() {
        assert!(codes("x", "https://bank.example@attacker.example/").contains(&Code::Userinfo));
        let js = analyze("x", " JaVaScRiPt:alert(1)");
        assert!(js.warnings.contains(&Code::DangerousScheme) && !js.activatable);
        assert!(!analyze("x", "file:///etc/passwd").activatable);
        assert!(analyze("x", "mailto:a@example.com").activatable);
        assert!(!analyze("x", "/login").activatable);
    }

    #[test]
    fn homograph_host_is_punycode() {
        let l = analyze("x", "https://аррӏе.com/");
        assert!(l.warnings.contains(&Code::IdnHomograph));
        assert!(l.host.unwrap().as_str().starts_with("xn--"));
    }

    #[test]
    fn finds_plain_urls() {
        let t = "see (https://example.com/a_(b)) and www.example.org, ok.";
        let found: Vec<&str> = find_urls(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(found, ["https://example.com/a_(b)", "www.example.org"]);
    }

    #[test]
    fn registrable_domains_and_other_sites_in_subdomains() {
        assert_eq!(
            registrable("www.bank.example.login.verify.attacker.example").as_deref(),
            Some("attacker.example")
        );
        assert_eq!(
            registrable("mail.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(registrable("co.uk"), None);
        assert_eq!(registrable("192.0.2.1"), None);
        for (host, site) in [
            (
                "www.bank.example.login.verify.attacker.example",
                Some("bank.example"),
            ),
            (
                "www.paypal.com.secure-login.attacker.example",
                Some("paypal.com"),
            ),
            ("login.bank.co.uk.attacker.example", Some("bank.co.uk")),
            ("accounts.google.com", None),
            ("docs.aws.amazon.com", None),
            ("www.blog.example.com", None),
            ("s3.us.example.com", None),
            ("news.bbc.co.uk", None),
            ("mail.example.com", None),
        ] {
            assert_eq!(other_site_in_subdomain(host).as_deref(), site, "{host}");
        }
        let l = analyze(
            "Sign in",
            "https://www.bank.example.login.attacker.example/?utm_source=x",
        );
        assert!(l.warnings.contains(&Code::LookalikeSubdomain));
        assert_eq!(l.registrable.as_ref().unwrap().as_str(), "attacker.example");
        assert_eq!(
            l.url.as_str(),
            "https://www.bank.example.login.attacker.example/"
        );
        assert!(l.original.as_ref().unwrap().as_str().contains("utm_source"));
    }

    #[test]
    fn an_unwrapped_link_is_analysed_as_its_target() {
        let l = analyze(
            "bank.example",
            "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2F198.51.100.23%2Flogin&data=1",
        );
        assert_eq!(l.url.as_str(), "https://198.51.100.23/login");
        assert_eq!(l.host.as_ref().unwrap().as_str(), "198.51.100.23");
        assert!(l.warnings.contains(&Code::IpHost));
        assert!(l.warnings.contains(&Code::TextHostMismatch));
        assert!(l.original.as_ref().unwrap().as_str().contains("safelinks"));
    }

    #[test]
    fn a_long_link_is_opened_whole_or_not_at_all() {
        let long = format!("https://shop.example/?q={}", "a".repeat(5000));
        let l = analyze("shop", &long);
        assert!(l.activatable);
        assert_eq!(l.url.as_str(), long, "kept whole");
        let too_long = format!("https://shop.example/?q={}", "a".repeat(9000));
        let l = analyze("shop", &too_long);
        assert!(!l.activatable && l.warnings.contains(&Code::LongUrl));
    }
}
