//! A week-by-week chart drawn as SVG by the app itself: the median as a line
//! with dots, the 10th–90th percentile as a bar behind each week. Withheld
//! weeks are gaps. The table beside it carries the same figures for screen
//! readers and for reading exact values.

use leptos::prelude::*;
use shared::community::health::Cell;
use shared::goals::{Amount, ReadingKind};

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 180.0;
const PAD: f64 = 24.0;

#[component]
pub fn WeeklyChart(kind: ReadingKind, rows: Vec<(String, Cell)>) -> impl IntoView {
    let shown: Vec<(usize, shared::community::health::Figures)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, (_, cell))| cell.figures.map(|f| (i, f)))
        .collect();
    if shown.is_empty() {
        return view! { <p class="hint">"No week has enough people sharing to show a figure yet."</p> }.into_any();
    }
    let low = shown.iter().map(|(_, f)| f.p10.0).min().unwrap_or(0) as f64;
    let high = shown.iter().map(|(_, f)| f.p90.0).max().unwrap_or(0) as f64;
    let span = (high - low).max(1.0);
    let weeks = rows.len().max(2) as f64;
    let x = move |i: usize| PAD + (WIDTH - 2.0 * PAD) * i as f64 / (weeks - 1.0);
    let y = move |v: i64| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * (v as f64 - low) / span;
    // The median line, broken where a week is withheld.
    let mut segments = Vec::new();
    for pair in shown.windows(2) {
        let ((a, fa), (b, fb)) = (pair[0], pair[1]);
        if b == a + 1 {
            segments.push((x(a), y(fa.median.0), x(b), y(fb.median.0)));
        }
    }
    let label = format!(
        "{}: median by week, {} of {} weeks shown, from {} to {} {}",
        kind.label(),
        shown.len(),
        rows.len(),
        shown
            .iter()
            .map(|(_, f)| f.median)
            .min()
            .unwrap_or(Amount(0)),
        shown
            .iter()
            .map(|(_, f)| f.median)
            .max()
            .unwrap_or(Amount(0)),
        kind.unit()
    );
    view! {
        <svg class="health-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
            <text x="2" y="12" class="axis">{Amount(high as i64).to_string()}</text>
            <text x="2" y=HEIGHT - 4.0 class="axis">{Amount(low as i64).to_string()}</text>
            {shown.iter().map(|&(i, f)| view! {
                <line class="range" x1=x(i) x2=x(i) y1=y(f.p10.0) y2=y(f.p90.0)/>
            }).collect_view()}
            {segments.into_iter().map(|(x1, y1, x2, y2)| view! {
                <line class="median" x1=x1 y1=y1 x2=x2 y2=y2/>
            }).collect_view()}
            {shown.iter().map(|&(i, f)| view! {
                <circle class="median" cx=x(i) cy=y(f.median.0) r="4"/>
            }).collect_view()}
        </svg>
    }
    .into_any()
}
