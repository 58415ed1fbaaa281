//! Client details: who the client is, who on the team looks after them, and
//! where they are with the portal. What the viewer may change comes from the
//! server (`ClientView::may_edit`, `may_manage`), which checks it again.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::clients::{ClientView, StaffChoice};
use shared::ids::{AccountId, ClientId};
use std::collections::BTreeSet;

use super::form::ClientFields;
use super::forms::ClientForms;
use super::invite::InvitePanel;
use super::messages::ClientMessages;
use super::portal_badge;
use super::readings::ClientReadings;
use crate::api::clients::{get_client, ArchiveClient, AssignClient, EditClient};
use crate::api::forms::SendForms;
use crate::components::confirm::{Confirm, ConfirmDialog};
use crate::components::practice::{use_practice, PracticeContext, PracticeProblem};
use crate::error::AppError;

#[component]
pub fn ClientDetailsPage() -> impl IntoView {
    let client: Option<ClientId> = use_params_map()
        .read_untracked()
        .get("client")
        .and_then(|c| c.parse().ok());
    let Some(client) = client else {
        return view! { <PracticeProblem error=AppError::NotFound/> }.into_any();
    };
    let practice = use_practice();
    let actions = Actions {
        edit: ServerAction::new(),
        archive: ServerAction::new(),
        assign: ServerAction::new(),
        send_forms: ServerAction::new(),
        invited: RwSignal::new(0),
        confirm: Confirm::new(),
    };
    let view = Resource::new(
        move || {
            (
                actions.edit.version().get(),
                actions.archive.version().get(),
                actions.assign.version().get(),
                actions.send_forms.version().get(),
                actions.invited.get(),
            )
        },
        move |_| get_client(practice.id, client),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || view.get().map(|result| match result {
                Ok(view) => view! { <Details view practice actions/> }.into_any(),
                Err(error) => view! { <PracticeProblem error/> }.into_any(),
            })}
        </Transition>
        <ConfirmDialog confirm=actions.confirm/>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct Actions {
    edit: ServerAction<EditClient>,
    archive: ServerAction<ArchiveClient>,
    assign: ServerAction<AssignClient>,
    /// Kept here, not in the panel: its answer stays shown when the details reload.
    send_forms: ServerAction<SendForms>,
    /// Moves when portal invitations went out: the status changes.
    invited: RwSignal<u32>,
    confirm: Confirm,
}

#[component]
fn Details(view: ClientView, practice: PracticeContext, actions: Actions) -> impl IntoView {
    let ClientView {
        client,
        form,
        staff,
        forms,
        may_edit,
        may_manage,
        today,
        readings,
        goals,
        messages,
    } = view;
    let id = client.id;
    let name = client.full_name();
    let save = Callback::new(move |form| {
        actions.edit.dispatch(EditClient {
            practice: practice.id,
            client: id,
            form,
        });
    });
    let saved = move || {
        matches!(actions.edit.value().get(), Some(Ok(()))).then(|| {
            view! { <p class="alert alert-info" role="status">"Saved."</p> }
        })
    };
    let archived = client.archived;
    // Staff's door (§5): from Client details, for the clients they may edit.
    let may_invite = may_edit && client.not_invitable().is_none();
    let inviting = RwSignal::new(false);
    let invitee = vec![client.clone()];
    let sent = Callback::new(move |()| actions.invited.update(|n| *n += 1));
    let archive = move |_| {
        let run = move || {
            actions.archive.dispatch(ArchiveClient {
                practice: practice.id,
                client: id,
                archived: !archived,
            });
        };
        if archived {
            run();
        } else {
            actions.confirm.ask(
                format!("Archive {name}?"),
                "They leave the Clients list; their details, forms and history are kept, and you can restore them from the archive.",
                "Archive",
                run,
            );
        }
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>{client.full_name()}</h1>
                <div class="actions">
                    {portal_badge(client.portal)}
                    {archived.then(|| view! { <span class="badge badge-grey">"Archived"</span> })}
                    {may_invite.then(|| view! {
                        <button type="button" class="button primary" on:click=move |_| inviting.set(true)>
                            "Invite to portal"
                        </button>
                    })}
                    {may_manage.then(|| view! {
                        <button type="button" class="button secondary" on:click=archive>
                            {if archived { "Restore" } else { "Archive" }}
                        </button>
                    })}
                </div>
            </div>
            {saved}
            {move || inviting.get().then(|| view! { <InvitePanel practice chosen=invitee.clone() sent/> })}
            <div class="card">
                <h2>"Details"</h2>
                <ClientFields initial=form today save pending=actions.edit.pending()
                    server=Signal::derive(move || actions.edit.value().get().and_then(Result::err))
                    label="Save" read_only=!may_edit/>
            </div>
            <ClientForms practice client=id forms action=actions.send_forms
                may_send=may_edit && client.receives_forms()/>
            <ClientMessages practice client=client.clone() initial=messages/>
            <ClientReadings readings goals/>
            <AssignedStaff staff client=id may_manage practice action=actions.assign/>
        </section>
    }
}

#[component]
fn AssignedStaff(
    staff: Vec<StaffChoice>,
    client: ClientId,
    may_manage: bool,
    practice: PracticeContext,
    action: ServerAction<AssignClient>,
) -> impl IntoView {
    let chosen = RwSignal::new(
        staff
            .iter()
            .filter(|s| s.assigned)
            .map(|s| s.account)
            .collect::<BTreeSet<AccountId>>(),
    );
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(AssignClient {
            practice: practice.id,
            client,
            staff: chosen.get_untracked().into_iter().collect(),
        });
    };
    view! {
        <form class="card stack" on:submit=submit>
            <h2>"Assigned staff"</h2>
            {error}
            <fieldset class="checks">
                <legend class="visually-hidden">"Assigned staff"</legend>
                {staff.into_iter().map(|person| {
                    let account = person.account;
                    view! {
                        <label class="check">
                            <input type="checkbox" checked=person.assigned disabled=!may_manage
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| { if on { c.insert(account); } else { c.remove(&account); } });
                                }/>
                            {person.full_name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            {may_manage.then(|| view! {
                <button type="submit" class="button secondary" disabled=move || action.pending().get()>"Save assigned staff"</button>
            })}
        </form>
    }
}
