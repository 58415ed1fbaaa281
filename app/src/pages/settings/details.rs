//! Settings → Details: name, contact email, time zone, how long staff
//! invitations work, and the join link.

use leptos::prelude::*;
use leptos_use_clipboard::{use_clipboard, UseClipboardReturn};
use shared::invitation::Validity;
use shared::roles::Capability;
use shared::team::JoinLinkChange;

use crate::api::practices::{invitation_validity, SetInvitationValidity, UpdatePracticeDetails};
use crate::api::team::{join_link, ChangeJoinLink};
use crate::components::confirm::{Confirm, ConfirmDialog};
use crate::components::details::{DetailsFields, DetailsInputs};
use crate::components::form::{FormAlert, FormErrors, Submit};
use crate::components::practice::{use_practice, PracticeContext};

#[component]
pub fn SettingsDetailsPage() -> impl IntoView {
    let practice = use_practice();
    view! {
        <DetailsForm practice/>
        {practice.may(Capability::ChangeSettings).then(|| view! { <ValiditySection practice/> <JoinLinkSection practice/> })}
    }
}

#[component]
fn DetailsForm(practice: PracticeContext) -> impl IntoView {
    let fields = DetailsFields::new(Some(practice.details.get_value()));
    // The role table decides; the server checks the same cell again.
    let read_only = !practice.may(Capability::ChangeSettings);
    // The app's one details action: the header and the layout read again when it lands.
    let action = expect_context::<ServerAction<UpdatePracticeDetails>>();
    let errors = FormErrors::of(action);
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(form) = errors.check(fields.validate()) {
            action.dispatch(UpdatePracticeDetails {
                practice: practice.id,
                form,
            });
        }
    };
    view! {
        <form on:submit=submit novalidate class="settings-form">
            {read_only.then(|| view! {
                <p class="alert alert-info">"Only Owners and Admins can change these settings."</p>
            })}
            <FormAlert errors/>
            {move || saved().then(|| view! { <p class="alert alert-success" role="status">"Saved."</p> })}
            <DetailsInputs fields errors disabled=read_only/>
            {(!read_only).then(|| view! { <Submit label="Save changes" busy="Saving…" pending=action.pending()/> })}
        </form>
    }
}

/// How long the links of the next staff invitations work, in hours or days.
#[component]
fn ValiditySection(practice: PracticeContext) -> impl IntoView {
    let id = practice.id;
    let save = ServerAction::<SetInvitationValidity>::new();
    let current = Resource::new(|| (), move |_| invitation_validity(id));
    let errors = FormErrors::of(save);
    let (amount, days) = (RwSignal::new(String::new()), RwSignal::new(true));
    view! {
        <section class="join-link" aria-labelledby="validity-heading">
            <h2 id="validity-heading">"Staff invitations"</h2>
            <Transition fallback=|| ()>
                {move || current.get().and_then(Result::ok).map(|validity| {
                    let (n, in_days) = match validity { Validity::Days(d) => (d, true), Validity::Hours(h) => (h, false) };
                    amount.set(n.to_string());
                    days.set(in_days);
                })}
            </Transition>
            <form class="validity" novalidate on:submit=move |ev| {
                ev.prevent_default();
                let n = amount.get().trim().parse::<i64>().unwrap_or(0);
                let validity = if days.get() { Validity::Days(n) } else { Validity::Hours(n) };
                if errors.check(validity.hours()).is_some() {
                    save.dispatch(SetInvitationValidity { practice: id, validity });
                }
            }>
                <FormAlert errors/>
                {move || save.value().get().and_then(Result::ok).map(|v| view! {
                    <p class="alert alert-success" role="status">{format!("Saved: new staff invitations work for {}.", v.label())}</p>
                })}
                <div class="field">
                    <label for="validity-amount">"Links in new staff invitations work for"</label>
                    <div class="inline-fields">
                        <input id="validity-amount" type="number" min="1" inputmode="numeric" bind:value=amount
                            aria-invalid=move || errors.field("validity").get().is_some().then_some("true")/>
                        <select aria-label="Unit" on:change=move |ev| days.set(event_target_value(&ev) == "days")>
                            <option value="hours" selected=move || !days.get()>"hours"</option>
                            <option value="days" selected=move || days.get()>"days"</option>
                        </select>
                    </div>
                    {move || errors.field("validity").get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <Submit label="Save validity" busy="Saving…" pending=save.pending()/>
            </form>
        </section>
    }
}

/// The join link: off by default; on, off, or replaced by a new one.
#[component]
fn JoinLinkSection(practice: PracticeContext) -> impl IntoView {
    let id = practice.id;
    let change = ServerAction::<ChangeJoinLink>::new();
    let current = Resource::new(move || change.version().get(), move |_| join_link(id));
    // Joiners wait for an admin unless the admin chooses otherwise (product.md §5).
    let approval = RwSignal::new(true);
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(window().location().origin().unwrap_or_default()));
    let confirm = Confirm::new();
    let regenerate = move |_| {
        confirm.ask(
            "Make a new join link?",
            "The current link stops working at once: anyone who has it can no longer join.",
            "Make a new link",
            move || {
                change.dispatch(ChangeJoinLink {
                    practice: id,
                    change: JoinLinkChange::Regenerate,
                });
            },
        );
    };
    let UseClipboardReturn {
        is_supported,
        copied,
        copy,
        ..
    } = use_clipboard();
    let copy_asked = RwSignal::new(false);
    view! {
        <section class="join-link" aria-labelledby="join-link-heading">
            <h2 id="join-link-heading">"Join link"</h2>
            <p class="hint">"Anyone with the link can join the team as a Practitioner, or ask to."</p>
            {move || change.value().get().and_then(Result::err).map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
            <Transition fallback=|| ()>
                {move || current.get().and_then(Result::ok).map(|settings| match settings.path {
                    None => view! {
                        <label class="check"><input type="checkbox" prop:checked=move || approval.get()
                            on:change=move |ev| approval.set(event_target_checked(&ev))/>
                            "New members wait until an admin approves them"</label>
                        <button type="button" class="button secondary" on:click=move |_| {
                            change.dispatch(ChangeJoinLink { practice: id, change: JoinLinkChange::Enable { requires_approval: approval.get() } });
                        }>"Turn on the join link"</button>
                    }.into_any(),
                    Some(path) => {
                        let link = move || format!("{}{}", origin.get(), path);
                        let copy = copy.clone();
                        view! {
                            <div class="field">
                                <label for="join-link-url">"The link"</label>
                                <input id="join-link-url" readonly prop:value=link.clone()/>
                            </div>
                            <p class="hint">{if settings.requires_approval { "New members wait for approval." } else { "New members join at once, as Practitioners." }}</p>
                            <p class="actions-left">
                                <button type="button" class="button secondary" on:click=move |_| { copy_asked.set(true); copy(&link()); }>
                                    {move || if copied.get() { "Copied" } else { "Copy link" }}
                                </button>
                                <button type="button" class="button secondary" on:click=regenerate>"Make a new link"</button>
                                <button type="button" class="button secondary" on:click=move |_| {
                                    change.dispatch(ChangeJoinLink { practice: id, change: JoinLinkChange::Disable });
                                }>"Turn off"</button>
                            </p>
                            <p class="hint" role="status">
                                {move || (copy_asked.get() && !is_supported.get()).then_some(
                                    "This browser does not let Carekeys copy: select the link above and copy it yourself.")}
                                {move || copied.get().then_some("The link is on your clipboard.")}
                            </p>
                        }.into_any()
                    }
                })}
            </Transition>
            <ConfirmDialog confirm/>
        </section>
    }
}
