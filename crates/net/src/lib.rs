//! The only crate that opens sockets: the one TLS policy (`tls`), direct and proxied routes
//! (`route`, the single egress point: every connection is opened by `route::open`), IMAP
//! connections (`imap`), SMTP submission (`smtp`), configuration documents (`https`) and
//! remote images, through the proxy only (`fetch`).
//!
//! It must never weaken TLS outside `tls.rs`, never send a credential before TLS, and never
//! log a secret.

mod endpoint;
pub mod error;
pub mod fetch;
pub mod framing;
pub mod https;
pub mod imap;
pub mod route;
pub mod smtp;
pub mod tls;
mod wire;

pub use endpoint::{Endpoint, Timeouts};
pub use error::{CertProblem, Error, Result};
pub use route::{Isolation, Route};
pub use tls::{Security, TlsDetails, Trust};
