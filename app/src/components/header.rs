//! The header: the practice you are in (and a switcher if you have several,
//! under the names of their groups),
//! and your name with Log out.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use shared::practice::PracticeSummary;

use crate::api::accounts::{LogOut, Me};
use crate::components::form::{follow_on_success, load_page};
use crate::error::AppError;

pub type MeResource = Resource<Result<Option<Me>, AppError>>;

/// The practice id in the current path, if the page belongs to one.
pub fn practice_in_path(path: &str) -> Option<String> {
    path.strip_prefix("/p/")
        .map(|rest| rest.split('/').next().unwrap_or_default().to_owned())
}

#[component]
pub fn Header() -> impl IntoView {
    let me = expect_context::<MeResource>();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Carekeys"</a>
            <Transition fallback=|| ()>
                {move || me.get().map(|result| match result {
                    Ok(Some(me)) => view! { <SignedInBar me/> }.into_any(),
                    _ => view! {
                        <nav class="topnav" aria-label="Account">
                            <a href="/login">"Log in"</a>
                            <a class="button small" href="/signup">"Sign up"</a>
                        </nav>
                    }.into_any(),
                })}
            </Transition>
        </header>
    }
}

/// The practices in runs of one group (the server lists each group's together),
/// for the switcher's headings.
fn by_group(practices: Vec<PracticeSummary>) -> Vec<(Option<String>, Vec<PracticeSummary>)> {
    let mut runs: Vec<(Option<String>, Vec<PracticeSummary>)> = Vec::new();
    for practice in practices {
        match runs.last_mut() {
            Some((group, run)) if *group == practice.group_name => run.push(practice),
            _ => runs.push((practice.group_name.clone(), vec![practice])),
        }
    }
    runs
}

#[component]
fn SignedInBar(me: Me) -> impl IntoView {
    let location = use_location();
    let current = Memo::new(move |_| practice_in_path(&location.pathname.get()));
    let log_out = ServerAction::<LogOut>::new();
    follow_on_success(log_out);
    let practices = me.practices.clone();
    let switcher = move || {
        let current = current.get();
        let practices = practices.clone();
        match practices.len() {
            0 => None,
            1 => Some(view! { <a class="practice-name" href=format!("/p/{}", practices[0].id)>{practices[0].name.clone()}</a> }.into_any()),
            _ => Some(view! {
                <label class="visually-hidden" for="practice-switcher">"Practice"</label>
                <select id="practice-switcher" class="practice-switcher"
                    on:change=move |ev| load_page(&format!("/p/{}", event_target_value(&ev)))>
                    {current.is_none().then(|| view! { <option value="" selected>"Choose a practice"</option> })}
                    {by_group(practices).into_iter().map(|(group, practices)| {
                        let options = practices.into_iter().map(|p| {
                            let selected = current.as_deref() == Some(p.id.to_string().as_str());
                            view! { <option value=p.id.to_string() selected=selected>{p.name}</option> }
                        }).collect_view();
                        match group {
                            Some(label) => view! { <optgroup label=label>{options}</optgroup> }.into_any(),
                            None => options.into_any(),
                        }
                    }).collect_view()}
                </select>
            }.into_any()),
        }
    };
    view! {
        <div class="practice">{switcher}</div>
        <nav class="topnav" aria-label="Account">
            <span class="who" title=me.email.map(|e| e.to_string()).unwrap_or_default()>{me.full_name}</span>
            <form on:submit=move |ev| { ev.prevent_default(); log_out.dispatch(LogOut {}); }>
                <button type="submit" class="button small secondary">"Log out"</button>
            </form>
        </nav>
    }
}
