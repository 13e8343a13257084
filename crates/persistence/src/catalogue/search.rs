//! How lists are searched and paged: the search language and query, and
//! where a page starts (after a key, or after a rank).

use uuid::Uuid;

/// The language a search runs in: the `norwegian` or `english` text search
/// configuration over the `search_nb` or `search_en` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nb,
    En,
}

impl Lang {
    pub(super) fn column(self) -> &'static str {
        match self {
            Self::Nb => "search_nb",
            Self::En => "search_en",
        }
    }

    pub(super) fn config(self) -> &'static str {
        match self {
            Self::Nb => "'norwegian'::regconfig",
            Self::En => "'english'::regconfig",
        }
    }
}

/// A full-text search: a prefix tsquery built by `hds_domain::catalogue::prefix_tsquery`.
#[derive(Debug, Clone)]
pub struct Search {
    pub lang: Lang,
    pub tsquery: String,
}

/// Where a page starts: after this sort key.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    /// Lists in key order: the last key (a code, or a variable name and id).
    Key(String, Option<Uuid>),
    /// Searches in rank order: the last rank, then the key.
    Ranked(f32, String, Option<Uuid>),
}
