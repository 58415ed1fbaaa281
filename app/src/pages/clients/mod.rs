//! Clients (product.md §7): the practice's clients, searched and paged by the
//! server; a white row has no portal account, a green one has (§5).

mod batch;
mod details;
mod form;
mod forms;
mod invite;
mod messages;
mod readings;

pub use details::ClientDetailsPage;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::clients::{ClientForm, ClientList, ClientQuery, ClientRow, PortalStatus};
use shared::ids::ClientId;
use std::collections::BTreeMap;

use crate::api::clients::{get_clients, AddClient};
use crate::api::portal::invitable_clients;
use crate::components::pager::Pager;
use crate::components::practice::{use_practice, PracticeContext, PracticeProblem};
use batch::BatchPanel;
use form::ClientFields;
use invite::InvitePanel;
use shared::roles::Capability;

/// The clients ticked for a portal invitation, across pages and searches.
type Chosen = RwSignal<BTreeMap<ClientId, ClientRow>>;

pub(crate) fn portal_badge(status: PortalStatus) -> impl IntoView {
    let class = match status {
        PortalStatus::NoAccount => "badge badge-grey",
        PortalStatus::Invited => "badge badge-invited",
        PortalStatus::HasAccount => "badge badge-sent",
    };
    view! { <span class=class>{status.label()}</span> }
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    let practice = use_practice();
    let query = RwSignal::new(ClientQuery::default());
    let add = ServerAction::<AddClient>::new();
    let chosen: Chosen = RwSignal::new(BTreeMap::new());
    let inviting = RwSignal::new(false);
    let messaging = RwSignal::new(false);
    // Read again after invitations go out: rows change colour.
    let invited = RwSignal::new(0_u32);
    let clients = Resource::new(
        move || (query.get(), add.version().get(), invited.get()),
        move |(query, ..)| get_clients(practice.id, query),
    );
    let sent = Callback::new(move |()| {
        chosen.set(BTreeMap::new());
        invited.update(|n| *n += 1);
    });
    // In the list's order, so the preview goes through them as the admin sees them.
    let invite_list = Signal::derive(move || {
        let mut list: Vec<ClientRow> = chosen.with(|c| c.values().cloned().collect());
        list.sort_by_key(|c| (c.last_name.to_lowercase(), c.first_name.to_lowercase()));
        list
    });
    // A new client opens at once, to assign staff and invite them.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(client)) = add.value().get() {
            navigate(
                &practice.path(&format!("clients/{client}")),
                Default::default(),
            );
        }
    });
    // The batch form's recipients when nothing is ticked, and its preview's client.
    let matching = Signal::derive(move || {
        clients
            .get()
            .and_then(Result::ok)
            .map(|list| (list.clients.total, list.clients.rows.first().cloned()))
            .unwrap_or_default()
    });
    let may_batch = practice.may(Capability::BatchMessage);
    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Clients"</h1>
                // Batches go to current clients: none from the archive.
                {move || (may_batch && !query.with(|q| q.archived)).then(|| view! {
                    <div class="actions">
                        <button type="button" class="button secondary" aria-expanded=move || messaging.get().to_string()
                            on:click=move |_| messaging.update(|m| *m = !*m)>"Message clients"</button>
                    </div>
                })}
            </div>
            <ClientFilters query/>
            {move || (messaging.get() && !query.with(|q| q.archived)).then(|| view! { <BatchPanel practice query chosen matching/> })}
            {move || inviting.get().then(|| view! { <InvitePanel practice chosen=invite_list sent/> })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || clients.get().map(|result| match result {
                    Ok(list) => view! { <ClientTable list practice query add chosen inviting/> }.into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ClientFilters(query: RwSignal<ClientQuery>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    view! {
        <form class="filters" role="search" aria-label="Clients"
            on:submit=move |ev| { ev.prevent_default(); query.update(|q| { q.search = search.get_untracked(); q.page = 0; }); }>
            <div class="field">
                <label for="client-search">"Search"</label>
                <input id="client-search" type="search" placeholder="Name or email" bind:value=search/>
            </div>
            <label class="check">
                <input type="checkbox" on:change=move |ev| { let archived = event_target_checked(&ev); query.update(|q| { q.archived = archived; q.page = 0; }); }/>
                "Archived clients"
            </label>
            <button type="submit" class="button small secondary">"Search"</button>
        </form>
    }
}

#[component]
fn ClientTable(
    list: ClientList,
    practice: PracticeContext,
    query: RwSignal<ClientQuery>,
    add: ServerAction<AddClient>,
    chosen: Chosen,
    inviting: RwSignal<bool>,
) -> impl IntoView {
    let ClientList {
        clients,
        may_add,
        today,
    } = list;
    // Admins' door (§5): tick clients here; staff invite from Client details.
    let selecting = may_add && !query.with_untracked(|q| q.archived);
    let select_all = move |_| {
        let current = query.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(rows) = invitable_clients(practice.id, current).await {
                chosen.update(|c| c.extend(rows.into_iter().map(|r| (r.id, r))));
            }
        });
    };
    let (rows, page) = clients.split();
    let step =
        Callback::new(move |by: i32| query.update(|q| q.page = q.page.saturating_add_signed(by)));
    let empty = rows
        .is_empty()
        .then(|| view! { <p class="empty">"No clients match."</p> });
    view! {
        {may_add.then(|| view! {
            <details class="card add-client">
                <summary>"Add client"</summary>
                <ClientFields initial=ClientForm::default() today save=Callback::new(move |form| {
                    add.dispatch(AddClient { practice: practice.id, form });
                }) pending=add.pending() server=Signal::derive(move || add.value().get().and_then(Result::err)) label="Add"/>
            </details>
        })}
        {empty}
        {selecting.then(|| view! {
            <div class="row-actions selection">
                <button type="button" class="button small secondary" on:click=select_all>"Select all matching"</button>
                <button type="button" class="button small secondary" disabled=move || chosen.with(BTreeMap::is_empty)
                    on:click=move |_| chosen.set(BTreeMap::new())>"Clear selection"</button>
                <button type="button" class="button small primary" disabled=move || chosen.with(BTreeMap::is_empty)
                    on:click=move |_| inviting.set(true)>
                    {move || format!("Invite to portal ({})", chosen.with(BTreeMap::len))}
                </button>
            </div>
        })}
        <div class="table-wrap">
            <table class="card-rows">
                <thead><tr>
                    {selecting.then(|| view! { <th scope="col"><span class="visually-hidden">"Select"</span></th> })}
                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Date of birth"</th><th scope="col">"Portal"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|client| view! { <ClientLine client practice selecting chosen/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager what="clients" page step/>
    }
}

#[component]
fn ClientLine(
    client: ClientRow,
    practice: PracticeContext,
    selecting: bool,
    chosen: Chosen,
) -> impl IntoView {
    let class = (client.portal == PortalStatus::HasAccount).then_some("row-green");
    let href = practice.path(&format!("clients/{}", client.id));
    // A green row offers more forms (§5): Client details → Forms.
    let send_forms = client.receives_forms().then(|| {
        let label = format!("Send forms to {}", client.full_name());
        view! { " "<a class="button small secondary" href=format!("{href}#forms") aria-label=label>"Send forms"</a> }
    });
    let why = client.not_invitable();
    let (id, name) = (client.id, client.full_name());
    let row = client.clone();
    let select = selecting.then(|| {
        let why_id = format!("why-{id}");
        view! {
            <td class="card-select">
                <input type="checkbox" aria-label=format!("Select {name}") disabled=why.is_some() title=why
                    aria-describedby=why.map(|_| why_id.clone())
                    prop:checked=move || chosen.with(|c| c.contains_key(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        chosen.update(|c| { if on { c.insert(id, row.clone()); } else { c.remove(&id); } });
                    }/>
                {why.map(|why| view! { <span class="visually-hidden" id=why_id>{why}</span> })}
            </td>
        }
    });
    view! {
        <tr class=class>
            {select}
            <td class="card-title"><a href=href>{client.full_name()}</a></td>
            <td data-label="Email">{client.email.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Date of birth">{client.date_of_birth.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</td>
            <td data-label="Portal">{portal_badge(client.portal)}{send_forms}</td>
        </tr>
    }
}
