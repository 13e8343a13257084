//! The bulk import of a data source's variables (`POST
//! /data-sources/{code}/variables/import`): a JSON array or a CSV file,
//! every row checked first, every problem reported at once, then applied in
//! one transaction.

use std::collections::HashSet;

use actix_web::{post, web, HttpMessage, HttpRequest, HttpResponse};
use hds_domain::catalogue::Problem as RuleProblem;
use hds_persistence::catalogue::{self as repo, VariableInput};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::common::{field_errors, Who};
use super::variables::NewVariable;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, FieldError, Text};
use crate::extract::{json_body, pointer, read_body};
use crate::http::etag::PRIVATE_NO_CACHE;
use crate::http::input;
use crate::spec::NotFound;
use crate::state::AppState;

/// The largest import body, in bytes.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;
/// The most rows one import may have.
pub const MAX_IMPORT_ROWS: usize = 100_000;

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Rows in the import.
    pub rows: usize,
    /// Variables that did not exist and were created.
    pub created: usize,
    /// Existing variables whose content changed (new version).
    pub updated: usize,
    /// Existing variables identical to their row (left alone).
    pub unchanged: usize,
}

/// Parses and checks every row (with its index in the file); returns the
/// inputs, or every problem found (pointers `/<row>/<field>`) together with
/// `earlier` ones (e.g. CSV records of the wrong length), in row order.
fn check_import(
    rows: Vec<(usize, Value)>,
    earlier: Vec<RuleProblem>,
) -> Result<Vec<VariableInput>, Vec<FieldError>> {
    let mut problems: Vec<RuleProblem> = earlier;
    let mut inputs = Vec::with_capacity(rows.len());
    let mut names = HashSet::new();
    for (i, row) in rows {
        let prefix = format!("/{i}");
        match serde_path_to_error::deserialize::<_, NewVariable>(row) {
            Ok(variable) => {
                let input = VariableInput::from(variable);
                problems.extend(
                    repo::validate_variable(&input)
                        .into_iter()
                        .map(|p| p.under(&prefix)),
                );
                if !names.insert(input.name.clone()) {
                    problems.push(RuleProblem::new(
                        format!("{prefix}/name"),
                        "DUPLICATE",
                        format!("{} appears more than once in the import", input.name),
                    ));
                }
                inputs.push(input);
            }
            Err(err) => {
                let message = err.inner().to_string();
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let mut pointer = format!("{prefix}{}", pointer(err.path()));
                if let Some(field) = message
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next())
                {
                    pointer.push('/');
                    pointer.push_str(field);
                }
                let code = if message.starts_with("missing field") {
                    "REQUIRED"
                } else if message.starts_with("unknown field") {
                    "UNKNOWN_FIELD"
                } else {
                    "INVALID_TYPE"
                };
                problems.push(RuleProblem::new(pointer, code, message));
            }
        }
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        // Row order; problems that name no row (e.g. CSV columns) first.
        problems.sort_by_key(|p| {
            p.pointer
                .split('/')
                .nth(1)
                .and_then(|row| row.parse::<usize>().ok())
                .map_or(0, |row| row + 1)
        });
        Err(field_errors(problems))
    }
}

/// Bulk import of a data source's variables (ADMIN). The body is a JSON
/// array of variables (as `NewVariable`), or a CSV file (`text/csv`, comma or
/// semicolon separated, UTF-8) whose header row names the same fields; row
/// `/0` is the first record after the header. Every row is checked first: if any
/// is bad, the answer is one 422 listing every bad row (`/3/valueType`) and
/// nothing is written. Otherwise all rows are applied in one transaction,
/// upserting by name; variables not in the import are left as they are.
#[utoipa::path(tag = "catalogue", operation_id = "import_variables", security(("bearerAuth" = ["ADMIN"])),
    params(("code" = String, Path, description = "The data source's code")),
    request_body(description = "The variables, at most 100,000 rows and 32 MiB",
        content((Vec<NewVariable> = "application/json"), (String = "text/csv"))),
    responses(
        (status = 200, description = "Applied", body = ImportReport),
        (status = 404, response = NotFound),
    ))]
#[post("/data-sources/{code}/variables/import")]
pub(super) async fn import_variables(
    state: web::Data<AppState>,
    req: HttpRequest,
    principal: Principal,
    code: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let who = Who::of(&principal, &req);
    let mut payload = payload.into_inner();
    let is_csv = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|mime| mime.type_() == "text" && mime.subtype() == "csv");
    let (rows, shape_problems) = if is_csv {
        let bytes = read_body(&req, &mut payload, MAX_IMPORT_BYTES).await?;
        let text = String::from_utf8(bytes).map_err(|_| {
            ApiError::bad_request(Text::new(
                "CSV-filen er ikke UTF-8-tekst",
                "the CSV file is not UTF-8 text",
            ))
        })?;
        let parsed = super::csv::rows(&text)
            .map_err(|problems| ApiError::validation(field_errors(problems)))?;
        let mut unstorable = Vec::new();
        for (i, row) in &parsed.0 {
            input::unstorable_strings(row, &format!("/{i}"), &mut unstorable);
        }
        if !unstorable.is_empty() {
            return Err(ApiError::validation(unstorable));
        }
        parsed
    } else {
        let rows: Vec<Value> = json_body(&req, &mut payload, MAX_IMPORT_BYTES).await?;
        (rows.into_iter().enumerate().collect(), Vec::new())
    };
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(ApiError::validation(vec![FieldError::new(
            "",
            "TOO_MANY_ROWS",
            Text::new(
                format!("høyst {MAX_IMPORT_ROWS} rader per import"),
                format!("at most {MAX_IMPORT_ROWS} rows per import"),
            ),
        )]));
    }
    let count = rows.len();
    let inputs = web::block(move || check_import(rows, shape_problems))
        .await?
        .map_err(ApiError::validation)?;
    let code = code.into_inner();
    let report = state
        .run(move |conn| Ok(repo::import_variables(conn, &code, &inputs, who.actor())?))
        .await?;
    let body = ImportReport {
        rows: count,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
    };
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, PRIVATE_NO_CACHE))
        .json(body))
}
