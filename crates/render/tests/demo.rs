//! The demo mailbox (`assets/demo`) shows, on real examples, what Quietpost does: each trick
//! it contains is caught as the app will show it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use quietpost_model::{Code, SafeMessage};
use quietpost_render::{Options, render};

const TRUSTED: &str = "mx.demo.quietpost.example";

fn demo(name: &str) -> SafeMessage {
    let path = format!(
        "{}/../../assets/demo/{name}.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    render(
        &raw,
        &Options {
            trusted_authserv_ids: vec![TRUSTED.into()],
            ..Options::default()
        },
    )
}

fn has(m: &SafeMessage, code: Code) -> bool {
    m.warnings.iter().any(|w| w.code == code)
}

#[test]
fn every_demo_message_reads_cleanly() {
    let dir = format!("{}/../../assets/demo", env!("CARGO_MANIFEST_DIR"));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.len() >= 30,
        "the demo mailbox has {} messages",
        names.len()
    );
    for name in &names {
        let m = demo(name);
        assert!(!has(&m, Code::Unparsable), "{name}");
        assert!(!has(&m, Code::BrokenStructure), "{name}");
        assert!(!has(&m, Code::BadDate), "{name}");
        assert!(!m.body.as_str().trim().is_empty(), "{name} has no text");
        assert!(!m.from.is_empty(), "{name}");
    }
}

#[test]
fn the_demo_authentication_verdicts() {
    let bank = demo("authenticated-bank");
    let a = bank.authentication.as_ref().unwrap();
    assert!(a.verified);
    assert_eq!(
        a.verified_domain.as_ref().unwrap().as_str(),
        "yourbank.example"
    );
    // A valid signature by someone else than the sender: never verified.
    let parcel = demo("unaligned-signature");
    let a = parcel.authentication.as_ref().unwrap();
    assert_eq!(a.dkim.as_str(), "pass");
    assert!(!a.verified && a.verified_domain.is_none());
    // Claims written into the message are not results at all.
    assert!(demo("forged-authentication").authentication.is_none());
    // A very long name is flagged, and the address is whole.
    let long = demo("long-display-name");
    assert!(long.from[0].warnings.contains(&Code::LongDisplayName));
}

#[test]
fn the_demo_tricks_are_caught() {
    let phishing = demo("phishing-lookalike");
    assert!(phishing.from[0].warnings.contains(&Code::IdnHomograph));
    assert!(has(&phishing, Code::ReplyToDiffers));
    let link_codes: Vec<Code> = phishing
        .links
        .iter()
        .flat_map(|l| l.warnings.clone())
        .collect();
    for code in [Code::TextHostMismatch, Code::IpHost, Code::Userinfo] {
        assert!(link_codes.contains(&code), "{code:?} in {link_codes:?}");
    }

    let mailsploit = demo("mailsploit-sender");
    assert_eq!(
        mailsploit.from[0].address.as_ref().unwrap().as_str(),
        "attacker@mailsploit.example"
    );
    assert!(mailsploit.from[0].warnings.contains(&Code::ControlChars));
    assert!(
        demo("display-name-address").from[0]
            .warnings
            .contains(&Code::DisplayNameAddress)
    );

    let rlo = demo("attachment-rlo");
    let a = &rlo.attachments[0];
    assert!(a.warnings.contains(&Code::BidiInName), "{:?}", a.warnings);
    assert!(a.warnings.contains(&Code::Executable), "{:?}", a.warnings);
    assert!(a.safe_filename.as_str().ends_with(".exe"));
    assert!(
        demo("executable-zip").attachments[0]
            .warnings
            .contains(&Code::Executable)
    );

    let news = demo("newsletter-tracking");
    assert!(news.remote_content.len() >= 6, "{:?}", news.remote_content);
    assert!(has(&news, Code::HiddenText));
    assert!(has(&demo("hidden-text"), Code::HiddenText));

    let links = demo("links-dangerous");
    let dangerous = links
        .links
        .iter()
        .filter(|l| l.warnings.contains(&Code::DangerousScheme))
        .count();
    assert!(dangerous >= 3, "{:?}", links.links);

    assert!(demo("authenticated-bank").authentication.is_some());
    assert!(demo("forged-authentication").authentication.is_none());
    assert!(has(&demo("read-receipt"), Code::ReadReceiptRequested));
    assert!(has(&demo("sender-on-behalf"), Code::SenderDiffers));
    assert!(has(&demo("bidi-subject"), Code::BidiControl));
    assert_eq!(
        demo("latin1-letter").subject.as_str(),
        "Réunion de décembre"
    );
}
