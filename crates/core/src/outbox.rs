//! Sending: a built message goes into the outbox first (`queue`), then `submit` hands it to
//! the account's submission server over strict TLS and files a copy in Sent.
//!
//! The outbox records the step that matters for "never lost, never silently twice": the state
//! becomes `Sending` only once MAIL, RCPT and DATA were accepted, right before the message body
//! goes out. Anything that fails before that point was not sent and is retried; a failure after
//! it (a connection lost before the server's 250) leaves the message `Unknown`, for the user to
//! decide, because the server may have accepted it.

use crate::accounts;
use crate::compose::Built;
use crate::time::now;
use quietpost_model::Secret;
use quietpost_net::{Timeouts, smtp};
use quietpost_store::cache::{Cache, OutboxState, Role, SendLock};
use quietpost_store::config::Account;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Account(#[from] accounts::Error),
    #[error(transparent)]
    Store(#[from] quietpost_store::Error),
    #[error(transparent)]
    Net(#[from] quietpost_net::Error),
    /// The server refused the message; retrying later may work (4xx, connection trouble).
    #[error("not sent, will retry: {0}")]
    Deferred(String),
    /// The server refused for good (5xx): a recipient or the message must change.
    #[error("refused by the server: {0}")]
    Refused(String),
    /// The connection ended after the message went out but before the server confirmed it.
    #[error("the server may or may not have accepted the message: {0}")]
    Unknown(String),
    #[error("outbox message {0} is {1}, not waiting to be sent")]
    NotQueued(i64, &'static str),
    #[error("no message {0} in the outbox")]
    NoSuchMessage(i64),
    #[error("the server has no {0} folder")]
    NoFolder(&'static str),
    /// The message could not be built (an address that is not one, no recipient).
    #[error("the message cannot be built: {0}")]
    Build(#[from] crate::compose::Error),
}

/// Puts a built message into the outbox, before any network step.
pub fn queue(cache: &mut Cache, account: &Account, built: &Built) -> Result<i64, Error> {
    Ok(cache.queue(
        &account.name,
        &built.message_id,
        &built.raw,
        &built.envelope_from,
        &built.recipients,
    )?)
}

/// Retry delays after the nth failed attempt: 1, 5, 15, 60 minutes, then hourly.
fn backoff(attempts: u32) -> i64 {
    [60, 300, 900, 3600]
        .get(attempts.saturating_sub(1) as usize)
        .copied()
        .unwrap_or(3600)
}

/// Submits outbox message `id` (see the module documentation), then files it in Sent. The
/// caller holds the send lock, from before the state is read until the outcome is recorded.
pub async fn submit(
    cache: &mut Cache,
    _sender: &SendLock,
    account: &Account,
    smtp_password: &Secret,
    imap_password: &Secret,
    id: i64,
    timeouts: Timeouts,
) -> Result<(), Error> {
    let msg = cache.outgoing(id)?.ok_or(Error::NoSuchMessage(id))?;
    match msg.state {
        OutboxState::Queued => {}
        OutboxState::Sent => {
            return file_in_sent(cache, account, imap_password, id, timeouts).await;
        }
        other => return Err(Error::NotQueued(id, other.as_str())),
    }
    let ep = accounts::endpoint(account, &account.smtp)?;
    let defer = |cache: &mut Cache, reason: String, attempts: u32| -> Result<(), Error> {
        cache.retry_at(id, &reason, now() + backoff(attempts + 1))?;
        Err(Error::Deferred(reason))
    };
    let mut sub = match smtp::login(&ep, &account.user, smtp_password, &timeouts).await {
        Ok(s) => s,
        Err(e) if e.is_security_failure() || e.is_auth_failure() => {
            // Nothing was sent; waiting will not fix it.
            cache.failed(id, &e.to_string())?;
            return Err(e.into());
        }
        Err(e) => {
            // Not connected: nothing was sent. Kept, with the reason, for a later attempt.
            cache.retry_at(id, &e.to_string(), now() + backoff(msg.attempts + 1))?;
            return Err(e.into());
        }
    };
    if let Err(smtp::Refused { permanent, reason }) =
        sub.envelope(&msg.envelope_from, &msg.recipients).await
    {
        sub.quit().await;
        if permanent {
            cache.failed(id, &reason)?;
            return Err(Error::Refused(reason));
        }
        return defer(cache, reason, msg.attempts);
    }
    // From here on, the server may have the message.
    cache.sending(id)?;
    match sub.message(&msg.raw).await {
        Ok(()) => {
            cache.sent(id)?;
            sub.quit().await;
        }
        Err(smtp::NotDelivered::Refused(reason)) => {
            // An explicit refusal of the message: it was not accepted.
            cache.failed(id, &reason)?;
            return Err(Error::Refused(reason));
        }
        Err(smtp::NotDelivered::Unknown(reason)) => {
            cache.unknown(id, &reason)?;
            return Err(Error::Unknown(reason));
        }
    }
    file_in_sent(cache, account, imap_password, id, timeouts).await
}

/// When the outbox of `account` next has something to do: the earliest retry time of a
/// waiting message (now, for one never tried or waiting to be filed in Sent). `None`: nothing.
pub fn next_due(cache: &Cache, account: &Account) -> Result<Option<i64>, Error> {
    Ok(cache
        .outbox(Some(&account.name))?
        .iter()
        .filter_map(|m| match m.state {
            OutboxState::Queued => Some(m.next_attempt.unwrap_or(0)),
            OutboxState::Sent => Some(0),
            _ => None,
        })
        .min())
}

/// Sends what is due in the outbox of `account` (see [`next_due`]) and files sent messages in
/// Sent. Messages whose outcome is unknown or that were refused are left for the user. When
/// another process is submitting, nothing is done now. Returns each attempt's outcome.
pub async fn send_due(
    cache: &mut Cache,
    account: &Account,
    smtp_password: &Secret,
    imap_password: &Secret,
    timeouts: Timeouts,
) -> Result<Vec<(i64, Result<(), Error>)>, Error> {
    let Some(lock) = cache.try_send_lock()? else {
        return Ok(Vec::new());
    };
    cache.recover_outbox(&lock)?;
    let due: Vec<i64> = cache
        .outbox(Some(&account.name))?
        .iter()
        .filter(|m| match m.state {
            OutboxState::Queued => m.next_attempt.is_none_or(|t| t <= now()),
            OutboxState::Sent => true,
            _ => false,
        })
        .map(|m| m.id)
        .collect();
    let mut outcomes = Vec::new();
    for id in due {
        let r = submit(
            cache,
            &lock,
            account,
            smtp_password,
            imap_password,
            id,
            timeouts,
        )
        .await;
        let offline = matches!(&r, Err(Error::Net(_)));
        outcomes.push((id, r));
        if offline {
            // The server cannot be reached: the others wait for their own retry time.
            break;
        }
    }
    Ok(outcomes)
}

/// Appends the sent message to the account's Sent folder (found by its SPECIAL-USE role, or
/// its usual name), then it leaves the outbox. For providers that file sent mail themselves
/// (`files_sent` in the account), or when the server has no Sent folder, it just leaves.
/// If filing fails, the message stays `Sent` in the outbox and filing is tried again later;
/// it is never sent again.
async fn file_in_sent(
    cache: &mut Cache,
    account: &Account,
    imap_password: &Secret,
    id: i64,
    timeouts: Timeouts,
) -> Result<(), Error> {
    let msg = cache.outgoing(id)?.ok_or(Error::NoSuchMessage(id))?;
    if !account.files_sent {
        append_to(
            account,
            imap_password,
            Role::Sent,
            "(\\Seen)",
            &msg.raw,
            timeouts,
        )
        .await?;
    }
    cache.remove_outgoing(id)?;
    Ok(())
}

/// Saves a draft (built with [`crate::compose::build_draft`]) in the account's Drafts folder.
/// Nothing is sent. Returns the folder's name.
pub async fn save_draft(
    account: &Account,
    imap_password: &Secret,
    raw: &[u8],
    timeouts: Timeouts,
) -> Result<String, Error> {
    append_to(
        account,
        imap_password,
        Role::Drafts,
        "(\\Draft \\Seen)",
        raw,
        timeouts,
    )
    .await?
    .ok_or(Error::NoFolder("Drafts"))
}

/// Appends `raw` to the folder with `role`; `None` when the server has no such folder.
async fn append_to(
    account: &Account,
    imap_password: &Secret,
    role: Role,
    flags: &str,
    raw: &[u8],
    timeouts: Timeouts,
) -> Result<Option<String>, Error> {
    let mut mail = crate::sync::connect(account, imap_password, timeouts)
        .await
        .map_err(|e| match e {
            crate::sync::Error::Net(n) => Error::Net(n),
            crate::sync::Error::Account(a) => Error::Account(a),
            crate::sync::Error::Store(s) => Error::Store(s),
            other => Error::Deferred(other.to_string()),
        })?;
    let listed = mail.folders().await?;
    let roles = crate::sync::roles(&listed);
    let folder = listed
        .iter()
        .zip(roles)
        .find(|(_, r)| *r == Some(role))
        .map(|(l, _)| l.name.clone());
    if let Some(folder) = &folder {
        mail.append(folder, flags, raw).await?;
    }
    mail.logout().await;
    Ok(folder)
}
