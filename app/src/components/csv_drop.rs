//! The drop zone and file picker for a CSV file of addresses, checked in the
//! browser with the server's own parser before anything is sent.

use leptos::prelude::*;
use leptos_use_drop_zone::{
    use_drop_zone_with_options, UseDropZoneEvent, UseDropZoneOptions, UseDropZoneReturn,
};
use shared::addresses::{self, Tally};
use shared::csv_import;

/// The file the next batch will come from, as the browser holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    Nothing,
    File {
        name: String,
        text: String,
        tally: Tally,
    },
    Refused(String),
}

/// "12 to invite · 1 not valid · 2 repeated".
pub fn tally_text(t: Tally) -> String {
    let mut parts = vec![format!("{} to invite", t.valid)];
    if t.invalid > 0 {
        parts.push(format!("{} not valid", t.invalid));
    }
    if t.duplicates > 0 {
        parts.push(format!("{} repeated", t.duplicates));
    }
    parts.join(" · ")
}

#[component]
pub fn CsvDrop(file: RwSignal<Loaded>) -> impl IntoView {
    let zone = NodeRef::<leptos::html::Label>::new();
    let load = move |chosen: web_sys::File| {
        leptos::task::spawn_local(async move { file.set(read_csv(chosen).await) });
    };
    let UseDropZoneReturn {
        is_over_drop_zone, ..
    } = use_drop_zone_with_options(
        zone,
        UseDropZoneOptions::default().on_drop(move |dropped: UseDropZoneEvent| {
            if let Some(chosen) = dropped.files.into_iter().next() {
                load(chosen);
            }
        }),
    );
    let picked = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(chosen) = input.files().and_then(|files| files.get(0)) {
            load(chosen);
        }
    };
    view! {
        <div class="field">
            <span class="label">"Or a CSV file"</span>
            <label node_ref=zone class="drop-zone" class:over=move || is_over_drop_zone.get() for="field-csv">
                <span>"Drop a CSV file here, or choose one"</span>
                <span class="hint">"Any column with addresses; header optional; comma, semicolon or tab; up to 5 MB."</span>
                <input id="field-csv" type="file" accept=".csv,text/csv,text/plain" on:change=picked/>
            </label>
            {move || match file.get() {
                Loaded::Nothing => None,
                Loaded::File { name, tally, .. } => Some(view! {
                    <p class="hint" role="status">{name} ": " {tally_text(tally)} " "
                        <button type="button" class="button small secondary" on:click=move |_| file.set(Loaded::Nothing)>"Remove file"</button></p>
                }.into_any()),
                Loaded::Refused(why) => Some(view! { <p class="field-error" role="alert">{why}</p> }.into_any()),
            }}
        </div>
    }
}

/// Reads and checks the file; a file over the limit is refused before it is read.
async fn read_csv(file: web_sys::File) -> Loaded {
    let file = gloo_file::File::from(file);
    if file.size() > csv_import::MAX_BYTES as u64 {
        return Loaded::Refused(csv_import::CsvError::TooLarge.to_string());
    }
    let Ok(bytes) = gloo_file::futures::read_as_bytes(&file).await else {
        return Loaded::Refused("The file could not be read.".into());
    };
    match csv_import::decode(&bytes)
        .and_then(|text| csv_import::parse(text).map(|entries| (text.to_owned(), entries)))
    {
        Ok((text, entries)) => Loaded::File {
            name: file.name(),
            text,
            tally: addresses::tally(&entries),
        },
        Err(error) => Loaded::Refused(error.to_string()),
    }
}
