//! A deliberately small HTTPS GET for fetching configuration documents (autoconfig): HTTPS
//! only, through the account's route, with the one TLS policy; no cookies, no redirects, no
//! compression, a size cap and a time limit. Not a general HTTP client (`fetch` uses its
//! exchange for images).

use crate::endpoint::Timeouts;
use crate::error::{Error, Result};
use crate::route::{self, Route};
use crate::tls::{self, Trust};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

/// Longest response head accepted.
const MAX_HEAD: usize = 16 * 1024;

/// A response: status, header fields and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Header fields in order: names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header field `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` over `stream` and reads one response, at most `max_body` bytes of body: up
/// to its end (its length, its last chunk) when it says where that is, else until the server
/// closes. The connection is then dropped, whatever the request said about keeping it.
pub(crate) async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &str,
    max_body: usize,
) -> std::result::Result<Response, &'static str> {
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|_| "connection lost")?;
    let mut raw = Vec::new();
    let limit = MAX_HEAD + max_body + 1;
    let mut buf = vec![0u8; 16 * 1024];
    while raw.len() < limit && !complete(&raw, max_body) {
        // Servers often close without a TLS close_notify; what arrived is judged below.
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    parse(&raw, max_body)
}

/// Whether `raw` holds a whole response, or enough to refuse it (a body that is too large).
fn complete(raw: &[u8], max_body: usize) -> bool {
    let Some(head_end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return raw.len() > MAX_HEAD;
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let body = &raw[head_end + 4..];
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if status.starts_with('1') || status == "204" || status == "304" {
        return true;
    }
    let field = |name: &str| {
        head.split("\r\n")
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    if field("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        return matches!(dechunk(body, max_body), Ok(_) | Err("response too large"));
    }
    match field("content-length").map(|v| v.parse::<usize>()) {
        Some(Ok(len)) => len > max_body || body.len() >= len,
        Some(Err(_)) => true,
        None => false,
    }
}

/// GETs `https://host:port{path}`, reading at most `max_body` bytes of body.
pub async fn get(
    host: &str,
    port: u16,
    path: &str,
    trust: &Trust,
    via: &Route,
    max_body: usize,
    t: &Timeouts,
) -> Result<Response> {
    let protocol = |detail: &str| Error::Protocol {
        host: host.to_owned(),
        detail: detail.to_owned(),
    };
    if !path.starts_with('/') || path.contains(['\r', '\n', ' ']) {
        return Err(protocol("invalid request path"));
    }
    let work = async {
        let tcp = route::open(via, None, host, port, t.connect).await?;
        let stream = tls::handshake(tcp, host, port, trust, via).await?;
        let authority = if port == 443 {
            host.to_owned()
        } else {
            format!("{host}:{port}")
        };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nAccept: application/xml, text/xml\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
        );
        exchange(stream, &request, max_body).await.map_err(protocol)
    };
    timeout(t.command, work)
        .await
        .map_err(|_| Error::TimedOut {
            host: host.to_owned(),
            port,
        })?
}

/// Parses a complete HTTP/1.1 response.
fn parse(raw: &[u8], max_body: usize) -> std::result::Result<Response, &'static str> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no complete response")?;
    if head_end > MAX_HEAD {
        return Err("response head too long");
    }
    let head = std::str::from_utf8(&raw[..head_end]).map_err(|_| "response head is not text")?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .filter(|l| l.starts_with("HTTP/1."))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("not an HTTP response")?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let body = &raw[head_end + 4..];
    let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        dechunk(body, max_body)?
    } else if let Some(len) = header("content-length") {
        let len: usize = len.parse().map_err(|_| "invalid Content-Length")?;
        if len > max_body {
            return Err("response too large");
        }
        body.get(..len).ok_or("response cut short")?.to_vec()
    } else {
        if body.len() > max_body {
            return Err("response too large");
        }
        body.to_vec()
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8], max: usize) -> std::result::Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    loop {
        let line_end = b.windows(2).position(|w| w == b"\r\n").ok_or("bad chunk")?;
        let size_text = std::str::from_utf8(&b[..line_end]).map_err(|_| "bad chunk")?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "bad chunk")?;
        b = &b[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if out.len() + size > max {
            return Err("response too large");
        }
        out.extend_from_slice(b.get(..size).ok_or("chunk cut short")?);
        b = b.get(size + 2..).ok_or("chunk cut short")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_length_chunked_and_limits() {
        let r = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello!!", 100).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"hello"[..]));
        let r = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 100).unwrap();
        assert_eq!(r.body, b"abcde");
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nx", 100).is_err());
        assert!(parse(b"SSH-2.0-x\r\n\r\n", 100).is_err());
    }

    #[test]
    fn a_response_ends_where_it_says() {
        let whole = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        assert!(complete(whole, 100));
        assert!(!complete(&whole[..whole.len() - 1], 100));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        assert!(complete(chunked, 100));
        assert!(!complete(&chunked[..chunked.len() - 7], 100));
        // Too large: no need to read on.
        assert!(complete(
            b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n",
            100
        ));
        // No length: until the server closes.
        assert!(!complete(b"HTTP/1.1 200 OK\r\n\r\nabc", 100));
        assert!(complete(b"HTTP/1.1 304 Not Modified\r\n\r\n", 100));
    }
}
