//! Custodians' staff as persons (custodian_members): an ADMIN links a person
//! (logged in with ID-porten or HelseID) to a custodian, and that person then
//! acts for it; unlinking ends that at once, since every request reads the
//! link ([`acting_for`]). A person acts for one custodian at a time.
//!
//! The person is known by a pseudonymous key (`m-` and a digest of the
//! national identity number, made by the caller); the number itself is
//! never stored. Every link and unlink is audited in its transaction.

use diesel::prelude::*;
use diesel::PgConnection;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::schema::{custodian_members, custodians};
use crate::StoreError;

/// A link between a person and a custodian.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = custodian_members)]
pub struct MemberRow {
    pub id: Uuid,
    pub custodian_id: Uuid,
    pub person_key: String,
    /// `ID_PORTEN` or `HELSE_ID`: how the person logs in.
    pub identity_provider: String,
    pub name: String,
    pub linked_by: String,
    pub linked_at: OffsetDateTime,
    pub unlinked_by: Option<String>,
    pub unlinked_at: Option<OffsetDateTime>,
}

/// Why a link is refused.
#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The person already acts for a custodian (409).
    #[error("this person already acts for {custodian}; unlink them there first")]
    AlreadyLinked { custodian: String },
    /// The custodian is retired (409).
    #[error("custodian {0} is retired: no one can act for it")]
    Retired(String),
}

impl From<diesel::result::Error> for MemberError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Who links or unlinks, when, and under which request.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub actor: &'a str,
    pub at: OffsetDateTime,
    pub request_id: Option<&'a str>,
}

/// What an ADMIN gives to link a person.
#[derive(Debug, Clone, Copy)]
pub struct NewMember<'a> {
    pub person_key: &'a str,
    pub identity_provider: &'a str,
    pub name: &'a str,
}

fn custodian_by_code(
    conn: &mut PgConnection,
    code: &str,
) -> Result<(Uuid, Option<OffsetDateTime>), StoreError> {
    Ok(custodians::table
        .filter(custodians::code.eq(code))
        .select((custodians::id, custodians::retired_at))
        .first(conn)?)
}

fn audit_json(m: &MemberRow, custodian: &str) -> serde_json::Value {
    json!({
        "custodian": custodian, "personKey": m.person_key,
        "identityProvider": m.identity_provider, "name": m.name,
    })
}

/// Links a person to the custodian with `code`; `false` when they already
/// were (the link as it is).
pub fn link(
    conn: &mut PgConnection,
    code: &str,
    new: NewMember<'_>,
    by: By<'_>,
) -> Result<(MemberRow, bool), MemberError> {
    conn.transaction(|conn| {
        let (custodian_id, retired_at) = custodian_by_code(conn, code)?;
        if retired_at.is_some() {
            return Err(MemberError::Retired(code.to_owned()));
        }
        if let Some((row, other)) = acting_for(conn, new.person_key)? {
            if other.custodian_id == custodian_id {
                return Ok((row, false));
            }
            return Err(MemberError::AlreadyLinked {
                custodian: other.custodian_code,
            });
        }
        let row: MemberRow = diesel::insert_into(custodian_members::table)
            .values((
                custodian_members::custodian_id.eq(custodian_id),
                custodian_members::person_key.eq(new.person_key),
                custodian_members::identity_provider.eq(new.identity_provider),
                custodian_members::name.eq(new.name),
                custodian_members::linked_by.eq(by.actor),
                custodian_members::linked_at.eq(by.at),
            ))
            .returning(MemberRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor: by.actor,
                action: "CUSTODIAN_MEMBER_LINKED",
                entity_type: "custodian_member",
                entity_id: &row.id.to_string(),
                before_state: None,
                after_state: Some(audit_json(&row, code)),
                request_id: by.request_id,
            },
        )?;
        Ok((row, true))
    })
}

/// Ends a link of the custodian with `code` (NotFound when it has no such
/// current link).
pub fn unlink(
    conn: &mut PgConnection,
    code: &str,
    member_id: Uuid,
    by: By<'_>,
) -> Result<MemberRow, StoreError> {
    conn.transaction(|conn| {
        let (custodian_id, _) = custodian_by_code(conn, code)?;
        let row: MemberRow = diesel::update(
            custodian_members::table
                .filter(custodian_members::id.eq(member_id))
                .filter(custodian_members::custodian_id.eq(custodian_id))
                .filter(custodian_members::unlinked_at.is_null()),
        )
        .set((
            custodian_members::unlinked_by.eq(by.actor),
            custodian_members::unlinked_at.eq(by.at),
        ))
        .returning(MemberRow::as_returning())
        .get_result(conn)?;
        audit::record(
            conn,
            &NewAuditEvent {
                actor: by.actor,
                action: "CUSTODIAN_MEMBER_UNLINKED",
                entity_type: "custodian_member",
                entity_id: &row.id.to_string(),
                before_state: Some(audit_json(&row, code)),
                after_state: Some(json!({"unlinkedAt": by.at.unix_timestamp()})),
                request_id: by.request_id,
            },
        )?;
        Ok(row)
    })
}

/// The current links of the custodian with `code`, oldest first.
pub fn list(conn: &mut PgConnection, code: &str) -> Result<Vec<MemberRow>, StoreError> {
    let (custodian_id, _) = custodian_by_code(conn, code)?;
    Ok(custodian_members::table
        .filter(custodian_members::custodian_id.eq(custodian_id))
        .filter(custodian_members::unlinked_at.is_null())
        .order((
            custodian_members::linked_at.asc(),
            custodian_members::id.asc(),
        ))
        .select(MemberRow::as_select())
        .load(conn)?)
}

/// The custodian a person acts for now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    pub custodian_id: Uuid,
    pub custodian_code: String,
    pub member_id: Uuid,
    /// The person's name, as the ADMIN linked them.
    pub name: String,
}

/// The custodian the person with `person_key` acts for, if a current link
/// exists and the custodian is not retired. Read on every request.
pub fn acting_for(
    conn: &mut PgConnection,
    person_key: &str,
) -> Result<Option<(MemberRow, Acting)>, StoreError> {
    let found: Option<(MemberRow, String)> = custodian_members::table
        .inner_join(custodians::table)
        .filter(custodian_members::person_key.eq(person_key))
        .filter(custodian_members::unlinked_at.is_null())
        .filter(custodians::retired_at.is_null())
        .select((MemberRow::as_select(), custodians::code))
        .first(conn)
        .optional()?;
    Ok(found.map(|(row, code)| {
        let acting = Acting {
            custodian_id: row.custodian_id,
            custodian_code: code,
            member_id: row.id,
            name: row.name.clone(),
        };
        (row, acting)
    }))
}
