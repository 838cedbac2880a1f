//! The facade the app and the CLI talk to: accounts (a configured account into connections,
//! its password, a check of its servers), autoconfig, the sync engine (`sync` for one-shot
//! passes and actions, `engine` for the long-lived Stream the app subscribes to), composing
//! and sending (`compose`, `outbox`), the demo mailbox (`demo`), and remote content on request with its ledger
//! (`remote`).
//!
//! It holds no GUI code and no user-facing wording: errors carry kinds; the app words them.
//!
//! It is the app's only door (ARCHITECTURE.md, "Dependency rule"): the app's package depends
//! on core and model alone. What the app holds of the crates below — the profile's `Paths`
//! handle, the errors it words, the TLS details it shows, the IMAP connection a sync pass
//! runs over — it names through the re-exports here; every operation is a core function.

pub mod accounts;
pub mod appearance;
pub mod autoconfig;
pub mod compose;
pub mod demo;
pub mod engine;
pub mod folders;
pub mod isolation;
pub mod mailbox;
pub mod outbox;
pub mod profile;
pub mod reading;
pub mod remote;
pub mod selftest;
pub mod settings;
pub mod sync;
pub mod time;

pub use mailbox::Mailbox;
pub use quietpost_net::{CertProblem, Endpoint, Error as NetError, Timeouts, TlsDetails, Trust};
pub use quietpost_store::Error as StoreError;
pub use quietpost_store::paths::{Paths, Tightened};
