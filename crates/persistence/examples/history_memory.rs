//! How much memory the statistics' kept case histories take
//! (docs/benchmarks.md, "Memory of the kept histories").
//!
//! Reads every case's history from the database at `DATABASE_URL` as the
//! server does (`histories::load_all`, with the server's allocator), then
//! computes the figures of the current year and the backlog today by all
//! four dimensions as a request would, and prints the process's resident
//! memory (VmRSS) and its peak (VmHWM, reset before each step) around each.
//! It also counts the bytes the histories hold by their types (inline, heap
//! as asked of the allocator, codes shared between cases counted once).
//!
//! ```text
//! DATABASE_URL=postgres://.../bench_reporting \
//!   cargo run --release -p hds-persistence --example history_memory
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::fs;
use std::mem::size_of;
use std::sync::Arc;
use std::time::Instant;

use diesel::{Connection, PgConnection};
use hds_domain::case::CaseRules;
use hds_domain::statistics::{
    backlog_report, report, AgeBuckets, AppealHistory, CaseHistory, DeadlineSet, Dimension, Period,
    SourceDecisionOn, SourceHistory, StateEntered,
};
use hds_persistence::statistics::histories;
use time::{Date, OffsetDateTime};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `VmRSS` and `VmHWM` of this process, in KiB.
fn memory() -> (u64, u64) {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Lets the peak start again from the current RSS (`clear_refs`, value 5).
fn reset_peak() {
    let _ = fs::write("/proc/self/clear_refs", "5");
}

fn mb(kib: u64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let kib = kib as f64;
    kib / 1024.0
}

/// What one step took and did to the memory.
struct Step {
    took_ms: u128,
    rss_before: u64,
    rss_after: u64,
    peak: u64,
}

impl Step {
    fn print(&self, name: &str, cases: usize) {
        let per_case = |kib: u64| kib * 1024 / u64::try_from(cases.max(1)).unwrap();
        println!(
            "{name:36} {:>6} ms  RSS {:>6.1} -> {:>6.1} MB (+{} B/case), peak {:>6.1} MB (+{} B/case)",
            self.took_ms,
            mb(self.rss_before),
            mb(self.rss_after),
            per_case(self.rss_after.saturating_sub(self.rss_before)),
            mb(self.peak),
            per_case(self.peak.saturating_sub(self.rss_before)),
        );
    }
}

fn step<T>(work: impl FnOnce() -> T) -> (T, Step) {
    reset_peak();
    let (rss_before, _) = memory();
    let started = Instant::now();
    let out = work();
    let took_ms = started.elapsed().as_millis();
    let (rss_after, peak) = memory();
    let step = Step {
        took_ms,
        rss_before,
        rss_after,
        peak,
    };
    (out, step)
}

/// The bytes a history holds by its types: inline, and on the heap as asked
/// of the allocator (capacity, not length); codes (strings) are counted once
/// per distinct allocation in `seen`.
fn held(h: &CaseHistory, seen: &mut HashSet<usize>) -> usize {
    fn vec<T>(v: &Vec<T>) -> usize {
        v.capacity() * size_of::<T>()
    }
    let mut text = |s: &str| {
        if seen.insert(s.as_ptr() as usize) {
            s.len()
        } else {
            0
        }
    };
    // each history is shared (`Arc`): a pointer in the list, two counts
    let mut n = size_of::<Arc<CaseHistory>>()
        + 2 * size_of::<usize>()
        + size_of::<CaseHistory>()
        + text(h.case_id.as_str());
    n += h.sources.capacity() * size_of::<SourceHistory>();
    for s in &h.sources {
        n += text(s.data_source.as_str()) + text(s.custodian.as_str());
        n += s.decisions.capacity() * size_of::<SourceDecisionOn>();
    }
    n + vec::<DeadlineSet>(&h.deadlines)
        + vec::<Date>(&h.postponed_on)
        + vec::<Date>(&h.rejected_no_reply_on)
        + vec::<AppealHistory>(&h.appeals)
        + vec::<StateEntered>(&h.states)
}

fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let mut conn = PgConnection::establish(&url).expect("connect");
    let (rss, _) = memory();
    println!("at start: RSS {:.1} MB", mb(rss));
    println!(
        "sizes: CaseHistory {} B, SourceHistory {} B, StateEntered {} B, Option<Date> {} B",
        size_of::<CaseHistory>(),
        size_of::<SourceHistory>(),
        size_of::<StateEntered>(),
        size_of::<Option<Date>>(),
    );
    let (cases, read) = step(|| histories::load_all(&mut conn).expect("load"));
    let n = cases.len();
    read.print("every history read (load_all)", n);
    let mut seen = HashSet::new();
    let bytes: usize = cases.iter().map(|h| held(h, &mut seen)).sum();
    println!(
        "{n} histories hold {:.1} MB by their types: {} B per case",
        mb(u64::try_from(bytes / 1024).unwrap()),
        bytes / n.max(1)
    );
    let rules = CaseRules::default();
    let today = hds_domain::calendar::oslo_date(OffsetDateTime::now_utc());
    let year = Period::year(today.year()).expect("a year");
    let (_, figures) = step(|| report(cases.as_slice(), year, &Dimension::ALL, &rules));
    figures.print("figures of the year, 4 dimensions", n);
    let (_, backlog) = step(|| {
        backlog_report(
            cases.as_slice(),
            today,
            &Dimension::ALL,
            &rules,
            &AgeBuckets::default(),
        )
    });
    backlog.print("backlog today, 4 dimensions", n);
    let (rss, _) = memory();
    println!("at the end: RSS {:.1} MB", mb(rss));
}
