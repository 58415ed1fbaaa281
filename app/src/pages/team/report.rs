//! What happened to each address of a batch, with Resend for those already invited.

use leptos::prelude::*;
use shared::ids::InvitationId;
use shared::invitation::{InviteOutcome, InviteReportRow};

use crate::api::team::ResendInvitations;
use crate::components::practice::PracticeContext;

#[component]
pub(super) fn Report(
    rows: Vec<InviteReportRow>,
    practice: PracticeContext,
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
                                        resend.dispatch(ResendInvitations { practice: practice.id, ids: vec![id] });
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
            <a class="button secondary" href=practice.path("team")>"Back to the team"</a>
        </p>
    }
}
