//! Invite to Client Portal (product.md §5): the practice's message with
//! placeholder chips, checked as it is typed and previewed for each chosen
//! client by `shared::templates` — the function that renders the email sent.

use std::collections::BTreeSet;

use leptos::prelude::*;
use shared::clients::ClientRow;
use shared::ids::FormId;
use shared::portal::{self, InviteOutcome, InviteRequest, InviteSetup, PREVIEW_LINK};
use shared::roles::Capability;

use crate::api::portal::{portal_invite_setup, InviteToPortal};
use crate::components::practice::{PracticeContext, PracticeProblem};
use crate::components::template_field::TemplateField;

/// What became of each client, in one sentence per problem.
fn summary(outcomes: &[InviteOutcome]) -> String {
    let sent = outcomes.iter().filter(|o| o.problem.is_none()).count();
    let mut text = format!("{sent} invitation(s) sent.");
    for o in outcomes.iter().filter(|o| o.problem.is_some()) {
        text.push_str(&format!(
            " {}: {}",
            o.name,
            o.problem.as_deref().unwrap_or_default()
        ));
    }
    text
}

/// The invite form for `chosen` clients; `sent` runs once the server has answered.
#[component]
pub fn InvitePanel(
    practice: PracticeContext,
    #[prop(into)] chosen: Signal<Vec<ClientRow>>,
    sent: Callback<()>,
) -> impl IntoView {
    let setup = Resource::new(|| (), move |_| portal_invite_setup(practice.id));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || setup.get().map(|result| match result {
                Ok(setup) => view! { <Editor setup practice chosen sent/> }.into_any(),
                Err(error) => view! { <PracticeProblem error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Editor(
    setup: InviteSetup,
    practice: PracticeContext,
    chosen: Signal<Vec<ClientRow>>,
    sent: Callback<()>,
) -> impl IntoView {
    let message = RwSignal::new(setup.message.clone());
    let forms = RwSignal::new(
        (setup.forms.iter().filter(|f| f.default))
            .map(|f| f.id)
            .collect::<BTreeSet<FormId>>(),
    );
    let form_choices = setup.forms.clone();
    let save_as_default = RwSignal::new(false);
    let shown = RwSignal::new(0_usize);
    let action = ServerAction::<InviteToPortal>::new();
    let problem =
        Memo::new(move |_| message.with(|m| portal::message(m).err().map(|e| e.to_string())));
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            sent.run(());
        }
    });
    let setup = StoredValue::new(setup);
    let preview = move || {
        let clients = chosen.get();
        let index = shown.get().min(clients.len().saturating_sub(1));
        let client = clients.get(index)?.clone();
        let template = portal::message(&message.get()).ok()?;
        let text = setup.with_value(|s| template.render_text(&s.values(&client, PREVIEW_LINK)));
        let subject = setup.with_value(|s| portal::subject(&s.practice_name));
        Some(view! {
            <p class="hint">{format!("Preview for {} ({} of {})", client.full_name(), index + 1, clients.len())}</p>
            <div class="email-preview" aria-label="Email preview">
                <p><strong>"Subject: "</strong>{subject}</p>
                <pre>{text}</pre>
            </div>
            {(clients.len() > 1).then(|| view! {
                <div class="row-actions">
                    <button type="button" class="button small secondary" disabled=move || shown.get() == 0
                        on:click=move |_| shown.update(|i| *i = i.saturating_sub(1))>"Previous client"</button>
                    <button type="button" class="button small secondary" disabled=move || { shown.get() + 1 >= chosen.with(Vec::len) }
                        on:click=move |_| shown.update(|i| *i += 1)>"Next client"</button>
                </div>
            })}
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem.get_untracked().is_some() {
            return;
        }
        action.dispatch(InviteToPortal {
            practice: practice.id,
            request: InviteRequest {
                clients: chosen.get_untracked().iter().map(|c| c.id).collect(),
                message: message.get_untracked(),
                forms: forms.get_untracked().into_iter().collect(),
                save_as_default: save_as_default.get_untracked(),
            },
        });
    };
    let answer = move || {
        action.value().get().map(|result| match result {
            Ok(outcomes) => {
                view! { <p class="alert alert-info" role="status">{summary(&outcomes)}</p> }
                    .into_any()
            }
            Err(error) => {
                let text = error
                    .field("message")
                    .or_else(|| error.field("clients"))
                    .unwrap_or_else(|| error.to_string());
                view! { <p class="alert alert-error" role="alert">{text}</p> }.into_any()
            }
        })
    };
    view! {
        <form class="card invite-portal" on:submit=submit novalidate>
            <h2>"Invite to Client Portal"</h2>
            {answer}
            <div class="invite-layout">
            <div class="invite-message">
            <TemplateField id="portal-message" label="Message" value=message
                hint="Placeholders are filled in for each client. {invite_link} is required."
                placeholders=portal::GRAMMAR.allowed problem/>
            {preview}
            </div>
            <fieldset class="invite-forms checks">
                <legend>"Intake forms"</legend>
                {if form_choices.is_empty() {
                    view! { <p class="hint">"The practice has no forms yet (Settings → Intake forms)."</p> }.into_any()
                } else {
                    form_choices.into_iter().map(|form| {
                        let id = form.id;
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || forms.with(|f| f.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        forms.update(|f| { if on { f.insert(id); } else { f.remove(&id); } });
                                    }/>
                                {form.title}
                            </label>
                        }
                    }).collect_view().into_any()
                }}
            </fieldset>
            </div>
            {practice.may(Capability::ChangeSettings).then(|| view! {
                <label class="check"><input type="checkbox" bind:checked=save_as_default/>"Save message and forms as the practice's default"</label>
            })}
            <button type="submit" class="button primary" disabled=move || action.pending().get() || problem.get().is_some() || chosen.with(Vec::is_empty)>
                {move || format!("Send {} invitation(s)", chosen.with(Vec::len))}
            </button>
        </form>
    }
}
