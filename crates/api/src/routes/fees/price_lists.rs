//! Price lists (prislister): public reads with ETags; ADMIN adds a version.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use diesel::Connection;
use hds_persistence::cases::Ctx;
use hds_persistence::fees::{price_lists as repo, VersionNotes};

use super::mapping::{new_version, price_list_view};
use super::requests::NewPriceVersionRequest;
use super::views::{PriceListView, PriceListsView};
use crate::auth::{Principal, Role};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::http::etag::{
    json_versioned_composite, json_with_etag, of_version_and_bytes, required_version, PUBLIC_CACHE,
};
use crate::http::idempotency::{claim, http_response, keyed, respond_stored};
use crate::http::request_id::request_id;
use crate::spec::{IdempotencyKey, IfMatch, IfNoneMatch, NotFound};
use crate::state::AppState;

/// Every invoicing party's price list (prisliste), with its versions and
/// their validity periods. Public; ETag and `Cache-Control: public`.
#[utoipa::path(tag = "fees", operation_id = "list_price_lists",
    params(IfNoneMatch),
    responses(
        (status = 200, description = "The price lists, HDS first", body = PriceListsView,
            headers(("Cache-Control" = String))),
    ))]
#[get("/price-lists")]
pub(super) async fn list_price_lists(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let records = state.run(|conn| Ok(repo::list(conn)?)).await?;
    let items = records
        .iter()
        .map(price_list_view)
        .collect::<Result<Vec<_>, _>>()?;
    json_with_etag(&req, &PriceListsView { items }, PUBLIC_CACHE)
}

/// One party's price list: HDS, or a custodian by its party code (a
/// custodian without prices has version 0 and no versions). Public; ETag
/// `"v<version>-…"` (send it as If-Match to add a version).
#[utoipa::path(tag = "fees", operation_id = "get_price_list",
    params(("party" = String, Path, description = "HDS or the party's code", example = "HDS"), IfNoneMatch),
    responses(
        (status = 200, description = "The price list", body = PriceListView,
            headers(("Cache-Control" = String))),
        (status = 404, response = NotFound),
    ))]
#[get("/price-lists/{party}")]
pub(super) async fn get_price_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    party: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let party = party.into_inner();
    let record = state.run(move |conn| Ok(repo::find(conn, &party)?)).await?;
    let view = price_list_view(&record)?;
    json_versioned_composite(&req, &view, view.version, PUBLIC_CACHE)
}

/// Add a version of a party's prices (ADMIN). A price is never changed
/// retroactively: the version starts after today and later than the
/// current one, which ends the day before (422 `/validFrom` `RETROACTIVE`
/// or `NOT_LATER` otherwise); a custodian's first version may be dated back
/// and creates its party from the catalogue. Versions are never edited or
/// deleted.
#[utoipa::path(tag = "fees", operation_id = "add_price_list_version", security(("bearerAuth" = ["ADMIN"])),
    params(
        ("party" = String, Path, description = "HDS or the party's code", example = "HDS"),
        IfMatch,
        IdempotencyKey,
    ),
    request_body = NewPriceVersionRequest,
    responses(
        (status = 201, description = "The price list with the new version", body = PriceListView,
            headers(("ETag" = String), ("Location" = String))),
        (status = 404, response = NotFound),
    ))]
#[post("/price-lists/{party}/versions")]
pub(super) async fn add_price_list_version(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    party: web::Path<String>,
    body: ApiJson<NewPriceVersionRequest>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Role::Admin)?;
    let version = required_version(&req)?;
    let party = party.into_inner();
    let body = body.0;
    let new = new_version(&body)?;
    let notes = VersionNotes {
        source: body.source.clone().filter(|s| !s.trim().is_empty()),
        note: body.note.clone().filter(|s| !s.trim().is_empty()),
    };
    let keyed = keyed(&req, &principal.actor(), format!("{body:?}").as_bytes())?;
    let actor = principal.actor();
    let request_id = request_id(&req);
    let at = state.clock.now();
    let (stored, replayed) = state
        .run(move |conn| {
            conn.transaction::<_, ApiError, _>(|conn| {
                if let Some(stored) = claim(conn, keyed.as_ref())? {
                    return Ok((stored, true));
                }
                let ctx = Ctx {
                    actor: &actor,
                    at,
                    request_id: request_id.as_deref(),
                };
                let record = repo::add_version(conn, &party, version, new, &notes, &ctx).map_err(
                    |e| match e {
                        // the rules speak of "/vat/rate"; the body of "/vat/rateBasisPoints"
                        hds_persistence::fees::FeeError::Invalid(problems) => {
                            hds_persistence::fees::FeeError::Invalid(
                                problems
                                    .into_iter()
                                    .map(|mut p| {
                                        if p.pointer == "/vat/rate" {
                                            "/vat/rateBasisPoints".clone_into(&mut p.pointer);
                                        }
                                        p
                                    })
                                    .collect(),
                            )
                        }
                        other => other,
                    },
                )?;
                let view = price_list_view(&record)?;
                let bytes =
                    serde_json::to_vec(&view).map_err(|e| ApiError::internal(e.to_string()))?;
                let headers = vec![
                    ("Location", format!("/api/v1/price-lists/{}", view.party)),
                    ("ETag", of_version_and_bytes(view.version, &bytes)),
                ];
                Ok((
                    respond_stored(conn, keyed.as_ref(), 201, headers, &view)?,
                    false,
                ))
            })
        })
        .await?;
    Ok(http_response(stored, replayed))
}
