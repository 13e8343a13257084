//! 30 or 60 working days: by the linkage plan, or set by the case handler
//! with a reason; and the worked examples of `docs/case-handling.md`,
//! computed here so that the document cannot drift from the code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;

use time::macros::date;
use time::Date;

use super::tests::{decided_granted, rules, submitted, under_review};
use super::*;
use crate::calendar::DataLinkage;

#[test]
fn the_plan_gives_60_only_when_two_or_more_registers_are_linked() {
    use DataLinkage as L;
    for (anonymous, linked, expected) in [
        (false, 0, L::SingleSource),
        (false, 1, L::SingleSource),
        (false, 2, L::IdentifiableDataFromSeveralRegisters),
        (false, 3, L::IdentifiableDataFromSeveralRegisters),
        (true, 0, L::SingleSource),
        (true, 1, L::SingleSource),
        (true, 2, L::StatisticsFromSeveralSources),
    ] {
        assert_eq!(
            linkage_by_plan(anonymous, linked),
            expected,
            "{anonymous} {linked}"
        );
    }
}

#[test]
fn the_case_handler_sets_the_clock_with_a_reason() {
    let r = rules();
    let c = under_review(); // complete 4 March 2026, 30: 20 April
    assert_eq!(c.statutory_deadline, Some(date!(2026 - 04 - 20)));
    assert_eq!(
        c.set_linkage(
            &r,
            date!(2026 - 03 - 05),
            DataLinkage::IdentifiableDataFromSeveralRegisters,
            " "
        )
        .unwrap_err(),
        TransitionError::LinkageWithoutReason
    );
    assert_eq!(
        c.set_linkage(
            &r,
            date!(2026 - 03 - 05),
            DataLinkage::SingleSource,
            "uendret"
        )
        .unwrap_err(),
        TransitionError::LinkageUnchanged {
            linkage: DataLinkage::SingleSource
        }
    );
    let t = c
        .set_linkage(
            &r,
            date!(2026 - 03 - 05),
            DataLinkage::IdentifiableDataFromSeveralRegisters,
            "MFR kobles med NPR hos FHI, selv om planen ikke sier det.",
        )
        .unwrap();
    let sixty = r.calendar.add_working_days(date!(2026 - 03 - 04), 60);
    assert_eq!(
        t.events,
        vec![CaseEvent::LinkageSet {
            on: date!(2026 - 03 - 05),
            linkage: DataLinkage::IdentifiableDataFromSeveralRegisters,
            previous: DataLinkage::SingleSource,
            statutory_deadline: sixty,
            reason: "MFR kobles med NPR hos FHI, selv om planen ikke sier det.".into(),
        }]
    );
    assert_eq!(t.case.state, CaseState::UnderReview);
    assert_eq!(t.case.due_date(), Some(sixty));
    // And back to 30.
    let back = t
        .case
        .set_linkage(&r, date!(2026 - 03 - 06), DataLinkage::SingleSource, "Feil")
        .unwrap()
        .case;
    assert_eq!(back.statutory_deadline, Some(date!(2026 - 04 - 20)));
}

#[test]
fn setting_the_clock_keeps_the_working_days_paused() {
    let r = rules();
    // Paused two working days (Monday 9 to Wednesday 11 March): 22 April.
    let paused = under_review()
        .ask_question(&r, date!(2026 - 03 - 09))
        .unwrap()
        .case
        .answer_question(&r, date!(2026 - 03 - 11))
        .unwrap()
        .case;
    assert_eq!(paused.statutory_deadline, Some(date!(2026 - 04 - 22)));
    let sixty = paused
        .set_linkage(
            &r,
            date!(2026 - 03 - 12),
            DataLinkage::IdentifiableDataFromSeveralRegisters,
            "Sammenstilling",
        )
        .unwrap()
        .case;
    assert_eq!(
        sixty.statutory_deadline,
        Some(r.calendar.add_working_days(date!(2026 - 03 - 04), 62))
    );
    // While a question waits after completeness, too (the clock is paused).
    let waiting = under_review()
        .ask_question(&r, date!(2026 - 03 - 09))
        .unwrap()
        .case;
    let t = waiting
        .set_linkage(
            &r,
            date!(2026 - 03 - 10),
            DataLinkage::StatisticsFromSeveralSources,
            "Statistikk fra koblede kilder",
        )
        .unwrap();
    assert_eq!(t.case.state, CaseState::AwaitingApplicant);
    assert_eq!(
        t.case.statutory_deadline,
        Some(r.calendar.add_working_days(date!(2026 - 03 - 04), 60))
    );
}

#[test]
fn the_clock_is_set_only_while_it_runs() {
    let r = rules();
    let not_started = submitted()
        .ask_question(&r, date!(2026 - 03 - 03))
        .unwrap()
        .case;
    assert_eq!(
        not_started
            .set_linkage(
                &r,
                date!(2026 - 03 - 04),
                DataLinkage::StatisticsFromSeveralSources,
                "x"
            )
            .unwrap_err(),
        TransitionError::ClockNotStarted
    );
    assert!(matches!(
        submitted().set_linkage(
            &r,
            date!(2026 - 03 - 04),
            DataLinkage::StatisticsFromSeveralSources,
            "x"
        ),
        Err(TransitionError::NotAllowed { .. })
    ));
    // Decided and awaiting delivery: allowed; once delivered: nothing runs.
    let decided = decided_granted();
    assert!(decided
        .set_linkage(
            &r,
            date!(2026 - 03 - 23),
            DataLinkage::IdentifiableDataFromSeveralRegisters,
            "Sammenstilling oppdaget under tilretteleggingen"
        )
        .is_ok());
    let delivered = super::tests::delivered(&decided);
    assert_eq!(
        delivered
            .set_linkage(
                &r,
                day_after_last(&delivered),
                DataLinkage::IdentifiableDataFromSeveralRegisters,
                "for sent"
            )
            .unwrap_err(),
        TransitionError::NothingAwaitingDelivery
    );
}

fn day_after_last(c: &Case) -> Date {
    c.last_change_on.next_day().unwrap()
}

// ------------------------------------------------------------------ examples

/// "Thursday 15 April 2027".
fn long(d: Date) -> String {
    format!("{} {} {} {}", d.weekday(), d.day(), d.month(), d.year())
}

fn row(out: &mut String, what: &str, on: Date, due: Option<Date>) {
    let due = due.map_or_else(|| "none (clock stopped)".to_owned(), long);
    let _ = writeln!(out, "| {what} | {} | {due} |", long(on));
}

const HEAD: &str = "| step | date | case due date after it |\n|---|---|---|\n";

/// Example 1: one source, 30 working days across Easter 2027; decided on
/// day 20, delivered on day 35.
fn example_easter(out: &mut String) {
    let r = rules();
    let cal = &r.calendar;
    let completed = date!(2027 - 03 - 01);
    let day = |n: u32| cal.add_working_days(completed, n);
    assert_eq!(day(30), date!(2027 - 04 - 15));
    assert_eq!(day(20), date!(2027 - 04 - 01));
    assert_eq!(day(35), date!(2027 - 04 - 22));
    let c = Case::submit(completed)
        .case
        .mark_complete(&r, completed, DataLinkage::SingleSource)
        .unwrap()
        .case;
    out.push_str(
        "**1. One source, across Easter 2027.** Maundy Thursday 25, Good Friday 26 and \
         Easter Monday 29 March are not working days.\n\n",
    );
    out.push_str(HEAD);
    row(
        out,
        "complete (day 0), 30 working days",
        completed,
        c.due_date(),
    );
    let c = c
        .decide(
            &r,
            day(20),
            vec![SourceDecision::new("MFR", DecisionOutcome::Granted)],
        )
        .unwrap()
        .case;
    row(out, "decided on day 20: MFR granted", day(20), c.due_date());
    assert!(c.is_overdue(day(31)));
    row(
        out,
        "first day overdue (awaiting delivery)",
        day(31),
        c.due_date(),
    );
    let t = c
        .record_delivery(
            &r,
            day(35),
            NewDelivery {
                data_source: "MFR".into(),
                custodian: "FHI".into(),
                delivered_on: day(35),
                method: DeliveryMethod::SecureFileTransfer,
            },
        )
        .unwrap();
    let late = t.case.timeliness(&r).unwrap().working_days_late;
    assert_eq!(late, 5);
    row(out, "MFR delivered on day 35", day(35), t.case.due_date());
    let _ = writeln!(
        out,
        "\nThe data were made available {late} working days late (`DATA_MADE_AVAILABLE` \
         with `workingDaysLate` {late}). Had the application linked MFR with another \
         register, the deadline would have been day 60, {}, and the same delivery in time.",
        long(day(60))
    );
    assert_eq!(
        cal.statutory_deadline(completed, DataLinkage::IdentifiableDataFromSeveralRegisters),
        day(60)
    );
}

/// Example 2: two sources across Christmas 2026; one custodian postpones
/// its part with a preliminary reply, the other agrees a date.
fn example_christmas(out: &mut String) {
    let r = rules();
    let completed = date!(2026 - 11 - 16);
    let c = Case::submit(completed)
        .case
        .mark_complete(&r, completed, DataLinkage::SingleSource)
        .unwrap()
        .case;
    assert_eq!(c.statutory_deadline, Some(date!(2026 - 12 - 29)));
    out.push_str(
        "**2. Two sources delivered separately (30), across Christmas 2026.** 25 and 26 \
         December are holidays (26 December is a Saturday); 24 and 31 December are \
         ordinary working days by law unless added as closure days.\n\n",
    );
    out.push_str(HEAD);
    row(
        out,
        "complete (day 0), 30 working days",
        completed,
        c.due_date(),
    );
    let step = |t: Result<Transitioned>| t.unwrap().case;
    let c = step(c.decide(
        &r,
        date!(2026 - 12 - 10),
        vec![
            SourceDecision::new("MFR", DecisionOutcome::Granted),
            SourceDecision::new("NPR", DecisionOutcome::Granted),
        ],
    ));
    row(
        out,
        "decided: MFR (FHI) and NPR (Helsedirektoratet) granted",
        date!(2026 - 12 - 10),
        c.due_date(),
    );
    let c = step(c.agree_delivery_date(date!(2026 - 12 - 11), "MFR", "FHI", date!(2026 - 12 - 21)));
    row(
        out,
        "FHI agrees delivery of MFR by Monday 21 December (avtalt frist)",
        date!(2026 - 12 - 11),
        c.due_date(),
    );
    let c = step(c.postpone_delivery(
        date!(2026 - 12 - 14),
        "NPR",
        "HDIR",
        date!(2027 - 01 - 29),
        "Restanser i NPR",
    ));
    assert_eq!(c.part_due_date("NPR"), Some(date!(2027 - 01 - 29)));
    row(
        out,
        "Helsedirektoratet postpones NPR to 29 January with a preliminary reply",
        date!(2026 - 12 - 14),
        c.due_date(),
    );
    let c = step(c.record_delivery(
        &r,
        date!(2026 - 12 - 18),
        NewDelivery {
            data_source: "MFR".into(),
            custodian: "FHI".into(),
            delivered_on: date!(2026 - 12 - 18),
            method: DeliveryMethod::Email,
        },
    ));
    row(out, "MFR delivered", date!(2026 - 12 - 18), c.due_date());
    let t = c
        .record_delivery(
            &r,
            date!(2027 - 01 - 27),
            NewDelivery {
                data_source: "NPR".into(),
                custodian: "HDIR".into(),
                delivered_on: date!(2027 - 01 - 27),
                method: DeliveryMethod::SecureFileTransfer,
            },
        )
        .unwrap();
    assert_eq!(t.case.timeliness(&r).unwrap().working_days_late, 0);
    row(
        out,
        "NPR delivered: data made available, in time",
        date!(2027 - 01 - 27),
        t.case.due_date(),
    );
    let without = r
        .calendar
        .working_days_between(date!(2026 - 12 - 29), date!(2027 - 01 - 27));
    let _ = writeln!(
        out,
        "\nWhile MFR was open the case stayed due on the statutory deadline: a \
         custodian's postponement moves its own part, and the case's due date is the \
         earliest due date of the sources still open. Without the postponement, NPR \
         would have been {without} working days late."
    );
}

/// Example 3: a question pauses the clock in May 2026, then the case handler
/// sets 60 working days with a reason.
fn example_may(out: &mut String) {
    let r = rules();
    let completed = date!(2026 - 05 - 04);
    let step = |t: Result<Transitioned>| t.unwrap().case;
    let c = step(Case::submit(completed).case.mark_complete(
        &r,
        completed,
        DataLinkage::SingleSource,
    ));
    out.push_str(
        "**3. A pause, then 60 set by the case handler, in May 2026.** 14 May (Ascension \
         Day) and 25 May (Whit Monday) are holidays; 17 May is a Sunday.\n\n",
    );
    out.push_str(HEAD);
    row(
        out,
        "complete (day 0), 30 working days",
        completed,
        c.due_date(),
    );
    let c = step(c.ask_question(&r, date!(2026 - 05 - 08)));
    row(
        out,
        "question to the applicant: the clock pauses",
        date!(2026 - 05 - 08),
        c.due_date(),
    );
    let t = c.answer_question(&r, date!(2026 - 05 - 20)).unwrap();
    let paused = match t.events[1] {
        CaseEvent::ClockResumed {
            paused_working_days,
            ..
        } => paused_working_days,
        ref other => panic!("{other:?}"),
    };
    assert_eq!(paused, 7);
    let c = t.case;
    row(
        out,
        &format!("answered: {paused} working days paused"),
        date!(2026 - 05 - 20),
        c.due_date(),
    );
    let c = step(c.set_linkage(
        &r,
        date!(2026 - 05 - 21),
        DataLinkage::IdentifiableDataFromSeveralRegisters,
        "NPR-dataene kobles med MFR hos FHI.",
    ));
    assert_eq!(
        c.statutory_deadline,
        Some(r.calendar.add_working_days(completed, 60 + paused))
    );
    row(
        out,
        "the case handler sets 60 (`LINKAGE_SET`, with the reason)",
        date!(2026 - 05 - 21),
        c.due_date(),
    );
    out.push_str(
        "\nSetting the clock counts 60 working days from the completion date and adds \
         the working days already paused.\n",
    );
}

/// The examples section of `docs/case-handling.md`.
fn clock_examples() -> String {
    let mut out = String::new();
    example_easter(&mut out);
    out.push('\n');
    example_christmas(&mut out);
    out.push('\n');
    example_may(&mut out);
    out
}

const START: &str = "<!-- clock-examples: generated by crates/domain/src/case/tests_clock.rs; \
     do not edit, run `UPDATE_DOCS=1 cargo test -p hds-domain clock_examples` -->\n";
const END: &str = "<!-- /clock-examples -->";

/// The worked examples in `docs/case-handling.md` are the code's own results.
#[test]
fn clock_examples_in_the_doc_are_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/case-handling.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let expected = format!("{START}\n{}{END}", clock_examples());
    let (Some(start), Some(end)) = (doc.find(START), doc.find(END)) else {
        panic!("docs/case-handling.md has no clock-examples block");
    };
    let actual = &doc[start..end + END.len()];
    if std::env::var("UPDATE_DOCS").is_ok_and(|v| !v.is_empty() && v != "0") {
        let updated = format!("{}{expected}{}", &doc[..start], &doc[end + END.len()..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert!(
        actual == expected,
        "the clock examples in docs/case-handling.md differ from the code; rerun with \
         `UPDATE_DOCS=1 cargo test -p hds-domain clock_examples`"
    );
}
