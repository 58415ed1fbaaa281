//! A client filling a form: one input per field by its kind, a signature
//! drawn on a canvas, *Save draft* to come back later, *Submit* to hand it
//! in. The browser checks with `shared::forms` as the server does.

use leptos::html::Canvas;
use leptos::prelude::*;
use shared::forms::{
    field_key, Answers, Completion, Field, FieldKind, FilledForm, FormSave, FormStatus,
};
use web_sys::wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use crate::api::forms::SavePortalForm;
use crate::components::form::{hydrated, FormAlert, FormErrors, Submit};

/// The form as the client fills it; `done` runs when it has been handed in.
#[component]
pub fn FormFiller(form: FilledForm, done: Callback<()>) -> impl IntoView {
    let FilledForm {
        id,
        definition,
        answers,
        ..
    } = form;
    let values: Vec<RwSignal<String>> = answers.0.into_iter().map(RwSignal::new).collect();
    let action = ServerAction::<SavePortalForm>::new();
    let errors = FormErrors::of(action);
    let hydrated = hydrated();
    let definition = StoredValue::new(definition);
    let stored = StoredValue::new(values.clone());
    let send = move |completion: Completion| {
        let answers = Answers(stored.with_value(|v| v.iter().map(|s| s.get_untracked()).collect()));
        let checked = definition.with_value(|d| answers.check(d, completion));
        if errors.check(checked).is_some() {
            action.dispatch(SavePortalForm {
                id,
                save: FormSave {
                    answers,
                    completion,
                },
            });
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(FormStatus::Submitted)) = action.value().get() {
            done.run(());
        }
    });
    let saved = move || {
        matches!(action.value().get(), Some(Ok(FormStatus::Draft))).then(|| view! {
            <p class="alert alert-info" role="status">"Draft saved: you can leave and finish it later."</p>
        })
    };
    let fields = definition.with_value(|d| d.fields.clone());
    view! {
        <form class="form-filler" novalidate on:submit=move |ev| { ev.prevent_default(); send(Completion::Submit); }>
            <FormAlert errors/>
            {saved}
            {fields.into_iter().zip(values).enumerate().map(|(index, (field, value))| {
                let error = errors.field_owned(field_key(index));
                view! { <Answer index field value error/> }
            }).collect_view()}
            <div class="form-actions">
                <button type="button" class="button secondary" disabled=move || action.pending().get() || !hydrated.get()
                    on:click=move |_| send(Completion::Draft)>"Save draft"</button>
                <Submit label="Submit form" busy="Sending…" pending=action.pending()/>
            </div>
        </form>
    }
}

/// One field's input, by its kind, with its error under it.
#[component]
fn Answer(
    index: usize,
    field: Field,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("answer-{index}");
    let error_id = format!("{id}-error");
    let invalid = move || {
        if error.get().is_some() {
            "true"
        } else {
            "false"
        }
    };
    let label = {
        let (text, required) = (field.label.clone(), field.required);
        move || view! { {text.clone()}{required.then(|| view! { <span class="required">" (required)"</span> })} }
    };
    let problem = {
        let error_id = error_id.clone();
        move || {
            error
                .get()
                .map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })
        }
    };
    let options: Option<Vec<(String, String)>> = match &field.kind {
        FieldKind::SingleChoice(options) => {
            Some(options.iter().map(|o| (o.clone(), o.clone())).collect())
        }
        FieldKind::YesNo => Some(vec![
            ("yes".into(), "Yes".into()),
            ("no".into(), "No".into()),
        ]),
        _ => None,
    };
    if let Some(options) = options {
        return view! {
            <fieldset class="field choices" aria-describedby=error_id>
                <legend>{label}</legend>
                {options.into_iter().map(|(option, shown)| {
                    let checked = option.clone();
                    let name = id.clone();
                    view! {
                        <label class="check">
                            <input type="radio" name=name value=option.clone()
                                prop:checked=move || value.with(|v| *v == checked)
                                on:change=move |_| value.set(option.clone())/>
                            {shown}
                        </label>
                    }
                }).collect_view()}
                {problem}
            </fieldset>
        }
        .into_any();
    }
    let input = match field.kind {
        FieldKind::LongText => view! {
            <textarea id=id.clone() rows="4" bind:value=value aria-invalid=invalid aria-describedby=error_id></textarea>
        }
        .into_any(),
        FieldKind::Signature => view! { <SignaturePad id=id.clone() value/> }.into_any(),
        FieldKind::Date => view! {
            <input id=id.clone() type="date" bind:value=value aria-invalid=invalid aria-describedby=error_id/>
        }
        .into_any(),
        _ => view! {
            <input id=id.clone() type="text" bind:value=value aria-invalid=invalid aria-describedby=error_id/>
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            {problem}
        </div>
    }
    .into_any()
}

/// A box to sign in with a finger or the mouse; `value` holds the PNG as a
/// `data:` URL once a stroke ends, and an image of it replaces the box.
#[component]
pub(crate) fn SignaturePad(id: String, value: RwSignal<String>) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let drawing = RwSignal::new(false);
    let context = move || -> Option<CanvasRenderingContext2d> {
        canvas
            .get_untracked()?
            .get_context("2d")
            .ok()??
            .dyn_into()
            .ok()
    };
    // The canvas draws in its own pixels; CSS stretches it to the column.
    let at = move |ev: &leptos::ev::PointerEvent| -> Option<(f64, f64)> {
        let c = canvas.get_untracked()?;
        let scale_x = f64::from(c.width()) / f64::from(c.client_width().max(1));
        let scale_y = f64::from(c.height()) / f64::from(c.client_height().max(1));
        Some((
            f64::from(ev.offset_x()) * scale_x,
            f64::from(ev.offset_y()) * scale_y,
        ))
    };
    let start = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        if let (Some(ctx), Some((x, y))) = (context(), at(&ev)) {
            drawing.set(true);
            ctx.set_line_width(3.0);
            ctx.set_line_cap("round");
            ctx.begin_path();
            ctx.move_to(x, y);
            ctx.line_to(x + 0.5, y + 0.5);
            ctx.stroke();
        }
    };
    let draw = move |ev: leptos::ev::PointerEvent| {
        if drawing.get_untracked() {
            if let (Some(ctx), Some((x, y))) = (context(), at(&ev)) {
                ctx.line_to(x, y);
                ctx.stroke();
            }
        }
    };
    let end = move |_| {
        if drawing.get_untracked() {
            drawing.set(false);
            if let Some(url) = canvas.get_untracked().and_then(|c| c.to_data_url().ok()) {
                value.set(url);
            }
        }
    };
    // Without a pointer (a keyboard, a switch), the typed name is drawn instead.
    let typed = RwSignal::new(String::new());
    let sign_typed = move |_| {
        let name = typed.get_untracked();
        if let (Some(c), Some(ctx)) = (canvas.get_untracked(), context()) {
            let (w, h) = (f64::from(c.width()), f64::from(c.height()));
            ctx.clear_rect(0.0, 0.0, w, h);
            ctx.set_font("italic 56px cursive, serif");
            ctx.set_text_baseline("middle");
            let _ = ctx.fill_text_with_max_width(name.trim(), 20.0, h / 2.0, w - 40.0);
            if let Ok(url) = c.to_data_url() {
                value.set(url);
            }
        }
    };
    let hint_id = format!("{id}-hint");
    let typed_id = format!("{id}-typed");
    view! {
        <p class="hint" id=hint_id.clone()>"Sign in the box with your finger or the mouse, or type your name below it."</p>
        {move || if value.with(String::is_empty) {
            view! {
                <canvas id=id.clone() class="signature-pad" width="600" height="200" node_ref=canvas
                    role="img" aria-label="Signature box" aria-describedby=hint_id.clone()
                    on:pointerdown=start on:pointermove=draw on:pointerup=end on:pointerleave=end></canvas>
                <div class="typed-signature">
                    <label for=typed_id.clone()>"Or type your name to sign"</label>
                    <input id=typed_id.clone() type="text" autocomplete="name" bind:value=typed/>
                    <button type="button" class="button small secondary" on:click=sign_typed
                        disabled=move || typed.with(|t| t.trim().is_empty())>"Sign with this name"</button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <img id=id.clone() class="signature-image" src=value.get() alt="Your signature"/>
                <button type="button" class="button small secondary" on:click=move |_| value.set(String::new())>
                    "Clear signature"
                </button>
            }
            .into_any()
        }}
    }
}
