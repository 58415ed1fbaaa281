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
    leptos::mount::hydrate_body(app::App);
    // Tests and scripts wait for this before they type: until then a form would post natively.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
        // When it happened, for the first-visit figure the browser tests print.
        if let Some(performance) = leptos::prelude::window().performance() {
            let _ = body.set_attribute("data-hydrated-at", &format!("{:.0}", performance.now()));
        }
    }
}
