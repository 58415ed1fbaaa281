//! The page a message's unsubscribe link opens (product.md §7), on a phone:
//! which practice it is, and one button. Mail clients that offer their own
//! "Unsubscribe" button POST to `/mail/unsubscribe` instead (RFC 8058).

use leptos::prelude::*;
use shared::messages::UnsubscribeView;

use crate::api::messages::{unsubscribe_link, Unsubscribe};
use crate::components::form::{FormAlert, FormErrors};
use crate::pages::token_from_query;

/// What still arrives after unsubscribing, said once for both answers.
const STILL_SENT: &str =
    "Portal invitations and security emails, such as password resets, still arrive.";

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let token = token_from_query();
    let link = Resource::new(move || token.get(), unsubscribe_link);
    let action = ServerAction::<Unsubscribe>::new();
    let errors = FormErrors::of(action);
    let done = move |view: &UnsubscribeView| {
        view! {
            <p class="alert alert-info" role="status">
                {format!("Done: you will receive no more messages from {}.", view.practice_name)}
            </p>
            <p class="hint">{STILL_SENT}</p>
        }
    };
    view! {
        <section class="card narrow portal">
            <h1>"Stop messages"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || link.get().map(|result| match (result, action.value().get()) {
                    (_, Some(Ok(view))) | (Ok(view @ UnsubscribeView { done: true, .. }), _) => {
                        done(&view).into_any()
                    }
                    (Ok(view), _) => view! {
                        <p>{format!("Stop receiving messages from {}?", view.practice_name)}</p>
                        <form on:submit=move |ev| {
                            ev.prevent_default();
                            action.dispatch(Unsubscribe { token: token.get_untracked() });
                        }>
                            <FormAlert errors/>
                            <button type="submit" class="button primary block" disabled=move || action.pending().get()>
                                "Unsubscribe"
                            </button>
                        </form>
                        <p class="hint">{STILL_SENT}</p>
                    }.into_any(),
                    (Err(error), _) => view! {
                        <div class="alert alert-error" role="alert">
                            <p>{error.to_string()}</p>
                            <p>"Use the link at the end of the practice's latest message, or ask the practice to stop messaging you."</p>
                        </div>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
