//! A practice's clients (product.md §7): listed, searched and paged in the
//! database; added, edited, archived and assigned as the role table allows.
//! The whole team sees clients; Owners, Admins and Practitioners change any
//! of them; Staff (Full) with *can invite clients* change only the clients
//! assigned to them (`Access::AssignedClientsOnly`), and never who is assigned.

use chrono::Datelike;
use shared::clients::{
    ClientForm, ClientList, ClientQuery, ClientRow, ClientView, Date, PortalStatus, StaffChoice,
};
use shared::ids::{AccountId, ClientId, PracticeId};
use shared::roles::{can, Actor, Capability};
use shared::team::{like_pattern, Page, PAGE_SIZE};

use crate::backend::Backend;
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{memberships, on_pool, on_tx};

mod change;

pub(crate) use change::change;
pub use change::{add, assign, edit, set_archived};

/// A client as stored, with the viewer's relation to them.
#[derive(sqlx::FromRow)]
struct Row {
    id: ClientId,
    first_name: String,
    last_name: String,
    email: Option<String>,
    date_of_birth: Option<String>,
    archived: bool,
    has_login: bool,
    invited: bool,
    assigned_to_viewer: bool,
    opted_out: bool,
}

impl From<Row> for ClientRow {
    fn from(row: Row) -> Self {
        let portal = match (row.has_login, row.invited) {
            (true, _) => PortalStatus::HasAccount,
            (false, true) => PortalStatus::Invited,
            (false, false) => PortalStatus::NoAccount,
        };
        ClientRow {
            id: row.id,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            date_of_birth: row.date_of_birth.as_deref().and_then(Date::parse),
            portal,
            assigned_to_viewer: row.assigned_to_viewer,
            archived: row.archived,
            opted_out: row.opted_out,
        }
    }
}

/// $1 practice, $2 viewer, $3 now (ms); the caller adds its WHERE clauses.
const ROW_SQL: &str = "SELECT c.id, c.first_name, c.last_name, c.email, c.date_of_birth,
        c.archived_at IS NOT NULL AS archived, c.opted_out_at IS NOT NULL AS opted_out,
        EXISTS (SELECT 1 FROM portal_logins l WHERE l.client_id = c.id) AS has_login,
        EXISTS (SELECT 1 FROM portal_invitations i
                WHERE i.client_id = c.id AND i.status = 'invited' AND i.expires_at > $3) AS invited,
        EXISTS (SELECT 1 FROM client_staff s JOIN memberships m ON m.id = s.membership_id
                WHERE s.client_id = c.id AND m.account_id = $2) AS assigned_to_viewer
     FROM clients c WHERE c.practice_id = $1";

/// Matches $4 (archived or not) and $5 (search pattern, or NULL).
const MATCHES_SQL: &str = " AND (c.archived_at IS NOT NULL) = $4
      AND ($5 IS NULL OR lower(c.first_name || ' ' || c.last_name) LIKE $5 ESCAPE '\\'
           OR lower(c.last_name || ' ' || c.first_name) LIKE $5 ESCAPE '\\'
           OR lower(COALESCE(c.email, '')) LIKE $5 ESCAPE '\\')";

/// One page of the practice's clients, for anyone on its team.
pub async fn list(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    query: &ClientQuery,
) -> ServiceResult<ClientList> {
    let actor = memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let pattern = like_pattern(&query.search);
    let now = backend.now_ms();
    let rows_sql = format!(
        "{ROW_SQL}{MATCHES_SQL} ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT $6 OFFSET $7"
    );
    let count_sql = format!(
        "SELECT COUNT(*) FROM clients c WHERE c.practice_id = $1 AND $2 = $2 AND $3 = $3{MATCHES_SQL}"
    );
    let offset = i64::from(query.page) * i64::from(PAGE_SIZE);
    let (rows, total, zone): (Vec<Row>, i64, String) = on_pool!(&backend.db, pool => {
        let rows = sqlx::query_as(&rows_sql)
            .bind(practice).bind(account).bind(now).bind(query.archived).bind(&pattern)
            .bind(i64::from(PAGE_SIZE)).bind(offset)
            .fetch_all(pool).await?;
        let total = sqlx::query_scalar(&count_sql)
            .bind(practice).bind(account).bind(now).bind(query.archived).bind(&pattern)
            .fetch_one(pool).await?;
        let zone = sqlx::query_scalar(ZONE_SQL).bind(practice).fetch_one(pool).await?;
        Ok::<_, sqlx::Error>((rows, total, zone))
    })?;
    Ok(ClientList {
        clients: Page {
            rows: rows.into_iter().map(ClientRow::from).collect(),
            total: u64::try_from(total).unwrap_or_default(),
            index: query.page,
        },
        may_add: can(&actor, Capability::EditClients).permits(false),
        today: today_in(&zone, now)?,
    })
}

/// Every client matching `query` whom the viewer may invite to the portal
/// now (an address, no portal login), at most `limit`: "select all matching".
pub async fn invitable(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    query: &ClientQuery,
    limit: usize,
) -> ServiceResult<Vec<ClientRow>> {
    let actor = memberships::require(backend, account, practice, Capability::ViewClients).await?;
    if !can(&actor, Capability::EditClients).permits(false) {
        return Err(ServiceError::Forbidden);
    }
    let mut tx = backend.db.begin().await?;
    let rows = select(
        &mut tx,
        (practice, account, backend.now_ms()),
        query,
        " AND c.email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM portal_logins l WHERE l.client_id = c.id)",
        limit,
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Every client matching `query`, at most `limit`, in the list's order.
pub(crate) async fn matching(
    tx: &mut Tx,
    (practice, viewer, now): (PracticeId, AccountId, i64),
    query: &ClientQuery,
    limit: usize,
) -> ServiceResult<Vec<ClientRow>> {
    select(tx, (practice, viewer, now), query, "", limit).await
}

async fn select(
    tx: &mut Tx,
    (practice, viewer, now): (PracticeId, AccountId, i64),
    query: &ClientQuery,
    extra: &str,
    limit: usize,
) -> ServiceResult<Vec<ClientRow>> {
    let sql = format!(
        "{ROW_SQL}{MATCHES_SQL}{extra} ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT $6"
    );
    let rows: Vec<Row> = on_tx!(tx, c => {
        sqlx::query_as(&sql)
            .bind(practice).bind(viewer).bind(now).bind(query.archived).bind(like_pattern(&query.search))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(c).await
    })?;
    Ok(rows.into_iter().map(ClientRow::from).collect())
}

pub(crate) async fn row(
    tx: &mut Tx,
    practice: PracticeId,
    viewer: AccountId,
    client: ClientId,
    now: i64,
) -> ServiceResult<ClientRow> {
    let sql = format!("{ROW_SQL} AND c.id = $4");
    let row: Option<Row> = on_tx!(tx, c => {
        sqlx::query_as(&sql).bind(practice).bind(viewer).bind(now).bind(client).fetch_optional(c).await
    })?;
    // Another practice's client is "not found", as one that does not exist.
    row.map(ClientRow::from).ok_or(ServiceError::NotFound)
}

/// Opens a write transaction on `practice` for changing some of its clients:
/// takes the practice's lock and refuses, by role, anyone who may change none
/// of them. Which clients are the viewer's is [`may_edit`], per client.
pub(crate) async fn change_some(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<(Tx, Actor)> {
    let mut tx = backend.db.begin().await?;
    if !tx.lock_practice(practice).await? {
        return Err(ServiceError::NotFound);
    }
    let actor =
        memberships::require_in(&mut tx, account, practice, Capability::ViewClients).await?;
    if !can(&actor, Capability::EditClients).permits(true) {
        return Err(ServiceError::Forbidden);
    }
    Ok((tx, actor))
}

/// Whether `actor` may change `client` (its details, its portal invitation).
pub(crate) fn may_edit(actor: &Actor, client: &ClientRow) -> bool {
    can(actor, Capability::EditClients).permits(client.assigned_to_viewer)
}

/// How many of a client's newest readings Client details shows.
const READINGS_SHOWN: i64 = 100;

/// Client details, for anyone on the practice's team.
pub async fn view(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
) -> ServiceResult<ClientView> {
    let actor = memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let mut tx = backend.db.begin().await?;
    let row = row(&mut tx, practice, account, client, backend.now_ms()).await?;
    let staff = staff(&mut tx, practice, client).await?;
    let zone: String = on_tx!(&mut tx, c => {
        sqlx::query_scalar(ZONE_SQL).bind(practice).fetch_one(c).await
    })?;
    let view = ClientView {
        forms: crate::forms::of_client(&mut tx, client, &zone).await?,
        form: ClientForm {
            first_name: row.first_name.clone(),
            last_name: row.last_name.clone(),
            email: row.email.clone().unwrap_or_default(),
            date_of_birth: row.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
        },
        may_edit: may_edit(&actor, &row),
        may_manage: can(&actor, Capability::EditClients).permits(false),
        today: today_in(&zone, backend.now_ms())?,
        readings: crate::readings::of_client(&mut tx, practice, client, READINGS_SHOWN).await?,
        messages: crate::messages::history_page(&mut tx, practice, client, 0, backend.now_ms())
            .await?,
        goals: crate::goals::stored(&mut tx, practice).await?,
        client: row,
        staff,
    };
    tx.commit().await?;
    Ok(view)
}

pub(super) async fn staff(
    tx: &mut Tx,
    practice: PracticeId,
    client: ClientId,
) -> ServiceResult<Vec<StaffChoice>> {
    let rows: Vec<(AccountId, String, bool)> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT a.id, a.full_name,
                    EXISTS (SELECT 1 FROM client_staff s WHERE s.client_id = $2 AND s.membership_id = m.id)
             FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.practice_id = $1 AND m.status = 'active'
             ORDER BY a.full_name, a.id",
        )
        .bind(practice)
        .bind(client)
        .fetch_all(c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(account, full_name, assigned)| StaffChoice {
            account,
            full_name,
            assigned,
        })
        .collect())
}

/// The practice's today, which bounds a date of birth.
pub(super) async fn today(
    backend: &Backend,
    tx: &mut Tx,
    practice: PracticeId,
) -> ServiceResult<Date> {
    let zone: String = on_tx!(tx, c => {
        sqlx::query_scalar(ZONE_SQL).bind(practice).fetch_one(c).await
    })?;
    today_in(&zone, backend.now_ms())
}

const ZONE_SQL: &str = "SELECT time_zone FROM practices WHERE id = $1";

fn today_in(zone: &str, now_ms: i64) -> ServiceResult<Date> {
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    let now = chrono::DateTime::from_timestamp_millis(now_ms)
        .ok_or_else(|| ServiceError::Internal("clock out of range".into()))?
        .with_timezone(&tz);
    Ok(Date {
        year: u16::try_from(now.year()).unwrap_or(u16::MAX),
        // chrono's month and day fit a u8 by construction.
        month: u8::try_from(now.month()).unwrap_or(12),
        day: u8::try_from(now.day()).unwrap_or(31),
    })
}
