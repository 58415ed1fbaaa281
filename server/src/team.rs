//! The Team page: members, invitations with their delivery, and join
//! requests — searched, filtered and paged in the database, so a practice
//! with thousands of people sends one page at a time.

use shared::email::EmailAddress;
use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::membership::Flag;
use shared::roles::{Capability, MembershipStatus, PermissionFlags, Role};
use shared::staff::Position;
use shared::team::{Member, Page, Pending, TeamQuery, TeamStatus, TeamView, PAGE_SIZE};

use crate::backend::Backend;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::mail::outbox::Delivery;
use crate::{memberships, on_pool};

#[derive(sqlx::FromRow)]
struct MemberRow {
    account_id: AccountId,
    full_name: String,
    email: Option<String>,
    username: Option<String>,
    position: Option<String>,
    role: Role,
    status: MembershipStatus,
    #[sqlx(flatten)]
    flags: PermissionFlags,
    last_login_at: Option<i64>,
    total: i64,
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: InvitationId,
    email: String,
    role: Role,
    status: InvitationStatus,
    sent_at: i64,
    expires_at: Option<i64>,
    inviter: Option<String>,
    delivery: Option<String>,
    total: i64,
}

/// Invitations shown: all pending ones, and answered or ended ones of the last 30 days.
const RECENT_MS: i64 = 30 * 24 * 3_600_000;

/// Members matching $2 (search pattern), $3 (role), $4 (status); $5 = FALSE
/// when the status filter is about invitations; $8 a flag's code. `total` counts every match.
const MEMBERS: &str = "SELECT m.account_id, a.full_name, a.email, a.username, m.position, m.role, m.status, m.show_in_app,
        m.chat_user, m.default_doctor, m.can_sign_forms, m.can_invite_clients, a.last_login_at,
        COUNT(*) OVER () AS total
    FROM memberships m JOIN accounts a ON a.id = m.account_id
    WHERE m.practice_id = $1 AND $5
      AND ($2 IS NULL OR lower(a.full_name) LIKE $2 ESCAPE '\\'
           OR lower(COALESCE(a.email, '')) LIKE $2 ESCAPE '\\'
           OR lower(COALESCE(a.username, '')) LIKE $2 ESCAPE '\\')
      AND ($3 IS NULL OR m.role = $3)
      AND ($4 IS NULL OR m.status = $4)
      AND ($8 IS NULL OR ($8 = 'show_in_app' AND m.show_in_app) OR ($8 = 'chat_user' AND m.chat_user)
           OR ($8 = 'default_doctor' AND m.default_doctor) OR ($8 = 'can_sign_forms' AND m.can_sign_forms)
           OR ($8 = 'can_invite_clients' AND m.can_invite_clients))
    ORDER BY a.full_name, a.id LIMIT $6 OFFSET $7";

const PENDING: &str = "SELECT i.id, i.email, i.role, i.status, i.sent_at, i.expires_at,
        a.full_name AS inviter, o.status AS delivery, COUNT(*) OVER () AS total
    FROM invitations i LEFT JOIN accounts a ON a.id = i.invited_by LEFT JOIN outbox o ON o.id = i.message_id";

/// Invitations matching $3 (search pattern), $4 (role), $5 (stored status),
/// $6 ('live' or 'lapsed' validity at $7); $8 = FALSE when the status filter
/// is about members. Join requests are listed apart.
const INVITATIONS: &str = "WHERE i.practice_id = $1 AND $8 AND i.status <> 'requested'
      AND (i.status = 'invited' OR i.sent_at > $2)
      AND ($3 IS NULL OR lower(i.email) LIKE $3 ESCAPE '\\')
      AND ($4 IS NULL OR i.role = $4)
      AND ($5 IS NULL OR i.status = $5)
      AND ($6 IS NULL OR ($6 = 'live' AND (i.expires_at IS NULL OR i.expires_at > $7))
                      OR ($6 = 'lapsed' AND i.expires_at <= $7))
    ORDER BY i.sent_at DESC, i.email LIMIT $9 OFFSET $10";

pub async fn view(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    query: &TeamQuery,
) -> ServiceResult<TeamView> {
    memberships::require(backend, account, practice, Capability::ManageTeam).await?;
    let now = backend.now_ms();
    let time_zone = crate::practices::zone_name(backend, practice).await?;
    let pattern = query.like_pattern();
    let member_status = match query.status {
        Some(TeamStatus::Member(status)) => Some(status),
        _ => None,
    };
    let members_wanted = !matches!(query.status, Some(TeamStatus::Invitation(_)));
    let offset = |page: u32| i64::from(page) * i64::from(PAGE_SIZE);

    let members: Vec<MemberRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(MEMBERS)
            .bind(practice)
            .bind(&pattern)
            .bind(query.role)
            .bind(member_status)
            .bind(members_wanted)
            .bind(i64::from(PAGE_SIZE))
            .bind(offset(query.members_page))
            .bind(query.flag.map(Flag::code))
            .fetch_all(pool)
            .await
    })?;

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
    let sql = format!("{PENDING} {INVITATIONS}");
    let invitations: Vec<PendingRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(&sql)
            .bind(practice)
            .bind(now - RECENT_MS)
            .bind(&pattern)
            .bind(query.role)
            .bind(stored)
            .bind(validity)
            .bind(now)
            .bind(invitations_wanted)
            .bind(i64::from(PAGE_SIZE))
            .bind(offset(query.invitations_page))
            .fetch_all(pool)
            .await
    })?;
    let sql = format!(
        "{PENDING} WHERE i.practice_id = $1 AND i.status = 'requested' ORDER BY i.sent_at DESC, i.email"
    );
    let requests: Vec<PendingRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(&sql).bind(practice).fetch_all(pool).await
    })?;

    let roles: Vec<(Role, i64)> = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT role, COUNT(*) FROM memberships WHERE practice_id = $1 AND status = $2 GROUP BY role")
            .bind(practice)
            .bind(MembershipStatus::Active)
            .fetch_all(pool)
            .await
    })?;
    let active_admins = roles
        .into_iter()
        .filter(|(role, _)| role.is_admin_capable())
        .map(|(_, count)| u64::try_from(count).unwrap_or(0))
        .sum();
    let total = |first: Option<i64>| first.and_then(|t| u64::try_from(t).ok()).unwrap_or(0);
    let members_total = total(members.first().map(|m| m.total));
    let invitations_total = total(invitations.first().map(|i| i.total));
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
            flags: m.flags,
            last_login: m.last_login_at.map(|at| practice_time(at, &time_zone)),
        })
        .collect();
    Ok(TeamView {
        members: Page {
            rows: members,
            total: members_total,
            index: query.members_page,
        },
        invitations: Page {
            rows: pending(invitations)?,
            total: invitations_total,
            index: query.invitations_page,
        },
        requests: pending(requests)?,
        active_admins,
    })
}
