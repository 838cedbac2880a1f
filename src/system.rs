//! Handing things to the desktop: a web address to the system browser, a saved attachment to
//! the system viewer. Only ever on the user's explicit request, never through a shell: the
//! target is one argument of the platform's opener.

use std::ffi::OsStr;
use std::io;
use std::process::{Command, Stdio};

/// What hands things to the desktop: the platform's opener, or a program given in its place
/// (tests give a stand-in that notes what it got).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opener {
    program: Option<std::path::PathBuf>,
}

impl Opener {
    /// `program` instead of the platform's opener, with the target as its one argument.
    pub fn program(program: impl Into<std::path::PathBuf>) -> Opener {
        Opener {
            program: Some(program.into()),
        }
    }

    /// Opens `target` (an http(s) address or a file path) with the system's default program.
    pub fn open(&self, target: &OsStr) -> io::Result<()> {
        match &self.program {
            Some(program) => run(Command::new(program), target),
            None => run(opener(), target),
        }
    }
}

fn run(mut command: Command, target: &OsStr) -> io::Result<()> {
    command
        .arg(target)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // The opener returns at once (it starts the program and exits); reap it so no zombie stays.
    let mut child = command.spawn()?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(target_os = "macos")]
fn opener() -> Command {
    Command::new("open")
}

#[cfg(windows)]
fn opener() -> Command {
    // Not `cmd /c start`: that would parse the target as a command line.
    let mut c = Command::new("rundll32.exe");
    c.arg("url.dll,FileProtocolHandler");
    c
}

#[cfg(not(any(target_os = "macos", windows)))]
fn opener() -> Command {
    Command::new("xdg-open")
}

/// What the desktop's file chooser gave back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    Files(Vec<std::path::PathBuf>),
    Cancelled,
    /// There is no desktop chooser to ask (no session bus, no portal): why, for the log. The
    /// window's own picker is used instead.
    Unavailable(String),
}

impl Opener {
    /// Whether files to attach are asked of the desktop's chooser (the platform's opener is
    /// in use), or chosen in the window (a stand-in opener: the tests).
    pub fn uses_desktop_chooser(&self) -> bool {
        self.program.is_none()
    }
}

/// Files chosen in the desktop's own file chooser, through the XDG desktop portal (GNOME, KDE,
/// Flatpak): the person's usual dialog, and inside a sandbox the only way to a file.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
pub async fn choose_files(title: &str) -> Chosen {
    use ashpd::desktop::file_chooser::SelectedFiles;
    // Asking must be quick: a bus with no portal answers at once, a portal that does not
    // answer within seconds is not there. Choosing takes the person as long as it takes.
    let request = SelectedFiles::open_file()
        .title(title)
        .modal(true)
        .multiple(true)
        .send();
    let request = match tokio::time::timeout(std::time::Duration::from_secs(5), request).await {
        Err(_) => return Chosen::Unavailable("the desktop portal did not answer".to_owned()),
        Ok(Err(e)) => return Chosen::Unavailable(e.to_string()),
        Ok(Ok(r)) => r,
    };
    match request.response() {
        Ok(files) => Chosen::Files(
            files
                .uris()
                .iter()
                .filter_map(|u| file_path(u.as_str()))
                .collect(),
        ),
        Err(ashpd::Error::Response(ashpd::desktop::ResponseError::Cancelled)) => Chosen::Cancelled,
        Err(e) => Chosen::Unavailable(e.to_string()),
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
pub async fn choose_files(_title: &str) -> Chosen {
    Chosen::Unavailable("no desktop portal on this system".to_owned())
}

/// Shows a desktop notification through the freedesktop notification service
/// (`org.freedesktop.Notifications` on the session bus, over the zbus already in the tree).
/// What it shows is the caller's choice (by default no sender or subject). Errors are words: no
/// session bus, no notification service.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
pub async fn notify(summary: String, body: String) -> Result<(), String> {
    use ashpd::zbus::{self, zvariant::Value};
    let call = async {
        let bus = zbus::Connection::session().await?;
        let hints: std::collections::HashMap<&str, Value<'_>> = [
            ("category", Value::from("email.arrived")),
            ("desktop-entry", Value::from(crate::APP_ID)),
            ("urgency", Value::U8(1)),
        ]
        .into_iter()
        .collect();
        bus.call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "Notify",
            &(
                "Quietpost",
                0u32,
                crate::APP_ID,
                summary.as_str(),
                body.as_str(),
                Vec::<&str>::new(),
                hints,
                -1i32,
            ),
        )
        .await?;
        Ok::<(), zbus::Error>(())
    };
    match tokio::time::timeout(std::time::Duration::from_secs(5), call).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err("the notification service did not answer".to_owned()),
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
pub async fn notify(_summary: String, _body: String) -> Result<(), String> {
    Err("desktop notifications are not available on this system yet".to_owned())
}

/// The path of a `file://` URI (percent-decoded); none for any other URI.
#[cfg(unix)]
fn file_path(uri: &str) -> Option<std::path::PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let rest = uri.strip_prefix("file://")?;
    // A host part other than empty or localhost is not this machine's file.
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = path
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(std::path::PathBuf::from(OsStr::from_bytes(&out)))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            file_path("file:///home/a/My%20Photos/IMG%5F1.jpg"),
            Some("/home/a/My Photos/IMG_1.jpg".into())
        );
        assert_eq!(file_path("file://localhost/tmp/x"), Some("/tmp/x".into()));
        assert_eq!(file_path("file://server/share/x"), None);
        assert_eq!(file_path("https://example.org/x"), None);
    }
}
