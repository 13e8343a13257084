//! SQL built piece by piece from fixed fragments and bind parameters, for
//! the lists whose filters are optional (the catalogue, the task page), and
//! kept prepared like the query builder's statements.
//!
//! The text depends only on which filters a list has, never on a value
//! (every value is a bind parameter, numbered by diesel), so a list has a
//! few distinct statements and diesel's statement cache keeps each, keyed by
//! its text: PostgreSQL parses and plans it once per connection. A search
//! can ask for a plan made for its own words instead ([`Sql::custom_plan`]).
//!
//! Rows are read by name (`QueryableByName`, the default `Untyped`) or, with
//! the SQL type of the row given (`Sql<(BigInt, Text, ...)>`), by position.

use std::marker::PhantomData;

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Float4, Text, Timestamptz, Untyped, Uuid as SqlUuid};
use diesel::{QueryResult, RunQueryDsl};
use time::OffsetDateTime;
use uuid::Uuid;

/// A bind parameter.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Text(String),
    Real(f32),
    BigInt(i64),
    Uuid(Uuid),
    Texts(Vec<String>),
    Instant(OffsetDateTime),
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Sql<ST = Untyped> {
    parts: Vec<Part>,
    prepared: bool,
    row: PhantomData<ST>,
}

#[derive(Debug)]
enum Part {
    Sql(String),
    Bind(Bind),
}

impl<ST> Sql<ST> {
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        Self {
            parts: vec![Part::Sql(sql.into())],
            prepared: true,
            row: PhantomData,
        }
    }

    pub(crate) fn push(mut self, sql: impl Into<String>) -> Self {
        self.parts.push(Part::Sql(sql.into()));
        self
    }

    pub(crate) fn bind(mut self, value: Bind) -> Self {
        self.parts.push(Part::Bind(value));
        self
    }

    /// Not kept prepared: PostgreSQL plans each run for its own bind values
    /// (the unnamed statement), instead of settling on a generic plan after
    /// five runs. For searches whose cost depends on how many rows a word
    /// matches (docs/benchmarks.md, "prepared statements").
    pub(crate) fn custom_plan(mut self) -> Self {
        self.prepared = false;
        self
    }
}

impl<ST> QueryId for Sql<ST> {
    type QueryId = ();
    // keyed by its text in diesel's statement cache
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST: 'static> Query for Sql<ST> {
    type SqlType = ST;
}

impl<ST> QueryFragment<Pg> for Sql<ST> {
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
                Part::Bind(Bind::Texts(v)) => out.push_bind_param::<Array<Text>, _>(v)?,
                Part::Bind(Bind::Instant(v)) => out.push_bind_param::<Timestamptz, _>(v)?,
            }
        }
        Ok(())
    }
}

impl<ST, Conn> RunQueryDsl<Conn> for Sql<ST> {}
