//! `quietpost account add|list|remove|check`.

use crate::wording;
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use quietpost_core::Paths;
use quietpost_core::accounts;
use quietpost_model::{Account, PasswordSource, Server};
use quietpost_model::{Fingerprint, Protocol, Route, Secret, Security};
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct AccountArgs {
    #[command(subcommand)]
    command: AccountCommand,
}

#[derive(Debug, Subcommand)]
enum AccountCommand {
    /// Add an account: checks both servers with the password, then stores the password in the
    /// OS keychain (or remembers your password command) and the settings in config.toml.
    Add(Box<AddArgs>),
    /// List the accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an account and its keychain entries.
    Remove { name: String },
    /// Change an account's settings (identity, proxy, trust, remote content, documents,
    /// notifications, the journalist preset, the password) and print what changed; with no
    /// option, print them.
    Set(Box<super::account_set::SetArgs>),
    /// Check what your provider reveals: sends a test message to yourself (through the
    /// account's proxy when it has one), reads the lines the provider added — the address it
    /// records for you, how it checks mail — and deletes it. Learns the provider's
    /// authentication id.
    Selftest {
        name: String,
        #[arg(long)]
        json: bool,
        /// How long to wait for the test message to arrive, in seconds.
        #[arg(long, default_value_t = 60, value_name = "SECONDS")]
        wait: u64,
    },
    /// Connect and log in to the account's IMAP and SMTP servers, and show what protects them.
    Check {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
struct AddArgs {
    name: String,
    #[arg(long)]
    email: String,
    /// The name shown beside your address in the From line of what you send.
    #[arg(long, value_name = "TEXT")]
    display_name: Option<String>,
    /// A file whose text is added below what you write, after a "-- " line.
    #[arg(long, value_name = "FILE")]
    signature_file: Option<PathBuf>,
    /// IMAP server, HOST or HOST:PORT (default port 993, or 143 with --imap-starttls).
    #[arg(long, value_name = "HOST[:PORT]")]
    imap: Option<String>,
    /// SMTP submission server, HOST or HOST:PORT (default 465, or 587 with --smtp-starttls).
    #[arg(long, value_name = "HOST[:PORT]")]
    smtp: Option<String>,
    /// Use STARTTLS (required, never optional) instead of implicit TLS for IMAP.
    #[arg(long)]
    imap_starttls: bool,
    /// Use STARTTLS (required, never optional) instead of implicit TLS for SMTP.
    #[arg(long)]
    smtp_starttls: bool,
    /// Login name, if not the email address.
    #[arg(long)]
    user: Option<String>,
    /// Trust only this CA (PEM) for both servers: for self-hosted servers.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Trust exactly the certificate with this SHA-256 fingerprint (compare it with your
    /// server's administrator first).
    #[arg(long, value_name = "HEX")]
    pin_sha256: Option<String>,
    /// Connect through this proxy; if it is down, nothing connects.
    #[arg(long, value_name = "socks5://HOST:PORT|http://HOST:PORT")]
    proxy: Option<Route>,
    /// Read the password from the first line of standard input.
    #[arg(long, conflicts_with = "password_command")]
    password_stdin: bool,
    /// Get the password from this command each time (e.g. "pass show mail/alice") instead of
    /// storing it in the keychain.
    #[arg(long, value_name = "CMD")]
    password_command: Option<String>,
    /// Use the servers found automatically (without --imap/--smtp). Without --yes they are only
    /// shown, and nothing is sent.
    #[arg(long)]
    yes: bool,
}

pub fn run(args: AccountArgs, paths: &Paths) -> Result<()> {
    match args.command {
        AccountCommand::Add(a) => add(*a, paths),
        AccountCommand::List { json } => list(paths, json),
        AccountCommand::Remove { name } => remove(&name, paths),
        AccountCommand::Set(a) => super::account_set::set(*a, paths),
        AccountCommand::Selftest { name, json, wait } => {
            super::account_set::selftest(&name, paths, json, wait)
        }
        AccountCommand::Check { name, json } => check(&name, paths, json),
    }
}

/// The configured accounts.
pub(super) fn load(paths: &Paths) -> Result<Vec<Account>> {
    accounts::load(paths).map_err(|e| anyhow!(wording::store_error(&e)))
}

pub(super) fn server(
    spec: &str,
    starttls: bool,
    protocol: Protocol,
    ca: &Option<PathBuf>,
    pin: &Option<Fingerprint>,
) -> Result<Server> {
    let security = if starttls {
        Security::StartTlsRequired
    } else {
        Security::ImplicitTls
    };
    let (host, port) = match spec.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || spec.starts_with('[') => (
            h.trim_start_matches('[').trim_end_matches(']'),
            p.parse().context("invalid port")?,
        ),
        _ => (spec, security.usual_port(protocol)),
    };
    if host.is_empty() {
        bail!("a server needs a host name");
    }
    Ok(Server {
        host: host.to_owned(),
        port,
        security,
        ca_file: ca.clone(),
        pin_sha256: *pin,
        pin_key_sha256: None,
    })
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the network runtime")
}

fn add(a: AddArgs, paths: &Paths) -> Result<()> {
    if load(paths)?.iter().any(|x| x.name == a.name) {
        bail!(
            "an account named {} already exists; remove it first",
            a.name
        );
    }
    let mut a = a;
    if (a.imap.is_none() || a.smtp.is_none()) && !discover(&mut a)? {
        return Ok(());
    }
    let (Some(imap), Some(smtp)) = (&a.imap, &a.smtp) else {
        bail!("give both --imap HOST[:PORT] and --smtp HOST[:PORT]");
    };
    let ca_file = a
        .ca_file
        .as_ref()
        .map(std::path::absolute)
        .transpose()
        .context("invalid --ca-file")?;
    let pin: Option<Fingerprint> = a
        .pin_sha256
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|_| {
            anyhow!(
                "--pin-sha256 needs the 64 hex digits of the SHA-256 fingerprint (colons allowed)"
            )
        })?;
    let display_name =
        quietpost_core::compose::display_name(a.display_name.as_deref().unwrap_or(""))
            .map_err(|e| anyhow!("--display-name: {e}"))?;
    let signature = match &a.signature_file {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow!("--signature-file: {} is not UTF-8 text", path.display()))?;
            quietpost_core::compose::signature(&text)
                .map_err(|e| anyhow!("--signature-file: {e}"))?
        }
        None => None,
    };
    let account = Account {
        display_name,
        signature,
        password: match &a.password_command {
            Some(command) => PasswordSource::Command {
                command: command.clone(),
            },
            None => PasswordSource::Keychain,
        },
        proxy: a.proxy.clone(),
        ..Account::new(
            &a.name,
            &a.email,
            a.user.as_deref().unwrap_or(&a.email),
            server(imap, a.imap_starttls, Protocol::Imap, &ca_file, &pin)?,
            server(smtp, a.smtp_starttls, Protocol::Submission, &ca_file, &pin)?,
        )
    };
    // Nothing is sent before the password is in hand; core opens the keychain before any
    // server is contacted (none: nothing is sent or written).
    let password = match (&account.password, a.password_stdin) {
        (PasswordSource::Command { command }, _) => {
            accounts::run_command(command).map_err(account_error)?
        }
        (PasswordSource::Keychain, true) => read_password_line()?,
        (PasswordSource::Keychain, false) => bail!(
            "give the password with --password-stdin (for example: pass show mail/alice | quietpost account add ...) or use --password-command CMD"
        ),
    };
    let (imap_check, smtp_check) = runtime()?
        .block_on(accounts::add(paths, &account, &password))
        .map_err(|e| anyhow!(wording::add_error(&e, wording::Face::Cli)))?;
    println!("Account {} added.", account.name);
    print_checks(&imap_check, &smtp_check);
    match account.password {
        PasswordSource::Keychain => {
            println!("The password is in the system keychain; config.toml holds no secret.")
        }
        PasswordSource::Command { .. } => {
            println!("The password will be asked of your command each time; it is stored nowhere.")
        }
    }
    Ok(())
}

/// Finds the servers for the address and shows them. Returns true to go on (with `--yes`);
/// without it nothing is sent and the person reviews what was found first.
fn discover(a: &mut AddArgs) -> Result<bool> {
    let route = a.proxy.clone().unwrap_or_default();
    let found = runtime()?
        .block_on(quietpost_core::autoconfig::discover(&a.email, &route))
        .map_err(|e| anyhow!("Could not find the servers for {}: {e}.\nGive them with --imap HOST[:PORT] and --smtp HOST[:PORT].", a.email))?;
    let show = |f: &quietpost_core::autoconfig::Found| {
        format!(
            "{}:{} ({})",
            f.host,
            f.port,
            if f.security == Security::ImplicitTls {
                "TLS"
            } else {
                "STARTTLS required"
            }
        )
    };
    println!("Servers for {} (from {}):", a.email, found.source);
    println!("  IMAP {}", show(&found.imap));
    println!("  SMTP {}", show(&found.smtp));
    if let Some(note) = found.note {
        println!("  Note: {note}");
    }
    let spec = |f: &quietpost_core::autoconfig::Found| format!("{}:{}", f.host, f.port);
    // Only the servers filled in here take the discovered security mode.
    if a.imap.is_none() {
        a.imap = Some(spec(&found.imap));
        a.imap_starttls = found.imap.security == Security::StartTlsRequired;
    }
    if a.smtp.is_none() {
        a.smtp = Some(spec(&found.smtp));
        a.smtp_starttls = found.smtp.security == Security::StartTlsRequired;
    }
    if a.user.is_none() {
        a.user = found.user.clone();
    }
    if !a.yes {
        println!("Nothing has been sent. To use these servers, run the same command with --yes.");
        return Ok(false);
    }
    Ok(true)
}

pub(super) fn read_password_line() -> Result<Secret> {
    // Both the read buffer and the Secret are zeroized when dropped.
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("the password read from standard input is empty");
    }
    Ok(Secret::new(password))
}

fn list(paths: &Paths, json: bool) -> Result<()> {
    let accounts = load(paths)?;
    if json {
        let list: Vec<serde_json::Value> = accounts
            .iter()
            .map(|a| {
                serde_json::json!({
                    "name": a.name, "email": a.email, "user": a.user,
                    "display_name": a.display_name, "signature": a.signature.is_some(),
                    "imap": server_json(&a.imap), "smtp": server_json(&a.smtp),
                    "proxy": a.proxy.as_ref().map(Route::url),
                    "password": match &a.password { PasswordSource::Keychain => "keychain", PasswordSource::Command { .. } => "command" },
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if accounts.is_empty() {
        println!(
            "No accounts. Add one with: quietpost account add NAME --email ADDR --imap HOST --smtp HOST --password-stdin"
        );
    }
    for a in &accounts {
        println!(
            "{}  {}",
            a.name,
            super::term::safe(&quietpost_core::compose::identity(a))
        );
        println!(
            "  IMAP {}:{} ({})   SMTP {}:{} ({})",
            a.imap.host,
            a.imap.port,
            security(a.imap.security),
            a.smtp.host,
            a.smtp.port,
            security(a.smtp.security)
        );
        if let Some(p) = &a.proxy {
            println!("  through {} (if it is down, nothing connects)", p.url());
        }
    }
    Ok(())
}

fn server_json(s: &Server) -> serde_json::Value {
    serde_json::json!({ "host": s.host, "port": s.port, "security": security(s.security), "ca_file": s.ca_file, "pin_sha256": s.pin_sha256, "pin_key_sha256": s.pin_key_sha256 })
}

fn security(s: Security) -> &'static str {
    match s {
        Security::ImplicitTls => "TLS",
        Security::StartTlsRequired => "STARTTLS required",
    }
}

fn remove(name: &str, paths: &Paths) -> Result<()> {
    accounts::remove(paths, name).map_err(account_error)?;
    println!("Account {name} removed, with its keychain entries and its cached mail.");
    Ok(())
}

fn check(name: &str, paths: &Paths, json: bool) -> Result<()> {
    let account = accounts_named(paths, name)?;
    let imap_pw = password(&account, &account.imap)?;
    let smtp_pw = password(&account, &account.smtp)?;
    let (imap_check, smtp_check) = runtime()?
        .block_on(accounts::check(&account, &imap_pw, &smtp_pw))
        .map_err(|e| anyhow!("{e}"))?;
    let ok = imap_check.result.is_ok() && smtp_check.result.is_ok();
    // A certificate pin that verified becomes a pin of its key.
    let tls = |c: &accounts::ServerCheck| c.result.as_ref().ok().map(|c| c.tls.clone());
    accounts::learn_key_pins(
        paths,
        name,
        tls(&imap_check).as_ref(),
        tls(&smtp_check).as_ref(),
    )
    .map_err(account_error)?;
    if json {
        let v = serde_json::json!({ "account": account.name, "ok": ok, "imap": check_json(&imap_check), "smtp": check_json(&smtp_check) });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_checks(&imap_check, &smtp_check);
        if ok {
            println!("Verdict: both servers verified; the password was sent only inside TLS.");
        }
    }
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}

/// The configured account with this name.
pub(super) fn accounts_named(paths: &Paths, name: &str) -> Result<Account> {
    accounts::named(paths, name).map_err(|e| anyhow!(wording::store_error(&e)))
}

/// The password for one of the account's servers, from the keychain or the password command.
pub(super) fn password(account: &Account, server: &Server) -> Result<Secret> {
    accounts::password_for(account, server).map_err(account_error)
}

/// An account operation's failure in the command line's words.
pub(super) fn account_error(e: accounts::Error) -> anyhow::Error {
    match e {
        accounts::Error::Store(e) => anyhow!(wording::store_error(&e)),
        other => anyhow!("{other}"),
    }
}

fn check_json(c: &accounts::ServerCheck) -> serde_json::Value {
    let ep = &c.endpoint;
    let mut v = serde_json::json!({ "host": ep.host, "port": ep.port, "security": format!("{:?}", ep.security) });
    match &c.result {
        Ok(ok) => {
            v["ok"] = true.into();
            v["tls_version"] = ok.tls.version.clone().into();
            v["cipher_suite"] = ok.tls.cipher_suite.clone().into();
            v["fingerprint_sha256"] = ok.tls.fingerprint_sha256.clone().into();
            v["key_sha256"] = ok.tls.key_sha256.clone().into();
            v["certificate_subject"] = ok.tls.subject.clone().into();
            v["certificate_issuer"] = ok.tls.issuer.clone().into();
            v["certificate_not_after"] = ok.tls.not_after.clone().into();
            v["capabilities"] = ok.capabilities.clone().into();
        }
        Err(e) => {
            v["ok"] = false.into();
            v["error"] = wording::net_error(e).into();
        }
    }
    v
}

pub(super) fn print_checks(imap: &accounts::ServerCheck, smtp: &accounts::ServerCheck) {
    for (role, c) in [("IMAP", imap), ("SMTP", smtp)] {
        let mut lines = wording::server_check(role, c).into_iter();
        if let Some(first) = lines.next() {
            println!("{first}");
        }
        for line in lines {
            println!("  {line}");
        }
    }
}
