//! Practice goals and ranges (product.md §2 Practice): the target range of
//! each kind of reading, e.g. glucose 70–100 mg/dL. Owners and Admins change
//! them (role table: *Change practice goals and ranges*); everyone on the
//! team reads them.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::validation::FieldErrors;

/// A kind of reading a client records, with its unit and what is plausible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReadingKind {
    Glucose,
    Ketones,
    Weight,
    Systolic,
    Diastolic,
    HeartRate,
    Steps,
    Sleep,
}

impl ReadingKind {
    pub const ALL: [ReadingKind; 8] = [
        ReadingKind::Glucose,
        ReadingKind::Ketones,
        ReadingKind::Weight,
        ReadingKind::Systolic,
        ReadingKind::Diastolic,
        ReadingKind::HeartRate,
        ReadingKind::Steps,
        ReadingKind::Sleep,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ReadingKind::Glucose => "Glucose",
            ReadingKind::Ketones => "Ketones",
            ReadingKind::Weight => "Weight",
            ReadingKind::Systolic => "Blood pressure, systolic",
            ReadingKind::Diastolic => "Blood pressure, diastolic",
            ReadingKind::HeartRate => "Resting heart rate",
            ReadingKind::Steps => "Steps",
            ReadingKind::Sleep => "Sleep",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            ReadingKind::Glucose => "mg/dL",
            ReadingKind::Ketones => "mmol/L",
            ReadingKind::Weight => "kg",
            ReadingKind::Systolic | ReadingKind::Diastolic => "mmHg",
            ReadingKind::HeartRate => "bpm",
            ReadingKind::Steps => "steps",
            ReadingKind::Sleep => "hours",
        }
    }

    /// The stable text stored in the database and used in field names.
    pub fn code(self) -> &'static str {
        match self {
            ReadingKind::Glucose => "glucose",
            ReadingKind::Ketones => "ketones",
            ReadingKind::Weight => "weight",
            ReadingKind::Systolic => "systolic",
            ReadingKind::Diastolic => "diastolic",
            ReadingKind::HeartRate => "heart_rate",
            ReadingKind::Steps => "steps",
            ReadingKind::Sleep => "sleep",
        }
    }

    pub fn from_code(code: &str) -> Option<ReadingKind> {
        ReadingKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// `amount`, if it is plausible for this kind; otherwise the range that is.
    pub fn check(self, amount: Amount) -> Result<Amount, String> {
        let (min, max) = self.plausible();
        if amount < min || amount > max {
            return Err(format!("Use a value from {min} to {max} {}.", self.unit()));
        }
        Ok(amount)
    }

    /// Values outside these bounds are typos, not goals or readings (in hundredths).
    fn plausible(self) -> (Amount, Amount) {
        let (low, high) = match self {
            ReadingKind::Glucose => (20, 600),
            ReadingKind::Ketones => (0, 10),
            ReadingKind::Weight => (2, 400),
            ReadingKind::Systolic => (60, 260),
            ReadingKind::Diastolic => (30, 160),
            ReadingKind::HeartRate => (25, 230),
            ReadingKind::Steps => (0, 100_000),
            ReadingKind::Sleep => (0, 24),
        };
        (Amount(low * 100), Amount(high * 100))
    }
}

/// A reading's value in hundredths of its unit, so 0.5 mmol/L is exact and
/// SQLite and PostgreSQL store the same integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Amount(pub i64);

impl Amount {
    /// `70`, `0.5` or `1,25` (a decimal comma is read as a point); at most two decimals.
    pub fn parse(input: &str) -> Result<Amount, String> {
        let text = input.trim().replace(',', ".");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || whole.len() > 6 {
            return Err(format!("\"{}\" is not a number.", input.trim()));
        }
        if fraction.len() > 2 {
            return Err("Use at most two decimals.".into());
        }
        let whole: i64 = whole.parse().map_err(|_| "Too large.".to_owned())?;
        let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
        Ok(Amount(whole * 100 + fraction))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, fraction) = (self.0 / 100, self.0 % 100);
        match fraction {
            0 => write!(f, "{whole}"),
            n if n % 10 == 0 => write!(f, "{whole}.{}", n / 10),
            n => write!(f, "{whole}.{n:02}"),
        }
    }
}

/// One kind's target range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub kind: ReadingKind,
    pub low: Amount,
    pub high: Amount,
}

/// Where a reading falls against its kind's goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    Below,
    Within,
    Above,
}

impl Placement {
    pub fn label(self) -> &'static str {
        match self {
            Placement::Below => "Below goal",
            Placement::Within => "In range",
            Placement::Above => "Above goal",
        }
    }
}

impl Goal {
    /// Whether `value` is under, inside (bounds included) or over the range.
    pub fn place(&self, value: Amount) -> Placement {
        if value < self.low {
            Placement::Below
        } else if value > self.high {
            Placement::Above
        } else {
            Placement::Within
        }
    }
}

/// One row of the form as typed; both empty means "no goal for this kind".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalInput {
    pub kind: ReadingKind,
    pub low: String,
    pub high: String,
}

/// The form: one row per kind, in [`ReadingKind::ALL`]'s order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalsForm {
    pub rows: Vec<GoalInput>,
}

impl GoalsForm {
    /// The form showing `goals` (kinds without one are empty).
    pub fn showing(goals: &[Goal]) -> GoalsForm {
        let rows = ReadingKind::ALL
            .into_iter()
            .map(|kind| {
                let goal = goals.iter().find(|g| g.kind == kind);
                GoalInput {
                    kind,
                    low: goal.map(|g| g.low.to_string()).unwrap_or_default(),
                    high: goal.map(|g| g.high.to_string()).unwrap_or_default(),
                }
            })
            .collect();
        GoalsForm { rows }
    }

    /// The goals the form sets. Field names are `<kind>.low` and `<kind>.high`.
    pub fn validate(&self) -> Result<Vec<Goal>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut goals = Vec::new();
        for row in &self.rows {
            let (low_field, high_field) = field_names(row.kind);
            if self.rows.iter().filter(|r| r.kind == row.kind).count() > 1 {
                errors.add(&low_field, "This kind of reading is listed twice.");
                continue;
            }
            let (low_text, high_text) = (row.low.trim(), row.high.trim());
            if low_text.is_empty() && high_text.is_empty() {
                continue;
            }
            let unit = row.kind.unit();
            let mut side = |field: &str, text: &str| -> Option<Amount> {
                if text.is_empty() {
                    errors.add(field, "Enter both ends of the range, or neither.");
                    return None;
                }
                match Amount::parse(text).and_then(|amount| row.kind.check(amount)) {
                    Ok(amount) => Some(amount),
                    Err(problem) => {
                        errors.add(field, problem);
                        None
                    }
                }
            };
            let low = side(&low_field, low_text);
            let high = side(&high_field, high_text);
            match (low, high) {
                (Some(low), Some(high)) if low >= high => errors.add(
                    &high_field,
                    format!("The upper end must be above {low} {unit}."),
                ),
                (Some(low), Some(high)) => goals.push(Goal {
                    kind: row.kind,
                    low,
                    high,
                }),
                _ => {}
            }
        }
        errors.into_result(|| goals)
    }
}

/// The form's field names for one kind's two ends.
pub fn field_names(kind: ReadingKind) -> (String, String) {
    (
        format!("{}.low", kind.code()),
        format!("{}.high", kind.code()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(rows: &[(ReadingKind, &str, &str)]) -> GoalsForm {
        GoalsForm {
            rows: rows
                .iter()
                .map(|(kind, low, high)| GoalInput {
                    kind: *kind,
                    low: (*low).into(),
                    high: (*high).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn amounts_are_exact_hundredths() {
        assert_eq!(Amount::parse("70"), Ok(Amount(7000)));
        assert_eq!(Amount::parse(" 0,5 "), Ok(Amount(50)));
        assert_eq!(Amount::parse("1.25"), Ok(Amount(125)));
        assert!(Amount::parse("1.255").is_err());
        assert!(Amount::parse("-3").is_err());
        assert!(Amount::parse("7e2").is_err());
        assert!(Amount::parse(".5").is_err());
        for text in ["70", "0.5", "1.25", "100.05"] {
            assert_eq!(Amount::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn a_range_is_both_ends_low_below_high_and_plausible() {
        use ReadingKind::*;
        let goals = form(&[
            (Glucose, "70", "100"),
            (Ketones, "0.5", "3"),
            (Weight, "", ""),
        ])
        .validate()
        .unwrap();
        assert_eq!(goals.len(), 2);
        assert_eq!(GoalsForm::showing(&goals).validate().unwrap(), goals);
        let errors = form(&[
            (Glucose, "100", "70"),
            (Ketones, "0.5", ""),
            (Weight, "5000", "80"),
            (Systolic, "abc", "120"),
        ])
        .validate()
        .unwrap_err();
        assert!(errors.get("glucose.high").unwrap().contains("above 100"));
        assert!(errors.get("ketones.high").unwrap().contains("both ends"));
        assert!(errors
            .get("weight.low")
            .unwrap()
            .contains("from 2 to 400 kg"));
        assert!(errors.get("systolic.low").unwrap().contains("\"abc\""));
        let twice = form(&[(Glucose, "70", "100"), (Glucose, "80", "90")]).validate();
        assert!(twice.is_err());
    }
}
