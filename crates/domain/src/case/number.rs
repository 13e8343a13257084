//! The case number (saksnummer): `HDS-<year>-<serial>`, the serial counted
//! from 1 within the year and written with at least six digits. The
//! 1,000,000th case of a year is `HDS-2026-1000000`: the serial grows a
//! digit instead of wrapping round onto an earlier number.
//!
//! Every number has one spelling: six digits with leading zeros up to
//! 999,999, and no leading zero beyond that, so that parsing a formatted
//! number gives it back and two spellings never name one case.

use std::fmt;
use std::str::FromStr;

/// A case number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    year: u16,
    serial: u32,
}

/// Why a text is not a case number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CaseNumberError {
    #[error("a case number is HDS-<year>-<serial of at least six digits>, e.g. HDS-2026-000001")]
    Shape,
    #[error("the year of a case number is between 2000 and 9999")]
    Year,
    #[error("the serial of a case number starts at 1 and has leading zeros only up to six digits")]
    Serial,
}

impl CaseNumber {
    /// The `serial`th case of `year` (both in range: year 2000..=9999, serial ≥ 1).
    pub fn new(year: i32, serial: i64) -> Result<Self, CaseNumberError> {
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (2000..=9999).contains(y))
            .ok_or(CaseNumberError::Year)?;
        let serial = u32::try_from(serial)
            .ok()
            .filter(|s| *s >= 1)
            .ok_or(CaseNumberError::Serial)?;
        Ok(Self { year, serial })
    }

    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    pub fn serial(self) -> i64 {
        i64::from(self.serial)
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HDS-{:04}-{:06}", self.year, self.serial)
    }
}

impl FromStr for CaseNumber {
    type Err = CaseNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s.strip_prefix("HDS-").ok_or(CaseNumberError::Shape)?;
        let (year, serial) = rest.split_once('-').ok_or(CaseNumberError::Shape)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || serial.len() < 6 || !digits(serial) {
            return Err(CaseNumberError::Shape);
        }
        if serial.len() > 6 && serial.starts_with('0') {
            return Err(CaseNumberError::Serial);
        }
        let year: i32 = year.parse().map_err(|_| CaseNumberError::Year)?;
        let serial: i64 = serial.parse().map_err(|_| CaseNumberError::Serial)?;
        Self::new(year, serial)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_up_to_999999_then_seven() {
        let last_six = CaseNumber::new(2026, 999_999).unwrap();
        let first_seven = CaseNumber::new(2026, 1_000_000).unwrap();
        assert_eq!(last_six.to_string(), "HDS-2026-999999");
        assert_eq!(first_seven.to_string(), "HDS-2026-1000000");
        assert_eq!(
            CaseNumber::new(2026, 1).unwrap().to_string(),
            "HDS-2026-000001"
        );
        assert_eq!("HDS-2026-999999".parse(), Ok(last_six));
        assert_eq!("HDS-2026-1000000".parse(), Ok(first_seven));
        assert_ne!(
            first_seven,
            "HDS-2026-100000".parse().unwrap(),
            "the millionth is not the hundred-thousandth"
        );
        assert!(last_six < first_seven);
    }

    #[test]
    fn every_number_round_trips_through_its_one_spelling() {
        for serial in [1, 9, 10, 99_999, 100_000, 999_999, 1_000_000, 12_345_678] {
            let n = CaseNumber::new(2031, serial).unwrap();
            assert_eq!(n.to_string().parse::<CaseNumber>(), Ok(n));
            assert_eq!((n.year(), n.serial()), (2031, serial));
        }
    }

    #[test]
    fn other_spellings_and_out_of_range_values_are_refused() {
        use CaseNumberError::{Serial, Shape, Year};
        for (text, why) in [
            ("HDS-2026-00001", Shape),
            ("HDS-2026-0000001", Serial),
            ("HDS-2026-000000", Serial),
            ("HDS-26-000001", Shape),
            ("HDS-1999-000001", Year),
            ("hds-2026-000001", Shape),
            ("HDS-2026-00000a", Shape),
            ("HDS-2026-+00001", Shape),
            ("HDS-2026", Shape),
            ("HDS-2026-99999999999", Serial),
        ] {
            assert_eq!(text.parse::<CaseNumber>(), Err(why), "{text}");
        }
        assert_eq!(CaseNumber::new(2026, 0), Err(Serial));
        assert_eq!(CaseNumber::new(10_000, 1), Err(Year));
    }
}
