use leptos::prelude::*;
use shared::validation::SignUpForm;

use super::token_from_query;
use crate::api::accounts::{ConfirmSignUp, SignUp};
use crate::components::form::{follow_on_success, Field, FormAlert, FormErrors, Submit};
use crate::error::AppError;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let (full_name, email, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let next = super::query_param("next");
    let action = ServerAction::<SignUp>::new();
    let errors = FormErrors::of(action);
    let sent_to = move || action.value().get().and_then(Result::ok);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = SignUpForm {
            full_name: full_name.get(),
            email: email.get(),
            password: password.get(),
        };
        if errors.check(form.validate()).is_some() {
            action.dispatch(SignUp {
                form,
                next: next.get_untracked(),
            });
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Create your account"</h1>
            <Show
                when=move || sent_to().is_some()
                fallback=move || view! {
                    <form on:submit=submit novalidate>
                        <FormAlert errors/>
                        <Field label="Full name" name="full_name" value=full_name errors autocomplete="name"/>
                        <Field label="Email" name="email" kind="email" value=email errors autocomplete="email"/>
                        <Field label="Password" name="password" kind="password" value=password errors
                            autocomplete="new-password" hint="At least 10 characters. A few unrelated words work well."/>
                        <Submit label="Create account" busy="Creating…" pending=action.pending()/>
                    </form>
                    <p class="aside">"Already have an account? " <a href="/login">"Log in"</a></p>
                }
            >
                <div role="status" class="alert alert-info">
                    <h2>"Check your email"</h2>
                    <p>"We sent a link to " <strong>{move || sent_to().map(|e| e.to_string())}</strong>
                       ". Open it within 24 hours to finish creating your account."</p>
                </div>
            </Show>
        </section>
    }
}

/// The page an emailed sign-up link opens. Opening it changes nothing (mail
/// scanners open links too); the button does.
#[component]
pub fn ConfirmSignUpPage() -> impl IntoView {
    let token = token_from_query();
    let action = ServerAction::<ConfirmSignUp>::new();
    follow_on_success(action);
    let problem = move || action.value().get().and_then(Result::err);
    view! {
        <section class="card narrow">
            <h1>"Finish creating your account"</h1>
            {move || match problem() {
                Some(error @ (AppError::LinkExpired | AppError::LinkUsed | AppError::LinkUnknown)) => view! {
                    <div class="alert alert-error" role="alert">
                        <p>{error.to_string()}</p>
                        <p>
                            {if error == AppError::LinkUsed { "Your account already exists: " } else { "Sign up again to get a new link: " }}
                            {if error == AppError::LinkUsed {
                                view! { <a href="/login">"log in"</a> }.into_any()
                            } else {
                                view! { <a href="/signup">"sign up"</a> }.into_any()
                            }}
                            "."
                        </p>
                    </div>
                }.into_any(),
                other => view! {
                    {other.map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
                    <form on:submit=move |ev| { ev.prevent_default(); action.dispatch(ConfirmSignUp { token: token.get() }); }>
                        <p>"One click and your account is ready."</p>
                        <Submit label="Finish creating my account" busy="Finishing…" pending=action.pending()/>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
