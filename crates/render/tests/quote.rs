//! Quoting: a reply or forward carries only the text the reader was shown.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

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

/// The view's text without the renderer's own link markers (` [12]` after a link's text, at
/// the places `link_markers` records).
fn without_markers(view: &quietpost_model::SafeMessage) -> String {
    let body = view.body.as_str();
    let mut out = String::with_capacity(body.len());
    let mut from = 0;
    for m in &view.link_markers {
        // The marker and the space before it.
        let start = m.at.saturating_sub(1).max(from);
        out.push_str(&body[from..start]);
        from = m.at + m.link.to_string().len() + 2;
    }
    out.push_str(&body[from.min(body.len())..]);
    out
}

/// Whether `quote` is `view` with things left out: every character of the quote appears in
/// the view, in the same order (white space aside: lines wrap differently once hidden text is
/// gone, and hidden text can sit inside a word).
fn left_out_only(quote: &str, view: &quietpost_model::SafeMessage) -> Result<(), String> {
    let view = without_markers(view);
    let mut view = view.chars().filter(|c| !c.is_whitespace());
    let quote: String = quote.chars().filter(|c| !c.is_whitespace()).collect();
    for (i, c) in quote.char_indices() {
        if !view.any(|v| v == c) {
            let from = quote[..i]
                .char_indices()
                .rev()
                .nth(30)
                .map_or(0, |(j, _)| j);
            return Err(format!(
                "{:?} is quoted but was never shown",
                &quote[from..]
            ));
        }
    }
    Ok(())
}

/// A quote and the reader's view come from the same conversion: what is quoted was shown.
#[test]
fn everything_quoted_was_shown() {
    // An image with no source (or an empty one) is not shown, so its alt text is not quoted.
    let raw = b"From: a@example.org\r\nContent-Type: text/html\r\n\r\n<p>Hello<img alt=\"NOSRC-ALT\"> <img src=\"\" alt=\"EMPTYSRC-ALT\"> <img src=\"https://t.example/x.png\" alt=\"REAL-ALT\"></p>";
    let options = quietpost_render::Options::default();
    let view = quietpost_render::render(raw, &options);
    let quote = quietpost_render::quote(raw, &options);
    for hidden in ["NOSRC-ALT", "EMPTYSRC-ALT"] {
        assert!(!view.body.as_str().contains(hidden), "{}", view.body);
        assert!(
            !quote.message.body.as_str().contains(hidden),
            "{}",
            quote.message.body
        );
    }
    assert!(quote.message.body.as_str().contains("REAL-ALT"));

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() || dir.ends_with("limits") {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let path = f.unwrap().path();
            if path.extension().is_none_or(|e| e != "eml") {
                continue;
            }
            let raw = std::fs::read(&path).unwrap();
            let view = quietpost_render::render(&raw, &options);
            let quote = quietpost_render::quote(&raw, &options);
            if let Err(e) = left_out_only(quote.message.body.as_str(), &view) {
                failures.push(format!("{}: {e}", path.display()));
            }
            checked += 1;
        }
    }
    assert!(checked > 150, "{checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
