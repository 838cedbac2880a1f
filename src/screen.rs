//! The window's screens: the first-run welcome, the account wizard and the mailbox.

pub mod mailbox;
pub mod welcome;
pub mod wizard;
