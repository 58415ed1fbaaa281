//! Team invitations end to end (product.md §5): sending them from typed lists
//! and CSV files ([`send`]), resending and revoking in bulk ([`bulk`]), and
//! answering the emailed link ([`respond`]).
//!
//! Every change, its audit event and its email commit in one transaction,
//! under the practice's lock.

mod bulk;
mod respond;
mod send;

pub use bulk::{resend, revoke};
pub use respond::{accept, reject, sign_up_invitee, view};
pub use send::invite;
pub(crate) use send::parse_source;

use chrono::format::{Item, StrftimeItems};
use chrono_tz::Tz;
use shared::email::EmailAddress;
use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::roles::Role;
use std::sync::LazyLock;

use crate::audit::Origin;
use crate::backend::{Backend, Caller};
use crate::clock::from_ms;
use crate::db::Tx;
use crate::error::{LinkProblem, ServiceError, ServiceResult};
use crate::mail::templates;
use crate::on_tx;
use crate::tokens::Secret;

const HOUR_MS: i64 = 3_600_000;

/// A moment in the practice's time zone, with the zone named.
pub fn practice_time(ms: i64, zone: &str) -> String {
    // Parsed once: a Team page formats a hundred of these.
    static FORMAT: LazyLock<Vec<Item<'static>>> = LazyLock::new(|| {
        StrftimeItems::new("%-d %B %Y, %H:%M %Z")
            .parse()
            .expect("the format is valid")
    });
    let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
    from_ms(ms)
        .with_timezone(&tz)
        .format_with_items(FORMAT.iter())
        .to_string()
}

/// Why an invitation link in this status cannot be used, if it cannot:
/// the one place that maps statuses to what the invitee is told.
pub fn link_problem(status: InvitationStatus) -> Option<LinkProblem> {
    match status {
        InvitationStatus::Invited => None,
        InvitationStatus::Expired => Some(LinkProblem::Expired),
        InvitationStatus::Revoked => Some(LinkProblem::Revoked),
        _ => Some(LinkProblem::Used),
    }
}

fn usable(status: InvitationStatus) -> ServiceResult<()> {
    link_problem(status).map_or(Ok(()), |p| Err(ServiceError::Link(p)))
}

/// The practice facts an invitation email needs.
#[derive(sqlx::FromRow)]
struct PracticeFacts {
    name: String,
    time_zone: String,
    staff_invite_validity_hours: i64,
}

async fn practice_facts(tx: &mut Tx, practice: PracticeId) -> ServiceResult<PracticeFacts> {
    let facts: Option<PracticeFacts> = on_tx!(tx, c => {
        sqlx::query_as("SELECT name, time_zone, staff_invite_validity_hours FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_optional(c)
            .await
    })?;
    facts.ok_or(ServiceError::NotFound)
}

async fn full_name(tx: &mut Tx, account: AccountId) -> ServiceResult<String> {
    let (name,): (String,) = on_tx!(tx, c => {
        sqlx::query_as("SELECT full_name FROM accounts WHERE id = $1").bind(account).fetch_one(c).await
    })?;
    Ok(name)
}

/// One invitation as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
struct InvitationRow {
    id: InvitationId,
    practice_id: PracticeId,
    email: String,
    role: Role,
    status: InvitationStatus,
    expires_at: Option<i64>,
}

impl InvitationRow {
    /// The status now: a pending invitation whose validity passed is Expired.
    fn status_at(&self, now: i64) -> InvitationStatus {
        self.status.at(self.expires_at.is_some_and(|e| now >= e))
    }
}

const ROW_SQL: &str = "SELECT id, practice_id, email, role, status, expires_at FROM invitations";

async fn set_status(
    tx: &mut Tx,
    id: InvitationId,
    status: InvitationStatus,
    now: i64,
) -> ServiceResult<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE invitations SET status = $1, responded_at = $2 WHERE id = $3")
            .bind(status)
            .bind(now)
            .bind(id)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Everything needed to (re)send invitations of one practice at one moment.
struct Sending {
    practice: PracticeId,
    facts: PracticeFacts,
    inviter: String,
    origin: Origin,
    now: i64,
    expires_at: i64,
    /// `expires_at` in the practice's time zone, written once for the whole batch.
    expires: String,
    /// Invitation emails the practice may still send in the last 24 hours' window.
    quota: Quota,
}

/// A practice's daily allowance of invitation emails (`CAREKEYS_INVITATIONS_PER_DAY`):
/// generous for any real team, but a stolen admin session cannot turn the
/// practice into a spam cannon.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Quota {
    pub(crate) per_day: i64,
    pub(crate) left: i64,
}

impl Quota {
    pub(crate) async fn of(
        tx: &mut Tx,
        practice: PracticeId,
        per_day: i64,
        now: i64,
    ) -> ServiceResult<Quota> {
        let sent: i64 = on_tx!(tx, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE practice_id = $1 AND created_at > $2")
                .bind(practice)
                .bind(now - 24 * HOUR_MS)
                .fetch_one(c)
                .await
        })?;
        Ok(Quota {
            per_day,
            left: (per_day - sent).max(0),
        })
    }

    pub(crate) fn reached(&self) -> String {
        format!(
            "This practice has sent its {} invitations for the last 24 hours; try again later.",
            self.per_day
        )
    }
}

/// An invitation email with its fresh token, ready to queue.
struct Prepared {
    token_hash: String,
    email: crate::mail::Email,
}

impl Sending {
    /// Reads what the emails say (practice, inviter) inside the change's
    /// transaction; the links work for `validity_hours`, or the practice's setting.
    async fn load(
        backend: &Backend,
        tx: &mut Tx,
        practice: PracticeId,
        account: AccountId,
        caller: &Caller,
        now: i64,
        validity_hours: Option<i64>,
    ) -> ServiceResult<Self> {
        let facts = practice_facts(tx, practice).await?;
        let inviter = full_name(tx, account).await?;
        let hours = validity_hours.unwrap_or(facts.staff_invite_validity_hours);
        let expires_at = now + hours * HOUR_MS;
        let expires = practice_time(expires_at, &facts.time_zone);
        let per_day = backend.config.invitations_per_day;
        let quota = Quota::of(tx, practice, per_day, now).await?;
        Ok(Self {
            practice,
            facts,
            inviter,
            origin: caller.as_actor(account),
            now,
            expires_at,
            expires,
            quota,
        })
    }

    /// A new token and the email that carries it.
    fn prepare(&self, backend: &Backend, to: &EmailAddress, role: Role) -> Prepared {
        let token = Secret::generate();
        let accept = backend
            .config
            .link(&format!("/invitation?token={}", token.expose()));
        let reject = format!("{accept}&answer=reject");
        let email = templates::team_invitation(
            to,
            &templates::TeamInvitation {
                practice: &self.facts.name,
                inviter: &self.inviter,
                role: role.label(),
                accept_link: &accept,
                reject_link: &reject,
                expires: &self.expires,
            },
        )
        .carrying(&token);
        Prepared {
            token_hash: token.hash(),
            email,
        }
    }
}
