//! Sending in words: what a message reveals (the composer's panel and `send --dry-run` say
//! the same lines), the outbox's states.

use quietpost_core::compose::Reveal;
use quietpost_model::{OutboxState, Route};

/// One fact of what a message reveals, with a heading the window shows it under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub topic: &'static str,
    pub words: String,
}

fn fact(topic: &'static str, words: String) -> Fact {
    Fact { topic, words }
}

/// What the message reveals, fact by fact, in the order a person checks it.
pub fn reveal(r: &Reveal) -> Vec<Fact> {
    let mut out = vec![fact("Sent as", format!("{} (the From line).", r.from))];
    let seen: Vec<String> = [("To", &r.to), ("Cc", &r.cc)]
        .iter()
        .filter(|(_, l)| !l.is_empty())
        .map(|(k, l)| format!("{k} {}", l.join(", ")))
        .collect();
    out.push(fact(
        "Recipients",
        if seen.is_empty() {
            "No recipient sees another: there is no To or Cc.".to_owned()
        } else {
            format!("Every recipient sees: {}.", seen.join("; "))
        },
    ));
    if !r.bcc.is_empty() {
        out.push(fact(
            "Bcc",
            format!(
                "{}: hidden from the other recipients — only in the SMTP envelope, no header names them.",
                r.bcc.join(", ")
            ),
        ));
    }
    out.push(fact(
        "Date",
        format!(
            "{}: UTC, rounded down to the minute, so your time zone and the exact second are not revealed.",
            r.date
        ),
    ));
    out.push(fact(
        "Message-ID",
        format!(
            "{}: random, at your domain; it says nothing about this computer.",
            r.message_id
        ),
    ));
    out.push(fact(
        "Program",
        "No User-Agent or X-Mailer: your mail program and system are not named.".to_owned(),
    ));
    out.push(fact(
        "Read receipt",
        if r.read_receipt {
            "A read receipt is requested (you asked for it).".to_owned()
        } else {
            "No read receipt is requested.".to_owned()
        },
    ));
    for a in &r.attachments {
        let what = if let Some(why) = &a.unchecked {
            format!("{why}; it is sent as it is")
        } else if a.removed.is_empty() {
            "checked: no hidden metadata found".to_owned()
        } else {
            format!("removed: {}", a.removed.join("; "))
        };
        out.push(fact(
            "Attachment",
            format!("{} ({}): {what}.", a.name, super::size(a.bytes as u64)),
        ));
    }
    out.push(fact(
        "Route",
        match &r.route {
            Route::Direct => format!(
                "Directly to {}: the server sees your IP address.",
                r.provider
            ),
            proxy => format!(
                "Through your proxy {} to {}: the server sees the proxy's address, not yours.",
                proxy.url(),
                r.provider
            ),
        },
    ));
    out.push(fact(
        "Not in Quietpost's hands",
        format!(
            "Your provider ({}) may add a Received line with the address it was sent from{} (many do; some, like Gmail, leave it out), and may sign the message with your domain (DKIM).",
            r.provider,
            if r.route == Route::Direct {
                " — your IP address"
            } else {
                " — the proxy's"
            }
        ),
    ));
    out
}

/// How an outbox state reads, in the list and the window.
pub fn outbox_state(state: OutboxState) -> &'static str {
    match state {
        OutboxState::Queued => "waiting",
        OutboxState::Sending => "being sent",
        OutboxState::Sent => "sent, to be filed in Sent",
        OutboxState::Unknown => "unknown: may have been sent",
        OutboxState::Failed => "refused",
    }
}

/// Why a message was not built, queued, saved or sent, in the window's words.
pub fn send_error(e: &quietpost_core::outbox::Error) -> String {
    use quietpost_core::outbox::Error;
    let face = super::Face::Window;
    match e {
        Error::Net(n) => super::net_error_for(n, face),
        Error::Store(s) | Error::Account(quietpost_core::accounts::Error::Store(s)) => {
            super::store_error_for(s, face)
        }
        Error::Account(other) => format!("{}.", capitalised(&other.to_string())),
        Error::Deferred(r) => format!("The server did not take it yet ({r})."),
        Error::Refused(r) => format!("The server refused the message: {r}."),
        Error::Unknown(r) => format!(
            "The connection ended before the server confirmed the message ({r}): it may or may not have gone out."
        ),
        Error::Build(c) => format!("The message cannot be built: {c}."),
        Error::NoFolder(f) => format!("The server has no {f} folder."),
        Error::NoSuchMessage(_) => "This message is no longer in the outbox.".to_owned(),
        Error::NotQueued(_, state) => format!("This message is {state}."),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}
