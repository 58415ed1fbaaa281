//! The Leptos application: pages, components and the server functions they
//! call. Compiled to WASM (feature `hydrate`) for the browser and natively
//! (feature `ssr`) inside the server binary.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod serve;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous: a page split out of the main bundle (`pages::lazy`) is
    // fetched before the server's HTML is hydrated.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
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
