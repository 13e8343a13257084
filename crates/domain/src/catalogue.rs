//! The rules of the catalogue (katalogen): codes, names, application channels,
//! periods, variables, service notices (driftsmeldinger) and search queries.
//!
//! Every check returns the problems it found, each naming the field by a JSON
//! pointer into the request (camelCase, as the API spells it), so that a
//! caller can report all of them at once.

use std::fmt;

use crate::identity::Orgnr;

/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer (RFC 6901) to the field, e.g. `/externalUrl` or `/3/valueType`.
    pub pointer: String,
    /// A stable code a client can act on, e.g. `REQUIRED`, `INVALID_CODE`.
    pub code: &'static str,
    /// What is wrong, for a human.
    pub message: String,
}

impl Problem {
    pub fn new(pointer: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            code,
            message: message.into(),
        }
    }

    /// The same problem under a prefix, e.g. row `/3` of an import.
    #[must_use]
    pub fn under(mut self, prefix: &str) -> Self {
        self.pointer = format!("{prefix}{}", self.pointer);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// The longest code (of a custodian, data source or purpose).
pub const MAX_CODE_LEN: usize = 32;
/// The longest variable name.
pub const MAX_VARIABLE_NAME_LEN: usize = 64;
/// The longest name, label or title.
pub const MAX_NAME_LEN: usize = 300;
/// The longest description or notice body.
pub const MAX_TEXT_LEN: usize = 10_000;
/// The earliest and latest year a period may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// A code: `^[A-Z][A-Z0-9_]*$`, at most [`MAX_CODE_LEN`] characters.
pub fn check_code(pointer: &str, code: &str, out: &mut Vec<Problem>) {
    let mut chars = code.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !well_formed || code.len() > MAX_CODE_LEN {
        out.push(Problem::new(
            pointer,
            "INVALID_CODE",
            format!("a code is 1 to {MAX_CODE_LEN} characters A-Z, 0-9 and _, starting with a letter (e.g. NPR)"),
        ));
    }
}

/// Names a variable cannot have: its path `/data-sources/{code}/variables/{name}`
/// would be an action's path (`/variables/import`).
pub const RESERVED_VARIABLE_NAMES: [&str; 1] = ["import"];

/// A variable name: `^[A-Za-z][A-Za-z0-9_]*$`, at most [`MAX_VARIABLE_NAME_LEN`]
/// characters, and not one of [`RESERVED_VARIABLE_NAMES`].
pub fn check_variable_name(pointer: &str, name: &str, out: &mut Vec<Problem>) {
    if RESERVED_VARIABLE_NAMES.contains(&name) {
        out.push(Problem::new(
            pointer,
            "RESERVED_NAME",
            format!("{name:?} is reserved (its path is an action on the data source's variables)"),
        ));
        return;
    }
    let mut chars = name.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !well_formed || name.len() > MAX_VARIABLE_NAME_LEN {
        out.push(Problem::new(
            pointer,
            "INVALID_NAME",
            format!(
                "a variable name is 1 to {MAX_VARIABLE_NAME_LEN} characters A-Z, a-z, 0-9 and _, starting with a letter (e.g. VEKT)"
            ),
        ));
    }
}

/// A required text: not blank, at most `max` characters.
pub fn check_text(pointer: &str, text: &str, max: usize, out: &mut Vec<Problem>) {
    if text.trim().is_empty() {
        out.push(Problem::new(pointer, "REQUIRED", "must not be empty"));
    } else {
        check_optional_text(pointer, text, max, out);
    }
}

/// An optional text: at most `max` characters.
pub fn check_optional_text(pointer: &str, text: &str, max: usize, out: &mut Vec<Problem>) {
    if text.chars().count() > max {
        out.push(Problem::new(
            pointer,
            "TOO_LONG",
            format!("at most {max} characters"),
        ));
    }
}

/// An organisation number (organisasjonsnummer), 9 digits with a mod-11 control digit.
pub fn check_orgnr(pointer: &str, orgnr: &str, out: &mut Vec<Problem>) {
    if let Err(e) = Orgnr::parse(orgnr) {
        out.push(Problem::new(
            pointer,
            "INVALID_ORGNR",
            format!("not a valid organisation number: {e}"),
        ));
    }
}

/// Is `url` an absolute `https://` URL with a host and no spaces?
pub fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://").is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty()
            && host.contains('.')
            && !url.chars().any(|c| c.is_whitespace() || c.is_control())
            && url.len() <= 2000
    })
}

/// An optional web address: when given, an https URL.
pub fn check_optional_url(pointer: &str, url: Option<&str>, out: &mut Vec<Problem>) {
    if let Some(url) = url {
        if !is_https_url(url) {
            out.push(Problem::new(
                pointer,
                "INVALID_URL",
                "must be an absolute https:// URL",
            ));
        }
    }
}

/// An optional e-mail address: something@domain.tld, no spaces.
pub fn check_optional_email(pointer: &str, email: Option<&str>, out: &mut Vec<Problem>) {
    if let Some(email) = email {
        let ok = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }) && !email.chars().any(char::is_whitespace)
            && email.len() <= 254;
        if !ok {
            out.push(Problem::new(
                pointer,
                "INVALID_EMAIL",
                "must be an e-mail address",
            ));
        }
    }
}

/// How an applicant applies for a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The common application form on helsedata.no (felles søknadsskjema).
    CommonForm,
    /// The custodian's own form elsewhere, at a URL.
    ExternalForm,
}

/// The application channel: an external form needs an https URL; the common
/// form takes none.
pub fn check_channel(
    channel: Channel,
    url: Option<&str>,
    url_pointer: &str,
    out: &mut Vec<Problem>,
) {
    match (channel, url) {
        (Channel::ExternalForm, None) => out.push(Problem::new(
            url_pointer,
            "REQUIRED",
            "an external application form needs its https:// URL",
        )),
        (Channel::ExternalForm, Some(url)) if !is_https_url(url) => {
            out.push(Problem::new(
                url_pointer,
                "INVALID_URL",
                "must be an absolute https:// URL",
            ));
        }
        (Channel::CommonForm, Some(_)) => out.push(Problem::new(
            url_pointer,
            "NOT_ALLOWED",
            "only an external application form has a URL; leave it out for the common form",
        )),
        _ => {}
    }
}

/// A period of years: each within [`YEARS`], and `from <= to`.
pub fn check_period(
    from: Option<i32>,
    to: Option<i32>,
    from_pointer: &str,
    to_pointer: &str,
    out: &mut Vec<Problem>,
) {
    for (year, pointer) in [(from, from_pointer), (to, to_pointer)] {
        if let Some(year) = year {
            if !YEARS.contains(&year) {
                out.push(Problem::new(
                    pointer,
                    "OUT_OF_RANGE",
                    format!("a year between {} and {}", YEARS.start(), YEARS.end()),
                ));
            }
        }
    }
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            out.push(Problem::new(
                from_pointer,
                "PERIOD_ORDER",
                format!("the period starts ({from}) after it ends ({to})"),
            ));
        }
    }
}

/// A list that must not be empty nor repeat an entry.
pub fn check_set<T: PartialEq>(pointer: &str, items: &[T], out: &mut Vec<Problem>) {
    if items.is_empty() {
        out.push(Problem::new(pointer, "REQUIRED", "give at least one"));
    }
    for (i, item) in items.iter().enumerate() {
        if items[..i].contains(item) {
            out.push(Problem::new(
                format!("{pointer}/{i}"),
                "DUPLICATE",
                "listed twice",
            ));
        }
    }
}

/// A validity window (of a service notice): `from < to`, both as Unix seconds.
pub fn check_window(from: i64, to: i64, from_pointer: &str, out: &mut Vec<Problem>) {
    if from >= to {
        out.push(Problem::new(
            from_pointer,
            "WINDOW_ORDER",
            "validFrom must be before validTo",
        ));
    }
}

/// The longest search query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words a search query may have.
pub const MAX_QUERY_WORDS: usize = 12;

/// Why a search query was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// Empty or only whitespace.
    #[error("the search query is empty")]
    Empty,
    /// Longer than [`MAX_QUERY_CHARS`].
    #[error("the search query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    /// No letters or digits at all.
    #[error("the search query has no letters or digits to search for")]
    NoWords,
    /// More than [`MAX_QUERY_WORDS`] words.
    #[error("the search query has more than {MAX_QUERY_WORDS} words")]
    TooManyWords,
}

impl SearchError {
    /// The message in bokmål (`Display` is English).
    pub fn nb(&self) -> String {
        match self {
            Self::Empty => "søket er tomt".into(),
            Self::TooLong => format!("søket er lengre enn {MAX_QUERY_CHARS} tegn"),
            Self::NoWords => "søket har ingen bokstaver eller sifre å søke etter".into(),
            Self::TooManyWords => format!("søket har mer enn {MAX_QUERY_WORDS} ord"),
        }
    }
}

/// The words of a free-text query: runs of letters and digits, lower-cased.
/// Everything else separates words, so the result is safe to put into a
/// `PostgreSQL` `tsquery` as is.
pub fn search_words(q: &str) -> Result<Vec<String>, SearchError> {
    if q.trim().is_empty() {
        return Err(SearchError::Empty);
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::TooLong);
    }
    let words: Vec<String> = q
        .split(|c: char| !(c.is_alphabetic() || c.is_numeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return Err(SearchError::NoWords);
    }
    if words.len() > MAX_QUERY_WORDS {
        return Err(SearchError::TooManyWords);
    }
    Ok(words)
}

/// A prefix `tsquery` over the words of `q`: every word must match the start
/// of a word in the text (`fødsel` finds `fødselsvekt`): `w1:* & w2:*`.
pub fn prefix_tsquery(q: &str) -> Result<String, SearchError> {
    Ok(search_words(q)?
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(f: impl FnOnce(&mut Vec<Problem>)) -> Vec<Problem> {
        let mut out = Vec::new();
        f(&mut out);
        out
    }

    #[test]
    fn codes() {
        assert!(problems(|o| check_code("/code", "NPR", o)).is_empty());
        assert!(problems(|o| check_code("/code", "HELSE_BERGEN2", o)).is_empty());
        for bad in ["", "npr", "1NPR", "NP R", "NPR-X", "ÆØÅ", &"A".repeat(33)] {
            let p = problems(|o| check_code("/code", bad, o));
            assert_eq!(p.len(), 1, "{bad}");
            assert_eq!(p[0].pointer, "/code");
            assert_eq!(p[0].code, "INVALID_CODE");
        }
    }

    #[test]
    fn variable_names() {
        assert!(problems(|o| check_variable_name("/name", "VEKT", o)).is_empty());
        assert!(problems(|o| check_variable_name("/name", "svlen_dg2", o)).is_empty());
        assert_eq!(problems(|o| check_variable_name("/name", "2X", o)).len(), 1);
        let reserved = problems(|o| check_variable_name("/name", "import", o));
        assert_eq!(
            (reserved.len(), reserved[0].code),
            (1, "RESERVED_NAME"),
            "{reserved:?}"
        );
        assert!(problems(|o| check_variable_name("/name", "IMPORT", o)).is_empty());
        assert_eq!(
            problems(|o| check_variable_name("/name", "a b", o)).len(),
            1
        );
    }

    #[test]
    fn external_channel_needs_an_https_url() {
        let p = problems(|o| check_channel(Channel::ExternalForm, None, "/externalUrl", o));
        assert_eq!(
            (p[0].pointer.as_str(), p[0].code),
            ("/externalUrl", "REQUIRED")
        );
        let p = problems(|o| {
            check_channel(
                Channel::ExternalForm,
                Some("http://x.no"),
                "/externalUrl",
                o,
            );
        });
        assert_eq!(p[0].code, "INVALID_URL");
        let p = problems(|o| {
            check_channel(Channel::CommonForm, Some("https://x.no"), "/externalUrl", o);
        });
        assert_eq!(p[0].code, "NOT_ALLOWED");
        assert!(problems(|o| check_channel(
            Channel::ExternalForm,
            Some("https://www.ntnu.edu/hunt/data"),
            "/u",
            o
        ))
        .is_empty());
        assert!(problems(|o| check_channel(Channel::CommonForm, None, "/u", o)).is_empty());
        assert!(!is_https_url("https://"));
        assert!(!is_https_url("https://localhost"));
        assert!(!is_https_url("https://a.no/x y"));
    }

    #[test]
    fn periods() {
        assert!(problems(|o| check_period(Some(1967), None, "/f", "/t", o)).is_empty());
        assert!(problems(|o| check_period(Some(2000), Some(2000), "/f", "/t", o)).is_empty());
        let p = problems(|o| check_period(Some(2010), Some(2000), "/f", "/t", o));
        assert_eq!((p[0].pointer.as_str(), p[0].code), ("/f", "PERIOD_ORDER"));
        let p = problems(|o| check_period(Some(10), Some(99_999), "/f", "/t", o));
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn orgnr_and_contacts() {
        assert!(problems(|o| check_orgnr("/orgnr", "983744516", o)).is_empty());
        assert_eq!(
            problems(|o| check_orgnr("/orgnr", "983744517", o))[0].code,
            "INVALID_ORGNR"
        );
        assert!(problems(|o| check_optional_email("/e", Some("datatilgang@fhi.no"), o)).is_empty());
        assert_eq!(
            problems(|o| check_optional_email("/e", Some("nope"), o)).len(),
            1
        );
    }

    #[test]
    fn sets_and_windows() {
        assert_eq!(
            problems(|o| check_set::<u8>("/p", &[], o))[0].code,
            "REQUIRED"
        );
        assert_eq!(
            problems(|o| check_set("/p", &[1, 2, 1], o))[0].pointer,
            "/p/2"
        );
        assert!(problems(|o| check_window(1, 2, "/validFrom", o)).is_empty());
        assert_eq!(problems(|o| check_window(2, 2, "/validFrom", o)).len(), 1);
    }

    #[test]
    fn search_queries_are_prefix_words_joined_with_and() {
        assert_eq!(prefix_tsquery("fødsel"), Ok("fødsel:*".to_owned()));
        assert_eq!(
            prefix_tsquery("  Medisinsk   FØDSEL "),
            Ok("medisinsk:* & fødsel:*".to_owned())
        );
        assert_eq!(
            prefix_tsquery("a'b:*|c&!(d)\\"),
            Ok("a:* & b:* & c:* & d:*".to_owned())
        );
        assert_eq!(prefix_tsquery("ICD-10"), Ok("icd:* & 10:*".to_owned()));
        assert_eq!(prefix_tsquery(""), Err(SearchError::Empty));
        assert_eq!(prefix_tsquery(" \t\n"), Err(SearchError::Empty));
        assert_eq!(prefix_tsquery("'&|!:*()"), Err(SearchError::NoWords));
        assert_eq!(prefix_tsquery(&"a".repeat(201)), Err(SearchError::TooLong));
        assert!(
            prefix_tsquery(&"ø".repeat(200)).is_ok(),
            "characters, not bytes"
        );
        assert_eq!(
            prefix_tsquery(&"a ".repeat(13)),
            Err(SearchError::TooManyWords)
        );
    }
}
