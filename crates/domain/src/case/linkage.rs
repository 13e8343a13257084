//! 30 or 60 working days (helseregisterloven § 19 f): "Dersom
//! tilgjengeliggjøringen krever sammenstilling med opplysninger fra flere
//! registre, er fristen 60 virkedager."
//!
//! What decides is whether making the data available requires linking
//! (sammenstilling) data from more than one register, as the application's
//! linkage plan says; not how many sources are asked for. Two sources
//! delivered separately are 30; one register linked with another register's
//! data is 60. Seed 004 says the same for statistics: 30 for statistics from
//! one source, 60 for statistics compiled (sammenstilt) from several.
//!
//! The case handler can set the clock against the plan, with a reason
//! ([`Case::set_linkage`]), e.g. when the plan is wrong or when statistics
//! drawn from several sources need a linkage the plan does not name.

use time::Date;

use super::{
    Case, CaseEvent, CaseRules, CaseState, Command, Result, TransitionError, Transitioned,
};
use crate::calendar::{statutory_working_days, DataLinkage};

/// The statutory clock from the linkage plan: `linked_registers` is the
/// number of distinct registers whose data are linked (the requested sources
/// the plan links, and other registers it names). Two or more: 60 working
/// days, as statistics compiled from several sources for anonymous data, or
/// identifiable data linked from several registers; else 30.
pub fn linkage_by_plan(anonymous: bool, linked_registers: usize) -> DataLinkage {
    match (linked_registers, anonymous) {
        (0 | 1, _) => DataLinkage::SingleSource,
        (_, true) => DataLinkage::StatisticsFromSeveralSources,
        (_, false) => DataLinkage::IdentifiableDataFromSeveralRegisters,
    }
}

impl Case {
    /// The case handler sets the statutory clock to `linkage` on `on`, with
    /// a reason (recorded in the `LINKAGE_SET` event). The deadline is
    /// recomputed from the completion date, keeping the working days the
    /// clock was paused. Allowed while the clock runs: under review,
    /// awaiting the applicant after completeness, and decided while awaiting
    /// delivery. A postponed date stays as the applicant was told.
    pub fn set_linkage(
        &self,
        rules: &CaseRules,
        on: Date,
        linkage: DataLinkage,
        reason: &str,
    ) -> Result<Transitioned> {
        if !matches!(
            self.state,
            CaseState::UnderReview | CaseState::AwaitingApplicant | CaseState::Decided
        ) {
            return Err(self.refuse(Command::SetLinkage));
        }
        let (Some(completed_on), Some(previous), Some(deadline)) =
            (self.completed_on, self.linkage, self.statutory_deadline)
        else {
            return Err(TransitionError::ClockNotStarted);
        };
        if self.state == CaseState::Decided && !self.awaiting_delivery() {
            return Err(TransitionError::NothingAwaitingDelivery);
        }
        self.check_date(on)?;
        if reason.trim().is_empty() {
            return Err(TransitionError::LinkageWithoutReason);
        }
        if linkage == previous {
            return Err(TransitionError::LinkageUnchanged { linkage });
        }
        let cal = &rules.calendar;
        let counted = cal.working_days_between(completed_on, deadline);
        let paused = counted - i64::from(statutory_working_days(previous));
        let total = i64::from(statutory_working_days(linkage)) + paused.max(0);
        let statutory_deadline =
            cal.add_working_days(completed_on, u32::try_from(total).unwrap_or(u32::MAX));
        let mut case = self.next(on, self.state);
        case.linkage = Some(linkage);
        case.statutory_deadline = Some(statutory_deadline);
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::LinkageSet {
                on,
                linkage,
                previous,
                statutory_deadline,
                reason: reason.to_owned(),
            }],
        })
    }
}
