//! `window.toml`, beside config.toml: how the window looks as the person left it (theme, zoom,
//! pane widths). Nothing in it is about mail; it is never a reason not to start.

use crate::error::{Error, Result};
use crate::paths::{Paths, write_private};
pub use quietpost_model::appearance::{Appearance, ThemeChoice};

fn file(paths: &Paths) -> std::path::PathBuf {
    paths.config.join("window.toml")
}

/// The appearance last saved. A missing file is the defaults; so is one that does not parse
/// (it is only how the window looks: the next save replaces it). Values out of range are
/// brought back into it.
pub fn load(paths: &Paths) -> Appearance {
    std::fs::read_to_string(file(paths))
        .ok()
        .and_then(|text| toml::from_str::<Appearance>(&text).ok())
        .unwrap_or_default()
        .sane()
}

/// Saves the appearance atomically (mode 0600, as every file of Quietpost's).
pub fn save(paths: &Paths, appearance: &Appearance) -> Result<()> {
    let text = toml::to_string_pretty(&appearance.sane()).map_err(|e| Error::Config {
        path: file(paths),
        line: 0,
        message: e.to_string(),
    })?;
    write_private(&file(paths), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_is_loaded_and_damage_gives_the_defaults() {
        let dir = std::env::temp_dir().join(format!("qp-appearance-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let paths = Paths::profile(&dir);
        assert_eq!(load(&paths), Appearance::default());
        let a = Appearance {
            theme: ThemeChoice::Dark,
            zoom: 1.25,
            folders_width: 180.0,
            list_share: 0.5,
        };
        save(&paths, &a).unwrap();
        assert_eq!(load(&paths), a);
        std::fs::write(file(&paths), "zoom = \"huge\"\n[[").unwrap();
        assert_eq!(load(&paths), Appearance::default());
        // A file with only some fields keeps the rest at their defaults.
        std::fs::write(file(&paths), "theme = \"light\"\n").unwrap();
        assert_eq!(
            load(&paths),
            Appearance {
                theme: ThemeChoice::Light,
                ..Appearance::default()
            }
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
