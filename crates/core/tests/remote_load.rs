//! Loading a message's images: the per-message cap, and the ledger in the message's order.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

#[path = "../../net/tests/support/web.rs"]
mod web;

use quietpost_core::remote::{self, LoadLimits, Permission};
use quietpost_model::{LedgerState, RemoteKind};
use quietpost_net::Route;
use quietpost_store::config::{Account, RemoteContent, Security, Server};

fn account() -> Account {
    let server = Server {
        host: "localhost".into(),
        port: 993,
        security: Security::ImplicitTls,
        ca_file: None,
        pin_sha256: None,
        pin_key_sha256: None,
    };
    Account {
        remote_content: RemoteContent::OnRequest,
        ..Account::new("a", "me@example.org", "me", server.clone(), server)
    }
}

#[tokio::test]
async fn the_message_cap_stops_what_would_exceed_it() {
    let server = web::web().await;
    let proxy = web::proxy(server.port).await;
    let via = Route::Socks5 {
        host: "127.0.0.1".into(),
        port: proxy.port,
    };
    let html: String = (1..=5)
        .map(|i| format!("<img src='http://news.invalid/img/{i}.png'>"))
        .collect();
    let raw = format!(
        "From: n@news.example\r\nContent-Type: text/html\r\n\r\n<link rel=stylesheet href='http://news.invalid/s.css'>{html}"
    );
    let m = quietpost_render::render(raw.as_bytes(), &Default::default());
    let a = account();
    assert_eq!(remote::permission(&a, &m), Permission::OnRequest);
    let one = web::picture(image::ImageFormat::Png).len();
    let limits = LoadLimits {
        max_total_bytes: one * 2,
        ..LoadLimits::default()
    };
    let loaded = remote::load(&a, &m, Some(&via), &limits).await.unwrap();
    let states: Vec<(RemoteKind, LedgerState)> =
        loaded.ledger.iter().map(|e| (e.kind, e.state)).collect();
    assert_eq!(states[0], (RemoteKind::Stylesheet, LedgerState::Blocked));
    let images: Vec<LedgerState> = states[1..].iter().map(|(_, s)| *s).collect();
    assert_eq!(
        images,
        [
            LedgerState::Loaded,
            LedgerState::Loaded,
            LedgerState::Failed,
            LedgerState::Failed,
            LedgerState::Failed
        ]
    );
    assert!(
        loaded.ledger[3]
            .detail
            .as_str()
            .contains("together are larger")
    );
    assert_eq!(loaded.images.len(), 2);
    assert_eq!(loaded.images[0].0, "http://news.invalid/img/1.png");
    // The stylesheet was never requested.
    assert!(!server.paths().iter().any(|p| p.ends_with(".css")));
}
