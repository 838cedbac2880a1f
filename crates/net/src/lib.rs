//! The only crate that opens sockets: the one TLS policy (`tls`), direct and proxied routes
//! (`route`), IMAP connections (`imap`) and SMTP submission (`smtp`).
//!
//! It must never weaken TLS outside `tls.rs`, never send a credential before TLS, and never
//! log a secret.

mod endpoint;
pub mod error;
pub mod framing;
pub mod https;
pub mod imap;
pub mod route;
pub mod smtp;
pub mod tls;
mod wire;

pub use endpoint::{Endpoint, Timeouts};
pub use error::{CertProblem, Error, Result};
pub use route::Route;
pub use tls::{Security, TlsDetails, Trust};
