//! Writing mail, on the local mailbox: what the composer holds (kept as it is typed), the
//! addresses it completes from, what the person has seen of what their messages reveal, and a
//! message put into the outbox.

use super::{Mailbox, Sending};
use crate::compose::{self, Built, Draft};
use crate::{StoreError, outbox};
use quietpost_model::{Account, ListQuery, OutboxState, Role, Unsent};

/// Messages read for the addresses the composer completes (the newest of each account).
const CONTACT_SCAN: usize = 20_000;

impl Mailbox {
    /// A reply from `account` to message `id` (to everyone with `all`), `text` above the
    /// quote of what the reader shows (see `compose::reply`).
    pub async fn reply(
        &mut self,
        account: &Account,
        id: quietpost_model::MessageId,
        all: bool,
        text: &str,
    ) -> crate::sync::Result<compose::reply::Reply> {
        let raw = self.raw(account, id).await?;
        let original = quietpost_render::quote(&raw, &Default::default());
        Ok(compose::reply::reply(
            &original,
            &compose::identity(account),
            all,
            text,
        ))
    }

    /// A forward of message `id` to `to`, `text` above what the reader shows, with its
    /// attachments.
    pub async fn forward(
        &mut self,
        account: &Account,
        id: quietpost_model::MessageId,
        to: Vec<String>,
        text: &str,
    ) -> crate::sync::Result<Draft> {
        let raw = self.raw(account, id).await?;
        let options = quietpost_render::Options::default();
        let original = quietpost_render::quote(&raw, &options);
        Ok(compose::reply::forward(
            &raw,
            &original,
            &compose::identity(account),
            to,
            text,
            &options.limits,
        ))
    }

    /// Keeps what the composer holds (slot `id`, or a new one): see store's `composing`.
    pub fn keep_composing(&mut self, id: Option<i64>, unsent: &Unsent) -> Result<i64, StoreError> {
        self.cache.keep_composing(id, unsent, crate::time::now())
    }

    /// Replaces the attached files kept for slot `id`.
    pub fn keep_composing_files(
        &mut self,
        id: i64,
        files: &[(String, Vec<u8>)],
    ) -> Result<(), StoreError> {
        self.cache.keep_composing_files(id, files)
    }

    /// What was being written when the window last closed (or died), oldest first.
    pub fn composing(&self) -> Result<Vec<(i64, Unsent, i64)>, StoreError> {
        self.cache.composing()
    }

    pub fn composing_files(&self, id: i64) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.cache.composing_files(id)
    }

    /// Forgets slot `id`: the message was sent to the outbox, saved as a draft or discarded.
    pub fn forget_composing(&mut self, id: i64) -> Result<(), StoreError> {
        self.cache.forget_composing(id)
    }

    /// Whether what `reveal` says must be shown before sending: always when the account asks
    /// for it before every send (the journalist preset), else when it has something the person
    /// has not seen for the account yet (the first message from it, a new route, a kind of
    /// attachment that cannot be checked).
    pub fn reveal_is_new(
        &self,
        account: &quietpost_model::Account,
        reveal: &compose::Reveal,
    ) -> Result<bool, StoreError> {
        if account.reveal_every_send {
            return Ok(true);
        }
        let seen = self.cache.reveal_seen(&account.name)?;
        Ok(reveal.kinds().iter().any(|k| !seen.contains(k)))
    }

    /// Records that the person has read `reveal` for `account`.
    pub fn see_reveal(
        &mut self,
        account: &str,
        reveal: &compose::Reveal,
    ) -> Result<(), StoreError> {
        self.cache.see_reveal(account, &reveal.kinds())
    }

    /// Builds `draft` as it will be sent from `account` and puts it in the outbox, before any
    /// network step; the engine (or `outbox send`) sends it. Returns its outbox id.
    pub fn queue_draft(
        &mut self,
        account: &Account,
        draft: &Draft,
    ) -> Result<(i64, Built), outbox::Error> {
        let built = compose::build(draft, std::time::SystemTime::now())?;
        let id = self.queue(account, &built)?;
        Ok((id, built))
    }

    /// The person says a message whose outcome was unknown did go out: it is filed in Sent
    /// like one the server confirmed, and never sent again.
    pub fn mark_sent(&mut self, _sending: &Sending, id: i64) -> Result<(), outbox::Error> {
        let msg = self
            .cache
            .outgoing(id)?
            .ok_or(outbox::Error::NoSuchMessage(id))?;
        if msg.state == OutboxState::Unknown {
            self.cache.sent(id)?;
        }
        Ok(())
    }

    /// The addresses the composer completes from, most used first: those `account` wrote to
    /// (its Sent folder's recipients) and those it received from — never a sender the reader
    /// flags as a danger (a look-alike address would otherwise complete as a friend's).
    pub fn contacts(&self, account: &str) -> Result<Vec<String>, StoreError> {
        let sent: Vec<String> = self
            .folders(&[account.to_owned()])?
            .into_iter()
            .filter(|f| f.role == Some(Role::Sent))
            .map(|f| f.name)
            .collect();
        let rows = self.cache.list(&ListQuery {
            account: Some(account.to_owned()),
            folder: None,
            unread_only: false,
            limit: CONTACT_SCAN,
        })?;
        let mut counts: std::collections::HashMap<String, (String, usize)> =
            std::collections::HashMap::new();
        let mut count = |mailbox: String| {
            if let Some(address) = compose::address_of(&mailbox) {
                let e = counts.entry(address.to_lowercase()).or_insert((mailbox, 0));
                e.1 += 1;
            }
        };
        for row in &rows {
            if sent.contains(&row.folder) {
                for r in compose::split_addresses(&row.summary.recipients) {
                    count(r);
                }
            } else if row
                .summary
                .sender
                .as_ref()
                .is_some_and(|s| s.severity() != Some(quietpost_model::Severity::Danger))
            {
                let s = &row.summary;
                let address = s.from_address.split(',').next().unwrap_or("").trim();
                if !address.is_empty() {
                    count(match s.from_name.trim() {
                        "" => address.to_owned(),
                        name => compose::mailbox_string(name, address),
                    });
                }
            }
        }
        let mut list: Vec<(String, usize)> = counts.into_values().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(list.into_iter().map(|(m, _)| m).collect())
    }
}
