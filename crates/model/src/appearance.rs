//! How the window looks, as the person left it: the theme, the zoom and the widths of its
//! panes. Remembered between runs (store keeps it in `window.toml`, beside config.toml); never
//! anything about mail or accounts.

use serde::{Deserialize, Serialize};

/// Light, dark, or whatever the desktop says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Appearance {
    pub theme: ThemeChoice,
    /// Every text and pane scaled by this (Ctrl + and Ctrl −), 1.0 as the desktop sets it.
    pub zoom: f32,
    /// The folder pane's width, in logical pixels at zoom 1.
    pub folders_width: f32,
    /// The message list's share of the width the folders leave (the reader has the rest).
    pub list_share: f32,
}

impl Default for Appearance {
    fn default() -> Self {
        Appearance {
            theme: ThemeChoice::System,
            zoom: 1.0,
            folders_width: 210.0,
            list_share: 0.4,
        }
    }
}

impl Appearance {
    /// The zoom steps Ctrl + and Ctrl − go through.
    pub const ZOOMS: [f32; 9] = [0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0];

    /// Values a hand-edited or damaged file may hold, brought back into range: a zoom from
    /// the steps, widths a pane can have.
    pub fn sane(self) -> Appearance {
        let default = Appearance::default();
        let zoom = if self.zoom.is_finite() {
            Self::ZOOMS
                .into_iter()
                .min_by(|a, b| (a - self.zoom).abs().total_cmp(&(b - self.zoom).abs()))
                .unwrap_or(1.0)
        } else {
            1.0
        };
        let within = |w: f32, min: f32, max: f32, default: f32| {
            if w.is_finite() {
                w.clamp(min, max)
            } else {
                default
            }
        };
        Appearance {
            theme: self.theme,
            zoom,
            folders_width: within(self.folders_width, 140.0, 400.0, default.folders_width),
            list_share: within(self.list_share, 0.2, 0.7, default.list_share),
        }
    }

    /// One zoom step up (`true`) or down, as far as the steps go.
    pub fn zoomed(self, up: bool) -> Appearance {
        let i = Self::ZOOMS
            .iter()
            .position(|z| (z - self.sane().zoom).abs() < f32::EPSILON)
            .unwrap_or(2);
        let i = if up {
            (i + 1).min(Self::ZOOMS.len() - 1)
        } else {
            i.saturating_sub(1)
        };
        Appearance {
            zoom: Self::ZOOMS[i],
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_values_come_back_into_range() {
        let a = Appearance {
            theme: ThemeChoice::Dark,
            zoom: f32::NAN,
            folders_width: -5.0,
            list_share: f32::INFINITY,
        }
        .sane();
        assert_eq!(a.zoom, 1.0);
        assert_eq!(a.folders_width, 140.0);
        assert_eq!(a.list_share, 0.4);
        assert_eq!(a.theme, ThemeChoice::Dark);
        assert_eq!(
            Appearance {
                zoom: 7.0,
                ..Appearance::default()
            }
            .sane()
            .zoom,
            2.0
        );
    }

    #[test]
    fn zoom_goes_by_steps_and_stops_at_the_ends() {
        let a = Appearance::default();
        assert_eq!(a.zoomed(true).zoom, 1.1);
        assert_eq!(a.zoomed(false).zoom, 0.9);
        let mut big = a;
        for _ in 0..20 {
            big = big.zoomed(true);
        }
        assert_eq!(big.zoom, 2.0);
        let mut small = a;
        for _ in 0..20 {
            small = small.zoomed(false);
        }
        assert_eq!(small.zoom, 0.8);
    }
}
