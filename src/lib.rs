//! Quietpost, the app package: the window (`app`, its `screen`s and `widget`s) and the command
//! line (`cli`), over the GUI-free crates. The only package that talks to people, so the words
//! they read live here (`wording`); the only package that uses iced.

/// The application's reverse-DNS id, everywhere the desktop knows it by: the window's app-id
/// (Wayland) and class (X11), the desktop file's and the icon's names, the AppStream
/// metainfo's id, notifications' desktop entry (see packaging/linux).
pub const APP_ID: &str = "org.quietpost.Quietpost";

pub mod app;
pub mod backend;
pub mod cli;
pub mod demo;
pub mod keys;
pub mod screen;
pub mod system;
pub mod theme;
pub mod widget;
pub mod wording;
