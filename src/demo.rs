//! The demo mailbox, built into the binary so it works wherever Quietpost is installed: about
//! thirty messages (`assets/demo/`) that show, on real examples, what Quietpost does — ordinary
//! mail next to a tracking newsletter, a phishing attempt, a forged sender and a disguised
//! attachment. `quietpost --demo` imports them into a cache of its own (`core::demo`).

use quietpost_core::{Paths, StoreError};
use std::path::PathBuf;

/// The demo messages: file name and raw bytes.
pub const MESSAGES: &[(&str, &[u8])] = &[
    (
        "attachment-rlo.eml",
        include_bytes!("../assets/demo/attachment-rlo.eml"),
    ),
    (
        "authenticated-bank.eml",
        include_bytes!("../assets/demo/authenticated-bank.eml"),
    ),
    (
        "bidi-subject.eml",
        include_bytes!("../assets/demo/bidi-subject.eml"),
    ),
    (
        "calendar-invite.eml",
        include_bytes!("../assets/demo/calendar-invite.eml"),
    ),
    (
        "display-name-address.eml",
        include_bytes!("../assets/demo/display-name-address.eml"),
    ),
    (
        "documents-attached.eml",
        include_bytes!("../assets/demo/documents-attached.eml"),
    ),
    (
        "empty-subject.eml",
        include_bytes!("../assets/demo/empty-subject.eml"),
    ),
    (
        "executable-zip.eml",
        include_bytes!("../assets/demo/executable-zip.eml"),
    ),
    (
        "forged-authentication.eml",
        include_bytes!("../assets/demo/forged-authentication.eml"),
    ),
    (
        "forwarded-message.eml",
        include_bytes!("../assets/demo/forwarded-message.eml"),
    ),
    (
        "hidden-text.eml",
        include_bytes!("../assets/demo/hidden-text.eml"),
    ),
    (
        "html-and-text.eml",
        include_bytes!("../assets/demo/html-and-text.eml"),
    ),
    (
        "latin1-letter.eml",
        include_bytes!("../assets/demo/latin1-letter.eml"),
    ),
    (
        "links-dangerous.eml",
        include_bytes!("../assets/demo/links-dangerous.eml"),
    ),
    (
        "long-display-name.eml",
        include_bytes!("../assets/demo/long-display-name.eml"),
    ),
    (
        "long-minutes.eml",
        include_bytes!("../assets/demo/long-minutes.eml"),
    ),
    (
        "lunch-friday.eml",
        include_bytes!("../assets/demo/lunch-friday.eml"),
    ),
    (
        "mailing-list.eml",
        include_bytes!("../assets/demo/mailing-list.eml"),
    ),
    (
        "mailsploit-sender.eml",
        include_bytes!("../assets/demo/mailsploit-sender.eml"),
    ),
    (
        "newsletter-plain.eml",
        include_bytes!("../assets/demo/newsletter-plain.eml"),
    ),
    (
        "newsletter-tracking.eml",
        include_bytes!("../assets/demo/newsletter-tracking.eml"),
    ),
    (
        "phishing-lookalike.eml",
        include_bytes!("../assets/demo/phishing-lookalike.eml"),
    ),
    (
        "photo-attachment.eml",
        include_bytes!("../assets/demo/photo-attachment.eml"),
    ),
    (
        "plain-links.eml",
        include_bytes!("../assets/demo/plain-links.eml"),
    ),
    (
        "read-receipt.eml",
        include_bytes!("../assets/demo/read-receipt.eml"),
    ),
    (
        "sender-on-behalf.eml",
        include_bytes!("../assets/demo/sender-on-behalf.eml"),
    ),
    (
        "short-thanks.eml",
        include_bytes!("../assets/demo/short-thanks.eml"),
    ),
    (
        "thread-1-trip.eml",
        include_bytes!("../assets/demo/thread-1-trip.eml"),
    ),
    (
        "thread-2-trip.eml",
        include_bytes!("../assets/demo/thread-2-trip.eml"),
    ),
    (
        "thread-3-trip.eml",
        include_bytes!("../assets/demo/thread-3-trip.eml"),
    ),
    (
        "thread-4-trip.eml",
        include_bytes!("../assets/demo/thread-4-trip.eml"),
    ),
    (
        "unaligned-signature.eml",
        include_bytes!("../assets/demo/unaligned-signature.eml"),
    ),
    (
        "versions-differ.eml",
        include_bytes!("../assets/demo/versions-differ.eml"),
    ),
    ("welcome.eml", include_bytes!("../assets/demo/welcome.eml")),
];

/// Builds a fresh demo cache in the profile's cache directory and returns its path. Each launch
/// starts from the same mailbox: what the user did in the last demo is gone.
pub fn prepare(paths: &Paths) -> Result<PathBuf, StoreError> {
    quietpost_core::demo::prepare(paths, MESSAGES)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_file_in_assets_demo_is_built_in() {
        let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "eml")
            })
            .count();
        assert_eq!(on_disk, super::MESSAGES.len());
    }
}
