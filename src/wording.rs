//! User-facing wording: what each warning means for the reader, in plain language.
//! Libraries give stable codes; the words people read live here, in the app.

use quietpost_core::{CertProblem, NetError, StoreError, Trust};
use quietpost_model::Code;

mod sending;
pub mod settings;
pub use sending::{Fact, outbox_state, reveal, send_error};

/// One calm sentence explaining a warning code.
pub fn explain(code: Code) -> &'static str {
    use Code::*;
    match code {
        TextHostMismatch => "the link text names a different site than where the link really goes",
        Userinfo => {
            "the address has text before an @ that imitates a site name; the real host is after the @"
        }
        IpHost => "the link goes to a bare IP address instead of a named site",
        IdnHomograph => "the name uses look-alike or mixed-script letters; shown in its ASCII form",
        DangerousScheme => {
            "this kind of link can run or open something on your computer; it cannot be opened"
        }
        RelativeLink => "the link has no real destination in an email; it cannot be opened",
        UnparsableUrl => "the link is malformed; it cannot be opened",
        HiddenLink => "this link is in the message but not visible in its text",
        MailtoExtra => {
            "this mail link also asks for attachments, a sender or hidden recipients; those are ignored"
        }
        LookalikeSubdomain => {
            "the name begins with another site's name, but it belongs to the site at its end"
        }
        LongUrl => "the address is too long to show whole, so it cannot be opened from here",
        DisplayNameAddress => "the name contains an address different from the real sender address",
        ControlChars => {
            "hidden control characters (such as NUL, line breaks or text-direction overrides) were removed"
        }
        EncodedAddress => {
            "the address contains encoded text, a trick to fake a sender; it is shown undecoded"
        }
        AmbiguousAddress => {
            "mail programs disagree on which address this is; every reading is shown"
        }
        InvalidAddress => "this is not a valid email address",
        LongDisplayName => {
            "the name is unusually long, a trick to push the real address out of sight; the address is what counts"
        }
        MultipleFrom => "more than one sender is claimed",
        SenderDiffers => "another address sent this message",
        ReplyToDiffers => "replies go to a different domain than the sender's",
        MultipleReplyTo => {
            "the message names where replies go more than once; programs disagree on which"
        }
        ReadReceiptRequested => "the sender asked for a read receipt; none is sent",
        LimitReached => "a size limit was reached; part of the message is not shown",
        CharsetProblem => "part of the text is in an unknown or broken encoding",
        Unparsable => "the message could not be read",
        BrokenStructure => "the message is damaged; Quietpost shows what it could recover",
        BadDate => "the date is missing or invalid",
        BidiControl => "characters that reorder text were removed",
        HiddenControl => "hidden control characters or terminal escapes were removed",
        HtmlConverted => "written in HTML, shown as text; nothing was loaded or run",
        HiddenText => "the message hides some text from view in other programs; Quietpost shows it",
        VersionsDiffer => "the plain-text and HTML versions of this message say different things",
        Executable => "this type can run code or install software; Quietpost will only save it",
        PathInName => "the name tried to include folders; only the file name is kept",
        BidiInName => "the name used characters that reorder text to hide its real ending",
        TypeMismatch => "the content is not what its name or declared type says",
        ReservedName => "the name is reserved by Windows; it was prefixed with _",
        NameChanged => "the name was changed to be safe to save",
        PaddedName => {
            "the name was padded with blank or invisible characters, as if to push its real ending out of sight; they were reduced to one space"
        }
        LongName => "the name was too long to show; its middle was cut, keeping its real ending",
    }
}

/// A badge's few-word title for a warning code.
pub fn headline(code: Code) -> &'static str {
    use Code::*;
    match code {
        TextHostMismatch => "Link goes elsewhere",
        Userinfo => "Disguised link",
        IpHost => "Link to a bare address",
        IdnHomograph => "Look-alike letters",
        DangerousScheme => "Dangerous link",
        RelativeLink | UnparsableUrl => "Broken link",
        HiddenLink => "Hidden link",
        MailtoExtra => "Mail link with extras",
        LookalikeSubdomain => "Another site's name in front",
        LongUrl => "Overlong link",
        DisplayNameAddress => "Name shows another address",
        ControlChars | HiddenControl => "Hidden characters removed",
        EncodedAddress => "Disguised sender",
        AmbiguousAddress => "Ambiguous sender",
        InvalidAddress => "Invalid address",
        LongDisplayName => "Very long name",
        MultipleFrom => "Several senders",
        SenderDiffers => "Sent on behalf",
        ReplyToDiffers => "Replies go elsewhere",
        MultipleReplyTo => "Several reply addresses",
        ReadReceiptRequested => "Read receipt asked",
        LimitReached => "Partly shown",
        CharsetProblem => "Encoding problem",
        Unparsable => "Unreadable message",
        BrokenStructure => "Damaged message",
        BadDate => "No valid date",
        BidiControl => "Reordering characters removed",
        HtmlConverted => "Shown as text",
        HiddenText => "Hidden text",
        VersionsDiffer => "Two versions that differ",
        Executable => "Can run code",
        PathInName => "Folders in the name",
        BidiInName => "Disguised file name",
        TypeMismatch => "Not what it claims",
        ReservedName => "Reserved name",
        NameChanged => "Name changed",
        PaddedName => "Padded file name",
        LongName => "Long file name",
    }
}

/// A connection failure in plain words, with what to do next. There is never a "continue
/// anyway": the only ways past a certificate failure are an explicit CA file or pin.
pub fn net_error(e: &NetError) -> String {
    net_error_for(e, Face::Cli)
}

/// Where words are read: the command line names flags and commands, the window its controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Cli,
    Window,
}

/// [`net_error`] for `face`.
pub fn net_error_for(e: &NetError, face: Face) -> String {
    use NetError::*;
    match e {
        NameNotFound { host, .. } => format!(
            "The server name {host} could not be found. Check the spelling, and that you are online."
        ),
        Refused { host, port } => format!(
            "{host} refused the connection on port {port}. Check the port, or whether the server is running."
        ),
        TimedOut { host, port } => format!(
            "{host}:{port} did not answer in time. It may be down, or a firewall blocks it; try again later."
        ),
        Connect { host, port, .. } => {
            format!("Could not connect to {host}:{port}. Check your network and try again.")
        }
        Closed { host } => format!(
            "{host} closed the connection. Try again later; if it keeps happening, the port or the security mode may be wrong."
        ),
        Certificate { host, problem } => {
            let what = match problem {
                CertProblem::UnknownIssuer => {
                    "is not signed by an authority your system trusts".to_owned()
                }
                CertProblem::BadSignature => {
                    "carries a signature that does not verify (it may be forged)".to_owned()
                }
                CertProblem::Expired => "has expired".to_owned(),
                CertProblem::NotYetValid => {
                    "is not valid yet (check this computer's clock)".to_owned()
                }
                CertProblem::WrongHost => "was issued for a different server name".to_owned(),
                CertProblem::Revoked => "has been revoked".to_owned(),
                CertProblem::PinMismatch {
                    expected,
                    actual,
                    key,
                    ..
                } => format!(
                    "{} is not the one you pinned.\n  pinned:    {expected}\n  presented: {actual}\n  If you did not change your server's certificate, someone may be intercepting the connection: nothing was sent. If it really changed, compare the new fingerprint with your administrator's, then pin it in the account's settings",
                    if *key { "has a key that" } else { "" }
                ),
                CertProblem::WeakKey { bits } => format!(
                    "uses a {bits}-bit key, too weak to protect the connection (2,048 bits is the least accepted). This is not necessarily an attack: ask the server's administrator to renew the certificate with a stronger key"
                ),
                CertProblem::IssuerNotInCaFile { issuer } => format!(
                    "was issued by {issuer}, which is not in your CA file, and the server sent no intermediate certificate. If {issuer} is an intermediate of your own CA, the server's setup leaves it out: ask its administrator to send the full chain, or add that intermediate to the CA file. If you do not know {issuer}, do not trust it"
                ),
                CertProblem::Other(detail) => format!("was rejected: {detail}"),
            };
            let own = match face {
                Face::Cli => {
                    "For your own server, give its CA with --ca-file, or pin its certificate with --pin-sha256 after comparing the fingerprint with its administrator."
                }
                Face::Window => {
                    "For your own server, its certificate can be pinned once you have compared its fingerprint with the one its administrator gives you."
                }
            };
            // A weak key or a missing intermediate is a server's mistake, not a sign of
            // interception: saying otherwise would teach people to ignore the warning.
            let intercept = match problem {
                CertProblem::WeakKey { .. } => "",
                _ => " Someone may be intercepting the connection.",
            };
            format!(
                "The certificate of {host} {what}. Quietpost did not connect and sent nothing.{intercept} {own}"
            )
        }
        Tls { host, .. } => format!(
            "The secure connection to {host} failed. The server may not support TLS 1.2 or newer."
        ),
        ExpectsStartTls { host, port } => format!(
            "{host}:{port} answered without TLS: this port expects STARTTLS. Use the STARTTLS option (usually ports 143 and 587) or the TLS port (993 or 465)."
        ),
        SpeaksTls { host, port } => format!(
            "{host}:{port} speaks TLS directly. Drop the STARTTLS option (ports 993 and 465 use TLS from the first byte)."
        ),
        StartTlsUnavailable { host } => format!(
            "{host} did not offer STARTTLS, so the connection cannot be protected. Quietpost never sends a password without TLS. Use the server's TLS port, or someone may be removing STARTTLS from the connection."
        ),
        StartTlsRefused { host } => {
            format!("{host} refused to start TLS. Quietpost never continues without it.")
        }
        StartTlsUnexpected { host } => format!(
            "{host} answered the request to start TLS with something other than its go-ahead, so the connection cannot be protected. Quietpost stopped at once and sent nothing else. Someone on the network may be tampering with the connection."
        ),
        Injection { host } => format!(
            "Data arrived from {host} before the secure connection began: a sign of tampering on the network. Quietpost stopped and sent nothing."
        ),
        Preauth { host } => format!(
            "{host} tried to skip the login before securing the connection. Quietpost refused."
        ),
        LoginDisabled { host } => format!("{host} does not allow logging in on this connection."),
        Login { host, server_text } => format!(
            "{host} rejected the user name or password. The server said: \u{201C}{server_text}\u{201D}"
        ),
        Protocol { host, detail } => {
            format!("{host} did not speak the protocol as expected ({detail}).")
        }
        UnsafeCredentials => {
            "The user name or password contains a line break, which cannot be sent safely."
                .to_owned()
        }
        ProxyUnreachable { proxy, .. } => format!(
            "Your proxy {proxy} is not reachable. Nothing was sent without it. Start the proxy (e.g. Tor) and try again."
        ),
        Proxy { proxy, detail } => {
            format!("Your proxy {proxy} {detail}. Nothing was sent without it.")
        }
        CaFile { path, .. } => {
            format!("The CA file {path} cannot be read or holds no certificate.")
        }
        Config(e) => format!("The TLS settings are invalid ({e})."),
    }
}

/// A storage failure in plain words.
pub fn store_error(e: &StoreError) -> String {
    store_error_for(e, Face::Cli)
}

/// [`store_error`] for `face`.
pub fn store_error_for(e: &StoreError, face: Face) -> String {
    match e {
        StoreError::NoKeychain { detail } if face == Face::Window => format!(
            "No system keychain is available ({detail}). Quietpost never stores passwords in a file, so it cannot keep this account's password here. Run Quietpost in a desktop session with a keychain (GNOME Keyring, KWallet's Secret Service, macOS Keychain, Windows Credential Manager). Nothing was saved."
        ),
        StoreError::NoKeychain { detail } => format!(
            "No system keychain is available ({detail}). Quietpost never stores passwords in a file. Choose one:\n  --password-command CMD   get the password from a command each time (e.g. \"pass show mail/alice\")\n  or run Quietpost in a desktop session with a keychain (GNOME Keyring, KWallet's Secret Service, macOS Keychain, Windows Credential Manager).\nNothing was saved."
        ),
        e if e.is_busy() => "The mail cache is busy: another Quietpost is writing to it. Try again in a moment; nothing was lost.".to_owned(),
        other => other.to_string(),
    }
}

/// Why a certificate was trusted, in words.
pub fn trust(t: &Trust) -> String {
    match t {
        Trust::System => "signed by an authority your system trusts".to_owned(),
        Trust::CaFile(p) => format!("signed by the CA in {}", p.display()),
        Trust::PinnedSha256(_) => "it is exactly the certificate you pinned".to_owned(),
        Trust::PinnedKey(_) => "it carries exactly the key you pinned".to_owned(),
    }
}

/// A sync, cache or action failure in plain words.
pub fn sync_error(e: &quietpost_core::sync::Error) -> String {
    sync_error_for(e, Face::Cli)
}

/// [`sync_error`] for `face`.
pub fn sync_error_for(e: &quietpost_core::sync::Error, face: Face) -> String {
    use quietpost_core::sync::Error;
    match e {
        Error::Net(e) => format!(
            "{} What was already downloaded is kept; the next sync continues from there.",
            net_error_for(e, face)
        ),
        Error::Store(e) => store_error_for(e, face),
        Error::Account(quietpost_core::accounts::Error::Store(e)) => store_error_for(e, face),
        Error::NoFolder(name) if face == Face::Window => format!(
            "There is no folder named \u{201C}{name}\u{201D}; the folder list shows those the server has."
        ),
        Error::NoFolder(name) => format!(
            "There is no folder named \u{201C}{name}\u{201D}. `quietpost sync` lists the folders it finds."
        ),
        Error::NoRole(role) if face == Face::Window => format!(
            "The server has no {role} folder, so this cannot be done. Use Move to… and choose a folder instead."
        ),
        Error::NoRole(role) => format!(
            "The server has no {role} folder, so this cannot be done. Use `quietpost move ID FOLDER` instead."
        ),
        Error::NotADraft => {
            "This message is not a draft in the Drafts folder: only drafts can be continued."
                .to_owned()
        }
        other => other.to_string(),
    }
}

/// A failure inside the window, in plain words with what to do.
pub fn app_error(e: &crate::backend::Error) -> String {
    use crate::backend::Error;
    use quietpost_core::reading::Error as Core;
    match e {
        Error::Core(Core::Store(e)) => match &**e {
            StoreError::FileExists(path) => format!(
                "{} already exists. Nothing was overwritten; move or rename that file and save again.",
                path.display()
            ),
            StoreError::Io { path, source } => {
                format!(
                    "Could not write {} ({source}). Nothing was lost.",
                    path.display()
                )
            }
            other => store_error_for(other, Face::Window),
        },
        Error::Core(Core::Sync(e)) => sync_error_for(e, Face::Window),
        Error::Core(Core::Remote(e)) => match &**e {
            quietpost_core::remote::Error::Blocked(account) => format!(
                "Remote content is blocked for {account}: nothing loads, even when you ask."
            ),
            other => other.to_string(),
        },
        Error::Core(Core::Gone(_)) => {
            "This message is no longer here (it was moved or deleted).".to_owned()
        }
        Error::Core(Core::NoAttachment) => {
            "The attachment could not be read back from the message.".to_owned()
        }
        Error::Core(Core::NotOpenable) => {
            "Quietpost does not open this kind of attachment (it can run code, or would load remote content). Save it if you trust it."
                .to_owned()
        }
        Error::Launch(e) => format!("The system viewer could not be started ({e})."),
        Error::Core(Core::Stopped) => "The task was stopped.".to_owned(),
        Error::Core(Core::Preview(why)) => why.clone(),
        Error::Send(e) => send_error(e),
        Error::TooLarge(path) => format!(
            "{} is larger than {}: it was not attached.",
            path.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            size(crate::backend::MAX_ATTACHMENT)
        ),
        Error::Settings(e) => settings_error(e),
        Error::Notify(why) => format!("The desktop notification could not be shown ({why})."),
    }
}

/// What went wrong in the settings pane, in the window's words.
pub fn settings_error(e: &crate::backend::SettingsError) -> String {
    use crate::backend::SettingsError;
    use quietpost_core::settings::{EditError, SaveError};
    match e {
        SettingsError::Save(e) => match &**e {
            SaveError::Edit(EditError::Preset(_)) => {
                "Set a proxy first: with this switch on, every connection goes through it (Tor: socks5://127.0.0.1:9050). Nothing was changed."
                    .to_owned()
            }
            SaveError::Edit(EditError::ProxyRequired) => {
                "This account connects only through a proxy: turn that off first to remove it. Nothing was changed."
                    .to_owned()
            }
            SaveError::Edit(edit) => {
                let mut words = edit.to_string();
                if let Some(first) = words.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                format!("{words}. Nothing was changed.")
            }
            SaveError::Account(quietpost_core::accounts::Error::Store(s)) => {
                format!("{} Nothing was changed.", store_error_for(s, Face::Window))
            }
            SaveError::Account(other) => format!("{other}. Nothing was changed."),
        },
        SettingsError::Account(e) => match &**e {
            quietpost_core::accounts::Error::Store(s) => store_error_for(s, Face::Window),
            other => format!("{other}."),
        },
        SettingsError::Password(e) => password_error(e, Face::Window),
        SettingsError::Servers(e) => servers_error(e, Face::Window),
        SettingsError::SelfTest(e) => selftest_error(e, Face::Window),
    }
}

/// Why the accounts could not be read at the start, for the window's failure screen: for a
/// config.toml that does not parse, the file, the line and what is wrong there.
pub fn config_error(e: &StoreError) -> String {
    match e {
        StoreError::Config {
            path,
            line,
            message,
        } => format!(
            "Your settings file {} has a mistake{}: {message}. Nothing was changed; fix the file (or move it away to start over) and open Quietpost again.",
            path.display(),
            if *line > 0 {
                format!(" on line {line}")
            } else {
                String::new()
            }
        ),
        other => store_error_for(other, Face::Window),
    }
}

/// The one line said first when a message shows signs of deception (its danger warnings by
/// name), or none.
pub fn deceive_summary(dangers: &[Code]) -> Option<String> {
    let names: Vec<String> = dangers
        .iter()
        .map(|c| headline(*c).to_lowercase())
        .collect();
    let listed = match names.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    };
    Some(format!(
        "This message is probably trying to deceive you: {listed}."
    ))
}

/// The glyph before a warning's title: as loud as the warning.
pub fn severity_mark(severity: quietpost_model::Severity) -> &'static str {
    match severity {
        quietpost_model::Severity::Danger | quietpost_model::Severity::Caution => "⚠",
        quietpost_model::Severity::Info => "ℹ",
    }
}

/// Why no servers were found for an address, with what to do instead.
pub fn not_found(e: &quietpost_core::autoconfig::NotFound) -> String {
    let dns = if e.dns_skipped_for_proxy {
        " DNS records were not asked, because that would have gone around your proxy."
    } else {
        ""
    };
    format!(
        "No settings were found for this address ({}).{dns} Enter the servers your provider gives.",
        e.reasons
    )
}

/// Why an account was not added, in words for `face`; always ends by saying nothing was saved
/// when nothing was.
pub fn add_error(e: &quietpost_core::accounts::AddError, face: Face) -> String {
    use quietpost_core::accounts::{AddError, Error};
    let account_error = |e: &Error| match e {
        Error::Store(e) => store_error_for(e, face),
        other => format!("{other}. Nothing was saved."),
    };
    match e {
        AddError::Before(e) | AddError::Saving(e) => account_error(e),
        AddError::Server { .. } => match e.net_error() {
            Some(n) => format!("{} Nothing was saved.", net_error_for(n, face)),
            None => format!("{e}. Nothing was saved."),
        },
    }
}

/// Why the provider self-test did not finish, in words.
pub fn selftest_error(e: &quietpost_core::selftest::Error, face: Face) -> String {
    use quietpost_core::selftest::Error;
    match e {
        Error::Net(n) => format!("The test could not run: {}", net_error_for(n, face)),
        Error::Account(quietpost_core::accounts::Error::Store(s)) => store_error_for(s, face),
        Error::Account(other) => format!("The test could not run: {other}."),
        Error::Compose(c) => format!("The test message could not be made: {c}."),
        Error::Refused(r) => format!("Your server refused the test message: {r}."),
        Error::NotArrived(s) => format!(
            "The test message did not arrive in your Inbox within {s} seconds. It may still come: its subject says what it is, and you may delete it."
        ),
    }
}

/// Why a password was not changed, in words; the old password stays in every case.
pub fn password_error(e: &quietpost_core::accounts::PasswordError, face: Face) -> String {
    change_error(e, face, "The password was not changed.")
}

/// Why the servers were not changed, in words; the account stays as it was.
pub fn servers_error(e: &quietpost_core::accounts::PasswordError, face: Face) -> String {
    change_error(e, face, "The servers were not changed.")
}

fn change_error(e: &quietpost_core::accounts::PasswordError, face: Face, tail: &str) -> String {
    use quietpost_core::accounts::{Error, PasswordError};
    let account_error = |e: &Error| match e {
        Error::Store(e) => store_error_for(e, face),
        other => format!("{other}."),
    };
    match e {
        PasswordError::FromCommand(name) => format!(
            "The password of {name} comes from its password command: change it there. Nothing was changed."
        ),
        PasswordError::Before(e) | PasswordError::Saving(e) => {
            format!("{} {tail}", account_error(e))
        }
        PasswordError::Server { smtp, check } => match &check.result {
            Err(n) => format!(
                "{}: {} {tail}",
                if *smtp { "SMTP" } else { "IMAP" },
                net_error_for(n, face)
            ),
            Ok(_) => format!("{e}. {tail}"),
        },
    }
}

/// An account's sync state in a few words for the status bar, and whether the mail shown
/// may have changed (so the window reloads it).
pub fn engine_event(e: &quietpost_core::engine::Event) -> (String, bool) {
    use quietpost_core::engine::Event;
    use quietpost_core::sync::Update;
    match e {
        Event::Progress(Update::Progress {
            folder,
            done,
            total,
        }) => (
            format!(
                "downloading {}: {done} of {total}",
                quietpost_core::folders::decoded(folder)
            ),
            *done == *total,
        ),
        Event::Progress(Update::FolderDone(_)) => ("syncing…".to_owned(), true),
        Event::Progress(_) => ("syncing…".to_owned(), false),
        Event::Synced(_) => ("up to date".to_owned(), true),
        Event::InboxChanged(_) => ("up to date".to_owned(), true),
        Event::Offline { error, retry_in } => (
            format!(
                "offline — {} Trying again in {} s.",
                sync_error_for(error, Face::Window),
                retry_in.as_secs()
            ),
            false,
        ),
        Event::Failed(error) => (
            format!("stopped — {}", sync_error_for(error, Face::Window)),
            false,
        ),
        Event::Outbox(results) => (outbox_words(results), true),
    }
}

/// What the engine's sending did, for the status line: sent (and filed in Sent), or the first
/// reason one was not, in plain words, and where it is now.
fn outbox_words(results: &[(i64, Result<(), quietpost_core::outbox::Error>)]) -> String {
    use quietpost_core::outbox::Error;
    let sent = results.iter().filter(|(_, r)| r.is_ok()).count();
    let plural = |n: usize| if n == 1 { "message" } else { "messages" };
    let Some(e) = results.iter().find_map(|(_, r)| r.as_ref().err()) else {
        return format!("sent {sent} {}, filed in Sent", plural(sent));
    };
    let failed = results.len() - sent;
    let what = match e {
        Error::Refused(_) => "refused",
        Error::Unknown(_) => "perhaps not sent",
        _ => "not sent yet",
    };
    let next = match e {
        Error::Refused(_) | Error::Unknown(_) => "see the Outbox to decide",
        _ => "it waits in the Outbox and is tried again",
    };
    let done = if sent > 0 {
        format!("sent {sent} {}; ", plural(sent))
    } else {
        String::new()
    };
    format!(
        "{done}{failed} {} {what} — {} — {next}",
        plural(failed),
        send_error(e).trim_end_matches('.')
    )
}

/// What checking one server found, in lines for people: the server and its TLS mode first,
/// then the TLS version, the certificate and why it is trusted — or what failed.
pub fn server_check(role: &str, c: &quietpost_core::accounts::ServerCheck) -> Vec<String> {
    let ep = &c.endpoint;
    let how = security(ep.security);
    let mut lines = vec![format!("{role} {}:{} ({how})", ep.host, ep.port)];
    match &c.result {
        Ok(ok) => {
            lines.push(format!("{} with {}", ok.tls.version, ok.tls.cipher_suite));
            if let (Some(subject), Some(issuer), Some(expiry)) =
                (&ok.tls.subject, &ok.tls.issuer, &ok.tls.not_after)
            {
                lines.push(format!(
                    "certificate {subject}, issued by {issuer}, valid until {expiry}"
                ));
            }
            lines.push(format!("certificate SHA-256 {}", ok.tls.fingerprint_sha256));
            lines.push(format!("key SHA-256 {}", ok.tls.key_sha256));
            lines.push(format!("trusted because: {}", trust(&ep.trust)));
            if let quietpost_model::Route::Socks5 { .. }
            | quietpost_model::Route::HttpConnect { .. } = ep.route
            {
                lines.push("through your proxy".to_owned());
            }
            if !ok.capabilities.is_empty() {
                lines.push(format!("capabilities: {}", ok.capabilities.join(" ")));
            }
            lines.push("login: ok".to_owned());
        }
        Err(e) => lines.push(format!("failed: {}", net_error(e))),
    }
    lines
}

/// What happened to one remote reference, with where and when: "loaded via PROXY at TIME",
/// "failed via PROXY at TIME", "blocked".
pub fn ledger_state(e: &quietpost_model::LedgerEntry) -> String {
    use quietpost_model::LedgerState;
    let how = match (e.state, &e.via) {
        (LedgerState::Loaded, Some(via)) => format!("loaded via {via}"),
        (LedgerState::Failed, Some(via)) => format!("failed via {via}"),
        (state, _) => state.as_str().to_owned(),
    };
    match e.at.as_deref() {
        Some(at) => format!("{how} at {at}"),
        None => how,
    }
}

/// "N loaded{how}, M failed, K blocked".
pub fn ledger_counts(ledger: &[quietpost_model::LedgerEntry], how: &str) -> String {
    let count = |s: quietpost_model::LedgerState| ledger.iter().filter(|e| e.state == s).count();
    format!(
        "{} loaded{how}, {} failed, {} blocked",
        count(quietpost_model::LedgerState::Loaded),
        count(quietpost_model::LedgerState::Failed),
        count(quietpost_model::LedgerState::Blocked)
    )
}

/// An address as people read it: "Name <address>", each part said when missing.
pub fn address(a: &quietpost_model::Addr) -> String {
    match (&a.name, &a.address) {
        (Some(n), Some(ad)) => format!("{n} <{ad}>"),
        (None, Some(ad)) => format!("<{ad}>"),
        (Some(n), None) => format!("{n} (no address)"),
        (None, None) => "(empty)".to_owned(),
    }
}

/// Every warning about who sent a message, in words: what the list's marker says (its tooltip,
/// `list --json`) and the reader's first badges. Address warnings name the address.
pub fn sender_warnings(s: &quietpost_model::SenderSummary) -> Vec<(Code, String)> {
    let mut out = Vec::new();
    for a in s.from.iter().chain(&s.related) {
        let who = a.address.as_ref().map_or("(no address)", |a| a.as_str());
        for code in &a.warnings {
            out.push((*code, format!("{who}: {}", explain(*code))));
        }
    }
    for w in &s.warnings {
        out.push((w.code, w.detail.as_str().to_owned()));
    }
    out
}

/// How a list row names the sender: the name (to be cut when space is short, never the
/// address) and the part that is never cut. A row cached before the sender analysis gets no
/// name, only its addresses, until the next sync reads its header again.
pub fn list_sender(summary: &quietpost_model::Summary) -> (Option<String>, String) {
    match &summary.sender {
        Some(s) => {
            let l = s.list_sender();
            (l.name.map(str::to_owned), l.address)
        }
        None if summary.from_address.is_empty() => (None, "(no address)".to_owned()),
        None => (None, summary.from_address.clone()),
    }
}

/// The authentication verdict in words, for the CLI and the window alike: `Ok` with what the
/// provider vouched for (the reader's ✓), `Err` with why it does not vouch for the sender.
/// Only ever for results from the account's own provider (`auth.trusted`).
pub fn authentication(a: &quietpost_model::Authentication) -> Result<String, String> {
    let results = format!("DKIM {}, DMARC {}", a.dkim, a.dmarc);
    match (&a.verified_domain, a.verified) {
        (Some(domain), true) => Ok(format!(
            "Your provider ({}) checked that this message really comes from {domain} ({results}).",
            a.authserv_id
        )),
        _ => {
            let why = if a.dkim.as_str() == "pass" && a.dmarc.as_str() != "pass" {
                let by = a
                    .dkim_domains
                    .iter()
                    .map(|d| d.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "the message is signed by {}, which is not the sender's domain: a signature proves who signed, not who the sender is",
                    if by.is_empty() { "another domain" } else { &by }
                )
            } else if a.dmarc.as_str() == "pass" {
                "the check does not match the sender shown".to_owned()
            } else {
                "the sender's domain could not be confirmed".to_owned()
            };
            Err(format!(
                "Your provider ({}) did not confirm the sender ({results}): {why}.",
                a.authserv_id
            ))
        }
    }
}

/// Why an attachment is saved only, in words.
pub fn save_only(why: quietpost_model::SaveOnly) -> &'static str {
    use quietpost_model::SaveOnly::*;
    match why {
        RunsCode => {
            "it is a program, a script, an installer or a shortcut, which runs code when opened."
        }
        WebPage => {
            "it is a web page or a document a browser would show, loading its remote content directly and showing your IP address."
        }
        Macros => {
            "documents of this kind can carry macros or embedded objects that run or fetch content when opened."
        }
        NameAndContentDiffer => "its content is not what its name or declared type says.",
        Markup => {
            "it is named as text but holds markup, which a viewer may show as a web page and load remote content from."
        }
        OtherType => {
            "Quietpost opens only pictures, plain text, PDF and office documents it has checked; other files could run code or contact the internet when opened."
        }
        DocumentsSaveOnly => {
            "this account's settings save documents only (a document's viewer can contact the internet and reveal where you are)."
        }
    }
}

/// What can be done with an attachment besides saving it, for `inspect` and `read`
/// (attachment number `n` as printed).
pub fn opening(opening: quietpost_model::Opening, n: usize) -> String {
    use quietpost_model::Opening::*;
    match opening {
        Viewer => "opens in its viewer (a picture or plain text: nothing in it runs or connects)"
            .to_owned(),
        Document => {
            "opens in its viewer after a warning: PDF and office viewers can contact the internet"
                .to_owned()
        }
        Quietpost => format!("an attached message: read it with --attached {n}"),
        SaveOnly(why) => format!("save only: {}", save_only(why)),
    }
}

/// The warning before a document goes to its viewer.
pub const DOCUMENT_WARNING: &str = "PDF and office documents can contact the internet when they are opened — to load pictures or fonts, or when a link or form in them is used — and the sender could learn your IP address and that you opened it. Quietpost cannot stop the viewer from doing so. For a document you do not trust, disconnect from the internet before opening it, or save it and open it later.";

/// What a tracker is, under the blocked-content line's Details.
pub const TRACKERS: &str = "Trackers are images no one is meant to see (a pixel, or hidden), or addresses only open-tracking uses: their one purpose is to tell the sender when and where you opened the message. Quietpost never loads them, not even through a proxy.";

/// Before a program or a disguised file is saved.
pub const SAVE_WARNING: &str = "Files like this are how most computers get infected by mail. Save it only if you expected exactly this file from this sender — if in doubt, ask them another way than by replying. Quietpost never opens it.";

/// What Quietpost did to a link it cleaned (`link.original` is set): unwrapped a redirect
/// through another site, or removed tracking. Nothing was fetched either way.
pub fn cleaned_link(link: &quietpost_model::Link) -> String {
    let host = |u: &str| {
        u.split_once("://").map(|(_, rest)| {
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or(rest)
                .to_owned()
        })
    };
    let original = link.original.as_ref().map(|o| o.as_str()).unwrap_or("");
    match (host(original), link.host.as_ref()) {
        (Some(through), Some(to)) if through != to.as_str() => format!(
            "The message wraps it in a redirect through {through}, which would learn that you \
             clicked; Quietpost took the address out of it (nothing was fetched). As written:"
        ),
        _ => "Quietpost removed tracking parameters from it. As written:".to_owned(),
    }
}

/// A TLS mode, as the window names it.
pub fn security(s: quietpost_model::Security) -> &'static str {
    match s {
        quietpost_model::Security::ImplicitTls => "TLS from the first byte",
        quietpost_model::Security::StartTlsRequired => "STARTTLS (required)",
    }
}

/// A size in words people read, the same on the command line and in the window.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quietpost_core::outbox::Error;

    /// The status line after sending: what went, and for what did not, why and where it is.
    #[test]
    fn sending_is_said_in_plain_words() {
        assert_eq!(
            outbox_words(&[(1, Ok(()))]),
            "sent 1 message, filed in Sent"
        );
        let words = outbox_words(&[
            (1, Ok(())),
            (2, Err(Error::Deferred("451 try later".into()))),
        ]);
        assert_eq!(
            words,
            "sent 1 message; 1 message not sent yet — The server did not take it yet (451 try later) — it waits in the Outbox and is tried again"
        );
        let refused = outbox_words(&[(3, Err(Error::Refused("550 no such user".into())))]);
        assert!(
            refused.starts_with(
                "1 message refused — The server refused the message: 550 no such user"
            ) && refused.ends_with("see the Outbox to decide"),
            "{refused}"
        );
    }
}
