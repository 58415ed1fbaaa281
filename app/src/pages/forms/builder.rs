//! Settings → Intake forms: the practice's forms, and the builder that makes
//! and changes one (title; fields of six kinds; options one per line).
//! The team reads them; Owners and Admins change them (a practice setting).
//! Requests already sent keep the copy they were sent with.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::forms::{field_key, Field, FieldKind, FormDefinition};
use shared::ids::FormId;
use shared::roles::Capability;

use crate::api::forms::{intake_form, intake_forms, SaveIntakeForm};
use crate::components::form::{FormAlert, FormErrors, Submit};
use crate::components::practice::{use_practice, PracticeContext};

#[component]
pub fn SettingsFormsPage() -> impl IntoView {
    let practice = use_practice();
    let forms = Resource::new(|| (), move |_| intake_forms(practice.id));
    let may_change = practice.may(Capability::ChangeSettings);
    view! {
        <div class="settings-form">
            <p class="hint">"Forms your clients fill in the portal. Ticked as default, a form goes with every portal invitation unless the sender unticks it."</p>
            {may_change.then(|| view! { <a class="button primary" href=practice.path("settings/forms/new")>"New form"</a> })}
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || forms.get().map(|result| match result {
                    Ok(forms) if forms.is_empty() => view! { <p>"No forms yet."</p> }.into_any(),
                    Ok(forms) => view! {
                        <ul class="form-list">
                            {forms.into_iter().map(|form| view! {
                                <li>
                                    <a href=practice.path(&format!("settings/forms/{}", form.id))>{form.title}</a>
                                    <span class="hint">{format!(" {} field(s)", form.fields)}</span>
                                    {form.default.then(|| view! { <span class="badge badge-sent">"Default"</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
pub fn FormBuilderPage() -> impl IntoView {
    let practice = use_practice();
    let params = use_params_map();
    let form = move || params.with(|p| p.get("form").and_then(|f| f.parse::<FormId>().ok()));
    let stored = Resource::new(form, move |form| async move {
        match form {
            Some(id) => intake_form(practice.id, id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || stored.get().map(|result| match result {
                Ok(definition) => view! { <Builder practice id=form() definition=definition.unwrap_or_default()/> }.into_any(),
                Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// One field being edited; `key` stays with it as it moves.
#[derive(Clone, Copy)]
struct Draft {
    key: usize,
    label: RwSignal<String>,
    kind: RwSignal<String>,
    required: RwSignal<bool>,
    options: RwSignal<String>,
}

impl Draft {
    fn new(key: usize, field: Field) -> Draft {
        let options = match &field.kind {
            FieldKind::SingleChoice(options) => options.join("\n"),
            _ => String::new(),
        };
        Draft {
            key,
            label: RwSignal::new(field.label),
            kind: RwSignal::new(field.kind.name().to_owned()),
            required: RwSignal::new(field.required),
            options: RwSignal::new(options),
        }
    }

    fn field(&self) -> Field {
        let options = self
            .options
            .with_untracked(|o| o.lines().map(str::to_owned).collect());
        Field {
            label: self.label.get_untracked(),
            kind: FieldKind::from_name(&self.kind.get_untracked(), options)
                .unwrap_or(FieldKind::ShortText),
            required: self.required.get_untracked(),
        }
    }
}

#[component]
fn Builder(
    practice: PracticeContext,
    id: Option<FormId>,
    definition: FormDefinition,
) -> impl IntoView {
    let read_only = !practice.may(Capability::ChangeSettings);
    let title = RwSignal::new(definition.title);
    let cosign = RwSignal::new(definition.cosign);
    let next_key = StoredValue::new(definition.fields.len());
    let fields = RwSignal::new(
        definition
            .fields
            .into_iter()
            .enumerate()
            .map(|(key, field)| Draft::new(key, field))
            .collect::<Vec<_>>(),
    );
    let action = ServerAction::<SaveIntakeForm>::new();
    let errors = FormErrors::of(action);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            navigate(&practice.path("settings/forms"), Default::default());
        }
    });
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let field = Field {
            label: String::new(),
            kind: FieldKind::ShortText,
            required: false,
        };
        fields.update(|f| f.push(Draft::new(key, field)));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let definition = FormDefinition {
            title: title.get_untracked(),
            fields: fields.with_untracked(|f| f.iter().map(Draft::field).collect()),
            cosign: cosign.get_untracked(),
        };
        if errors.check(definition.validate()).is_some() {
            action.dispatch(SaveIntakeForm {
                practice: practice.id,
                form: id,
                definition,
            });
        }
    };
    let title_error = errors.field("title");
    let fields_error = errors.field("fields");
    view! {
        <form class="settings-form form-builder" on:submit=submit novalidate>
            <h2>{if id.is_some() { "Edit form" } else { "New form" }}</h2>
            {read_only.then(|| view! { <p class="alert alert-info">"Only Owners and Admins change the practice's forms."</p> })}
            <FormAlert errors/>
            <div class="field">
                <label for="form-title">"Title"</label>
                <input id="form-title" type="text" bind:value=title disabled=read_only
                    aria-invalid=move || title_error.get().is_some().to_string()/>
                {move || title_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <For each=move || fields.get() key=|draft| draft.key let:draft>
                <FieldEditor draft fields errors read_only/>
            </For>
            {move || fields_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            <label class="check">
                <input type="checkbox" bind:checked=cosign disabled=read_only/>
                "Needs a co-signature: after the client submits it, someone with “Can sign forms” signs it too"
            </label>
            {(!read_only).then(|| view! {
                <div class="form-actions">
                    <button type="button" class="button secondary" on:click=add>"Add field"</button>
                    <Submit label="Save form" busy="Saving…" pending=action.pending()/>
                </div>
            })}
        </form>
    }
}

#[component]
fn FieldEditor(
    draft: Draft,
    fields: RwSignal<Vec<Draft>>,
    errors: FormErrors,
    read_only: bool,
) -> impl IntoView {
    let index =
        Memo::new(move |_| fields.with(|f| f.iter().position(|d| d.key == draft.key).unwrap_or(0)));
    let label_error = Signal::derive(move || errors.field_owned(field_key(index.get())).get());
    let options_error = Signal::derive(move || {
        errors
            .field_owned(format!("{}-options", field_key(index.get())))
            .get()
    });
    let id = format!("builder-{}", draft.key);
    let shift = move |by: isize| {
        fields.update(|f| {
            let from = index.get_untracked();
            let to = from as isize + by;
            if to >= 0 && (to as usize) < f.len() {
                f.swap(from, to as usize);
            }
        })
    };
    let remove = move |_| fields.update(|f| f.retain(|d| d.key != draft.key));
    let is_choice = move || draft.kind.with(|k| k == "single_choice");
    view! {
        <fieldset class="builder-field">
            <legend>{move || format!("Field {}", index.get() + 1)}</legend>
            <div class="field">
                <label for=format!("{id}-label")>"Question"</label>
                <input id=format!("{id}-label") type="text" bind:value=draft.label disabled=read_only
                    aria-invalid=move || label_error.get().is_some().to_string()/>
                {move || label_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <div class="field">
                <label for=format!("{id}-kind")>"Kind"</label>
                <select id=format!("{id}-kind") disabled=read_only
                    on:change=move |ev| draft.kind.set(event_target_value(&ev))>
                    {FieldKind::NAMES.into_iter().map(|(name, label)| view! {
                        <option value=name selected=move || draft.kind.with(|k| k == name)>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            {move || is_choice().then(|| view! {
                <div class="field">
                    <label for=format!("{id}-options")>"Options, one per line"</label>
                    <textarea id=format!("{id}-options") rows="4" bind:value=draft.options disabled=read_only></textarea>
                    {move || options_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
            })}
            <label class="check"><input type="checkbox" bind:checked=draft.required disabled=read_only/>"Required"</label>
            {(!read_only).then(|| view! {
                <div class="row-actions">
                    <button type="button" class="button small secondary" on:click=move |_| shift(-1)
                        disabled=move || index.get() == 0>"Move up"</button>
                    <button type="button" class="button small secondary" on:click=move |_| shift(1)
                        disabled=move || { index.get() + 1 >= fields.with(Vec::len) }>"Move down"</button>
                    <button type="button" class="button small secondary" on:click=remove>"Remove field"</button>
                </div>
            })}
        </fieldset>
    }
}
