//! `quietpost send` and `quietpost outbox` end to end: the real binary submits to the real
//! Postfix of the testbed (465 and 587), Postfix delivers into Dovecot over LMTP, and the
//! delivered copies are read back over IMAP. Users sync11..sync16.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/cli.rs"]
mod cli;
#[path = "support/photo.rs"]
mod photo;
#[path = "support/testbed.rs"]
mod testbed;

use cli::{ok, profile, profile_with, quietpost};
use mail_parser::MimeHeaders;

/// The raw messages in `user`'s `folder`, waiting up to 30 s for at least `n` of them.
fn mailbox(user: &str, folder: &str, n: usize) -> Vec<Vec<u8>> {
    testbed::messages(user, folder, n)
}

fn headers(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    s.split("\r\n\r\n").next().unwrap().to_owned()
}

fn header_values(raw: &[u8], name: &str) -> Vec<String> {
    let head = headers(raw).replace("\r\n ", " ").replace("\r\n\t", " ");
    head.split("\r\n")
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

/// A photo with EXIF (GPS pointer) and a comment naming its owner.
fn photo() -> Vec<u8> {
    photo::with_gps(b"owner: Sync Eleven")
}

fn machine_names() -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        names.push(h.trim().to_owned());
    }
    for var in ["USER", "LOGNAME"] {
        if let Ok(u) = std::env::var(var) {
            names.push(u);
        }
    }
    names.retain(|n| n.len() >= 4 && n != "localhost");
    names
}

#[test]
#[ignore]
fn real_server_send_reveals_nothing_and_arrives() {
    let dir = std::env::temp_dir().join(format!("qp-cli-send-files-{}", std::process::id()));
    let private = dir.join("Private Photos");
    std::fs::create_dir_all(&private).unwrap();
    let photo_path = private.join("holiday.jpg");
    std::fs::write(&photo_path, photo()).unwrap();
    let pdf_path = private.join("report.pdf");
    std::fs::write(
        &pdf_path,
        b"%PDF-1.7\n1 0 obj << /Author (Alice) >> endobj\n%%EOF\n",
    )
    .unwrap();
    let body = dir.join("body.txt");
    std::fs::write(&body, "Hello,\nthe photo from the trip.\n").unwrap();

    let signature = dir.join("signature.txt");
    std::fs::write(&signature, "-- \nSync Eleven\nReporter\n").unwrap();
    let implicit = profile_with(
        "465",
        "sync11",
        "localhost:10465",
        false,
        &[
            "--display-name",
            "Sync Élevén, Reporter",
            "--signature-file",
            signature.to_str().unwrap(),
        ],
    );
    let starttls = profile("587", "sync11", "localhost:10587", true);
    // --dry-run shows the whole message and what it reveals, and sends nothing.
    let dry = ok(quietpost(
        &implicit,
        &[
            "send",
            "--account",
            "sync11",
            "--to",
            "sync12@quietpost.test",
            "--bcc",
            "sync13@quietpost.test",
            "--subject",
            "Trip",
            "--body-file",
            body.to_str().unwrap(),
            "--attach",
            photo_path.to_str().unwrap(),
            "--attach",
            pdf_path.to_str().unwrap(),
            "--dry-run",
        ],
    ));
    assert!(
        dry.contains("Message-ID: <") && dry.contains("Subject: Trip"),
        "{dry}"
    );
    assert!(dry.contains("What this message reveals"));
    assert!(dry.contains("only in the SMTP envelope"));
    assert!(dry.contains("the GPS position where the photo was taken"));
    // A type Quietpost cannot read is said to be unchecked, never clean.
    assert!(
        dry.contains("report.pdf (")
            && dry
                .contains("Quietpost cannot check PDF files for hidden data; it is sent as it is"),
        "{dry}"
    );
    assert!(!dry.contains("no hidden metadata found"), "{dry}");
    assert!(dry.contains("dry run: nothing was sent"));
    assert!(
        dry.contains("Sent as: \"Sync Élevén, Reporter\" <sync11@quietpost.test>"),
        "{dry}"
    );
    assert!(dry.contains("Route: Directly to localhost"), "{dry}");

    for (profile, subject) in [(&implicit, "Trip via 465"), (&starttls, "Trip via 587")] {
        let out = ok(quietpost(
            profile,
            &[
                "send",
                "--account",
                "sync11",
                "--to",
                "sync12@quietpost.test",
                "--bcc",
                "sync13@quietpost.test",
                "--subject",
                subject,
                "--body-file",
                body.to_str().unwrap(),
                "--attach",
                photo_path.to_str().unwrap(),
            ],
        ));
        assert!(out.contains("Sent, and filed in Sent"), "{out}");
        assert!(ok(quietpost(profile, &["outbox", "list", "--json"])).trim() == "[]");
    }

    let delivered = mailbox("sync12", "INBOX", 2);
    assert_eq!(delivered.len(), 2);
    // The identity: the display name in From (encoded as the header needs), the signature
    // below the text of the account that has them.
    let named = delivered
        .iter()
        .map(|raw| mail_parser::MessageParser::default().parse(raw).unwrap())
        .find(|m| m.subject() == Some("Trip via 465"))
        .unwrap();
    let from = named.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Sync Élevén, Reporter"));
    assert_eq!(from.address(), Some("sync11@quietpost.test"));
    let text = named.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(
        text.trim_end()
            .ends_with("the photo from the trip.\n\n-- \nSync Eleven\nReporter"),
        "{text:?}"
    );
    let names = machine_names();
    for raw in &delivered {
        let text = String::from_utf8_lossy(raw);
        let id = &header_values(raw, "Message-ID")[0];
        assert!(
            id.starts_with('<') && id.ends_with("@quietpost.test>") && id.len() == 1 + 40 + 15 + 1,
            "{id}"
        );
        let date = &header_values(raw, "Date")[0];
        assert!(date.ends_with(":00 +0000"), "{date}");
        assert!(header_values(raw, "User-Agent").is_empty());
        assert!(header_values(raw, "X-Mailer").is_empty());
        // Bcc: delivered, but named nowhere in the copy others get.
        assert!(header_values(raw, "Bcc").is_empty());
        assert!(
            !text.contains("sync13"),
            "the Bcc recipient is named:\n{}",
            headers(raw)
        );
        // EHLO said [127.0.0.1], never the machine's name.
        let received = header_values(raw, "Received");
        assert!(
            received.iter().any(|r| r.starts_with("from [127.0.0.1]")),
            "{received:?}"
        );
        for n in &names {
            assert!(!text.contains(n.as_str()), "the message names {n:?}");
        }
        // The attachment has its name only, and the photo lost its metadata.
        assert!(!text.contains("Private"));
        let parsed = mail_parser::MessageParser::default().parse(raw).unwrap();
        let att = parsed.attachment(0).unwrap();
        assert_eq!(att.attachment_name(), Some("holiday.jpg"));
        let bytes = att.contents();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"));
        assert!(!bytes.windows(10).any(|w| w == b"Sync Eleve"));
        assert!(bytes.windows(9).any(|w| w == b"PIXELDATA"));
    }
    // Postfix logged the EHLO name of each submission: [127.0.0.1], never the machine's name.
    let log = std::fs::read_to_string(
        std::path::Path::new(&std::env::var("QUIETPOST_TESTBED").unwrap()).join("log/postfix.log"),
    )
    .unwrap();
    let helo: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("sync11@quietpost.test") && l.contains("helo="))
        .collect();
    assert!(!helo.is_empty(), "no EHLO logged:\n{log}");
    for line in &helo {
        assert!(line.contains("helo=<[127.0.0.1]>"), "{line}");
        for n in &names {
            assert!(!line.contains(n.as_str()), "the EHLO names {n:?}: {line}");
        }
    }
    // The Bcc recipient got both.
    assert_eq!(mailbox("sync13", "INBOX", 2).len(), 2);
    // Filed in the sender's Sent folder, once per message.
    let sent = mailbox("sync11", "Sent", 2);
    assert_eq!(sent.len(), 2);
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(implicit);
    let _ = std::fs::remove_dir_all(starttls);
}

#[test]
#[ignore]
fn real_server_unsendable_message_stays_in_the_outbox() {
    let profile = profile("closed", "sync11", "localhost:10465", false);
    // The submission server goes away: point the account at a closed port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let config = profile.join("config/config.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("port = 10465", &format!("port = {port}"));
    std::fs::write(&config, text).unwrap();
    let body = profile.join("body.txt");
    std::fs::write(&body, "Kept safe.\n").unwrap();
    let out = quietpost(
        &profile,
        &[
            "send",
            "--account",
            "sync11",
            "--to",
            "sync12@quietpost.test",
            "--subject",
            "Waiting",
            "--body-file",
            body.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused the connection") && err.contains("stays in the outbox as #1"),
        "{err}"
    );
    let list: serde_json::Value =
        serde_json::from_str(&ok(quietpost(&profile, &["outbox", "list", "--json"]))).unwrap();
    assert_eq!(list[0]["state"], "queued");
    assert_eq!(list[0]["subject"], "Waiting");
    assert!(list[0]["last_error"].as_str().unwrap().contains("refused"));
    ok(quietpost(&profile, &["outbox", "discard", "1"]));
    assert_eq!(
        ok(quietpost(&profile, &["outbox", "list", "--json"])).trim(),
        "[]"
    );
    let _ = std::fs::remove_dir_all(profile);
}

/// Appends `raw` to `user`'s `folder`.
fn deliver(user: &str, folder: &str, raw: &[u8]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut m = testbed::connect(user).await;
        m.append(folder, "()", raw).await.unwrap();
        m.logout().await;
    });
}

/// What the hidden-text fixture must never pass on: text its HTML hides, its title and script,
/// and every remote reference (all under tracker.example).
const NEVER_QUOTED: [&str; 7] = [
    "PREHEADER-SECRET",
    "ZEROSIZE-SECRET",
    "WHITE-SECRET",
    "HIDDEN-ATTR-SECRET",
    "SCRIPT-SECRET",
    "HEAD-TITLE-SECRET",
    "tracker.example",
];

fn assert_quotes_only_what_was_shown(raw: &[u8]) {
    let text = String::from_utf8_lossy(raw);
    let parsed = mail_parser::MessageParser::default().parse(raw).unwrap();
    let body = parsed.body_text(0).unwrap().into_owned();
    for secret in NEVER_QUOTED {
        assert!(
            !text.contains(secret) && !body.contains(secret),
            "{secret} passed on:\n{text}"
        );
    }
    assert!(!text.contains("+0545"), "the original's time zone:\n{text}");
    assert!(body.contains("Hello Alice,"), "{body}");
    assert!(body.contains("Shop the sale before Sunday."), "{body}");
}

#[test]
#[ignore]
fn real_server_reply_and_forward_quote_only_what_was_shown() {
    // The newsletter with hidden text and remote images, from sync15 to sync14, Cc sync16.
    let original = String::from_utf8(
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/hidden-and-remote.eml"
        ))
        .unwrap(),
    )
    .unwrap()
    .replace("news@shop.example", "sync15@quietpost.test")
    .replace("alice@example.org", "sync14@quietpost.test")
    .replace("carol@example.net", "sync16@quietpost.test")
    .replace('\n', "\r\n");
    deliver("sync14", "INBOX", original.as_bytes());
    let profile = profile("reply", "sync14", "localhost:10465", false);
    ok(quietpost(&profile, &["sync"]));
    let rows: serde_json::Value =
        serde_json::from_str(&ok(quietpost(&profile, &["list", "--json"]))).unwrap();
    let id = rows[0]["id"].as_i64().unwrap().to_string();
    let text = profile.join("reply.txt");
    std::fs::write(&text, "Thanks, noted.\n").unwrap();
    let text = text.to_str().unwrap();

    // The dry run shows the reply as it would go.
    let dry = ok(quietpost(
        &profile,
        &["reply", &id, "--body-file", text, "--dry-run"],
    ));
    assert!(dry.contains("To: sync15@quietpost.test"), "{dry}");
    assert!(
        dry.contains("In-Reply-To: <picks-2026-48@shop.example>"),
        "{dry}"
    );
    for secret in NEVER_QUOTED {
        assert!(!dry.contains(secret), "{secret} in:\n{dry}");
    }

    ok(quietpost(
        &profile,
        &["reply", &id, "--all", "--body-file", text],
    ));
    ok(quietpost(
        &profile,
        &[
            "forward",
            &id,
            "--to",
            "sync16@quietpost.test",
            "--body-file",
            text,
        ],
    ));
    let saved = ok(quietpost(
        &profile,
        &["reply", &id, "--body-file", text, "--draft"],
    ));
    assert!(saved.contains("Saved in Drafts"), "{saved}");

    let reply = &mailbox("sync15", "INBOX", 1)[0];
    assert_quotes_only_what_was_shown(reply);
    assert_eq!(header_values(reply, "Subject"), ["Re: Your weekly picks"]);
    assert_eq!(
        header_values(reply, "In-Reply-To"),
        ["<picks-2026-48@shop.example>"]
    );
    assert_eq!(
        header_values(reply, "References"),
        ["<thread-start@shop.example> <picks-2026-47@shop.example> <picks-2026-48@shop.example>"]
    );
    let body = mail_parser::MessageParser::default()
        .parse(reply)
        .unwrap()
        .body_text(0)
        .unwrap()
        .replace("\r\n", "\n");
    assert!(
        body.starts_with("Thanks, noted.\n\nOn 2026-11-27 18:00 UTC, Newsletter Team <sync15@quietpost.test> wrote:\n> Hello Alice,"),
        "{body}"
    );
    // Cc'd by reply-all, and sent the forward.
    let cc = mailbox("sync16", "INBOX", 2);
    assert_eq!(cc.len(), 2);
    for raw in &cc {
        assert_quotes_only_what_was_shown(raw);
    }
    assert!(
        cc.iter()
            .any(|r| header_values(r, "Subject") == ["Fwd: Your weekly picks"])
    );
    // The draft is in Drafts with its recipients; the original is marked answered.
    let drafts = mailbox("sync14", "Drafts", 1);
    assert_eq!(drafts.len(), 1);
    assert_quotes_only_what_was_shown(&drafts[0]);
    assert_eq!(header_values(&drafts[0], "To"), ["sync15@quietpost.test"]);
    let rows: serde_json::Value =
        serde_json::from_str(&ok(quietpost(&profile, &["list", "--json"]))).unwrap();
    assert_eq!(rows[0]["flags"]["answered"], true);

    // The draft, continued from the CLI: sent with what it had, then gone from Drafts.
    ok(quietpost(&profile, &["sync"]));
    let drafts: serde_json::Value = serde_json::from_str(&ok(quietpost(
        &profile,
        &["list", "--folder", "Drafts", "--json"],
    )))
    .unwrap();
    let draft = drafts[0]["id"].as_i64().unwrap().to_string();
    // Only a draft can be continued.
    let not = quietpost(&profile, &["send", "--draft-id", &id]);
    assert!(!not.status.success());
    assert!(
        String::from_utf8_lossy(&not.stderr).contains("not a draft in the Drafts folder"),
        "{not:?}"
    );
    let sent = ok(quietpost(
        &profile,
        &[
            "send",
            "--draft-id",
            &draft,
            "--cc",
            "sync16@quietpost.test",
        ],
    ));
    assert!(sent.contains("Sent, and filed in Sent"), "{sent}");
    let replies = mailbox("sync15", "INBOX", 2);
    assert_eq!(replies.len(), 2, "the reply and the continued draft");
    assert!(
        replies
            .iter()
            .all(|r| { header_values(r, "In-Reply-To") == ["<picks-2026-48@shop.example>"] })
    );
    assert_eq!(
        mailbox("sync16", "INBOX", 3).len(),
        3,
        "the Cc added to the draft"
    );
    ok(quietpost(&profile, &["sync"]));
    let drafts: serde_json::Value = serde_json::from_str(&ok(quietpost(
        &profile,
        &["list", "--folder", "Drafts", "--json"],
    )))
    .unwrap();
    assert_eq!(drafts.as_array().unwrap().len(), 0, "{drafts}");
    assert!(mailbox("sync14", "Drafts", 0).is_empty());
    let _ = std::fs::remove_dir_all(profile);
}
