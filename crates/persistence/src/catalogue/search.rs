//! How lists are searched and paged: the search language and query, where
//! a page starts (after a key, or after a rank), and the SQL of a list,
//! built from fixed fragments and bind parameters and kept prepared.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Float4, Text, Untyped, Uuid as SqlUuid};
use diesel::{QueryResult, RunQueryDsl};
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

/// A bind parameter of a catalogue list.
#[derive(Debug, Clone)]
pub(super) enum Bind {
    Text(String),
    Real(f32),
    BigInt(i64),
    Uuid(Uuid),
}

/// SQL built piece by piece from fixed fragments, with bind parameters
/// numbered by diesel (`$1`, `$2`, ...), prepared once per connection.
///
/// The text depends only on which filters a list has (never on a value: every
/// value is a bind parameter), so there are few distinct statements and
/// diesel's statement cache keeps each, keyed by its text. A search can ask
/// for a plan made for its own words instead ([`Sql::custom_plan`]).
#[derive(Debug)]
pub(super) struct Sql {
    parts: Vec<Part>,
    prepared: bool,
}

#[derive(Debug)]
enum Part {
    Sql(String),
    Bind(Bind),
}

impl Sql {
    pub(super) fn new(sql: impl Into<String>) -> Self {
        Self {
            parts: vec![Part::Sql(sql.into())],
            prepared: true,
        }
    }

    pub(super) fn push(mut self, sql: impl Into<String>) -> Self {
        self.parts.push(Part::Sql(sql.into()));
        self
    }

    pub(super) fn bind(mut self, value: Bind) -> Self {
        self.parts.push(Part::Bind(value));
        self
    }

    /// Not kept prepared: PostgreSQL plans each run for its own bind values
    /// (the unnamed statement), instead of settling on a generic plan after
    /// five runs. For searches whose cost depends on how many rows a word
    /// matches (docs/benchmarks.md, "prepared statements").
    pub(super) fn custom_plan(mut self) -> Self {
        self.prepared = false;
        self
    }
}

impl QueryId for Sql {
    type QueryId = ();
    // keyed by its text in diesel's statement cache
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Sql {
    type SqlType = Untyped;
}

impl QueryFragment<Pg> for Sql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if !self.prepared {
            out.unsafe_to_cache_prepared();
        }
        for part in &self.parts {
            match part {
                Part::Sql(sql) => out.push_sql(sql),
                Part::Bind(Bind::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                Part::Bind(Bind::Real(v)) => out.push_bind_param::<Float4, _>(v)?,
                Part::Bind(Bind::BigInt(v)) => out.push_bind_param::<BigInt, _>(v)?,
                Part::Bind(Bind::Uuid(v)) => out.push_bind_param::<SqlUuid, _>(v)?,
            }
        }
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for Sql {}
