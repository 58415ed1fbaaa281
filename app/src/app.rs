use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy};

use crate::api::accounts::current_user;
use crate::api::practices::UpdatePracticeDetails;
use crate::components::header::{Header, MeResource};
use crate::pages::home::HomePage;
use crate::pages::lazy;
use crate::pages::log_in::LogInPage;
use crate::pages::NotFound;

/// The HTML document around the app. On the server it also sets the page's
/// Content-Security-Policy with this response's nonce.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    document(options.clone(), options, App)
}

/// The same document around the client portal: the browser hydrates it with
/// the portal's own small WASM bundle (see `portal_app`), not the console's.
pub fn portal_shell(options: LeptosOptions) -> impl IntoView {
    let scripts = crate::portal_app::bundle_options(&options);
    document(options, scripts, crate::portal_app::PortalApp)
}

/// `options` names the stylesheet; `scripts` the WASM bundle that hydrates `app`.
fn document<V: IntoView + 'static>(
    options: LeptosOptions,
    scripts: LeptosOptions,
    app: fn() -> V,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = http::HeaderValue::from_str(&server::http::page_csp(&nonce.to_string()))
        {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                // The release's hashed file names, when it has them.
                <HashedStylesheet id="leptos" options/>
                <HydrationScripts options=scripts/>
                <MetaTags/>
            </head>
            <body>
                {app()}
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Saving a practice's details renames it in the header and the layout:
    // both read again when this action's version moves.
    let details_saved = ServerAction::<UpdatePracticeDetails>::new();
    provide_context(details_saved);
    let me: MeResource = Resource::new(move || details_saved.version().get(), |_| current_user());
    provide_context(me);
    view! {
        <Title text="Carekeys"/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header/>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/signup") view={Lazy::<lazy::SignUp>::new()}/>
                    <Route path=path!("/signup/confirm") view={Lazy::<lazy::ConfirmSignUp>::new()}/>
                    <Route path=path!("/login") view=LogInPage/>
                    <Route path=path!("/forgot-password") view={Lazy::<lazy::ForgotPassword>::new()}/>
                    <Route path=path!("/reset-password") view={Lazy::<lazy::ResetPassword>::new()}/>
                    <Route path=path!("/change-password") view={Lazy::<lazy::ChangePassword>::new()}/>
                    <Route path=path!("/login/waiting") view={Lazy::<lazy::Waiting>::new()}/>
                    <Route path=path!("/practices/new") view={Lazy::<lazy::NewPractice>::new()}/>
                    <ParentRoute path=path!("/p/:practice") view={Lazy::<lazy::Practice>::new()}>
                        <Route path=path!("") view={Lazy::<lazy::Dashboard>::new()}/>
                        <ParentRoute path=path!("settings") view={Lazy::<lazy::Settings>::new()}>
                            <Route path=path!("") view={Lazy::<lazy::SettingsDetails>::new()}/>
                            <Route path=path!("roles") view={Lazy::<lazy::SettingsRoles>::new()}/>
                            <Route path=path!("devices") view={Lazy::<lazy::SettingsDevices>::new()}/>
                            <Route path=path!("goals") view={Lazy::<lazy::SettingsGoals>::new()}/>
                            <Route path=path!("forms") view={Lazy::<lazy::SettingsForms>::new()}/>
                            <Route path=path!("group") view={Lazy::<lazy::SettingsGroup>::new()}/>
                            <Route path=path!("forms/new") view={Lazy::<lazy::FormBuilder>::new()}/>
                            <Route path=path!("forms/:form") view={Lazy::<lazy::FormBuilder>::new()}/>
                        </ParentRoute>
                        <Route path=path!("team") view={Lazy::<lazy::Team>::new()}/>
                        <Route path=path!("team/invite") view={Lazy::<lazy::Invite>::new()}/>
                        <Route path=path!("team/add") view={Lazy::<lazy::AddUser>::new()}/>
                        <Route path=path!("team/member/:member") view={Lazy::<lazy::EditUser>::new()}/>
                        <Route path=path!("clients") view={Lazy::<lazy::Clients>::new()}/>
                        <Route path=path!("clients/:client") view={Lazy::<lazy::ClientDetails>::new()}/>
                        <Route path=path!("to-sign") view={Lazy::<lazy::ToSign>::new()}/>
                        <Route path=path!("community") view={Lazy::<lazy::CommunityHealth>::new()}/>
                        <Route path=path!("community/members") view={Lazy::<lazy::CommunityMembers>::new()}/>
                        <Route path=path!("audit") view={Lazy::<lazy::AuditLog>::new()}/>
                        <Route path=path!("login-requests/:request") view={Lazy::<lazy::Decision>::new()}/>
                    </ParentRoute>
                    <Route path=path!("/invitation") view={Lazy::<lazy::Invitation>::new()}/>
                    <Route path=path!("/join/:code") view={Lazy::<lazy::Join>::new()}/>
                    <Route path=path!("/dev/mailbox") view={Lazy::<lazy::Mailbox>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}
