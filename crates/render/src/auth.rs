//! Authentication-Results (RFC 8601), believed only from the user's own provider.
//!
//! Anyone can write an Authentication-Results header into a message. A provider's MTA adds its
//! own on top (and should remove any carrying its authserv-id, RFC 8601 §5), so the first
//! header whose authserv-id is one the caller trusts is the provider's verdict. All others are
//! ignored, never shown.

use quietpost_model::{Addr, Authentication, Code, SafeLine, Warning};

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
        let mut dkim_domains: Vec<String> = Vec::new();
        let mut spf = None;
        let mut dmarc = None;
        let mut dmarc_domain = None;
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
            let properties: Vec<&str> = words.collect();
            let property = |name: &str| {
                properties.iter().find_map(|w| {
                    let (k, v) = w.split_once('=')?;
                    k.eq_ignore_ascii_case(name)
                        .then(|| v.trim_matches('"').to_ascii_lowercase())
                })
            };
            match method.as_str() {
                "dkim" => {
                    // The signer: header.d, else the domain of header.i.
                    let signer = property("header.d").or_else(|| {
                        property("header.i").map(|i| i.rsplit('@').next().unwrap_or(&i).to_owned())
                    });
                    if result == "pass" {
                        if let Some(d) = &signer
                            && !dkim_domains.contains(d)
                        {
                            dkim_domains.push(d.clone());
                        }
                        // Any passing signature wins; otherwise the first result stands.
                        if dkim.as_deref() != Some("pass") {
                            dkim = Some(result);
                            dkim_domain = signer;
                        }
                    } else if dkim.is_none() {
                        dkim = Some(result);
                    }
                }
                "spf" if spf.is_none() => spf = Some(result),
                "dmarc" if dmarc.is_none() => {
                    dmarc = Some(result);
                    dmarc_domain = property("header.from");
                }
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
            dkim_domains: dkim_domains.iter().map(|d| SafeLine::new(d, 255)).collect(),
            dmarc_domain: dmarc_domain.map(|d| SafeLine::new(&d, 255)),
            verified: false,
            verified_domain: None,
        })
    })
}

/// The one verdict on who sent a message, used by every view and by the image policy: the
/// domain the user's provider vouches for as the sender's, or `None`.
///
/// Vouched for means a result from the provider (`auth` is only ever built from a trusted
/// authserv-id) that is either a DMARC pass for the very From domain shown (when the result
/// names the domain it read, it must be this one: a provider that read another From than
/// ours vouches for nothing we show), or a DKIM pass by a signer aligned with the From domain
/// (the same registrable domain, DMARC's relaxed alignment). Never when the sender is
/// ambiguous, several, or carries any warning of its own.
pub fn verdict(auth: &Authentication, from: &[Addr], warnings: &[Warning]) -> Option<String> {
    if !auth.trusted
        || warnings
            .iter()
            .any(|w| matches!(w.code, Code::MultipleFrom | Code::AmbiguousAddress))
    {
        return None;
    }
    let [sender] = from else { return None };
    if !sender.warnings.is_empty() {
        return None;
    }
    let domain = ascii_domain(sender.address.as_ref()?.as_str().rsplit_once('@')?.1)?;
    let dmarc = auth.dmarc.as_str() == "pass"
        && auth
            .dmarc_domain
            .as_ref()
            .is_none_or(|d| ascii_domain(d.as_str()).as_deref() == Some(domain.as_str()));
    let dkim = || {
        auth.dkim_domains
            .iter()
            .filter_map(|d| ascii_domain(d.as_str()))
            .any(|signer| aligned(&signer, &domain))
    };
    (dmarc || dkim()).then_some(domain)
}

/// A domain in its ASCII (punycode) form, lower case, without a final dot.
fn ascii_domain(d: &str) -> Option<String> {
    let d = d.trim().trim_end_matches('.');
    let ascii = idna::domain_to_ascii(d).ok()?;
    (!ascii.is_empty()).then_some(ascii)
}

/// DMARC's relaxed alignment: both names have the same registrable domain.
fn aligned(signer: &str, from: &str) -> bool {
    match (
        crate::links::registrable(signer),
        crate::links::registrable(from),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
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

    fn from(address: &str) -> Vec<Addr> {
        vec![Addr {
            name: None,
            address: Some(SafeLine::new(address, 320)),
            warnings: Vec::new(),
        }]
    }

    fn results(line: &str) -> Authentication {
        trusted_results(&[line.to_owned()], &["mx.quietpost.test".to_owned()]).unwrap()
    }

    #[test]
    fn only_an_aligned_pass_vouches_for_the_sender() {
        let bank = from("alerts@bank.example");
        // DMARC pass for the From domain.
        let a = results("mx.quietpost.test; dmarc=pass header.from=bank.example");
        assert_eq!(verdict(&a, &bank, &[]).as_deref(), Some("bank.example"));
        // DKIM by the sender's own domain, or a subdomain of it (relaxed alignment).
        let a = results("mx.quietpost.test; dkim=pass header.d=mail.bank.example; dmarc=none");
        assert_eq!(verdict(&a, &bank, &[]).as_deref(), Some("bank.example"));
        // A valid signature by anyone else vouches for nothing about the sender.
        let a = results("mx.quietpost.test; dkim=pass header.d=attacker.example; dmarc=none");
        assert_eq!(verdict(&a, &bank, &[]), None);
        let a = results("mx.quietpost.test; dkim=pass header.d=example; dmarc=none");
        assert_eq!(
            verdict(&a, &bank, &[]),
            None,
            "a public suffix aligns with nothing"
        );
        let a = results("mx.quietpost.test; dkim=pass header.d=bank.example.attacker.example");
        assert_eq!(verdict(&a, &bank, &[]), None);
        // A DMARC pass for a From the provider read differently from ours.
        let a = results("mx.quietpost.test; dmarc=pass header.from=attacker.example");
        assert_eq!(verdict(&a, &bank, &[]), None);
        // Failing results.
        let a = results("mx.quietpost.test; dkim=fail header.d=bank.example; dmarc=fail");
        assert_eq!(verdict(&a, &bank, &[]), None);
        // Two senders, or one with a warning: never.
        let a = results("mx.quietpost.test; dmarc=pass; dkim=pass header.d=bank.example");
        let mut two = bank.clone();
        two.extend(from("x@bank.example"));
        assert_eq!(verdict(&a, &two, &[]), None);
        let mut flagged = bank.clone();
        flagged[0].warnings.push(Code::DisplayNameAddress);
        assert_eq!(verdict(&a, &flagged, &[]), None);
        let ambiguous = [Warning {
            code: Code::AmbiguousAddress,
            detail: SafeLine::new("x", 10),
        }];
        assert_eq!(verdict(&a, &bank, &ambiguous), None);
        // The second of two signatures is the aligned one.
        let a = results(
            "mx.quietpost.test; dkim=pass header.d=esp.example; dkim=pass header.i=@bank.example",
        );
        assert_eq!(verdict(&a, &bank, &[]).as_deref(), Some("bank.example"));
        // Registrable domains under multi-label suffixes.
        let uk = from("a@shop.example.co.uk");
        let a = results("mx.quietpost.test; dkim=pass header.d=co.uk");
        assert_eq!(verdict(&a, &uk, &[]), None);
        let a = results("mx.quietpost.test; dkim=pass header.d=mail.example.co.uk");
        assert_eq!(verdict(&a, &uk, &[]).as_deref(), Some("shop.example.co.uk"));
    }
}
