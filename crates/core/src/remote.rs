//! Remote content on request (safety-rules §2 and §4): the account's policy, loading a message's
//! images through the account's proxy (`quietpost_net::fetch`, which never goes direct), and
//! the network ledger that records what happened to every remote reference.
//!
//! Only images are ever loaded. Stylesheets, fonts, frames, media, forms, pings and the rest
//! stay blocked whatever the user asks: Quietpost shows text, so they have nothing to add but
//! tracking.

use quietpost_model::{LedgerEntry, LedgerState, MessageId, RemoteKind, SafeLine, SafeMessage};
use quietpost_net::Route;
use quietpost_net::fetch;
/// A loaded image: decoded and bounded, in memory only.
pub use quietpost_net::fetch::Image;
use quietpost_store::cache::{Cache, LedgerRow};
use quietpost_store::config::{Account, RemoteContent};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The account's policy blocks remote content, even on request.
    #[error("remote content is blocked for the account {0}")]
    Blocked(String),
    #[error(transparent)]
    Store(#[from] quietpost_store::Error),
    #[error(transparent)]
    Account(#[from] crate::accounts::Error),
}

/// What the account's policy allows for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Nothing loads, even on request.
    Blocked,
    /// Images load when the user asks, through the proxy.
    OnRequest,
    /// Images load without asking: the sender is on the account's list and the user's own
    /// provider vouches for it (trusted DKIM or DMARC pass).
    Always,
}

/// What the account allows for `message`, rendered with the account's
/// `trusted_authserv_ids` (untrusted authentication results never count).
pub fn permission(account: &Account, message: &SafeMessage) -> Permission {
    match account.remote_content {
        RemoteContent::Never => Permission::Blocked,
        RemoteContent::OnRequest if vouched_for(account, message) => Permission::Always,
        RemoteContent::OnRequest => Permission::OnRequest,
    }
}

/// A sender the account always loads images from, vouched for by the one authentication
/// verdict (`quietpost_render::verdict`, in `SafeMessage::authentication.verified`): the
/// same verdict the reader shows as its badge.
fn vouched_for(account: &Account, m: &SafeMessage) -> bool {
    let Some(auth) = m
        .authentication
        .as_ref()
        .filter(|a| a.trusted && a.verified)
    else {
        return false;
    };
    let [from] = m.from.as_slice() else {
        return false;
    };
    let Some(address) = from.address.as_ref() else {
        return false;
    };
    auth.verified_domain.is_some()
        && account
            .always_load_from
            .iter()
            .any(|a| a.eq_ignore_ascii_case(address.as_str()))
}

/// Bounds on loading one message's images.
#[derive(Debug, Clone)]
pub struct LoadLimits {
    pub image: fetch::Limits,
    /// Bytes of all the message's images together, as received.
    pub max_total_bytes: usize,
    /// Pixel memory of all the message's images together, decoded (RGBA): each image takes its
    /// share before it is decoded.
    pub max_decoded_total: usize,
    /// Images loaded at the same time.
    pub parallel: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            image: fetch::Limits::default(),
            max_total_bytes: 20 << 20,
            max_decoded_total: 160 << 20,
            parallel: 4,
        }
    }
}

/// The outcome of a load: the ledger of every remote reference, and the images (in memory
/// only), by URL.
#[derive(Debug)]
pub struct Loaded {
    pub ledger: Vec<LedgerEntry>,
    pub images: Vec<(String, Image)>,
}

/// The proxy a load goes through: `over` for this one load, else the account's. `None`: no
/// proxy, so nothing can load.
pub fn route(account: &Account, over: Option<Route>) -> Option<Route> {
    over.or_else(|| account.proxy.clone())
        .filter(|r| *r != Route::Direct)
}

/// Loads `message`'s images through `via` when the account allows it. Each reference ends in
/// the ledger: loaded (via, when, size), failed (why: "proxy unreachable", too large, not an
/// image, ...) or blocked. With no proxy, every image fails with the reason and nothing is
/// attempted.
pub async fn load(
    account: &Account,
    message: &SafeMessage,
    via: Option<&Route>,
    limits: &LoadLimits,
) -> Result<Loaded, Error> {
    use futures::StreamExt;
    if permission(account, message) == Permission::Blocked {
        return Err(Error::Blocked(account.name.clone()));
    }
    let proxy = via.map(proxy_name);
    let images: Vec<&str> = message
        .remote_content
        .iter()
        .filter(|r| r.loadable())
        .map(|r| r.url.as_str())
        .collect();
    let results: Vec<Result<Image, fetch::Error>> = match via {
        None => images.iter().map(|_| Err(fetch::Error::NoProxy)).collect(),
        Some(via) => {
            // The futures are made first: a closure inside the stream's type would keep this
            // future from being `Send` (the window runs it on its executor).
            let budget = fetch::Budget::new(limits.max_decoded_total);
            // One message's load: its own circuit when the account isolates streams.
            let isolation =
                crate::isolation::credentials(account, via, crate::isolation::Purpose::Images);
            let fetches: Vec<_> = images
                .iter()
                .map(|url| fetch::image(url, via, isolation.as_ref(), &limits.image, &budget))
                .collect();
            futures::stream::iter(fetches)
                .buffered(limits.parallel.max(1))
                .collect()
                .await
        }
    };
    let at = Some(crate::time::rfc3339(crate::time::now()));
    let mut total = 0usize;
    let mut loaded = Vec::new();
    let mut outcome = images.iter().zip(results);
    let mut ledger = Vec::new();
    for r in &message.remote_content {
        let mut entry = blocked(r);
        if r.loadable()
            && let Some((url, result)) = outcome.next()
        {
            entry.at = at.clone();
            entry.via = proxy.as_deref().map(|p| SafeLine::new(p, 200));
            match result {
                Ok(img) if total + img.bytes > limits.max_total_bytes => {
                    entry.state = LedgerState::Failed;
                    entry.detail = SafeLine::new(
                        &format!(
                            "the message's images together are larger than {} MB",
                            limits.max_total_bytes >> 20
                        ),
                        200,
                    );
                }
                Ok(img) => {
                    total += img.bytes;
                    entry.state = LedgerState::Loaded;
                    entry.detail = SafeLine::new(
                        &format!("{} x {} pixels, {} bytes", img.width, img.height, img.bytes),
                        200,
                    );
                    loaded.push(((*url).to_owned(), img));
                }
                Err(e) => {
                    entry.state = LedgerState::Failed;
                    entry.detail = SafeLine::new(&e.to_string(), 300);
                }
            }
        }
        ledger.push(entry);
    }
    Ok(Loaded {
        ledger,
        images: loaded,
    })
}

/// The ledger entry of a reference nothing was tried for, with the reason.
fn blocked(r: &quietpost_model::RemoteRef) -> LedgerEntry {
    let detail = if r.attached {
        "not loaded: it is in an attached message, which Quietpost shows without loading anything"
            .to_owned()
    } else if r.tracker {
        "a tracker: it is only there to tell the sender you opened the message, so Quietpost never loads it, not even through a proxy"
            .to_owned()
    } else if r.kind == RemoteKind::Image {
        "not loaded: images load only when you ask".to_owned()
    } else {
        format!(
            "a {}: Quietpost never loads these, only images",
            r.kind.as_str()
        )
    };
    LedgerEntry {
        url: r.url.clone(),
        kind: r.kind,
        state: LedgerState::Blocked,
        via: None,
        at: None,
        detail: SafeLine::new(&detail, 200),
        tracker: r.tracker,
    }
}

fn proxy_name(r: &Route) -> String {
    match r {
        Route::Direct => "direct".into(),
        Route::Socks5 { host, port } => format!("socks5://{host}:{port}"),
        Route::HttpConnect { host, port } => format!("http://{host}:{port}"),
    }
}

/// Records a load in message `id`'s ledger (only what was tried: blocked references have no
/// row and read back as blocked).
pub fn record(cache: &mut Cache, id: MessageId, loaded: &Loaded) -> Result<(), Error> {
    let rows: Vec<LedgerRow> = loaded
        .ledger
        .iter()
        .filter(|e| e.state != LedgerState::Blocked)
        .map(|e| LedgerRow {
            url: e.url.as_str().to_owned(),
            kind: e.kind.as_str().to_owned(),
            state: e.state.as_str().to_owned(),
            via: e.via.as_ref().map(|v| v.as_str().to_owned()),
            at: e.at.as_deref().and_then(crate::time::parse_rfc3339),
            detail: e.detail.as_str().to_owned(),
        })
        .collect();
    cache.record_ledger(id, &rows)?;
    Ok(())
}

/// Message `id`'s ledger: every remote reference of `message`, with what was recorded for it,
/// and blocked when nothing was.
pub fn ledger(
    cache: &Cache,
    id: MessageId,
    message: &SafeMessage,
) -> Result<Vec<LedgerEntry>, Error> {
    let rows = cache.ledger(id)?;
    Ok(message
        .remote_content
        .iter()
        .map(|r| {
            let row = rows
                .iter()
                .find(|row| row.url == r.url.as_str() && row.kind == r.kind.as_str());
            match row.and_then(|row| Some((row, LedgerState::parse(&row.state)?))) {
                Some((row, state)) => LedgerEntry {
                    url: r.url.clone(),
                    kind: r.kind,
                    state,
                    via: row.via.as_deref().map(|v| SafeLine::new(v, 200)),
                    at: row.at.map(crate::time::rfc3339),
                    detail: SafeLine::new(&row.detail, 300),
                    tracker: r.tracker,
                },
                None => blocked(r),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(policy: RemoteContent, always: &[&str]) -> Account {
        let server = quietpost_store::config::Server {
            host: "mx.example.org".into(),
            port: 993,
            security: quietpost_store::config::Security::ImplicitTls,
            ca_file: None,
            pin_sha256: None,
            pin_key_sha256: None,
        };
        Account {
            proxy: Some(Route::Socks5 {
                host: "127.0.0.1".into(),
                port: 9050,
            }),
            remote_content: policy,
            always_load_from: always.iter().map(|s| s.to_string()).collect(),
            trusted_authserv_ids: vec!["mx.example.org".into()],
            ..Account::new("a", "me@example.org", "me", server.clone(), server)
        }
    }

    fn message(from: &str, results: &str) -> SafeMessage {
        let raw = format!(
            "Authentication-Results: {results}\r\nFrom: {from}\r\nSubject: s\r\n\r\nhi\r\n"
        );
        quietpost_render::render(
            raw.as_bytes(),
            &quietpost_render::Options {
                trusted_authserv_ids: vec!["mx.example.org".into()],
                ..Default::default()
            },
        )
    }

    #[test]
    fn always_only_for_listed_senders_the_provider_vouches_for() {
        let pass = "mx.example.org; dkim=pass header.d=shop.example; dmarc=pass";
        let listed = account(RemoteContent::OnRequest, &["news@shop.example"]);
        let m = message("News <news@shop.example>", pass);
        assert_eq!(permission(&listed, &m), Permission::Always);
        // The default policy blocks everything, even a listed, authenticated sender.
        let blocked = account(RemoteContent::Never, &["news@shop.example"]);
        assert_eq!(permission(&blocked, &m), Permission::Blocked);
        // Not listed; listed but failing; a pass written by someone else; a DKIM pass for
        // another domain: on request only.
        let on_request = [
            (account(RemoteContent::OnRequest, &[]), m.clone()),
            (
                listed.clone(),
                message(
                    "news@shop.example",
                    "mx.example.org; dkim=fail header.d=shop.example; dmarc=fail",
                ),
            ),
            (
                listed.clone(),
                message(
                    "news@shop.example",
                    "evil.example; dkim=pass header.d=shop.example; dmarc=pass",
                ),
            ),
            (
                listed.clone(),
                message(
                    "news@shop.example",
                    "mx.example.org; dkim=pass header.d=evil.example; dmarc=none",
                ),
            ),
        ];
        for (a, m) in &on_request {
            assert_eq!(
                permission(a, m),
                Permission::OnRequest,
                "{:?}",
                m.authentication
            );
        }
        // DKIM alone, aligned with a parent domain, is enough.
        let aligned = message(
            "news@mail.shop.example",
            "mx.example.org; dkim=pass header.d=shop.example",
        );
        let sub = account(RemoteContent::OnRequest, &["news@mail.shop.example"]);
        assert_eq!(permission(&sub, &aligned), Permission::Always);
    }

    #[tokio::test]
    async fn without_a_proxy_every_image_fails_and_nothing_is_tried() {
        let raw = b"From: a@b.example\r\nContent-Type: text/html\r\n\r\n<img src='https://t.example/p.gif'><link rel=stylesheet href='https://t.example/s.css'>";
        let m = quietpost_render::render(raw, &Default::default());
        let a = Account {
            proxy: None,
            ..account(RemoteContent::OnRequest, &[])
        };
        assert_eq!(route(&a, None), None);
        let loaded = load(&a, &m, None, &LoadLimits::default()).await.unwrap();
        let states: Vec<_> = loaded.ledger.iter().map(|e| (e.kind, e.state)).collect();
        assert_eq!(
            states,
            [
                (RemoteKind::Image, LedgerState::Failed),
                (RemoteKind::Stylesheet, LedgerState::Blocked)
            ]
        );
        assert!(
            loaded.ledger[0]
                .detail
                .as_str()
                .starts_with("no proxy is configured")
        );
        assert!(loaded.images.is_empty());
    }
}
