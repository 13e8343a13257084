//! Statements written in SQL and prepared like the query builder's.
//!
//! Diesel prepares a statement once per connection and keeps it when it
//! can tell that the SQL text is fixed: every query-builder SELECT and most
//! INSERTs. It never keeps `diesel::sql_query` (the text is a runtime
//! string), nor any UPDATE or upsert (a changeset may skip `None` fields),
//! so each of those is parsed and planned again on every call: on a hot
//! path that is most of the statement's cost.
//!
//! [`prepared_sql!`] declares such a statement as a type whose SQL is fixed
//! at compile time: diesel's statement cache keys it by that type and
//! prepares it once per connection, exactly as for the query builder. The
//! SQL is written out, with each bind parameter named and typed in braces:
//!
//! ```ignore
//! prepared_sql! {
//!     /// The counter of a custodian, by organisation number.
//!     struct Counter<'a> { orgnr: &'a str }
//!     returns (diesel::sql_types::BigInt,);
//!     sql = ["SELECT changes FROM ... WHERE c.orgnr = " {orgnr as Text}];
//! }
//! Counter { orgnr }.get_result::<(i64,)>(conn)?;
//! ```
//!
//! A statement without `returns` is run with `execute`.

/// See the module documentation.
#[macro_export]
macro_rules! prepared_sql {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident<$lt:lifetime> { $($field:ident: $fty:ty),* $(,)? }
        $(returns $st:ty;)?
        sql = [$($part:tt)*];
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        $vis struct $name<$lt> { $(pub $field: $fty),* }

        impl diesel::query_builder::QueryId for $name<'_> {
            type QueryId = $name<'static>;
            const HAS_STATIC_QUERY_ID: bool = true;
        }

        impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name<'_> {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> diesel::QueryResult<()> {
                $($crate::prepared_sql!(@part out, self, $part);)*
                Ok(())
            }
        }

        $(impl diesel::query_builder::Query for $name<'_> {
            type SqlType = $st;
        })?

        impl<Conn> diesel::RunQueryDsl<Conn> for $name<'_> {}
    };
    (@part $out:ident, $this:ident, $sql:literal) => {
        $out.push_sql($sql);
    };
    (@part $out:ident, $this:ident, {$field:ident as $st:ty}) => {
        $out.push_bind_param::<$st, _>(&$this.$field)?;
    };
    (@part $out:ident, $this:ident, {$field:ident.$inner:ident as $st:ty}) => {
        $out.push_bind_param::<$st, _>(&$this.$field.$inner)?;
    };
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use diesel::query_builder::QueryId;
    use diesel::sql_types::{BigInt, Text};

    crate::prepared_sql! {
        struct Probe<'a> { a: &'a str, b: i64 }
        returns (Text, BigInt);
        sql = ["SELECT " {a as Text} "::text, " {b as BigInt} "::bigint"];
    }

    #[test]
    fn the_sql_is_fixed_so_diesel_may_keep_it_prepared() {
        let probe = Probe { a: "x", b: 7 };
        const { assert!(<Probe<'static> as QueryId>::HAS_STATIC_QUERY_ID) };
        let sql = diesel::debug_query::<diesel::pg::Pg, _>(&probe).to_string();
        assert!(sql.starts_with("SELECT $1::text, $2::bigint"), "{sql}");
    }
}
