//! A person's contact address and language (`/api/v1/me/contact`): a new
//! address waits with a code (hashed, expiring, a few tries) until the person
//! gives the code back; only a verified address gets messages.

use diesel::prelude::*;
use diesel::PgConnection;
use hds_domain::notification::{
    check_code, may_send_code, CodeCheck, Language, CODE_VALID_FOR, CONTACT_CODE,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{enqueue, person_key, About};
use crate::audit::{self, NewAuditEvent};
use crate::schema::person_contacts;
use crate::StoreError;

/// A stored contact.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = person_contacts)]
pub struct ContactRow {
    pub email: Option<String>,
    pub language: String,
    pub verified_at: Option<OffsetDateTime>,
    pub pending_email: Option<String>,
    pub code_expires_at: Option<OffsetDateTime>,
    pub code_attempts: i32,
    pub codes_sent: i32,
    pub codes_since: Option<OffsetDateTime>,
}

/// What setting a contact did.
#[derive(Debug, Clone)]
pub enum SetOutcome {
    Done(ContactRow),
    /// Too many codes asked for lately: nothing changed; another may be
    /// asked for at this instant.
    TooManyCodes {
        retry_after: OffsetDateTime,
    },
}

fn code_hash(key: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{key}:{code}").as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The person's contact, if they set one.
pub fn find(conn: &mut PgConnection, pid: &str) -> Result<Option<ContactRow>, StoreError> {
    Ok(person_contacts::table
        .find(person_key(pid))
        .select(ContactRow::as_select())
        .first(conn)
        .optional()?)
}

/// Who changes a contact: the audit trail's actor (masked) and request id.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub actor: &'a str,
    pub request_id: Option<&'a str>,
}

fn audit_contact(
    conn: &mut PgConnection,
    who: Who<'_>,
    key: &str,
    action: &str,
    after: serde_json::Value,
) -> Result<(), StoreError> {
    audit::record(
        conn,
        &NewAuditEvent {
            actor: who.actor,
            action,
            entity_type: "person_contact",
            entity_id: key,
            before_state: None,
            after_state: Some(after),
            request_id: who.request_id,
        },
    )?;
    Ok(())
}

/// Whether the person has a verified address (else the timeline is their
/// only channel).
pub fn has_verified_address(conn: &mut PgConnection, pid: &str) -> Result<bool, StoreError> {
    Ok(find(conn, pid)?.is_some_and(|c| c.email.is_some()))
}

/// Sets the language and, when `email` is a new address, starts its
/// verification: the code (hashed) expires after
/// [`CODE_VALID_FOR`], and a message with it is queued to that address.
pub fn set(
    conn: &mut PgConnection,
    pid: &str,
    email: Option<&str>,
    language: Language,
    code: &str,
    at: OffsetDateTime,
    who: Who<'_>,
) -> Result<SetOutcome, StoreError> {
    conn.transaction(|conn| {
        let key = person_key(pid);
        diesel::insert_into(person_contacts::table)
            .values((
                person_contacts::person_key.eq(&key),
                person_contacts::language.eq(language.as_str()),
                person_contacts::updated_at.eq(at),
            ))
            .on_conflict(person_contacts::person_key)
            .do_update()
            .set((
                person_contacts::language.eq(language.as_str()),
                person_contacts::updated_at.eq(at),
            ))
            .execute(conn)?;
        let current: ContactRow = person_contacts::table
            .find(&key)
            .select(ContactRow::as_select())
            .for_update()
            .first(conn)?;
        match email {
            Some(email) if current.email.as_deref() == Some(email) => {
                diesel::update(person_contacts::table.find(&key))
                    .set((
                        person_contacts::pending_email.eq(None::<String>),
                        person_contacts::code_hash.eq(None::<String>),
                        person_contacts::code_expires_at.eq(None::<OffsetDateTime>),
                        person_contacts::code_attempts.eq(0),
                    ))
                    .execute(conn)?;
            }
            Some(email) => {
                let (sent, since) = match may_send_code(current.codes_sent, current.codes_since, at)
                {
                    Ok(window) => window,
                    Err(retry_after) => {
                        // nothing changed: not even the language
                        return Err(TooMany(retry_after));
                    }
                };
                diesel::update(person_contacts::table.find(&key))
                    .set((
                        person_contacts::codes_sent.eq(sent),
                        person_contacts::codes_since.eq(since),
                        person_contacts::pending_email.eq(email),
                        person_contacts::code_hash.eq(code_hash(&key, code)),
                        person_contacts::code_expires_at.eq(at + CODE_VALID_FOR),
                        person_contacts::code_attempts.eq(0),
                    ))
                    .execute(conn)?;
                enqueue(
                    conn,
                    CONTACT_CODE,
                    About::Contact {
                        email,
                        language,
                        code,
                    },
                    at,
                )?;
            }
            None => {}
        }
        let code_sent = email.is_some_and(|e| current.email.as_deref() != Some(e));
        audit_contact(
            conn,
            who,
            &key,
            "CONTACT_SET",
            serde_json::json!({"language": language.as_str(), "codeSent": code_sent}),
        )?;
        Ok(person_contacts::table
            .find(&key)
            .select(ContactRow::as_select())
            .first(conn)?)
    })
    .map(SetOutcome::Done)
    .or_else(|e| match e {
        TooMany(retry_after) => Ok(SetOutcome::TooManyCodes { retry_after }),
        Store(e) => Err(e),
    })
}

/// Why `set`'s transaction ends without a change.
enum SetError {
    TooMany(OffsetDateTime),
    Store(StoreError),
}
use SetError::{Store, TooMany};

impl From<diesel::result::Error> for SetError {
    fn from(e: diesel::result::Error) -> Self {
        Store(e.into())
    }
}

impl From<StoreError> for SetError {
    fn from(e: StoreError) -> Self {
        Store(e)
    }
}

/// The pending address, its code's hash and expiry, and the wrong tries.
type Pending = (Option<String>, Option<String>, Option<OffsetDateTime>, i32);

/// What giving a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// No address waits for a code.
    NothingPending,
    Checked(CodeCheck),
}

/// Checks a code against the pending address: right and in time makes it
/// the verified address; a wrong code counts a try and changes nothing else;
/// an expired code, or one tried too often, changes nothing.
pub fn verify(
    conn: &mut PgConnection,
    pid: &str,
    code: &str,
    at: OffsetDateTime,
    who: Who<'_>,
) -> Result<Verification, StoreError> {
    conn.transaction(|conn| {
        let key = person_key(pid);
        let row: Option<Pending> = person_contacts::table
            .find(&key)
            .select((
                person_contacts::pending_email,
                person_contacts::code_hash,
                person_contacts::code_expires_at,
                person_contacts::code_attempts,
            ))
            .for_update()
            .first(conn)
            .optional()?;
        let Some((Some(pending), Some(hash), Some(expires), attempts)) = row else {
            return Ok(Verification::NothingPending);
        };
        let check = check_code(code_hash(&key, code) == hash, attempts, expires, at);
        match check {
            CodeCheck::Verified => {
                diesel::update(person_contacts::table.find(&key))
                    .set((
                        person_contacts::email.eq(&pending),
                        person_contacts::verified_at.eq(at),
                        person_contacts::pending_email.eq(None::<String>),
                        person_contacts::code_hash.eq(None::<String>),
                        person_contacts::code_expires_at.eq(None::<OffsetDateTime>),
                        person_contacts::code_attempts.eq(0),
                        person_contacts::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                audit_contact(
                    conn,
                    who,
                    &key,
                    "CONTACT_VERIFIED",
                    serde_json::json!({"verified": true}),
                )?;
            }
            CodeCheck::Wrong { .. } => {
                diesel::update(person_contacts::table.find(&key))
                    .set(person_contacts::code_attempts.eq(attempts + 1))
                    .execute(conn)?;
            }
            CodeCheck::Expired | CodeCheck::TooManyAttempts => {}
        }
        Ok(Verification::Checked(check))
    })
}
