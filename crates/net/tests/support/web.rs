//! A test SOCKS5 proxy and a test web server for remote images.
//!
//! The proxy resolves names itself, as Tor does: names under `.invalid` (which never resolve
//! anywhere else) lead to the web server on 127.0.0.1; `localhost` and 127.0.0.1 lead to the
//! port asked on 127.0.0.1 (the testbed's mail servers); anything else is refused. It records
//! every CONNECT it gets, with the username and password a client gave (RFC 1929) — what Tor
//! isolates circuits by. The web server serves good and hostile images and records every
//! request head.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A CONNECT the proxy received: address type (1 IPv4, 3 name, 4 IPv6), host, port.
pub type Connect = (u8, String, u16);

/// A stream the proxy was asked for: the credentials given (none: no authentication), host,
/// port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    pub credentials: Option<(String, String)>,
    pub host: String,
    pub port: u16,
}

pub struct Proxy {
    pub port: u16,
    pub connects: Arc<Mutex<Vec<Connect>>>,
    pub streams: Arc<Mutex<Vec<Stream>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Stops listening: connections to it are refused from now on.
    pub fn stop(&self) {
        self.task.abort();
    }

    pub fn url(&self) -> String {
        format!("socks5://127.0.0.1:{}", self.port)
    }
}

/// Starts the proxy; `.invalid` names lead to 127.0.0.1:`web_port`.
pub async fn proxy(web_port: u16) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connects = Arc::new(Mutex::new(Vec::new()));
    let streams = Arc::new(Mutex::new(Vec::new()));
    let (seen, asked) = (connects.clone(), streams.clone());
    let task = tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (seen, asked) = (seen.clone(), asked.clone());
            tokio::spawn(async move {
                let _ = socks(client, web_port, seen, asked).await;
            });
        }
    });
    // Let the accept loop start before the test aborts it.
    tokio::task::yield_now().await;
    Proxy {
        port,
        connects,
        streams,
        task,
    }
}

/// A length-prefixed RFC 1929 field.
async fn field(c: &mut TcpStream) -> std::io::Result<String> {
    let mut len = [0u8; 1];
    c.read_exact(&mut len).await?;
    let mut bytes = vec![0u8; len[0] as usize];
    c.read_exact(&mut bytes).await?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

async fn socks(
    mut c: TcpStream,
    web_port: u16,
    seen: Arc<Mutex<Vec<Connect>>>,
    asked: Arc<Mutex<Vec<Stream>>>,
) -> std::io::Result<()> {
    let mut head = [0u8; 2];
    c.read_exact(&mut head).await?;
    let mut methods = vec![0u8; head[1] as usize];
    c.read_exact(&mut methods).await?;
    // As Tor does: username/password when offered (to isolate by it), else none.
    let credentials = if methods.contains(&2) {
        c.write_all(&[5, 2]).await?;
        let mut version = [0u8; 1];
        c.read_exact(&mut version).await?;
        let user = field(&mut c).await?;
        let password = field(&mut c).await?;
        c.write_all(&[1, 0]).await?;
        Some((user, password))
    } else {
        c.write_all(&[5, 0]).await?;
        None
    };
    let mut req = [0u8; 4];
    c.read_exact(&mut req).await?;
    let host = match req[3] {
        1 => {
            let mut a = [0u8; 4];
            c.read_exact(&mut a).await?;
            std::net::Ipv4Addr::from(a).to_string()
        }
        4 => {
            let mut a = [0u8; 16];
            c.read_exact(&mut a).await?;
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => {
            let mut len = [0u8; 1];
            c.read_exact(&mut len).await?;
            let mut name = vec![0u8; len[0] as usize];
            c.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
    };
    let mut port = [0u8; 2];
    c.read_exact(&mut port).await?;
    let port = u16::from_be_bytes(port);
    seen.lock().unwrap().push((req[3], host.clone(), port));
    asked.lock().unwrap().push(Stream {
        credentials,
        host: host.clone(),
        port,
    });
    let to = if host.ends_with(".invalid") {
        web_port
    } else if host == "localhost" || host == "127.0.0.1" {
        port
    } else {
        c.write_all(&[5, 4, 0, 1, 0, 0, 0, 0, 0, 0]).await?; // host unreachable
        return Ok(());
    };
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", to)).await else {
        c.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await?; // refused
        return Ok(());
    };
    c.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await?;
    tokio::io::copy_bidirectional(&mut c, &mut upstream).await?;
    Ok(())
}

pub struct Web {
    pub port: u16,
    /// Every request head received, in order.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Web {
    pub fn paths(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter_map(|r| r.split_whitespace().nth(1).map(str::to_owned))
            .collect()
    }
}

/// A 3 x 2 image in `format`.
pub fn picture(format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(3, 2, image::Rgba([200, 30, 30, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img)
        .to_rgb8()
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small PNG that declares itself 100,000 x 100,000 pixels (40 GB decoded).
pub fn bomb() -> Vec<u8> {
    let mut png = picture(image::ImageFormat::Png);
    // IHDR data starts at byte 16 (8 signature + 4 length + 4 type): width, height.
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// A real grey PNG of `side` x `side` pixels, all black: it compresses about 1,000 to 1 (an
/// 8192 x 8192 one is some 65 KB and 256 MB once decoded to RGBA).
pub fn grey(side: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let pixels = vec![0u8; (side * side) as usize];
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::NoFilter,
    )
    .write_image(&pixels, side, side, image::ExtendedColorType::L8)
    .unwrap();
    out
}

fn cached(side: u32) -> Vec<u8> {
    static CACHE: Mutex<Vec<(u32, Vec<u8>)>> = Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap();
    if let Some((_, png)) = cache.iter().find(|(s, _)| *s == side) {
        return png.clone();
    }
    let png = grey(side);
    cache.push((side, png.clone()));
    png
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn reply(status: &str, ty: &str, body: &[u8], extra: &str) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ty}\r\nContent-Length: {}\r\nSet-Cookie: track=1\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

fn redirect(to: &str) -> Vec<u8> {
    reply(
        "302 Found",
        "text/html",
        b"",
        &format!("Location: {to}\r\n"),
    )
}

/// What the server answers for `path`.
fn answer(path: &str) -> Option<Vec<u8>> {
    let path = path.split('?').next().unwrap_or(path);
    Some(match path {
        p if p.ends_with(".png") && p.starts_with("/img/") => {
            reply("200 OK", "image/png", &picture(image::ImageFormat::Png), "")
        }
        "/photo.jpg" => reply("200 OK", "image/jpeg", &picture(image::ImageFormat::Jpeg), ""),
        "/anim.gif" => reply("200 OK", "image/gif", &picture(image::ImageFormat::Gif), ""),
        "/big.png" => reply("200 OK", "image/png", &vec![0u8; 6 << 20], ""),
        "/endless.png" => {
            // Chunked, no length: larger than any cap.
            let mut r = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            for _ in 0..100 {
                r.extend_from_slice(b"10000\r\n");
                r.extend_from_slice(&vec![0u8; 0x10000]);
                r.extend_from_slice(b"\r\n");
            }
            r
        }
        "/slow.png" => return None,
        "/loop" => redirect("/loop"),
        "/to-file" => redirect("file:///etc/passwd"),
        "/to-private" => redirect("http://10.0.0.1/x.png"),
        "/to-loopback" => redirect("http://127.0.0.1:1/x.png"),
        "/to-port" => redirect("http://news.invalid:6379/x.png"),
        "/to-pixel" => redirect("/img/after-redirect.png"),
        "/bomb.png" => reply("200 OK", "image/png", &bomb(), ""),
        // Real images, small on the wire and large in memory.
        p if p.starts_with("/grey-8192") => reply("200 OK", "image/png", &cached(8192), ""),
        p if p.starts_with("/grey-3000") => reply("200 OK", "image/png", &cached(3000), ""),
        "/gzip.png" => reply(
            "200 OK",
            "image/png",
            &gzip(&picture(image::ImageFormat::Png)),
            "Content-Encoding: gzip\r\n",
        ),
        "/gzip-bomb.png" => reply(
            "200 OK",
            "image/png",
            &gzip(&vec![0u8; 64 << 20]),
            "Content-Encoding: gzip\r\n",
        ),
        "/brotli.png" => reply(
            "200 OK",
            "image/png",
            b"not really brotli",
            "Content-Encoding: br\r\n",
        ),
        "/logo.svg" => reply(
            "200 OK",
            "image/svg+xml",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="http://tracker.invalid/x"/></svg>"#,
            "",
        ),
        "/page.png" => reply("200 OK", "image/png", b"<html><body>not an image</body></html>", ""),
        "/text.png" => reply("200 OK", "text/html", &picture(image::ImageFormat::Png), ""),
        _ => reply("404 Not Found", "text/plain", b"no", ""),
    })
}

pub async fn web() -> Web {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut c, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                    match c.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                seen.lock().unwrap().push(head);
                match answer(&path) {
                    // Answered, then held open as a keep-alive connection would be.
                    Some(bytes) if path.starts_with("/img/held-open") => {
                        let _ = c.write_all(&bytes).await;
                        tokio::time::sleep(Duration::from_secs(120)).await;
                    }
                    Some(bytes) => {
                        let _ = c.write_all(&bytes).await;
                        let _ = c.shutdown().await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(120)).await,
                }
            });
        }
    });
    Web { port, requests }
}
