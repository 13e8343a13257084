//! The co-applicants (medsøkere) a change request adds and removes.

use hds_domain::change_request::Change;
use hds_domain::identity::NationalId;
use hds_persistence::applications as repo;
use hds_persistence::change_requests as store;
use hds_persistence::DbConn;
use serde_json::Value;
use uuid::Uuid;

use crate::error::{ApiError, FieldError, Text};

/// The co-applicants a change request adds and removes, checked against the
/// base version's: removing one who is no member, or adding the owner or a
/// member, is 422 at its place in the body. As changes: `/members/<i>` with
/// masked numbers (removed: their index among the base version's members;
/// added: after them).
pub(super) struct MemberChanges {
    pub(super) changes: Vec<Change>,
    add: Vec<String>,
    remove: Vec<String>,
}

impl MemberChanges {
    pub(super) fn of(
        conn: &mut DbConn,
        base_app: Uuid,
        owner_pid: &str,
        add: &[NationalId],
        remove: &[Uuid],
    ) -> Result<Self, ApiError> {
        let current = repo::list_members(conn, base_app)?;
        let mask = |pid: &str| {
            NationalId::parse(pid).map_or_else(|_| "***********".to_owned(), |p| p.masked())
        };
        let mut errors = Vec::new();
        let mut out = Self {
            changes: Vec::new(),
            add: Vec::new(),
            remove: Vec::new(),
        };
        for (i, member_id) in remove.iter().enumerate() {
            match current.iter().position(|m| m.id == *member_id) {
                Some(at) => {
                    out.remove.push(current[at].pid.clone());
                    out.changes.push(Change {
                        pointer: format!("/members/{at}"),
                        old: Some(Value::String(mask(&current[at].pid))),
                        new: None,
                    });
                }
                None => errors.push(FieldError::new(
                    format!("/removeMembers/{i}"),
                    "UNKNOWN_MEMBER",
                    Text::new("ingen slik medsøker", "no such co-applicant"),
                )),
            }
        }
        for (i, pid) in add.iter().enumerate() {
            let pid = pid.as_str();
            let staying = current
                .iter()
                .any(|m| m.pid == pid && !out.remove.iter().any(|r| r == pid));
            if pid == owner_pid || staying || out.add.iter().any(|a| a == pid) {
                errors.push(FieldError::new(
                    format!("/addMembers/{i}"),
                    "ALREADY_MEMBER",
                    Text::new(
                        "personen er allerede søker eller medsøker",
                        "the person is already the applicant or a co-applicant",
                    ),
                ));
                continue;
            }
            out.changes.push(Change {
                pointer: format!("/members/{}", current.len() + out.add.len()),
                old: None,
                new: Some(Value::String(mask(pid))),
            });
            out.add.push(pid.to_owned());
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(ApiError::validation(errors))
        }
    }

    /// Applies the changes to the change request's own application.
    pub(super) fn apply(
        &self,
        conn: &mut DbConn,
        application_id: Uuid,
        actor: &str,
    ) -> Result<(), ApiError> {
        for pid in &self.remove {
            store::remove_member_pid(conn, application_id, pid)?;
        }
        for pid in &self.add {
            repo::add_member(conn, application_id, pid, actor)?;
        }
        Ok(())
    }
}
