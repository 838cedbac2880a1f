//! The only crate that touches the disk and the keychain: where things live (`paths`), the
//! account configuration (`config`), passwords (`credentials`) and the mail cache (`cache`).
//!
//! Directories it creates are 0700 and files 0600; no secret is ever written to a file; a
//! configuration that does not parse is reported with its line and never overwritten.

pub mod appearance;
pub mod cache;
pub mod config;
pub mod credentials;
mod error;
pub mod paths;

pub use error::{Error, Result};
