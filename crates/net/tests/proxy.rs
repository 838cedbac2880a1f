//! Proxy routes: the destination's name goes to the proxy (never resolved locally), and a dead
//! or refusing proxy fails the connection — never a silent direct one.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "support/fake_imap.rs"]
mod fake_imap;
#[path = "support/peer.rs"]
mod peer;
#[path = "support/proxies.rs"]
mod proxies;

use fake_imap::*;
use quietpost_model::Secret;
use quietpost_net::imap::{self, Endpoint, Timeouts};
use quietpost_net::{Error, Route, Security, Trust};
use std::time::Duration;

fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(3),
        greeting: Duration::from_secs(3),
        command: Duration::from_secs(5),
    }
}

async fn login(port: u16, trust: Trust, route: Route) -> Result<(), Error> {
    let ep = Endpoint {
        host: "localhost".into(),
        port,
        security: Security::ImplicitTls,
        trust,
        route,
        isolation: None,
    };
    imap::login(&ep, USER, &Secret::new(PASSWORD.into()), &timeouts())
        .await
        .map(|_| ())
}

#[tokio::test]
async fn socks5_is_given_the_name_and_carries_the_session() {
    let pki = pki();
    let (server_port, server) = start(Fake {
        implicit: Some(pki.good().0),
        ..Fake::default()
    })
    .await;
    let (proxy_port, proxy) = proxies::socks5(0).await;
    let r = login(
        server_port,
        Trust::CaFile(pki.ca_file.clone()),
        Route::Socks5 {
            host: "127.0.0.1".into(),
            port: proxy_port,
        },
    )
    .await;
    // The fake refuses every login: reaching that refusal means TLS and IMAP went through.
    assert!(matches!(r, Err(Error::Login { .. })), "{r:?}");
    let asked = proxy.await.unwrap().expect("the proxy was asked");
    assert_eq!(
        (asked.atyp, asked.destination.as_str(), asked.port),
        (3, "localhost", server_port)
    );
    server.abort();
}

#[tokio::test]
async fn http_connect_is_given_the_name_and_carries_the_session() {
    let pki = pki();
    let (server_port, server) = start(Fake {
        implicit: Some(pki.good().0),
        ..Fake::default()
    })
    .await;
    let (proxy_port, proxy) = proxies::http(200).await;
    let r = login(
        server_port,
        Trust::CaFile(pki.ca_file.clone()),
        Route::HttpConnect {
            host: "127.0.0.1".into(),
            port: proxy_port,
        },
    )
    .await;
    assert!(matches!(r, Err(Error::Login { .. })), "{r:?}");
    let asked = proxy.await.unwrap().expect("the proxy was asked");
    assert_eq!(
        (asked.destination.as_str(), asked.port),
        ("localhost", server_port)
    );
    server.abort();
}

/// True if the fake server accepted a connection within a short wait.
async fn was_contacted(server: tokio::task::JoinHandle<Vec<u8>>) -> bool {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let contacted = server.is_finished();
    server.abort();
    contacted
}

#[tokio::test]
async fn a_dead_proxy_never_falls_back_to_a_direct_connection() {
    let (server_port, server) = start(Fake::default()).await;
    // A port with nothing listening.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for route in [
        Route::Socks5 {
            host: "127.0.0.1".into(),
            port: dead,
        },
        Route::HttpConnect {
            host: "127.0.0.1".into(),
            port: dead,
        },
    ] {
        let r = login(server_port, Trust::System, route).await;
        assert!(matches!(r, Err(Error::ProxyUnreachable { .. })), "{r:?}");
    }
    assert!(
        !was_contacted(server).await,
        "the server was contacted without the proxy"
    );
}

#[tokio::test]
async fn a_refusing_proxy_fails_closed() {
    let (server_port, server) = start(Fake::default()).await;
    let (socks_port, socks) = proxies::socks5(2).await;
    let r = login(
        server_port,
        Trust::System,
        Route::Socks5 {
            host: "127.0.0.1".into(),
            port: socks_port,
        },
    )
    .await;
    assert!(
        matches!(&r, Err(Error::Proxy { detail, .. }) if detail.contains("does not allow")),
        "{r:?}"
    );
    socks.await.unwrap();
    let (http_port, http) = proxies::http(403).await;
    let r = login(
        server_port,
        Trust::System,
        Route::HttpConnect {
            host: "127.0.0.1".into(),
            port: http_port,
        },
    )
    .await;
    assert!(
        matches!(&r, Err(Error::Proxy { detail, .. }) if detail.contains("403")),
        "{r:?}"
    );
    http.await.unwrap();
    assert!(
        !was_contacted(server).await,
        "the server was contacted without the proxy"
    );
}
