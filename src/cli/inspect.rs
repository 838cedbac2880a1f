//! `quietpost inspect FILE.eml [--json]`: triage a message without trusting any of it.

use super::term::Out;
use crate::wording::explain;
use anyhow::{Context, Result};
use clap::Args;
use quietpost_model::{Addr, Code, LedgerEntry, LedgerState, RemoteKind, SafeMessage};
use quietpost_render::{Limits, Options, render};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The raw message; `-` reads standard input.
    pub file: PathBuf,
    /// Print the SafeMessage as JSON instead of the readable view.
    #[arg(long)]
    pub json: bool,
    /// Believe Authentication-Results written by this authserv-id (your provider's
    /// receiving server). Repeatable. Without it, no authentication result is shown.
    #[arg(long = "trust-authserv", value_name = "ID")]
    pub trust_authserv: Vec<String>,
    /// For a message written twice (plain text and HTML), show the HTML version instead of
    /// the plain text (a `versions-differ` warning says when they differ).
    #[arg(long)]
    pub html_version: bool,
    /// Show the attached message numbered N in the list of attachments instead (repeat to go
    /// into an attached message inside it). Its authentication results are not believed.
    #[arg(long = "attached", value_name = "N")]
    pub attached: Vec<usize>,
}

/// The attached message at `path` (attachment numbers as printed, from 1), followed from
/// `raw` through attached messages inside each other. Only attached messages can be read so.
pub fn attached(mut raw: Vec<u8>, path: &[usize]) -> Result<Vec<u8>> {
    for &n in path {
        let limits = Limits::default();
        let message = render(&raw, &Options::default());
        match n.checked_sub(1).and_then(|i| message.attachments.get(i)) {
            Some(a) if a.opening == quietpost_model::Opening::Quietpost => {
                raw = quietpost_render::attachment_data(&raw, n - 1, &limits)
                    .context("the attached message could not be read")?;
            }
            Some(a) => anyhow::bail!(
                "Attachment {n} ({}) is not a message; only attached messages can be read this way.",
                a.safe_filename
            ),
            None => anyhow::bail!(
                "The message has no attachment {n} (it has {}).",
                message.attachments.len()
            ),
        }
    }
    Ok(raw)
}

/// The version of a message written twice that was asked for.
pub fn prefer(html_version: bool) -> quietpost_render::Prefer {
    if html_version {
        quietpost_render::Prefer::Html
    } else {
        quietpost_render::Prefer::Plain
    }
}

pub fn run(args: InspectArgs) -> Result<()> {
    let limits = Limits::default();
    let raw = read_input(&args.file, limits.max_message_bytes)?;
    // An attached message's Authentication-Results were written for someone else.
    let trusted = if args.attached.is_empty() {
        args.trust_authserv
    } else {
        Vec::new()
    };
    let raw = attached(raw, &args.attached)?;
    show(&raw, trusted, args.json, prefer(args.html_version))
}

/// Renders a raw message and prints it: the readable view, or the SafeMessage as JSON. `read`
/// uses it too, so a cached message prints exactly as `inspect` prints its bytes.
pub fn show(
    raw: &[u8],
    trusted_authserv_ids: Vec<String>,
    json: bool,
    prefer: quietpost_render::Prefer,
) -> Result<()> {
    show_with_ledger(raw, trusted_authserv_ids, json, prefer, |_| Ok(None))
}

/// As [`show`], with the message's network ledger when `ledger` gives one (`read`): in JSON as
/// the `ledger` field, in the view as what was loaded, failed or blocked.
pub fn show_with_ledger(
    raw: &[u8],
    trusted_authserv_ids: Vec<String>,
    json: bool,
    prefer: quietpost_render::Prefer,
    ledger: impl FnOnce(&SafeMessage) -> Result<Option<Vec<LedgerEntry>>>,
) -> Result<()> {
    let options = Options {
        trusted_authserv_ids,
        limits: Limits::default(),
        prefer,
    };
    let message = render(raw, &options);
    let ledger = ledger(&message)?;
    print_message(&message, ledger.as_deref(), json)
}

/// Prints a rendered message: the readable view, or the SafeMessage as JSON, with its network
/// ledger when there is one.
pub fn print_message(
    message: &SafeMessage,
    ledger: Option<&[LedgerEntry]>,
    json: bool,
) -> Result<()> {
    let stdout = io::stdout().lock();
    if json {
        let mut out = io::BufWriter::new(stdout);
        match ledger {
            None => serde_json::to_writer_pretty(&mut out, message)?,
            Some(ledger) => {
                let mut value = serde_json::to_value(message)?;
                value["ledger"] = serde_json::to_value(ledger)?;
                serde_json::to_writer_pretty(&mut out, &value)?;
            }
        }
        writeln!(out)?;
        out.flush()?;
    } else {
        let mut out = Out(io::BufWriter::new(stdout));
        print_view(message, ledger, &mut out)?;
        out.0.flush()?;
    }
    Ok(())
}

/// The network ledger in words: one line per remote reference.
pub(super) fn print_ledger<W: Write>(ledger: &[LedgerEntry], out: &mut Out<W>) -> io::Result<()> {
    for e in ledger {
        let how = crate::wording::ledger_state(e);
        out.line(&format!(
            "  - {:<10} {how}: {}\n      {}",
            e.kind.as_str(),
            e.detail,
            e.url
        ))?;
    }
    Ok(())
}

/// Reads at most one byte more than `max`, so an over-long message is noticed but never held
/// whole in memory.
fn read_input(path: &PathBuf, max: usize) -> Result<Vec<u8>> {
    let mut raw = Vec::new();
    let limit = max as u64 + 1;
    if path.as_os_str() == "-" {
        io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut raw)
            .context("cannot read the message from standard input")?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut raw))
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    Ok(raw)
}

fn code_lines(codes: &[Code], indent: &str) -> Vec<String> {
    codes
        .iter()
        .map(|c| format!("{indent}! {}: {}", c.as_str(), explain(*c)))
        .collect()
}

fn print_view<W: Write>(
    m: &SafeMessage,
    ledger: Option<&[LedgerEntry]>,
    out: &mut Out<W>,
) -> io::Result<()> {
    let field = |out: &mut Out<W>, label: &str, list: &[Addr]| -> io::Result<()> {
        for (i, a) in list.iter().enumerate() {
            let label = if i == 0 {
                format!("{label}:")
            } else {
                String::new()
            };
            out.line(&format!("{label:<10} {}", crate::wording::address(a)))?;
            for l in code_lines(&a.warnings, "           ") {
                out.line(&l)?;
            }
        }
        Ok(())
    };
    if m.from.is_empty() {
        out.line("From:      (no sender address)")?;
    }
    field(out, "From", &m.from)?;
    field(out, "Sender", &m.sender)?;
    field(out, "Reply-To", &m.reply_to)?;
    field(out, "To", &m.to)?;
    field(out, "Cc", &m.cc)?;
    out.line(&format!(
        "{:<10} {}",
        "Date:",
        m.date.as_deref().unwrap_or("(none)")
    ))?;
    out.line(&format!("{:<10} {}", "Subject:", m.subject))?;
    match &m.authentication {
        Some(a) => {
            out.line(&format!(
                "{:<10} checked by your provider ({}): DKIM {}{}, SPF {}, DMARC {}",
                "Auth:",
                a.authserv_id,
                a.dkim,
                a.dkim_domain
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default(),
                a.spf,
                a.dmarc
            ))?;
            out.line(&match crate::wording::authentication(a) {
                Ok(vouched) => format!("{:<10} ✓ verified: {vouched}", ""),
                Err(why) => format!("{:<10} ! not verified: {why}", ""),
            })?;
        }
        None => out.line(&format!(
            "{:<10} not checked (no result from a provider you trust; claims written by others are ignored)",
            "Auth:"
        ))?,
    }

    if !m.warnings.is_empty() {
        out.line("")?;
        out.line("Warnings:")?;
        for w in &m.warnings {
            out.line(&format!("  ! {}: {}", w.code.as_str(), w.detail))?;
        }
    }

    let rule = "─".repeat(72);
    out.line("")?;
    out.line(&rule)?;
    if m.body.is_empty() {
        out.line("(no text)")?;
    } else {
        out.line(&escape_imitated_markers(m))?;
    }
    out.line(&rule)?;

    if !m.links.is_empty() {
        out.line("")?;
        out.line("Links (the real destinations):")?;
        for (i, l) in m.links.iter().enumerate() {
            out.line(&format!(
                "  [{}] {}",
                i + 1,
                if l.text.is_empty() {
                    "(no text)"
                } else {
                    l.text.as_str()
                }
            ))?;
            let host = match (&l.host, &l.registrable) {
                (Some(h), Some(site)) if site.as_str() != h.as_str() => {
                    format!("  (host: {h}; a page of {site})")
                }
                (Some(h), _) => format!("  (host: {h})"),
                (None, _) => String::new(),
            };
            let inert = if l.activatable {
                ""
            } else {
                "  [cannot be opened]"
            };
            out.line(&format!("      → {}{host}{inert}", l.url))?;
            if let Some(original) = &l.original {
                out.line(&format!(
                    "      {} {original}",
                    crate::wording::cleaned_link(l)
                ))?;
            }
            for line in code_lines(&l.warnings, "      ") {
                out.line(&line)?;
            }
        }
    }

    out.line("")?;
    let tried = ledger.filter(|l| l.iter().any(|e| e.state != LedgerState::Blocked));
    if m.remote_content.is_empty() {
        out.line("Remote content: none.")?;
    } else if let Some(ledger) = tried {
        out.line(&format!(
            "Remote content: {}.",
            crate::wording::ledger_counts(ledger, " through your proxy")
        ))?;
        print_ledger(ledger, out)?;
    } else {
        let mut by_kind: BTreeMap<RemoteKind, usize> = BTreeMap::new();
        for r in &m.remote_content {
            *by_kind.entry(r.kind).or_default() += 1;
        }
        let kinds: Vec<String> = by_kind
            .iter()
            .map(|(k, n)| format!("{n} {}", k.as_str()))
            .collect();
        out.line(&format!(
            "Remote content: {} remote items blocked ({}). Nothing was loaded.",
            m.remote_content.len(),
            kinds.join(", ")
        ))?;
        for r in &m.remote_content {
            let attached = if r.attached {
                "  (in an attached message)"
            } else {
                ""
            };
            out.line(&format!("  - {:<10} {}{attached}", r.kind.as_str(), r.url))?;
        }
    }

    if !m.attachments.is_empty() {
        out.line("")?;
        out.line("Attachments:")?;
        for (i, a) in m.attachments.iter().enumerate() {
            let detected = a
                .detected_type
                .map(|d| format!(", content looks like {d}"))
                .unwrap_or_default();
            out.line(&format!(
                "  {}. {}  ({}, declared {}{detected})",
                i + 1,
                a.safe_filename,
                crate::wording::size(a.size),
                a.content_type
            ))?;
            if let Some(shown) = &a.looks_like {
                out.line(&format!("     other programs show this name as: {shown}"))?;
            }
            if a.filename.as_str() != a.safe_filename.as_str() && !a.filename.is_empty() {
                out.line(&format!(
                    "     name in the message: {:?}",
                    a.filename.as_str()
                ))?;
            }
            out.line(&format!(
                "     {}",
                crate::wording::opening(a.opening, i + 1)
            ))?;
            for line in code_lines(&a.warnings, "     ") {
                out.line(&line)?;
            }
        }
    }
    Ok(())
}

/// The body as printed: link markers ` [N]` where the renderer put them, and message text that
/// only looks like one (`[2]`, `[2 → bank.example]`) escaped as `\[2…`, so it cannot pass for
/// Quietpost's own.
fn escape_imitated_markers(m: &SafeMessage) -> String {
    let body = m.body.as_str();
    let real: std::collections::HashSet<usize> = m.link_markers.iter().map(|k| k.at).collect();
    let mut out = String::with_capacity(body.len());
    for (i, c) in body.char_indices() {
        if c == '[' && !real.contains(&i) {
            let after = &body[i + 1..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && matches!(after.as_bytes().get(digits), Some(b']' | b' ')) {
                out.push('\\');
            }
        }
        out.push(c);
    }
    out
}
