//! Form pieces every page uses: labelled fields with their errors inline, a
//! sentence at the top for errors that belong to no field, a submit button
//! that shows progress and cannot be pressed twice.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use shared::validation::FieldErrors;

use crate::error::AppError;

/// The errors a form shows: the browser's own check first, then the server's answer.
#[derive(Clone, Copy)]
pub struct FormErrors {
    client: RwSignal<Option<FieldErrors>>,
    server: Signal<Option<AppError>>,
}

impl FormErrors {
    pub fn of<S>(action: ServerAction<S>) -> Self
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        Self::answering(Signal::derive(move || {
            action.value().get().and_then(Result::err)
        }))
    }

    /// For a form whose server answer comes from elsewhere (one form, two actions).
    pub fn answering(server: Signal<Option<AppError>>) -> Self {
        Self {
            client: RwSignal::new(None),
            server,
        }
    }

    /// Runs the shared validator; on success clears old errors and hands back the value.
    pub fn check<T>(&self, result: Result<T, FieldErrors>) -> Option<T> {
        match result {
            Ok(value) => {
                self.client.set(None);
                Some(value)
            }
            Err(errors) => {
                self.client.set(Some(errors));
                None
            }
        }
    }

    pub fn field(&self, name: &'static str) -> Signal<Option<String>> {
        self.field_owned(name.to_owned())
    }

    /// [`Self::field`] for a name made at run time (one field per row).
    pub fn field_owned(&self, name: String) -> Signal<Option<String>> {
        let (client, server) = (self.client, self.server);
        Signal::derive(move || match client.get() {
            Some(errors) => errors.get(&name).map(str::to_owned),
            None => server.get().and_then(|e| e.field(&name)),
        })
    }

    /// The sentence at the top of the form.
    pub fn summary(&self) -> Signal<Option<String>> {
        let (client, server) = (self.client, self.server);
        Signal::derive(move || match client.get() {
            Some(_) => Some(AppError::Validation(FieldErrors::new()).to_string()),
            None => server.get().map(|e| e.to_string()),
        })
    }
}

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = errors.field(name);
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                bind:value=value
                disabled=move || disabled.get()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
            />
            {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

#[component]
pub fn FormAlert(errors: FormErrors) -> impl IntoView {
    let summary = errors.summary();
    move || {
        summary
            .get()
            .map(|message| view! { <p class="alert alert-error" role="alert">{message}</p> })
    }
}

/// True once this page runs in the browser: effects never run on the server,
/// and in the browser they run after hydration.
pub fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// The form's button. Disabled until the page has hydrated: pages arrive in
/// pieces (`pages::lazy`), and a form sent before then would go natively, as
/// a GET with its fields — a password — in the address.
#[component]
pub fn Submit(
    label: &'static str,
    busy: &'static str,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let hydrated = hydrated();
    view! {
        <button type="submit" class="button primary" disabled=move || pending.get() || !hydrated.get() aria-busy=move || pending.get().to_string()>
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}

/// Loads the page whose path a successful `action` returns.
pub fn follow_on_success<S>(action: ServerAction<S>)
where
    S: ServerFn<Output = String, Error = AppError> + Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(path)) = action.value().get() {
            load_page(&path);
        }
    });
}

/// A full page load: after login or logout every part of the page must be
/// rendered again for the new person, so the router's soft navigation is not enough.
pub fn load_page(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
