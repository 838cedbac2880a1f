//! Search latency over a synced cache: `QP_CACHE=PATH cargo bench -p quietpost-store --bench
//! search` (scripts/bench-sync sets it up). Prints the median and 95th percentile.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use quietpost_store::cache::Cache;
use std::time::Instant;

fn main() {
    let Ok(path) = std::env::var("QP_CACHE") else {
        eprintln!("set QP_CACHE to a synced cache file (scripts/bench-sync does)");
        return;
    };
    let cache = Cache::open_file(path.as_ref()).expect("the cache opens");
    let queries = [
        "budget",
        "quarterly report",
        "invoice",
        "sender42",
        "example3.org",
        "meeting notes",
        "deadline tomorrow",
        "security review",
        "contract",
        "lunch",
        "#4242",
        "proposal feedback",
    ];
    let mut times = Vec::new();
    let mut hits = 0;
    for round in 0..10 {
        for q in queries {
            let t = Instant::now();
            let rows = cache.search(q, None, 50).expect("search runs");
            let elapsed = t.elapsed().as_secs_f64() * 1000.0;
            if round > 0 {
                times.push(elapsed);
                hits += rows.len();
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    println!("search_median_ms {median:.2}");
    println!("search_p95_ms {p95:.2}");
    println!("search_hits {hits}");
}
