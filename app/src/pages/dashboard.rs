use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::practices::get_practice_details;
use crate::components::practice::{my_role, practice_from_path, PracticeNav};
use crate::error::AppError;

/// What a page of one practice shows when its data cannot be had.
#[component]
pub fn PracticeProblem(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! { <Redirect path="/login"/> }.into_any(),
        other => view! {
            <section class="card narrow">
                <h1>"Not available"</h1>
                <p role="alert">{other.to_string()}</p>
                <p><a href="/">"Go to your practices"</a></p>
            </section>
        }
        .into_any(),
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let practice = practice_from_path();
    let role = my_role(practice);
    let details = Resource::new(
        move || practice.get(),
        |p| async move {
            match p {
                Some(p) => get_practice_details(p).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || details.get().map(|result| match (result, practice.get()) {
                (Ok(details), Some(id)) => view! {
                    <PracticeNav practice=id current="Dashboard"/>
                    <section class="page">
                        <h1>{details.name.clone()}</h1>
                        <p class="lead">"Your role: " <strong>{move || role.get().map(|r| r.label())}</strong></p>
                        <div class="cards">
                            <article class="card">
                                <h2>"Practice details"</h2>
                                <dl>
                                    <dt>"Contact email"</dt><dd>{details.contact_email.to_string()}</dd>
                                    <dt>"Time zone"</dt><dd>{details.time_zone.replace('_', " ")}</dd>
                                </dl>
                                <a href=format!("/p/{id}/settings")>"Settings"</a>
                            </article>
                            <article class="card">
                                <h2>"Who may do what"</h2>
                                <p>"Every role's rights, in one table."</p>
                                <a href=format!("/p/{id}/settings/roles")>"See the roles"</a>
                            </article>
                            <article class="card">
                                <h2>"Another location?"</h2>
                                <p>"Each practice has its own team, settings and audit trail."</p>
                                <a href="/practices/new">"Create another practice"</a>
                            </article>
                        </div>
                    </section>
                }.into_any(),
                (Err(error), _) => view! { <PracticeProblem error/> }.into_any(),
                (Ok(_), None) => view! { <PracticeProblem error=AppError::NotFound/> }.into_any(),
            })}
        </Suspense>
    }
}
