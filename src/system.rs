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
