//! Writing in the window, in iced's simulator on the real App (see `support/gui.rs`): a new
//! message into the outbox, replies that quote only what the reader showed, a forward with its
//! attachments, the reveal panel, drafts saved and continued, discarding, the outbox view, and
//! what is typed surviving a window that dies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/gui.rs"]
mod gui;
#[path = "support/photo.rs"]
mod photo;
#[path = "support/testbed.rs"]
mod testbed;

use gui::{Ui, engine_event};
use iced::widget::text_editor::{Action, Edit};
use quietpost::app::Message;
use quietpost::keys::Shortcut;
use quietpost::screen::mailbox::composer::{Field, Message as C};
use quietpost::screen::mailbox::{Dialog, Message as M};
use std::sync::Arc;

fn composer(m: C) -> Message {
    Message::Mailbox(M::Composer(m))
}

fn type_body(ui: &mut Ui, text: &str) {
    ui.send(composer(C::Body(Action::Edit(Edit::Paste(Arc::new(
        text.to_owned(),
    ))))));
}

/// What the composer holds now.
fn fields(ui: &Ui) -> quietpost_model::Unsent {
    ui.mailbox()
        .composer()
        .expect("the composer is open")
        .unsent()
}

#[test]
fn a_new_message_goes_to_the_outbox_after_the_reveal_is_read_once() {
    let mut ui = Ui::open_demo("compose-new");
    ui.send(Message::Shortcut(Shortcut::Compose));
    assert!(ui.shows("New message"));
    assert!(ui.shows("robin@example.org"), "From shows the identity");
    // While writing, letters are text: 'a' does not archive the message behind.
    let rows = ui.mailbox().rows().len();
    ui.send(Message::Shortcut(Shortcut::Archive));
    assert_eq!(ui.mailbox().rows().len(), rows);
    // A mistyped address is said, and nothing goes.
    ui.send(composer(C::Address(Field::To, "sam@example".into())));
    ui.send(composer(C::Address(Field::To, "sam at example.org".into())));
    ui.click("Send");
    assert!(
        ui.text_containing("Not an email address — To: sam at example.org")
            .is_some()
    );
    assert_eq!(ui.mailbox().waiting(), 0);
    // Completion from addresses already in the mailbox.
    ui.send(composer(C::Address(Field::To, "Sa".into())));
    assert!(ui.shows("Sam Okafor <sam@example.org>"), "a suggestion");
    ui.click("Sam Okafor <sam@example.org>");
    assert_eq!(fields(&ui).to, "Sam Okafor <sam@example.org>, ");
    ui.send(composer(C::Subject("Friday".into())));
    type_body(&mut ui, "See you at noon.");
    ui.send(Message::Shortcut(Shortcut::Send));
    // The first message from the account: what it reveals, before it goes.
    assert!(ui.shows("What this message reveals"));
    assert!(
        ui.text_containing("No User-Agent or X-Mailer").is_some(),
        "the reveal's facts"
    );
    assert_eq!(
        ui.mailbox().waiting(),
        0,
        "nothing queued before it is read"
    );
    ui.click("Send");
    assert!(ui.mailbox().composer().is_none(), "closed at once");
    assert_eq!(ui.mailbox().waiting(), 1);
    assert!(ui.shows("In the outbox. The demo never sends anything: it stays there."));
    // The second one goes straight to the outbox: nothing new to read.
    ui.send(Message::Shortcut(Shortcut::Compose));
    ui.send(composer(C::Address(Field::To, "ana@example.net".into())));
    type_body(&mut ui, "Hello");
    ui.send(Message::Shortcut(Shortcut::Send));
    assert!(ui.mailbox().composer().is_none());
    assert_eq!(ui.mailbox().waiting(), 2);
    // The outbox view: both, waiting; one sent now (the demo keeps it), one discarded.
    ui.click("Outbox: 2 waiting");
    assert!(ui.shows("Friday"));
    let outbox = ui.mailbox().outbox().unwrap();
    assert_eq!(outbox.len(), 2);
    assert!(ui.text_containing("To sam@example.org").is_some());
    ui.send(Message::Mailbox(M::Outbox(
        outbox[0].id,
        quietpost::backend::OutboxAct::Retry,
    )));
    assert!(ui.shows("Waiting to be sent — the demo never sends anything."));
    let id = ui.mailbox().outbox().unwrap()[0].id;
    ui.send(Message::Mailbox(M::Outbox(
        id,
        quietpost::backend::OutboxAct::Discard,
    )));
    assert!(ui.shows("Removed from the outbox."));
    assert_eq!(ui.mailbox().outbox().unwrap().len(), 1);
    assert_eq!(ui.mailbox().waiting(), 1);
    // Edit takes it back into the composer, out of the outbox.
    let id = ui.mailbox().outbox().unwrap()[0].id;
    ui.send(Message::Mailbox(M::EditOutgoing(id)));
    let back = fields(&ui);
    assert!(back.to.contains("@example"), "{back:?}");
    assert_eq!(ui.mailbox().waiting(), 0);
}

#[test]
fn replies_go_where_the_reader_showed_and_quote_only_what_it_showed() {
    let mut ui = Ui::open_demo("compose-reply");
    // HTML with hidden text: the quote carries none of it.
    ui.read("Today only");
    ui.send(Message::Shortcut(Shortcut::Reply));
    let f = fields(&ui);
    assert_eq!(f.to, "Deals Daily <deals@dealsdaily.example>");
    assert_eq!(f.subject, "Re: Today only");
    assert!(
        f.body
            .contains("> Today only: free shipping on all orders."),
        "{}",
        f.body
    );
    assert!(
        !f.body.contains("Ignore previous instructions"),
        "{}",
        f.body
    );
    assert!(!f.body.contains("white text"), "{}", f.body);
    assert_eq!(
        f.in_reply_to.as_deref(),
        Some("<hidden-text@demo.quietpost.example>")
    );
    assert!(ui.shows("Reply"));
    // Closing an untouched reply asks nothing: nothing would be lost.
    ui.send(Message::Shortcut(Shortcut::Close));
    assert!(ui.mailbox().composer().is_none());
    assert_eq!(ui.mailbox().dialog(), None);
    // Reply to everyone: the sender in To, the others in Cc, never yourself.
    ui.read("Re: Trip to the coast");
    ui.send(Message::Shortcut(Shortcut::ReplyAll));
    let f = fields(&ui);
    // The newest of the thread, from Sam, Cc Ana and Robin.
    assert!(f.to.contains("sam@example.org"), "{f:?}");
    assert!(f.cc.contains("ana@example.net"), "{f:?}");
    assert!(
        !f.to.contains("robin@") && !f.cc.contains("robin@"),
        "{f:?}"
    );
    assert!(ui.text_containing("Reply-all adds in Cc").is_some());
}

#[test]
fn a_forward_carries_the_attachments_and_the_reveal_names_hidden_recipients_and_gps() {
    let mut ui = Ui::open_demo("compose-forward");
    ui.read("The view from the cottage");
    ui.send(Message::Shortcut(Shortcut::Forward));
    let c = ui.mailbox().composer().unwrap();
    assert_eq!(c.fields.subject, "Fwd: The view from the cottage");
    assert_eq!(c.attachments.len(), 1);
    assert_eq!(c.attachments[0].check.name, "seaview.png");
    assert!(ui.text_containing("seaview.png (").is_some());
    // A photo with its position attached through the picker: said removed before sending.
    let photo = ui.dir.join("IMG_2041.jpg");
    std::fs::write(&photo, photo::with_gps(b"")).unwrap();
    let report = ui.dir.join("notes.pdf");
    std::fs::write(&report, b"%PDF-1.7\n%%EOF\n").unwrap();
    ui.click("Attach a file");
    ui.send(composer(C::Picker(
        quietpost::screen::mailbox::composer::picker::Message::Typed(photo.display().to_string()),
    )));
    ui.send(composer(C::Picker(
        quietpost::screen::mailbox::composer::picker::Message::Go,
    )));
    // Through the folder's list this time.
    ui.click("Attach a file");
    ui.send(composer(C::Picker(
        quietpost::screen::mailbox::composer::picker::Message::Typed(ui.dir.display().to_string()),
    )));
    ui.send(composer(C::Picker(
        quietpost::screen::mailbox::composer::picker::Message::Go,
    )));
    ui.click("notes.pdf");
    assert_eq!(ui.mailbox().composer().unwrap().attachments.len(), 3);
    assert!(
        ui.text_containing("Removed before sending: ")
            .is_some_and(|t| t.contains("the GPS position where the photo was taken"))
    );
    assert!(
        ui.text_containing("Quietpost cannot check PDF files for hidden data")
            .is_some(),
        "a type it cannot read is never said clean"
    );
    ui.send(composer(C::Address(Field::To, "sam@example.org".into())));
    ui.send(composer(C::Address(
        Field::Bcc,
        "editor@example.net".into(),
    )));
    ui.click("What this reveals");
    let bcc = ui
        .text_containing("hidden from the other recipients")
        .expect("the Bcc line");
    assert!(bcc.starts_with("editor@example.net"), "{bcc}");
    assert!(
        ui.text_containing("IMG_2041.jpg (")
            .is_some_and(|t| t.contains("removed: ") && t.contains("GPS position")),
        "the photo's line"
    );
    assert!(
        ui.text_containing("notes.pdf (")
            .is_some_and(|t| t.contains("it is sent as it is"))
    );
    ui.click("Back to the message");
    assert!(ui.shows("Subject"));
}

#[test]
fn a_draft_is_saved_continued_and_sent() {
    let mut ui = Ui::open_demo("compose-draft");
    ui.send(Message::Shortcut(Shortcut::Compose));
    ui.send(composer(C::Address(Field::To, "ana@example.net".into())));
    ui.send(composer(C::Address(Field::Bcc, "sam@example.org".into())));
    ui.send(composer(C::Subject("Half written".into())));
    type_body(&mut ui, "To be continued.");
    ui.send(Message::Shortcut(Shortcut::SaveDraft));
    assert!(ui.mailbox().composer().is_none());
    assert!(ui.shows("Saved in Drafts. Open it there to go on writing."));
    let drafts = ui
        .mailbox()
        .folders()
        .iter()
        .position(|f| f.label == "Drafts")
        .unwrap();
    ui.send(Message::Mailbox(M::SelectFolder(drafts)));
    assert_eq!(ui.mailbox().rows().len(), 1);
    ui.read("Half written");
    ui.click("Continue writing");
    let f = fields(&ui);
    assert_eq!(f.to, "ana@example.net");
    assert_eq!(f.bcc, "sam@example.org", "the draft kept its Bcc");
    assert_eq!(f.body, "To be continued.");
    assert_eq!(ui.mailbox().composer().unwrap().title(), "Draft");
    ui.send(Message::Shortcut(Shortcut::Send));
    ui.click("Send");
    assert_eq!(ui.mailbox().waiting(), 1);
    assert!(
        ui.mailbox().rows().is_empty(),
        "the draft left Drafts once it was in the outbox"
    );
}

#[test]
fn discard_asks_only_when_something_would_be_lost() {
    let mut ui = Ui::open_demo("compose-discard");
    ui.send(Message::Shortcut(Shortcut::Compose));
    ui.send(Message::Shortcut(Shortcut::Close));
    assert!(ui.mailbox().composer().is_none(), "nothing typed: closed");
    ui.send(Message::Shortcut(Shortcut::Compose));
    type_body(&mut ui, "Something worth keeping");
    ui.click("Discard");
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::Discard));
    ui.click("Keep writing");
    assert!(ui.mailbox().composer().is_some());
    assert_eq!(fields(&ui).body, "Something worth keeping");
    ui.send(Message::Shortcut(Shortcut::Close));
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::Discard));
    ui.click("Discard message");
    assert!(ui.mailbox().composer().is_none());
    assert!(ui.shows("Discarded."));
}

const CONFIG: &str = r#"[[account]]
name = "work"
email = "me@quietpost.invalid"
user = "me"
display_name = "Mia Example"
signature = "Mia\nQuietpost tests"
password = { command = "true" }

[account.imap]
host = "imap.quietpost.invalid"
port = 993
security = "tls"

[account.smtp]
host = "smtp.quietpost.invalid"
port = 465
security = "tls"
"#;

#[test]
fn what_is_typed_survives_a_window_that_dies() {
    let mut ui = Ui::start_with_config("compose-kept", Some(CONFIG));
    if let quietpost::app::Screen::Failed(f) = ui.app.screen() {
        panic!("{}", f.words);
    }
    ui.send(Message::Shortcut(Shortcut::Compose));
    let f = fields(&ui);
    assert_eq!(f.body, "\n\n-- \nMia\nQuietpost tests", "the signature");
    assert!(
        ui.shows("\"Mia Example\" <me@quietpost.invalid>")
            || ui.shows("Mia Example <me@quietpost.invalid>")
    );
    ui.send(composer(C::Address(Field::To, "friend@example.org".into())));
    type_body(&mut ui, "Every word of this ");
    // A second after the last change it is on disk.
    ui.send(composer(C::Tick(
        std::time::Instant::now() + std::time::Duration::from_secs(2),
    )));
    // The window dies: a new one on the same profile offers it again.
    let profile = ui.launch.clone();
    let mut again = Ui::restart(&ui, profile);
    assert!(again.shows("Continue the message you were writing"));
    again.click("Continue the message you were writing");
    let back = fields(&again);
    assert_eq!(back.to, "friend@example.org");
    assert!(
        back.body.starts_with("Every word of this "),
        "{:?}",
        back.body
    );
    // Discarded: not offered again.
    again.click("Discard");
    again.click("Discard message");
    let third = Ui::restart(&again, again.launch.clone());
    assert!(!third.shows("Continue the message you were writing"));
}

/// The account's live sync as the window would run it (iced does not run subscriptions in the
/// simulator): the engine's messages, one at a time, handed to the window until `until` says
/// enough (or 60 seconds pass).
/// End to end: written in the window, queued, sent by the account's engine through the real
/// Postfix, delivered by Dovecot — in the recipient's Inbox and the sender's Sent, with the
/// display name in From and nothing it must not carry.
#[test]
#[ignore]
fn real_server_a_message_written_in_the_window_arrives_as_written() {
    let ca = std::env::var("QUIETPOST_TESTBED_CA")
        .expect("QUIETPOST_TESTBED_CA is not set: run the real-server tests through scripts/test");
    let config = format!(
        r#"[[account]]
name = "sync23"
email = "sync23@quietpost.test"
user = "sync23"
display_name = "Sync Twenty-Three"
signature = "S. 23"
password = {{ command = "echo sync23-Test-pw" }}

[account.imap]
host = "localhost"
port = 10993
security = "tls"
ca_file = "{ca}"

[account.smtp]
host = "localhost"
port = 10465
security = "tls"
ca_file = "{ca}"
"#
    );
    let mut ui = Ui::start_with_config("compose-real", Some(&config));
    let mut engine = quietpost::app::account_sync(ui.launch.paths.clone(), "sync23".into());
    ui.pump(&mut engine, |m| {
        matches!(
            engine_event(m),
            Some(quietpost_core::engine::Event::Synced(_))
        )
    });
    assert!(ui.mailbox().folders().iter().any(|f| f.label == "Sent"));

    ui.send(Message::Shortcut(Shortcut::Compose));
    ui.send(composer(C::Address(
        Field::To,
        "sync24@quietpost.test".into(),
    )));
    ui.send(composer(C::Address(
        Field::Bcc,
        "sync22@quietpost.test".into(),
    )));
    ui.send(composer(C::Subject("Written in the window".into())));
    type_body(&mut ui, "Sent through the outbox.");
    ui.send(Message::Shortcut(Shortcut::Send));
    assert!(ui.shows("What this message reveals"));
    ui.click("Send");
    assert!(ui.mailbox().composer().is_none());
    assert_eq!(ui.mailbox().sync_of("sync23").unwrap().1, "sending…");
    ui.pump(&mut engine, |m| {
        matches!(
            engine_event(m),
            Some(quietpost_core::engine::Event::Outbox(_))
        )
    });
    let words = ui.mailbox().sync_of("sync23").unwrap().1.to_owned();
    assert!(words.starts_with("sent 1 message"), "{words}");

    // Delivered as written: the name in From, the signature, Bcc named nowhere, no program.
    let raw = &testbed::messages("sync24", "INBOX", 1)[0];
    let parsed = mail_parser::MessageParser::default().parse(raw).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Sync Twenty-Three"));
    assert_eq!(from.address(), Some("sync23@quietpost.test"));
    let head = String::from_utf8_lossy(raw)
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_lowercase();
    for forbidden in ["\r\nbcc:", "\r\nuser-agent:", "\r\nx-mailer:", "sync22"] {
        assert!(!head.contains(forbidden), "{forbidden} in:\n{head}");
    }
    assert!(parsed.date().unwrap().to_rfc822().ends_with(":00 +0000"));
    let text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
    assert!(
        text.trim_end()
            .ends_with("Sent through the outbox.\n\n-- \nS. 23"),
        "{text:?}"
    );
    assert_eq!(
        testbed::messages("sync22", "INBOX", 1).len(),
        1,
        "the Bcc recipient has it"
    );

    // The sender's Sent, as the window shows it after the next sync.
    ui.send(Message::Mailbox(M::Retry("sync23".into())));
    ui.pump(&mut engine, |m| {
        matches!(
            engine_event(m),
            Some(quietpost_core::engine::Event::Synced(_))
        )
    });
    let sent = ui
        .mailbox()
        .folders()
        .iter()
        .position(|f| f.label == "Sent")
        .unwrap();
    ui.send(Message::Mailbox(M::SelectFolder(sent)));
    assert_eq!(ui.mailbox().rows().len(), 1);
    assert_eq!(
        ui.mailbox().rows()[0].summary.subject,
        "Written in the window"
    );
    assert_eq!(ui.mailbox().waiting(), 0, "the outbox is empty");
}

#[test]
fn a_mailto_link_fills_in_only_recipients_subject_and_text() {
    let mut ui = Ui::open_demo("compose-mailto");
    ui.read("[bakers] Sourdough starter tips");
    let i = match ui.mailbox().reader() {
        quietpost::screen::mailbox::Reader::Open(r) => r
            .message()
            .links
            .iter()
            .position(|l| l.url.as_str().starts_with("mailto:"))
            .expect("the mailto link"),
        _ => unreachable!(),
    };
    ui.send(Message::Mailbox(M::Reader(
        quietpost::screen::mailbox::reader::Message::Link(i),
    )));
    // Asked first, like any link, with what the link tried to add named.
    assert!(ui.shows("Open this link?"));
    ui.click("Write a message");
    let c = ui.mailbox().composer().expect("the composer");
    let f = c.unsent();
    assert_eq!(f.to, "bakers-leave@lists.example");
    assert_eq!(f.subject, "leave");
    assert_eq!(f.body, "Please remove me.");
    assert_eq!(f.bcc, "", "a link never adds a hidden recipient");
    assert!(c.attachments.is_empty(), "a link never attaches a file");
    assert!(
        ui.text_containing("The link also asked for attach, bcc: ignored")
            .is_some()
    );
    // As the desktop hands a link to its mail program: quietpost 'mailto:…'.
    let ui = Ui::start_as("compose-mailto-arg", None, |l| {
        l.demo = true;
        l.mailto = Some("mailto:ana@example.net?subject=Hello&attach=~/.ssh/id_rsa".into());
    });
    let c = ui.mailbox().composer().expect("opened writing to the link");
    assert_eq!(c.unsent().to, "ana@example.net");
    assert_eq!(c.unsent().subject, "Hello");
    assert!(c.attachments.is_empty());
}

/// The outbox view after what a real server can do: a refusal (with the server's words) and a
/// connection that died after the message may have gone out (the person decides).
#[test]
fn the_outbox_says_refused_and_unknown_and_lets_the_person_decide() {
    let mut ui = Ui::open_demo("compose-outbox-states");
    for to in ["nobody@example.org", "ana@example.net"] {
        ui.send(Message::Shortcut(Shortcut::Compose));
        ui.send(composer(C::Address(Field::To, to.into())));
        type_body(&mut ui, "Hello");
        ui.send(Message::Shortcut(Shortcut::Send));
        if ui.mailbox().composer().is_some() {
            ui.click("Send");
        }
    }
    // What the engine records after a 5xx, and after a connection lost during DATA.
    let demo = ui.launch.paths.cache.join("demo.sqlite3");
    let mut cache = quietpost_store::cache::Cache::open_file(&demo).unwrap();
    let ids: Vec<i64> = cache.outbox(None).unwrap().iter().map(|m| m.id).collect();
    cache
        .failed(
            ids[0],
            "550 5.1.1 <nobody@example.org>: Recipient address rejected",
        )
        .unwrap();
    cache.unknown(ids[1], "connection reset").unwrap();
    drop(cache);
    ui.send(Message::Mailbox(M::ShowOutbox));
    assert!(
        ui.text_containing("The server refused it: 550 5.1.1")
            .is_some(),
        "the server's words"
    );
    assert!(ui.text_containing("it may have been sent").is_some());
    assert!(ui.shows("Mark sent") && ui.shows("Send again"));
    ui.click("Mark sent");
    assert!(ui.shows("Marked sent: it is filed in Sent and never sent again."));
    let states: Vec<_> = ui
        .mailbox()
        .outbox()
        .unwrap()
        .iter()
        .map(|m| m.state)
        .collect();
    assert!(
        states.contains(&quietpost_model::OutboxState::Sent),
        "{states:?}"
    );
    assert!(states.contains(&quietpost_model::OutboxState::Failed));
}
