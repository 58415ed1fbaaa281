use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::api::accounts::current_user;
use crate::api::practices::UpdatePracticeDetails;
use crate::components::header::{Header, MeResource};
use crate::components::practice::PracticeLayout;
use crate::pages::approval::{DecisionPage, WaitingPage};
use crate::pages::audit::AuditLogPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::home::HomePage;
use crate::pages::invitation::InvitationPage;
use crate::pages::join::JoinPage;
use crate::pages::log_in::LogInPage;
use crate::pages::mailbox::MailboxPage;
use crate::pages::new_practice::NewPracticePage;
use crate::pages::password::{ChangePasswordPage, ForgotPasswordPage, ResetPasswordPage};
use crate::pages::settings::{
    SettingsDetailsPage, SettingsDevicesPage, SettingsGoalsPage, SettingsLayout, SettingsRolesPage,
};
use crate::pages::sign_up::{ConfirmSignUpPage, SignUpPage};
use crate::pages::team::invite::InvitePage;
use crate::pages::team::person::{AddUserPage, EditUserPage};
use crate::pages::team::TeamPage;
use crate::pages::NotFound;

/// The HTML document around the app. On the server it also sets the page's
/// Content-Security-Policy with this response's nonce.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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
                <HashedStylesheet id="leptos" options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
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
                    <Route path=path!("/signup") view=SignUpPage/>
                    <Route path=path!("/signup/confirm") view=ConfirmSignUpPage/>
                    <Route path=path!("/login") view=LogInPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage/>
                    <Route path=path!("/change-password") view=ChangePasswordPage/>
                    <Route path=path!("/login/waiting") view=WaitingPage/>
                    <Route path=path!("/practices/new") view=NewPracticePage/>
                    <ParentRoute path=path!("/p/:practice") view=PracticeLayout>
                        <Route path=path!("") view=DashboardPage/>
                        <ParentRoute path=path!("settings") view=SettingsLayout>
                            <Route path=path!("") view=SettingsDetailsPage/>
                            <Route path=path!("roles") view=SettingsRolesPage/>
                            <Route path=path!("devices") view=SettingsDevicesPage/>
                            <Route path=path!("goals") view=SettingsGoalsPage/>
                        </ParentRoute>
                        <Route path=path!("team") view=TeamPage/>
                        <Route path=path!("team/invite") view=InvitePage/>
                        <Route path=path!("team/add") view=AddUserPage/>
                        <Route path=path!("team/member/:member") view=EditUserPage/>
                        <Route path=path!("audit") view=AuditLogPage/>
                        <Route path=path!("login-requests/:request") view=DecisionPage/>
                    </ParentRoute>
                    <Route path=path!("/invitation") view=InvitationPage/>
                    <Route path=path!("/join/:code") view=JoinPage/>
                    <Route path=path!("/dev/mailbox") view=MailboxPage/>
                </Routes>
            </main>
        </Router>
    }
}
