//! What a case handler decides about a case's fees: a waiver (fritak) of a
//! party's fee with a recorded reason, and an estimate of HDS's hours for
//! the cost estimate. Each is written with its audit event under the
//! case's lock.

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel::PgConnection;
use hds_domain::catalogue::Problem;
use hds_domain::fees::{check_hour_range, check_waiver, Covers, HourRange, Waiver};
use serde_json::json;
use uuid::Uuid;

use super::codes::{self, party_of};
use super::inputs::case_fees;
use super::rows::{EstimateRow, WaiverRow};
use super::FeeError;
use crate::audit::{self, NewAuditEvent};
use crate::cases::{self, Ctx};
use crate::schema::{case_fee_estimates, fee_waivers};

/// Records a waiver of `party`'s fee on the case: the party must invoice on
/// the case (HDS, or the party of one of its sources).
pub fn record_waiver(
    conn: &mut PgConnection,
    case_id: Uuid,
    party: &str,
    covers: Covers,
    reason: &str,
    ctx: &Ctx<'_>,
) -> Result<WaiverRow, FeeError> {
    conn.transaction(|conn| {
        cases::lock(conn, case_id, None)?;
        let fees = case_fees(conn, case_id)?;
        let waiver = Waiver {
            party: party_of(party),
            covers,
            reason: reason.trim().to_owned(),
            granted_by: ctx.actor.to_owned(),
            granted_on: ctx.on(),
        };
        let mut problems = check_waiver(&waiver);
        if !fees.party_codes().iter().any(|c| c == party) {
            problems.push(Problem::new(
                "/party",
                "NOT_A_PARTY",
                format!(
                    "{party} does not invoice on this case; the parties are {}",
                    fees.party_codes().join(", ")
                ),
            ));
        }
        if !problems.is_empty() {
            return Err(FeeError::Invalid(problems));
        }
        let row: WaiverRow = diesel::insert_into(fee_waivers::table)
            .values((
                fee_waivers::case_id.eq(case_id),
                fee_waivers::party.eq(party),
                fee_waivers::covers.eq(covers.as_str()),
                fee_waivers::reason.eq(&waiver.reason),
                fee_waivers::granted_on.eq(waiver.granted_on),
                fee_waivers::granted_at.eq(ctx.at),
                fee_waivers::granted_by.eq(ctx.actor),
            ))
            .returning(WaiverRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor: ctx.actor,
                action: "FEE_WAIVED",
                entity_type: "case",
                entity_id: &case_id.to_string(),
                before_state: None,
                after_state: Some(json!({
                    "waiverId": row.id, "party": row.party, "covers": row.covers,
                    "reason": row.reason, "grantedOn": row.granted_on.to_string(),
                })),
                request_id: ctx.request_id,
            },
        )?;
        Ok(row)
    })
}

/// Sets the case handler's estimate of HDS's hours on the case (replacing
/// an earlier one), with its audit event.
pub fn set_hds_estimate(
    conn: &mut PgConnection,
    case_id: Uuid,
    range: HourRange,
    ctx: &Ctx<'_>,
) -> Result<EstimateRow, FeeError> {
    conn.transaction(|conn| {
        cases::lock(conn, case_id, None)?;
        let problems = check_hour_range(&range);
        if !problems.is_empty() {
            return Err(FeeError::Invalid(
                problems.into_iter().map(|p| p.under("/hdsHours")).collect(),
            ));
        }
        let before: Option<EstimateRow> = case_fee_estimates::table
            .find(case_id)
            .select(EstimateRow::as_select())
            .first(conn)
            .optional()?;
        let row: EstimateRow = diesel::insert_into(case_fee_estimates::table)
            .values((
                case_fee_estimates::case_id.eq(case_id),
                case_fee_estimates::low_hundredths.eq(codes::hundredths(range.low)?),
                case_fee_estimates::high_hundredths.eq(codes::hundredths(range.high)?),
                case_fee_estimates::set_at.eq(ctx.at),
                case_fee_estimates::set_by.eq(ctx.actor),
            ))
            .on_conflict(case_fee_estimates::case_id)
            .do_update()
            .set((
                case_fee_estimates::low_hundredths.eq(excluded(case_fee_estimates::low_hundredths)),
                case_fee_estimates::high_hundredths
                    .eq(excluded(case_fee_estimates::high_hundredths)),
                case_fee_estimates::set_at.eq(excluded(case_fee_estimates::set_at)),
                case_fee_estimates::set_by.eq(excluded(case_fee_estimates::set_by)),
            ))
            .returning(EstimateRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor: ctx.actor,
                action: "FEE_ESTIMATE_SET",
                entity_type: "case",
                entity_id: &case_id.to_string(),
                before_state: before.map(|b| json!({"lowHundredths": b.low_hundredths, "highHundredths": b.high_hundredths})),
                after_state: Some(json!({"lowHundredths": row.low_hundredths, "highHundredths": row.high_hundredths})),
                request_id: ctx.request_id,
            },
        )?;
        Ok(row)
    })
}
