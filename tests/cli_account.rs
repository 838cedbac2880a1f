//! `quietpost account` end to end: the real binary, the real Dovecot and Postfix of the testbed,
//! and the real Secret Service (GNOME Keyring in the D-Bus session `scripts/test` starts).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use base64::Engine;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "alice-Test-pw-1";

fn quietpost(profile: &Path, args: &[&str], stdin: &str, keychain: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quietpost"));
    cmd.arg("--profile")
        .arg(profile)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !keychain {
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("XDG_RUNTIME_DIR");
    }
    let mut child = cmd.spawn().expect("quietpost runs");
    // The program may exit before reading its input (that is often the point of the test).
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn profile(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qp-account-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn testbed(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run through scripts/test, which starts the testbed")
    })
}

/// What the Secret Service holds for Quietpost, as `secret-tool` prints it.
fn keychain_listing() -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", "quietpost"])
        .output()
        .expect("secret-tool is installed");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Every byte of every file under `dir`, and the modes of what is there.
fn files(dir: &Path) -> Vec<(PathBuf, u32, Vec<u8>)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        out.push((
            d.clone(),
            std::fs::metadata(&d).unwrap().mode() & 0o777,
            Vec::new(),
        ));
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let mode = std::fs::metadata(&p).unwrap().mode() & 0o777;
                out.push((p.clone(), mode, std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

fn assert_nothing_secret_on_disk(dir: &Path) {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let forms = [
        PASSWORD.to_owned(),
        b64(PASSWORD),
        b64(&format!("\0alice\0{PASSWORD}")),
        PASSWORD.replace('-', "%2D"),
    ];
    for (path, mode, bytes) in files(dir) {
        let is_dir = path.is_dir();
        assert_eq!(
            mode,
            if is_dir { 0o700 } else { 0o600 },
            "{} has mode {mode:o}",
            path.display()
        );
        let text = String::from_utf8_lossy(&bytes);
        for f in &forms {
            assert!(
                !text.contains(f.as_str()),
                "{} contains the password (as {f:?})",
                path.display()
            );
        }
    }
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn account_add_without_a_keychain_fails_cleanly() {
    let dir = profile("nokeychain");
    let out = quietpost(
        &dir,
        &[
            "account",
            "add",
            "work",
            "--email",
            "alice@quietpost.test",
            "--imap",
            "localhost:1",
            "--smtp",
            "localhost:1",
            "--password-stdin",
        ],
        "secret\n",
        false,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("No system keychain") && err.contains("--password-command"),
        "{err}"
    );
    assert!(!dir.exists(), "nothing may be written without a keychain");
}

#[test]
#[ignore = "needs the testbed and a Secret Service: scripts/test"]
fn real_server_account_add_check_remove_with_ca_file() {
    let dir = profile("cafile");
    let ca = testbed("QUIETPOST_TESTBED_CA");
    let add = quietpost(
        &dir,
        &[
            "account",
            "add",
            "work",
            "--email",
            "alice@quietpost.test",
            "--user",
            "alice",
            "--imap",
            "localhost:10993",
            "--smtp",
            "localhost:10587",
            "--smtp-starttls",
            "--ca-file",
            &ca,
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
        true,
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let listing = keychain_listing();
    assert!(
        listing.contains("work|alice@localhost:10993")
            && listing.contains("work|alice@localhost:10587"),
        "{listing}"
    );
    assert!(
        listing.contains(PASSWORD),
        "the Secret Service holds the password: {listing}"
    );
    assert_nothing_secret_on_disk(&dir);

    let check = quietpost(&dir, &["account", "check", "work", "--json"], "", true);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let v = json(&check);
    assert_eq!(v["ok"], true);
    assert!(
        v["imap"]["tls_version"]
            .as_str()
            .unwrap()
            .starts_with("TLS 1.")
    );
    assert_eq!(
        v["imap"]["fingerprint_sha256"],
        testbed("QUIETPOST_TESTBED_FINGERPRINT")
    );
    assert_eq!(v["imap"]["certificate_subject"], "CN=localhost");
    assert_eq!(v["imap"]["certificate_issuer"], "CN=Quietpost testbed CA");
    assert!(
        v["imap"]["certificate_not_after"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{v}"
    );
    assert_eq!(v["smtp"]["ok"], true);

    let remove = quietpost(&dir, &["account", "remove", "work"], "", true);
    assert!(
        remove.status.success(),
        "{}",
        String::from_utf8_lossy(&remove.stderr)
    );
    assert!(
        !keychain_listing().contains("work|alice@"),
        "the keychain entries are gone"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[ignore = "needs the testbed and a Secret Service: scripts/test"]
fn real_server_account_with_pin_and_starttls_imap() {
    let dir = profile("pin");
    let pin = testbed("QUIETPOST_TESTBED_FINGERPRINT");
    let add = quietpost(
        &dir,
        &[
            "account",
            "add",
            "pinned",
            "--email",
            "alice@quietpost.test",
            "--user",
            "alice",
            "--imap",
            "localhost:10143",
            "--imap-starttls",
            "--smtp",
            "localhost:10465",
            "--pin-sha256",
            &pin,
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
        true,
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let v = json(&quietpost(
        &dir,
        &["account", "check", "pinned", "--json"],
        "",
        true,
    ));
    assert_eq!(
        (
            v["ok"].clone(),
            v["imap"]["ok"].clone(),
            v["smtp"]["ok"].clone()
        ),
        (true.into(), true.into(), true.into()),
        "{v}"
    );
    assert_nothing_secret_on_disk(&dir);
    // A wrong pin fails closed, showing both fingerprints, and saves nothing.
    let wrong = quietpost(
        &dir,
        &[
            "account",
            "add",
            "wrong",
            "--email",
            "a@quietpost.test",
            "--user",
            "alice",
            "--imap",
            "localhost:10993",
            "--smtp",
            "localhost:10465",
            "--pin-sha256",
            &"AB".repeat(32),
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
        true,
    );
    assert!(!wrong.status.success());
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        err.contains("is not the one you pinned")
            && err.contains(&pin)
            && err.contains("Nothing was saved"),
        "{err}"
    );
    assert!(
        !std::fs::read_to_string(dir.join("config/config.toml"))
            .unwrap()
            .contains("wrong")
    );
    let _ = quietpost(&dir, &["account", "remove", "pinned"], "", true);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[ignore = "needs the testbed: scripts/test"]
fn real_server_account_with_a_password_command_stores_no_secret() {
    let dir = profile("command");
    let ca = testbed("QUIETPOST_TESTBED_CA");
    // Like `pass show ...`: the secret lives elsewhere; only the command is configuration.
    let vault = std::env::temp_dir().join(format!("qp-vault-{}", std::process::id()));
    std::fs::write(&vault, format!("{PASSWORD}\n")).unwrap();
    let command = format!("cat {}", vault.display());
    let add = quietpost(
        &dir,
        &[
            "account",
            "add",
            "cmd",
            "--email",
            "alice@quietpost.test",
            "--user",
            "alice",
            "--imap",
            "localhost:10993",
            "--smtp",
            "localhost:10465",
            "--ca-file",
            &ca,
            "--password-command",
            &command,
        ],
        "",
        false,
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let check = quietpost(&dir, &["account", "check", "cmd", "--json"], "", false);
    assert_eq!(json(&check)["ok"], true);
    let config = std::fs::read_to_string(dir.join("config/config.toml")).unwrap();
    assert!(config.contains("command = "), "{config}");
    assert_nothing_secret_on_disk(&dir);
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_file(vault);
}

#[test]
fn discovered_servers_are_shown_before_anything_is_sent() {
    // A provider from the built-in table: no network is involved without --yes.
    let dir = profile("discover");
    let out = quietpost(
        &dir,
        &["account", "add", "me", "--email", "alice@gmail.com"],
        "",
        false,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("IMAP imap.gmail.com:993 (TLS)")
            && text.contains("SMTP smtp.gmail.com:465 (TLS)"),
        "{text}"
    );
    assert!(text.contains("Nothing has been sent"), "{text}");
    assert!(!dir.exists(), "nothing is written before the person agrees");
}

/// The combinations the two tests above do not cover: STARTTLS IMAP and implicit-TLS SMTP with a
/// CA file; implicit-TLS IMAP and STARTTLS SMTP with a pin.
#[test]
#[ignore = "needs the testbed and a Secret Service: scripts/test"]
fn real_server_account_crossed_modes_and_trust() {
    let ca = testbed("QUIETPOST_TESTBED_CA");
    let pin = testbed("QUIETPOST_TESTBED_FINGERPRINT");
    let cases: [(&str, Vec<&str>); 2] = [
        (
            "crossca",
            vec![
                "--imap",
                "localhost:10143",
                "--imap-starttls",
                "--smtp",
                "localhost:10465",
                "--ca-file",
                &ca,
            ],
        ),
        (
            "crosspin",
            vec![
                "--imap",
                "localhost:10993",
                "--smtp",
                "localhost:10587",
                "--smtp-starttls",
                "--pin-sha256",
                &pin,
            ],
        ),
    ];
    for (name, flags) in cases {
        let dir = profile(name);
        let mut args = vec![
            "account",
            "add",
            name,
            "--email",
            "alice@quietpost.test",
            "--user",
            "alice",
            "--password-stdin",
        ];
        args.extend(flags.iter().copied());
        let add = quietpost(&dir, &args, &format!("{PASSWORD}\n"), true);
        assert!(
            add.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&add.stderr)
        );
        let v = json(&quietpost(
            &dir,
            &["account", "check", name, "--json"],
            "",
            true,
        ));
        assert_eq!(v["ok"], true, "{name}: {v}");
        assert_nothing_secret_on_disk(&dir);
        let _ = quietpost(&dir, &["account", "remove", name], "", true);
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Protocol traces of a full login (add, then check) and of a failed login hold the protocol
/// but no form of the password.
#[test]
#[ignore = "needs the testbed and a Secret Service: scripts/test"]
fn real_server_traces_hold_no_secret() {
    let dir = profile("trace");
    let ca = testbed("QUIETPOST_TESTBED_CA");
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let wrong = "Wrong-Pa55-for-trace";
    let secrets = |pw: &str| {
        vec![
            pw.to_owned(),
            b64(pw),
            b64(&format!("\0alice\0{pw}")),
            pw.replace('-', "%2D"),
        ]
    };
    let base = [
        "account",
        "add",
        "traced",
        "--email",
        "alice@quietpost.test",
        "--user",
        "alice",
        "--imap",
        "localhost:10143",
        "--imap-starttls",
        "--smtp",
        "localhost:10587",
        "--smtp-starttls",
        "--ca-file",
        &ca,
        "--password-stdin",
        "--trace",
    ];

    let failed = quietpost(&dir, &base, &format!("{wrong}\n"), true);
    assert!(!failed.status.success());
    let added = quietpost(&dir, &base, &format!("{PASSWORD}\n"), true);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let checked = quietpost(&dir, &["account", "check", "traced", "--trace"], "", true);
    assert!(checked.status.success());

    for (what, out) in [
        ("failed login", &failed),
        ("add", &added),
        ("check", &checked),
    ] {
        let trace = String::from_utf8_lossy(&out.stderr);
        assert!(
            trace.contains("C: Q2 STARTTLS") && trace.contains("logging in"),
            "{what}: the trace holds the protocol: {trace}"
        );
        for s in secrets(PASSWORD).iter().chain(secrets(wrong).iter()) {
            assert!(
                !trace.contains(s.as_str()),
                "{what}: the trace contains a password form {s:?}"
            );
        }
    }
    let _ = quietpost(&dir, &["account", "remove", "traced"], "", true);
    let _ = std::fs::remove_dir_all(dir);
}

/// A configuration someone left readable by others is made private again at the start, and
/// the person is told once, as ssh does for its keys.
#[cfg(unix)]
#[test]
fn files_left_open_to_others_are_made_private_at_start_and_said_once() {
    use std::os::unix::fs::PermissionsExt;
    let dir = profile("tighten");
    let config = dir.join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "").unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        config.join("config.toml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = quietpost(&dir, &["account", "list"], "", false);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("config.toml could be read by other users of this computer (mode 0644)"),
        "{said}"
    );
    assert!(
        said.contains("config could be read by other users"),
        "{said}"
    );
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&config), 0o700);
    assert_eq!(mode(&config.join("config.toml")), 0o600);
    // Once: the next start has nothing to say.
    let again = quietpost(&dir, &["account", "list"], "", false);
    assert!(
        String::from_utf8_lossy(&again.stderr).is_empty(),
        "{again:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
