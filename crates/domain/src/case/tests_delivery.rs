//! The statutory clock runs until the data are made available: due dates
//! after the decision, postponement after the decision (the whole case and a
//! custodian's part), the agreed delivery date, deliveries and reports that
//! data cannot be delivered, and closing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use time::macros::date;
use time::Date;

use super::tests::{
    appealed, day_after, decided_granted, decided_refused, forwarded, granted, refused, rules,
    under_review,
};
use super::*;
use crate::calendar::DataLinkage;

fn delivery(source: &str, custodian: &str, on: Date) -> NewDelivery {
    NewDelivery {
        data_source: source.into(),
        custodian: custodian.into(),
        delivered_on: on,
        method: DeliveryMethod::SecureFileTransfer,
    }
}

/// Complete on `completed_on` with `linkage`, decided `decided_after`
/// working days later granting `sources`.
fn decided_after(
    completed_on: Date,
    linkage: DataLinkage,
    decided_after: u32,
    sources: &[&str],
) -> Case {
    let r = rules();
    let decided_on = r.calendar.add_working_days(completed_on, decided_after);
    Case::submit(completed_on)
        .case
        .mark_complete(&r, completed_on, linkage)
        .unwrap()
        .case
        .decide(&r, decided_on, sources.iter().map(|s| granted(s)).collect())
        .unwrap()
        .case
}

/// The law's own example (domain.md): a case decided on day 20 whose data
/// arrive on day 35 is late against 30 working days, and in time against 60.
#[test]
fn decided_on_day_20_and_delivered_on_day_35_is_late_against_30_not_60() {
    let r = rules();
    let cal = &r.calendar;
    let completed = date!(2027 - 03 - 01);
    let day = |n: u32| cal.add_working_days(completed, n);

    let c = decided_after(completed, DataLinkage::SingleSource, 20, &["MFR"]);
    assert_eq!(c.state, CaseState::Decided);
    assert!(c.awaiting_delivery());
    // Decided but not delivered: the case keeps its due date.
    assert_eq!(c.due_date(), Some(day(30)));
    assert_eq!(c.due_date(), c.statutory_deadline);
    assert!(!c.is_overdue(day(30)));
    assert!(c.is_overdue(day(31)));
    assert_eq!(c.working_days_left(cal, day(33)), Some(-3));

    let t = c
        .record_delivery(&r, day(35), delivery("MFR", "FHI", day(35)))
        .unwrap();
    assert_eq!(
        t.events,
        vec![
            CaseEvent::Delivered {
                on: day(35),
                data_source: "MFR".into(),
                custodian: "FHI".into(),
                delivered_on: day(35),
                method: DeliveryMethod::SecureFileTransfer,
                due_on: day(30),
            },
            CaseEvent::DataMadeAvailable {
                on: day(35),
                made_available_on: day(35),
                working_days_late: 5,
            },
        ]
    );
    let done = t.case;
    assert_eq!(done.state, CaseState::Decided, "delivery keeps the state");
    assert!(!done.awaiting_delivery());
    assert_eq!(done.due_date(), None, "the clock has stopped");
    assert!(!done.is_overdue(day(40)));
    assert_eq!(done.data_made_available_on(), Some(day(35)));
    assert_eq!(
        done.timeliness(&r),
        Some(Timeliness {
            made_available_on: day(35),
            working_days_late: 5,
            late_sources: vec!["MFR".into()],
        })
    );

    // With linkage from several registers the deadline is day 60: in time.
    let linked = decided_after(
        completed,
        DataLinkage::IdentifiableDataFromSeveralRegisters,
        20,
        &["MFR", "NPR"],
    );
    assert_eq!(linked.due_date(), Some(day(60)));
    let linked = linked
        .record_delivery(&r, day(30), delivery("MFR", "FHI", day(30)))
        .unwrap()
        .case;
    let t = linked
        .record_delivery(&r, day(35), delivery("NPR", "HDIR", day(35)))
        .unwrap();
    assert_eq!(
        t.events[1],
        CaseEvent::DataMadeAvailable {
            on: day(35),
            made_available_on: day(35),
            working_days_late: 0,
        }
    );
    assert_eq!(
        t.case.timeliness(&r).unwrap().late_sources,
        Vec::<String>::new()
    );
}

/// A part that ended late stays late: HDS's later postponement of the case
/// (for the sources still open) does not move the date it was due.
#[test]
fn a_late_part_stays_late_when_the_case_is_postponed_afterwards() {
    let r = rules();
    let cal = &r.calendar;
    let completed = date!(2027 - 03 - 01);
    let day = |n: u32| cal.add_working_days(completed, n);
    let c = decided_after(completed, DataLinkage::SingleSource, 20, &["MFR", "NPR"]);

    // MFR arrives 3 working days after the deadline; NPR is still open
    let c = c
        .record_delivery(&r, day(33), delivery("MFR", "FHI", day(33)))
        .unwrap()
        .case;
    assert_eq!(c.part_due_date("MFR"), Some(day(30)));
    // HDS postpones what is still awaited, with a preliminary reply
    let c = c
        .postpone(day(34), day(50), "NPR har restanser.")
        .unwrap()
        .case;
    assert_eq!(c.part_due_date("NPR"), Some(day(50)));
    assert_eq!(c.part_due_date("MFR"), Some(day(30)), "MFR had ended");
    assert_eq!(c.part_deadlines("MFR").unwrap().due_on, day(30));

    // NPR in time against its postponed date; MFR was 3 days late
    let t = c
        .record_delivery(&r, day(45), delivery("NPR", "FHI", day(45)))
        .unwrap();
    assert_eq!(
        t.events[1],
        CaseEvent::DataMadeAvailable {
            on: day(45),
            made_available_on: day(45),
            working_days_late: 3,
        }
    );
    assert_eq!(
        t.case.timeliness(&r).unwrap().late_sources,
        vec!["MFR".to_owned()]
    );
}

#[test]
fn a_refusal_of_everything_stops_the_clock_at_the_decision() {
    let c = under_review()
        .decide(&rules(), date!(2026 - 03 - 20), vec![refused("NPR")])
        .unwrap()
        .case;
    assert!(!c.awaiting_delivery());
    assert_eq!(c.due_date(), None);
    assert_eq!(
        c.data_made_available_on(),
        None,
        "nothing to make available"
    );
    assert_eq!(c.timeliness(&rules()), None);
    assert!(
        c.close(date!(2026 - 04 - 14)).is_ok(),
        "after the appeal deadline"
    );
}

#[test]
fn closing_is_refused_until_every_granted_source_is_delivered_or_reported() {
    let r = rules();
    let c = under_review()
        .decide(
            &r,
            date!(2026 - 03 - 20),
            vec![granted("MFR"), granted("NPR")],
        )
        .unwrap()
        .case;
    let err = c.close(date!(2026 - 03 - 23)).unwrap_err();
    assert_eq!(
        err,
        TransitionError::NotYetMadeAvailable {
            sources: vec!["MFR".into(), "NPR".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "the data are not yet made available: MFR, NPR not delivered or reported undeliverable"
    );
    let c = c
        .record_delivery(
            &r,
            date!(2026 - 03 - 24),
            delivery("MFR", "FHI", date!(2026 - 03 - 23)),
        )
        .unwrap();
    assert_eq!(
        c.events.len(),
        1,
        "NPR is still open: no DATA_MADE_AVAILABLE"
    );
    let c = c.case;
    assert_eq!(
        c.close(date!(2026 - 03 - 24)).unwrap_err(),
        TransitionError::NotYetMadeAvailable {
            sources: vec!["NPR".into()]
        }
    );
    assert_eq!(
        c.report_cannot_deliver(&r, date!(2026 - 03 - 25), "NPR", "HDIR", " ")
            .unwrap_err(),
        TransitionError::CannotDeliverWithoutReason
    );
    let t = c
        .report_cannot_deliver(
            &r,
            date!(2026 - 03 - 25),
            "NPR",
            "HDIR",
            "Variabelen finnes ikke for perioden.",
        )
        .unwrap();
    assert_eq!(
        t.events,
        vec![
            CaseEvent::CannotDeliver {
                on: date!(2026 - 03 - 25),
                data_source: "NPR".into(),
                custodian: "HDIR".into(),
                reason: "Variabelen finnes ikke for perioden.".into(),
                due_on: date!(2026 - 04 - 20),
            },
            CaseEvent::DataMadeAvailable {
                on: date!(2026 - 03 - 25),
                made_available_on: date!(2026 - 03 - 25),
                working_days_late: 0,
            },
        ]
    );
    assert!(matches!(
        t.case.delivery_part("NPR").unwrap().settlement,
        Some(Settlement::CannotDeliver { .. })
    ));
    let closed = t.case.close(date!(2026 - 03 - 25)).unwrap();
    assert_eq!(closed.case.state, CaseState::Closed);
    assert_eq!(closed.case.due_date(), None);
    // At Helseklage, too: closed only once the granted source is delivered.
    let f = forwarded();
    assert!(matches!(
        f.close(day_after(f.last_change_on)),
        Err(TransitionError::NotYetMadeAvailable { .. })
    ));
}

#[test]
fn a_delivery_is_for_a_granted_open_source_on_a_plausible_date() {
    let r = rules();
    let c = decided_refused(); // 20 March 2026: NPR refused, MFR granted
    let on = date!(2026 - 03 - 24);
    for source in ["NPR", "KREFT"] {
        assert_eq!(
            c.record_delivery(&r, on, delivery(source, "FHI", on))
                .unwrap_err(),
            TransitionError::SourceNotGranted {
                data_source: source.into()
            }
        );
    }
    assert_eq!(
        c.record_delivery(&r, on, delivery("MFR", "FHI", date!(2026 - 03 - 19)))
            .unwrap_err(),
        TransitionError::DeliveryDateOutOfRange {
            delivered_on: date!(2026 - 03 - 19),
            decided_on: date!(2026 - 03 - 20),
            recorded_on: on,
        }
    );
    assert!(matches!(
        c.record_delivery(&r, on, delivery("MFR", "FHI", day_after(on))),
        Err(TransitionError::DeliveryDateOutOfRange { .. })
    ));
    assert_eq!(
        c.record_delivery(
            &r,
            date!(2026 - 03 - 19),
            delivery("MFR", "FHI", date!(2026 - 03 - 19))
        )
        .unwrap_err(),
        TransitionError::DateBeforeLastChange {
            on: date!(2026 - 03 - 19),
            last_change_on: date!(2026 - 03 - 20)
        }
    );
    // Delivered on the decision day, recorded later.
    let done = c
        .record_delivery(&r, on, delivery("MFR", "FHI", date!(2026 - 03 - 20)))
        .unwrap()
        .case;
    assert_eq!(done.data_made_available_on(), Some(date!(2026 - 03 - 20)));
    assert_eq!(
        done.record_delivery(&r, on, delivery("MFR", "FHI", on))
            .unwrap_err(),
        TransitionError::AlreadySettled {
            data_source: "MFR".into(),
            on: date!(2026 - 03 - 20)
        }
    );
    assert!(matches!(
        done.report_cannot_deliver(&r, on, "MFR", "FHI", "for sent"),
        Err(TransitionError::AlreadySettled { .. })
    ));
    // Before the decision there is nothing to deliver.
    assert_eq!(
        under_review()
            .record_delivery(&r, on, delivery("MFR", "FHI", on))
            .unwrap_err(),
        TransitionError::NotAllowed {
            state: CaseState::UnderReview,
            command: Command::RecordDelivery
        }
    );
}

#[test]
fn hds_postpones_the_whole_case_after_the_decision() {
    let c = decided_granted(); // NPR granted on 20 March 2026, due 20 April
    assert_eq!(c.due_date(), Some(date!(2026 - 04 - 20)));
    assert_eq!(
        c.postpone(date!(2026 - 03 - 23), date!(2026 - 04 - 20), "Pågang")
            .unwrap_err(),
        TransitionError::PostponementNotLater {
            expected_on: date!(2026 - 04 - 20),
            current_deadline: date!(2026 - 04 - 20)
        }
    );
    let t = c
        .postpone(
            date!(2026 - 03 - 23),
            date!(2026 - 05 - 29),
            "Stor pågang i NPR; data leveres sannsynligvis innen 29. mai.",
        )
        .unwrap();
    assert_eq!(t.case.state, CaseState::Decided);
    assert_eq!(
        t.events,
        vec![CaseEvent::Postponed {
            on: date!(2026 - 03 - 23),
            previous_due_date: date!(2026 - 04 - 20),
            expected_on: date!(2026 - 05 - 29),
            reason: "Stor pågang i NPR; data leveres sannsynligvis innen 29. mai.".into()
        }]
    );
    let p = t.case;
    assert_eq!(p.due_date(), Some(date!(2026 - 05 - 29)));
    assert_eq!(p.part_due_date("NPR"), Some(date!(2026 - 05 - 29)));
    assert_eq!(p.statutory_deadline, Some(date!(2026 - 04 - 20)));
    assert!(!p.is_overdue(date!(2026 - 05 - 29)));
    assert!(p.is_overdue(date!(2026 - 06 - 01)));
    // Delivered within the postponed date: in time.
    let done = p
        .record_delivery(
            &rules(),
            date!(2026 - 05 - 20),
            delivery("NPR", "FHI", date!(2026 - 05 - 20)),
        )
        .unwrap()
        .case;
    assert_eq!(done.timeliness(&rules()).unwrap().working_days_late, 0);
    // Nothing awaits delivery any more: nothing to postpone.
    assert_eq!(
        done.postpone(date!(2026 - 05 - 21), date!(2026 - 06 - 30), "igjen")
            .unwrap_err(),
        TransitionError::NothingAwaitingDelivery
    );
    // While the refusal of another source is appealed, too.
    let a = appealed(&decided_refused());
    assert_eq!(a.state, CaseState::Appealed);
    let t = a
        .postpone(date!(2026 - 03 - 23), date!(2026 - 05 - 29), "Pågang")
        .unwrap();
    assert_eq!(t.case.state, CaseState::Appealed);
    assert_eq!(t.case.due_date(), Some(date!(2026 - 05 - 29)));
}

#[test]
fn a_custodian_postpones_its_own_part() {
    let r = rules();
    let c = under_review()
        .decide(
            &r,
            date!(2026 - 03 - 20),
            vec![granted("MFR"), granted("NPR")],
        )
        .unwrap()
        .case;
    let statutory = date!(2026 - 04 - 20);
    assert_eq!(
        c.postpone_delivery(
            date!(2026 - 03 - 23),
            "NPR",
            "HDIR",
            date!(2026 - 05 - 15),
            ""
        )
        .unwrap_err(),
        TransitionError::PostponementWithoutReason
    );
    assert_eq!(
        c.postpone_delivery(date!(2026 - 03 - 23), "NPR", "HDIR", statutory, "Pågang")
            .unwrap_err(),
        TransitionError::PostponementNotLater {
            expected_on: statutory,
            current_deadline: statutory
        }
    );
    let t = c
        .postpone_delivery(
            date!(2026 - 03 - 23),
            "NPR",
            "HDIR",
            date!(2026 - 05 - 15),
            "Restanser i NPR",
        )
        .unwrap();
    assert_eq!(
        t.events,
        vec![CaseEvent::DeliveryPostponed {
            on: date!(2026 - 03 - 23),
            data_source: "NPR".into(),
            custodian: "HDIR".into(),
            previous_due_date: statutory,
            expected_on: date!(2026 - 05 - 15),
            reason: "Restanser i NPR".into()
        }]
    );
    let c = t.case;
    // NPR's part moves; the case stays due when MFR is due.
    assert_eq!(c.part_due_date("NPR"), Some(date!(2026 - 05 - 15)));
    assert_eq!(c.part_due_date("MFR"), Some(statutory));
    assert_eq!(c.due_date(), Some(statutory));
    assert_eq!(
        c.part_deadlines("NPR"),
        Some(PartDeadlines {
            statutory_deadline: statutory,
            due_on: date!(2026 - 05 - 15),
            agreed_on: None
        })
    );
    // Once MFR is delivered, the case is due when NPR is.
    let c = c
        .record_delivery(
            &r,
            date!(2026 - 04 - 14),
            delivery("MFR", "FHI", date!(2026 - 04 - 14)),
        )
        .unwrap()
        .case;
    assert_eq!(c.due_date(), Some(date!(2026 - 05 - 15)));
    assert!(!c.is_overdue(date!(2026 - 04 - 21)));
    assert_eq!(c, npr_postponed_mfr_delivered());
}

/// MFR and NPR granted on 20 March 2026 (due 20 April); HDIR postponed NPR
/// to 15 May; MFR delivered on 14 April.
fn npr_postponed_mfr_delivered() -> Case {
    let r = rules();
    under_review()
        .decide(
            &r,
            date!(2026 - 03 - 20),
            vec![granted("MFR"), granted("NPR")],
        )
        .unwrap()
        .case
        .postpone_delivery(
            date!(2026 - 03 - 23),
            "NPR",
            "HDIR",
            date!(2026 - 05 - 15),
            "Restanser i NPR",
        )
        .unwrap()
        .case
        .record_delivery(
            &r,
            date!(2026 - 04 - 14),
            delivery("MFR", "FHI", date!(2026 - 04 - 14)),
        )
        .unwrap()
        .case
}

#[test]
fn a_part_is_postponed_again_only_to_a_later_date_and_the_case_postponement_can_pass_it() {
    let c = npr_postponed_mfr_delivered();
    // HDS postponing the whole case later than NPR's own date moves NPR too.
    let later = c
        .postpone(date!(2026 - 04 - 15), date!(2026 - 06 - 15), "Pågang")
        .unwrap()
        .case;
    assert_eq!(later.part_due_date("NPR"), Some(date!(2026 - 06 - 15)));
    // A second postponement of the part must be later than its due date,
    // and not in the past.
    assert!(matches!(
        c.postpone_delivery(
            date!(2026 - 04 - 15),
            "NPR",
            "HDIR",
            date!(2026 - 05 - 15),
            "igjen"
        ),
        Err(TransitionError::PostponementNotLater { .. })
    ));
    let overdue = c.clone();
    assert_eq!(
        overdue
            .postpone_delivery(
                date!(2026 - 06 - 01),
                "NPR",
                "HDIR",
                date!(2026 - 05 - 20),
                "for sent"
            )
            .unwrap_err(),
        TransitionError::PostponementInThePast {
            expected_on: date!(2026 - 05 - 20),
            today: date!(2026 - 06 - 01)
        }
    );
    // Neither a refused nor a delivered source can be postponed.
    assert!(matches!(
        decided_refused().postpone_delivery(
            date!(2026 - 03 - 23),
            "NPR",
            "HDIR",
            date!(2026 - 05 - 15),
            "x"
        ),
        Err(TransitionError::SourceNotGranted { .. })
    ));
    assert!(matches!(
        c.postpone_delivery(
            date!(2026 - 04 - 15),
            "MFR",
            "FHI",
            date!(2026 - 05 - 15),
            "x"
        ),
        Err(TransitionError::AlreadySettled { .. })
    ));
}

#[test]
fn the_agreed_delivery_date_is_from_today_up_to_the_due_date() {
    let c = decided_granted(); // NPR granted on 20 March 2026, due 20 April
    let today = date!(2026 - 03 - 23);
    assert_eq!(
        c.agree_delivery_date(today, "NPR", "FHI", date!(2026 - 03 - 20))
            .unwrap_err(),
        TransitionError::AgreedDateInThePast {
            agreed_on: date!(2026 - 03 - 20),
            today
        }
    );
    let err = c
        .agree_delivery_date(today, "NPR", "FHI", date!(2026 - 04 - 21))
        .unwrap_err();
    assert_eq!(
        err,
        TransitionError::AgreedDateAfterDueDate {
            agreed_on: date!(2026 - 04 - 21),
            due_on: date!(2026 - 04 - 20)
        }
    );
    assert!(err.to_string().contains("foreløpig svar"), "{err}");
    // Today and the due date itself are allowed.
    assert!(c.agree_delivery_date(today, "NPR", "FHI", today).is_ok());
    let t = c
        .agree_delivery_date(today, "NPR", "FHI", date!(2026 - 04 - 20))
        .unwrap();
    assert_eq!(
        t.events,
        vec![CaseEvent::DeliveryDateAgreed {
            on: today,
            data_source: "NPR".into(),
            custodian: "FHI".into(),
            agreed_on: date!(2026 - 04 - 20)
        }]
    );
    assert_eq!(t.case.due_date(), Some(date!(2026 - 04 - 20)), "unchanged");
    // After the statutory date only with a postponement that covers it.
    let postponed = t
        .case
        .postpone_delivery(
            today,
            "NPR",
            "FHI",
            date!(2026 - 05 - 29),
            "Stor pågang i NPR",
        )
        .unwrap()
        .case;
    let agreed = postponed
        .agree_delivery_date(today, "NPR", "FHI", date!(2026 - 05 - 22))
        .unwrap()
        .case;
    assert_eq!(
        agreed.part_deadlines("NPR"),
        Some(PartDeadlines {
            statutory_deadline: date!(2026 - 04 - 20),
            due_on: date!(2026 - 05 - 29),
            agreed_on: Some(date!(2026 - 05 - 22))
        })
    );
    // Delivered: no more agreeing.
    let delivered = agreed
        .record_delivery(&rules(), today, delivery("NPR", "FHI", today))
        .unwrap()
        .case;
    assert!(matches!(
        delivered.agree_delivery_date(today, "NPR", "FHI", today),
        Err(TransitionError::AlreadySettled { .. })
    ));
}

#[test]
fn deliveries_go_on_during_an_appeal_and_a_reversal_can_grant_more() {
    let r = rules();
    let a = appealed(&decided_refused()); // MFR granted, NPR refused and appealed
    let t = a
        .record_delivery(
            &r,
            date!(2026 - 03 - 25),
            delivery("MFR", "FHI", date!(2026 - 03 - 25)),
        )
        .unwrap();
    assert_eq!(t.case.state, CaseState::Appealed);
    assert_eq!(
        t.events.last().map(CaseEvent::kind),
        Some(EventKind::DataMadeAvailable)
    );
    assert_eq!(t.case.due_date(), None);
    // HDS reverses: NPR granted as well. The clock runs again for NPR,
    // against the same statutory deadline; MFR stays delivered.
    let reversed = t
        .case
        .reconsider_appeal(
            &r,
            date!(2026 - 03 - 30),
            Reconsideration::Reversed {
                new_decision: vec![granted("MFR"), granted("NPR")],
            },
        )
        .unwrap()
        .case;
    assert_eq!(reversed.state, CaseState::Decided);
    assert!(reversed.awaiting_delivery());
    assert_eq!(reversed.undelivered_sources(), vec!["NPR"]);
    assert_eq!(reversed.due_date(), Some(date!(2026 - 04 - 20)));
    assert_eq!(reversed.data_made_available_on(), None);
}

#[test]
fn a_pause_before_the_decision_still_moves_the_delivery_deadline() {
    let r = rules();
    // Complete 4 March 2026 (due 20 April); a question waits from Monday 9 to
    // Wednesday 11 March: two working days.
    let c = under_review()
        .ask_question(&r, date!(2026 - 03 - 09))
        .unwrap()
        .case
        .answer_question(&r, date!(2026 - 03 - 11))
        .unwrap()
        .case
        .decide(&r, date!(2026 - 03 - 20), vec![granted("MFR")])
        .unwrap()
        .case;
    assert_eq!(c.due_date(), Some(date!(2026 - 04 - 22)));
    assert_eq!(
        c.part_deadlines("MFR").map(|d| d.statutory_deadline),
        Some(date!(2026 - 04 - 22))
    );
}

#[test]
fn the_diagram_draws_the_delivery_commands_as_one_loop_per_state() {
    let m = mermaid_diagram();
    assert!(m.contains(
        "    DECIDED --> DECIDED: POSTPONE, SET_LINKAGE, AGREE_DELIVERY_DATE, \
         POSTPONE_DELIVERY, RECORD_DELIVERY, REPORT_CANNOT_DELIVER\n"
    ));
    assert_eq!(m.matches("    DECIDED --> DECIDED").count(), 1);
    let doc = states_document();
    assert!(doc.contains("## Awaiting delivery: a flag, not a state"));
    assert!(
        doc.contains("| `DECIDED` | `RECORD_DELIVERY` | custodian | `DECIDED` | granted source |")
    );
}
