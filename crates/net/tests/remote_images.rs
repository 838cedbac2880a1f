//! Remote images through a proxy only: loaded with remote DNS through a test SOCKS5 proxy,
//! never without it, with a request that says nothing, and every hostile answer refused.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/web.rs"]
mod web;

use quietpost_net::Route;
use quietpost_net::fetch::{self, Budget, Error, Limits, USER_AGENT};
use std::time::{Duration, Instant};

/// A budget no test image comes near.
fn plenty() -> Budget {
    Budget::new(1 << 30)
}

fn socks(proxy: &web::Proxy) -> Route {
    Route::Socks5 {
        host: "127.0.0.1".into(),
        port: proxy.port,
    }
}

#[tokio::test]
async fn loaded_through_the_proxy_which_resolves_the_name() {
    let server = web::web().await;
    let proxy = web::proxy(server.port).await;
    let img = fetch::image(
        "http://news.invalid/img/hero.png?u=alice",
        &socks(&proxy),
        None,
        &Limits::default(),
        &plenty(),
    )
    .await
    .unwrap();
    assert_eq!((img.width, img.height), (3, 2));
    assert_eq!(img.rgba.len(), 3 * 2 * 4);
    for (url, size) in [
        ("http://news.invalid/photo.jpg", (3, 2)),
        ("http://news.invalid/anim.gif", (3, 2)),
        ("http://news.invalid/to-pixel", (3, 2)),
        ("http://news.invalid/gzip.png", (3, 2)),
    ] {
        let img = fetch::image(url, &socks(&proxy), None, &Limits::default(), &plenty())
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!((img.width, img.height), size);
    }
    // The proxy was given the name (address type 3): nothing was resolved here.
    let connects = proxy.connects.lock().unwrap().clone();
    assert!(!connects.is_empty());
    assert!(
        connects
            .iter()
            .all(|(atyp, host, port)| *atyp == 3 && host == "news.invalid" && *port == 80),
        "{connects:?}"
    );
    // The request says nothing about the reader.
    let requests = server.requests.lock().unwrap().clone();
    let first = requests[0].to_ascii_lowercase();
    assert!(
        first.starts_with("get /img/hero.png?u=alice http/1.1\r\n"),
        "{first}"
    );
    assert!(first.contains("\r\nhost: news.invalid\r\n"), "{first}");
    assert!(first.contains(&format!(
        "\r\nuser-agent: {}\r\n",
        USER_AGENT.to_ascii_lowercase()
    )));
    assert!(
        first.contains(
            "\r\naccept: image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5\r\n"
        ),
        "{first}"
    );
    for r in &requests {
        let r = r.to_ascii_lowercase();
        assert!(!r.contains("cookie:"), "{r}");
        assert!(!r.contains("referer:"), "{r}");
    }
}

#[tokio::test]
async fn proxy_down_means_nothing_leaves() {
    let server = web::web().await;
    let proxy = web::proxy(server.port).await;
    let route = socks(&proxy);
    proxy.stop();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = fetch::image(
        "http://news.invalid/img/a.png",
        &route,
        None,
        &Limits::default(),
        &plenty(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::ProxyUnreachable(_)), "{err:?}");
    assert!(err.to_string().starts_with("proxy unreachable"), "{err}");
    assert!(server.requests.lock().unwrap().is_empty());
}

#[tokio::test]
async fn hostile_answers_are_refused() {
    let server = web::web().await;
    let proxy = web::proxy(server.port).await;
    let limits = Limits {
        timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    type Expected = fn(&Error) -> bool;
    let cases: [(&str, Expected); 16] = [
        ("/big.png", |e| matches!(e, Error::TooLarge(_))),
        ("/endless.png", |e| matches!(e, Error::TooLarge(_))),
        ("/slow.png", |e| matches!(e, Error::TimedOut)),
        ("/loop", |e| matches!(e, Error::TooManyRedirects(3))),
        (
            "/to-file",
            |e| matches!(e, Error::Scheme(s) if s == "file:"),
        ),
        ("/to-private", |e| matches!(e, Error::PrivateAddress(_))),
        ("/to-loopback", |e| matches!(e, Error::PrivateAddress(_))),
        ("/bomb.png", |e| matches!(e, Error::Undecodable(_))),
        (
            "/logo.svg",
            |e| matches!(e, Error::NotAnImage(t) if t == "image/svg+xml"),
        ),
        ("/page.png", |e| matches!(e, Error::NotAnImage(_))),
        (
            "/text.png",
            |e| matches!(e, Error::NotAnImage(t) if t == "text/html"),
        ),
        ("/missing.png", |e| matches!(e, Error::Status(404))),
        // 65 KB on the wire, 256 MB in memory: refused from its header.
        ("/grey-8192.png", |e| {
            matches!(e, Error::TooManyPixels(8192, 8192))
        }),
        ("/gzip-bomb.png", |e| matches!(e, Error::TooLarge(_))),
        (
            "/brotli.png",
            |e| matches!(e, Error::Encoding(c) if c == "br"),
        ),
        ("/to-port", |e| matches!(e, Error::Port(6379))),
    ];
    for (path, expected) in cases {
        let started = Instant::now();
        let err = fetch::image(
            &format!("http://news.invalid{path}"),
            &socks(&proxy),
            None,
            &limits,
            &plenty(),
        )
        .await
        .expect_err(path);
        assert!(expected(&err), "{path}: {err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{path} took too long"
        );
    }
    // The private address was never asked for, not even of the proxy.
    let connects = proxy.connects.lock().unwrap().clone();
    assert!(
        connects.iter().all(|(_, h, _)| h == "news.invalid"),
        "{connects:?}"
    );
}

#[tokio::test]
async fn a_server_that_keeps_the_connection_open_is_not_waited_for() {
    let server = web::web().await;
    let proxy = web::proxy(server.port).await;
    let started = Instant::now();
    let img = fetch::image(
        "http://news.invalid/img/held-open.png",
        &socks(&proxy),
        None,
        &Limits::default(),
        &plenty(),
    )
    .await
    .unwrap();
    assert_eq!((img.width, img.height), (3, 2));
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// The review's case: a dozen small PNGs that are huge once decoded. Each is refused from its
/// header, and pictures that may be decoded stop at the message's budget: what is kept never
/// exceeds it.
#[tokio::test]
async fn decoded_pixels_are_bounded_per_image_and_per_message() {
    let server = web::web().await;
    let proxy = web::proxy(server.port).await;
    let route = socks(&proxy);
    let limits = Limits::default();
    let budget = Budget::new(100 << 20);
    let bombs = (0..12).map(|i| format!("http://news.invalid/grey-8192-{i}.png"));
    let results = futures::future::join_all(bombs.map(|u| {
        let (route, limits, budget) = (&route, &limits, &budget);
        async move { fetch::image(&u, route, None, limits, budget).await }
    }))
    .await;
    assert_eq!(budget.left(), 100 << 20);
    for r in results {
        assert!(matches!(r, Err(Error::TooManyPixels(8192, 8192))), "{r:?}");
    }
    // 3000 x 3000: 36 MB each in RGBA, under the per-image bound; two fit in 100 MB.
    let large = (0..6).map(|i| format!("http://news.invalid/grey-3000-{i}.png"));
    let results = futures::future::join_all(large.map(|u| {
        let (route, limits, budget) = (&route, &limits, &budget);
        async move { fetch::image(&u, route, None, limits, budget).await }
    }))
    .await;
    let kept: usize = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|img| img.rgba.len())
        .sum();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(Error::OverBudget(100))))
        .count();
    assert_eq!((kept, refused), (2 * 3000 * 3000 * 4, 4), "{results:?}");
    assert!(kept <= 100 << 20);
    assert_eq!(budget.left(), (100 << 20) - kept);
}
