use super::*;

fn found(html: &str) -> Vec<(String, RemoteKind)> {
    resolve(&scan_html(html))
        .into_iter()
        .map(|(u, k)| (u.to_string(), k))
        .collect()
}

#[test]
fn finds_img_and_ignores_cid_data_relative() {
    let v = found(
        r#"<img src="cid:x"><img src="data:image/png;base64,AA"><img src="a.png"><IMG SRC="HTTPS://T.EXAMPLE/p.gif">"#,
    );
    assert_eq!(
        v,
        [("https://t.example/p.gif".to_owned(), RemoteKind::Image)]
    );
}

#[test]
fn protocol_relative_entities_and_backslashes() {
    let v = found(
        r#"<img src="//t.example/a"><img src="&#104;ttp://t.example/b"><img src="https:\\t.example\c"><img src="ht
tp://t.example/d">"#,
    );
    assert_eq!(v.len(), 4, "{v:?}");
    assert!(v.iter().all(|(u, _)| u.contains("t.example")));
}

#[test]
fn base_makes_relative_remote() {
    let v = found(r#"<base href="http://b.example/"><img src="x.png">"#);
    assert!(v.contains(&("http://b.example/x.png".to_owned(), RemoteKind::Image)));
}

#[test]
fn srcset_with_data_candidate() {
    assert_eq!(
        srcset_urls("data:image/png;base64,AA,BB 1x, https://x.example/b.png 2x"),
        ["data:image/png;base64,AA,BB", "https://x.example/b.png"]
    );
}

#[test]
fn style_comment_and_srcdoc() {
    let v = found(
        "<style><!-- body{background:url(//s.example/bg)} --></style><iframe srcdoc=\"<img src='//f.example/i'>\"></iframe>",
    );
    assert_eq!(v.len(), 2, "{v:?}");
}

#[test]
fn refresh_and_link() {
    let v = found(
        r#"<meta http-equiv="Refresh" content="0; URL='http://r.example/'"><link rel="dns-prefetch" href="//d.example">"#,
    );
    assert_eq!(v[0].1, RemoteKind::Refresh);
    assert_eq!(v[1].1, RemoteKind::Prefetch);
}

#[test]
fn hidden_text_is_counted() {
    let s = scan_html(
        r#"<p>Invoice<span style="display: none">HIDDEN one</span>.</p><p style="font-size:0px">two</p><p style="font-size:0.9em">shown</p><p style="color:#fff;background:#fff">three</p><style>p{}</style>"#,
    );
    assert_eq!(s.hidden_sample, "HIDDEN one two three");
    assert_eq!(s.hidden_chars, 17);
}

#[test]
fn plugin_params() {
    let v = found(
        r#"<object><param name="Movie" value="https://p.example/a.swf"><param name="quality" value="https://no.example/"></object>"#,
    );
    assert_eq!(
        v,
        [("https://p.example/a.swf".to_owned(), RemoteKind::Object)]
    );
}

#[test]
fn depth_estimate() {
    let html = "<div>".repeat(500);
    assert_eq!(scan_html(&html).max_depth, 500);
    assert!(scan_html(&"<p>x".repeat(500)).max_depth <= 1);
}
