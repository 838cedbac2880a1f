//! The message list as the real runtime drives it: one widget tree kept from view to view
//! (`support/gui.rs`, `Window`), rows replaced by searches, folders and scrolling, and clicks
//! at real positions. The list must never crash, and a click opens the row under the pointer.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/gui.rs"]
mod gui;

use gui::{Ui, Window};

use quietpost::app::Message;
use quietpost::keys::Shortcut;
use quietpost::screen::mailbox::{Message as Mailbox, Reader};
use quietpost::widget::message_list::ROW_HEIGHT;

fn search(window: &mut Window, ui: &mut Ui, words: &str) {
    window.send(ui, Message::Shortcut(Shortcut::Search));
    window.send(ui, Message::Mailbox(Mailbox::SearchChanged(words.into())));
    window.send(ui, Message::Mailbox(Mailbox::SearchSubmitted));
}

/// The centre of the first row's subject, before anything is open (so the subject is found in
/// the list, not in the reading pane).
fn first_row(window: &mut Window, ui: &Ui) -> iced::Point {
    let subject = ui.mailbox().rows()[0].summary.subject.clone();
    // The subject as the row shows it (cut with "…" when the list is narrow).
    window
        .texts(&ui.app)
        .into_iter()
        .find(|(t, _)| subject.starts_with(t.trim_end_matches('…')) && !t.is_empty())
        .unwrap_or_else(|| panic!("the first row ({subject}) is not on screen"))
        .1
        .center()
}

/// Row `index` of a list scrolled to the top.
fn row_point(first: iced::Point, index: usize) -> iced::Point {
    iced::Point::new(first.x, first.y + index as f32 * ROW_HEIGHT)
}

/// The sequence that closed the window (search "trip", Enter, Esc, then clicks on rows).
#[test]
fn search_then_escape_then_clicks_on_rows_never_crash() {
    let mut ui = Ui::open_demo("list-replay");
    let mut window = Window::new((1280.0, 800.0));
    window.refresh(&ui.app);
    search(&mut window, &mut ui, "trip");
    assert!(!ui.mailbox().rows().is_empty(), "the demo has a trip");
    window.send(&mut ui, Message::Shortcut(Shortcut::Close));
    assert_eq!(ui.mailbox().rows().len(), 34);
    let first = first_row(&mut window, &ui);
    for index in [4, 5, 6, 8, 2, 12] {
        let at = row_point(first, index);
        assert!(
            window.click_at(&mut ui, at) > 0,
            "row {index} answers a click"
        );
        let wanted = ui.mailbox().rows()[index].id;
        match ui.mailbox().reader() {
            Reader::Open(r) => assert_eq!(r.opened.id, wanted, "row {index} opened"),
            _ => panic!("row {index} did not open"),
        }
    }
}

/// A small deterministic generator (xorshift), so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The row set replaced many times (searches, Esc, other folders) at random scroll positions,
/// with clicks anywhere in the list between: never a crash, and a click on a row opens it.
#[test]
fn the_row_set_replaced_many_times_with_scrolls_and_clicks_never_crashes() {
    let mut ui = Ui::open_demo("list-random");
    let mut window = Window::new((1280.0, 800.0));
    window.refresh(&ui.app);
    // Where the list is: from the first row's subject down to the bottom of the window.
    let first = first_row(&mut window, &ui);
    let words = ["trip", "bank", "the", "invoice", "zzzz", "welcome", "a"];
    for seed in [0x9E37_79B9_7F4A_7C15_u64, 0xD1B5_4A32_D192_ED03] {
        let mut rng = Rng(seed);
        let mut opened = 0;
        for _ in 0..150 {
            match rng.below(6) {
                0 => search(&mut window, &mut ui, words[rng.below(words.len())]),
                1 => window.send(&mut ui, Message::Shortcut(Shortcut::Close)),
                2 => {
                    let folders = ui.mailbox().folders().len();
                    let folder = rng.below(folders.max(1));
                    window.send(&mut ui, Message::Mailbox(Mailbox::SelectFolder(folder)));
                }
                3 => {
                    let dy = (rng.below(2000) as f32) - 1000.0;
                    window.scroll_at(&mut ui, first, dy);
                }
                _ => {
                    let y = first.y + rng.below((window.size.height - first.y) as usize) as f32;
                    let at = iced::Point::new(first.x, y);
                    if window.click_at(&mut ui, at) > 0
                        && let Reader::Open(_) | Reader::Loading(_) = ui.mailbox().reader()
                    {
                        opened += 1;
                    }
                }
            }
            // The actions act on what is shown: a message in the reader is the selected row.
            if let Reader::Open(r) = ui.mailbox().reader() {
                assert_eq!(
                    ui.mailbox().selected().map(|row| row.id),
                    Some(r.opened.id),
                    "the message shown is the one selected"
                );
            }
        }
        assert!(opened > 5, "clicks opened rows ({opened})");
        // Back to the whole Inbox: a click on a row still opens exactly that row.
        window.send(&mut ui, Message::Shortcut(Shortcut::Close));
        window.send(&mut ui, Message::Mailbox(Mailbox::SelectFolder(0)));
        window.scroll_at(&mut ui, first, 100_000.0);
        window.click_at(&mut ui, row_point(first, 3));
        let wanted = ui.mailbox().rows()[3].id;
        assert!(matches!(ui.mailbox().reader(), Reader::Open(r) if r.opened.id == wanted));
    }
}

#[test]
fn the_list_names_the_real_sender_and_marks_every_row_the_reader_warns_about() {
    let ui = Ui::open_demo("list-sender");
    // Tall enough for every demo row at once.
    let mut window = Window::new((1280.0, 1700.0));
    let texts = window.texts(&ui.app);
    let shown = |t: &str| texts.iter().any(|(s, _)| s == t);
    // The list's right edge: its header's last control (the help button).
    let right = texts
        .iter()
        .find(|(s, _)| s == "?")
        .map(|(_, b)| b.x + b.width + 8.0)
        .expect("the list header");
    let rows = ui.mailbox().rows().to_vec();
    assert_eq!(rows.len(), 34);
    let mut warned = 0;
    for row in &rows {
        let sender = row.summary.sender.as_ref().expect("analysed");
        let listed = sender.list_sender();
        // The part never cut: "· domain" beside a name, else the address's domain.
        // (Beside a name it is 12 px regular; alone, 13 px, bold when unread.)
        let unread = !row
            .summary
            .flags
            .contains(quietpost_store::cache::Flags::SEEN);
        let (fixed, local, size, bold) = match listed.name {
            Some(_) => (format!("· {}", listed.address), None, 12.0, false),
            None => match listed.address.rsplit_once('@') {
                Some((local, domain)) if !listed.address.contains(", ") => {
                    (domain.to_owned(), Some(format!("{local}@")), 13.0, unread)
                }
                _ => (listed.address.clone(), None, 13.0, unread),
            },
        };
        let (_, at) = texts
            .iter()
            .find(|(s, _)| *s == fixed)
            .unwrap_or_else(|| panic!("{:?}: {fixed} is not in the list", row.summary.subject));
        assert!(
            at.width + 0.5 >= gui::natural_width(&fixed, size, bold) && at.x + at.width <= right,
            "{fixed} is cut: {at:?}, the list ends at {right}"
        );
        // At this size the whole address fits: the local part is not cut either.
        if let Some(local) = local {
            assert!(texts.iter().any(|(s, _)| *s == local), "{local} is cut");
        }
        warned += usize::from(sender.is_suspicious());
    }
    // A marker on exactly the rows the reader warns about (the reader's analysis is the
    // same function: see core's list_sender test for the whole corpus).
    let markers = texts.iter().filter(|(s, _)| s == "⚠").count();
    assert_eq!(markers, warned);
    assert!(
        warned >= 6,
        "the demo has many suspicious senders ({warned})"
    );
    // The look-alike sender: its name, and its real domain in ASCII.
    assert!(shown("PayPal Service"));
    assert!(shown("· xn--pypal-secure-x9j.example"));
    // A name that is an address gives way to the real address; an 80-character name too.
    assert!(shown("alerts@") && shown("yourbank-support.example"));
    assert!(!shown("support@yourbank.example"));
    assert!(shown("quota-team@") && shown("mailbox-storage-alerts.example"));
}

/// The From line at the default window size (and narrower) with an 80-character name: the
/// real address is on screen, whole; the name gives way.
#[test]
fn a_long_name_never_pushes_the_address_out_of_the_reading_pane() {
    for width in [1280.0, 1024.0, 800.0] {
        let mut ui = Ui::open_demo(&format!("from-line-{width}"));
        let mut window = Window::new((width, 800.0));
        let index = ui
            .mailbox()
            .rows()
            .iter()
            .position(|r| r.summary.subject == "Your mailbox is almost full")
            .unwrap();
        window.send(&mut ui, Message::Mailbox(Mailbox::Select(index)));
        assert!(matches!(ui.mailbox().reader(), Reader::Open(_)));
        let texts = window.texts(&ui.app);
        let address = "<quota-team@mailbox-storage-alerts.example>";
        let (_, at) = texts
            .iter()
            .find(|(s, _)| s == address)
            .unwrap_or_else(|| panic!("{width}: the address is not on screen"));
        assert!(
            at.x >= 0.0 && at.x + at.width <= width,
            "{width}: the address is cut: {at:?}"
        );
        // The name is cut (and says so), never the address.
        let name = texts
            .iter()
            .find(|(s, _)| s.starts_with("Microsoft 365 Mailbox Security"))
            .expect("the name");
        assert!(name.0.ends_with('…'), "{}", name.0);
        assert!(name.1.x + name.1.width <= width, "{width}: {:?}", name.1);
        assert!(texts.iter().any(|(s, _)| s == "⚠ Very long name"));
    }
}

/// Search, Esc and another folder: the message in the reader stays the selected row wherever it
/// is in the new list, the actions act on it, and a list without it clears the reader.
#[test]
fn the_selection_follows_the_message_shown_across_search_escape_and_folders() {
    let mut ui = Ui::open_demo("list-selection");
    let mut window = Window::new((1280.0, 800.0));
    window.refresh(&ui.app);
    search(&mut window, &mut ui, "trip");
    let hits = ui.mailbox().rows().len();
    assert!(hits > 0 && hits < 34, "{hits} hits");
    window.send(&mut ui, Message::Mailbox(Mailbox::Select(0)));
    let shown = ui.mailbox().rows()[0].clone();
    assert!(matches!(ui.mailbox().reader(), Reader::Open(r) if r.opened.id == shown.id));

    // Esc: the whole Inbox again, the same message selected (at its place there).
    window.send(&mut ui, Message::Shortcut(Shortcut::Close));
    assert_eq!(ui.mailbox().rows().len(), 34);
    assert_eq!(ui.mailbox().selected().map(|r| r.id), Some(shown.id));
    assert!(matches!(ui.mailbox().reader(), Reader::Open(r) if r.opened.id == shown.id));

    // An action acts on the message shown.
    let starred = |ui: &Ui| {
        ui.mailbox()
            .rows()
            .iter()
            .find(|r| r.id == shown.id)
            .map(|r| r.summary.flags.contains(quietpost_model::Flags::FLAGGED))
    };
    let before = starred(&ui);
    window.send(&mut ui, Message::Shortcut(Shortcut::Star));
    assert_eq!(starred(&ui), before.map(|b| !b));

    // A search that does not find it: the reader is cleared, nothing is selected.
    search(&mut window, &mut ui, "zzzz-nothing-matches");
    assert!(matches!(ui.mailbox().reader(), Reader::Empty));
    assert!(ui.mailbox().selected().is_none());

    // Another folder: nothing of the last one stays in the reader.
    window.send(&mut ui, Message::Shortcut(Shortcut::Close));
    window.send(&mut ui, Message::Mailbox(Mailbox::Select(1)));
    assert!(matches!(ui.mailbox().reader(), Reader::Open(_)));
    let folders = ui.mailbox().folders().len();
    assert!(folders > 1, "the demo has more than one folder");
    window.send(
        &mut ui,
        Message::Mailbox(Mailbox::SelectFolder(folders - 1)),
    );
    assert!(matches!(ui.mailbox().reader(), Reader::Empty));
    assert!(ui.mailbox().selected().is_none());
}

/// Every size class, from a wide screen to the smallest window: the panes fit the window, and
/// each row in view shows its sender and subject whole or cut with "…", never clipped
/// mid-letter (no text narrower than the text needs, none spilling out of the list). Under
/// 1000 px the folders fold away behind a button above the list.
#[test]
fn every_window_size_shows_each_row_whole_or_with_an_ellipsis() {
    use quietpost::screen::mailbox::{FOLD_BELOW, Widths, layout};
    let defaults = quietpost_model::Appearance::default();
    let wanted = Widths {
        folders: defaults.folders_width,
        list: defaults.list_share,
    };
    for width in [1920.0, 1280.0, 1024.0, 800.0] {
        let mut ui = Ui::open_demo(&format!("sizes-{width}"));
        let mut window = Window::new((width, 800.0));
        window.refresh(&ui.app);
        let l = layout(width, wanted);
        assert_eq!(l.folders.is_none(), width < FOLD_BELOW, "{width}");
        assert!(l.list >= 280.0 && l.reader >= 360.0, "{width}: {l:?}");
        let left = l.folders.map_or(0.0, |f| f + 7.0);
        let right = left + l.list;
        let texts = window.texts(&ui.app);
        let in_list: Vec<_> = texts
            .iter()
            .filter(|(t, b)| {
                b.x >= left && b.x < right && b.y > 60.0 && b.y < 770.0 && !t.is_empty()
            })
            .collect();
        assert!(
            in_list.len() > 20,
            "{width}: {} texts in the list",
            in_list.len()
        );
        for (t, b) in &in_list {
            // The narrowest this text can be drawn (the list uses 12 and 13 px, regular and
            // bold): wider than its bounds means it was clipped.
            let least = [(12.0, false), (13.0, false), (12.0, true), (13.0, true)]
                .into_iter()
                .map(|(size, bold)| gui::natural_width(t, size, bold))
                .fold(f32::INFINITY, f32::min);
            assert!(
                least <= b.width + 0.5,
                "{width}: {t:?} is clipped ({least:.0} px of text in {:.0} px)",
                b.width
            );
            assert!(
                b.x + b.width <= right + 0.5,
                "{width}: {t:?} spills out: {b:?}"
            );
            assert!(b.height < 24.0, "{width}: {t:?} wraps: {b:?}");
        }
        // Each row in view says who sent it and what it is about (whole or with "…").
        for r in ui.mailbox().rows().iter().take(8) {
            let subject = r.summary.subject.as_str();
            assert!(
                in_list.iter().any(|(t, _)| t == subject
                    || (t.ends_with('…') && subject.starts_with(t.trim_end_matches('…')))),
                "{width}: the subject {subject:?} is not in the list"
            );
        }
        let has = |window: &mut Window, ui: &Ui, label: &str| {
            window.texts(&ui.app).iter().any(|(t, _)| t == label)
        };
        let folded = has(&mut window, &ui, "Folders");
        assert_eq!(folded, width < FOLD_BELOW, "{width}");
        if folded {
            // The folders, over the list; choosing one folds them away again.
            assert!(!has(&mut window, &ui, "Trash"));
            let button = window.bounds_of(&ui.app, "Folders").unwrap().center();
            window.click_at(&mut ui, button);
            assert!(has(&mut window, &ui, "Add your account"));
            let trash = window.bounds_of(&ui.app, "Trash").unwrap().center();
            window.click_at(&mut ui, trash);
            assert!(
                !has(&mut window, &ui, "Add your account"),
                "the folders stay open"
            );
            let total = ui
                .mailbox()
                .folders()
                .iter()
                .find(|f| f.label == "Trash")
                .unwrap()
                .total;
            assert_eq!(ui.mailbox().rows().len() as u64, total);
        }
    }
}

/// The dividers move the panes, within bounds, and the widths are remembered for the next
/// start (window.toml).
#[test]
fn dragging_a_divider_resizes_the_panes_and_is_remembered() {
    use quietpost::screen::mailbox::Splitter;
    let mut ui = Ui::open_demo("dividers");
    let mut window = Window::new((1280.0, 800.0));
    window.refresh(&ui.app);
    let folder_x = |window: &mut Window, ui: &Ui| window.bounds_of(&ui.app, "Inbox").unwrap().x;
    let list_title_x = |window: &mut Window, ui: &Ui| {
        window
            .texts(&ui.app)
            .into_iter()
            .find(|(t, _)| t == "Search  /")
            .unwrap()
            .1
            .x
    };
    let before = list_title_x(&mut window, &ui);
    window.send(
        &mut ui,
        Message::Mailbox(Mailbox::DragStart(Splitter::Folders)),
    );
    window.send(
        &mut ui,
        Message::Mailbox(Mailbox::Dragged(iced::Point::new(300.0, 400.0))),
    );
    window.send(&mut ui, Message::Mailbox(Mailbox::DragEnd));
    let after = list_title_x(&mut window, &ui);
    // The folders 90 px wider; the list's right edge (where the button is) moves by that, less
    // the list's share (0.4) of what the folders took.
    assert!(
        (after - before - 54.0).abs() < 1.0,
        "the list's edge moved from {before} to {after}"
    );
    assert!(folder_x(&mut window, &ui) < 50.0);
    // Far beyond the window: held at the widest a folder pane gets.
    window.send(
        &mut ui,
        Message::Mailbox(Mailbox::DragStart(Splitter::Folders)),
    );
    window.send(
        &mut ui,
        Message::Mailbox(Mailbox::Dragged(iced::Point::new(5000.0, 400.0))),
    );
    window.send(&mut ui, Message::Mailbox(Mailbox::DragEnd));
    ui.run(iced::Task::none());
    let saved = quietpost_store::appearance::load(&ui.launch.paths);
    assert_eq!(saved.folders_width, 400.0);
    assert_eq!(ui.app.appearance().folders_width, 400.0);
    // The list's divider: the list takes half of what the folders leave.
    let l = quietpost::screen::mailbox::layout(
        1280.0,
        quietpost::screen::mailbox::Widths {
            folders: 400.0,
            list: saved.list_share,
        },
    );
    let left = l.folders.unwrap() + 7.0;
    let both = l.list + l.reader;
    window.send(
        &mut ui,
        Message::Mailbox(Mailbox::DragStart(Splitter::List { left, both })),
    );
    window.send(
        &mut ui,
        Message::Mailbox(Mailbox::Dragged(iced::Point::new(left + both / 2.0, 300.0))),
    );
    window.send(&mut ui, Message::Mailbox(Mailbox::DragEnd));
    assert!((ui.app.appearance().list_share - 0.5).abs() < 0.01);
    assert!((quietpost_store::appearance::load(&ui.launch.paths).list_share - 0.5).abs() < 0.01);
}

/// Ctrl + and Ctrl − zoom everything by steps, remembered; Ctrl 0 is the usual size again.
#[test]
fn zoom_is_a_step_at_a_time_and_remembered() {
    let mut ui = Ui::open_demo("zoom");
    assert_eq!(ui.app.scale_factor(), 1.0);
    ui.send(Message::Shortcut(Shortcut::ZoomIn));
    ui.send(Message::Shortcut(Shortcut::ZoomIn));
    assert_eq!(ui.app.scale_factor(), 1.25);
    assert_eq!(
        quietpost_store::appearance::load(&ui.launch.paths).zoom,
        1.25
    );
    ui.send(Message::Shortcut(Shortcut::ZoomOut));
    assert_eq!(ui.app.scale_factor(), 1.1);
    ui.send(Message::Shortcut(Shortcut::ZoomReset));
    assert_eq!(ui.app.scale_factor(), 1.0);
    assert_eq!(
        quietpost_store::appearance::load(&ui.launch.paths).zoom,
        1.0
    );
}

/// F6 moves the keyboard between the panes, visibly; in the folder pane the arrows go through
/// the folders; the message text takes the keyboard in the reader.
#[test]
fn f6_moves_between_folders_list_and_reader() {
    use quietpost::screen::mailbox::Pane;
    let mut ui = Ui::open_demo("panes");
    assert_eq!(ui.mailbox().focus(), Pane::List);
    ui.send(Message::Shortcut(Shortcut::NextPane));
    assert_eq!(ui.mailbox().focus(), Pane::Reader);
    ui.send(Message::Shortcut(Shortcut::NextPane));
    assert_eq!(ui.mailbox().focus(), Pane::Folders);
    let inbox = ui.mailbox().rows().len();
    ui.send(Message::Shortcut(Shortcut::Next));
    let second = &ui.mailbox().folders()[1];
    assert_ne!(
        ui.mailbox().rows().len(),
        inbox,
        "the arrow chose {}",
        second.label
    );
    ui.send(Message::Shortcut(Shortcut::Previous));
    assert_eq!(ui.mailbox().rows().len(), inbox);
    // Enter: into the list, where the arrows go through messages again.
    ui.send(Message::Shortcut(Shortcut::Open));
    assert_eq!(ui.mailbox().focus(), Pane::List);
    ui.send(Message::Shortcut(Shortcut::Next));
    assert_eq!(
        ui.mailbox().selected().map(|r| r.id),
        Some(ui.mailbox().rows()[0].id)
    );
    ui.send(Message::Shortcut(Shortcut::PreviousPane));
    assert_eq!(ui.mailbox().focus(), Pane::Folders);
}

/// On a wide screen the text keeps a readable measure: the page is never wider than about 80
/// characters, and a 72-column line fits on one line.
#[test]
fn the_reader_keeps_a_readable_measure_on_a_wide_screen() {
    use quietpost::screen::mailbox::reader::MEASURE;
    let line = "I can write the migration note this week, and send it to the list then. ";
    let line = line.trim_end().to_owned() + "!";
    assert_eq!(line.chars().count(), 72);
    assert!(
        gui::natural_width(&line, quietpost::theme::TEXT_SIZE, false) < MEASURE - 32.0,
        "a 72-column line wraps"
    );
    let eighty = "abcdefghij".repeat(10);
    let w = gui::natural_width(&eighty[..90], quietpost::theme::TEXT_SIZE, false);
    assert!(
        w > MEASURE - 32.0,
        "the measure holds more than 90 characters: {w}"
    );
    let mut ui = Ui::open_demo("measure");
    let mut window = Window::new((1920.0, 1000.0));
    ui.read("Your account has been limited");
    window.refresh(&ui.app);
    let subject = window.bounds_of(&ui.app, "Your account has been limited");
    let date = window
        .texts(&ui.app)
        .into_iter()
        .filter(|(t, _)| t.contains("Look-alike letters"))
        .map(|(_, b)| b)
        .next()
        .expect("a badge");
    assert!(subject.is_some());
    assert!(date.width <= MEASURE, "{date:?}");
}

/// The window repaints only what changed since the last frame. After selection changes,
/// searches and opening messages, what it shows must be exactly a full repaint of the frame:
/// no strip of the old selection left across a row, no stray pixels in the reader.
#[test]
fn repainting_only_what_changed_leaves_nothing_behind() {
    let mut ui = Ui::open_demo("repaint");
    let mut window = Window::new((1280.0, 800.0));
    let _ = window.paint(&ui.app);
    let width = 1280usize;
    let steps: Vec<(&str, Message)> = vec![
        ("next", Message::Shortcut(Shortcut::Next)),
        ("next", Message::Shortcut(Shortcut::Next)),
        ("previous", Message::Shortcut(Shortcut::Previous)),
        ("star", Message::Shortcut(Shortcut::Star)),
        ("row 5", Message::Mailbox(Mailbox::Select(5))),
        ("row 1", Message::Mailbox(Mailbox::Select(1))),
        ("search", Message::Shortcut(Shortcut::Search)),
        ("close", Message::Shortcut(Shortcut::Close)),
        ("next", Message::Shortcut(Shortcut::Next)),
    ];
    for (what, message) in steps {
        window.send(&mut ui, message);
        let (damaged, full) = window.paint(&ui.app);
        let differing: Vec<(usize, usize)> = damaged
            .chunks(4)
            .zip(full.chunks(4))
            .enumerate()
            // The kept pixels are in the window surface's order (blue first), the full repaint
            // in RGBA.
            // A difference people see (a strip of a selection colour, a glyph's remains), not
            // a level or two of anti-aliasing where a clip fell differently.
            .filter(|(_, (a, b))| {
                [a[2], a[1], a[0]]
                    .iter()
                    .zip(&b[..3])
                    .any(|(x, y)| x.abs_diff(*y) > 32)
            })
            .map(|(i, _)| (i % width, i / width))
            .collect();
        // A glyph cut by the edge of the repainted region may differ at a pixel or two; a
        // strip left behind is hundreds (327 before the list was put on whole pixels).
        if differing.len() <= 4 {
            continue;
        }
        if let (Some(first), Some(last)) = (differing.first(), differing.last()) {
            let (x0, x1) = differing
                .iter()
                .fold((usize::MAX, 0), |(lo, hi), (x, _)| (lo.min(*x), hi.max(*x)));
            panic!(
                "after {what}: {} pixels differ from a full repaint, x {x0}..={x1}, y {}..={}",
                differing.len(),
                first.1,
                last.1
            );
        }
    }
}
