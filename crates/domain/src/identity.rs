//! Identifiers of organisations and persons: organisation number (organisasjonsnummer)
//! and national identity number (fødselsnummer / D-nummer).
//!
//! Privacy: a national identity number is personal data. [`NationalId`] never prints
//! its digits through `Debug`, has no `Display`, and no error in this module
//! carries the input text. Use [`NationalId::masked`] in logs and
//! [`NationalId::as_str`] only where the number itself must be stored or sent.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Why an identifier was refused. The messages never repeat the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The number has the wrong number of characters.
    #[error("must be exactly {expected} digits, found {found} characters")]
    WrongLength { expected: usize, found: usize },
    /// A character other than an ASCII digit was found.
    #[error("must contain only the digits 0-9")]
    NotDigits,
    /// The control digit(s) do not match (mod 11).
    #[error("control digit does not match (mod 11)")]
    ControlDigit,
    /// The first six digits are not a possible date (day and month).
    #[error("the first six digits are not a valid date")]
    InvalidDate,
    /// A synthetic test number (H-nummer, month + 40; Tenor, month + 80) given
    /// where only real numbers are accepted.
    #[error("synthetic test numbers are not accepted here")]
    SyntheticNotAllowed,
    /// An ISO 6523 identifier without the Norwegian prefix `0192:`.
    #[error("an ISO 6523 organisation identifier must start with \"0192:\"")]
    NotIso6523Norwegian,
}

impl IdentityError {
    /// The message in bokmål (`Display` is English).
    pub fn nb(&self) -> String {
        match self {
            Self::WrongLength { expected, found } => {
                format!("må være nøyaktig {expected} siffer, fant {found} tegn")
            }
            Self::NotDigits => "kan bare inneholde sifrene 0-9".into(),
            Self::ControlDigit => "kontrollsifferet stemmer ikke (mod 11)".into(),
            Self::InvalidDate => "de seks første sifrene er ikke en gyldig dato".into(),
            Self::SyntheticNotAllowed => "syntetiske testnumre godtas ikke her".into(),
            Self::NotIso6523Norwegian => {
                "en ISO 6523-identifikator for en virksomhet må begynne med \"0192:\"".into()
            }
        }
    }
}

const ORGNR_WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];
const K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// The ISO 6523 ICD of the Norwegian organisation register (Enhetsregisteret),
/// as used by Maskinporten in `consumer.ID`.
pub const ISO6523_ORGNR_PREFIX: &str = "0192:";

/// Digits of `s` if it is exactly `N` ASCII digits.
fn digits<const N: usize>(s: &str) -> Result<[u32; N], IdentityError> {
    let bytes = s.as_bytes();
    if bytes.len() != N {
        return Err(IdentityError::WrongLength {
            expected: N,
            found: s.chars().count(),
        });
    }
    let mut out = [0u32; N];
    for (slot, b) in out.iter_mut().zip(bytes) {
        if !b.is_ascii_digit() {
            return Err(IdentityError::NotDigits);
        }
        *slot = u32::from(b - b'0');
    }
    Ok(out)
}

fn weighted_sum(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

/// The classic mod-11 control digit: `11 - (sum mod 11)`, where a result of 11
/// becomes 0 and a result of 10 means "no valid control digit" (`None`).
fn mod11_control(sum: u32) -> Option<u32> {
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

/// Organisation number (organisasjonsnummer) in the Central Coordinating
/// Register for Legal Entities (Enhetsregisteret): 9 digits, the last a mod-11
/// control digit with weights 3,2,7,6,5,4,3,2.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Orgnr([u8; 9]);

impl Orgnr {
    /// Parses exactly 9 ASCII digits (no spaces) and checks the control digit.
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        let d = digits::<9>(s)?;
        let control = mod11_control(weighted_sum(&d[..8], &ORGNR_WEIGHTS));
        if control != Some(d[8]) {
            return Err(IdentityError::ControlDigit);
        }
        let mut bytes = [0u8; 9];
        bytes.copy_from_slice(s.as_bytes());
        Ok(Self(bytes))
    }

    /// Parses the ISO 6523 form `0192:<orgnr>` that Maskinporten puts in the
    /// `consumer.ID` claim.
    pub fn from_iso6523(s: &str) -> Result<Self, IdentityError> {
        s.strip_prefix(ISO6523_ORGNR_PREFIX)
            .ok_or(IdentityError::NotIso6523Norwegian)
            .and_then(Self::parse)
    }

    /// The 9 digits.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored, so this never fails.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The ISO 6523 form `0192:<orgnr>`.
    pub fn to_iso6523(&self) -> String {
        format!("{ISO6523_ORGNR_PREFIX}{}", self.as_str())
    }
}

impl fmt::Display for Orgnr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Orgnr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Orgnr({})", self.as_str())
    }
}

impl FromStr for Orgnr {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Which kind of national identity number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NationalIdKind {
    /// Fødselsnummer: the birth number of a person registered as resident.
    Fodselsnummer,
    /// D-nummer: for persons not (yet) resident; first digit of the day + 4
    /// (day 41-71).
    DNummer,
}

impl NationalIdKind {
    /// `FODSELSNUMMER` or `D_NUMMER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fodselsnummer => "FODSELSNUMMER",
            Self::DNummer => "D_NUMMER",
        }
    }
}

/// The marker of a synthetic test person, only accepted by
/// [`NationalId::parse_allowing_synthetic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyntheticForm {
    /// Month + 40: H-nummer (hjelpenummer) and NAV's synthetic persons (Dolly).
    MonthPlus40,
    /// Month + 80: synthetic persons from Skatteetaten's Tenor test data.
    MonthPlus80,
}

/// Whether synthetic test numbers are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyntheticPolicy {
    /// Only real fødselsnummer and D-nummer (the default, and the only choice
    /// in production).
    #[default]
    Refuse,
    /// Also accept month + 40 and month + 80 (test environments).
    Allow,
}

/// Norwegian national identity number: fødselsnummer or D-nummer, 11 digits
/// `DDMMYY III K1 K2`.
///
/// Validation:
/// - The date part must be a possible day and month (day + 40 for a D-nummer).
///   The century cannot be known from the number (from 2032 the individual
///   number no longer tells it), so 29 February is accepted when `YY` is
///   divisible by 4.
/// - K2 is checked classically: `11 - (sum mod 11)` with weights
///   5,4,3,2,7,6,5,4,3,2 over the first ten digits (11 → 0, 10 → invalid).
/// - K1 follows Skatteetaten's rule for numbers issued from 1 January 2032
///   ("Nytt fødselsnummer fra 2032", folkeregisteret-api-dokumentasjon), which
///   systems must accept alongside the old rule: `k1 ∈ {11,12,13,14} − (S mod 11)`
///   where `S` is the weighted sum of the first nine digits with weights
///   3,7,6,1,8,9,4,5,2, reduced mod 11, and a k1 of 10 is invalid. Equivalently,
///   `(S + k1) mod 11 ∈ {0, 1, 2, 3}`. Remainder 0 is the classic rule, so every
///   number valid before 2032 is still valid.
///
/// `Debug` prints only the kind, never digits; there is deliberately no
/// `Display`, so a national id cannot end up in a log by `{}`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct NationalId {
    digits: [u8; 11],
    kind: NationalIdKind,
    synthetic: Option<SyntheticForm>,
}

impl NationalId {
    /// Parses a fødselsnummer or D-nummer: exactly 11 ASCII digits, no spaces.
    /// Synthetic test numbers are refused.
    pub fn parse(s: &str) -> Result<Self, IdentityError> {
        Self::parse_with(s, SyntheticPolicy::Refuse)
    }

    /// Like [`NationalId::parse`], but also accepts synthetic test persons
    /// (month + 40, month + 80). For test environments only.
    pub fn parse_allowing_synthetic(s: &str) -> Result<Self, IdentityError> {
        Self::parse_with(s, SyntheticPolicy::Allow)
    }

    /// Parses with an explicit policy for synthetic numbers.
    pub fn parse_with(s: &str, policy: SyntheticPolicy) -> Result<Self, IdentityError> {
        let d = digits::<11>(s)?;
        let (kind, synthetic) = check_date(&d)?;
        if synthetic.is_some() && policy == SyntheticPolicy::Refuse {
            return Err(IdentityError::SyntheticNotAllowed);
        }
        if !control_digits_ok(&d) {
            return Err(IdentityError::ControlDigit);
        }
        let mut digits = [0u8; 11];
        digits.copy_from_slice(s.as_bytes());
        Ok(Self {
            digits,
            kind,
            synthetic,
        })
    }

    /// Fødselsnummer or D-nummer.
    pub fn kind(&self) -> NationalIdKind {
        self.kind
    }

    /// `Some` for a synthetic test person (only after
    /// [`NationalId::parse_allowing_synthetic`]).
    pub fn synthetic(&self) -> Option<SyntheticForm> {
        self.synthetic
    }

    /// The 11 digits. Personal data: store or send it only where needed, never log it.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits).unwrap_or_default()
    }

    /// A form safe enough for logs: the six date digits and five stars,
    /// e.g. `010190*****`.
    pub fn masked(&self) -> String {
        let mut s = String::with_capacity(11);
        s.push_str(&self.as_str()[..6]);
        s.push_str("*****");
        s
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NationalId")
            .field("kind", &self.kind)
            .field("synthetic", &self.synthetic)
            .finish_non_exhaustive()
    }
}

impl FromStr for NationalId {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Checks day and month; returns the kind and any synthetic marker.
fn check_date(d: &[u32; 11]) -> Result<(NationalIdKind, Option<SyntheticForm>), IdentityError> {
    let mut day = d[0] * 10 + d[1];
    let mut month = d[2] * 10 + d[3];
    let year = d[4] * 10 + d[5];
    let kind = if day > 40 {
        day -= 40;
        NationalIdKind::DNummer
    } else {
        NationalIdKind::Fodselsnummer
    };
    let synthetic = if month > 80 {
        month -= 80;
        Some(SyntheticForm::MonthPlus80)
    } else if month > 40 {
        month -= 40;
        Some(SyntheticForm::MonthPlus40)
    } else {
        None
    };
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 => 29,
        2 => 28,
        _ => return Err(IdentityError::InvalidDate),
    };
    if day == 0 || day > days_in_month {
        return Err(IdentityError::InvalidDate);
    }
    Ok((kind, synthetic))
}

/// K1 by the 2032 rule (remainder 0..=3, see [`NationalId`]), K2 classically.
fn control_digits_ok(d: &[u32; 11]) -> bool {
    let k1 = d[9];
    let k1_remainder = (weighted_sum(&d[..9], &K1_WEIGHTS) + k1) % 11;
    if k1_remainder > 3 {
        return false;
    }
    mod11_control(weighted_sum(&d[..10], &K2_WEIGHTS)) == Some(d[10])
}

/// Finds every valid fødselsnummer or D-nummer in free text, as byte ranges,
/// for the privacy guard that refuses free text containing them.
///
/// A candidate is 11 ASCII digits not part of a longer run of digits, or six
/// digits and five digits separated by one space, dot or hyphen
/// (`010190 12345`, `010190.12345`, `010190-12345`), again not touching other
/// digits. Candidates are kept only if they are valid by [`NationalId::parse`]
/// (synthetic test numbers are not reported).
pub fn find_national_ids(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = start..i;
        match run.len() {
            11 if NationalId::parse(&text[run.clone()]).is_ok() => found.push(run),
            6 => {
                // Look for `DDMMYY<sep>IIIKK`.
                let sep = i;
                let second = sep + 1..sep + 6;
                let separated = bytes
                    .get(sep)
                    .is_some_and(|b| matches!(b, b' ' | b'.' | b'-'))
                    && bytes
                        .get(second.clone())
                        .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
                    && !bytes.get(second.end).is_some_and(u8::is_ascii_digit);
                if separated {
                    let mut joined = String::with_capacity(11);
                    joined.push_str(&text[run.clone()]);
                    joined.push_str(&text[second.clone()]);
                    if NationalId::parse(&joined).is_ok() {
                        found.push(start..second.end);
                        i = second.end;
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Finds everything in `text` that *looks like* a national identity number,
/// valid or not, as byte ranges: 11 ASCII digits not part of a longer run of
/// digits, or six digits and five digits separated by one space (the way a
/// person writes `DDMMYY IIIKK`), again not touching other digits; and every
/// valid number [`find_national_ids`] finds in its other written forms.
///
/// For masking what the service echoes or logs: a value a caller sent is
/// never written back when it may be someone's number, whether or not its
/// control digits hold.
pub fn find_national_id_lookalikes(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        match i - start {
            11 => found.push(start..i),
            6 if bytes.get(i) == Some(&b' ') => {
                let second = i + 1..i + 6;
                let five = bytes
                    .get(second.clone())
                    .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
                    && !bytes.get(second.end).is_some_and(u8::is_ascii_digit);
                if five {
                    found.push(start..second.end);
                    i = second.end;
                }
            }
            _ => {}
        }
    }
    for valid in find_national_ids(text) {
        if !found
            .iter()
            .any(|f| f.start <= valid.start && valid.end <= f.end)
        {
            found.push(valid);
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds a valid number from a date part and an individual number by
    /// computing K1 with the given remainder (0 = classic) and K2.
    /// `None` when no valid control digit exists for that remainder.
    fn make_id(date6: &str, individual: &str, k1_remainder: u32) -> Option<String> {
        let mut s = format!("{date6}{individual}");
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum = weighted_sum(&d, &K1_WEIGHTS) % 11;
        let k1 = (11 + k1_remainder - sum) % 11;
        if k1 == 10 {
            return None;
        }
        s.push(char::from_digit(k1, 10)?);
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        let k2 = mod11_control(weighted_sum(&d, &K2_WEIGHTS))?;
        s.push(char::from_digit(k2, 10)?);
        Some(s)
    }

    fn make_orgnr(first8: &str) -> Option<String> {
        let d: Vec<u32> = first8.bytes().map(|b| u32::from(b - b'0')).collect();
        let k = mod11_control(weighted_sum(&d, &ORGNR_WEIGHTS))?;
        Some(format!("{first8}{k}"))
    }

    /// The first individual number from 500 that yields a classic valid number.
    fn some_id(date6: &str) -> String {
        (500..1000)
            .find_map(|i| make_id(date6, &format!("{i:03}"), 0))
            .unwrap()
    }

    #[test]
    fn orgnr_known_numbers() {
        // Brønnøysundregistrene's own published example and computed ones.
        assert!(Orgnr::parse("974760673").is_ok());
        let n = make_orgnr("12345678").unwrap();
        assert_eq!(Orgnr::parse(&n).unwrap().as_str(), n);
        assert_eq!(Orgnr::parse(&n).unwrap().to_string(), n);
        assert_eq!(Orgnr::parse("974760674"), Err(IdentityError::ControlDigit));
        assert_eq!(
            Orgnr::parse("97476067"),
            Err(IdentityError::WrongLength {
                expected: 9,
                found: 8
            })
        );
        assert_eq!(Orgnr::parse("97476067x"), Err(IdentityError::NotDigits));
        assert!(Orgnr::parse("974 760 673").is_err());
        assert!(Orgnr::parse("٩٧٤٧٦٠٦٧٣").is_err());
    }

    #[test]
    fn orgnr_control_digit_ten_is_invalid_and_zero_is_valid() {
        let ten = (0..10_000_000u32)
            .map(|i| format!("9{i:07}"))
            .find(|s| make_orgnr(s).is_none())
            .unwrap();
        for k in 0..10 {
            assert!(Orgnr::parse(&format!("{ten}{k}")).is_err());
        }
        let zero = (0..10_000_000u32)
            .map(|i| format!("9{i:07}"))
            .find_map(|s| make_orgnr(&s).filter(|n| n.ends_with('0')))
            .unwrap();
        assert!(Orgnr::parse(&zero).is_ok());
    }

    #[test]
    fn orgnr_iso6523() {
        let o = Orgnr::from_iso6523("0192:974760673").unwrap();
        assert_eq!(o.as_str(), "974760673");
        assert_eq!(o.to_iso6523(), "0192:974760673");
        assert_eq!(
            Orgnr::from_iso6523("0088:974760673"),
            Err(IdentityError::NotIso6523Norwegian)
        );
        assert_eq!(
            Orgnr::from_iso6523("974760673"),
            Err(IdentityError::NotIso6523Norwegian)
        );
        assert_eq!(
            Orgnr::from_iso6523("0192:974760674"),
            Err(IdentityError::ControlDigit)
        );
    }

    #[test]
    fn fodselsnummer_and_d_nummer() {
        let fnr = some_id("010190");
        let id = NationalId::parse(&fnr).unwrap();
        assert_eq!(id.kind(), NationalIdKind::Fodselsnummer);
        assert_eq!(id.as_str(), fnr);
        assert_eq!(id.masked(), "010190*****");
        assert_eq!(id.synthetic(), None);

        let dnr = some_id("410190");
        let id = NationalId::parse(&dnr).unwrap();
        assert_eq!(id.kind(), NationalIdKind::DNummer);
        assert_eq!(id.masked(), "410190*****");
        assert!(NationalId::parse(&some_id("710190")).is_ok());
    }

    #[test]
    fn skatteetaten_2032_examples() {
        // Examples from Skatteetaten's documentation of the 2032 rule
        // (not real persons): remainder 0, and remainder 1 for the same date.
        assert!(NationalId::parse("02013299997").is_ok());
        assert!(NationalId::parse("30108299920").is_ok());
        assert!(NationalId::parse("30108299939").is_ok());
    }

    #[test]
    fn k1_remainders_zero_to_three_accepted_four_and_up_refused() {
        let mut accepted = 0;
        for r in 0..11 {
            if let Some(n) = make_id("150688", "123", r) {
                let ok = NationalId::parse(&n).is_ok();
                assert_eq!(ok, r <= 3, "remainder {r}: {n}");
                accepted += u32::from(ok);
            }
        }
        assert!(accepted >= 3);
    }

    #[test]
    fn wrong_k2_refused() {
        let n = some_id("010190");
        let last = n.as_bytes()[10] - b'0';
        let bad = format!("{}{}", &n[..10], (last + 1) % 10);
        assert_eq!(NationalId::parse(&bad), Err(IdentityError::ControlDigit));
    }

    #[test]
    fn dates_checked() {
        for date in [
            "320190", "001290", "011390", "010090", "300290", "290289", "720190",
        ] {
            let n = some_id(date);
            assert_eq!(
                NationalId::parse(&n),
                Err(IdentityError::InvalidDate),
                "{date}"
            );
        }
        assert!(NationalId::parse(&some_id("290288")).is_ok());
        assert!(NationalId::parse(&some_id("290200")).is_ok());
        assert!(NationalId::parse(&some_id("311299")).is_ok());
        assert!(NationalId::parse(&some_id("690288")).is_ok());
        assert_eq!(
            NationalId::parse("1234567890"),
            Err(IdentityError::WrongLength {
                expected: 11,
                found: 10
            })
        );
        assert_eq!(
            NationalId::parse("0101901234a"),
            Err(IdentityError::NotDigits)
        );
    }

    #[test]
    fn synthetic_only_when_allowed() {
        let h = some_id("014190");
        let tenor = some_id("018190");
        let tenor_d = some_id("418190");
        for n in [&h, &tenor, &tenor_d] {
            assert_eq!(
                NationalId::parse(n),
                Err(IdentityError::SyntheticNotAllowed)
            );
        }
        let id = NationalId::parse_allowing_synthetic(&h).unwrap();
        assert_eq!(id.synthetic(), Some(SyntheticForm::MonthPlus40));
        assert_eq!(id.kind(), NationalIdKind::Fodselsnummer);
        let id = NationalId::parse_allowing_synthetic(&tenor_d).unwrap();
        assert_eq!(id.synthetic(), Some(SyntheticForm::MonthPlus80));
        assert_eq!(id.kind(), NationalIdKind::DNummer);
        assert_eq!(
            NationalId::parse_allowing_synthetic(&some_id("015390")),
            Err(IdentityError::InvalidDate)
        );
    }

    #[test]
    fn debug_and_errors_never_show_the_number() {
        let n = some_id("010190");
        let id = NationalId::parse(&n).unwrap();
        let debug = format!("{id:?}");
        assert!(!debug.contains(&n[6..]), "{debug}");
        assert!(!debug.contains("010190"), "{debug}");
        let bad = format!("{}{}", &n[..10], (n.as_bytes()[10] - b'0' + 1) % 10);
        let err = NationalId::parse(&bad).unwrap_err();
        assert!(!err.to_string().contains(&bad[..6]));
    }

    #[test]
    fn finds_ids_in_text() {
        let a = some_id("010190");
        let b = some_id("420385");
        let text = format!(
            "Pasient {a}, og {} {}. Også {}.{} og {}-{}. Ikke 9{a} eller {a}1 eller 12345678901.",
            &b[..6],
            &b[6..],
            &a[..6],
            &a[6..],
            &b[..6],
            &b[6..]
        );
        let found = find_national_ids(&text);
        let slices: Vec<&str> = found.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            slices,
            vec![
                a.as_str(),
                &format!("{} {}", &b[..6], &b[6..]),
                &format!("{}.{}", &a[..6], &a[6..]),
                &format!("{}-{}", &b[..6], &b[6..]),
            ]
        );
        assert!(find_national_ids("").is_empty());
        assert!(find_national_ids("ingen tall her, ærlig talt").is_empty());
        // Separated form touching more digits is not a match.
        assert!(find_national_ids(&format!("{} {}7", &a[..6], &a[6..])).is_empty());
        assert!(find_national_ids(&format!("7{} {}", &a[..6], &a[6..])).is_empty());
        // Multi-byte text before the number: ranges are byte ranges.
        let t = format!("Æøå: {a}");
        let r = find_national_ids(&t);
        assert_eq!(&t[r[0].clone()], a);
    }

    fn valid_id() -> impl Strategy<Value = String> {
        (
            1u32..=28,
            1u32..=12,
            0u32..100,
            0u32..1000,
            0u32..4,
            any::<bool>(),
        )
            .prop_filter_map("no control digit", |(day, month, year, ind, rem, d)| {
                let day = if d { day + 40 } else { day };
                make_id(
                    &format!("{day:02}{month:02}{year:02}"),
                    &format!("{ind:03}"),
                    rem,
                )
            })
    }

    proptest! {
        #[test]
        fn generated_valid_ids_parse(n in valid_id()) {
            prop_assert!(NationalId::parse(&n).is_ok());
            let text = format!("tekst {n} tekst");
            prop_assert_eq!(find_national_ids(&text), vec![6..17]);
        }

        #[test]
        fn one_changed_digit_mostly_breaks(n in valid_id(), pos in 0usize..11, delta in 1u8..10) {
            let mut b = n.clone().into_bytes();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(b).unwrap();
            // K2 is a full mod-11 check over the first ten digits with weights
            // that are all non-zero mod 11, so a single change of one of them
            // always breaks K2 unless that K2 becomes 10; a change of K2 itself
            // always breaks. So a single-digit change never yields a valid number.
            prop_assert!(NationalId::parse(&changed).is_err());
        }

        #[test]
        fn orgnr_single_digit_change_breaks(i in 0u32..100_000_000, pos in 0usize..9, delta in 1u8..10) {
            if let Some(n) = make_orgnr(&format!("{i:08}")) {
                prop_assert!(Orgnr::parse(&n).is_ok());
                let mut b = n.into_bytes();
                b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
                prop_assert!(Orgnr::parse(&String::from_utf8(b).unwrap()).is_err());
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,14}") {
            let _ = NationalId::parse(&s);
            let _ = NationalId::parse_allowing_synthetic(&s);
            let _ = Orgnr::parse(&s);
            let _ = find_national_ids(&s);
        }
    }

    #[test]
    fn lookalikes_are_any_eleven_digits_with_or_without_a_space_after_the_date() {
        let t = "a 12345678901 b 123456 78901 c 1234567890 d 123456789012 e 123456 7890";
        let found: Vec<&str> = find_national_id_lookalikes(t)
            .into_iter()
            .map(|r| &t[r])
            .collect();
        assert_eq!(found, ["12345678901", "123456 78901"]);
        // glued to letters still counts: `x01017012345` echoes a number
        let t = "status=x01017012345y";
        let r = find_national_id_lookalikes(t);
        assert_eq!(&t[r[0].clone()], "01017012345");
        assert!(find_national_id_lookalikes("HDS-2026-000123 v3 2026-11-30").is_empty());
    }

    #[test]
    fn lookalikes_include_valid_numbers_in_every_written_form() {
        let a = "15058550040";
        let t = format!("{}-{} and {}", &a[..6], &a[6..], a);
        let found: Vec<String> = find_national_id_lookalikes(&t)
            .into_iter()
            .map(|r| t[r].to_owned())
            .collect();
        assert_eq!(found, [format!("{}-{}", &a[..6], &a[6..]), a.to_owned()]);
    }
}
