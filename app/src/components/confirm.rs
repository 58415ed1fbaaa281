//! The one confirmation for destructive actions (ui.md): a modal `<dialog>`
//! that names the person and the consequence, with Cancel and the action.

use leptos::prelude::*;

/// A question that needs a yes before something is removed, revoked or declined.
#[derive(Clone)]
pub struct Confirmation {
    /// Names the person or thing: "Revoke the invitation to ada@example.org?"
    pub question: String,
    /// What happens: "The link in the email stops working at once."
    pub consequence: String,
    /// The button that does it: "Revoke".
    pub action: &'static str,
    pub on_confirm: Callback<()>,
}

/// Where a page puts the question it is asking; [`ConfirmDialog`] shows it.
#[derive(Clone, Copy)]
pub struct Confirm(RwSignal<Option<Confirmation>>);

impl Confirm {
    pub fn new() -> Self {
        Self(RwSignal::new(None))
    }

    pub fn ask(
        &self,
        question: impl Into<String>,
        consequence: impl Into<String>,
        action: &'static str,
        on_confirm: impl Fn() + Send + Sync + 'static,
    ) {
        self.0.set(Some(Confirmation {
            question: question.into(),
            consequence: consequence.into(),
            action,
            on_confirm: Callback::new(move |()| on_confirm()),
        }));
    }
}

impl Default for Confirm {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn ConfirmDialog(confirm: Confirm) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let asking = confirm.0;
    // Opening a modal dialog is a DOM call: keep the element in step with the signal.
    Effect::new(move |_| {
        let Some(element) = dialog.get() else { return };
        match (asking.with(Option::is_some), element.open()) {
            (true, false) => {
                let _ = element.show_modal();
            }
            (false, true) => element.close(),
            _ => {}
        }
    });
    view! {
        <dialog node_ref=dialog class="confirm" aria-labelledby="confirm-question" aria-describedby="confirm-consequence"
            on:close=move |_| asking.set(None)>
            {move || asking.get().map(|c| {
                let on_confirm = c.on_confirm;
                view! {
                    <h2 id="confirm-question">{c.question}</h2>
                    <p id="confirm-consequence">{c.consequence}</p>
                    <div class="dialog-actions">
                        <button type="button" class="button secondary" on:click=move |_| asking.set(None)>"Cancel"</button>
                        <button type="button" class="button danger" on:click=move |_| {
                            asking.set(None);
                            on_confirm.run(());
                        }>{c.action}</button>
                    </div>
                }
            })}
        </dialog>
    }
}
