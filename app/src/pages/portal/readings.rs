//! Readings (product.md §7): a member or client logs what they measured, in
//! the unit their meter shows, at the time their phone shows; their newest
//! readings below, with the time as they wrote it.

use leptos::prelude::*;
use shared::community::health::KINDS;
use shared::goals::ReadingKind;
use shared::readings::{ReadingEntry, Unit};

use crate::api::portal::{my_readings, LogReading};
use crate::components::form::{Field, FormAlert, FormErrors, Submit};
use crate::components::practice::PracticeProblem;

/// The phone's offset from UTC at a local date and time (`2026-12-01T08:30`),
/// in minutes east; 0 where there is no browser.
fn utc_offset_minutes(local: &str) -> i32 {
    #[cfg(feature = "hydrate")]
    {
        let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(local));
        -(at.get_timezone_offset() as i32)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = local;
        0
    }
}

/// Now on the phone's clock, as a `datetime-local` value.
fn local_now() -> String {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::new_0();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            now.get_full_year(),
            now.get_month() + 1,
            now.get_date(),
            now.get_hours(),
            now.get_minutes()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[component]
pub fn PortalReadingsPage() -> impl IntoView {
    let action = ServerAction::<LogReading>::new();
    let readings = Resource::new(move || action.version().get(), |_| my_readings());
    let errors = FormErrors::of(action);
    let kind = RwSignal::new(ReadingKind::Glucose);
    let unit = RwSignal::new(Unit::Stored);
    let value = RwSignal::new(String::new());
    let taken_at = RwSignal::new(String::new());
    // The phone's time, once the page runs in the browser.
    Effect::new(move |_| taken_at.set(local_now()));
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            value.set(String::new());
        }
    });
    view! {
        <section class="card narrow portal">
            <h1>"Readings"</h1>
            <form class="stack" on:submit=move |ev| {
                ev.prevent_default();
                let at = taken_at.get_untracked();
                let entry = ReadingEntry {
                    kind: kind.get_untracked(),
                    value: value.get_untracked(),
                    unit: unit.get_untracked(),
                    utc_offset_minutes: utc_offset_minutes(&at),
                    taken_at: at,
                };
                // The server's clock decides about the future; the form checks the rest.
                if errors.check(entry.reading(i64::MAX / 2)).is_some() {
                    action.dispatch(LogReading { entry });
                }
            }>
                <FormAlert errors/>
                <div class="field">
                    <label for="reading-kind">"What"</label>
                    <select id="reading-kind" on:change=move |ev| {
                        if let Some(k) = ReadingKind::from_code(&event_target_value(&ev)) {
                            kind.set(k);
                            unit.set(Unit::Stored);
                        }
                    }>
                        {KINDS.into_iter().map(|k| view! {
                            <option value=k.code() selected=move || kind.get() == k>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="reading-value">
                    <Field label="Value" name="value" value errors kind="text" autocomplete="off"/>
                    {move || {
                        let units = Unit::for_kind(kind.get());
                        (units.len() > 1).then(|| view! {
                            <div class="field">
                                <label for="reading-unit">"Unit"</label>
                                <select id="reading-unit" on:change=move |ev| {
                                    if let Some(u) = Unit::from_code(&event_target_value(&ev)) { unit.set(u) }
                                }>
                                    {units.iter().map(|u| view! {
                                        <option value=u.code() selected=move || unit.get() == *u>{u.label(kind.get_untracked())}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                        })
                    }}
                    {move || (Unit::for_kind(kind.get()).len() == 1).then(|| view! {
                        <p class="unit">{kind.get().unit()}</p>
                    })}
                </div>
                <Field label="Taken at" name="taken_at" value=taken_at errors kind="datetime-local"/>
                <Submit label="Log reading" busy="Logging…" pending=action.pending()/>
                {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="alert alert-success" role="status">"Logged."</p>
                })}
            </form>
            <h2>"Your readings"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || readings.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p>"None yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="readings">
                            {list.into_iter().map(|r| view! {
                                <li>
                                    <span class="what">{r.kind.label()}</span>
                                    <strong>{format!("{} {}", r.value, r.kind.unit())}</strong>
                                    <span class="when">{r.taken}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
