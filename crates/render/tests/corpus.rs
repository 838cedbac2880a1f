//! The golden corpus: every `tests/corpus/<category>/NAME.eml` renders to exactly
//! `NAME.json`. On a mismatch the actual output is written to `NAME.actual.json` for review;
//! `QUIETPOST_BLESS=1 cargo test -p quietpost-render --test corpus` accepts all outputs.
//!
//! Beyond the exact match, every output is checked against rules that hold for any message:
//! no string carries a control, bidi or invisible character, one-line fields are one line.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use quietpost_render::{Options, render};
use serde_json::Value;
use std::path::{Path, PathBuf};

const TRUSTED_AUTHSERV_ID: &str = "mx.quietpost.test";

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).expect("corpus directory exists") {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "eml") {
                files.push(f);
            }
        }
    }
    files.sort();
    files
}

fn check_strings(v: &Value, path: &str, errors: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let multi_line = path == ".body";
            for c in s.chars() {
                let bad = (c.is_control() && !(multi_line && (c == '\n' || c == '\t')))
                    || quietpost_model::text::is_bidi_control(c)
                    || quietpost_model::text::is_invisible(c)
                    || matches!(c, '\u{2028}' | '\u{2029}');
                if bad {
                    errors.push(format!("{path}: unsafe character U+{:04X}", c as u32));
                    return;
                }
            }
        }
        Value::Array(a) => a
            .iter()
            .for_each(|x| check_strings(x, &format!("{path}[]"), errors)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| check_strings(x, &format!("{path}.{k}"), errors)),
        _ => {}
    }
}

#[test]
fn corpus_matches_golden_output() {
    let files = corpus_files();
    assert!(
        files.len() >= 80,
        "the corpus must hold at least 80 messages, found {}",
        files.len()
    );
    let bless = std::env::var_os("QUIETPOST_BLESS").is_some();
    let options = Options {
        trusted_authserv_ids: vec![TRUSTED_AUTHSERV_ID.into()],
        ..Options::default()
    };
    let mut failures = Vec::new();
    for eml in &files {
        let raw = std::fs::read(eml).unwrap();
        let message = render(&raw, &options);
        let value = serde_json::to_value(&message).unwrap();
        let mut errors = Vec::new();
        check_strings(&value, "", &mut errors);
        // A quote of it is as safe, and carries none of its remote references.
        let quoted = quietpost_render::quote(&raw, &options).message;
        check_strings(&serde_json::to_value(&quoted).unwrap(), "", &mut errors);
        for r in &message.remote_content {
            if quoted.body.as_str().contains(r.url.as_str()) && r.url.as_str().len() > 12 {
                errors.push(format!("the quote carries {}", r.url.as_str()));
            }
        }
        if !errors.is_empty() {
            failures.push(format!("{}: {}", eml.display(), errors.join("; ")));
        }
        let actual = serde_json::to_string_pretty(&value).unwrap() + "\n";
        let golden = eml.with_extension("json");
        let actual_path = eml.with_extension("actual.json");
        if bless {
            std::fs::write(&golden, &actual).unwrap();
            let _ = std::fs::remove_file(&actual_path);
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(expected) if expected == actual => {
                let _ = std::fs::remove_file(&actual_path);
            }
            Ok(_) => {
                std::fs::write(&actual_path, &actual).unwrap();
                failures.push(format!(
                    "{}: output differs from {} (see {})",
                    eml.display(),
                    golden.display(),
                    actual_path.display()
                ));
            }
            Err(_) => {
                std::fs::write(&actual_path, &actual).unwrap();
                failures.push(format!(
                    "{}: no golden output yet (see {})",
                    eml.display(),
                    actual_path.display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The list's summary, made from one reading of the header, says what `summary` and
/// `declares_attachments` say of every corpus message, read separately.
#[test]
fn list_summary_is_summary_and_declared_attachments() {
    let options = Options::default();
    for eml in corpus_files() {
        let raw = std::fs::read(&eml).unwrap();
        let (summary, attachments) = quietpost_render::list_summary(&raw, &options);
        assert_eq!(
            summary,
            quietpost_render::summary(&raw, &options),
            "{}",
            eml.display()
        );
        assert_eq!(
            attachments,
            quietpost_render::declares_attachments(&raw),
            "{}",
            eml.display()
        );
    }
}

/// Address fields seen before are analysed once per thread (a memo in `address.rs`): every
/// corpus message's summary is the same whether its fields are new to the thread or were all
/// seen already, in any order.
#[test]
fn list_summaries_are_the_same_with_every_address_field_seen_before() {
    let options = Options::default();
    let files = corpus_files();
    let fresh: Vec<_> = files
        .iter()
        .map(|eml| {
            let raw = std::fs::read(eml).unwrap();
            let options = options.clone();
            // A new thread: nothing seen before.
            std::thread::spawn(move || quietpost_render::list_summary(&raw, &options))
                .join()
                .unwrap()
        })
        .collect();
    for pass in 0..2 {
        for (eml, want) in files.iter().zip(&fresh).rev() {
            let raw = std::fs::read(eml).unwrap();
            let got = quietpost_render::list_summary(&raw, &options);
            assert_eq!(&got, want, "pass {pass}: {}", eml.display());
        }
    }
}
