//! The profile photo on the Edit user page: the file goes to the server as
//! it is (a plain `PUT`), which decodes and re-encodes it; the page shows the
//! server's copy, never the file the admin picked.

use leptos::prelude::*;
use shared::ids::AccountId;
use shared::staff::{photo_size_problem, PHOTO_TYPES};

use crate::components::practice::PracticeContext;

#[component]
pub fn PhotoUpload(practice: PracticeContext, member: AccountId, has_photo: bool) -> impl IntoView {
    let url = practice.path(&format!("photos/{member}"));
    // Bumped after each upload, so the browser fetches the new picture.
    let version = RwSignal::new(has_photo.then_some(0u32));
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let target = url.clone();
    let chosen = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        if let Some(message) = photo_size_problem(file.size() as usize) {
            problem.set(Some(message));
            return;
        }
        problem.set(None);
        busy.set(true);
        let target = target.clone();
        leptos::task::spawn_local(async move {
            let answer = send(&target, &file).await;
            busy.set(false);
            match answer {
                Ok(()) => version.update(|v| *v = Some(v.map_or(1, |n| n + 1))),
                Err(message) => problem.set(Some(message)),
            }
        });
    };
    view! {
        <section class="card photo">
            <h2>"Profile photo"</h2>
            {move || version.get().map(|v| view! {
                <img class="avatar" src=format!("{url}?v={v}") alt="Current profile photo" width="128" height="128"/>
            })}
            <div class="field">
                <label for="field-photo">"Upload a photo"</label>
                <p class="hint" id="field-photo-hint">"PNG, JPEG or WebP, at most 2 MB. Clients see it only with Show in patient app."</p>
                <input id="field-photo" name="photo" type="file" accept=PHOTO_TYPES
                    aria-describedby="field-photo-hint" disabled=move || busy.get()
                    aria-invalid=move || if problem.get().is_some() { "true" } else { "false" }
                    on:change=chosen/>
                {move || busy.get().then(|| view! { <p class="hint" role="status">"Uploading…"</p> })}
                {move || problem.get().map(|m| view! { <p class="field-error" id="field-photo-error" role="alert">{m}</p> })}
            </div>
        </section>
    }
}

/// PUTs the file; the error is the sentence the server answered with.
#[cfg(feature = "hydrate")]
async fn send(url: &str, file: &web_sys::File) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let offline = || "We could not reach Carekeys. Check your connection and try again.".to_owned();
    let init = web_sys::RequestInit::new();
    init.set_method("PUT");
    init.set_body(file);
    let window = web_sys::window().ok_or_else(offline)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| offline())?
        .unchecked_into();
    if response.ok() {
        return Ok(());
    }
    let text = JsFuture::from(response.text().map_err(|_| offline())?)
        .await
        .map_err(|_| offline())?;
    Err(text.as_string().unwrap_or_else(offline))
}

#[cfg(not(feature = "hydrate"))]
async fn send(_url: &str, _file: &web_sys::File) -> Result<(), String> {
    Err("Uploads need the page's script; reload the page.".into())
}
