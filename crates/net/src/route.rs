//! How a connection reaches its server: directly, or through the user's proxy.
//!
//! A configured proxy is a kill-switch: if it is down or refuses, the connection fails. There is
//! never a silent direct connection and never a local DNS lookup of the destination — the proxy
//! is given the host *name*.
//!
//! This is Quietpost's one way out (ARCHITECTURE.md, "Egress"): every TCP connection is opened
//! by [`open`], and the only other network traffic, DNS service records for autoconfig, is
//! asked by [`service`], on a direct route only.

use crate::error::{Error, Result};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Longest HTTP proxy response head accepted.
const MAX_HTTP_HEAD: usize = 8 * 1024;

pub use quietpost_model::Route;

/// The proxy of `route`, for messages (empty when direct).
fn proxy_url(route: &Route) -> String {
    route.url()
}

/// Tor stream isolation: a SOCKS5 username and password (RFC 1929) that authenticate nothing
/// but keep apart what should not share a circuit. Tor (`IsolateSOCKSAuth`, on by default)
/// never puts streams with different credentials on the same circuit, so the provider, the
/// submission server and each message's image hosts see different exits. A proxy that does
/// not ask for a password (offered "no authentication" as well) is unaffected.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Isolation {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Isolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Isolation({}/{})", self.user, self.password)
    }
}

/// Opens a TCP stream to `host:port` along `route`; through SOCKS5 with `isolation`'s
/// credentials when given (ignored on other routes).
pub async fn open(
    route: &Route,
    isolation: Option<&Isolation>,
    host: &str,
    port: u16,
    limit: Duration,
) -> Result<TcpStream> {
    tracing::debug!(host, port, route = %proxy_url(route), ?isolation, "connecting");
    match route {
        Route::Direct => direct(host, port, limit).await,
        Route::Socks5 {
            host: p_host,
            port: p_port,
        } => {
            let mut s = to_proxy(route, p_host, *p_port, limit).await?;
            timeout(limit, socks5_connect(&mut s, isolation, host, port))
                .await
                .map_err(|_| proxy_error(route, "did not answer in time"))?
                .map_err(|detail| proxy_error(route, &detail))?;
            Ok(s)
        }
        Route::HttpConnect {
            host: p_host,
            port: p_port,
        } => {
            let mut s = to_proxy(route, p_host, *p_port, limit).await?;
            timeout(limit, http_connect(&mut s, host, port))
                .await
                .map_err(|_| proxy_error(route, "did not answer in time"))?
                .map_err(|detail| proxy_error(route, &detail))?;
            Ok(s)
        }
    }
}

fn proxy_error(route: &Route, detail: &str) -> Error {
    Error::Proxy {
        proxy: proxy_url(route),
        detail: detail.to_owned(),
    }
}

/// Connects to the proxy itself; any failure is the kill-switch, never a reason to go direct.
async fn to_proxy(route: &Route, host: &str, port: u16, limit: Duration) -> Result<TcpStream> {
    direct(host, port, limit)
        .await
        .map_err(|e| Error::ProxyUnreachable {
            proxy: proxy_url(route),
            reason: e.to_string(),
        })
}

/// Resolves and connects, classifying failures.
pub(crate) async fn direct(host: &str, port: u16, limit: Duration) -> Result<TcpStream> {
    let timed_out = || Error::TimedOut {
        host: host.to_owned(),
        port,
    };
    let addrs: Vec<_> = timeout(limit, tokio::net::lookup_host((host, port)))
        .await
        .map_err(|_| timed_out())?
        .map_err(|source| Error::NameNotFound {
            host: host.to_owned(),
            source,
        })?
        .collect();
    let mut last = None;
    for addr in addrs {
        match timeout(limit, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                // Each command goes out at once: Nagle's wait for an ACK only adds delay to a
                // protocol that writes a command and waits for its answer.
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Ok(Err(e)) => last = Some(e),
            Err(_) => return Err(timed_out()),
        }
    }
    Err(match last {
        Some(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Error::Refused {
            host: host.to_owned(),
            port,
        },
        Some(source) => Error::Connect {
            host: host.to_owned(),
            port,
            source,
        },
        None => Error::NameNotFound {
            host: host.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no address"),
        },
    })
}

/// RFC 1928 CONNECT with the destination as a domain name (ATYP 3), or as the literal address
/// when `host` is one; with `isolation`, username/password authentication (RFC 1929) is
/// offered beside none. Reads exactly the reply's bytes, so nothing of the server's is consumed.
async fn socks5_connect(
    s: &mut TcpStream,
    isolation: Option<&Isolation>,
    host: &str,
    port: u16,
) -> std::result::Result<(), String> {
    let io = |e: std::io::Error| format!("connection lost ({e})");
    match isolation {
        Some(_) => s.write_all(&[5, 2, 0, 2]).await.map_err(io)?,
        None => s.write_all(&[5, 1, 0]).await.map_err(io)?,
    }
    let mut choice = [0u8; 2];
    s.read_exact(&mut choice).await.map_err(io)?;
    match (choice, isolation) {
        ([5, 0], _) => {}
        ([5, 2], Some(i)) => {
            let (user, password) = (i.user.as_bytes(), i.password.as_bytes());
            let (Ok(ul), Ok(pl)) = (u8::try_from(user.len()), u8::try_from(password.len())) else {
                return Err("was given stream-isolation credentials too long for SOCKS5".into());
            };
            let mut auth = vec![1, ul];
            auth.extend_from_slice(user);
            auth.push(pl);
            auth.extend_from_slice(password);
            s.write_all(&auth).await.map_err(io)?;
            let mut status = [0u8; 2];
            s.read_exact(&mut status).await.map_err(io)?;
            if status[1] != 0 {
                return Err("refused the stream-isolation credentials".into());
            }
        }
        _ => {
            return Err("is not a SOCKS5 proxy that accepts connections without a password".into());
        }
    }
    let mut request = vec![5, 1, 0];
    match host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
    {
        Ok(std::net::IpAddr::V4(ip)) => {
            request.push(1);
            request.extend_from_slice(&ip.octets());
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            request.push(4);
            request.extend_from_slice(&ip.octets());
        }
        Err(_) => {
            let name = host.as_bytes();
            let len = u8::try_from(name.len())
                .map_err(|_| "the host name is too long for SOCKS5".to_owned())?;
            request.push(3);
            request.push(len);
            request.extend_from_slice(name);
        }
    }
    request.extend_from_slice(&port.to_be_bytes());
    s.write_all(&request).await.map_err(io)?;
    let mut head = [0u8; 4];
    s.read_exact(&mut head).await.map_err(io)?;
    if head[0] != 5 {
        return Err("answered with something that is not SOCKS5".into());
    }
    if head[1] != 0 {
        return Err(match head[1] {
            1 => "reported a general failure",
            2 => "does not allow this connection",
            3 => "cannot reach that network",
            4 => "cannot reach that host",
            5 => "was refused by the server",
            6 => "timed out reaching the server",
            7 => "does not support CONNECT",
            8 => "does not support that address type",
            _ => "refused the connection",
        }
        .into());
    }
    // The bound address, which we do not need, then the port.
    let skip = match head[3] {
        1 => 4,
        4 => 16,
        3 => {
            let mut len = [0u8; 1];
            s.read_exact(&mut len).await.map_err(io)?;
            len[0] as usize
        }
        _ => return Err("sent a malformed reply".into()),
    };
    let mut rest = vec![0u8; skip + 2];
    s.read_exact(&mut rest).await.map_err(io)?;
    Ok(())
}

/// HTTP CONNECT. Reads the response head byte by byte so no byte of the server's is consumed.
async fn http_connect(s: &mut TcpStream, host: &str, port: u16) -> std::result::Result<(), String> {
    let io = |e: std::io::Error| format!("connection lost ({e})");
    let authority = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
    s.write_all(request.as_bytes()).await.map_err(io)?;
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HTTP_HEAD {
            return Err("sent an over-long response".into());
        }
        if s.read(&mut byte).await.map_err(io)? == 0 {
            return Err("closed the connection".into());
        }
        head.push(byte[0]);
    }
    let status_line = String::from_utf8_lossy(&head);
    let status = status_line.split_whitespace().nth(1).unwrap_or("");
    if !status.starts_with('2') {
        let line = status_line.lines().next().unwrap_or("");
        return Err(format!(
            "refused: {}",
            quietpost_model::SafeLine::new(line, 120)
        ));
    }
    Ok(())
}

/// A DNS resolver for service records: the system's, or one a test points at its own server.
pub type Resolver = hickory_resolver::TokioResolver;

/// The system's resolver (from /etc/resolv.conf or the platform's settings).
pub fn system_resolver() -> std::result::Result<Resolver, String> {
    hickory_resolver::Resolver::builder_tokio()
        .map_err(|e| format!("no DNS resolver ({e})"))?
        .build()
        .map_err(|e| format!("no DNS resolver ({e})"))
}

/// The best target of service record `name` (RFC 2782: lowest priority, then highest weight;
/// a target of "." means the service is not offered). Only on a direct route: through a proxy
/// a DNS query would leave it, so nothing is asked and the answer is `None`.
pub async fn service(route: &Route, resolver: &Resolver, name: &str) -> Option<(String, u16)> {
    use hickory_resolver::proto::rr::{RData, RecordType};
    if *route != Route::Direct {
        return None;
    }
    tracing::debug!(name, "service record lookup");
    let lookup = resolver.lookup(name, RecordType::SRV).await.ok()?;
    lookup
        .answers()
        .iter()
        .filter_map(|r| match &r.data {
            RData::SRV(srv) => Some(srv.clone()),
            _ => None,
        })
        .filter(|srv| srv.port != 0 && !srv.target.is_root())
        .min_by_key(|srv| (srv.priority, std::cmp::Reverse(srv.weight)))
        .map(|srv| {
            (
                srv.target
                    .to_ascii()
                    .trim_end_matches('.')
                    .to_ascii_lowercase(),
                srv.port,
            )
        })
}
