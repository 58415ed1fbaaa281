//! Readings a person logs (product.md §7): a kind, a value in the kind's
//! unit and when it was taken. Members and clients log them; staff read a
//! client's; Community Health aggregates those of members who share.

use serde::{Deserialize, Serialize};

use crate::goals::{Amount, ReadingKind};
use crate::validation::FieldErrors;

/// How far ahead of the server's clock a reading's time may be (a phone's
/// clock running a little fast), in milliseconds.
const CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// A reading that passed its checks: plausible for its kind, not in the future.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub kind: ReadingKind,
    pub value: Amount,
    pub taken_at_ms: i64,
}

impl Reading {
    /// Field names: `value`, `taken_at`.
    pub fn new(
        kind: ReadingKind,
        value: Amount,
        taken_at_ms: i64,
        now_ms: i64,
    ) -> Result<Reading, FieldErrors> {
        let mut errors = FieldErrors::new();
        if let Err(problem) = kind.check(value) {
            errors.add("value", problem);
        }
        if taken_at_ms > now_ms + CLOCK_SKEW_MS {
            errors.add("taken_at", "A reading cannot be taken in the future.");
        }
        errors.into_result(|| Reading {
            kind,
            value,
            taken_at_ms,
        })
    }
}

/// A logged reading as its person's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingLine {
    pub kind: ReadingKind,
    pub value: Amount,
    pub taken_at_ms: i64,
    /// When it was taken, as the person wrote it ("1 Dec 2026, 08:30").
    pub taken: String,
}

/// A unit a person may type a reading in; stored values are in the kind's own unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// The kind's own unit (mg/dL, mmol/L, kg, steps, hours…).
    Stored,
    /// Glucose in mmol/L (1 mmol/L = 18.016 mg/dL).
    MmolPerL,
    /// Weight in pounds (1 lb = 0.45359237 kg).
    Pounds,
}

impl Unit {
    /// The units a kind can be typed in, its own first.
    pub fn for_kind(kind: ReadingKind) -> &'static [Unit] {
        match kind {
            ReadingKind::Glucose => &[Unit::Stored, Unit::MmolPerL],
            ReadingKind::Weight => &[Unit::Stored, Unit::Pounds],
            _ => &[Unit::Stored],
        }
    }

    pub fn label(self, kind: ReadingKind) -> &'static str {
        match self {
            Unit::Stored => kind.unit(),
            Unit::MmolPerL => "mmol/L",
            Unit::Pounds => "lb",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Unit::Stored => "stored",
            Unit::MmolPerL => "mmol",
            Unit::Pounds => "lb",
        }
    }

    pub fn from_code(code: &str) -> Option<Unit> {
        [Unit::Stored, Unit::MmolPerL, Unit::Pounds]
            .into_iter()
            .find(|u| u.code() == code)
    }

    /// `typed` (in this unit) in the kind's own unit, rounded to hundredths.
    fn to_stored(self, typed: Amount) -> Amount {
        // Exact integer arithmetic on hundredths: ×18.016 and ×0.45359237, rounded half up.
        let scaled = |numerator: i128, denominator: i128| {
            let v = i128::from(typed.0) * numerator;
            Amount(((v + denominator / 2) / denominator) as i64)
        };
        match self {
            Unit::Stored => typed,
            Unit::MmolPerL => scaled(18_016, 1_000),
            Unit::Pounds => scaled(45_359_237, 100_000_000),
        }
    }
}

/// A reading as a person types it on their phone: the value in a unit they
/// chose, and the local date and time their phone shows with its offset
/// from UTC (so the time means what they meant wherever they are).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingEntry {
    pub kind: ReadingKind,
    pub value: String,
    pub unit: Unit,
    /// `2026-12-01T08:30`, as a `datetime-local` input gives it.
    pub taken_at: String,
    /// Minutes east of UTC of the phone's zone at that moment (Oslo in winter: 60).
    pub utc_offset_minutes: i32,
}

impl ReadingEntry {
    /// The checked reading, or each problem by field (`kind`, `value`, `taken_at`).
    pub fn reading(&self, now_ms: i64) -> Result<Reading, FieldErrors> {
        let mut errors = FieldErrors::new();
        if !Unit::for_kind(self.kind).contains(&self.unit) {
            errors.add(
                "value",
                format!(
                    "{} is not a unit of {}.",
                    self.unit.label(self.kind),
                    self.kind.label()
                ),
            );
        }
        let value = Amount::parse(&self.value)
            .map(|typed| self.unit.to_stored(typed))
            .map_err(|problem| errors.add("value", problem))
            .ok();
        let taken_at = local_minutes(self.taken_at.trim())
            .filter(|_| self.utc_offset_minutes.abs() <= 14 * 60)
            .map(|local| (local - i64::from(self.utc_offset_minutes)) * 60_000);
        if taken_at.is_none() {
            errors.add("taken_at", "Give the date and time the reading was taken.");
        }
        match (errors.is_empty(), value, taken_at) {
            (true, Some(value), Some(taken_at)) => Reading::new(self.kind, value, taken_at, now_ms),
            _ => Err(errors),
        }
    }
}

/// `YYYY-MM-DDTHH:MM` as minutes since 1970-01-01T00:00 on the same wall clock.
/// (Written out, not with a date library: this runs in the portal's WASM too.)
fn local_minutes(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute) = (number(11..13)?, number(14..16)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_days[(month - 1) as usize]
        || hour > 23
        || minute > 59
    {
        return None;
    }
    // Days from the civil date (H. Hinnant's algorithm), proleptic Gregorian.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 24 + hour) * 60 + minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: ReadingKind, value: &str, unit: Unit, taken_at: &str) -> ReadingEntry {
        ReadingEntry {
            kind,
            value: value.into(),
            unit,
            taken_at: taken_at.into(),
            utc_offset_minutes: 60,
        }
    }

    #[test]
    fn typed_readings_are_converted_and_placed_in_time() {
        // 2026-12-01 08:30 in Oslo (UTC+1) is 07:30 UTC.
        let now = 1_764_577_800_000 + 3_600_000;
        let glucose = entry(
            ReadingKind::Glucose,
            "5,4",
            Unit::MmolPerL,
            "2025-12-01T08:30",
        )
        .reading(now)
        .unwrap();
        assert_eq!(glucose.value, Amount(9_729), "5.4 mmol/L is 97.29 mg/dL");
        assert_eq!(glucose.taken_at_ms, 1_764_574_200_000);
        let weight = entry(ReadingKind::Weight, "154", Unit::Pounds, "2025-12-01T08:30")
            .reading(now)
            .unwrap();
        assert_eq!(weight.value, Amount(6_985), "154 lb is 69.85 kg");
        let errors = entry(ReadingKind::Steps, "12", Unit::Pounds, "yesterday")
            .reading(now)
            .unwrap_err();
        assert!(errors.get("value").is_some() && errors.get("taken_at").is_some());
    }

    #[test]
    fn implausible_values_and_future_times_are_named() {
        let now = 1_800_000_000_000;
        assert!(Reading::new(ReadingKind::Glucose, Amount(9_500), now - 1, now).is_ok());
        let errors =
            Reading::new(ReadingKind::Glucose, Amount(90_000), now + 3_600_000, now).unwrap_err();
        assert_eq!(
            errors.get("value"),
            Some("Use a value from 20 to 600 mg/dL.")
        );
        assert_eq!(
            errors.get("taken_at"),
            Some("A reading cannot be taken in the future.")
        );
    }
}
