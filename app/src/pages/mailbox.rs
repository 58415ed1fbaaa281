use leptos::prelude::*;

use crate::api::mailbox::mailbox;

/// Mail kept locally while no SMTP server is configured.
#[component]
pub fn MailboxPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| mailbox());
    view! {
        <section class="page">
            <h1>"Local mailbox"</h1>
            <p class="hint">"No SMTP server is configured, so mail is kept here and as .eml files under data/mail."</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || messages.get().map(|result| match result {
                    Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>"No mail yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="mail-list">
                            {list.into_iter().map(|m| view! {
                                <li class="card">
                                    <p class="mail-meta"><span class=format!("badge badge-{}", m.status.to_lowercase())>{m.status.clone()}</span>
                                        " To " <strong>{m.to}</strong></p>
                                    <h2>{m.subject}</h2>
                                    <pre class="mail-body">{linkify(&m.body)}</pre>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// Plain text with its http(s) links made clickable.
fn linkify(text: &str) -> Vec<AnyView> {
    let mut parts = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            parts.push("\n".into_any());
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                parts.push(" ".into_any());
            }
            if word.starts_with("http://") || word.starts_with("https://") {
                // A fresh page load, as from a mail program: a portal link belongs to the portal bundle.
                parts.push(
                    view! { <a href=word.to_owned() rel="external">{word.to_owned()}</a> }
                        .into_any(),
                );
            } else {
                parts.push(word.to_owned().into_any());
            }
        }
    }
    parts
}
