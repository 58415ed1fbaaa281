//! The client portal (product.md §5, §7), mobile first: one column, the
//! primary button in reach of a thumb.

mod community;
mod form;
mod invitation;
mod readings;
mod sharing;
mod unsubscribe;

pub use community::{CommunityInvitationPage, CommunityJoinPage};
pub use form::PortalFormPage;
pub use invitation::PortalInvitationPage;
pub use readings::PortalReadingsPage;
pub use sharing::PortalSharingPage;
pub use unsubscribe::UnsubscribePage;

use leptos::prelude::*;

use crate::api::portal::my_portal;
use crate::components::practice::PracticeProblem;
use crate::pages::forms::status_badge;

/// Your forms: where an invited client lands.
#[component]
pub fn PortalHomePage() -> impl IntoView {
    let places = Resource::new(|| (), |_| my_portal());
    view! {
        <section class="card narrow portal">
            <h1>"Your forms"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || places.get().map(|result| match result {
                    Ok(places) if places.is_empty() => view! {
                        <p>"You are not a client of any practice on Carekeys yet. Open the invitation your practice emailed you."</p>
                    }.into_any(),
                    Ok(places) => places.into_iter().map(|place| view! {
                        <div class="portal-practice">
                            <h2>{place.practice_name}</h2>
                            {if place.forms.is_empty() {
                                view! { <p>{format!("Welcome, {}. Your practice has not sent you any forms yet.", place.client_first_name)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="portal-forms">
                                        {place.forms.into_iter().map(|form| view! {
                                            <li>
                                                <a href=format!("/portal/forms/{}", form.id)>{form.title}</a>
                                                " "{status_badge(form.status)}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </div>
                    }).collect_view().into_any(),
                    Err(error) => view! { <PracticeProblem error/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
