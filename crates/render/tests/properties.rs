//! Property tests: no input makes `render` panic, and its output is always display-safe.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use proptest::prelude::*;
use quietpost_render::{Options, render};

fn assert_safe(m: &quietpost_model::SafeMessage) {
    let one_line = [m.subject.as_str()]
        .into_iter()
        .chain(
            m.from
                .iter()
                .chain(&m.to)
                .filter_map(|a| a.name.as_ref().map(|n| n.as_str())),
        )
        .chain(m.attachments.iter().map(|a| a.safe_filename.as_str()));
    for s in one_line {
        assert!(
            !s.chars().any(|c| c.is_control()),
            "control character in {s:?}"
        );
    }
    assert!(
        !m.body
            .as_str()
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    );
    for a in &m.attachments {
        let n = a.safe_filename.as_str();
        assert!(
            !n.contains('/') && !n.contains('\\') && n != ".." && n.len() <= 255,
            "{n:?}"
        );
    }
}

/// Fragments that steer the parser into its interesting states.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"From: =?utf-8?b?YUBiLmM=?= <x@y.z>\r\n".to_vec()),
        Just(b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n".to_vec()),
        Just(b"Content-Type: multipart/alternative; boundary=\"c\"\r\n\r\n--c\r\n".to_vec()),
        Just(
            b"Content-Type: text/html\r\n\r\n<img src=//t.example/p><a href='javascript:x'>y</a>"
                .to_vec()
        ),
        Just(b"Content-Type: message/rfc822\r\n\r\n".to_vec()),
        Just(b"Content-Type: image/png\r\n\r\niVBORw0KGgo=\r\n".to_vec()),
        Just(b"\n--b\n\n--c--\n--b".to_vec()),
        Just(b"Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgA\r\n".to_vec()),
        Just(
            b"Content-Disposition: attachment; filename*=utf-8''..%2F..%2Fx%E2%80%AEgpj.exe\r\n"
                .to_vec()
        ),
        Just(
            b"<style>@import url(//s.example/x.css)</style><div><div><table><td background=x>"
                .to_vec()
        ),
        Just(b"=?x-unknown?q?=00=1b[2J?=\r\n".to_vec()),
        Just(b"\r\n--b--\r\n".to_vec()),
        Just(b"\x1b]0;t\x07\xc2\x9b\xe2\x80\xae\x00\r".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..64),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn byte_soup_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        assert_safe(&render(&bytes, &Options::default()));
    }

    #[test]
    fn structured_soup_never_panics(parts in proptest::collection::vec(fragment(), 0..40)) {
        let raw: Vec<u8> = parts.concat();
        assert_safe(&render(&raw, &Options::default()));
        assert_safe(&quietpost_render::quote(&raw, &Options::default()).message);
        // The index's reading, which leaves attachments' contents out first, never panics.
        let _ = quietpost_render::search_text(&raw, &quietpost_render::Limits::default());
    }
}
