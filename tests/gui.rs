//! The window's main flows in iced's simulator (see `support/gui.rs`): the demo mailbox, the
//! phishing sender, the blocked-content banner, links, attachments, the keyboard and search.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/gui.rs"]
mod gui;

use gui::Ui;
use quietpost::app::Message;
use quietpost::keys::Shortcut;
use quietpost::screen::mailbox::reader::Message as ReaderMessage;
use quietpost::screen::mailbox::{Dialog, Reader};

/// A message for the reading pane, as the window routes it.
fn to_reader(m: ReaderMessage) -> Message {
    Message::Mailbox(quietpost::screen::mailbox::Message::Reader(m))
}

#[test]
fn the_demo_opens_with_every_message_in_the_inbox() {
    let ui = Ui::open_demo("open");
    let mailbox = ui.mailbox();
    assert_eq!(mailbox.rows().len(), 34);
    assert_eq!(mailbox.folders()[0].label, "Inbox");
    // The newest message is open (and so read): the Inbox has one unread fewer.
    assert_eq!(mailbox.folders()[0].unread, 7);
    let newest = mailbox.rows()[0].id;
    assert!(matches!(mailbox.reader(), Reader::Open(r) if r.opened.id == newest));
    assert_eq!(mailbox.selected().map(|r| r.id), Some(newest));
    assert!(ui.shows("Welcome to Quietpost"));
    assert!(ui.shows("Demo mailbox: nothing here ever touches the network."));
}

#[test]
fn the_phishing_message_shows_its_real_sender_and_warnings() {
    let mut ui = Ui::open_demo("phishing");
    ui.read("Your account has been limited");
    // The display name and the real address (in its ASCII form: the "а" is Cyrillic).
    assert!(ui.shows("PayPal Service"));
    assert!(ui.shows("<service@xn--pypal-secure-x9j.example>"));
    assert!(ui.shows("⚠ Look-alike letters"));
    assert!(ui.shows("⚠ Replies go elsewhere"));
    // Said first, in one line, by name.
    let summary = ui
        .text_containing("This message is probably trying to deceive you: ")
        .expect("the danger summary line");
    assert!(summary.contains("look-alike letters"), "{summary}");
    assert!(
        !summary.contains("replies go elsewhere"),
        "a caution is not a danger: {summary}"
    );
    // No authentication badge: the message's own claims are not believed.
    assert!(ui.text_containing("Your provider").is_none());
    // The body says where each link goes, inline.
    let Reader::Open(r) = ui.mailbox().reader() else {
        unreachable!()
    };
    assert!(
        r.body
            .text()
            .contains("https://www.paypal.com/signin [1 → 198.51.100.23]")
    );
}

#[test]
fn only_the_providers_own_result_earns_an_authentication_badge() {
    let mut ui = Ui::open_demo("auth");
    ui.read("Your November statement is ready");
    // The checked domain, in plain words, then who checked it.
    let signed = ui.text_containing("✓ Signed by ").expect("the badge");
    let how = ui
        .text_containing("Your provider (mx.demo.quietpost.example) checked that this message really comes from ")
        .expect("who checked");
    let domain = signed.trim_start_matches("✓ Signed by ");
    assert!(
        !domain.is_empty() && how.contains(domain),
        "{signed} / {how}"
    );
    ui.read("Action required: verify your statement");
    assert!(ui.text_containing("✓ Signed by").is_none());
    // The provider checked a valid signature, but by another domain than the sender's: the
    // one verdict says not verified, and why.
    ui.read("Your parcel could not be delivered");
    assert!(ui.text_containing("✓").is_none());
    assert!(ui.shows("⚠ Not verified"));
    let why = ui
        .text_containing("signed by bulk-mailer.example")
        .expect("the reason");
    assert!(why.contains("not the sender's domain"), "{why}");
}

#[test]
fn the_tracking_newsletter_shows_the_blocked_count_and_cannot_load_without_a_proxy() {
    let mut ui = Ui::open_demo("newsletter");
    ui.read("Black Friday: 40% off everything");
    // One line: how many are blocked, how many of them are trackers, Details.
    let line = ui
        .text_containing("remote items blocked")
        .expect("the blocked line");
    assert!(line.starts_with("8 remote items blocked · "), "{line}");
    assert!(line.contains(" tracker"), "{line}");
    assert!(
        !ui.shows("Load through proxy"),
        "no proxy: no button that could not do anything"
    );
    assert!(ui.text_containing("No proxy is set").is_none());
    assert!(
        ui.shows("Set a proxy to load…"),
        "the button says why, and leads on"
    );
    ui.click("Details");
    assert!(
        ui.text_containing("No proxy is set").is_some(),
        "Details says why nothing can load"
    );
    assert!(ui.shows("Network ledger: every remote item in this message"));
    let tracker = ui
        .text_containing("tracker — blocked")
        .expect("the ledger tells trackers apart");
    assert!(tracker.contains("never loads it"), "{tracker}");
    let blocked = ui
        .text_containing("image — blocked")
        .expect("the ledger lists the blocked images");
    assert!(blocked.contains("image — blocked"), "{blocked}");
}

#[test]
fn a_link_asks_first_and_shows_the_real_address() {
    let mut ui = Ui::open_demo("link");
    ui.read("Your account has been limited");
    ui.click("[1] https://www.paypal.com/signin → 198.51.100.23");
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::Link(0)));
    assert!(ui.shows("Open this link?"));
    assert!(ui.shows("http://198.51.100.23/paypal/login.php"));
    assert!(
        ui.text_containing("the link goes to a bare IP address")
            .is_some(),
        "its warnings are in the dialog"
    );
    ui.click("Cancel");
    assert_eq!(ui.mailbox().dialog(), None);
}

#[test]
fn a_wrapped_link_is_shown_and_opened_as_its_target_with_the_original_on_request() {
    let mut ui = Ui::open_demo("cleaned-link");
    ui.read("Quiz night: links of every kind");
    // Unwrapped (offline) and without its tracking parameter (below the fold of the
    // simulator's window: asked for as its button does).
    assert!(ui.shows("[6] the results → pub.example"));
    ui.send(to_reader(ReaderMessage::Link(5)));
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::Link(5)));
    assert!(ui.shows("https://pub.example/results"));
    assert!(ui.shows("This is pub.example"));
    assert!(
        ui.text_containing("redirect through eur01.safelinks.protection.outlook.com")
            .is_some()
    );
    assert!(ui.shows("Open the original link"));
    assert!(ui.shows("Open in browser"));
    ui.click("Cancel");
    // Another site's name in front: the site it belongs to is named.
    assert!(ui.shows(
        "[7] buy tickets → pub.example.tickets.attacker.example (a page of attacker.example)"
    ));
    let Reader::Open(r) = ui.mailbox().reader() else {
        unreachable!()
    };
    assert!(
        r.message().links[6]
            .warnings
            .contains(&quietpost_model::Code::LookalikeSubdomain)
    );
}

#[test]
fn a_message_whose_two_versions_differ_says_so_and_shows_the_other_one() {
    let mut ui = Ui::open_demo("versions");
    ui.read("Deposit for the hall");
    assert!(ui.shows("⚠ Two versions that differ"));
    let body = |ui: &Ui| match ui.mailbox().reader() {
        Reader::Open(r) => r.body.text(),
        _ => panic!("not open"),
    };
    assert!(body(&ui).contains("DE89 3704"), "the plain text first");
    ui.click("Show the HTML version");
    assert!(body(&ui).contains("GB33 BUKB"), "{}", body(&ui));
    assert!(ui.shows("Show the plain-text version"));
    ui.click("Show the plain-text version");
    assert!(body(&ui).contains("DE89 3704"));
}

#[test]
fn a_javascript_link_cannot_be_activated() {
    let mut ui = Ui::open_demo("javascript");
    ui.read("Quiz night: links of every kind");
    let label = "[2] click to win → javascript: (cannot be opened)";
    assert!(ui.shows(label));
    assert_eq!(ui.click(label), 0, "nothing happens");
    assert_eq!(ui.mailbox().dialog(), None);
    // Not even a message sent by other means opens it.
    ui.send(to_reader(ReaderMessage::Link(1)));
    assert_eq!(ui.mailbox().dialog(), None);
}

#[cfg(unix)]
#[test]
fn saving_an_attachment_writes_the_safe_name_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let mut ui = Ui::open_demo("save");
    ui.read("Overdue invoice");
    // The name is shown as it will be saved: the right-to-left override is gone.
    assert!(ui.shows("invoice_2026_11fdp.exe"));
    assert!(
        ui.text_containing("Other programs show this name as: invoice_2026_11exe.pdf")
            .is_some()
    );
    // The person's Downloads folder is theirs: saving into it never changes its permissions.
    let downloads = ui.dir.join("downloads");
    std::fs::set_permissions(&downloads, std::fs::Permissions::from_mode(0o755)).unwrap();
    ui.click("Save");
    // A disguised program: saved after its warning.
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::Save(0)));
    ui.click("Save the file");
    let saved = downloads.join("invoice_2026_11fdp.exe");
    let meta = std::fs::metadata(&saved).expect("saved under the displayed safe name");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let folder = std::fs::metadata(&downloads).unwrap().permissions().mode();
    assert_eq!(folder & 0o777, 0o755);
    assert!(ui.text_containing("Saved as").is_some());
    // Saving again never replaces it.
    ui.click("Save");
    ui.click("Save the file");
    assert!(ui.text_containing("already exists").is_some());
    // An executable is never opened: there is no Open button.
    assert!(!ui.shows("Open"));
}

#[test]
fn the_keyboard_moves_stars_and_archives() {
    let mut ui = Ui::open_demo("keys");
    // The newest message is open from the start; the arrow goes to the next.
    let first = ui.mailbox().rows()[0].id;
    assert!(matches!(ui.mailbox().reader(), Reader::Open(r) if r.opened.id == first));
    ui.send(Message::Shortcut(Shortcut::Next));
    let second = ui.mailbox().rows()[1].id;
    assert!(matches!(ui.mailbox().reader(), Reader::Open(r) if r.opened.id == second));
    ui.send(Message::Shortcut(Shortcut::Star));
    assert!(
        ui.mailbox().rows()[1]
            .summary
            .flags
            .contains(quietpost_store::cache::Flags::FLAGGED)
    );
    ui.send(Message::Shortcut(Shortcut::Archive));
    assert_eq!(
        ui.mailbox().rows().len(),
        33,
        "archived: gone from the Inbox at once"
    );
    assert!(ui.mailbox().rows().iter().all(|r| r.id != second));
    ui.send(Message::Mailbox(quietpost::screen::mailbox::Message::Act(
        quietpost::screen::mailbox::Act::Archive,
    )));
    assert_eq!(ui.mailbox().rows().len(), 32);
    // The cache agrees (the move waits in the journal for the server).
    let inbox = &ui.mailbox().folders()[0];
    assert_eq!((inbox.label.as_str(), inbox.total), ("Inbox", 32));
    // Move to another folder of the account (the "Move to…" list).
    let moving = ui.mailbox().rows()[0].id;
    ui.send(Message::Shortcut(Shortcut::Previous));
    ui.send(Message::Mailbox(quietpost::screen::mailbox::Message::Act(
        quietpost::screen::mailbox::Act::Move("Junk".into()),
    )));
    assert!(ui.mailbox().rows().iter().all(|r| r.id != moving));
    assert_eq!(ui.mailbox().folders()[0].total, 31);
    ui.send(Message::Shortcut(Shortcut::Help));
    assert!(ui.shows("Keyboard shortcuts"));
}

#[test]
fn search_finds_words_in_the_text() {
    let mut ui = Ui::open_demo("search");
    ui.send(Message::Shortcut(Shortcut::Search));
    ui.send(Message::Mailbox(
        quietpost::screen::mailbox::Message::SearchChanged("sourdough".into()),
    ));
    ui.send(Message::Mailbox(
        quietpost::screen::mailbox::Message::SearchSubmitted,
    ));
    let rows = ui.mailbox().rows();
    assert!(!rows.is_empty() && rows.len() < 34, "{}", rows.len());
    ui.send(Message::Shortcut(Shortcut::Close));
    assert_eq!(ui.mailbox().rows().len(), 34);
}

/// Search results say what they are: a title, how many, the words, the folder of each hit, and
/// a way back (×) to the folder.
#[test]
fn search_results_have_a_title_a_count_folders_and_a_way_back() {
    let mut ui = Ui::open_demo("search-results");
    ui.send(Message::Shortcut(Shortcut::Search));
    ui.send(Message::Mailbox(
        quietpost::screen::mailbox::Message::SearchChanged("trip".into()),
    ));
    // Typed, not submitted: the list is still the folder's.
    assert_eq!(ui.mailbox().rows().len(), 34);
    assert_eq!(ui.mailbox().results(), None);
    ui.send(Message::Mailbox(
        quietpost::screen::mailbox::Message::SearchSubmitted,
    ));
    let hits = ui.mailbox().rows().len();
    assert!(hits > 0 && hits < 34, "{hits}");
    let count = if hits == 1 {
        "1 message".to_owned()
    } else {
        format!("{hits} messages")
    };
    assert!(
        ui.text_containing(&format!(
            "{count} with \u{201C}trip\u{201D}, in every folder"
        ))
        .is_some()
    );
    // Each hit names its folder: "Inbox" in the folder pane, and once per hit shown.
    let shown = gui::Window::new((1280.0, 2000.0))
        .texts(&ui.app)
        .into_iter()
        .filter(|(t, _)| t == "Inbox")
        .count();
    assert_eq!(shown, 1 + hits, "each hit names its folder");
    assert_eq!(ui.click("×"), 1, "the search box's clear button");
    assert_eq!(ui.mailbox().results(), None);
    assert_eq!(ui.mailbox().rows().len(), 34);

    // A search that finds nothing says which words.
    ui.send(Message::Shortcut(Shortcut::Search));
    ui.send(Message::Mailbox(
        quietpost::screen::mailbox::Message::SearchChanged("zzzz-nothing".into()),
    ));
    ui.send(Message::Mailbox(
        quietpost::screen::mailbox::Message::SearchSubmitted,
    ));
    assert!(ui.shows("No messages match \u{201C}zzzz-nothing\u{201D}."));
    assert!(ui.shows("× Back to Inbox"));
    ui.click("× Back to Inbox");
    assert_eq!(ui.mailbox().rows().len(), 34);
}

/// Renders the window (phishing message open) in both themes to `target/screenshots/`, and
/// checks each pane follows the theme: nothing left bright in the dark one, or dark in the
/// light one.
#[test]
fn both_themes_render_every_pane() {
    let mut ui = Ui::open_demo("themes");
    ui.read("Your account has been limited");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    for (theme, name) in [
        (quietpost::theme::dark(), "dark"),
        (quietpost::theme::light(), "light"),
    ] {
        let settings = gui::settings();
        let mut sim = iced_test::Simulator::with_size(settings, (1280.0, 800.0), ui.app.view());
        // iced names the file demo-NAME-RENDERER.png.
        let written = || {
            std::fs::read_dir(&dir)
                .ok()
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .find(|p| {
                    let n = p.file_name().unwrap().to_string_lossy();
                    n.starts_with(&format!("demo-{name}-")) && n.ends_with(".png")
                })
        };
        while let Some(old) = written() {
            std::fs::remove_file(old).unwrap();
        }
        let snapshot = sim.snapshot(&theme).unwrap();
        assert!(
            snapshot
                .matches_image(dir.join(format!("demo-{name}")))
                .unwrap()
        );
        let png = image::open(written().unwrap()).unwrap().to_luma8();
        // The snapshot is at twice the size (scale factor 2).
        let mean = |x0: u32, x1: u32| {
            let (mut sum, mut n) = (0u64, 0u64);
            for y in 0..png.height() {
                for x in x0 * 2..x1 * 2 {
                    sum += u64::from(png.get_pixel(x, y).0[0]);
                    n += 1;
                }
            }
            sum as f64 / n as f64 / 255.0
        };
        for (pane, x0, x1) in [
            ("folders", 0, 210),
            ("list", 212, 630),
            ("reader", 640, 1280),
        ] {
            let m = mean(x0, x1);
            match name {
                "dark" => assert!(
                    m < 0.4,
                    "the {pane} pane is bright in the dark theme: {m:.2}"
                ),
                _ => assert!(
                    m > 0.6,
                    "the {pane} pane is dark in the light theme: {m:.2}"
                ),
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn open_hands_a_private_copy_to_the_system_viewer_and_never_a_web_document() {
    use std::os::unix::fs::PermissionsExt;
    let mut ui = Ui::open_demo("open-attachment");
    // The window's opener is a stand-in (tests/support/gui.rs) that notes what it was given.
    ui.install_opener();
    ui.read("The view from the cottage");
    ui.click("Open");
    let handed = std::path::PathBuf::from(ui.handed().expect("the viewer was started"));
    assert_eq!(handed.file_name().unwrap(), "seaview.png");
    let dir = handed.parent().unwrap();
    assert!(dir.starts_with(ui.dir.join("opened")));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(dir), mode(&handed)), (0o700, 0o600));
    // The copies go when a window starts (and when one closes).
    let (again, _) = quietpost::app::App::new(ui.launch.clone());
    assert!(!dir.exists());
    drop(again);

    // An executable is save-only: no Open button, and the reason instead.
    ui.read("Overdue invoice");
    assert!(!ui.shows("Open"));
    assert!(ui.text_containing("Save only: it is a program").is_some());

    // A document: a warning first, once in this window.
    let bin = ui.dir.join("bin");
    std::fs::remove_file(bin.join("opened")).unwrap();
    ui.read("Documents for Thursday");
    ui.click("Open…");
    assert!(
        ui.text_containing("can contact the internet when they are opened")
            .is_some()
    );
    ui.click("Cancel");
    assert!(ui.text_containing("can contact the internet").is_none());
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!bin.join("opened").exists(), "nothing opened on Cancel");
    ui.click("Open…");
    ui.click("Open");
    assert!(
        ui.handed()
            .expect("the viewer was started")
            .ends_with("/minutes.pdf")
    );
    std::fs::remove_file(bin.join("opened")).unwrap();
    ui.click("Open…");
    assert!(
        ui.text_containing("can contact the internet").is_none(),
        "asked once"
    );
    assert!(ui.handed().expect("opened again").ends_with("/minutes.pdf"));
    // A macro workbook is saved only, and says why.
    assert!(
        ui.text_containing("Save only: documents of this kind can carry macros")
            .is_some()
    );
}

#[test]
fn an_attached_message_is_read_inside_quietpost_and_loads_nothing() {
    let mut ui = Ui::open_demo("attached-message");
    ui.read("Documents for Thursday");
    // Its tracking pixel is listed with the message it came in, as never loaded.
    assert!(ui.text_containing("1 remote item blocked").is_some());
    // (Below the fold of the simulator's window: the message its button sends.)
    assert!(ui.shows("Read it here"));
    ui.send(to_reader(ReaderMessage::OpenAttachment(2)));
    assert!(ui.shows("Attached message"));
    assert!(ui.shows("December offers"));
    assert!(ui.shows("<news@supplier.example>"));
    let body = match ui.mailbox().reader() {
        Reader::Open(r) => r.body.text(),
        _ => panic!("not open"),
    };
    assert!(body.contains("Twenty percent off"), "{body}");
    // Nothing in it can load: no button for it, and the reason (behind Details).
    assert!(!ui.shows("Load through proxy"));
    ui.click("Details");
    assert!(
        ui.text_containing("Nothing in an attached message is ever loaded")
            .is_some()
    );
    // Its links open through the same confirmation, cleaned of tracking.
    ui.send(to_reader(ReaderMessage::Link(0)));
    assert!(ui.shows("https://shop.supplier.example/chairs"));
    ui.click("Cancel");
    ui.click("Back to the message");
    assert!(ui.shows("Documents for Thursday"));
    assert!(!ui.shows("Attached message"));
    // Esc goes back too.
    ui.send(to_reader(ReaderMessage::OpenAttachment(2)));
    assert!(ui.shows("December offers"));
    ui.send(Message::Shortcut(Shortcut::Close));
    assert!(ui.shows("Documents for Thursday"));
}

/// A config.toml that does not parse: a screen that says which file, which line and what is
/// wrong, with the file's folder to open, the demo, and Quit — never a dead end.
#[cfg(unix)]
#[test]
fn a_bad_config_file_gets_a_screen_with_the_line_and_ways_on() {
    let mut ui = Ui::start_with_config(
        "bad-config",
        Some("[[account]]\nname = \"work\"\nemail = 42\n"),
    );
    assert!(ui.shows("Quietpost cannot open your mail"));
    let said = ui
        .text_containing("has a mistake on line 3")
        .expect("the line named");
    assert!(said.contains("config.toml"), "{said}");
    assert!(ui.shows("Quit"));

    ui.install_opener();
    assert_eq!(ui.click("Open the file's folder"), 1);
    let handed = ui
        .handed()
        .expect("the folder was handed to the file manager");
    assert!(
        std::path::Path::new(&handed).join("config.toml").is_file(),
        "{handed}"
    );

    ui.click("Open the demo");
    assert_eq!(ui.mailbox().rows().len(), 34);
}

/// The browser cannot be started: the dialog stays, with the link to copy and a plain sentence
/// (no OS error text); once it can, the link goes to it and the dialog closes.
#[cfg(unix)]
#[test]
fn a_browser_that_cannot_start_leaves_the_link_in_the_dialog() {
    let mut ui = Ui::open_demo("no-browser");
    ui.read("Quiz night: links of every kind");
    ui.send(to_reader(ReaderMessage::Link(5)));
    // The window's opener (a stand-in at DIR/bin/open) does not exist yet.
    ui.click("Open in browser");
    assert_eq!(
        ui.mailbox().dialog(),
        Some(Dialog::Link(5)),
        "the dialog stays"
    );
    assert!(
        ui.text_containing("Your browser could not be started. Copy the link")
            .is_some()
    );
    assert!(
        ui.text_containing("No such file").is_none(),
        "no OS error text"
    );
    assert!(ui.shows("Copy link"));

    ui.install_opener();
    ui.click("Open in browser");
    assert_eq!(ui.mailbox().dialog(), None);
    let handed = ui.handed().expect("the browser was started");
    assert_eq!(handed, "https://pub.example/results");
}

/// Delete, archive and star can be taken back for a few seconds — from the notice's Undo or
/// Ctrl+Z — and the message is back where it was; after that the action is final (synced).
#[test]
fn an_action_can_be_undone_for_a_few_seconds() {
    use quietpost::screen::mailbox::Message as M;
    let mut ui = Ui::open_demo("undo");
    let first = ui.mailbox().rows()[0].clone();
    ui.send(Message::Mailbox(M::Select(0)));
    ui.send(Message::Shortcut(Shortcut::Delete));
    assert!(
        !ui.mailbox().rows().iter().any(|r| r.id == first.id),
        "gone at once"
    );
    assert!(ui.shows("Moved to Trash."));
    assert!(ui.mailbox().can_undo());
    ui.click("Undo");
    assert!(ui.shows("Undone."));
    assert_eq!(ui.mailbox().rows().len(), 34);
    assert!(
        ui.mailbox().rows().iter().any(|r| r.id == first.id),
        "back in the Inbox"
    );
    assert!(!ui.mailbox().can_undo());

    // A star, taken back with Ctrl+Z.
    let starred = |ui: &Ui| {
        ui.mailbox()
            .rows()
            .iter()
            .find(|r| r.id == first.id)
            .unwrap()
            .summary
            .flags
            .contains(quietpost_model::Flags::FLAGGED)
    };
    let i = ui
        .mailbox()
        .rows()
        .iter()
        .position(|r| r.id == first.id)
        .unwrap();
    ui.send(Message::Mailbox(M::Select(i)));
    let before = starred(&ui);
    ui.send(Message::Shortcut(Shortcut::Star));
    assert_ne!(starred(&ui), before);
    ui.send(Message::Shortcut(Shortcut::Undo));
    assert_eq!(starred(&ui), before, "the star as it was");

    // Once the time is over, the action is final: nothing left to undo.
    ui.send(Message::Shortcut(Shortcut::Archive));
    assert_eq!(ui.mailbox().rows().len(), 33);
    assert!(ui.mailbox().can_undo());
    let later = std::time::Instant::now() + quietpost::screen::mailbox::UNDO_WINDOW;
    ui.send(Message::Mailbox(M::Tick(later)));
    assert!(!ui.mailbox().can_undo());
    ui.send(Message::Shortcut(Shortcut::Undo));
    assert_eq!(ui.mailbox().rows().len(), 33, "still archived");
}

/// A read receipt is information, not danger: a quiet ℹ badge and no deception summary.
#[test]
fn warnings_are_as_loud_as_the_danger() {
    let mut ui = Ui::open_demo("severity");
    ui.read("Contract draft");
    assert!(
        ui.text_containing("deceive").is_none(),
        "no summary for a read receipt"
    );
    let receipt = ui
        .text_containing("ℹ ")
        .expect("the read receipt as information");
    assert!(!receipt.starts_with('⚠'), "{receipt}");
    // (A lone ⚠ is the list's marker on other rows; a badge's title is "⚠ Title".)
    let loud = ui.text_containing("⚠ ");
    assert!(loud.is_none(), "{receipt} / {loud:?}");
}

/// The accent colour of a primary button in the light theme.
fn is_primary(rgb: [u8; 3]) -> bool {
    let p = quietpost::theme::light()
        .extended_palette()
        .primary
        .base
        .color
        .into_rgba8();
    rgb.iter().zip(p).all(|(a, b)| a.abs_diff(b) < 12)
}

/// A dialog that carries a warning makes the safe way (Cancel) its primary button; a link
/// with nothing wrong has Open as its primary.
#[test]
fn a_warned_dialog_makes_the_safe_way_the_primary_button() {
    let mut ui = Ui::open_demo("warned-dialog");
    ui.read("Your account has been limited");
    let Reader::Open(r) = ui.mailbox().reader() else {
        unreachable!()
    };
    let warned = r
        .message()
        .links
        .iter()
        .position(|l| !l.warnings.is_empty() && l.activatable);
    let warned = warned.expect("a warned link that can be opened");
    ui.send(to_reader(ReaderMessage::Link(warned)));
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::Link(warned)));
    assert!(
        is_primary(ui.button_colour("Cancel")),
        "Cancel is the primary button"
    );
    assert!(!is_primary(ui.button_colour("Open in browser")));
    ui.send(Message::Shortcut(Shortcut::Close));

    ui.read("Those articles");
    let Reader::Open(r) = ui.mailbox().reader() else {
        unreachable!()
    };
    let plain = r
        .message()
        .links
        .iter()
        .position(|l| l.warnings.is_empty() && l.activatable);
    ui.send(to_reader(ReaderMessage::Link(plain.expect("a plain link"))));
    assert!(is_primary(ui.button_colour("Open in browser")));
    assert!(!is_primary(ui.button_colour("Cancel")));
}

/// Saving a program (or a file disguised as another type) asks first, with why; Cancel saves
/// nothing, and only the dialog's Save writes the file.
#[test]
fn saving_a_program_asks_first() {
    let mut ui = Ui::open_demo("save-program");
    let downloads = ui.dir.join("downloads");
    let files = |d: &std::path::Path| std::fs::read_dir(d).unwrap().count();
    for subject in ["Mandatory security update", "Overdue invoice"] {
        ui.read(subject);
        ui.send(to_reader(ReaderMessage::Save(0)));
        assert_eq!(ui.mailbox().dialog(), Some(Dialog::Save(0)), "{subject}");
        assert!(
            ui.text_containing("how most computers get infected")
                .is_some()
        );
        assert!(is_primary(ui.button_colour("Cancel")), "{subject}");
        ui.click("Cancel");
        assert_eq!(ui.mailbox().dialog(), None);
        assert_eq!(files(&downloads), 0, "nothing saved on Cancel");
    }
    ui.send(to_reader(ReaderMessage::Save(0)));
    ui.click("Save the file");
    assert_eq!(ui.mailbox().dialog(), None);
    assert_eq!(files(&downloads), 1);
    // A photo is saved at once.
    ui.read("The view from the cottage");
    ui.send(to_reader(ReaderMessage::Save(0)));
    assert_eq!(ui.mailbox().dialog(), None);
    assert_eq!(files(&downloads), 2);
}

/// Delete in Trash is for good: asked first, Cancel keeps the message, and the answer deletes it.
#[test]
fn deleting_in_trash_asks_first() {
    use quietpost::screen::mailbox::Message as Mailbox;
    let mut ui = Ui::open_demo("trash");
    ui.send(Message::Shortcut(Shortcut::Delete));
    assert!(
        ui.mailbox().dialog().is_none(),
        "Delete in the Inbox moves to Trash at once"
    );
    let trash = ui
        .mailbox()
        .folders()
        .iter()
        .position(|f| f.label == "Trash")
        .unwrap();
    assert_eq!(
        ui.mailbox().folders()[trash].total,
        1,
        "counted in Trash at once"
    );
    ui.send(Message::Mailbox(Mailbox::SelectFolder(trash)));
    // In Trash at once, marked as on its way (the server has not confirmed it), and no
    // action on it until then.
    assert_eq!(ui.mailbox().rows().len(), 1);
    assert!(ui.mailbox().rows()[0].pending);
    assert!(ui.shows("moving…"));
    ui.send(Message::Mailbox(Mailbox::Select(0)));
    assert!(ui.text_containing("still on its way").is_some());
    assert!(
        !ui.shows("Star") && !ui.shows("Unstar"),
        "no action buttons on a message on its way"
    );
    ui.send(Message::Shortcut(Shortcut::Delete));
    assert!(ui.mailbox().dialog().is_none());
    // The time to undo is over: the demo settles it as a server would.
    ui.send(Message::Mailbox(Mailbox::Tick(
        std::time::Instant::now() + quietpost::screen::mailbox::UNDO_WINDOW,
    )));
    assert_eq!(ui.mailbox().rows().len(), 1);
    assert!(!ui.mailbox().rows()[0].pending);
    assert!(!ui.shows("moving…"));
    ui.send(Message::Shortcut(Shortcut::Delete));
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::DeleteForGood));
    assert!(is_primary(ui.button_colour("Cancel")));
    ui.click("Cancel");
    assert_eq!(ui.mailbox().rows().len(), 1, "Cancel keeps it");
    ui.send(Message::Shortcut(Shortcut::Delete));
    ui.click("Delete for good");
    assert_eq!(ui.mailbox().dialog(), None);
    assert!(ui.mailbox().rows().is_empty());
    assert_eq!(
        ui.mailbox().notice().map(|n| match n {
            quietpost::screen::mailbox::Notice::Done(t)
            | quietpost::screen::mailbox::Notice::Failed(t) => t.as_str(),
        }),
        Some("Deleted for good.")
    );
}

/// An account that cannot sync says so where its mail is: the folder pane names it with its
/// state ("Not synced yet" never reads as "No messages"), an infobar above the list gives the
/// reason in words with Retry, and Retry starts it again.
#[test]
fn an_account_that_cannot_connect_says_why_above_its_mail_with_retry() {
    use quietpost::app::EngineUpdate;
    let config = r#"
[[account]]
name = "work"
email = "alice@example.org"
user = "alice"
password = "keychain"
[account.imap]
host = "127.0.0.1"
port = 1
security = "tls"
[account.smtp]
host = "127.0.0.1"
port = 1
security = "tls"
"#;
    let mut ui = Ui::start_with_config("offline", Some(config));
    assert!(ui.shows("work"));
    assert!(ui.shows("Not synced yet"));
    assert!(ui.text_containing("No messages").is_none());
    assert!(
        ui.text_containing("Not synced yet: nothing has been downloaded")
            .is_some()
    );

    let refused = quietpost_core::sync::Error::Net(quietpost_net::Error::Refused {
        host: "127.0.0.1".into(),
        port: 1,
    });
    ui.send(Message::Engine(
        "work".into(),
        EngineUpdate::Event(quietpost_core::engine::Event::Offline {
            error: std::sync::Arc::new(refused),
            retry_in: std::time::Duration::from_secs(30),
        }),
    ));
    assert!(ui.shows("work cannot reach its mail server"));
    assert!(ui.shows("offline"), "the folder pane says so");
    let why = ui
        .text_containing("You are seeing the mail saved on this computer.")
        .unwrap();
    assert!(why.contains("Trying again in 30 s"), "{why}");
    ui.click("Retry");
    assert!(!ui.shows("work cannot reach its mail server"));
    assert!(ui.text_containing("work: trying again").is_some());

    // It cannot start at all (no password in the keychain): said the same way.
    ui.send(Message::Engine(
        "work".into(),
        EngineUpdate::Unavailable("no password for work in the keychain".into()),
    ));
    assert!(ui.shows("work is not syncing"));
    assert!(ui.shows("not syncing"));
    ui.click("Retry");
    assert!(!ui.shows("work is not syncing"));
}

/// A control character in a spoofed sender shows as its picture ("␀"), never as a missing-glyph
/// box: the pictures of NUL and SOH are drawn differently (two missing glyphs would be the same
/// box), in the regular and the bold font.
#[test]
fn control_pictures_and_icons_are_drawn_not_missing_glyph_boxes() {
    use iced::widget::text;
    let dir = std::env::temp_dir().join(format!("qp-control-pictures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let draw = |name: &str, content: &str, font: iced::Font| -> Vec<u8> {
        let settings = gui::settings();
        let view: iced::Element<'_, ()> = text(content.to_owned()).size(48).font(font).into();
        let mut sim = iced_test::Simulator::with_size(settings, (120.0, 80.0), view);
        let _ = sim
            .snapshot(&quietpost::theme::light())
            .unwrap()
            .matches_image(dir.join(name));
        let png = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("{name}-"))
            })
            .expect("the snapshot");
        image::open(png).unwrap().to_luma8().into_raw()
    };
    for (font, name) in [
        (quietpost::theme::FONT, "regular"),
        (quietpost::theme::BOLD, "bold"),
    ] {
        let nul = draw(&format!("{name}-nul"), "\u{2400}", font);
        let soh = draw(&format!("{name}-soh"), "\u{2401}", font);
        let box_a = draw(&format!("{name}-pua-a"), "\u{E000}", font);
        let box_b = draw(&format!("{name}-pua-b"), "\u{E001}", font);
        assert_eq!(box_a, box_b, "two missing glyphs are the same box");
        assert_ne!(
            nul, soh,
            "{name}: the control pictures are missing-glyph boxes"
        );
        assert_ne!(nul, box_a, "{name}: ␀ is drawn as a missing glyph");
    }
    // The icons: two of them drawn differently, neither a missing glyph.
    use quietpost::widget::icon::Icon;
    let icons = quietpost::theme::ICONS;
    let archive = draw("icon-archive", &Icon::Archive.char().to_string(), icons);
    let trash = draw("icon-trash", &Icon::Trash.char().to_string(), icons);
    let missing = draw("icon-missing", "\u{E000}", icons);
    assert_ne!(archive, trash, "the icons are missing-glyph boxes");
    assert_ne!(archive, missing);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Links are clickable where they stand in the text: an address written out in plain text,
/// and a link's marker (`[1 → host]`) in converted HTML. The click brings the same
/// confirmation as the list of links; a click elsewhere in the text brings none.
#[test]
fn a_click_on_a_link_in_the_text_asks_to_open_it() {
    use iced::widget::text_editor::Action;
    // The simulator lays text out at iced's default size (the window sets its own).
    let size = iced::Settings::default().default_text_size.0;
    let line = |n: usize, x: f32| iced::Point::new(x, (n as f32 + 0.5) * size * 1.3);
    let body = |ui: &Ui| match ui.mailbox().reader() {
        Reader::Open(r) => r.body.text(),
        _ => unreachable!(),
    };
    let mut ui = Ui::open_demo("link-click");
    ui.read("Those articles");
    // Laid out as the window shows it (the editor knows its lines and width).
    assert!(ui.shows("Links (where they really go)"));
    assert_eq!(
        body(&ui).lines().nth(2),
        Some("https://news.example/2026/11/rivers-cleaner-than-ever")
    );
    // Elsewhere in the text: nothing.
    ui.send(to_reader(ReaderMessage::Body(Action::Click(line(0, 30.0)))));
    assert_eq!(ui.mailbox().dialog(), None);
    ui.send(to_reader(ReaderMessage::Body(Action::Click(line(2, 60.0)))));
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::Link(0)));
    ui.send(Message::Shortcut(Shortcut::Close));

    // A converted HTML message: its marker.
    ui.read("Black Friday: 40% off everything");
    assert!(ui.shows("Links (where they really go)"));
    let text = body(&ui);
    let (n, l) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("[1 → click.brightshop.example]"))
        .expect("the marker's line");
    // (Every line above it is short: none wraps, so its place is its number.)
    assert!(text.lines().take(n).all(|l| l.len() < 60), "{text}");
    let before = &l[..l.find("[1 →").unwrap()];
    let x = gui::natural_width(before, size, false) + 8.0;
    ui.send(to_reader(ReaderMessage::Body(Action::Click(line(n, 4.0)))));
    assert_eq!(
        ui.mailbox().dialog(),
        None,
        "the words before it are not the link"
    );
    ui.send(to_reader(ReaderMessage::Body(Action::Click(line(n, x)))));
    assert_eq!(ui.mailbox().dialog(), Some(Dialog::Link(0)));
}

/// A picture attached to a message is previewed under its name, decoded in memory within the
/// bounds remote images have; a program is not.
#[test]
fn an_attached_picture_is_previewed_and_a_program_is_not() {
    let mut ui = Ui::open_demo("preview");
    ui.read("The view from the cottage");
    let Reader::Open(r) = ui.mailbox().reader() else {
        unreachable!()
    };
    let photo = r
        .message()
        .attachments
        .iter()
        .position(quietpost_core::reading::previewable)
        .expect("a picture");
    assert!(
        matches!(r.previews.as_slice(), [(i, Ok(_))] if *i == photo),
        "{:?}",
        r.previews
            .iter()
            .map(|(i, p)| (i, p.as_ref().err()))
            .collect::<Vec<_>>()
    );
    assert!(ui.text_containing("No preview").is_none());
    ui.read("Overdue invoice");
    let Reader::Open(r) = ui.mailbox().reader() else {
        unreachable!()
    };
    assert!(r.previews.is_empty(), "a program is never decoded");
}
