use leptos::prelude::*;
use shared::validation::LoginForm;

use crate::api::accounts::LogIn;
use crate::components::form::{follow_on_success, Field, FormAlert, FormErrors, Submit};
use crate::pages::urlencode;

#[component]
pub fn LogInPage() -> impl IntoView {
    let (login, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let next = super::query_param("next");
    let action = ServerAction::<LogIn>::new();
    let errors = FormErrors::of(action);
    follow_on_success(action);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = LoginForm {
            login: login.get(),
            password: password.get(),
        };
        if errors.check(form.validate()).is_some() {
            action.dispatch(LogIn {
                form,
                next: next.get_untracked(),
            });
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Log in"</h1>
            <form on:submit=submit novalidate>
                <FormAlert errors/>
                <Field label="Email or username" name="login" value=login errors autocomplete="username"/>
                <Field label="Password" name="password" kind="password" value=password errors autocomplete="current-password"/>
                <Submit label="Log in" busy="Logging in…" pending=action.pending()/>
            </form>
            <p class="aside"><a href="/forgot-password">"Forgot your password?"</a></p>
            <p class="aside">"New here? " <a href=move || match next.get() {
                Some(next) => format!("/signup?next={}", urlencode(&next)),
                None => "/signup".into(),
            }>"Create an account"</a></p>
        </section>
    }
}
