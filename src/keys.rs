//! Keyboard shortcuts: which key does what, and the list the help overlay shows. Keys typed
//! into a field (search) stay there; only Ctrl+Q and Escape act from anywhere.
//!
//! A character shortcut is the character the keyboard layout produces (`/` is Shift+7 on a
//! German layout, `?` is Shift+/ on a US one), never the key under it; Ctrl combinations are
//! the Latin letter of the key, so Ctrl+F is Ctrl+F on a Russian layout too.

use iced::event::{self, Event};
use iced::keyboard::{self, Key, Modifiers, key::Named, key::Physical};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    Next,
    Previous,
    Open,
    Delete,
    Archive,
    Star,
    Unread,
    Search,
    Help,
    Close,
    Quit,
    /// Take back the last action (Ctrl+Z).
    Undo,
    /// Everything larger (Ctrl + or Ctrl =), smaller (Ctrl −), as the desktop sets it (Ctrl 0).
    ZoomIn,
    ZoomOut,
    ZoomReset,
    /// F6 and Shift+F6: the next or previous pane (folders, list, message).
    NextPane,
    PreviousPane,
    /// Tab and Shift+Tab: the next or previous field.
    NextField,
    PreviousField,
    /// Writing: a new message (c), a reply to the sender (r), to everyone (Shift+R, as in
    /// Outlook on the web), a forward (f); in the composer, Ctrl+Enter sends and Ctrl+S saves a
    /// draft (as in Thunderbird).
    Compose,
    Reply,
    ReplyAll,
    Forward,
    Send,
    SaveDraft,
    /// Ctrl+Shift+A in the composer: attach a file (as in Thunderbird).
    Attach,
    /// Ctrl+, (comma): the settings of the account shown (as in most desktop programs).
    Settings,
}

/// What the help overlay lists, in order — and the README's keyboard table, which a test holds
/// to this list (`the_readme_lists_the_same_keys`).
pub const HELP: &[(&str, &str)] = &[
    ("↓  or  j", "Next message"),
    ("↑  or  k", "Previous message"),
    ("Enter", "Open the selected message"),
    ("c", "Write a new message"),
    ("r", "Reply to the sender"),
    ("Shift+R", "Reply to everyone"),
    ("f", "Forward"),
    ("Delete", "Move to Trash"),
    ("a", "Archive"),
    ("s", "Star or unstar"),
    ("u", "Mark unread or read"),
    ("/  or  Ctrl+F", "Search"),
    ("?", "This help"),
    ("Esc", "Close a dialog, the search or the composer"),
    ("Ctrl+Enter", "Send the message being written"),
    ("Ctrl+S", "Save the message being written as a draft"),
    ("Ctrl+Shift+A", "Attach a file to the message being written"),
    ("Ctrl+Z", "Undo the last action (a few seconds)"),
    ("Ctrl+,", "Settings of the account shown"),
    ("F6", "Next pane: folders, list, message"),
    ("Tab", "Next field"),
    ("Ctrl+  Ctrl−  Ctrl+0", "Larger, smaller, usual size"),
    ("Ctrl+Q", "Quit"),
];

/// The keyboard table as the README shows it (Markdown), from [`HELP`].
pub fn help_table() -> String {
    let mut t = String::from("| Key | Does |\n|---|---|\n");
    for (key, what) in HELP {
        t.push_str(&format!("| {} | {what} |\n", key.replace("  ", " ")));
    }
    t
}

/// The shortcut for a key pressed with `modifiers`, when the key was not used by a widget:
/// `key` is the key without modifiers, `produced` what the layout made of it with them.
pub fn shortcut(
    key: &Key,
    produced: &Key,
    physical: Physical,
    modifiers: Modifiers,
) -> Option<Shortcut> {
    use Shortcut::*;
    if modifiers.command() || modifiers.control() {
        // Zoom by the character the layout makes ("+" is a key of its own on many layouts),
        // or the keypad's keys.
        let zoom = |k: &Key| match k.as_ref() {
            Key::Character("+" | "=") => Some(ZoomIn),
            Key::Character("-" | "\u{2212}") => Some(ZoomOut),
            Key::Character("0") => Some(ZoomReset),
            _ => None,
        };
        if let Some(z) = zoom(produced).or_else(|| zoom(key)).or(match physical {
            Physical::Code(keyboard::key::Code::NumpadAdd) => Some(ZoomIn),
            Physical::Code(keyboard::key::Code::NumpadSubtract) => Some(ZoomOut),
            _ => None,
        }) {
            return Some(z);
        }
        if matches!(key.as_ref(), Key::Named(Named::Enter)) {
            return Some(Send);
        }
        if matches!(produced.as_ref(), Key::Character(","))
            || matches!(key.as_ref(), Key::Character(","))
            || physical == Physical::Code(keyboard::key::Code::Comma)
        {
            return Some(Settings);
        }
        return match key.to_latin(physical) {
            Some('q') => Some(Quit),
            Some('f') => Some(Search),
            Some('z') => Some(Undo),
            Some('s') => Some(SaveDraft),
            Some('a') if modifiers.shift() => Some(Attach),
            _ => None,
        };
    }
    if modifiers.alt() || modifiers.logo() {
        return None;
    }
    if let Key::Named(named) = key.as_ref() {
        return match named {
            Named::Tab if modifiers.shift() => Some(PreviousField),
            Named::Tab => Some(NextField),
            Named::ArrowDown => Some(Next),
            Named::ArrowUp => Some(Previous),
            Named::Enter => Some(Open),
            Named::Delete => Some(Delete),
            Named::Escape => Some(Close),
            Named::F6 if modifiers.shift() => Some(PreviousPane),
            Named::F6 => Some(NextPane),
            _ => None,
        };
    }
    let Key::Character(c) = produced.as_ref() else {
        return None;
    };
    // Caps Lock makes "A" of "a"; Shift+A is not "a".
    let letter = |l: &str| c == l || (!modifiers.shift() && c.to_lowercase() == l);
    match c {
        "/" => Some(Search),
        "?" => Some(Help),
        _ if letter("j") => Some(Next),
        _ if letter("k") => Some(Previous),
        _ if letter("a") => Some(Archive),
        _ if letter("s") => Some(Star),
        _ if letter("u") => Some(Unread),
        "R" if modifiers.shift() => Some(ReplyAll),
        _ if letter("r") => Some(Reply),
        _ if letter("c") => Some(Compose),
        _ if letter("f") => Some(Forward),
        _ => None,
    }
}

/// For a read-only text editor (a message's text, a fingerprint): what would change the text
/// is not the editor's to take, so those keys (letters above all) stay free for the window's
/// shortcuts after a click in the text; moving, selecting and copying stay the editor's.
pub fn read_only<M: Clone>(
    key_press: iced::widget::text_editor::KeyPress,
) -> Option<iced::widget::text_editor::Binding<M>> {
    use iced::widget::text_editor::Binding::{self, *};
    match Binding::from_key_press(key_press)? {
        Insert(_) | Enter | Backspace | Delete | Cut | Paste => None,
        kept => Some(kept),
    }
}

/// For `event::listen_with`: a key press becomes a shortcut. A key a focused field used
/// (typing "a" into the search box) is not one, except Ctrl+Q and Escape.
pub fn from_event(
    event: Event,
    status: event::Status,
    _window: iced::window::Id,
) -> Option<Shortcut> {
    let Event::Keyboard(keyboard::Event::KeyPressed {
        key,
        modified_key,
        physical_key,
        modifiers,
        ..
    }) = event
    else {
        return None;
    };
    let s = shortcut(&key, &modified_key, physical_key, modifiers)?;
    match (status, s) {
        (event::Status::Ignored, _)
        | (
            _,
            Shortcut::Quit
            | Shortcut::Close
            | Shortcut::NextField
            | Shortcut::PreviousField
            | Shortcut::NextPane
            | Shortcut::PreviousPane
            | Shortcut::ZoomIn
            | Shortcut::ZoomOut
            | Shortcut::ZoomReset
            | Shortcut::Send
            | Shortcut::SaveDraft
            | Shortcut::Attach,
        ) => Some(s),
        (event::Status::Captured, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(c: &str) -> Key {
        Key::Character(c.into())
    }

    const ANY: Physical = Physical::Unidentified(keyboard::key::NativeCode::Unidentified);

    /// A key whose layout produces the same character.
    fn plain(c: &str, modifiers: Modifiers) -> Option<Shortcut> {
        shortcut(&ch(c), &ch(c), ANY, modifiers)
    }

    #[test]
    fn keys_map_to_shortcuts() {
        let none = Modifiers::empty();
        assert_eq!(plain("j", none), Some(Shortcut::Next));
        assert_eq!(
            shortcut(
                &Key::Named(Named::ArrowUp),
                &Key::Named(Named::ArrowUp),
                ANY,
                none
            ),
            Some(Shortcut::Previous)
        );
        assert_eq!(plain("a", none), Some(Shortcut::Archive));
        assert_eq!(plain("q", Modifiers::CTRL), Some(Shortcut::Quit));
        assert_eq!(plain("q", none), None);
        assert_eq!(plain("a", Modifiers::CTRL), None, "Ctrl+A is select-all");
        assert_eq!(plain("f", Modifiers::CTRL), Some(Shortcut::Search));
        assert_eq!(
            shortcut(&ch("A"), &ch("A"), ANY, none),
            Some(Shortcut::Archive),
            "Caps Lock"
        );
        assert_eq!(shortcut(&ch("a"), &ch("A"), ANY, Modifiers::SHIFT), None);
    }

    /// The character the layout produces decides, not the key under it.
    #[test]
    fn layouts_are_read_by_the_character_they_make() {
        let shift = Modifiers::SHIFT;
        // US: "?" is Shift+/ — help, not search.
        assert_eq!(
            shortcut(&ch("/"), &ch("?"), ANY, shift),
            Some(Shortcut::Help)
        );
        assert_eq!(plain("/", Modifiers::empty()), Some(Shortcut::Search));
        // German: "/" is Shift+7, "?" is Shift+ß.
        assert_eq!(
            shortcut(&ch("7"), &ch("/"), ANY, shift),
            Some(Shortcut::Search)
        );
        assert_eq!(
            shortcut(&ch("ß"), &ch("?"), ANY, shift),
            Some(Shortcut::Help)
        );
        assert_eq!(shortcut(&ch("7"), &ch("7"), ANY, Modifiers::empty()), None);
        // Russian: Ctrl+F is the key labelled F (А), found by its position.
        let f = Physical::Code(keyboard::key::Code::KeyF);
        assert_eq!(
            shortcut(&ch("а"), &ch("а"), f, Modifiers::CTRL),
            Some(Shortcut::Search)
        );
        assert_eq!(shortcut(&ch("а"), &ch("а"), f, Modifiers::empty()), None);
    }

    #[test]
    fn zoom_follows_the_character_and_the_keypad() {
        let ctrl = Modifiers::CTRL;
        // US: Ctrl+= (no Shift needed) and Ctrl+Shift+= ("+").
        assert_eq!(plain("=", ctrl), Some(Shortcut::ZoomIn));
        assert_eq!(
            shortcut(&ch("="), &ch("+"), ANY, ctrl | Modifiers::SHIFT),
            Some(Shortcut::ZoomIn)
        );
        // German: "+" has its own key.
        assert_eq!(plain("+", ctrl), Some(Shortcut::ZoomIn));
        assert_eq!(plain("-", ctrl), Some(Shortcut::ZoomOut));
        assert_eq!(plain("0", ctrl), Some(Shortcut::ZoomReset));
        let add = Physical::Code(keyboard::key::Code::NumpadAdd);
        assert_eq!(
            shortcut(&ch("+"), &ch("+"), add, ctrl),
            Some(Shortcut::ZoomIn)
        );
        assert_eq!(
            plain("-", Modifiers::empty()),
            None,
            "a plain minus is text"
        );
        let f6 = Key::Named(Named::F6);
        assert_eq!(
            shortcut(&f6, &f6, ANY, Modifiers::empty()),
            Some(Shortcut::NextPane)
        );
        assert_eq!(
            shortcut(&f6, &f6, ANY, Modifiers::SHIFT),
            Some(Shortcut::PreviousPane)
        );
    }

    #[test]
    fn writing_keys_follow_common_clients() {
        let none = Modifiers::empty();
        assert_eq!(plain("c", none), Some(Shortcut::Compose));
        assert_eq!(plain("r", none), Some(Shortcut::Reply));
        assert_eq!(plain("f", none), Some(Shortcut::Forward));
        assert_eq!(
            shortcut(&ch("r"), &ch("R"), ANY, Modifiers::SHIFT),
            Some(Shortcut::ReplyAll)
        );
        assert_eq!(
            shortcut(&ch("R"), &ch("R"), ANY, none),
            Some(Shortcut::Reply),
            "Caps Lock"
        );
        let enter = Key::Named(Named::Enter);
        assert_eq!(
            shortcut(&enter, &enter, ANY, Modifiers::CTRL),
            Some(Shortcut::Send)
        );
        assert_eq!(shortcut(&enter, &enter, ANY, none), Some(Shortcut::Open));
        assert_eq!(plain("s", Modifiers::CTRL), Some(Shortcut::SaveDraft));
        assert_eq!(
            shortcut(&ch("a"), &ch("A"), ANY, Modifiers::CTRL | Modifiers::SHIFT),
            Some(Shortcut::Attach)
        );
        assert_eq!(plain("a", Modifiers::CTRL), None, "Ctrl+A selects all");
    }

    /// The README's keyboard table is the help overlay's list.
    #[test]
    fn the_readme_lists_the_same_keys() {
        let readme = include_str!("../README.md");
        assert!(
            readme.contains(&help_table()),
            "README.md's keyboard table differs from keys::HELP; it should read:\n{}",
            help_table()
        );
    }

    #[test]
    fn typing_in_a_field_is_not_a_shortcut() {
        let press = |key: Key, modifiers| {
            Event::Keyboard(keyboard::Event::KeyPressed {
                key: key.clone(),
                modified_key: key,
                physical_key: keyboard::key::Physical::Unidentified(
                    keyboard::key::NativeCode::Unidentified,
                ),
                location: keyboard::Location::Standard,
                modifiers,
                text: None,
                repeat: false,
            })
        };
        let w = iced::window::Id::unique();
        let captured = event::Status::Captured;
        assert_eq!(
            from_event(press(ch("a"), Modifiers::empty()), captured, w),
            None
        );
        assert_eq!(
            from_event(press(ch("q"), Modifiers::CTRL), captured, w),
            Some(Shortcut::Quit)
        );
        assert_eq!(
            from_event(
                press(ch("a"), Modifiers::empty()),
                event::Status::Ignored,
                w
            ),
            Some(Shortcut::Archive)
        );
    }
}
