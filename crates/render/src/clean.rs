//! Links without their trackers, offline: known redirect wrappers unwrapped to the target
//! they carry in the URL itself, and known tracking parameters removed. Nothing is fetched:
//! a wrapper whose target is not in the URL (a click counter with an opaque id) stays as it is.
//!
//! The lists below were written for Quietpost from the parameters and redirectors seen in
//! mail, checked against the ClearURLs rules (github.com/ClearURLs/Rules, LGPL-3.0), which
//! are not bundled. Keep them short and certain: removing a parameter a site needs breaks the
//! link, and the original link always stays available.

use url::Url;

/// How many wrappers inside each other are unwrapped.
const MAX_UNWRAP: usize = 4;

/// Query parameters that only identify the reader or the campaign, on any site. Lower case;
/// a trailing `*` matches a prefix.
const TRACKING: &[&str] = &[
    "utm_*",
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "igshid",
    "mc_eid",
    "mc_cid",
    "mc_tc",
    "_hsenc",
    "_hsmi",
    "__hssc",
    "__hstc",
    "__hsfp",
    "hsctatracking",
    "mkt_tok",
    "_ga",
    "_gl",
    "oly_anon_id",
    "oly_enc_id",
    "rb_clickid",
    "s_cid",
    "vero_conv",
    "vero_id",
    "wickedid",
    "ml_subscriber",
    "ml_subscriber_hash",
    "_openstat",
    "otm_*",
    "itm_campaign",
    "itm_medium",
    "itm_source",
    "itm_term",
    "pk_campaign",
    "pk_kwd",
    "pk_source",
    "pk_medium",
    "pk_content",
    "mtm_*",
    "ef_id",
    "_bta_tid",
    "_bta_c",
    "ss_source",
    "ss_campaign_id",
    "ss_campaign_name",
    "ss_campaign_sent_date",
    "sc_cid",
    "ncid",
    "cmpid",
    "email_token",
    "email_source",
    "__twitter_impression",
    "fb_action_ids",
    "fb_action_types",
    "fb_source",
    "fb_ref",
];

/// Where a wrapper keeps its target.
enum Carrier {
    /// In one of these query parameters (the first present).
    Query(&'static [&'static str]),
    /// Percent-encoded, as the path segment after this one (`/L0/https:%2F%2F…/`).
    PathAfter(&'static str),
    /// Proofpoint URL Defense v2: `u=` with `-XX` for `%XX` and `_` for `/`.
    ProofpointV2,
}

/// A redirector: its host (exact, or a suffix after a dot), a path prefix, and its carrier.
struct Wrapper {
    host: &'static str,
    path: &'static str,
    carrier: Carrier,
}

const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        host: "safelinks.protection.outlook.com",
        path: "/",
        carrier: Carrier::Query(&["url"]),
    },
    Wrapper {
        host: "l.facebook.com",
        path: "/l.php",
        carrier: Carrier::Query(&["u"]),
    },
    Wrapper {
        host: "lm.facebook.com",
        path: "/l.php",
        carrier: Carrier::Query(&["u"]),
    },
    Wrapper {
        host: "l.messenger.com",
        path: "/l.php",
        carrier: Carrier::Query(&["u"]),
    },
    Wrapper {
        host: "l.instagram.com",
        path: "/",
        carrier: Carrier::Query(&["u"]),
    },
    Wrapper {
        host: "www.youtube.com",
        path: "/redirect",
        carrier: Carrier::Query(&["q"]),
    },
    Wrapper {
        host: "out.reddit.com",
        path: "/",
        carrier: Carrier::Query(&["url"]),
    },
    Wrapper {
        host: "click.redditmail.com",
        path: "/",
        carrier: Carrier::Query(&["url"]),
    },
    Wrapper {
        host: "duckduckgo.com",
        path: "/l/",
        carrier: Carrier::Query(&["uddg"]),
    },
    Wrapper {
        host: "vk.com",
        path: "/away.php",
        carrier: Carrier::Query(&["to"]),
    },
    Wrapper {
        host: "steamcommunity.com",
        path: "/linkfilter/",
        carrier: Carrier::Query(&["url"]),
    },
    Wrapper {
        host: "slack-redir.net",
        path: "/link",
        carrier: Carrier::Query(&["url"]),
    },
    Wrapper {
        host: "www.linkedin.com",
        path: "/redir/redirect",
        carrier: Carrier::Query(&["url"]),
    },
    Wrapper {
        host: "www.googleadservices.com",
        path: "/",
        carrier: Carrier::Query(&["adurl"]),
    },
    Wrapper {
        host: "links.govdelivery.com",
        path: "/",
        carrier: Carrier::Query(&["url"]),
    },
    Wrapper {
        host: "awstrack.me",
        path: "/",
        carrier: Carrier::PathAfter("L0"),
    },
    Wrapper {
        host: "urldefense.proofpoint.com",
        path: "/v2/url",
        carrier: Carrier::ProofpointV2,
    },
];

/// Parameters that newsletter click trackers put their target in.
const TARGET_PARAMS: &[&str] = &[
    "url",
    "u",
    "redirect",
    "redirect_url",
    "redirecturl",
    "target",
    "dest",
    "destination",
    "to",
    "link",
    "goto",
];

/// First labels of hosts that are click trackers by name (`click.shop.example`,
/// `links.news.example`, `track.mailer.example`).
const TRACKER_LABELS: &[&str] = &[
    "click", "clicks", "track", "tracking", "trk", "links", "link", "lnk", "email", "go",
    "redirect", "r", "t", "e",
];

/// A link made clean, and what was done to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub url: Url,
    /// The hosts of the wrappers unwrapped, outermost first.
    pub unwrapped: Vec<String>,
    /// The tracking parameters removed.
    pub removed: Vec<String>,
}

/// The link without its known wrappers and tracking parameters.
pub fn clean(url: &Url) -> Cleaned {
    let mut url = url.clone();
    let mut unwrapped = Vec::new();
    for _ in 0..MAX_UNWRAP {
        match target(&url) {
            Some(inner) => {
                unwrapped.push(url.host_str().unwrap_or_default().to_owned());
                url = inner;
            }
            None => break,
        }
    }
    let removed = strip_tracking(&mut url);
    Cleaned {
        url,
        unwrapped,
        removed,
    }
}

/// The target a redirector carries in its URL, if `url` is one and the target is an absolute
/// http(s) URL.
fn target(url: &Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let path = url.path();
    let carried = if is_google(&host) && path == "/url" {
        query_value(url, &["q", "url"])
    } else if let Some(w) = WRAPPERS.iter().find(|w| {
        (host == w.host || host.ends_with(&format!(".{}", w.host))) && path.starts_with(w.path)
    }) {
        match &w.carrier {
            Carrier::Query(names) => query_value(url, names),
            Carrier::PathAfter(segment) => {
                let mut segments = url.path_segments()?;
                segments.find(|s| s == segment)?;
                Some(percent_decode(segments.next()?))
            }
            Carrier::ProofpointV2 => {
                let u = query_value(url, &["u"])?;
                Some(percent_decode(&u.replace('-', "%").replace('_', "/")))
            }
        }
    } else if host
        .split('.')
        .next()
        .is_some_and(|first| TRACKER_LABELS.contains(&first))
    {
        query_value(url, TARGET_PARAMS)
    } else {
        None
    }?;
    let inner = Url::parse(carried.trim()).ok()?;
    (matches!(inner.scheme(), "http" | "https") && inner.host_str().is_some()).then_some(inner)
}

/// Google's own hosts: google.com, www.google.co.uk, …
fn is_google(host: &str) -> bool {
    crate::links::registrable(host)
        .and_then(|r| r.split('.').next().map(|l| l == "google"))
        .unwrap_or(false)
}

/// The decoded value of the first of `names` present in the query (names in lower case).
fn query_value(url: &Url, names: &[&str]) -> Option<String> {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
        .collect();
    names.iter().find_map(|n| {
        pairs
            .iter()
            .find(|(k, v)| k == n && !v.is_empty())
            .map(|(_, v)| v.clone())
    })
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Removes tracking parameters from the query, leaving every other parameter exactly as
/// written (same order, same encoding). Returns the names removed.
fn strip_tracking(url: &mut Url) -> Vec<String> {
    let Some(query) = url.query() else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    let mut removed = Vec::new();
    for pair in query.split('&') {
        let name = pair.split('=').next().unwrap_or("");
        let decoded = percent_decode(name).to_ascii_lowercase();
        if is_tracking(&decoded) {
            removed.push(decoded);
        } else if !pair.is_empty() {
            kept.push(pair.to_owned());
        }
    }
    if !removed.is_empty() {
        let rest = kept.join("&");
        url.set_query((!rest.is_empty()).then_some(rest.as_str()));
    }
    removed
}

fn is_tracking(name: &str) -> bool {
    TRACKING.iter().any(|t| match t.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(u: &str) -> (String, Vec<String>, Vec<String>) {
        let c = clean(&Url::parse(u).unwrap());
        (c.url.to_string(), c.unwrapped, c.removed)
    }

    #[test]
    fn tracking_parameters_go_and_the_rest_stays_as_written() {
        let (u, wrapped, removed) = cleaned(
            "https://shop.example/p?id=7&utm_source=mail&utm_campaign=x&fbclid=abc&q=a%20b&mc_eid=1",
        );
        assert_eq!(u, "https://shop.example/p?id=7&q=a%20b");
        assert!(wrapped.is_empty());
        assert_eq!(removed, ["utm_source", "utm_campaign", "fbclid", "mc_eid"]);
        let (u, _, _) = cleaned("https://shop.example/p?utm_medium=email#top");
        assert_eq!(u, "https://shop.example/p#top");
        // Nothing to remove: untouched.
        let (u, _, removed) = cleaned("https://shop.example/p?a=1&b=2");
        assert_eq!(u, "https://shop.example/p?a=1&b=2");
        assert!(removed.is_empty());
    }

    #[test]
    fn redirect_wrappers_are_unwrapped_offline() {
        for (wrapped, host) in [
            (
                "https://www.google.com/url?sa=t&url=https%3A%2F%2Fbank.example%2Flogin&usg=x",
                "www.google.com",
            ),
            (
                "https://www.google.co.uk/url?q=https://bank.example/login",
                "www.google.co.uk",
            ),
            (
                "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fbank.example%2Flogin&data=05%7C01",
                "eur01.safelinks.protection.outlook.com",
            ),
            (
                "https://l.facebook.com/l.php?u=https%3A%2F%2Fbank.example%2Flogin&h=AT0",
                "l.facebook.com",
            ),
            (
                "https://urldefense.proofpoint.com/v2/url?u=https-3A__bank.example_login&d=DwMF",
                "urldefense.proofpoint.com",
            ),
            (
                "https://click.news.example/ls/click?upn=x&url=https%3A%2F%2Fbank.example%2Flogin",
                "click.news.example",
            ),
            (
                "https://abc.r.us-east-1.awstrack.me/L0/https:%2F%2Fbank.example%2Flogin/1/0100/xyz=",
                "abc.r.us-east-1.awstrack.me",
            ),
        ] {
            let (u, unwrapped, _) = cleaned(wrapped);
            assert_eq!(u, "https://bank.example/login", "{wrapped}");
            assert_eq!(unwrapped, [host], "{wrapped}");
        }
        // Wrapped twice, with tracking inside.
        let (u, unwrapped, removed) = cleaned(
            "https://www.google.com/url?q=https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu%3Dhttps%253A%252F%252Fbank.example%252F%253Futm_source%253Dx",
        );
        assert_eq!(u, "https://bank.example/");
        assert_eq!(unwrapped.len(), 2);
        assert_eq!(removed, ["utm_source"]);
    }

    #[test]
    fn only_http_targets_and_only_known_wrappers() {
        // A target that is not a web address stays wrapped (and is analysed as the wrapper).
        let (u, unwrapped, _) = cleaned("https://www.google.com/url?q=javascript:alert(1)");
        assert!(u.starts_with("https://www.google.com/url"));
        assert!(unwrapped.is_empty());
        // A site's own redirect parameter is not a wrapper unless the host is a tracker.
        let (u, unwrapped, _) =
            cleaned("https://accounts.bank.example/login?redirect=https%3A%2F%2Fbank.example%2F");
        assert!(u.starts_with("https://accounts.bank.example/login"));
        assert!(unwrapped.is_empty());
        // A look-alike of a wrapper's host is not that wrapper.
        let (_, unwrapped, _) =
            cleaned("https://l.facebook.com.attacker.example/l.php?u=https%3A%2F%2Fbank.example");
        assert!(unwrapped.is_empty());
    }
}
