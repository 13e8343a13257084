//! The part of a case a figure looks at: the whole case, or the sources of
//! one group (one data source, one custodian's sources, the sources one
//! authority decides). The rules that read decisions and data per source
//! (when a case is decided, when its data were made available, when the
//! statutory clock stopped) are stated once here, for any such part.

use time::Date;

use super::code_traits;
use super::history::{CaseHistory, DeliveryOutcome, SourceHistory};
use crate::case::{CaseState, DecisionOutcome};

/// What the figures can be broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// Per data source (datakilde): a case counts under each source it asks for.
    DataSource,
    /// Per custodian (registerforvalter): a case counts under each custodian
    /// of its sources.
    Custodian,
    /// Per purpose (formål): a case counts under its one purpose.
    Purpose,
    /// Per decision authority (vedtaksmyndighet), HDS or the custodian: a case
    /// counts under each authority that decides one of its sources.
    DecisionAuthority,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [
        Self::DataSource,
        Self::Custodian,
        Self::Purpose,
        Self::DecisionAuthority,
    ];

    /// `DATA_SOURCE`, `CUSTODIAN`, `PURPOSE` or `DECISION_AUTHORITY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DataSource => "DATA_SOURCE",
            Self::Custodian => "CUSTODIAN",
            Self::Purpose => "PURPOSE",
            Self::DecisionAuthority => "DECISION_AUTHORITY",
        }
    }

    /// Whether `source` belongs to the group `key` (always, for purpose: a
    /// purpose is the whole case's).
    fn selects(self, source: &SourceHistory, key: &str) -> bool {
        match self {
            Self::DataSource => source.data_source == key,
            Self::Custodian => source.custodian == key,
            Self::DecisionAuthority => source.authority.as_str() == key,
            Self::Purpose => true,
        }
    }

    /// The groups a case belongs to in this dimension, each once, in order.
    pub(crate) fn keys(self, case: &CaseHistory) -> Vec<&str> {
        let mut keys: Vec<&str> = match self {
            Self::Purpose => vec![case.purpose.as_str()],
            Self::DataSource => case
                .sources
                .iter()
                .map(|s| s.data_source.as_str())
                .collect(),
            Self::Custodian => case.sources.iter().map(|s| s.custodian.as_str()).collect(),
            Self::DecisionAuthority => case.sources.iter().map(|s| s.authority.as_str()).collect(),
        };
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

code_traits!(Dimension, "dimension");

/// A case seen through some of its sources.
#[derive(Debug, Clone)]
pub(crate) struct CaseView<'a> {
    pub case: &'a CaseHistory,
    pub sources: Vec<&'a SourceHistory>,
}

fn grants(outcome: DecisionOutcome) -> bool {
    outcome != DecisionOutcome::Refused
}

impl<'a> CaseView<'a> {
    /// The whole case, all its sources.
    pub fn whole(case: &'a CaseHistory) -> Self {
        Self {
            case,
            sources: case.sources.iter().collect(),
        }
    }

    /// The case as it concerns group `key` of `dimension`; `None` when the
    /// case is not in that group.
    pub fn group(case: &'a CaseHistory, dimension: Dimension, key: &str) -> Option<Self> {
        if dimension == Dimension::Purpose {
            return (case.purpose.as_str() == key).then(|| Self::whole(case));
        }
        let sources: Vec<_> = case
            .sources
            .iter()
            .filter(|s| dimension.selects(s, key))
            .collect();
        (!sources.is_empty()).then_some(Self { case, sources })
    }

    /// The day the first decision was made for every source in view: the
    /// latest of their first decisions. `None` while one is undecided.
    pub fn decided_on(&self) -> Option<Date> {
        let mut last: Option<Date> = None;
        for s in &self.sources {
            let d = s.first_decision()?;
            last = Some(last.map_or(d.on, |l| l.max(d.on)));
        }
        last
    }

    /// The outcome of the first decisions in view, once all are made:
    /// granted when every source was granted in full, refused when every
    /// source was refused, otherwise partly granted.
    pub fn outcome(&self) -> Option<DecisionOutcome> {
        self.decided_on()?;
        let first = || self.sources.iter().filter_map(|s| s.first_decision());
        Some(if first().all(|d| d.outcome == DecisionOutcome::Granted) {
            DecisionOutcome::Granted
        } else if first().all(|d| d.outcome == DecisionOutcome::Refused) {
            DecisionOutcome::Refused
        } else {
            DecisionOutcome::PartlyGranted
        })
    }

    /// The sources in view whose decision in force grants access (in full
    /// or in part).
    fn granted_now(&self) -> impl Iterator<Item = &&'a SourceHistory> {
        self.sources
            .iter()
            .filter(|s| s.current_decision().is_some_and(|d| grants(d.outcome)))
    }

    /// The day the data were made available: every source in view is decided,
    /// at least one is granted by the decision in force, and the custodian of
    /// each granted source has made its final report (delivered, or cannot
    /// deliver). The latest of those reports.
    pub fn data_made_available_on(&self) -> Option<Date> {
        if self.sources.iter().any(|s| s.current_decision().is_none()) {
            return None;
        }
        let mut last: Option<Date> = None;
        for s in self.granted_now() {
            let d = s.delivery?;
            last = Some(last.map_or(d.on, |l| l.max(d.on)));
        }
        last
    }

    /// A granted source's custodian reported that it cannot deliver.
    pub fn cannot_deliver(&self) -> bool {
        self.granted_now().any(|s| {
            s.delivery
                .is_some_and(|d| d.outcome == DeliveryOutcome::CannotDeliver)
        })
    }

    /// A source in view is granted by the decision in force and its data have
    /// not been reported on yet.
    pub fn awaiting_data(&self) -> bool {
        self.granted_now().any(|s| s.delivery.is_none())
    }

    /// The day the statutory clock stopped (helseregisterloven § 19 f: it
    /// runs until the data are made available): when the first decision
    /// granted nothing in view, the day of that decision; otherwise the day
    /// the custodians had made their final report on every source the first
    /// decision granted. A reversal on appeal starts no new statutory clock.
    pub fn clock_stopped_on(&self) -> Option<Date> {
        let decided_on = self.decided_on()?;
        let mut last: Option<Date> = None;
        for s in &self.sources {
            if s.first_decision().is_some_and(|d| grants(d.outcome)) {
                let d = s.delivery?;
                last = Some(last.map_or(d.on, |l| l.max(d.on)));
            }
        }
        Some(last.unwrap_or(decided_on))
    }

    /// Whether the statutory clock runs at the end of `day`; the case must be
    /// seen as of `day` ([`CaseHistory::as_of`]). It runs from completeness
    /// until it stops, while the case is under review, awaiting the applicant
    /// (only when questions do not pause it), or decided with granted data
    /// still to come. It does not run for a withdrawn or rejected case.
    pub fn clock_runs_on(&self, day: Date, pause_while_awaiting_applicant: bool) -> bool {
        let Some(state) = self.case.state_on(day) else {
            return false;
        };
        if self.case.completed_on.is_none() || self.clock_stopped_on().is_some() {
            return false;
        }
        match state {
            CaseState::UnderReview => true,
            CaseState::AwaitingApplicant => !pause_while_awaiting_applicant,
            CaseState::Decided
            | CaseState::Appealed
            | CaseState::ForwardedToAppealsBody
            | CaseState::Closed => self.awaiting_data(),
            CaseState::Submitted | CaseState::RejectedNoReply | CaseState::Withdrawn => false,
        }
    }

    /// Overdue at the end of `day`: the clock runs and the statutory deadline
    /// in force has passed (it is before `day`). Seen as of `day`.
    pub fn overdue_on(&self, day: Date, pause_while_awaiting_applicant: bool) -> bool {
        self.clock_runs_on(day, pause_while_awaiting_applicant)
            && self
                .case
                .statutory_deadline_on(day)
                .is_some_and(|due| due < day)
    }
}
