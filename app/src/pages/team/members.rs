//! One member of the team with the changes the viewer may make to them —
//! offered by `shared::membership::offered`, the rule the server applies again.

use leptos::prelude::*;
use shared::membership::{may_change, offered, MemberChange};
use shared::roles::{AccessLevel, MembershipStatus, Role};
use shared::team::Member;

use super::TeamActions;

#[component]
pub(super) fn MemberRow(member: Member, actions: TeamActions) -> impl IntoView {
    let actor = actions.practice.actor;
    let changes = offered(&actor, member.target());
    // A row with nothing to offer says why (the Owner's, the viewer's own).
    let why_not = changes
        .is_empty()
        .then(|| may_change(&actor, member.target(), MemberChange::Remove).err())
        .flatten();
    let name = member.full_name.clone();
    let account = member.account;
    let offers = |change| changes.contains(&change);
    let promote = offers(MemberChange::Role(Role::Admin));
    let demote = member.role == Role::Admin && offers(MemberChange::Role(Role::Practitioner));
    let levels: Vec<AccessLevel> = match member.role {
        Role::Staff(_) => [
            AccessLevel::Full,
            AccessLevel::ReadWrite,
            AccessLevel::ReadOnly,
        ]
        .into_iter()
        .filter(|level| {
            Role::Staff(*level) == member.role || offers(MemberChange::Role(Role::Staff(*level)))
        })
        .collect(),
        _ => Vec::new(),
    };
    let (suspend, reactivate, remove) = (
        offers(MemberChange::Suspend),
        offers(MemberChange::Reactivate),
        offers(MemberChange::Remove),
    );
    let change =
        move |change: MemberChange, done: String| actions.change_member(account, change, done);
    let status = match member.status {
        MembershipStatus::Active => view! { <span class="badge badge-sent">"Active"</span> },
        MembershipStatus::Suspended => view! { <span class="badge badge-grey">"Suspended"</span> },
    };
    let current = member.role;
    view! {
        <tr>
            <td class="card-title">{member.full_name}{member.you.then_some(" (you)")}</td>
            <td data-label="Email">{member.email.map(|e| e.to_string()).unwrap_or_default()}</td>
            <td data-label="Role">
                {if levels.len() > 1 {
                    let name = name.clone();
                    view! {
                        <select aria-label=format!("Access level of {name}")
                            on:change=move |ev| {
                                if let Some(role) = Role::from_code(&event_target_value(&ev)).filter(|r| *r != current) {
                                    change(MemberChange::Role(role), format!("{name} is now {}.", role.label()));
                                }
                            }>
                            {levels.into_iter().map(|level| {
                                let role = Role::Staff(level);
                                view! { <option value=role.code() selected=role == current>{role.label()}</option> }
                            }).collect_view()}
                        </select>
                    }.into_any()
                } else {
                    current.label().into_any()
                }}
            </td>
            <td data-label="Status">{status}</td>
            <td data-label="Flags">{member.flags.held().join(", ")}</td>
            <td data-label="Last login">{member.last_login.unwrap_or_else(|| "Not yet".into())}</td>
            <td class="row-actions">
                {why_not.map(|reason| view! { <span class="hint">{reason.to_string()}</span> })}
                {promote.then(|| {
                    let name = name.clone();
                    view! {
                        <button type="button" class="button small secondary" aria-label=format!("Promote {name} to Admin")
                            on:click=move |_| change(MemberChange::Role(Role::Admin), format!("{name} is now an Admin."))>"Promote to Admin"</button>
                    }
                })}
                {demote.then(|| {
                    let name = name.clone();
                    view! {
                        <button type="button" class="button small secondary" aria-label=format!("Demote {name} to Practitioner")
                            on:click=move |_| actions.confirm.ask(
                                format!("Demote {name} to Practitioner?"),
                                "They lose admin rights at once: managing the team, practice settings, device approvals and the audit log.",
                                "Demote",
                                { let name = name.clone(); move || change(MemberChange::Role(Role::Practitioner), format!("{name} is now a Practitioner.")) },
                            )>"Demote"</button>
                    }
                })}
                {reactivate.then(|| {
                    let name = name.clone();
                    view! {
                        <button type="button" class="button small secondary" aria-label=format!("Reactivate {name}")
                            on:click=move |_| change(MemberChange::Reactivate, format!("{name} is active again, as {}.", current.label()))>"Reactivate"</button>
                    }
                })}
                {suspend.then(|| {
                    let name = name.clone();
                    view! {
                        <button type="button" class="button small secondary" aria-label=format!("Suspend {name}")
                            on:click=move |_| actions.confirm.ask(
                                format!("Suspend {name}?"),
                                "They are logged out everywhere at once and can do nothing until an admin reactivates them, with the same role.",
                                "Suspend",
                                { let name = name.clone(); move || change(MemberChange::Suspend, format!("{name} is suspended.")) },
                            )>"Suspend"</button>
                    }
                })}
                {remove.then(|| {
                    let name = name.clone();
                    view! {
                        <button type="button" class="button small danger" aria-label=format!("Remove {name}")
                            on:click=move |_| actions.confirm.ask(
                                format!("Remove {name} from the team?"),
                                "They are logged out everywhere at once and lose access to this practice. To bring them back, invite them again.",
                                "Remove",
                                { let name = name.clone(); move || change(MemberChange::Remove, format!("{name} was removed from the team.")) },
                            )>"Remove"</button>
                    }
                })}
            </td>
        </tr>
    }
}
