//! Service notices (driftsmeldinger).

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::catalogue::{self as rules, MAX_NAME_LEN, MAX_TEXT_LEN};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::schema::service_notices;
use crate::StoreError;

use super::{record, rfc3339, verdict, Actor, CatalogueError};

/// A service notice (driftsmelding).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_notices)]
pub struct NoticeRow {
    pub id: Uuid,
    pub severity: String,
    pub title_nb: String,
    pub title_en: String,
    pub body_nb: String,
    pub body_en: String,
    pub valid_from: OffsetDateTime,
    pub valid_to: OffsetDateTime,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// What an admin sets on a service notice.
#[derive(Debug, Clone)]
pub struct NoticeInput {
    /// INFO, WARNING or CRITICAL (checked by type in the API).
    pub severity: String,
    pub title_nb: String,
    pub title_en: String,
    pub body_nb: String,
    pub body_en: String,
    pub valid_from: OffsetDateTime,
    pub valid_to: OffsetDateTime,
}

pub fn create_notice(
    conn: &mut PgConnection,
    input: &NoticeInput,
    actor: Actor<'_>,
) -> Result<NoticeRow, CatalogueError> {
    let mut invalid = Vec::new();
    rules::check_text("/titleNb", &input.title_nb, MAX_NAME_LEN, &mut invalid);
    rules::check_text("/titleEn", &input.title_en, MAX_NAME_LEN, &mut invalid);
    rules::check_optional_text("/bodyNb", &input.body_nb, MAX_TEXT_LEN, &mut invalid);
    rules::check_optional_text("/bodyEn", &input.body_en, MAX_TEXT_LEN, &mut invalid);
    rules::check_window(
        input.valid_from.unix_timestamp(),
        input.valid_to.unix_timestamp(),
        "/validFrom",
        &mut invalid,
    );
    verdict(invalid, Vec::new())?;
    conn.transaction(|conn| {
        let row: NoticeRow = diesel::insert_into(service_notices::table)
            .values((
                service_notices::severity.eq(&input.severity),
                service_notices::title_nb.eq(&input.title_nb),
                service_notices::title_en.eq(&input.title_en),
                service_notices::body_nb.eq(&input.body_nb),
                service_notices::body_en.eq(&input.body_en),
                service_notices::valid_from.eq(input.valid_from),
                service_notices::valid_to.eq(input.valid_to),
                service_notices::created_by.eq(actor.who),
            ))
            .returning(NoticeRow::as_returning())
            .get_result(conn)?;
        let after = json!({
            "severity": row.severity, "titleNb": row.title_nb, "titleEn": row.title_en,
            "bodyNb": row.body_nb, "bodyEn": row.body_en,
            "validFrom": rfc3339(row.valid_from), "validTo": rfc3339(row.valid_to),
        });
        record(
            conn,
            actor,
            "SERVICE_NOTICE_CREATED",
            "service_notice",
            &row.id.to_string(),
            None,
            Some(after),
        )?;
        Ok(row)
    })
}

/// The notices valid at `at` (`valid_from <= at < valid_to`), oldest first.
pub fn active_notices(
    conn: &mut PgConnection,
    at: OffsetDateTime,
) -> Result<Vec<NoticeRow>, StoreError> {
    Ok(service_notices::table
        .filter(service_notices::valid_to.gt(at))
        .filter(service_notices::valid_from.le(at))
        .order((service_notices::valid_from, service_notices::id))
        .select(NoticeRow::as_select())
        .load(conn)?)
}
