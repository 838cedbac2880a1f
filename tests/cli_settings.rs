//! Account settings from the command line (`account set`, `account selftest`), against the
//! real testbed: the provider self-test against Postfix configured both ways (:10465 records
//! the sender's address, :10466 removes it and stamps Authentication-Results), the journalist
//! preset's stream isolation as the test SOCKS5 proxy sees it, and its kill-switch. Users
//! sync25 and sync26.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

#[path = "support/cli.rs"]
mod cli;
#[path = "support/testbed.rs"]
mod testbed;
#[path = "../crates/net/tests/support/web.rs"]
mod web;

use cli::{ok, profile, quietpost};
use std::collections::BTreeSet;

fn json(out: String) -> serde_json::Value {
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
#[ignore]
fn real_server_selftest_reads_what_each_kind_of_provider_reveals() {
    // A provider that records the address it saw (Postfix's default).
    let records = profile("selftest-records", "sync25", "localhost:10465", false);
    let r = json(ok(quietpost(
        &records,
        &["account", "selftest", "sync25", "--json", "--wait", "30"],
    )));
    assert_eq!(r["reveals_ip"], true, "{r}");
    assert_eq!(r["sender_address"], "127.0.0.1", "{r}");
    assert!(
        r["addresses"]
            .as_array()
            .unwrap()
            .contains(&"127.0.0.1".into()),
        "{r}"
    );
    assert!(
        r["submission_received"]
            .as_str()
            .unwrap()
            .contains("ESMTPSA"),
        "{r}"
    );
    assert_eq!(r["authserv_id"], serde_json::Value::Null, "{r}");
    assert_eq!(r["route"], "direct");
    assert_eq!(r["probe_deleted"], true);
    // The words say what it means.
    let said = ok(quietpost(&records, &["account", "selftest", "sync25"]));
    assert!(
        said.contains("writes the address you send from into every message: 127.0.0.1"),
        "{said}"
    );
    assert!(said.contains("records no authentication results"), "{said}");

    // A provider that removes it, and stamps its authentication results: the same account
    // moved to that submission server (checked with its password before it is saved).
    let out = ok(quietpost(
        &records,
        &["account", "set", "sync25", "--smtp", "localhost:10466"],
    ));
    assert!(out.contains("SMTP localhost:10466"), "{out}");
    assert!(
        out.contains("smtp: localhost:10465 (TLS) → localhost:10466 (TLS)"),
        "{out}"
    );
    let private = records.clone();
    let r = json(ok(quietpost(
        &private,
        &["account", "selftest", "sync25", "--json", "--wait", "30"],
    )));
    assert_eq!(r["reveals_ip"], false, "{r}");
    assert_eq!(r["sender_address"], serde_json::Value::Null, "{r}");
    assert_eq!(r["submission_received"], serde_json::Value::Null, "{r}");
    assert_eq!(r["authserv_id"], "mx.quietpost.test", "{r}");
    assert_eq!(r["authserv_id_learnt"], true, "{r}");
    // Learnt: the account now believes that provider's results (no flag typed).
    let settings = ok(quietpost(&private, &["account", "set", "sync25"]));
    assert!(
        settings.contains("trust-authserv: mx.quietpost.test"),
        "{settings}"
    );
    let said = ok(quietpost(&private, &["account", "selftest", "sync25"]));
    assert!(
        said.contains("does not write the address you send from"),
        "{said}"
    );
    assert!(!said.contains("Learnt"), "learnt once: {said}");

    // Every probe was deleted: the Inbox is empty.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut m = testbed::connect("sync25").await;
        m.select("INBOX", None).await.unwrap();
        assert_eq!(m.uids().await.unwrap(), Vec::<u32>::new());
        m.logout().await;
    });
    let _ = std::fs::remove_dir_all(records);
}

/// Other servers for an account whose password is in the keychain (the real Secret Service):
/// a server that does not answer changes nothing; a good one is checked, then the password
/// follows it in the keychain. User sync25's login (nothing of its mail is read).
#[test]
#[ignore]
fn real_server_servers_change_only_once_checked_and_the_password_follows() {
    let dir = std::env::temp_dir().join(format!("qp-cli-servers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ca = testbed::ca();
    let mut add = std::process::Command::new(env!("CARGO_BIN_EXE_quietpost"))
        .arg("--profile")
        .arg(&dir)
        .args([
            "account",
            "add",
            "kc",
            "--email",
            "sync25@quietpost.test",
            "--user",
            "sync25",
            "--imap",
            "localhost:10993",
            "--smtp",
            "localhost:10465",
            "--ca-file",
            &ca,
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    add.stdin
        .take()
        .unwrap()
        .write_all(b"sync25-Test-pw\n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Nothing listens there: refused, and the account is as it was.
    let out = quietpost(&dir, &["account", "set", "kc", "--smtp", "localhost:1"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("The servers were not changed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = json(ok(quietpost(&dir, &["account", "list", "--json"])));
    assert_eq!(list[0]["smtp"]["port"], 10465);
    // STARTTLS on 10587: checked, saved, and the keychain's password found under its name.
    ok(quietpost(
        &dir,
        &[
            "account",
            "set",
            "kc",
            "--smtp",
            "localhost:10587",
            "--smtp-starttls",
            "on",
        ],
    ));
    let list = json(ok(quietpost(&dir, &["account", "list", "--json"])));
    assert_eq!(list[0]["smtp"]["port"], 10587);
    assert_eq!(list[0]["smtp"]["security"], "STARTTLS required");
    let check = json(ok(quietpost(&dir, &["account", "check", "kc", "--json"])));
    assert_eq!(check["ok"], true, "{check}");
    ok(quietpost(&dir, &["account", "remove", "kc"]));
    let _ = std::fs::remove_dir_all(dir);
}

/// The credentials each stream gave the proxy, by where it went.
fn passwords(proxy: &web::Proxy) -> Vec<(String, u16, Option<String>)> {
    proxy
        .streams
        .lock()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s.host.clone(),
                s.port,
                s.credentials.as_ref().map(|(_, p)| p.clone()),
            )
        })
        .collect()
}

#[test]
#[ignore]
fn real_server_the_journalist_preset_isolates_every_purpose_at_the_proxy() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(web::web());
    let proxy = rt.block_on(web::proxy(server.port));
    let p = profile("preset", "sync26", "localhost:10465", false);
    let body = p.join("body.txt");
    std::fs::write(&body, "Hello").unwrap();

    // Refused without a proxy: the preset would leave an account that never connects.
    let out = quietpost(&p, &["account", "set", "sync26", "--preset", "journalist"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a proxy"));

    // On, with the proxy: every item of the checklist holds, and the self-test ran through it.
    let on = ok(quietpost(
        &p,
        &[
            "account",
            "set",
            "sync26",
            "--proxy",
            &proxy.url(),
            "--preset",
            "journalist",
        ],
    ));
    assert!(on.contains("Protect my location and identity: on"), "{on}");
    assert!(!on.contains('✗'), "{on}");
    for changed in [
        "require-proxy: off → on",
        "isolate-streams: off → on",
        "documents: open or save → save only",
        "reveal: before the first send",
    ] {
        assert!(on.contains(changed), "{changed}: {on}");
    }
    assert!(on.contains("That is your proxy's exit"), "{on}");
    let selftest: Vec<_> = passwords(&proxy);
    assert_eq!(selftest.len(), 2, "{selftest:?}");
    assert!(
        selftest
            .iter()
            .all(|(_, _, p)| p.as_deref().is_some_and(|p| p.starts_with("selftest-"))),
        "{selftest:?}"
    );
    assert_ne!(
        selftest[0].2, selftest[1].2,
        "IMAP and SMTP of the test apart"
    );

    // Sync, send, and one message's images: each its own credentials.
    let newsletter = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/newsletter.eml"
    ))
    .unwrap()
    .replace('\n', "\r\n");
    rt.block_on(async {
        let mut m = testbed::connect("sync26").await;
        m.append("INBOX", "()", newsletter.as_bytes())
            .await
            .unwrap();
        m.logout().await;
    });
    ok(quietpost(&p, &["sync"]));
    ok(quietpost(
        &p,
        &[
            "send",
            "--account",
            "sync26",
            "--to",
            "sync26@quietpost.test",
            "--subject",
            "Through Tor",
            "--body-file",
            body.to_str().unwrap(),
        ],
    ));
    let rows = json(ok(quietpost(&p, &["list", "--json"])));
    let id = rows[0]["id"].as_i64().unwrap().to_string();
    for _ in 0..2 {
        ok(quietpost(&p, &["remote", "load", &id, "--json"]));
    }
    let all = passwords(&proxy);
    assert!(
        all.iter().all(|(_, _, p)| p.is_some()),
        "no stream without its own credentials: {all:?}"
    );
    let purpose = |host: &str, port: Option<u16>| -> BTreeSet<String> {
        all.iter()
            .skip(2)
            .filter(|(h, p, _)| h.ends_with(host) && port.is_none_or(|x| x == *p))
            .map(|(_, _, pw)| pw.clone().unwrap())
            .collect()
    };
    assert_eq!(
        purpose("localhost", Some(10993)),
        BTreeSet::from(["imap".to_owned()])
    );
    assert!(
        purpose("localhost", Some(10465))
            .iter()
            .all(|p| p == "smtp"),
        "{all:?}"
    );
    assert!(!purpose("localhost", Some(10465)).is_empty(), "{all:?}");
    let images = purpose(".invalid", None);
    assert_eq!(images.len(), 2, "one circuit per load: {all:?}");
    assert!(
        images.iter().all(|p| p.starts_with("images-")),
        "{images:?}"
    );

    // Off: what changes is said, and the proxy stays (no longer required).
    let off = ok(quietpost(
        &p,
        &["account", "set", "sync26", "--preset", "none"],
    ));
    assert!(off.contains("require-proxy: on → off"), "{off}");
    assert!(
        off.contains("Protect my location and identity: off"),
        "{off}"
    );
    assert!(
        off.contains(&format!(
            "Connections: via the SOCKS5 proxy at 127.0.0.1:{}",
            proxy.port
        )),
        "{off}"
    );
    let _ = std::fs::remove_dir_all(p);
}

/// Sync, check, self-test and send of `account` (in profile `dir`) each fail, naming the
/// proxy at `dead_port` that nothing answers at.
fn every_connecting_command_names_the_proxy(dir: &std::path::Path, account: &str, dead_port: u16) {
    let body = dir.join("body.txt");
    std::fs::write(&body, "b").unwrap();
    let body = body.to_str().unwrap();
    let tries: [&[&str]; 4] = [
        &["sync"],
        &["account", "check", account],
        &["account", "selftest", account, "--wait", "1"],
        &[
            "send",
            "--account",
            account,
            "--to",
            "x@quietpost.test",
            "--subject",
            "s",
            "--body-file",
            body,
        ],
    ];
    for args in tries {
        let out = quietpost(dir, args);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{args:?} cannot succeed");
        assert!(
            said.contains(&format!("127.0.0.1:{dead_port}")),
            "{args:?} names the proxy: {said}"
        );
    }
}

/// An account that requires its proxy, with the proxy down or not set: nothing reaches its
/// servers (a listener stands in for them and counts connections), whatever is asked.
#[test]
fn a_preset_account_with_its_proxy_down_connects_nowhere() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    drop(dead);
    let dir = std::env::temp_dir().join(format!("qp-cli-killswitch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("config")).unwrap();
    let config = format!(
        "[[account]]\nname = \"j\"\nemail = \"j@quietpost.test\"\nuser = \"j\"\npassword = {{ command = \"echo pw\" }}\nproxy = \"socks5://127.0.0.1:{dead_port}\"\n\n[account.imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"tls\"\n\n[account.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"tls\"\n"
    );
    std::fs::write(dir.join("config/config.toml"), config).unwrap();
    ok(quietpost(
        &dir,
        &[
            "account",
            "set",
            "j",
            "--preset",
            "journalist",
            "--no-selftest",
        ],
    ));
    every_connecting_command_names_the_proxy(&dir, "j", dead_port);
    // The proxy may not be taken away while it is required.
    let out = quietpost(&dir, &["account", "set", "j", "--no-proxy"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("requires a proxy"));
    // Required, with none set (config.toml edited by hand): nothing connects either.
    let text = std::fs::read_to_string(dir.join("config/config.toml")).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("proxy ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("config/config.toml"), text).unwrap();
    let out = quietpost(&dir, &["sync"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("only through a proxy"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        listener.accept().is_err(),
        "no connection ever reached the server's port"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A relay in front of a real testbed port that counts the connections made to it: the
/// account's servers as far as it knows (what reaches the relay reaches Dovecot or Postfix).
struct Relay {
    port: u16,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn relay(to: u16) -> Relay {
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = connections.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            counted.fetch_add(1, Ordering::SeqCst);
            let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut c1, mut s1) = (client, server);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c1, &mut s1);
                let _ = s1.shutdown(std::net::Shutdown::Write);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s2, &mut c2);
                let _ = c2.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    Relay { port, connections }
}

/// The kill-switch against the real servers: an account that reaches Dovecot and Postfix
/// (through counting relays on its server ports) syncs directly; with the journalist preset
/// and its proxy down, not one connection reaches either port, whatever is asked. User sync27
/// (only its login is used).
#[test]
#[ignore]
fn real_server_a_preset_account_with_its_proxy_down_reaches_neither_server() {
    use std::sync::atomic::Ordering;
    let (imap, smtp) = (relay(10993), relay(10465));
    let dir = std::env::temp_dir().join(format!("qp-cli-killswitch-real-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ca = testbed::ca();
    let (imap_at, smtp_at) = (
        format!("localhost:{}", imap.port),
        format!("localhost:{}", smtp.port),
    );
    ok(quietpost(
        &dir,
        &[
            "account",
            "add",
            "sync27",
            "--email",
            "sync27@quietpost.test",
            "--imap",
            &imap_at,
            "--smtp",
            &smtp_at,
            "--ca-file",
            &ca,
            "--password-command",
            "echo sync27-Test-pw",
        ],
    ));
    ok(quietpost(&dir, &["sync"]));
    assert!(
        imap.connections.load(Ordering::SeqCst) >= 2,
        "added, then synced"
    );
    assert!(
        smtp.connections.load(Ordering::SeqCst) >= 1,
        "checked when added"
    );

    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    drop(dead);
    let proxy = format!("socks5://127.0.0.1:{dead_port}");
    ok(quietpost(
        &dir,
        &["account", "set", "sync27", "--proxy", &proxy],
    ));
    ok(quietpost(
        &dir,
        &[
            "account",
            "set",
            "sync27",
            "--preset",
            "journalist",
            "--no-selftest",
        ],
    ));
    imap.connections.store(0, Ordering::SeqCst);
    smtp.connections.store(0, Ordering::SeqCst);
    every_connecting_command_names_the_proxy(&dir, "sync27", dead_port);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        imap.connections.load(Ordering::SeqCst),
        0,
        "IMAP port untouched"
    );
    assert_eq!(
        smtp.connections.load(Ordering::SeqCst),
        0,
        "SMTP port untouched"
    );
    let _ = std::fs::remove_dir_all(dir);
}
