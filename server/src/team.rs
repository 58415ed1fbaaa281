//! The Team page: members, invitations with their delivery, and join requests.

use shared::email::EmailAddress;
use shared::ids::{AccountId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::roles::{Capability, Role};
use shared::team::{Member, Pending, TeamView};

use crate::backend::Backend;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::mail::outbox::Delivery;
use crate::{on_pool, practices};

#[derive(sqlx::FromRow)]
struct MemberRow {
    account_id: String,
    full_name: String,
    email: Option<String>,
    role: String,
    status: String,
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: String,
    email: String,
    role: String,
    status: String,
    sent_at: i64,
    expires_at: Option<i64>,
    inviter: Option<String>,
    delivery: Option<String>,
}

/// Invitations shown: all pending ones, and answered or ended ones of the last 30 days.
const RECENT_MS: i64 = 30 * 24 * 3_600_000;

pub async fn view(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<TeamView> {
    practices::require(backend, account, practice, Capability::ManageTeam).await?;
    let now = backend.now_ms();
    let (time_zone,): (String,) = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT time_zone FROM practices WHERE id = $1").bind(practice.to_string()).fetch_one(pool).await
    })?;
    let members: Vec<MemberRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT m.account_id, a.full_name, a.email, m.role, m.status FROM memberships m
             JOIN accounts a ON a.id = m.account_id WHERE m.practice_id = $1 ORDER BY a.full_name, a.id",
        )
        .bind(practice.to_string())
        .fetch_all(pool)
        .await
    })?;
    let pending: Vec<PendingRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT i.id, i.email, i.role, i.status, i.sent_at, i.expires_at, a.full_name AS inviter, o.status AS delivery
             FROM invitations i LEFT JOIN accounts a ON a.id = i.invited_by LEFT JOIN outbox o ON o.id = i.message_id
             WHERE i.practice_id = $1 AND (i.status IN ('invited', 'requested') OR i.sent_at > $2)
             ORDER BY i.sent_at DESC, i.email",
        )
        .bind(practice.to_string())
        .bind(now - RECENT_MS)
        .fetch_all(pool)
        .await
    })?;
    let internal = |e: String| ServiceError::Internal(e);
    let members = members
        .into_iter()
        .map(|m| {
            Ok(Member {
                account: m
                    .account_id
                    .parse()
                    .map_err(|_| internal("account id".into()))?,
                full_name: m.full_name,
                email: m.email.and_then(|e| EmailAddress::parse(&e).ok()),
                role: Role::from_code(&m.role)
                    .ok_or_else(|| internal(format!("role {}", m.role)))?,
                active: m.status == "active",
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let (mut invitations, mut requests) = (Vec::new(), Vec::new());
    for p in pending {
        let stored = InvitationStatus::from_code(&p.status).unwrap_or(InvitationStatus::Revoked);
        let row = Pending {
            id: p.id.parse().map_err(|_| internal("invitation id".into()))?,
            email: EmailAddress::parse(&p.email).map_err(|e| internal(e.to_string()))?,
            role: Role::from_code(&p.role).unwrap_or(Role::Practitioner),
            status: stored.at(p.expires_at.is_some_and(|e| now >= e)),
            sent: practice_time(p.sent_at, &time_zone),
            expires: p.expires_at.map(|e| practice_time(e, &time_zone)),
            invited_by: p.inviter,
            delivery: p.delivery.map(|d| format!("{:?}", Delivery::from_code(&d))),
        };
        if stored == InvitationStatus::Requested {
            requests.push(row);
        } else {
            invitations.push(row);
        }
    }
    Ok(TeamView {
        members,
        invitations,
        requests,
    })
}
