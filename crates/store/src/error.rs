use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot use {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The configuration does not parse; it is left exactly as it is.
    #[error("{path} line {line}: {message}")]
    Config {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A file Quietpost would create exists already; it is never replaced.
    #[error("{0} already exists")]
    FileExists(PathBuf),
    #[error("no home directory to keep Quietpost's files in; use --profile DIR")]
    NoHome,
    #[error("an account named {0} already exists")]
    Exists(String),
    #[error("no account named {0}")]
    NoAccount(String),
    /// No OS keychain could be reached (no Secret Service on this session, a locked or missing
    /// store). Nothing is ever written in its place.
    #[error("no keychain is available ({detail})")]
    NoKeychain { detail: String },
    #[error("the keychain refused ({detail})")]
    Keychain { detail: String },
    #[error("no password is stored for {0}")]
    NoPassword(String),
    /// The mail cache's database refused or failed (the SQLite error is kept: see
    /// [`Error::is_busy`]).
    #[error("the mail cache {path} failed: {source}")]
    Database {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The mail cache holds something it cannot use.
    #[error("the mail cache {path} failed: {detail}")]
    Cache { path: PathBuf, detail: String },
    #[error("no message with id {0} in the cache")]
    NoMessage(quietpost_model::MessageId),
    #[error("the password command failed: {0}")]
    PasswordCommand(String),
}

impl Error {
    pub fn is_no_keychain(&self) -> bool {
        matches!(self, Error::NoKeychain { .. })
    }

    /// The cache is busy (another connection holds its write lock past the wait): worth trying
    /// again, unlike a damaged or unreadable file.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            Error::Database {
                source: rusqlite::Error::SqliteFailure(e, _),
                ..
            } if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
        )
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: std::os::raw::c_int) -> Error {
        Error::Database {
            path: PathBuf::from("mail.sqlite3"),
            source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None),
        }
    }

    #[test]
    fn a_busy_cache_is_told_from_a_damaged_one() {
        assert!(sqlite(rusqlite::ffi::SQLITE_BUSY).is_busy());
        assert!(sqlite(rusqlite::ffi::SQLITE_LOCKED).is_busy());
        assert!(!sqlite(rusqlite::ffi::SQLITE_CORRUPT).is_busy());
        assert!(!sqlite(rusqlite::ffi::SQLITE_FULL).is_busy());
        // The SQLite error stays reachable as the source.
        assert!(std::error::Error::source(&sqlite(rusqlite::ffi::SQLITE_FULL)).is_some());
    }
}
