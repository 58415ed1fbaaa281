use leptos::prelude::*;
use shared::validation::{validate_new_password, SignUpForm};

use super::token_from_query;
use crate::api::accounts::{check_sign_up_link, ConfirmSignUp, SignUp};
use crate::components::form::{follow_on_success, Field, FormAlert, FormErrors, Submit};
use crate::error::AppError;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let (full_name, email) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let next = super::query_param("next");
    let action = ServerAction::<SignUp>::new();
    let errors = FormErrors::of(action);
    let sent_to = move || action.value().get().and_then(Result::ok);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = SignUpForm {
            full_name: full_name.get(),
            email: email.get(),
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
                        <p class="hint">"We will email you a link; you choose your password when you open it."</p>
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

/// The page an emailed sign-up link opens. The password is chosen here, by
/// whoever reads the mailbox, so a sign-up made in someone else's name gives
/// its maker nothing. Opening the page changes nothing (mail scanners open
/// links too); the button does.
#[component]
pub fn ConfirmSignUpPage() -> impl IntoView {
    let token = token_from_query();
    let password = RwSignal::new(String::new());
    let action = ServerAction::<ConfirmSignUp>::new();
    follow_on_success(action);
    let errors = FormErrors::of(action);
    // A dead link says so at once, before anyone types a password.
    let checked = Resource::new(move || token.get(), check_sign_up_link);
    let link_problem = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| checked.get().and_then(Result::err))
            .filter(AppError::is_dead_link)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if errors
            .check(validate_new_password(&password.get()))
            .is_some()
        {
            action.dispatch(ConfirmSignUp {
                token: token.get(),
                password: password.get(),
            });
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Finish creating your account"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Checking the link…"</p> }>
            {move || checked.get().map(|address| match link_problem() {
                Some(error) => view! {
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
                None => {
                    let address = address.map(|a| a.to_string()).unwrap_or_default();
                    view! {
                        <form on:submit=submit novalidate>
                            <FormAlert errors/>
                            <p class="hint">"Your login will be " <strong>{address.clone()}</strong> "."</p>
                            // Lets password managers save the new password with its login.
                            <input type="email" name="username" autocomplete="username" value=address hidden readonly/>
                            <Field label="Password" name="password" kind="password" value=password errors
                                autocomplete="new-password" hint="At least 10 characters. A few unrelated words work well."/>
                            <Submit label="Finish creating my account" busy="Finishing…" pending=action.pending()/>
                        </form>
                    }.into_any()
                }
            })}
            </Suspense>
        </section>
    }
}
