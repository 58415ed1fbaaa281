//! The page a portal invitation email opens, on a phone most of the time:
//! who invites whom, then one step to the portal — a password for a new
//! login, or the account the address already has. A dead link says why and
//! offers to ask the practice for a new one.

use leptos::prelude::*;
use shared::invitation::InvitationStatus;
use shared::portal::InvitationView;

use crate::api::portal::{portal_invitation, PortalAccept, PortalAskAgain, PortalSignUp};
use crate::components::form::{follow_on_success, Field, FormAlert, FormErrors, Submit};
use crate::components::header::MeResource;
use crate::pages::{token_from_query, urlencode};

#[component]
pub fn PortalInvitationPage() -> impl IntoView {
    let token = token_from_query();
    let invitation = Resource::new(move || token.get(), portal_invitation);
    let me = expect_context::<MeResource>();
    view! {
        <section class="card narrow portal">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let signed_in = me.get().and_then(Result::ok).flatten().and_then(|m| m.email).map(|e| e.to_string());
                    invitation.get().map(|result| match result {
                        Ok(view) => view! { <Invitation view signed_in token/> }.into_any(),
                        Err(error) => view! {
                            <h1>"Client portal"</h1>
                            <div class="alert alert-error" role="alert">
                                <p>{error.to_string()}</p>
                                <p>"Ask your practice to send you a new invitation."</p>
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
    signed_in: Option<String>,
    token: Memo<String>,
) -> impl IntoView {
    let InvitationView {
        practice_name,
        client_first_name,
        email,
        expires,
        status,
        has_account,
        asked_again,
    } = view;
    let heading = format!("{practice_name} client portal");
    let body = match status {
        InvitationStatus::Invited => {
            let intro = format!("Hello {client_first_name}, {practice_name} invites you to its secure client portal to fill in your forms.");
            let step = if !has_account {
                view! { <ChoosePassword token email=email.to_string()/> }.into_any()
            } else if signed_in.as_deref() == Some(email.as_str()) {
                view! { <AcceptAsMe token/> }.into_any()
            } else {
                let here = urlencode(&format!(
                    "/portal/invitation?token={}",
                    token.get_untracked()
                ));
                view! {
                    <p>{format!("{email} already has a Carekeys account. Log in with it to open the portal.")}</p>
                    <a class="button primary block" href=format!("/login?next={here}")>{format!("Log in as {email}")}</a>
                }.into_any()
            };
            view! {
                <p>{intro}</p>
                {step}
                <p class="hint">{format!("This link works once, until {expires}.")}</p>
            }
            .into_any()
        }
        InvitationStatus::Accepted => view! {
            <p>"This invitation was already used to create your portal login."</p>
            <a class="button primary block" href="/login?next=%2Fportal">"Log in to your portal"</a>
        }
        .into_any(),
        dead => {
            let why = if dead == InvitationStatus::Revoked {
                "This invitation was replaced by a newer one, or withdrawn."
            } else {
                "This invitation has expired."
            };
            view! { <AskAgain why practice=practice_name.clone() token asked_again/> }.into_any()
        }
    };
    view! {
        <h1>{heading}</h1>
        {body}
    }
}

#[component]
fn ChoosePassword(token: Memo<String>, email: String) -> impl IntoView {
    let action = ServerAction::<PortalSignUp>::new();
    follow_on_success(action);
    let password = RwSignal::new(String::new());
    let errors = FormErrors::of(action);
    view! {
        <form class="stack" on:submit=move |ev| {
            ev.prevent_default();
            let check = shared::validation::Password::parse(&password.get_untracked())
                .map_err(|m| shared::validation::FieldErrors::single("password", m));
            if errors.check(check).is_some() {
                action.dispatch(PortalSignUp { token: token.get_untracked(), password: password.get_untracked() });
            }
        }>
            <FormAlert errors/>
            <div class="field">
                <label for="portal-email">"Your login"</label>
                <input id="portal-email" type="email" value=email readonly autocomplete="username"/>
            </div>
            <Field label="Choose a password" name="password" kind="password" value=password errors autocomplete="new-password"
                hint="At least 10 characters."/>
            <Submit label="Create my portal login" busy="Creating…" pending=action.pending()/>
        </form>
    }
}

#[component]
fn AcceptAsMe(token: Memo<String>) -> impl IntoView {
    let action = ServerAction::<PortalAccept>::new();
    follow_on_success(action);
    let errors = FormErrors::of(action);
    view! {
        <form on:submit=move |ev| { ev.prevent_default(); action.dispatch(PortalAccept { token: token.get_untracked() }); }>
            <FormAlert errors/>
            <Submit label="Open my portal" busy="Opening…" pending=action.pending()/>
        </form>
    }
}

#[component]
fn AskAgain(
    why: &'static str,
    practice: String,
    token: Memo<String>,
    asked_again: bool,
) -> impl IntoView {
    let action = ServerAction::<PortalAskAgain>::new();
    let asked = move || asked_again || matches!(action.value().get(), Some(Ok(())));
    let told = format!("We told {practice}. They will send you a new invitation by email.");
    view! {
        <div class="alert alert-warning" role="alert"><p>{why}</p></div>
        {move || if asked() {
            view! { <p class="alert alert-info" role="status">{told.clone()}</p> }.into_any()
        } else {
            view! {
                <form on:submit=move |ev| { ev.prevent_default(); action.dispatch(PortalAskAgain { token: token.get_untracked() }); }>
                    <Submit label="Ask the practice for a new invitation" busy="Asking…" pending=action.pending()/>
                </form>
            }.into_any()
        }}
    }
}
