//! Quoting: a reply or forward carries only the text the reader was shown.

const MESSAGE: &[u8] = include_bytes!("../../../tests/data/hidden-and-remote.eml");
const SECRETS: [&str; 7] = [
    "PREHEADER-SECRET",
    "ZEROSIZE-SECRET",
    "WHITE-SECRET",
    "HIDDEN-ATTR-SECRET",
    "SCRIPT-SECRET",
    "HEAD-TITLE-SECRET",
    "tracker.example",
];

#[test]
fn a_quote_leaves_out_hidden_text_and_every_remote_reference() {
    let options = quietpost_render::Options::default();
    let shown = quietpost_render::render(MESSAGE, &options);
    // The reader is shown the hidden text (and warned), with link markers.
    assert!(shown.body.as_str().contains("PREHEADER-SECRET"));
    assert!(shown.body.as_str().contains("Shop the sale [1]"));
    assert!(
        shown.remote_content.len() >= 5,
        "{:?}",
        shown.remote_content
    );

    let q = quietpost_render::quote(MESSAGE, &options);
    let body = q.message.body.as_str();
    for secret in SECRETS {
        assert!(!body.contains(secret), "{secret} in the quote:\n{body}");
    }
    for visible in [
        "Hello Alice,",
        "Here are this week's picks.",
        "Autumn sale banner",
        "Shop the sale before Sunday.",
        "Kind regards,",
        "The Shop",
    ] {
        assert!(body.contains(visible), "{visible} missing from:\n{body}");
    }
    assert!(!body.contains("[1]"), "{body}");
    assert!(!body.contains("http"), "{body}");
    // 2026-11-27 23:45:10 +0545 is 18:00:10 UTC.
    assert_eq!(q.timestamp, Some(1_795_802_410));
    assert_eq!(
        q.references,
        [
            "<thread-start@shop.example>",
            "<picks-2026-47@shop.example>"
        ]
    );
    assert_eq!(
        q.message.message_id.as_ref().map(|m| m.as_str()),
        Some("picks-2026-48@shop.example")
    );
}

#[test]
fn hidden_elements_end_where_they_end() {
    let html = "From: a@b.example\r\nContent-Type: text/html\r\n\r\n\
        <div style='display:none'>one<div>two</div>three</div>after \
        <p style='display:none'>p-hidden<p>p-visible \
        <span style=\"visibility:hidden\">s<b>x</b>y</span>tail &lt;b&gt; \
        <x\" onmouseover=1>odd-tag</x\">";
    let q = quietpost_render::quote(html.as_bytes(), &Default::default());
    let body = q.message.body.as_str();
    for gone in ["one", "two", "three", "p-hidden", "sxy"] {
        assert!(!body.contains(gone), "{gone} in {body}");
    }
    for kept in ["after", "p-visible", "tail <b>", "odd-tag"] {
        assert!(body.contains(kept), "{kept} missing from {body}");
    }
}
