//! Making the data available (tilgjengeliggjøring): after the decision, each
//! granted source's custodian prepares and delivers its part, and the
//! statutory clock runs until the last part is delivered or reported
//! undeliverable (helseregisterloven § 19 f: "Tilgjengeliggjøring av
//! helseopplysninger skal skje innen 30 virkedager fra en fullstendig søknad
//! er mottatt").
//!
//! - A granted (or partly granted) source is *open* until its custodian
//!   records a delivery or reports, with a reason, that it cannot deliver.
//!   The case is *awaiting delivery* while a granted source is open
//!   ([`Case::awaiting_delivery`]): a flag beside the state, since delivery
//!   runs alongside any appeal of the same decision.
//! - Each source's due date ([`Case::part_due_date`]) is the case's due date
//!   (statutory deadline, or HDS's later postponed date for the whole case),
//!   or the later date its custodian postponed its own part to. The case's
//!   due date after the decision is the earliest due date of its open
//!   sources: the next part that can become late.
//! - The clock stops on the day the last granted source is delivered or
//!   reported undeliverable ([`Case::data_made_available_on`]); that command
//!   also returns `DATA_MADE_AVAILABLE`.
//! - A custodian may agree a delivery date (avtalt frist, seed 004) with the
//!   applicant: from today up to its source's due date. A later date needs a
//!   postponement with a preliminary reply first, because the statutory
//!   deadline binds unless it is postponed (§ 19 f second paragraph).

use time::Date;

use super::table::code_traits;
use super::{
    Case, CaseEvent, CaseRules, CaseState, Command, DecisionOutcome, Postponement, Result,
    TransitionError, Transitioned,
};

/// How the data were delivered (utleveringsmåte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryMethod {
    Email,
    SecureFileTransfer,
    RemoteAccess,
    PhysicalMedia,
    Other,
}

impl DeliveryMethod {
    pub const ALL: [DeliveryMethod; 5] = [
        Self::Email,
        Self::SecureFileTransfer,
        Self::RemoteAccess,
        Self::PhysicalMedia,
        Self::Other,
    ];

    /// `EMAIL`, `SECURE_FILE_TRANSFER`, `REMOTE_ACCESS`, `PHYSICAL_MEDIA` or `OTHER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "EMAIL",
            Self::SecureFileTransfer => "SECURE_FILE_TRANSFER",
            Self::RemoteAccess => "REMOTE_ACCESS",
            Self::PhysicalMedia => "PHYSICAL_MEDIA",
            Self::Other => "OTHER",
        }
    }
}

code_traits!(DeliveryMethod, "delivery method");

/// How a granted source's part ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Settlement {
    /// Delivered (utlevert) to the applicant on `delivered_on`.
    Delivered {
        delivered_on: Date,
        method: DeliveryMethod,
        /// The custodian's code.
        custodian: String,
    },
    /// The custodian reported on `reported_on` that the data cannot be
    /// delivered, and why.
    CannotDeliver {
        reported_on: Date,
        reason: String,
        custodian: String,
    },
}

impl Settlement {
    /// The day the part ended: the delivery date or the day of the report.
    pub fn on(&self) -> Date {
        match self {
            Self::Delivered { delivered_on, .. } => *delivered_on,
            Self::CannotDeliver { reported_on, .. } => *reported_on,
        }
    }
}

/// A custodian's part in making one granted source's data available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryPart {
    /// The data source's code.
    pub data_source: String,
    /// The custodian's postponement of this part with a preliminary reply,
    /// if any (the latest).
    pub postponement: Option<Postponement>,
    /// The delivery date the custodian agreed with the applicant (avtalt frist).
    pub agreed_on: Option<Date>,
    /// Delivered or reported undeliverable; `None` while open.
    pub settlement: Option<Settlement>,
    /// The day the part was due when it ended: its lateness is counted
    /// against this, whatever a later postponement of the case moves.
    /// `None` while open (and for parts stored before it was kept).
    pub settled_due_on: Option<Date>,
}

impl DeliveryPart {
    fn new(data_source: &str) -> Self {
        Self {
            data_source: data_source.to_owned(),
            postponement: None,
            agreed_on: None,
            settlement: None,
            settled_due_on: None,
        }
    }
}

/// A delivery as the custodian reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub data_source: String,
    /// The custodian's code.
    pub custodian: String,
    /// The day the data reached the applicant (on or after the decision, not
    /// after the day it is recorded).
    pub delivered_on: Date,
    pub method: DeliveryMethod,
}

/// The dates a custodian's preparation task shows for its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartDeadlines {
    /// 30 or 60 working days after completeness, moved by pauses.
    pub statutory_deadline: Date,
    /// The statutory deadline or a later postponed date (the case's or this
    /// part's own).
    pub due_on: Date,
    /// The agreed delivery date (avtalt frist), if one is set.
    pub agreed_on: Option<Date>,
}

/// How making the data available went, once every granted source is
/// delivered or reported undeliverable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeliness {
    /// The day the clock stopped.
    pub made_available_on: Date,
    /// The most working days any source was late against its due date (0:
    /// every source in time).
    pub working_days_late: u32,
    /// The sources delivered or reported after their due date.
    pub late_sources: Vec<String>,
}

impl Case {
    /// The sources the current decision grants in full or in part, in its
    /// order. Empty before a decision.
    pub fn granted_sources(&self) -> Vec<&str> {
        self.decision
            .as_ref()
            .map(|d| {
                d.sources
                    .iter()
                    .filter(|s| s.outcome != DecisionOutcome::Refused)
                    .map(|s| s.data_source.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The custodian's part for `data_source`, if anything was recorded for it.
    pub fn delivery_part(&self, data_source: &str) -> Option<&DeliveryPart> {
        self.delivery_parts
            .iter()
            .find(|p| p.data_source == data_source)
    }

    fn settlement_of(&self, data_source: &str) -> Option<&Settlement> {
        self.delivery_part(data_source)
            .and_then(|p| p.settlement.as_ref())
    }

    /// The granted sources not yet delivered nor reported undeliverable.
    pub fn undelivered_sources(&self) -> Vec<&str> {
        self.granted_sources()
            .into_iter()
            .filter(|s| self.settlement_of(s).is_none())
            .collect()
    }

    /// The states in which a decision's data are being made available.
    pub(super) fn in_delivery_phase(&self) -> bool {
        matches!(
            self.state,
            CaseState::Decided | CaseState::Appealed | CaseState::ForwardedToAppealsBody
        ) && self.decision.is_some()
    }

    /// Decided, and a granted source is neither delivered nor reported
    /// undeliverable: the statutory clock still runs.
    pub fn awaiting_delivery(&self) -> bool {
        self.in_delivery_phase() && !self.undelivered_sources().is_empty()
    }

    /// The day the data were made available: the last granted source
    /// delivered or reported undeliverable. `None` while a granted source is
    /// open, and when nothing was granted.
    pub fn data_made_available_on(&self) -> Option<Date> {
        let granted = self.granted_sources();
        if granted.is_empty() {
            return None;
        }
        granted
            .iter()
            .map(|s| self.settlement_of(s).map(Settlement::on))
            .collect::<Option<Vec<Date>>>()
            .and_then(|dates| dates.into_iter().max())
    }

    /// The case-wide due date: the statutory deadline, or HDS's postponed
    /// date when later. `None` before completeness.
    pub(super) fn case_due_date(&self) -> Option<Date> {
        let postponed = self.postponement.as_ref().map(|p| p.expected_on);
        match (self.statutory_deadline, postponed) {
            (Some(s), Some(p)) => Some(s.max(p)),
            (s, p) => s.or(p),
        }
    }

    /// The date a granted source is due: the case-wide due date, or its
    /// custodian's later postponed date; once the part has ended, the date
    /// it was due then (a later postponement of the case moves only the
    /// open parts). `None` if the source is not granted.
    pub fn part_due_date(&self, data_source: &str) -> Option<Date> {
        if !self.granted_sources().contains(&data_source) {
            return None;
        }
        if let Some(due) = self
            .delivery_part(data_source)
            .and_then(|p| p.settled_due_on)
        {
            return Some(due);
        }
        let case_due = self.case_due_date()?;
        let own = self
            .delivery_part(data_source)
            .and_then(|p| p.postponement.as_ref())
            .map(|p| p.expected_on);
        Some(own.map_or(case_due, |d| d.max(case_due)))
    }

    /// The dates the custodian's preparation task for `data_source` shows.
    pub fn part_deadlines(&self, data_source: &str) -> Option<PartDeadlines> {
        Some(PartDeadlines {
            statutory_deadline: self.statutory_deadline?,
            due_on: self.part_due_date(data_source)?,
            agreed_on: self.delivery_part(data_source).and_then(|p| p.agreed_on),
        })
    }

    /// After the decision: the earliest due date of the open granted sources.
    pub(super) fn delivery_due_date(&self) -> Option<Date> {
        if !self.in_delivery_phase() {
            return None;
        }
        self.undelivered_sources()
            .into_iter()
            .filter_map(|s| self.part_due_date(s))
            .min()
    }

    /// Once the data are made available: when, and which sources were late.
    pub fn timeliness(&self, rules: &CaseRules) -> Option<Timeliness> {
        let made_available_on = self.data_made_available_on()?;
        let mut working_days_late = 0;
        let mut late_sources = Vec::new();
        for source in self.granted_sources() {
            let (Some(done), Some(due)) = (
                self.settlement_of(source).map(Settlement::on),
                self.part_due_date(source),
            ) else {
                continue;
            };
            let late = late_by(rules, due, done);
            if late > 0 {
                late_sources.push(source.to_owned());
                working_days_late = working_days_late.max(late);
            }
        }
        Some(Timeliness {
            made_available_on,
            working_days_late,
            late_sources,
        })
    }

    /// Refuses `command` unless the case is in the delivery phase and
    /// `data_source` is granted and open; returns the source's due date.
    fn open_part(&self, command: Command, data_source: &str) -> Result<Date> {
        if !matches!(
            self.state,
            CaseState::Decided | CaseState::Appealed | CaseState::ForwardedToAppealsBody
        ) {
            return Err(self.refuse(command));
        }
        let Some(due) = self.part_due_date(data_source) else {
            return Err(TransitionError::SourceNotGranted {
                data_source: data_source.to_owned(),
            });
        };
        if let Some(s) = self.settlement_of(data_source) {
            return Err(TransitionError::AlreadySettled {
                data_source: data_source.to_owned(),
                on: s.on(),
            });
        }
        Ok(due)
    }

    /// `case` with `data_source`'s part changed by `change`.
    fn with_part(
        mut case: Case,
        data_source: &str,
        change: impl FnOnce(&mut DeliveryPart),
    ) -> Case {
        if let Some(part) = case
            .delivery_parts
            .iter_mut()
            .find(|p| p.data_source == data_source)
        {
            change(part);
        } else {
            let mut part = DeliveryPart::new(data_source);
            change(&mut part);
            case.delivery_parts.push(part);
        }
        case
    }

    /// The custodian agrees a delivery date (avtalt frist) with the applicant
    /// on `on`: not before `on`, and not after the source's due date (a later
    /// date needs [`postpone_delivery`](Self::postpone_delivery) first). May
    /// be changed by agreeing again.
    pub fn agree_delivery_date(
        &self,
        on: Date,
        data_source: &str,
        custodian: &str,
        agreed_on: Date,
    ) -> Result<Transitioned> {
        let due_on = self.open_part(Command::AgreeDeliveryDate, data_source)?;
        self.check_date(on)?;
        if agreed_on < on {
            return Err(TransitionError::AgreedDateInThePast {
                agreed_on,
                today: on,
            });
        }
        if agreed_on > due_on {
            return Err(TransitionError::AgreedDateAfterDueDate { agreed_on, due_on });
        }
        let case = Self::with_part(self.next(on, self.state), data_source, |p| {
            p.agreed_on = Some(agreed_on);
        });
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::DeliveryDateAgreed {
                on,
                data_source: data_source.to_owned(),
                custodian: custodian.to_owned(),
                agreed_on,
            }],
        })
    }

    /// The custodian postpones its source's delivery on `on` with a
    /// preliminary reply (foreløpig svar) to the applicant: `reason` and the
    /// date the data will probably be made available, which must be later
    /// than the source's due date and not in the past. Only this source's
    /// due date moves; the case's due date moves with it once it is the
    /// earliest open one.
    pub fn postpone_delivery(
        &self,
        on: Date,
        data_source: &str,
        custodian: &str,
        expected_on: Date,
        reason: &str,
    ) -> Result<Transitioned> {
        let current = self.open_part(Command::PostponeDelivery, data_source)?;
        self.check_date(on)?;
        if reason.trim().is_empty() {
            return Err(TransitionError::PostponementWithoutReason);
        }
        if expected_on <= current {
            return Err(TransitionError::PostponementNotLater {
                expected_on,
                current_deadline: current,
            });
        }
        if expected_on < on {
            return Err(TransitionError::PostponementInThePast {
                expected_on,
                today: on,
            });
        }
        let case = Self::with_part(self.next(on, self.state), data_source, |p| {
            p.postponement = Some(Postponement {
                postponed_on: on,
                expected_on,
                reason: reason.to_owned(),
            });
        });
        Ok(Transitioned {
            case,
            events: vec![CaseEvent::DeliveryPostponed {
                on,
                data_source: data_source.to_owned(),
                custodian: custodian.to_owned(),
                previous_due_date: current,
                expected_on,
                reason: reason.to_owned(),
            }],
        })
    }

    /// Records on `on` that a granted source's data were delivered. When it
    /// was the last open source, the data are made available: the clock
    /// stops and `DATA_MADE_AVAILABLE` follows.
    pub fn record_delivery(
        &self,
        rules: &CaseRules,
        on: Date,
        delivery: NewDelivery,
    ) -> Result<Transitioned> {
        let due_on = self.open_part(Command::RecordDelivery, &delivery.data_source)?;
        self.check_date(on)?;
        let decided_on =
            self.decision
                .as_ref()
                .map(|d| d.decided_on)
                .ok_or(TransitionError::Inconsistent(
                    "granted source without a decision",
                ))?;
        if delivery.delivered_on < decided_on || delivery.delivered_on > on {
            return Err(TransitionError::DeliveryDateOutOfRange {
                delivered_on: delivery.delivered_on,
                decided_on,
                recorded_on: on,
            });
        }
        let event = CaseEvent::Delivered {
            on,
            data_source: delivery.data_source.clone(),
            custodian: delivery.custodian.clone(),
            delivered_on: delivery.delivered_on,
            method: delivery.method,
            due_on,
        };
        let case = Self::with_part(self.next(on, self.state), &delivery.data_source, |p| {
            p.settlement = Some(Settlement::Delivered {
                delivered_on: delivery.delivered_on,
                method: delivery.method,
                custodian: delivery.custodian,
            });
            p.settled_due_on = Some(due_on);
        });
        Ok(Self::settled(rules, on, case, event))
    }

    /// Records on `on` the custodian's report that a granted source's data
    /// cannot be delivered, with the reason the applicant reads. It ends the
    /// part like a delivery: the clock stops when it was the last.
    pub fn report_cannot_deliver(
        &self,
        rules: &CaseRules,
        on: Date,
        data_source: &str,
        custodian: &str,
        reason: &str,
    ) -> Result<Transitioned> {
        let due_on = self.open_part(Command::ReportCannotDeliver, data_source)?;
        self.check_date(on)?;
        if reason.trim().is_empty() {
            return Err(TransitionError::CannotDeliverWithoutReason);
        }
        let event = CaseEvent::CannotDeliver {
            on,
            data_source: data_source.to_owned(),
            custodian: custodian.to_owned(),
            reason: reason.to_owned(),
            due_on,
        };
        let case = Self::with_part(self.next(on, self.state), data_source, |p| {
            p.settlement = Some(Settlement::CannotDeliver {
                reported_on: on,
                reason: reason.to_owned(),
                custodian: custodian.to_owned(),
            });
            p.settled_due_on = Some(due_on);
        });
        Ok(Self::settled(rules, on, case, event))
    }

    /// The events after a part ended: the part's own, and
    /// `DATA_MADE_AVAILABLE` when it was the last.
    fn settled(rules: &CaseRules, on: Date, case: Case, event: CaseEvent) -> Transitioned {
        let mut events = vec![event];
        if let Some(t) = case.timeliness(rules) {
            events.push(CaseEvent::DataMadeAvailable {
                on,
                made_available_on: t.made_available_on,
                working_days_late: t.working_days_late,
            });
        }
        Transitioned { case, events }
    }
}

/// Working days `done` is after `due` (0 when on or before it).
fn late_by(rules: &CaseRules, due: Date, done: Date) -> u32 {
    u32::try_from(rules.calendar.working_days_between(due, done).max(0)).unwrap_or(u32::MAX)
}
