//! The whole render pipeline on arbitrary bytes: MIME, headers, HTML, CSS, links, attachments.
//! Run: `cargo fuzz run render` (from the repository root; see README).
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietpost_render::{Options, render};

fuzz_target!(|data: &[u8]| {
    let options = Options { trusted_authserv_ids: vec!["mx.quietpost.test".into()], ..Options::default() };
    let m = render(data, &options);
    assert!(!m.subject.as_str().chars().any(char::is_control));
    assert!(!m.body.as_str().chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
});
