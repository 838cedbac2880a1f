//! Pure domain types shared by every Quietpost crate.
//!
//! This crate owns the vocabulary — display-safe text and the `SafeMessage` contract — and must
//! never do I/O of any kind: no network, no disk, no async runtime, no GUI.

pub mod account;
pub mod appearance;
pub mod connection;
pub mod ledger;
pub mod mailbox;
pub mod message;
pub mod secret;
pub mod sender;
pub mod text;
pub mod unsent;

pub use account::{Account, Documents, Notifications, PasswordSource, RemoteContent, Server};
pub use appearance::{Appearance, ThemeChoice};
pub use connection::{BadFingerprint, BadProxy, Fingerprint, Protocol, Route, Security};
pub use ledger::{LedgerEntry, LedgerState};
pub use mailbox::{
    Action, Flags, ListQuery, MessageId, MessageRow, OutboxState, Outgoing, Role, Summary,
};
pub use message::{
    Addr, Attachment, Authentication, BodySource, Code, Link, LinkMarker, Opening, RemoteKind,
    RemoteRef, SafeMessage, SaveOnly, Warning,
};
pub use secret::Secret;
pub use sender::{ListSender, SenderSummary, Severity};
pub use text::{Findings, SafeLine, SafeText};
pub use unsent::{Unsent, Writing};
