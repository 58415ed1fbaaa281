//! Settings (ui.md): a parent route with one tab per part. Details, Roles,
//! Devices, Goals and ranges, Intake forms and (for Owners and Admins)
//! Group.

mod details;
mod devices;
mod goals;
mod group;
mod roles;

pub use details::SettingsDetailsPage;
pub use devices::SettingsDevicesPage;
pub use goals::SettingsGoalsPage;
pub use group::SettingsGroupPage;
pub use roles::SettingsRolesPage;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use shared::roles::Capability;

use crate::components::practice::use_practice;

#[component]
pub fn SettingsLayout() -> impl IntoView {
    let practice = use_practice();
    let mut tabs = vec![
        ("Details", practice.path("settings")),
        ("Roles", practice.path("settings/roles")),
        ("Devices", practice.path("settings/devices")),
        ("Goals and ranges", practice.path("settings/goals")),
        ("Intake forms", practice.path("settings/forms")),
    ];
    if practice.may(Capability::ChangeSettings) {
        tabs.push(("Group", practice.path("settings/group")));
    }
    let location = use_location();
    view! {
        <section class="page">
            <h1>"Settings"</h1>
            <nav class="tabs" aria-label="Settings">
                {tabs.into_iter().map(|(label, href)| {
                    let link = href.clone();
                    let here = move || location.pathname.get().trim_end_matches('/') == link;
                    view! { <a href=href aria-current=move || here().then_some("page")>{label}</a> }
                }).collect_view()}
            </nav>
            <Outlet/>
        </section>
    }
}
