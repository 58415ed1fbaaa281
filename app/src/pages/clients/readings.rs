//! A client's readings against the practice's goals and ranges (product.md
//! §7): per kind, a chart of the values over time with the goal's band, and
//! the table behind it (when, value, where it falls).

use leptos::prelude::*;
use shared::goals::{Goal, ReadingKind};
use shared::readings::ReadingLine;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;
const PAD: f64 = 24.0;

#[component]
pub fn ClientReadings(readings: Vec<ReadingLine>, goals: Vec<Goal>) -> impl IntoView {
    let kinds: Vec<ReadingKind> = ReadingKind::ALL
        .into_iter()
        .filter(|k| readings.iter().any(|r| r.kind == *k))
        .collect();
    view! {
        <section class="card client-readings" aria-labelledby="client-readings-heading">
            <h2 id="client-readings-heading">"Readings"</h2>
            {kinds.is_empty().then(|| view! {
                <p class="hint">"No readings yet. Clients log them in the portal once they have a login."</p>
            })}
            {kinds.into_iter().map(|kind| {
                let mine: Vec<ReadingLine> = readings.iter().filter(|r| r.kind == kind).cloned().collect();
                let goal = goals.iter().find(|g| g.kind == kind).copied();
                view! { <KindReadings kind readings=mine goal/> }
            }).collect_view()}
        </section>
    }
}

#[component]
fn KindReadings(
    kind: ReadingKind,
    readings: Vec<ReadingLine>,
    goal: Option<Goal>,
) -> impl IntoView {
    let heading = format!("{} ({})", kind.label(), kind.unit());
    let goal_text = goal.map_or_else(
        || "No goal set for this kind.".to_owned(),
        |g| format!("Goal: {} – {} {}", g.low, g.high, kind.unit()),
    );
    view! {
        <h3>{heading}</h3>
        <p class="hint">{goal_text}</p>
        <ReadingsChart kind readings=readings.clone() goal/>
        <div class="table-wrap">
            <table class="readings-table">
                <caption class="visually-hidden">{format!("{} readings", kind.label())}</caption>
                <thead><tr><th scope="col">"Taken"</th><th scope="col">"Value"</th><th scope="col">"Against goal"</th></tr></thead>
                <tbody>
                    {readings.into_iter().map(|r| {
                        let placement = goal.map(|g| g.place(r.value));
                        view! {
                            <tr>
                                <th scope="row">{r.taken}</th>
                                <td>{format!("{} {}", r.value, kind.unit())}</td>
                                <td>{placement.map_or("—", |p| p.label())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The values in time order as a line with dots, over the goal's band.
#[component]
fn ReadingsChart(
    kind: ReadingKind,
    readings: Vec<ReadingLine>,
    goal: Option<Goal>,
) -> impl IntoView {
    let mut points: Vec<(i64, i64)> = readings
        .iter()
        .map(|r| (r.taken_at_ms, r.value.0))
        .collect();
    points.sort();
    let values = points
        .iter()
        .map(|p| p.1)
        .chain(goal.iter().flat_map(|g| [g.low.0, g.high.0]));
    let (low, high) = values.fold((i64::MAX, i64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (first, last) = (
        points.first().map_or(0, |p| p.0),
        points.last().map_or(0, |p| p.0),
    );
    let span_t = ((last - first) as f64).max(1.0);
    let span_v = ((high - low) as f64).max(1.0);
    let single = first == last;
    let x = move |t: i64| {
        if single {
            WIDTH / 2.0
        } else {
            PAD + (WIDTH - 2.0 * PAD) * (t - first) as f64 / span_t
        }
    };
    let y = move |v: i64| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * (v - low) as f64 / span_v;
    let line = points
        .iter()
        .map(|&(t, v)| format!("{:.1},{:.1}", x(t), y(v)))
        .collect::<Vec<_>>()
        .join(" ");
    let label = format!(
        "{}: {} readings over time{}",
        kind.label(),
        points.len(),
        goal.map_or(String::new(), |g| format!(
            ", goal band {} to {} {}",
            g.low,
            g.high,
            kind.unit()
        ))
    );
    view! {
        <svg class="readings-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
            {goal.map(|g| {
                let (top, bottom) = (y(g.high.0), y(g.low.0));
                view! { <rect class="goal" x=PAD y=top width=WIDTH - 2.0 * PAD height=(bottom - top).max(1.0)/> }
            })}
            <polyline class="values" points=line/>
            {points.iter().map(|&(t, v)| view! { <circle class="value" cx=x(t) cy=y(v) r="4"/> }).collect_view()}
        </svg>
    }
}
