//! The facade the app and the CLI talk to. Today: accounts (turning a configured account into
//! connections, fetching its password, checking its servers). The sync engine, outbox and
//! search join it in later issues.
//!
//! It holds no GUI code and no user-facing wording: errors carry kinds; the app words them.

pub mod accounts;
pub mod autoconfig;
pub mod sync;
