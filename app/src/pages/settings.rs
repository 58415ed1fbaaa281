use leptos::prelude::*;
use shared::ids::PracticeId;
use shared::roles::{grant, Capability, Grant, Role};
use shared::validation::PracticeDetails;

use crate::api::practices::UpdatePracticeDetails;
use crate::api::team::{join_link, ChangeJoinLink};
use crate::components::form::{FormAlert, FormErrors, Submit};
use crate::components::header::MeResource;
use crate::components::practice::{
    my_role, practice_from_path, with_practice_details, DetailsFields, DetailsInputs, PracticeNav,
};
use shared::team::JoinLinkChange;

#[component]
fn SettingsTabs(practice: PracticeId, current: &'static str) -> impl IntoView {
    let tabs = [
        ("Details", format!("/p/{practice}/settings")),
        ("Roles", format!("/p/{practice}/settings/roles")),
    ];
    view! {
        <nav class="tabs" aria-label="Settings">
            {tabs.into_iter().map(|(label, href)| view! {
                <a href=href aria-current=(label == current).then_some("page")>{label}</a>
            }).collect_view()}
        </nav>
    }
}

#[component]
pub fn SettingsDetailsPage() -> impl IntoView {
    let role = my_role(practice_from_path());
    with_practice_details(move |id, initial| {
        view! {
            <PracticeNav practice=id current="Settings"/>
            <section class="page">
                <h1>"Settings"</h1>
                <SettingsTabs practice=id current="Details"/>
                <DetailsForm practice=id initial role/>
                <JoinLinkSection practice=id role/>
            </section>
        }
    })
}

#[component]
fn DetailsForm(
    practice: PracticeId,
    initial: PracticeDetails,
    role: Signal<Option<Role>>,
) -> impl IntoView {
    let fields = DetailsFields::new(Some(initial));
    // The role table decides; the server checks the same cell again.
    let read_only = Signal::derive(move || {
        !role
            .get()
            .is_some_and(|r| grant(r, Capability::ChangeSettings) == Grant::Yes)
    });
    let action = ServerAction::<UpdatePracticeDetails>::new();
    let errors = FormErrors::of(action);
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    // The header shows the practice's name: read it again after a save.
    let me = expect_context::<MeResource>();
    Effect::new(move |_| {
        if saved() {
            me.refetch();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(form) = errors.check(fields.validate()) {
            action.dispatch(UpdatePracticeDetails { practice, form });
        }
    };
    view! {
        <form on:submit=submit novalidate class="settings-form">
            {move || read_only.get().then(|| view! {
                <p class="alert alert-info">"Only Owners and Admins can change these settings."</p>
            })}
            <FormAlert errors/>
            {move || saved().then(|| view! { <p class="alert alert-success" role="status">"Saved."</p> })}
            <DetailsInputs fields errors disabled=read_only/>
            <Show when=move || !read_only.get()>
                <Submit label="Save changes" busy="Saving…" pending=action.pending()/>
            </Show>
        </form>
    }
}

/// Settings → Roles: the role table of the shared crate, as a table.
#[component]
pub fn SettingsRolesPage() -> impl IntoView {
    let practice = practice_from_path();
    view! {
        {move || practice.get().map(|id| view! {
            <PracticeNav practice=id current="Settings"/>
            <section class="page">
                <h1>"Settings"</h1>
                <SettingsTabs practice=id current="Roles"/>
                <div class="table-wrap">
                    <table class="role-table">
                        <caption>"What each role may do. Staff also need the flags shown."</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Capability"</th>
                                {Role::ALL.into_iter().map(|r| view! { <th scope="col">{r.label()}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {Capability::ALL.into_iter().map(|c| view! {
                                <tr>
                                    <th scope="row">{c.label()}</th>
                                    {Role::ALL.into_iter().map(|r| match grant(r, c) {
                                        Grant::Yes => view! { <td class="yes"><span aria-hidden="true">"✓"</span><span class="visually-hidden">"Yes"</span></td> }.into_any(),
                                        Grant::No => view! { <td class="no"><span aria-hidden="true">"—"</span><span class="visually-hidden">"No"</span></td> }.into_any(),
                                        Grant::AssignedClientsWithInviteFlag => view! { <td class="some">"Assigned clients, with “can invite clients”"</td> }.into_any(),
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="hint">"Messaging clients also needs the “chat user” flag, whatever the role."</p>
            </section>
        })}
    }
}

/// The join link: off by default; on, off, or replaced by a new one.
#[component]
fn JoinLinkSection(practice: PracticeId, role: Signal<Option<Role>>) -> impl IntoView {
    let change = ServerAction::<ChangeJoinLink>::new();
    let current = Resource::new(move || change.version().get(), move |_| join_link(practice));
    let approval = RwSignal::new(false);
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        origin.set(window().location().origin().unwrap_or_default());
    });
    let regenerate = move |_| {
        #[cfg(feature = "hydrate")]
        let sure = window()
            .confirm_with_message("Make a new join link? The current link stops working at once.")
            .unwrap_or(false);
        #[cfg(not(feature = "hydrate"))]
        let sure = false;
        if sure {
            change.dispatch(ChangeJoinLink {
                practice,
                change: JoinLinkChange::Regenerate,
            });
        }
    };
    let may_change = move || {
        role.get()
            .is_some_and(|r| grant(r, Capability::ChangeSettings) == Grant::Yes)
    };
    view! {
        <Show when=may_change>
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
                                change.dispatch(ChangeJoinLink { practice, change: JoinLinkChange::Enable { requires_approval: approval.get() } });
                            }>"Turn on the join link"</button>
                        }.into_any(),
                        Some(path) => {
                            let link = move || format!("{}{}", origin.get(), path);
                            view! {
                                <div class="field">
                                    <label for="join-link-url">"The link"</label>
                                    <input id="join-link-url" readonly prop:value=link.clone()/>
                                </div>
                                <p class="hint">{if settings.requires_approval { "New members wait for approval." } else { "New members join at once, as Practitioners." }}</p>
                                <p class="actions-left">
                                    <button type="button" class="button secondary" on:click=move |_| copy_text(&link())>"Copy link"</button>
                                    <button type="button" class="button secondary" on:click=regenerate>"Make a new link"</button>
                                    <button type="button" class="button secondary" on:click=move |_| {
                                        change.dispatch(ChangeJoinLink { practice, change: JoinLinkChange::Disable });
                                    }>"Turn off"</button>
                                </p>
                            }.into_any()
                        }
                    })}
                </Transition>
            </section>
        </Show>
    }
}

fn copy_text(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
