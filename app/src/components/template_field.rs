//! A message with placeholders (product.md §5, §7): chips put a placeholder
//! where the cursor is, and the problem `shared::templates` finds is shown
//! under the box as it is typed.

use leptos::html::Textarea;
use leptos::prelude::*;
use shared::templates::Placeholder;

#[component]
pub fn TemplateField(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    value: RwSignal<String>,
    /// The chips offered: the placeholders this kind of message may use.
    placeholders: &'static [Placeholder],
    #[prop(into)] problem: Signal<Option<String>>,
    #[prop(default = 12)] rows: u32,
) -> impl IntoView {
    let area = NodeRef::<Textarea>::new();
    let insert = move |placeholder: Placeholder| {
        let token = placeholder.token();
        let (start, end) = area
            .get_untracked()
            .map(|el| {
                let at = |v: Result<Option<u32>, _>| v.ok().flatten().map(|n| n as usize);
                (at(el.selection_start()), at(el.selection_end()))
            })
            .unwrap_or((None, None));
        value.update(|m| {
            let chars: Vec<char> = m.chars().collect();
            let end = end.unwrap_or(chars.len()).min(chars.len());
            let start = start.unwrap_or(end).min(end);
            *m = chars[..start]
                .iter()
                .chain(token.chars().collect::<Vec<_>>().iter())
                .chain(chars[end..].iter())
                .collect();
        });
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <p class="hint" id=hint_id.clone()>{hint}</p>
            <div class="chips" role="group" aria-label="Insert a placeholder">
                {placeholders.iter().map(|p| {
                    let p = *p;
                    view! { <button type="button" class="chip" on:click=move |_| insert(p)>{p.token()}</button> }
                }).collect_view()}
            </div>
            <textarea id=id rows=rows node_ref=area bind:value=value
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby=format!("{hint_id} {error_id}")></textarea>
            <p class="field-error" id=error_id>{move || problem.get()}</p>
        </div>
    }
}
