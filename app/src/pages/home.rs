use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::components::header::MeResource;

/// Signed in: straight to your practice (or to creating one). Otherwise: what Carekeys is.
#[component]
pub fn HomePage() -> impl IntoView {
    let me = expect_context::<MeResource>();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || me.get().map(|result| match result.ok().flatten() {
                Some(me) if me.must_change_password => view! { <Redirect path="/change-password"/> }.into_any(),
                Some(me) => {
                    let to = me.practices.first().map_or_else(|| "/practices/new".to_owned(), |p| format!("/p/{}", p.id));
                    view! { <Redirect path=to/> }.into_any()
                }
                None => view! {
                    <section class="hero">
                        <h1>"Decide who may see and do what with your patients' data."</h1>
                        <p>"Invite your team, give them roles, approve their devices, and keep an audit trail of every change."</p>
                        <p class="actions">
                            <a class="button primary" href="/signup">"Create an account"</a>
                            <a class="button secondary" href="/login">"Log in"</a>
                        </p>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}
