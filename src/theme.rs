//! The look: an embedded font (so text shows on a machine with no fonts at all), the system's
//! light or dark palette, and a few calm styles built on it.

use iced::widget::{button, container};
use iced::{Background, Border, Color, Font, Theme, font};

/// DejaVu Sans (Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and more), built in.
pub const REGULAR_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
pub const BOLD_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

pub const FONT: Font = Font::with_name("DejaVu Sans");
pub const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..FONT
};

/// The default text size: readable without zooming.
pub const TEXT_SIZE: f32 = 14.0;

/// The theme: `None` lets iced follow the system's light or dark setting.
pub fn system() -> Option<Theme> {
    None
}

/// A warning badge: a soft warning colour, never an alarm.
pub fn badge(theme: &Theme) -> container::Style {
    tinted(theme.extended_palette().warning.weak)
}

/// The authentication badge (only ever from the user's own provider).
pub fn verified(theme: &Theme) -> container::Style {
    tinted(theme.extended_palette().success.weak)
}

fn tinted(pair: iced::theme::palette::Pair) -> container::Style {
    container::Style {
        background: Some(Background::Color(pair.color)),
        text_color: Some(pair.text),
        border: Border::default().rounded(4),
        ..container::Style::default()
    }
}

/// The "remote items blocked" banner.
pub fn banner(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(p.background.weak.color)),
        text_color: Some(p.background.weak.text),
        border: Border::default()
            .rounded(6)
            .width(1)
            .color(p.background.strong.color),
        ..container::Style::default()
    }
}

/// A side pane (folders).
pub fn pane(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(p.background.weakest.color)),
        ..container::Style::default()
    }
}

/// A dialog over the window.
pub fn dialog(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(p.background.base.color)),
        text_color: Some(p.background.base.text),
        border: Border::default()
            .rounded(8)
            .width(1)
            .color(p.background.strong.color),
        shadow: iced::Shadow {
            color: Color::from_rgba(0.0, 0.0, 0.0, 0.3),
            offset: iced::Vector::new(0.0, 4.0),
            blur_radius: 16.0,
        },
        ..container::Style::default()
    }
}

/// The veil behind a dialog.
pub fn veil(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(Color::from_rgba(0.0, 0.0, 0.0, 0.35))),
        ..container::Style::default()
    }
}

/// Quieter text (dates, sizes, explanations).
pub fn muted(theme: &Theme) -> iced::widget::text::Style {
    iced::widget::text::Style {
        color: Some(Color {
            a: 0.68,
            ..theme.palette().text
        }),
    }
}

/// A row of the message list or the folder list.
pub fn list_row(theme: &Theme, status: button::Status, selected: bool) -> button::Style {
    let p = theme.extended_palette();
    let (background, text) = match (selected, status) {
        (true, _) => (Some(p.primary.weak.color), p.primary.weak.text),
        (false, button::Status::Hovered) => (Some(p.background.weak.color), p.background.base.text),
        (false, _) => (None, p.background.base.text),
    };
    button::Style {
        background: background.map(Background::Color),
        text_color: text,
        border: Border::default().rounded(4),
        ..button::Style::default()
    }
}

/// A link in the reading pane: an underline-free accent colour.
pub fn link(theme: &Theme, status: button::Status) -> button::Style {
    let p = theme.extended_palette();
    button::Style {
        background: match status {
            button::Status::Hovered => Some(Background::Color(p.background.weak.color)),
            _ => None,
        },
        text_color: p.primary.base.color,
        border: Border::default().rounded(4),
        ..button::Style::default()
    }
}

/// A warning sign's colour (the list's sender marker): the theme's danger colour.
pub fn warning_text(theme: &Theme) -> iced::widget::text::Style {
    iced::widget::text::Style {
        color: Some(theme.extended_palette().danger.base.color),
    }
}
