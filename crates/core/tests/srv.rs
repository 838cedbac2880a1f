//! RFC 6186 / 8314 service-record discovery, offline: a tiny DNS server on loopback answers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use quietpost_core::autoconfig::{self, Found};
use quietpost_store::config::Security;
use std::collections::HashMap;

/// Answers SRV questions from `records` (name → (priority, weight, port, target)); anything
/// else gets NXDOMAIN. Runs until the test ends.
async fn dns(records: HashMap<String, Vec<(u16, u16, u16, String)>>) -> u16 {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        loop {
            let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
                return;
            };
            let query = &buf[..n];
            // The question: labels from byte 12 up to the root, then type and class.
            let mut i = 12;
            let mut labels = Vec::new();
            while i < n && query[i] != 0 {
                let len = query[i] as usize;
                labels
                    .push(String::from_utf8_lossy(&query[i + 1..i + 1 + len]).to_ascii_lowercase());
                i += 1 + len;
            }
            let question_end = i + 5;
            let name = labels.join(".");
            let qtype = u16::from_be_bytes([query[i + 1], query[i + 2]]);
            let answers = if qtype == 33 {
                records.get(&name).cloned().unwrap_or_default()
            } else {
                Vec::new()
            };
            let mut resp = query[..question_end].to_vec();
            resp[2] = 0x84 | (query[2] & 0x01); // response, authoritative, keep RD
            resp[3] = if answers.is_empty() { 0x83 } else { 0x80 }; // RA, NXDOMAIN or no error
            resp[6..8].copy_from_slice(&(answers.len() as u16).to_be_bytes());
            resp[8..12].copy_from_slice(&[0, 0, 0, 0]);
            for (priority, weight, port, target) in answers {
                let mut rdata = Vec::new();
                for v in [priority, weight, port] {
                    rdata.extend_from_slice(&v.to_be_bytes());
                }
                for label in target
                    .trim_end_matches('.')
                    .split('.')
                    .filter(|l| !l.is_empty())
                {
                    rdata.push(label.len() as u8);
                    rdata.extend_from_slice(label.as_bytes());
                }
                rdata.push(0);
                resp.extend_from_slice(&[0xC0, 12, 0, 33, 0, 1, 0, 0, 1, 44]);
                resp.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
                resp.extend_from_slice(&rdata);
            }
            let _ = socket.send_to(&resp, peer).await;
        }
    });
    port
}

fn resolver(port: u16) -> autoconfig::Resolver {
    use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
    let mut udp = ConnectionConfig::udp();
    udp.port = port;
    let ns = NameServerConfig::new("127.0.0.1".parse().unwrap(), true, vec![udp]);
    hickory_resolver::Resolver::builder_with_config(
        ResolverConfig::from_name_servers(vec![ns]),
        Default::default(),
    )
    .build()
    .unwrap()
}

fn srv(name: &str, entries: &[(u16, u16, u16, &str)]) -> (String, Vec<(u16, u16, u16, String)>) {
    (
        name.to_owned(),
        entries
            .iter()
            .map(|&(p, w, port, t)| (p, w, port, t.to_owned()))
            .collect(),
    )
}

#[tokio::test]
async fn tls_records_win_and_priority_then_weight_decide() {
    let port = dns(HashMap::from([
        srv(
            "_imaps._tcp.example.org",
            &[
                (10, 0, 993, "imap-backup.example.org"),
                (5, 10, 993, "imap.example.org"),
                (5, 50, 993, "imap2.example.org"),
            ],
        ),
        srv(
            "_imap._tcp.example.org",
            &[(0, 0, 143, "plain.example.org")],
        ),
        srv("_submissions._tcp.example.org", &[(0, 0, 0, ".")]),
        srv(
            "_submission._tcp.example.org",
            &[(0, 1, 587, "smtp.example.org")],
        ),
    ]))
    .await;
    let d = autoconfig::srv("alice@example.org", &resolver(port))
        .await
        .unwrap();
    assert_eq!(
        d.imap,
        Found {
            host: "imap2.example.org".into(),
            port: 993,
            security: Security::ImplicitTls
        }
    );
    // "." means no implicit-TLS submission: STARTTLS (required) is used.
    assert_eq!(
        d.smtp,
        Found {
            host: "smtp.example.org".into(),
            port: 587,
            security: Security::StartTlsRequired
        }
    );
    assert!(d.note.is_none());
}

#[tokio::test]
async fn targets_outside_the_domain_carry_a_warning_and_missing_records_fail() {
    let port = dns(HashMap::from([
        srv(
            "_imaps._tcp.example.net",
            &[(0, 0, 993, "mail.attacker.example")],
        ),
        srv(
            "_submissions._tcp.example.net",
            &[(0, 0, 465, "smtp.example.net")],
        ),
    ]))
    .await;
    let d = autoconfig::srv("alice@example.net", &resolver(port))
        .await
        .unwrap();
    assert!(d.note.is_some_and(|n| n.contains("forge")), "{d:?}");
    let err = autoconfig::srv("bob@nothing.example", &resolver(port))
        .await
        .unwrap_err();
    assert!(err.contains("no IMAP service record"), "{err}");
}
