//! The local mailbox's vocabulary: flags, folder roles, a cached message's summary and row,
//! what the list asks for, and where an outgoing message is. The store keeps them; core, the
//! command line and the window speak them.

use crate::SenderSummary;

/// Message flags as a bit set, in the order of RFC 9051's system flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags(pub u8);

impl Flags {
    pub const SEEN: Flags = Flags(1);
    pub const ANSWERED: Flags = Flags(2);
    pub const FLAGGED: Flags = Flags(4);
    pub const DELETED: Flags = Flags(8);
    pub const DRAFT: Flags = Flags(16);

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn with(self, other: Flags, on: bool) -> Flags {
        if on {
            Flags(self.0 | other.0)
        } else {
            Flags(self.0 & !other.0)
        }
    }

    /// From IMAP flag names; keywords and unknown flags are ignored.
    pub fn from_imap<'a>(names: impl IntoIterator<Item = &'a str>) -> Flags {
        let mut f = Flags::default();
        for n in names {
            f = f.with(
                match n.to_ascii_lowercase().as_str() {
                    "\\seen" => Flags::SEEN,
                    "\\answered" => Flags::ANSWERED,
                    "\\flagged" => Flags::FLAGGED,
                    "\\deleted" => Flags::DELETED,
                    "\\draft" => Flags::DRAFT,
                    _ => continue,
                },
                true,
            );
        }
        f
    }

    /// The IMAP name of a single system flag.
    pub fn imap_name(self) -> Option<&'static str> {
        Some(match self {
            Flags::SEEN => "\\Seen",
            Flags::ANSWERED => "\\Answered",
            Flags::FLAGGED => "\\Flagged",
            Flags::DELETED => "\\Deleted",
            Flags::DRAFT => "\\Draft",
            _ => return None,
        })
    }
}

/// What a folder is for (RFC 6154 SPECIAL-USE, or the name INBOX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Inbox,
    Drafts,
    Sent,
    Archive,
    Junk,
    Trash,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Inbox => "inbox",
            Role::Drafts => "drafts",
            Role::Sent => "sent",
            Role::Archive => "archive",
            Role::Junk => "junk",
            Role::Trash => "trash",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "inbox" => Role::Inbox,
            "drafts" => Role::Drafts,
            "sent" => Role::Sent,
            "archive" => Role::Archive,
            "junk" => Role::Junk,
            "trash" => Role::Trash,
            _ => return None,
        })
    }
}

/// What the message list needs of one message, already sanitized by the render crate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub uid: u32,
    pub modseq: Option<u64>,
    pub flags: Flags,
    /// Seconds since the epoch (the server's INTERNALDATE: when it received the message).
    pub received: Option<i64>,
    /// RFC 3339, as the message claims.
    pub date: Option<String>,
    pub subject: String,
    /// The first sender's name (for search; views use `sender`).
    pub from_name: String,
    /// Every sender address, comma-separated (for search; views use `sender`).
    pub from_address: String,
    /// Who sent it, from the same analysis the reader makes (`SafeMessage::sender_summary`).
    /// `None` for a row cached before that analysis existed, until the next sync reads its
    /// header again.
    pub sender: Option<SenderSummary>,
    /// To and Cc, for display and search.
    pub recipients: String,
    pub message_id: Option<String>,
    pub size: u64,
    pub attachments: bool,
}

/// A cached message's local id: stable, never reused, printed by `list` — not the server's UID
/// (which changes meaning with UIDVALIDITY) and not an outbox number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(pub i64);

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for MessageId {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(MessageId)
    }
}

impl serde::Serialize for MessageId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for MessageId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(MessageId)
    }
}

/// One cached message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// Stable local id: never reused, printed by `list`.
    pub id: MessageId,
    pub account: String,
    pub folder: String,
    pub uidvalidity: u32,
    pub summary: Summary,
    pub has_body: bool,
    /// Moved (or deleted) here in the cache and not yet confirmed by the server: listed in the
    /// folder it is going to, marked as on its way.
    pub pending: bool,
}

/// What `list` asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub account: Option<String>,
    pub folder: Option<String>,
    pub unread_only: bool,
    pub limit: usize,
}

/// Where an outgoing message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    Queued,
    Sending,
    Sent,
    Unknown,
    Failed,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Unknown => "unknown",
            OutboxState::Failed => "failed",
        }
    }

    /// From the cache's spelling; anything else is `Unknown` (it may have been sent).
    pub fn parse(s: &str) -> OutboxState {
        match s {
            "queued" => OutboxState::Queued,
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            _ => OutboxState::Unknown,
        }
    }
}

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub account: String,
    pub message_id: String,
    pub raw: Vec<u8>,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Seconds since the epoch before which it is not retried.
    pub next_attempt: Option<i64>,
}

/// An action on a message, taken locally first and then replayed on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Set (`true`) or clear a system flag.
    Flag(Flags, bool),
    /// Move to another folder of the same account (delete and archive are moves).
    Move(String),
    /// Delete for good (a message deleted from Trash): \Deleted, then UID EXPUNGE of that
    /// message only.
    Expunge,
}
