//! The provider self-test: what does my provider reveal about me to everyone I write to?
//!
//! A probe goes to the account's own address along its usual route (the proxy, when set; its
//! own isolated circuits), is waited for over IMAP, and the header lines the provider added
//! are read: the address it recorded for the sender in `Received` (the proxy's exit, or the
//! person's own), headers such as `X-Originating-IP`, and the `Authentication-Results` it
//! stamps on mail it receives — whose authserv-id the account then believes (the verified
//! badge works without anyone typing it). The probe is then deleted.
//!
//! Every header of the probe above what Quietpost wrote was added on the way, by the provider:
//! the message went straight from Quietpost to its submission server, and Quietpost writes no
//! `Received`, `X-…-IP` or `Authentication-Results` line of its own.

use crate::accounts;
use crate::compose::{self, Draft};
use crate::isolation::Purpose;
use quietpost_model::{Account, Route, Secret};
use quietpost_net::imap::{self, mailbox::Mail};
use quietpost_net::{Timeouts, smtp};
use std::net::IpAddr;
use std::time::Duration;

/// Why the self-test did not finish.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Account(#[from] accounts::Error),
    #[error(transparent)]
    Compose(#[from] compose::Error),
    #[error(transparent)]
    Net(#[from] quietpost_net::Error),
    /// The submission server refused the probe.
    #[error("the server refused the probe: {0}")]
    Refused(String),
    /// The probe did not arrive in the Inbox in time (it may still come: it says what it is).
    #[error("the probe did not arrive within {0} seconds")]
    NotArrived(u64),
}

/// What the provider's own header lines say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The provider recorded the sender's IP address (in the submission `Received` line, or
    /// an originating-IP header).
    pub reveals_ip: bool,
    /// The address it recorded for the sender: what it saw the probe come from.
    pub sender_address: Option<String>,
    /// The submission `Received` line (unfolded), when one was found.
    pub submission: Option<String>,
    /// Every IP address and host name in the `from` parts of the `Received` lines, in order.
    pub addresses: Vec<String>,
    /// Headers that name the sender's address outright (`X-Originating-IP: …`).
    pub originating: Vec<(String, String)>,
    /// The authserv-id of the topmost `Authentication-Results` (the provider's).
    pub authserv_id: Option<String>,
    /// The `Authentication-Results` lines, topmost first.
    pub authentication_results: Vec<String>,
}

/// The self-test's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub findings: Findings,
    /// The route the probe took (direct, or the proxy).
    pub route: Route,
    /// The probe was deleted from the Inbox (false: it is marked \Deleted, the server has no
    /// UIDPLUS to remove it alone).
    pub probe_deleted: bool,
}

const ORIGINATING: [&str; 8] = [
    "x-originating-ip",
    "x-sender-ip",
    "x-client-ip",
    "x-real-ip",
    "x-forwarded-for",
    "x-remote-ip",
    "x-source-ip",
    "x-originating-client",
];

/// The header lines of `header` (a message's raw header), unfolded, as (name, value).
fn fields(header: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(header);
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    // A hostile or broken server cannot make this unbounded: a header is small.
    for (_, v) in &mut out {
        if v.len() > 2000 {
            let cut = (0..=2000)
                .rev()
                .find(|i| v.is_char_boundary(*i))
                .unwrap_or(0);
            v.truncate(cut);
        }
    }
    out
}

/// `value` without its comments' parentheses, for reading tokens.
fn tokens(value: &str) -> Vec<String> {
    value
        .split(|c: char| c.is_whitespace() || "()[];".contains(c))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn ip_of(token: &str) -> Option<IpAddr> {
    let t = token.trim_matches(|c| c == '[' || c == ']');
    let t = t
        .strip_prefix("IPv6:")
        .or_else(|| t.strip_prefix("ipv6:"))
        .unwrap_or(t);
    t.parse().ok()
}

fn host_name(token: &str) -> bool {
    token.contains('.')
        && !token.starts_with('.')
        && !token.ends_with('.')
        && token.len() <= 253
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && token.bytes().any(|b| b.is_ascii_alphabetic())
}

/// The `from` part of a Received line (before ` by `), when it has one.
fn from_part(received: &str) -> Option<&str> {
    let lower = received.to_ascii_lowercase();
    let rest = lower.strip_prefix("from ")?;
    let end = rest.find(" by ").unwrap_or(rest.len());
    Some(&received[5..5 + end])
}

/// The protocol after ` with `, upper case.
fn protocol(received: &str) -> Option<String> {
    let lower = received.to_ascii_lowercase();
    let at = lower.find(" with ")?;
    received[at + 6..]
        .split_whitespace()
        .next()
        .map(|p| p.trim_end_matches(';').to_ascii_uppercase())
}

/// RFC 3848's authenticated protocols (ESMTPA, ESMTPSA, LMTPA ...), or a line that says it.
fn authenticated(received: &str) -> bool {
    let lower = received.to_ascii_lowercase();
    protocol(received).is_some_and(|p| p.ends_with("SMTPA") || p.ends_with("SMTPSA"))
        || lower.contains("authenticated sender")
        || lower.contains("(authenticated")
}

/// Mail submitted over SMTP or a web form, not an internal delivery (LMTP, local).
fn submitted(received: &str) -> bool {
    protocol(received)
        .is_some_and(|p| p.contains("SMTP") && !p.contains("LMTP") || p.contains("HTTP"))
}

/// Reads what the provider added to the probe's header.
pub fn analyse(header: &[u8]) -> Findings {
    let fields = fields(header);
    let received: Vec<&str> = fields
        .iter()
        .filter(|(n, _)| n == "received")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut addresses: Vec<String> = Vec::new();
    for r in &received {
        for t in from_part(r).map(tokens).unwrap_or_default() {
            let found = match ip_of(&t) {
                Some(ip) => Some(ip.to_string()),
                None if host_name(&t) => Some(t.to_ascii_lowercase()),
                None => None,
            };
            if let Some(a) = found
                && !addresses.contains(&a)
            {
                addresses.push(a);
            }
        }
    }
    // The oldest line is the lowest: the submission hop is the lowest authenticated one, else
    // the lowest that came in over SMTP or the web.
    let submission = (received.iter().rev().find(|r| authenticated(r)))
        .or_else(|| received.iter().rev().find(|r| submitted(r)))
        .map(|r| (*r).to_owned());
    let sender_address = submission
        .as_deref()
        .and_then(from_part)
        .and_then(|f| tokens(f).iter().rev().find_map(|t| ip_of(t)))
        .map(|ip| ip.to_string());
    let originating: Vec<(String, String)> = fields
        .iter()
        .filter(|(n, _)| ORIGINATING.contains(&n.as_str()))
        .cloned()
        .collect();
    let authentication_results: Vec<String> = fields
        .iter()
        .filter(|(n, _)| n == "authentication-results")
        .map(|(_, v)| v.clone())
        .collect();
    let authserv_id = authentication_results.first().and_then(|v| {
        let head = v.split(';').next()?;
        let id = tokens(head).into_iter().next()?;
        host_name(&id).then(|| id.to_ascii_lowercase())
    });
    Findings {
        reveals_ip: sender_address.is_some() || !originating.is_empty(),
        sender_address,
        submission,
        addresses,
        originating,
        authserv_id,
        authentication_results,
    }
}

/// The probe: to the account itself, saying what it is (should it stay behind).
fn probe(account: &Account) -> Draft {
    Draft {
        from: compose::identity(account),
        to: vec![account.email.clone()],
        cc: Vec::new(),
        bcc: Vec::new(),
        subject: "Quietpost: what does my provider reveal?".into(),
        body: "Quietpost sent this message to you to read what your provider adds to the mail \
               you send (the address it records for you, and how it checks mail). It is \
               deleted once read; if it is still here, you may delete it."
            .into(),
        attachments: Vec::new(),
        in_reply_to: None,
        references: Vec::new(),
        read_receipt: false,
    }
}

/// Runs the self-test for `account`: sends the probe, waits up to `wait` for it in the Inbox,
/// reads it, deletes it.
pub async fn run(
    account: &Account,
    imap_password: &Secret,
    smtp_password: &Secret,
    wait: Duration,
) -> Result<Report, Error> {
    let t = Timeouts::default();
    let route = accounts::route(account)?;
    // The Inbox first: the probe is looked for there once it is sent.
    let ep = accounts::endpoint_for(account, &account.imap, Purpose::SelfTest)?;
    let auth = imap::login(&ep, &account.user, imap_password, &t).await?;
    let mut mail = Mail::new(auth, &ep, t).await?;
    mail.select("INBOX", None).await?;

    let built = compose::build(&probe(account), std::time::SystemTime::now())?;
    let ep = accounts::endpoint_for(account, &account.smtp, Purpose::SelfTest)?;
    let mut sub = smtp::login(&ep, &account.user, smtp_password, &t).await?;
    if let Err(r) = sub.envelope(&built.envelope_from, &built.recipients).await {
        sub.quit().await;
        mail.logout().await;
        return Err(Error::Refused(r.reason));
    }
    let sent = sub.message(&built.raw).await;
    sub.quit().await;
    if let Err(smtp::NotDelivered::Refused(r) | smtp::NotDelivered::Unknown(r)) = sent {
        mail.logout().await;
        return Err(Error::Refused(r));
    }

    let started = tokio::time::Instant::now();
    let uid = loop {
        if let Some(uid) = mail.uids_with_message_id(&built.message_id).await?.first() {
            break *uid;
        }
        if started.elapsed() >= wait {
            mail.logout().await;
            return Err(Error::NotArrived(wait.as_secs()));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let mut header = Vec::new();
    mail.summaries(&[uid.to_string()], |fetched| {
        if let Some(f) = fetched.into_iter().find(|f| f.uid == uid) {
            header = f.header;
        }
        Ok(())
    })
    .await?;
    let probe_deleted = mail.has("UIDPLUS");
    mail.expunge(uid).await?;
    mail.logout().await;
    Ok(Report {
        findings: analyse(&header),
        route,
        probe_deleted,
    })
}

/// Believes the provider's authentication results from now on: adds the authserv-id the
/// self-test found to the account (in config.toml). Returns the account as saved, and whether
/// the id was new.
pub fn learn(
    paths: &quietpost_store::paths::Paths,
    name: &str,
    report: &Report,
) -> Result<(Account, bool), accounts::Error> {
    let Some(id) = report.findings.authserv_id.clone() else {
        return Ok((accounts::named(paths, name)?, false));
    };
    let mut new = false;
    let account = accounts::update(paths, name, |a| {
        if !a
            .trusted_authserv_ids
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&id))
        {
            a.trusted_authserv_ids.push(id.clone());
            new = true;
        }
    })?;
    Ok((account, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(lines: &[&str]) -> Vec<u8> {
        let mut h = lines.join("\r\n");
        h.push_str("\r\nFrom: me@example.org\r\nSubject: probe\r\n\r\n");
        h.into_bytes()
    }

    #[test]
    fn postfix_recording_the_client() {
        let f = analyse(&header(&[
            "Authentication-Results: mx.quietpost.test; auth=pass smtp.auth=sync1",
            "Received: from mail.quietpost.test\r\n\tby mail.quietpost.test (Dovecot) with LMTP id abc\r\n\tfor <sync1@quietpost.test>; Sun, 6 Dec 2026 15:00:00 +0000",
            "Received: from localhost (localhost [127.0.0.1])\r\n\t(Authenticated sender: sync1)\r\n\tby mail.quietpost.test (Postfix) with ESMTPSA id 4F2\r\n\tfor <sync1@quietpost.test>; Sun, 6 Dec 2026 15:00:00 +0000 (UTC)",
        ]));
        assert!(f.reveals_ip);
        assert_eq!(f.sender_address.as_deref(), Some("127.0.0.1"));
        assert!(f.submission.unwrap().contains("ESMTPSA"));
        assert_eq!(f.addresses, ["mail.quietpost.test", "127.0.0.1"]);
        assert_eq!(f.authserv_id.as_deref(), Some("mx.quietpost.test"));
    }

    #[test]
    fn a_provider_that_removes_the_client() {
        let f = analyse(&header(&[
            "Received: from mail.quietpost.test ([127.0.0.1])\r\n\tby mail.quietpost.test with LMTP id x; Sun, 6 Dec 2026 15:00:00 +0000",
        ]));
        assert!(!f.reveals_ip, "{f:?}");
        assert_eq!(f.sender_address, None);
        assert_eq!(f.addresses, ["mail.quietpost.test", "127.0.0.1"]);
        assert_eq!(f.authserv_id, None);
    }

    #[test]
    fn shapes_of_real_providers() {
        // Gmail: the name the client gave, then the address it came from.
        let g = analyse(&header(&[
            "Received: from [192.168.1.20] ([203.0.113.9])\r\n        by smtp.gmail.com with ESMTPSA id a1sm1;\r\n        Sun, 06 Dec 2026 07:00:00 -0800 (PST)",
        ]));
        assert_eq!(g.sender_address.as_deref(), Some("203.0.113.9"));
        // Fastmail: internal hops above the authenticated one.
        let fm = analyse(&header(&[
            "Received: from compute1.internal (compute1.nyi.internal [10.202.2.41])\r\n\tby mailout.nyi.internal (Postfix) with ESMTP id 1",
            "Received: from [2001:db8::5] by mail.messagingengine.com with ESMTPA id 2",
        ]));
        assert_eq!(fm.sender_address.as_deref(), Some("2001:db8::5"));
        // Outlook: no address in Received, but an originating-IP header.
        let o = analyse(&header(&[
            "X-Originating-IP: [198.51.100.7]",
            "Received: from AM0PR01MB1.eurprd01.prod.outlook.com by AM0PR01MB2 with HTTPS",
        ]));
        assert!(o.reveals_ip);
        assert_eq!(o.originating[0].1, "[198.51.100.7]");
        assert_eq!(o.sender_address, None);
    }

    #[test]
    fn hostile_header_text_is_bounded_and_not_believed_as_an_id() {
        let long = format!("Received: by x with ESMTPA from {}", "é.".repeat(5000));
        let f = analyse(&header(&[
            &long,
            "Authentication-Results: not an id; spf=pass",
        ]));
        assert!(f.submission.unwrap().len() <= 2000);
        assert_eq!(f.authserv_id, None);
        assert!(analyse(b"").addresses.is_empty());
    }
}
