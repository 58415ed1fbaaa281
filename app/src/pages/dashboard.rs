use leptos::prelude::*;

use crate::components::practice::{
    my_role, practice_from_path, with_practice_details, PracticeNav,
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let role = my_role(practice_from_path());
    with_practice_details(move |id, details| {
        view! {
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
        }
    })
}
