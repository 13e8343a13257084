//! Change requests (endringssøknad): an applicant proposes a new version of
//! a submitted or decided application. Seeds 003 and 004: "Dersom du har
//! behov for å melde om eller søke om endringer til søknaden etter at den er
//! sendt inn ... Beskriv endringen du ønsker og inkluder gjeldende
//! saksnummer."
//!
//! The rules here, as plain functions over the application's JSON form:
//! - [`may_request_change`]: on which cases a change may be asked for;
//! - [`diff`]: what changed between two versions, as JSON pointers with the
//!   old and the new value (what the case handler reads);
//! - [`check_changes`]: that something changed and only what a change
//!   request may change (the rest needs a new application);
//! - [`sources_concerned`]: the data sources the change request's decision
//!   covers (only what changed);
//! - [`version_in_force`] and [`base_version`]: which version of an
//!   application is in force, and which one a change is measured against.
//!
//! A change request is a case of its own with its own case number,
//! completeness, statutory clock and decision; the original case and its
//! decision stay as they are.

use serde_json::{Map, Value};

use crate::application::Problem;
use crate::case::CaseState;

/// One difference between two versions: where (RFC 6901 pointer into the
/// application's content), what it was and what it is proposed to be
/// (`None`: absent on that side).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub pointer: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// The parts of an application a change request may change (pointer
/// prefixes into the content): the data sources with their variables and
/// periods, the tables, the project's end date, the data processor, the
/// linkage (sammenstilling), and comments to the case handler. Anything
/// else (purpose, kind of data, the responsible institution, legal basis,
/// the project's title and description) makes it another project: a new
/// application. Co-applicants are not in the content: their changes are
/// `/members/<i>` (masked national identity numbers). Attachments are sent
/// later through their own route.
pub const CHANGEABLE: &[&str] = &[
    "/members",
    "/dataSources",
    "/tableSpecifications",
    "/project/endDate",
    "/responsibility/dataProcessor",
    "/linkage",
    "/comments",
];

/// Codes of the problems of a change request.
pub mod codes {
    /// The proposed version is the version it is measured against.
    pub const NOTHING_CHANGED: &str = "NOTHING_CHANGED";
    /// A part no change request may change.
    pub const NEEDS_NEW_APPLICATION: &str = "CHANGE_NEEDS_NEW_APPLICATION";
}

/// Whether a change may be requested on a case in `state`. `decided`: the
/// case has had a decision (a closed case without one was rejected or
/// withdrawn). Not on a withdrawn case, nor on one rejected for no reply (a
/// new application and a new fee are needed there, domain.md).
pub fn may_request_change(state: CaseState, decided: bool) -> Result<(), (String, String)> {
    match state {
        CaseState::Withdrawn => Err((
            "søknaden er trukket; send en ny søknad".to_owned(),
            "the application was withdrawn; submit a new application".to_owned(),
        )),
        CaseState::RejectedNoReply => Err((
            "søknaden er avvist fordi spørsmålet ikke ble besvart; send en ny søknad".to_owned(),
            "the application was rejected for no reply; submit a new application".to_owned(),
        )),
        CaseState::Closed if !decided => Err((
            "saken ble avsluttet uten vedtak; send en ny søknad".to_owned(),
            "the case was closed without a decision; submit a new application".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// Every difference between `old` and `new`, depth first, keys in
/// alphabetical order (then the keys only the old one had). Objects are
/// compared key by key; the data sources (`/dataSources`, whose entries have
/// a `code`) are matched by their code, so removing one source does not
/// show every later one as changed: a source's pointer is its index in the
/// new version (in the old one when it was removed). Other arrays are
/// compared index by index. Equal values give nothing.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", old, new, &mut out);
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn walk(at: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => objects(at, a, b, out),
        (Value::Array(a), Value::Array(b)) if at == "/dataSources" && keyed_by_code(a, b) => {
            by_code(at, a, b, out);
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let here = format!("{at}/{i}");
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => walk(&here, x, y, out),
                    (x, y) => out.push(Change {
                        pointer: here,
                        old: x.cloned(),
                        new: y.cloned(),
                    }),
                }
            }
        }
        _ => out.push(Change {
            pointer: at.to_owned(),
            old: (!old.is_null()).then(|| old.clone()),
            new: (!new.is_null()).then(|| new.clone()),
        }),
    }
}

fn objects(at: &str, a: &Map<String, Value>, b: &Map<String, Value>, out: &mut Vec<Change>) {
    for (k, y) in b {
        let here = format!("{at}/{}", escape(k));
        match a.get(k) {
            Some(x) => walk(&here, x, y, out),
            None if y.is_null() => {}
            None => out.push(Change {
                pointer: here,
                old: None,
                new: Some(y.clone()),
            }),
        }
    }
    for (k, x) in a {
        if !b.contains_key(k) && !x.is_null() {
            out.push(Change {
                pointer: format!("{at}/{}", escape(k)),
                old: Some(x.clone()),
                new: None,
            });
        }
    }
}

fn code_of(v: &Value) -> Option<&str> {
    v.get("code").and_then(Value::as_str)
}

fn keyed_by_code(a: &[Value], b: &[Value]) -> bool {
    let unique = |xs: &[Value]| {
        let mut codes: Vec<&str> = Vec::new();
        for x in xs {
            match code_of(x) {
                Some(c) if !codes.contains(&c) => codes.push(c),
                _ => return false,
            }
        }
        true
    };
    unique(a) && unique(b)
}

fn by_code(at: &str, a: &[Value], b: &[Value], out: &mut Vec<Change>) {
    for (j, y) in b.iter().enumerate() {
        let here = format!("{at}/{j}");
        match a.iter().find(|x| code_of(x) == code_of(y)) {
            Some(x) => walk(&here, x, y, out),
            None => out.push(Change {
                pointer: here,
                old: None,
                new: Some(y.clone()),
            }),
        }
    }
    for (i, x) in a.iter().enumerate() {
        if !b.iter().any(|y| code_of(y) == code_of(x)) {
            out.push(Change {
                pointer: format!("{at}/{i}"),
                old: Some(x.clone()),
                new: None,
            });
        }
    }
}

fn changeable(pointer: &str) -> bool {
    CHANGEABLE.iter().any(|prefix| {
        pointer == *prefix
            || pointer
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The problems of a change request's `changes` (from [`diff`]): none
/// (`NOTHING_CHANGED` at `at`), or changes to parts no change request may
/// change (`CHANGE_NEEDS_NEW_APPLICATION` at `at` + the change's pointer).
/// `at` is where the proposal sits in the request body (e.g. `/content`).
pub fn check_changes(at: &str, changes: &[Change]) -> Vec<Problem> {
    if changes.is_empty() {
        return vec![Problem::new(
            at,
            codes::NOTHING_CHANGED,
            "endringssøknaden endrer ingenting i forhold til gjeldende versjon av søknaden",
            "the change request changes nothing against the application's version in force",
        )];
    }
    changes
        .iter()
        .filter(|c| !changeable(&c.pointer))
        .map(|c| {
            Problem::new(
                format!("{at}{}", c.pointer),
                codes::NEEDS_NEW_APPLICATION,
                "dette kan ikke endres med en endringssøknad (formål, type opplysninger, ansvarlig institusjon, rettslig grunnlag og prosjektets tittel og beskrivelse gjør det til et annet prosjekt); send en ny søknad",
                "a change request cannot change this (purpose, kind of data, the responsible institution, legal basis and the project's title and description make it another project); submit a new application",
            )
        })
        .collect()
}

/// The data sources (codes) the change request's decision covers: the
/// sources whose entry was added or changed, and those named by a changed
/// table. A change that concerns no single source (the end date, the data
/// processor, the linkage) concerns every source of the proposed version;
/// so does a change that only removes sources (removing needs no
/// permission, but the case still ends in a decision on what remains).
/// In the order of `proposed_sources`.
pub fn sources_concerned(
    changes: &[Change],
    base: &Value,
    proposed: &Value,
    proposed_sources: &[String],
) -> Vec<String> {
    let mut concerned: Vec<&str> = Vec::new();
    let mut every = false;
    for c in changes {
        if let Some(rest) = c.pointer.strip_prefix("/dataSources/") {
            let index = rest.split('/').next().unwrap_or_default();
            if c.new.is_none() && !rest.contains('/') {
                continue; // a source removed
            }
            if let Some(code) = proposed
                .pointer(&format!("/dataSources/{index}/code"))
                .and_then(Value::as_str)
            {
                concerned.push(code);
            }
        } else if c.pointer == "/tableSpecifications" {
            for side in [proposed, base] {
                let tables = side.get("tableSpecifications").and_then(Value::as_array);
                concerned.extend(
                    tables
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.get("dataSource").and_then(Value::as_str)),
                );
            }
        } else if let Some(rest) = c.pointer.strip_prefix("/tableSpecifications/") {
            let index = rest.split('/').next().unwrap_or_default();
            for side in [proposed, base] {
                if let Some(code) = side
                    .pointer(&format!("/tableSpecifications/{index}/dataSource"))
                    .and_then(Value::as_str)
                {
                    concerned.push(code);
                }
            }
        } else if c.pointer != "/comments" {
            every = true;
        }
    }
    if every || concerned.is_empty() {
        return proposed_sources.to_vec();
    }
    proposed_sources
        .iter()
        .filter(|s| concerned.contains(&s.as_str()))
        .cloned()
        .collect()
}

/// Where one version of an application stands, for [`version_in_force`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionStanding {
    /// Submitted, not decided yet (or under appeal).
    Pending,
    /// Decided with at least one source granted or partly granted.
    Granted,
    /// Decided with every source refused: what was in force stays in force.
    Refused,
    /// Withdrawn, rejected for no reply, or closed without a decision.
    Ended,
}

/// The version in force (gjeldende versjon): the latest version (numbered
/// from 1, the original submission, in the order submitted) whose decision
/// granted something. A refused or withdrawn change request leaves the
/// version before it in force. `None` until a decision grants anything.
pub fn version_in_force(versions: &[(u32, VersionStanding)]) -> Option<u32> {
    versions
        .iter()
        .filter(|(_, s)| *s == VersionStanding::Granted)
        .map(|(n, _)| *n)
        .max()
}

/// The version a new change request is measured against (and whose
/// content it starts from): the version in force; with none, the latest
/// version submitted that has not ended (withdrawn, rejected) or been
/// refused; with none of those either, the original (1).
pub fn base_version(versions: &[(u32, VersionStanding)]) -> u32 {
    version_in_force(versions)
        .or_else(|| {
            versions
                .iter()
                .filter(|(_, s)| *s == VersionStanding::Pending)
                .map(|(n, _)| *n)
                .max()
        })
        .unwrap_or(1)
}

#[cfg(test)]
#[path = "change_request_tests.rs"]
mod tests;
