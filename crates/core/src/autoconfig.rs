//! Finding an account's servers from its email address.
//!
//! 1. A built-in table for the big providers (no network at all).
//! 2. The Thunderbird autoconfig document of the domain, over HTTPS only (see `fetch`).
//!
//! Plain-text and optional-TLS entries are ignored: only implicit TLS and required STARTTLS
//! are ever proposed. What is found is shown to the person before any password is sent.

use quietpost_store::config::Security;

/// One server as discovered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// Settings for an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub imap: Found,
    pub smtp: Found,
    /// The login name, when the provider uses something else than the address.
    pub user: Option<String>,
    /// Where the settings came from, for the person to judge.
    pub source: String,
    /// Something the person must know (e.g. a local bridge needs its certificate pinned).
    pub note: Option<&'static str>,
    /// A built-in provider that takes an app password, not the account's own, from mail
    /// programs: its name and the page where one is made.
    pub app_password: Option<AppPassword>,
}

/// Where a provider's app passwords are made (data: the app words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppPassword {
    pub provider: &'static str,
    pub page: &'static str,
}

struct Provider {
    domains: &'static [&'static str],
    name: &'static str,
    imap: (&'static str, u16, Security),
    smtp: (&'static str, u16, Security),
    note: Option<&'static str>,
    /// The page where an app password is made, for a provider that takes only those from mail
    /// programs (with two-step verification on, as these providers require for it).
    app_passwords: Option<&'static str>,
    /// The authserv-ids the provider's receiving servers write in the Authentication-Results
    /// header they add on top of every message (RFC 8601). Only listed where the provider's
    /// own header is known to carry one: believing an id the provider does not add would let
    /// a sender's forged header pass.
    authserv_ids: &'static [&'static str],
    /// The provider puts submitted mail in Sent itself: a copy filed by Quietpost would be a
    /// duplicate.
    files_sent: bool,
}

const TLS: Security = Security::ImplicitTls;
const STARTTLS: Security = Security::StartTlsRequired;

/// The providers the accounts issue names, with their documented submission settings.
const PROVIDERS: &[Provider] = &[
    Provider {
        domains: &[
            "fastmail.com",
            "fastmail.fm",
            "fastmail.net",
            "messagingengine.com",
        ],
        name: "Fastmail",
        imap: ("imap.fastmail.com", 993, TLS),
        smtp: ("smtp.fastmail.com", 465, TLS),
        note: None,
        // Each of Fastmail's inbound servers writes its own name.
        app_passwords: Some("https://app.fastmail.com/settings/security"),
        authserv_ids: &[
            "mx1.messagingengine.com",
            "mx2.messagingengine.com",
            "mx3.messagingengine.com",
            "mx4.messagingengine.com",
            "mx5.messagingengine.com",
            "mx6.messagingengine.com",
            "mx7.messagingengine.com",
            "mx8.messagingengine.com",
        ],
        files_sent: false,
    },
    Provider {
        domains: &["gmail.com", "googlemail.com"],
        name: "Gmail",
        imap: ("imap.gmail.com", 993, TLS),
        smtp: ("smtp.gmail.com", 465, TLS),
        note: None,
        app_passwords: Some("https://myaccount.google.com/apppasswords"),
        authserv_ids: &["mx.google.com"],
        files_sent: true,
    },
    Provider {
        domains: &[
            "outlook.com",
            "hotmail.com",
            "live.com",
            "msn.com",
            "outlook.de",
            "hotmail.de",
        ],
        name: "Outlook.com / Microsoft 365",
        imap: ("outlook.office365.com", 993, TLS),
        smtp: ("smtp.office365.com", 587, STARTTLS),
        note: None,
        app_passwords: None,
        authserv_ids: &[],
        files_sent: true,
    },
    Provider {
        domains: &["icloud.com", "me.com", "mac.com"],
        name: "iCloud",
        imap: ("imap.mail.me.com", 993, TLS),
        smtp: ("smtp.mail.me.com", 587, STARTTLS),
        note: None,
        app_passwords: Some("https://account.apple.com/account/manage"),
        authserv_ids: &[],
        files_sent: false,
    },
    Provider {
        domains: &["yahoo.com", "ymail.com", "rocketmail.com"],
        name: "Yahoo",
        imap: ("imap.mail.yahoo.com", 993, TLS),
        smtp: ("smtp.mail.yahoo.com", 465, TLS),
        note: None,
        app_passwords: Some("https://login.yahoo.com/account/security"),
        authserv_ids: &[],
        files_sent: false,
    },
    Provider {
        domains: &[
            "posteo.de",
            "posteo.net",
            "posteo.at",
            "posteo.ch",
            "posteo.org",
            "posteo.eu",
        ],
        name: "Posteo",
        imap: ("posteo.de", 993, TLS),
        smtp: ("posteo.de", 465, TLS),
        note: None,
        app_passwords: None,
        authserv_ids: &[],
        files_sent: false,
    },
    Provider {
        domains: &["mailbox.org"],
        name: "mailbox.org",
        imap: ("imap.mailbox.org", 993, TLS),
        smtp: ("smtp.mailbox.org", 465, TLS),
        note: None,
        app_passwords: None,
        authserv_ids: &[],
        files_sent: false,
    },
    Provider {
        domains: &["gmx.net", "gmx.de", "gmx.at", "gmx.ch"],
        name: "GMX",
        imap: ("imap.gmx.net", 993, TLS),
        smtp: ("mail.gmx.net", 465, TLS),
        note: None,
        app_passwords: None,
        authserv_ids: &[],
        files_sent: false,
    },
    Provider {
        domains: &["gmx.com"],
        name: "GMX",
        imap: ("imap.gmx.com", 993, TLS),
        smtp: ("mail.gmx.com", 465, TLS),
        note: None,
        app_passwords: None,
        authserv_ids: &[],
        files_sent: false,
    },
    Provider {
        domains: &["web.de"],
        name: "WEB.DE",
        imap: ("imap.web.de", 993, TLS),
        smtp: ("smtp.web.de", 587, STARTTLS),
        note: None,
        app_passwords: None,
        authserv_ids: &[],
        files_sent: false,
    },
    Provider {
        domains: &["zoho.com", "zohomail.com"],
        name: "Zoho",
        imap: ("imap.zoho.com", 993, TLS),
        smtp: ("smtp.zoho.com", 465, TLS),
        note: None,
        app_passwords: None,
        authserv_ids: &[],
        files_sent: false,
    },
    Provider {
        domains: &["proton.me", "protonmail.com", "protonmail.ch", "pm.me"],
        name: "Proton Mail Bridge (on this computer)",
        imap: ("127.0.0.1", 1143, STARTTLS),
        smtp: ("127.0.0.1", 1025, STARTTLS),
        note: Some(
            "Proton Mail needs Proton Mail Bridge running on this computer. Its certificate is its own: export it from Bridge and pin its fingerprint with --pin-sha256.",
        ),
        app_passwords: None,
        authserv_ids: &[],
        files_sent: false,
    },
];

/// The authserv-ids of the provider whose IMAP server is `imap_host`, when it is one of the
/// built-in providers and its own Authentication-Results header is known: what a new account
/// trusts, so the reader's verdict works without setting anything.
pub fn provider_authserv_ids(imap_host: &str) -> Vec<String> {
    PROVIDERS
        .iter()
        .find(|p| {
            p.imap
                .0
                .eq_ignore_ascii_case(imap_host.trim_end_matches('.'))
        })
        .map(|p| p.authserv_ids.iter().map(|s| (*s).to_owned()).collect())
        .unwrap_or_default()
}

/// Whether the provider whose submission server is `smtp_host` files submitted mail in Sent
/// itself (Gmail, Outlook): then Quietpost does not, or every message would be there twice.
pub fn provider_files_sent(smtp_host: &str) -> bool {
    PROVIDERS.iter().any(|p| {
        p.files_sent
            && p.smtp
                .0
                .eq_ignore_ascii_case(smtp_host.trim_end_matches('.'))
    })
}

/// The domain of an address, lower-case, if it has one.
pub fn domain_of(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    (!local.is_empty() && domain.contains('.') && !domain.contains(['/', ' ', '@']))
        .then_some(domain)
}

/// The built-in settings for the address's provider, if it is one of the big ones.
pub fn builtin(email: &str) -> Option<Discovered> {
    let domain = domain_of(email)?;
    let p = PROVIDERS
        .iter()
        .find(|p| p.domains.contains(&domain.as_str()))?;
    let found = |(host, port, security): (&str, u16, Security)| Found {
        host: host.to_owned(),
        port,
        security,
    };
    Some(Discovered {
        imap: found(p.imap),
        smtp: found(p.smtp),
        user: None,
        source: format!("Quietpost's built-in settings for {}", p.name),
        app_password: p.app_passwords.map(|page| AppPassword {
            provider: p.name,
            page,
        }),
        note: p.note,
    })
}

/// Parses a Thunderbird autoconfig document (config-v1.1.xml). Only SSL (implicit TLS) and
/// STARTTLS entries are taken, implicit TLS first; a document that offers only plain text is
/// refused. `%EMAILADDRESS%`, `%EMAILLOCALPART%` and `%EMAILDOMAIN%` are filled in.
pub fn parse_autoconfig(xml: &str, email: &str, source: &str) -> Result<Discovered, String> {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    #[derive(Default, Clone)]
    struct Entry {
        kind: String,
        incoming: bool,
        host: String,
        port: String,
        socket: String,
        user: String,
    }
    let (local, domain) = email.rsplit_once('@').ok_or("not an email address")?;
    let fill = |s: &str| {
        s.replace("%EMAILADDRESS%", email)
            .replace("%EMAILLOCALPART%", local)
            .replace("%EMAILDOMAIN%", domain)
    };
    let mut reader = Reader::from_str(xml);
    let mut entries: Vec<Entry> = Vec::new();
    let mut current: Option<Entry> = None;
    let mut field = String::new();
    let mut events = 0usize;
    loop {
        events += 1;
        if events > 100_000 {
            return Err("the document is too large".into());
        }
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "incomingServer" || name == "outgoingServer" {
                    let kind = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"type")
                        .map(|a| String::from_utf8_lossy(&a.value).to_ascii_lowercase())
                        .unwrap_or_default();
                    current = Some(Entry {
                        kind,
                        incoming: name == "incomingServer",
                        ..Entry::default()
                    });
                }
                field = name;
            }
            Ok(Event::Text(t)) => {
                if let Some(entry) = current.as_mut() {
                    let text = t.decode().map(|c| c.trim().to_owned()).unwrap_or_default();
                    match field.as_str() {
                        "hostname" => entry.host = fill(&text),
                        "port" => entry.port = text,
                        "socketType" => entry.socket = text.to_ascii_uppercase(),
                        "username" => entry.user = fill(&text),
                        _ => {}
                    }
                }
            }
            Ok(Event::End(e)) => {
                let name = e.local_name();
                if (name.as_ref() == b"incomingServer" || name.as_ref() == b"outgoingServer")
                    && let Some(entry) = current.take()
                {
                    entries.push(entry);
                }
                field.clear();
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(format!("the document is not valid XML ({e})")),
            _ => {}
        }
    }
    let pick = |incoming: bool, kind: &str| -> Option<(Found, String)> {
        let usable = |wanted: &str| {
            entries.iter().find(|e| {
                e.incoming == incoming && e.kind == kind && e.socket == wanted && !e.host.is_empty()
            })
        };
        let (e, security) = usable("SSL")
            .map(|e| (e, Security::ImplicitTls))
            .or_else(|| usable("STARTTLS").map(|e| (e, Security::StartTlsRequired)))?;
        let port = e.port.parse().ok()?;
        valid_host(&e.host).then(|| {
            (
                Found {
                    host: e.host.to_ascii_lowercase(),
                    port,
                    security,
                },
                e.user.clone(),
            )
        })
    };
    let (imap, user) = pick(true, "imap")
        .ok_or("it offers no IMAP server with TLS (plain-text entries are never used)")?;
    let (smtp, _) = pick(false, "smtp")
        .ok_or("it offers no SMTP server with TLS (plain-text entries are never used)")?;
    Ok(Discovered {
        imap,
        smtp,
        user: (!user.is_empty() && user != email).then_some(user),
        source: source.to_owned(),
        note: None,
        app_password: None,
    })
}

fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// Where autoconfig documents are looked for, in order (Thunderbird's conventions).
pub fn candidates(email: &str) -> Vec<(String, String)> {
    let Some(domain) = domain_of(email) else {
        return Vec::new();
    };
    let encoded: String = email
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    vec![
        (
            format!("autoconfig.{domain}"),
            format!("/mail/config-v1.1.xml?emailaddress={encoded}"),
        ),
        (
            domain,
            "/.well-known/autoconfig/mail/config-v1.1.xml".to_owned(),
        ),
    ]
}

/// Why no settings were found for an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// What each place said (the autoconfig documents, DNS), for people who want to know.
    pub reasons: String,
    /// DNS service records were not looked up: that would have bypassed the proxy.
    pub dns_skipped_for_proxy: bool,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reasons)?;
        if self.dns_skipped_for_proxy {
            f.write_str(
                "; DNS service records were not looked up because that would bypass your proxy",
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for NotFound {}

/// Finds settings for `email`: the built-in table, else the domain's autoconfig document over
/// HTTPS (port 443, system trust) through `route` — the account's proxy when it has one.
pub async fn discover(email: &str, route: &quietpost_net::Route) -> Result<Discovered, NotFound> {
    if let Some(d) = builtin(email) {
        return Ok(d);
    }
    let hosts: Vec<(String, u16, String)> = candidates(email)
        .into_iter()
        .map(|(h, p)| (h, 443, p))
        .collect();
    let autoconfig = match discover_at(email, &hosts, &quietpost_net::Trust::System, route).await {
        Ok(d) => return Ok(d),
        Err(e) => e,
    };
    // A DNS lookup would leave the proxy: with one, service records are not used.
    if *route != quietpost_net::Route::Direct {
        return Err(NotFound {
            reasons: autoconfig,
            dns_skipped_for_proxy: true,
        });
    }
    let not_found = |reasons| NotFound {
        reasons,
        dns_skipped_for_proxy: false,
    };
    let resolver = system_resolver().map_err(|e| not_found(format!("{autoconfig}; {e}")))?;
    srv(email, &resolver)
        .await
        .map_err(|e| not_found(format!("{autoconfig}; {e}")))
}

/// Fetches and parses the first autoconfig document found at `hosts` (host, port, path).
pub async fn discover_at(
    email: &str,
    hosts: &[(String, u16, String)],
    trust: &quietpost_net::Trust,
    route: &quietpost_net::Route,
) -> Result<Discovered, String> {
    let t = quietpost_net::Timeouts {
        command: std::time::Duration::from_secs(20),
        ..Default::default()
    };
    let mut reasons = Vec::new();
    for (host, port, path) in hosts {
        let url = if *port == 443 {
            format!("https://{host}{path}")
        } else {
            format!("https://{host}:{port}{path}")
        };
        match quietpost_net::https::get(host, *port, path, trust, route, 256 * 1024, &t).await {
            Ok(r) if r.status == 200 => {
                let xml = String::from_utf8_lossy(&r.body);
                match parse_autoconfig(&xml, email, &format!("the autoconfig document at {url}")) {
                    Ok(d) => return Ok(d),
                    Err(e) => reasons.push(format!("{url}: {e}")),
                }
            }
            Ok(r) => reasons.push(format!("{url}: HTTP {}", r.status)),
            Err(e) => reasons.push(format!("{url}: {e}")),
        }
    }
    Err(format!("no settings were found ({})", reasons.join("; ")))
}

pub use quietpost_net::route::{Resolver, system_resolver};

/// Shown with servers found in DNS, whose answers are not authenticated.
const SRV_NOTE: &str = "These servers come from DNS records, which anyone on the network path can forge. Check that they belong to your provider before continuing.";

async fn best_target(resolver: &Resolver, name: &str) -> Option<(String, u16)> {
    // `discover` never gets here with a proxy; the route code refuses it anyway.
    quietpost_net::route::service(&quietpost_net::Route::Direct, resolver, name).await
}

/// RFC 6186 / RFC 8314 service records: `_imaps` (TLS) before `_imap` (STARTTLS),
/// `_submissions` (TLS) before `_submission` (STARTTLS).
pub async fn srv(email: &str, resolver: &Resolver) -> Result<Discovered, String> {
    let domain = domain_of(email).ok_or("not an email address")?;
    let find = |tls: &'static str, starttls: &'static str| {
        let domain = domain.clone();
        async move {
            if let Some((host, port)) =
                best_target(resolver, &format!("_{tls}._tcp.{domain}.")).await
            {
                return Some(Found {
                    host,
                    port,
                    security: Security::ImplicitTls,
                });
            }
            best_target(resolver, &format!("_{starttls}._tcp.{domain}."))
                .await
                .map(|(host, port)| Found {
                    host,
                    port,
                    security: Security::StartTlsRequired,
                })
        }
    };
    let imap = find("imaps", "imap")
        .await
        .ok_or("no IMAP service record")?;
    let smtp = find("submissions", "submission")
        .await
        .ok_or("no submission service record")?;
    let within = |h: &str| h == domain || h.ends_with(&format!(".{domain}"));
    let note = (!within(&imap.host) || !within(&smtp.host)).then_some(SRV_NOTE);
    Ok(Discovered {
        imap,
        smtp,
        user: None,
        source: format!("the DNS service records of {domain}"),
        note,
        app_password: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_that_file_sent_mail_themselves() {
        assert!(provider_files_sent("smtp.gmail.com"));
        assert!(provider_files_sent("SMTP.Office365.com."));
        assert!(!provider_files_sent("smtp.fastmail.com"));
        assert!(!provider_files_sent("mail.example.org"));
    }

    #[test]
    fn builtin_providers_name_their_own_authserv_ids() {
        assert_eq!(provider_authserv_ids("imap.gmail.com"), ["mx.google.com"]);
        assert!(
            provider_authserv_ids("IMAP.fastmail.com")
                .contains(&"mx4.messagingengine.com".to_owned())
        );
        assert!(provider_authserv_ids("imap.example.org").is_empty());
        // Outlook's header carries no authserv-id at all: nothing is believed.
        assert!(provider_authserv_ids("outlook.office365.com").is_empty());
    }

    #[test]
    fn builtin_table() {
        let g = builtin("Alice@GMail.com").unwrap();
        assert_eq!(
            g.imap,
            Found {
                host: "imap.gmail.com".into(),
                port: 993,
                security: Security::ImplicitTls
            }
        );
        assert_eq!(
            builtin("a@outlook.com").unwrap().smtp.security,
            Security::StartTlsRequired
        );
        assert!(builtin("a@proton.me").unwrap().note.is_some());
        assert!(builtin("a@example.org").is_none());
        assert!(builtin("not-an-address").is_none());
    }

    const DOC: &str = r#"<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example.org">
  <incomingServer type="imap"><hostname>imap.%EMAILDOMAIN%</hostname><port>143</port><socketType>plain</socketType><username>%EMAILADDRESS%</username></incomingServer>
  <incomingServer type="imap"><hostname>imap.%EMAILDOMAIN%</hostname><port>143</port><socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username></incomingServer>
  <incomingServer type="imap"><hostname>mail.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>
  <outgoingServer type="smtp"><hostname>smtp.%EMAILDOMAIN%</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
</emailProvider></clientConfig>"#;

    #[test]
    fn autoconfig_prefers_tls_and_never_plain() {
        let d = parse_autoconfig(DOC, "alice@example.org", "test").unwrap();
        assert_eq!(
            d.imap,
            Found {
                host: "mail.example.org".into(),
                port: 993,
                security: Security::ImplicitTls
            }
        );
        assert_eq!(
            d.smtp,
            Found {
                host: "smtp.example.org".into(),
                port: 587,
                security: Security::StartTlsRequired
            }
        );
        assert_eq!(d.user.as_deref(), Some("alice"));
        let plain_only = DOC.replace("STARTTLS", "plain").replace("SSL", "plain");
        assert!(
            parse_autoconfig(&plain_only, "alice@example.org", "test")
                .unwrap_err()
                .contains("plain-text")
        );
        assert!(parse_autoconfig("<clientConfig", "a@b.org", "t").is_err());
    }
}
