//! The account configuration: `config.toml` in the config directory. It never holds a secret.
//!
//! ```toml
//! [[account]]
//! name = "work"
//! email = "alice@example.org"
//! user = "alice"
//! password = "keychain"                 # or { command = "pass show mail/alice" }
//! proxy = "socks5://127.0.0.1:9050"     # optional: a kill-switch, never bypassed
//! remote_content = "never"              # default "on-request": one message's images, when
//!                                       # asked, through the proxy ("blocked" = "never")
//! proxy_required = true                 # optional: with no proxy set, nothing connects
//! isolate_streams = true                # optional: Tor stream isolation per purpose
//! documents = "save-only"               # default "open"
//! notifications = "off"                 # default "new-mail"; or "with-sender"
//! reveal_every_send = true              # optional
//! always_load_from = ["news@shop.example"]  # only with a trusted DKIM/DMARC pass
//! trusted_authserv_ids = ["mx.example.org"] # your provider's Authentication-Results
//!
//! [account.imap]
//! host = "imap.example.org"
//! port = 993
//! security = "tls"                      # or "starttls" (required, never opportunistic)
//! ca_file = "/etc/ssl/my-ca.pem"        # optional
//! pin_sha256 = "AB:CD:..."              # optional
//!
//! [account.smtp]
//! host = "smtp.example.org"
//! port = 465
//! security = "tls"
//! ```

use crate::error::{Error, Result};
use crate::paths::{Paths, write_private};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, rename = "account")]
    pub accounts: Vec<Account>,
}

pub use quietpost_model::{Account, PasswordSource, RemoteContent, Security, Server};

impl Config {
    /// Loads the configuration; a missing file is an empty configuration. A file that does not
    /// parse is an error naming its line, and is left untouched.
    pub fn load(paths: &Paths) -> Result<Config> {
        let path = paths.config_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(Error::Io { path, source }),
        };
        parse(&path, &text)
    }

    /// Writes the configuration atomically, mode 0600, in a 0700 directory.
    pub fn save(&self, paths: &Paths) -> Result<()> {
        let text = toml::to_string_pretty(self).map_err(|e| Error::Config {
            path: paths.config_file(),
            line: 0,
            message: e.to_string(),
        })?;
        write_private(&paths.config_file(), text.as_bytes())
    }

    pub fn account(&self, name: &str) -> Result<&Account> {
        self.accounts
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| Error::NoAccount(name.to_owned()))
    }
}

fn parse(path: &Path, text: &str) -> Result<Config> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        Error::Config {
            path: path.to_owned(),
            line,
            message: e.message().trim().to_owned(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> Account {
        Account::new(
            "work",
            "alice@example.org",
            "alice",
            Server {
                host: "imap.example.org".into(),
                port: 993,
                security: Security::ImplicitTls,
                ca_file: None,
                pin_sha256: None,
                pin_key_sha256: None,
            },
            Server {
                host: "smtp.example.org".into(),
                port: 587,
                security: Security::StartTlsRequired,
                ca_file: None,
                pin_sha256: Some(quietpost_model::Fingerprint([0xAB; 32])),
                pin_key_sha256: None,
            },
        )
    }

    #[test]
    fn round_trip() {
        let mut c = Config {
            accounts: vec![account()],
        };
        c.accounts.push(Account {
            name: "home".into(),
            password: PasswordSource::Command {
                command: "pass show x".into(),
            },
            ..account()
        });
        let text = toml::to_string_pretty(&c).unwrap();
        assert_eq!(parse(Path::new("c.toml"), &text).unwrap(), c);
        assert!(text.contains("password = \"keychain\""), "{text}");
    }

    #[test]
    fn files_written_before_say_blocked_for_never() {
        let text = "[[account]]\nname = \"w\"\nemail = \"a@b\"\nuser = \"a\"\nremote_content = \"blocked\"\n[account.imap]\nhost = \"h\"\nport = 993\nsecurity = \"tls\"\n[account.smtp]\nhost = \"h\"\nport = 465\nsecurity = \"tls\"\n";
        let c = parse(Path::new("c.toml"), text).unwrap();
        assert_eq!(c.accounts[0].remote_content, RemoteContent::Never);
        let written = toml::to_string_pretty(&c).unwrap();
        assert!(written.contains("remote_content = \"never\""), "{written}");
        let default = parse(
            Path::new("c.toml"),
            &text.replace("remote_content = \"blocked\"\n", ""),
        )
        .unwrap();
        assert_eq!(default.accounts[0].remote_content, RemoteContent::OnRequest);
    }

    #[test]
    fn errors_name_the_line_and_field() {
        let text = "[[account]]\nname = \"w\"\nemail = \"a@b\"\nuser = \"a\"\n[account.imap]\nhost = \"h\"\nport = \"ninety\"\nsecurity = \"tls\"\n";
        match parse(Path::new("c.toml"), text) {
            Err(Error::Config { line, message, .. }) => {
                assert_eq!(line, 7, "{message}");
                assert!(
                    message.contains("u16") || message.contains("integer"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        match parse(Path::new("c.toml"), "[[account]]\nname = 1\n") {
            Err(Error::Config { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
    }

    /// A proxy is parsed with the file: a bad one is an error naming its line at load, not
    /// at the first connection; a good one is written back as it was.
    #[test]
    fn a_proxy_is_parsed_when_the_file_is_read() {
        let mut c = Config {
            accounts: vec![account()],
        };
        c.accounts[0].proxy = Some("socks5://127.0.0.1:9050".parse().unwrap());
        let text = toml::to_string_pretty(&c).unwrap();
        assert!(
            text.contains("proxy = \"socks5://127.0.0.1:9050\""),
            "{text}"
        );
        assert_eq!(parse(Path::new("c.toml"), &text).unwrap(), c);
        let bad = text.replace("socks5://127.0.0.1:9050", "socks4://127.0.0.1:9050");
        let line = bad
            .lines()
            .position(|l| l.starts_with("proxy"))
            .map(|i| i + 1)
            .unwrap();
        match parse(Path::new("c.toml"), &bad) {
            Err(Error::Config {
                line: at, message, ..
            }) => {
                assert_eq!(at, line, "{message}");
                assert!(message.contains("invalid proxy"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_malformed_file_is_never_overwritten() {
        let base = std::env::temp_dir().join(format!("qp-config-{}", std::process::id()));
        let paths = Paths::profile(&base);
        write_private(&paths.config_file(), b"[[account]\nbroken").unwrap();
        assert!(matches!(Config::load(&paths), Err(Error::Config { .. })));
        assert_eq!(
            std::fs::read(paths.config_file()).unwrap(),
            b"[[account]\nbroken"
        );
        std::fs::remove_dir_all(base).unwrap();
    }
}
