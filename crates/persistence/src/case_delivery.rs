//! Making the data available, as the case sees it (issue 12): the custodians'
//! deliveries and "cannot deliver" reports loaded into the domain case's
//! [`DeliveryPart`]s, and the applicant-visible data of the delivery-phase
//! case events.
//!
//! Until the delivery phase is stored with the case (next step), the parts
//! are read from the `DATA_PREPARATION` tasks: a `DELIVERED` task with its
//! `task_deliveries` row, a `CANNOT_DELIVER` task with its reason and the day
//! it was reported (Europe/Oslo). Postponements of a part and agreed delivery
//! dates are not stored yet.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::calendar::oslo_date;
use hds_domain::case::{CaseEvent, DeliveryMethod, DeliveryPart, Settlement};
use serde_json::{json, Value};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::cases::{self, CaseError};
use crate::schema::{
    cases as cases_t, custodian_tasks, custodians, data_sources, task_deliveries, task_events,
};

const DATA_PREPARATION: &str = "DATA_PREPARATION";

/// The delivered and undeliverable parts of a case, one per source, the
/// earliest first.
pub fn delivery_parts(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> Result<Vec<DeliveryPart>, diesel::result::Error> {
    let delivered: Vec<(String, String, Date, String, OffsetDateTime)> = custodian_tasks::table
        .inner_join(custodians::table)
        .inner_join(data_sources::table)
        .inner_join(task_deliveries::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::kind.eq(DATA_PREPARATION))
        .filter(custodian_tasks::state.eq("DELIVERED"))
        .select((
            data_sources::code,
            custodians::code,
            task_deliveries::delivered_on,
            task_deliveries::method,
            task_deliveries::recorded_at,
        ))
        .load(conn)?;
    let reported: Vec<(String, String, Option<String>, OffsetDateTime)> = custodian_tasks::table
        .inner_join(custodians::table)
        .inner_join(data_sources::table)
        .inner_join(task_events::table)
        .filter(custodian_tasks::case_id.eq(case_id))
        .filter(custodian_tasks::kind.eq(DATA_PREPARATION))
        .filter(custodian_tasks::state.eq("CANNOT_DELIVER"))
        .filter(task_events::kind.eq("CANNOT_DELIVER"))
        .select((
            data_sources::code,
            custodians::code,
            custodian_tasks::state_reason,
            task_events::occurred_at,
        ))
        .load(conn)?;
    let mut settled: Vec<(OffsetDateTime, String, Settlement)> = delivered
        .into_iter()
        .map(|(source, custodian, delivered_on, method, at)| {
            let method = method.parse().unwrap_or(DeliveryMethod::Other);
            let s = Settlement::Delivered {
                delivered_on,
                method,
                custodian,
            };
            (at, source, s)
        })
        .chain(reported.into_iter().map(|(source, custodian, reason, at)| {
            let s = Settlement::CannotDeliver {
                reported_on: oslo_date(at),
                reason: reason.unwrap_or_default(),
                custodian,
            };
            (at, source, s)
        }))
        .collect();
    settled.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut parts: Vec<DeliveryPart> = Vec::new();
    for (_, source, settlement) in settled {
        if parts.iter().any(|p| p.data_source == source) {
            continue;
        }
        parts.push(DeliveryPart {
            data_source: source,
            postponement: None,
            agreed_on: None,
            settlement: Some(settlement),
        });
    }
    Ok(parts)
}

/// Recomputes the case's due date after a custodian delivered or reported
/// that data cannot be delivered: the clock stops (`due_on` NULL) when the
/// last granted source ends, so the work queue never shows a case whose data
/// are made available as overdue. The caller holds the case row's lock.
pub fn refresh_due_on(conn: &mut PgConnection, case_id: Uuid) -> Result<(), CaseError> {
    let rec = cases::find(conn, case_id)?;
    let case = cases::to_domain(conn, &rec)?;
    diesel::update(cases_t::table.find(case_id))
        .set(cases_t::due_on.eq(case.due_date()))
        .execute(conn)?;
    Ok(())
}

/// The applicant-visible data of a delivery-phase event (dates YYYY-MM-DD).
pub fn event_data(event: &CaseEvent) -> Value {
    let d = |d: &Date| Value::String(d.to_string());
    match event {
        CaseEvent::LinkageSet {
            on,
            linkage,
            previous,
            statutory_deadline,
            reason,
        } => json!({
            "setOn": d(on), "linkage": linkage.as_str(), "previousLinkage": previous.as_str(),
            "statutoryDeadline": d(statutory_deadline), "reason": reason,
        }),
        CaseEvent::DeliveryDateAgreed {
            on,
            data_source,
            custodian,
            agreed_on,
        } => json!({
            "recordedOn": d(on), "dataSource": data_source, "custodian": custodian,
            "agreedDeliveryDate": d(agreed_on),
        }),
        CaseEvent::DeliveryPostponed {
            on,
            data_source,
            custodian,
            previous_due_date,
            expected_on,
            reason,
        } => json!({
            "postponedOn": d(on), "dataSource": data_source, "custodian": custodian,
            "previousDueDate": d(previous_due_date), "expectedOn": d(expected_on), "reason": reason,
        }),
        CaseEvent::Delivered {
            on,
            data_source,
            custodian,
            delivered_on,
            method,
            due_on,
        } => json!({
            "recordedOn": d(on), "dataSource": data_source, "custodian": custodian,
            "deliveredOn": d(delivered_on), "method": method.as_str(), "dueOn": d(due_on),
        }),
        CaseEvent::CannotDeliver {
            on,
            data_source,
            custodian,
            reason,
            due_on,
        } => json!({
            "reportedOn": d(on), "dataSource": data_source, "custodian": custodian,
            "reason": reason, "dueOn": d(due_on),
        }),
        CaseEvent::DataMadeAvailable {
            on,
            made_available_on,
            working_days_late,
        } => json!({
            "recordedOn": d(on), "madeAvailableOn": d(made_available_on),
            "workingDaysLate": working_days_late,
        }),
        other => json!({ "on": d(&other.on()) }),
    }
}
