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
    /// The mail cache could not be read or written.
    #[error("the mail cache {path} failed: {detail}")]
    Cache { path: PathBuf, detail: String },
    #[error("no message with id {0} in the cache")]
    NoMessage(i64),
    #[error("the password command failed: {0}")]
    PasswordCommand(String),
}

impl Error {
    pub fn is_no_keychain(&self) -> bool {
        matches!(self, Error::NoKeychain { .. })
    }
}

pub type Result<T> = std::result::Result<T, Error>;
