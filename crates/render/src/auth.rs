//! Authentication-Results (RFC 8601), believed only from the user's own provider.
//!
//! Anyone can write an Authentication-Results header into a message. A provider's MTA adds its
//! own on top (and should remove any carrying its authserv-id, RFC 8601 §5), so the first
//! header whose authserv-id is one the caller trusts is the provider's verdict. All others are
//! ignored, never shown.

use quietpost_model::{Authentication, SafeLine};

/// Builds the trusted verdict from the raw (unfolded) Authentication-Results values in header
/// order, or `None` if none carries a trusted authserv-id.
pub fn trusted_results(values: &[String], trusted_ids: &[String]) -> Option<Authentication> {
    values.iter().find_map(|v| {
        let clean = strip_comments(v);
        let mut segments = clean.split(';');
        let id = segments.next()?.split_whitespace().next()?;
        if !trusted_ids.iter().any(|t| t.eq_ignore_ascii_case(id)) {
            return None;
        }
        let mut dkim: Option<String> = None;
        let mut dkim_domain = None;
        let mut spf = None;
        let mut dmarc = None;
        for seg in segments {
            let mut words = seg.split_whitespace();
            let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
                continue;
            };
            let method = method
                .split('/')
                .next()
                .unwrap_or(method)
                .to_ascii_lowercase();
            let result = result.to_ascii_lowercase();
            match method.as_str() {
                "dkim" => {
                    // Any passing signature wins; otherwise the first result stands.
                    if result == "pass" && dkim.as_deref() != Some("pass") {
                        dkim = Some(result);
                        dkim_domain = words
                            .find_map(|w| {
                                w.strip_prefix("header.d=")
                                    .or_else(|| w.strip_prefix("header.i="))
                            })
                            .map(|d| {
                                d.trim_start_matches('@')
                                    .rsplit('@')
                                    .next()
                                    .unwrap_or(d)
                                    .to_owned()
                            });
                    } else if dkim.is_none() {
                        dkim = Some(result);
                    }
                }
                "spf" if spf.is_none() => spf = Some(result),
                "dmarc" if dmarc.is_none() => dmarc = Some(result),
                _ => {}
            }
        }
        let line = |s: Option<String>| SafeLine::new(s.as_deref().unwrap_or("none"), 32);
        Some(Authentication {
            trusted: true,
            authserv_id: SafeLine::new(id, 255),
            dkim: line(dkim),
            spf: line(spf),
            dmarc: line(dmarc),
            dkim_domain: dkim_domain.map(|d| SafeLine::new(&d, 255)),
        })
    })
}

fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trusted_id_counts() {
        let values = vec![
            "mx.attacker.example; dkim=pass; spf=pass; dmarc=pass".to_owned(),
            "mx.quietpost.test (comment); dkim=fail header.d=x.example; dkim=pass (ok) header.d=example.com; spf=softfail; dmarc=pass".to_owned(),
        ];
        let a = trusted_results(&values, &["MX.quietpost.test".to_owned()]).unwrap();
        assert_eq!(
            (a.dkim.as_str(), a.spf.as_str(), a.dmarc.as_str()),
            ("pass", "softfail", "pass")
        );
        assert_eq!(a.dkim_domain.unwrap().as_str(), "example.com");
        assert!(trusted_results(&values[..1], &["mx.quietpost.test".to_owned()]).is_none());
        assert!(trusted_results(&values, &[]).is_none());
    }
}
