//! The look: an embedded font (so text shows on a machine with no fonts at all), the system's
//! light or dark palette, and a few calm styles built on it.

use iced::widget::{button, container};
use iced::{Background, Border, Color, Font, Theme, font};

/// DejaVu Sans (Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and more), built in.
pub const REGULAR_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
pub const BOLD_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// The Control Pictures (U+2400…U+2426, "␀" for a NUL in a spoofed sender): DejaVu Sans has
/// none of them, and the one character meant to reveal a trick would show as a missing-glyph
/// box. A 7 KB subset of Noto Sans Symbols 2 (OFL), found by the text system's fallback.
pub const SYMBOLS_BYTES: &[u8] =
    include_bytes!("../assets/fonts/NotoSansSymbols2-ControlPictures.ttf");

/// The icons (29 of Lucide's, ISC licence): an icon font, drawn as text in the text's colour.
pub const ICONS_BYTES: &[u8] = include_bytes!("../assets/fonts/Lucide-Quietpost.ttf");
pub const ICONS: Font = Font::with_name("lucide");

/// Every font the window embeds.
pub const FONTS: [&[u8]; 4] = [REGULAR_BYTES, BOLD_BYTES, SYMBOLS_BYTES, ICONS_BYTES];

pub const FONT: Font = Font::with_name("DejaVu Sans");
pub const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..FONT
};

/// The default text size: readable without zooming.
pub const TEXT_SIZE: f32 = 14.0;

/// Quietpost's own calm palettes: a warm off-white or a soft charcoal, a muted teal-blue
/// accent, and the three severities (success for a verified sender). Every text and background
/// pair of the themes built on them is held to WCAG AA by the contrast test below.
pub const LIGHT_PALETTE: iced::theme::Palette = iced::theme::Palette {
    background: iced::color!(0xfafaf8),
    text: iced::color!(0x1d2126),
    primary: iced::color!(0x2f6e8e),
    success: iced::color!(0x2e7d4f),
    warning: iced::color!(0xb7791f),
    danger: iced::color!(0xc0392b),
};

pub const DARK_PALETTE: iced::theme::Palette = iced::theme::Palette {
    background: iced::color!(0x1f2124),
    text: iced::color!(0xe4e6e8),
    primary: iced::color!(0x5fa8cc),
    success: iced::color!(0x66c892),
    warning: iced::color!(0xd9a441),
    danger: iced::color!(0xd9584a),
};

/// The light theme.
pub fn light() -> Theme {
    Theme::custom("Quietpost light", LIGHT_PALETTE)
}

/// The dark theme.
pub fn dark() -> Theme {
    Theme::custom("Quietpost dark", DARK_PALETTE)
}

/// The theme for the system's mode (light when it says nothing).
pub fn system(mode: iced::theme::Mode) -> Theme {
    match mode {
        iced::theme::Mode::Dark => dark(),
        _ => light(),
    }
}

/// A warning badge: a soft warning colour, never an alarm (a caution).
pub fn badge(theme: &Theme) -> container::Style {
    tinted(theme.extended_palette().warning.weak)
}

/// A badge as loud as its warning: danger (red, with the summary line), caution (amber), info
/// (quiet, the pane's own colours).
pub fn severity(severity: quietpost_model::Severity) -> impl Fn(&Theme) -> container::Style {
    move |theme: &Theme| {
        let p = theme.extended_palette();
        match severity {
            quietpost_model::Severity::Danger => tinted(p.danger.weak),
            quietpost_model::Severity::Caution => tinted(p.warning.weak),
            quietpost_model::Severity::Info => container::Style {
                background: Some(Background::Color(p.background.weak.color)),
                text_color: Some(p.background.weak.text),
                border: Border::default().rounded(4),
                ..container::Style::default()
            },
        }
    }
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

/// A pane with nothing of its own to draw (its background is the window's).
pub fn plain(_theme: &Theme) -> container::Style {
    container::Style::default()
}

/// The folder pane shown over the list in a narrow window: lifted above it.
pub fn floating_pane(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(p.background.base.color)),
        text_color: Some(p.background.base.text),
        border: Border::default().width(1).color(p.background.strong.color),
        shadow: iced::Shadow {
            color: Color::from_rgba(0.0, 0.0, 0.0, 0.3),
            offset: iced::Vector::new(2.0, 0.0),
            blur_radius: 12.0,
        },
        ..container::Style::default()
    }
}

/// A pane's style, with a visible ring when it has the keyboard (after F6).
pub fn focusable(
    style: fn(&Theme) -> container::Style,
    focused: bool,
) -> impl Fn(&Theme) -> container::Style {
    move |theme: &Theme| {
        let mut s = style(theme);
        if focused {
            s.border = Border::default()
                .width(2)
                .color(theme.extended_palette().primary.base.color);
        }
        s
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

/// Quieter text (dates, sizes, explanations): the text colour softened, but still AA (4.5:1)
/// on every background it appears on (panes, a selected row, banners, dialogs).
pub fn muted(theme: &Theme) -> iced::widget::text::Style {
    let p = theme.extended_palette();
    let base = p.background.base.color;
    let soft = over(
        Color {
            a: 0.68,
            ..p.background.base.text
        },
        base,
    );
    iced::widget::text::Style {
        color: Some(readable(soft, &backgrounds(theme))),
    }
}

/// The muted text colour, for widgets that take a colour (the ellipsis).
pub fn muted_color(theme: &Theme) -> Color {
    muted(theme).color.unwrap_or(theme.palette().text)
}

/// The backgrounds text is drawn on: the window (and dialogs), the folder pane, a hovered row
/// (and banners), a selected row.
fn backgrounds(theme: &Theme) -> [Color; 4] {
    let p = theme.extended_palette();
    [
        p.background.base.color,
        p.background.weakest.color,
        p.background.weak.color,
        selection(theme),
    ]
}

/// `fg` (with its alpha) drawn over `bg`, as one opaque colour.
fn over(fg: Color, bg: Color) -> Color {
    let mix = |f: f32, b: f32| f * fg.a + b * (1.0 - fg.a);
    Color::from_rgb(mix(fg.r, bg.r), mix(fg.g, bg.g), mix(fg.b, bg.b))
}

/// `fg`, moved toward black or white (whichever reads better) just far enough to reach 4.5:1
/// on every one of `backgrounds` (WCAG AA for body text). A palette colour that already does
/// is returned as it is.
pub fn readable(fg: Color, backgrounds: &[Color]) -> Color {
    let worst = |c: Color| {
        backgrounds
            .iter()
            .map(|&b| contrast(c, b))
            .fold(f32::INFINITY, f32::min)
    };
    if worst(fg) >= AA {
        return fg;
    }
    let toward = if worst(Color::WHITE) >= worst(Color::BLACK) {
        Color::WHITE
    } else {
        Color::BLACK
    };
    let mut best = fg;
    for step in 1..=20 {
        let t = step as f32 / 20.0;
        let mix = |a: f32, b: f32| a + (b - a) * t;
        best = Color::from_rgb(
            mix(fg.r, toward.r),
            mix(fg.g, toward.g),
            mix(fg.b, toward.b),
        );
        if worst(best) >= AA {
            break;
        }
    }
    best
}

/// WCAG AA for body text, with a hair of margin for rounding.
const AA: f32 = 4.55;

/// A selected row: the window's colour with a touch of the accent — calm, and every text
/// colour stays readable on it.
pub fn selection(theme: &Theme) -> Color {
    let p = theme.extended_palette();
    over(
        Color {
            a: 0.2,
            ..p.primary.base.color
        },
        p.background.base.color,
    )
}

/// A row of the message list or the folder list.
pub fn list_row(theme: &Theme, status: button::Status, selected: bool) -> button::Style {
    let p = theme.extended_palette();
    let (background, text) = match (selected, status) {
        (true, _) => (Some(selection(theme)), p.background.base.text),
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

/// A secondary button (Cancel, Search, the actions): neutral and outlined, plainly a button and
/// plainly enabled — iced's own mid-grey reads as disabled. A disabled one is faint and
/// borderless.
pub fn secondary(theme: &Theme, status: button::Status) -> button::Style {
    let p = theme.extended_palette();
    let background = match status {
        button::Status::Active => p.background.weaker.color,
        button::Status::Hovered | button::Status::Pressed => p.background.weak.color,
        button::Status::Disabled => p.background.base.color,
    };
    let text_color = match status {
        button::Status::Disabled => Color {
            a: 0.45,
            ..p.background.base.text
        },
        _ => p.background.base.text,
    };
    button::Style {
        background: Some(Background::Color(background)),
        text_color,
        border: Border::default().rounded(4).width(1).color(match status {
            button::Status::Disabled => p.background.weak.color,
            _ => p.background.strong.color,
        }),
        ..button::Style::default()
    }
}

/// A pick list ("Move to…") that looks like the secondary buttons beside it: its label in the
/// text colour, not the faint placeholder grey that reads as disabled.
pub fn pick(
    theme: &Theme,
    status: iced::widget::pick_list::Status,
) -> iced::widget::pick_list::Style {
    let p = theme.extended_palette();
    let hovered = !matches!(status, iced::widget::pick_list::Status::Active);
    iced::widget::pick_list::Style {
        text_color: p.background.base.text,
        placeholder_color: p.background.base.text,
        handle_color: p.background.base.text,
        background: Background::Color(if hovered {
            p.background.weak.color
        } else {
            p.background.weaker.color
        }),
        border: Border::default()
            .rounded(4)
            .width(1)
            .color(p.background.strong.color),
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
        text_color: readable(
            p.primary.base.color,
            &[p.background.base.color, p.background.weak.color],
        ),
        border: Border::default().rounded(4),
        ..button::Style::default()
    }
}

/// A link marker in the message text (`[1 → host]`): the accent, readable on the window.
pub fn marker(theme: &Theme) -> Color {
    let p = theme.extended_palette();
    readable(p.primary.strong.color, &[p.background.base.color])
}

/// A warning sign's colour (the list's sender marker): the theme's danger colour, readable on a
/// row whether it is selected, hovered or neither.
pub fn warning_text(theme: &Theme) -> iced::widget::text::Style {
    iced::widget::text::Style {
        color: Some(readable(
            theme.extended_palette().danger.base.color,
            &backgrounds(theme),
        )),
    }
}

/// A warning sign's colour by severity (the list's sender marker): danger red, caution amber,
/// info muted — each readable on a row whether it is selected, hovered or neither.
pub fn severity_text(
    severity: quietpost_model::Severity,
) -> impl Fn(&Theme) -> iced::widget::text::Style {
    move |theme: &Theme| {
        let p = theme.extended_palette();
        let color = match severity {
            quietpost_model::Severity::Danger => p.danger.base.color,
            quietpost_model::Severity::Caution => p.warning.base.color,
            quietpost_model::Severity::Info => return muted(theme),
        };
        iced::widget::text::Style {
            color: Some(readable(color, &backgrounds(theme))),
        }
    }
}

/// WCAG 2 contrast ratio of `fg` drawn over `bg` (alpha blended onto `bg` first).
pub fn contrast(fg: Color, bg: Color) -> f32 {
    let fg = over(fg, bg);
    let luminance = |c: Color| {
        let lin = |v: f32| {
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
    };
    let (a, b) = (luminance(fg), luminance(bg));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text colour the window draws, over every background it is drawn on, in both
    /// themes: at least 4.5:1 (WCAG AA for body text).
    #[test]
    fn every_text_and_background_pair_reads_at_aa() {
        let mut failures = Vec::new();
        for theme in [light(), dark()] {
            let p = theme.extended_palette();
            let base = p.background.base.color;
            let text = |s: iced::widget::text::Style| s.color.unwrap_or(p.background.base.text);
            let container_text = |s: container::Style| {
                (
                    s.text_color.unwrap_or(p.background.base.text),
                    match s.background {
                        Some(Background::Color(c)) => c,
                        _ => base,
                    },
                )
            };
            let button_pair = |s: button::Style, under: Color| {
                (
                    s.text_color,
                    match s.background {
                        Some(Background::Color(c)) => c,
                        _ => under,
                    },
                )
            };
            let folder_pane = match pane(&theme).background {
                Some(Background::Color(c)) => c,
                _ => base,
            };
            use quietpost_model::Severity;
            let mut pairs: Vec<(String, Color, Color)> = Vec::new();
            for (name, bg) in [("window", base), ("folder pane", folder_pane)] {
                pairs.push((format!("text on {name}"), p.background.base.text, bg));
                pairs.push((format!("muted on {name}"), text(muted(&theme)), bg));
                for status in [button::Status::Active, button::Status::Hovered] {
                    for selected in [false, true] {
                        let (fg, b) = button_pair(list_row(&theme, status, selected), bg);
                        pairs.push((
                            format!("row {status:?} selected={selected} on {name}"),
                            fg,
                            b,
                        ));
                        // The list's warning sign and date sit on the row's colour.
                        pairs.push((
                            format!("warning sign on that row ({status:?}, selected={selected})"),
                            text(warning_text(&theme)),
                            b,
                        ));
                        for severity in [Severity::Danger, Severity::Caution, Severity::Info] {
                            pairs.push((
                                format!("{severity:?} sign on that row ({status:?}, selected={selected})"),
                                text(severity_text(severity)(&theme)),
                                b,
                            ));
                        }
                        pairs.push((
                            format!("muted on that row ({status:?}, selected={selected})"),
                            text(muted(&theme)),
                            b,
                        ));
                    }
                }
            }
            // Secondary buttons sit on the window, the folder pane, banners and dialogs.
            for status in [
                button::Status::Active,
                button::Status::Hovered,
                button::Status::Pressed,
            ] {
                let (fg, b) = button_pair(secondary(&theme, status), base);
                pairs.push((format!("secondary button {status:?}"), fg, b));
            }
            // Links are in the reading pane.
            for status in [button::Status::Active, button::Status::Hovered] {
                let (fg, b) = button_pair(link(&theme, status), base);
                pairs.push((format!("link {status:?}"), fg, b));
            }
            for (name, style) in [
                ("badge", badge(&theme)),
                ("danger badge", severity(Severity::Danger)(&theme)),
                ("caution badge", severity(Severity::Caution)(&theme)),
                ("info badge", severity(Severity::Info)(&theme)),
                ("verified badge", verified(&theme)),
                ("banner", banner(&theme)),
                ("dialog", dialog(&theme)),
            ] {
                let (fg, bg) = container_text(style);
                pairs.push((name.into(), fg, bg));
            }
            // Quieter text is used in banners and dialogs, never inside a badge.
            for (name, style) in [("banner", banner(&theme)), ("dialog", dialog(&theme))] {
                let (_, bg) = container_text(style);
                pairs.push((format!("muted in a {name}"), text(muted(&theme)), bg));
            }
            pairs.push(("link marker in the text".into(), marker(&theme), base));
            for (name, fg, bg) in pairs {
                let ratio = contrast(fg, bg);
                if ratio < 4.5 {
                    failures.push(format!("{theme}: {name}: {ratio:.2}:1"));
                }
            }
        }
        assert!(failures.is_empty(), "below 4.5:1:\n{}", failures.join("\n"));
    }

    #[test]
    fn contrast_is_wcags() {
        assert!((contrast(Color::BLACK, Color::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color::WHITE, Color::WHITE) - 1.0).abs() < 0.01);
        // #767676 on white is the classic 4.54:1.
        let grey = Color::from_rgb8(0x76, 0x76, 0x76);
        assert!((contrast(grey, Color::WHITE) - 4.54).abs() < 0.02);
    }
}
