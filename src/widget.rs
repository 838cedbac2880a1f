//! Widgets iced does not have.

pub mod message_list;
