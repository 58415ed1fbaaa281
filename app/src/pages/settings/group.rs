//! Settings → Group (product.md §2 Group, §4 Multi-location): the group of
//! locations this practice belongs to, its admins and practices; the
//! Owner's answer to a group's invitation; creating a group; inviting a
//! practice by its id. The server decides every step (`server::groups`).

use leptos::prelude::*;
use shared::groups::{may_remove, GroupAdmin, GroupForm, GroupInvitation, GroupView};
use shared::roles::Capability;

use crate::api::groups::{
    get_group_page, AnswerGroupInvitation, CreateGroup, InvitePractice, NameGroupAdmin,
    RemoveFromGroup, RemoveGroupAdmin,
};
use crate::components::confirm::{Confirm, ConfirmDialog};
use crate::components::form::{load_page, Field, FormAlert, FormErrors, Submit};
use crate::components::practice::{use_practice, PracticeContext};

#[component]
pub fn SettingsGroupPage() -> impl IntoView {
    let practice = use_practice();
    let create = ServerAction::<CreateGroup>::new();
    let invite = ServerAction::<InvitePractice>::new();
    let answer = ServerAction::<AnswerGroupInvitation>::new();
    let remove = ServerAction::<RemoveFromGroup>::new();
    let admins = Admins {
        name: ServerAction::new(),
        remove: ServerAction::new(),
    };
    let page = Resource::new(
        move || {
            (
                invite.version().get(),
                admins.name.version().get(),
                admins.remove.version().get(),
            )
        },
        move |_| get_group_page(practice.id),
    );
    // The header's switcher lists practices under their groups: after the
    // practice joins, leaves or makes a group, the whole page is loaded again
    // (so these three do not refetch the page's data themselves).
    Effect::new(move |_| {
        let changed = [
            matches!(create.value().get(), Some(Ok(_))),
            matches!(answer.value().get(), Some(Ok(()))),
            matches!(remove.value().get(), Some(Ok(()))),
        ];
        if changed.contains(&true) {
            load_page(&practice.path("settings/group"));
        }
    });
    let confirm = Confirm::new();
    let outcome = move || {
        let failed = [
            answer.value().get().and_then(Result::err),
            remove.value().get().and_then(Result::err),
            admins.remove.value().get().and_then(Result::err),
        ];
        failed.into_iter().flatten().next().map(|error| {
            view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }
        })
    };
    view! {
        <section aria-labelledby="group-heading">
            <h2 id="group-heading">"Group"</h2>
            <p class="hint">"Locations of one business form a group. The group's admins see its practices here and let team members log in to several of them, with a role in each."</p>
            <p class="hint">"This practice's id, for a group's admin to invite it: " <code>{practice.id.to_string()}</code></p>
            {outcome}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || page.get().map(|answer_page| match answer_page {
                    Ok(page) => match page.group {
                        Some(group) => view! { <GroupDetails group practice invite remove admins confirm/> }.into_any(),
                        None => view! { <NoGroup invitations=page.invitations practice create answer/> }.into_any(),
                    },
                    Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <ConfirmDialog confirm/>
        </section>
    }
}

/// A practice in no group: the invitations waiting for its Owner, and "Create a group".
#[component]
fn NoGroup(
    invitations: Vec<GroupInvitation>,
    practice: PracticeContext,
    create: ServerAction<CreateGroup>,
    answer: ServerAction<AnswerGroupInvitation>,
) -> impl IntoView {
    let owner = practice.may(Capability::JoinGroups);
    let name = RwSignal::new(String::new());
    let errors = FormErrors::of(create);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = GroupForm { name: name.get() };
        if errors.check(form.validate()).is_some() {
            create.dispatch(CreateGroup {
                practice: practice.id,
                form,
            });
        }
    };
    view! {
        <p>"This practice is in no group."</p>
        {(!invitations.is_empty()).then(|| view! {
            <h3>"Invitations"</h3>
            <ul class="group-invitations">
                {invitations.into_iter().map(|invitation| {
                    let group = invitation.group;
                    view! {
                        <li>
                            <span>{format!("{} invites this practice (sent by {}).", invitation.group_name, invitation.invited_by)}</span>
                            {if owner {
                                view! {
                                    <button type="button" class="button small primary"
                                        on:click=move |_| { answer.dispatch(AnswerGroupInvitation { practice: practice.id, group, accept: true }); }>
                                        "Accept"</button>
                                    <button type="button" class="button small secondary"
                                        on:click=move |_| { answer.dispatch(AnswerGroupInvitation { practice: practice.id, group, accept: false }); }>
                                        "Decline"</button>
                                }.into_any()
                            } else {
                                view! { <span class="hint">" The practice's Owner answers."</span> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {owner.then(|| view! {
            <form class="settings-form" on:submit=submit novalidate>
                <h3>"Create a group"</h3>
                <FormAlert errors/>
                <Field label="Group name" name="name" value=name errors
                    hint="Such as the business's name. You become the group's owner; other practices join when their Owner accepts."/>
                <Submit label="Create group" busy="Creating…" pending=create.pending()/>
            </form>
        })}
    }
}

/// Naming and removing group admins (the group's owner).
#[derive(Clone, Copy)]
struct Admins {
    name: ServerAction<NameGroupAdmin>,
    remove: ServerAction<RemoveGroupAdmin>,
}

#[component]
fn GroupDetails(
    group: GroupView,
    practice: PracticeContext,
    invite: ServerAction<InvitePractice>,
    remove: ServerAction<RemoveFromGroup>,
    admins: Admins,
    confirm: Confirm,
) -> impl IntoView {
    let target = RwSignal::new(String::new());
    let errors = FormErrors::of(invite);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        invite.dispatch(InvitePractice {
            practice: practice.id,
            target: target.get(),
        });
    };
    let invited = move || matches!(invite.value().get(), Some(Ok(())));
    let you_owner = group.you_owner;
    view! {
        <h3>{group.name.clone()}</h3>
        <div class="table-wrap">
            <table class="card-rows">
                <caption class="visually-hidden">"Practices of the group"</caption>
                <thead><tr><th scope="col">"Practice"</th><th scope="col">"Owner"</th><th scope="col">"Actions"</th></tr></thead>
                <tbody>
                    {group.practices.into_iter().map(|p| {
                        let here = p.id == practice.id;
                        let target = p.id;
                        let (label, question) = if here {
                            ("Leave the group", format!("Take {} out of {}?", p.name, group.name))
                        } else {
                            ("Remove", format!("Remove {} from {}?", p.name, group.name))
                        };
                        let offered = may_remove(&practice.actor, here, you_owner);
                        let ask = move |_| {
                            confirm.ask(
                                question.clone(),
                                "Everyone the group let in to another practice through it loses that access at once.",
                                label,
                                move || { remove.dispatch(RemoveFromGroup { practice: practice.id, target }); },
                            );
                        };
                        view! {
                            <tr>
                                <td class="card-title">{p.name}{here.then(|| view! { " " <span class="badge badge-sent">"This practice"</span> })}</td>
                                <td data-label="Owner">{p.owner}</td>
                                <td class="row-actions">
                                    {offered.then(|| view! { <button type="button" class="button small danger" on:click=ask>{label}</button> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(!group.invited.is_empty()).then(|| view! {
            <p>"Invited, waiting for their Owner: "{group.invited.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")}</p>
        })}
        <GroupAdmins list=group.admins you_owner practice admins confirm/>
        {group.you_admin.then(|| view! {
            <form class="settings-form" on:submit=submit novalidate>
                <h3>"Invite a practice"</h3>
                <FormAlert errors/>
                {move || invited().then(|| view! { <p class="alert alert-success" role="status">"Invited: the practice joins when its Owner accepts on their Settings → Group."</p> })}
                <Field label="Practice id" name="practice" value=target errors
                    hint="Its Owner reads it on their own Settings → Group."/>
                <Submit label="Invite" busy="Inviting…" pending=invite.pending()/>
            </form>
        })}
    }
}

#[component]
fn GroupAdmins(
    list: Vec<GroupAdmin>,
    you_owner: bool,
    practice: PracticeContext,
    admins: Admins,
    confirm: Confirm,
) -> impl IntoView {
    let login = RwSignal::new(String::new());
    let errors = FormErrors::of(admins.name);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        admins.name.dispatch(NameGroupAdmin {
            practice: practice.id,
            login: login.get(),
        });
    };
    view! {
        <h3>"Group admins"</h3>
        <p class="hint">"They invite practices and let team members log in to other practices — giving nobody more than they hold themselves in that practice."</p>
        <ul class="group-admins">
            {list.into_iter().map(|admin| {
                let question = format!("Remove {} as a group admin?", admin.full_name);
                let account = admin.account;
                let ask = move |_| {
                    confirm.ask(
                        question.clone(),
                        "Access they granted stays; they can no longer grant or invite.",
                        "Remove",
                        move || { admins.remove.dispatch(RemoveGroupAdmin { practice: practice.id, admin: account }); },
                    );
                };
                let removable = you_owner && !admin.owner;
                view! {
                    <li>
                        {admin.full_name.clone()}{admin.owner.then_some(" (the group's owner)")}
                        {removable.then(|| view! { " " <button type="button" class="button small secondary" aria-label=format!("Remove {} as a group admin", admin.full_name) on:click=ask>"Remove"</button> })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {you_owner.then(|| view! {
            <form class="settings-form" on:submit=submit novalidate>
                <FormAlert errors/>
                <Field label="Name a group admin" name="login" value=login errors
                    hint="Their email or username; they must be an Owner or Admin of a practice of this group."/>
                <Submit label="Name admin" busy="Saving…" pending=admins.name.pending()/>
            </form>
        })}
    }
}
