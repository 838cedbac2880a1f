//! How a connection to a mail server is secured: the one vocabulary the configuration, the
//! network code, the command line and the window share (safety-rules §1.1).

use serde::{Deserialize, Serialize};

/// How a connection gets to TLS. There is no plaintext and no opportunistic mode. In
/// config.toml: `security = "tls"` or `"starttls"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Security {
    /// TLS from the first byte (IMAP 993, SMTP 465). Nothing is ever sent in the clear. The
    /// default, and the safest.
    #[default]
    #[serde(rename = "tls")]
    ImplicitTls,
    /// Plain text until STARTTLS, which is required (IMAP 143, SMTP 587). Risk: the plain-text
    /// phase can be tampered with; Quietpost refuses a missing or refused STARTTLS, a PREAUTH
    /// greeting and any byte sent before the handshake, sends nothing but the upgrade before
    /// TLS, and trusts nothing learnt before it.
    #[serde(rename = "starttls")]
    StartTlsRequired,
}

/// Which server of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Imap,
    /// SMTP submission.
    Submission,
}

impl Security {
    /// The port a server of `protocol` usually listens on in this mode.
    pub fn usual_port(self, protocol: Protocol) -> u16 {
        match (protocol, self) {
            (Protocol::Imap, Security::ImplicitTls) => 993,
            (Protocol::Imap, Security::StartTlsRequired) => 143,
            (Protocol::Submission, Security::ImplicitTls) => 465,
            (Protocol::Submission, Security::StartTlsRequired) => 587,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_in_the_configuration_as_before() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct S {
            security: Security,
        }
        for (mode, text) in [
            (Security::ImplicitTls, "{\"security\":\"tls\"}"),
            (Security::StartTlsRequired, "{\"security\":\"starttls\"}"),
        ] {
            assert_eq!(serde_json::to_string(&S { security: mode }).unwrap(), text);
            assert_eq!(
                serde_json::from_str::<S>(text).unwrap(),
                S { security: mode }
            );
        }
        assert_eq!(
            Security::StartTlsRequired.usual_port(Protocol::Submission),
            587
        );
    }
}
