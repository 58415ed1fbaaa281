//! Clients (product.md §7): the practice's clients, searched and paged by the
//! server; a white row has no portal account, a green one has (§5).

mod details;
mod form;

pub use details::ClientDetailsPage;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::clients::{ClientForm, ClientList, ClientQuery, ClientRow, PortalStatus};

use crate::api::clients::{get_clients, AddClient};
use crate::components::pager::Pager;
use crate::components::practice::{use_practice, PracticeContext, PracticeProblem};
use form::ClientFields;

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
    let clients = Resource::new(
        move || (query.get(), add.version().get()),
        move |(query, _)| get_clients(practice.id, query),
    );
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
    view! {
        <section class="page">
            <div class="page-head"><h1>"Clients"</h1></div>
            <ClientFilters query/>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || clients.get().map(|result| match result {
                    Ok(list) => view! { <ClientTable list practice query add/> }.into_any(),
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
) -> impl IntoView {
    let ClientList {
        clients,
        may_add,
        today,
    } = list;
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
                }) pending=add.pending() server=Signal::derive(move || add.value().get().and_then(Result::err)) label="Add client"/>
            </details>
        })}
        {empty}
        <div class="table-wrap">
            <table class="card-rows">
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Date of birth"</th><th scope="col">"Portal"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|client| view! { <ClientLine client practice/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager what="clients" page step/>
    }
}

#[component]
fn ClientLine(client: ClientRow, practice: PracticeContext) -> impl IntoView {
    let class = (client.portal == PortalStatus::HasAccount).then_some("row-green");
    let href = practice.path(&format!("clients/{}", client.id));
    view! {
        <tr class=class>
            <td class="card-title"><a href=href>{client.full_name()}</a></td>
            <td data-label="Email">{client.email.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Date of birth">{client.date_of_birth.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</td>
            <td data-label="Portal">{portal_badge(client.portal)}</td>
        </tr>
    }
}
