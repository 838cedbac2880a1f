//! Tor stream isolation (an account's `isolate_streams`, part of the journalist preset): each
//! purpose gets its own SOCKS5 username and password, and Tor never lets streams with different
//! credentials share a circuit. So the provider (IMAP), the submission server (SMTP), the image
//! hosts of each message loaded, and the self-test each see their own exit, and none can link
//! the others to the same person by address.
//!
//! The username is per account and per run of the program (a random secret mixed with the
//! account's name: nothing the proxy could tie to a person across runs); the password names
//! the purpose, with a fresh random part for each image load and each self-test.

use quietpost_model::{Account, Route};
use quietpost_net::Isolation;
use std::sync::OnceLock;

/// What a connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Imap,
    Smtp,
    /// One message's images, loaded on request.
    Images,
    /// The provider self-test's probe.
    SelfTest,
}

fn random_hex(n: usize) -> String {
    use ring::rand::SecureRandom;
    let mut bytes = vec![0u8; n];
    // The system's random source failing is not a reason to stop: isolation then falls back
    // to a value that still differs per purpose and per account.
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// This run's secret, for usernames.
fn run_secret() -> &'static str {
    static SECRET: OnceLock<String> = OnceLock::new();
    SECRET.get_or_init(|| random_hex(16))
}

/// The SOCKS5 credentials for a connection of `account` along `route` for `purpose`: `None`
/// unless the account isolates streams and the route is SOCKS5 (an HTTP proxy has no way to
/// ask for a separate circuit).
pub fn credentials(account: &Account, route: &Route, purpose: Purpose) -> Option<Isolation> {
    if !account.isolate_streams || !matches!(route, Route::Socks5 { .. }) {
        return None;
    }
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        format!("{}\0{}", run_secret(), account.name).as_bytes(),
    );
    let user: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let password = match purpose {
        Purpose::Imap => "imap".to_owned(),
        Purpose::Smtp => "smtp".to_owned(),
        Purpose::Images => format!("images-{}", random_hex(8)),
        Purpose::SelfTest => format!("selftest-{}", random_hex(8)),
    };
    Some(Isolation {
        user: format!("quietpost-{user}"),
        password,
    })
}

/// Whether the account's streams are isolated now (the setting, and a route that can).
pub fn effective(account: &Account) -> bool {
    account.isolate_streams && matches!(account.proxy, Some(Route::Socks5 { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quietpost_model::{Security, Server};

    fn account(name: &str, isolate: bool, proxy: Route) -> Account {
        let s = Server::new("h", 993, Security::ImplicitTls);
        Account {
            isolate_streams: isolate,
            proxy: Some(proxy.clone()),
            ..Account::new(name, "a@b", "a", s.clone(), s)
        }
    }

    #[test]
    fn distinct_per_purpose_per_load_and_per_account() {
        let tor: Route = "socks5://127.0.0.1:9050".parse().unwrap();
        let a = account("a", true, tor.clone());
        let c = |acc: &Account, p| credentials(acc, &tor, p).unwrap();
        let imap = c(&a, Purpose::Imap);
        assert_eq!(
            imap,
            c(&a, Purpose::Imap),
            "one circuit for the account's IMAP"
        );
        assert_ne!(imap, c(&a, Purpose::Smtp));
        assert_ne!(c(&a, Purpose::Images), c(&a, Purpose::Images));
        assert_ne!(c(&a, Purpose::SelfTest), c(&a, Purpose::SelfTest));
        let b = account("b", true, tor.clone());
        assert_ne!(imap.user, c(&b, Purpose::Imap).user);
        assert!(!imap.user.contains('a') || imap.user.starts_with("quietpost-"));
        // Off, or a proxy that cannot isolate: none.
        assert_eq!(
            credentials(&account("a", false, tor.clone()), &tor, Purpose::Imap),
            None
        );
        let http: Route = "http://127.0.0.1:8080".parse().unwrap();
        assert_eq!(
            credentials(&account("a", true, http.clone()), &http, Purpose::Imap),
            None
        );
        assert!(!effective(&account("a", true, http)));
    }
}
