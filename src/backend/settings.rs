//! The settings pane's side effects: each one core function, the same `account set`,
//! `account check`, `account selftest` and `account remove` call.

use super::Error;
use quietpost_core::reading::blocking;
use quietpost_core::settings::{self, Edit};
use quietpost_core::{Paths, accounts, selftest};
use quietpost_model::{Account, Route, Secret};
use std::sync::Arc;

/// What went wrong in the settings pane (cheap to clone; the app words it).
#[derive(Debug, Clone)]
pub enum SettingsError {
    Save(Arc<settings::SaveError>),
    Account(Arc<accounts::Error>),
    Password(Arc<accounts::PasswordError>),
    Servers(Arc<accounts::PasswordError>),
    SelfTest(Arc<selftest::Error>),
}

impl From<SettingsError> for Error {
    fn from(e: SettingsError) -> Self {
        Error::Settings(e)
    }
}

fn account_error(e: accounts::Error) -> Error {
    SettingsError::Account(Arc::new(e)).into()
}

/// Both servers' passwords (keychain or command), off the window's thread.
async fn passwords(account: &Account) -> Result<(Secret, Secret), Error> {
    let asking = account.clone();
    blocking(move || {
        let imap = accounts::password_for(&asking, &asking.imap).map_err(account_error)?;
        let smtp = accounts::password_for(&asking, &asking.smtp).map_err(account_error)?;
        Ok((imap, smtp))
    })
    .await
}

/// Applies `edits` to account `name` and saves it: the account before and after.
pub async fn save(
    paths: Paths,
    name: String,
    edits: Vec<Edit>,
) -> Result<Arc<(Account, Account)>, Error> {
    blocking(move || {
        settings::save(&paths, &name, &edits)
            .map(Arc::new)
            .map_err(|e| SettingsError::Save(Arc::new(e)).into())
    })
    .await
}

/// Both servers' checks, with the account's own password (as `account check`); a
/// certificate pin that verified becomes a pin of its key (the account as saved after).
#[allow(clippy::type_complexity)]
pub async fn check(
    paths: Paths,
    account: Account,
) -> Result<Arc<(accounts::ServerCheck, accounts::ServerCheck, Account)>, Error> {
    let (imap, smtp) = passwords(&account).await?;
    let (i, s) = accounts::check(&account, &imap, &smtp)
        .await
        .map_err(account_error)?;
    let tls = |c: &accounts::ServerCheck| c.result.as_ref().ok().map(|c| c.tls.clone());
    let (ti, ts, name) = (tls(&i), tls(&s), account.name.clone());
    let saved = blocking(move || {
        accounts::learn_key_pins(&paths, &name, ti.as_ref(), ts.as_ref()).map_err(account_error)?;
        accounts::named(&paths, &name).map_err(|e| account_error(e.into()))
    })
    .await?;
    Ok(Arc::new((i, s, saved)))
}

/// Pins the key a server presents now, after the person compared it (a changed key).
pub async fn pin_key(
    paths: Paths,
    name: String,
    smtp: bool,
    key: quietpost_model::Fingerprint,
) -> Result<Account, Error> {
    blocking(move || accounts::pin_key(&paths, &name, smtp, key).map_err(account_error)).await
}

/// The account's IMAP server reached through `proxy` (a verified TLS handshake, no login).
pub async fn test_proxy(
    account: Account,
    proxy: Route,
) -> Result<Arc<accounts::ServerCheck>, Error> {
    accounts::test_proxy(&account, &proxy)
        .await
        .map(Arc::new)
        .map_err(account_error)
}

/// Other servers for the account, kept only once both accept its password (checked inside
/// TLS): the checks, and the account as saved.
#[allow(clippy::type_complexity)]
pub async fn change_servers(
    paths: Paths,
    name: String,
    imap: quietpost_model::Server,
    smtp: quietpost_model::Server,
) -> Result<Arc<(accounts::ServerCheck, accounts::ServerCheck, Account)>, Error> {
    let (i, s) = accounts::change_servers(&paths, &name, imap, smtp)
        .await
        .map_err(|e| SettingsError::Servers(Arc::new(e)))?;
    let saved =
        blocking(move || accounts::named(&paths, &name).map_err(|e| account_error(e.into())))
            .await?;
    Ok(Arc::new((i, s, saved)))
}

/// A new password, kept only once both servers accept it.
pub async fn change_password(paths: Paths, name: String, password: Secret) -> Result<(), Error> {
    accounts::change_password(&paths, &name, &password)
        .await
        .map(|_| ())
        .map_err(|e| SettingsError::Password(Arc::new(e)).into())
}

/// Removes the account: keychain entries, cached mail, its settings.
pub async fn remove(paths: Paths, name: String) -> Result<(), Error> {
    blocking(move || accounts::remove(&paths, &name).map_err(account_error)).await
}

/// The provider self-test; the authserv-id it finds is believed from then on. The report and
/// the account as saved.
pub async fn selftest(
    paths: Paths,
    account: Account,
) -> Result<Arc<(selftest::Report, Account)>, Error> {
    let (imap, smtp) = passwords(&account).await?;
    let report = selftest::run(&account, &imap, &smtp, std::time::Duration::from_secs(60))
        .await
        .map_err(|e| SettingsError::SelfTest(Arc::new(e)))?;
    let name = account.name.clone();
    let learnt = report.clone();
    let (saved, _) =
        blocking(move || selftest::learn(&paths, &name, &learnt).map_err(account_error)).await?;
    Ok(Arc::new((report, saved)))
}
