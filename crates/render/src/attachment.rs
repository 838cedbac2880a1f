//! Attachment analysis (safety-rules §6): a safe filename, the type by magic bytes, executable
//! types, and warnings.

use quietpost_model::{Code, Opening, SafeLine, SaveOnly};

/// Longest filename in bytes (file systems allow 255; this leaves room for a copy's suffix).
pub const MAX_NAME_BYTES: usize = 200;
/// Longest filename in characters: a longer one is cut in the middle, its ending kept, so the
/// whole name fits where it is shown.
pub const MAX_NAME_CHARS: usize = 100;
/// Characters of the stem kept before the extension when a long name is cut.
const KEPT_ENDING_CHARS: usize = 24;
/// A run of this many blank characters is padding, not spacing.
const PADDING_RUN: usize = 3;

/// Extensions that run code, open a shortcut or OS handler, install, or mount when opened.
const EXECUTABLE: &[&str] = &[
    // Windows
    "exe",
    "scr",
    "com",
    "bat",
    "cmd",
    "ps1",
    "psm1",
    "psd1",
    "vbs",
    "vbe",
    "js",
    "jse",
    "wsf",
    "wsh",
    "msi",
    "msp",
    "mst",
    "hta",
    "cpl",
    "reg",
    "lnk",
    "url",
    "scf",
    "library-ms",
    "searchconnector-ms",
    "settingcontent-ms",
    "pif",
    "gadget",
    "application",
    "appref-ms",
    "msc",
    "inf",
    "xll",
    "xlam",
    "ppam",
    "chm",
    "dll",
    "sys",
    "drv",
    "ocx",
    "appx",
    "appxbundle",
    "msix",
    "msixbundle",
    "diagcab",
    "website",
    "theme",
    "ws",
    "sct",
    "wsc",
    "wsb",
    "appinstaller",
    "mobileconfig",
    "xbap",
    "iqy",
    "slk",
    "msu",
    "ade",
    "adp",
    "mde",
    "crx",
    "xpi",
    "apk",
    "vb",
    // Unix
    "sh",
    "bash",
    "zsh",
    "csh",
    "ksh",
    "run",
    "bin",
    "desktop",
    "appimage",
    "deb",
    "rpm",
    "py",
    "pyw",
    "pyz",
    "pyc",
    "pl",
    "rb",
    "elf",
    "out",
    // macOS
    "app",
    "command",
    "tool",
    "pkg",
    "mpkg",
    "dmg",
    "workflow",
    "terminal",
    "scpt",
    "applescript",
    "fileloc",
    "webloc",
    "inetloc",
    // Java and disk images
    "jar",
    "jnlp",
    "class",
    "iso",
    "img",
    "vhd",
    "vhdx",
    "udf",
];

const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "conin$", "conout$", "com0", "com1", "com2", "com3", "com4",
    "com5", "com6", "com7", "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6",
    "lpt7", "lpt8", "lpt9", "com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³",
];

/// The result of making a filename safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeName {
    pub name: String,
    pub warnings: Vec<Code>,
}

/// Characters that show as blank space: white space, the Braille blank, and the fillers and
/// zero-width characters the display sanitizer removes (counted here before it does).
fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{2800}' || quietpost_model::text::is_invisible(c)
}

/// Makes `raw` safe to display and to save: the last path component only, no `..`, no control,
/// bidi or invisible characters, no characters Windows forbids, no reserved device name, no
/// leading dot (hidden file) or trailing dot/space, every run of blank characters one space,
/// at most [`MAX_NAME_CHARS`] characters and [`MAX_NAME_BYTES`] bytes (cut in the middle, the
/// ending kept). What this returns is exactly what is shown and what will be written.
pub fn safe_filename(raw: &str, fallback: &str) -> SafeName {
    let mut warnings = Vec::new();
    // The display sanitizer first: escape sequences go whole, controls become visible
    // pictures, bidi and invisible characters are dropped — the same view as everywhere else.
    let (line, findings) = SafeLine::with_findings(raw, 4096);
    let clean = line.as_str();
    let last = clean.rsplit(['/', '\\']).next().unwrap_or(clean);
    if last.len() != clean.len() || clean.split(['/', '\\']).any(|c| c.trim() == "..") {
        warnings.push(Code::PathInName);
    }
    if findings.bidi {
        warnings.push(Code::BidiInName);
    }
    // Runs of blank characters push a real extension far to the right, out of sight. What
    // the sanitizer removed as invisible was padding too.
    let mut padded = findings.invisible;
    let mut run = 0;
    for c in raw.chars() {
        run = if is_blank(c) { run + 1 } else { 0 };
        padded |= run >= PADDING_RUN || c == '\u{2800}';
    }
    let mut name = String::with_capacity(last.len());
    let mut last_space = false;
    for c in last.chars() {
        let mapped = match c {
            // Control pictures and replacement characters stand for removed controls.
            '\u{2400}'..='\u{2421}' | '\u{FFFD}' => '_',
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            // Look-alike slashes that would fake a path.
            '\u{2215}' | '\u{2044}' | '\u{29F8}' | '\u{FF0F}' | '\u{FF3C}' => '_',
            c if is_blank(c) => ' ',
            c => c,
        };
        if mapped == ' ' && last_space {
            continue;
        }
        last_space = mapped == ' ';
        name.push(mapped);
    }
    if padded {
        warnings.push(Code::PaddedName);
    }
    let mut name = name.trim_matches([' ', '.']).to_owned();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_lowercase();
    if RESERVED.contains(&stem.as_str()) {
        warnings.push(Code::ReservedName);
        name.insert(0, '_');
    }
    if let Some(short) = shorten_in_the_middle(&name) {
        name = short;
        warnings.push(Code::LongName);
    }
    if name != raw {
        warnings.push(Code::NameChanged);
    }
    SafeName { name, warnings }
}

/// A name over [`MAX_NAME_CHARS`] characters or [`MAX_NAME_BYTES`] bytes as its beginning, `…`
/// and its ending (the extension and the [`KEPT_ENDING_CHARS`] characters before it), or
/// `None` when it fits.
fn shorten_in_the_middle(name: &str) -> Option<String> {
    if name.chars().count() <= MAX_NAME_CHARS && name.len() <= MAX_NAME_BYTES {
        return None;
    }
    let ext_at = match name.rfind('.') {
        Some(i) if name.len() - i <= 16 => i,
        _ => name.len(),
    };
    let stem = &name[..ext_at];
    let kept = stem.chars().count().saturating_sub(KEPT_ENDING_CHARS);
    let tail_at = stem.char_indices().nth(kept).map_or(stem.len(), |(i, _)| i);
    let tail = &name[tail_at..];
    let (tail_chars, tail_bytes) = (tail.chars().count(), tail.len());
    let mut head = String::new();
    let (mut chars, mut bytes) = (tail_chars + 1, tail_bytes + '…'.len_utf8());
    for c in name.chars() {
        if chars + 1 > MAX_NAME_CHARS || bytes + c.len_utf8() > MAX_NAME_BYTES {
            break;
        }
        head.push(c);
        chars += 1;
        bytes += c.len_utf8();
    }
    Some(format!(
        "{}…{}",
        head.trim_end_matches([' ', '.']),
        tail.trim_start()
    ))
}

/// The lower-case extension of a safe name, if any.
pub fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_lowercase())
}

pub fn is_executable_extension(ext: &str) -> bool {
    EXECUTABLE.contains(&ext)
}

/// Detects a type from magic bytes. Returns a MIME type for what it recognises.
pub fn detect(data: &[u8]) -> Option<&'static str> {
    let starts = |m: &[u8]| data.starts_with(m);
    let at = |off: usize, m: &[u8]| data.get(off..off + m.len()) == Some(m);
    Some(match () {
        _ if starts(b"MZ") => "application/x-msdownload",
        _ if starts(b"\x7fELF") => "application/x-executable",
        _ if starts(&[0xCF, 0xFA, 0xED, 0xFE])
            || starts(&[0xCE, 0xFA, 0xED, 0xFE])
            || starts(&[0xFE, 0xED, 0xFA, 0xCF])
            || starts(&[0xFE, 0xED, 0xFA, 0xCE]) =>
        {
            "application/x-mach-binary"
        }
        _ if starts(&[0xCA, 0xFE, 0xBA, 0xBE]) => "application/java-vm",
        _ if starts(b"#!") => "text/x-shellscript",
        _ if starts(&[0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00]) => {
            "application/x-ms-shortcut"
        }
        _ if starts(b"MSCF") => "application/vnd.ms-cab-compressed",
        _ if starts(b"%PDF-") => "application/pdf",
        _ if starts(b"\x89PNG\r\n\x1a\n") => "image/png",
        _ if starts(&[0xFF, 0xD8, 0xFF]) => "image/jpeg",
        _ if starts(b"GIF87a") || starts(b"GIF89a") => "image/gif",
        _ if starts(b"RIFF") && at(8, b"WEBP") => "image/webp",
        _ if starts(b"RIFF") && at(8, b"WAVE") => "audio/wav",
        _ if starts(b"BM") && data.len() > 14 => "image/bmp",
        _ if starts(b"II*\0") || starts(b"MM\0*") => "image/tiff",
        _ if starts(&[0, 0, 1, 0]) && data.len() > 6 => "image/vnd.microsoft.icon",
        _ if at(4, b"ftyp") => "video/mp4",
        _ if starts(b"OggS") => "audio/ogg",
        _ if starts(b"ID3") || starts(&[0xFF, 0xFB]) => "audio/mpeg",
        _ if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") => "application/zip",
        _ if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) => {
            "application/x-ole-storage"
        }
        _ if starts(b"Rar!\x1a\x07") => "application/vnd.rar",
        _ if starts(&[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) => "application/x-7z-compressed",
        _ if starts(&[0x1F, 0x8B]) => "application/gzip",
        _ if starts(b"BZh") => "application/x-bzip2",
        _ if starts(&[0xFD, b'7', b'z', b'X', b'Z', 0]) => "application/x-xz",
        _ if starts(b"{\\rtf") => "application/rtf",
        _ if starts(b"vhdxfile") => "application/x-vhdx",
        _ if starts(b"conectix") => "application/x-vhd",
        _ if at(0x8001, b"CD001") => "application/x-iso9660-image",
        _ if starts(b"koly") => "application/x-apple-diskimage",
        _ => return detect_text(data),
    })
}

fn detect_text(data: &[u8]) -> Option<&'static str> {
    let head = &data[..data.len().min(512)];
    let text = std::str::from_utf8(head).ok().or_else(|| {
        // A multi-byte character may be cut at 512 bytes.
        std::str::from_utf8(&head[..head.len().saturating_sub(3)]).ok()
    })?;
    if text.contains('\0') {
        return None;
    }
    let t = text
        .trim_start_matches('\u{FEFF}')
        .trim_start()
        .to_ascii_lowercase();
    Some(match () {
        _ if t.starts_with("<!doctype html") || t.starts_with("<html") => "text/html",
        _ if t.starts_with("<svg") || t.starts_with("<?xml") && t.contains("<svg") => {
            "image/svg+xml"
        }
        _ if t.starts_with("<?xml") => "application/xml",
        _ if t.starts_with("[internetshortcut]") => "application/x-mswinurl",
        _ if t.starts_with("[desktop entry]") => "application/x-desktop",
        _ if t.starts_with("begin:vcalendar") => "text/calendar",
        _ if t.starts_with("begin:vcard") => "text/vcard",
        // A mail message: a system viewer would hand it to a mail program, which may load
        // its remote content; Quietpost shows it itself.
        _ if starts_like_a_message(&t) => "message/rfc822",
        _ if data.is_empty() => return None,
        _ => "text/plain",
    })
}

/// Text whose first line is a header field messages start with.
fn starts_like_a_message(lower: &str) -> bool {
    const FIRST_FIELDS: &[&str] = &[
        "return-path",
        "received",
        "delivered-to",
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "reply-to",
        "sender",
        "x-mozilla-status",
        "dkim-signature",
        "arc-seal",
        "authentication-results",
    ];
    lower
        .split_once(':')
        .is_some_and(|(name, _)| FIRST_FIELDS.contains(&name))
}

/// Detected types that run or install something.
fn is_executable_type(t: &str) -> bool {
    matches!(
        t,
        "application/x-msdownload"
            | "application/x-executable"
            | "application/x-mach-binary"
            | "application/java-vm"
            | "text/x-shellscript"
            | "application/x-ms-shortcut"
            | "application/x-mswinurl"
            | "application/x-desktop"
            | "application/x-iso9660-image"
            | "application/x-vhd"
            | "application/x-vhdx"
            | "application/x-apple-diskimage"
            | "application/vnd.ms-cab-compressed"
    )
}

/// The types a detected container is compatible with (a .docx is a zip, a .msi an OLE file).
fn compatible(declared: &str, detected: &str) -> bool {
    let declared = match declared {
        "image/jpg" | "image/pjpeg" => "image/jpeg",
        "image/x-png" => "image/png",
        "application/x-pdf" | "application/acrobat" => "application/pdf",
        "application/x-zip-compressed" => "application/zip",
        d => d,
    };
    if declared == detected || declared == "application/octet-stream" || declared.is_empty() {
        return true;
    }
    match detected {
        "text/plain" => is_textual(declared),
        "message/rfc822" => declared.starts_with("message/") || is_textual(declared),
        // A script is not plain text, whatever the sender declares.
        "text/x-shellscript" => declared.contains("sh") || declared.contains("script"),
        "application/x-mswinurl" => {
            declared.contains("url")
                || declared.contains("internet-shortcut")
                || declared.starts_with("text/")
        }
        "application/x-desktop" => declared.contains("desktop") || declared.starts_with("text/"),
        "application/x-msdownload" => {
            declared.contains("msdownload")
                || declared.contains("msdos-program")
                || declared.contains("dosexec")
                || declared.contains("executable")
                || declared.contains("portable-executable")
        }
        "application/x-executable" => declared.contains("executable") || declared.contains("elf"),
        "application/xml" | "text/html" => {
            declared.starts_with("text/")
                || declared.contains("xml")
                || declared.contains("html")
                || declared.contains("hta")
        }
        "application/zip" => {
            declared.contains("zip")
                || declared.contains("openxmlformats")
                || declared.contains("macroenabled")
                || declared.contains("opendocument")
                || declared.contains("epub")
                || declared.contains("java-archive")
                || declared.contains("vnd.android")
                || declared.contains("x-xpinstall")
                || declared == "application/vnd.ms-xpsdocument"
        }
        "application/x-ole-storage" => {
            declared.contains("msword")
                || declared.contains("ms-excel")
                || declared.contains("ms-powerpoint")
                || declared.contains("ms-outlook")
                || declared.contains("msi")
                || declared.contains("ms-office")
                || declared.contains("vnd.visio")
        }
        "application/gzip" => declared.contains("gzip") || declared.contains("tar"),
        "video/mp4" => {
            declared.starts_with("video/")
                || declared.starts_with("audio/")
                || declared.starts_with("image/hei")
                || declared.starts_with("image/avif")
        }
        "audio/ogg" | "audio/mpeg" | "audio/wav" => {
            declared.starts_with("audio/") || declared.starts_with("video/")
        }
        "image/vnd.microsoft.icon" => declared.starts_with("image/"),
        "text/calendar" | "text/vcard" => {
            declared.starts_with("text/") || declared.starts_with("application/ics")
        }
        "image/svg+xml" => declared.contains("svg") || declared.contains("xml"),
        _ => false,
    }
}

/// Declared types whose content is text (scripts included: they are flagged by extension).
fn is_textual(declared: &str) -> bool {
    declared.starts_with("text/")
        || declared.starts_with("message/")
        || declared.contains("xml")
        || declared.contains("json")
        || declared.contains("javascript")
        || declared.contains("ecmascript")
        || declared.contains("x-sh")
        || declared.contains("x-csh")
        || declared.contains("perl")
        || declared.contains("python")
        || declared.contains("ruby")
        || declared.contains("php")
        || declared.contains("powershell")
        || declared.contains("vbscript")
        || declared.contains("hta")
        || declared.contains("pgp")
        || declared.contains("x-url")
        || declared.contains("internet-shortcut")
        || declared.contains("ics")
        || declared == "application/x-mswinurl"
}

/// The type an extension promises, for the extensions people trust on sight.
fn extension_type(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "txt" | "csv" | "log" | "md" => "text/plain",
        "docx" | "xlsx" | "pptx" | "odt" | "ods" | "odp" | "zip" | "epub" => "application/zip",
        "doc" | "xls" | "ppt" => "application/x-ole-storage",
        "mp3" => "audio/mpeg",
        "mp4" | "mov" | "m4a" => "video/mp4",
        "rtf" => "application/rtf",
        _ => return None,
    })
}

/// Everything learned about one attachment's content.
pub struct Analysis {
    pub detected: Option<&'static str>,
    pub warnings: Vec<Code>,
}

/// Checks content against the declared type and, when the message named the file, the safe
/// name's extension (a placeholder name we made up says nothing).
pub fn analyze(safe_name: Option<&str>, declared: &str, data: &[u8]) -> Analysis {
    let mut warnings = Vec::new();
    let detected = detect(data);
    let ext = safe_name.and_then(extension);
    let exec_ext = ext.as_deref().is_some_and(is_executable_extension);
    let exec_type = detected.is_some_and(is_executable_type)
        || matches!(
            declared,
            "application/x-msdownload"
                | "application/x-msdos-program"
                | "application/x-sh"
                | "application/x-executable"
                | "application/hta"
                | "application/x-ms-shortcut"
                | "application/java-archive"
                | "application/x-apple-diskimage"
                | "application/x-iso9660-image"
                | "application/x-msi"
        );
    if exec_ext || exec_type {
        warnings.push(Code::Executable);
    }
    let mismatch = match detected {
        Some(d) => {
            !compatible(declared, d)
                || ext
                    .as_deref()
                    .and_then(extension_type)
                    .is_some_and(|e| !compatible(e, d) && e != d)
        }
        None => false,
    };
    if mismatch {
        warnings.push(Code::TypeMismatch);
    }
    Analysis { detected, warnings }
}

/// Extensions of documents a browser would show, loading their remote content.
const WEB_EXTENSIONS: &[&str] = &[
    "html",
    "htm",
    "xhtml",
    "xht",
    "shtml",
    "svg",
    "svgz",
    "mht",
    "mhtml",
    "xml",
    "xsl",
    "xslt",
    "webarchive",
    "maff",
    "xps",
    "oxps",
    "xspf",
];

/// Office formats that can carry macros or embedded (OLE) objects that run or fetch.
const MACRO_EXTENSIONS: &[&str] = &[
    "doc", "dot", "docm", "dotm", "xls", "xlt", "xla", "xlsm", "xltm", "xlsb", "ppt", "pot", "pps",
    "pptm", "potm", "ppsm", "sldm", "rtf", "one", "onepkg", "pub", "vsd", "vsdm", "mdb", "accdb",
];

/// Whether and how an attachment may be opened: an allow-list on the name's extension *and*
/// the content. `name` is the safe name when the message named the file; `warnings` are the
/// attachment's own (executable types and type mismatches are never opened).
pub fn opening(
    name: Option<&str>,
    declared: &str,
    detected: Option<&str>,
    data: &[u8],
    warnings: &[Code],
) -> Opening {
    use SaveOnly::*;
    let ext = name.and_then(extension);
    let ext = ext.as_deref();
    if warnings.contains(&Code::Executable) {
        return Opening::SaveOnly(RunsCode);
    }
    // Office formats are XML inside a zip: only types a browser shows count here.
    let web_type = |t: &str| {
        t.contains("html")
            || t.contains("svg")
            || matches!(
                t,
                "text/xml"
                    | "application/xml"
                    | "text/xsl"
                    | "application/xslt+xml"
                    | "application/x-webarchive"
                    | "application/x-mimearchive"
                    | "multipart/related"
            )
    };
    if ext.is_some_and(|e| WEB_EXTENSIONS.contains(&e))
        || web_type(declared)
        || detected.is_some_and(web_type)
    {
        return Opening::SaveOnly(WebPage);
    }
    // A message is shown by Quietpost itself, never by another mail program (which may load
    // its remote content).
    if matches!(declared, "message/rfc822" | "message/global")
        || ext == Some("eml")
        || detected == Some("message/rfc822")
    {
        return Opening::Quietpost;
    }
    if ext.is_some_and(|e| MACRO_EXTENSIONS.contains(&e)) {
        return Opening::SaveOnly(Macros);
    }
    let Some(ext) = ext else {
        return Opening::SaveOnly(OtherType);
    };
    let (content, how) = match ext {
        "png" => ("image/png", Opening::Viewer),
        "jpg" | "jpeg" => ("image/jpeg", Opening::Viewer),
        "gif" => ("image/gif", Opening::Viewer),
        "webp" => ("image/webp", Opening::Viewer),
        "bmp" => ("image/bmp", Opening::Viewer),
        "txt" => ("text/plain", Opening::Viewer),
        "pdf" => ("application/pdf", Opening::Document),
        "docx" | "xlsx" | "pptx" | "odt" | "ods" | "odp" => ("application/zip", Opening::Document),
        _ => return Opening::SaveOnly(OtherType),
    };
    if detected != Some(content) || warnings.contains(&Code::TypeMismatch) {
        return Opening::SaveOnly(NameAndContentDiffer);
    }
    match ext {
        "txt" if looks_like_markup(data) => Opening::SaveOnly(Markup),
        "docx" | "xlsx" | "pptx" if !contains(data, b"[Content_Types].xml") => {
            Opening::SaveOnly(NameAndContentDiffer)
        }
        "odt" | "ods" | "odp" if data.get(30..38) != Some(&b"mimetype"[..]) => {
            Opening::SaveOnly(NameAndContentDiffer)
        }
        // Macros, ActiveX controls and embedded objects are stored under these names (the
        // names of a zip's entries are not compressed).
        "docx" | "xlsx" | "pptx" | "odt" | "ods" | "odp"
            if [
                &b"vbaProject"[..],
                b"activeX",
                b"oleObject",
                b"Basic/",
                b"Scripts/",
            ]
            .iter()
            .any(|n| contains(data, n)) =>
        {
            Opening::SaveOnly(Macros)
        }
        _ => how,
    }
}

fn contains(data: &[u8], needle: &[u8]) -> bool {
    data.windows(needle.len()).any(|w| w == needle)
}

/// Text that a viewer choosing by content could take for HTML or XML: a tag, a comment or a
/// processing instruction anywhere (`<` followed by a letter, `!`, `?` or `/`).
fn looks_like_markup(data: &[u8]) -> bool {
    data.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || b"!?/".contains(&w[1])))
}

/// How a name containing right-to-left overrides (U+202E ... U+202C) is displayed by programs
/// that honour them: each overridden run appears reversed. `None` if there is no override.
pub fn bidi_display(raw: &str) -> Option<String> {
    if !raw.contains('\u{202E}') {
        return None;
    }
    let mut out = String::new();
    let mut run: Option<Vec<char>> = None;
    for c in raw.chars() {
        match (c, &mut run) {
            ('\u{202E}', None) => run = Some(Vec::new()),
            ('\u{202E}', Some(_)) => {}
            ('\u{202C}', Some(r)) => {
                out.extend(r.iter().rev());
                run = None;
            }
            (c, Some(r)) => r.push(c),
            (c, None) => out.push(c),
        }
    }
    if let Some(r) = run {
        out.extend(r.iter().rev());
    }
    Some(out)
}

/// Display form of a filename as the message gives it (sanitized, otherwise unchanged).
pub fn display_original(raw: &str) -> SafeLine {
    SafeLine::new(raw, 1024)
}

#[cfg(test)]
mod tests;
