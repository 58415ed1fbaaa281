//! Sharing / Not sharing (product.md §8): each community the person has
//! joined, their choice, and in plain words what it means. Changeable at any
//! time; the next Community Health counts them or not.

use leptos::prelude::*;
use shared::community::Membership;

use crate::api::community::{my_communities, SetSharing};
use crate::components::practice::PracticeProblem;

#[component]
pub fn PortalSharingPage() -> impl IntoView {
    let set = ServerAction::<SetSharing>::new();
    let communities = Resource::new(move || set.version().get(), |_| my_communities());
    view! {
        <section class="card narrow portal">
            <h1>"Sharing"</h1>
            <p>"When you share, your readings count in your community's weekly figures: how many people, averages and ranges, each from at least 5 people. Nobody sees your name or your own readings through them, and you can stop at any time."</p>
            <p>"Never shared: your own readings and answers. Only the practitioners of a practice you are a client of see those, to look after you."</p>
            {move || set.value().get().and_then(Result::err).map(|error| view! {
                <p class="alert alert-error" role="alert">{error.to_string()}</p>
            })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || communities.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! {
                        <p>"You have not joined a community on Carekeys yet."</p>
                    }.into_any(),
                    Ok(list) => list.into_iter().map(|m| view! { <Choice membership=m set/> }).collect_view().into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Choice(membership: Membership, set: ServerAction<SetSharing>) -> impl IntoView {
    let Membership {
        practice,
        practice_name,
        sharing,
    } = membership;
    let state = if sharing { "Sharing" } else { "Not sharing" };
    view! {
        <div class="portal-practice">
            <h2>{practice_name.clone()}</h2>
            <p>
                <span class=if sharing { "badge badge-sent" } else { "badge badge-grey" }>{state}</span>
            </p>
            <label class="check">
                <input type="checkbox" checked=sharing disabled=move || set.pending().get()
                    on:change=move |ev| { set.dispatch(SetSharing { practice, sharing: event_target_checked(&ev) }); }/>
                {format!("Count my readings in {practice_name}'s Community Health")}
            </label>
        </div>
    }
}
