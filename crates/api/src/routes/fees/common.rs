//! What the fees handlers share: who the caller is to fees (HDS staff, a
//! custodian, an applicant), the refusal of anyone else, how a failed fee
//! operation reads as a problem, and whether a caller may read a stored
//! invoice basis.

use actix_web::web;
use diesel::PgConnection;
use hds_persistence::fees::{FeeError, StoredBasis, Viewer};
use uuid::Uuid;

use crate::access::{applicant, custodian_of};
use crate::auth::{Principal, Role};
use crate::error::{ApiError, FieldError, Text};
use crate::state::AppState;

impl From<FeeError> for ApiError {
    fn from(e: FeeError) -> Self {
        let fields = |problems: Vec<hds_domain::catalogue::Problem>| {
            problems
                .into_iter()
                .map(|p| {
                    let pointer = if p.pointer.is_empty() {
                        "/".to_owned()
                    } else {
                        p.pointer
                    };
                    FieldError::from_domain(pointer, p.code, p.message)
                })
                .collect::<Vec<_>>()
        };
        match e {
            FeeError::Store(e) => e.into(),
            FeeError::Invalid(problems) => ApiError::validation(fields(problems)),
            FeeError::Conflict { en, nb, problems } => {
                ApiError::conflict(Text::new(nb, en)).with_errors(fields(problems))
            }
        }
    }
}

/// Whom a caller reads fees as.
#[derive(Debug, Clone)]
pub(super) enum Reader {
    /// HDS staff (CASE_HANDLER, ADMIN): everything.
    Staff,
    /// A custodian: its own invoicing parties' bases.
    Custodian(Uuid),
    /// An applicant (by national id, never shown): the estimate and the
    /// issued bases of their own applications.
    Applicant(String),
}

pub(super) use crate::access::{is_staff, staff};

/// Who reads: HDS staff, a registered custodian, or an applicant (403 otherwise).
pub(super) async fn reader(
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<Reader, ApiError> {
    if is_staff(principal) {
        Ok(Reader::Staff)
    } else if principal.has(Role::Custodian) {
        Ok(Reader::Custodian(custodian_of(state, principal).await?))
    } else {
        Ok(Reader::Applicant(applicant(principal)?))
    }
}

/// Who may issue and credit: a case handler any party's bases, a custodian
/// its own parties' (403 for anyone else).
pub(super) async fn issuer(
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<Viewer, ApiError> {
    if principal.has(Role::CaseHandler) {
        Ok(Viewer::Staff)
    } else if principal.has(Role::Custodian) {
        Ok(Viewer::Custodian(custodian_of(state, principal).await?))
    } else {
        Err(ApiError::forbidden(Text::new(
            "utstedelse og kreditering krever rollen CASE_HANDLER, eller CUSTODIAN for egne fakturagrunnlag",
            "issuing and crediting need the CASE_HANDLER role, or the CUSTODIAN role for your own invoice bases",
        )))
    }
}

/// Case-level fees for HDS staff and custodians (applicants use their
/// application's paths): 403 for an applicant.
pub(super) async fn case_viewer(
    state: &web::Data<AppState>,
    principal: &Principal,
) -> Result<Viewer, ApiError> {
    match reader(state, principal).await? {
        Reader::Staff => Ok(Viewer::Staff),
        Reader::Custodian(c) => Ok(Viewer::Custodian(c)),
        Reader::Applicant(_) => Err(ApiError::forbidden(Text::new(
            "søkere ser sine fakturaer under /applications/{id}/invoice-bases",
            "applicants see their invoices under /applications/{id}/invoice-bases",
        ))),
    }
}

/// `NotFound` unless the reader may see this stored basis: staff all, a
/// custodian its own parties', an applicant those of an application they
/// own or are a member of.
pub(super) fn may_read(
    conn: &mut PgConnection,
    reader: &Reader,
    stored: &StoredBasis,
) -> Result<(), ApiError> {
    match reader {
        Reader::Staff => Ok(()),
        Reader::Custodian(c) if stored.row.custodian_id == Some(*c) => Ok(()),
        Reader::Custodian(_) => Err(not_found()),
        Reader::Applicant(pid) => {
            let case = hds_persistence::cases::find(conn, stored.row.case_id)?;
            hds_persistence::applications::find_accessible(conn, case.application_id, pid)
                .map_err(|_| not_found())?;
            Ok(())
        }
    }
}

fn not_found() -> ApiError {
    ApiError::not_found(Text::new(
        "fakturagrunnlaget finnes ikke",
        "no such invoice basis",
    ))
}

/// A party's name for people (its legal name, else its code).
pub(super) fn party_name(conn: &mut PgConnection, party: &str) -> Result<String, ApiError> {
    Ok(hds_persistence::fees::price_lists::legal_name(conn, party)?
        .unwrap_or_else(|| party.to_owned()))
}

/// The `If-Match` header as sent: 428 without it.
pub(super) fn if_match(req: &actix_web::HttpRequest) -> Result<String, ApiError> {
    req.headers()
        .get(actix_web::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .ok_or_else(ApiError::precondition_required)
}
