//! The local mailbox, as the command line and the window hold it: one open connection to the
//! cache, and every user operation on it as a method (list, search, read, act, folders, the
//! ledger, a sync pass, the outbox). The faces never open the cache or call the store
//! themselves: what they can do to local mail is what this type offers.

mod writing;

use crate::compose::Built;
use crate::{StoreError, folders, outbox, remote, sync};
use quietpost_model::{
    Account, Action, LedgerEntry, ListQuery, MessageId, MessageRow, OutboxState, Outgoing,
    SafeMessage, Secret,
};
use quietpost_net::Timeouts;
use quietpost_store::cache::{Cache, SendLock};
use quietpost_store::paths::Paths;
use std::path::{Path, PathBuf};

/// An open local mailbox (the cache). Not shared between threads: each task opens its own.
#[derive(Debug)]
pub struct Mailbox {
    cache: Cache,
}

/// Proof that this process is the one sending from the outbox: other processes wait for it.
/// Dropping it lets them go on.
#[derive(Debug)]
pub struct Sending(SendLock);

impl Mailbox {
    /// The profile's mailbox, created (0600 in a 0700 directory) when there is none.
    pub fn open(paths: &Paths) -> Result<Mailbox, StoreError> {
        Ok(Mailbox {
            cache: Cache::open(paths)?,
        })
    }

    /// The mailbox in `file` (the demo has one of its own).
    pub fn open_file(file: &Path) -> Result<Mailbox, StoreError> {
        Ok(Mailbox {
            cache: Cache::open_file(file)?,
        })
    }

    /// Where the profile's mailbox lives (what the engine and the window's tasks open).
    pub fn file(paths: &Paths) -> PathBuf {
        Cache::file(paths)
    }

    /// The newest messages matching `query`, newest first.
    pub fn list(&self, query: &ListQuery) -> Result<Vec<MessageRow>, StoreError> {
        self.cache.list(query)
    }

    /// The messages matching the words (of one account, or all), newest first.
    pub fn search(
        &self,
        words: &str,
        account: Option<&str>,
        limit: usize,
    ) -> Result<Vec<MessageRow>, StoreError> {
        self.cache.search(words, account, limit)
    }

    /// One cached message, if it is still there.
    pub fn message(&self, id: MessageId) -> Result<Option<MessageRow>, StoreError> {
        self.cache.message(id)
    }

    /// The message's bytes: cached, or downloaded now (and cached). Does not mark it read.
    pub async fn raw(&mut self, account: &Account, id: MessageId) -> sync::Result<Vec<u8>> {
        sync::raw_message(&mut self.cache, account, id).await
    }

    /// A draft of `account`'s Drafts folder, to go on writing or to send: as it was saved,
    /// sent as the account's identity. [`sync::Error::NotADraft`] for any other message.
    pub async fn resume_draft(
        &mut self,
        account: &Account,
        id: MessageId,
    ) -> sync::Result<crate::compose::resume::Resumed> {
        let row = self
            .cache
            .message(id)?
            .ok_or(quietpost_store::Error::NoMessage(id))?;
        let in_drafts = self
            .folders(std::slice::from_ref(&row.account))?
            .iter()
            .any(|f| f.name == row.folder && f.role == Some(quietpost_model::Role::Drafts));
        if row.account != account.name || !in_drafts {
            return Err(sync::Error::NotADraft);
        }
        let raw = self.raw(account, id).await?;
        let options = quietpost_render::Options::default();
        let quoted = quietpost_render::quote(&raw, &options);
        Ok(crate::compose::resume::resume(
            &raw,
            &quoted,
            &crate::compose::identity(account),
            &options.limits,
        ))
    }

    /// Takes an action: in the mailbox at once, on the server at the next sync. `None` when
    /// there was nothing to do.
    pub fn act(&mut self, id: MessageId, verb: &sync::Verb) -> sync::Result<Option<Action>> {
        sync::act(&mut self.cache, id, verb)
    }

    /// As [`Mailbox::act`], with the way to take the action back while the server has not
    /// been sent it.
    pub fn act_undoable(
        &mut self,
        id: MessageId,
        verb: &sync::Verb,
    ) -> sync::Result<Option<(Action, sync::Undo)>> {
        sync::act_undoable(&mut self.cache, id, verb)
    }

    /// Takes back an action; `false` when it is too late (the server already has it).
    pub fn undo(&mut self, undo: sync::Undo) -> sync::Result<bool> {
        sync::undo(&mut self.cache, undo)
    }

    /// The folders of `accounts` (in that order) as people see them, with their counts.
    pub fn folders(&self, accounts: &[String]) -> Result<Vec<folders::Folder>, StoreError> {
        folders::list(&self.cache, accounts)
    }

    /// The server's name of the folder a person typed (as the server names it, or decoded).
    pub fn find_folder(&self, account: &str, typed: &str) -> Result<Option<String>, StoreError> {
        folders::find(&self.cache, account, typed)
    }

    /// Every remote reference of message `id` and what happened to it.
    pub fn ledger(
        &self,
        id: MessageId,
        message: &SafeMessage,
    ) -> Result<Vec<LedgerEntry>, remote::Error> {
        remote::ledger(&self.cache, id, message)
    }

    /// Records what a load through the proxy did, for the ledger.
    pub fn record(&mut self, id: MessageId, loaded: &remote::Loaded) -> Result<(), remote::Error> {
        remote::record(&mut self.cache, id, loaded)
    }

    /// One sync pass of `account` over the connection `mail`.
    pub async fn sync_account(
        &mut self,
        mail: &mut sync::Mail,
        account: &Account,
        options: &sync::SyncOptions,
        progress: &mut (dyn FnMut(sync::Update) + Send),
    ) -> sync::Result<sync::Report> {
        sync::sync_account(mail, &mut self.cache, account, options, progress).await
    }

    /// Removes an account's cached mail and pending actions.
    pub fn forget_account(&mut self, account: &str) -> Result<(), StoreError> {
        self.cache.forget_account(account)
    }

    pub(crate) fn cache(&self) -> &Cache {
        &self.cache
    }

    pub(crate) fn cache_mut(&mut self) -> &mut Cache {
        &mut self.cache
    }

    // The outbox.

    /// What waits in the outbox (of one account, or all).
    pub fn outbox(&self, account: Option<&str>) -> Result<Vec<Outgoing>, StoreError> {
        self.cache.outbox(account)
    }

    /// Settles what a process that died while sending left behind, unless another process is
    /// sending right now (then its state is its own).
    pub fn settle_outbox(&mut self) -> Result<(), StoreError> {
        if let Some(lock) = self.cache.try_send_lock()? {
            self.cache.recover_outbox(&lock)?;
        }
        Ok(())
    }

    /// Becomes the one process sending: at once, or after `waiting` is called and the other
    /// process finishes. What a dead sender left behind is settled first.
    pub fn start_sending(&mut self, waiting: impl FnOnce()) -> Result<Sending, StoreError> {
        let lock = match self.cache.try_send_lock()? {
            Some(lock) => lock,
            None => {
                waiting();
                self.cache.send_lock()?
            }
        };
        self.cache.recover_outbox(&lock)?;
        Ok(Sending(lock))
    }

    /// Puts a built message into the outbox, before any network step. Returns its id.
    pub fn queue(&mut self, account: &Account, built: &Built) -> Result<i64, outbox::Error> {
        outbox::queue(&mut self.cache, account, built)
    }

    /// Sends outbox message `id` (the outbox's own number, not a [`MessageId`]) and files it in Sent (unless the provider does).
    pub async fn submit(
        &mut self,
        sending: &Sending,
        account: &Account,
        passwords: (&Secret, &Secret),
        id: i64,
        timeouts: Timeouts,
    ) -> Result<(), outbox::Error> {
        let (smtp, imap) = passwords;
        outbox::submit(
            &mut self.cache,
            &sending.0,
            account,
            smtp,
            imap,
            id,
            timeouts,
        )
        .await
    }

    /// Makes a message that failed, or may have been sent, wait to be sent again (the person
    /// asked for it). Returns the account it belongs to.
    pub fn retry(&mut self, _sending: &Sending, id: i64) -> Result<String, outbox::Error> {
        let msg = self
            .cache
            .outgoing(id)?
            .ok_or(outbox::Error::NoSuchMessage(id))?;
        if matches!(msg.state, OutboxState::Unknown | OutboxState::Failed) {
            self.cache.requeue(id)?;
        }
        Ok(msg.account)
    }

    /// Removes message `id` from the outbox; returns the state it was in.
    pub fn discard(&mut self, _sending: &Sending, id: i64) -> Result<OutboxState, outbox::Error> {
        let msg = self
            .cache
            .outgoing(id)?
            .ok_or(outbox::Error::NoSuchMessage(id))?;
        self.cache.remove_outgoing(id)?;
        Ok(msg.state)
    }

    /// The id of the next message of `account` due to be sent, if any.
    pub fn next_due(&self, account: &Account) -> Result<Option<i64>, outbox::Error> {
        outbox::next_due(&self.cache, account)
    }

    /// Sends what is due for `account`: each message's id and result.
    pub async fn send_due(
        &mut self,
        account: &Account,
        passwords: (&Secret, &Secret),
        timeouts: Timeouts,
    ) -> Result<Vec<(i64, Result<(), outbox::Error>)>, outbox::Error> {
        let (smtp, imap) = passwords;
        outbox::send_due(&mut self.cache, account, smtp, imap, timeouts).await
    }
}
