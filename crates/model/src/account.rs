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
    /// Remote content (images) of this account's mail: loaded when the user asks, for one
    /// message, through the proxy only (the default), or never.
    #[serde(default, skip_serializing_if = "RemoteContent::is_default")]
    pub remote_content: RemoteContent,
    /// Senders whose images load without asking — only when the user's own provider (one of
    /// `trusted_authserv_ids`) vouches for them with a DKIM or DMARC pass. Empty by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub always_load_from: Vec<String>,
    /// authserv-ids of the user's own provider: only Authentication-Results carrying one of
    /// these are believed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_authserv_ids: Vec<String>,
    /// Every connection of the account needs its proxy: with none set, nothing connects (a
    /// configured proxy is always a kill-switch; this also forbids having none).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub proxy_required: bool,
    /// Tor stream isolation: each purpose (IMAP, SMTP, each message's image load, the
    /// self-test) gives the SOCKS5 proxy its own username and password, so Tor puts it on its
    /// own circuit and exit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub isolate_streams: bool,
    /// Whether documents (PDF, office files) may be handed to a viewer, or only saved.
    #[serde(default, skip_serializing_if = "Documents::is_default")]
    pub documents: Documents,
    /// Desktop notifications of new mail.
    #[serde(default, skip_serializing_if = "Notifications::is_default")]
    pub notifications: Notifications,
    /// The folders whose new mail is notified (by name, as the server lists them); none: the
    /// Inbox only (the default). A folder not in it is muted: never notified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_folders: Option<Vec<String>>,
    /// Show what a message reveals before every send, not only the first from the account and
    /// when something new would be revealed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reveal_every_send: bool,
    pub imap: Server,
    pub smtp: Server,
}

impl Account {
    /// An account with the safe defaults for everything else: the password in the keychain, no
    /// proxy, Quietpost files sent mail, remote content only on request through a proxy, no
    /// sender loaded without asking, no authentication results believed, content-free
    /// notifications.
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
            remote_content: RemoteContent::OnRequest,
            always_load_from: Vec::new(),
            trusted_authserv_ids: Vec::new(),
            proxy_required: false,
            isolate_streams: false,
            documents: Documents::Open,
            notifications: Notifications::NewMail,
            notify_folders: None,
            reveal_every_send: false,
            imap,
            smtp,
        }
    }
}

impl Account {
    /// Whether new mail in `folder` is notified (the Inbox by default; "INBOX" in any case,
    /// RFC 3501 §5.1). A muted folder is not, whatever the notification setting.
    pub fn notifies(&self, folder: &str) -> bool {
        let same = |f: &String| f == folder || (is_inbox(f) && is_inbox(folder));
        match &self.notify_folders {
            None => is_inbox(folder),
            Some(list) => list.iter().any(same),
        }
    }

    /// The folders whose new mail is notified.
    pub fn notified_folders(&self) -> Vec<String> {
        self.notify_folders
            .clone()
            .unwrap_or_else(|| vec!["INBOX".to_owned()])
    }
}

fn is_inbox(name: &str) -> bool {
    name.eq_ignore_ascii_case("INBOX")
}

/// The remote content policy of an account (safety-rules §2). Nothing ever loads by itself
/// (but for senders on the always-load list, vouched for by the provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteContent {
    /// Nothing is ever loaded, even on request. `"blocked"` in files written before 0.3.
    #[serde(alias = "blocked")]
    Never,
    /// Loaded when the user asks, for that message, through the account's proxy only. The
    /// default.
    #[default]
    OnRequest,
}

impl RemoteContent {
    pub fn is_default(&self) -> bool {
        *self == RemoteContent::default()
    }
}

/// What may happen to a document attachment (PDF, office files: formats that can run code or
/// load remote content in their viewer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Documents {
    /// Opened in the system's viewer from a private copy (the default), or saved.
    #[default]
    Open,
    /// Saved only: never handed to a viewer by Quietpost.
    SaveOnly,
}

impl Documents {
    pub fn is_default(&self) -> bool {
        *self == Documents::default()
    }
}

/// Desktop notifications of new mail, through the desktop's notification service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Notifications {
    Off,
    /// "New mail in ACCOUNT", with neither sender nor subject: what a screen shows to anyone
    /// near it. The default.
    #[default]
    NewMail,
    /// With the sender and subject of the newest message.
    WithSender,
}

impl Notifications {
    pub fn is_default(&self) -> bool {
        *self == Notifications::default()
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
    /// Trust exactly the certificate with this SHA-256 (a pin typed or learnt before 0.3, or
    /// an administrator's certificate fingerprint): replaced by `pin_key_sha256` after the next
    /// connection that verifies with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_sha256: Option<crate::Fingerprint>,
    /// Trust exactly the server key whose SubjectPublicKeyInfo has this SHA-256: a renewed
    /// certificate with the same key still matches. Takes precedence over `pin_sha256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_key_sha256: Option<crate::Fingerprint>,
}

impl Server {
    /// A server trusted by the system's authorities: no CA file, no pin.
    pub fn new(host: &str, port: u16, security: Security) -> Server {
        Server {
            host: host.to_owned(),
            port,
            security,
            ca_file: None,
            pin_sha256: None,
            pin_key_sha256: None,
        }
    }
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
