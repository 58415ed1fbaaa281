//! The *To sign* inbox (product.md §7): submitted forms that ask for a
//! co-signature, for the people with *can sign forms*. Each opens to the
//! client's answers and a signature box; signing takes it off the list.

use leptos::prelude::*;
use shared::forms::ToSign;
use shared::ids::ClientFormId;

use super::fill::SignaturePad;
use super::FormAnswers;
use crate::api::forms::{form_submission, forms_to_sign, CosignForm};
use crate::components::form::{FormAlert, FormErrors};
use crate::components::practice::{use_practice, PracticeContext, PracticeProblem};

#[component]
pub fn ToSignPage() -> impl IntoView {
    let practice = use_practice();
    let signed = ServerAction::<CosignForm>::new();
    let inbox = Resource::new(
        move || signed.version().get(),
        move |_| forms_to_sign(practice.id),
    );
    let open = RwSignal::new(None::<ClientFormId>);
    view! {
        <section class="page">
            <div class="page-head"><h1>"To sign"</h1></div>
            {move || matches!(signed.value().get(), Some(Ok(()))).then(|| view! {
                <p class="alert alert-info" role="status">"Co-signed. The form is in the client's details with your signature."</p>
            })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || inbox.get().map(|result| match result {
                    Ok(forms) if forms.is_empty() => view! {
                        <p class="empty">"Nothing to sign: every submitted form that asks for a co-signature has one."</p>
                    }.into_any(),
                    Ok(forms) => view! {
                        <ul class="to-sign">
                            {forms.into_iter().map(|form| view! { <Item form practice open signed/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Item(
    form: ToSign,
    practice: PracticeContext,
    open: RwSignal<Option<ClientFormId>>,
    signed: ServerAction<CosignForm>,
) -> impl IntoView {
    let id = form.id;
    let client = practice.path(&format!("clients/{}", form.client));
    view! {
        <li class="card">
            <div class="client-form-head">
                <strong>{form.title.clone()}</strong>
                <a href=client>{form.client_name.clone()}</a>
                <span class="hint">{format!("submitted {}", form.submitted)}</span>
                <button type="button" class="button small secondary"
                    aria-expanded=move || (open.get() == Some(id)).to_string()
                    on:click=move |_| open.update(|o| *o = if *o == Some(id) { None } else { Some(id) })>
                    {format!("Read and sign {} of {}", form.title, form.client_name)}
                </button>
            </div>
            {move || (open.get() == Some(id)).then(|| view! { <Signing practice id signed/> })}
        </li>
    }
}

#[component]
fn Signing(
    practice: PracticeContext,
    id: ClientFormId,
    signed: ServerAction<CosignForm>,
) -> impl IntoView {
    let form = Resource::new(|| (), move |_| form_submission(practice.id, id));
    let signature = RwSignal::new(String::new());
    let errors = FormErrors::of(signed);
    let problem = errors.field("signature");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        signed.dispatch(CosignForm {
            practice: practice.id,
            form: id,
            signature: signature.get_untracked(),
        });
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || form.get().map(|result| match result {
                Ok(form) => view! { <FormAnswers definition=form.definition answers=form.answers/> }.into_any(),
                Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
        <form class="stack cosign" on:submit=submit novalidate>
            <FormAlert errors/>
            <fieldset>
                <legend>"Your co-signature"</legend>
                <SignaturePad id=format!("cosign-{id}") value=signature/>
                // Gone once a signature is drawn: the box is what was wrong.
                <p class="field-error">{move || problem.get().filter(|_| signature.with(String::is_empty))}</p>
            </fieldset>
            <button type="submit" class="button primary" disabled=move || signed.pending().get()>"Co-sign"</button>
        </form>
    }
}
