//! A client's communication history (§7): every message with its text as
//! sent, its sender and how delivery went, and the portal links sent to them
//! with whether they were opened; newest first, paged by the database.

use shared::ids::{AccountId, ClientId, ClientMessageId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::messages::{Delivery, History, HistoryEntry, Subscription, HISTORY_PAGE};
use shared::roles::Capability;
use shared::team::Page;

use crate::backend::Backend;
use crate::db::Tx;
use crate::error::ServiceResult;
use crate::invitations::practice_time;
use crate::mail::outbox;
use crate::{clients, memberships, on_tx};

#[derive(sqlx::FromRow)]
struct Line {
    kind: String,
    id: String,
    subject: Option<String>,
    body: Option<String>,
    sender: Option<String>,
    status: Option<String>,
    last_error: Option<String>,
    at: i64,
    done_at: Option<i64>,
}

/// $1 practice, $2 client, $3 now; messages and portal invitations as one
/// list (an invitation past its time reads Expired at once, as everywhere).
const LINES_SQL: &str = "SELECT 'message' AS kind, m.id, m.subject, m.body, a.full_name AS sender,
        o.status, o.last_error, m.created_at AS at, o.sent_at AS done_at
     FROM messages m LEFT JOIN accounts a ON a.id = m.sent_by LEFT JOIN outbox o ON o.id = m.outbox_id
     WHERE m.practice_id = $1 AND m.client_id = $2
     UNION ALL
     SELECT 'portal', i.id, NULL, NULL, a.full_name,
        CASE WHEN i.status = 'invited' AND i.expires_at <= $3 THEN 'expired' ELSE i.status END,
        NULL, i.sent_at, i.opened_at
     FROM portal_invitations i LEFT JOIN accounts a ON a.id = i.invited_by
     WHERE i.practice_id = $1 AND i.client_id = $2";

/// One page of the client's history, for anyone on the practice's team.
pub async fn history(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
    page: u32,
) -> ServiceResult<History> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    // Another practice's client is "not found".
    clients::row(&mut tx, practice, account, client, now).await?;
    let history = page_of(&mut tx, practice, client, page, now).await?;
    tx.commit().await?;
    Ok(history)
}

/// [`history`] inside `tx`, for a client of `practice` the caller has checked.
pub(crate) async fn page_of(
    tx: &mut Tx,
    practice: PracticeId,
    client: ClientId,
    page: u32,
    now: i64,
) -> ServiceResult<History> {
    let setup = super::setup(tx, practice).await?;
    let page_sql =
        format!("SELECT * FROM ({LINES_SQL}) lines ORDER BY at DESC, id DESC LIMIT $4 OFFSET $5");
    let count_sql = format!("SELECT COUNT(*) FROM ({LINES_SQL}) lines");
    let offset = i64::from(page) * i64::from(HISTORY_PAGE);
    // When and by whom the client was opted out, if they were.
    type OptedOut = (Option<i64>, Option<String>);
    let (lines, total, zone, opted_out): (Vec<Line>, i64, String, OptedOut) = on_tx!(tx, c => {
        let lines = sqlx::query_as(&page_sql)
            .bind(practice).bind(client).bind(now).bind(i64::from(HISTORY_PAGE)).bind(offset)
            .fetch_all(&mut *c).await?;
        let total = sqlx::query_scalar(&count_sql).bind(practice).bind(client).bind(now).fetch_one(&mut *c).await?;
        let zone = sqlx::query_scalar("SELECT time_zone FROM practices WHERE id = $1")
            .bind(practice).fetch_one(&mut *c).await?;
        let opted_out = sqlx::query_as("SELECT opted_out_at, opted_out_by FROM clients WHERE id = $1")
            .bind(client).fetch_one(&mut *c).await?;
        Ok::<_, sqlx::Error>((lines, total, zone, opted_out))
    })?;
    let when = |ms: i64| practice_time(ms, &zone);
    let rows = lines
        .into_iter()
        .map(|line| entry(line, &when))
        .collect::<ServiceResult<Vec<_>>>()?;
    let subscription = match opted_out {
        (Some(at), Some(by)) if by == "client" => {
            Subscription::UnsubscribedByClient { at: when(at) }
        }
        (Some(at), _) => Subscription::OptedOutByStaff { at: when(at) },
        (None, _) => Subscription::Receiving,
    };
    Ok(History {
        entries: Page {
            rows,
            total: u64::try_from(total).unwrap_or_default(),
            index: page,
        },
        subscription,
        setup,
    })
}

fn entry(line: Line, when: &impl Fn(i64) -> String) -> ServiceResult<HistoryEntry> {
    let status = line.status.unwrap_or_default();
    if line.kind == "portal" {
        return Ok(HistoryEntry::PortalLink {
            sent_by: line.sender,
            at: when(line.at),
            status: InvitationStatus::from_code(&status).ok_or_else(|| {
                crate::error::ServiceError::Internal(format!("invitation status {status:?}"))
            })?,
            opened: line.done_at.map(when),
        });
    }
    let delivery = match outbox::Delivery::from_code(&status) {
        outbox::Delivery::Queued => Delivery::Queued,
        outbox::Delivery::Sent => Delivery::Sent {
            at: line.done_at.map(when).unwrap_or_default(),
        },
        outbox::Delivery::Failed => Delivery::Failed {
            reason: line.last_error.unwrap_or_default(),
        },
    };
    Ok(HistoryEntry::Message {
        id: line
            .id
            .parse::<ClientMessageId>()
            .map_err(|e| crate::error::ServiceError::Internal(e.to_string()))?,
        subject: line.subject.unwrap_or_default(),
        body: line.body.unwrap_or_default(),
        sent_by: line.sender,
        at: when(line.at),
        delivery,
    })
}
