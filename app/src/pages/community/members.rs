//! Community → Members (product.md §5): paste addresses to add people
//! without a word to them; invite one, the ticked or all matching, by email
//! or not (for group onboarding at the join page, whose code and QR code the
//! practice shows on a screen); remove; the paged, filtered list.

use leptos::prelude::*;
use shared::community::members::{
    code, status_label, AddOutcome, AddReportRow, InviteReport, MemberQuery, MemberRow, Notify,
    Selection, STATUSES,
};
use shared::ids::CommunityMemberId;
use shared::invitation::{InvitationStatus, InviteSource};
use std::collections::BTreeMap;

use crate::api::community::{
    add_community_members, community_join_screen, community_members, invite_community_members,
    remove_community_members, SetCommunityValidity,
};
use crate::components::confirm::{Confirm, ConfirmDialog};
use crate::components::pager::Pager;
use crate::components::practice::{PracticeContext, PracticeProblem};
use crate::error::AppError;

/// The ticked members, by id, with their address (for the confirmation).
type Ticked = RwSignal<BTreeMap<CommunityMemberId, String>>;

fn status_badge(status: InvitationStatus) -> impl IntoView {
    let class = match status {
        InvitationStatus::Accepted => "badge badge-sent",
        InvitationStatus::Invited => "badge badge-invited",
        InvitationStatus::Rejected | InvitationStatus::Expired => "badge badge-failed",
        _ => "badge badge-grey",
    };
    view! { <span class=class>{status_label(status)}</span> }
}

#[component]
pub fn CommunityMembers(practice: PracticeContext) -> impl IntoView {
    let query = RwSignal::new(MemberQuery::default());
    // Bumped after every change, so the list is read again.
    let changed = RwSignal::new(0_u32);
    let ticked: Ticked = RwSignal::new(BTreeMap::new());
    let members = Resource::new(
        move || (query.get(), changed.get()),
        move |(query, _)| community_members(practice.id, query),
    );
    let refresh = Callback::new(move |()| {
        ticked.set(BTreeMap::new());
        changed.update(|n| *n += 1);
    });
    let confirm = Confirm::new();
    view! {
        <AddMembers practice refresh/>
        <JoinScreenPanel practice/>
        <MemberFilters query/>
        <Actions practice query ticked refresh confirm/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || members.get().map(|result| match result {
                Ok(view) => {
                    let validity = view.validity_days;
                    let (rows, page) = view.members.split();
                    let step = Callback::new(move |by: i32| query.update(|q| q.page = q.page.saturating_add_signed(by)));
                    view! {
                        {rows.is_empty().then(|| view! { <p class="empty">"No members match."</p> })}
                        <div class="table-wrap">
                            <table class="card-rows members-table">
                                <thead><tr>
                                    <th scope="col"><span class="visually-hidden">"Select"</span></th>
                                    <th scope="col">"Email"</th><th scope="col">"Status"</th><th scope="col">"Sharing"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|member| view! { <MemberLine member ticked/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager what="members" page step/>
                        <Validity practice days=validity refresh/>
                    }.into_any()
                }
                Err(error) => view! { <PracticeProblem error/> }.into_any(),
            })}
        </Transition>
        <ConfirmDialog confirm/>
    }
}

#[component]
fn MemberLine(member: MemberRow, ticked: Ticked) -> impl IntoView {
    let MemberRow {
        id,
        email,
        status,
        sharing,
        notified: _,
    } = member;
    let label = format!("Select {email}");
    let address = email.clone();
    view! {
        <tr>
            <td>
                <input type="checkbox" aria-label=label prop:checked=move || ticked.with(|t| t.contains_key(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let address = address.clone();
                        ticked.update(|t| { if on { t.insert(id, address); } else { t.remove(&id); } });
                    }/>
            </td>
            <td data-label="Email">{email}</td>
            <td data-label="Status">{status_badge(status)}</td>
            <td data-label="Sharing">{if sharing { "Sharing" } else { "Not sharing" }}</td>
        </tr>
    }
}

#[component]
fn AddMembers(practice: PracticeContext, refresh: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let add = Action::new(move |source: &InviteSource| {
        let source = source.clone();
        async move { add_community_members(practice.id, source).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            text.set(String::new());
            refresh.run(());
        }
    });
    view! {
        <details class="card add-members" open>
            <summary>"Add members"</summary>
            <form class="stack" on:submit=move |ev| {
                ev.prevent_default();
                add.dispatch(InviteSource::Typed(text.get_untracked()));
            }>
                <div class="field">
                    <label for="field-addresses">"Email addresses"</label>
                    <textarea id="field-addresses" name="addresses" rows="5" aria-describedby="addresses-hint"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <p class="hint" id="addresses-hint">"Separated by commas, semicolons, spaces or new lines. They are added as Not invited: nobody gets an email."</p>
                </div>
                {move || add.value().get().and_then(Result::err).map(|error: AppError| view! {
                    <p class="alert alert-error" role="alert">{error.field("addresses").unwrap_or_else(|| error.to_string())}</p>
                })}
                <button type="submit" class="button primary" disabled=move || add.pending().get() || text.with(|t| t.trim().is_empty())>
                    {move || if add.pending().get() { "Adding…" } else { "Add" }}
                </button>
            </form>
            {move || add.value().get().and_then(Result::ok).map(|report| view! { <AddReport report/> })}
        </details>
    }
}

#[component]
fn AddReport(report: Vec<AddReportRow>) -> impl IntoView {
    let added = report
        .iter()
        .filter(|r| r.outcome == AddOutcome::Added)
        .count();
    view! {
        <p role="status" class="alert alert-info">{format!("{added} added, none notified. {} not added:", report.len() - added)}</p>
        <ul class="report">
            {report.into_iter().filter(|r| r.outcome != AddOutcome::Added).map(|row| {
                let why = match row.outcome {
                    AddOutcome::AlreadyThere(status) => format!("already in the community ({})", status_label(status)),
                    AddOutcome::Invalid(why) => why,
                    AddOutcome::Duplicate => "appears earlier in the list".to_owned(),
                    AddOutcome::Added => String::new(),
                };
                view! { <li>{format!("Line {}: {} — {why}", row.line, row.text)}</li> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn MemberFilters(query: RwSignal<MemberQuery>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    view! {
        <form class="filters" role="search" aria-label="Members"
            on:submit=move |ev| { ev.prevent_default(); query.update(|q| { q.search = search.get_untracked(); q.page = 0; }); }>
            <div class="field">
                <label for="member-search">"Search"</label>
                <input id="member-search" type="search" placeholder="Email address" bind:value=search/>
            </div>
            <div class="field">
                <label for="member-status">"Status"</label>
                <select id="member-status" on:change=move |ev| {
                    let status = InvitationStatus::from_code(&event_target_value(&ev));
                    query.update(|q| { q.status = status; q.page = 0; });
                }>
                    <option value="">"Any status"</option>
                    {STATUSES.into_iter().map(|s| view! { <option value=s.code()>{status_label(s)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="member-sharing">"Sharing"</label>
                <select id="member-sharing" on:change=move |ev| {
                    let sharing = match event_target_value(&ev).as_str() { "yes" => Some(true), "no" => Some(false), _ => None };
                    query.update(|q| { q.sharing = sharing; q.page = 0; });
                }>
                    <option value="">"Either"</option>
                    <option value="yes">"Sharing"</option>
                    <option value="no">"Not sharing"</option>
                </select>
            </div>
            <button type="submit" class="button small secondary">"Search"</button>
        </form>
    }
}

#[component]
fn Actions(
    practice: PracticeContext,
    query: RwSignal<MemberQuery>,
    ticked: Ticked,
    refresh: Callback<()>,
    confirm: Confirm,
) -> impl IntoView {
    let notify = RwSignal::new(Notify::DontNotify);
    let invite = Action::new(move |(selection, notify): &(Selection, Notify)| {
        let (selection, notify) = (selection.clone(), *notify);
        async move { invite_community_members(practice.id, selection, notify).await }
    });
    let remove = Action::new(move |selection: &Selection| {
        let selection = selection.clone();
        async move { remove_community_members(practice.id, selection).await }
    });
    Effect::new(move |_| {
        if invite.value().with(|v| matches!(v, Some(Ok(_))))
            || remove.value().with(|v| matches!(v, Some(Ok(_))))
        {
            refresh.run(());
        }
    });
    let busy = move || invite.pending().get() || remove.pending().get();
    let none_ticked = move || ticked.with(BTreeMap::is_empty);
    let these = move || Selection::These(ticked.with_untracked(|t| t.keys().copied().collect()));
    let ask_remove = move |_| {
        let count = ticked.with_untracked(BTreeMap::len);
        let question = match count {
            1 => format!(
                "Remove {} from the community?",
                ticked.with_untracked(|t| t.values().next().cloned().unwrap_or_default())
            ),
            n => format!("Remove {n} members from the community?"),
        };
        let selection = these();
        confirm.ask(
            question,
            "Their invitation links stop working, and their readings no longer count in Community Health.",
            "Remove",
            move || {
                remove.dispatch(selection.clone());
            },
        );
    };
    view! {
        <div class="row-actions selection member-actions">
            <fieldset class="notify">
                <legend>"When inviting"</legend>
                <label class="check"><input type="radio" name="notify" prop:checked=move || notify.get() == Notify::ByEmail
                    on:change=move |_| notify.set(Notify::ByEmail)/>"Notify by email"</label>
                <label class="check"><input type="radio" name="notify" prop:checked=move || notify.get() == Notify::DontNotify
                    on:change=move |_| notify.set(Notify::DontNotify)/>"Don't notify"</label>
            </fieldset>
            <button type="button" class="button small primary" disabled=move || none_ticked() || busy()
                on:click=move |_| { invite.dispatch((these(), notify.get_untracked())); }>
                {move || format!("Invite selected ({})", ticked.with(BTreeMap::len))}
            </button>
            <button type="button" class="button small secondary" disabled=busy
                on:click=move |_| { invite.dispatch((Selection::Matching(query.get_untracked()), notify.get_untracked())); }>
                "Invite all matching"
            </button>
            <button type="button" class="button small danger" disabled=move || none_ticked() || busy() on:click=ask_remove>
                {move || format!("Remove selected ({})", ticked.with(BTreeMap::len))}
            </button>
        </div>
        {move || invite.value().get().map(|result| match result {
            Ok(report) => view! { <InviteOutcome report/> }.into_any(),
            Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
        })}
        {move || remove.value().get().map(|result| match result {
            Ok(n) => view! { <p class="alert alert-info" role="status">{format!("{n} removed.")}</p> }.into_any(),
            Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
        })}
    }
}

#[component]
fn InviteOutcome(report: InviteReport) -> impl IntoView {
    let InviteReport {
        invited,
        emailed,
        skipped,
    } = report;
    view! {
        <div class="alert alert-info" role="status">
            <p>{format!("{invited} invited, {emailed} by email.")}</p>
            {(!skipped.is_empty()).then(|| view! {
                <ul class="report">
                    {skipped.into_iter().map(|s| view! { <li>{format!("{}: {}", s.email, s.why)}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}

/// How long member invitations work, for those sent from now on.
#[component]
fn Validity(practice: PracticeContext, days: u32, refresh: Callback<()>) -> impl IntoView {
    let action = ServerAction::<SetCommunityValidity>::new();
    let typed = RwSignal::new(days.to_string());
    let problem = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.field("validity").unwrap_or_else(|| e.to_string()))
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            refresh.run(());
        }
    });
    view! {
        <form class="filters validity" on:submit=move |ev| {
            ev.prevent_default();
            match typed.get_untracked().trim().parse::<u32>() {
                Ok(days) => { action.dispatch(SetCommunityValidity { practice: practice.id, days }); }
                Err(_) => { action.dispatch(SetCommunityValidity { practice: practice.id, days: 0 }); }
            }
        }>
            <div class="field">
                <label for="field-validity">"Member invitations work for (days)"</label>
                <input id="field-validity" type="number" min="1" max="90" inputmode="numeric" bind:value=typed
                    aria-invalid=move || problem().is_some().to_string()/>
                {move || problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            </div>
            <button type="submit" class="button small secondary" disabled=move || action.pending().get()>"Save"</button>
        </form>
    }
}

/// The join page's code, big, and its address as a QR code: for a screen in the room.
#[component]
fn JoinScreenPanel(practice: PracticeContext) -> impl IntoView {
    let shown = RwSignal::new(false);
    let screen = Resource::new(
        move || shown.get(),
        move |shown| async move {
            if shown {
                community_join_screen(practice.id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <section class="card join-screen" aria-labelledby="join-screen-heading">
            <h2 id="join-screen-heading">"Join on a phone"</h2>
            <p class="hint">"Show this on a screen: people scan the QR code, or open the join page and type the code, then register with their address. An address you invited with Don't notify is matched to its invitation."</p>
            {move || (!shown.get()).then(|| view! {
                <button type="button" class="button secondary" on:click=move |_| shown.set(true)>"Show the join screen"</button>
            })}
            <Transition fallback=|| ()>
                {move || screen.get().map(|result| match result {
                    Ok(Some(screen)) => view! {
                        <div class="join-code">
                            <div class="qr" inner_html=screen.qr_svg role="img" aria-label="QR code of the join page"></div>
                            <p class="hint">"Community code"</p>
                            <p class="code">{code::display(&screen.code)}</p>
                            <p class="hint">{screen.link}</p>
                        </div>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
