//! Accounts: configuration → endpoints, passwords, and a check of both servers.

use quietpost_model::Secret;
use quietpost_net::{Endpoint, Route, Timeouts, TlsDetails, Trust, imap, smtp};
use quietpost_store::config::{self, Account, PasswordSource, Server};
use quietpost_store::credentials::{CredentialKey, Keychain, run_password_command};
use quietpost_store::paths::Paths;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid proxy {0:?}: expected socks5://HOST:PORT or http://HOST:PORT")]
    Proxy(String),
    #[error("invalid SHA-256 fingerprint {0:?}: expected 64 hex digits")]
    Pin(String),
    /// The account requires a proxy for every connection and has none: nothing connects.
    #[error("the account {0} connects only through a proxy, and none is set")]
    ProxyRequired(String),
    #[error(transparent)]
    Store(#[from] quietpost_store::Error),
    /// A task ended before it finished (the program is closing).
    #[error("the task was stopped before it finished")]
    Stopped,
}

/// Parses `socks5://HOST:PORT` or `http://HOST:PORT` (what a person typed; config.toml's are
/// parsed when it is read).
pub fn parse_proxy(s: &str) -> Result<Route, Error> {
    s.parse()
        .map_err(|e: quietpost_model::BadProxy| Error::Proxy(e.0))
}

fn trust(server: &Server) -> Result<Trust, Error> {
    Ok(
        match (&server.pin_key_sha256, &server.pin_sha256, &server.ca_file) {
            (Some(key), _, _) => Trust::PinnedKey(key.0),
            (None, Some(pin), _) => Trust::PinnedSha256(pin.0),
            (None, None, Some(ca)) => Trust::CaFile(ca.clone()),
            (None, None, None) => Trust::System,
        },
    )
}

/// After a connection that a certificate pin verified: the pin becomes a pin of that
/// certificate's key (so a renewal that keeps the key does not break it), in config.toml.
/// `imap` and `smtp` are what each server's verified handshake presented, when one was made.
/// Returns whether anything changed. Blocking.
pub fn learn_key_pins(
    paths: &Paths,
    name: &str,
    imap: Option<&TlsDetails>,
    smtp: Option<&TlsDetails>,
) -> Result<bool, Error> {
    let learnt = |s: &Server, tls: Option<&TlsDetails>| -> Option<quietpost_model::Fingerprint> {
        let (pin, tls) = (s.pin_sha256?, tls?);
        let pin = pin.to_string();
        if s.pin_key_sha256.is_some() || (tls.fingerprint_sha256 != pin && tls.key_sha256 != pin) {
            return None;
        }
        tls.key_sha256.parse().ok()
    };
    let account = named(paths, name)?;
    let (i, m) = (learnt(&account.imap, imap), learnt(&account.smtp, smtp));
    if i.is_none() && m.is_none() {
        return Ok(false);
    }
    update(paths, name, |a| {
        for (server, key) in [(&mut a.imap, i), (&mut a.smtp, m)] {
            if let Some(key) = key
                && server.pin_key_sha256.is_none()
            {
                server.pin_key_sha256 = Some(key);
                server.pin_sha256 = None;
            }
        }
    })?;
    tracing::info!(
        account = name,
        "certificate pin replaced by a pin of its key"
    );
    Ok(true)
}

/// Pins the key presented by one of the account's servers (`smtp`: the submission server),
/// after the person compared it: it replaces that server's certificate pin (and is trusted
/// before its CA file). Blocking.
pub fn pin_key(
    paths: &Paths,
    name: &str,
    smtp: bool,
    key: quietpost_model::Fingerprint,
) -> Result<Account, Error> {
    update(paths, name, |a| {
        let server = if smtp { &mut a.smtp } else { &mut a.imap };
        server.pin_key_sha256 = Some(key);
        server.pin_sha256 = None;
    })
}

/// The route every connection of the account takes: its proxy, or direct — unless the
/// account requires a proxy and has none, when nothing may connect.
pub fn route(account: &Account) -> Result<Route, Error> {
    match &account.proxy {
        Some(r) if *r != Route::Direct => Ok(r.clone()),
        _ if account.proxy_required => Err(Error::ProxyRequired(account.name.clone())),
        _ => Ok(Route::Direct),
    }
}

/// The endpoint for one of the account's servers (the submission server's credentials for
/// stream isolation when `server` is the account's SMTP server, the IMAP server's otherwise).
pub fn endpoint(account: &Account, server: &Server) -> Result<Endpoint, Error> {
    use crate::isolation::Purpose;
    let purpose = if *server == account.smtp && *server != account.imap {
        Purpose::Smtp
    } else {
        Purpose::Imap
    };
    endpoint_for(account, server, purpose)
}

/// The endpoint for one of the account's servers, for `purpose`.
pub fn endpoint_for(
    account: &Account,
    server: &Server,
    purpose: crate::isolation::Purpose,
) -> Result<Endpoint, Error> {
    let route = route(account)?;
    Ok(Endpoint {
        host: server.host.clone(),
        port: server.port,
        security: server.security,
        trust: trust(server)?,
        isolation: crate::isolation::credentials(account, &route, purpose),
        route,
    })
}

/// The keychain key for one of the account's servers.
pub fn credential_key(account: &Account, server: &Server) -> CredentialKey {
    CredentialKey {
        account: account.name.clone(),
        user: account.user.clone(),
        host: server.host.clone(),
        port: server.port,
    }
}

/// The password for one server of the account, from wherever the account says it lives.
/// Blocking (keychain or command): call it outside async code or in `spawn_blocking`.
pub fn password(
    account: &Account,
    server: &Server,
    keychain: Option<&Keychain>,
) -> Result<Secret, Error> {
    match &account.password {
        PasswordSource::Command { command } => Ok(run_password_command(command)?),
        PasswordSource::Keychain => {
            let keychain = match keychain {
                Some(k) => k.clone(),
                None => Keychain::open()?,
            };
            Ok(keychain.load(&credential_key(account, server))?)
        }
    }
}

/// The configured accounts, in config.toml's order.
pub fn load(paths: &Paths) -> Result<Vec<Account>, quietpost_store::Error> {
    Ok(config::Config::load(paths)?.accounts)
}

/// The configured account named `name`.
pub fn named(paths: &Paths, name: &str) -> Result<Account, quietpost_store::Error> {
    config::Config::load(paths)?.account(name).cloned()
}

/// The password for one of the account's servers, opening the keychain when the account keeps
/// it there. Blocking: call it outside async code or in `spawn_blocking`.
pub fn password_for(account: &Account, server: &Server) -> Result<Secret, Error> {
    password(account, server, None)
}

/// The keychain, when `account` keeps its password there: opened before anything is sent, so a
/// missing keychain stops an addition before a password crosses the network.
pub fn keychain_for(account: &Account) -> Result<Option<Keychain>, Error> {
    Ok(match account.password {
        PasswordSource::Keychain => Some(Keychain::open()?),
        PasswordSource::Command { .. } => None,
    })
}

/// Whether the system keychain can be used (for a form to say so before it is filled in).
/// Blocking.
pub fn check_keychain() -> Result<(), Error> {
    Keychain::open()?;
    Ok(())
}

/// The password a password command prints (its first line).
pub fn run_command(command: &str) -> Result<Secret, Error> {
    Ok(run_password_command(command)?)
}

/// Why an account was not added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// Nothing was sent: a setting is invalid, the keychain is missing, or the name is taken.
    #[error(transparent)]
    Before(Error),
    /// A server refused, or its certificate was not trusted: `check` (its result an error)
    /// says how; `smtp` says which server. For a certificate the person could pin after
    /// comparing ([`AddError::is_pinnable`]), `presented` is its fingerprint, when it could be
    /// learnt.
    #[error("the {} server was not verified", if *smtp { "SMTP" } else { "IMAP" })]
    Server {
        smtp: bool,
        check: Box<ServerCheck>,
        presented: Option<quietpost_model::Fingerprint>,
    },
    /// Both servers accepted, but saving failed (keychain or config.toml).
    #[error(transparent)]
    Saving(Error),
}

impl AddError {
    /// A certificate that was not trusted (not a changed pin): the one failure a person can get
    /// past, by pinning the certificate after comparing its fingerprint. Never "continue anyway".
    pub fn is_pinnable(&self) -> bool {
        matches!(self, AddError::Server { check, .. } if pinnable(check))
    }

    /// The server's error, when a server refused.
    pub fn net_error(&self) -> Option<&quietpost_net::Error> {
        match self {
            AddError::Server { check, .. } => check.result.as_ref().err(),
            _ => None,
        }
    }
}

fn pinnable(check: &ServerCheck) -> bool {
    matches!(
        &check.result,
        Err(quietpost_net::Error::Certificate { problem, .. })
            if !matches!(problem, quietpost_net::CertProblem::PinMismatch { .. })
    )
}

/// Adds an account, the one way for both faces: the keychain opened first (none: stop before
/// anything is sent), both servers checked with the password (only inside TLS), then the
/// password into the keychain and the account into config.toml. Returns the checks. An
/// account of the same name is never replaced.
pub async fn add(
    paths: &Paths,
    account: &Account,
    password: &Secret,
) -> Result<(ServerCheck, ServerCheck), AddError> {
    endpoint(account, &account.imap).map_err(AddError::Before)?;
    if load(paths)
        .map_err(|e| AddError::Before(e.into()))?
        .iter()
        .any(|a| a.name == account.name)
    {
        return Err(AddError::Before(
            quietpost_store::Error::Exists(account.name.clone()).into(),
        ));
    }
    let asking = account.clone();
    let keychain = tokio::task::spawn_blocking(move || keychain_for(&asking))
        .await
        .map_err(|_| AddError::Before(Error::Stopped))?
        .map_err(AddError::Before)?;
    let (imap, smtp) = check(account, password, password)
        .await
        .map_err(AddError::Before)?;
    if imap.result.is_err() || smtp.result.is_err() {
        let (is_smtp, failed) = if imap.result.is_err() {
            (false, imap)
        } else {
            (true, smtp)
        };
        let server = if is_smtp {
            &account.smtp
        } else {
            &account.imap
        };
        let presented = if pinnable(&failed) {
            presented_fingerprint(account, server).await
        } else {
            None
        };
        return Err(AddError::Server {
            smtp: is_smtp,
            check: Box::new(failed),
            presented,
        });
    }
    let (paths, saving, password) = (paths.clone(), account.clone(), password.clone());
    tokio::task::spawn_blocking(move || save_new(&paths, &saving, &password, keychain.as_ref()))
        .await
        .map_err(|_| AddError::Saving(Error::Stopped))?
        .map_err(AddError::Saving)?;
    Ok((imap, smtp))
}

/// Removes account `name`: its keychain entries, its cached mail and pending actions, then its
/// settings in config.toml. Blocking.
pub fn remove(paths: &Paths, name: &str) -> Result<(), Error> {
    let mut config = config::Config::load(paths)?;
    let account = config.account(name)?.clone();
    if let Some(keychain) = keychain_for(&account)? {
        for s in [&account.imap, &account.smtp] {
            keychain.delete(&credential_key(&account, s))?;
        }
    }
    if quietpost_store::cache::Cache::exists(paths) {
        quietpost_store::cache::Cache::open(paths)?.forget_account(name)?;
    }
    config.accounts.retain(|a| a.name != name);
    config.save(paths)?;
    Ok(())
}

/// Why a password or the servers were not changed (the old ones stay in every case).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The account's password comes from the person's own command: change it there.
    #[error("the password of {0} comes from its password command; change it there")]
    FromCommand(String),
    /// Nothing was sent: the keychain or the settings could not be read.
    #[error(transparent)]
    Before(Error),
    /// A server refused the new password (or could not be reached): the old one stays.
    #[error("the {} server did not accept it", if *smtp { "SMTP" } else { "IMAP" })]
    Server { smtp: bool, check: Box<ServerCheck> },
    /// Both servers accepted it, but the keychain could not store it.
    #[error(transparent)]
    Saving(Error),
}

/// Both checks, when both servers accepted; else the first that did not.
fn verified(
    (imap, smtp): (ServerCheck, ServerCheck),
) -> Result<(ServerCheck, ServerCheck), PasswordError> {
    if imap.result.is_err() {
        return Err(PasswordError::Server {
            smtp: false,
            check: Box::new(imap),
        });
    }
    if smtp.result.is_err() {
        return Err(PasswordError::Server {
            smtp: true,
            check: Box::new(smtp),
        });
    }
    Ok((imap, smtp))
}

/// Changes account `name`'s password in the keychain — only after both servers accept it (a
/// mistyped password never replaces a working one).
pub async fn change_password(
    paths: &Paths,
    name: &str,
    password: &Secret,
) -> Result<(ServerCheck, ServerCheck), PasswordError> {
    let account = named(paths, name).map_err(|e| PasswordError::Before(e.into()))?;
    if let PasswordSource::Command { .. } = account.password {
        return Err(PasswordError::FromCommand(account.name));
    }
    let asking = account.clone();
    let keychain = tokio::task::spawn_blocking(move || keychain_for(&asking))
        .await
        .map_err(|_| PasswordError::Before(Error::Stopped))?
        .map_err(PasswordError::Before)?;
    let (imap, smtp) = verified(
        check(&account, password, password)
            .await
            .map_err(PasswordError::Before)?,
    )?;
    let password = password.clone();
    tokio::task::spawn_blocking(move || -> Result<(), Error> {
        if let Some(keychain) = keychain {
            for s in [&account.imap, &account.smtp] {
                keychain.save(&credential_key(&account, s), &password)?;
            }
        }
        Ok(())
    })
    .await
    .map_err(|_| PasswordError::Saving(Error::Stopped))?
    .map_err(PasswordError::Saving)?;
    Ok((imap, smtp))
}

/// Connects through `proxy` to the account's IMAP server, up to a verified TLS handshake
/// (nothing is sent inside it: no login), for a settings page's *Test* of a proxy not saved
/// yet. The account's own trust settings decide whether the certificate is believed.
pub async fn test_proxy(account: &Account, proxy: &Route) -> Result<ServerCheck, Error> {
    let mut trying = account.clone();
    trying.proxy = Some(proxy.clone());
    let ep = endpoint(&trying, &trying.imap)?;
    let result = imap::connect(&ep, &Timeouts::default())
        .await
        .map(|c| Checked {
            tls: c.tls,
            capabilities: c.capabilities,
        });
    Ok(ServerCheck {
        endpoint: ep,
        result,
    })
}

/// Moves account `name` to other servers (host, port, TLS mode; each server's trust as it
/// is in `imap` and `smtp`): both are checked with the account's password first — sent only
/// inside TLS, to a server trusted as the account says — and only then is the change saved,
/// the keychain entries moved to the new servers' names. A server that fails leaves
/// everything as it was.
pub async fn change_servers(
    paths: &Paths,
    name: &str,
    imap: Server,
    smtp: Server,
) -> Result<(ServerCheck, ServerCheck), PasswordError> {
    let before = named(paths, name).map_err(|e| PasswordError::Before(e.into()))?;
    let mut after = before.clone();
    after.imap = imap;
    after.smtp = smtp;
    // A required proxy, a bad pin: refused before anything is sent.
    endpoint(&after, &after.imap).map_err(PasswordError::Before)?;
    let asking = before.clone();
    let (imap_password, smtp_password) = tokio::task::spawn_blocking(move || {
        Ok::<_, Error>((
            password_for(&asking, &asking.imap)?,
            password_for(&asking, &asking.smtp)?,
        ))
    })
    .await
    .map_err(|_| PasswordError::Before(Error::Stopped))?
    .map_err(PasswordError::Before)?;
    let (i, s) = verified(
        check(&after, &imap_password, &smtp_password)
            .await
            .map_err(PasswordError::Before)?,
    )?;
    let paths = paths.clone();
    tokio::task::spawn_blocking(move || -> Result<(), Error> {
        let keychain = keychain_for(&before)?;
        let moves = [
            (&before.imap, &after.imap, &imap_password),
            (&before.smtp, &after.smtp, &smtp_password),
        ]
        .map(|(old, new, password)| {
            (
                credential_key(&before, old),
                credential_key(&after, new),
                password,
            )
        });
        // The new entries first, then the settings, then the old entries go: a crash between
        // leaves a working account and, at worst, an entry too many.
        if let Some(k) = &keychain {
            for (old, new, password) in &moves {
                if old != new {
                    k.save(new, password)?;
                }
            }
        }
        let (imap, smtp) = (after.imap.clone(), after.smtp.clone());
        update(&paths, &after.name, |a| {
            a.imap = imap;
            a.smtp = smtp;
        })?;
        if let Some(k) = &keychain {
            for (old, new, _) in &moves {
                if old != new && !moves.iter().any(|(_, n, _)| n == old) {
                    k.delete(old)?;
                }
            }
        }
        Ok(())
    })
    .await
    .map_err(|_| PasswordError::Saving(Error::Stopped))?
    .map_err(PasswordError::Saving)?;
    Ok((i, s))
}

/// What checking one server found.
#[derive(Debug)]
pub struct ServerCheck {
    pub endpoint: Endpoint,
    pub result: Result<Checked, quietpost_net::Error>,
}

#[derive(Debug)]
pub struct Checked {
    pub tls: TlsDetails,
    /// IMAP capabilities after TLS; empty for SMTP.
    pub capabilities: Vec<String>,
}

/// Connects and logs in to the account's IMAP and SMTP servers (concurrently).
pub async fn check(
    account: &Account,
    imap_password: &Secret,
    smtp_password: &Secret,
) -> Result<(ServerCheck, ServerCheck), Error> {
    let imap_ep = endpoint(account, &account.imap)?;
    let smtp_ep = endpoint(account, &account.smtp)?;
    let t = Timeouts::default();
    let (i, s) = tokio::join!(
        async {
            let mut session = imap::login(&imap_ep, &account.user, imap_password, &t).await?;
            let _ = session.session.logout().await;
            Ok(Checked {
                tls: session.tls,
                capabilities: session.capabilities,
            })
        },
        async {
            let mut sub = smtp::login(&smtp_ep, &account.user, smtp_password, &t).await?;
            sub.quit().await;
            Ok(Checked {
                tls: sub.tls,
                capabilities: Vec::new(),
            })
        }
    );
    Ok((
        ServerCheck {
            endpoint: imap_ep,
            result: i,
        },
        ServerCheck {
            endpoint: smtp_ep,
            result: s,
        },
    ))
}

/// Changes the settings of account `name` in config.toml and returns them as saved (the file
/// is replaced atomically; a file that does not parse is left alone). The one way the command
/// line and the window change an account.
pub fn update(
    paths: &Paths,
    name: &str,
    change: impl FnOnce(&mut Account),
) -> Result<Account, Error> {
    let mut config = config::Config::load(paths)?;
    let account = config
        .accounts
        .iter_mut()
        .find(|a| a.name == name)
        .ok_or_else(|| quietpost_store::Error::NoAccount(name.to_owned()))?;
    change(account);
    let changed = account.clone();
    config.save(paths)?;
    Ok(changed)
}

/// Saves a checked account: its password in `keychain` for both servers (none when the
/// password comes from a command), then the account in config.toml. An account of the same
/// name is never replaced. Blocking (the keychain runs its own runtime): call it outside an
/// async task.
pub fn save_new(
    paths: &Paths,
    account: &Account,
    password: &Secret,
    keychain: Option<&Keychain>,
) -> Result<(), Error> {
    let mut config = config::Config::load(paths)?;
    if config.accounts.iter().any(|a| a.name == account.name) {
        return Err(quietpost_store::Error::Exists(account.name.clone()).into());
    }
    if let Some(keychain) = keychain {
        for s in [&account.imap, &account.smtp] {
            keychain.save(&credential_key(account, s), password)?;
        }
    }
    let mut account = account.clone();
    // Providers that put submitted mail in Sent themselves: a second copy would duplicate it.
    account.files_sent |= crate::autoconfig::provider_files_sent(&account.smtp.host);
    // A built-in provider's own authentication results are believed from the start.
    for id in crate::autoconfig::provider_authserv_ids(&account.imap.host) {
        if !account
            .trusted_authserv_ids
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&id))
        {
            account.trusted_authserv_ids.push(id);
        }
    }
    config.accounts.push(account);
    config.save(paths)?;
    Ok(())
}

/// The SHA-256 fingerprint of the certificate `server` presents, for a person to compare with
/// the one their administrator gives them before pinning it. Learnt by a handshake that
/// trusts no certificate and is abandoned once the certificate is seen
/// (`net::tls::danger_learn_certificate`): no credential is ever sent, and for STARTTLS
/// nothing but the greeting, CAPABILITY and STARTTLS precede it.
pub async fn presented_fingerprint(
    account: &Account,
    server: &Server,
) -> Option<quietpost_model::Fingerprint> {
    let ep = endpoint(account, server).ok()?;
    let t = Timeouts::default();
    if *server == account.smtp {
        smtp::danger_presented_fingerprint(&ep, &t).await.ok()
    } else {
        imap::danger_presented_fingerprint(&ep, &t).await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies() {
        assert_eq!(
            parse_proxy("socks5://127.0.0.1:9050").unwrap(),
            Route::Socks5 {
                host: "127.0.0.1".into(),
                port: 9050
            }
        );
        assert_eq!(
            parse_proxy("http://[::1]:8080").unwrap(),
            Route::HttpConnect {
                host: "::1".into(),
                port: 8080
            }
        );
        assert!(parse_proxy("socks4://x:1").is_err());
        assert!(parse_proxy("socks5://x").is_err());
    }
}
