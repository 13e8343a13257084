//! `schema.rs` is written by hand; this test holds it to the migrated
//! database: every table and column it declares exists with the same type
//! and nullability, and every column of those tables is declared.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::Text;
use hds_persistence::test_support::TestDatabase;

const SCHEMA: &str = include_str!("../src/schema.rs");

/// (table, column) → (type, nullable), as `schema.rs` declares them.
fn declared() -> BTreeMap<(String, String), (String, bool)> {
    let mut out = BTreeMap::new();
    let mut table: Option<String> = None;
    // `#[sql_name = "type"]` names the database column of the next line
    let mut sql_name: Option<String> = None;
    for line in SCHEMA.lines().map(str::trim) {
        if let Some(name) = line
            .strip_prefix("#[sql_name = \"")
            .and_then(|r| r.strip_suffix("\"]"))
        {
            sql_name = Some(name.to_owned());
            continue;
        }
        if let Some(name) = line.strip_suffix('{').map(str::trim) {
            // `name (pk) {` opens a table; `diesel::table! {` does not
            if let Some((name, _)) = name.split_once(" (") {
                table = Some(name.to_owned());
            }
            continue;
        }
        if line == "}" {
            table = None;
            continue;
        }
        let (Some(t), Some((column, ty))) = (&table, line.split_once(" -> ")) else {
            continue;
        };
        let ty = ty.trim_end_matches(',');
        let (ty, nullable) = match ty
            .strip_prefix("Nullable<")
            .and_then(|t| t.strip_suffix('>'))
        {
            Some(inner) => (inner, true),
            None => (ty, false),
        };
        let pg = match ty {
            "Text" => "text",
            "Int2" => "int2",
            "Int4" => "int4",
            "Int8" => "int8",
            "Bool" => "bool",
            "Uuid" => "uuid",
            "Date" => "date",
            "Timestamptz" => "timestamptz",
            "Jsonb" => "jsonb",
            "Bytea" => "bytea",
            "TsVector" => "tsvector",
            "Array<Text>" => "_text",
            "Array<Uuid>" => "_uuid",
            other => panic!("schema test: map the diesel type {other} to a PostgreSQL type"),
        };
        let column = sql_name.take().unwrap_or_else(|| column.trim().to_owned());
        out.insert((t.clone(), column), (pg.to_owned(), nullable));
    }
    out
}

#[derive(QueryableByName)]
#[allow(clippy::struct_field_names)] // information_schema's own names
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    udt_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
    #[diesel(sql_type = Text)]
    is_generated: String,
}

#[test]
fn schema_matches_database() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    let declared = declared();
    assert!(
        declared.len() > 20,
        "parsed too few columns: the parser no longer understands schema.rs"
    );
    let tables: Vec<String> = declared.keys().map(|(t, _)| t.clone()).collect();
    let actual: BTreeMap<(String, String), (String, bool, bool)> = diesel::sql_query(
        "SELECT table_name::text, column_name::text, udt_name::text, is_nullable::text, is_generated::text \
         FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .load::<Column>(&mut conn)
    .unwrap()
    .into_iter()
    .filter(|c| tables.contains(&c.table_name))
    .map(|c| {
        let generated = c.is_generated == "ALWAYS";
        ((c.table_name, c.column_name), (c.udt_name, c.is_nullable == "YES", generated))
    })
    .collect();
    let mut problems = Vec::new();
    for (key, want) in &declared {
        match actual.get(key) {
            None => problems.push(format!(
                "{}.{} is in schema.rs but not in the database",
                key.0, key.1
            )),
            // a generated column is always reported nullable, even when its
            // expression cannot be null: schema.rs may declare it either way
            Some((ty, nullable, generated))
                if *ty != want.0 || (*nullable != want.1 && !generated) =>
            {
                problems.push(format!(
                    "{}.{}: schema.rs says {want:?}, database has ({ty:?}, {nullable})",
                    key.0, key.1
                ));
            }
            Some(_) => {}
        }
    }
    for key in actual.keys().filter(|k| !declared.contains_key(*k)) {
        problems.push(format!(
            "{}.{} is in the database but not in schema.rs",
            key.0, key.1
        ));
    }
    assert!(
        problems.is_empty(),
        "schema.rs differs from the migrations:\n{}",
        problems.join("\n")
    );
}

#[test]
fn audit_events_are_append_only() {
    let db = TestDatabase::new();
    let mut conn = db.connect();
    hds_persistence::audit::record(
        &mut conn,
        &hds_persistence::audit::NewAuditEvent {
            actor: "system",
            action: "TEST",
            entity_type: "test",
            entity_id: "1",
            before_state: None,
            after_state: None,
            request_id: None,
        },
    )
    .unwrap();
    for statement in [
        "UPDATE audit_events SET action = 'X'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ] {
        let err = diesel::sql_query(statement).execute(&mut conn).unwrap_err();
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    assert_eq!(
        hds_persistence::test_support::count_rows(&mut conn, "audit_events"),
        1
    );
}
