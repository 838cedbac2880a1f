//! The facade the app and the CLI talk to: accounts (a configured account into connections,
//! its password, a check of its servers), autoconfig, the sync engine (`sync` for one-shot
//! passes and actions, `engine` for the long-lived Stream the app subscribes to). The outbox
//! joins it with the sending issue.
//!
//! It holds no GUI code and no user-facing wording: errors carry kinds; the app words them.

pub mod accounts;
pub mod autoconfig;
pub mod compose;
pub mod engine;
pub mod outbox;
pub mod sync;
