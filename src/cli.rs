//! The command line: argument parsing and dispatch. Each subcommand lives in `cli/`; with no
//! subcommand the window opens (`app`).

mod account;
mod account_set;
mod generate;
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
    long_about = "A desktop mail client with safe defaults: IMAP and SMTP only over TLS, mail shown as sanitized text, remote content loaded only when asked and only through a proxy, passwords in the system's keychain.\n\nWith no subcommand the window opens (the demo mailbox with --demo). `quietpost mailto:ADDRESS?subject=…` opens it writing to that address, as a desktop's mailto: links do. The subcommands give the same engine a scriptable face; most take --json."
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
    // Not with a subcommand: clap cannot say so of a subcommand, `run` does.
    #[arg(long)]
    pub demo: bool,
    /// A mailto: link, as the desktop hands it to its mail program (`quietpost 'mailto:…'`,
    /// alone or with --profile, --demo, --trace): the window opens with a message to that
    /// address — only its recipients, subject and text are taken. Not a clap argument: a
    /// positional beside the subcommands would make clap refuse `--profile DIR SUBCOMMAND`.
    #[arg(skip)]
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
    /// Write the manual pages and shell completions into a directory (for packagers: they
    /// are made from this very command line, so they never fall behind it).
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
}

impl Args {
    /// The command line: a `mailto:` link with only the window's own options beside it opens
    /// the window writing to it; anything else is clap's.
    pub fn parse_from_os(args: impl IntoIterator<Item = std::ffi::OsString>) -> Args {
        let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
        let link = mailto_position(&args).map(|i| args.remove(i));
        let mut parsed = Args::parse_from(args);
        parsed.mailto = link.map(|l| l.to_string_lossy().into_owned());
        parsed
    }
}

/// Where the `mailto:` link is, when it is the one argument besides --profile DIR, --demo and
/// --trace (the program's name first).
fn mailto_position(args: &[std::ffi::OsString]) -> Option<usize> {
    let mut link = None;
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_string_lossy();
        match a.as_ref() {
            "--profile" => i += 1,
            "--demo" | "--trace" => {}
            _ if a.starts_with("--profile=") => {}
            _ if link.is_none()
                && a.get(..7)
                    .is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) =>
            {
                link = Some(i)
            }
            _ => return None,
        }
        i += 1;
    }
    link
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
        Some(Command::Generate(a)) => generate::run(a),
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

    /// As a desktop file's `Exec=quietpost %u` hands a link: the link alone (with the
    /// window's own options) opens the window writing to it; anything else is clap's.
    #[test]
    fn a_mailto_link_is_the_one_argument_besides_the_windows_options() {
        let parse = |a: &[&str]| Args::parse_from_os(a.iter().map(std::ffi::OsString::from));
        let a = parse(&["quietpost", "mailto:ana@example.net?subject=Hi"]);
        assert_eq!(
            a.mailto.as_deref(),
            Some("mailto:ana@example.net?subject=Hi")
        );
        assert!(a.command.is_none());
        let a = parse(&[
            "quietpost",
            "--profile",
            "/tmp/p",
            "--demo",
            "MAILTO:a@b.example",
        ]);
        assert!(a.mailto.is_some() && a.demo);
        let a = parse(&["quietpost", "--profile", "/tmp/p", "account", "list"]);
        assert!(a.mailto.is_none() && a.command.is_some());
        // A subject that happens to start with mailto: stays the subject.
        let a = parse(&[
            "quietpost",
            "send",
            "--account",
            "a",
            "--to",
            "b@example.org",
            "--subject",
            "mailto:x",
        ]);
        assert!(a.mailto.is_none() && a.command.is_some());
        let bad = |a: &[&str]| {
            Args::try_parse_from(a).is_err()
                && mailto_position(&a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>())
                    .is_none()
        };
        assert!(bad(&["quietpost", "https://example.org"]));
        assert!(bad(&["quietpost", "mailto:a@b.example", "list"]));
    }
}
