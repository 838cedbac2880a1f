//! The fake servers' side of a connection: reads lines, records every byte it receives.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub struct Peer<S> {
    pub s: S,
    pub buf: Vec<u8>,
    /// Every byte received, for asserting what the client sent.
    pub seen: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Peer<S> {
    pub fn new(s: S) -> Self {
        Peer {
            s,
            buf: Vec::new(),
            seen: Vec::new(),
        }
    }

    pub async fn line(&mut self) -> Option<String> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let l: Vec<u8> = self.buf.drain(..=i).collect();
                return Some(String::from_utf8_lossy(&l).trim_end().to_owned());
            }
            let mut chunk = [0u8; 4096];
            let n = self.s.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            self.seen.extend_from_slice(&chunk[..n]);
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    pub async fn say(&mut self, text: &str) {
        let _ = self.s.write_all(text.as_bytes()).await;
        let _ = self.s.flush().await;
    }
}
