//! What the catalogue's handlers share: the enumerations stored as text,
//! the search a list request asks for, cursors over sort keys, who makes a
//! change (for the audit trail), and how a refused write reads as a problem.

use actix_web::HttpRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hds_domain::catalogue::{self as rules, Problem, SearchError};
use hds_persistence::catalogue::{After, CatalogueError, Lang, Search};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::{ApiError, FieldError, Text};

pub(super) fn field_errors(problems: Vec<Problem>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|p| FieldError::from_domain(p.pointer, p.code, p.message))
        .collect()
}

impl From<CatalogueError> for ApiError {
    fn from(err: CatalogueError) -> Self {
        match err {
            CatalogueError::Invalid(problems) => Self::validation(field_errors(problems)),
            CatalogueError::Conflict(problems) => {
                let errors = field_errors(problems);
                let join = |lang| {
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.pointer, e.message.get(lang)))
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                let detail = Text::new(
                    join(crate::i18n::Lang::Nb),
                    join(crate::i18n::Lang::English),
                );
                Self::conflict(detail).with_errors(errors)
            }
            CatalogueError::Store(err) => err.into(),
        }
    }
}

/// Who makes a change, and the request id, for the audit trail.
pub(crate) struct Who {
    pub actor: String,
    pub request_id: Option<String>,
}

impl Who {
    pub fn of(principal: &Principal, req: &HttpRequest) -> Self {
        Self {
            actor: principal.actor(),
            request_id: crate::http::request_id::request_id(req),
        }
    }

    pub fn actor(&self) -> hds_persistence::catalogue::Actor<'_> {
        hds_persistence::catalogue::Actor {
            who: &self.actor,
            request_id: self.request_id.as_deref(),
        }
    }
}

/// Declares an enumeration stored as text, with its database spelling.
macro_rules! db_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub fn as_db(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn from_db(text: &str) -> Result<Self, crate::error::ApiError> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    other => Err(crate::error::ApiError::internal(format!(
                        "unknown {} in the database: {other}", stringify!($name)
                    ))),
                }
            }
        }
    };
}

db_enum! {
    /// Kind of data source (kildetype).
    SourceKind {
        /// Sentralt helseregister.
        CentralRegister = "CENTRAL_REGISTER",
        /// Nasjonalt medisinsk kvalitetsregister.
        QualityRegister = "QUALITY_REGISTER",
        /// Helseundersøkelse (e.g. HUNT, Tromsøundersøkelsen).
        HealthSurvey = "HEALTH_SURVEY",
        /// Biobank.
        Biobank = "BIOBANK",
        /// Other source.
        Other = "OTHER",
    }
}

db_enum! {
    /// Kind of data offered (type opplysninger).
    DataKind {
        /// Anonyme opplysninger (aggregated tables).
        Anonymous = "ANONYMOUS",
        /// Indirekte personidentifiserbare opplysninger.
        IndirectlyIdentifiable = "INDIRECTLY_IDENTIFIABLE",
        /// Direkte personidentifiserbare opplysninger.
        DirectlyIdentifiable = "DIRECTLY_IDENTIFIABLE",
    }
}

db_enum! {
    /// Who decides on applications for the source (vedtaksmyndighet).
    DecisionAuthority {
        /// Helsedataservice decides.
        Hds = "HDS",
        /// The custodian (registerforvalter) decides.
        Custodian = "CUSTODIAN",
    }
}

db_enum! {
    /// How to apply (søknadskanal).
    ApplicationChannel {
        /// The common application form on helsedata.no (felles søknadsskjema).
        CommonForm = "COMMON_FORM",
        /// The custodian's own form, at `externalUrl`.
        ExternalForm = "EXTERNAL_FORM",
    }
}

impl ApplicationChannel {
    pub fn rule(self) -> rules::Channel {
        match self {
            Self::CommonForm => rules::Channel::CommonForm,
            Self::ExternalForm => rules::Channel::ExternalForm,
        }
    }
}

db_enum! {
    /// Value type of a variable (verditype).
    ValueType {
        Integer = "INTEGER",
        Decimal = "DECIMAL",
        Text = "TEXT",
        /// A code from a code list (kodeverk), named in `codeList`.
        Code = "CODE",
        Date = "DATE",
        Boolean = "BOOLEAN",
    }
}

db_enum! {
    /// How serious a service notice (driftsmelding) is.
    Severity {
        Info = "INFO",
        Warning = "WARNING",
        Critical = "CRITICAL",
    }
}

/// Search language: Norwegian (bokmål, the `norwegian` configuration) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SearchLang {
    #[default]
    Nb,
    En,
}

/// The search of a list request: `None` without `q`; 400 for an empty, too
/// long or wordless `q`.
pub(crate) fn search(
    q: Option<&str>,
    lang: Option<SearchLang>,
) -> Result<Option<Search>, ApiError> {
    let Some(q) = q else { return Ok(None) };
    let tsquery = rules::prefix_tsquery(q).map_err(|e| {
        let code = match e {
            SearchError::Empty => "EMPTY_QUERY",
            SearchError::TooLong => "QUERY_TOO_LONG",
            SearchError::NoWords => "NO_SEARCH_WORDS",
            SearchError::TooManyWords => "TOO_MANY_WORDS",
        };
        ApiError::bad_parameter("/query/q", code, Text::new(e.nb(), e.to_string()))
    })?;
    let lang = match lang.unwrap_or_default() {
        SearchLang::Nb => Lang::Nb,
        SearchLang::En => Lang::En,
    };
    Ok(Some(Search { lang, tsquery }))
}

/// The cursor's content: the sort key of the last item of the page.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum CursorKey {
    Ranked(u32, String, Option<Uuid>),
    Key(String, Option<Uuid>),
}

pub(crate) fn encode_after(after: &After) -> String {
    let key = match after {
        After::Key(key, id) => CursorKey::Key(key.clone(), *id),
        After::Ranked(rank, key, id) => CursorKey::Ranked(rank.to_bits(), key.clone(), *id),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&key).unwrap_or_default())
}

/// The sort key in a cursor; 400 when it is not one we gave out for this
/// kind of list (a search cursor for a search, a list cursor for a list).
pub(crate) fn decode_after(cursor: Option<&str>, ranked: bool) -> Result<Option<After>, ApiError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let key = URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .ok()
        .and_then(|bytes| serde_json::from_slice::<CursorKey>(&bytes).ok());
    match (key, ranked) {
        (Some(CursorKey::Key(key, id)), false) => Ok(Some(After::Key(key, id))),
        (Some(CursorKey::Ranked(bits, key, id)), true) => {
            Ok(Some(After::Ranked(f32::from_bits(bits), key, id)))
        }
        _ => Err(ApiError::bad_parameter(
            "/query/cursor",
            "INVALID_CURSOR",
            Text::new(
                "cursor er ikke en dette API-et har gitt ut for denne listen",
                "cursor is not one this API gave out for this list",
            ),
        )),
    }
}

/// Cuts `rows` (fetched with `limit + 1`) to a page and the cursor of the next one.
pub(crate) fn cut<T>(
    mut rows: Vec<T>,
    limit: i64,
    after: impl Fn(&T) -> After,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|last| encode_after(&after(last)));
        (rows, next)
    } else {
        (rows, None)
    }
}
