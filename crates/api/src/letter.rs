//! The decision letter (vedtaksbrev) as a download, for each route that
//! offers it: the applicant's case (applicant and co-applicants), the case
//! file (HDS) and a custodian's task (the custodians concerned). The words
//! are the domain's (`hds_domain::case::decision_letter`), the facts come
//! from `hds_persistence::cases::letter_facts`, the PDF from `crate::pdf`.
//!
//! Bokmål unless English is asked for: `?lang=en` wins, else
//! `Accept-Language` read as for every problem's language (`crate::i18n`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use hds_domain::case::{decision_letter, Lang, LetterFacts};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Text};
use crate::http::etag;

/// The letter's language.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LetterLang {
    /// Bokmål (the default).
    Nb,
    /// English.
    En,
}

/// Query of a decision letter download.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LetterQuery {
    /// `nb` (bokmål) or `en`; overrides `Accept-Language`.
    #[param(inline)]
    pub lang: Option<LetterLang>,
}

/// The language asked for: the `lang` query, else `Accept-Language`.
pub fn language(req: &HttpRequest, query: &LetterQuery) -> Lang {
    match query.lang {
        Some(LetterLang::En) => Lang::En,
        Some(LetterLang::Nb) => Lang::Nb,
        None => {
            let header = req
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok());
            // the same reading of the header as the problems' language
            match crate::i18n::Lang::from_accept_language(header) {
                crate::i18n::Lang::Nb => Lang::Nb,
                crate::i18n::Lang::English => Lang::En,
            }
        }
    }
}

/// The letter for `facts` (`None`: not decided yet, 404) as a PDF download,
/// with a strong ETag over its bytes (the same facts give the same PDF), or
/// a bodiless 304 when `If-None-Match` has it.
pub fn pdf_response(
    req: &HttpRequest,
    facts: Option<LetterFacts>,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let facts = facts.ok_or_else(|| {
        ApiError::not_found(Text::new(
            "saken har ikke vedtak ennå, så det finnes ikke noe vedtaksbrev",
            "the case has no decision yet, so there is no decision letter",
        ))
    })?;
    let letter = decision_letter(&facts, lang);
    let title = match lang {
        Lang::Nb => format!("Vedtak {}", facts.case_number),
        Lang::En => format!("Decision {}", facts.case_number),
    };
    let bytes = crate::pdf::render(&letter, &title);
    let tag = etag::of_bytes(&bytes);
    if etag::none_match(req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header((header::CACHE_CONTROL, etag::PRIVATE_NO_CACHE))
            .insert_header((header::VARY, "Authorization, Accept-Language"))
            .finish());
    }
    let filename = match lang {
        Lang::Nb => format!("vedtak-{}.pdf", facts.case_number),
        Lang::En => format!("decision-{}.pdf", facts.case_number),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/pdf"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CONTENT_LANGUAGE, lang.as_str()))
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, etag::PRIVATE_NO_CACHE))
        .insert_header((header::VARY, "Authorization, Accept-Language"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}
