//! Remote images, loaded only because the user asked, only through the user's proxy
//! (safety.md §2 and §4).
//!
//! - Never direct: with no proxy there is no fetch at all, and the proxy is a kill-switch (see
//!   `route`): the image's host name is handed to the proxy, never looked up here.
//! - http and https only; at most [`Limits::max_redirects`] redirects, each checked again and
//!   each through the proxy; an address literal that is not public (loopback, private,
//!   link-local, ...) and `localhost` names are refused, so a message cannot aim the proxy at
//!   the user's own network.
//! - The request says as little as a browser can: a fixed generic User-Agent, `Accept:
//!   image/*`, no Cookie, no Referer, no compression, `Connection: close`.
//! - The response is capped in size and time, must be declared as a raster image (SVG is
//!   refused: it is a document that can load more), and must decode as PNG, JPEG, GIF or WebP
//!   within dimension and memory limits (the `image` crate, memory-safe). The caller gets the
//!   pixels, in memory only.

use crate::https;
use crate::route::{self, Route};
use crate::tls::{self, Trust};
use std::time::Duration;
use url::{Host, Url};

/// The User-Agent of every image request: the same for every Quietpost user, so it says
/// nothing about this one (the Tor Browser's, a common one).
pub const USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0";

/// Bounds on one image.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes of one response body.
    pub max_bytes: usize,
    pub max_redirects: usize,
    /// The whole load of one image, redirects included.
    pub timeout: Duration,
    pub max_width: u32,
    pub max_height: u32,
    /// Memory the decoder may allocate.
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 5 << 20,
            max_redirects: 3,
            timeout: Duration::from_secs(30),
            max_width: 8192,
            max_height: 8192,
            max_alloc: 128 << 20,
        }
    }
}

/// A loaded image: decoded, in memory only.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// Where it finally came from (after redirects).
    pub url: String,
    /// Bytes received.
    pub bytes: usize,
    pub width: u32,
    pub height: u32,
    /// RGBA, 8 bits per channel, row by row.
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Image({} x {}, {} bytes, {})",
            self.width, self.height, self.bytes, self.url
        )
    }
}

/// Why an image was not loaded. `Display` is plain words for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("no proxy is configured: remote content is never loaded directly")]
    NoProxy,
    #[error("proxy unreachable ({0})")]
    ProxyUnreachable(String),
    #[error("the proxy could not reach the server ({0})")]
    Proxy(String),
    #[error("not a web address Quietpost loads ({0})")]
    Scheme(String),
    #[error("not a valid web address")]
    BadUrl,
    #[error("points at a local or private address ({0}); never loaded")]
    PrivateAddress(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("larger than {0} bytes")]
    TooLarge(usize),
    #[error("no answer in time")]
    TimedOut,
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("not an image ({0})")]
    NotAnImage(String),
    #[error("the image is damaged or too large to decode ({0})")]
    Undecodable(String),
    #[error("the server's certificate was refused ({0})")]
    Certificate(String),
    #[error("{0}")]
    Connection(String),
}

/// Loads the image at `url` through `via` (see the module documentation).
pub async fn image(url: &str, via: &Route, limits: &Limits) -> Result<Image, Error> {
    if *via == Route::Direct {
        return Err(Error::NoProxy);
    }
    let mut current = checked(Url::parse(url.trim()).map_err(|_| Error::BadUrl)?)?;
    let work = async {
        let mut redirects = 0;
        loop {
            let response = get(&current, via, limits).await?;
            match response.status {
                200 => return decode(&current, response, limits),
                301 | 302 | 303 | 307 | 308 => {
                    redirects += 1;
                    if redirects > limits.max_redirects {
                        return Err(Error::TooManyRedirects(limits.max_redirects));
                    }
                    let location = response
                        .header("location")
                        .ok_or(Error::Connection("a redirect without a target".into()))?;
                    current = checked(current.join(location).map_err(|_| Error::BadUrl)?)?;
                }
                status => return Err(Error::Status(status)),
            }
        }
    };
    tokio::time::timeout(limits.timeout, work)
        .await
        .map_err(|_| Error::TimedOut)?
}

/// An address Quietpost may ask the proxy for: http(s), a host, no user name or password, and
/// not the user's own machine or network.
fn checked(url: Url) -> Result<Url, Error> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Scheme(format!("{}:", url.scheme())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::BadUrl);
    }
    match url.host() {
        None => Err(Error::BadUrl),
        Some(Host::Ipv4(ip)) if !is_public(std::net::IpAddr::V4(ip)) => {
            Err(Error::PrivateAddress(ip.to_string()))
        }
        Some(Host::Ipv6(ip)) if !is_public(std::net::IpAddr::V6(ip)) => {
            Err(Error::PrivateAddress(ip.to_string()))
        }
        Some(Host::Domain(d))
            if d.eq_ignore_ascii_case("localhost")
                || d.to_ascii_lowercase().ends_with(".localhost") =>
        {
            Err(Error::PrivateAddress(d.to_owned()))
        }
        Some(_) => Ok(url),
    }
}

fn is_public(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // carrier-grade NAT
                || o[0] >= 224)
        }
        std::net::IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(std::net::IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80) // link-local
        }
    }
}

/// One request, through the proxy.
async fn get(url: &Url, via: &Route, limits: &Limits) -> Result<https::Response, Error> {
    let host = url.host_str().ok_or(Error::BadUrl)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().ok_or(Error::BadUrl)?;
    let tcp = route::open(via, host, port, limits.timeout)
        .await
        .map_err(net_error)?;
    let authority = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or(host)),
        None => url.host_str().unwrap_or(host).to_owned(),
    };
    let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: {USER_AGENT}\r\nAccept: image/*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
    );
    let exchanged = if url.scheme() == "https" {
        let tls = tls::handshake(tcp, host, port, &Trust::System)
            .await
            .map_err(net_error)?;
        https::exchange(tls, &request, limits.max_bytes).await
    } else {
        https::exchange(tcp, &request, limits.max_bytes).await
    };
    exchanged.map_err(|detail| match detail {
        "response too large" => Error::TooLarge(limits.max_bytes),
        other => Error::Connection(format!("the server sent a broken answer ({other})")),
    })
}

fn net_error(e: crate::Error) -> Error {
    match e {
        crate::Error::ProxyUnreachable { reason, .. } => Error::ProxyUnreachable(reason),
        crate::Error::Proxy { detail, .. } => Error::Proxy(detail),
        crate::Error::Certificate { problem, .. } => Error::Certificate(problem.to_string()),
        crate::Error::TimedOut { .. } => Error::TimedOut,
        other => Error::Connection(other.to_string()),
    }
}

/// A raster image declared as one, decoded within the limits.
fn decode(url: &Url, response: https::Response, limits: &Limits) -> Result<Image, Error> {
    let declared = response
        .header("content-type")
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !declared.starts_with("image/") || declared.starts_with("image/svg") {
        return Err(Error::NotAnImage(if declared.is_empty() {
            "no type declared".into()
        } else {
            declared
        }));
    }
    let format = match image::guess_format(&response.body) {
        Ok(
            f @ (image::ImageFormat::Png
            | image::ImageFormat::Jpeg
            | image::ImageFormat::Gif
            | image::ImageFormat::WebP),
        ) => f,
        _ => {
            return Err(Error::NotAnImage(format!(
                "{declared} that is not PNG, JPEG, GIF or WebP"
            )));
        }
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&response.body), format);
    let mut bounds = image::Limits::default();
    bounds.max_image_width = Some(limits.max_width);
    bounds.max_image_height = Some(limits.max_height);
    bounds.max_alloc = Some(limits.max_alloc);
    reader.limits(bounds);
    let decoded = reader
        .decode()
        .map_err(|e| Error::Undecodable(e.to_string()))?;
    let rgba = decoded.to_rgba8();
    Ok(Image {
        url: url.to_string(),
        bytes: response.body.len(),
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_web_addresses() {
        let check = |u: &str| checked(Url::parse(u).unwrap());
        assert!(check("https://img.example/a.png").is_ok());
        assert!(check("http://news.invalid:8080/p.gif?x=1").is_ok());
        for bad in [
            "file:///etc/passwd",
            "ftp://x.example/a.png",
            "data:image/png;base64,AAAA",
            "http://127.0.0.1/a.png",
            "http://10.1.2.3/a.png",
            "http://192.168.0.1/a.png",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/a.png",
            "http://[fd00::1]/a.png",
            "http://[::ffff:127.0.0.1]/a.png",
            "http://0.0.0.0/",
            "http://localhost/a.png",
            "http://x.localhost/a.png",
            "http://user:pw@img.example/a.png",
            "http://2130706433/a.png",
        ] {
            assert!(check(bad).is_err(), "{bad} must be refused");
        }
    }

    #[tokio::test]
    async fn nothing_without_a_proxy() {
        assert_eq!(
            image(
                "https://img.example/a.png",
                &Route::Direct,
                &Limits::default()
            )
            .await,
            Err(Error::NoProxy)
        );
    }
}
