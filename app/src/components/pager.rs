//! Previous and Next under a table whose rows the server pages.

use leptos::prelude::*;
use shared::team::Page;

/// Previous and Next for one table, with where the page is in the list.
#[component]
pub fn Pager(
    /// What the table lists: "members".
    what: &'static str,
    page: Page<()>,
    /// Moves to the page before (-1) or after (+1).
    step: Callback<i32>,
) -> impl IntoView {
    (page.has_previous() || page.has_next()).then(|| view! {
        <nav class="pager" aria-label=format!("Pages of {what}")>
            <span>{page.range()}</span>
            <button type="button" class="button small secondary" aria-label=format!("Previous page of {what}")
                disabled=!page.has_previous() on:click=move |_| step.run(-1)>"Previous"</button>
            <button type="button" class="button small secondary" aria-label=format!("Next page of {what}")
                disabled=!page.has_next() on:click=move |_| step.run(1)>"Next"</button>
        </nav>
    })
}
