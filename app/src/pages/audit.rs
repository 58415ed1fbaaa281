//! Audit log (product.md §9; Owners and Admins): the practice's events,
//! newest first, filtered and paged by the server; *Verify chain*; CSV.

use leptos::prelude::*;
use shared::audit_log::{AuditEntry, AuditQuery};
use shared::ids::AccountId;
use shared::roles::Capability;

use crate::api::audit::{get_audit_log, VerifyAuditChain};
use crate::components::pager::Pager;
use crate::components::practice::{use_practice, PracticeProblem};
use crate::error::AppError;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let practice = use_practice();
    if !practice.may(Capability::ViewAudit) {
        return view! { <PracticeProblem error=AppError::Forbidden/> }.into_any();
    }
    let query = RwSignal::new(AuditQuery::default());
    let log = Resource::new(move || query.get(), move |q| get_audit_log(practice.id, q));
    let verify = ServerAction::<VerifyAuditChain>::new();
    // Any filter starts again on the first page.
    let filter = move |change: &dyn Fn(&mut AuditQuery)| {
        query.update(|q| {
            change(q);
            q.page = 0;
        })
    };
    let text = |ev: &leptos::ev::Event| Some(event_target_value(ev)).filter(|v| !v.is_empty());
    let download = move || {
        let path = practice.path("audit.csv");
        match query.with(AuditQuery::to_query_string) {
            q if q.is_empty() => path,
            q => format!("{path}?{q}"),
        }
    };
    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Audit log"</h1>
                <div class="row-actions">
                    <button type="button" class="button small secondary" disabled=move || verify.pending().get()
                        on:click=move |_| { verify.dispatch(VerifyAuditChain { practice: practice.id }); }>"Verify chain"</button>
                    <a class="button small secondary" href=download download="audit-log.csv">"Download CSV"</a>
                </div>
            </div>
            {move || verify.value().get().map(|answer| match answer {
                Ok(verdict) => {
                    let class = if verdict == shared::audit_log::ChainVerdict::Intact { "alert alert-success" } else { "alert alert-error" };
                    view! { <p class=class role="status">{verdict.sentence()}</p> }.into_any()
                }
                Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || log.get().map(|result| match result {
                    Ok(view) => {
                        let (entries, page) = view.entries.split();
                        let step = Callback::new(move |by: i32| query.update(|q| q.page = q.page.saturating_add_signed(by)));
                        view! {
                            <div class="filters" role="search" aria-label="Audit log">
                                <div class="field">
                                    <label for="audit-person">"Person"</label>
                                    <select id="audit-person" on:change=move |ev| { let person = text(&ev).and_then(|v| v.parse::<AccountId>().ok()); filter(&|q| q.person = person); }>
                                        <option value="">"Everyone"</option>
                                        {view.people.into_iter().map(|(id, name)| {
                                            let chosen = query.with_untracked(|q| q.person == Some(id));
                                            view! { <option value=id.to_string() selected=chosen>{name}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="audit-action">"Action"</label>
                                    <select id="audit-action" on:change=move |ev| { let action = text(&ev); filter(&|q| q.action = action.clone()); }>
                                        <option value="">"All actions"</option>
                                        {view.actions.into_iter().map(|a| {
                                            let chosen = query.with_untracked(|q| q.action.as_deref() == Some(a.as_str()));
                                            view! { <option value=a.clone() selected=chosen>{a.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="audit-from">"From"</label>
                                    <input id="audit-from" type="date" prop:value=move || query.with(|q| q.from.clone().unwrap_or_default())
                                        on:change=move |ev| { let from = text(&ev); filter(&|q| q.from = from.clone()); }/>
                                </div>
                                <div class="field">
                                    <label for="audit-to">"To"</label>
                                    <input id="audit-to" type="date" prop:value=move || query.with(|q| q.to.clone().unwrap_or_default())
                                        on:change=move |ev| { let to = text(&ev); filter(&|q| q.to = to.clone()); }/>
                                </div>
                            </div>
                            {if entries.is_empty() {
                                view! { <p>"No events match."</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="card-rows">
                                            <thead><tr>
                                                <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th>
                                                <th scope="col">"Before → after"</th><th scope="col">"From"</th>
                                            </tr></thead>
                                            <tbody>{entries.into_iter().map(|e| view! { <EventRow entry=e/> }).collect_view()}</tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                            <Pager what="events" page step/>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn EventRow(entry: AuditEntry) -> impl IntoView {
    let change = match (entry.before, entry.after) {
        (Some(before), Some(after)) => format!("{before} → {after}"),
        (Some(before), None) => format!("{before} → (removed)"),
        (None, Some(after)) => after,
        (None, None) => String::new(),
    };
    view! {
        <tr>
            <td class="card-title">{entry.at}</td>
            <td data-label="Who">{entry.who.unwrap_or_else(|| "System".into())}</td>
            <td data-label="Action"><div>{entry.action}<br/><span class="hint">{entry.target}</span></div></td>
            <td data-label="Change">{change}</td>
            <td data-label="From">{entry.ip.unwrap_or_default()}</td>
        </tr>
    }
}
