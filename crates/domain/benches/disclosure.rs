//! Timings of disclosure control (suppression and rounding) on square tables
//! where a quarter (or a twentieth) of the cells are small (1 or 2) and the
//! rest 3 to 99.
//!
//! `cargo bench -p hds-domain --bench disclosure` (release profile). A plain
//! main function without a harness: it prints a Markdown table, it does not
//! assert.

use std::time::{Duration, Instant};

use hds_domain::disclosure::{
    audit, protect, Cells, Dimension, Method, ProtectedTable, Reason, Request, Table,
};

/// A small deterministic generator (`SplitMix64`), so every run times the same
/// tables.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn dimension(name: &str, n: usize) -> Dimension {
    Dimension {
        name: name.to_owned(),
        categories: (0..n).map(|i| format!("{name}{i}")).collect(),
    }
}

/// An `n x n` table, one in `small` of its cells 1 or 2, the rest 3 to 99.
fn table(n: usize, small: u64, seed: u64) -> Table {
    let mut random = SplitMix(seed);
    let counts = (0..n)
        .map(|_| {
            (0..n)
                .map(|_| {
                    if random.next() % small == 0 {
                        1 + random.next() % 2
                    } else {
                        3 + random.next() % 97
                    }
                })
                .collect()
        })
        .collect();
    Table {
        rows: dimension("r", n),
        columns: Some(dimension("c", n)),
        counts: Cells::TwoWay(counts),
    }
}

/// Run `f` `runs` times; the median time and the last result.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        result = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    match result {
        Some(result) => (times[runs / 2], result),
        None => unreachable!("runs is at least 1"),
    }
}

fn count(out: &ProtectedTable, reason: Reason) -> usize {
    out.suppressed.iter().filter(|s| s.reason == reason).count()
}

fn main() {
    println!(
        "| table | small cells | primary | secondary | suppress, with intervals \
         | suppress, no intervals | round | LP audit |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let cases = [
        (10, 4, 21),
        (50, 4, 11),
        (200, 4, 3),
        (50, 20, 11),
        (200, 20, 3),
    ];
    for (n, small, runs) in cases {
        let suppress = Request::new(table(n, small, 42), Method::Suppress);
        let quick = Request {
            intervals: false,
            ..suppress.clone()
        };
        let round = Request::new(table(n, small, 42), Method::Round);
        let (suppress_time, out) = time(runs, || protect(&suppress));
        let (quick_time, _) = time(runs, || protect(&quick));
        let (round_time, _) = time(runs, || protect(&round));
        let Ok(out) = out else {
            println!("| {n} x {n} | invalid request |");
            continue;
        };
        let lp = if n <= 10 {
            let (lp_time, report) = time(3, || audit::audit(&out));
            let safe = report.is_ok_and(|r| r.violations.is_empty());
            format!("{lp_time:.2?} ({})", if safe { "safe" } else { "UNSAFE" })
        } else {
            "not run".to_owned()
        };
        println!(
            "| {n} x {n} | 1 in {small} | {} | {} | {suppress_time:.2?} | {quick_time:.2?} \
             | {round_time:.2?} | {lp} |",
            count(&out, Reason::Primary),
            count(&out, Reason::Secondary),
        );
    }
}
