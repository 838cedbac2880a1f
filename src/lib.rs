//! Quietpost, the app package: the window (`app`, its `screen`s and `widget`s) and the command
//! line (`cli`), over the GUI-free crates. The only package that talks to people, so the words
//! they read live here (`wording`); the only package that uses iced.

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
