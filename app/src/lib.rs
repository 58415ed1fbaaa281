//! The Leptos application: pages, components and the server functions they
//! call. Compiled to WASM (feature `hydrate`) for the browser and natively
//! (feature `ssr`) inside the server binary.

#![recursion_limit = "256"]

pub mod api;
// The console: not in the portal's bundle.
#[cfg(not(feature = "portal-bundle"))]
pub mod app;
pub mod components;
pub mod error;
pub mod pages;
pub mod portal_app;
#[cfg(feature = "ssr")]
pub mod serve;

/// The console's bundle: every page but the portal's.
#[cfg(all(feature = "hydrate", not(feature = "portal-bundle")))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    hydrate_with(app::App);
}

/// The portal's bundle (`portal_app`): the same entry name, so the same
/// loader script starts either.
#[cfg(feature = "portal-bundle")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    hydrate_with(portal_app::PortalApp);
}

#[cfg(feature = "hydrate")]
fn hydrate_with<V: leptos::IntoView + 'static>(app: fn() -> V) {
    console_error_panic_hook::set_once();
    // Asynchronous: a page split out of the main bundle (`pages::lazy`) is
    // fetched before the server's HTML is hydrated.
    wasm_bindgen_futures::spawn_local(async move {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app)
            .await
            .forget();
        // Tests and scripts wait for this before they type: until then a form would post natively.
        let _ = body.set_attribute("data-hydrated", "true");
        // When it happened, for the first-visit figure the browser tests print.
        if let Some(performance) = leptos::prelude::window().performance() {
            let _ = body.set_attribute("data-hydrated-at", &format!("{:.0}", performance.now()));
        }
    });
}
