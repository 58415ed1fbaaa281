use leptos::prelude::*;
use shared::roles::{grant, Capability, Grant, Role};

/// Settings → Roles: the role table of the shared crate, as a table.
#[component]
pub fn SettingsRolesPage() -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="role-table card-rows">
                <caption>"What each role may do. Staff also need the flags shown."</caption>
                <thead>
                    <tr>
                        <th scope="col">"Capability"</th>
                        {Role::ALL.into_iter().map(|r| view! { <th scope="col">{r.label()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {Capability::ALL.into_iter().map(|c| view! {
                        <tr>
                            <th scope="row">{c.label()}</th>
                            {Role::ALL.into_iter().map(|r| match grant(r, c) {
                                Grant::Yes => view! { <td class="yes" data-label=r.label()><span aria-hidden="true">"✓"</span><span class="visually-hidden">"Yes"</span></td> }.into_any(),
                                Grant::No => view! { <td class="no" data-label=r.label()><span aria-hidden="true">"—"</span><span class="visually-hidden">"No"</span></td> }.into_any(),
                                Grant::AssignedClientsWithInviteFlag => view! { <td class="some" data-label=r.label()>"Assigned clients, with “can invite clients”"</td> }.into_any(),
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">"Messaging clients also needs the “chat user” flag, whatever the role."</p>
    }
}
