use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::practices::CreatePractice;
use crate::components::details::{browser_time_zone, DetailsFields, DetailsInputs};
use crate::components::form::{follow_on_success, FormAlert, FormErrors, Submit};
use crate::components::header::MeResource;

#[component]
pub fn NewPracticePage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || me.get().map(|result| match result.ok().flatten() {
                None => view! { <Redirect path="/login"/> }.into_any(),
                Some(_) => view! { <NewPracticeForm/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn NewPracticeForm() -> impl IntoView {
    let fields = DetailsFields::new(None);
    Effect::new(move |_| {
        if let Some(zone) = browser_time_zone() {
            fields.time_zone.set(zone);
        }
    });
    let action = ServerAction::<CreatePractice>::new();
    let errors = FormErrors::of(action);
    follow_on_success(action);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(form) = errors.check(fields.validate()) {
            action.dispatch(CreatePractice { form });
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Create your practice"</h1>
            <p>"You will be its Owner: you invite the team and decide what each person may do."</p>
            <form on:submit=submit novalidate>
                <FormAlert errors/>
                <DetailsInputs fields errors disabled=false/>
                <Submit label="Create practice" busy="Creating…" pending=action.pending()/>
            </form>
        </section>
    }
}
