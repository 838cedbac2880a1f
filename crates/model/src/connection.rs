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

/// The path to a server. In config.toml an account's `proxy = "socks5://HOST:PORT"` or
/// `"http://HOST:PORT"` (no proxy: direct); parsed once, when the file is read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Route {
    /// Straight to the server. The server, and anyone watching the network, sees your IP
    /// address, and your resolver sees the server's name.
    #[default]
    Direct,
    /// Through a SOCKS5 proxy (Tor: 127.0.0.1:9050). The proxy resolves the server's name; your
    /// IP address and resolver are not used for it.
    Socks5 { host: String, port: u16 },
    /// Through an HTTP proxy's CONNECT. The proxy resolves the server's name.
    HttpConnect { host: String, port: u16 },
}

impl Route {
    /// The proxy as a URL (`socks5://127.0.0.1:9050`); empty for a direct route.
    pub fn url(&self) -> String {
        let host = |h: &str| {
            if h.contains(':') {
                format!("[{h}]")
            } else {
                h.to_owned()
            }
        };
        match self {
            Route::Direct => String::new(),
            Route::Socks5 { host: h, port } => format!("socks5://{}:{port}", host(h)),
            Route::HttpConnect { host: h, port } => format!("http://{}:{port}", host(h)),
        }
    }
}

/// A proxy that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadProxy(pub String);

impl std::fmt::Display for BadProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid proxy {:?}: expected socks5://HOST:PORT or http://HOST:PORT",
            self.0
        )
    }
}

impl std::error::Error for BadProxy {}

impl std::str::FromStr for Route {
    type Err = BadProxy;

    /// Parses `socks5://HOST:PORT` (or `socks5h://`) or `http://HOST:PORT`.
    fn from_str(s: &str) -> Result<Route, BadProxy> {
        let bad = || BadProxy(s.to_owned());
        let (scheme, rest) = s.trim().split_once("://").ok_or_else(bad)?;
        let (host, port) = rest
            .trim_end_matches('/')
            .rsplit_once(':')
            .ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if host.is_empty() || port == 0 {
            return Err(bad());
        }
        match scheme.to_ascii_lowercase().as_str() {
            "socks5" | "socks5h" => Ok(Route::Socks5 { host, port }),
            "http" => Ok(Route::HttpConnect { host, port }),
            _ => Err(bad()),
        }
    }
}

impl Serialize for Route {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.url())
    }
}

impl<'de> Deserialize<'de> for Route {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Route, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A SHA-256 fingerprint, for pinning a server's certificate: 64 hex digits, written
/// `AB:CD:…` (colons and spaces are ignored when it is read). Parsed once, when config.toml is
/// read or a person types it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// A fingerprint that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFingerprint(pub String);

impl std::fmt::Display for BadFingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid SHA-256 fingerprint {:?}: expected 64 hex digits",
            self.0
        )
    }
}

impl std::error::Error for BadFingerprint {}

impl std::str::FromStr for Fingerprint {
    type Err = BadFingerprint;

    fn from_str(s: &str) -> Result<Fingerprint, BadFingerprint> {
        let hex: Vec<u8> = s.bytes().filter(|b| !matches!(b, b':' | b' ')).collect();
        let bad = || BadFingerprint(s.to_owned());
        if hex.len() != 64 || !hex.iter().all(u8::is_ascii_hexdigit) {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            let pair = std::str::from_utf8(&hex[2 * i..2 * i + 2]).map_err(|_| bad())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(Fingerprint(out))
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Fingerprint, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
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

    #[test]
    fn fingerprints_parse_in_any_usual_spelling() {
        let fp = Fingerprint([0xAB; 32]);
        let text = fp.to_string();
        assert_eq!(text.len(), 32 * 3 - 1);
        assert_eq!(text.parse(), Ok(fp));
        assert_eq!(text.replace(':', "").to_lowercase().parse(), Ok(fp));
        assert_eq!(text.replace(':', " ").parse(), Ok(fp));
        assert!("AB:CD".parse::<Fingerprint>().is_err());
        assert!("zz".repeat(32).parse::<Fingerprint>().is_err());
        assert!("é".repeat(32).parse::<Fingerprint>().is_err());
        assert!("+A".repeat(32).parse::<Fingerprint>().is_err());
    }

    #[test]
    fn proxies_parse_once_and_write_back_the_same() {
        assert_eq!(
            "socks5://127.0.0.1:9050".parse(),
            Ok(Route::Socks5 {
                host: "127.0.0.1".into(),
                port: 9050
            })
        );
        let v6: Route = "http://[::1]:8080".parse().unwrap();
        assert_eq!(
            v6,
            Route::HttpConnect {
                host: "::1".into(),
                port: 8080
            }
        );
        assert_eq!(v6.url(), "http://[::1]:8080");
        for bad in [
            "socks4://x:1",
            "socks5://x",
            "socks5://:9050",
            "tor",
            "socks5://x:0",
        ] {
            assert!(bad.parse::<Route>().is_err(), "{bad}");
        }
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct A {
            proxy: Option<Route>,
        }
        let text = "{\"proxy\":\"socks5://127.0.0.1:9050\"}";
        let a: A = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), text);
        assert!(serde_json::from_str::<A>("{\"proxy\":\"socks4://x:1\"}").is_err());
    }
}
