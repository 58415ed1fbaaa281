use leptos::prelude::*;

use shared::roles::Capability;

use crate::components::practice::{use_practice, LoneAdminNote};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let practice = use_practice();
    let details = practice.details.get_value();
    view! {
        <section class="page">
            <h1>{details.name}</h1>
            <p class="lead">"Your role: " <strong>{practice.actor.role.label()}</strong></p>
            {practice.may(Capability::ManageTeam).then(|| view! {
                <LoneAdminNote active_admins=practice.active_admins/>
            })}
            <div class="cards">
                <article class="card">
                    <h2>"Practice details"</h2>
                    <dl>
                        <dt>"Contact email"</dt><dd>{details.contact_email.to_string()}</dd>
                        <dt>"Time zone"</dt><dd>{details.time_zone.replace('_', " ")}</dd>
                    </dl>
                    <a href=practice.path("settings")>"Settings"</a>
                </article>
                <article class="card">
                    <h2>"Who may do what"</h2>
                    <p>"Every role's rights, in one table."</p>
                    <a href=practice.path("settings/roles")>"See the roles"</a>
                </article>
                <article class="card">
                    <h2>"Another location?"</h2>
                    <p>"Each practice has its own team, settings and audit trail."</p>
                    <a href="/practices/new">"Create another practice"</a>
                </article>
            </div>
        </section>
    }
}
