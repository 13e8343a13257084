#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use time::macros::date;
use time::{Date, Duration};

use super::*;
use crate::calendar::DataLinkage;

pub(super) fn rules() -> CaseRules {
    CaseRules::default()
}

pub(super) fn day_after(d: Date) -> Date {
    d.next_day().unwrap()
}

pub(super) fn refused(source: &str) -> SourceDecision {
    SourceDecision::new(source, DecisionOutcome::Refused)
}

pub(super) fn granted(source: &str) -> SourceDecision {
    SourceDecision::new(source, DecisionOutcome::Granted)
}

// ---- fixtures: cases in every state, built through the real commands ----

pub(super) fn submitted() -> Case {
    Case::submit(date!(2026 - 03 - 02)).case
}

fn awaiting_incomplete() -> Case {
    submitted()
        .ask_question(&rules(), date!(2026 - 03 - 03))
        .unwrap()
        .case
}

pub(super) fn under_review() -> Case {
    submitted()
        .mark_complete(&rules(), date!(2026 - 03 - 04), DataLinkage::SingleSource)
        .unwrap()
        .case
}

fn awaiting_complete() -> Case {
    under_review()
        .ask_question(&rules(), date!(2026 - 03 - 09))
        .unwrap()
        .case
}

fn reminded(case: &Case) -> Case {
    let q = case.question.unwrap();
    case.send_reminder(&rules(), day_after(q.reply_deadline))
        .unwrap()
        .case
}

fn rejected(case: &Case) -> Case {
    let r = case.question.unwrap().reminder.unwrap();
    case.reject_for_no_reply(&rules(), day_after(r.reply_deadline))
        .unwrap()
        .case
}

fn postponed() -> Case {
    let c = under_review();
    let due = c.due_date().unwrap();
    c.postpone(
        date!(2026 - 03 - 10),
        due + Duration::days(30),
        "Stor pågang i NPR",
    )
    .unwrap()
    .case
}

pub(super) fn decided_refused() -> Case {
    under_review()
        .decide(
            &rules(),
            date!(2026 - 03 - 20),
            vec![refused("NPR"), granted("MFR")],
        )
        .unwrap()
        .case
}

pub(super) fn decided_granted() -> Case {
    under_review()
        .decide(&rules(), date!(2026 - 03 - 20), vec![granted("NPR")])
        .unwrap()
        .case
}

/// `case` with every granted source delivered on the day after its last change.
pub(super) fn delivered(case: &Case) -> Case {
    let mut c = case.clone();
    for source in case.undelivered_sources() {
        let on = day_after(c.last_change_on);
        c = c
            .record_delivery(
                &rules(),
                on,
                NewDelivery {
                    data_source: source.to_owned(),
                    custodian: "FHI".into(),
                    delivered_on: on,
                    method: DeliveryMethod::SecureFileTransfer,
                },
            )
            .unwrap()
            .case;
    }
    c
}

pub(super) fn appealed(case: &Case) -> Case {
    case.appeal(case.last_change_on).unwrap().case
}

pub(super) fn forwarded() -> Case {
    let c = appealed(&decided_refused());
    c.reconsider_appeal(
        &rules(),
        day_after(c.last_change_on),
        Reconsideration::Upheld,
    )
    .unwrap()
    .case
}

fn all_fixtures() -> Vec<(&'static str, Case)> {
    let rejected_complete = rejected(&reminded(&awaiting_complete()));
    let rejected_incomplete = rejected(&reminded(&awaiting_incomplete()));
    let closed = {
        let f = delivered(&forwarded());
        f.close(day_after(f.last_change_on)).unwrap().case
    };
    vec![
        ("submitted", submitted()),
        ("awaiting, not complete", awaiting_incomplete()),
        ("awaiting, complete", awaiting_complete()),
        ("awaiting, reminded", reminded(&awaiting_complete())),
        (
            "awaiting, not complete, reminded",
            reminded(&awaiting_incomplete()),
        ),
        ("under review", under_review()),
        ("under review, postponed", postponed()),
        ("decided, refused", decided_refused()),
        ("decided, granted", decided_granted()),
        ("decided, delivered", delivered(&decided_granted())),
        ("rejected, complete", rejected_complete.clone()),
        ("rejected, not complete", rejected_incomplete.clone()),
        (
            "withdrawn",
            submitted().withdraw(date!(2026 - 03 - 03)).unwrap().case,
        ),
        ("appealed decision", appealed(&decided_refused())),
        ("appealed rejection, complete", appealed(&rejected_complete)),
        (
            "appealed rejection, not complete",
            appealed(&rejected_incomplete),
        ),
        ("forwarded", forwarded()),
        ("forwarded, delivered", delivered(&forwarded())),
        ("closed", closed),
    ]
}

/// Each command with arguments that are valid for the case where that is
/// possible, so that only the state can refuse it. Several attempts where
/// the command has several results.
fn attempts(case: &Case, command: Command) -> Vec<Result<Transitioned>> {
    let r = rules();
    let next = day_after(case.last_change_on);
    let after = |d: Option<Date>| d.map_or(next, |d| day_after(d).max(next));
    match command {
        Command::MarkComplete => vec![case.mark_complete(&r, next, DataLinkage::SingleSource)],
        Command::AskQuestion => vec![case.ask_question(&r, next)],
        Command::AnswerQuestion => vec![case.answer_question(&r, next)],
        Command::SendReminder => {
            vec![case.send_reminder(&r, after(case.question.map(|q| q.reply_deadline)))]
        }
        Command::RejectForNoReply => {
            let d = case
                .question
                .and_then(|q| q.reminder)
                .map(|r| r.reply_deadline);
            vec![case.reject_for_no_reply(&r, after(d))]
        }
        Command::Postpone => {
            let expected = case.due_date().unwrap_or(next) + Duration::days(30);
            vec![case.postpone(next, expected, "Stor pågang")]
        }
        Command::Decide => vec![case.decide(&r, next, vec![refused("NPR")])],
        Command::Withdraw => vec![case.withdraw(next)],
        Command::Appeal => vec![case.appeal(case.last_change_on)],
        Command::ReconsiderAppeal => vec![
            case.reconsider_appeal(
                &r,
                next,
                Reconsideration::Reversed {
                    new_decision: vec![granted("NPR")],
                },
            ),
            case.reconsider_appeal(&r, next, Reconsideration::RejectionLifted),
            case.reconsider_appeal(&r, next, Reconsideration::Upheld),
        ],
        Command::SetLinkage => {
            let other = match case.linkage {
                Some(DataLinkage::SingleSource) | None => {
                    DataLinkage::IdentifiableDataFromSeveralRegisters
                }
                Some(_) => DataLinkage::SingleSource,
            };
            vec![case.set_linkage(&r, next, other, "Dataene skal sammenstilles hos FHI.")]
        }
        Command::AgreeDeliveryDate => {
            let source = open_source(case);
            vec![case.agree_delivery_date(next, &source, "FHI", next)]
        }
        Command::PostponeDelivery => {
            let source = open_source(case);
            let expected = case.part_due_date(&source).unwrap_or(next) + Duration::days(30);
            vec![case.postpone_delivery(next, &source, "FHI", expected, "Stor pågang")]
        }
        Command::RecordDelivery => {
            let delivery = NewDelivery {
                data_source: open_source(case),
                custodian: "FHI".into(),
                delivered_on: next,
                method: DeliveryMethod::Email,
            };
            vec![case.record_delivery(&r, next, delivery)]
        }
        Command::ReportCannotDeliver => {
            let source = open_source(case);
            vec![case.report_cannot_deliver(&r, next, &source, "FHI", "Variabelen finnes ikke")]
        }
        Command::Close => {
            let deadline = case
                .decision
                .as_ref()
                .and_then(|d| d.appeal_deadline)
                .or(case.rejection.map(|r| r.appeal_deadline));
            vec![case.close(after(deadline))]
        }
    }
}

/// A granted source still open, or "MFR".
fn open_source(case: &Case) -> String {
    case.undelivered_sources()
        .first()
        .map_or_else(|| "MFR".to_owned(), |s| (*s).to_owned())
}

#[test]
fn fixtures_cover_every_state() {
    let states: BTreeSet<CaseState> = all_fixtures().into_iter().map(|(_, c)| c.state).collect();
    assert_eq!(states, CaseState::ALL.into_iter().collect());
}

/// Every state × command: the functions agree with [`TRANSITIONS`]. Refused
/// pairs fail with `NotAllowed` (whatever the data), allowed pairs succeed for
/// some case in that state and only ever reach a target listed in the table,
/// and every row of the table is reached.
#[test]
fn functions_agree_with_the_transition_table() {
    let mut rows_reached = BTreeSet::new();
    let mut pairs_succeeded = BTreeSet::new();
    for (name, case) in all_fixtures() {
        for command in Command::ALL {
            let allowed = is_allowed(case.state, command);
            for result in attempts(&case, command) {
                match result {
                    Err(TransitionError::NotAllowed { state, command: c }) => {
                        assert!(
                            !allowed,
                            "{name}: {command} refused by state but the table allows it"
                        );
                        assert_eq!((state, c), (case.state, command));
                    }
                    Err(other) => {
                        assert!(
                            allowed,
                            "{name}: {command} should be NotAllowed, got {other:?}"
                        );
                    }
                    Ok(t) => {
                        assert!(
                            allowed,
                            "{name}: {command} succeeded but the table refuses it"
                        );
                        let row = TRANSITIONS
                            .iter()
                            .position(|r| {
                                r.from == case.state && r.command == command && r.to == t.case.state
                            })
                            .unwrap_or_else(|| {
                                panic!(
                                    "{name}: {command} led to {} which the table does not list",
                                    t.case.state
                                )
                            });
                        rows_reached.insert(row);
                        pairs_succeeded.insert((case.state, command));
                        assert!(!t.events.is_empty(), "{name}: {command} produced no event");
                        assert!(t.events.iter().all(|e| e.on() == t.case.last_change_on));
                    }
                }
            }
        }
    }
    for (i, row) in TRANSITIONS.iter().enumerate() {
        assert!(rows_reached.contains(&i), "row never reached: {row:?}");
        assert!(pairs_succeeded.contains(&(row.from, row.command)));
    }
}

#[test]
fn refusal_messages_name_the_reason() {
    let err = decided_refused()
        .withdraw(date!(2026 - 03 - 21))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a decided case cannot be withdrawn (allowed now: POSTPONE, APPEAL, CLOSE, SET_LINKAGE, \
         AGREE_DELIVERY_DATE, POSTPONE_DELIVERY, RECORD_DELIVERY, REPORT_CANNOT_DELIVER)"
    );
    let closed = all_fixtures().pop().unwrap().1;
    assert_eq!(
        closed
            .appeal(closed.last_change_on)
            .unwrap_err()
            .to_string(),
        "a closed case cannot be appealed (nothing more can happen to it)"
    );
    assert_eq!(
        submitted()
            .decide(&rules(), date!(2026 - 03 - 03), vec![granted("NPR")])
            .unwrap_err(),
        TransitionError::NotAllowed {
            state: CaseState::Submitted,
            command: Command::Decide
        }
    );
}

#[test]
fn thirty_or_sixty_working_days() {
    let on = date!(2026 - 03 - 02);
    let single = Case::submit(on)
        .case
        .mark_complete(&rules(), on, DataLinkage::SingleSource)
        .unwrap();
    assert_eq!(single.case.statutory_deadline, Some(date!(2026 - 04 - 16)));
    assert_eq!(single.case.completed_on, Some(on));
    assert_eq!(
        single.events,
        vec![CaseEvent::MarkedComplete {
            on,
            linkage: DataLinkage::SingleSource,
            statutory_deadline: date!(2026 - 04 - 16)
        }]
    );
    for linkage in [
        DataLinkage::IdentifiableDataFromSeveralRegisters,
        DataLinkage::StatisticsFromSeveralSources,
    ] {
        let t = Case::submit(on)
            .case
            .mark_complete(&rules(), on, linkage)
            .unwrap();
        assert_eq!(t.case.statutory_deadline, Some(date!(2026 - 06 - 02)));
        assert_eq!(
            rules()
                .calendar
                .working_days_between(on, date!(2026 - 06 - 02)),
            60
        );
    }
}

#[test]
fn question_deadlines_across_easter() {
    // Asked Friday 27 March 2026, before Easter (2, 3 and 6 April are holidays).
    let r = rules();
    let asked = under_review()
        .ask_question(&r, date!(2026 - 03 - 27))
        .unwrap();
    assert_eq!(
        asked.events,
        vec![CaseEvent::QuestionAsked {
            on: date!(2026 - 03 - 27),
            reply_deadline: date!(2026 - 04 - 15),
            clock_paused: true
        }]
    );
    let c = asked.case;
    assert_eq!(c.due_job(date!(2026 - 04 - 15)), None);
    assert_eq!(
        c.due_job(date!(2026 - 04 - 16)),
        Some(Command::SendReminder)
    );
    assert_eq!(
        c.send_reminder(&r, date!(2026 - 04 - 15)).unwrap_err(),
        TransitionError::ReplyDeadlineNotPassed {
            reply_deadline: date!(2026 - 04 - 15)
        }
    );
    assert_eq!(
        c.reject_for_no_reply(&r, date!(2026 - 05 - 01))
            .unwrap_err(),
        TransitionError::NoReminderSent
    );
    // The reminder is sent late (a Saturday job run), but the new deadline is
    // still 5 working days after the first deadline.
    let reminded = c.send_reminder(&r, date!(2026 - 04 - 18)).unwrap();
    assert_eq!(
        reminded.events,
        vec![CaseEvent::ReminderSent {
            on: date!(2026 - 04 - 18),
            reply_deadline: date!(2026 - 04 - 22)
        }]
    );
    let c = reminded.case;
    assert!(matches!(
        c.send_reminder(&r, date!(2026 - 04 - 19)),
        Err(TransitionError::ReminderAlreadySent { .. })
    ));
    assert_eq!(c.due_job(date!(2026 - 04 - 22)), None);
    assert_eq!(
        c.due_job(date!(2026 - 04 - 23)),
        Some(Command::RejectForNoReply)
    );
    assert_eq!(
        c.reject_for_no_reply(&r, date!(2026 - 04 - 22))
            .unwrap_err(),
        TransitionError::ReminderDeadlineNotPassed {
            reply_deadline: date!(2026 - 04 - 22)
        }
    );
    let rejected = c.reject_for_no_reply(&r, date!(2026 - 04 - 23)).unwrap();
    assert_eq!(rejected.case.state, CaseState::RejectedNoReply);
    assert_eq!(
        rejected.events,
        vec![CaseEvent::RejectedNoReply {
            on: date!(2026 - 04 - 23),
            // 23 April + 21 = 14 May, Ascension Day -> Friday 15 May.
            appeal_deadline: date!(2026 - 05 - 15)
        }]
    );
}

#[test]
fn question_before_completeness_does_not_touch_the_clock() {
    let r = rules();
    let c = submitted().ask_question(&r, date!(2026 - 03 - 03)).unwrap();
    assert_eq!(
        c.events,
        vec![CaseEvent::QuestionAsked {
            on: date!(2026 - 03 - 03),
            reply_deadline: date!(2026 - 03 - 17),
            clock_paused: false
        }]
    );
    assert_eq!(c.case.due_date(), None);
    let answered = c.case.answer_question(&r, date!(2026 - 03 - 10)).unwrap();
    assert_eq!(answered.case.state, CaseState::Submitted);
    assert_eq!(
        answered.events,
        vec![CaseEvent::QuestionAnswered {
            on: date!(2026 - 03 - 10)
        }]
    );
    assert_eq!(answered.case.question, None);
}

#[test]
fn pause_moves_the_deadline() {
    let r = rules();
    let c = under_review(); // complete 4 March 2026 -> deadline 20 April
    let deadline = c.statutory_deadline.unwrap();
    assert_eq!(deadline, date!(2026 - 04 - 20));
    // Asked Monday 9 March, answered Wednesday 11 March: 2 working days.
    let asked = c.ask_question(&r, date!(2026 - 03 - 09)).unwrap().case;
    assert_eq!(asked.due_date(), Some(deadline));
    let answered = asked.answer_question(&r, date!(2026 - 03 - 11)).unwrap();
    assert_eq!(answered.case.state, CaseState::UnderReview);
    assert_eq!(
        answered.case.statutory_deadline,
        Some(date!(2026 - 04 - 22))
    );
    assert_eq!(
        answered.events,
        vec![
            CaseEvent::QuestionAnswered {
                on: date!(2026 - 03 - 11)
            },
            CaseEvent::ClockResumed {
                on: date!(2026 - 03 - 11),
                paused_working_days: 2,
                statutory_deadline: date!(2026 - 04 - 22),
                expected_on: None
            }
        ]
    );
    // With the pause setting off, nothing moves.
    let no_pause = CaseRules {
        pause_clock_while_awaiting_applicant: false,
        ..rules()
    };
    let t = c
        .ask_question(&no_pause, date!(2026 - 03 - 09))
        .unwrap()
        .case
        .answer_question(&no_pause, date!(2026 - 03 - 11))
        .unwrap();
    assert_eq!(t.case.statutory_deadline, Some(deadline));
    assert_eq!(t.events.len(), 1);
}

#[test]
fn pause_across_easter_also_moves_a_postponed_date() {
    let r = rules();
    let c = postponed(); // expected 20 May 2026
    let expected = c.postponement.as_ref().unwrap().expected_on;
    assert_eq!(expected, date!(2026 - 05 - 20));
    let t = c
        .ask_question(&r, date!(2026 - 03 - 27))
        .unwrap()
        .case
        .answer_question(&r, date!(2026 - 04 - 07))
        .unwrap();
    // 30 and 31 March, 1 and 7 April: 4 working days.
    assert_eq!(t.case.statutory_deadline, Some(date!(2026 - 04 - 24)));
    assert_eq!(t.case.due_date(), Some(date!(2026 - 05 - 27)));
    assert!(matches!(
        t.events[1],
        CaseEvent::ClockResumed {
            paused_working_days: 4,
            ..
        }
    ));
}

#[test]
fn postponement_must_be_later_and_give_a_reason() {
    let c = under_review();
    let due = c.due_date().unwrap();
    assert_eq!(
        c.postpone(date!(2026 - 03 - 10), due, "Stor pågang")
            .unwrap_err(),
        TransitionError::PostponementNotLater {
            expected_on: due,
            current_deadline: due
        }
    );
    assert_eq!(
        c.postpone(date!(2026 - 03 - 10), due + Duration::days(1), "  ")
            .unwrap_err(),
        TransitionError::PostponementWithoutReason
    );
    let p = postponed();
    let new_due = p.due_date().unwrap();
    assert!(new_due > due);
    assert!(p.postpone(date!(2026 - 03 - 11), new_due, "igjen").is_err());
    let again = p
        .postpone(date!(2026 - 03 - 11), new_due + Duration::days(7), "igjen")
        .unwrap();
    assert_eq!(
        again.events,
        vec![CaseEvent::Postponed {
            on: date!(2026 - 03 - 11),
            previous_due_date: new_due,
            expected_on: new_due + Duration::days(7),
            reason: "igjen".into()
        }]
    );
    assert!(p.is_overdue(day_after(new_due)));
    assert!(!p.is_overdue(new_due));
    assert_eq!(p.working_days_left(&rules().calendar, new_due), Some(0));
}

#[test]
fn decisions_and_appeal_deadlines() {
    let r = rules();
    let c = under_review();
    assert_eq!(
        c.decide(&r, date!(2026 - 03 - 12), vec![]).unwrap_err(),
        TransitionError::EmptyDecision
    );
    assert_eq!(
        c.decide(
            &r,
            date!(2026 - 03 - 12),
            vec![granted("NPR"), refused("NPR")]
        )
        .unwrap_err(),
        TransitionError::DuplicateDataSource {
            data_source: "NPR".into()
        }
    );
    // Thursday 12 March + 21 days = Maundy Thursday 2 April -> Tuesday 7 April.
    let partly = c
        .decide(
            &r,
            date!(2026 - 03 - 12),
            vec![
                SourceDecision::new("NPR", DecisionOutcome::PartlyGranted),
                granted("MFR"),
            ],
        )
        .unwrap();
    assert_eq!(
        partly.case.decision.as_ref().unwrap().appeal_deadline,
        Some(date!(2026 - 04 - 07))
    );
    // A decision received on a Saturday: + 21 days is a Saturday -> Monday.
    let sat = c
        .decide(&r, date!(2026 - 03 - 07), vec![refused("NPR")])
        .unwrap();
    assert_eq!(
        sat.case.decision.as_ref().unwrap().appeal_deadline,
        Some(date!(2026 - 03 - 30))
    );
    // All granted: nothing to appeal; closed once the data are delivered.
    let all = decided_granted();
    assert_eq!(all.decision.as_ref().unwrap().appeal_deadline, None);
    assert_eq!(
        all.appeal(date!(2026 - 03 - 21)).unwrap_err(),
        TransitionError::NothingToAppeal
    );
    assert_eq!(
        all.close(date!(2026 - 03 - 20)).unwrap_err(),
        TransitionError::NotYetMadeAvailable {
            sources: vec!["NPR".into()]
        }
    );
    let delivered = delivered(&all);
    assert_eq!(
        delivered
            .close(delivered.last_change_on)
            .unwrap()
            .case
            .state,
        CaseState::Closed
    );
}

#[test]
fn late_appeal_is_refused_with_the_deadline() {
    let r = rules();
    let c = under_review()
        .decide(&r, date!(2026 - 03 - 12), vec![refused("NPR")])
        .unwrap()
        .case;
    let err = c.appeal(date!(2026 - 04 - 08)).unwrap_err();
    assert_eq!(
        err,
        TransitionError::AppealTooLate {
            on: date!(2026 - 04 - 08),
            appeal_deadline: date!(2026 - 04 - 07)
        }
    );
    assert!(err.to_string().contains("2026-04-07"), "{err}");
    // On the deadline itself it is in time.
    let t = c.appeal(date!(2026 - 04 - 07)).unwrap();
    assert_eq!(
        t.events,
        vec![CaseEvent::Appealed {
            on: date!(2026 - 04 - 07),
            against: AppealedAct::Decision,
            appeal_deadline: date!(2026 - 04 - 07)
        }]
    );
    // Closing before the deadline has passed is refused.
    assert_eq!(
        c.close(date!(2026 - 04 - 07)).unwrap_err(),
        TransitionError::AppealPeriodOpen {
            appeal_deadline: date!(2026 - 04 - 07)
        }
    );
    assert!(c.close(date!(2026 - 04 - 08)).is_ok());
}

#[test]
fn rejection_on_a_saturday_and_its_appeal() {
    let r = rules();
    // Complete, asked Monday 9 March; reply deadline 23 March; reminder
    // deadline 30 March; the job runner rejects on Saturday 4 April.
    let c = reminded(&awaiting_complete());
    assert_eq!(
        c.question.unwrap().current_reply_deadline(),
        date!(2026 - 03 - 30)
    );
    let t = c.reject_for_no_reply(&r, date!(2026 - 04 - 04)).unwrap();
    // 4 April + 21 = Saturday 25 April -> Monday 27 April.
    assert_eq!(
        t.case.rejection.unwrap().appeal_deadline,
        date!(2026 - 04 - 27)
    );
    let late = t.case.appeal(date!(2026 - 04 - 28)).unwrap_err();
    assert_eq!(
        late,
        TransitionError::AppealTooLate {
            on: date!(2026 - 04 - 28),
            appeal_deadline: date!(2026 - 04 - 27)
        }
    );
    // Appeal in time; HDS lifts the rejection: back under review, and the
    // clock, paused since the question on 9 March, resumes.
    let appealed = t.case.appeal(date!(2026 - 04 - 20)).unwrap().case;
    assert_eq!(
        appealed
            .reconsider_appeal(
                &r,
                date!(2026 - 04 - 21),
                Reconsideration::Reversed {
                    new_decision: vec![granted("NPR")]
                }
            )
            .unwrap_err(),
        TransitionError::ReconsiderationDoesNotFit {
            against: AppealedAct::Rejection,
            given: "REVERSED"
        }
    );
    let lifted = appealed
        .reconsider_appeal(&r, date!(2026 - 04 - 21), Reconsideration::RejectionLifted)
        .unwrap();
    assert_eq!(lifted.case.state, CaseState::UnderReview);
    assert_eq!(lifted.case.rejection, None);
    assert_eq!(lifted.case.question, None);
    let paused = r
        .calendar
        .working_days_between(date!(2026 - 03 - 09), date!(2026 - 04 - 21));
    assert_eq!(
        lifted.case.statutory_deadline,
        Some(
            r.calendar
                .add_working_days(date!(2026 - 04 - 20), u32::try_from(paused).unwrap())
        )
    );
    assert_eq!(lifted.events[0].kind(), EventKind::RejectionLifted);
    assert_eq!(lifted.events[1].kind(), EventKind::ClockResumed);
}

#[test]
fn appeal_reversed_or_upheld() {
    let r = rules();
    let appealed = appealed(&decided_refused());
    assert_eq!(
        appealed
            .reconsider_appeal(&r, date!(2026 - 03 - 24), Reconsideration::RejectionLifted)
            .unwrap_err(),
        TransitionError::ReconsiderationDoesNotFit {
            against: AppealedAct::Decision,
            given: "REJECTION_LIFTED"
        }
    );
    let reversed = appealed
        .reconsider_appeal(
            &r,
            date!(2026 - 03 - 24),
            Reconsideration::Reversed {
                new_decision: vec![granted("NPR"), granted("MFR")],
            },
        )
        .unwrap();
    assert_eq!(reversed.case.state, CaseState::Decided);
    assert_eq!(
        reversed.case.decision.as_ref().unwrap().decided_on,
        date!(2026 - 03 - 24)
    );
    assert_eq!(
        reversed
            .events
            .iter()
            .map(CaseEvent::kind)
            .collect::<Vec<_>>(),
        vec![EventKind::AppealReversed, EventKind::Decided]
    );
    let upheld = appealed
        .reconsider_appeal(&r, date!(2026 - 03 - 25), Reconsideration::Upheld)
        .unwrap();
    assert_eq!(upheld.case.state, CaseState::ForwardedToAppealsBody);
    assert_eq!(upheld.case.forwarded_on, Some(date!(2026 - 03 - 25)));
    assert_eq!(
        upheld.events,
        vec![
            CaseEvent::AppealUpheld {
                on: date!(2026 - 03 - 25)
            },
            CaseEvent::ForwardedToAppealsBody {
                on: date!(2026 - 03 - 25)
            }
        ]
    );
    // MFR was granted: closed once it is delivered.
    assert!(upheld.case.close(date!(2026 - 06 - 01)).is_err());
    let closed = delivered(&upheld.case)
        .close(date!(2026 - 06 - 01))
        .unwrap();
    assert_eq!(closed.case.state, CaseState::Closed);
    assert!(closed.case.state.is_final());
}

#[test]
fn commands_cannot_be_backdated() {
    let c = under_review();
    assert_eq!(
        c.ask_question(&rules(), date!(2026 - 03 - 03)).unwrap_err(),
        TransitionError::DateBeforeLastChange {
            on: date!(2026 - 03 - 03),
            last_change_on: date!(2026 - 03 - 04)
        }
    );
}

#[test]
fn whole_case_from_submission_to_closing() {
    let r = rules();
    let mut events = Vec::new();
    let mut step = |t: Transitioned| {
        events.extend(t.events);
        t.case
    };
    let c = step(Case::submit(date!(2026 - 03 - 02)));
    let c = step(c.ask_question(&r, date!(2026 - 03 - 03)).unwrap());
    let c = step(c.send_reminder(&r, date!(2026 - 03 - 18)).unwrap());
    let c = step(c.answer_question(&r, date!(2026 - 03 - 19)).unwrap());
    let c = step(
        c.mark_complete(
            &r,
            date!(2026 - 03 - 20),
            DataLinkage::IdentifiableDataFromSeveralRegisters,
        )
        .unwrap(),
    );
    let c = step(
        c.postpone(
            date!(2026 - 04 - 01),
            date!(2026 - 09 - 01),
            "Stor pågang i NPR",
        )
        .unwrap(),
    );
    let c = step(
        c.decide(
            &r,
            date!(2026 - 08 - 20),
            vec![refused("NPR"), granted("MFR")],
        )
        .unwrap(),
    );
    let c = step(c.appeal(date!(2026 - 08 - 25)).unwrap());
    let c = step(
        c.reconsider_appeal(&r, date!(2026 - 09 - 01), Reconsideration::Upheld)
            .unwrap(),
    );
    assert!(c.awaiting_delivery(), "MFR is granted and not delivered");
    let c = step(
        c.record_delivery(
            &r,
            date!(2026 - 09 - 03),
            NewDelivery {
                data_source: "MFR".into(),
                custodian: "FHI".into(),
                delivered_on: date!(2026 - 09 - 02),
                method: DeliveryMethod::SecureFileTransfer,
            },
        )
        .unwrap(),
    );
    let c = step(c.close(date!(2026 - 11 - 02)).unwrap());
    assert_eq!(c.state, CaseState::Closed);
    let kinds: Vec<&str> = events.iter().map(|e| e.kind().as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "SUBMITTED",
            "QUESTION_ASKED",
            "REMINDER_SENT",
            "QUESTION_ANSWERED",
            "MARKED_COMPLETE",
            "POSTPONED",
            "DECIDED",
            "APPEALED",
            "APPEAL_UPHELD",
            "FORWARDED_TO_APPEALS_BODY",
            "DELIVERED",
            "DATA_MADE_AVAILABLE",
            "CLOSED"
        ]
    );
    let dates: Vec<Date> = events.iter().map(CaseEvent::on).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
}

#[test]
fn codes_round_trip() {
    for s in CaseState::ALL {
        assert_eq!(s.as_str().parse::<CaseState>(), Ok(s));
        assert_eq!(s.to_string(), s.as_str());
    }
    for c in Command::ALL {
        assert_eq!(c.as_str().parse::<Command>(), Ok(c));
    }
    for k in EventKind::ALL {
        assert_eq!(k.as_str().parse::<EventKind>(), Ok(k));
    }
    for o in DecisionOutcome::ALL {
        assert_eq!(o.as_str().parse::<DecisionOutcome>(), Ok(o));
    }
    for a in AppealedAct::ALL {
        assert_eq!(a.as_str().parse::<AppealedAct>(), Ok(a));
    }
    for m in DeliveryMethod::ALL {
        assert_eq!(m.as_str().parse::<DeliveryMethod>(), Ok(m));
    }
    for d in Disposal::ALL {
        assert_eq!(d.as_str().parse::<Disposal>(), Ok(d));
    }
    assert!("DECIDED ".parse::<CaseState>().is_err());
    let all: Vec<&str> = CaseState::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(Command::ALL.iter().map(|c| c.as_str()))
        .chain(EventKind::ALL.iter().map(|k| k.as_str()))
        .collect();
    for code in all {
        assert!(
            code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
            "{code}"
        );
    }
}

#[test]
fn mermaid_labels_are_safe() {
    for t in TRANSITIONS {
        if let Some(when) = t.when {
            assert!(!when.contains([':', ';', '#', '"', '|']), "{when}");
        }
    }
    let m = mermaid_diagram();
    assert!(m.starts_with("stateDiagram-v2\n"));
    assert!(m.contains(
        "    DECIDED --> APPEALED: APPEAL (refused or partly granted, within 3 weeks)\n"
    ));
    assert!(m.contains("    WITHDRAWN --> [*]\n"));
    assert!(m.contains("    CLOSED --> [*]\n"));
}

/// `docs/case-states.md` is generated from the transition table.
#[test]
fn case_states_doc_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/case-states.md");
    let expected = states_document();
    if std::env::var("UPDATE_DOCS").is_ok_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/case-states.md does not match the transition table in crates/domain/src/case/table.rs; \
         rerun with UPDATE_DOCS=1: `UPDATE_DOCS=1 cargo test -p hds-domain case_states_doc`"
    );
}

#[test]
fn a_late_reminder_still_gives_five_working_days() {
    let rules = rules();
    let asked = date!(2026 - 03 - 02);
    let case = Case::submit(asked)
        .case
        .ask_question(&rules, asked)
        .unwrap()
        .case;
    let first = rules.calendar.question_reply_deadline(asked);
    // on time: 5 working days after the first deadline
    let on_time = case
        .send_reminder(&rules, first.next_day().unwrap())
        .unwrap()
        .case;
    assert_eq!(
        on_time.question.unwrap().reminder.unwrap().reply_deadline,
        rules.calendar.reminder_reply_deadline(first)
    );
    // three weeks late: 5 working days from the day before it was sent
    let late_on = rules.calendar.add_working_days(first, 15);
    let late = case.send_reminder(&rules, late_on).unwrap().case;
    let deadline = late.question.unwrap().reminder.unwrap().reply_deadline;
    assert_eq!(
        deadline,
        rules
            .calendar
            .reminder_reply_deadline(late_on.previous_day().unwrap())
    );
    assert!(deadline > late_on);
    assert!(late.reject_for_no_reply(&rules, late_on).is_err());
}
