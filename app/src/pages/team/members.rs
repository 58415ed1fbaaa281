//! One member of the team with the changes the viewer may make to them —
//! offered by `shared::membership::offered`, the rule the server applies again.

use leptos::prelude::*;
use shared::ids::AccountId;
use shared::membership::{may_change, offered, MemberChange};
use shared::roles::{AccessLevel, MembershipStatus, Role};
use shared::team::Member;

use super::TeamActions;

/// One button of a member's row; the destructive ones ask first (ui.md).
struct Offer {
    label: &'static str,
    /// The accessible name, naming the person.
    name: String,
    change: MemberChange,
    /// What the page says once the server has done it.
    done: String,
    /// The question and its consequence, for a change that needs a yes.
    ask: Option<(String, &'static str)>,
}

impl Offer {
    fn button(self, actions: TeamActions, member: AccountId) -> impl IntoView {
        let Offer {
            label,
            name,
            change,
            done,
            ask,
        } = self;
        let class = if change == MemberChange::Remove {
            "button small danger"
        } else {
            "button small secondary"
        };
        let run = move || actions.change_member(member, change, done.clone());
        view! {
            <button type="button" class=class aria-label=name on:click=move |_| match ask.clone() {
                Some((question, consequence)) => actions.confirm.ask(question, consequence, label, run.clone()),
                None => run(),
            }>{label}</button>
        }
    }
}

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
    let edit = actions.practice.path(&format!("team/member/{account}"));
    let offers = |change| changes.contains(&change);
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
    let current = member.role;
    let buttons: Vec<Offer> = [
        offers(MemberChange::Role(Role::Admin)).then(|| Offer {
            label: "Promote to Admin",
            name: format!("Promote {name} to Admin"),
            change: MemberChange::Role(Role::Admin),
            done: format!("{name} is now an Admin."),
            ask: None,
        }),
        demote.then(|| Offer {
            label: "Demote",
            name: format!("Demote {name} to Practitioner"),
            change: MemberChange::Role(Role::Practitioner),
            done: format!("{name} is now a Practitioner."),
            ask: Some((format!("Demote {name} to Practitioner?"), "They lose admin rights at once: managing the team, practice settings, device approvals and the audit log.")),
        }),
        offers(MemberChange::Reactivate).then(|| Offer {
            label: "Reactivate",
            name: format!("Reactivate {name}"),
            change: MemberChange::Reactivate,
            done: format!("{name} is active again, as {}.", current.label()),
            ask: None,
        }),
        offers(MemberChange::Suspend).then(|| Offer {
            label: "Suspend",
            name: format!("Suspend {name}"),
            change: MemberChange::Suspend,
            done: format!("{name} is suspended."),
            ask: Some((format!("Suspend {name}?"), "They are logged out everywhere at once and can do nothing until an admin reactivates them, with the same role.")),
        }),
        offers(MemberChange::TransferOwnership).then(|| Offer {
            label: "Make Owner",
            name: format!("Make {name} the Owner"),
            change: MemberChange::TransferOwnership,
            done: format!("{name} is now the Owner."),
            ask: Some((format!("Make {name} the Owner?"), "They become the practice's Owner and you become an Admin. Only the Owner can transfer ownership or delete the practice, so you cannot undo this yourself.")),
        }),
        offers(MemberChange::Remove).then(|| Offer {
            label: "Remove",
            name: format!("Remove {name}"),
            change: MemberChange::Remove,
            done: format!("{name} was removed from the team."),
            ask: Some((format!("Remove {name} from the team?"), "They are logged out everywhere at once and lose access to this practice. To bring them back, invite them again.")),
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let change =
        move |change: MemberChange, done: String| actions.change_member(account, change, done);
    let status = match member.status {
        MembershipStatus::Active => view! { <span class="badge badge-sent">"Active"</span> },
        MembershipStatus::Suspended => view! { <span class="badge badge-grey">"Suspended"</span> },
    };
    view! {
        <tr>
            <td class="card-title">{member.full_name}{member.you.then_some(" (you)")}</td>
            <td data-label="Login">{member.email.map(|e| e.to_string()).or(member.username).unwrap_or_default()}</td>
            <td data-label="Position">{member.position.map(|p| p.label())}</td>
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
                <a class="button small secondary" href=edit aria-label=format!("Edit {name}")>"Edit"</a>
                {why_not.map(|reason| view! { <span class="hint">{reason.to_string()}</span> })}
                {buttons.into_iter().map(|offer| offer.button(actions, account)).collect_view()}
            </td>
        </tr>
    }
}
