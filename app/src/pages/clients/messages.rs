//! Client details → Messages (product.md §7): the client's communication
//! history for the whole team, and for those who may message (§3: role and
//! the *chat user* flag) the message form and the opt-out switch. The form's
//! preview is rendered by `shared::templates`, like the email itself.

use leptos::prelude::*;
use shared::clients::ClientRow;
use shared::invitation::InvitationKind;
use shared::messages::{self, Delivery, Draft, History, HistoryEntry, Setup, Subscription};
use shared::roles::Capability;

use crate::api::messages::{client_history, SendMessage, SetOptedOut};
use crate::components::form::FormErrors;
use crate::components::pager::Pager;
use crate::components::practice::PracticeContext;
use crate::components::template_field::TemplateField;
use crate::error::AppError;

/// The subject, the text with placeholder chips, and the preview for `preview_for`.
#[component]
pub fn MessageEditor(
    setup: Setup,
    #[prop(into)] preview_for: Signal<Option<ClientRow>>,
    send: Callback<Draft>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] server: Signal<Option<AppError>>,
    #[prop(into)] button: Signal<String>,
    /// Moves when a send succeeded: the form starts empty again.
    #[prop(into)]
    sent: Signal<u32>,
) -> impl IntoView {
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    Effect::new(move |previous: Option<u32>| {
        let now = sent.get();
        if previous.is_some_and(|p| p != now) {
            subject.set(String::new());
            body.set(String::new());
            tried.set(false);
        }
        now
    });
    let draft = move || Draft {
        subject: subject.get(),
        body: body.get(),
    };
    let checked = Memo::new(move |_| draft().check().err());
    let errors = FormErrors::answering(server);
    let problem = move |field: &'static str| {
        let from_server = errors.field(field);
        Signal::derive(move || {
            let typed = checked
                .get()
                .and_then(|e| e.get(field).map(str::to_owned))
                // The subject is named once the person tried to send; the text as it is typed.
                .filter(|_| tried.get() || (field == "body" && !body.with(String::is_empty)));
            typed.or_else(|| from_server.get())
        })
    };
    let subject_problem = problem("subject");
    let setup = StoredValue::new(setup);
    let preview = move || {
        let client = preview_for.get()?;
        let template = draft().check().ok()?;
        let text = setup.with_value(|s| {
            let values = s.values(&client);
            format!(
                "{}{}",
                template.body.render_text(&values),
                s.footer(messages::PREVIEW_UNSUBSCRIBE)
            )
        });
        Some(view! {
            <p class="hint">{format!("Preview for {}", client.full_name())}</p>
            <div class="email-preview" aria-label="Email preview">
                <p><strong>"Subject: "</strong>{template.subject}</p>
                <pre>{text}</pre>
            </div>
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if checked.get_untracked().is_none() {
            send.run(draft());
        }
    };
    let alert = move || {
        let text = errors
            .field("client")
            .get()
            .or_else(|| errors.field("clients").get())
            .or_else(|| {
                errors
                    .summary()
                    .get()
                    .filter(|_| errors.field("subject").get().is_none())
            })?;
        Some(view! { <p class="alert alert-error" role="alert">{text}</p> })
    };
    view! {
        <form class="stack message-form" on:submit=submit novalidate>
            {alert}
            <div class="field">
                <label for="message-subject">"Subject"</label>
                <input id="message-subject" type="text" maxlength=messages::SUBJECT_MAX bind:value=subject
                    aria-invalid=move || subject_problem.get().is_some().to_string()
                    aria-describedby="message-subject-error"/>
                <p class="field-error" id="message-subject-error">{move || subject_problem.get()}</p>
            </div>
            <TemplateField id="message-body" label="Message" value=body rows=8
                hint="Placeholders are filled in for each client. A link to stop messages is added at the end."
                placeholders=messages::GRAMMAR.allowed problem=problem("body")/>
            {preview}
            <button type="submit" class="button primary" disabled=move || pending.get()>{move || button.get()}</button>
        </form>
    }
}

/// The history arrives with the client's details (`ClientView::messages`);
/// turning a page, sending and opting out read it again in the browser. (A
/// Transition of its own here, inside the page's and the practice's, broke
/// the page's hydration.)
#[component]
pub fn ClientMessages(
    practice: PracticeContext,
    client: ClientRow,
    initial: History,
) -> impl IntoView {
    let id = client.id;
    let setup = initial.setup.clone();
    let history = RwSignal::new(initial);
    let page = RwSignal::new(0_u32);
    let problem = RwSignal::new(None::<AppError>);
    let reload = Callback::new(move |()| {
        let at = page.get_untracked();
        leptos::task::spawn_local(async move {
            match client_history(practice.id, id, at).await {
                Ok(fresh) => {
                    problem.set(None);
                    history.set(fresh);
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    });
    let may_message = practice.may(Capability::MessageClient);
    let reachable = client.email.is_some() && !client.archived;
    let receiving = Memo::new(move |_| history.with(|h| h.subscription == Subscription::Receiving));
    let step = Callback::new(move |by: i32| {
        page.update(|p| *p = p.saturating_add_signed(by));
        reload.run(());
    });
    let client = StoredValue::new(client);
    let setup = StoredValue::new(setup);
    view! {
        <div class="card" id="messages">
            <h2>"Messages"</h2>
            {move || problem.get().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
            {move || {
                let subscription = history.with(|h| h.subscription.clone());
                view! { <Subscribed practice client=client.get_value() subscription may_message reload/> }
            }}
            {move || (may_message && reachable && receiving.get()).then(|| view! {
                <Compose practice client=client.get_value() setup=setup.get_value() reload/>
            })}
            {move || {
                let (rows, place) = history.get().entries.split();
                view! {
                    <HistoryList rows/>
                    <Pager what="messages" page=place step/>
                }
            }}
        </div>
    }
}

/// Whether the client receives messages, and the switch for those who may change it.
#[component]
fn Subscribed(
    practice: PracticeContext,
    client: ClientRow,
    subscription: Subscription,
    may_message: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<SetOptedOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            reload.run(());
        }
    });
    let toggle = move |out: bool| {
        action.dispatch(SetOptedOut {
            practice: practice.id,
            client: client.id,
            out,
        });
    };
    let (text, switch) = match subscription {
        Subscription::Receiving => (
            "Receives messages.".to_owned(),
            Some(("Opt out of messages", true)),
        ),
        Subscription::UnsubscribedByClient { at } => (
            format!("Unsubscribed by the client on {at}: only they can ask for messages again."),
            None,
        ),
        Subscription::OptedOutByStaff { at } => (
            format!("Opted out of messages by the team on {at}."),
            Some(("Opt in again", false)),
        ),
    };
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })
    };
    view! {
        {error}
        <p class="subscription">
            // In an element of its own: a text node beside the optional button's would merge with it in the browser.
            <span>{text}</span>
            {switch.filter(|_| may_message).map(|(label, out)| view! {
                " "<button type="button" class="button small secondary" disabled=move || action.pending().get()
                    on:click=move |_| toggle(out)>{label}</button>
            })}
        </p>
    }
}

#[component]
fn Compose(
    practice: PracticeContext,
    client: ClientRow,
    setup: Setup,
    reload: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<SendMessage>::new();
    let id = client.id;
    let name = client.full_name();
    let sent = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            sent.update(|n| *n += 1);
            reload.run(());
        }
    });
    let send = Callback::new(move |draft| {
        action.dispatch(SendMessage {
            practice: practice.id,
            client: id,
            draft,
        });
    });
    view! {
        <details class="compose">
            <summary class="button secondary">"Send a message"</summary>
            <MessageEditor setup preview_for=Signal::stored(Some(client)) send
                pending=action.pending()
                server=Signal::derive(move || action.value().get().and_then(Result::err))
                button=Signal::stored(format!("Send to {name}")) sent/>
        </details>
    }
}

fn delivery_badge(delivery: &Delivery) -> impl IntoView {
    let class = match delivery {
        Delivery::Queued => "badge badge-queued",
        Delivery::Sent { .. } => "badge badge-sent",
        Delivery::Failed { .. } => "badge badge-failed",
    };
    view! { <span class=class>{delivery.label()}</span> }
}

#[component]
fn HistoryList(rows: Vec<HistoryEntry>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No messages yet."</p> }.into_any();
    }
    let by = |sender: Option<String>| sender.unwrap_or_else(|| "a former team member".into());
    view! {
        <ul class="history">
            {rows.into_iter().map(|entry| match entry {
                HistoryEntry::Message { subject, body, sent_by, at, delivery, .. } => {
                    let detail = match &delivery {
                        Delivery::Sent { at } => format!("sent {at}"),
                        Delivery::Failed { reason } => format!("not delivered: {reason}"),
                        Delivery::Queued => "waiting to be sent".to_owned(),
                    };
                    view! {
                        <li class="history-message">
                            <details>
                                <summary>
                                    <strong>{subject}</strong>" "{delivery_badge(&delivery)}
                                    <span class="hint">{format!("{at}, by {}", by(sent_by))}</span>
                                </summary>
                                <pre>{body}</pre>
                                <p class="hint">{detail}</p>
                            </details>
                        </li>
                    }.into_any()
                }
                HistoryEntry::PortalLink { sent_by, at, status, opened } => view! {
                    <li class="history-link">
                        <strong>"Portal invitation"</strong>" "
                        <span class="badge badge-grey">{status.label(InvitationKind::Portal)}</span>
                        <span class="hint">{format!("{at}, by {}", by(sent_by))}</span>
                        <span class="hint">{match opened {
                            Some(when) => format!("Link opened {when}."),
                            None => "Link not opened.".to_owned(),
                        }}</span>
                    </li>
                }.into_any(),
            }).collect_view()}
        </ul>
    }
    .into_any()
}
