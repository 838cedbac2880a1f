//! `quietpost remote load` and the network ledger end to end, and a canary: no remote-content
//! vector of the corpus makes any command reach the network. A newsletter lives in the real
//! Dovecot of the testbed; its images come from a test web server reached only through a test
//! SOCKS5 proxy (which resolves the `.invalid` names itself). Users sync19 and sync20.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/cli.rs"]
mod cli;
#[path = "support/testbed.rs"]
mod testbed;
#[path = "../crates/net/tests/support/web.rs"]
mod web;

use cli::{ok, profile, quietpost};
use std::path::Path;

/// Appends `messages` to `user`'s INBOX.
async fn fill(user: &str, messages: &[Vec<u8>]) {
    let mut m = testbed::connect(user).await;
    for raw in messages {
        m.append("INBOX", "()", raw).await.unwrap();
    }
    m.logout().await;
}

fn ids(profile: &Path) -> Vec<String> {
    let rows: serde_json::Value = serde_json::from_str(&ok(quietpost(
        profile,
        &["list", "--json", "--limit", "1000"],
    )))
    .unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap().to_string())
        .collect()
}

fn states(ledger: &serde_json::Value) -> Vec<(String, String, String)> {
    ledger
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["state"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
#[ignore]
fn real_server_remote_load_through_the_proxy_then_the_kill_switch() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(web::web());
    let proxy = rt.block_on(web::proxy(server.port));
    let newsletter = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/newsletter.eml"
    ))
    .unwrap();
    let newsletter = String::from_utf8(newsletter).unwrap().replace('\n', "\r\n");
    rt.block_on(fill("sync19", &[newsletter.into_bytes()]));
    let profile = profile("remote", "sync19", "localhost:10465", false);
    ok(quietpost(&profile, &["sync"]));
    let id = ids(&profile).remove(0);
    let via = proxy.url();

    // Set to never: nothing is loaded, and the error says how to allow it.
    ok(quietpost(
        &profile,
        &["account", "set", "sync19", "--remote", "never"],
    ));
    let out = quietpost(&profile, &["remote", "load", &id, "--proxy", &via]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("account set sync19 --remote on-request")
    );
    assert!(server.requests.lock().unwrap().is_empty());
    ok(quietpost(
        &profile,
        &["remote", "policy", "sync19", "on-request"],
    ));

    // Through the proxy: every image loaded but the tracking pixel (loading it would tell the
    // sender the message was opened, proxy or not), the stylesheet still blocked.
    let ledger: serde_json::Value = serde_json::from_str(&ok(quietpost(
        &profile,
        &["remote", "load", &id, "--proxy", &via, "--json"],
    )))
    .unwrap();
    let s = states(&ledger);
    assert_eq!(s.len(), 6, "{ledger}");
    assert_eq!(
        s.iter()
            .filter(|(k, st, _)| k == "image" && st == "loaded")
            .count(),
        4,
        "{ledger}"
    );
    let trackers: Vec<_> = ledger
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["tracker"] == true)
        .collect();
    assert_eq!(trackers.len(), 1, "{ledger}");
    assert_eq!(trackers[0]["state"], "blocked");
    assert!(
        trackers[0]["url"]
            .as_str()
            .unwrap()
            .contains("track.invalid")
    );
    assert!(s.contains(&(
        "stylesheet".into(),
        "blocked".into(),
        "a stylesheet: Quietpost never loads these, only images".into()
    )));
    for e in ledger
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["state"] == "loaded")
    {
        assert_eq!(e["via"], via.as_str());
        assert!(e["at"].as_str().unwrap().ends_with('Z'));
    }
    // Remote DNS: the proxy was given the names.
    let connects = proxy.connects.lock().unwrap().clone();
    assert!(
        connects
            .iter()
            .all(|(atyp, host, _)| *atyp == 3 && host.ends_with(".invalid"))
    );
    // `read --json` carries the ledger; the readable view says what was loaded.
    let read: serde_json::Value =
        serde_json::from_str(&ok(quietpost(&profile, &["read", &id, "--json"]))).unwrap();
    assert_eq!(read["ledger"], ledger);
    let view = ok(quietpost(&profile, &["read", &id]));
    assert!(
        view.contains("4 loaded through your proxy, 0 failed, 2 blocked"),
        "{view}"
    );

    // The proxy goes down: every image fails, and nothing reaches the server another way.
    let served = server.requests.lock().unwrap().len();
    proxy.stop();
    std::thread::sleep(std::time::Duration::from_millis(50));
    let ledger: serde_json::Value = serde_json::from_str(&ok(quietpost(
        &profile,
        &["remote", "load", &id, "--proxy", &via, "--json"],
    )))
    .unwrap();
    let failed: Vec<_> = states(&ledger)
        .into_iter()
        .filter(|(k, st, _)| k == "image" && st != "blocked")
        .collect();
    assert_eq!(failed.len(), 4);
    for (_, state, detail) in &failed {
        assert_eq!(state, "failed");
        assert!(detail.starts_with("proxy unreachable"), "{detail}");
    }
    assert_eq!(
        server.requests.lock().unwrap().len(),
        served,
        "zero direct attempts"
    );

    // No proxy at all: nothing can load, and the user is told why.
    let out = quietpost(&profile, &["remote", "load", &id, "--json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No proxy is configured"));
    let ledger: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tried: Vec<_> = states(&ledger)
        .into_iter()
        .filter(|(k, st, _)| k == "image" && st != "blocked")
        .collect();
    assert_eq!(tried.len(), 4, "{ledger}");
    assert!(
        tried
            .iter()
            .all(|(_, st, d)| st == "failed" && d.starts_with("no proxy is configured"))
    );
    assert_eq!(server.requests.lock().unwrap().len(), served);
    let _ = std::fs::remove_dir_all(profile);
}

/// Every http(s) address in `raw` pointed at the canary.
fn aimed_at(raw: &[u8], canary: u16) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).into_owned();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("://") {
        let scheme_start = rest[..i]
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map_or(0, |p| p + 1);
        let scheme = rest[scheme_start..i].to_ascii_lowercase();
        let host_end = rest[i + 3..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':'))
            .map_or(rest.len(), |p| i + 3 + p);
        if scheme == "http" || scheme == "https" {
            out.push_str(&rest[..scheme_start]);
            out.push_str(&format!("http://127.0.0.1:{canary}"));
        } else {
            out.push_str(&rest[..host_end]);
        }
        rest = &rest[host_end..];
    }
    out.push_str(rest);
    out.into_bytes()
}

#[test]
#[ignore]
fn real_server_no_remote_vector_reaches_the_network() {
    // The canary: anything connecting to it is a leak.
    let canary = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = canary.local_addr().unwrap().port();
    canary.set_nonblocking(true).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/render/tests/corpus/remote");
    let mut messages: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| aimed_at(&std::fs::read(p).unwrap(), port))
        .collect();
    messages.push(aimed_at(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/newsletter.eml"))
            .unwrap(),
        port,
    ));
    assert!(messages.len() > 50);
    let aimed = format!("127.0.0.1:{port}");
    let aimed = messages
        .iter()
        .filter(|m| String::from_utf8_lossy(m).contains(&aimed))
        .count();
    assert!(aimed > 45, "only {aimed} messages point at the canary");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(fill("sync20", &messages));
    let profile = profile("canary", "sync20", "localhost:10465", false);
    ok(quietpost(&profile, &["sync", "--bodies"]));
    let ids = ids(&profile);
    assert_eq!(ids.len(), messages.len());
    ok(quietpost(&profile, &["search", "127.0.0.1"]));
    let canary_address = format!("127.0.0.1:{port}");
    for id in &ids {
        ok(quietpost(&profile, &["read", id]));
        let shown: serde_json::Value =
            serde_json::from_str(&ok(quietpost(&profile, &["read", id, "--json"]))).unwrap();
        // Text the reader sees may be quoted, even when it names an address; nothing else.
        let shown = shown["body"]
            .as_str()
            .unwrap_or("")
            .contains(&canary_address);
        let reply = quietpost(&profile, &["reply", id, "--all", "--dry-run"]);
        let forward = quietpost(
            &profile,
            &["forward", id, "--to", "sync19@quietpost.test", "--dry-run"],
        );
        for out in [reply, forward] {
            // A message without a usable sender cannot be replied to; that is a clear error.
            if out.status.success() && !shown {
                let text = String::from_utf8_lossy(&out.stdout);
                let raw = text
                    .split("\n──── What this message reveals")
                    .next()
                    .unwrap();
                let built = mail_parser::MessageParser::default()
                    .parse(raw.as_bytes())
                    .unwrap();
                let body = built.body_text(0).unwrap_or_default();
                assert!(
                    !body.contains(&canary_address),
                    "message {id}: a remote reference is quoted:\n{body}"
                );
            }
        }
    }
    // `remote load` without a proxy: refused, nothing attempted.
    ok(quietpost(
        &profile,
        &["remote", "policy", "sync20", "on-request"],
    ));
    for id in &ids {
        let _ = quietpost(&profile, &["remote", "load", id]);
    }
    match canary.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the canary was contacted: {other:?}"),
    }
    let _ = std::fs::remove_dir_all(profile);
}
