//! `SafeMessage`: a message as Quietpost shows it. Every string in it is display-safe
//! ([`SafeLine`] / [`SafeText`]); the serialized form is the JSON contract of
//! `quietpost inspect --json` and `quietpost read --json`.

use crate::text::{SafeLine, SafeText};
use serde::{Deserialize, Serialize};

/// A stable, kebab-case warning code. The codes are part of the JSON contract: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    // Links.
    /// The link text names a different host than the real target.
    TextHostMismatch,
    /// `user@` before the host: `https://bank.example@attacker.example/`.
    Userinfo,
    /// The host is an IP address, or a numeric form the parser turned into one.
    IpHost,
    /// The host (or an address domain) mixes scripts or is confusable; shown as punycode.
    IdnHomograph,
    /// A scheme other than http, https or mailto; the link is inert.
    DangerousScheme,
    /// A relative link, which has no real target in a mail message; inert.
    RelativeLink,
    /// The target could not be parsed as a URL; inert.
    UnparsableUrl,
    /// A link present in the HTML but not visible in the text (image maps, image-only links).
    HiddenLink,
    /// A mailto link asking for more than to, cc, subject and body (attachments, From, Bcc);
    /// those parts are never used.
    MailtoExtra,
    /// The host begins with another site's name (`www.bank.example.login.attacker.example`
    /// belongs to attacker.example). Also on address domains.
    LookalikeSubdomain,
    /// The address is too long to show and check whole; it cannot be opened from Quietpost.
    LongUrl,
    // Addresses.
    /// The display name contains or looks like a different address.
    DisplayNameAddress,
    /// Control characters (NUL, CR, LF, ...) in a name or address, often from encoded words.
    ControlChars,
    /// An RFC 2047 encoded word inside the address itself (never decoded there).
    EncodedAddress,
    /// Different parsers could read this field as different addresses.
    AmbiguousAddress,
    /// Not a valid address.
    InvalidAddress,
    /// A display name so long that it can push the real address out of sight (a known trick);
    /// every view shows the whole address and cuts the name.
    LongDisplayName,
    // Message.
    /// More than one From field, or several addresses in one.
    MultipleFrom,
    /// A Sender or Resent-From that differs from From.
    SenderDiffers,
    /// Replies would go to another domain than the sender's.
    ReplyToDiffers,
    /// More than one Reply-To field: programs disagree on where replies go.
    MultipleReplyTo,
    /// The sender asked for a read receipt (never sent automatically).
    ReadReceiptRequested,
    /// A size, depth or count limit was reached; some content is not shown.
    LimitReached,
    /// A part's charset is unknown or its bytes are invalid; text may be garbled.
    CharsetProblem,
    /// The message could not be parsed as RFC 5322 at all.
    Unparsable,
    /// The MIME structure is damaged; Quietpost worked around it (detail says how).
    BrokenStructure,
    /// The Date header is missing or invalid.
    BadDate,
    /// Bidi controls were removed from the subject or body.
    BidiControl,
    /// Control characters or escape sequences were removed from the subject or body.
    HiddenControl,
    /// The body came from HTML: layout is approximate and nothing in it was loaded.
    HtmlConverted,
    /// The HTML hides some of its text from view; Quietpost shows it (detail quotes it).
    HiddenText,
    /// The plain-text and HTML versions of the message say different things (links to other
    /// sites, other numbers); the other version can be shown.
    VersionsDiffer,
    // Attachments.
    /// An executable, script, shortcut, installer or disk-image type: save-only.
    Executable,
    /// The name carried directory components; only the last one is kept.
    PathInName,
    /// The name contained bidi controls (e.g. RLO hiding the real extension).
    BidiInName,
    /// The declared type (or the extension) does not match the content.
    TypeMismatch,
    /// A reserved device name (CON, NUL, COM1, ...), prefixed with `_`.
    ReservedName,
    /// The name was changed to be safe to display and save.
    NameChanged,
    /// Runs of spaces, blank-looking or invisible characters padded the name (typically to
    /// push its real ending out of sight); they were collapsed to one space.
    PaddedName,
    /// The name was too long to show whole; its middle was cut, keeping its real ending.
    LongName,
}

impl Code {
    /// The kebab-case form used in JSON.
    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            TextHostMismatch => "text-host-mismatch",
            Userinfo => "userinfo",
            IpHost => "ip-host",
            IdnHomograph => "idn-homograph",
            DangerousScheme => "dangerous-scheme",
            RelativeLink => "relative-link",
            UnparsableUrl => "unparsable-url",
            HiddenLink => "hidden-link",
            MailtoExtra => "mailto-extra",
            LookalikeSubdomain => "lookalike-subdomain",
            LongUrl => "long-url",
            DisplayNameAddress => "display-name-address",
            ControlChars => "control-chars",
            EncodedAddress => "encoded-address",
            AmbiguousAddress => "ambiguous-address",
            InvalidAddress => "invalid-address",
            LongDisplayName => "long-display-name",
            MultipleFrom => "multiple-from",
            SenderDiffers => "sender-differs",
            ReplyToDiffers => "reply-to-differs",
            MultipleReplyTo => "multiple-reply-to",
            ReadReceiptRequested => "read-receipt-requested",
            LimitReached => "limit-reached",
            CharsetProblem => "charset-problem",
            Unparsable => "unparsable",
            BrokenStructure => "broken-structure",
            BadDate => "bad-date",
            BidiControl => "bidi-control",
            HiddenControl => "hidden-control",
            HtmlConverted => "html-converted",
            HiddenText => "hidden-text",
            VersionsDiffer => "versions-differ",
            Executable => "executable",
            PathInName => "path-in-name",
            BidiInName => "bidi-in-name",
            TypeMismatch => "type-mismatch",
            ReservedName => "reserved-name",
            NameChanged => "name-changed",
            PaddedName => "padded-name",
            LongName => "long-name",
        }
    }
}

/// A message-level warning: a stable code and a plain-language explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: Code,
    pub detail: SafeLine,
}

/// One mailbox from an address field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addr {
    /// The display name, decoded and sanitized. Never trust it: show `address` beside it.
    pub name: Option<SafeLine>,
    /// The real address (domain as punycode when confusable), or `None` if there is none.
    pub address: Option<SafeLine>,
    pub warnings: Vec<Code>,
}

/// A link the user can see in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The text the message shows for it.
    pub text: SafeLine,
    /// The real target, normalised (what a browser would request), with known tracking
    /// parameters removed and known redirect wrappers unwrapped (offline: nothing is fetched).
    /// What is opened, whole: never a shortened form.
    pub url: SafeLine,
    /// The link as the message wrote it, when `url` differs from it (tracking removed or a
    /// redirect unwrapped); it can still be opened on request.
    pub original: Option<SafeLine>,
    /// The real host: Unicode when harmless, punycode when confusable or mixed-script.
    pub host: Option<SafeLine>,
    /// The part of the host a registrant owns (Public Suffix List): the site it really is.
    pub registrable: Option<SafeLine>,
    pub warnings: Vec<Code>,
    /// False for every scheme but http, https and mailto, and for unparsable/relative targets.
    pub activatable: bool,
}

/// Where the renderer put a link's marker (` [N]`) in the body: only these are markers. Text
/// in the message that looks like one (`[2]`, `[2 → bank.example]`) is the message's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LinkMarker {
    /// Byte offset of the marker's `[` in `body`.
    pub at: usize,
    /// The 1-based number of the link in `links` (the `N` of `[N]`).
    pub link: usize,
}

/// What a remote reference would have fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteKind {
    Image,
    Stylesheet,
    Font,
    Frame,
    Media,
    Object,
    Prefetch,
    Refresh,
    Form,
    Ping,
    Other,
}

impl RemoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteKind::Image => "image",
            RemoteKind::Stylesheet => "stylesheet",
            RemoteKind::Font => "font",
            RemoteKind::Frame => "frame",
            RemoteKind::Media => "media",
            RemoteKind::Object => "object",
            RemoteKind::Prefetch => "prefetch",
            RemoteKind::Refresh => "refresh",
            RemoteKind::Form => "form",
            RemoteKind::Ping => "ping",
            RemoteKind::Other => "other",
        }
    }

    /// The kind `as_str` wrote (anything else is `Other`).
    pub fn parse(s: &str) -> RemoteKind {
        use RemoteKind::*;
        [
            Image, Stylesheet, Font, Frame, Media, Object, Prefetch, Refresh, Form, Ping,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .unwrap_or(Other)
    }
}

/// A remote reference that was detected and blocked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteRef {
    /// The normalised absolute URL it would have fetched.
    pub url: SafeLine,
    pub kind: RemoteKind,
    /// In an attached message (an attachment, not shown in the body): listed so that nothing
    /// in the message goes unmentioned, never loaded (nothing would show it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub attached: bool,
    /// Only there to tell the sender the message was opened (an unseen or pixel-sized image,
    /// an open-tracking address, a ping): never loaded, even through a proxy, since loading
    /// it would tell them just that.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tracker: bool,
}

impl RemoteRef {
    /// An image "Load through proxy" fetches: the message's own (not an attached message's),
    /// and not a tracker.
    pub fn loadable(&self) -> bool {
        self.kind == RemoteKind::Image && !self.attached && !self.tracker
    }
}

/// An attachment (or any part that is not shown as body text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// The name as the message gives it (sanitized for display, otherwise unchanged).
    pub filename: SafeLine,
    /// The name Quietpost displays and would save under; exactly what is written to disk.
    pub safe_filename: SafeLine,
    /// The declared MIME type, lower-case.
    pub content_type: SafeLine,
    /// The type found from the content's magic bytes, if recognised.
    pub detected_type: Option<&'static str>,
    /// Decoded size in bytes.
    pub size: u64,
    pub warnings: Vec<Code>,
    /// Index of the part in Quietpost's walk order, for saving it later.
    pub part: u32,
    /// How programs that honour bidi overrides display the name, when that differs from
    /// `safe_filename` (`invoice\u{202E}fdp.exe` looks like `invoiceexe.pdf`).
    pub looks_like: Option<SafeLine>,
    /// Whether and how it can be opened (it can always be saved).
    pub opening: Opening,
}

/// How an attachment may be opened. An allow-list: only what can neither run code nor contact
/// the network in its usual viewer is handed to it; documents that may contact the network
/// only after a warning; everything else is saved only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "because", rename_all = "kebab-case")]
pub enum Opening {
    /// Handed to the system's viewer: a picture (PNG, JPEG, GIF, WebP, BMP) or plain text,
    /// whose name and content agree.
    Viewer,
    /// Handed to the system's viewer after a warning that it may contact the internet: a PDF
    /// or an office document without macros, whose name and content agree.
    Document,
    /// Shown inside Quietpost, through the same renderer: an attached message.
    Quietpost,
    /// Saved only.
    SaveOnly(SaveOnly),
}

/// Why an attachment is saved only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SaveOnly {
    /// A program, script, shortcut, installer or disk image.
    RunsCode,
    /// A web page or a document a browser would show (HTML, SVG, XML, web archives): the
    /// browser would load its remote content directly.
    WebPage,
    /// An office format that can carry macros or embedded objects.
    Macros,
    /// The name, the declared type and the content do not agree.
    NameAndContentDiffer,
    /// Named as text but holding markup a viewer could show as a web page.
    Markup,
    /// Not a type Quietpost knows to be safe to open.
    OtherType,
    /// A document, and the account's settings save documents only (the journalist preset).
    DocumentsSaveOnly,
}

/// Authentication results written by the user's own provider (matched authserv-id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Authentication {
    /// Always true when present: untrusted results are never reported.
    pub trusted: bool,
    pub authserv_id: SafeLine,
    pub dkim: SafeLine,
    pub spf: SafeLine,
    pub dmarc: SafeLine,
    /// The DKIM signing domain (`header.d`) of a passing signature, if any.
    pub dkim_domain: Option<SafeLine>,
    /// The signing domain of every passing DKIM signature.
    pub dkim_domains: Vec<SafeLine>,
    /// The From domain the provider's DMARC check read (`header.from`), if it says.
    pub dmarc_domain: Option<SafeLine>,
    /// True only when the provider vouches that the message came from the sender's domain: a
    /// DMARC pass for the From domain shown, or a DKIM pass by a signer aligned with it (the
    /// same registrable domain), with exactly one unambiguous sender. A DKIM pass signed by
    /// any other domain vouches for nothing about the sender.
    pub verified: bool,
    /// The domain the verdict vouches for (the sender's), when `verified`.
    pub verified_domain: Option<SafeLine>,
}

/// Where the displayed body came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodySource {
    TextPlain,
    TextHtml,
    None,
}

/// A message made safe to show. Build it with `quietpost_render::render`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafeMessage {
    pub subject: SafeLine,
    /// RFC 3339, with the offset the message claims.
    pub date: Option<String>,
    pub from: Vec<Addr>,
    pub sender: Vec<Addr>,
    pub reply_to: Vec<Addr>,
    pub to: Vec<Addr>,
    pub cc: Vec<Addr>,
    /// The sanitized text exactly as displayed; HTML links are followed by ` [N]`, N being the
    /// 1-based index into `links`.
    pub body: SafeText,
    pub body_source: BodySource,
    pub links: Vec<Link>,
    /// Every link marker the renderer put in `body`, in order.
    pub link_markers: Vec<LinkMarker>,
    pub remote_content: Vec<RemoteRef>,
    pub attachments: Vec<Attachment>,
    pub authentication: Option<Authentication>,
    pub warnings: Vec<Warning>,
    pub message_id: Option<SafeLine>,
}

impl SafeMessage {
    /// True if a message-level warning with this code is present.
    pub fn has_warning(&self, code: Code) -> bool {
        self.warnings.iter().any(|w| w.code == code)
    }
}
