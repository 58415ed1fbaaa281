//! Latency per step of a virtual user's journey, kept per user and merged.

use hdrhistogram::Histogram;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Default)]
pub struct Steps(BTreeMap<&'static str, Step>);

pub struct Step {
    /// Microseconds, 1 µs to 60 s at three significant digits.
    latency: Histogram<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl Step {
    fn new() -> Step {
        Step {
            latency: Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds"),
            errors: 0,
            first_error: None,
        }
    }
}

impl Steps {
    pub fn record(&mut self, step: &'static str, took: Duration, outcome: Result<(), String>) {
        let entry = self.0.entry(step).or_insert_with(Step::new);
        entry.latency.saturating_record(took.as_micros() as u64);
        if let Err(why) = outcome {
            entry.errors += 1;
            entry.first_error.get_or_insert(why);
        }
    }

    pub fn merge(&mut self, other: Steps) {
        for (name, step) in other.0 {
            let entry = self.0.entry(name).or_insert_with(Step::new);
            entry.latency.add(&step.latency).expect("same bounds");
            entry.errors += step.errors;
            if entry.first_error.is_none() {
                entry.first_error = step.first_error;
            }
        }
    }

    /// One line per step: requests, rate over `seconds`, percentiles, errors.
    pub fn print(&self, seconds: f64) {
        println!(
            "  {:<26} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7}",
            "step", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"
        );
        let ms = |h: &Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
        for (name, step) in &self.0 {
            let h = &step.latency;
            println!(
                "  {:<26} {:>8} {:>9.0} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>7}",
                name,
                h.len(),
                h.len() as f64 / seconds,
                ms(h, 0.50),
                ms(h, 0.95),
                ms(h, 0.99),
                h.max() as f64 / 1000.0,
                step.errors
            );
            if let Some(why) = &step.first_error {
                println!("    first error: {why}");
            }
        }
    }
}
