//! Where Quietpost keeps its files: `--profile DIR` (config, data and cache in one directory) or
//! the platform's directories, with their permissions tightened at start.

use crate::StoreError;
use quietpost_store::paths::{self, Paths, Tightened};
use std::path::Path;

/// The profile in `dir`, or the platform's directories when none is given. Directories and
/// files found readable by others are made private (0700/0600) before anything else happens;
/// what was changed is returned so a face can say so.
pub fn open(dir: Option<&Path>) -> Result<(Paths, Vec<Tightened>), StoreError> {
    let paths = match dir {
        Some(dir) => Paths::profile(dir),
        None => Paths::platform()?,
    };
    let tightened = paths::tighten(&paths)?;
    Ok((paths, tightened))
}
