//! The practice's side of its community (product.md §5): adding addresses
//! without a word to anyone, inviting with or without an email, removing, and
//! the paged, filtered list (its settings: `settings`). Managing the community is a practice setting
//! (the role table's "change practice settings, join links, templates, community members").

use shared::addresses::Parsed;
use shared::community::members::{
    AddOutcome, AddReportRow, InviteReport, MemberQuery, MemberRow, MembersView, Notify, Selection,
    Skipped,
};
use shared::email::EmailAddress;
use shared::ids::{AccountId, CommunityMemberId, PracticeId};
use shared::invitation::{InvitationEvent, InvitationStatus, InviteSource};
use shared::roles::Capability;
use shared::team::{Page, PAGE_SIZE};
use std::collections::HashMap;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::{parse_source, practice_time, Quota};
use crate::mail::{outbox, templates};
use crate::tokens::Secret;
use crate::{memberships, on_pool, on_tx, practices};

const DAY_MS: i64 = 24 * 3_600_000;

/// One member as stored.
#[derive(sqlx::FromRow)]
pub(super) struct Row {
    pub(super) id: CommunityMemberId,
    pub(super) email: String,
    pub(super) status: InvitationStatus,
    pub(super) expires_at: Option<i64>,
    pub(super) sharing: bool,
    pub(super) notified: bool,
}

impl Row {
    /// The status now: an invitation whose validity passed is Expired.
    pub(super) fn status_at(&self, now: i64) -> InvitationStatus {
        self.status.at(self.expires_at.is_some_and(|e| now >= e))
    }
}

pub(super) const ROW_SQL: &str =
    "SELECT id, email, status, expires_at, sharing, notified FROM community_members";

/// The list's search and filters, as one WHERE clause over
/// $1 practice, $2 LIKE pattern, $3 status code, $4 now, $5 sharing.
const MATCHING: &str = "WHERE practice_id = $1
       AND ($2 IS NULL OR email LIKE $2 ESCAPE '\\')
       AND ($3 IS NULL
            OR ($3 = 'expired' AND (status = 'expired' OR (status = 'invited' AND expires_at <= $4)))
            OR ($3 = 'invited' AND status = 'invited' AND expires_at > $4)
            OR ($3 NOT IN ('expired', 'invited') AND status = $3))
       AND ($5 IS NULL OR sharing = $5)";

/// Binds [`MATCHING`]'s five values to `$query`, in order.
macro_rules! bind_matching {
    ($query:expr, $practice:expr, $filter:expr, $now:expr) => {
        $query
            .bind($practice)
            .bind(shared::team::like_pattern(&$filter.search))
            .bind($filter.status.map(InvitationStatus::code))
            .bind($now)
            .bind($filter.sharing)
    };
}

/// One page of the practice's community, with its settings.
pub async fn list(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    query: &MemberQuery,
) -> ServiceResult<MembersView> {
    memberships::require(backend, account, practice, Capability::ChangeSettings).await?;
    let now = backend.now_ms();
    let rows_sql = format!("{ROW_SQL} {MATCHING} ORDER BY email LIMIT {PAGE_SIZE} OFFSET $6");
    let count_sql = format!("SELECT COUNT(*) FROM community_members {MATCHING}");
    let offset = i64::from(query.page) * i64::from(PAGE_SIZE);
    let (rows, total, validity): (Vec<Row>, i64, i64) = on_pool!(&backend.db, pool => {
        let rows = bind_matching!(sqlx::query_as(&rows_sql), practice, query, now)
            .bind(offset)
            .fetch_all(pool)
            .await?;
        let total = bind_matching!(sqlx::query_scalar(&count_sql), practice, query, now)
            .fetch_one(pool)
            .await?;
        let validity = sqlx::query_scalar("SELECT community_validity_days FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(pool)
            .await?;
        Ok::<_, sqlx::Error>((rows, total, validity))
    })?;
    Ok(MembersView {
        members: Page {
            rows: rows
                .into_iter()
                .map(|row| MemberRow {
                    id: row.id,
                    status: row.status_at(now),
                    email: row.email,
                    sharing: row.sharing,
                    notified: row.notified,
                })
                .collect(),
            total: total as u64,
            index: query.page,
        },
        validity_days: u32::try_from(validity)
            .unwrap_or(shared::community::members::DEFAULT_VALIDITY_DAYS),
    })
}

/// Adds every valid address of a pasted list or CSV file as Not invited; no
/// email is sent. Reports each entry once.
pub async fn add(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    source: &InviteSource,
) -> ServiceResult<Vec<AddReportRow>> {
    let entries = parse_source(source)?;
    let now = backend.now_ms();
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let existing: HashMap<String, Row> = on_tx!(&mut tx, c => {
        sqlx::query_as::<_, Row>(&format!("{ROW_SQL} WHERE practice_id = $1"))
            .bind(practice)
            .fetch_all(c)
            .await
    })?
    .into_iter()
    .map(|row| (row.email.clone(), row))
    .collect();
    let mut report = Vec::with_capacity(entries.len());
    let mut events = Vec::new();
    for entry in entries {
        let (address, outcome) = match entry.parsed {
            Parsed::Invalid(rejection) => (None, AddOutcome::Invalid(rejection.to_string())),
            Parsed::Duplicate(address) => (Some(address), AddOutcome::Duplicate),
            Parsed::Valid { address, .. } => {
                let outcome = match existing.get(address.as_str()) {
                    Some(row) => AddOutcome::AlreadyThere(row.status_at(now)),
                    None => {
                        let id = CommunityMemberId::from_uuid(Uuid::new_v4());
                        on_tx!(&mut tx, c => {
                            sqlx::query(
                                "INSERT INTO community_members (id, practice_id, email, status, added_by, added_at)
                                 VALUES ($1, $2, $3, $4, $5, $6)",
                            )
                            .bind(id)
                            .bind(practice)
                            .bind(address.as_str())
                            .bind(InvitationStatus::NotInvited)
                            .bind(account)
                            .bind(now)
                            .execute(c)
                            .await
                            .map(|r| r.rows_affected())
                        })?;
                        events.push(
                            Event::new("community.member_added", id.to_string())
                                .in_practice(practice)
                                .after(serde_json::json!({ "email": address.as_str() })),
                        );
                        AddOutcome::Added
                    }
                };
                (Some(address), outcome)
            }
        };
        report.push(AddReportRow {
            line: entry.line,
            text: entry.text,
            address,
            outcome,
        });
    }
    audit::commit_all(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        events,
    )
    .await?;
    Ok(report)
}

/// The members `selection` names, read inside the change. Another practice's
/// id fails the whole request as "not found".
async fn selected(
    tx: &mut Tx,
    practice: PracticeId,
    selection: &Selection,
    now: i64,
) -> ServiceResult<Vec<Row>> {
    match selection {
        Selection::These(ids) => {
            let sql = format!("{ROW_SQL} WHERE id = $1 AND practice_id = $2");
            let mut rows = Vec::with_capacity(ids.len());
            for id in ids {
                let row: Option<Row> = on_tx!(&mut *tx, c => {
                    sqlx::query_as(&sql).bind(id).bind(practice).fetch_optional(c).await
                })?;
                rows.push(row.ok_or(ServiceError::NotFound)?);
            }
            Ok(rows)
        }
        Selection::Matching(query) => {
            let sql = format!("{ROW_SQL} {MATCHING} ORDER BY email");
            Ok(on_tx!(&mut *tx, c => {
                bind_matching!(sqlx::query_as(&sql), practice, query, now).fetch_all(c).await
            })?)
        }
    }
}

/// A fresh invitation for `email`: its link, and the email that carries it.
pub(super) struct Sent {
    pub(super) token_hash: String,
    pub(super) expires_at: i64,
    pub(super) email: crate::mail::Email,
}

/// Writes a new community invitation for `email` (link valid for the
/// practice's member validity) and the email that carries it.
pub(super) async fn invitation_mail(
    backend: &Backend,
    tx: &mut Tx,
    practice: PracticeId,
    email: &str,
    now: i64,
) -> ServiceResult<Sent> {
    let (name, zone, days): (String, String, i64) = on_tx!(&mut *tx, c => {
        sqlx::query_as("SELECT name, time_zone, community_validity_days FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(c)
            .await
    })?;
    let expires_at = now + days * DAY_MS;
    let to = EmailAddress::parse(email).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let token = Secret::generate();
    let link = backend
        .config
        .link(&format!("/portal/community?token={}", token.expose()));
    let mail =
        templates::community_invitation(&to, &name, &link, &practice_time(expires_at, &zone))
            .carrying(&token);
    Ok(Sent {
        token_hash: token.hash(),
        expires_at,
        email: mail,
    })
}

/// Makes a member Invited from `now` until `expires_at`; `link` is the hash of
/// the emailed link's token (None: told in the room, no link sent).
pub(super) async fn mark_invited(
    tx: &mut Tx,
    id: CommunityMemberId,
    link: Option<&str>,
    expires_at: i64,
    now: i64,
) -> ServiceResult<()> {
    on_tx!(&mut *tx, c => {
        sqlx::query(
            "UPDATE community_members SET status = $1, token_hash = $2, expires_at = $3, notified = $4,
             invited_at = $5, responded_at = NULL WHERE id = $6",
        )
        .bind(InvitationStatus::Invited)
        .bind(link)
        .bind(expires_at)
        .bind(link.is_some())
        .bind(now)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Invites the selected members (or sends again to those invited before),
/// by email or not. Registered members are skipped and reported.
pub async fn invite(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    selection: &Selection,
    notify: Notify,
) -> ServiceResult<InviteReport> {
    let now = backend.now_ms();
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let rows = selected(&mut tx, practice, selection, now).await?;
    let mut quota = Quota::of(&mut tx, practice, backend.config.invitations_per_day, now).await?;
    let days: i64 = on_tx!(&mut tx, c => {
        sqlx::query_scalar("SELECT community_validity_days FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(c)
            .await
    })?;
    let mut report = InviteReport::default();
    let mut events = Vec::new();
    for row in rows {
        let before = row.status_at(now);
        let event = if before == InvitationStatus::NotInvited {
            InvitationEvent::Invite
        } else {
            InvitationEvent::Resend
        };
        if before.next(event).is_err() {
            report.skipped.push(Skipped {
                email: row.email,
                why: format!(
                    "{}: nothing to invite.",
                    shared::community::members::status_label(before)
                ),
            });
            continue;
        }
        let (token_hash, expires_at) = match notify {
            Notify::ByEmail if quota.left == 0 => {
                report.skipped.push(Skipped {
                    email: row.email,
                    why: quota.reached(),
                });
                continue;
            }
            Notify::ByEmail => {
                quota.left -= 1;
                let sent = invitation_mail(backend, &mut tx, practice, &row.email, now).await?;
                outbox::enqueue(&mut tx, Some(practice), &sent.email, now).await?;
                report.emailed += 1;
                (Some(sent.token_hash), sent.expires_at)
            }
            // Handed over in the room: the person joins at the join page with this address.
            Notify::DontNotify => (None, now + days * DAY_MS),
        };
        mark_invited(&mut tx, row.id, token_hash.as_deref(), expires_at, now).await?;
        report.invited += 1;
        events.push(
            Event::new("community.member_invited", row.id.to_string())
                .in_practice(practice)
                .before(serde_json::json!({ "status": before.code() }))
                .after(serde_json::json!({
                    "email": row.email,
                    "status": InvitationStatus::Invited.code(),
                    "notified": notify == Notify::ByEmail,
                })),
        );
    }
    audit::commit_all(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        events,
    )
    .await?;
    Ok(report)
}

/// Takes the selected members out of the community; their readings no longer
/// count in its figures. Answers how many were removed.
pub async fn remove(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    selection: &Selection,
) -> ServiceResult<u32> {
    let now = backend.now_ms();
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let rows = selected(&mut tx, practice, selection, now).await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        on_tx!(&mut tx, c => {
            sqlx::query("DELETE FROM community_members WHERE id = $1")
                .bind(row.id)
                .execute(c)
                .await
                .map(|r| r.rows_affected())
        })?;
        events.push(
            Event::new("community.member_removed", row.id.to_string())
                .in_practice(practice)
                .before(serde_json::json!({
                    "email": row.email,
                    "status": row.status_at(now).code(),
                    "sharing": row.sharing,
                })),
        );
    }
    audit::commit_all(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        events,
    )
    .await?;
    Ok(rows.len() as u32)
}
