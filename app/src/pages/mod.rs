pub mod approval;
pub mod audit;
pub mod clients;
pub mod community;
pub mod dashboard;
pub mod forms;
pub mod home;
pub mod invitation;
pub mod join;
// Not in the portal's bundle: each lazy page is an export of the module, which the linker would keep.
#[cfg(not(feature = "portal-bundle"))]
pub mod lazy;
pub mod log_in;
pub mod mailbox;
pub mod new_practice;
pub mod password;
pub mod portal;
pub mod settings;
pub mod sign_up;
pub mod team;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A parameter of the page's query string.
pub fn query_param(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name))
}

/// The `token` of an emailed link.
pub fn token_from_query() -> Memo<String> {
    let token = query_param("token");
    Memo::new(move |_| token.get().unwrap_or_default())
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

pub use shared::url::encode as urlencode;
