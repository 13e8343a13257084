//! The bulk import of a data source's variables: upserts by name in chunks,
//! one audit event per change, all in one transaction.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel::PgConnection;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::audit::NewAuditEvent;
use crate::schema::{data_sources, variables};

use super::variables::{
    list_variables, source_id, variable_entity, VariableFilter, VariableInput, VariableRow,
};
use super::{record, Actor, CatalogueError};

/// What a bulk import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Rows per statement in bulk writes (`PostgreSQL` allows 65,535 bind parameters).
const CHUNK: usize = 1000;

/// Applies a validated import to a data source: every row is upserted by name
/// (new names created, changed ones updated with a new version, identical
/// ones left alone), with one audit event per change, all in one transaction.
/// The caller has validated the rows (`validate_variable`, unique names).
pub fn import_variables(
    conn: &mut PgConnection,
    source_code: &str,
    rows: &[VariableInput],
    actor: Actor<'_>,
) -> Result<ImportReport, CatalogueError> {
    conn.transaction(|conn| {
        let source = source_id(conn, source_code)?;
        // Lock the source row: two imports into one source run one after the other.
        data_sources::table.find(source).select(data_sources::id).for_update().first::<Uuid>(conn)?;
        let filter = VariableFilter {
            source: Some(source),
            include_retired: true,
            ..VariableFilter::default()
        };
        let existing: HashMap<String, VariableRow> = list_variables(conn, &filter, None, i64::MAX)?
            .into_iter()
            .map(|row| (row.name.clone(), row))
            .collect();
        let mut report = ImportReport::default();
        let mut changed: Vec<&VariableInput> = Vec::new();
        let mut events: Vec<(String, &'static str, Option<Value>, Value)> = Vec::new();
        for row in rows {
            match existing.get(&row.name) {
                Some(old) if old.same_content(row) => report.unchanged += 1,
                Some(old) => {
                    report.updated += 1;
                    changed.push(row);
                    events.push((row.name.clone(), "VARIABLE_UPDATED", Some(old.audit_json()), row.audit_json(source_code)));
                }
                None => {
                    report.created += 1;
                    changed.push(row);
                    events.push((row.name.clone(), "VARIABLE_CREATED", None, row.audit_json(source_code)));
                }
            }
        }
        for chunk in changed.chunks(CHUNK) {
            let values: Vec<_> = chunk.iter().map(|row| (variables::data_source_id.eq(source), (*row).clone())).collect();
            diesel::insert_into(variables::table)
                .values(&values)
                .on_conflict((variables::data_source_id, variables::name))
                .do_update()
                .set((
                    variables::label_nb.eq(excluded(variables::label_nb)),
                    variables::label_en.eq(excluded(variables::label_en)),
                    variables::description_nb.eq(excluded(variables::description_nb)),
                    variables::description_en.eq(excluded(variables::description_en)),
                    variables::value_type.eq(excluded(variables::value_type)),
                    variables::code_list.eq(excluded(variables::code_list)),
                    variables::period_from.eq(excluded(variables::period_from)),
                    variables::period_to.eq(excluded(variables::period_to)),
                    variables::identifying.eq(excluded(variables::identifying)),
                    variables::sensitive.eq(excluded(variables::sensitive)),
                    variables::version.eq(variables::version + 1),
                    variables::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
        }
        let entities: Vec<String> = events.iter().map(|(name, ..)| variable_entity(source_code, name)).collect();
        let audit_rows: Vec<NewAuditEvent<'_>> = events
            .iter()
            .zip(&entities)
            .map(|((_, action, before, after), entity)| NewAuditEvent {
                actor: actor.who,
                action,
                entity_type: "variable",
                entity_id: entity,
                before_state: before.clone(),
                after_state: Some(after.clone()),
                request_id: actor.request_id,
            })
            .collect();
        for chunk in audit_rows.chunks(CHUNK) {
            diesel::insert_into(crate::schema::audit_events::table).values(chunk).execute(conn)?;
        }
        record(
            conn,
            actor,
            "VARIABLES_IMPORTED",
            "data_source",
            source_code,
            None,
            Some(json!({"created": report.created, "updated": report.updated, "unchanged": report.unchanged})),
        )?;
        Ok(report)
    })
}
