//! Making the data available (tilgjengeliggjøring), as case handling stores
//! it: each granted source's part (the custodian's postponement with a
//! preliminary reply, the agreed delivery date, and how it ended) is a
//! `case_delivery_parts` row, loaded into the domain case's
//! [`DeliveryPart`]s. The commands here run the domain's delivery-phase
//! commands on the locked case and write the case (due date, awaiting
//! delivery, version), its applicant-visible events, the audit event and
//! the part, in the caller's transaction: a custodian's task action and its
//! effect on the case are one change.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::case::{
    CaseEvent, CaseRules, Command, DeliveryMethod, DeliveryPart, NewDelivery, PartDeadlines,
    Postponement, Settlement, Transitioned,
};
use serde_json::{json, Value};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::schema::{case_delivery_parts, case_sources, custodians, data_sources};

use super::commit::{commit, no_extra};
use super::load::{lock, to_domain};
use super::rows::CaseRecord;
use super::{Ctx, Result};

const DELIVERED: &str = "DELIVERED";
const CANNOT_DELIVER: &str = "CANNOT_DELIVER";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_delivery_parts)]
struct PartRow {
    postponed_on: Option<Date>,
    postponement_expected_on: Option<Date>,
    postponement_reason: Option<String>,
    agreed_on: Option<Date>,
    settlement: Option<String>,
    settled_on: Option<Date>,
    settled_due_on: Option<Date>,
    method: Option<String>,
    reason: Option<String>,
}

fn to_part(row: PartRow, source: String, custodian: Option<String>) -> DeliveryPart {
    let postponement = match (
        row.postponed_on,
        row.postponement_expected_on,
        row.postponement_reason,
    ) {
        (Some(postponed_on), Some(expected_on), Some(reason)) => Some(Postponement {
            postponed_on,
            expected_on,
            reason,
        }),
        _ => None,
    };
    let custodian = custodian.unwrap_or_default();
    let settlement = match (row.settlement.as_deref(), row.settled_on) {
        (Some(DELIVERED), Some(delivered_on)) => Some(Settlement::Delivered {
            delivered_on,
            method: row
                .method
                .as_deref()
                .and_then(|m| m.parse().ok())
                .unwrap_or(DeliveryMethod::Other),
            custodian,
        }),
        (Some(CANNOT_DELIVER), Some(reported_on)) => Some(Settlement::CannotDeliver {
            reported_on,
            reason: row.reason.unwrap_or_default(),
            custodian,
        }),
        _ => None,
    };
    DeliveryPart {
        data_source: source,
        postponement,
        agreed_on: row.agreed_on,
        settlement,
        settled_due_on: row.settled_due_on,
    }
}

/// The custodians' parts of a case, in the order first recorded.
pub fn delivery_parts(
    conn: &mut PgConnection,
    case_id: Uuid,
) -> std::result::Result<Vec<DeliveryPart>, diesel::result::Error> {
    let rows: Vec<(PartRow, String, Option<String>)> = case_delivery_parts::table
        .inner_join(data_sources::table)
        .left_join(
            custodians::table.on(custodians::id
                .nullable()
                .eq(case_delivery_parts::settled_by_custodian_id)),
        )
        .filter(case_delivery_parts::case_id.eq(case_id))
        .order((
            case_delivery_parts::created_at.asc(),
            data_sources::code.asc(),
        ))
        .select((
            PartRow::as_select(),
            data_sources::code,
            custodians::code.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, source, custodian)| to_part(row, source, custodian))
        .collect())
}

/// Writes the domain case's parts (insert or update, one row per source).
fn save_parts(
    conn: &mut PgConnection,
    case_id: Uuid,
    parts: &[DeliveryPart],
    at: OffsetDateTime,
) -> Result<()> {
    for p in parts {
        let source: Uuid = case_sources::table
            .filter(case_sources::case_id.eq(case_id))
            .filter(case_sources::data_source_code.eq(&p.data_source))
            .select(case_sources::data_source_id)
            .first(conn)?;
        let (kind, on, method, reason, custodian) = match &p.settlement {
            None => (None, None, None, None, None),
            Some(Settlement::Delivered {
                delivered_on,
                method,
                custodian,
            }) => (
                Some(DELIVERED),
                Some(*delivered_on),
                Some(method.as_str()),
                None,
                Some(custodian),
            ),
            Some(Settlement::CannotDeliver {
                reported_on,
                reason,
                custodian,
            }) => (
                Some(CANNOT_DELIVER),
                Some(*reported_on),
                None,
                Some(reason.as_str()),
                Some(custodian),
            ),
        };
        let custodian_id: Option<Uuid> = match custodian {
            Some(code) => Some(
                custodians::table
                    .filter(custodians::code.eq(code))
                    .select(custodians::id)
                    .first(conn)?,
            ),
            None => None,
        };
        let values = (
            case_delivery_parts::postponed_on.eq(p.postponement.as_ref().map(|x| x.postponed_on)),
            case_delivery_parts::postponement_expected_on
                .eq(p.postponement.as_ref().map(|x| x.expected_on)),
            case_delivery_parts::postponement_reason
                .eq(p.postponement.as_ref().map(|x| x.reason.as_str())),
            case_delivery_parts::agreed_on.eq(p.agreed_on),
            case_delivery_parts::settlement.eq(kind),
            case_delivery_parts::settled_on.eq(on),
            case_delivery_parts::settled_due_on.eq(p.settled_due_on),
            case_delivery_parts::method.eq(method),
            case_delivery_parts::reason.eq(reason),
            case_delivery_parts::settled_by_custodian_id.eq(custodian_id),
            case_delivery_parts::updated_at.eq(at),
        );
        diesel::insert_into(case_delivery_parts::table)
            .values((
                case_delivery_parts::case_id.eq(case_id),
                case_delivery_parts::data_source_id.eq(source),
                case_delivery_parts::created_at.eq(at),
                values,
            ))
            .on_conflict((
                case_delivery_parts::case_id,
                case_delivery_parts::data_source_id,
            ))
            .do_update()
            .set(values)
            .execute(conn)?;
    }
    Ok(())
}

/// Writes a delivery-phase transition: the case and its events (commit),
/// then the parts.
fn write(
    conn: &mut PgConnection,
    rec: &CaseRecord,
    t: &Transitioned,
    ctx: &Ctx<'_>,
    command: Command,
) -> Result<CaseRecord> {
    let updated = commit(conn, rec, t, ctx, command, rec.open_question_id, &no_extra)?;
    save_parts(conn, rec.id, &t.case.delivery_parts, ctx.at)?;
    Ok(updated)
}

/// A custodian delivered a granted source's data: the case records it (the
/// clock stops when it was the last open source).
pub fn record_delivery(
    conn: &mut PgConnection,
    case_id: Uuid,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    delivery: NewDelivery,
) -> Result<CaseRecord> {
    let rec = lock(conn, case_id, None)?;
    let t = to_domain(conn, &rec)?.record_delivery(rules, ctx.on(), delivery)?;
    write(conn, &rec, &t, ctx, Command::RecordDelivery)
}

/// A custodian reported that a granted source's data cannot be delivered.
pub fn report_cannot_deliver(
    conn: &mut PgConnection,
    case_id: Uuid,
    ctx: &Ctx<'_>,
    rules: &CaseRules,
    data_source: &str,
    custodian: &str,
    reason: &str,
) -> Result<CaseRecord> {
    let rec = lock(conn, case_id, None)?;
    let t = to_domain(conn, &rec)?.report_cannot_deliver(
        rules,
        ctx.on(),
        data_source,
        custodian,
        reason,
    )?;
    write(conn, &rec, &t, ctx, Command::ReportCannotDeliver)
}

/// A custodian postpones its source's delivery with a preliminary reply.
pub fn postpone_delivery(
    conn: &mut PgConnection,
    case_id: Uuid,
    ctx: &Ctx<'_>,
    data_source: &str,
    custodian: &str,
    expected_on: Date,
    reason: &str,
) -> Result<CaseRecord> {
    let rec = lock(conn, case_id, None)?;
    let t = to_domain(conn, &rec)?.postpone_delivery(
        ctx.on(),
        data_source,
        custodian,
        expected_on,
        reason,
    )?;
    write(conn, &rec, &t, ctx, Command::PostponeDelivery)
}

/// A custodian agrees a delivery date (avtalt frist) with the applicant.
pub fn agree_delivery_date(
    conn: &mut PgConnection,
    case_id: Uuid,
    ctx: &Ctx<'_>,
    data_source: &str,
    custodian: &str,
    agreed_on: Date,
) -> Result<CaseRecord> {
    let rec = lock(conn, case_id, None)?;
    let t =
        to_domain(conn, &rec)?.agree_delivery_date(ctx.on(), data_source, custodian, agreed_on)?;
    write(conn, &rec, &t, ctx, Command::AgreeDeliveryDate)
}

/// Where one granted source's part stands, for its custodian's task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartStatus {
    /// Statutory deadline, the source's due date and the agreed date; `None`
    /// before the clock started or when the source is not granted.
    pub deadlines: Option<PartDeadlines>,
    /// The custodian's own postponement of this source (foreløpig svar).
    pub postponement: Option<Postponement>,
    /// HDS's postponement of the whole case, if any.
    pub case_postponement: Option<Postponement>,
}

/// The part of `data_source` in the case, as its custodian's task shows it.
pub fn part_status(
    conn: &mut PgConnection,
    case_id: Uuid,
    data_source: &str,
) -> Result<PartStatus> {
    let rec = super::load::find(conn, case_id)?;
    let case = to_domain(conn, &rec)?;
    Ok(PartStatus {
        deadlines: case.part_deadlines(data_source),
        postponement: case
            .delivery_part(data_source)
            .and_then(|p| p.postponement.clone()),
        case_postponement: case.postponement.clone(),
    })
}

/// The applicant-visible data of a delivery-phase event (dates YYYY-MM-DD).
pub(super) fn event_data(event: &CaseEvent) -> Value {
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
