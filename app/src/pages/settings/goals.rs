//! Settings → Goals and ranges: one target range per kind of reading. The
//! whole team reads them; Owners and Admins change them (role table).

use leptos::prelude::*;
use shared::goals::{field_names, GoalInput, GoalsForm};
use shared::roles::Capability;

use crate::api::practices::{get_goals, SetGoals};
use crate::components::form::{FormAlert, FormErrors, Submit};
use crate::components::practice::{use_practice, PracticeContext};

#[component]
pub fn SettingsGoalsPage() -> impl IntoView {
    let practice = use_practice();
    let stored = Resource::new(move || (), move |_| get_goals(practice.id));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || stored.get().map(|result| match result {
                Ok(form) => view! { <GoalsEditor form practice/> }.into_any(),
                Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn GoalsEditor(form: GoalsForm, practice: PracticeContext) -> impl IntoView {
    let read_only = !practice.may(Capability::ChangeGoals);
    let rows: Vec<(GoalInput, RwSignal<String>, RwSignal<String>)> = form
        .rows
        .into_iter()
        .map(|row| {
            let (low, high) = (
                RwSignal::new(row.low.clone()),
                RwSignal::new(row.high.clone()),
            );
            (row, low, high)
        })
        .collect();
    let rows = StoredValue::new(rows);
    let current = move || GoalsForm {
        rows: rows.with_value(|rows| {
            rows.iter()
                .map(|(row, low, high)| GoalInput {
                    kind: row.kind,
                    low: low.get(),
                    high: high.get(),
                })
                .collect()
        }),
    };
    let action = ServerAction::<SetGoals>::new();
    let errors = FormErrors::of(action);
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = current();
        if errors.check(form.validate()).is_some() {
            action.dispatch(SetGoals {
                practice: practice.id,
                form,
            });
        }
    };
    view! {
        <form on:submit=submit novalidate class="settings-form goals-form">
            {read_only.then(|| view! {
                <p class="alert alert-info">"Only Owners and Admins can change the practice's goals and ranges."</p>
            })}
            <FormAlert errors/>
            {move || saved().then(|| view! { <p class="alert alert-success" role="status">"Saved."</p> })}
            <p class="hint">"The target range of each kind of reading. Leave both ends empty for no goal."</p>
            {rows.with_value(|rows| rows.iter().map(|(row, low, high)| {
                let (low, high) = (*low, *high);
                let (low_name, high_name) = field_names(row.kind);
                let low_error = errors.field_owned(low_name.clone());
                let high_error = errors.field_owned(high_name.clone());
                let label = row.kind.label();
                let unit = row.kind.unit();
                view! {
                    <fieldset class="goal">
                        <legend>{label} " (" {unit} ")"</legend>
                        <div class="inline-fields">
                            <label>"From" <input inputmode="decimal" name=low_name.clone() bind:value=low disabled=read_only
                                aria-label=format!("{label}, lowest {unit}")
                                aria-invalid=move || low_error.get().is_some().to_string()/></label>
                            <label>"to" <input inputmode="decimal" name=high_name.clone() bind:value=high disabled=read_only
                                aria-label=format!("{label}, highest {unit}")
                                aria-invalid=move || high_error.get().is_some().to_string()/></label>
                        </div>
                        {move || low_error.get().or_else(|| high_error.get()).map(|m| view! { <p class="field-error">{m}</p> })}
                    </fieldset>
                }
            }).collect_view())}
            {(!read_only).then(|| view! { <Submit label="Save goals" busy="Saving…" pending=action.pending()/> })}
        </form>
    }
}
