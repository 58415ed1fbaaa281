//! The client form of Add client and Client details: the rules are
//! `shared::clients::ClientForm::validate`, run here as the form is sent and
//! again by the server.

use leptos::prelude::*;
use shared::clients::{ClientForm, Date};

use crate::components::form::{Field, FormAlert, FormErrors, Submit};
use crate::error::AppError;

#[component]
pub(super) fn ClientFields(
    initial: ClientForm,
    /// The practice's today: a date of birth cannot be later.
    today: Date,
    save: Callback<ClientForm>,
    #[prop(into)] pending: Signal<bool>,
    /// The server's answer to the last save.
    server: Signal<Option<AppError>>,
    label: &'static str,
    /// Read only: the viewer may not change this client.
    #[prop(optional)]
    read_only: bool,
) -> impl IntoView {
    let first_name = RwSignal::new(initial.first_name);
    let last_name = RwSignal::new(initial.last_name);
    let email = RwSignal::new(initial.email);
    let date_of_birth = RwSignal::new(initial.date_of_birth);
    let errors = FormErrors::answering(server);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ClientForm {
            first_name: first_name.get_untracked(),
            last_name: last_name.get_untracked(),
            email: email.get_untracked(),
            date_of_birth: date_of_birth.get_untracked(),
        };
        if errors.check(form.validate(today)).is_some() {
            save.run(form);
        }
    };
    view! {
        <form class="stack" on:submit=submit novalidate>
            <FormAlert errors/>
            <Field label="First name" name="first_name" value=first_name errors disabled=read_only/>
            <Field label="Last name" name="last_name" value=last_name errors disabled=read_only/>
            <Field label="Email" name="email" kind="email" value=email errors disabled=read_only
                hint="Needed to invite them to the client portal."/>
            <Field label="Date of birth" name="date_of_birth" kind="date" value=date_of_birth errors disabled=read_only/>
            {(!read_only).then(|| view! { <Submit label busy="Saving…" pending/> })}
        </form>
    }
}
