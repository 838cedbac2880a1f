//! Keyboard shortcuts: which key does what, and the list the help overlay shows. Keys typed
//! into a field (search) stay there; only Ctrl+Q and Escape act from anywhere.

use iced::event::{self, Event};
use iced::keyboard::{self, Key, Modifiers, key::Named};

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
    /// Tab and Shift+Tab: the next or previous field.
    NextField,
    PreviousField,
}

/// What the help overlay lists, in order.
pub const HELP: &[(&str, &str)] = &[
    ("↓  or  j", "Next message"),
    ("↑  or  k", "Previous message"),
    ("Enter", "Open the selected message"),
    ("Delete", "Move to Trash"),
    ("a", "Archive"),
    ("s", "Star or unstar"),
    ("u", "Mark unread or read"),
    ("/", "Search"),
    ("?", "This help"),
    ("Esc", "Close a dialog or the search"),
    ("Tab", "Next field"),
    ("Ctrl+Q", "Quit"),
];

/// The shortcut for a key pressed with `modifiers`, when the key was not used by a widget.
pub fn shortcut(key: &Key, modifiers: Modifiers) -> Option<Shortcut> {
    use Shortcut::*;
    if modifiers.command() || modifiers.control() {
        return match key.as_ref() {
            Key::Character("q") => Some(Quit),
            _ => None,
        };
    }
    if modifiers.alt() || modifiers.logo() {
        return None;
    }
    match key.as_ref() {
        Key::Named(Named::Tab) if modifiers.shift() => Some(PreviousField),
        Key::Named(Named::Tab) => Some(NextField),
        Key::Named(Named::ArrowDown) | Key::Character("j") => Some(Next),
        Key::Named(Named::ArrowUp) | Key::Character("k") => Some(Previous),
        Key::Named(Named::Enter) => Some(Open),
        Key::Named(Named::Delete) => Some(Delete),
        Key::Named(Named::Escape) => Some(Close),
        Key::Character("a") => Some(Archive),
        Key::Character("s") => Some(Star),
        Key::Character("u") => Some(Unread),
        Key::Character("/") => Some(Search),
        Key::Character("?") => Some(Help),
        _ => None,
    }
}

/// For `event::listen_with`: a key press becomes a shortcut. A key a focused field used
/// (typing "a" into the search box) is not one, except Ctrl+Q and Escape.
pub fn from_event(
    event: Event,
    status: event::Status,
    _window: iced::window::Id,
) -> Option<Shortcut> {
    let Event::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. }) = event else {
        return None;
    };
    let s = shortcut(&key, modifiers)?;
    match (status, s) {
        (event::Status::Ignored, _)
        | (_, Shortcut::Quit | Shortcut::Close | Shortcut::NextField | Shortcut::PreviousField) => {
            Some(s)
        }
        (event::Status::Captured, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(c: &str) -> Key {
        Key::Character(c.into())
    }

    #[test]
    fn keys_map_to_shortcuts() {
        let none = Modifiers::empty();
        assert_eq!(shortcut(&ch("j"), none), Some(Shortcut::Next));
        assert_eq!(
            shortcut(&Key::Named(Named::ArrowUp), none),
            Some(Shortcut::Previous)
        );
        assert_eq!(shortcut(&ch("a"), none), Some(Shortcut::Archive));
        assert_eq!(shortcut(&ch("q"), Modifiers::CTRL), Some(Shortcut::Quit));
        assert_eq!(shortcut(&ch("q"), none), None);
        assert_eq!(
            shortcut(&ch("a"), Modifiers::CTRL),
            None,
            "Ctrl+A is select-all"
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
