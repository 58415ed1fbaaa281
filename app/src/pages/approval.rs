//! New-device approval (product.md §6, ui.md *Waiting for approval* and
//! *Make a decision*): the waiting browser asks every few seconds and goes on
//! by itself; a sole admin types their code; admins decide from the email.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::ids::LoginRequestId;
use shared::login_request::{parse_code, Decision, RequestStatus, RequestView, Waiting};
use shared::validation::FieldErrors;
use std::time::Duration;

use crate::api::approval::{get_login_request, login_wait, ConfirmLoginCode, DecideLogin};
use crate::components::confirm::{Confirm, ConfirmDialog};
use crate::components::form::{load_page, Field, FormAlert, FormErrors, Submit};
use crate::components::practice::{use_practice, PracticeProblem};
use crate::error::AppError;

/// How often the waiting page asks.
const ASK_EVERY: Duration = Duration::from_secs(3);

#[component]
pub fn WaitingPage() -> impl IntoView {
    let next = super::query_param("next");
    let tick = RwSignal::new(0u32);
    let code = ServerAction::<ConfirmLoginCode>::new();
    // Kept here, not in the form: the page asks again every few seconds and
    // draws the form anew, which must not wipe a code being typed.
    let typed = RwSignal::new(String::new());
    let state = Resource::new(
        move || (tick.get(), code.version().get()),
        move |_| login_wait(next.get_untracked()),
    );
    // Asks again every few seconds (in the browser only), until there is an answer.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), ASK_EVERY) {
            on_cleanup(move || handle.clear());
        }
    });
    let answer = move || {
        code.value()
            .get()
            .and_then(Result::ok)
            .filter(|w| !matches!(w, Waiting::ForCode { .. }))
            .or_else(|| state.get().and_then(Result::ok))
    };
    Effect::new(move |_| {
        if let Some(Waiting::In { next }) = answer() {
            load_page(&next);
        }
    });
    view! {
        <section class="card narrow waiting">
            <h1>"Waiting for approval"</h1>
            <Transition fallback=|| view! { <p class="loading">"Checking…"</p> }>
                {move || answer().map(|waiting| match waiting {
                    Waiting::ForAdmins { practices } => view! {
                        <div role="status" class="alert alert-info">
                            <p>"This browser is new to " <strong>{practices.join(", ")}</strong>
                               ". Its admins have been asked to approve it. This page goes on by itself as soon as one does."</p>
                        </div>
                        <p class="hint">"The request lapses after 30 minutes. Ask an admin of your practice if it takes long."</p>
                    }.into_any(),
                    Waiting::ForCode { sent_to, tries_left } => view! {
                        <CodeForm code typed sent_to tries_left next/>
                    }.into_any(),
                    Waiting::In { .. } => view! { <p role="status" class="alert alert-success">"Approved. Opening Carekeys…"</p> }.into_any(),
                    Waiting::Declined { practice } => view! {
                        <div role="alert" class="alert alert-error">
                            <p>"An admin of " <strong>{practice}</strong> " declined this login. If it was you, ask them; if it was not, change your password now."</p>
                        </div>
                        <p><a href="/login">"Back to log in"</a></p>
                    }.into_any(),
                    Waiting::Lapsed => view! {
                        <div role="alert" class="alert alert-error"><p>"Nobody decided within 30 minutes, so this login lapsed. Log in again to ask again."</p></div>
                        <p><a href="/login">"Log in"</a></p>
                    }.into_any(),
                    Waiting::Failed => view! {
                        <div role="alert" class="alert alert-error"><p>"Five wrong codes ended this login. Log in again to get a new code."</p></div>
                        <p><a href="/login">"Log in"</a></p>
                    }.into_any(),
                    Waiting::Nothing => view! {
                        <p>"No login is waiting in this browser."</p>
                        <p><a href="/login">"Log in"</a></p>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CodeForm(
    code: ServerAction<ConfirmLoginCode>,
    typed: RwSignal<String>,
    sent_to: String,
    tries_left: i64,
    next: Memo<Option<String>>,
) -> impl IntoView {
    let errors = FormErrors::of(code);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = parse_code(&typed.get()).map_err(|m| FieldErrors::single("code", m));
        if errors.check(checked).is_some() {
            code.dispatch(ConfirmLoginCode {
                code: typed.get(),
                next: next.get_untracked(),
            });
        }
    };
    view! {
        <p>"You are the only active admin of your practice, so nobody else can approve this browser. We sent a 6-digit code to "
           <strong>{sent_to}</strong> "."</p>
        <form on:submit=submit novalidate>
            <FormAlert errors/>
            <Field label="Code" name="code" value=typed errors autocomplete="one-time-code"
                hint="It works for 10 minutes."/>
            <p class="hint">{format!("{tries_left} tries left.")}</p>
            <Submit label="Confirm" busy="Checking…" pending=code.pending()/>
        </form>
    }
}

/// *Make a decision*, opened from the email by an admin of the practice.
#[component]
pub fn DecisionPage() -> impl IntoView {
    let practice = use_practice();
    let params = use_params_map();
    let request: Option<LoginRequestId> = params
        .read_untracked()
        .get("request")
        .and_then(|r| r.parse().ok());
    let Some(request) = request else {
        return view! { <PracticeProblem error=AppError::NotFound/> }.into_any();
    };
    let decide = ServerAction::<DecideLogin>::new();
    let loaded = Resource::new(move || (), move |_| get_login_request(practice.id, request));
    let confirm = Confirm::new();
    let current = move || {
        decide
            .value()
            .get()
            .and_then(Result::ok)
            .map(Ok)
            .or_else(|| loaded.get())
    };
    view! {
        <section class="page decision">
            <h1>"Make a decision"</h1>
            {move || decide.value().get().and_then(Result::err).map(|e| view! { <p role="alert" class="alert alert-error">{e.to_string()}</p> })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || current().map(|answer| match answer {
                    Ok(view) => view! { <RequestFacts view decide confirm request/> }.into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Transition>
            <ConfirmDialog confirm/>
        </section>
    }
    .into_any()
}

#[component]
fn RequestFacts(
    view: RequestView,
    decide: ServerAction<DecideLogin>,
    confirm: Confirm,
    request: LoginRequestId,
) -> impl IntoView {
    let practice = view.practice;
    let person = view.person.clone();
    let approve = move |_| {
        decide.dispatch(DecideLogin {
            practice,
            request,
            decision: Decision::Approve,
        });
    };
    let decline = move |_| {
        confirm.ask(
            format!("Decline the login of {person}?"),
            "That browser is refused. If it was them, they can log in again and ask again.",
            "Decline",
            move || {
                decide.dispatch(DecideLogin {
                    practice,
                    request,
                    decision: Decision::Decline,
                });
            },
        );
    };
    let outcome = match (&view.status, &view.decided) {
        (RequestStatus::Waiting, _) => None,
        (status, Some((who, when))) => Some(format!("{} by {who}, {when}.", status.label())),
        (status, None) => Some(format!("{}.", status.label())),
    };
    view! {
        <p class="lead">{view.person.clone()} " is logging in from a browser the practice has not trusted yet."</p>
        <dl class="card">
            <dt>"Person"</dt><dd>{view.person.clone()} " (" {view.login.clone()} ")"</dd>
            <dt>"When"</dt><dd>{view.asked.clone()}</dd>
            <dt>"Device"</dt><dd>{view.device.clone()}</dd>
            <dt>"Address"</dt><dd>{view.ip.clone().unwrap_or_else(|| "unknown".into())}</dd>
        </dl>
        {match outcome {
            Some(text) => view! { <p role="status" class="alert alert-info">{text}</p> }.into_any(),
            None => view! {
                <p class="actions">
                    <button type="button" class="button primary" on:click=approve disabled=move || decide.pending().get()>"Approve"</button>
                    <button type="button" class="button danger" on:click=decline disabled=move || decide.pending().get()>"Decline"</button>
                </p>
            }.into_any(),
        }}
    }
}
