//! Properties over random cases: where each case has one value of a
//! dimension, the groups' counts add up to the overall counts; the backlog's
//! breakdowns add up to its total.

use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

use super::fixture::{case, KREFT, MOBA, NPR};
use crate::application::Purpose;
use crate::calendar::WorkingDayCalendar;
use crate::case::{AppealedAct, CaseRules, DecisionOutcome};
use crate::statistics::{
    backlog_report, report, AgeBuckets, AppealResult, Backlog, CaseHistory, Dimension, Period,
    PeriodFigures,
};

const SOURCES: [(&str, &str, crate::case::DecisionAuthority); 3] = [NPR, KREFT, MOBA];
const OUTCOMES: [DecisionOutcome; 3] = [
    DecisionOutcome::Granted,
    DecisionOutcome::PartlyGranted,
    DecisionOutcome::Refused,
];

/// The offsets (in calendar days) a random case is built from.
#[derive(Debug, Clone)]
struct Plan {
    source: usize,
    purpose: usize,
    change_request: bool,
    received: i64,
    withdrawn: Option<i64>,
    complete: Option<i64>,
    postponed: Option<i64>,
    decided: Option<(i64, usize)>,
    delivered: Option<(i64, bool)>,
    appeal: Option<(i64, Option<i64>)>,
    rejected: Option<i64>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        (0usize..3, 0usize..3, any::<bool>(), 0i64..300),
        (
            proptest::option::weighted(0.1, 0i64..20),
            proptest::option::weighted(0.8, 0i64..30),
            proptest::option::weighted(0.2, 1i64..40),
            proptest::option::weighted(0.7, (1i64..120, 0usize..3)),
        ),
        (
            proptest::option::weighted(0.7, (1i64..80, any::<bool>())),
            proptest::option::weighted(0.2, (1i64..20, proptest::option::of(1i64..30))),
            proptest::option::weighted(0.2, 20i64..40),
        ),
    )
        .prop_map(
            |(
                (source, purpose, change_request, received),
                (withdrawn, complete, postponed, decided),
                (delivered, appeal, rejected),
            )| Plan {
                source,
                purpose,
                change_request,
                received,
                withdrawn,
                complete,
                postponed,
                decided,
                delivered,
                appeal,
                rejected,
            },
        )
}

/// A case that follows the plan as far as the rules allow.
fn build(index: usize, plan: &Plan) -> CaseHistory {
    let cal = WorkingDayCalendar::default();
    let day = |offset: i64| date!(2025 - 09 - 01) + Duration::days(offset);
    let purpose = [
        Purpose::MedicalAndHealthResearch,
        Purpose::OtherResearch,
        Purpose::HealthAnalysis,
    ][plan.purpose];
    let source = SOURCES[plan.source];
    let received = day(plan.received);
    let mut story = case(&format!("P{index}"), purpose, received).source(source);
    if plan.change_request {
        story = story.change_request();
    }
    if let Some(w) = plan.withdrawn {
        return story.withdraw(received + Duration::days(w)).done();
    }
    let Some(c) = plan.complete else {
        if let Some(r) = plan.rejected {
            story = story
                .ask(received + Duration::days(1))
                .reject_for_no_reply(received + Duration::days(r));
        }
        return story.done();
    };
    let complete = received + Duration::days(c);
    story = story.complete(complete, cal.add_working_days(complete, 30));
    if let Some(d) = plan.postponed {
        story = story.postpone(complete + Duration::days(d));
    }
    let Some((d, outcome)) = plan.decided else {
        return story.done();
    };
    let decided: Date = complete + Duration::days(d);
    let outcome = OUTCOMES[outcome];
    story = story.decided(decided, &[(source.0, outcome)]);
    if let Some((e, delivered)) = plan
        .delivered
        .filter(|_| outcome != DecisionOutcome::Refused)
    {
        let on = decided + Duration::days(e);
        story = if delivered {
            story.deliver(source.0, on)
        } else {
            story.cannot_deliver(source.0, on)
        };
    }
    if let Some((a, resolved)) = plan.appeal.filter(|_| outcome != DecisionOutcome::Granted) {
        let appealed = decided + Duration::days(a);
        story = story.appeal(appealed, AppealedAct::Decision);
        if let Some(r) = resolved {
            story = story.reconsider(appealed + Duration::days(r), AppealResult::Upheld, &[]);
        }
    }
    story.done()
}

/// Every count of the figures, in a fixed order.
fn counts(f: &PeriodFigures) -> Vec<u64> {
    let c = &f.counts;
    let t = &f.processing_times;
    let d = &f.deadlines;
    vec![
        c.received,
        c.change_requests,
        c.completed,
        c.decided.granted,
        c.decided.partly_granted,
        c.decided.refused,
        c.rejected_no_reply,
        c.withdrawn,
        c.appeals.received,
        c.appeals.reversed,
        c.appeals.rejection_lifted,
        c.appeals.upheld,
        c.data_made_available,
        c.data_cannot_deliver,
        t.received_to_complete.count,
        t.complete_to_decision.count,
        t.complete_to_data.count,
        d.clock_stopped,
        d.within_deadline,
        d.postponed,
        d.overdue_at_end,
    ]
}

fn backlog_counts(b: &Backlog) -> Vec<u64> {
    vec![b.total, b.overdue]
}

fn add(sum: &mut Vec<u64>, more: &[u64]) {
    sum.resize(more.len(), 0);
    for (s, m) in sum.iter_mut().zip(more) {
        *s += m;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn groups_add_up_when_each_case_has_one_value(
        plans in proptest::collection::vec(plan(), 0..40),
        first in 0i64..200,
        length in 0i64..200,
    ) {
        let cases: Vec<CaseHistory> = plans.iter().enumerate().map(|(i, p)| build(i, p)).collect();
        let start = date!(2025 - 09 - 01) + Duration::days(first);
        let period = Period::new(start, start + Duration::days(length)).unwrap();
        let r = report(&cases, period, &Dimension::ALL, &CaseRules::default());
        let overall = counts(&r.overall);
        for dimension in Dimension::ALL {
            let mut sum = Vec::new();
            for g in r.groups.iter().filter(|g| g.dimension == dimension) {
                add(&mut sum, &counts(&g.figures));
            }
            if sum.is_empty() {
                sum = vec![0; overall.len()];
            }
            prop_assert_eq!(&sum, &overall, "{}", dimension);
        }
        let f = &r.overall;
        prop_assert!(f.deadlines.within_deadline <= f.deadlines.clock_stopped);
        prop_assert!(f.counts.change_requests <= f.counts.received);
        prop_assert!(f.counts.data_cannot_deliver <= f.counts.data_made_available);
        for d in [
            f.processing_times.received_to_complete,
            f.processing_times.complete_to_decision,
            f.processing_times.complete_to_data,
        ] {
            prop_assert_eq!(d.median.is_some(), d.count > 0);
            prop_assert!(d.p90 >= d.median);
        }
    }

    #[test]
    fn the_backlog_adds_up(
        plans in proptest::collection::vec(plan(), 0..40),
        on in 0i64..400,
    ) {
        let cases: Vec<CaseHistory> = plans.iter().enumerate().map(|(i, p)| build(i, p)).collect();
        let on = date!(2025 - 09 - 01) + Duration::days(on);
        let (rules, buckets) = (CaseRules::default(), AgeBuckets::default());
        let r = backlog_report(&cases, on, &Dimension::ALL, &rules, &buckets);
        let b = &r.overall;
        let by_stage: u64 = b.by_stage.iter().map(|(_, n)| n).sum();
        let by_age: u64 = b.by_age.iter().map(|(_, n)| n).sum();
        let cells: u64 = b.by_stage_and_age.iter().flat_map(|(_, n)| n).sum();
        prop_assert_eq!((by_stage, by_age, cells), (b.total, b.total, b.total));
        prop_assert!(b.overdue <= b.total);
        for dimension in Dimension::ALL {
            let mut sum = vec![0, 0];
            for g in r.groups.iter().filter(|g| g.dimension == dimension) {
                add(&mut sum, &backlog_counts(&g.backlog));
            }
            prop_assert_eq!(&sum, &backlog_counts(b), "{}", dimension);
        }
    }
}
