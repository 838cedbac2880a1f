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

/// Something [`tighten`] made private again: its path and its mode before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tightened {
    pub path: PathBuf,
    pub was: u32,
    pub now: u32,
}

impl std::fmt::Display for Tightened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} could be read by other users of this computer (mode {:04o}); it is private again ({:04o})",
            self.path.display(),
            self.was,
            self.now
        )
    }
}

/// How many entries [`tighten`] looks at, at most (a start must stay quick).
const MAX_TIGHTEN_ENTRIES: usize = 10_000;

/// The cache's directory of large message bodies (`<cache file>-bodies`): thousands of files,
/// each created 0600 by Quietpost. [`tighten`] makes the directory itself private like any
/// other — 0700 keeps everyone else out of what is in it — without looking at each file, so a
/// start stays quick however large the mailbox.
fn is_body_store(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".sqlite3-bodies"))
}

/// Makes Quietpost's directories and files private again when something (a copy, an archive
/// tool, a wide umask, a chmod) left them open to group or others, as ssh does for its keys:
/// the group and other permission bits are removed, the owner's kept. Symbolic links are not
/// followed; missing directories are skipped. Returns what it changed, for the person to be
/// told once (after that there is nothing to change).
pub fn tighten(paths: &Paths) -> Result<Vec<Tightened>> {
    let mut changed = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mut seen = 0usize;
        let mut stack: Vec<PathBuf> = [&paths.config, &paths.data, &paths.cache]
            .into_iter()
            .cloned()
            .collect();
        while let Some(path) = stack.pop() {
            seen += 1;
            if seen > MAX_TIGHTEN_ENTRIES {
                break;
            }
            let io = |source| Error::Io {
                path: path.clone(),
                source,
            };
            let meta = match fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(e)),
            };
            if meta.file_type().is_symlink() {
                continue;
            }
            let mode = meta.mode() & 0o7777;
            if mode & 0o077 != 0 {
                let now = mode & 0o700;
                fs::set_permissions(&path, fs::Permissions::from_mode(now)).map_err(io)?;
                changed.push(Tightened {
                    path: path.clone(),
                    was: mode,
                    now,
                });
            }
            if meta.is_dir() && !is_body_store(&path) {
                for entry in fs::read_dir(&path).map_err(io)? {
                    stack.push(entry.map_err(io)?.path());
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = paths;
    Ok(changed)
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

/// Saves `contents` as a new file `dir/name` with mode 0600, never replacing anything: an
/// existing file (or a link) of that name is an `Exists` error. `name` must be a plain file
/// name (no folder, not `.` or `..`). Written under a temporary name and renamed without
/// replacing, so a crash or a full disk never leaves half a file under the real name.
pub fn save_new(dir: &Path, name: &str, contents: &[u8]) -> Result<PathBuf> {
    use std::io::Write;
    let path = dir.join(name);
    if Path::new(name).file_name() != Some(std::ffi::OsStr::new(name)) {
        return Err(Error::Io {
            path,
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
        });
    }
    if fs::symlink_metadata(&path).is_ok() {
        return Err(Error::FileExists(path));
    }
    let io = |p: &Path| {
        let p = p.to_owned();
        move |source| Error::Io { path: p, source }
    };
    // The file being written has a short name of its own: a name near the file system's
    // limit would not fit with a prefix and a suffix.
    let (tmp, mut f) = unused_name(
        |n| dir.join(format!(".quietpost-partial-{n}")),
        |tmp| {
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            options.mode(0o600);
            options.open(tmp)
        },
    )
    .map_err(|(p, e)| io(&p)(e))?;
    let written = f.write_all(contents).and_then(|()| f.sync_all());
    drop(f);
    if let Err(source) = written {
        let _ = fs::remove_file(&tmp);
        return Err(Error::Io { path: tmp, source });
    }
    // A hard link fails if the name was taken meanwhile, where a rename would replace it.
    let linked = fs::hard_link(&tmp, &path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::FileExists(path)),
        Err(source) => Err(Error::Io { path, source }),
    }
}

/// Gives a file written from a message the system's mark for files from the internet, so that
/// the programs honouring it take care (Office's Protected View, Gatekeeper, SmartScreen): the
/// `Zone.Identifier` stream on Windows, the `com.apple.quarantine` attribute on macOS (set with
/// the system's own `xattr` tool). Other systems have no such mark, and nothing is done there.
/// Best effort: on a file system without streams or attributes the file stays unmarked.
/// Untested: the Windows and macOS branches compile only there, written to their documentation.
pub fn mark_from_internet(path: &Path) {
    #[cfg(windows)]
    {
        let mut stream = path.as_os_str().to_owned();
        stream.push(":Zone.Identifier");
        let _ = fs::write(stream, "[ZoneTransfer]\r\nZoneId=3\r\n");
    }
    #[cfg(target_os = "macos")]
    {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let _ = std::process::Command::new("/usr/bin/xattr")
            .arg("-w")
            .arg("com.apple.quarantine")
            .arg(format!("0081;{now:08x};Quietpost;"))
            .arg(path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
    #[cfg(not(any(windows, target_os = "macos")))]
    let _ = path;
}

/// Creates `path(n)` with `create` for an unused `n` (the process id and a counter mixed with
/// the clock), never reusing what exists. Gives up after 100 names taken.
fn unused_name<T>(
    path: impl Fn(String) -> PathBuf,
    create: impl Fn(&Path) -> std::io::Result<T>,
) -> std::result::Result<(PathBuf, T), (PathBuf, std::io::Error)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = PathBuf::new();
    for attempt in 0u32..100 {
        let p = path(format!(
            "{}-{:08x}",
            std::process::id(),
            nanos.wrapping_add(attempt.wrapping_mul(0x9e37_79b9))
        ));
        match create(&p) {
            Ok(t) => return Ok((p, t)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = p,
            Err(e) => return Err((p, e)),
        }
    }
    Err((
        last,
        std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no unused name"),
    ))
}

/// Creates a new private directory (0700) under `parent` with an unused name, for handing one
/// file to another program. It never reuses an existing directory or follows a link.
pub fn private_temp_dir(parent: &Path) -> Result<PathBuf> {
    let created = unused_name(
        |n| parent.join(format!("quietpost-{n}")),
        |dir| {
            let mut builder = fs::DirBuilder::new();
            #[cfg(unix)]
            builder.mode(0o700);
            builder.create(dir)
        },
    );
    match created {
        Ok((dir, ())) => Ok(dir),
        Err((_, e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(Error::FileExists(parent.to_owned()))
        }
        Err((path, source)) => Err(Error::Io { path, source }),
    }
}

/// Makes sure `dir` exists, creating what is missing as private (0700) — and, unlike
/// [`private_dir`], never changing the permissions of a folder that exists (the person's
/// Downloads folder is theirs).
pub fn ensure_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir).map_err(|source| Error::Io {
        path: dir.to_owned(),
        source,
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[cfg(unix)]
    #[test]
    fn files_left_open_to_others_are_made_private_again() {
        let root = std::env::temp_dir().join(format!("qp-tighten-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let paths = Paths::profile(&root);
        write_private(&paths.config_file(), b"[accounts]").unwrap();
        private_dir(&paths.data).unwrap();
        fs::write(paths.data.join("mail.sqlite3"), b"x").unwrap();
        let bodies = paths.data.join("mail.sqlite3-bodies");
        fs::create_dir(&bodies).unwrap();
        fs::write(bodies.join("17"), b"x").unwrap();
        fs::set_permissions(&bodies, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(&paths.config, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(paths.config_file(), fs::Permissions::from_mode(0o644)).unwrap();
        fs::set_permissions(
            paths.data.join("mail.sqlite3"),
            fs::Permissions::from_mode(0o664),
        )
        .unwrap();
        let changed = tighten(&paths).unwrap();
        let modes = |p: &Path| fs::metadata(p).unwrap().mode() & 0o777;
        assert_eq!(modes(&paths.config), 0o700);
        assert_eq!(modes(&paths.config_file()), 0o600);
        assert_eq!(modes(&paths.data.join("mail.sqlite3")), 0o600);
        // The bodies' directory is closed; its many files are not each looked at.
        assert_eq!(modes(&bodies), 0o700);
        let mut said: Vec<(PathBuf, u32)> =
            changed.iter().map(|t| (t.path.clone(), t.was)).collect();
        said.sort();
        let mut expected = vec![
            (paths.config.clone(), 0o755),
            (paths.config_file(), 0o644),
            (paths.data.join("mail.sqlite3"), 0o664),
            (bodies.clone(), 0o755),
        ];
        expected.sort();
        assert_eq!(said, expected);
        assert!(
            changed[0]
                .to_string()
                .contains("could be read by other users")
        );
        // Said once: nothing is left to change.
        assert!(tighten(&paths).unwrap().is_empty());
        fs::remove_dir_all(&root).unwrap();
    }

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

    #[test]
    fn save_new_never_replaces_and_keeps_the_name() {
        let dir = private_temp_dir(&std::env::temp_dir()).unwrap();
        assert_eq!(fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
        let saved = save_new(&dir, "report.pdf", b"one").unwrap();
        assert_eq!(saved, dir.join("report.pdf"));
        assert_eq!(fs::metadata(&saved).unwrap().mode() & 0o777, 0o600);
        assert!(matches!(
            save_new(&dir, "report.pdf", b"two"),
            Err(Error::FileExists(_))
        ));
        assert_eq!(fs::read(&saved).unwrap(), b"one");
        std::os::unix::fs::symlink("/etc/passwd", dir.join("link")).unwrap();
        assert!(matches!(
            save_new(&dir, "link", b"x"),
            Err(Error::FileExists(_))
        ));
        for bad in ["../escape", "a/b", "..", "."] {
            assert!(save_new(&dir, bad, b"x").is_err(), "{bad}");
        }
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no partial file left: {names:?}");
        // The longest name a file system takes is saved as it is (the file being written has a
        // short name of its own).
        let long = format!("{}.pdf", "a".repeat(251));
        assert_eq!(save_new(&dir, &long, b"x").unwrap(), dir.join(&long));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_folder_of_the_users_keeps_its_permissions() {
        let base = private_temp_dir(&std::env::temp_dir()).unwrap();
        let downloads = base.join("Downloads");
        fs::create_dir(&downloads).unwrap();
        fs::set_permissions(&downloads, fs::Permissions::from_mode(0o755)).unwrap();
        ensure_dir(&downloads).unwrap();
        save_new(&downloads, "a.txt", b"x").unwrap();
        assert_eq!(fs::metadata(&downloads).unwrap().mode() & 0o777, 0o755);
        // One it creates is private.
        let new = base.join("new").join("folder");
        ensure_dir(&new).unwrap();
        assert_eq!(fs::metadata(&new).unwrap().mode() & 0o777, 0o700);
        fs::remove_dir_all(base).unwrap();
    }
}
