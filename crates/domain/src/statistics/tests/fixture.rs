//! A small known set of cases, written as a case handler would tell their
//! stories, with the working days counted by hand beside them.
//!
//! The calendar around them (working days: Monday to Friday except public
//! holidays; no closure days):
//!
//! ```text
//! Dec 2025  Mon 22 · 23 · 24 · [25 Christmas Day, 26 Boxing Day] · Mon 29 · 30 · 31
//! Jan 2026  [Thu 1 New Year's Day] · Fri 2 · Mon 5, 12, 19, 26
//! Feb 2026  Mon 2, 9, 16, 23 (20 working days)
//! Mar 2026  Mon 2, 9, 16, 23, 30 (22 working days)
//! Apr 2026  Wed 1 · [Thu 2 Maundy Thursday, Fri 3 Good Friday, Mon 6 Easter Monday]
//!           Tue 7 · Mon 13, 20, 27 · Thu 30 (19 working days)
//! May 2026  [Fri 1 Labour Day] · Mon 4, 11, 18 · [Thu 14 Ascension] · [Mon 25 Whit Monday]
//! ```
//!
//! Sources: NPR (custodian FHI, decided by HDS), KREFT (custodian KREFTREG,
//! decided by HDS), MOBA (custodian FHI, decided by the custodian).

use time::macros::date;
use time::Date;

use crate::application::Purpose;
use crate::case::{AppealedAct, CaseState, DecisionAuthority, DecisionOutcome};
use crate::statistics::{
    AppealHistory, AppealResolution, AppealResult, CaseHistory, CaseKind, DeadlineSet, Delivery,
    DeliveryOutcome, SourceDecisionOn, SourceHistory, StateEntered,
};

pub const NPR: (&str, &str, DecisionAuthority) = ("NPR", "FHI", DecisionAuthority::Hds);
pub const KREFT: (&str, &str, DecisionAuthority) = ("KREFT", "KREFTREG", DecisionAuthority::Hds);
pub const MOBA: (&str, &str, DecisionAuthority) = ("MOBA", "FHI", DecisionAuthority::Custodian);

pub use DecisionOutcome::{Granted, PartlyGranted, Refused};

/// Builds a case's history event by event, keeping its states in step.
pub struct Story(CaseHistory);

/// A case received on `on`.
pub fn case(id: &str, purpose: Purpose, on: Date) -> Story {
    Story(CaseHistory {
        case_id: id.into(),
        kind: CaseKind::Application,
        purpose,
        sources: Vec::new(),
        received_on: on,
        completed_on: None,
        deadlines: Vec::new(),
        postponed_on: Vec::new(),
        rejected_no_reply_on: Vec::new(),
        withdrawn_on: None,
        appeals: Vec::new(),
        states: vec![StateEntered {
            on,
            state: CaseState::Submitted,
        }],
    })
}

impl Story {
    fn enter(&mut self, on: Date, state: CaseState) {
        self.0.states.push(StateEntered { on, state });
    }

    fn source_mut(&mut self, code: &str) -> &mut SourceHistory {
        self.0
            .sources
            .iter_mut()
            .find(|s| s.data_source == code)
            .unwrap_or_else(|| panic!("{code} is not a source of the case"))
    }

    pub fn source(mut self, (code, custodian, authority): (&str, &str, DecisionAuthority)) -> Self {
        self.0.sources.push(SourceHistory {
            data_source: code.into(),
            custodian: custodian.into(),
            authority,
            decisions: Vec::new(),
            delivery: None,
        });
        self
    }

    pub fn change_request(mut self) -> Self {
        self.0.kind = CaseKind::ChangeRequest;
        self
    }

    /// Found complete on `on`, with the statutory deadline `due`.
    pub fn complete(mut self, on: Date, due: Date) -> Self {
        self.0.completed_on = Some(on);
        self.0.deadlines.push(DeadlineSet { on, due_on: due });
        self.enter(on, CaseState::UnderReview);
        self
    }

    pub fn ask(mut self, on: Date) -> Self {
        self.enter(on, CaseState::AwaitingApplicant);
        self
    }

    /// The applicant answered; a paused clock moved the deadline to `moved_to`.
    pub fn answer(mut self, on: Date, moved_to: Option<Date>) -> Self {
        if let Some(due) = moved_to {
            self.0.deadlines.push(DeadlineSet { on, due_on: due });
        }
        let back = if self.0.completed_on.is_some() {
            CaseState::UnderReview
        } else {
            CaseState::Submitted
        };
        self.enter(on, back);
        self
    }

    pub fn postpone(mut self, on: Date) -> Self {
        self.0.postponed_on.push(on);
        self
    }

    pub fn reject_for_no_reply(mut self, on: Date) -> Self {
        self.0.rejected_no_reply_on.push(on);
        self.enter(on, CaseState::RejectedNoReply);
        self
    }

    pub fn withdraw(mut self, on: Date) -> Self {
        self.0.withdrawn_on = Some(on);
        self.enter(on, CaseState::Withdrawn);
        self
    }

    /// A custodian decides its source before the case as a whole is decided.
    pub fn source_decided(mut self, code: &str, on: Date, outcome: DecisionOutcome) -> Self {
        self.source_mut(code)
            .decisions
            .push(SourceDecisionOn { on, outcome });
        self
    }

    /// The last decisions are made on `on`: the case is decided.
    pub fn decided(mut self, on: Date, outcomes: &[(&str, DecisionOutcome)]) -> Self {
        for (code, outcome) in outcomes {
            self = self.source_decided(code, on, *outcome);
        }
        self.enter(on, CaseState::Decided);
        self
    }

    pub fn appeal(mut self, on: Date, against: AppealedAct) -> Self {
        self.0.appeals.push(AppealHistory {
            received_on: on,
            against,
            resolved: None,
        });
        self.enter(on, CaseState::Appealed);
        self
    }

    /// HDS reconsiders the open appeal; a reversal brings new decisions.
    pub fn reconsider(
        mut self,
        on: Date,
        result: AppealResult,
        new_decisions: &[(&str, DecisionOutcome)],
    ) -> Self {
        let appeal = self.0.appeals.last_mut().expect("an open appeal");
        appeal.resolved = Some(AppealResolution { on, result });
        let state = match result {
            AppealResult::Reversed => CaseState::Decided,
            AppealResult::Upheld => CaseState::ForwardedToAppealsBody,
            AppealResult::RejectionLifted if self.0.completed_on.is_some() => {
                CaseState::UnderReview
            }
            AppealResult::RejectionLifted => CaseState::Submitted,
        };
        for (code, outcome) in new_decisions {
            self = self.source_decided(code, on, *outcome);
        }
        self.enter(on, state);
        self
    }

    pub fn deliver(mut self, code: &str, on: Date) -> Self {
        self.source_mut(code).delivery = Some(Delivery {
            on,
            outcome: DeliveryOutcome::Delivered,
        });
        self
    }

    pub fn cannot_deliver(mut self, code: &str, on: Date) -> Self {
        self.source_mut(code).delivery = Some(Delivery {
            on,
            outcome: DeliveryOutcome::CannotDeliver,
        });
        self
    }

    pub fn close(mut self, on: Date) -> Self {
        self.enter(on, CaseState::Closed);
        self
    }

    pub fn done(self) -> CaseHistory {
        self.0
    }
}

use Purpose::{HealthAnalysis, MedicalAndHealthResearch as Medical, OtherResearch};

/// Ten cases. "wd" is working days, counted after the first date up to and
/// including the second.
pub fn cases() -> Vec<CaseHistory> {
    vec![
        // C1: across Christmas to completeness, granted, delivered in time.
        case("C1", Medical, date!(2025 - 12 - 22))
            .source(NPR)
            // received → complete: Dec 23, 24, 29, 30, 31, Jan 2, 5 = 7 wd.
            // Deadline: 30 wd from Jan 5 = Feb 16.
            .complete(date!(2026 - 01 - 05), date!(2026 - 02 - 16))
            // complete → decision: 19 in January (6th–30th), Feb 2–6, 9, 10 = 26 wd.
            .decided(date!(2026 - 02 - 10), &[("NPR", Granted)])
            // complete → data: + Feb 11, 12, 13 = 29 wd; in time (Feb 16).
            .deliver("NPR", date!(2026 - 02 - 13))
            .close(date!(2026 - 03 - 02))
            .done(),
        // C2: two registers linked (60 wd); the custodian decides MOBA first,
        // HDS partly grants NPR; appeal upheld; NPR's data come late.
        case("C2", HealthAnalysis, date!(2026 - 01 - 12))
            .source(NPR)
            .source(MOBA)
            // received → complete: Jan 13, 14, 15, 16, 19 = 5 wd.
            // Deadline: 60 wd from Jan 19, across Easter = Apr 16.
            .complete(date!(2026 - 01 - 19), date!(2026 - 04 - 16))
            .postpone(date!(2026 - 03 - 16))
            // complete → MOBA's decision: 44 wd.
            .source_decided("MOBA", date!(2026 - 03 - 20), Granted)
            // complete → decision (the last source, NPR): 49 wd.
            .decided(date!(2026 - 03 - 27), &[("NPR", PartlyGranted)])
            // complete → MOBA's data: Mar 30, 31, Apr 1, (Easter) Apr 7 = 53 wd.
            .deliver("MOBA", date!(2026 - 04 - 07))
            .appeal(date!(2026 - 04 - 08), AppealedAct::Decision)
            .reconsider(date!(2026 - 04 - 20), AppealResult::Upheld, &[])
            .deliver("NPR", date!(2026 - 05 - 05))
            .done(),
        // C3: refused (the clock stops at the decision), reversed on appeal.
        case("C3", Medical, date!(2026 - 02 - 02))
            .source(KREFT)
            // received → complete: Feb 3–6, 9–13, 16 = 10 wd. Deadline Mar 30.
            .complete(date!(2026 - 02 - 16), date!(2026 - 03 - 30))
            // complete → decision: 29 wd; within the deadline.
            .decided(date!(2026 - 03 - 27), &[("KREFT", Refused)])
            .appeal(date!(2026 - 04 - 09), AppealedAct::Decision)
            .reconsider(
                date!(2026 - 04 - 21),
                AppealResult::Reversed,
                &[("KREFT", Granted)],
            )
            .deliver("KREFT", date!(2026 - 06 - 01))
            .done(),
        // C4: a change request; a question pauses the clock for 2 wd.
        case("C4", OtherResearch, date!(2026 - 03 - 02))
            .change_request()
            .source(NPR)
            // received → complete: Mar 3, 4 = 2 wd. Deadline: 30 wd = Apr 20.
            .complete(date!(2026 - 03 - 04), date!(2026 - 04 - 20))
            .ask(date!(2026 - 03 - 09))
            // Asked Mar 9, answered Mar 11: 2 wd paused, deadline Apr 22.
            .answer(date!(2026 - 03 - 11), Some(date!(2026 - 04 - 22)))
            // complete → decision: across Easter, 33 wd.
            .decided(date!(2026 - 04 - 23), &[("NPR", Granted)])
            // complete → data: + Apr 24, 27, 28 = 36 wd; late (Apr 22).
            .deliver("NPR", date!(2026 - 04 - 28))
            .close(date!(2026 - 05 - 20))
            .done(),
        // C5: never complete; no reply even after the reminder.
        case("C5", Medical, date!(2026 - 01 - 20))
            .source(KREFT)
            .ask(date!(2026 - 01 - 22))
            .reject_for_no_reply(date!(2026 - 02 - 13))
            .close(date!(2026 - 03 - 09))
            .done(),
        // C6: withdrawn before completeness.
        case("C6", HealthAnalysis, date!(2026 - 02 - 23))
            .source(MOBA)
            .withdraw(date!(2026 - 03 - 05))
            .done(),
        // C7: under review at the end of April, postponed.
        case("C7", Medical, date!(2026 - 03 - 16))
            .source(NPR)
            // received → complete: Mar 17, 18, 19, 20, 23 = 5 wd.
            // Deadline: 30 wd from Mar 23 = May 8.
            .complete(date!(2026 - 03 - 23), date!(2026 - 05 - 08))
            .postpone(date!(2026 - 04 - 27))
            .done(),
        // C8: just submitted.
        case("C8", Medical, date!(2026 - 04 - 28))
            .source(NPR)
            .done(),
        // C9: from 2025; its data arrive after Christmas, late.
        case("C9", Medical, date!(2025 - 11 - 03))
            .source(NPR)
            // Deadline: 30 wd from Nov 10 = Dec 22.
            .complete(date!(2025 - 11 - 10), date!(2025 - 12 - 22))
            .decided(date!(2025 - 12 - 15), &[("NPR", Granted)])
            // complete → data: 32 wd to Dec 24, Dec 29, 30, 31, Jan 2,
            // Jan 5–9, 12, 13, 14 = 44 wd.
            .deliver("NPR", date!(2026 - 01 - 14))
            .close(date!(2026 - 01 - 20))
            .done(),
        // C10: granted, but the custodian cannot deliver.
        case("C10", OtherResearch, date!(2026 - 02 - 09))
            .source(KREFT)
            // received → complete: Feb 10, 11 = 2 wd. Deadline: 30 wd = Mar 25.
            .complete(date!(2026 - 02 - 11), date!(2026 - 03 - 25))
            // complete → decision: Feb 12, 13, 16–20, 23–27, Mar 2–6, 9, 10, 11 = 20 wd.
            .decided(date!(2026 - 03 - 11), &[("KREFT", Granted)])
            .close(date!(2026 - 03 - 12))
            // complete → report: + Mar 12, 13, 16, 17, 18 = 25 wd; in time.
            .cannot_deliver("KREFT", date!(2026 - 03 - 18))
            .done(),
    ]
}
