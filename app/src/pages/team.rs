//! Settings → Team: who is on the team, who is invited, who asked to join;
//! and the Invite page with its report.

use leptos::prelude::*;
use shared::addresses::{self, Parsed, Tally};
use shared::csv_import;
use shared::ids::{InvitationId, PracticeId};
use shared::invitation::{
    InvitationKind, InvitationStatus, InviteOutcome, InviteReportRow, InviteRequest, InviteSource,
};
use shared::roles::{may_assign, Actor, MembershipStatus, PermissionFlags, Role};
use shared::team::{BulkOutcome, Pending, RequestDecision, TeamView};
use std::collections::BTreeSet;

use crate::api::team::{get_team, DecideRequest, InviteTeam, ResendInvitations, RevokeInvitations};
use crate::components::practice::{my_role, practice_from_path, PracticeNav, PracticeProblem};
use crate::error::AppError;

fn badge(status: InvitationStatus) -> impl IntoView {
    let class = match status {
        InvitationStatus::Invited => "badge badge-invited",
        InvitationStatus::Accepted => "badge badge-sent",
        InvitationStatus::Rejected => "badge badge-failed",
        InvitationStatus::Requested => "badge badge-queued",
        _ => "badge badge-grey",
    };
    view! { <span class=class>{status.label(InvitationKind::Team)}</span> }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bulk {
    Resend,
    Revoke,
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

#[component]
pub fn TeamPage() -> impl IntoView {
    let practice = practice_from_path();
    let team = Resource::new(
        move || practice.get(),
        |p| async move {
            match p {
                Some(p) => get_team(p).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let resend = ServerAction::<ResendInvitations>::new();
    let revoke = ServerAction::<RevokeInvitations>::new();
    let decide = ServerAction::<DecideRequest>::new();
    let selected = RwSignal::new(BTreeSet::<InvitationId>::new());
    Effect::new(move |_| {
        let versions = resend.version().get() + revoke.version().get() + decide.version().get();
        if versions > 0 {
            selected.set(BTreeSet::new());
            team.refetch();
        }
    });
    // The action dispatched last speaks.
    let last = RwSignal::new(None::<Bulk>);
    let message = move || {
        let answer = match last.get()? {
            Bulk::Resend => resend.value().get()?.map(|o| summary("Sent again", &o)),
            Bulk::Revoke => revoke.value().get()?.map(|o| summary("Revoked", &o)),
        };
        Some(answer.unwrap_or_else(|e| e.to_string()))
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || team.get().map(|result| match (result, practice.get()) {
                (Ok(view), Some(id)) => view! {
                    <PracticeNav practice=id current="Team"/>
                    <section class="page">
                        <div class="page-head">
                            <h1>"Team"</h1>
                            <a class="button primary" href=format!("/p/{id}/team/invite")>"Invite people"</a>
                        </div>
                        {move || message().map(|m| view! { <p class="alert alert-info" role="status">{m}</p> })}
                        <TeamTables practice=id view selected resend revoke decide last/>
                    </section>
                }.into_any(),
                (Err(error), _) => view! { <PracticeProblem error/> }.into_any(),
                (Ok(_), None) => view! { <PracticeProblem error=AppError::NotFound/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn TeamTables(
    practice: PracticeId,
    view: TeamView,
    selected: RwSignal<BTreeSet<InvitationId>>,
    resend: ServerAction<ResendInvitations>,
    revoke: ServerAction<RevokeInvitations>,
    decide: ServerAction<DecideRequest>,
    last: RwSignal<Option<Bulk>>,
) -> impl IntoView {
    let TeamView {
        members,
        invitations,
        requests,
    } = view;
    let all_ids: Vec<InvitationId> = invitations.iter().map(|i| i.id).collect();
    let toggle_all = {
        let all_ids = all_ids.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.set(if on {
                all_ids.iter().copied().collect()
            } else {
                BTreeSet::new()
            });
        }
    };
    let all_selected = move || !all_ids.is_empty() && selected.with(|s| s.len() == all_ids.len());
    let bulk = move |ids: Vec<InvitationId>, revoking: bool| {
        if revoking
            && !confirm(&format!(
                "Revoke {} invitation(s)? Their links stop working at once.",
                ids.len()
            ))
        {
            return;
        }
        if revoking {
            last.set(Some(Bulk::Revoke));
            revoke.dispatch(RevokeInvitations { practice, ids });
        } else {
            last.set(Some(Bulk::Resend));
            resend.dispatch(ResendInvitations { practice, ids });
        }
    };
    view! {
        <h2>"Members"</h2>
        <div class="table-wrap">
            <table>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th></tr></thead>
                <tbody>
                    {members.into_iter().map(|m| view! {
                        <tr>
                            <td>{m.full_name}</td>
                            <td>{m.email.map(|e| e.to_string()).unwrap_or_default()}</td>
                            <td>{m.role.label()}</td>
                            <td>{if m.active { view! { <span class="badge badge-sent">"Active"</span> } } else { view! { <span class="badge badge-grey">"Suspended"</span> } }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>

        {(!requests.is_empty()).then(|| view! {
            <h2>"Asked to join"</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Email"</th><th scope="col">"Asked"</th><th scope="col">"Role"</th><th scope="col">"Decision"</th></tr></thead>
                    <tbody>
                        {requests.into_iter().map(|r| view! { <RequestRow practice request=r decide/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}

        <h2>"Invitations"</h2>
        {if invitations.is_empty() {
            view! { <p>"No invitations yet. " <a href=format!("/p/{practice}/team/invite")>"Invite your team"</a>"."</p> }.into_any()
        } else {
            view! {
                <div class="bulk-bar" role="group" aria-label="Selected invitations">
                    <span>{move || format!("{} selected", selected.with(BTreeSet::len))}</span>
                    <button type="button" class="button small secondary" disabled=move || selected.with(BTreeSet::is_empty)
                        on:click=move |_| bulk(selected.get().into_iter().collect(), false)>"Resend selected"</button>
                    <button type="button" class="button small secondary" disabled=move || selected.with(BTreeSet::is_empty)
                        on:click=move |_| bulk(selected.get().into_iter().collect(), true)>"Revoke selected"</button>
                </div>
                <div class="table-wrap">
                    <table>
                        <thead><tr>
                            <th scope="col"><input type="checkbox" aria-label="Select all invitations" prop:checked=all_selected on:change=toggle_all/></th>
                            <th scope="col">"Email"</th><th scope="col">"Status"</th><th scope="col">"Role"</th>
                            <th scope="col">"Sent"</th><th scope="col">"Expires"</th><th scope="col">"Invited by"</th>
                            <th scope="col">"Email delivery"</th><th scope="col">"Actions"</th>
                        </tr></thead>
                        <tbody>
                            {invitations.into_iter().map(|i| view! { <InvitationRow invitation=i selected bulk/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(question).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}

#[component]
fn InvitationRow(
    invitation: Pending,
    selected: RwSignal<BTreeSet<InvitationId>>,
    bulk: impl Fn(Vec<InvitationId>, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = invitation.id;
    let email = invitation.email.to_string();
    let can_resend = invitation
        .status
        .next(shared::invitation::InvitationEvent::Resend)
        .is_ok();
    let can_revoke = invitation
        .status
        .next(shared::invitation::InvitationEvent::Revoke)
        .is_ok();
    view! {
        <tr>
            <td><input type="checkbox" aria-label=format!("Select {email}") prop:checked=move || selected.with(|s| s.contains(&id))
                on:change=move |ev| selected.update(|s| { if event_target_checked(&ev) { s.insert(id); } else { s.remove(&id); } })/></td>
            <td>{email.clone()}</td>
            <td>{badge(invitation.status)}</td>
            <td>{invitation.role.label()}</td>
            <td>{invitation.sent}</td>
            <td>{invitation.expires.unwrap_or_default()}</td>
            <td>{invitation.invited_by.unwrap_or_default()}</td>
            <td>{invitation.delivery.map(|d| {
                let class = format!("badge badge-{}", d.to_lowercase());
                view! { <span class=class>{d}</span> }
            })}</td>
            <td class="row-actions">
                {can_resend.then(|| view! {
                    <button type="button" class="button small secondary" aria-label=format!("Resend to {email}") on:click=move |_| bulk(vec![id], false)>"Resend"</button>
                })}
                {can_revoke.then(|| view! {
                    <button type="button" class="button small secondary" aria-label=format!("Revoke the invitation to {email}") on:click=move |_| bulk(vec![id], true)>"Revoke"</button>
                })}
            </td>
        </tr>
    }
}

#[component]
fn RequestRow(
    practice: PracticeId,
    request: Pending,
    decide: ServerAction<DecideRequest>,
) -> impl IntoView {
    let role = RwSignal::new(Role::Practitioner.code().to_owned());
    let offerable = offerable_roles(my_role(practice_from_path()));
    let id = request.id;
    let email = request.email.to_string();
    let approve = move |_| {
        let role = Role::from_code(&role.get()).unwrap_or(Role::Practitioner);
        decide.dispatch(DecideRequest {
            practice,
            request: id,
            decision: RequestDecision::Approve(role),
        });
    };
    let reject = move |_| {
        decide.dispatch(DecideRequest {
            practice,
            request: id,
            decision: RequestDecision::Reject,
        });
    };
    view! {
        <tr>
            <td>{email.clone()}</td>
            <td>{request.sent}</td>
            <td>
                <select aria-label=format!("Role for {email}") on:change=move |ev| role.set(event_target_value(&ev))>
                    {move || offerable.get().into_iter().map(|r| view! {
                        <option value=r.code() selected=r == Role::Practitioner>{r.label()}</option>
                    }).collect_view()}
                </select>
            </td>
            <td class="row-actions">
                <button type="button" class="button small" aria-label=format!("Approve {email}") on:click=approve>"Approve"</button>
                <button type="button" class="button small secondary" aria-label=format!("Reject {email}") on:click=reject>"Reject"</button>
            </td>
        </tr>
    }
}

/// The roles the signed-in person may give, by the shared rule the server applies again.
fn offerable_roles(role: Signal<Option<Role>>) -> Signal<Vec<Role>> {
    Signal::derive(move || {
        let me = role.get().map(|role| Actor {
            role,
            flags: PermissionFlags::default(),
            status: MembershipStatus::Active,
        });
        Role::ALL
            .into_iter()
            .filter(|r| me.is_some_and(|a| may_assign(&a, *r)))
            .collect()
    })
}

/// Where the addresses of the next batch come from, as the browser holds them.
/// Files are read only in the browser, so the server build never makes the other variants.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Loaded {
    Nothing,
    File {
        name: String,
        text: String,
        tally: Tally,
    },
    Refused(String),
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let practice = practice_from_path();
    let role = my_role(practice);
    let typed = RwSignal::new(String::new());
    let file = RwSignal::new(Loaded::Nothing);
    let offered = RwSignal::new(Role::Practitioner.code().to_owned());
    let validity = RwSignal::new(String::new());
    let action = ServerAction::<InviteTeam>::new();
    let resend = ServerAction::<ResendInvitations>::new();
    // The same parser as the server's: counts and problems as you type.
    let parsed = Memo::new(move |_| {
        let text = typed.get();
        (!text.trim().is_empty()).then(|| addresses::parse_list(&text))
    });
    let offerable = offerable_roles(role);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(practice) = practice.get() else {
            return;
        };
        let source = match file.get() {
            Loaded::File { text, .. } => InviteSource::Csv(text),
            _ => InviteSource::Typed(typed.get()),
        };
        let request = InviteRequest {
            source,
            role: Role::from_code(&offered.get()).unwrap_or(Role::Practitioner),
            validity_hours: validity.get().parse().ok(),
        };
        action.dispatch(InviteTeam { practice, request });
    };
    let report = move || action.value().get();
    view! {
        {move || practice.get().map(|id| view! { <PracticeNav practice=id current="Team"/> })}
        <section class="page invite">
            <h1>"Invite people"</h1>
            <p class="alert alert-info">"Invited people will see personal health information of your clients. "
                "Invite only people who need it, and make sure your clients' data-sharing consent covers them."</p>
            <Show when=move || report().is_none_or(|r| r.is_err()) fallback=move || view! {
                <Report rows=report().and_then(Result::ok).unwrap_or_default() practice resend/>
            }>
                <form on:submit=submit novalidate class="invite-form">
                    {move || report().and_then(Result::err).map(|e| {
                        let detail = e.field("addresses").or_else(|| e.field("file")).or_else(|| e.field("role")).or_else(|| e.field("validity"));
                        view! { <p class="alert alert-error" role="alert">{detail.unwrap_or_else(|| e.to_string())}</p> }
                    })}
                    <div class="field">
                        <label for="field-addresses">"Email addresses"</label>
                        <p class="hint" id="addresses-hint">"Separate them with commas, semicolons, spaces or new lines. “Name <address>” works too."</p>
                        <textarea id="field-addresses" name="addresses" rows="6" aria-describedby="addresses-hint addresses-tally"
                            prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))
                            disabled=move || matches!(file.get(), Loaded::File { .. })></textarea>
                        <p id="addresses-tally" class="hint" aria-live="polite">{move || parsed.get().map(|r| match r {
                            Ok(entries) => tally_text(addresses::tally(&entries)),
                            Err(e) => e.to_string(),
                        })}</p>
                        {move || parsed.get().and_then(Result::ok).map(|entries| {
                            let problems: Vec<_> = entries.into_iter().filter(|e| matches!(e.parsed, Parsed::Invalid(_))).take(20).collect();
                            (!problems.is_empty()).then(|| view! {
                                <ul class="problems">{problems.into_iter().map(|e| {
                                    let why = match e.parsed { Parsed::Invalid(r) => r.to_string(), _ => String::new() };
                                    view! { <li>"Line " {e.line} ": “" {e.text} "” — " {why}</li> }
                                }).collect_view()}</ul>
                            })
                        })}
                    </div>
                    <CsvDrop file/>
                    <div class="field-row">
                        <div class="field">
                            <label for="field-role">"Role"</label>
                            <select id="field-role" on:change=move |ev| offered.set(event_target_value(&ev))>
                                // The offerable roles come from the signed-in person's data: wait for it,
                                // so the server and the browser render the same options.
                                <Transition fallback=|| view! { <option value="practitioner">"Practitioner"</option> }>
                                    {move || offerable.get().into_iter().map(|r| view! {
                                        <option value=r.code() selected=r.code() == offered.get_untracked()>{r.label()}</option>
                                    }).collect_view()}
                                </Transition>
                            </select>
                        </div>
                        <div class="field">
                            <label for="field-validity">"Invitations work for"</label>
                            <select id="field-validity" on:change=move |ev| validity.set(event_target_value(&ev))>
                                <option value="" selected>"The practice's setting"</option>
                                <option value="24">"1 day"</option>
                                <option value="72">"3 days"</option>
                                <option value="168">"7 days"</option>
                                <option value="720">"30 days"</option>
                            </select>
                        </div>
                    </div>
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Inviting…" } else { "Send invitations" }}
                    </button>
                </form>
            </Show>
        </section>
    }
}

fn tally_text(t: Tally) -> String {
    let mut parts = vec![format!("{} to invite", t.valid)];
    if t.invalid > 0 {
        parts.push(format!("{} not valid", t.invalid));
    }
    if t.duplicates > 0 {
        parts.push(format!("{} repeated", t.duplicates));
    }
    parts.join(" · ")
}

/// The drop zone and file picker for a CSV file, checked in the browser with the server's parser.
#[component]
fn CsvDrop(file: RwSignal<Loaded>) -> impl IntoView {
    let load = move |chosen: Option<FileHandle>| {
        let Some(chosen) = chosen else { return };
        leptos::task::spawn_local(async move {
            file.set(read_csv(chosen).await);
        });
    };
    view! {
        <div class="field">
            <span class="label">"Or a CSV file"</span>
            <label class="drop-zone" for="field-csv"
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); load(dropped(&ev)); }>
                <span>"Drop a CSV file here, or choose one"</span>
                <span class="hint">"Any column with addresses; header optional; comma, semicolon or tab; up to 5 MB."</span>
                <input id="field-csv" type="file" accept=".csv,text/csv,text/plain" on:change=move |ev| load(picked(&ev))/>
            </label>
            {move || match file.get() {
                Loaded::Nothing => None,
                Loaded::File { name, tally, .. } => Some(view! {
                    <p class="hint" role="status">{name} ": " {tally_text(tally)} " "
                        <button type="button" class="button small secondary" on:click=move |_| file.set(Loaded::Nothing)>"Remove file"</button></p>
                }.into_any()),
                Loaded::Refused(why) => Some(view! { <p class="field-error" role="alert">{why}</p> }.into_any()),
            }}
        </div>
    }
}

#[cfg(feature = "hydrate")]
type FileHandle = web_sys::File;
#[cfg(not(feature = "hydrate"))]
type FileHandle = ();

#[cfg(feature = "hydrate")]
fn picked(ev: &leptos::ev::Event) -> Option<FileHandle> {
    use leptos::wasm_bindgen::JsCast;
    ev.target()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?
        .files()?
        .get(0)
}

#[cfg(feature = "hydrate")]
fn dropped(ev: &leptos::ev::DragEvent) -> Option<FileHandle> {
    ev.data_transfer()?.files()?.get(0)
}

#[cfg(not(feature = "hydrate"))]
fn picked(_: &leptos::ev::Event) -> Option<FileHandle> {
    None
}

#[cfg(not(feature = "hydrate"))]
fn dropped(_: &leptos::ev::DragEvent) -> Option<FileHandle> {
    None
}

async fn read_csv(file: FileHandle) -> Loaded {
    #[cfg(feature = "hydrate")]
    {
        // Checked before reading: a huge file is refused without loading it.
        if file.size() > csv_import::MAX_BYTES as f64 {
            return Loaded::Refused(csv_import::CsvError::TooLarge.to_string());
        }
        let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else {
            return Loaded::Refused("The file could not be read.".into());
        };
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        match csv_import::decode(&bytes)
            .and_then(|text| csv_import::parse(text).map(|entries| (text.to_owned(), entries)))
        {
            Ok((text, entries)) => Loaded::File {
                name: file.name(),
                text,
                tally: addresses::tally(&entries),
            },
            Err(error) => Loaded::Refused(error.to_string()),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let () = file;
        let _ = csv_import::MAX_BYTES;
        Loaded::Nothing
    }
}

#[component]
fn Report(
    rows: Vec<InviteReportRow>,
    practice: Memo<Option<PracticeId>>,
    resend: ServerAction<ResendInvitations>,
) -> impl IntoView {
    let invited = rows
        .iter()
        .filter(|r| r.outcome == InviteOutcome::Invited)
        .count();
    let resent = move |id: InvitationId| {
        resend
            .value()
            .get()
            .and_then(Result::ok)
            .is_some_and(|o| o.iter().any(|x| x.id == id && x.problem.is_none()))
    };
    view! {
        <p class="alert alert-success" role="status">{format!("{invited} invitation(s) sent. Every address is listed below.")}</p>
        <div class="table-wrap">
            <table class="report">
                <caption>"What happened to each address"</caption>
                <thead><tr><th scope="col">"Line"</th><th scope="col">"Address"</th><th scope="col">"Result"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let shown = row.address.as_ref().map_or_else(|| row.text.clone(), |a| a.to_string());
                        let result = match row.outcome {
                            InviteOutcome::Invited => view! { <span class="badge badge-invited">"Invited"</span> }.into_any(),
                            InviteOutcome::AlreadyMember => view! { <span class="badge badge-grey">"Already on the team"</span> }.into_any(),
                            InviteOutcome::Duplicate => view! { <span class="badge badge-grey">"Duplicate in the list"</span> }.into_any(),
                            InviteOutcome::Invalid(why) => view! { <span class="badge badge-failed">"Not valid"</span> " " {why} }.into_any(),
                            InviteOutcome::AlreadyInvited(id) => view! {
                                <span class="badge badge-queued">"Already invited"</span> " "
                                {move || if resent(id) {
                                    view! { <span>"Sent again."</span> }.into_any()
                                } else {
                                    view! { <button type="button" class="button small secondary" on:click=move |_| {
                                        if let Some(practice) = practice.get() { resend.dispatch(ResendInvitations { practice, ids: vec![id] }); }
                                    }>"Resend"</button> }.into_any()
                                }}
                            }.into_any(),
                        };
                        view! { <tr><td>{row.line}</td><td>{shown}</td><td>{result}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="actions-left">
            {move || practice.get().map(|id| view! { <a class="button secondary" href=format!("/p/{id}/team")>"Back to the team"</a> })}
        </p>
    }
}
