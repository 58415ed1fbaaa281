//! One form in the portal: filled in, kept as a draft, handed in; once
//! handed in, what was sent.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::forms::{FilledForm, FormStatus};
use shared::ids::ClientFormId;

use crate::api::forms::portal_form;
use crate::components::practice::PracticeProblem;
use crate::error::AppError;
use crate::pages::forms::fill::FormFiller;
use crate::pages::forms::{status_badge, FormAnswers};

#[component]
pub fn PortalFormPage() -> impl IntoView {
    let params = use_params_map();
    let handed_in = RwSignal::new(0_u32);
    let form = Resource::new(
        move || (params.with(|p| p.get("id")), handed_in.get()),
        |(id, _)| async move {
            let id: ClientFormId = id.and_then(|i| i.parse().ok()).ok_or(AppError::NotFound)?;
            portal_form(id).await
        },
    );
    let done = Callback::new(move |()| handed_in.update(|n| *n += 1));
    view! {
        <section class="card narrow portal">
            <p><a href="/portal">"← Your forms"</a></p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || form.get().map(|result| match result {
                    Ok(form) => view! { <Form form done/> }.into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Form(form: FilledForm, done: Callback<()>) -> impl IntoView {
    let heading = form.definition.title.clone();
    let from = format!("From {}", form.practice_name);
    let status = form.status;
    let body = if form.status == FormStatus::Submitted {
        let when = form.submitted.clone().unwrap_or_default();
        view! {
            <p class="alert alert-success" role="status">{format!("Submitted on {when}. Thank you.")}</p>
            <FormAnswers definition=form.definition answers=form.answers/>
        }
        .into_any()
    } else {
        view! { <FormFiller form done/> }.into_any()
    };
    view! {
        <h1>{heading}</h1>
        <p class="hint">{from}" "{status_badge(status)}</p>
        {body}
    }
}
