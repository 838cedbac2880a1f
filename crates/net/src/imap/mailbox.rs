//! The mail commands the sync engine needs, spoken over a logged-in session.
//!
//! Every command is built here from checked parts (numbers, UID sets, quoted mailbox names
//! that cannot carry CR, LF or NUL) and every response is read with a timeout, below the
//! framing guard of `framing.rs`. Responses are read one by one, so nothing the server says
//! is dropped: async-imap's own unsolicited-response channel (100 entries, silently dropped
//! when full) is never used.

use super::{Authenticated, ImapStream};
use crate::endpoint::{Endpoint, Timeouts};
use crate::error::{Error, Result};
use crate::wire::server_text;
use async_imap::imap_proto::{
    AttributeValue, Capability, MailboxDatum, RequestId, Response, ResponseCode, Status,
};
use std::ops::RangeInclusive;

mod folders;
mod syntax;
pub use folders::{FolderStatus, Listed};
pub use syntax::{decode_name, parse_internal_date, quote, uid_set};
use tokio::time::timeout;

/// Untagged responses that are neither data we asked for nor expunges; a server sending more
/// than this many during one command is flooding us.
const MAX_NOISE: usize = 50_000;
/// Commands kept in flight when fetching in batches.
const PIPELINE: usize = 4;

/// A logged-in session ready for mail commands.
pub struct Mail {
    session: async_imap::Session<ImapStream>,
    host: String,
    port: u16,
    capabilities: Vec<String>,
    timeouts: Timeouts,
    qresync: bool,
    /// ENABLE QRESYNC goes out with the next LIST, or before the next SELECT
    /// ([`Mail::enable_qresync_soon`]).
    enable_soon: bool,
    /// The selected mailbox changed under us (EXISTS, EXPUNGE, VANISHED) during a command.
    pub changed: bool,
    /// What the connection's TLS handshake negotiated and verified.
    pub tls: crate::tls::TlsDetails,
    /// How to open another session like this one ([`Mail::sibling`]), when allowed.
    login: Option<Box<Login>>,
}

/// What logging in again takes: the same endpoint (its TLS checks, its route and stream
/// isolation), the same user and password.
struct Login {
    endpoint: Endpoint,
    user: String,
    password: quietpost_model::Secret,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("host", &self.host)
            .field("qresync", &self.qresync)
            .finish()
    }
}

/// What SELECT told us.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    pub exists: u32,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    /// Present when the server does CONDSTORE for this mailbox.
    pub highestmodseq: Option<u64>,
    /// With QRESYNC: UIDs expunged since the known state.
    pub vanished: Vec<RangeInclusive<u32>>,
    /// With QRESYNC: flags changed since the known state.
    pub changed: Vec<FlagState>,
}

/// A message's flags (and modification sequence) as the server has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagState {
    pub uid: u32,
    pub flags: Vec<String>,
    pub modseq: Option<u64>,
}

/// What the message list needs, as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub uid: u32,
    pub flags: Vec<String>,
    pub modseq: Option<u64>,
    /// INTERNALDATE as seconds since the epoch.
    pub received: Option<i64>,
    pub size: u64,
    /// The message's whole header, raw: the list's summary is made from it by the same
    /// analysis the reader makes of the whole message.
    pub header: Vec<u8>,
}

fn flag_names(flags: &[std::borrow::Cow<'_, str>]) -> Vec<String> {
    flags.iter().map(|f| f.to_string()).collect()
}

impl Mail {
    /// Wraps a logged-in session and asks for its capabilities again (servers announce
    /// extensions such as CONDSTORE, QRESYNC and MOVE only after login), unless the login's OK
    /// already named them.
    pub async fn new(auth: Authenticated, endpoint: &Endpoint, timeouts: Timeouts) -> Result<Mail> {
        let after_login = auth.login_capabilities.clone();
        let mut mail = Mail::wrap(auth, endpoint, timeouts);
        if let Some(caps) = after_login {
            mail.capabilities = caps;
            return Ok(mail);
        }
        let tag = mail.send("CAPABILITY").await?;
        let mut caps = Vec::new();
        mail.read_until(&[tag], "CAPABILITY", |_, r| {
            if let Response::Capabilities(list) = r {
                caps.extend(list.iter().map(|c| match c {
                    Capability::Imap4rev1 => "IMAP4REV1".to_owned(),
                    Capability::Auth(a) => format!("AUTH={}", a.to_ascii_uppercase()),
                    Capability::Atom(a) => a.to_ascii_uppercase(),
                }));
            }
            Ok(())
        })
        .await?;
        if !caps.is_empty() {
            mail.capabilities = caps;
        }
        Ok(mail)
    }

    fn wrap(auth: Authenticated, endpoint: &Endpoint, timeouts: Timeouts) -> Mail {
        Mail {
            session: auth.session,
            host: endpoint.host.clone(),
            port: endpoint.port,
            capabilities: auth.capabilities,
            timeouts,
            qresync: false,
            enable_soon: false,
            changed: false,
            tls: auth.tls,
            login: None,
        }
    }

    /// Keeps what this session logged in with, so that [`Mail::sibling`] can open another
    /// one (the password is zeroed when this session is dropped).
    pub fn keep_login(
        &mut self,
        endpoint: Endpoint,
        user: String,
        password: quietpost_model::Secret,
    ) {
        self.login = Some(Box::new(Login {
            endpoint,
            user,
            password,
        }));
    }

    /// Another session to the same server as the same user, over the same endpoint — or
    /// `None` if this session did not keep its login ([`Mail::keep_login`]).
    pub async fn sibling(&self) -> Option<Result<Mail>> {
        let login = self.login.as_ref()?;
        let opened = async {
            let auth = super::login(
                &login.endpoint,
                &login.user,
                &login.password,
                &self.timeouts,
            )
            .await?;
            Mail::new(auth, &login.endpoint, self.timeouts).await
        };
        Some(opened.await)
    }

    pub fn has(&self, capability: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(capability))
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    fn timed_out(&self) -> Error {
        Error::TimedOut {
            host: self.host.clone(),
            port: self.port,
        }
    }

    fn protocol(&self, detail: impl Into<String>) -> Error {
        Error::Protocol {
            host: self.host.clone(),
            detail: detail.into(),
        }
    }

    fn io(&self, e: std::io::Error) -> Error {
        match e.kind() {
            std::io::ErrorKind::InvalidData => self.protocol(e.to_string()),
            std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::ConnectionAborted => Error::Closed {
                host: self.host.clone(),
            },
            _ => self.protocol(e.to_string()),
        }
    }

    async fn send(&mut self, command: &str) -> Result<RequestId> {
        tracing::trace!(host = self.host, command, "imap send");
        let sent = timeout(self.timeouts.command, self.session.run_command(command)).await;
        match sent {
            Err(_) => Err(self.timed_out()),
            Ok(Err(async_imap::error::Error::Io(e))) => Err(self.io(e)),
            Ok(Err(e)) => Err(self.protocol(crate::wire::imap_error_words(&e))),
            Ok(Ok(id)) => Ok(id),
        }
    }

    /// Reads responses until each of `tags` is done, in order, handing every other response
    /// to `on` along with the index of the command it belongs to. A command that does not end
    /// in OK is an error naming `what`.
    async fn read_until(
        &mut self,
        tags: &[RequestId],
        what: &str,
        mut on: impl FnMut(usize, &Response<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut current = 0;
        let mut noise = 0usize;
        while current < tags.len() {
            let next = timeout(self.timeouts.command, self.session.read_response()).await;
            let response = match next {
                Err(_) => {
                    return Err(self.timed_out());
                }
                Ok(Err(e)) => return Err(self.io(e)),
                Ok(Ok(None)) => {
                    return Err(Error::Closed {
                        host: self.host.clone(),
                    });
                }
                Ok(Ok(Some(r))) => r,
            };
            match response.parsed() {
                Response::Done {
                    tag,
                    status,
                    outcome,
                } => {
                    if *tag != tags[current] {
                        return Err(self.protocol("a reply to a command we did not send"));
                    }
                    if *status != Status::Ok {
                        let text = outcome.information.as_deref().unwrap_or("");
                        return Err(self.protocol(format!("{what} failed: {}", server_text(text))));
                    }
                    on(current, response.parsed())?;
                    current += 1;
                }
                Response::Data {
                    status: Status::Bye,
                    ..
                } => {
                    return Err(Error::Closed {
                        host: self.host.clone(),
                    });
                }
                Response::Expunge(_) | Response::Vanished { .. } => {
                    self.changed = true;
                    on(current, response.parsed())?;
                }
                Response::Fetch(..) | Response::MailboxData(MailboxDatum::List(_)) => {
                    on(current, response.parsed())?;
                }
                other => {
                    if let Response::MailboxData(MailboxDatum::Exists(_)) = other {
                        self.changed = true;
                    }
                    noise += 1;
                    if noise > MAX_NOISE {
                        return Err(self.protocol("the server flooded the connection"));
                    }
                    on(current, other)?;
                }
            }
        }
        Ok(())
    }

    /// Selects a folder. With QRESYNC on and a known `(uidvalidity, highestmodseq)`, the
    /// server also reports what vanished and which flags changed since then.
    pub async fn select(&mut self, name: &str, known: Option<(u32, u64)>) -> Result<Selected> {
        let quoted = quote(name)?;
        if self.enable_soon {
            self.enable_qresync().await?;
        }
        let command = match (self.qresync, known) {
            (true, Some((v, m))) => format!("SELECT {quoted} (QRESYNC ({v} {m}))"),
            _ if self.has("CONDSTORE") => format!("SELECT {quoted} (CONDSTORE)"),
            _ => format!("SELECT {quoted}"),
        };
        let tag = self.send(&command).await?;
        let mut s = Selected::default();
        self.read_until(&[tag], "SELECT", |_, r| {
            match r {
                Response::MailboxData(MailboxDatum::Exists(n)) => s.exists = *n,
                Response::Data { outcome, .. } | Response::Done { outcome, .. } => {
                    match outcome.code {
                        Some(ResponseCode::UidValidity(v)) => s.uidvalidity = Some(v),
                        Some(ResponseCode::UidNext(n)) => s.uidnext = Some(n),
                        Some(ResponseCode::HighestModSeq(m)) => s.highestmodseq = Some(m),
                        _ => {}
                    }
                }
                Response::Vanished { uids, .. } => s.vanished.extend(uids.iter().cloned()),
                Response::Fetch(_, attrs) => {
                    if let Some(f) = flag_state(attrs) {
                        s.changed.push(f);
                    }
                }
                _ => {}
            }
            Ok(())
        })
        .await?;
        self.changed = false;
        Ok(s)
    }

    /// UIDs and flags of every message in the selected folder (the full comparison used when
    /// the server has no QRESYNC). With `changed_since`, only messages changed after it.
    pub async fn flags(&mut self, changed_since: Option<u64>) -> Result<Vec<FlagState>> {
        let command = match changed_since {
            Some(m) => format!("UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE {m})"),
            None => "UID FETCH 1:* (UID FLAGS)".to_owned(),
        };
        let tag = self.send(&command).await?;
        let mut out = Vec::new();
        self.read_until(&[tag], "FETCH", |_, r| {
            if let Response::Fetch(_, attrs) = r
                && let Some(f) = flag_state(attrs)
            {
                out.push(f);
            }
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Every UID in the selected folder.
    pub async fn uids(&mut self) -> Result<Vec<u32>> {
        self.uid_search("ALL").await
    }

    /// UIDs from `from` up (the server always includes the highest UID, even below `from`).
    pub async fn uids_from(&mut self, from: u32) -> Result<Vec<u32>> {
        self.uid_search(&format!("UID {from}:*")).await
    }

    /// UIDs of the messages in the selected folder whose Message-ID is `message_id` (only the
    /// characters of an id Quietpost made are accepted: nothing to quote).
    pub async fn uids_with_message_id(&mut self, message_id: &str) -> Result<Vec<u32>> {
        if message_id.is_empty()
            || !message_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"<>@.-_".contains(&b))
        {
            return Err(self.protocol(format!("not a Message-ID to search for: {message_id:?}")));
        }
        self.uid_search(&format!("HEADER Message-ID \"{message_id}\""))
            .await
    }

    async fn uid_search(&mut self, criteria: &str) -> Result<Vec<u32>> {
        let tag = self.send(&format!("UID SEARCH {criteria}")).await?;
        let mut out = Vec::new();
        self.read_until(&[tag], "SEARCH", |_, r| {
            if let Response::MailboxData(MailboxDatum::Search(uids)) = r {
                out.extend_from_slice(uids);
            }
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Sends FETCH commands with `PIPELINE` of them in flight. `on` gets the attributes of each
    /// FETCH response (`Some`), and `None` when a command has completed. An error from `on`
    /// stops the pipeline once the current command has been read to its end, so the
    /// connection stays in step.
    async fn pipelined(
        &mut self,
        commands: &[String],
        mut on: impl FnMut(Option<&[AttributeValue<'_>]>) -> Result<()>,
    ) -> Result<()> {
        let mut next = 0;
        let mut in_flight = std::collections::VecDeque::new();
        loop {
            while next < commands.len() && in_flight.len() < PIPELINE {
                in_flight.push_back(self.send(&commands[next]).await?);
                next += 1;
            }
            let Some(first) = in_flight.pop_front() else {
                return Ok(());
            };
            let mut failure = None;
            self.read_until(&[first], "FETCH", |_, r| {
                if let Response::Fetch(_, attrs) = r
                    && failure.is_none()
                    && let Err(e) = on(Some(attrs))
                {
                    failure = Some(e);
                }
                Ok(())
            })
            .await?;
            if let Some(e) = failure {
                return Err(e);
            }
            on(None)?;
        }
    }

    /// Fetches summaries for each UID set, several commands in flight; `on` gets each set's
    /// messages once its command has completed.
    pub async fn summaries(
        &mut self,
        sets: &[String],
        mut on: impl FnMut(Vec<Fetched>) -> Result<()>,
    ) -> Result<()> {
        let modseq = if self.has("CONDSTORE") { " MODSEQ" } else { "" };
        let commands: Vec<String> = sets
            .iter()
            .map(|set| {
                format!(
                    "UID FETCH {set} (UID FLAGS INTERNALDATE RFC822.SIZE{modseq} BODY.PEEK[HEADER])"
                )
            })
            .collect();
        let mut batch = Vec::new();
        self.pipelined(&commands, |attrs| {
            match attrs {
                Some(attrs) => batch.extend(fetched(attrs)),
                None => on(std::mem::take(&mut batch))?,
            }
            Ok(())
        })
        .await
    }

    /// Fetches whole messages (without setting \Seen), several commands in flight; `on` gets
    /// each message as it arrives.
    pub async fn bodies(
        &mut self,
        sets: &[String],
        mut on: impl FnMut(u32, Vec<u8>) -> Result<()>,
    ) -> Result<()> {
        let commands: Vec<String> = sets
            .iter()
            .map(|set| format!("UID FETCH {set} (UID BODY.PEEK[])"))
            .collect();
        self.pipelined(&commands, |attrs| {
            let Some(attrs) = attrs else { return Ok(()) };
            let uid = attrs.iter().find_map(|a| match a {
                AttributeValue::Uid(u) => Some(*u),
                _ => None,
            });
            let data = attrs.iter().find_map(|a| match a {
                AttributeValue::BodySection {
                    section: None,
                    data: Some(d),
                    ..
                } => Some(d.to_vec()),
                _ => None,
            });
            match (uid, data) {
                (Some(uid), Some(data)) => on(uid, data),
                _ => Ok(()),
            }
        })
        .await
    }

    /// Sets or clears a flag on one message of the selected folder.
    pub async fn store(&mut self, uid: u32, flag: &str, on: bool) -> Result<()> {
        if !flag.starts_with('\\') || !flag[1..].bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(self.protocol("not a system flag"));
        }
        let sign = if on { '+' } else { '-' };
        let tag = self
            .send(&format!("UID STORE {uid} {sign}FLAGS.SILENT ({flag})"))
            .await?;
        self.read_until(&[tag], "STORE", |_, _| Ok(())).await
    }

    /// Moves one message of the selected folder: MOVE (RFC 6851), else COPY, \Deleted and
    /// UID EXPUNGE of just that message (UIDPLUS). Without either, the copy is left marked
    /// \Deleted rather than expunging other messages marked by someone else.
    pub async fn move_to(&mut self, uid: u32, target: &str) -> Result<()> {
        let quoted = quote(target)?;
        if self.has("MOVE") {
            let tag = self.send(&format!("UID MOVE {uid} {quoted}")).await?;
            return self.read_until(&[tag], "MOVE", |_, _| Ok(())).await;
        }
        let tag = self.send(&format!("UID COPY {uid} {quoted}")).await?;
        self.read_until(&[tag], "COPY", |_, _| Ok(())).await?;
        self.expunge(uid).await
    }

    /// Waits in IDLE (RFC 2177) on the selected folder until the server reports a change
    /// (returns true), `max` passes, or `stop` completes (both return false). Without IDLE,
    /// waits for `poll` instead and reports a possible change.
    pub async fn idle(
        &mut self,
        max: std::time::Duration,
        poll: std::time::Duration,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<bool> {
        tokio::pin!(stop);
        if !self.has("IDLE") {
            tokio::select! {
                _ = tokio::time::sleep(poll) => return Ok(true),
                _ = &mut stop => return Ok(false),
            }
        }
        let tag = self.send("IDLE").await?;
        // The server's "+ idling", or a refusal.
        loop {
            let r = timeout(self.timeouts.command, self.session.read_response())
                .await
                .map_err(|_| self.timed_out())?
                .map_err(|e| self.io(e))?
                .ok_or_else(|| Error::Closed {
                    host: self.host.clone(),
                })?;
            match r.parsed() {
                Response::Continue { .. } => break,
                Response::Done { .. } => return Err(self.protocol("IDLE refused")),
                _ => {}
            }
        }
        let mut changed = false;
        let deadline = tokio::time::sleep(max);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                r = self.session.read_response() => {
                    let r = r.map_err(|e| self.io(e))?.ok_or_else(|| Error::Closed {
                        host: self.host.clone(),
                    })?;
                    match r.parsed() {
                        Response::MailboxData(MailboxDatum::Exists(_))
                        | Response::MailboxData(MailboxDatum::Recent(_))
                        | Response::Expunge(_)
                        | Response::Vanished { .. }
                        | Response::Fetch(..) => {
                            changed = true;
                            break;
                        }
                        Response::Data { status: Status::Bye, .. } => {
                            return Err(Error::Closed { host: self.host.clone() });
                        }
                        // Keep-alives ("* OK Still here").
                        _ => {}
                    }
                }
                _ = &mut deadline => break,
                _ = &mut stop => break,
            }
        }
        timeout(
            self.timeouts.command,
            self.session.run_command_untagged("DONE"),
        )
        .await
        .map_err(|_| self.timed_out())?
        .map_err(|e| self.protocol(crate::wire::imap_error_words(&e)))?;
        self.read_until(&[tag], "IDLE", |_, r| {
            if matches!(
                r,
                Response::MailboxData(MailboxDatum::Exists(_))
                    | Response::Expunge(_)
                    | Response::Vanished { .. }
                    | Response::Fetch(..)
            ) {
                changed = true;
            }
            Ok(())
        })
        .await?;
        Ok(changed)
    }

    /// Deletes one message of the selected folder for good: \Deleted, then UID EXPUNGE of
    /// just that UID (UIDPLUS). Without UIDPLUS the message stays marked \Deleted: a plain
    /// EXPUNGE would also remove messages someone else marked.
    pub async fn expunge(&mut self, uid: u32) -> Result<()> {
        self.store(uid, "\\Deleted", true).await?;
        if self.has("UIDPLUS") {
            let tag = self.send(&format!("UID EXPUNGE {uid}")).await?;
            self.read_until(&[tag], "EXPUNGE", |_, _| Ok(())).await?;
        }
        Ok(())
    }

    /// Appends a message to a folder (tests and, later, Sent and Drafts).
    pub async fn append(&mut self, folder: &str, flags: &str, message: &[u8]) -> Result<()> {
        // Checked here; async-imap quotes it.
        quote(folder)?;
        timeout(
            self.timeouts.command,
            self.session.append(folder, Some(flags), None, message),
        )
        .await
        .map_err(|_| self.timed_out())?
        .map_err(|e| self.protocol(format!("APPEND failed: {e}")))
    }

    /// Creates and deletes folders (tests, and later folder management).
    pub async fn simple(&mut self, command: &str, what: &str) -> Result<()> {
        let tag = self.send(command).await?;
        self.read_until(&[tag], what, |_, _| Ok(())).await
    }

    /// Says LOGOUT and closes without waiting for the server's goodbye: nothing in it matters
    /// to us, and servers may take their time writing their own state first.
    pub async fn logout(mut self) {
        let _ = timeout(self.timeouts.greeting, self.session.run_command("LOGOUT")).await;
    }
}

fn flag_state(attrs: &[AttributeValue<'_>]) -> Option<FlagState> {
    let mut uid = None;
    let mut flags = None;
    let mut modseq = None;
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => uid = Some(*u),
            AttributeValue::Flags(f) => flags = Some(flag_names(f)),
            AttributeValue::ModSeq(m) => modseq = Some(*m),
            _ => {}
        }
    }
    Some(FlagState {
        uid: uid?,
        flags: flags?,
        modseq,
    })
}

fn fetched(attrs: &[AttributeValue<'_>]) -> Option<Fetched> {
    let mut f = Fetched {
        uid: 0,
        flags: Vec::new(),
        modseq: None,
        received: None,
        size: 0,
        header: Vec::new(),
    };
    let mut has_uid = false;
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => {
                f.uid = *u;
                has_uid = true;
            }
            AttributeValue::Flags(fl) => f.flags = flag_names(fl),
            AttributeValue::ModSeq(m) => f.modseq = Some(*m),
            AttributeValue::InternalDate(d) => f.received = parse_internal_date(d),
            AttributeValue::Rfc822Size(s) => f.size = u64::from(*s),
            AttributeValue::BodySection { data: Some(d), .. } => f.header = d.to_vec(),
            _ => {}
        }
    }
    has_uid.then_some(f)
}
