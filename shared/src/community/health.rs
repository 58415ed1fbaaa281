//! Community Health (product.md §8): weekly figures per kind of reading over
//! the members who share, and never a figure from which one person's data
//! could be read. A cell needs at least [`MIN_PEOPLE`] people; and because
//! "everyone" is the sum of its two cohorts, a cohort's cell is also withheld
//! when subtracting it from everyone's would leave a group of 1 to 4
//! (complementary suppression).
//!
//! The input is one value per person, week and kind (the person's mean that
//! week), without who they are: names and ids never reach this module.

use serde::{Deserialize, Serialize};

use crate::goals::{Amount, ReadingKind};

/// No published figure comes from fewer people than this.
pub const MIN_PEOPLE: usize = 5;

/// Who a cell counts. `Everyone` is `Clients` and `OtherMembers` together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cohort {
    Everyone,
    Clients,
    OtherMembers,
}

impl Cohort {
    pub const ALL: [Cohort; 3] = [Cohort::Everyone, Cohort::Clients, Cohort::OtherMembers];

    pub fn label(self) -> &'static str {
        match self {
            Cohort::Everyone => "All sharing members",
            Cohort::Clients => "Clients of the practice",
            Cohort::OtherMembers => "Other members",
        }
    }

    fn holds(self, client: bool) -> bool {
        match self {
            Cohort::Everyone => true,
            Cohort::Clients => client,
            Cohort::OtherMembers => !client,
        }
    }
}

/// One sharing person's mean of one kind in one week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// Weeks since the first week shown.
    pub week: u32,
    pub kind: ReadingKind,
    /// Whether the person is a client of this practice.
    pub client: bool,
    pub value: Amount,
}

/// What a published cell shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub people: u32,
    pub mean: Amount,
    pub median: Amount,
    pub p10: Amount,
    pub p90: Amount,
}

/// One week, kind and cohort: its figures, or `None` when withheld.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub week: u32,
    pub kind: ReadingKind,
    pub cohort: Cohort,
    pub figures: Option<Figures>,
}

/// The kinds of reading Community Health shows: those members log (issue #11).
pub const KINDS: [ReadingKind; 5] = [
    ReadingKind::Glucose,
    ReadingKind::Ketones,
    ReadingKind::Weight,
    ReadingKind::Steps,
    ReadingKind::Sleep,
];

/// How many weeks Community Health shows at most (a year).
pub const MAX_WEEKS: u32 = 52;

/// What the page asks for: the last `weeks` weeks, this one included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthQuery {
    pub weeks: u32,
}

impl HealthQuery {
    pub fn validate(self) -> Result<u32, crate::validation::FieldErrors> {
        if (1..=MAX_WEEKS).contains(&self.weeks) {
            Ok(self.weeks)
        } else {
            Err(crate::validation::FieldErrors::single(
                "weeks",
                format!("Choose from 1 to {MAX_WEEKS} weeks."),
            ))
        }
    }
}

/// The page's data: labels and cells, and nothing about any one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthView {
    /// The first day of each week shown (YYYY-MM-DD, a Monday in the practice's time zone).
    pub week_starts: Vec<String>,
    pub kinds: Vec<ReadingKind>,
    pub cells: Vec<Cell>,
}

/// Every cell of `weeks` weeks for `kinds`, in week, kind, cohort order.
/// Contributions outside those weeks or kinds are ignored.
pub fn cells(contributions: &[Contribution], weeks: u32, kinds: &[ReadingKind]) -> Vec<Cell> {
    let mut cells = Vec::with_capacity(weeks as usize * kinds.len() * Cohort::ALL.len());
    for week in 0..weeks {
        for &kind in kinds {
            let here: Vec<&Contribution> = contributions
                .iter()
                .filter(|c| c.week == week && c.kind == kind)
                .collect();
            let count = |cohort: Cohort| here.iter().filter(|c| cohort.holds(c.client)).count();
            let shown = published(count(Cohort::Clients), count(Cohort::OtherMembers));
            for (cohort, shown) in Cohort::ALL.into_iter().zip(shown) {
                let figures = shown.then(|| {
                    let values = here
                        .iter()
                        .filter(|c| cohort.holds(c.client))
                        .map(|c| c.value.0);
                    figures(values.collect())
                });
                cells.push(Cell {
                    week,
                    kind,
                    cohort,
                    figures,
                });
            }
        }
    }
    cells
}

/// Which of Everyone, Clients and OtherMembers may be shown, given how many
/// people each cohort has in one week and kind.
fn published(clients: usize, others: usize) -> [bool; 3] {
    let enough = |n: usize| n >= MIN_PEOPLE;
    // A group of 1–4 is what subtracting two published cells must never leave.
    let small = |n: usize| (1..MIN_PEOPLE).contains(&n);
    let everyone = enough(clients + others);
    let mut shown = [everyone, enough(clients), enough(others)];
    // Everyone minus one cohort is the other cohort: when that one is small,
    // the first may not be shown beside everyone.
    if everyone && small(others) {
        shown[1] = false;
    }
    if everyone && small(clients) {
        shown[2] = false;
    }
    shown
}

/// Mean, median and the 10th and 90th percentiles (linear between the two
/// nearest values, so no percentile of a mixed group is one person's own
/// value unless they coincide), in hundredths, rounded.
fn figures(mut values: Vec<i64>) -> Figures {
    values.sort_unstable();
    let n = values.len();
    let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
    let mean = (sum as f64 / n as f64).round() as i64;
    let percentile = |p: f64| -> Amount {
        let at = p * (n - 1) as f64;
        let (low, high) = (at.floor() as usize, at.ceil() as usize);
        let between = values[low] as f64 + (values[high] - values[low]) as f64 * (at - low as f64);
        Amount(between.round() as i64)
    };
    Figures {
        people: n as u32,
        mean: Amount(mean),
        median: percentile(0.5),
        p10: percentile(0.1),
        p90: percentile(0.9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(week: u32, client: bool, values: &[i64]) -> Vec<Contribution> {
        values
            .iter()
            .map(|&v| Contribution {
                week,
                kind: ReadingKind::Glucose,
                client,
                value: Amount(v),
            })
            .collect()
    }

    fn shown(cells: &[Cell]) -> Vec<(Cohort, Option<u32>)> {
        cells
            .iter()
            .map(|c| (c.cohort, c.figures.map(|f| f.people)))
            .collect()
    }

    #[test]
    fn four_people_are_never_a_figure_and_five_are() {
        let four = people(0, false, &[9000, 9100, 9200, 9300]);
        assert!(cells(&four, 1, &[ReadingKind::Glucose])
            .iter()
            .all(|c| c.figures.is_none()));
        let five = people(0, false, &[9000, 9100, 9200, 9300, 9400]);
        let out = cells(&five, 1, &[ReadingKind::Glucose]);
        assert_eq!(
            shown(&out),
            [
                (Cohort::Everyone, Some(5)),
                (Cohort::Clients, None),
                (Cohort::OtherMembers, Some(5)),
            ]
        );
        let figures = out[0].figures.unwrap();
        assert_eq!(figures.mean, Amount(9200));
        assert_eq!(figures.median, Amount(9200));
        // 10th percentile of five: 40 % of the way from the first to the second value.
        assert_eq!(figures.p10, Amount(9040));
        assert_eq!(figures.p90, Amount(9360));
    }

    #[test]
    fn a_cohort_is_withheld_when_everyone_minus_it_is_a_small_group() {
        // 7 clients and 2 other members: everyone (9) and the clients (7) would
        // give away the two others' sum by subtraction.
        let mut input = people(0, true, &[100, 200, 300, 400, 500, 600, 700]);
        input.extend(people(0, false, &[800, 900]));
        let out = cells(&input, 1, &[ReadingKind::Glucose]);
        assert_eq!(
            shown(&out),
            [
                (Cohort::Everyone, Some(9)),
                (Cohort::Clients, None),
                (Cohort::OtherMembers, None),
            ]
        );
        // With five others, every cohort can be shown.
        input.extend(people(0, false, &[1000, 1100, 1200]));
        let out = cells(&input, 1, &[ReadingKind::Glucose]);
        assert!(out.iter().all(|c| c.figures.is_some()));
    }

    #[test]
    fn weeks_and_kinds_are_cells_of_their_own() {
        let mut input = people(0, true, &[1, 2, 3, 4, 5]);
        input.extend(people(1, true, &[1, 2, 3, 4]));
        let out = cells(&input, 2, &[ReadingKind::Glucose, ReadingKind::Weight]);
        assert_eq!(out.len(), 2 * 2 * 3);
        let published: Vec<_> = out
            .iter()
            .filter(|c| c.figures.is_some())
            .map(|c| (c.week, c.kind, c.cohort))
            .collect();
        assert_eq!(
            published,
            [
                (0, ReadingKind::Glucose, Cohort::Everyone),
                (0, ReadingKind::Glucose, Cohort::Clients),
            ]
        );
    }

    mod property {
        use super::super::*;
        use proptest::prelude::*;
        use std::collections::BTreeSet;

        /// A person: client or not, and the (week, kind index, value) they shared.
        type Person = (bool, Vec<(u32, usize, i64)>);

        fn population() -> impl Strategy<Value = Vec<Person>> {
            let person = (
                any::<bool>(),
                proptest::collection::vec(
                    (0u32..6, 0usize..ReadingKind::ALL.len(), 2_000i64..40_000),
                    0..12,
                ),
            );
            proptest::collection::vec(person, 0..40)
        }

        proptest! {
            #[test]
            fn no_published_figure_or_difference_of_two_comes_from_1_to_4_people(
                people in population(),
                weeks in 1u32..6,
                kinds in proptest::sample::subsequence(ReadingKind::ALL.to_vec(), 1..=ReadingKind::ALL.len()),
            ) {
                // One contribution per person, week and kind; the group of each is kept here only.
                let mut seen = BTreeSet::new();
                let mut input = Vec::new();
                let mut owners = Vec::new();
                for (id, (client, shared)) in people.iter().enumerate() {
                    for &(week, kind, value) in shared {
                        let kind = ReadingKind::ALL[kind];
                        if seen.insert((id, week, kind.code())) {
                            input.push(Contribution { week, kind, client: *client, value: Amount(value) });
                            owners.push(id);
                        }
                    }
                }
                let group = |week: u32, kind: ReadingKind, cohort: Cohort| -> BTreeSet<usize> {
                    input.iter().zip(&owners)
                        .filter(|(c, _)| c.week == week && c.kind == kind && cohort.holds(c.client))
                        .map(|(_, &id)| id)
                        .collect()
                };
                let out = cells(&input, weeks, &kinds);
                prop_assert_eq!(out.len(), weeks as usize * kinds.len() * 3);
                for cell in &out {
                    let members = group(cell.week, cell.kind, cell.cohort);
                    if let Some(figures) = cell.figures {
                        prop_assert!(members.len() >= MIN_PEOPLE);
                        prop_assert_eq!(figures.people as usize, members.len());
                    } else if cell.cohort == Cohort::Everyone {
                        // Withholding is not overdone: everyone is shown from five people on.
                        prop_assert!(members.len() < MIN_PEOPLE);
                    }
                    for other in out.iter().filter(|o| o.week == cell.week && o.kind == cell.kind) {
                        if cell.figures.is_none() || other.figures.is_none() {
                            continue;
                        }
                        let theirs = group(other.week, other.kind, other.cohort);
                        let nested = members.is_subset(&theirs) || theirs.is_subset(&members);
                        let apart = members.symmetric_difference(&theirs).count();
                        prop_assert!(!nested || apart == 0 || apart >= MIN_PEOPLE,
                            "{:?} and {:?} differ by {} people", cell.cohort, other.cohort, apart);
                    }
                }
            }
        }
    }
}
