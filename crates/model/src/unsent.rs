//! A message being written in the window, as it is kept while the composer is open (the
//! cache's `composing` table): what was typed, and what it answers or continues. A crash, a
//! killed process or a full battery loses nothing typed; the next start offers it again.

use crate::MessageId;
use serde::{Deserialize, Serialize};

/// What a message being written is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Writing {
    #[default]
    New,
    /// A reply (to everyone, or to the sender): the message is marked answered once sent.
    Reply {
        to: MessageId,
    },
    Forward {
        of: MessageId,
    },
    /// A draft of the Drafts folder, continued: removed from there once the message is in the
    /// outbox.
    Draft {
        id: MessageId,
    },
}

/// The composer's fields, as typed (addresses are checked when sending).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Unsent {
    pub account: String,
    pub writing: Writing,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub read_receipt: bool,
}
