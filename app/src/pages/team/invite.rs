//! Invite people: a typed or pasted list (counted and checked as you type with
//! the server's parser) or a CSV file, a role the inviter may give, a validity.

use leptos::prelude::*;
use shared::addresses::{self, Parsed};
use shared::invitation::{InviteRequest, InviteSource};
use shared::roles::{assignable_by, Capability, Role};

use super::report::Report;
use crate::api::team::{InviteTeam, ResendInvitations};
use crate::components::csv_drop::{tally_text, CsvDrop, Loaded};
use crate::components::practice::{use_practice, PracticeProblem};
use crate::error::AppError;

#[component]
pub fn InvitePage() -> impl IntoView {
    let practice = use_practice();
    if !practice.may(Capability::ManageTeam) {
        return view! { <PracticeProblem error=AppError::Forbidden/> }.into_any();
    }
    let typed = RwSignal::new(String::new());
    let file = RwSignal::new(Loaded::Nothing);
    let offered = RwSignal::new(Role::Practitioner);
    let validity = RwSignal::new(String::new());
    let action = ServerAction::<InviteTeam>::new();
    let resend = ServerAction::<ResendInvitations>::new();
    // The same parser as the server's: counts and problems as you type.
    let parsed = Memo::new(move |_| {
        let text = typed.get();
        (!text.trim().is_empty()).then(|| addresses::parse_list(&text))
    });
    // The roles this person may give, by the shared rule the server applies again.
    let offerable = assignable_by(&practice.actor);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let source = match file.get() {
            Loaded::File { text, .. } => InviteSource::Csv(text),
            _ => InviteSource::Typed(typed.get()),
        };
        let request = InviteRequest {
            source,
            role: offered.get(),
            validity_hours: validity.get().parse().ok(),
        };
        action.dispatch(InviteTeam {
            practice: practice.id,
            request,
        });
    };
    let report = move || action.value().get();
    view! {
        <section class="page invite">
            <h1>"Invite people"</h1>
            <p class="alert alert-info">"Invited people will see personal health information of your clients. "
                "Invite only people who need it, and make sure your clients' data-sharing consent covers them."</p>
            <Show when=move || report().is_none_or(|r| r.is_err()) fallback=move || view! {
                <Report rows=report().and_then(Result::ok).unwrap_or_default() practice resend/>
            }>
                <form on:submit=submit novalidate class="invite-form">
                    {move || report().and_then(Result::err).map(|e| {
                        let detail = e.field("addresses").or_else(|| e.field("file")).or_else(|| e.field("role")).or_else(|| e.field("validity"));
                        view! { <p class="alert alert-error" role="alert">{detail.unwrap_or_else(|| e.to_string())}</p> }
                    })}
                    <div class="field">
                        <label for="field-addresses">"Email addresses"</label>
                        <p class="hint" id="addresses-hint">"Separate them with commas, semicolons, spaces or new lines. “Name <address>” works too."</p>
                        <textarea id="field-addresses" name="addresses" rows="6" aria-describedby="addresses-hint addresses-tally"
                            prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))
                            disabled=move || matches!(file.get(), Loaded::File { .. })></textarea>
                        <p id="addresses-tally" class="hint" aria-live="polite">{move || parsed.get().map(|r| match r {
                            Ok(entries) => tally_text(addresses::tally(&entries)),
                            Err(e) => e.to_string(),
                        })}</p>
                        {move || parsed.get().and_then(Result::ok).map(|entries| {
                            let problems: Vec<_> = entries.into_iter().filter(|e| matches!(e.parsed, Parsed::Invalid(_))).take(20).collect();
                            (!problems.is_empty()).then(|| view! {
                                <ul class="problems">{problems.into_iter().map(|e| {
                                    let why = match e.parsed { Parsed::Invalid(r) => r.to_string(), _ => String::new() };
                                    view! { <li>"Line " {e.line} ": “" {e.text} "” — " {why}</li> }
                                }).collect_view()}</ul>
                            })
                        })}
                    </div>
                    <CsvDrop file/>
                    <div class="field-row">
                        <div class="field">
                            <label for="field-role">"Role"</label>
                            <select id="field-role"
                                on:change=move |ev| if let Some(r) = Role::from_code(&event_target_value(&ev)) { offered.set(r) }>
                                {offerable.clone().into_iter().map(|r| view! {
                                    <option value=r.code() selected=r == Role::Practitioner>{r.label()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="field-validity">"Invitations work for"</label>
                            <select id="field-validity" on:change=move |ev| validity.set(event_target_value(&ev))>
                                <option value="" selected>"The practice's setting"</option>
                                <option value="24">"1 day"</option>
                                <option value="72">"3 days"</option>
                                <option value="168">"7 days"</option>
                                <option value="720">"30 days"</option>
                            </select>
                        </div>
                    </div>
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Inviting…" } else { "Send invitations" }}
                    </button>
                </form>
            </Show>
        </section>
    }
    .into_any()
}
