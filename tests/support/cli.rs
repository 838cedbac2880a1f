//! Running the real `quietpost` binary in the CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `quietpost --profile PROFILE ARGS...` with nothing on standard input, in a time zone far
/// from UTC (nothing of it may show in what Quietpost writes).
pub fn quietpost(profile: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quietpost"))
        .arg("--profile")
        .arg(profile)
        .args(args)
        .env("TZ", "Asia/Kathmandu")
        .stdin(Stdio::null())
        .output()
        .expect("quietpost runs")
}

/// Standard output of a run that must have succeeded.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "quietpost failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A fresh profile `name` with one account for testbed `user` (password from a command), IMAP
/// on 10993 and submission on `smtp` (`HOST:PORT`), trusting the testbed's CA.
pub fn profile(name: &str, user: &str, smtp: &str, starttls: bool) -> PathBuf {
    profile_with(name, user, smtp, starttls, &[])
}

/// As [`profile`], with more options for `account add` (a display name, a signature).
pub fn profile_with(name: &str, user: &str, smtp: &str, starttls: bool, more: &[&str]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qp-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut more = more.to_vec();
    if starttls {
        more.insert(0, "--smtp-starttls");
    }
    add_account(&dir, user, user, smtp, &more);
    dir
}

/// Adds account `account` to the profile in `dir`: testbed `user` (password from a command),
/// IMAP on 10993 and submission on `smtp`, trusting the testbed's CA; `more` options for
/// `account add`.
pub fn add_account(dir: &Path, account: &str, user: &str, smtp: &str, more: &[&str]) {
    let email = format!("{user}@quietpost.test");
    let pw = format!("echo {user}-Test-pw");
    let ca = std::env::var("QUIETPOST_TESTBED_CA")
        .expect("QUIETPOST_TESTBED_CA is not set: run the real-server tests through scripts/test");
    let mut args = vec![
        "account",
        "add",
        account,
        "--email",
        &email,
        "--imap",
        "localhost:10993",
        "--smtp",
        smtp,
        "--ca-file",
        &ca,
        "--password-command",
        &pw,
    ];
    args.extend_from_slice(more);
    ok(quietpost(dir, &args));
}
