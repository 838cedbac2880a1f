//! Rendering throughput, side by side with `w3m -dump` (what mutt and aerc users read HTML
//! mail with) on the same HTML parts, in the same run. Prints messages per second and ratios.
//!
//! Run: `cargo bench -p quietpost-render --bench render` (needs the Debian package w3m).
//! `QUIETPOST_BENCH_DUMP=DIR` also writes the generated messages there for inspection.
//!
//! The set is generated deterministically: 30 HTML newsletters of 50–200 KB (nested tables,
//! inline styles, tracking pixels, dozens of links), 15 plain-text mails and 15 multipart mails
//! with a text and an HTML alternative and PDF/JPEG attachments.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use quietpost_render::{Options, render};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "the",
    "market",
    "update",
    "quarter",
    "team",
    "launch",
    "design",
    "our",
    "readers",
    "weekly",
    "community",
    "story",
    "news",
    "product",
    "feature",
    "support",
    "city",
    "policy",
    "report",
    "science",
    "climate",
    "research",
    "interview",
    "event",
    "ticket",
    "offer",
    "members",
    "and",
    "with",
    "from",
    "about",
    "latest",
    "new",
    "open",
    "source",
    "privacy",
    "security",
    "mail",
    "über",
    "café",
    "naïve",
    "€uro",
    "données",
    "journalist",
    "source",
    "editor",
    "deadline",
];

fn sentence(r: &mut Rng, words: usize) -> String {
    let mut s: Vec<&str> = (0..words).map(|_| r.pick(WORDS)).collect();
    let mut first = s[0].chars();
    let cap: String = first
        .next()
        .into_iter()
        .flat_map(char::to_uppercase)
        .chain(first)
        .collect();
    s[0] = &cap;
    format!("{}.", s.join(" "))
}

fn newsletter_html(r: &mut Rng, target: usize) -> String {
    let mut h = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Weekly</title>\
         <link rel=\"stylesheet\" href=\"https://cdn.news.example/mail.css\">\
         <style>body{margin:0;font-family:Helvetica,Arial,sans-serif}.btn{background:#0a6;color:#fff}\
         @font-face{font-family:Brand;src:url(https://fonts.news.example/brand.woff2)}\
         .hero{background-image:url('https://img.news.example/hero.jpg')}</style></head>\
         <body style=\"background:#f4f4f4\"><center><table width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" align=\"center\">\
         <tr><td class=\"hero\" style=\"padding:20px\"><img src=\"https://img.news.example/logo.png\" alt=\"News Weekly\" width=\"200\"></td></tr>",
    );
    let mut n = 0;
    while h.len() < target {
        n += 1;
        h.push_str(&format!(
            "<tr><td style=\"padding:16px 24px;font-size:15px;line-height:22px;color:#333\">\
             <table width=\"100%\"><tr><td width=\"120\" valign=\"top\"><a href=\"https://news.example/a/{n}?utm_source=mail&utm_medium=email\">\
             <img src=\"https://img.news.example/thumb/{n}.jpg\" srcset=\"https://img.news.example/thumb/{n}@2x.jpg 2x\" width=\"110\" alt=\"\"></a></td>\
             <td valign=\"top\"><h2 style=\"margin:0 0 8px;font-size:20px\"><a href=\"https://news.example/a/{n}\" style=\"color:#036;text-decoration:none\">{}</a></h2>\
             <p style=\"margin:0 0 12px\">{} {} {}</p><p style=\"margin:0\"><span style=\"color:#666\">{}</span> \
             <a class=\"btn\" href=\"https://click.news.example/r/{n}/{}\" style=\"display:inline-block;padding:6px 12px\">Read more &rarr;</a></p>\
             </td></tr></table></td></tr>",
            sentence(r, 6),
            sentence(r, 18),
            sentence(r, 22),
            sentence(r, 14),
            sentence(r, 5),
            r.next()
        ));
    }
    h.push_str(
        "<tr><td style=\"padding:24px;font-size:12px;color:#999\" align=\"center\">You receive this because you subscribed.<br>\
         <a href=\"https://news.example/unsubscribe?u=8d2f\">Unsubscribe</a> &middot; <a href=\"https://news.example/prefs\">Preferences</a>\
         <img src=\"https://t.news.example/open.gif?u=8d2f\" width=\"1\" height=\"1\" style=\"display:none\"></td></tr></table></center></body></html>",
    );
    h
}

fn headers(r: &mut Rng, subject: &str, content_type: &str) -> String {
    format!(
        "Return-Path: <bounce@news.example>\r\nAuthentication-Results: mx.quietpost.test; dkim=pass header.d=news.example; spf=pass; dmarc=pass\r\n\
         From: News Weekly <weekly@news.example>\r\nTo: reader@example.org\r\nSubject: {subject}\r\n\
         Date: Tue, 3 Nov 2026 09:{:02}:00 +0100\r\nMessage-ID: <{}@news.example>\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\n",
        r.below(60),
        r.next()
    )
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, c) in data.chunks(3).enumerate() {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            out.push(if k <= c.len() {
                T[(n >> (18 - 6 * k) & 63) as usize] as char
            } else {
                '='
            });
        }
        if i % 19 == 18 {
            out.push_str("\r\n");
        }
    }
    out
}

/// (raw message, its HTML part if any)
fn message_set() -> Vec<(Vec<u8>, Option<String>)> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut set = Vec::new();
    for i in 0..30 {
        let target = 50_000 + (i * 5_000) % 150_000;
        let html = newsletter_html(&mut r, target);
        let subject = format!("Weekly #{i}: {}", sentence(&mut r, 5));
        let mut m = headers(&mut r, &subject, "text/html; charset=utf-8");
        m.push_str("Content-Transfer-Encoding: 8bit\r\n\r\n");
        m.push_str(&html);
        set.push((m.into_bytes(), Some(html)));
    }
    for i in 0..15 {
        let mut m = headers(
            &mut r,
            &format!("Re: notes {i}"),
            "text/plain; charset=utf-8",
        );
        m.push_str("\r\n");
        for _ in 0..(5 + r.below(40)) {
            m.push_str(&format!("{}\r\n", sentence(&mut r, 12)));
            if r.below(5) == 0 {
                m.push_str(&format!(
                    "> {}\r\n> see https://docs.example/{}\r\n\r\n",
                    sentence(&mut r, 10),
                    r.next()
                ));
            }
        }
        set.push((m.into_bytes(), None));
    }
    for i in 0..15 {
        let html = newsletter_html(&mut r, 20_000 + (i * 3_000) as usize);
        let mut m = headers(
            &mut r,
            &format!("Report {i}"),
            "multipart/mixed; boundary=\"mix\"",
        );
        m.push_str("\r\n--mix\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        for _ in 0..20 {
            m.push_str(&format!("{}\r\n", sentence(&mut r, 14)));
        }
        m.push_str("\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n");
        m.push_str(&html);
        m.push_str("\r\n--alt--\r\n--mix\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend((0..40_000).map(|_| r.next() as u8));
        m.push_str(&base64(&pdf));
        m.push_str("\r\n--mix\r\nContent-Type: image/jpeg; name=\"photo.jpg\"\r\nContent-Disposition: attachment; filename=\"photo.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        let mut jpg = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpg.extend((0..30_000).map(|_| r.next() as u8));
        m.push_str(&base64(&jpg));
        m.push_str("\r\n--mix--\r\n");
        set.push((m.into_bytes(), Some(html)));
    }
    set
}

fn w3m_dump(html: &str) -> Duration {
    let start = Instant::now();
    let mut child = Command::new("w3m")
        .args([
            "-dump",
            "-T",
            "text/html",
            "-I",
            "UTF-8",
            "-O",
            "UTF-8",
            "-cols",
            "1000",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("w3m is installed (Debian package w3m)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(html.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "w3m failed");
    start.elapsed()
}

fn rate(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn main() {
    let set = message_set();
    if let Some(dir) = std::env::var_os("QUIETPOST_BENCH_DUMP") {
        std::fs::create_dir_all(&dir).unwrap();
        for (i, (raw, _)) in set.iter().enumerate() {
            std::fs::write(std::path::Path::new(&dir).join(format!("{i:02}.eml")), raw).unwrap();
        }
    }
    let options = Options {
        trusted_authserv_ids: vec!["mx.quietpost.test".into()],
        ..Options::default()
    };
    let html_set: Vec<&(Vec<u8>, Option<String>)> =
        set.iter().filter(|(_, h)| h.is_some()).collect();
    let html_kb: usize = html_set
        .iter()
        .map(|(_, h)| h.as_ref().unwrap().len())
        .sum::<usize>()
        / 1024;
    const ROUNDS: usize = 3;

    // Warm up both (page cache, allocator, dynamic loader).
    for (raw, html) in set.iter().take(3) {
        std::hint::black_box(render(raw, &options));
        if let Some(h) = html {
            w3m_dump(h);
        }
    }

    let mut all = Duration::ZERO;
    let mut html_only = Duration::ZERO;
    let mut w3m = Duration::ZERO;
    let mut w3m_empty = Duration::ZERO;
    for _ in 0..ROUNDS {
        for (raw, html) in &set {
            let t = Instant::now();
            std::hint::black_box(render(raw, &options));
            let d = t.elapsed();
            all += d;
            if html.is_some() {
                html_only += d;
            }
        }
        for (_, html) in &html_set {
            w3m += w3m_dump(html.as_ref().unwrap());
            w3m_empty += w3m_dump("<html></html>");
        }
    }
    let n_all = set.len() * ROUNDS;
    let n_html = html_set.len() * ROUNDS;
    let q = rate(n_html, html_only);
    let w = rate(n_html, w3m);
    let w_no_spawn = rate(n_html, w3m.saturating_sub(w3m_empty));
    println!(
        "render benchmark: {} messages ({} with HTML, {} KB of HTML), {ROUNDS} rounds",
        set.len(),
        html_set.len(),
        html_kb
    );
    println!(
        "  quietpost, whole set (MIME, headers, HTML, links, remote scan, attachments): {:>8.1} msg/s",
        rate(n_all, all)
    );
    println!(
        "  quietpost, messages with HTML:                                             {q:>8.1} msg/s"
    );
    println!(
        "  w3m -dump, the same HTML parts (one process each, as mail clients run it):  {w:>8.1} msg/s"
    );
    println!(
        "  w3m -dump, minus the time to start w3m on an empty page:                    {w_no_spawn:>8.1} msg/s"
    );
    println!("ratio quietpost / w3m -dump: {:.2}x (target >= 3x)", q / w);
    println!(
        "ratio quietpost / w3m -dump without process start: {:.2}x",
        q / w_no_spawn
    );
}
