pub mod dashboard;
pub mod home;
pub mod log_in;
pub mod mailbox;
pub mod new_practice;
pub mod password;
pub mod settings;
pub mod sign_up;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The `token` of an emailed link.
pub fn token_from_query() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("token").unwrap_or_default())
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <a href="/">"Go to the start page"</a>"."</p>
        </section>
    }
}
