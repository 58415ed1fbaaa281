use leptos::prelude::*;
use shared::validation::{validate_new_password, validate_reset_request, ChangePasswordForm};

use super::token_from_query;
use crate::api::accounts::{check_reset_link, ChangePassword, RequestPasswordReset, ResetPassword};
use crate::components::form::{follow_on_success, Field, FormAlert, FormErrors, Submit};
use crate::error::AppError;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let action = ServerAction::<RequestPasswordReset>::new();
    let errors = FormErrors::of(action);
    let sent_to = move || action.value().get().and_then(Result::ok);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if errors.check(validate_reset_request(&email.get())).is_some() {
            action.dispatch(RequestPasswordReset { email: email.get() });
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Reset your password"</h1>
            <Show
                when=move || sent_to().is_some()
                fallback=move || view! {
                    <form on:submit=submit novalidate>
                        <FormAlert errors/>
                        <Field label="Email" name="email" kind="email" value=email errors autocomplete="email"/>
                        <Submit label="Send reset link" busy="Sending…" pending=action.pending()/>
                    </form>
                }
            >
                <div role="status" class="alert alert-info">
                    <p>"If " <strong>{move || sent_to().map(|e| e.to_string())}</strong>
                       " has a Carekeys account, a reset link is on its way. It works once, within 1 hour."</p>
                </div>
            </Show>
            <p class="aside"><a href="/login">"Back to log in"</a></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = token_from_query();
    let password = RwSignal::new(String::new());
    let action = ServerAction::<ResetPassword>::new();
    let errors = FormErrors::of(action);
    let done = move || matches!(action.value().get(), Some(Ok(())));
    // A used or expired link says so at once, before anyone types a password.
    let checked = Resource::new(move || token.get(), check_reset_link);
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
            action.dispatch(ResetPassword {
                token: token.get(),
                password: password.get(),
            });
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Checking the link…"</p> }>
            {move || checked.get().map(|_| {
                if done() {
                    view! {
                        <div role="status" class="alert alert-success">
                            <p>"Your password was changed, and every session was logged out."</p>
                            <p><a class="button primary" href="/login">"Log in"</a></p>
                        </div>
                    }.into_any()
                } else if let Some(problem) = link_problem() {
                    view! {
                        <div role="alert" class="alert alert-error">
                            <p>{problem.to_string()}</p>
                            <p>"Reset links work once, within 1 hour. " <a href="/forgot-password">"Ask for a new one"</a>"."</p>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <form on:submit=submit novalidate>
                            <FormAlert errors/>
                            <Field label="New password" name="password" kind="password" value=password errors
                                autocomplete="new-password" hint="At least 10 characters."/>
                            <Submit label="Set new password" busy="Saving…" pending=action.pending()/>
                        </form>
                    }.into_any()
                }
            })}
            </Suspense>
        </section>
    }
}

/// Choosing one's own password while signed in — where a login with a
/// one-time password lands, and where every page sends such a person.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let (current, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let next = super::query_param("next");
    let action = ServerAction::<ChangePassword>::new();
    let errors = FormErrors::of(action);
    follow_on_success(action);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ChangePasswordForm {
            current: current.get(),
            password: password.get(),
        };
        if errors.check(form.validate()).is_some() {
            action.dispatch(ChangePassword {
                form,
                next: next.get_untracked(),
            });
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Choose your password"</h1>
            <p>"If an admin gave you a one-time password, it works only until you choose your own."</p>
            <form on:submit=submit novalidate>
                <FormAlert errors/>
                <Field label="Current password" name="current" kind="password" value=current errors
                    autocomplete="current-password"/>
                <Field label="New password" name="password" kind="password" value=password errors
                    autocomplete="new-password" hint="At least 10 characters."/>
                <Submit label="Save password" busy="Saving…" pending=action.pending()/>
            </form>
        </section>
    }
}
