//! A batch message from the Clients list (product.md §7; §3: Full staff and
//! above, with the *chat user* flag): to the ticked clients or to everyone
//! matching the search, then a report of who was skipped and why, and the
//! delivery's progress until every message has left.

use leptos::prelude::*;
use shared::clients::{ClientQuery, ClientRow};
use shared::ids::BatchId;
use shared::messages::{BatchRequest, Recipients, SendReport};

use super::messages::MessageEditor;
use super::Chosen;
use crate::api::messages::{batch_progress, message_setup, SendBatch};
use crate::components::practice::{PracticeContext, PracticeProblem};

/// How often the report asks how delivery is going.
const ASK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

#[component]
pub fn BatchPanel(
    practice: PracticeContext,
    query: RwSignal<ClientQuery>,
    chosen: Chosen,
    /// How many clients match the search, and the first of them (for the preview).
    #[prop(into)]
    matching: Signal<(u64, Option<ClientRow>)>,
) -> impl IntoView {
    let setup = Resource::new(|| (), move |_| message_setup(practice.id));
    let action = ServerAction::<SendBatch>::new();
    let to_chosen = RwSignal::new(chosen.with_untracked(|c| !c.is_empty()));
    let sent = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            sent.update(|n| *n += 1);
        }
    });
    let preview_for = Signal::derive(move || {
        if to_chosen.get() {
            chosen.with(|c| c.values().next().cloned())
        } else {
            matching.get().1
        }
    });
    let button = Signal::derive(move || {
        if to_chosen.get() {
            format!("Send to the {} selected clients", chosen.with(|c| c.len()))
        } else {
            format!("Send to all {} matching clients", matching.get().0)
        }
    });
    let send = Callback::new(move |draft| {
        let recipients = if to_chosen.get_untracked() {
            Recipients::These(chosen.with_untracked(|c| c.keys().copied().collect()))
        } else {
            Recipients::Matching {
                search: query.with_untracked(|q| q.search.clone()),
            }
        };
        action.dispatch(SendBatch {
            practice: practice.id,
            request: BatchRequest { recipients, draft },
        });
    });
    let report = move || {
        action
            .value()
            .get()
            .and_then(Result::ok)
            .map(|report| view! { <Report practice report/> })
    };
    view! {
        <div class="card batch-message">
            <h2>"Message clients"</h2>
            {report}
            <fieldset class="checks">
                <legend>"To"</legend>
                <label class="check">
                    <input type="radio" name="batch-to" prop:checked=move || !to_chosen.get()
                        on:change=move |_| to_chosen.set(false)/>
                    {move || match query.with(|q| q.search.trim().to_owned()) {
                        search if search.is_empty() => format!("All {} clients", matching.get().0),
                        search => format!("All {} clients matching “{search}”", matching.get().0),
                    }}
                </label>
                <label class="check">
                    <input type="radio" name="batch-to" prop:checked=move || to_chosen.get()
                        disabled=move || chosen.with(|c| c.is_empty())
                        on:change=move |_| to_chosen.set(true)/>
                    {move || format!("The {} selected clients", chosen.with(|c| c.len()))}
                </label>
            </fieldset>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || setup.get().map(|result| match result {
                    Ok(setup) => view! {
                        <MessageEditor setup preview_for send pending=action.pending()
                            server=Signal::derive(move || action.value().get().and_then(Result::err))
                            button sent/>
                    }.into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// What the send did, and how delivery is going.
#[component]
fn Report(practice: PracticeContext, report: SendReport) -> impl IntoView {
    let SendReport {
        batch,
        queued,
        skipped,
    } = report;
    view! {
        <div class="alert alert-info" role="status">
            <p>{format!("{queued} message(s) queued, {} skipped.", skipped.len())}</p>
            {(!skipped.is_empty()).then(|| view! {
                <ul class="skipped">
                    {skipped.into_iter().map(|s| view! { <li>{format!("{}: {}", s.name, s.why.label())}</li> }).collect_view()}
                </ul>
            })}
            {(queued > 0).then(|| view! { <Delivering practice batch/> })}
        </div>
    }
}

#[component]
fn Delivering(practice: PracticeContext, batch: BatchId) -> impl IntoView {
    let tick = RwSignal::new(0_u32);
    let progress = Resource::new(
        move || tick.get(),
        move |_| batch_progress(practice.id, batch),
    );
    let done = move || {
        progress
            .get_untracked()
            .and_then(Result::ok)
            .is_some_and(|p| p.done())
    };
    // Asks again every second (in the browser only) until every message has left.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if !done() {
                    tick.update(|t| *t += 1);
                }
            },
            ASK_EVERY,
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <Transition fallback=|| view! { <p>"Delivering…"</p> }>
            {move || progress.get().and_then(Result::ok).map(|p| {
                let text = if !p.done() {
                    format!("Delivered {} of {}…", p.sent, p.total())
                } else if p.failed == 0 {
                    format!("All {} delivered.", p.sent)
                } else {
                    format!("{} delivered, {} failed (see each client's history).", p.sent, p.failed)
                };
                view! { <p class="progress">{text}</p> }
            })}
        </Transition>
    }
}
