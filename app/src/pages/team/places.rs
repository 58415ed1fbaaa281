//! Edit user → "Allow login to other practices" (product.md §4
//! Multi-location): shown to the group's admins when the practice is in a
//! group. Each other practice gets a role of its own; what the admin may
//! give there is the server's answer (`assignable`), from the role table.

use leptos::prelude::*;
use shared::groups::{default_role, MemberPlaces, PlaceGrant};
use shared::ids::AccountId;
use shared::roles::Role;

use crate::api::groups::{get_member_places, SetMemberPlaces};
use crate::components::form::{FormAlert, FormErrors, Submit};
use crate::components::practice::PracticeContext;

/// Read in the browser once the page is live: a Resource of its own under the
/// page's Suspense would break hydration (see `clients::forms`).
#[component]
pub fn OtherPractices(practice: PracticeContext, member: AccountId) -> impl IntoView {
    let save = ServerAction::<SetMemberPlaces>::new();
    let places = RwSignal::new(None);
    Effect::new(move |_| {
        save.version().track();
        leptos::task::spawn_local(async move {
            places.set(Some(get_member_places(practice.id, member).await));
        });
    });
    move || match places.get() {
        Some(Ok(Some(places))) => view! { <PlacesForm places practice member save/> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any()
        }
        _ => ().into_any(),
    }
}

#[component]
fn PlacesForm(
    places: MemberPlaces,
    practice: PracticeContext,
    member: AccountId,
    save: ServerAction<SetMemberPlaces>,
) -> impl IntoView {
    let errors = FormErrors::of(save);
    let allowed = RwSignal::new(places.others.iter().any(|o| o.role.is_some()));
    // One (practice, chosen role) per line; `None`: no access there.
    let rows: Vec<_> = places
        .others
        .iter()
        .map(|other| {
            let initial = other
                .role
                .or_else(|| default_role(places.home_role, &other.assignable));
            (
                other.clone(),
                RwSignal::new(other.role.is_some()),
                RwSignal::new(initial),
            )
        })
        .collect();
    let lines = rows.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let grants = lines
            .iter()
            .filter(|(other, ..)| !other.own_member)
            .map(|(other, ticked, role)| PlaceGrant {
                practice: other.practice,
                role: (allowed.get_untracked() && ticked.get_untracked())
                    .then(|| role.get_untracked())
                    .flatten(),
            })
            .collect();
        save.dispatch(SetMemberPlaces {
            practice: practice.id,
            member,
            grants,
        });
    };
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let places_error = errors.field("places");
    view! {
        <section class="card places" aria-labelledby="places-heading">
            <h2 id="places-heading">"Other practices"</h2>
            <p class="hint">{format!("Practices of the group {}. They log in once and switch practice in the header; in each practice they hold the role chosen here.", places.group_name)}</p>
            <form on:submit=submit novalidate>
                <FormAlert errors/>
                {move || places_error.get().map(|message| view! { <p class="field-error">{message}</p> })}
                {move || saved().then(|| view! { <p role="status" class="alert alert-success">"Saved: their access to other practices is updated."</p> })}
                <label class="check"><input type="checkbox" name="allow_other_practices" bind:checked=allowed/>
                    " Allow login to other practices"</label>
                <ul class="places-list" hidden=move || !allowed.get()>
                    {rows.into_iter().map(|(other, ticked, role)| {
                        let id = format!("place-{}", other.practice);
                        let role_id = format!("{id}-role");
                        let label = format!("Role at {}", other.name);
                        if other.own_member {
                            let held = other.role.map(Role::label).unwrap_or_default();
                            return view! {
                                <li><span>{other.name}</span>" — "{format!("{held}, on that team by its own invitation")}</li>
                            }.into_any();
                        }
                        let none_assignable = other.assignable.is_empty();
                        let options = other.assignable.clone();
                        view! {
                            <li>
                                <label class="check">
                                    <input type="checkbox" id=id bind:checked=ticked disabled=none_assignable/>
                                    " "{other.name.clone()}
                                </label>
                                <label class="visually-hidden" for=role_id.clone()>{label}</label>
                                <select id=role_id disabled=move || !ticked.get() || none_assignable
                                    on:change=move |ev| role.set(Role::from_code(&event_target_value(&ev)))
                                    prop:value=move || role.get().map(Role::code).unwrap_or_default()>
                                    {options.into_iter().map(|r| view! { <option value=r.code()>{r.label()}</option> }).collect_view()}
                                </select>
                                {none_assignable.then(|| view! { <span class="hint">" You hold no role there that lets you give one."</span> })}
                            </li>
                        }.into_any()
                    }).collect_view()}
                </ul>
                <Submit label="Save access" busy="Saving…" pending=save.pending()/>
            </form>
        </section>
    }
}
