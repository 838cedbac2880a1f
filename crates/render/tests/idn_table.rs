//! The IDN display algorithm against the published test table of the algorithm it follows
//! (Chromium's URL formatter, `tests/data/chromium-idn-cases.txt`): every row must pass.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use quietpost_render::{TopDomains, display_host};

const CASES: &str = include_str!("data/chromium-idn-cases.txt");
const TEST_TOP_DOMAINS: &str = include_str!("data/chromium-test-top-domains.txt");

#[test]
fn every_row_of_chromiums_idn_table_passes() {
    let top = TopDomains::new(TEST_TOP_DOMAINS.lines());
    let mut rows = 0;
    let mut failures = Vec::new();
    for line in CASES.lines().filter(|l| !l.starts_with('#')) {
        let (input, expected) = line.split_once('\t').expect("input<TAB>expected");
        let want = match expected {
            "safe" => idna::domain_to_unicode(input).0,
            "unsafe" | "invalid" => input.to_owned(),
            exact => exact.to_owned(),
        };
        let got = display_host(input, &top);
        if got != want {
            failures.push(format!(
                "{input} ({expected}): shown as {got:?}, want {want:?}"
            ));
        }
        rows += 1;
    }
    assert!(rows > 450, "{rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
