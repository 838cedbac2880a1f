//! Icons: Lucide's, from the embedded icon font (theme::ICONS), drawn as text so they take the
//! colour of the text beside them and scale with the zoom.

use iced::widget::{Text, text};

/// One icon of the embedded set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Archive,
    Trash,
    Star,
    Mail,
    MailOpen,
    Search,
    Help,
    Paperclip,
    Folder,
    Inbox,
    Send,
    Drafts,
    Junk,
    Offline,
    Move,
    /// What a message reveals.
    Shield,
    Reply,
    ReplyAll,
    Forward,
    /// A new message.
    Write,
    /// The outbox: waiting to be sent.
    Clock,
    Retry,
}

impl Icon {
    /// Its character in the icon font (Lucide's codepoints).
    pub fn char(self) -> char {
        match self {
            Icon::Archive => '\u{e041}',
            Icon::Trash => '\u{e18e}',
            Icon::Star => '\u{e176}',
            Icon::Mail => '\u{e10f}',
            Icon::MailOpen => '\u{e363}',
            Icon::Search => '\u{e151}',
            Icon::Help => '\u{e082}',
            Icon::Paperclip => '\u{e12d}',
            Icon::Folder => '\u{e0d7}',
            Icon::Inbox => '\u{e0f7}',
            Icon::Send => '\u{e152}',
            Icon::Drafts => '\u{e0cc}',
            Icon::Junk => '\u{e127}',
            Icon::Offline => '\u{e1af}',
            Icon::Move => '\u{e334}',
            Icon::Shield => '\u{e158}',
            Icon::Reply => '\u{e22a}',
            Icon::ReplyAll => '\u{e22b}',
            Icon::Forward => '\u{e229}',
            Icon::Write => '\u{e172}',
            Icon::Clock => '\u{e087}',
            Icon::Retry => '\u{e145}',
        }
    }
}

/// The icon at `size` pixels.
pub fn icon<'a>(icon: Icon, size: f32) -> Text<'a> {
    text(icon.char().to_string())
        .font(crate::theme::ICONS)
        .size(size)
        .line_height(iced::widget::text::LineHeight::Relative(1.0))
}
