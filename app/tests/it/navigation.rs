//! The practice navigation, rendered to HTML for every role of the table:
//! a section appears exactly when the shared role table lets that role use it.

use app::components::practice::PracticeNav;
use leptos::prelude::*;
use shared::ids::PracticeId;
use shared::roles::{grant, Actor, Capability, Grant, MembershipStatus, PermissionFlags, Role};

fn rendered_nav(actor: Actor, practice: PracticeId) -> String {
    let owner = Owner::new();
    owner.with(|| {
        view! { <PracticeNav practice actor current=format!("/p/{practice}/team")/> }.to_html()
    })
}

#[test]
fn the_practice_navigation_follows_the_role_table_for_every_role() {
    let practice = PracticeId::from_uuid(uuid::Uuid::from_u128(7));
    for role in Role::ALL {
        let actor = Actor {
            role,
            flags: PermissionFlags::default(),
            status: MembershipStatus::Active,
        };
        let html = rendered_nav(actor, practice);
        let team_link = format!(r#"href="/p/{practice}/team""#);
        let may_manage_team = grant(role, Capability::ManageTeam) == Grant::Yes;
        assert_eq!(
            html.contains(&team_link),
            may_manage_team,
            "{role:?}: {html}"
        );
        let audit_link = format!(r#"href="/p/{practice}/audit""#);
        assert_eq!(
            html.contains(&audit_link),
            grant(role, Capability::ViewAudit) == Grant::Yes,
            "{role:?}: {html}"
        );
        let community_link = format!(r#"href="/p/{practice}/community""#);
        assert_eq!(
            html.contains(&community_link),
            grant(role, Capability::ViewReports) == Grant::Yes,
            "{role:?}: {html}"
        );
        let clients_link = format!(r#"href="/p/{practice}/clients""#);
        assert_eq!(
            html.contains(&clients_link),
            grant(role, Capability::ViewClients) == Grant::Yes,
            "{role:?}: {html}"
        );
        // Everyone who may view clients sees the dashboard and the settings (read-only or not).
        assert!(
            html.contains(&format!(r#"href="/p/{practice}""#)),
            "{role:?}: {html}"
        );
        assert!(
            html.contains(&format!(r#"href="/p/{practice}/settings""#)),
            "{role:?}: {html}"
        );
        // The current section is marked for screen readers.
        assert_eq!(
            html.contains(r#"aria-current="page""#),
            may_manage_team,
            "{role:?}: {html}"
        );
    }
}
