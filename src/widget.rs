//! Widgets iced does not have.

pub mod ellipsis;
pub mod focusable;
pub mod icon;
pub mod message_list;
pub mod snap;
