//! An account's settings as config.toml spells them (the store reads and writes the file):
//! who, which servers and how they are trusted, the route, the remote-content policy. Routes
//! and pins are parsed values: a bad one is an error when the file is read, naming its line.

use crate::Security;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub name: String,
    pub email: String,
    pub user: String,
    /// The name shown beside the address in From ("Alice Example"); none: the bare address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Text added below what the person writes in a new message, reply or forward, after the
    /// "-- " line (RFC 3676 §4.3); none: no signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(default)]
    pub password: PasswordSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<crate::Route>,
    /// The provider files sent mail in Sent by itself (Gmail does): Quietpost does not append
    /// a second copy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub files_sent: bool,
    /// Remote content (images) of this account's mail: blocked (the default), or loaded when
    /// the user asks, through the proxy only.
    #[serde(default, skip_serializing_if = "RemoteContent::is_blocked")]
    pub remote_content: RemoteContent,
    /// Senders whose images load without asking — only when the user's own provider (one of
    /// `trusted_authserv_ids`) vouches for them with a DKIM or DMARC pass. Empty by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub always_load_from: Vec<String>,
    /// authserv-ids of the user's own provider: only Authentication-Results carrying one of
    /// these are believed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_authserv_ids: Vec<String>,
    pub imap: Server,
    pub smtp: Server,
}

impl Account {
    /// An account with the safe defaults for everything else: the password in the keychain, no
    /// proxy, Quietpost files sent mail, remote content blocked, no sender loaded without
    /// asking, no authentication results believed.
    pub fn new(name: &str, email: &str, user: &str, imap: Server, smtp: Server) -> Account {
        Account {
            name: name.to_owned(),
            email: email.to_owned(),
            user: user.to_owned(),
            display_name: None,
            signature: None,
            password: PasswordSource::Keychain,
            proxy: None,
            files_sent: false,
            remote_content: RemoteContent::Blocked,
            always_load_from: Vec::new(),
            trusted_authserv_ids: Vec::new(),
            imap,
            smtp,
        }
    }
}

/// The remote content policy of an account (safety-rules §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteContent {
    /// Nothing is ever loaded, even on request.
    #[default]
    Blocked,
    /// Loaded when the user asks, for that message, through the account's proxy only.
    OnRequest,
}

impl RemoteContent {
    pub fn is_blocked(&self) -> bool {
        *self == RemoteContent::Blocked
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_sha256: Option<crate::Fingerprint>,
}

/// Where the password comes from. Never the configuration file itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PasswordSource {
    /// The OS keychain (the default): `password = "keychain"`.
    #[default]
    Keychain,
    /// A command the user chose, e.g. `pass show mail/alice`; its first output line:
    /// `password = { command = "..." }`.
    Command { command: String },
}

/// The two spellings in TOML.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum PasswordToml {
    Word(String),
    Command { command: String },
}

impl Serialize for PasswordSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            PasswordSource::Keychain => PasswordToml::Word("keychain".into()),
            PasswordSource::Command { command } => PasswordToml::Command {
                command: command.clone(),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for PasswordSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match PasswordToml::deserialize(d)? {
            PasswordToml::Word(w) if w == "keychain" => Ok(PasswordSource::Keychain),
            PasswordToml::Word(w) => Err(serde::de::Error::custom(format!(
                "password must be \"keychain\" or {{ command = \"...\" }}, not {w:?}"
            ))),
            PasswordToml::Command { command } => Ok(PasswordSource::Command { command }),
        }
    }
}
