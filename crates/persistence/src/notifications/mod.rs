//! Notifications (varsler): the outbox, filled in the transaction of the
//! event that causes a message ([`enqueue`]); the contact addresses persons
//! verify ([`contacts`]); and what the worker claims and records
//! ([`outbox`]).
//!
//! Which event tells whom is decided in one place,
//! [`hds_domain::notification::notice_for`]. The hooks that call
//! [`enqueue`] are: `applications::record_case_event` (every case event),
//! `cases::custodian_tasks::create_task` (a new task), `tasks::record`
//! (a delivery) and `applications::add_member` (a co-applicant).

pub mod contacts;
pub mod outbox;

use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Text, Uuid as SqlUuid};
use diesel::PgConnection;
use hds_domain::notification::{notice_for, Audience, CaseKind, Language, Notice};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::schema::{
    cases, custodian_notification_addresses, custodians, notifications, person_contacts,
};
use crate::StoreError;

/// The pseudonymous key of a person (SHA-256 of the national identity
/// number with a fixed prefix, hex): contacts are stored under it, never
/// under the number.
pub fn person_key(pid: &str) -> String {
    let digest = Sha256::digest(format!("hds-person:{pid}").as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What an event is about: enough to find whom to tell.
#[derive(Debug, Clone, Copy)]
pub enum About<'a> {
    /// A case (its applicant and co-applicants).
    Case(Uuid),
    /// A custodian's task in a case.
    Task { case_id: Uuid, custodian_id: Uuid },
    /// A person just added as a co-applicant.
    Member { application_id: Uuid, pid: &'a str },
    /// A contact address to verify, with its code.
    Contact {
        email: &'a str,
        language: Language,
        code: &'a str,
    },
}

crate::prepared_sql! {
    /// What [`enqueue`] needs to know about a case, in one statement: its
    /// application and number, whether it is a change request's (the fact
    /// [`notice_for`] needs), and, when `applicants`, its applicants'
    /// verified addresses in order (`applicant_recipients`, migration
    /// `one_statement_helpers`). Every case event an applicant sees runs it.
    struct CaseFacts<'a> { case_id: &'a Uuid, applicants: bool }
    returns (SqlUuid, Text, Bool, Array<Text>, Array<Text>, Array<Text>);
    sql = [
        "SELECT c.application_id, c.case_number, EXISTS (SELECT 1 FROM case_origins o \
         WHERE o.case_id = c.id AND o.kind = 'CHANGE_REQUEST'), COALESCE(r.audiences, '{}'), \
         COALESCE(r.emails, '{}'), COALESCE(r.languages, '{}') FROM cases c LEFT JOIN LATERAL \
         (SELECT array_agg(x.audience ORDER BY x.ordinal) AS audiences, \
         array_agg(x.email ORDER BY x.ordinal) AS emails, \
         array_agg(x.language ORDER BY x.ordinal) AS languages \
         FROM applicant_recipients(c.application_id) x WHERE " {applicants as Bool} ") r ON true \
         WHERE c.id = " {case_id as SqlUuid}
    ];
}

crate::prepared_sql! {
    /// An application's applicants' verified addresses in order, for a
    /// notice to applicants about something that is not a case.
    struct ApplicantsOf<'a> { application_id: &'a Uuid }
    returns (Text, Text, Text);
    sql = [
        "SELECT x.audience, x.email, x.language FROM applicant_recipients("
        {application_id as SqlUuid} ") x ORDER BY x.ordinal"
    ];
}

/// An applicant's verified address: (audience, address, language).
type Applicant = (String, String, String);

type CaseFactsRow = (Uuid, String, bool, Vec<String>, Vec<String>, Vec<String>);

struct Row<'a> {
    audience: &'static str,
    to: String,
    language: &'a str,
}

/// Queues the messages `event_kind` causes (none when the mapping has no
/// notice for it, or nobody concerned has an address), in the caller's
/// transaction. Returns how many.
pub fn enqueue(
    conn: &mut PgConnection,
    event_kind: &str,
    about: About<'_>,
    at: OffsetDateTime,
) -> Result<usize, StoreError> {
    let (case_id, application_id, custodian_id) = match about {
        About::Case(case) => (Some(case), None, None),
        About::Task {
            case_id,
            custodian_id,
        } => (Some(case_id), None, Some(custodian_id)),
        About::Member { application_id, .. } => (None, Some(application_id), None),
        About::Contact { .. } => (None, None, None),
    };
    // about a case: the case, whether it is a change request's and its
    // applicants' addresses, in one statement, and none when the event
    // tells nobody whatever the case is; about an application or a
    // contact: the case only when there is something to tell
    let mut applicants: Option<Vec<Applicant>> = None;
    let (notice, case): (Option<Notice>, Option<(Uuid, String)>) = match (case_id, application_id) {
        (Some(id), _) => {
            let possible = [CaseKind::Application, CaseKind::ChangeRequest]
                .map(|kind| notice_for(event_kind, kind));
            if possible.iter().all(Option::is_none) {
                return Ok(0);
            }
            let to_applicants = possible
                .iter()
                .flatten()
                .any(|n| n.audience() == Audience::Applicants);
            let facts: Option<CaseFactsRow> = CaseFacts {
                case_id: &id,
                applicants: to_applicants,
            }
            .get_result(conn)
            .optional()?;
            match facts {
                Some((application, number, change_request, audiences, emails, languages)) => {
                    applicants = Some(
                        audiences
                            .into_iter()
                            .zip(emails)
                            .zip(languages)
                            .map(|((audience, email), language)| (audience, email, language))
                            .collect(),
                    );
                    let kind = if change_request {
                        CaseKind::ChangeRequest
                    } else {
                        CaseKind::Application
                    };
                    (notice_for(event_kind, kind), Some((application, number)))
                }
                None => (notice_for(event_kind, CaseKind::Application), None),
            }
        }
        (None, application) => {
            let Some(notice) = notice_for(event_kind, CaseKind::Application) else {
                return Ok(0);
            };
            let case = match application {
                Some(app) => cases::table
                    .filter(cases::application_id.eq(app))
                    .select((cases::application_id, cases::case_number))
                    .first(conn)
                    .optional()?,
                None => None,
            };
            (Some(notice), case)
        }
    };
    let Some(notice) = notice else {
        return Ok(0);
    };
    let application_id = application_id.or(case.as_ref().map(|c| c.0));
    let case_number = case.map(|c| c.1);
    let recipients = recipients(conn, notice, about, application_id, applicants)?;
    let data = match about {
        About::Contact { code, .. } => json!({"code": code}),
        _ => Value::Object(serde_json::Map::new()),
    };
    let rows: Vec<_> = recipients
        .iter()
        .map(|r| {
            (
                notifications::kind.eq(notice.as_str()),
                notifications::cause.eq(event_kind),
                notifications::audience.eq(r.audience),
                notifications::case_id.eq(case_id),
                notifications::case_number.eq(case_number.as_deref()),
                notifications::application_id.eq(application_id),
                notifications::custodian_id.eq(custodian_id),
                notifications::to_address.eq(&r.to),
                notifications::language.eq(r.language),
                notifications::data.eq(&data),
                notifications::next_attempt_at.eq(at),
                notifications::created_at.eq(at),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    Ok(diesel::insert_into(notifications::table)
        .values(&rows)
        .execute(conn)?)
}

fn verified_contact(
    conn: &mut PgConnection,
    pid: &str,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(person_contacts::table
        .find(person_key(pid))
        .filter(person_contacts::email.is_not_null())
        .select((
            person_contacts::email.assume_not_null(),
            person_contacts::language,
        ))
        .first(conn)
        .optional()?)
}

fn recipients<'a>(
    conn: &mut PgConnection,
    notice: Notice,
    about: About<'a>,
    application_id: Option<Uuid>,
    applicants: Option<Vec<Applicant>>,
) -> Result<Vec<Row<'a>>, StoreError> {
    let lang = |code: String| -> &'a str {
        if code == Language::En.as_str() {
            Language::En.as_str()
        } else {
            Language::Nb.as_str()
        }
    };
    let mut out = Vec::new();
    match (notice.audience(), about) {
        (Audience::Applicants, _) => {
            let applicants = match (applicants, application_id) {
                (Some(read_with_the_case), _) => read_with_the_case,
                (None, Some(app)) => ApplicantsOf {
                    application_id: &app,
                }
                .load(conn)?,
                (None, None) => return Ok(out),
            };
            // the owner first, then co-applicants; an address once
            for (audience, to, language) in applicants {
                if !out.iter().any(|r: &Row<'_>| r.to == to) {
                    out.push(Row {
                        audience: if audience == "APPLICANT" {
                            "APPLICANT"
                        } else {
                            "CO_APPLICANT"
                        },
                        to,
                        language: lang(language),
                    });
                }
            }
        }
        (Audience::NewCoApplicant, About::Member { pid, .. }) => {
            if let Some((to, language)) = verified_contact(conn, pid)? {
                out.push(Row {
                    audience: "CO_APPLICANT",
                    to,
                    language: lang(language),
                });
            }
        }
        (Audience::Custodian, About::Task { custodian_id, .. }) => {
            if let Some(to) = custodian_address(conn, custodian_id)? {
                out.push(Row {
                    audience: "CUSTODIAN",
                    to,
                    language: Language::Nb.as_str(),
                });
            }
        }
        (
            Audience::Person,
            About::Contact {
                email, language, ..
            },
        ) => out.push(Row {
            audience: "PERSON",
            to: email.to_owned(),
            language: language.as_str(),
        }),
        _ => {}
    }
    Ok(out)
}

/// The custodian's functional address for tasks: the one ADMIN set, else
/// its public contact address; `None` when it has neither.
pub fn custodian_address(
    conn: &mut PgConnection,
    custodian_id: Uuid,
) -> Result<Option<String>, StoreError> {
    let set: Option<String> = custodian_notification_addresses::table
        .find(custodian_id)
        .select(custodian_notification_addresses::email)
        .first(conn)
        .optional()?;
    if set.is_some() {
        return Ok(set);
    }
    Ok(custodians::table
        .find(custodian_id)
        .select(custodians::contact_email)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Sets a custodian's functional address (ADMIN); `NotFound` for an unknown
/// custodian code. Returns the custodian's id.
pub fn set_custodian_address(
    conn: &mut PgConnection,
    custodian_code: &str,
    email: &str,
    by: &str,
    at: OffsetDateTime,
) -> Result<Uuid, StoreError> {
    let id: Uuid = custodians::table
        .filter(custodians::code.eq(custodian_code))
        .select(custodians::id)
        .first(conn)?;
    diesel::insert_into(custodian_notification_addresses::table)
        .values((
            custodian_notification_addresses::custodian_id.eq(id),
            custodian_notification_addresses::email.eq(email),
            custodian_notification_addresses::updated_at.eq(at),
            custodian_notification_addresses::updated_by.eq(by),
        ))
        .on_conflict(custodian_notification_addresses::custodian_id)
        .do_update()
        .set((
            custodian_notification_addresses::email.eq(email),
            custodian_notification_addresses::updated_at.eq(at),
            custodian_notification_addresses::updated_by.eq(by),
        ))
        .execute(conn)?;
    crate::audit::record(
        conn,
        &crate::audit::NewAuditEvent {
            actor: by,
            action: "CUSTODIAN_NOTIFICATION_ADDRESS_SET",
            entity_type: "custodian",
            entity_id: &id.to_string(),
            before_state: None,
            after_state: Some(json!({"notificationEmail": email})),
            request_id: None,
        },
    )?;
    Ok(id)
}
