//! Client details → Forms: what the client was asked to fill and where each
//! form stands, the answers of each, and *Send forms* for a client who has a
//! portal login (the green row's offer).

use std::collections::BTreeSet;

use leptos::prelude::*;
use shared::forms::{ClientFormRow, Cosign, FormStatus};
use shared::ids::{ClientFormId, ClientId, FormId};

use crate::api::forms::{form_submission, intake_forms, SendForms};
use crate::components::practice::PracticeContext;
use crate::pages::forms::{status_badge, FormAnswers};

#[component]
pub fn ClientForms(
    practice: PracticeContext,
    client: ClientId,
    forms: Vec<ClientFormRow>,
    /// The client has a portal login and the viewer may send them forms.
    may_send: bool,
    action: ServerAction<SendForms>,
) -> impl IntoView {
    let open = RwSignal::new(None::<ClientFormId>);
    let rows = if forms.is_empty() {
        view! { <p>"No forms asked for yet."</p> }.into_any()
    } else {
        view! {
            <ul class="client-forms">
                {forms.into_iter().map(|form| {
                    let id = form.id;
                    let when = match &form.submitted {
                        Some(at) => format!("submitted {at}"),
                        None => format!("asked {}", form.requested),
                    };
                    view! {
                        <li>
                            <div class="client-form-head">
                                <strong>{form.title.clone()}</strong>{status_badge(form.status)}
                                {cosign_badge(&form.cosign)}
                                <span class="hint">{when}</span>
                                {(form.status != FormStatus::ToFill).then(|| view! {
                                    <button type="button" class="button small secondary"
                                        aria-expanded=move || (open.get() == Some(id)).to_string()
                                        on:click=move |_| open.update(|o| *o = if *o == Some(id) { None } else { Some(id) })>
                                        {format!("Answers to {}", form.title)}
                                    </button>
                                })}
                            </div>
                            {move || (open.get() == Some(id)).then(|| view! { <Submission practice id/> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="card" id="forms">
            <h2>"Forms"</h2>
            {rows}
            {may_send.then(|| view! { <SendPanel practice client action/> })}
        </div>
    }
}

/// Whether a co-signature is awaited or given; nothing for forms that ask for none.
fn cosign_badge(cosign: &Cosign) -> Option<impl IntoView> {
    let class = match cosign {
        Cosign::NotNeeded => return None,
        Cosign::Waiting => "badge badge-queued",
        Cosign::Signed { .. } => "badge badge-sent",
    };
    Some(view! { <span class=class>{cosign.label()}</span> })
}

#[component]
fn Submission(practice: PracticeContext, id: ClientFormId) -> impl IntoView {
    let form = Resource::new(|| (), move |_| form_submission(practice.id, id));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || form.get().map(|result| match result {
                Ok(form) => view! {
                    <FormAnswers definition=form.definition answers=form.answers/>
                    {form.cosignature.map(|src| view! {
                        <p class="hint">{form.cosign.label()}</p>
                        <img class="signature-image" src=src alt="Co-signature (drawn)"/>
                    })}
                }.into_any(),
                Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// *Send forms*: tick the practice's forms, one email to the client.
#[component]
fn SendPanel(
    practice: PracticeContext,
    client: ClientId,
    action: ServerAction<SendForms>,
) -> impl IntoView {
    // Read in the browser once the page is live: a Resource of its own here,
    // inside the page's and the practice's, broke the page's hydration.
    let choices = RwSignal::new(None);
    Effect::new(move |_| {
        leptos::task::spawn_local(
            async move { choices.set(Some(intake_forms(practice.id).await)) },
        );
    });
    let chosen = RwSignal::new(BTreeSet::<FormId>::new());
    let answer = move || {
        action.value().get().map(|result| match result {
            Ok(titles) => view! {
                <p class="alert alert-info" role="status">{format!("Sent: {}.", titles.join(", "))}</p>
            }
            .into_any(),
            Err(error) => view! {
                <p class="alert alert-error" role="alert">{error.field("forms").unwrap_or_else(|| error.to_string())}</p>
            }
            .into_any(),
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(SendForms {
            practice: practice.id,
            client,
            forms: chosen.get_untracked().into_iter().collect(),
        });
    };
    view! {
        <form class="stack" on:submit=submit>
            <h3>"Send forms"</h3>
            {answer}
            {move || match choices.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                Some(Ok(forms)) => view! {
                    <fieldset class="checks">
                        <legend class="visually-hidden">"Forms to send"</legend>
                        {forms.into_iter().map(|form| {
                            let id = form.id;
                            view! {
                                <label class="check">
                                    <input type="checkbox" on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| { if on { c.insert(id); } else { c.remove(&id); } });
                                    }/>
                                    {form.title}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }.into_any(),
            }}
            <button type="submit" class="button secondary" disabled=move || action.pending().get() || chosen.with(BTreeSet::is_empty)>
                "Send forms"
            </button>
        </form>
    }
}
