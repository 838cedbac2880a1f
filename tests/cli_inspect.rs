//! `quietpost inspect` end to end: the real binary on hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn quietpost(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quietpost"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the quietpost binary runs");
    // The program may exit before reading its input (that is often the point of the test).
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

/// Every trick a message can play on a terminal, in every displayed field.
const HOSTILE: &[u8] = b"From: =?utf-8?b?G10wO293bmVkBw==?= \x1b[31m<eve@attacker.example>\r\n\
To: =?utf-8?q?=1B[2J?= <bob@example.org>\r\n\
Subject: Invoice \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \xe2\x80\xae fdp.exe \xc2\x9b2J\r\n\
Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Hello\x1b[2J\x1b[H\x07 world \xc2\x9b31m \x00 \r\
overwritten? https://bank.example@attacker.example/login\r\n\
--b\r\n\
Content-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename=\"=?utf-8?q?=1B]0;x=07a.txt?=\"\r\n\
\r\n\
data\r\n\
--b--\r\n";

#[test]
fn no_byte_of_a_message_reaches_the_terminal_as_a_control() {
    let out = quietpost(&["inspect", "-"], HOSTILE);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("output is UTF-8");
    let bad: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect();
    assert!(
        bad.is_empty(),
        "control characters reached the terminal: {bad:?}"
    );
    assert!(!text.contains('\u{202E}'));
    // The real sender and the real link host are visible.
    assert!(text.contains("<eve@attacker.example>"), "{text}");
    assert!(text.contains("(host: attacker.example)"), "{text}");
    assert!(text.contains("! userinfo"), "{text}");
}

#[test]
fn json_follows_the_contract() {
    let out = quietpost(&["inspect", "--json", "-"], HOSTILE);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    for key in [
        "subject",
        "date",
        "from",
        "sender",
        "reply_to",
        "to",
        "cc",
        "body",
        "links",
        "remote_content",
        "attachments",
        "authentication",
        "warnings",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["from"][0]["address"], "eve@attacker.example");
    assert_eq!(v["date"], "2026-12-01T10:00:00Z");
    assert!(
        v["links"][0]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "userinfo")
    );
    let codes: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"bidi-control") && codes.contains(&"hidden-control"),
        "{codes:?}"
    );
}

#[test]
fn trusted_authserv_id_is_the_only_source_of_authentication() {
    let msg = b"Authentication-Results: mx.provider.test; dkim=pass header.d=example.com; spf=pass; dmarc=pass\r\n\
From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n";
    let untrusted = quietpost(&["inspect", "--json", "-"], msg);
    let v: serde_json::Value = serde_json::from_slice(&untrusted.stdout).unwrap();
    assert!(v["authentication"].is_null());
    let trusted = quietpost(
        &[
            "inspect",
            "--json",
            "--trust-authserv",
            "mx.provider.test",
            "-",
        ],
        msg,
    );
    let v: serde_json::Value = serde_json::from_slice(&trusted.stdout).unwrap();
    assert_eq!(v["authentication"]["dkim"], "pass");
    assert_eq!(v["authentication"]["trusted"], true);
}

#[test]
fn a_missing_file_is_one_plain_error_line() {
    let out = quietpost(&["inspect", "/nonexistent/message.eml"], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot read /nonexistent/message.eml"),
        "{err}"
    );
}

#[test]
fn the_demo_message_shows_what_was_blocked() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/welcome.eml");
    let out = quietpost(&["inspect", demo], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("3 remote items blocked"), "{text}");
    assert!(
        text.contains("other programs show this name as: invoiceexe.pdf"),
        "{text}"
    );
}

/// Text that imitates Quietpost's link markers cannot pass for one: only the renderer's own
/// markers print as `[N]`; the message's look-alikes are escaped.
#[test]
fn message_text_cannot_pass_for_a_link_marker() {
    let raw = "From: a@example.org\r\nSubject: s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
        <p>Your statement [1] is ready at [2 \u{2192} bank.example].</p>\
        <p>\u{E000}[3]\u{E001} <a href=\"https://attacker.example/\">Sign in</a></p>";
    let out = quietpost(&["inspect", "-"], raw.as_bytes());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Your statement \\[1] is ready at \\[2 \u{2192} bank.example]."),
        "{text}"
    );
    assert!(text.contains("\\[3] Sign in [1]"), "{text}");
    let json = quietpost(&["inspect", "--json", "-"], raw.as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["link_markers"].as_array().unwrap().len(), 1);
    assert!(!v["body"].as_str().unwrap().contains('\u{E000}'));
}

/// A message written twice whose versions differ: said, and the other version on request.
#[test]
fn the_other_version_of_a_message_written_twice() {
    let raw = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/render/tests/corpus/structure/alternative-versions-differ.eml"
    ))
    .unwrap();
    let plain = String::from_utf8(quietpost(&["inspect", "-"], &raw).stdout).unwrap();
    assert!(
        plain.contains("versions-differ") && plain.contains("4400 1234 5678"),
        "{plain}"
    );
    let html =
        String::from_utf8(quietpost(&["inspect", "--html-version", "-"], &raw).stdout).unwrap();
    assert!(html.contains("4400 9999 5678"), "{html}");
    assert!(html.contains("You are reading the HTML version"), "{html}");
}

/// `--demo` opens the window; with a subcommand it is an error that says so, not ignored.
#[test]
fn demo_does_not_go_with_a_subcommand() {
    let profile = std::env::temp_dir().join(format!("qp-demo-sub-{}", std::process::id()));
    let out = quietpost(
        &["--profile", profile.to_str().unwrap(), "--demo", "list"],
        b"",
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not go with a subcommand"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let _ = std::fs::remove_dir_all(profile);
}

/// No display to open the window on: one plain line on standard error and exit 1, never a
/// panic with a backtrace.
#[test]
fn no_display_is_one_line_not_a_panic() {
    let profile = std::env::temp_dir().join(format!("qp-nodisplay-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_quietpost"))
        .args(["--profile", profile.to_str().unwrap(), "--demo"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("There is no display to open the window on"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let _ = std::fs::remove_dir_all(profile);
}
