//! The practice console's frame: one parent route (`/p/:practice`) whose
//! layout loads the practice and the viewer's place in it once, provides it as
//! [`PracticeContext`], and shows the navigation the viewer may use — decided
//! by the shared role table (`can`), the same function the server asks.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::{use_location, use_params_map};
use shared::ids::PracticeId;
use shared::membership::needs_another_admin;
use shared::roles::{can, Actor, Capability};
use shared::validation::PracticeDetails;

use crate::api::practices::{get_practice_place, UpdatePracticeDetails};
use crate::error::AppError;
use crate::pages::urlencode;

/// The practice being shown and what the viewer may do there.
#[derive(Clone, Copy)]
pub struct PracticeContext {
    pub id: PracticeId,
    pub details: StoredValue<PracticeDetails>,
    pub actor: Actor,
    pub active_admins: u64,
}

impl PracticeContext {
    /// Whether the viewer holds `capability` here (practice-wide actions).
    pub fn may(&self, capability: Capability) -> bool {
        can(&self.actor, capability).permits(false)
    }

    /// A path inside this practice: `path("team")` → `/p/<id>/team`.
    pub fn path(&self, rest: &str) -> String {
        match rest {
            "" => format!("/p/{}", self.id),
            rest => format!("/p/{}/{rest}", self.id),
        }
    }
}

/// The context every page under `/p/:practice` runs in.
pub fn use_practice() -> PracticeContext {
    expect_context::<PracticeContext>()
}

/// The practice named in the path (`/p/:practice/…`).
fn practice_from_path() -> Memo<Option<PracticeId>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("practice").and_then(|s| s.parse().ok()))
}

/// The parent route of every practice page.
#[component]
pub fn PracticeLayout() -> impl IntoView {
    let practice = practice_from_path();
    // Keyed on the details action: a saved name shows everywhere at once.
    let saved = expect_context::<ServerAction<UpdatePracticeDetails>>();
    let place = Resource::new(
        move || (practice.get(), saved.version().get()),
        |(p, _)| async move {
            match p {
                Some(p) => get_practice_place(p).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    // Made once with the layout: a memo made inside the closure below would be
    // disposed while a re-render still reads it.
    let current = use_location().pathname;
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || place.get().map(|result| match result {
                Ok(place) => {
                    let context = PracticeContext {
                        id: place.id,
                        details: StoredValue::new(place.details),
                        actor: place.actor,
                        active_admins: place.active_admins,
                    };
                    provide_context(context);
                    view! {
                        <PracticeNav practice=place.id actor=place.actor current=current/>
                        <Outlet/>
                    }.into_any()
                }
                Err(error) => view! { <PracticeProblem error/> }.into_any(),
            })}
        </Transition>
    }
}

/// What a page of one practice shows when its data cannot be had.
#[component]
pub fn PracticeProblem(error: AppError) -> impl IntoView {
    match error {
        // Back here after logging in (again): a session ended by a suspension
        // then hears why, instead of landing somewhere else.
        AppError::Unauthenticated => {
            let here = urlencode(&use_location().pathname.get_untracked());
            view! { <Redirect path=format!("/login?next={here}")/> }.into_any()
        }
        AppError::PasswordChangeRequired => {
            let here = urlencode(&use_location().pathname.get_untracked());
            view! { <Redirect path=format!("/change-password?next={here}")/> }.into_any()
        }
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

/// Seed 002: a practice should have two people who can manage it (one may be
/// away). Shown to those who can do something about it.
#[component]
pub fn LoneAdminNote(active_admins: u64) -> impl IntoView {
    needs_another_admin(active_admins).then(|| view! {
        <p class="alert alert-warning" role="note">"Only one active person can manage this team. Promote a second person to Admin, so the practice is not locked out while one is away."</p>
    })
}

/// The console's sections, each shown only to those the role table lets use it.
pub fn nav_entries(practice: PracticeId, actor: &Actor) -> Vec<(&'static str, String)> {
    let mut entries = vec![("Dashboard", format!("/p/{practice}"))];
    if can(actor, Capability::ViewClients).permits(false) {
        entries.push(("Clients", format!("/p/{practice}/clients")));
    }
    if shared::forms::may_cosign(actor) {
        entries.push(("To sign", format!("/p/{practice}/to-sign")));
    }
    if can(actor, Capability::ManageTeam).permits(false) {
        entries.push(("Team", format!("/p/{practice}/team")));
    }
    if can(actor, Capability::ViewReports).permits(false) {
        entries.push(("Community", format!("/p/{practice}/community")));
    }
    if can(actor, Capability::ViewAudit).permits(false) {
        entries.push(("Audit log", format!("/p/{practice}/audit")));
    }
    entries.push(("Settings", format!("/p/{practice}/settings")));
    entries
}

#[component]
pub fn PracticeNav(
    practice: PracticeId,
    actor: Actor,
    #[prop(into)] current: Signal<String>,
) -> impl IntoView {
    let home = format!("/p/{practice}");
    view! {
        <nav class="practice-nav" aria-label="Practice">
            {nav_entries(practice, &actor).into_iter().map(|(label, href)| {
                let (link, home) = (href.clone(), home.clone());
                let here = move || {
                    let path = current.get();
                    let path = path.trim_end_matches('/');
                    if link == home { path == home } else { path == link || path.starts_with(&format!("{link}/")) }
                };
                view! { <a href=href aria-current=move || here().then_some("page")>{label}</a> }
            }).collect_view()}
        </nav>
    }
}
