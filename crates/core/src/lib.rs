//! The facade the app and the CLI talk to: accounts (a configured account into connections,
//! its password, a check of its servers), autoconfig, the sync engine (`sync` for one-shot
//! passes and actions, `engine` for the long-lived Stream the app subscribes to), composing
//! and sending (`compose`, `outbox`), the demo mailbox (`demo`), and remote content on request with its ledger
//! (`remote`).
//!
//! It holds no GUI code and no user-facing wording: errors carry kinds; the app words them.

pub mod accounts;
pub mod autoconfig;
pub mod compose;
pub mod demo;
pub mod engine;
pub mod folders;
pub mod outbox;
pub mod remote;
pub mod sync;
pub mod time;
