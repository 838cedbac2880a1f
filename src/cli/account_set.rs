//! `quietpost account set`: every setting of an account, as the window's settings change them
//! (the same core functions), printing what changed.

use super::account::{account_error, read_password_line, runtime};
use crate::wording;
use anyhow::{Context, Result, anyhow};
use clap::{Args, ValueEnum};
use quietpost_core::Paths;
use quietpost_core::accounts;
use quietpost_core::settings::{self, Edit, EditError, Preset, SaveError};
use quietpost_model::{
    Documents, Fingerprint, Notifications, Protocol, RemoteContent, Route, Security, Server,
};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SetArgs {
    name: String,
    /// The name shown beside your address in From ("" removes it).
    #[arg(long, value_name = "TEXT")]
    display_name: Option<String>,
    /// A file whose text is added below what you write, after a "-- " line.
    #[arg(long, value_name = "FILE", conflicts_with = "no_signature")]
    signature_file: Option<PathBuf>,
    #[arg(long)]
    no_signature: bool,
    /// Another IMAP server, HOST or HOST:PORT: checked with the account's password (only
    /// inside TLS) before anything is saved.
    #[arg(long, value_name = "HOST[:PORT]")]
    imap: Option<String>,
    /// Another SMTP submission server, HOST or HOST:PORT (checked as --imap is).
    #[arg(long, value_name = "HOST[:PORT]")]
    smtp: Option<String>,
    /// STARTTLS (required) for IMAP, or off: TLS from the first byte. Without a port in
    /// --imap, the mode's usual port.
    #[arg(long, value_name = "on|off")]
    imap_starttls: Option<OnOff>,
    #[arg(long, value_name = "on|off")]
    smtp_starttls: Option<OnOff>,
    /// Connect through this proxy; if it is down, nothing connects.
    #[arg(
        long,
        value_name = "socks5://HOST:PORT|http://HOST:PORT",
        conflicts_with = "no_proxy"
    )]
    proxy: Option<Route>,
    /// Connect directly (refused while the account requires a proxy).
    #[arg(long)]
    no_proxy: bool,
    /// Require the proxy for every connection: with none set, nothing connects.
    #[arg(long, value_name = "on|off")]
    require_proxy: Option<OnOff>,
    /// Tor stream isolation: separate circuits for the mail server, the sending server and
    /// each message's images (SOCKS5 proxies only).
    #[arg(long, value_name = "on|off")]
    isolate_streams: Option<OnOff>,
    /// Trust exactly the certificate (or public key) with this SHA-256 fingerprint, for both
    /// servers. Compare it with your server's administrator first.
    #[arg(long, value_name = "HEX", conflicts_with = "no_pin")]
    pin_sha256: Option<String>,
    #[arg(long)]
    no_pin: bool,
    /// Trust only this CA (PEM) for both servers.
    #[arg(long, value_name = "PEM", conflicts_with = "no_ca_file")]
    ca_file: Option<PathBuf>,
    #[arg(long)]
    no_ca_file: bool,
    /// Remote content (images): on-request (one message's, when you ask, through the proxy)
    /// or never.
    #[arg(long, value_enum)]
    remote: Option<Remote>,
    /// Load images from this sender without asking, when your provider vouches for it.
    /// Repeatable.
    #[arg(long, value_name = "ADDRESS")]
    always_load: Vec<String>,
    /// Take a sender off the always-load list. Repeatable.
    #[arg(long, value_name = "ADDRESS")]
    no_always_load: Vec<String>,
    /// Your provider's authserv-id: its Authentication-Results are believed. Repeatable.
    #[arg(long, value_name = "ID")]
    trust_authserv: Vec<String>,
    #[arg(long, value_name = "ID")]
    no_trust_authserv: Vec<String>,
    /// Documents (PDF, office): open (in the system's viewer, or save) or save-only.
    #[arg(long, value_enum)]
    documents: Option<DocumentsArg>,
    /// Desktop notifications of new mail.
    #[arg(long, value_enum)]
    notifications: Option<NotificationsArg>,
    /// No notification of new mail in this folder (INBOX: none for the Inbox). Repeatable.
    #[arg(long, value_name = "FOLDER")]
    mute: Vec<String>,
    /// Notify new mail in this folder too (only the Inbox is, by default). Repeatable.
    #[arg(long, value_name = "FOLDER")]
    unmute: Vec<String>,
    /// When to show what a message reveals: every-send, or when-new (the first message and
    /// whenever something new would be revealed).
    #[arg(long, value_enum)]
    reveal: Option<RevealArg>,
    /// journalist: "Protect my location and identity" (needs a proxy; then checks what your
    /// provider reveals, as `account selftest` does); none: turn it off.
    #[arg(long, value_enum)]
    preset: Option<PresetArg>,
    /// With --preset journalist: do not run the provider check now.
    #[arg(long)]
    no_selftest: bool,
    /// A new password, read from the first line of standard input: stored in the keychain
    /// only after both servers accept it.
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Remote {
    OnRequest,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DocumentsArg {
    Open,
    SaveOnly,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum NotificationsArg {
    Off,
    NewMail,
    WithSender,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RevealArg {
    EverySend,
    WhenNew,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PresetArg {
    Journalist,
    None,
}

/// The changes `a` asks for, in the order the options are listed.
fn edits(a: &SetArgs) -> Result<Vec<Edit>> {
    let mut edits = Vec::new();
    // Off first (so that what it required can then be changed), on last (so it holds).
    if let Some(PresetArg::None) = a.preset {
        edits.push(Edit::Preset(None));
    }
    if let Some(name) = &a.display_name {
        edits.push(Edit::DisplayName(name.clone()));
    }
    if let Some(path) = &a.signature_file {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow!("--signature-file: {} is not UTF-8 text", path.display()))?;
        edits.push(Edit::Signature(Some(text)));
    }
    if a.no_signature {
        edits.push(Edit::Signature(None));
    }
    if let Some(p) = &a.proxy {
        edits.push(Edit::Proxy(Some(p.clone())));
    }
    if let Some(on) = a.require_proxy {
        edits.push(Edit::RequireProxy(matches!(on, OnOff::On)));
    }
    if a.no_proxy {
        edits.push(Edit::Proxy(None));
    }
    if let Some(on) = a.isolate_streams {
        edits.push(Edit::IsolateStreams(matches!(on, OnOff::On)));
    }
    if let Some(pin) = &a.pin_sha256 {
        let pin: Fingerprint = pin.parse().map_err(|_| {
            anyhow!(
                "--pin-sha256 needs the 64 hex digits of a SHA-256 fingerprint (colons allowed)"
            )
        })?;
        edits.push(Edit::Pin(Some(pin)));
    }
    if a.no_pin {
        edits.push(Edit::Pin(None));
    }
    if let Some(ca) = &a.ca_file {
        edits.push(Edit::CaFile(Some(ca.clone())));
    }
    if a.no_ca_file {
        edits.push(Edit::CaFile(None));
    }
    if let Some(r) = a.remote {
        edits.push(Edit::Remote(match r {
            Remote::OnRequest => RemoteContent::OnRequest,
            Remote::Never => RemoteContent::Never,
        }));
    }
    edits.extend(a.always_load.iter().cloned().map(Edit::AlwaysLoad));
    edits.extend(a.no_always_load.iter().cloned().map(Edit::NoAlwaysLoad));
    edits.extend(a.trust_authserv.iter().cloned().map(Edit::TrustAuthserv));
    edits.extend(
        a.no_trust_authserv
            .iter()
            .cloned()
            .map(Edit::NoTrustAuthserv),
    );
    if let Some(d) = a.documents {
        edits.push(Edit::Documents(match d {
            DocumentsArg::Open => Documents::Open,
            DocumentsArg::SaveOnly => Documents::SaveOnly,
        }));
    }
    if let Some(n) = a.notifications {
        edits.push(Edit::Notifications(match n {
            NotificationsArg::Off => Notifications::Off,
            NotificationsArg::NewMail => Notifications::NewMail,
            NotificationsArg::WithSender => Notifications::WithSender,
        }));
    }
    edits.extend(a.mute.iter().cloned().map(Edit::Mute));
    edits.extend(a.unmute.iter().cloned().map(Edit::Unmute));
    if let Some(r) = a.reveal {
        edits.push(Edit::RevealEverySend(matches!(r, RevealArg::EverySend)));
    }
    if let Some(PresetArg::Journalist) = a.preset {
        edits.push(Edit::Preset(Some(Preset::Journalist)));
    }
    Ok(edits)
}

/// A refused change in the command line's words (the option named).
fn edit_error(e: &EditError, name: &str) -> anyhow::Error {
    match e {
        EditError::Preset(_) => anyhow!(
            "The journalist preset needs a proxy to send everything through: give one with --proxy (Tor: --proxy socks5://127.0.0.1:9050)."
        ),
        EditError::ProxyRequired => anyhow!(
            "{name} requires a proxy for every connection: turn that off first (--require-proxy off, or --preset none)."
        ),
        EditError::NotAnAddress(_) => anyhow!("--always-load: {e}"),
        EditError::NotAnAuthservId(_) => anyhow!("--trust-authserv: {e}"),
        EditError::CaFile(_) => anyhow!("--ca-file: {e}"),
        EditError::DisplayName(_) | EditError::Signature(_) => anyhow!("{e}"),
    }
}

/// The account's servers as `a` asks (none: unchanged).
fn servers(a: &SetArgs, current: &quietpost_model::Account) -> Result<Option<(Server, Server)>> {
    if a.imap.is_none()
        && a.smtp.is_none()
        && a.imap_starttls.is_none()
        && a.smtp_starttls.is_none()
    {
        return Ok(None);
    }
    let one = |spec: &Option<String>, starttls: Option<OnOff>, was: &Server, protocol| {
        if spec.is_none() && starttls.is_none() {
            return Ok(was.clone());
        }
        let starttls = starttls.map_or(was.security == Security::StartTlsRequired, |s| {
            matches!(s, OnOff::On)
        });
        // Only the mode changed: the same host, on the new mode's usual port.
        let spec = spec.clone().unwrap_or_else(|| was.host.clone());
        let mut server =
            super::account::server(&spec, starttls, protocol, &was.ca_file, &was.pin_sha256)?;
        server.pin_key_sha256 = was.pin_key_sha256;
        Ok::<_, anyhow::Error>(server)
    };
    Ok(Some((
        one(&a.imap, a.imap_starttls, &current.imap, Protocol::Imap)?,
        one(
            &a.smtp,
            a.smtp_starttls,
            &current.smtp,
            Protocol::Submission,
        )?,
    )))
}

pub fn set(a: SetArgs, paths: &Paths) -> Result<()> {
    let first = super::account::accounts_named(paths, &a.name)?;
    if let Some((imap, smtp)) = servers(&a, &first)? {
        let (i, s) = runtime()?
            .block_on(accounts::change_servers(paths, &a.name, imap, smtp))
            .map_err(|e| anyhow!(wording::servers_error(&e, wording::Face::Cli)))?;
        super::account::print_checks(&i, &s);
    }
    let (_, account) = match settings::save(paths, &a.name, &edits(&a)?) {
        Ok(both) => both,
        Err(SaveError::Edit(e)) => return Err(edit_error(&e, &a.name)),
        Err(SaveError::Account(e)) => return Err(account_error(e)),
    };
    // What changed since before the servers were changed too.
    let before = first;
    let changes = settings::changes(&before, &account);
    let password = if a.password_stdin {
        let password = read_password_line()?;
        runtime()?
            .block_on(accounts::change_password(paths, &a.name, &password))
            .map_err(|e| anyhow!(wording::password_error(&e, wording::Face::Cli)))?;
        true
    } else {
        false
    };
    let checklist = settings::checklist(&account);
    let on = settings::is_on(&account, Preset::Journalist);
    if a.json {
        let v = serde_json::json!({
            "account": account.name,
            "changed": changes.iter().map(|c| serde_json::json!({
                "setting": c.setting, "before": c.before, "after": c.after,
            })).collect::<Vec<_>>(),
            "password_changed": password,
            "route": wording::settings::route(&account),
            "journalist": {
                "on": on,
                "checklist": checklist.iter().map(|i| serde_json::json!({
                    "item": format!("{:?}", i.kind), "holds": i.holds,
                    "words": wording::settings::item(i, &account),
                })).collect::<Vec<_>>(),
            },
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let mut out = super::term::Out(std::io::stdout().lock());
    if changes.is_empty() && !password {
        out.line(&format!("{}: nothing changed. Its settings:", account.name))?;
        for (setting, value) in settings::all(&account) {
            out.line(&format!("  {setting}: {value}"))?;
        }
    } else {
        out.line(&format!("{}: changed", account.name))?;
        for c in &changes {
            out.line(&format!("  {}: {} → {}", c.setting, c.before, c.after))?;
        }
        if password {
            out.line("  password: both servers accepted the new one; it is in the keychain")?;
        }
    }
    out.line(&format!(
        "Connections: {}.",
        wording::settings::route(&account)
    ))?;
    if a.preset.is_some() || on {
        out.line(&format!(
            "{}: {}",
            wording::settings::JOURNALIST,
            if on { "on" } else { "off" }
        ))?;
        for i in &checklist {
            out.line(&format!(
                "  {} {}",
                if i.holds { "✓" } else { "✗" },
                wording::settings::item(i, &account)
            ))?;
        }
    }
    drop(out);
    if matches!(a.preset, Some(PresetArg::Journalist)) && !a.no_selftest {
        selftest(&a.name, paths, false, 60)
            .map_err(|e| anyhow!("The preset is on. The provider check could not finish: {e}"))?;
    }
    Ok(())
}

/// `quietpost account selftest NAME`: what the provider reveals (see core's `selftest`).
pub fn selftest(name: &str, paths: &Paths, json: bool, wait: u64) -> Result<()> {
    let account = super::account::accounts_named(paths, name)?;
    let imap = super::account::password(&account, &account.imap)?;
    let smtp = super::account::password(&account, &account.smtp)?;
    if !json {
        println!(
            "Sending a test message to {} ({}) and reading what your provider adds…",
            account.email,
            wording::settings::route(&account)
        );
    }
    let report = runtime()?
        .block_on(quietpost_core::selftest::run(
            &account,
            &imap,
            &smtp,
            std::time::Duration::from_secs(wait),
        ))
        .map_err(|e| anyhow!(wording::selftest_error(&e, wording::Face::Cli)))?;
    let (_, learnt) =
        quietpost_core::selftest::learn(paths, name, &report).map_err(account_error)?;
    let f = &report.findings;
    if json {
        let v = serde_json::json!({
            "account": name,
            "reveals_ip": f.reveals_ip,
            "sender_address": f.sender_address,
            "addresses": f.addresses,
            "originating": f.originating.iter().map(|(n, v)| serde_json::json!({"header": n, "value": v})).collect::<Vec<_>>(),
            "submission_received": f.submission,
            "authserv_id": f.authserv_id,
            "authserv_id_learnt": learnt,
            "authentication_results": f.authentication_results,
            "route": match &report.route { Route::Direct => "direct".to_owned(), r => r.url() },
            "probe_deleted": report.probe_deleted,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let mut out = super::term::Out(std::io::stdout().lock());
    for line in wording::settings::selftest(&report) {
        out.line(&line)?;
    }
    if learnt && let Some(id) = &f.authserv_id {
        out.line(&format!(
            "Learnt: {name} now believes Authentication-Results from {id}."
        ))?;
    }
    Ok(())
}
