//! The page an invitation email opens — on a phone, most of the time.

use leptos::prelude::*;
use shared::invitation::{InvitationStatus, InvitationView};
use shared::validation::NewAccountForm;

use super::{query_param, token_from_query, urlencode};
use crate::api::accounts::LogOut;
use crate::api::team::{get_invitation, AcceptInvitation, RejectInvitation, SignUpInvitee};
use crate::components::form::{follow_on_success, Field, FormAlert, FormErrors, Submit};
use crate::components::header::MeResource;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let token = token_from_query();
    let invitation = Resource::new(move || token.get(), get_invitation);
    let me = expect_context::<MeResource>();
    view! {
        <section class="card narrow">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let signed_in = me.get().and_then(Result::ok).flatten();
                    invitation.get().map(|result| match result {
                        Ok(view) => view! { <Invitation view signed_in_as=signed_in.and_then(|m| m.email.map(|e| e.to_string())) token/> }.into_any(),
                        Err(error) => view! {
                            <h1>"Invitation"</h1>
                            <div class="alert alert-error" role="alert">
                                <p>{error.to_string()}</p>
                                <p>"Ask the person who invited you to send a new invitation."</p>
                            </div>
                        }.into_any(),
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Invitation(
    view: InvitationView,
    signed_in_as: Option<String>,
    token: Memo<String>,
) -> impl IntoView {
    let wants_to_reject = query_param("answer");
    let accept = ServerAction::<AcceptInvitation>::new();
    follow_on_success(accept);
    let reject = ServerAction::<RejectInvitation>::new();
    let rejected = move || matches!(reject.value().get(), Some(Ok(())));
    let problem = Signal::derive(move || {
        accept
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reject.value().get().and_then(Result::err))
    });
    let InvitationView {
        practice_name,
        invited_by,
        role,
        email,
        expires,
        status,
        has_account,
    } = view;
    let heading = format!("Join {practice_name}");
    let intro = format!(
        "{invited_by} invited {email} to the team of {practice_name} as {}.",
        role.label()
    );
    let ask = format!("Ask {invited_by} at {practice_name} to send it again.");
    let body = match status {
        InvitationStatus::Invited => {
            let matches = signed_in_as.as_deref() == Some(email.as_str());
            let reject_first = wants_to_reject.get_untracked().as_deref() == Some("reject");
            let answer = move || {
                let reject_button = view! {
                    <form on:submit=move |ev| { ev.prevent_default(); reject.dispatch(RejectInvitation { token: token.get() }); }>
                        <button type="submit" class=if reject_first { "button primary danger" } else { "button secondary" }
                            disabled=move || reject.pending().get()>"Reject invitation"</button>
                    </form>
                };
                if matches {
                    view! {
                        <form on:submit=move |ev| { ev.prevent_default(); accept.dispatch(AcceptInvitation { token: token.get() }); }>
                            <Submit label="Accept invitation" busy="Joining…" pending=accept.pending()/>
                        </form>
                        {reject_button}
                    }.into_any()
                } else if let Some(other) = signed_in_as.clone() {
                    view! { <WrongAccount invited=email.to_string() signed_in_as=other/> {reject_button} }.into_any()
                } else if has_account {
                    let next = urlencode(&format!("/invitation?token={}", token.get_untracked()));
                    view! {
                        <p>"You already have a Carekeys account. Log in to accept."</p>
                        <a class="button primary" href=format!("/login?next={next}")>"Log in to accept"</a>
                        {reject_button}
                    }.into_any()
                } else {
                    view! { <InviteeSignUp email=email.to_string() token/> {reject_button} }.into_any()
                }
            };
            view! {
                <p class="lead">{intro.clone()}</p>
                <p class="hint">"The invitation works until " {expires.clone()} "."</p>
                <p class="hint">"On the team you will see personal health information of the practice's clients."</p>
                {move || problem.get().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
                <Show when=rejected fallback=answer>
                    <p class="alert alert-info" role="status">"You rejected the invitation to " {practice_name.clone()} ". Nothing else will happen."</p>
                </Show>
            }
            .into_any()
        }
        InvitationStatus::Expired => view! {
            <div class="alert alert-error" role="alert">
                <p>"This invitation expired on " {expires} "."</p>
                <p>{ask}</p>
            </div>
        }
        .into_any(),
        InvitationStatus::Revoked => view! {
            <div class="alert alert-error" role="alert"><p>"This invitation was withdrawn."</p><p>{ask}</p></div>
        }
        .into_any(),
        InvitationStatus::Rejected => view! {
            <p class="alert alert-info" role="status">"This invitation was rejected. " {ask}</p>
        }
        .into_any(),
        _ => view! {
            <p class="alert alert-info" role="status">"This invitation was already accepted. " <a href="/">"Go to your practices"</a></p>
        }
        .into_any(),
    };
    view! { <h1>{heading}</h1> {body} }
}

#[component]
fn WrongAccount(invited: String, signed_in_as: String) -> impl IntoView {
    let log_out = ServerAction::<LogOut>::new();
    Effect::new(move |_| {
        if matches!(log_out.value().get(), Some(Ok(_))) {
            crate::components::form::load_page(&window_location());
        }
    });
    view! {
        <div class="alert alert-error" role="alert">
            <p>"This invitation was sent to " <strong>{invited}</strong> ", but you are logged in as " <strong>{signed_in_as}</strong> "."</p>
            <p>"Log out, then open the link again."</p>
        </div>
        <form on:submit=move |ev| { ev.prevent_default(); log_out.dispatch(LogOut {}); }>
            <button type="submit" class="button secondary">"Log out"</button>
        </form>
    }
}

fn window_location() -> String {
    #[cfg(feature = "hydrate")]
    {
        let location = window().location();
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    String::from("/")
}

#[component]
fn InviteeSignUp(email: String, token: Memo<String>) -> impl IntoView {
    let (full_name, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let action = ServerAction::<SignUpInvitee>::new();
    follow_on_success(action);
    let errors = FormErrors::of(action);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The server applies the same rule; the invitation gives the address.
        let form = NewAccountForm {
            full_name: full_name.get(),
            password: password.get(),
        };
        if errors.check(form.validate()).is_some() {
            action.dispatch(SignUpInvitee {
                token: token.get(),
                full_name: full_name.get(),
                password: password.get(),
            });
        }
    };
    view! {
        <h2>"Create your account to accept"</h2>
        <form on:submit=submit novalidate>
            <FormAlert errors/>
            <p class="hint">"Your login will be " <strong>{email}</strong> "."</p>
            <Field label="Full name" name="full_name" value=full_name errors autocomplete="name"/>
            <Field label="Password" name="password" kind="password" value=password errors autocomplete="new-password"
                hint="At least 10 characters."/>
            <Submit label="Create account" busy="Creating…" pending=action.pending()/>
        </form>
    }
}
