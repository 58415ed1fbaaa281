//! Joining a practice's community on a phone (product.md §5): the page an
//! invitation link opens — register (a password for a new account, or the
//! account the address has) or decline — and the community join page, where
//! people in the room type the practice's code and their address.

use leptos::prelude::*;
use shared::community::members::{CommunityInvitationView, JoinRequest};
use shared::invitation::InvitationStatus;
use shared::validation::{FieldErrors, NewAccountForm};

use crate::api::community::{
    community_invitation, CommunityAccept, CommunityReject, CommunitySignUp, JoinCommunity,
};
use crate::components::form::{follow_on_success, Field, FormAlert, FormErrors, Submit};
use crate::components::header::MeResource;
use crate::pages::{query_param, token_from_query, urlencode};

#[component]
pub fn CommunityInvitationPage() -> impl IntoView {
    let token = token_from_query();
    let invitation = Resource::new(move || token.get(), community_invitation);
    let me = expect_context::<MeResource>();
    view! {
        <section class="card narrow portal">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let signed_in = me.get().and_then(Result::ok).flatten().and_then(|m| m.email).map(|e| e.to_string());
                    invitation.get().map(|result| match result {
                        Ok(view) => view! { <Invitation view signed_in token/> }.into_any(),
                        Err(error) => view! {
                            <h1>"Community"</h1>
                            <div class="alert alert-error" role="alert">
                                <p>{error.to_string()}</p>
                                <p>"Ask the practice for its community code, and join at its join page."</p>
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
    view: CommunityInvitationView,
    signed_in: Option<String>,
    token: Memo<String>,
) -> impl IntoView {
    let CommunityInvitationView {
        practice_name,
        email,
        expires,
        status,
        has_account,
    } = view;
    let body = match status {
        InvitationStatus::Invited => {
            let step = if !has_account {
                view! { <NewAccount token email=email.to_string()/> }.into_any()
            } else if signed_in.as_deref() == Some(email.as_str()) {
                view! { <AcceptAsMe token/> }.into_any()
            } else {
                let here = urlencode(&format!("/portal/community?token={}", token.get_untracked()));
                view! {
                    <p>{format!("{email} already has a Carekeys account. Log in with it to join.")}</p>
                    <a class="button primary block" href=format!("/login?next={here}")>{format!("Log in as {email}")}</a>
                }.into_any()
            };
            view! {
                <p>{format!("{practice_name} invites you to its community. Members choose whether their readings count in the community's anonymous weekly figures; nobody there sees your own readings.")}</p>
                {step}
                <Decline token/>
                <p class="hint">{format!("This link works once, until {expires}.")}</p>
            }
            .into_any()
        }
        InvitationStatus::Accepted => view! {
            <p>"You are a member: this link was used already."</p>
            <a class="button primary block" href="/login?next=%2Fportal%2Fsharing">"Log in to choose what you share"</a>
        }
        .into_any(),
        InvitationStatus::Rejected => view! {
            <p class="alert alert-info" role="status">"You declined this invitation. Nothing of yours is shared."</p>
        }
        .into_any(),
        _ => view! {
            <div class="alert alert-warning" role="alert">
                <p>"This invitation has expired."</p>
                <p>"Ask the practice for its community code, and join at its join page."</p>
            </div>
        }
        .into_any(),
    };
    view! {
        <h1>{format!("Join {practice_name}'s community")}</h1>
        {body}
    }
}

#[component]
fn NewAccount(token: Memo<String>, email: String) -> impl IntoView {
    let action = ServerAction::<CommunitySignUp>::new();
    follow_on_success(action);
    let full_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = FormErrors::of(action);
    view! {
        <form class="stack" on:submit=move |ev| {
            ev.prevent_default();
            let form = NewAccountForm { full_name: full_name.get_untracked(), password: password.get_untracked() };
            if errors.check(form.validate()).is_some() {
                action.dispatch(CommunitySignUp { token: token.get_untracked(), form });
            }
        }>
            <FormAlert errors/>
            <div class="field">
                <label for="community-email">"Your login"</label>
                <input id="community-email" type="email" value=email readonly autocomplete="username"/>
            </div>
            <Field label="Your name" name="full_name" value=full_name errors autocomplete="name"/>
            <Field label="Choose a password" name="password" kind="password" value=password errors autocomplete="new-password"
                hint="At least 10 characters."/>
            <Submit label="Join the community" busy="Joining…" pending=action.pending()/>
        </form>
    }
}

#[component]
fn AcceptAsMe(token: Memo<String>) -> impl IntoView {
    let action = ServerAction::<CommunityAccept>::new();
    follow_on_success(action);
    let errors = FormErrors::of(action);
    view! {
        <form on:submit=move |ev| { ev.prevent_default(); action.dispatch(CommunityAccept { token: token.get_untracked() }); }>
            <FormAlert errors/>
            <Submit label="Join the community" busy="Joining…" pending=action.pending()/>
        </form>
    }
}

#[component]
fn Decline(token: Memo<String>) -> impl IntoView {
    let action = ServerAction::<CommunityReject>::new();
    let errors = FormErrors::of(action);
    view! {
        {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! {
            <p class="alert alert-info" role="status">"You declined. Nothing of yours is shared."</p>
        })}
        <form on:submit=move |ev| { ev.prevent_default(); action.dispatch(CommunityReject { token: token.get_untracked() }); }>
            <FormAlert errors/>
            <button type="submit" class="button block" disabled=move || action.pending().get() || matches!(action.value().get(), Some(Ok(())))>"No, thank you"</button>
        </form>
    }
}

/// The community join page: the code from the practice's screen (filled in
/// when the QR code was scanned) and the person's address; a link to
/// register arrives by email.
#[component]
pub fn CommunityJoinPage() -> impl IntoView {
    let from_qr = query_param("code");
    let code = RwSignal::new(from_qr.get_untracked().unwrap_or_default());
    let email = RwSignal::new(String::new());
    let action = ServerAction::<JoinCommunity>::new();
    let errors = FormErrors::of(action);
    let sent_to = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            sent_to.set(Some(email.get_untracked().trim().to_owned()));
        }
    });
    view! {
        <section class="card narrow portal">
            <h1>"Join a community"</h1>
            {move || match sent_to.get() {
                Some(address) => view! {
                    <div class="alert alert-success" role="status">
                        <p>{format!("We emailed a link to {address}. Open it on this phone to finish joining.")}</p>
                        <p>"Nothing there? Check the address and your spam folder. If you are a member already, log in to choose what you share."</p>
                    </div>
                }.into_any(),
                None => view! {
                    <p>"Type the code the practice shows, and your email address. We email you a link to finish joining."</p>
                    <form class="stack" on:submit=move |ev| {
                        ev.prevent_default();
                        let request = JoinRequest { code: code.get_untracked(), email: email.get_untracked() };
                        let check: Result<_, FieldErrors> = request.validate();
                        if errors.check(check).is_some() {
                            action.dispatch(JoinCommunity { request });
                        }
                    }>
                        <FormAlert errors/>
                        <Field label="Community code" name="code" value=code errors autocomplete="off" hint="Eight letters and digits, for example ABCD-2345."/>
                        <Field label="Your email address" name="email" kind="email" value=email errors autocomplete="email"/>
                        <Submit label="Email me a link" busy="Sending…" pending=action.pending()/>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
