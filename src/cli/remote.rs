//! `quietpost remote`: load a message's images through the proxy, and the account's policy.

use super::account::{load, runtime};
use super::inspect::print_ledger;
use super::term::Out;
use crate::wording::ledger_counts;
use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand, ValueEnum};
use quietpost_core::reading;
use quietpost_core::remote;
use quietpost_core::{Mailbox, Paths};
use quietpost_model::{MessageId, RemoteContent};
use quietpost_render::Prefer;
use std::io;

#[derive(Debug, Args)]
pub struct RemoteArgs {
    #[command(subcommand)]
    pub command: RemoteCommand,
}

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Load a message's images through the account's proxy (never directly) and print the
    /// network ledger: every remote reference, loaded, failed or blocked. Images stay in
    /// memory; nothing is saved.
    Load {
        /// The message id printed by `list`.
        id: MessageId,
        /// Use this proxy for this load: socks5://HOST:PORT or http://HOST:PORT.
        #[arg(long, value_name = "URL")]
        proxy: Option<quietpost_model::Route>,
        #[arg(long)]
        json: bool,
    },
    /// Show or set an account's remote content policy.
    Policy {
        account: String,
        /// on-request (the default: one message's images, when you ask, through the proxy
        /// only) or never (nothing loads, even on request; "blocked" is the same).
        #[arg(value_enum)]
        set: Option<Policy>,
        /// Load images from this sender without asking, when your provider vouches for it
        /// (a DKIM or DMARC pass in Authentication-Results it wrote). Repeatable.
        #[arg(long, value_name = "ADDRESS")]
        always_load_from: Vec<String>,
        /// Your provider's authserv-id: its Authentication-Results are believed. Repeatable.
        #[arg(long, value_name = "ID")]
        trust_authserv: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Policy {
    #[value(alias = "blocked")]
    Never,
    OnRequest,
}

pub fn run(a: RemoteArgs, paths: &Paths) -> Result<()> {
    match a.command {
        RemoteCommand::Load { id, proxy, json } => load_images(paths, id, proxy, json),
        RemoteCommand::Policy {
            account,
            set,
            always_load_from,
            trust_authserv,
        } => policy(paths, &account, set, always_load_from, trust_authserv),
    }
}

fn load_images(
    paths: &Paths,
    id: MessageId,
    proxy: Option<quietpost_model::Route>,
    json: bool,
) -> Result<()> {
    let opened = super::mail::open(paths, id, Prefer::default())?;
    let account = super::account::accounts_named(paths, &opened.row.account)?;
    let name = account.name.clone();
    let loaded = match runtime()?.block_on(reading::load_remote(
        Mailbox::file(paths),
        account,
        id,
        opened.message,
        proxy,
    )) {
        Ok(l) => l,
        Err(reading::Error::Remote(e)) if matches!(*e, remote::Error::Blocked(_)) => bail!(
            "Remote content is set to never load for the account {name}: nothing was loaded. To \
             load images when you ask, through your proxy only: `quietpost account set {name} --remote on-request`."
        ),
        Err(e) => bail!(super::mail::reading_error(&e, id)),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&loaded.ledger)?);
    } else {
        let mut out = Out(io::stdout().lock());
        out.line(&format!(
            "{} (only images are ever loaded).",
            ledger_counts(&loaded.ledger, "")
        ))?;
        print_ledger(&loaded.ledger, &mut out)?;
    }
    if loaded.route.is_none() && !loaded.ledger.is_empty() {
        bail!(
            "No proxy is configured for the account {name}: Quietpost never loads remote content \
             directly. Set one with `quietpost account set {name} --proxy socks5://127.0.0.1:9050` (Tor) or \
             pass --proxy."
        );
    }
    Ok(())
}

fn policy(
    paths: &Paths,
    name: &str,
    set: Option<Policy>,
    always: Vec<String>,
    trust: Vec<String>,
) -> Result<()> {
    let changed = set.is_some() || !always.is_empty() || !trust.is_empty();
    let account = if changed {
        quietpost_core::accounts::update(paths, name, |account| {
            if let Some(p) = set {
                account.remote_content = match p {
                    Policy::Never => RemoteContent::Never,
                    Policy::OnRequest => RemoteContent::OnRequest,
                };
            }
            account.always_load_from.extend(always);
            account.trusted_authserv_ids.extend(trust);
        })
        .map_err(super::account::account_error)?
    } else {
        load(paths)?
            .into_iter()
            .find(|a| a.name == name)
            .ok_or_else(|| anyhow!("There is no account named {name:?}."))?
    };
    let words = match account.remote_content {
        RemoteContent::Never => "never: nothing loads, even when you ask",
        RemoteContent::OnRequest => "loaded when you ask, through the account's proxy only",
    };
    println!("Remote content for {name}: {words}.");
    match &account.proxy {
        Some(p) => println!("Proxy: {}.", p.url()),
        None => println!("Proxy: none, so nothing can load (`--proxy` gives one for one load)."),
    }
    if !account.always_load_from.is_empty() {
        println!(
            "Always loaded, when {} vouches for the sender: {}.",
            if account.trusted_authserv_ids.is_empty() {
                "your provider (no authserv-id set yet, so never)".to_owned()
            } else {
                account.trusted_authserv_ids.join(", ")
            },
            account.always_load_from.join(", ")
        );
    }
    Ok(())
}
