//! The rules run over an application: bounds on sizes, what refuses saving
//! (content wrong in itself), and the whole completeness check.

use hds_domain::application as rules;
use hds_persistence::applications::{self as repo, ApplicationRow};
use hds_persistence::DbConn;

use super::content::ApplicationContent;
use super::mapping::{named_sources, stored_content, to_domain};
use super::views::CheckProblem;
use crate::error::{ApiError, FieldError, Text};

const MAX_TITLE: usize = 300;
const MAX_TEXT: usize = 20_000;
const MAX_LIST: usize = 200;

/// Bounds on sizes and ranges (the shape, not the rules).
fn bounds(c: &ApplicationContent, app: &rules::Application) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (pointer, text) in rules::free_text_fields(app) {
        let max = if pointer == "/fee/payerReference" {
            hds_domain::fees::invoice::MAX_REFERENCE_LEN
        } else if pointer.ends_with("/title") || pointer.contains("/categories/") {
            MAX_TITLE
        } else {
            MAX_TEXT
        };
        if text.chars().count() > max {
            errors.push(FieldError::new(
                pointer,
                "TOO_LONG",
                Text::new(
                    format!("høyst {max} tegn"),
                    format!("at most {max} characters"),
                ),
            ));
        }
    }
    let lists: [(&str, usize); 5] = [
        (
            "/project/researchQuestions",
            app.project.research_questions.len(),
        ),
        ("/dataSources", app.data_sources.len()),
        ("/tableSpecifications", app.table_specifications.len()),
        (
            "/linkage/linkedSources",
            app.linkage_plan.linked_sources.len(),
        ),
        (
            "/linkage/otherRegisters",
            app.linkage_plan.other_registers.len(),
        ),
    ];
    for (pointer, len) in lists {
        if len > MAX_LIST {
            errors.push(FieldError::new(
                pointer,
                "TOO_MANY",
                Text::new(
                    format!("høyst {MAX_LIST} elementer"),
                    format!("at most {MAX_LIST} entries"),
                ),
            ));
        }
    }
    for (i, s) in c.data_sources.iter().flatten().enumerate() {
        for (name, year) in [("periodFrom", s.period_from), ("periodTo", s.period_to)] {
            if year.is_some_and(|y| !(1900..=2100).contains(&y)) {
                errors.push(FieldError::new(
                    format!("/dataSources/{i}/{name}"),
                    "OUT_OF_RANGE",
                    Text::new("et år mellom 1900 og 2100", "a year between 1900 and 2100"),
                ));
            }
        }
        if s.variables.len() > 2000 {
            errors.push(FieldError::new(
                format!("/dataSources/{i}/variables"),
                "TOO_MANY",
                Text::new("høyst 2000 variabler", "at most 2000 variables"),
            ));
        }
    }
    errors
}

pub(super) fn field_error(p: &rules::Problem) -> FieldError {
    FieldError::new(
        p.pointer.clone(),
        p.code,
        Text::new(p.message_nb.clone(), p.message_en.clone()),
    )
}

pub(super) fn check_problem(p: rules::Problem) -> CheckProblem {
    CheckProblem {
        pointer: p.pointer,
        code: p.code.to_owned(),
        message_nb: p.message_nb,
        message_en: p.message_en,
    }
}

fn in_sections(pointer: &str, sections: &[&str]) -> bool {
    sections.iter().any(|s| {
        pointer
            .strip_prefix('/')
            .and_then(|rest| rest.strip_prefix(s))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Refuses content that is wrong in itself, within the sections written:
/// bounds, national identity numbers in free text, unknown data sources and
/// variables, dates in the wrong order, bad organisation numbers and e-mails.
pub(super) fn validate_for_saving(
    conn: &mut DbConn,
    content: &ApplicationContent,
    sections: &[&str],
) -> Result<(), ApiError> {
    let errors = saving_problems(conn, content, sections)?;
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The problems [`validate_for_saving`] refuses (pointers into the content).
pub(super) fn saving_problems(
    conn: &mut DbConn,
    content: &ApplicationContent,
    sections: &[&str],
) -> Result<Vec<FieldError>, ApiError> {
    let app = to_domain(content);
    let mut errors: Vec<FieldError> = bounds(content, &app)
        .into_iter()
        .filter(|e| in_sections(&e.pointer, sections))
        .collect();
    let catalogue = repo::catalogue_facts(conn, &named_sources(&app))?;
    errors.extend(
        rules::check(&app, &catalogue, &rules::Attachments::default())
            .iter()
            .filter(|p| p.refuses_saving() && in_sections(&p.pointer, sections))
            .map(field_error),
    );
    Ok(errors)
}

/// Runs the completeness rules over a stored application.
pub(super) fn run_check(
    conn: &mut DbConn,
    row: &ApplicationRow,
) -> Result<Vec<rules::Problem>, ApiError> {
    let attachments = repo::list_attachments(conn, row.id)?;
    check_with(conn, row, &attachments)
}

/// [`run_check`] with the application's attachments already read (submit
/// reads them once, for the check and the snapshot).
pub(super) fn check_with(
    conn: &mut DbConn,
    row: &ApplicationRow,
    attachments: &[repo::AttachmentMeta],
) -> Result<Vec<rules::Problem>, ApiError> {
    let content = stored_content(row)?;
    let app = to_domain(&content);
    let catalogue = repo::catalogue_facts(conn, &named_sources(&app))?;
    let kinds = attachments
        .iter()
        .filter_map(|a| a.kind.parse::<rules::AttachmentKind>().ok())
        .collect::<Vec<_>>();
    Ok(rules::check(
        &app,
        &catalogue,
        &rules::Attachments::new(kinds),
    ))
}
