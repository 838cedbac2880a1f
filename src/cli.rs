//! The command line: argument parsing and dispatch. Each subcommand lives in `cli/`; with no
//! subcommand the window opens (`app`).

mod account;
mod inspect;
mod mail;
mod remote;
mod send;
mod term;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Quietpost: mail with safe defaults.
#[derive(Debug, Parser)]
#[command(
    name = "quietpost",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    /// Keep config, data and cache in this one directory.
    #[arg(long, global = true, value_name = "DIR")]
    pub profile: Option<PathBuf>,
    /// Print protocol traces to standard error (credentials are redacted).
    #[arg(long, global = true)]
    pub trace: bool,
    /// Open the demo mailbox: about thirty messages, ordinary and hostile, that show what
    /// Quietpost does. No account, no network.
    /// (Not with a subcommand: clap cannot say so of a subcommand, `run` does.)
    #[arg(long)]
    pub demo: bool,
    /// A mailto: link (as the desktop hands it to its mail program): the window opens with a
    /// message to that address — only its recipients, subject and text are taken.
    #[arg(value_name = "MAILTO", value_parser = mailto_link)]
    pub mailto: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a raw message (.eml) safely: real sender, warnings, text, links, blocked remote
    /// content, attachments. Nothing is loaded or run.
    Inspect(inspect::InspectArgs),
    /// Add, list, check and remove mail accounts.
    Account(account::AccountArgs),
    /// Bring the local cache up to date with the server (and send actions taken offline).
    Sync(mail::SyncArgs),
    /// List cached messages, newest first, with the ids other commands take.
    List(mail::ListArgs),
    /// Show a message safely (downloading its body if needed); it stays unread.
    Read(mail::ReadArgs),
    /// Search the cache: subjects, addresses and the text of downloaded bodies.
    Search(mail::SearchArgs),
    /// Set or clear a flag: quietpost flag ID +seen|-seen|+flagged|-flagged|+answered|-answered
    Flag(mail::FlagArgs),
    /// Move a message to another folder.
    Move(mail::MoveArgs),
    /// Move a message to Trash.
    Delete(mail::IdArgs),
    /// Move a message to Archive.
    Archive(mail::IdArgs),
    /// Send a message (it goes into the outbox first; --dry-run shows what it reveals).
    Send(send::SendArgs),
    /// Reply to a message (the text comes from standard input or --body-file); the quote is
    /// what you were shown, never text the message hid.
    Reply(send::ReplyArgs),
    /// Forward a message with its attachments.
    Forward(send::ForwardArgs),
    /// What is waiting to be sent: list, retry, discard.
    Outbox(send::OutboxArgs),
    /// Remote content: load a message's images through your proxy (with the network
    /// ledger), or set an account's policy.
    Remote(remote::RemoteArgs),
}

/// A `mailto:` link, the only thing the window takes as an argument.
fn mailto_link(s: &str) -> std::result::Result<String, String> {
    if s.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
    {
        Ok(s.to_owned())
    } else {
        Err("not a subcommand or a mailto: link (see quietpost --help)".to_owned())
    }
}

pub fn run(args: Args) -> Result<()> {
    if args.demo && args.command.is_some() {
        anyhow::bail!(
            "--demo opens the window with the demo mailbox; it does not go with a subcommand."
        );
    }
    if args.trace {
        init_trace();
    }
    // Files someone left open to others are made private again, and the person told, once
    // (the window shows it in its status line).
    let notices = std::cell::RefCell::new(Vec::new());
    let paths = || -> Result<quietpost_core::Paths> {
        let (paths, tightened) = quietpost_core::profile::open(args.profile.as_deref())?;
        for t in tightened {
            eprintln!("quietpost: note: {t}");
            notices.borrow_mut().push(t.to_string());
        }
        Ok(paths)
    };
    match args.command {
        Some(Command::Inspect(a)) => inspect::run(a),
        Some(Command::Account(a)) => account::run(a, &paths()?),
        Some(Command::Sync(a)) => mail::sync(a, &paths()?),
        Some(Command::List(a)) => mail::list(a, &paths()?),
        Some(Command::Read(a)) => mail::read(a, &paths()?),
        Some(Command::Search(a)) => mail::search(a, &paths()?),
        Some(Command::Flag(a)) => mail::flag(a, &paths()?),
        Some(Command::Move(a)) => mail::move_to(a, &paths()?),
        Some(Command::Delete(a)) => mail::delete(a, &paths()?),
        Some(Command::Archive(a)) => mail::archive(a, &paths()?),
        Some(Command::Send(a)) => send::send(a, &paths()?),
        Some(Command::Reply(a)) => send::reply(a, &paths()?),
        Some(Command::Forward(a)) => send::forward(a, &paths()?),
        Some(Command::Outbox(a)) => send::outbox_cmd(a, &paths()?),
        Some(Command::Remote(a)) => remote::run(a, &paths()?),
        None => {
            let mut launch = crate::app::Launch::new(paths()?, args.demo);
            launch.notices = notices.take();
            launch.mailto = args.mailto;
            crate::app::open(launch)
        }
    }
}

/// Quietpost's own traces (never its dependencies') to standard error, without colours.
fn init_trace() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    let targets = Targets::new()
        .with_target("quietpost", tracing::Level::TRACE)
        .with_target("quietpost_net", tracing::Level::TRACE)
        .with_target("quietpost_core", tracing::Level::TRACE)
        .with_target("quietpost_store", tracing::Level::TRACE);
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let _ = tracing_subscriber::registry()
        .with(fmt.with_filter(targets))
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// clap checks the definition only in debug builds, at start: a mistake there would stop a
    /// debug build before anything runs (it did: `conflicts_with` named the subcommand).
    #[test]
    fn the_command_line_definition_is_valid() {
        Args::command().debug_assert();
    }

    /// As a desktop file's `Exec=quietpost %u` hands a link: the link alone opens the window
    /// writing to it; anything else that is not a subcommand is refused.
    #[test]
    fn a_mailto_link_is_the_one_argument_besides_subcommands() {
        let a = Args::try_parse_from(["quietpost", "mailto:ana@example.net?subject=Hi"]).unwrap();
        assert_eq!(
            a.mailto.as_deref(),
            Some("mailto:ana@example.net?subject=Hi")
        );
        assert!(a.command.is_none());
        let a = Args::try_parse_from(["quietpost", "--profile", "/tmp/p", "MAILTO:a@b.example"])
            .unwrap();
        assert!(a.mailto.is_some());
        let a = Args::try_parse_from(["quietpost", "list"]).unwrap();
        assert!(a.mailto.is_none() && a.command.is_some());
        assert!(Args::try_parse_from(["quietpost", "https://example.org"]).is_err());
        assert!(Args::try_parse_from(["quietpost", "lsit"]).is_err());
    }
}
