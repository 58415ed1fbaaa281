//! Settings → Devices (product.md §6): the browsers trusted for this
//! practice — everyone's for admins, one's own for everyone else — each
//! revocable, and (admins) whether new browsers need an admin's approval.

use leptos::prelude::*;
use shared::devices::TrustedDevice;
use shared::roles::Capability;

use crate::api::devices::{device_approval, get_devices, RevokeDevice, SetDeviceApproval};
use crate::components::confirm::{Confirm, ConfirmDialog};
use crate::components::practice::{use_practice, PracticeContext};

#[component]
pub fn SettingsDevicesPage() -> impl IntoView {
    let practice = use_practice();
    let revoke = ServerAction::<RevokeDevice>::new();
    let devices = Resource::new(
        move || revoke.version().get(),
        move |_| get_devices(practice.id),
    );
    let confirm = Confirm::new();
    view! {
        {practice.may(Capability::ChangeSettings).then(|| view! { <ApprovalSetting practice/> })}
        <section aria-labelledby="devices-heading">
            <h2 id="devices-heading">"Trusted devices"</h2>
            {move || revoke.value().get().map(|answer| match answer {
                Ok(()) => view! { <p class="alert alert-success" role="status">"Revoked: that browser is logged out and needs approval again."</p> }.into_any(),
                Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || devices.get().map(|answer| match answer {
                    Ok(view) => {
                        let intro = if view.everyone {
                            "Browsers trusted for this practice, for each person. Revoking one logs that browser out; its next login waits for an admin."
                        } else {
                            "The browsers you are trusted on for this practice. Revoke one you no longer use or have lost."
                        };
                        view! {
                            <p class="hint">{intro}</p>
                            <DeviceTable devices=view.devices practice revoke confirm/>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
        <ConfirmDialog confirm/>
    }
}

#[component]
fn DeviceTable(
    devices: Vec<TrustedDevice>,
    practice: PracticeContext,
    revoke: ServerAction<RevokeDevice>,
    confirm: Confirm,
) -> impl IntoView {
    if devices.is_empty() {
        return view! { <p>"No trusted devices yet: a browser is trusted when someone creates the practice, accepts an invitation or is approved on it."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="card-rows">
                <thead><tr>
                    <th scope="col">"Person"</th><th scope="col">"Browser"</th><th scope="col">"First seen"</th><th scope="col">"Trusted since"</th>
                    <th scope="col">"Last seen"</th><th scope="col">"Address"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>
                    {devices.into_iter().map(|d| {
                        let question = format!("Revoke {} for {}?", d.label, d.person);
                        let name = format!("Revoke {} of {}", d.label, d.person);
                        let (member, device) = (d.account, d.device);
                        let ask = move |_| {
                            confirm.ask(
                                question.clone(),
                                "That browser is logged out at once, and its next login waits for an admin's approval.",
                                "Revoke",
                                move || { revoke.dispatch(RevokeDevice { practice: practice.id, member, device }); },
                            );
                        };
                        view! {
                            <tr>
                                <td class="card-title">{d.person}</td>
                                <td data-label="Browser">{d.label}{d.this_browser.then(|| view! { " " <span class="badge badge-sent">"This browser"</span> })}</td>
                                <td data-label="First seen">{d.first_seen}</td>
                                <td data-label="Trusted since">{d.trusted}</td>
                                <td data-label="Last seen">{d.last_seen}</td>
                                <td data-label="Address">{d.last_ip.unwrap_or_default()}</td>
                                <td class="row-actions">
                                    <button type="button" class="button small danger" aria-label=name on:click=ask>"Revoke"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Whether logins from new browsers wait for an admin (on by default).
#[component]
fn ApprovalSetting(practice: PracticeContext) -> impl IntoView {
    let save = ServerAction::<SetDeviceApproval>::new();
    let current = Resource::new(
        move || save.version().get(),
        move |_| device_approval(practice.id),
    );
    let required = RwSignal::new(true);
    view! {
        <section class="settings-form" aria-labelledby="approval-heading">
            <h2 id="approval-heading">"New devices"</h2>
            <Transition fallback=|| ()>
                {move || current.get().and_then(Result::ok).map(|on| required.set(on))}
            </Transition>
            <form novalidate on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SetDeviceApproval { practice: practice.id, required: required.get() });
            }>
                {move || save.value().get().map(|answer| match answer {
                    Ok(on) => view! { <p class="alert alert-success" role="status">{if on { "Saved: new devices need an admin's approval." } else { "Saved: new devices log in without approval." }}</p> }.into_any(),
                    Err(error) => view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
                <label class="check"><input type="checkbox" name="require_device_approval" bind:checked=required/>
                    " Require admin approval for new devices"</label>
                <button type="submit" class="button secondary" disabled=move || save.pending().get()>"Save"</button>
            </form>
        </section>
    }
}
