//! How the window looks, remembered between runs (theme, zoom, pane widths): store's
//! `window.toml`, through the one door.

use quietpost_model::Appearance;
use quietpost_store::paths::Paths;

/// The appearance last saved (the defaults when there is none, or it is damaged).
pub fn load(paths: &Paths) -> Appearance {
    quietpost_store::appearance::load(paths)
}

/// Remembers the appearance for the next start.
pub fn save(paths: &Paths, appearance: &Appearance) -> Result<(), quietpost_store::Error> {
    quietpost_store::appearance::save(paths, appearance)
}
