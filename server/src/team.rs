//! The Team page: members, invitations with their delivery, and join requests.

use shared::email::EmailAddress;
use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::roles::{Capability, MembershipStatus, Role};
use shared::team::{Member, Pending, TeamView};

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
    role: Role,
    status: MembershipStatus,
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
}

/// Invitations shown: all pending ones, and answered or ended ones of the last 30 days.
const RECENT_MS: i64 = 30 * 24 * 3_600_000;

pub async fn view(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<TeamView> {
    memberships::require(backend, account, practice, Capability::ManageTeam).await?;
    let now = backend.now_ms();
    let (time_zone,): (String,) = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT time_zone FROM practices WHERE id = $1").bind(practice).fetch_one(pool).await
    })?;
    let members: Vec<MemberRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT m.account_id, a.full_name, a.email, m.role, m.status FROM memberships m
             JOIN accounts a ON a.id = m.account_id WHERE m.practice_id = $1 ORDER BY a.full_name, a.id",
        )
        .bind(practice)
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
        .bind(practice)
        .bind(now - RECENT_MS)
        .fetch_all(pool)
        .await
    })?;
    let members = members
        .into_iter()
        .map(|m| Member {
            account: m.account_id,
            full_name: m.full_name,
            email: m.email.and_then(|e| EmailAddress::parse(&e).ok()),
            role: m.role,
            status: m.status,
            you: m.account_id == account,
        })
        .collect();
    let (mut invitations, mut requests) = (Vec::new(), Vec::new());
    for p in pending {
        let stored = p.status;
        let row = Pending {
            id: p.id,
            email: EmailAddress::parse(&p.email)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
            role: p.role,
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
