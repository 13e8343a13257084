//! `hds run-jobs --at <instant>`: the job runner as operations run it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::RunQueryDsl;
use hds_blackbox::{hds, run, Scratch, TestDatabase};

/// Two cases made directly in SQL (the runner only reads the case tables):
/// one waiting since 2026-12-01 for an answer (deadline 2026-12-15), one
/// under review with its deadline 2026-12-14 passed.
const CASES: &str = "
INSERT INTO applications (id, owner_pid, status, content, submitted_at) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '15058550040', 'SUBMITTED', '{}', '2026-11-02T09:00Z'),
  ('00000000-0000-0000-0000-0000000000a2', '15058550040', 'SUBMITTED', '{}', '2026-11-02T09:00Z');
INSERT INTO application_snapshots (application_id, content, submitted_at, submitted_by) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '{\"content\": {\"dataKind\": {\"kind\": \"ANONYMOUS\"}, \"dataSources\": [{\"code\": \"MFR\"}]}}', '2026-11-02T09:00Z', 'person:150585*****'),
  ('00000000-0000-0000-0000-0000000000a2', '{\"content\": {\"dataKind\": {\"kind\": \"ANONYMOUS\"}, \"dataSources\": [{\"code\": \"NPR\"}]}}', '2026-11-02T09:00Z', 'person:150585*****');
INSERT INTO cases (id, application_id, case_number, status, received_at, received_on) VALUES
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'HDS-2026-000001', 'AWAITING_APPLICANT', '2026-11-02T09:00Z', '2026-11-02'),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000a2', 'HDS-2026-000002', 'UNDER_REVIEW', '2026-11-02T09:00Z', '2026-11-02');
INSERT INTO case_questions (id, case_id, text, asked_on, asked_at, asked_by, reply_deadline, clock_paused) VALUES
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000c1', 'Hvilke år?', '2026-12-01', '2026-12-01T09:00Z', 'person:150585*****', '2026-12-15', false);
UPDATE cases SET open_question_id = '00000000-0000-0000-0000-0000000000f1', last_change_on = '2026-12-01',
  next_job_on = '2026-12-16' WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE cases SET completed_on = '2026-11-02', linkage = 'SINGLE_SOURCE', statutory_deadline = '2026-12-14',
  due_on = '2026-12-14' WHERE id = '00000000-0000-0000-0000-0000000000c2';
";

const C1: &str = "00000000-0000-0000-0000-0000000000c1";
const C2: &str = "00000000-0000-0000-0000-0000000000c2";

#[test]
fn run_jobs_at_an_instant_exits_0_prints_a_report_and_a_second_run_does_nothing() {
    let db = TestDatabase::new();
    let scratch = Scratch::new();
    let run_jobs = || {
        let out = run(&mut hds(
            &db.url,
            &scratch,
            0,
            &["run-jobs", "--at", "2027-01-15T08:00:00Z"],
        ));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "stdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.starts_with("run-jobs at 2027-01-15T08:00:00Z (Oslo date 2027-01-15): "),
            "{stdout}"
        );
        stdout
    };

    // an empty database: nothing to do
    let stdout = run_jobs();
    assert!(
        stdout
            .contains("0 reminder(s), 0 rejection(s) for no reply, 0 overdue flag(s), 0 error(s)"),
        "{stdout}"
    );

    let mut conn = db.connect();
    diesel::sql_query("BEGIN").execute(&mut conn).unwrap();
    for statement in CASES.split(";\n").filter(|s| !s.trim().is_empty()) {
        diesel::sql_query(statement).execute(&mut conn).unwrap();
    }
    diesel::sql_query("COMMIT").execute(&mut conn).unwrap();

    let stdout = run_jobs();
    assert!(
        stdout
            .contains("1 reminder(s), 0 rejection(s) for no reply, 1 overdue flag(s), 0 error(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("reminder: HDS-2026-000001"), "{stdout}");
    assert!(stdout.contains("overdue: HDS-2026-000002"), "{stdout}");
    // every job writes its audit event with what it did
    let audited: Vec<String> = hds_persistence::audit::history(&mut conn, "case", C1)
        .unwrap()
        .into_iter()
        .chain(hds_persistence::audit::history(&mut conn, "case", C2).unwrap())
        .map(|e| format!("{} {} {}", e.entity_id, e.actor, e.action))
        .collect();
    assert_eq!(
        audited,
        [
            format!("{C1} system:job-runner CASE_SEND_REMINDER"),
            format!("{C2} system:job-runner CASE_OVERDUE_FLAGGED"),
        ]
    );

    // the same instant again: nothing more
    let stdout = run_jobs();
    assert!(
        stdout
            .contains("0 reminder(s), 0 rejection(s) for no reply, 0 overdue flag(s), 0 error(s)"),
        "{stdout}"
    );

    // long after the reminder's deadline: the rejection for no reply, audited
    // like the other jobs
    let out = run(&mut hds(
        &db.url,
        &scratch,
        0,
        &["run-jobs", "--at", "2027-06-01T08:00:00Z"],
    ));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("0 reminder(s), 1 rejection(s) for no reply"),
        "{stdout}"
    );
    let actions: Vec<String> = hds_persistence::audit::history(&mut conn, "case", C1)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.actor, e.action))
        .collect();
    assert_eq!(
        actions,
        [
            "system:job-runner CASE_SEND_REMINDER",
            "system:job-runner CASE_REJECT_FOR_NO_REPLY",
        ]
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
