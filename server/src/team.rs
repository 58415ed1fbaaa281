//! The Team page: members, invitations with their delivery, and join
//! requests — searched, filtered and paged in the database, so a practice
//! with thousands of people sends one page at a time.

use serde::Deserialize;
use shared::email::EmailAddress;
use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::membership::Flag;
use shared::roles::{Capability, MembershipStatus, PermissionFlags, Role};
use shared::staff::Position;
use shared::team::{Member, Page, Pending, TeamQuery, TeamStatus, TeamView, PAGE_SIZE};

use crate::backend::Backend;
use crate::db::json::{self, Statement};
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::mail::outbox::Delivery;
use crate::memberships::{self, MembershipRow};
use crate::on_pool;

#[derive(Deserialize)]
struct MemberRow {
    account_id: AccountId,
    full_name: String,
    email: Option<String>,
    username: Option<String>,
    position: Option<String>,
    #[serde(deserialize_with = "json::code")]
    role: Role,
    #[serde(deserialize_with = "json::code")]
    status: MembershipStatus,
    #[serde(deserialize_with = "json::truth")]
    show_in_app: bool,
    #[serde(deserialize_with = "json::truth")]
    chat_user: bool,
    #[serde(deserialize_with = "json::truth")]
    default_doctor: bool,
    #[serde(deserialize_with = "json::truth")]
    can_sign_forms: bool,
    #[serde(deserialize_with = "json::truth")]
    can_invite_clients: bool,
    last_login_at: Option<i64>,
}

const MEMBER_COLUMNS: &[&str] = &[
    "account_id",
    "full_name",
    "email",
    "username",
    "position",
    "role",
    "status",
    "show_in_app",
    "chat_user",
    "default_doctor",
    "can_sign_forms",
    "can_invite_clients",
    "last_login_at",
];

#[derive(Deserialize)]
struct PendingRow {
    id: InvitationId,
    email: String,
    #[serde(deserialize_with = "json::code")]
    role: Role,
    #[serde(deserialize_with = "json::code")]
    status: InvitationStatus,
    sent_at: i64,
    expires_at: Option<i64>,
    inviter: Option<String>,
    delivery: Option<String>,
}

const PENDING_COLUMNS: &[&str] = &[
    "id",
    "email",
    "role",
    "status",
    "sent_at",
    "expires_at",
    "inviter",
    "delivery",
];

/// The page in one row: who asks, and each list as one JSON array.
#[derive(sqlx::FromRow)]
struct ViewRow {
    #[sqlx(flatten)]
    asker: MembershipRow,
    time_zone: String,
    active_admins: i64,
    members_total: i64,
    invitations_total: i64,
    members: String,
    invitations: String,
    requests: String,
}

/// Invitations shown: all pending ones, and answered or ended ones of the last 30 days.
const RECENT_MS: i64 = 30 * 24 * 3_600_000;

/// Members matching $2 (search pattern), $3 (role), $4 (status); $5 = FALSE
/// when the status filter is about invitations; $8 a flag's code.
const MEMBERS_MATCHING: &str = "FROM memberships m JOIN accounts a ON a.id = m.account_id
    WHERE m.practice_id = $1 AND $5
      AND ($2 IS NULL OR lower(a.full_name) LIKE $2 ESCAPE '\\'
           OR lower(COALESCE(a.email, '')) LIKE $2 ESCAPE '\\'
           OR lower(COALESCE(a.username, '')) LIKE $2 ESCAPE '\\')
      AND ($3 IS NULL OR m.role = $3)
      AND ($4 IS NULL OR m.status = $4)
      AND ($8 IS NULL OR ($8 = 'show_in_app' AND m.show_in_app) OR ($8 = 'chat_user' AND m.chat_user)
           OR ($8 = 'default_doctor' AND m.default_doctor) OR ($8 = 'can_sign_forms' AND m.can_sign_forms)
           OR ($8 = 'can_invite_clients' AND m.can_invite_clients))";

/// The invitations `filter` (a WHERE … LIMIT clause over `i`) picks, with
/// who sent each and how its email fared: joined after the page is cut, so a
/// practice with 10,000 invitations joins 50 rows, not 10,000.
fn pending(filter: &str) -> String {
    format!(
        "SELECT p.id, p.email, p.role, p.status, p.sent_at, p.expires_at,
            a.full_name AS inviter, o.status AS delivery
         FROM (SELECT i.id, i.email, i.role, i.status, i.sent_at, i.expires_at, i.invited_by,
                  i.message_id
               FROM invitations i {filter}) p
         LEFT JOIN accounts a ON a.id = p.invited_by LEFT JOIN outbox o ON o.id = p.message_id"
    )
}

/// Invitations answered or ended after $9, matching $2 (search pattern), $3
/// (role), $10 (stored status), $11 ('live' or 'lapsed' validity at $12);
/// $13 = FALSE when the status filter is about members. Join requests are
/// listed apart.
const INVITATIONS_MATCHING: &str = "WHERE i.practice_id = $1 AND $13 AND i.status <> 'requested'
      AND (i.status = 'invited' OR i.sent_at > $9)
      AND ($2 IS NULL OR lower(i.email) LIKE $2 ESCAPE '\\')
      AND ($3 IS NULL OR i.role = $3)
      AND ($10 IS NULL OR i.status = $10)
      AND ($11 IS NULL OR ($11 = 'live' AND (i.expires_at IS NULL OR i.expires_at > $12))
                      OR ($11 = 'lapsed' AND i.expires_at <= $12))";

/// The whole page of practice $1 as one row, with the membership of $15, who
/// asks (none for someone not on the team: no row, nothing computed); $6 is
/// the page size, $7 and $14 the offsets of the members' and the invitations' pages.
/// Totals are counted apart from the pages: a count over every match is
/// cheap, carrying every match's columns to the page (a window) was not.
static VIEW: Statement = Statement::new(|json| {
    let members = json.array_of(
        MEMBER_COLUMNS,
        &format!(
            "SELECT m.account_id, a.full_name, a.email, a.username, m.position, m.role, m.status,
                m.show_in_app, m.chat_user, m.default_doctor, m.can_sign_forms, m.can_invite_clients,
                a.last_login_at
             {MEMBERS_MATCHING} ORDER BY a.full_name, a.id LIMIT $6 OFFSET $7"
        ),
        "r.full_name, r.account_id",
    );
    let by_date = "r.sent_at DESC, r.email";
    let invitations = json.array_of(
        PENDING_COLUMNS,
        &pending(&format!(
            "{INVITATIONS_MATCHING} ORDER BY i.sent_at DESC, i.email LIMIT $6 OFFSET $14"
        )),
        by_date,
    );
    let requests = json.array_of(
        PENDING_COLUMNS,
        &pending("WHERE i.practice_id = $1 AND i.status = 'requested'"),
        by_date,
    );
    let admins = memberships::active_admin_capable("x");
    format!(
        "SELECT me.role, me.status, me.show_in_app, me.chat_user, me.default_doctor,
            me.can_sign_forms, me.can_invite_clients, p.time_zone,
            (SELECT COUNT(*) FROM memberships x WHERE x.practice_id = $1 AND {admins}) AS active_admins,
            (SELECT COUNT(*) {MEMBERS_MATCHING}) AS members_total,
            (SELECT COUNT(*) FROM invitations i {INVITATIONS_MATCHING}) AS invitations_total,
            ({members}) AS members, ({invitations}) AS invitations, ({requests}) AS requests
         FROM memberships me JOIN practices p ON p.id = me.practice_id
         WHERE me.practice_id = $1 AND me.account_id = $15"
    )
});

pub async fn view(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    query: &TeamQuery,
) -> ServiceResult<TeamView> {
    let now = backend.now_ms();
    let member_status = match query.status {
        Some(TeamStatus::Member(status)) => Some(status),
        _ => None,
    };
    let members_wanted = !matches!(query.status, Some(TeamStatus::Invitation(_)));
    // Expired is Invited whose validity passed: stored as 'invited'.
    let (stored, validity) = match query.status {
        Some(TeamStatus::Invitation(InvitationStatus::Invited)) => {
            (Some(InvitationStatus::Invited), Some("live"))
        }
        Some(TeamStatus::Invitation(InvitationStatus::Expired)) => {
            (Some(InvitationStatus::Invited), Some("lapsed"))
        }
        Some(TeamStatus::Invitation(status)) => (Some(status), None),
        _ => (None, None),
    };
    let invitations_wanted =
        !matches!(query.status, Some(TeamStatus::Member(_))) && query.flag.is_none();
    let offset = |page: u32| i64::from(page) * i64::from(PAGE_SIZE);
    // The check and the page are one statement (one trip to the database's
    // thread); the page is read before the check but never leaves unless it passes.
    let row: Option<ViewRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(VIEW.for_db(&backend.db))
            .bind(practice)
            .bind(query.like_pattern())
            .bind(query.role)
            .bind(member_status)
            .bind(members_wanted)
            .bind(i64::from(PAGE_SIZE))
            .bind(offset(query.members_page))
            .bind(query.flag.map(Flag::code))
            .bind(now - RECENT_MS)
            .bind(stored)
            .bind(validity)
            .bind(now)
            .bind(invitations_wanted)
            .bind(offset(query.invitations_page))
            .bind(account)
            .fetch_optional(pool)
            .await
    })?;
    let row = row.ok_or(ServiceError::NotFound)?;
    memberships::permitted(row.asker.into(), Capability::ManageTeam)?;
    let members: Vec<MemberRow> = json::rows(&row.members)?;
    let invitations: Vec<PendingRow> = json::rows(&row.invitations)?;
    let requests: Vec<PendingRow> = json::rows(&row.requests)?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let time_zone = row.time_zone;
    let active_admins = count(row.active_admins);
    let pending = |rows: Vec<PendingRow>| -> ServiceResult<Vec<Pending>> {
        rows.into_iter()
            .map(|p| {
                Ok(Pending {
                    id: p.id,
                    email: EmailAddress::parse(&p.email)
                        .map_err(|e| ServiceError::Internal(e.to_string()))?,
                    role: p.role,
                    status: p.status.at(p.expires_at.is_some_and(|e| now >= e)),
                    sent: practice_time(p.sent_at, &time_zone),
                    expires: p.expires_at.map(|e| practice_time(e, &time_zone)),
                    invited_by: p.inviter,
                    delivery: p.delivery.map(|d| format!("{:?}", Delivery::from_code(&d))),
                })
            })
            .collect()
    };
    let members = members
        .into_iter()
        .map(|m| Member {
            account: m.account_id,
            full_name: m.full_name,
            email: m.email.and_then(|e| EmailAddress::parse(&e).ok()),
            username: m.username,
            position: m.position.as_deref().and_then(Position::from_code),
            role: m.role,
            status: m.status,
            you: m.account_id == account,
            flags: PermissionFlags {
                show_in_app: m.show_in_app,
                chat_user: m.chat_user,
                default_doctor: m.default_doctor,
                can_sign_forms: m.can_sign_forms,
                can_invite_clients: m.can_invite_clients,
            },
            last_login: m.last_login_at.map(|at| practice_time(at, &time_zone)),
        })
        .collect();
    Ok(TeamView {
        members: Page {
            rows: members,
            total: count(row.members_total),
            index: query.members_page,
        },
        invitations: Page {
            rows: pending(invitations)?,
            total: count(row.invitations_total),
            index: query.invitations_page,
        },
        requests: pending(requests)?,
        active_admins,
    })
}
