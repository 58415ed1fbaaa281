//! Pieces shared by the pages of one practice.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::ids::PracticeId;
use shared::roles::Role;
use shared::validation::{FieldErrors, PracticeDetails, PracticeForm};

use crate::api::practices::{get_practice_details, time_zones};
use crate::components::form::{Field, FormErrors};
use crate::components::header::MeResource;
use crate::error::AppError;
use leptos_router::components::Redirect;

/// The practice named in the path (`/p/:practice/…`).
pub fn practice_from_path() -> Memo<Option<PracticeId>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("practice").and_then(|s| s.parse().ok()))
}

/// The caller's role in `practice`, from the header's data.
pub fn my_role(practice: Memo<Option<PracticeId>>) -> Signal<Option<Role>> {
    let me = expect_context::<MeResource>();
    Signal::derive(move || {
        let practice = practice.get()?;
        let me = me.get()?.ok().flatten()?;
        me.practices
            .into_iter()
            .find(|p| p.id == practice)
            .map(|p| p.role)
    })
}

/// What a page of one practice shows when its data cannot be had.
#[component]
pub fn PracticeProblem(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! { <Redirect path="/login"/> }.into_any(),
        other => view! {
            <section class="card narrow">
                <h1>"Not available"</h1>
                <p role="alert">{other.to_string()}</p>
                <p><a href="/">"Go to your practices"</a></p>
            </section>
        }
        .into_any(),
    }
}

/// Loads the details of the practice in the path, then shows `page` — or why it cannot.
pub fn with_practice_details<V, F>(page: F) -> impl IntoView
where
    F: Fn(PracticeId, PracticeDetails) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let practice = practice_from_path();
    let details = Resource::new(
        move || practice.get(),
        |p| async move {
            match p {
                Some(p) => get_practice_details(p).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let page = page.clone();
                details.get().map(move |result| match (result, practice.get()) {
                    (Ok(details), Some(id)) => page(id, details).into_any(),
                    (Err(error), _) => view! { <PracticeProblem error/> }.into_any(),
                    (Ok(_), None) => view! { <PracticeProblem error=AppError::NotFound/> }.into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn PracticeNav(practice: PracticeId, current: &'static str) -> impl IntoView {
    let links = [
        ("Dashboard", format!("/p/{practice}")),
        ("Team", format!("/p/{practice}/team")),
        ("Settings", format!("/p/{practice}/settings")),
    ];
    view! {
        <nav class="practice-nav" aria-label="Practice">
            {links.into_iter().map(|(label, href)| view! {
                <a href=href aria-current=(label == current).then_some("page")>{label}</a>
            }).collect_view()}
        </nav>
    }
}

/// Name, contact email and time zone: the create form and Settings → Details.
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
