//! A join-link request: approve with a role the approver may give, or reject
//! (after a confirmation naming the person).

use leptos::prelude::*;
use shared::roles::{assignable_by, may_assign, Role};
use shared::team::{Pending, RequestDecision};

use crate::api::team::DecideRequest;
use crate::components::confirm::Confirm;
use crate::components::practice::PracticeContext;

#[component]
pub(super) fn RequestRow(
    request: Pending,
    practice: PracticeContext,
    decide: ServerAction<DecideRequest>,
    confirm: Confirm,
) -> impl IntoView {
    let offerable = assignable_by(&practice.actor);
    let role = RwSignal::new(Role::Practitioner);
    let id = request.id;
    let email = request.email.to_string();
    let approve = move |_| {
        decide.dispatch(DecideRequest {
            practice: practice.id,
            request: id,
            decision: RequestDecision::Approve(role.get()),
        });
    };
    let reject = {
        let email = email.clone();
        move |_| {
            confirm.ask(
                format!("Reject {email}?"),
                "They will not join the team. They can ask again with the join link while it is on.",
                "Reject",
                move || {
                    decide.dispatch(DecideRequest {
                        practice: practice.id,
                        request: id,
                        decision: RequestDecision::Reject,
                    });
                },
            );
        }
    };
    view! {
        <tr>
            <td class="card-title">{email.clone()}</td>
            <td data-label="Asked">{request.sent}</td>
            <td data-label="Role">
                <select aria-label=format!("Role for {email}")
                    on:change=move |ev| if let Some(r) = Role::from_code(&event_target_value(&ev)) { role.set(r) }>
                    {offerable.into_iter().map(|r| view! {
                        <option value=r.code() selected=r == Role::Practitioner>{r.label()}</option>
                    }).collect_view()}
                </select>
            </td>
            <td class="row-actions">
                // The same rule the server applies to the approval.
                <button type="button" class="button small" aria-label=format!("Approve {email}")
                    disabled=move || !may_assign(&practice.actor, role.get()) on:click=approve>"Approve"</button>
                <button type="button" class="button small secondary" aria-label=format!("Reject {email}") on:click=reject>"Reject"</button>
            </td>
        </tr>
    }
}
