//! The folders of accounts as people see them, for the command line and the window alike:
//! names decoded from IMAP's modified UTF-7 (the codec stays with the IMAP code, in net),
//! special-use folders first, with their counts.

use quietpost_model::SafeLine;
use quietpost_store::cache::{Cache, Role};

/// A folder as the folder pane and `quietpost list` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub account: String,
    /// The server's name (what the cache and the server know it by).
    pub name: String,
    /// What people read: the decoded name's last part ("Inbox" for the Inbox), sanitized.
    pub label: String,
    pub role: Option<Role>,
    pub total: u64,
    pub unread: u64,
}

/// A server's folder name as people read it (modified UTF-7 decoded; not sanitized).
pub fn decoded(name: &str) -> String {
    quietpost_net::imap::mailbox::decode_name(name)
}

/// Special-use folders first, in the order mail clients show them; then the rest by name.
fn role_rank(role: Option<Role>) -> u8 {
    match role {
        Some(Role::Inbox) => 0,
        Some(Role::Drafts) => 1,
        Some(Role::Sent) => 2,
        Some(Role::Archive) => 3,
        Some(Role::Junk) => 4,
        Some(Role::Trash) => 5,
        _ => 6,
    }
}

/// The selectable folders of `accounts` (in that order) with their counts.
pub fn list(cache: &Cache, accounts: &[String]) -> Result<Vec<Folder>, quietpost_store::Error> {
    let mut items = Vec::new();
    for account in accounts {
        let mut folders: Vec<Folder> = Vec::new();
        for f in cache.folders(account)? {
            if !f.info.selectable {
                continue;
            }
            let (total, unread) = cache.counts(f.id)?;
            let decoded = decoded(&f.info.name);
            let label = match (f.info.role, f.info.delimiter.as_deref()) {
                (Some(Role::Inbox), _) => "Inbox".to_owned(),
                (_, Some(d)) if !d.is_empty() => {
                    decoded.rsplit(d).next().unwrap_or(&decoded).to_owned()
                }
                _ => decoded.clone(),
            };
            folders.push(Folder {
                account: account.clone(),
                name: f.info.name,
                label: SafeLine::new(&label, 120).as_str().to_owned(),
                role: f.info.role,
                total,
                unread,
            });
        }
        folders.sort_by(|a, b| {
            (role_rank(a.role), a.label.to_lowercase())
                .cmp(&(role_rank(b.role), b.label.to_lowercase()))
        });
        items.extend(folders);
    }
    Ok(items)
}

/// The server's name of the folder of `account` a person typed, as the server names it or as
/// it reads decoded.
pub fn find(
    cache: &Cache,
    account: &str,
    typed: &str,
) -> Result<Option<String>, quietpost_store::Error> {
    Ok(cache
        .folders(account)?
        .into_iter()
        .find(|f| f.info.name == typed || decoded(&f.info.name) == typed)
        .map(|f| f.info.name))
}
