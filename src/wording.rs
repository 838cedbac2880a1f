//! User-facing wording: what each warning means for the reader, in plain language.
//! Libraries give stable codes; the words people read live here, in the app.

use quietpost_model::Code;
use quietpost_net::{CertProblem, Error as NetError, Trust};
use quietpost_store::Error as StoreError;

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
        DisplayNameAddress => "the name contains an address different from the real sender address",
        ControlChars => "hidden control characters (such as NUL or line breaks) were removed",
        EncodedAddress => {
            "the address contains encoded text, a trick to fake a sender; it is shown undecoded"
        }
        AmbiguousAddress => {
            "mail programs disagree on which address this is; every reading is shown"
        }
        InvalidAddress => "this is not a valid email address",
        MultipleFrom => "more than one sender is claimed",
        SenderDiffers => "another address sent this message",
        ReplyToDiffers => "replies go to a different domain than the sender's",
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
        Executable => "this type can run code or install software; Quietpost will only save it",
        PathInName => "the name tried to include folders; only the file name is kept",
        BidiInName => "the name used characters that reorder text to hide its real ending",
        TypeMismatch => "the content is not what its name or declared type says",
        ReservedName => "the name is reserved by Windows; it was prefixed with _",
        NameChanged => "the name was changed to be safe to save",
    }
}

/// A connection failure in plain words, with what to do next. There is never a "continue
/// anyway": the only ways past a certificate failure are an explicit CA file or pin.
pub fn net_error(e: &NetError) -> String {
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
                CertProblem::PinMismatch { expected, actual } => format!(
                    "is not the one you pinned.\n  pinned:    {expected}\n  presented: {actual}\n  If the server's certificate really changed, ask its administrator and add the account again with the new fingerprint"
                ),
                CertProblem::Other(detail) => format!("was rejected ({detail})"),
            };
            format!(
                "The certificate of {host} {what}. Quietpost did not connect and sent nothing. Someone may be intercepting the connection. For your own server, give its CA with --ca-file, or pin its certificate with --pin-sha256 after comparing the fingerprint with its administrator."
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
    match e {
        StoreError::NoKeychain { detail } => format!(
            "No system keychain is available ({detail}). Quietpost never stores passwords in a file. Choose one:\n  --password-command CMD   get the password from a command each time (e.g. \"pass show mail/alice\")\n  or run Quietpost in a desktop session with a keychain (GNOME Keyring, KWallet's Secret Service, macOS Keychain, Windows Credential Manager).\nNothing was saved."
        ),
        other => other.to_string(),
    }
}

/// Why a certificate was trusted, in words.
pub fn trust(t: &Trust) -> String {
    match t {
        Trust::System => "signed by an authority your system trusts".to_owned(),
        Trust::CaFile(p) => format!("signed by the CA in {}", p.display()),
        Trust::PinnedSha256(_) => "it is exactly the certificate you pinned".to_owned(),
    }
}

/// A sync, cache or action failure in plain words.
pub fn sync_error(e: &quietpost_core::sync::Error) -> String {
    use quietpost_core::sync::Error;
    match e {
        Error::Net(e) => format!(
            "{} What was already downloaded is kept; the next sync continues from there.",
            net_error(e)
        ),
        Error::Store(e) => store_error(e),
        Error::Account(quietpost_core::accounts::Error::Store(e)) => store_error(e),
        Error::NoFolder(name) => format!(
            "There is no folder named \u{201C}{name}\u{201D}. `quietpost sync` lists the folders it finds."
        ),
        Error::NoRole(role) => format!(
            "The server has no {role} folder, so this cannot be done. Use `quietpost move ID FOLDER` instead."
        ),
        other => other.to_string(),
    }
}
