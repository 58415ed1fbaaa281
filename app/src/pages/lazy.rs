//! The pages that arrive in their own piece of WASM. Built with `cargo leptos
//! build --split`, each route below is cut out of the main bundle: a browser
//! downloads the code of a page when it first opens it, so someone opening a
//! team invitation does not download the admin console, and an admin's first
//! page does not download every other page. (The client portal's pages are
//! not here: they have a bundle of their own, `portal_app`.) On the server they render as any
//! page does (and name the pieces the browser will need, so it fetches them
//! in parallel with the main bundle).
//!
//! What stays in the main bundle: the shell, the header, the start and log-in
//! pages, and "page not found". (Splitting those two as well was measured:
//! the main bundle shrank by 24 KB, but their code moved into pieces shared
//! with every other page, and the first visit to the dashboard, to log-in and
//! to an invitation each grew; see the closing note of #14.)

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::components::practice::PracticeLayout;
use crate::pages::approval::{DecisionPage, WaitingPage};
use crate::pages::audit::AuditLogPage;
use crate::pages::clients::{ClientDetailsPage, ClientsPage};
use crate::pages::community::{CommunityHealthPage, CommunityMembersPage};
use crate::pages::dashboard::DashboardPage;
use crate::pages::forms::builder::{FormBuilderPage, SettingsFormsPage};
use crate::pages::forms::to_sign::ToSignPage;
use crate::pages::invitation::InvitationPage;
use crate::pages::join::JoinPage;
use crate::pages::mailbox::MailboxPage;
use crate::pages::new_practice::NewPracticePage;
use crate::pages::password::{ChangePasswordPage, ForgotPasswordPage, ResetPasswordPage};
use crate::pages::settings::{
    SettingsDetailsPage, SettingsDevicesPage, SettingsGoalsPage, SettingsGroupPage, SettingsLayout,
    SettingsRolesPage,
};
use crate::pages::sign_up::{ConfirmSignUpPage, SignUpPage};
use crate::pages::team::invite::InvitePage;
use crate::pages::team::person::{AddUserPage, EditUserPage};
use crate::pages::team::TeamPage;

/// `Route => Page;`: a route type whose view is `<Page/>`, loaded lazily.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident;)*) => {$(
        #[doc = concat!("[`", stringify!($page), "`], in its own piece of WASM.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    SignUp => SignUpPage;
    ConfirmSignUp => ConfirmSignUpPage;
    ForgotPassword => ForgotPasswordPage;
    ResetPassword => ResetPasswordPage;
    ChangePassword => ChangePasswordPage;
    Waiting => WaitingPage;
    NewPractice => NewPracticePage;
    Practice => PracticeLayout;
    Dashboard => DashboardPage;
    Settings => SettingsLayout;
    SettingsDetails => SettingsDetailsPage;
    SettingsRoles => SettingsRolesPage;
    SettingsDevices => SettingsDevicesPage;
    SettingsGoals => SettingsGoalsPage;
    SettingsForms => SettingsFormsPage;
    SettingsGroup => SettingsGroupPage;
    FormBuilder => FormBuilderPage;
    Team => TeamPage;
    Invite => InvitePage;
    AddUser => AddUserPage;
    EditUser => EditUserPage;
    Clients => ClientsPage;
    ClientDetails => ClientDetailsPage;
    ToSign => ToSignPage;
    CommunityHealth => CommunityHealthPage;
    CommunityMembers => CommunityMembersPage;
    AuditLog => AuditLogPage;
    Decision => DecisionPage;
    Invitation => InvitationPage;
    Join => JoinPage;
    Mailbox => MailboxPage;
}
