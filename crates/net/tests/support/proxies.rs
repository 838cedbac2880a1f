//! In-process SOCKS5 and HTTP CONNECT proxies that record what they were asked and relay to
//! 127.0.0.1 (they do the name resolution, as a real proxy would).
#![allow(dead_code)]

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a proxy was asked to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    /// SOCKS5 address type: 1 IPv4, 3 domain name, 4 IPv6; 0 for HTTP.
    pub atyp: u8,
    /// The destination as given: a name, or an address.
    pub destination: String,
    pub port: u16,
}

/// Starts a SOCKS5 proxy for one connection. `reply` 0 relays; any other code refuses.
pub async fn socks5(reply: u8) -> (u16, tokio::task::JoinHandle<Option<Asked>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (mut c, _) = listener.accept().await.ok()?;
        let mut hello = [0u8; 2];
        c.read_exact(&mut hello).await.ok()?;
        let mut methods = vec![0u8; hello[1] as usize];
        c.read_exact(&mut methods).await.ok()?;
        c.write_all(&[5, 0]).await.ok()?;
        let mut head = [0u8; 4];
        c.read_exact(&mut head).await.ok()?;
        let destination = match head[3] {
            1 => {
                let mut a = [0u8; 4];
                c.read_exact(&mut a).await.ok()?;
                std::net::Ipv4Addr::from(a).to_string()
            }
            3 => {
                let mut len = [0u8; 1];
                c.read_exact(&mut len).await.ok()?;
                let mut name = vec![0u8; len[0] as usize];
                c.read_exact(&mut name).await.ok()?;
                String::from_utf8_lossy(&name).into_owned()
            }
            _ => return None,
        };
        let mut p = [0u8; 2];
        c.read_exact(&mut p).await.ok()?;
        let asked = Asked {
            atyp: head[3],
            destination,
            port: u16::from_be_bytes(p),
        };
        if reply != 0 {
            c.write_all(&[5, reply, 0, 1, 0, 0, 0, 0, 0, 0])
                .await
                .ok()?;
            return Some(asked);
        }
        let mut upstream = TcpStream::connect(("127.0.0.1", asked.port)).await.ok()?;
        c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await.ok()?;
        let _ = tokio::io::copy_bidirectional(&mut c, &mut upstream).await;
        Some(asked)
    });
    (port, handle)
}

/// Starts an HTTP CONNECT proxy for one connection. `status` 200 relays; others refuse.
pub async fn http(status: u16) -> (u16, tokio::task::JoinHandle<Option<Asked>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (mut c, _) = listener.accept().await.ok()?;
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if c.read(&mut b).await.ok()? == 0 {
                return None;
            }
            head.push(b[0]);
        }
        let line = String::from_utf8_lossy(&head).lines().next()?.to_owned();
        let authority = line.split_whitespace().nth(1)?.to_owned();
        let (name, p) = authority.rsplit_once(':')?;
        let asked = Asked {
            atyp: 0,
            destination: name.to_owned(),
            port: p.parse().ok()?,
        };
        if status != 200 {
            c.write_all(format!("HTTP/1.1 {status} Forbidden\r\n\r\n").as_bytes())
                .await
                .ok()?;
            return Some(asked);
        }
        let mut upstream = TcpStream::connect(("127.0.0.1", asked.port)).await.ok()?;
        c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .ok()?;
        let _ = tokio::io::copy_bidirectional(&mut c, &mut upstream).await;
        Some(asked)
    });
    (port, handle)
}
