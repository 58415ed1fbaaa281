//! Add user and Edit user (product.md §4): every field of a team member, each
//! checked by `shared::staff` as the admin types and again by the server.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::ids::AccountId;
use shared::membership::PermissionFlags;
use shared::roles::{Capability, Role};
use shared::staff::{role_fields, Added, LoginKind, Position, StaffForm, StaffPage};
use shared::validation::FieldErrors;

use super::photo::PhotoUpload;
use super::places::OtherPractices;
use crate::api::staff::{get_staff_page, AddMember, EditMember};
use crate::components::form::{Field, FormAlert, FormErrors, Submit};
use crate::components::practice::{use_practice, PracticeContext, PracticeProblem};
use crate::error::AppError;

#[component]
pub fn AddUserPage() -> impl IntoView {
    view! { <PersonPage member=None/> }
}

#[component]
pub fn EditUserPage() -> impl IntoView {
    let params = use_params_map();
    let member = params
        .read_untracked()
        .get("member")
        .and_then(|m| m.parse().ok());
    match member {
        Some(member) => view! { <PersonPage member=Some(member)/> }.into_any(),
        None => view! { <PracticeProblem error=AppError::NotFound/> }.into_any(),
    }
}

#[component]
fn PersonPage(member: Option<AccountId>) -> impl IntoView {
    let practice = use_practice();
    if !practice.may(Capability::ManageTeam) {
        return view! { <PracticeProblem error=AppError::Forbidden/> }.into_any();
    }
    let page = Resource::new(move || (), move |_| get_staff_page(practice.id, member));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <PersonForm page practice/> }.into_any(),
                Err(error) => view! { <PracticeProblem error/> }.into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

/// Whether the admin has typed into `field` yet; problems of untouched,
/// empty fields wait until they press Save.
fn typed(form: &StaffForm, field: &str) -> bool {
    let text = match field {
        "full_name" => &form.full_name,
        "public_name" => &form.public_name,
        "login" => &form.login,
        "contact_email" => &form.contact_email,
        "mobile" => &form.mobile,
        "pms_id" => &form.pms_id,
        "screen_pop" => &form.screen_pop,
        "access_level" => &form.access_level,
        "default_doctor" => return form.flags.default_doctor,
        _ => return false,
    };
    !text.trim().is_empty()
}

#[component]
fn PersonForm(page: StaffPage, practice: PracticeContext) -> impl IntoView {
    let editing = page.editing.clone();
    let edited = editing.as_ref().map(|e| e.member);
    let initial = editing.as_ref().map_or_else(
        || StaffForm {
            role: "practitioner".into(),
            ..StaffForm::default()
        },
        |e| e.form.clone(),
    );
    let text = |value: &str| RwSignal::new(value.to_owned());
    let full_name = text(&initial.full_name);
    let public_name = text(&initial.public_name);
    let login = text(&initial.login);
    let contact_email = text(&initial.contact_email);
    let mobile = text(&initial.mobile);
    let pms_id = text(&initial.pms_id);
    let screen_pop = text(&initial.screen_pop);
    let position = text(&initial.position);
    let role = text(&initial.role);
    let access_level = text(&initial.access_level);
    let login_kind = RwSignal::new(initial.login_kind);
    let flags = RwSignal::new(initial.flags);
    let active = RwSignal::new(initial.active);
    // *Can sign forms* follows the position until the admin sets it themselves.
    let signing_set = RwSignal::new(editing.is_some());
    let form = move || StaffForm {
        full_name: full_name.get(),
        public_name: public_name.get(),
        login_kind: login_kind.get(),
        login: login.get(),
        contact_email: contact_email.get(),
        mobile: mobile.get(),
        pms_id: pms_id.get(),
        screen_pop: screen_pop.get(),
        position: position.get(),
        role: role.get(),
        access_level: access_level.get(),
        flags: flags.get(),
        active: active.get(),
    };
    let page = StoredValue::new(page);
    let add = ServerAction::<AddMember>::new();
    let edit = ServerAction::<EditMember>::new();
    let errors = match editing {
        Some(_) => FormErrors::of(edit),
        None => FormErrors::of(add),
    };
    let attempted = RwSignal::new(false);
    // The shared rules, as the admin types.
    Effect::new(move |_| {
        let current = form();
        let result = page.with_value(|p| current.validate(&p.rules()));
        if attempted.get() {
            errors.check(result);
        } else if let Err(all) = result {
            let mut shown = FieldErrors::new();
            for (field, message) in all.iter().filter(|(f, _)| typed(&current, f)) {
                shown.add(field, message);
            }
            errors.check(if shown.is_empty() { Ok(()) } else { Err(shown) });
        } else {
            errors.check(Ok(()));
        }
    });
    let member = editing.as_ref().map(|e| e.member);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let current = form();
        if errors
            .check(page.with_value(|p| current.validate(&p.rules())))
            .is_none()
        {
            return;
        }
        match member {
            Some(member) => {
                edit.dispatch(EditMember {
                    practice: practice.id,
                    member,
                    form: current,
                });
            }
            None => {
                add.dispatch(AddMember {
                    practice: practice.id,
                    form: current,
                });
            }
        }
    };
    let role_locked = editing.as_ref().is_some_and(|e| e.role_locked);
    let photo = editing.as_ref().map(|e| (e.member, e.has_photo));
    let title = if editing.is_some() {
        "Edit user"
    } else {
        "Add user"
    };
    let added = move || add.value().get().and_then(Result::ok);
    let saved = move || matches!(edit.value().get(), Some(Ok(())));
    view! {
        <section class="page person">
            <p class="aside"><a href=practice.path("team")>"← Team"</a></p>
            <h1>{title}</h1>
            <Show when=move || added().is_none() fallback=move || view! {
                <AddedNotice added=added().expect("shown when added") login_kind=login_kind.get_untracked()
                    login=login.get_untracked() practice/>
            }>
            <form on:submit=submit novalidate class="person-form">
                <FormAlert errors/>
                {move || saved().then(|| view! { <p role="status" class="alert alert-success">"Saved."</p> })}
                <fieldset>
                    <legend>"Who they are"</legend>
                    <Field label="Full name" name="full_name" value=full_name errors autocomplete="off"/>
                    <Field label="Public name" name="public_name" value=public_name errors
                        hint="What clients see, such as Dr Park. Leave empty to show the full name."/>
                    <div class="field">
                        <label for="field-position">"Position"</label>
                        <select id="field-position" name="position"
                            on:change=move |ev| {
                                let code = event_target_value(&ev);
                                if !signing_set.get_untracked() {
                                    let signs = Position::from_code(&code).is_some_and(Position::signs_forms_by_default);
                                    flags.update(|f| f.can_sign_forms = signs);
                                }
                                position.set(code);
                            }
                            prop:value=move || position.get()>
                            <option value="">"Choose…"</option>
                            {Position::ALL.map(|p| view! { <option value=p.code()>{p.label()}</option> })}
                        </select>
                        <FieldError errors name="position"/>
                    </div>
                </fieldset>
                <fieldset>
                    <legend>"How they log in"</legend>
                    {member.is_none().then(|| view! {
                        <div class="choice" role="radiogroup" aria-label="Login">
                            <label><input type="radio" name="login_kind" value="email"
                                prop:checked=move || login_kind.get() == LoginKind::Email
                                on:change=move |_| login_kind.set(LoginKind::Email)/>" Email address"</label>
                            <label><input type="radio" name="login_kind" value="username"
                                prop:checked=move || login_kind.get() == LoginKind::Username
                                on:change=move |_| login_kind.set(LoginKind::Username)/>" Username (for a shared or front-desk login)"</label>
                        </div>
                    })}
                    {move || match login_kind.get() {
                        LoginKind::Email => view! {
                            <Field label="Login email" name="login" kind="email" value=login errors disabled=member.is_some()
                                hint="They get a link to choose their password."/>
                        }.into_any(),
                        LoginKind::Username => view! {
                            <Field label="Username" name="login" value=login errors disabled=member.is_some()
                                hint="Letters, digits, dots, dashes. You get a one-time password to hand over."/>
                        }.into_any(),
                    }}
                    <Field label="Contact email" name="contact_email" kind="email" value=contact_email errors
                        hint="Receives their notifications; clients never see it."/>
                    <Field label="Mobile (optional)" name="mobile" kind="tel" value=mobile errors/>
                </fieldset>
                <fieldset>
                    <legend>"Practice systems"</legend>
                    <Field label="PMS provider id (optional)" name="pms_id" value=pms_id errors/>
                    <Field label="Screen-pop extensions" name="screen_pop" value=screen_pop errors
                        hint="Extension numbers separated by commas, or * for all."/>
                </fieldset>
                <fieldset>
                    <legend>"Role and permissions"</legend>
                    <RoleFields page role access_level locked=role_locked errors/>
                    <FlagBoxes flags signing_set errors/>
                    <label class="check"><input type="checkbox" name="active" bind:checked=active disabled=role_locked/>
                        " Active (unticked: suspended, can do nothing)"</label>
                    <FieldError errors name="active"/>
                </fieldset>
                <Submit label=if member.is_some() { "Save" } else { "Add user" } busy="Saving…"
                    pending=Signal::derive(move || add.pending().get() || edit.pending().get())/>
            </form>
            {photo.map(|(member, has_photo)| view! { <PhotoUpload practice member has_photo/> })}
            {edited.map(|member| view! { <OtherPractices practice member/> })}
            </Show>
        </section>
    }
}

#[component]
fn FieldError(errors: FormErrors, name: &'static str) -> impl IntoView {
    let error = errors.field(name);
    let id = format!("field-{name}-error");
    move || {
        error
            .get()
            .map(|message| view! { <p class="field-error" id=id.clone()>{message}</p> })
    }
}

#[component]
fn RoleFields(
    page: StoredValue<StaffPage>,
    role: RwSignal<String>,
    access_level: RwSignal<String>,
    locked: bool,
    errors: FormErrors,
) -> impl IntoView {
    let roles = page.with_value(|p| p.roles.clone());
    let mut kinds: Vec<(&'static str, &'static str)> = Vec::new();
    for r in &roles {
        let (code, _) = role_fields(*r);
        let label = match r {
            Role::Staff(_) => "Staff",
            other => other.label(),
        };
        if !kinds.iter().any(|(c, _)| *c == code) {
            kinds.push((code, label));
        }
    }
    if locked && role.get_untracked() == "owner" {
        kinds.insert(0, ("owner", "Owner"));
    }
    let levels: Vec<(&'static str, &'static str)> = roles
        .iter()
        .filter_map(|r| match r {
            Role::Staff(level) => Some((role_fields(*r).1, level.label())),
            _ => None,
        })
        .collect();
    view! {
        <div class="inline-fields">
            <div class="field">
                <label for="field-role">"Role"</label>
                <select id="field-role" name="role" disabled=locked prop:value=move || role.get()
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        access_level.set(if code == "staff" { "full".into() } else { String::new() });
                        role.set(code);
                    }>
                    {kinds.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
                </select>
                <FieldError errors name="role"/>
            </div>
            <Show when=move || role.get() == "staff">
                <div class="field">
                    <label for="field-access_level">"Access level"</label>
                    <select id="field-access_level" name="access_level" disabled=locked
                        prop:value=move || access_level.get()
                        on:change=move |ev| access_level.set(event_target_value(&ev))>
                        {levels.clone().into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
                    </select>
                </div>
            </Show>
        </div>
        <FieldError errors name="access_level"/>
        {locked.then(|| view! { <p class="hint">"The Owner's role changes only by transferring ownership, and nobody changes their own role."</p> })}
    }
}

#[component]
fn FlagBoxes(
    flags: RwSignal<PermissionFlags>,
    signing_set: RwSignal<bool>,
    errors: FormErrors,
) -> impl IntoView {
    type Pick = fn(&mut PermissionFlags) -> &mut bool;
    let boxes: [(&'static str, &'static str, Pick); 5] = [
        (
            "show_in_app",
            "Show in patient app (with public name and photo)",
            |f| &mut f.show_in_app,
        ),
        ("chat_user", "Chat user (may message clients)", |f| {
            &mut f.chat_user
        }),
        ("default_doctor", "Default doctor (one per practice)", |f| {
            &mut f.default_doctor
        }),
        ("can_sign_forms", "Can sign forms", |f| {
            &mut f.can_sign_forms
        }),
        ("can_invite_clients", "Can invite clients", |f| {
            &mut f.can_invite_clients
        }),
    ];
    view! {
        <div class="checks" role="group" aria-label="Permissions">
            {boxes.into_iter().map(|(name, label, pick)| view! {
                <label class="check">
                    <input type="checkbox" name=name
                        prop:checked=move || { let mut f = flags.get(); *pick(&mut f) }
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            if name == "can_sign_forms" { signing_set.set(true); }
                            flags.update(|f| *pick(f) = on);
                        }/>
                    " " {label}
                </label>
                {(name == "default_doctor").then(|| view! { <FieldError errors name="default_doctor"/> })}
            }).collect_view()}
        </div>
    }
}

/// After Add user: the one-time password, shown this once, or where the
/// password link went.
#[component]
fn AddedNotice(
    added: Added,
    login_kind: LoginKind,
    login: String,
    practice: PracticeContext,
) -> impl IntoView {
    let message = match (&added.one_time_password, login_kind) {
        (Some(password), _) => view! {
            <div role="status" class="alert alert-success">
                <p>"Added. Their username is " <strong>{login.trim().to_lowercase()}</strong>
                   ". Hand them this one-time password; it is shown only now and must be changed at their first login:"</p>
                <p><code class="one-time-password" data-testid="one-time-password">{password.clone()}</code></p>
            </div>
        }.into_any(),
        _ => view! {
            <div role="status" class="alert alert-success">
                <p>"Added. " <strong>{login.trim().to_owned()}</strong> " gets an email with a link to choose their password."</p>
            </div>
        }.into_any(),
    };
    view! {
        {message}
        <p class="actions">
            <a class="button primary" href=practice.path(&format!("team/member/{}", added.member))>"Edit their details"</a>
            <a class="button secondary" href=practice.path("team")>"Back to the team"</a>
        </p>
        <OtherPractices practice member=added.member/>
    }
}
