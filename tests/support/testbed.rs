//! What the tests against the testbed (`scripts/testbed`, started by `scripts/test`) share:
//! its CA and the account of one of its users.
#![allow(dead_code)]

use quietpost_store::cache::MessageRow;
use quietpost_store::config::{Account, Security, Server};

pub fn ca() -> String {
    std::env::var("QUIETPOST_TESTBED_CA")
        .expect("QUIETPOST_TESTBED_CA is not set: run the real-server tests through scripts/test")
}

/// `user`'s account: IMAP on `imap_port` and SMTP on 10465, implicit TLS, the testbed's CA.
pub fn account(user: &str, imap_port: u16) -> Account {
    let server = |port| Server {
        host: "localhost".into(),
        port,
        security: Security::ImplicitTls,
        ca_file: Some(ca().into()),
        pin_sha256: None,
        pin_key_sha256: None,
    };
    Account::new(
        user,
        &format!("{user}@quietpost.test"),
        user,
        server(imap_port),
        server(10465),
    )
}

/// `rows` are exactly `n` messages, each once (distinct Message-IDs), every body downloaded:
/// what an interrupted sync must end in once the next one has run.
pub fn assert_complete(rows: &[MessageRow], n: usize) {
    assert_eq!(rows.len(), n);
    let mut ids: Vec<_> = rows
        .iter()
        .filter_map(|r| r.summary.message_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "no duplicates");
    assert!(rows.iter().all(|r| r.has_body), "every body downloaded");
}

/// A connection to testbed `user`'s mailbox over IMAPS, as another mail client would make.
pub async fn connect(user: &str) -> quietpost_net::imap::mailbox::Mail {
    quietpost_core::sync::connect(
        &account(user, 10993),
        &quietpost_model::Secret::new(format!("{user}-Test-pw")),
        quietpost_net::Timeouts::default(),
    )
    .await
    .unwrap()
}

/// The raw messages in `user`'s `folder`, waiting up to 30 s for at least `n` of them.
pub fn messages(user: &str, folder: &str, n: usize) -> Vec<Vec<u8>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let started = std::time::Instant::now();
        loop {
            let mut m = connect(user).await;
            m.select(folder, None).await.unwrap();
            let mut got = Vec::new();
            if !m.uids().await.unwrap().is_empty() {
                m.bodies(&["1:*".to_owned()], |_, raw| {
                    got.push(raw);
                    Ok(())
                })
                .await
                .unwrap();
            }
            m.logout().await;
            if got.len() >= n || started.elapsed() > std::time::Duration::from_secs(30) {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    })
}
