//! `hds run-jobs --at <instant>`: the job runner as operations run it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hds_blackbox::{hds, run, Scratch, TestDatabase};

#[test]
fn run_jobs_at_an_instant_exits_0_and_prints_a_report() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let out = run(&mut hds(
        &db.url,
        &scratch,
        0,
        &["run-jobs", "--at", "2027-01-15T08:00:00Z"],
    ));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("run-jobs at 2027-01-15T08:00:00Z (Oslo date 2027-01-15)"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("0 reminder(s), 0 rejection(s) for no reply, 0 overdue flag(s), 0 error(s)"),
        "{stdout}"
    );

    // a malformed instant is refused, not guessed
    let out = run(&mut hds(
        &db.url,
        &scratch,
        0,
        &["run-jobs", "--at", "15.01.2027"],
    ));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}
