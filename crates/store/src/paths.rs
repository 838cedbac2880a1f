//! Where Quietpost keeps its files. Libraries never read HOME or XDG themselves: the app builds
//! a `Paths` once (from `--profile DIR` or the platform's directories) and passes it down.

use crate::error::{Error, Result};
use std::fs;
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config: PathBuf,
    pub data: PathBuf,
    pub cache: PathBuf,
}

impl Paths {
    /// Everything inside one directory: `DIR/config`, `DIR/data`, `DIR/cache`.
    pub fn profile(dir: &Path) -> Self {
        Paths {
            config: dir.join("config"),
            data: dir.join("data"),
            cache: dir.join("cache"),
        }
    }

    /// The platform's directories (XDG on Linux, Application Support on macOS, AppData on
    /// Windows).
    pub fn platform() -> Result<Self> {
        let dirs =
            directories::ProjectDirs::from("org", "Quietpost", "Quietpost").ok_or(Error::NoHome)?;
        Ok(Paths {
            config: dirs.config_dir().to_owned(),
            data: dirs.data_dir().to_owned(),
            cache: dirs.cache_dir().to_owned(),
        })
    }

    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }
}

/// Creates `dir` (and missing parents) with mode 0700, and tightens it to 0700 if it exists.
pub fn private_dir(dir: &Path) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_owned(),
        source,
    };
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir).map_err(io)?;
    #[cfg(unix)]
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io)?;
    Ok(())
}

/// Writes `contents` to `path` atomically with mode 0600: a new file beside it, synced, then
/// renamed over the old one. A crash leaves either the old or the new file, never half of one.
pub fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir)?;
    let tmp = path.with_extension("tmp");
    let io = |source| Error::Io {
        path: tmp.clone(),
        source,
    };
    let _ = fs::remove_file(&tmp);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut f = options.open(&tmp).map_err(io)?;
    f.write_all(contents).map_err(io)?;
    f.sync_all().map_err(io)?;
    fs::rename(&tmp, path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    // The rename is durable only once the directory is synced.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn private_files_and_dirs() {
        let base = std::env::temp_dir().join(format!("qp-paths-{}", std::process::id()));
        let paths = Paths::profile(&base);
        write_private(&paths.config_file(), b"x").unwrap();
        assert_eq!(fs::metadata(&paths.config).unwrap().mode() & 0o777, 0o700);
        assert_eq!(
            fs::metadata(paths.config_file()).unwrap().mode() & 0o777,
            0o600
        );
        write_private(&paths.config_file(), b"y").unwrap();
        assert_eq!(fs::read(paths.config_file()).unwrap(), b"y");
        fs::remove_dir_all(base).unwrap();
    }
}
