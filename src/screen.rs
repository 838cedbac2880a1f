//! The window's screens: the first-run welcome and the mailbox.

pub mod mailbox;
pub mod welcome;
