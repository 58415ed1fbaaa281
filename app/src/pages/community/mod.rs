//! The practice's community (product.md §5, §8). Community Health: the
//! anonymous weekly figures of the members who share, for the whole team;
//! Members: who is in it, for those who manage the practice's settings.

mod chart;
mod members;

use leptos::prelude::*;
use shared::community::health::{Cell, Cohort, HealthQuery, HealthView};
use shared::goals::ReadingKind;
use shared::roles::Capability;

use crate::api::community::community_health;
use crate::components::practice::{use_practice, PracticeContext, PracticeProblem};
use crate::error::AppError;
use chart::WeeklyChart;

/// How far back the page can look, in weeks.
const SPANS: [u32; 4] = [4, 12, 26, 52];

#[component]
pub fn CommunityHealthPage() -> impl IntoView {
    let practice = use_practice();
    if !practice.may(Capability::ViewReports) {
        return view! { <PracticeProblem error=AppError::Forbidden/> }.into_any();
    }
    let weeks = RwSignal::new(12_u32);
    let cohort = RwSignal::new(Cohort::Everyone);
    let health = Resource::new(
        move || weeks.get(),
        move |weeks| community_health(practice.id, HealthQuery { weeks }),
    );
    view! {
        <section class="page">
            <div class="page-head"><h1>"Community Health"</h1></div>
            <Tabs practice current="Health"/>
            <p class="hint">"Weekly figures over the community members who share their readings: each person counts once a week, with their mean. No figure comes from fewer than 5 people, nor one that comparing two figures would narrow down to fewer than 5. No one's name or own readings appear here."</p>
            <div class="filters" role="search" aria-label="Community Health">
                <div class="field">
                    <label for="health-weeks">"Weeks"</label>
                    <select id="health-weeks" on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse() { weeks.set(n) }
                    }>
                        {SPANS.into_iter().map(|n| view! {
                            <option value=n.to_string() selected=move || weeks.get() == n>{format!("Last {n} weeks")}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="health-cohort">"Who"</label>
                    <select id="health-cohort" on:change=move |ev| {
                        let picked = event_target_value(&ev);
                        if let Some(c) = Cohort::ALL.into_iter().find(|c| c.label() == picked) { cohort.set(c) }
                    }>
                        {Cohort::ALL.into_iter().map(|c| view! {
                            <option value=c.label() selected=move || cohort.get() == c>{c.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || health.get().map(|result| match result {
                    Ok(view) => {
                        let view = StoredValue::new(view);
                        view.with_value(|v| v.kinds.clone()).into_iter().map(|kind| view! {
                            <KindFigures kind view cohort/>
                        }).collect_view().into_any()
                    }
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// Community → Members: who is in the community (product.md §5).
#[component]
pub fn CommunityMembersPage() -> impl IntoView {
    let practice = use_practice();
    if !practice.may(Capability::ChangeSettings) {
        return view! { <PracticeProblem error=AppError::Forbidden/> }.into_any();
    }
    view! {
        <section class="page">
            <div class="page-head"><h1>"Community members"</h1></div>
            <Tabs practice current="Members"/>
            <members::CommunityMembers practice/>
        </section>
    }
    .into_any()
}

/// Health and Members, for those who see both.
#[component]
fn Tabs(practice: PracticeContext, current: &'static str) -> impl IntoView {
    practice.may(Capability::ChangeSettings).then(|| {
        let tabs = [
            ("Health", practice.path("community")),
            ("Members", practice.path("community/members")),
        ];
        view! {
            <nav class="tabs" aria-label="Community">
                {tabs.into_iter().map(|(label, href)| view! {
                    <a href=href aria-current=(label == current).then_some("page")>{label}</a>
                }).collect_view()}
            </nav>
        }
    })
}

/// "Glucose (mg/dL)"; "Steps", not "Steps (steps)".
fn heading(kind: ReadingKind) -> String {
    if kind.label().eq_ignore_ascii_case(kind.unit()) {
        kind.label().to_owned()
    } else {
        format!("{} ({})", kind.label(), kind.unit())
    }
}

/// One kind of reading: a chart of the weeks and the table behind it.
#[component]
fn KindFigures(
    kind: ReadingKind,
    view: StoredValue<HealthView>,
    cohort: RwSignal<Cohort>,
) -> impl IntoView {
    let heading_id = format!("health-{}", kind.code());
    let labelled_by = heading_id.clone();
    let rows = move || -> Vec<(String, Cell)> {
        view.with_value(|v| {
            v.cells
                .iter()
                .filter(|c| c.kind == kind && c.cohort == cohort.get())
                .map(|c| {
                    (
                        v.week_starts
                            .get(c.week as usize)
                            .cloned()
                            .unwrap_or_default(),
                        *c,
                    )
                })
                .collect()
        })
    };
    view! {
        <section class="health-kind" aria-labelledby=labelled_by>
            <h2 id=heading_id>{heading(kind)}</h2>
            {move || view! { <WeeklyChart kind rows=rows()/> }}
            <table class="health-table">
                <caption class="visually-hidden">{format!("{} by week", kind.label())}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Week of"</th>
                        <th scope="col">"People"</th>
                        <th scope="col">"Mean"</th>
                        <th scope="col">"Median"</th>
                        <th scope="col"><abbr title="10th to 90th percentile">"P10–P90"</abbr></th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows().into_iter().map(|(week, cell)| view! {
                        <tr>
                            <th scope="row">{week}</th>
                            {match cell.figures {
                                Some(f) => view! {
                                    <td>{f.people}</td>
                                    <td>{f.mean.to_string()}</td>
                                    <td>{f.median.to_string()}</td>
                                    <td>{format!("{} – {}", f.p10, f.p90)}</td>
                                }.into_any(),
                                None => view! {
                                    <td colspan="4" class="muted">"Not shown: too few people"</td>
                                }.into_any(),
                            }}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
