//! Remote images, loaded only because the user asked, only through the user's proxy
//! (safety-rules §2 and §4).
//!
//! - Never direct: with no proxy there is no fetch at all, and the proxy is a kill-switch (see
//!   `route`): the image's host name is handed to the proxy, never looked up here.
//! - A message must not aim the user's proxy at the user's own machine or network (an SSH or
//!   company proxy reaches it even where Tor does not): http and https on their usual ports
//!   only (80, 443); no address that is not public (loopback, private, link-local, shared,
//!   benchmarking, documentation, multicast, IPv6 outside global unicast — mapped, compatible,
//!   NAT64, 6to4 and Teredo forms included); no name that only a local network resolves
//!   (`localhost` and its spellings, a single label such as `router`, `.local`, `.lan`,
//!   `.internal`, `.home.arpa`, ...); no name that carries a private address inside it (the
//!   `10.0.0.1.nip.io`, `10-0-0-1.sslip.io`, `0a000001.rbndr.us` kinds) or is known to resolve
//!   to loopback. At most [`Limits::max_redirects`] redirects, each checked again.
//! - The request is a browser's: the header set of the Firefox release whose User-Agent it
//!   sends (Tor Browser's), in its order, with no Cookie and no Referer.
//! - The response is capped in size and time, must be declared as a raster image (SVG is
//!   refused: it is a document that can load more), and must decode as PNG, JPEG, GIF or WebP
//!   within dimension limits, a per-image pixel budget and the message's [`Budget`], all
//!   checked from the image's header **before** any pixel memory is allocated (the `image`
//!   crate, memory-safe). The caller gets the pixels, in memory only.

use crate::https;
use crate::route::{self, Route};
use crate::tls::{self, Trust};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;
use url::{Host, Url};

/// The User-Agent of every image request: the same for every Quietpost user, so it says
/// nothing about this one (the Tor Browser's, a common one).
pub const USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0";

/// The header fields of an image request after `Host` and `User-Agent`, as the Firefox release
/// [`USER_AGENT`] names sends them for an `<img>`, in its order. `Sec-Fetch-*` only go to
/// https addresses, as in the browser.
const ACCEPT: &str = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";
const ACCEPT_LANGUAGE: &str = "en-US,en;q=0.5";
const ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// Names that resolve to the machine itself on public DNS, whatever is put in front of them
/// (services made for developers). Incomplete by nature: see SECURITY.md.
const LOOPBACK_DOMAINS: &[&str] = &[
    "localtest.me",
    "lvh.me",
    "vcap.me",
    "lacolhost.com",
    "fuf.me",
    "localho.st",
    "localhost.direct",
    "yoogle.com",
];

/// Top-level names that only a local network answers (RFC 6762 `.local`, RFC 8375
/// `.home.arpa`, ICANN's `.internal`, and those routers and companies use).
const LOCAL_SUFFIXES: &[&str] = &[
    "localhost",
    "localdomain",
    "local",
    "lan",
    "home",
    "internal",
    "intranet",
    "corp",
    "private",
    "test",
    "arpa",
];

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
    /// Pixel memory of one decoded image (RGBA, 4 bytes a pixel), checked from its header.
    pub max_decoded: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 5 << 20,
            max_redirects: 3,
            timeout: Duration::from_secs(30),
            max_width: 8192,
            max_height: 8192,
            max_alloc: 64 << 20,
            max_decoded: 48 << 20,
        }
    }
}

/// Pixel memory a set of loads may hold together (one message's images), shared by loads
/// running at the same time: each image takes its share before it is decoded and keeps it.
#[derive(Debug, Clone)]
pub struct Budget {
    total: usize,
    left: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Budget {
    pub fn new(bytes: usize) -> Budget {
        Budget {
            total: bytes,
            left: std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(bytes)),
        }
    }

    /// Takes `bytes` if that many are left.
    fn take(&self, bytes: usize) -> bool {
        use std::sync::atomic::Ordering;
        self.left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(bytes)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: usize) {
        self.left
            .fetch_add(bytes, std::sync::atomic::Ordering::SeqCst);
    }

    /// Bytes not taken yet.
    pub fn left(&self) -> usize {
        self.left.load(std::sync::atomic::Ordering::SeqCst)
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
    #[error("uses port {0}: only the web's usual ports (80 for http, 443 for https) are loaded")]
    Port(u16),
    #[error("{0} x {1} pixels: larger than Quietpost loads")]
    TooManyPixels(u32, u32),
    #[error("the message's images together would take more than {0} MB of memory")]
    OverBudget(usize),
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
    #[error("sent compressed as {0}, which Quietpost does not read")]
    Encoding(String),
    #[error("the image is damaged or too large to decode ({0})")]
    Undecodable(String),
    #[error("the server's certificate was refused ({0})")]
    Certificate(String),
    #[error("{0}")]
    Connection(String),
}

/// Loads the image at `url` through `via` (with `isolation`'s SOCKS5 credentials, when given),
/// its pixels counted against `budget` (see the module documentation).
pub async fn image(
    url: &str,
    via: &Route,
    isolation: Option<&route::Isolation>,
    limits: &Limits,
    budget: &Budget,
) -> Result<Image, Error> {
    if *via == Route::Direct {
        return Err(Error::NoProxy);
    }
    let mut current = checked(Url::parse(url.trim()).map_err(|_| Error::BadUrl)?)?;
    let work = async {
        let mut redirects = 0;
        loop {
            let response = get(&current, via, isolation, limits).await?;
            match response.status {
                200 => return decode(&current, response, limits, budget),
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

/// An address Quietpost may ask the proxy for: http(s) on its usual port, a host, no user name
/// or password, and not the user's own machine or network.
fn checked(url: Url) -> Result<Url, Error> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Scheme(format!("{}:", url.scheme())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::BadUrl);
    }
    let host = match url.host() {
        None => return Err(Error::BadUrl),
        Some(Host::Ipv4(ip)) if !is_public(IpAddr::V4(ip)) => {
            Err(Error::PrivateAddress(ip.to_string()))
        }
        Some(Host::Ipv6(ip)) if !is_public(IpAddr::V6(ip)) => {
            Err(Error::PrivateAddress(ip.to_string()))
        }
        Some(Host::Domain(d)) => match local_name(d) {
            Some(why) => Err(Error::PrivateAddress(why)),
            None => Ok(()),
        },
        Some(_) => Ok(()),
    };
    host?;
    // WHATWG parsing drops a port that is the scheme's default: any port left is another.
    match url.port() {
        Some(port) => Err(Error::Port(port)),
        None => Ok(url),
    }
}

/// Why the domain name `name` may stand for the user's own machine or network, if it may.
/// Names are never looked up here (the proxy does that), so this judges the name itself.
fn local_name(name: &str) -> Option<String> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    let said = |what: &str| Some(format!("{name}: {what}"));
    if lower.is_empty() || !lower.contains('.') {
        return said("a name without a domain, which the proxy's own network answers");
    }
    let ends_with = |suffix: &str| lower == suffix || lower.ends_with(&format!(".{suffix}"));
    if let Some(s) = LOCAL_SUFFIXES.iter().find(|s| ends_with(s)) {
        return said(&format!("a .{s} name, which only a local network answers"));
    }
    if LOOPBACK_DOMAINS.iter().any(|d| ends_with(d)) {
        return said("a name that resolves to the machine itself");
    }
    embedded_address(&lower)
        .filter(|ip| !is_public(*ip))
        .map(|ip| format!("{name}: a name that carries the address {ip}"))
}

/// A non-public address written inside a name, as wildcard-DNS services answer it: four
/// decimal labels (`10.0.0.1.nip.io`), four decimal numbers between hyphens
/// (`app-10-0-0-1.sslip.io`), eight hex digits (`0a000001.nip.io`, `7f000001.c0a80001.rbndr.us`)
/// or an IPv6 address with hyphens for colons (`--1.sslip.io`, `fe80--1.sslip.io`).
fn embedded_address(name: &str) -> Option<IpAddr> {
    let labels: Vec<&str> = name.split('.').collect();
    let octet = |s: &str| -> Option<u8> {
        (!s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let four = |parts: &[&str]| -> Vec<IpAddr> {
        parts
            .windows(4)
            .filter_map(|w| {
                Some(IpAddr::V4(Ipv4Addr::new(
                    octet(w[0])?,
                    octet(w[1])?,
                    octet(w[2])?,
                    octet(w[3])?,
                )))
            })
            .collect()
    };
    let mut found = four(&labels);
    for label in &labels {
        let tokens: Vec<&str> = label.split('-').collect();
        found.extend(four(&tokens));
        for t in &tokens {
            if t.len() == 8
                && t.bytes().all(|b| b.is_ascii_hexdigit())
                && let Ok(n) = u32::from_str_radix(t, 16)
            {
                found.push(IpAddr::V4(Ipv4Addr::from(n)));
            }
        }
        if label.contains('-')
            && label.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            && let Ok(v6) = label.replace('-', ":").parse::<Ipv6Addr>()
        {
            found.push(IpAddr::V6(v6));
        }
    }
    found.into_iter().find(|ip| !is_public(*ip))
}

/// Whether `ip` is an address of the public internet. IPv6: global unicast (2000::/3) only,
/// without its special blocks (documentation, IETF protocol assignments and Teredo, 6to4).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // shared (carrier-grade NAT)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
                || (o[0] == 192 && o[1] == 88 && o[2] == 99) // 6to4 relays
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) // benchmarking
                || o[0] >= 224) // multicast, reserved
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let global_unicast = (s[0] & 0xe000) == 0x2000;
            global_unicast
                && !(s[0] == 0x2001 && s[1] < 0x0200) // 2001::/23, Teredo among them
                && !(s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                && s[0] != 0x2002 // 6to4: an IPv4 address inside
                && (s[0] & 0xfff0) != 0x3ff0 // documentation (3fff::/20)
        }
    }
}

/// One request, through the proxy.
async fn get(
    url: &Url,
    via: &Route,
    isolation: Option<&route::Isolation>,
    limits: &Limits,
) -> Result<https::Response, Error> {
    let host = url.host_str().ok_or(Error::BadUrl)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().ok_or(Error::BadUrl)?;
    let tcp = route::open(via, isolation, host, port, limits.timeout)
        .await
        .map_err(net_error)?;
    let request = request(url);
    let exchanged = if url.scheme() == "https" {
        let tls = tls::handshake(tcp, host, port, &Trust::System, via)
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

/// The request head for `url`: see [`ACCEPT`].
fn request(url: &Url) -> String {
    let authority = url.host_str().unwrap_or_default();
    let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
    let fetch_metadata = if url.scheme() == "https" {
        "Sec-Fetch-Dest: image\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: cross-site\r\n"
    } else {
        ""
    };
    format!(
        "GET {target} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: {USER_AGENT}\r\nAccept: {ACCEPT}\r\nAccept-Language: {ACCEPT_LANGUAGE}\r\nAccept-Encoding: {ACCEPT_ENCODING}\r\nConnection: keep-alive\r\n{fetch_metadata}Priority: u=5, i\r\n\r\n"
    )
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

/// The body as sent, without its content coding (gzip and deflate are read, within
/// `max_bytes`).
fn decoded_body(response: &https::Response, max_bytes: usize) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let coding = response
        .header("content-encoding")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut out = Vec::new();
    let read = match coding.as_str() {
        "" | "identity" => return Ok(response.body.clone()),
        "gzip" | "x-gzip" => flate2::read::GzDecoder::new(&response.body[..])
            .take(max_bytes as u64 + 1)
            .read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(&response.body[..])
            .take(max_bytes as u64 + 1)
            .read_to_end(&mut out),
        other => return Err(Error::Encoding(other.chars().take(40).collect())),
    };
    read.map_err(|e| Error::Undecodable(format!("{coding}: {e}")))?;
    if out.len() > max_bytes {
        return Err(Error::TooLarge(max_bytes));
    }
    Ok(out)
}

/// A raster image declared as one, decoded within the limits and the budget. The size is read
/// from the image's header and judged before any pixel memory is allocated.
fn decode(
    url: &Url,
    response: https::Response,
    limits: &Limits,
    budget: &Budget,
) -> Result<Image, Error> {
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
    let body = decoded_body(&response, limits.max_bytes)?;
    let mut img = decode_bytes(&body, &declared, limits, budget)?;
    img.url = url.to_string();
    img.bytes = response.body.len();
    Ok(img)
}

/// Bytes that should be a PNG, JPEG, GIF or WebP image (by their content, whatever `what` says
/// they are), decoded within the limits and the budget: the size is read from the image's
/// header and judged before any pixel memory is allocated. No I/O: the window's previews of
/// image attachments use it too.
pub fn decode_bytes(
    body: &[u8],
    what: &str,
    limits: &Limits,
    budget: &Budget,
) -> Result<Image, Error> {
    let declared = what;
    if body.len() > limits.max_bytes {
        return Err(Error::TooLarge(limits.max_bytes));
    }
    let format = match image::guess_format(body) {
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
    let undecodable = |e: image::ImageError| Error::Undecodable(e.to_string());
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(body), format);
    let mut bounds = image::Limits::default();
    bounds.max_image_width = Some(limits.max_width);
    bounds.max_image_height = Some(limits.max_height);
    bounds.max_alloc = Some(limits.max_alloc);
    reader.limits(bounds);
    let decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => Error::Undecodable("larger than Quietpost loads".into()),
        e => undecodable(e),
    })?;
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    let pixels = (width as usize)
        .checked_mul(height as usize)
        .and_then(|n| n.checked_mul(4))
        .filter(|n| *n <= limits.max_decoded)
        .ok_or(Error::TooManyPixels(width, height))?;
    if !budget.take(pixels) {
        return Err(Error::OverBudget(budget.total >> 20));
    }
    let rgba = match image::DynamicImage::from_decoder(decoder) {
        Ok(img) => img.into_rgba8(),
        Err(e) => {
            budget.give_back(pixels);
            return Err(undecodable(e));
        }
    };
    Ok(Image {
        url: String::new(),
        bytes: body.len(),
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bounded decoder reads content, not claims: text named a PNG is refused, and a PNG
    /// header announcing 100,000 × 100,000 pixels is refused before any pixel is allocated.
    #[test]
    fn decoding_bytes_judges_the_content_and_the_size_first() {
        let limits = Limits::default();
        let budget = Budget::new(limits.max_decoded);
        let text = decode_bytes(b"<html>not a picture</html>", "image/png", &limits, &budget);
        assert!(matches!(text, Err(Error::NotAnImage(_))), "{text:?}");
        let mut huge = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        huge.extend_from_slice(&100_000u32.to_be_bytes());
        huge.extend_from_slice(&100_000u32.to_be_bytes());
        huge.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        let refused = decode_bytes(&huge, "image/png", &limits, &budget);
        assert!(refused.is_err(), "{refused:?}");
        assert_eq!(
            budget.left(),
            limits.max_decoded,
            "nothing taken from the budget"
        );
    }

    #[test]
    fn only_public_web_addresses() {
        let check = |u: &str| checked(Url::parse(u).unwrap());
        for good in [
            "https://img.example/a.png",
            "http://news.invalid/p.gif?x=1",
            "http://img.example:80/a.png",
            "https://cdn.example.com:443/a.png",
            "http://93.184.216.34/a.png",
            "http://[2a00:1450:4001:80b::200e]/a.png",
            "https://xn--bcher-kva.example/a.png",
            "https://1-2-3-4.example/a.png",
            "https://img-2024-11-05.example/a.png",
            "https://abcdef12.cdn.example/a.png",
            "http://duckduckgo.onion.example/a.png",
        ] {
            assert!(
                check(good).is_ok(),
                "{good} must be allowed: {:?}",
                check(good)
            );
        }
        for bad in [
            "file:///etc/passwd",
            "ftp://x.example/a.png",
            "data:image/png;base64,AAAA",
            "http://127.0.0.1/a.png",
            "http://127.0.0.1./a.png",
            "http://10.1.2.3/a.png",
            "http://192.168.0.1/a.png",
            "http://169.254.169.254/latest/meta-data",
            "http://198.18.0.1/a.png",
            "http://198.19.255.1/a.png",
            "http://192.0.0.8/a.png",
            "http://100.64.0.1/a.png",
            "http://[::1]/a.png",
            "http://[fd00::1]/a.png",
            "http://[fe80::1]/a.png",
            "http://[fec0::1]/a.png",
            "http://[::ffff:127.0.0.1]/a.png",
            "http://[::127.0.0.1]/a.png",
            "http://[::a00:1]/a.png",
            "http://[64:ff9b::a00:1]/a.png",
            "http://[64:ff9b:1::1]/a.png",
            "http://[2002:a00:1::1]/a.png",
            "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/a.png",
            "http://[2001:db8::1]/a.png",
            "http://0.0.0.0/",
            "http://localhost/a.png",
            "http://LOCALHOST./a.png",
            "http://x.localhost/a.png",
            "http://localhost.localdomain/a.png",
            "http://ip6-localhost/a.png",
            "http://ip6-loopback/a.png",
            "http://intranet/a.png",
            "http://router./a.png",
            "http://printer.local/a.png",
            "http://nas.lan/a.png",
            "http://metadata.google.internal/a.png",
            "http://gw.home.arpa/a.png",
            "http://1.0.0.127.in-addr.arpa/a.png",
            "http://10.0.0.1.nip.io/a.png",
            "http://app.192.168.1.1.nip.io/a.png",
            "http://10-0-0-1.sslip.io/a.png",
            "http://magic-127-0-0-1.sslip.io/a.png",
            "http://0a000001.nip.io/a.png",
            "http://app-c0a80101.nip.io/a.png",
            "http://7f000001.c0a80001.rbndr.us/a.png",
            "http://--1.sslip.io/a.png",
            "http://fe80--1.sslip.io/a.png",
            "http://anything.localtest.me/a.png",
            "http://lvh.me/a.png",
            "http://user:pw@img.example/a.png",
            "http://2130706433/a.png",
            "http://0x7f.1/a.png",
            "http://img.example:8080/a.png",
            "http://img.example:443/a.png",
            "https://img.example:22/a.png",
            "http://img.example:6379/a.png",
        ] {
            assert!(check(bad).is_err(), "{bad} must be refused");
        }
        assert!(matches!(
            check("http://img.example:8080/a.png"),
            Err(Error::Port(8080))
        ));
    }

    #[test]
    fn the_request_is_the_browser_s() {
        let r = request(&Url::parse("https://img.example/p/a.png?u=1").unwrap());
        assert_eq!(
            r,
            format!(
                "GET /p/a.png?u=1 HTTP/1.1\r\nHost: img.example\r\nUser-Agent: {USER_AGENT}\r\nAccept: image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5\r\nAccept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br, zstd\r\nConnection: keep-alive\r\nSec-Fetch-Dest: image\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: cross-site\r\nPriority: u=5, i\r\n\r\n"
            )
        );
        let plain = request(&Url::parse("http://img.example/a.png").unwrap());
        assert!(!plain.contains("Sec-Fetch"), "{plain}");
    }

    #[tokio::test]
    async fn nothing_without_a_proxy() {
        assert_eq!(
            image(
                "https://img.example/a.png",
                &Route::Direct,
                None,
                &Limits::default(),
                &Budget::new(1 << 20)
            )
            .await,
            Err(Error::NoProxy)
        );
    }
}
