//! The only crate that opens sockets: the one TLS policy (`tls`), direct and proxied routes
//! (`route`), IMAP connections (`imap`). SMTP submission comes next (see the accounts issue).
//!
//! It must never weaken TLS outside `tls.rs`, never send a credential before TLS, and never
//! log a secret.

pub mod error;
pub mod imap;
pub mod route;
pub mod tls;

pub use error::{CertProblem, Error, Result};
pub use route::Route;
pub use tls::{Security, TlsDetails, Trust};
