//! Team (product.md §4, §5): who is on the team, who is invited, who asked to
//! join; and the Invite page with its report.

pub mod invite;
mod members;
pub mod person;
mod photo;
mod places;
mod report;
mod requests;

use leptos::prelude::*;
use shared::ids::{AccountId, InvitationId};
use shared::invitation::{InvitationEvent, InvitationKind, InvitationStatus};
use shared::membership::{Flag, MemberChange};
use shared::roles::Capability;
use shared::roles::Role;
use shared::team::{BulkOutcome, Pending, TeamQuery, TeamStatus, TeamView};
use std::collections::BTreeSet;

use crate::api::team::{
    get_team, ChangeMember, DecideRequest, ResendInvitations, RevokeInvitations,
};
use crate::components::confirm::{Confirm, ConfirmDialog};
use crate::components::form::load_page;
use crate::components::pager::Pager;
use crate::components::practice::{use_practice, LoneAdminNote, PracticeContext, PracticeProblem};
use crate::error::AppError;
use members::MemberRow;
use requests::RequestRow;

pub(crate) fn badge(status: InvitationStatus) -> impl IntoView {
    let class = match status {
        InvitationStatus::Invited => "badge badge-invited",
        InvitationStatus::Accepted => "badge badge-sent",
        InvitationStatus::Rejected => "badge badge-failed",
        InvitationStatus::Requested => "badge badge-queued",
        _ => "badge badge-grey",
    };
    view! { <span class=class>{status.label(InvitationKind::Team)}</span> }
}

/// The action whose answer the page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Last {
    Resend,
    Revoke,
    /// A change to a member, with the sentence to show when it is done.
    Member(String),
    /// Ownership moved: the viewer's own rights changed, so the page loads anew.
    Transfer,
}

/// The sentence after a bulk action: what was done, and what was left and why.
fn summary(done_word: &'static str, outcomes: &[BulkOutcome]) -> String {
    let done: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.problem.is_none())
        .map(|o| o.email.as_str())
        .collect();
    let mut text = if done.is_empty() {
        String::new()
    } else {
        format!("{done_word}: {}.", done.join(", "))
    };
    for left in outcomes.iter().filter(|o| o.problem.is_some()) {
        text.push_str(&format!(
            " {}: {}",
            left.email,
            left.problem.as_deref().unwrap_or_default()
        ));
    }
    text.trim().to_owned()
}

/// The actions of the Team page, shared by its rows.
#[derive(Clone, Copy)]
struct TeamActions {
    practice: PracticeContext,
    resend: ServerAction<ResendInvitations>,
    revoke: ServerAction<RevokeInvitations>,
    decide: ServerAction<DecideRequest>,
    member: ServerAction<ChangeMember>,
    last: RwSignal<Option<Last>>,
    confirm: Confirm,
}

impl TeamActions {
    fn resend(&self, ids: Vec<InvitationId>) {
        self.last.set(Some(Last::Resend));
        self.resend.dispatch(ResendInvitations {
            practice: self.practice.id,
            ids,
        });
    }

    /// Revoking asks first, naming whom it concerns.
    fn revoke(&self, ids: Vec<InvitationId>, whom: String) {
        let this = *self;
        self.confirm.ask(
            format!("Revoke {whom}?"),
            "The link in the email stops working at once. You can send a new invitation later.",
            "Revoke",
            move || {
                this.last.set(Some(Last::Revoke));
                this.revoke.dispatch(RevokeInvitations {
                    practice: this.practice.id,
                    ids: ids.clone(),
                });
            },
        );
    }

    fn change_member(&self, member: AccountId, change: MemberChange, done: String) {
        self.last
            .set(Some(if change == MemberChange::TransferOwnership {
                Last::Transfer
            } else {
                Last::Member(done)
            }));
        self.member.dispatch(ChangeMember {
            practice: self.practice.id,
            member,
            change,
        });
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let practice = use_practice();
    if !practice.may(Capability::ManageTeam) {
        return view! { <PracticeProblem error=AppError::Forbidden/> }.into_any();
    }
    let actions = TeamActions {
        practice,
        resend: ServerAction::new(),
        revoke: ServerAction::new(),
        decide: ServerAction::new(),
        member: ServerAction::new(),
        last: RwSignal::new(None),
        confirm: Confirm::new(),
    };
    Effect::new(move |_| {
        if actions.last.get() == Some(Last::Transfer)
            && matches!(actions.member.value().get(), Some(Ok(())))
        {
            load_page(&practice.path("team"));
        }
    });
    let query = RwSignal::new(TeamQuery::default());
    // Read again whenever the query changes or an action lands.
    let team = Resource::new(
        move || {
            (
                query.get(),
                actions.resend.version().get(),
                actions.revoke.version().get(),
                actions.decide.version().get(),
                actions.member.version().get(),
            )
        },
        move |(query, ..)| get_team(practice.id, query),
    );
    // The action dispatched last speaks, once its answer is in (not the
    // previous answer of the same action).
    let message = move || {
        let pending = actions.resend.pending().get()
            || actions.revoke.pending().get()
            || actions.member.pending().get();
        if pending {
            return None;
        }
        let answer = match actions.last.get()? {
            Last::Resend => actions
                .resend
                .value()
                .get()?
                .map(|o| summary("Sent again", &o)),
            Last::Revoke => actions
                .revoke
                .value()
                .get()?
                .map(|o| summary("Revoked", &o)),
            Last::Member(done) => actions.member.value().get()?.map(|()| done),
            Last::Transfer => actions
                .member
                .value()
                .get()?
                .map(|()| "Ownership transferred.".into()),
        };
        Some(answer.unwrap_or_else(|e| e.to_string()))
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Team"</h1>
                <div class="actions">
                    <a class="button secondary" href=practice.path("team/add")>"Add user"</a>
                    <a class="button primary" href=practice.path("team/invite")>"Invite people"</a>
                </div>
            </div>
            {move || message().map(|m| view! { <p class="alert alert-info" role="status">{m}</p> })}
            <TeamFilters query/>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || team.get().map(|result| match result {
                    Ok(view) => view! { <TeamTables view actions query/> }.into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Transition>
            <ConfirmDialog confirm=actions.confirm/>
        </section>
    }
    .into_any()
}

/// Search and filters; the server does the searching, one page at a time.
#[component]
fn TeamFilters(query: RwSignal<TeamQuery>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    // A new search or filter starts both tables on their first page.
    let apply = move |change: &dyn Fn(&mut TeamQuery)| {
        query.update(|q| {
            change(q);
            q.members_page = 0;
            q.invitations_page = 0;
        })
    };
    view! {
        <form class="filters" role="search" aria-label="Team"
            on:submit=move |ev| { ev.prevent_default(); apply(&|q| q.search = search.get_untracked()); }>
            <div class="field">
                <label for="team-search">"Search"</label>
                <input id="team-search" type="search" placeholder="Name, email or username" bind:value=search/>
            </div>
            <div class="field">
                <label for="team-role">"Role"</label>
                <select id="team-role" on:change=move |ev| { let role = Role::from_code(&event_target_value(&ev)); apply(&|q| q.role = role); }>
                    <option value="">"All roles"</option>
                    {Role::ALL.into_iter().map(|r| view! { <option value=r.code()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="team-status">"Status"</label>
                <select id="team-status" on:change=move |ev| { let status = TeamStatus::from_code(&event_target_value(&ev)); apply(&|q| q.status = status); }>
                    <option value="">"All statuses"</option>
                    {TeamStatus::ALL.into_iter().map(|s| view! { <option value=s.code()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="team-flag">"Flag"</label>
                <select id="team-flag" on:change=move |ev| { let flag = Flag::from_code(&event_target_value(&ev)); apply(&|q| q.flag = flag); }>
                    <option value="">"Any flags"</option>
                    {Flag::ALL.into_iter().map(|f| view! { <option value=f.code()>{f.label()}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button small secondary">"Search"</button>
        </form>
    }
}

#[component]
fn TeamTables(view: TeamView, actions: TeamActions, query: RwSignal<TeamQuery>) -> impl IntoView {
    let TeamView {
        members,
        invitations,
        requests,
        active_admins,
    } = view;
    let filtered = query.with_untracked(TeamQuery::is_filtered);
    let members_step = Callback::new(move |by: i32| {
        query.update(|q| q.members_page = q.members_page.saturating_add_signed(by))
    });
    let invitations_step = Callback::new(move |by: i32| {
        query.update(|q| q.invitations_page = q.invitations_page.saturating_add_signed(by))
    });
    let (members, members_page) = members.split();
    let (invitations, invitations_page) = invitations.split();
    // Made with each answer from the server, so a refreshed list starts unselected.
    let selected = RwSignal::new(BTreeSet::<InvitationId>::new());
    let all_ids: Vec<InvitationId> = invitations.iter().map(|i| i.id).collect();
    let toggle_all = {
        let all_ids = all_ids.clone();
        move |ev: leptos::ev::Event| {
            selected.set(if event_target_checked(&ev) {
                all_ids.iter().copied().collect()
            } else {
                BTreeSet::new()
            });
        }
    };
    let all_selected = move || !all_ids.is_empty() && selected.with(|s| s.len() == all_ids.len());
    let invite_path = actions.practice.path("team/invite");
    view! {
        <LoneAdminNote active_admins/>
        <h2>"Members"</h2>
        <div class="table-wrap">
            <table class="card-rows">
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Login"</th><th scope="col">"Position"</th><th scope="col">"Role"</th><th scope="col">"Status"</th>
                    <th scope="col">"Flags"</th><th scope="col">"Last login"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>
                    {members.into_iter().map(|member| view! { <MemberRow member actions/> }).collect_view()}
                </tbody>
            </table>
        </div>
        {(members_page.total == 0).then(|| view! { <p>"Nobody on the team matches."</p> })}
        <Pager what="members" page=members_page step=members_step/>

        {(!requests.is_empty()).then(|| view! {
            <h2>"Asked to join"</h2>
            <div class="table-wrap">
                <table class="card-rows">
                    <thead><tr><th scope="col">"Email"</th><th scope="col">"Asked"</th><th scope="col">"Role"</th><th scope="col">"Decision"</th></tr></thead>
                    <tbody>
                        {requests.into_iter().map(|r| view! { <RequestRow request=r practice=actions.practice decide=actions.decide confirm=actions.confirm/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}

        <h2>"Invitations"</h2>
        {if invitations.is_empty() && filtered {
            view! { <p>"No invitations match."</p> }.into_any()
        } else if invitations.is_empty() {
            view! { <p>"No invitations yet. " <a href=invite_path>"Invite your team"</a>"."</p> }.into_any()
        } else {
            let chosen = move || selected.get().into_iter().collect::<Vec<_>>();
            view! {
                <div class="bulk-bar" role="group" aria-label="Selected invitations">
                    <span>{move || format!("{} selected", selected.with(BTreeSet::len))}</span>
                    <button type="button" class="button small secondary" disabled=move || selected.with(BTreeSet::is_empty)
                        on:click=move |_| actions.resend(chosen())>"Resend selected"</button>
                    <button type="button" class="button small secondary" disabled=move || selected.with(BTreeSet::is_empty)
                        on:click=move |_| {
                            let ids = chosen();
                            let whom = format!("{} invitation(s)", ids.len());
                            actions.revoke(ids, whom);
                        }>"Revoke selected"</button>
                </div>
                <div class="table-wrap">
                    <table class="card-rows">
                        <thead><tr>
                            <th scope="col"><input type="checkbox" aria-label="Select all invitations" prop:checked=all_selected on:change=toggle_all/></th>
                            <th scope="col">"Email"</th><th scope="col">"Status"</th><th scope="col">"Role"</th>
                            <th scope="col">"Sent"</th><th scope="col">"Expires"</th><th scope="col">"Invited by"</th>
                            <th scope="col">"Email delivery"</th><th scope="col">"Actions"</th>
                        </tr></thead>
                        <tbody>
                            {invitations.into_iter().map(|i| view! { <InvitationRow invitation=i selected actions/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pager what="invitations" page=invitations_page step=invitations_step/>
            }.into_any()
        }}
    }
}

#[component]
fn InvitationRow(
    invitation: Pending,
    selected: RwSignal<BTreeSet<InvitationId>>,
    actions: TeamActions,
) -> impl IntoView {
    let id = invitation.id;
    let email = invitation.email.to_string();
    let can_resend = invitation.status.next(InvitationEvent::Resend).is_ok();
    let can_revoke = invitation.status.next(InvitationEvent::Revoke).is_ok();
    let whom = format!("the invitation to {email}");
    view! {
        <tr>
            <td class="card-select"><input type="checkbox" aria-label=format!("Select {email}") prop:checked=move || selected.with(|s| s.contains(&id))
                on:change=move |ev| selected.update(|s| { if event_target_checked(&ev) { s.insert(id); } else { s.remove(&id); } })/></td>
            <td class="card-title">{email.clone()}</td>
            <td data-label="Status">{badge(invitation.status)}</td>
            <td data-label="Role">{invitation.role.label()}</td>
            <td data-label="Sent">{invitation.sent}</td>
            <td data-label="Expires">{invitation.expires.unwrap_or_default()}</td>
            <td data-label="Invited by">{invitation.invited_by.unwrap_or_default()}</td>
            <td data-label="Email delivery">{invitation.delivery.map(|d| {
                let class = format!("badge badge-{}", d.to_lowercase());
                view! { <span class=class>{d}</span> }
            })}</td>
            <td class="row-actions">
                {can_resend.then(|| view! {
                    <button type="button" class="button small secondary" aria-label=format!("Resend to {email}") on:click=move |_| actions.resend(vec![id])>"Resend"</button>
                })}
                {can_revoke.then(|| view! {
                    <button type="button" class="button small secondary" aria-label=format!("Revoke the invitation to {email}")
                        on:click=move |_| actions.revoke(vec![id], whom.clone())>"Revoke"</button>
                })}
            </td>
        </tr>
    }
}
