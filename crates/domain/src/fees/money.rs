//! Amounts of money, quantities and VAT rates as integers: never floating point.
//!
//! - [`Money`] is Norwegian kroner in øre (1 NOK = 100 øre), an `i64`.
//! - [`Quantity`] is an invoice line's quantity in hundredths (1 hour = 100,
//!   one piece = 100, 1.25 hours = 125).
//! - [`VatRate`] is a VAT rate in basis points (25 % = 2500).
//!
//! **Rounding rule.** Where a product is not a whole number of øre (hours ×
//! rate, an amount × a VAT rate), it is rounded to the nearest øre, a half
//! øre away from zero ("half up" for positive amounts, and symmetric for the
//! negative amounts of a credit note, so that a credit note mirrors its
//! invoice exactly). A line's amount is rounded once per line; VAT is computed
//! once per VAT category on the sum of that category's lines (EN 16931 rule
//! BR-CO-17), never per line.
//!
//! Every operation that could overflow is checked and returns [`Overflow`].

use std::fmt;

/// An amount too large for the arithmetic (beyond ±92 233 720 368 547 758,07 kr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amount is too large")]
pub struct Overflow;

/// Why a decimal text is not an amount or a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("must be a number with at most two decimals, e.g. 1155.50")]
    Malformed,
    #[error("the number is too large")]
    TooLarge,
}

/// `n / d` rounded to the nearest integer, a half away from zero. `d > 0`.
pub(crate) fn div_round_half_away(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = n / d;
    let r = n % d;
    // |r| * 2 >= d  <=>  the remainder is at least a half
    if r.abs() * 2 >= d {
        q + n.signum()
    } else {
        q
    }
}

fn to_i64(v: i128) -> Result<i64, Overflow> {
    i64::try_from(v).map_err(|_| Overflow)
}

/// Formats `hundredths` as a decimal with two decimals and `.` as separator:
/// `150000` → `1500.00`, `-5` → `-0.05`.
fn decimal_2(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Parses `1500`, `1500.5`, `1500.50`, `-0.05` (at most two decimals, `.` as
/// separator, no spaces or thousands separators) into hundredths.
fn parse_decimal_2(text: &str) -> Result<i64, DecimalError> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !all_digits(whole)
        || !all_digits(fraction)
        || fraction.len() > 2
        || (digits.contains('.') && fraction.is_empty())
    {
        return Err(DecimalError::Malformed);
    }
    let whole: i64 = whole.parse().map_err(|_| DecimalError::TooLarge)?;
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => {
            fraction
                .parse::<i64>()
                .map_err(|_| DecimalError::Malformed)?
                * 10
        }
        _ => fraction.parse().map_err(|_| DecimalError::Malformed)?,
    };
    let value = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction))
        .ok_or(DecimalError::TooLarge)?;
    Ok(if negative { -value } else { value })
}

/// Groups the digits of `n` in threes with a space, Norwegian style.
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// An amount in Norwegian kroner, held as whole øre.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// `ore` øre.
    pub const fn from_ore(ore: i64) -> Self {
        Self(ore)
    }

    /// Whole kroner (NOK 1,500 is `Money::from_nok(1500)`).
    pub const fn from_nok(kroner: i32) -> Self {
        Self(kroner as i64 * 100)
    }

    /// Parses a decimal amount in kroner, e.g. `1155.50`.
    pub fn parse_nok(text: &str) -> Result<Self, DecimalError> {
        parse_decimal_2(text).map(Self)
    }

    /// The amount in øre.
    pub const fn ore(self) -> i64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Self) -> Result<Self, Overflow> {
        self.0.checked_add(other.0).map(Self).ok_or(Overflow)
    }

    pub fn checked_sub(self, other: Self) -> Result<Self, Overflow> {
        self.0.checked_sub(other.0).map(Self).ok_or(Overflow)
    }

    pub fn checked_neg(self) -> Result<Self, Overflow> {
        self.0.checked_neg().map(Self).ok_or(Overflow)
    }

    /// The sum of `amounts`, or [`Overflow`].
    pub fn sum<I: IntoIterator<Item = Money>>(amounts: I) -> Result<Self, Overflow> {
        amounts.into_iter().try_fold(Self::ZERO, Self::checked_add)
    }

    /// This price × `quantity`, rounded to whole øre (a half øre away from zero).
    pub fn times(self, quantity: Quantity) -> Result<Self, Overflow> {
        let exact = i128::from(self.0) * i128::from(quantity.hundredths());
        to_i64(div_round_half_away(exact, 100)).map(Self)
    }

    /// The amount as a decimal in kroner with two decimals and `.`:
    /// `1155.00`, `-0.05`. Used in CSV and XML.
    pub fn to_decimal(self) -> String {
        decimal_2(self.0)
    }
}

/// `kr 1 155,00`, as on a Norwegian invoice.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(
            f,
            "{sign}kr {},{:02}",
            group_thousands(abs / 100),
            abs % 100
        )
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} NOK)", self.to_decimal())
    }
}

/// An invoice line's quantity in hundredths: hours (1.25 h = 125) or pieces
/// (one piece = 100). Negative on lines that take something off (free hours,
/// exemptions) and on a credit note.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(i64);

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);
    /// One piece (a basic fee, an exemption).
    pub const ONE: Quantity = Quantity(100);
    /// Minus one piece.
    pub const MINUS_ONE: Quantity = Quantity(-100);

    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    pub fn checked_neg(self) -> Result<Self, Overflow> {
        self.0.checked_neg().map(Self).ok_or(Overflow)
    }

    /// `1.25`, `-2.00`: two decimals and `.`, for CSV and XML.
    pub fn to_decimal(self) -> String {
        decimal_2(self.0)
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quantity({})", self.to_decimal())
    }
}

/// A VAT rate (merverdiavgiftssats) in basis points: 25 % is `VatRate::from_basis_points(2500)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VatRate(u16);

impl VatRate {
    /// The highest rate accepted: 100 %.
    pub const MAX_BASIS_POINTS: u16 = 10_000;

    /// A rate in basis points (hundredths of a percent), at most 100 %.
    pub fn from_basis_points(bp: u16) -> Option<Self> {
        (bp <= Self::MAX_BASIS_POINTS).then_some(Self(bp))
    }

    /// A whole percent, e.g. `VatRate::percent(25)`.
    pub fn percent(p: u8) -> Option<Self> {
        Self::from_basis_points(u16::from(p) * 100)
    }

    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// The VAT on `taxable`, rounded to whole øre (a half øre away from zero).
    pub fn vat_on(self, taxable: Money) -> Result<Money, Overflow> {
        let exact = i128::from(taxable.ore()) * i128::from(self.0);
        to_i64(div_round_half_away(exact, 10_000)).map(Money)
    }

    /// The rate as a percent without trailing zeros: `25`, `12.5`, `11.11`.
    pub fn percent_text(self) -> String {
        let whole = self.0 / 100;
        match self.0 % 100 {
            0 => whole.to_string(),
            f if f % 10 == 0 => format!("{whole}.{}", f / 10),
            f => format!("{whole}.{f:02}"),
        }
    }
}

impl fmt::Display for VatRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.percent_text())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn halves_round_away_from_zero_and_the_rest_to_the_nearest() {
        assert_eq!(div_round_half_away(250, 100), 3);
        assert_eq!(div_round_half_away(249, 100), 2);
        assert_eq!(div_round_half_away(-250, 100), -3);
        assert_eq!(div_round_half_away(-249, 100), -2);
        assert_eq!(div_round_half_away(0, 100), 0);
        assert_eq!(div_round_half_away(5, 10_000), 0);
        assert_eq!(div_round_half_away(5_000, 10_000), 1);
    }

    #[test]
    fn a_price_times_hours_is_rounded_once_to_whole_ore() {
        let rate = Money::parse_nok("1212.50").unwrap();
        // 1.75 h × 1 212,50 = 2 121,875 → 2 121,88
        assert_eq!(
            rate.times(Quantity::from_hundredths(175)).unwrap(),
            Money::from_ore(212_188)
        );
        assert_eq!(
            rate.times(Quantity::from_hundredths(-175)).unwrap(),
            Money::from_ore(-212_188)
        );
        assert_eq!(
            Money::from_nok(1155).times(Quantity::ONE).unwrap(),
            Money::from_nok(1155)
        );
        assert_eq!(
            Money::from_ore(i64::MAX).times(Quantity::from_hundredths(200)),
            Err(Overflow)
        );
    }

    #[test]
    fn vat_is_rounded_half_up_to_whole_ore() {
        let s25 = VatRate::percent(25).unwrap();
        assert_eq!(
            s25.vat_on(Money::from_nok(3900)).unwrap(),
            Money::from_nok(975)
        );
        // 0,02 × 25 % = 0,005 → 0,01
        assert_eq!(s25.vat_on(Money::from_ore(2)).unwrap(), Money::from_ore(1));
        // 0,01 × 25 % = 0,0025 → 0,00
        assert_eq!(s25.vat_on(Money::from_ore(1)).unwrap(), Money::ZERO);
        assert_eq!(
            s25.vat_on(Money::from_ore(-2)).unwrap(),
            Money::from_ore(-1)
        );
        let s15 = VatRate::percent(15).unwrap();
        // 0,10 × 15 % = 0,015 → 0,02
        assert_eq!(s15.vat_on(Money::from_ore(10)).unwrap(), Money::from_ore(2));
    }

    #[test]
    fn vat_rates_are_basis_points_up_to_100_percent() {
        assert_eq!(VatRate::percent(25).unwrap().basis_points(), 2500);
        assert!(VatRate::from_basis_points(10_001).is_none());
        assert!(VatRate::percent(101).is_none());
        assert_eq!(
            VatRate::from_basis_points(1250).unwrap().percent_text(),
            "12.5"
        );
        assert_eq!(
            VatRate::from_basis_points(1111).unwrap().percent_text(),
            "11.11"
        );
        assert_eq!(
            VatRate::from_basis_points(1505).unwrap().percent_text(),
            "15.05"
        );
        assert_eq!(VatRate::percent(0).unwrap().percent_text(), "0");
        assert_eq!(VatRate::percent(25).unwrap().to_string(), "25 %");
    }

    #[test]
    fn amounts_print_as_decimals_and_as_norwegian_kroner() {
        assert_eq!(Money::from_nok(1500).to_decimal(), "1500.00");
        assert_eq!(Money::from_ore(-5).to_decimal(), "-0.05");
        assert_eq!(Money::from_ore(212_188).to_string(), "kr 2 121,88");
        assert_eq!(Money::from_nok(1_000_000).to_string(), "kr 1 000 000,00");
        assert_eq!(Money::from_ore(-115_500).to_string(), "-kr 1 155,00");
        assert_eq!(Money::ZERO.to_string(), "kr 0,00");
        assert_eq!(Quantity::from_hundredths(125).to_decimal(), "1.25");
        assert_eq!(Quantity::MINUS_ONE.to_decimal(), "-1.00");
    }

    #[test]
    fn decimal_amounts_parse_strictly() {
        assert_eq!(Money::parse_nok("1155"), Ok(Money::from_nok(1155)));
        assert_eq!(Money::parse_nok("1155.5"), Ok(Money::from_ore(115_550)));
        assert_eq!(Money::parse_nok("-0.05"), Ok(Money::from_ore(-5)));
        for bad in [
            "", "-", "1.", ".5", "1,50", "1 155", "1.555", "1e3", "+5", "--1",
        ] {
            assert_eq!(
                Money::parse_nok(bad),
                Err(DecimalError::Malformed),
                "{bad:?}"
            );
        }
        assert_eq!(
            Money::parse_nok("99999999999999999999"),
            Err(DecimalError::TooLarge)
        );
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        let max = Money::from_ore(i64::MAX);
        assert_eq!(max.checked_add(Money::from_ore(1)), Err(Overflow));
        assert_eq!(Money::from_ore(i64::MIN).checked_neg(), Err(Overflow));
        assert_eq!(Money::sum([max, max]), Err(Overflow));
        assert_eq!(
            Money::sum([Money::from_nok(1), Money::from_ore(-50)]),
            Ok(Money::from_ore(50))
        );
    }

    proptest! {
        #[test]
        fn a_decimal_amount_reads_back_as_itself(ore in any::<i64>().prop_filter("not MIN", |o| *o != i64::MIN)) {
            let m = Money::from_ore(ore);
            prop_assert_eq!(Money::parse_nok(&m.to_decimal()), Ok(m));
        }

        #[test]
        fn rounding_is_symmetric_so_credit_notes_mirror_invoices(
            price in 0i64..100_000_000, q in -100_000i64..100_000, bp in 0u16..=10_000
        ) {
            let p = Money::from_ore(price);
            let qty = Quantity::from_hundredths(q);
            let neg = Quantity::from_hundredths(-q);
            prop_assert_eq!(p.times(qty).unwrap().ore(), -p.times(neg).unwrap().ore());
            let rate = VatRate::from_basis_points(bp).unwrap();
            prop_assert_eq!(rate.vat_on(p).unwrap().ore(), -rate.vat_on(Money::from_ore(-price)).unwrap().ore());
            // never more than half an øre from the exact value
            let exact2 = 2 * i128::from(price) * i128::from(q);
            let rounded2 = 200 * i128::from(p.times(qty).unwrap().ore());
            prop_assert!((exact2 - rounded2).abs() <= 100);
        }
    }
}
