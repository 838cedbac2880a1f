//! The network ledger (safety-rules §4): for each remote reference of a message, what happened
//! to it. Part of the JSON contract of `quietpost read --json` (the `ledger` field) and
//! `quietpost remote load --json`.

use crate::message::RemoteKind;
use crate::text::SafeLine;
use serde::Serialize;

/// Where a remote reference stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LedgerState {
    /// Not loaded: nothing left the machine for it.
    Blocked,
    /// Loaded through the proxy named in `via`.
    Loaded,
    /// A load was tried and did not succeed (`detail` says why).
    Failed,
}

impl LedgerState {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerState::Blocked => "blocked",
            LedgerState::Loaded => "loaded",
            LedgerState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<LedgerState> {
        Some(match s {
            "blocked" => LedgerState::Blocked,
            "loaded" => LedgerState::Loaded,
            "failed" => LedgerState::Failed,
            _ => return None,
        })
    }
}

/// One remote reference and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub url: SafeLine,
    pub kind: RemoteKind,
    pub state: LedgerState,
    /// The proxy used (`socks5://host:port` or `http://host:port`), when a load was tried.
    pub via: Option<SafeLine>,
    /// When it was loaded or failed, RFC 3339 in UTC.
    pub at: Option<String>,
    /// Why it is blocked or failed; for a loaded image, its size.
    pub detail: SafeLine,
    /// A tracker (see `RemoteRef::tracker`): never loaded, not even through a proxy.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tracker: bool,
}
