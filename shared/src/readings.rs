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

#[cfg(test)]
mod tests {
    use super::*;

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
