//! The page a practice's join link opens.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::team::JoinOutcome;

use super::urlencode;
use crate::api::team::{get_join_page, JoinPractice};
use crate::components::form::{load_page, Submit};
use crate::components::header::MeResource;

#[component]
pub fn JoinPage() -> impl IntoView {
    let params = use_params_map();
    let code = Memo::new(move |_| params.read().get("code").unwrap_or_default());
    let practice = Resource::new(move || code.get(), get_join_page);
    let me = expect_context::<MeResource>();
    let action = ServerAction::<JoinPractice>::new();
    Effect::new(move |_| {
        if let Some(Ok(JoinOutcome::Joined(p) | JoinOutcome::AlreadyMember(p))) =
            action.value().get()
        {
            load_page(&format!("/p/{p}"));
        }
    });
    let requested = move || matches!(action.value().get(), Some(Ok(JoinOutcome::Requested)));
    view! {
        <section class="card narrow">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || practice.get().map(|result| match result {
                    Err(_) => view! {
                        <h1>"Join a practice"</h1>
                        <div class="alert alert-error" role="alert">
                            <p>"This join link no longer works."</p>
                            <p>"Ask the practice for a new link, or for an email invitation."</p>
                        </div>
                    }.into_any(),
                    Ok(join) => {
                        let signed_in = me.get().and_then(Result::ok).flatten().is_some();
                        let next = urlencode(&format!("/join/{}", code.get_untracked()));
                        view! {
                            <h1>"Join " {join.practice_name.clone()}</h1>
                            <p class="hint">"On the team you will see personal health information of the practice's clients."</p>
                            {join.requires_approval.then(|| view! { <p>"An admin of the practice approves each new member."</p> })}
                            {move || action.value().get().and_then(Result::err).map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
                            <Show when=requested fallback=move || if signed_in {
                                view! {
                                    <form on:submit=move |ev| { ev.prevent_default(); action.dispatch(JoinPractice { code: code.get() }); }>
                                        <Submit label="Join the team" busy="Joining…" pending=action.pending()/>
                                    </form>
                                }.into_any()
                            } else {
                                view! {
                                    <p class="actions">
                                        <a class="button primary" href=format!("/signup?next={next}")>"Create an account to join"</a>
                                        <a class="button secondary" href=format!("/login?next={next}")>"Log in to join"</a>
                                    </p>
                                }.into_any()
                            }>
                                <p class="alert alert-info" role="status">"Your request was sent. You will be on the team once an admin approves it."</p>
                            </Show>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}
