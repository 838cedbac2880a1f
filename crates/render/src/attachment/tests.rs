use super::*;

#[test]
fn path_and_traversal() {
    let s = safe_filename("../../etc/passwd", "attachment");
    assert_eq!(s.name, "passwd");
    assert!(s.warnings.contains(&Code::PathInName));
    assert_eq!(
        safe_filename("C:\\Users\\x\\evil.exe", "a").name,
        "evil.exe"
    );
    assert_eq!(safe_filename("..", "attachment").name, "attachment");
}

#[test]
fn bidi_reserved_and_padding() {
    let s = safe_filename("invoice\u{202E}fdp.exe", "a");
    assert_eq!(s.name, "invoicefdp.exe");
    assert!(s.warnings.contains(&Code::BidiInName));
    let s = safe_filename("CON.txt", "a");
    assert_eq!(s.name, "_CON.txt");
    assert!(s.warnings.contains(&Code::ReservedName));
    assert_eq!(
        safe_filename("report.pdf       .exe", "a").name,
        "report.pdf .exe"
    );
    assert_eq!(safe_filename("report.pdf. . .", "a").name, "report.pdf");
    assert_eq!(safe_filename(".bashrc", "a").name, "bashrc");
}

#[test]
fn blank_and_invisible_padding_is_collapsed_and_flagged() {
    // Spaces, the Braille blank, the Hangul filler, ideographic and em spaces, zero-width
    // characters: each run becomes one space (or nothing, for the invisible ones), flagged.
    for raw in [
        format!("invoice.pdf{}.exe", " ".repeat(60)),
        format!("invoice.pdf{}.exe", "\u{2800}".repeat(60)),
        format!("invoice.pdf{}.exe", "\u{3164}".repeat(60)),
        format!("invoice.pdf{}.exe", "\u{3000}\u{2003}".repeat(30)),
        format!("invoice.pdf {}.exe", "\u{200B}\u{2060}".repeat(30)),
    ] {
        let s = safe_filename(&raw, "a");
        assert!(
            s.name == "invoice.pdf .exe" || s.name == "invoice.pdf.exe",
            "{raw:?} → {:?}",
            s.name
        );
        assert!(s.warnings.contains(&Code::PaddedName), "{raw:?}");
    }
    // An ordinary name with one space is not padding.
    let s = safe_filename("Annual report.pdf", "a");
    assert_eq!(s.name, "Annual report.pdf");
    assert!(s.warnings.is_empty());
}

#[test]
fn a_long_name_is_cut_in_the_middle_keeping_its_ending() {
    let raw = format!("Quarterly report {} final version.pdf", "very ".repeat(80));
    let s = safe_filename(&raw, "a");
    assert!(s.name.chars().count() <= MAX_NAME_CHARS, "{}", s.name);
    assert!(s.name.len() <= MAX_NAME_BYTES);
    assert!(s.name.starts_with("Quarterly report very"), "{}", s.name);
    assert!(s.name.ends_with("final version.pdf"), "{}", s.name);
    assert!(s.name.contains('…'));
    assert!(s.warnings.contains(&Code::LongName));
    // Four-byte characters: the byte bound holds too, on a character boundary.
    let s = safe_filename(&format!("{}.exe", "𝒳".repeat(300)), "a");
    assert!(s.name.len() <= MAX_NAME_BYTES && s.name.ends_with(".exe"));
    // The hidden ending stays visible however the padding is made.
    let s = safe_filename(&format!("photo.jpg{}x.scr", "_".repeat(400)), "a");
    assert!(s.name.ends_with("x.scr"), "{}", s.name);
}

#[test]
fn only_pictures_text_and_checked_documents_open() {
    let open = |name: &str, declared: &str, data: &[u8]| {
        let safe = safe_filename(name, "a");
        let a = analyze(Some(&safe.name), declared, data);
        let mut warnings = safe.warnings;
        warnings.extend(a.warnings);
        opening(Some(&safe.name), declared, a.detected, data, &warnings)
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(open("photo.png", "image/png", png), Opening::Viewer);
    assert_eq!(
        open("photo.JPG", "image/jpeg", b"\xff\xd8\xff\xe0"),
        Opening::Viewer
    );
    assert_eq!(
        open("notes.txt", "text/plain", b"Milk, eggs.\n"),
        Opening::Viewer
    );
    assert_eq!(
        open("minutes.pdf", "application/pdf", b"%PDF-1.7\n"),
        Opening::Document
    );
    let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
    assert_eq!(
        open("report.docx", "application/octet-stream", docx),
        Opening::Document
    );
    assert_eq!(
        open("fwd.eml", "message/rfc822", b"From: a@b\r\n\r\nhi"),
        Opening::Quietpost
    );
    // A message named as text would go to a mail program by its content: read here.
    let msg = b"Received: from x\r\nFrom: a@b\r\n\r\n<img src=http://t.example/p>";
    assert_eq!(open("forwarded.txt", "text/plain", msg), Opening::Quietpost);
    let save_only = |name: &str, declared: &str, data: &[u8], why: SaveOnly| {
        assert_eq!(open(name, declared, data), Opening::SaveOnly(why), "{name}");
    };
    use SaveOnly::*;
    // The review's list: a web document detected as text, web archives, shortcuts,
    // macro documents, scriptlets, installers, profiles, playlists, torrents.
    save_only(
        "page.xht",
        "text/plain",
        b"<!-- hi --><html><img src=//x.example/a>",
        WebPage,
    );
    save_only(
        "saved.webarchive",
        "application/octet-stream",
        b"bplist00",
        WebPage,
    );
    save_only("page.html", "text/html", b"<html>", WebPage);
    save_only("drawing.svg", "image/svg+xml", b"<svg/>", WebPage);
    save_only(
        "notes.txt",
        "text/plain",
        b"<!-- a comment --> <img src=x>",
        Markup,
    );
    save_only("budget.xlsm", "application/zip", b"PK\x03\x04", Macros);
    save_only("letter.docm", "application/zip", b"PK\x03\x04", Macros);
    save_only(
        "old.doc",
        "application/msword",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        Macros,
    );
    save_only(
        "notebook.one",
        "application/octet-stream",
        b"\xe4\x52\x5c\x7b",
        Macros,
    );
    let vba = b"PK\x03\x04....[Content_Types].xml....word/vbaProject.bin";
    save_only("report.docx", "application/zip", vba, Macros);
    save_only(
        "remote.rdp",
        "application/x-rdp",
        b"full address:s:x.example",
        OtherType,
    );
    save_only("x.sct", "text/plain", b"scriptlet", RunsCode);
    save_only("x.wsc", "text/plain", b"component", RunsCode);
    save_only(
        "app.appinstaller",
        "application/octet-stream",
        b"<AppInstaller",
        RunsCode,
    );
    save_only(
        "profile.mobileconfig",
        "application/octet-stream",
        b"<?xml",
        RunsCode,
    );
    save_only("tool.pyw", "text/plain", b"import os", RunsCode);
    save_only(
        "list.m3u",
        "audio/x-mpegurl",
        b"http://x.example/a.mp3",
        OtherType,
    );
    save_only("list.pls", "audio/x-scpls", b"[playlist]", OtherType);
    save_only("list.xspf", "application/xspf+xml", b"<?xml", WebPage);
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let zip = b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml";
    assert_eq!(open("Jahresübersicht.xlsx", xlsx, zip), Opening::Document);
    save_only(
        "file.torrent",
        "application/x-bittorrent",
        b"d8:announce",
        OtherType,
    );
    save_only(
        "unknown",
        "application/octet-stream",
        b"\x00\x01",
        OtherType,
    );
    // Name and content must agree.
    save_only("photo.png", "image/png", b"%PDF-1.7", NameAndContentDiffer);
    save_only(
        "report.docx",
        "application/zip",
        b"PK\x03\x04 a zip",
        NameAndContentDiffer,
    );
    save_only(
        "setup.exe",
        "application/octet-stream",
        b"MZ\x90\0",
        RunsCode,
    );
}

#[test]
fn rlo_display_is_reversed() {
    assert_eq!(
        bidi_display("invoice\u{202E}fdp.exe").as_deref(),
        Some("invoiceexe.pdf")
    );
    assert_eq!(
        bidi_display("a\u{202E}cb\u{202C}d").as_deref(),
        Some("abcd")
    );
    assert_eq!(bidi_display("plain.pdf"), None);
}

#[test]
fn magic_and_mismatch() {
    let a = analyze(Some("photo.jpg"), "image/jpeg", b"MZ\x90\0\x03");
    assert!(a.warnings.contains(&Code::Executable) && a.warnings.contains(&Code::TypeMismatch));
    let a = analyze(Some("doc.pdf"), "application/pdf", b"%PDF-1.7\n");
    assert!(a.warnings.is_empty());
    let a = analyze(
        Some("report.docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04rest",
    );
    assert!(a.warnings.is_empty());
    let a = analyze(Some("setup.txt"), "text/plain", b"#!/bin/sh\nrm -rf ~\n");
    assert_eq!(a.warnings, [Code::Executable, Code::TypeMismatch]);
    let a = analyze(Some("install.sh"), "application/x-sh", b"#!/bin/sh\necho\n");
    assert_eq!(a.warnings, [Code::Executable]);
    let a = analyze(Some("run.js"), "application/javascript", b"var a = 1;\n");
    assert_eq!(a.warnings, [Code::Executable]);
    let a = analyze(None, "application/octet-stream", b"plain words\n");
    assert!(a.warnings.is_empty());
}
