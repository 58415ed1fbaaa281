//! Name, contact email and time zone: the fields of the create-practice form
//! and of Settings → Details, checked with the shared rule as you type.

use leptos::prelude::*;
use shared::validation::{FieldErrors, PracticeDetails, PracticeForm};

use crate::api::practices::time_zones;
use crate::components::form::{Field, FormErrors};

#[derive(Clone, Copy)]
pub struct DetailsFields {
    pub name: RwSignal<String>,
    pub contact_email: RwSignal<String>,
    pub time_zone: RwSignal<String>,
    zones: Resource<Result<Vec<String>, crate::error::AppError>>,
}

impl DetailsFields {
    pub fn new(initial: Option<PracticeDetails>) -> Self {
        let (name, email, zone) = initial.map_or_else(
            || (String::new(), String::new(), "UTC".to_owned()),
            |d| (d.name, d.contact_email.to_string(), d.time_zone),
        );
        Self {
            name: RwSignal::new(name),
            contact_email: RwSignal::new(email),
            time_zone: RwSignal::new(zone),
            zones: Resource::new(|| (), |_| time_zones()),
        }
    }

    pub fn form(&self) -> PracticeForm {
        PracticeForm {
            name: self.name.get(),
            contact_email: self.contact_email.get(),
            time_zone: self.time_zone.get(),
        }
    }

    /// The shared rule, with the zone list the server sent (any zone passes until it arrives).
    pub fn validate(&self) -> Result<PracticeForm, FieldErrors> {
        let form = self.form();
        let zones = self.zones.get_untracked().and_then(Result::ok);
        form.validate(|z| {
            zones
                .as_ref()
                .is_none_or(|list| list.iter().any(|known| known == z))
        })
        .map(|_| form)
    }
}

#[component]
pub fn DetailsInputs(
    fields: DetailsFields,
    errors: FormErrors,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let zone_error = errors.field("time_zone");
    let zones = fields.zones;
    let selected = fields.time_zone;
    view! {
        <Field label="Practice name" name="name" value=fields.name errors autocomplete="organization" disabled/>
        <Field label="Contact email" name="contact_email" kind="email" value=fields.contact_email errors
            autocomplete="email" hint="Where the practice's notices go. Clients can see it." disabled/>
        <div class="field">
            <label for="field-time_zone">"Time zone"</label>
            <select id="field-time_zone" name="time_zone" disabled=move || disabled.get()
                prop:value=move || selected.get()
                on:change=move |ev| selected.set(event_target_value(&ev))
                aria-invalid=move || if zone_error.get().is_some() { "true" } else { "false" }>
                <Transition fallback=move || view! { <option value=selected.get_untracked()>{selected.get_untracked()}</option> }>
                    {move || zones.get().map(|list| {
                        let list = list.unwrap_or_else(|_| vec![selected.get_untracked()]);
                        list.into_iter().map(|zone| {
                            let is_selected = zone == selected.get_untracked();
                            view! { <option value=zone.clone() selected=is_selected>{zone.replace('_', " ")}</option> }
                        }).collect_view()
                    })}
                </Transition>
            </select>
            {move || zone_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}

/// The browser's own time zone, as a sensible default for a new practice.
pub fn browser_time_zone() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        js_sys::Reflect::get(&options, &"timeZone".into())
            .ok()?
            .as_string()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}
