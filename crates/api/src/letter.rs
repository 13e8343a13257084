//! The decision letter (vedtaksbrev) as a download, for each route that
//! offers it: the applicant's case (applicant and co-applicants), the case
//! file (HDS) and a custodian's task (the custodians concerned). The words
//! are the domain's (`hds_domain::case::decision_letter`), the facts come
//! from `hds_persistence::cases::letter_facts`, the PDF from `crate::pdf`.
//!
//! Bokmål unless English is asked for: `?lang=en` wins, else the first
//! language of `Accept-Language` (by quality) that is English or Norwegian.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use hds_domain::case::{decision_letter, Lang, LetterFacts};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

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

/// The language of `Accept-Language`: the acceptable tag with the highest
/// quality that is English (`en`, `en-GB`, ...) or Norwegian (`nb`, `no`,
/// `nn`); bokmål when none is.
fn from_accept_language(value: &str) -> Lang {
    let mut best: Option<(f32, Lang)> = None;
    for part in value.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let lang = match primary {
            "en" => Lang::En,
            "nb" | "no" | "nn" => Lang::Nb,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::Nb, |(_, l)| l)
}

/// The language asked for: the `lang` query, else `Accept-Language`.
pub fn language(req: &HttpRequest, query: &LetterQuery) -> Lang {
    match query.lang {
        Some(LetterLang::En) => Lang::En,
        Some(LetterLang::Nb) => Lang::Nb,
        None => req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::Nb, from_accept_language),
    }
}

/// The letter for `facts` (`None`: not decided yet, 404) as a PDF download.
pub fn pdf_response(facts: Option<LetterFacts>, lang: Lang) -> Result<HttpResponse, ApiError> {
    let facts = facts.ok_or_else(|| {
        ApiError::not_found("the case has no decision yet, so there is no decision letter")
    })?;
    let letter = decision_letter(&facts, lang);
    let title = match lang {
        Lang::Nb => format!("Vedtak {}", facts.case_number),
        Lang::En => format!("Decision {}", facts.case_number),
    };
    let bytes = crate::pdf::render(&letter, &title);
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
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_english_or_norwegian_by_quality() {
        assert_eq!(from_accept_language("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(from_accept_language("nb-NO,nb;q=0.9,en;q=0.8"), Lang::Nb);
        assert_eq!(from_accept_language("de, en;q=0.5"), Lang::En);
        assert_eq!(from_accept_language("nn;q=0.4, en;q=0.3"), Lang::Nb);
        assert_eq!(from_accept_language("fr"), Lang::Nb);
        assert_eq!(from_accept_language("en;q=0"), Lang::Nb);
        assert_eq!(from_accept_language(""), Lang::Nb);
    }
}
