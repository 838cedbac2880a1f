//! Bodies of a folder's messages into the cache: fetched in batches over up to three
//! sessions, read for the search index on one thread, stored on another.

use super::{Result, Update, index_text, writer_stopped};
use quietpost_net::imap::mailbox::{self, Mail};
use quietpost_store::cache::{Cache, Folder};

/// Bodies are fetched in commands of at most this many bytes (by RFC822.SIZE).
const BODY_BATCH_BYTES: u64 = 8 << 20;
const BODY_BATCH_COUNT: usize = 500;

/// Connections bodies are fetched over at most, the pass's own included, and never more than
/// there are commands (of `BODY_BATCH_*`) to send. One IMAP session is served by one server process, reading and
/// encrypting one message after another; more spread that work. Three, because the limits are
/// per account and shared with everything else the person runs: Dovecot allows 10 per user
/// and address by default (`mail_max_userip_connections`), Gmail 15 per account, and the
/// window may hold an IDLE session and a reader's fetch beside a sync, a phone others.
const BODY_CONNECTIONS: usize = 3;

/// Up to `n` more sessions with `folder` selected at `uidvalidity`, opened together. Best
/// effort: a server that refuses one (too many connections, often reported as a failed
/// login) or a folder whose UIDVALIDITY changed meanwhile (its UIDs would name other
/// messages) just means fewer.
async fn siblings(mail: &Mail, folder: &str, uidvalidity: u32, n: usize) -> Vec<Mail> {
    let open = (0..n).map(|_| async {
        let mut other = match mail.sibling().await? {
            Ok(other) => other,
            Err(e) => {
                tracing::debug!(error = %e, "another connection for bodies was refused");
                return None;
            }
        };
        match other.select(folder, None).await {
            Ok(s) if s.uidvalidity == Some(uidvalidity) => Some(other),
            _ => {
                other.logout().await;
                None
            }
        }
    });
    futures::future::join_all(open)
        .await
        .into_iter()
        .flatten()
        .collect()
}

pub(super) async fn fetch_bodies(
    mail: &mut Mail,
    cache: &mut Cache,
    folder: &Folder,
    uidvalidity: u32,
    progress: &mut (dyn FnMut(Update) + Send),
) -> Result<usize> {
    let missing = cache.missing_bodies(folder.id)?;
    let total = missing.len();
    if total == 0 {
        return Ok(0);
    }
    // Files a pass killed earlier wrote and never recorded.
    cache.sweep_body_files()?;
    let mut sets = Vec::new();
    let mut current: Vec<u32> = Vec::new();
    let mut bytes = 0;
    for (uid, size) in missing {
        if !current.is_empty()
            && (bytes + size > BODY_BATCH_BYTES || current.len() >= BODY_BATCH_COUNT)
        {
            sets.push(mailbox::uid_set(&current));
            current.clear();
            bytes = 0;
        }
        current.push(uid);
        bytes += size;
    }
    if !current.is_empty() {
        sets.push(mailbox::uid_set(&current));
    }
    let name = format!("{} (bodies)", folder.info.name);
    // Three stages, so that two cores are busy: this task keeps the network going, a second
    // thread renders each body for the index, a third writes to the cache over its own
    // connection. Bounded channels hold the network back when the cache falls behind.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(u32, Vec<u8>)>(32);
    let (rendered_tx, rendered_rx) =
        std::sync::mpsc::sync_channel::<(u32, Vec<u8>, String, bool)>(32);
    let renderer = tokio::task::spawn_blocking(move || {
        for (uid, raw) in rx {
            let (text, attachments) = index_text(&raw);
            if rendered_tx.send((uid, raw, text, attachments)).is_err() {
                break;
            }
        }
    });
    let mut writer_cache = cache.bulk_writer()?;
    // Checkpoints run beside the writer, so it never waits for the disk to sync.
    let checkpointer_cache = cache.reopen()?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let checkpointer = tokio::task::spawn_blocking(move || {
        while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = checkpointer_cache.checkpoint();
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    });
    let folder_id = folder.id;
    let writer = tokio::task::spawn_blocking(move || -> Result<usize> {
        let mut pending: Vec<(u32, Vec<u8>, String, bool)> = Vec::new();
        let mut bytes = 0;
        let mut stored = 0;
        for item in rendered_rx {
            bytes += item.1.len();
            pending.push(item);
            if bytes >= BODY_BATCH_BYTES as usize || pending.len() >= BODY_BATCH_COUNT {
                writer_cache.store_bodies(folder_id, &pending)?;
                stored += pending.len();
                pending.clear();
                bytes = 0;
            }
        }
        writer_cache.store_bodies(folder_id, &pending)?;
        Ok(stored + pending.len())
    });
    // The commands dealt out in turn, so each connection goes newest first through its share.
    let mut others = siblings(
        mail,
        &folder.info.name,
        uidvalidity,
        BODY_CONNECTIONS.min(sets.len()) - 1,
    )
    .await;
    let mut shares: Vec<Vec<String>> = vec![Vec::new(); others.len() + 1];
    for (i, set) in sets.into_iter().enumerate() {
        let n = shares.len();
        shares[i % n].push(set);
    }
    let mut shares = shares.into_iter();
    let own = shares.next().unwrap_or_default();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let arrived = |uid, raw| {
        // A closed channel means the writer failed; its error is reported below.
        let _ = tx.send((uid, raw));
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
    };
    let theirs = futures::future::join_all(others.iter_mut().zip(shares).map(|(other, share)| {
        let arrived = &arrived;
        async move {
            other
                .bodies(&share, |uid, raw| {
                    arrived(uid, raw);
                    Ok(())
                })
                .await
        }
    }));
    let mine = mail.bodies(&own, |uid, raw| {
        let done = arrived(uid, raw);
        if done % 100 == 0 || done == total {
            progress(Update::Progress {
                folder: name.clone(),
                done,
                total,
            });
        }
        Ok(())
    });
    let (mine, theirs) = futures::join!(mine, theirs);
    for other in others {
        other.logout().await;
    }
    let fetched = theirs.into_iter().fold(mine, |all, one| all.and(one));
    progress(Update::Progress {
        folder: name.clone(),
        done: done.load(std::sync::atomic::Ordering::Relaxed),
        total,
    });
    drop(tx);
    let _ = renderer.await;
    let stored = writer.await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = checkpointer.await;
    let stored = stored.map_err(|e| writer_stopped(cache, e))?;
    fetched?;
    stored
}
