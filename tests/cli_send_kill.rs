//! `quietpost send` killed (SIGKILL) at each step of a submission: before the connection is
//! up, after AUTH, in the middle of DATA, after the server's 250. Afterwards the message is in
//! exactly one state: waiting in the outbox (not sent), unknown (the server may have it: the
//! user decides), or sent (only filing in Sent is left). It never vanishes, and nothing that
//! may have been sent is sent again on its own. The submission server is a small in-process
//! fake that stops answering at the chosen step.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/cli.rs"]
mod cli;
#[path = "../crates/net/tests/support/fake_imap.rs"]
mod fake_imap;
#[path = "../crates/net/tests/support/fake_smtp.rs"]
mod fake_smtp;
#[path = "../crates/net/tests/support/peer.rs"]
mod peer;

use cli::quietpost;
use fake_smtp::{FakeSmtp, Step, start};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A profile whose account submits to the fake on `smtp_port`; its IMAP port is closed.
fn profile(name: &str, smtp_port: u16, ca: &Path) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("qp-kill-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("config")).unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let imap_port = closed.local_addr().unwrap().port();
    drop(closed);
    let ca = ca.display();
    std::fs::write(
        dir.join("config/config.toml"),
        format!(
            "[[account]]\nname = \"k\"\nemail = \"alice@example.org\"\nuser = \"alice\"\n\
             password = {{ command = \"echo {pw}\" }}\n\n\
             [account.imap]\nhost = \"localhost\"\nport = {imap_port}\nsecurity = \"tls\"\nca_file = \"{ca}\"\n\n\
             [account.smtp]\nhost = \"localhost\"\nport = {smtp_port}\nsecurity = \"tls\"\nca_file = \"{ca}\"\n",
            pw = fake_imap::PASSWORD
        ),
    )
    .unwrap();
    dir
}

/// Sends through a fake that stops at `step`, kills quietpost there, and returns the outbox.
fn killed_at(step: Step) -> (serde_json::Value, String) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pki = fake_imap::pki();
    let (config, _) = pki.good();
    let (reached, at) = std::sync::mpsc::channel();
    let (port, _server) = rt.block_on(start(FakeSmtp {
        implicit: Some(config),
        accept_until: Some((step, reached)),
        ..FakeSmtp::default()
    }));
    let profile = profile(&format!("{step:?}"), port, &pki.ca_file);
    let body = profile.join("body.txt");
    std::fs::write(&body, "Line one of the message.\nLine two.\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quietpost"))
        .arg("--profile")
        .arg(&profile)
        .args(["send", "--account", "k", "--to", "bob@example.net"])
        .args(["--subject", "Killed mid-send", "--body-file"])
        .arg(&body)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert_eq!(
        at.recv_timeout(Duration::from_secs(30))
            .expect("the send reaches the step"),
        step
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let out = quietpost(&profile, &["outbox", "list", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let list = serde_json::from_slice(&out.stdout).unwrap();
    let text = String::from_utf8(quietpost(&profile, &["outbox"]).stdout).unwrap();
    let _ = std::fs::remove_dir_all(profile);
    (list, text)
}

fn only(list: &serde_json::Value) -> &serde_json::Value {
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 1, "exactly one message, never lost: {list}");
    assert_eq!(items[0]["subject"], "Killed mid-send");
    &items[0]
}

#[test]
fn killed_while_connecting_the_message_waits() {
    let (list, text) = killed_at(Step::Connect);
    assert_eq!(only(&list)["state"], "queued");
    assert!(text.contains("waiting"), "{text}");
}

#[test]
fn killed_after_auth_the_message_waits() {
    let (list, _) = killed_at(Step::Authenticated);
    assert_eq!(only(&list)["state"], "queued");
}

#[test]
fn killed_during_data_the_outcome_is_unknown() {
    let (list, text) = killed_at(Step::Data);
    let m = only(&list);
    assert_eq!(m["state"], "unknown");
    assert!(text.contains("unknown: may have been sent"), "{text}");
}

#[test]
fn killed_after_250_the_message_is_sent() {
    let (list, text) = killed_at(Step::Accepted);
    assert_eq!(only(&list)["state"], "sent");
    assert!(text.contains("sent, to be filed in Sent"), "{text}");
}
