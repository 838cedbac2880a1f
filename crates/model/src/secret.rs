//! A secret (password, token) that never shows itself: `Debug` prints a placeholder, there is no
//! `Display`, and the memory is zeroed when it is dropped.

use zeroize::Zeroizing;

pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(s: String) -> Self {
        Secret(Zeroizing::new(s))
    }

    /// The secret itself, for the one place that must send it. Never log or format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl Clone for Secret {
    fn clone(&self) -> Self {
        Secret::new(self.expose().to_owned())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_is_redacted() {
        let s = super::Secret::new("hunter2".into());
        assert_eq!(format!("{s:?}"), "Secret(redacted)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(redacted))");
    }
}
