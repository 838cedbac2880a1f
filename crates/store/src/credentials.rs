//! Passwords: in the OS keychain (Secret Service on Linux/BSD, Keychain on macOS, Credential
//! Manager on Windows), or produced by a command the user chose. Never in a file, never in a
//! log, never in argv or the environment of Quietpost itself.
//!
//! The keychain calls block; from async code call them inside `spawn_blocking` (the stores'
//! own runtimes cannot start inside a tokio task — stack notes).

use crate::error::{Error, Result};
use keyring_core::{CredentialStore, Entry};
use quietpost_model::Secret;
use std::sync::Arc;

/// The keychain "service" under which every Quietpost credential is filed.
pub const SERVICE: &str = "quietpost";

/// What a password is bound to. A changed host or port is a different key: the old password is
/// never offered to a new server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialKey {
    pub account: String,
    pub user: String,
    pub host: String,
    pub port: u16,
}

impl CredentialKey {
    /// The keychain's "user" field: `account|user@host:port`.
    pub fn keychain_user(&self) -> String {
        format!(
            "{}|{}@{}:{}",
            self.account,
            self.user,
            self.host.to_ascii_lowercase(),
            self.port
        )
    }
}

/// A handle on the OS keychain.
#[derive(Clone)]
pub struct Keychain(Arc<CredentialStore>);

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keychain")
    }
}

impl Keychain {
    /// Opens the platform's keychain, or says plainly that there is none.
    pub fn open() -> Result<Keychain> {
        platform_store().map(Keychain)
    }

    /// A keychain over any store (tests use keyring-core's sample store).
    pub fn with_store(store: Arc<CredentialStore>) -> Keychain {
        Keychain(store)
    }

    fn entry(&self, key: &CredentialKey) -> Result<Entry> {
        Entry::new_in_store(&self.0, SERVICE, &key.keychain_user()).map_err(keychain_error)
    }

    pub fn save(&self, key: &CredentialKey, password: &Secret) -> Result<()> {
        let entry = self.entry(key)?;
        busy_retry(|| entry.set_password(password.expose())).map_err(keychain_error)
    }

    pub fn load(&self, key: &CredentialKey) -> Result<Secret> {
        let entry = self.entry(key)?;
        match busy_retry(|| entry.get_password()) {
            Ok(p) => Ok(Secret::new(p)),
            Err(keyring_core::Error::NoEntry) => Err(Error::NoPassword(key.keychain_user())),
            Err(e) => Err(keychain_error(e)),
        }
    }

    /// Removes the password; a missing one is not an error.
    pub fn delete(&self, key: &CredentialKey) -> Result<()> {
        let entry = self.entry(key)?;
        match busy_retry(|| entry.delete_credential()) {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        }
    }
}

/// A keychain that is there sometimes fails one call while it is busy (the Secret Service's
/// "result not returned from SS API" when several programs ask at once): the call is made
/// again, up to six times over about three seconds, before its failure is reported. Any other
/// answer (a password, none, a refusal) is returned at once.
fn busy_retry<T>(mut call: impl FnMut() -> keyring_core::Result<T>) -> keyring_core::Result<T> {
    let mut wait = std::time::Duration::from_millis(100);
    let mut attempt = 0;
    loop {
        match call() {
            Err(
                keyring_core::Error::NoStorageAccess(_) | keyring_core::Error::PlatformFailure(_),
            ) if attempt < 5 => {
                std::thread::sleep(wait);
                wait *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn keychain_error(e: keyring_core::Error) -> Error {
    match e {
        keyring_core::Error::NoStorageAccess(_) | keyring_core::Error::PlatformFailure(_) => {
            Error::NoKeychain {
                detail: e.to_string(),
            }
        }
        other => Error::Keychain {
            detail: other.to_string(),
        },
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd"
))]
fn platform_store() -> Result<Arc<CredentialStore>> {
    // Without a session bus there is no Secret Service: say so, do not guess.
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
        && std::env::var_os("XDG_RUNTIME_DIR").is_none()
    {
        return Err(Error::NoKeychain {
            detail: "no D-Bus session, so no Secret Service".into(),
        });
    }
    let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| Error::NoKeychain {
        detail: e.to_string(),
    })?;
    // Reaching the service is the only real test of it.
    let probe = Entry::new_in_store(
        &(store.clone() as Arc<CredentialStore>),
        SERVICE,
        "probe|availability",
    )
    .map_err(keychain_error)?;
    // A Secret Service that is there sometimes fails one call while it is busy: asked again
    // (busy_retry) before it is said to be missing.
    match busy_retry(|| probe.get_password()) {
        Ok(_) | Err(keyring_core::Error::NoEntry) => Ok(store),
        Err(e) => Err(Error::NoKeychain {
            detail: e.to_string(),
        }),
    }
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| Error::NoKeychain {
            detail: e.to_string(),
        })
}

#[cfg(windows)]
fn platform_store() -> Result<Arc<CredentialStore>> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| Error::NoKeychain {
            detail: e.to_string(),
        })
}

/// Runs the user's password command through the shell and takes the first line of its output.
/// The command's own output goes nowhere else; its error text is not repeated (it may echo the
/// secret).
pub fn run_password_command(command: &str) -> Result<Secret> {
    #[cfg(unix)]
    let output = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output();
    #[cfg(windows)]
    let output = std::process::Command::new("cmd")
        .arg("/C")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output();
    let output = output.map_err(|e| Error::PasswordCommand(format!("cannot run it ({e})")))?;
    if !output.status.success() {
        return Err(Error::PasswordCommand(format!(
            "it exited with {}",
            output.status
        )));
    }
    // The whole output is wiped when dropped, not only the line kept.
    let stdout = zeroize::Zeroizing::new(output.stdout);
    let text = std::str::from_utf8(&stdout)
        .map_err(|_| Error::PasswordCommand("its output is not UTF-8".into()))?;
    let first = text.lines().next().unwrap_or("");
    if first.is_empty() {
        return Err(Error::PasswordCommand("it printed nothing".into()));
    }
    Ok(Secret::new(first.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(host: &str) -> CredentialKey {
        CredentialKey {
            account: "work".into(),
            user: "alice".into(),
            host: host.into(),
            port: 993,
        }
    }

    #[test]
    fn passwords_are_bound_to_their_host() {
        let keychain = Keychain::with_store(keyring_core::sample::Store::new().unwrap());
        keychain
            .save(&key("imap.example.org"), &Secret::new("pw".into()))
            .unwrap();
        assert_eq!(
            keychain.load(&key("IMAP.example.org")).unwrap().expose(),
            "pw"
        );
        assert!(matches!(
            keychain.load(&key("imap.attacker.example")),
            Err(Error::NoPassword(_))
        ));
        keychain.delete(&key("imap.example.org")).unwrap();
        assert!(matches!(
            keychain.load(&key("imap.example.org")),
            Err(Error::NoPassword(_))
        ));
        keychain.delete(&key("imap.example.org")).unwrap();
    }

    #[test]
    fn password_commands() {
        assert_eq!(
            run_password_command("printf 'secret\\nsecond line'")
                .unwrap()
                .expose(),
            "secret"
        );
        assert!(matches!(
            run_password_command("exit 3"),
            Err(Error::PasswordCommand(_))
        ));
        assert!(matches!(
            run_password_command("true"),
            Err(Error::PasswordCommand(_))
        ));
    }
}
