//! Terminal output. Everything printed for a person passes through [`safe`], a last guard
//! behind the render crate's sanitizing: no byte of a message can reach the terminal as a
//! control character or escape sequence.

use std::io::{self, Write};

/// Drops every control character except newline and tab.
pub fn safe(s: &str) -> String {
    s.chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// A writer that applies [`safe`] to everything it prints.
pub struct Out<W: Write>(pub W);

impl<W: Write> Out<W> {
    pub fn line(&mut self, s: &str) -> io::Result<()> {
        writeln!(self.0, "{}", safe(s))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strips_escapes() {
        assert_eq!(super::safe("a\u{1b}[2Jb\u{9b}c\n"), "a[2Jbc\n");
    }
}
