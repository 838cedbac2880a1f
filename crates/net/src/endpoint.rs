//! Where and how to connect, shared by IMAP and SMTP.

use crate::route::Route;
use crate::tls::{Security, Trust};
use std::time::Duration;

/// Where and how to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub trust: Trust,
    /// Direct, or through the account's proxy (a kill-switch).
    pub route: Route,
}

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// For the plain-text greeting: a port that speaks TLS directly sends none.
    pub greeting: Duration,
    pub command: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(15),
            greeting: Duration::from_secs(10),
            command: Duration::from_secs(60),
        }
    }
}
