//! Choosing a file to attach inside the window: a folder's entries (folders first, hidden ones
//! left out), a path field to type or paste into, Up and Cancel. The fallback for a desktop
//! with no file-chooser portal, and what the tests drive.

use iced::Task;
use std::path::{Path, PathBuf};

pub const PATH_ID: &str = "picker-path";
/// Entries listed at most (a folder of a hundred thousand files lists its first ones).
const MAX_ENTRIES: usize = 2_000;

/// One entry of the folder shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub folder: bool,
    pub bytes: u64,
}

#[derive(Debug, Clone)]
pub struct Picker {
    /// The folder shown.
    pub folder: PathBuf,
    /// What the path field holds.
    pub typed: String,
    pub entries: Vec<Entry>,
    /// Why the folder or the typed path cannot be used.
    pub problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Typed(String),
    /// Enter in the path field: a folder opens, a file is chosen.
    Go,
    Open(String),
    Up,
    Cancel,
}

/// What the picker asks of the composer.
pub enum Outcome {
    Chosen(PathBuf),
    Cancelled,
    Task(Task<Message>),
}

impl Picker {
    /// At the person's home folder (else the current one).
    pub fn at_home() -> Picker {
        let home = directories::UserDirs::new()
            .map(|u| u.home_dir().to_owned())
            .unwrap_or_else(|| PathBuf::from("."));
        Picker::at(home)
    }

    pub fn at(folder: PathBuf) -> Picker {
        let mut p = Picker {
            typed: with_separator(&folder),
            folder,
            entries: Vec::new(),
            problem: None,
        };
        p.read();
        p
    }

    /// Lists the folder (a folder is small enough to read here; a huge one is cut).
    fn read(&mut self) {
        self.entries.clear();
        self.problem = None;
        match std::fs::read_dir(&self.folder) {
            Err(e) => self.problem = Some(format!("This folder cannot be read ({e}).")),
            Ok(dir) => {
                for entry in dir.flatten().take(MAX_ENTRIES) {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    // Through a link to what it points at, as a file chooser does.
                    let Ok(meta) = std::fs::metadata(entry.path()) else {
                        continue;
                    };
                    self.entries.push(Entry {
                        name,
                        folder: meta.is_dir(),
                        bytes: meta.len(),
                    });
                }
                self.entries.sort_by(|a, b| {
                    b.folder
                        .cmp(&a.folder)
                        .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                });
            }
        }
    }

    fn go(&mut self, path: PathBuf) -> Outcome {
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                self.folder = path;
                self.typed = with_separator(&self.folder);
                self.read();
                Outcome::Task(iced::widget::operation::focus(PATH_ID))
            }
            Ok(m) if m.is_file() => Outcome::Chosen(path),
            Ok(_) => {
                self.problem = Some("This is not a file Quietpost can attach.".to_owned());
                Outcome::Task(Task::none())
            }
            Err(e) => {
                self.problem = Some(format!("{} cannot be opened ({e}).", path.display()));
                Outcome::Task(Task::none())
            }
        }
    }

    pub fn update(&mut self, message: Message) -> Outcome {
        match message {
            Message::Typed(t) => {
                self.typed = t;
                self.problem = None;
                Outcome::Task(Task::none())
            }
            Message::Go => {
                let typed = self.typed.trim();
                let typed = match typed.strip_prefix("~/") {
                    Some(rest) => directories::UserDirs::new()
                        .map(|u| u.home_dir().join(rest))
                        .unwrap_or_else(|| PathBuf::from(typed)),
                    None => PathBuf::from(typed),
                };
                let path = if typed.is_absolute() {
                    typed
                } else {
                    self.folder.join(typed)
                };
                self.go(path)
            }
            Message::Open(name) => self.go(self.folder.join(name)),
            Message::Up => match self.folder.parent() {
                Some(parent) => self.go(parent.to_owned()),
                None => Outcome::Task(Task::none()),
            },
            Message::Cancel => Outcome::Cancelled,
        }
    }
}

fn with_separator(folder: &Path) -> String {
    let mut s = folder.display().to_string();
    if !s.ends_with(std::path::MAIN_SEPARATOR) {
        s.push(std::path::MAIN_SEPARATOR);
    }
    s
}
