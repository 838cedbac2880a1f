use super::*;

fn found(html: &str) -> Vec<(String, RemoteKind)> {
    resolve(&scan_html(html))
        .into_iter()
        .map(|(u, k, _)| (u.to_string(), k))
        .collect()
}

/// The references an HTML document makes that are trackers.
fn trackers(html: &str) -> Vec<String> {
    resolve(&scan_html(html))
        .into_iter()
        .filter(|(_, _, t)| *t)
        .map(|(u, _, _)| u.to_string())
        .collect()
}

#[test]
fn trackers_are_told_apart_from_content_images() {
    let html = r#"
        <img src="https://shop.example/banner.jpg" width="600" height="200">
        <img src="https://t.example/a.gif" width="1" height="1">
        <img src="https://t.example/b.gif" style="width:1px; height:1px">
        <img src="https://t.example/c.gif" style="display:none">
        <div style="display:none"><img src="https://t.example/d.gif"></div>
        <img src="https://mail.example/wf/open?upn=xyz">
        <img src="https://mkt.example/e/o/abc">
        <img src="https://www.google-analytics.com/collect?v=1">
        <img src="https://shop.example/logo.png" width="0">
        <a href="https://shop.example/" ping="https://t.example/ping">shop</a>
        <img src="https://shop.example/products/opener.jpg" width="120" height="80">
    "#;
    let t = trackers(html);
    for u in [
        "https://t.example/a.gif",
        "https://t.example/b.gif",
        "https://t.example/c.gif",
        "https://t.example/d.gif",
        "https://mail.example/wf/open?upn=xyz",
        "https://mkt.example/e/o/abc",
        "https://www.google-analytics.com/collect?v=1",
        "https://shop.example/logo.png",
        "https://t.example/ping",
    ] {
        assert!(t.iter().any(|x| x == u), "{u} is a tracker: {t:?}");
    }
    for u in [
        "https://shop.example/banner.jpg",
        "https://shop.example/products/opener.jpg",
    ] {
        assert!(!t.iter().any(|x| x == u), "{u} is content: {t:?}");
    }
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
