//! Intake forms in the interface (product.md §7): a client's answers as the
//! team reads them (here), the client filling a form (`fill`), the
//! practice's form builder in Settings (`builder`), and the co-signers'
//! inbox (`to_sign`).

pub mod builder;
pub mod fill;
pub mod to_sign;

use leptos::prelude::*;
use shared::forms::{Answers, FieldKind, FormDefinition, FormStatus};

/// A status with its word, never colour alone.
pub fn status_badge(status: FormStatus) -> impl IntoView {
    view! { <span class=format!("badge {}", status.badge())>{status.label()}</span> }
}

/// What was answered, field by field, as the team and the client read it.
#[component]
pub fn FormAnswers(definition: FormDefinition, answers: Answers) -> impl IntoView {
    let rows = definition
        .fields
        .into_iter()
        .zip(answers.0)
        .map(|(field, answer)| {
            let shown = if answer.is_empty() {
                view! { <span class="hint">"Not answered"</span> }.into_any()
            } else {
                match field.kind {
                    FieldKind::Signature => view! {
                        <img class="signature-image" src=answer alt=format!("{} (drawn)", field.label)/>
                    }
                    .into_any(),
                    FieldKind::YesNo => view! { {if answer == "yes" { "Yes" } else { "No" }} }.into_any(),
                    _ => view! { <span class="answer">{answer}</span> }.into_any(),
                }
            };
            view! { <dt>{field.label}</dt><dd>{shown}</dd> }
        })
        .collect_view();
    view! { <dl class="form-answers">{rows}</dl> }
}
