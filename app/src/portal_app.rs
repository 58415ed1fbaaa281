//! The client portal as an application of its own. A patient's first visit —
//! an invitation opened on a phone — should not download the console every
//! practice member uses: the pages under `/portal` are rendered inside this
//! component, and the browser hydrates them with a second WASM bundle built
//! from this crate with the feature `portal-bundle` (`make`), which holds this
//! component and what it reaches, and nothing else.
//!
//! Links out of `/portal` (log in, the start page) are left to the browser by
//! the router's `base`: they load the console's bundle as a first visit would.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::api::accounts::current_user;
use crate::components::header::{Header, MeResource};
use crate::pages::portal::{
    CommunityInvitationPage, CommunityJoinPage, PortalFormPage, PortalHomePage,
    PortalInvitationPage, PortalReadingsPage, PortalSharingPage, UnsubscribePage,
};
use crate::pages::NotFound;

/// Where the portal's pages live; the console's router has none of them.
pub const BASE: &str = "/portal";

/// Whether `path` is one of the portal's addresses.
pub fn holds(path: &str) -> bool {
    path.strip_prefix(BASE)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The name of the portal bundle's files (`portal.<hash>.js`, `.wasm`).
pub const OUTPUT_NAME: &str = "portal";

/// The file that names the portal bundle's content hashes, beside the
/// console's (`make` writes it when it builds the bundle).
pub const HASH_FILE: &str = "portal-hash.txt";

/// The console's options, pointed at the portal bundle's files.
pub fn bundle_options(options: &LeptosOptions) -> LeptosOptions {
    let hash_file = std::path::Path::new(options.hash_file.as_ref()).with_file_name(HASH_FILE);
    let mut portal = options.clone();
    portal.output_name = OUTPUT_NAME.into();
    portal.hash_file = hash_file.to_string_lossy().into();
    portal
}

#[component]
pub fn PortalApp() -> impl IntoView {
    provide_meta_context();
    let me: MeResource = Resource::new(|| (), |_| current_user());
    provide_context(me);
    view! {
        <Title text="Carekeys"/>
        <Router base=BASE>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header/>
            // The portal's sections, for whoever is signed in.
            <Transition fallback=|| ()>
                {move || me.get().and_then(Result::ok).flatten().map(|_| view! {
                    <nav class="portal-nav" aria-label="Portal">
                        <a href="/portal">"Your forms"</a>
                        <a href="/portal/readings">"Readings"</a>
                        <a href="/portal/sharing">"Sharing"</a>
                    </nav>
                })}
            </Transition>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("") view=PortalHomePage/>
                    <Route path=path!("/invitation") view=PortalInvitationPage/>
                    <Route path=path!("/forms/:id") view=PortalFormPage/>
                    <Route path=path!("/readings") view=PortalReadingsPage/>
                    <Route path=path!("/sharing") view=PortalSharingPage/>
                    <Route path=path!("/community") view=CommunityInvitationPage/>
                    <Route path=path!("/join") view=CommunityJoinPage/>
                    <Route path=path!("/unsubscribe") view=UnsubscribePage/>
                </Routes>
            </main>
        </Router>
    }
}
