//! New-device login approval (product.md §6). A practice user whose password
//! is right, on a browser one of their practices has not trusted, gets no
//! session: each such practice gets a request, its admins an email with
//! *Make a decision* — or, with no other active admin, the person a code of
//! their own. The waiting browser asks [`wait`] until every request is
//! approved; then it is trusted and gets its session.
//!
//! Here: who must approve and starting the requests; `waiting` answers the
//! waiting browser and a sole admin's code; `decision` is the admins' page.

use sha2::{Digest, Sha256};
use shared::email::EmailAddress;
use shared::ids::{AccountId, DeviceId, LoginRequestId, PracticeId};
use shared::login_request::{Approver, Stored, CODE_MS, WAIT_MS};
use shared::roles::{MembershipStatus, Role};
use shared::staff::notification_address;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::mail::{outbox, templates};
use crate::tokens::{hex, Secret};
use crate::{devices, memberships, on_tx};

mod decision;
mod waiting;
pub use decision::{decide, view};
pub use waiting::{confirm_code, wait};

/// One practice that must let this browser in.
pub struct Need {
    practice: PracticeId,
    name: String,
    approver: Approver,
    /// An admin added this person; their first browser is trusted (the adding was the approval).
    trust_first: bool,
}

#[derive(sqlx::FromRow)]
struct NeedRow {
    practice_id: PracticeId,
    name: String,
    role: Role,
    trust_first_device: bool,
    other_admins: i64,
}

/// The practices whose approval `account` needs on `device` (all of them when
/// the browser sent no device cookie).
pub async fn needed(
    tx: &mut Tx,
    account: AccountId,
    device: Option<DeviceId>,
) -> ServiceResult<Vec<Need>> {
    let sql = format!(
        "SELECT m.practice_id, p.name, m.role, m.trust_first_device,
                (SELECT COUNT(*) FROM memberships o
                  WHERE o.practice_id = m.practice_id AND o.account_id <> m.account_id AND {}) AS other_admins
         FROM memberships m JOIN practices p ON p.id = m.practice_id
         WHERE m.account_id = $1 AND m.status = $3 AND p.require_device_approval
           AND NOT EXISTS (SELECT 1 FROM trusted_devices t
                            WHERE t.device_id = $2 AND t.account_id = m.account_id AND t.practice_id = m.practice_id)
         ORDER BY p.name",
        memberships::active_admin_capable("o")
    );
    let rows: Vec<NeedRow> = on_tx!(tx, c => {
        sqlx::query_as(&sql)
            .bind(account)
            .bind(device)
            .bind(MembershipStatus::Active)
            .fetch_all(c)
            .await
    })?;
    Ok(rows
        .into_iter()
        .map(|row| Need {
            practice: row.practice_id,
            name: row.name,
            approver: Approver::for_requester(
                row.role.is_admin_capable(),
                u64::try_from(row.other_admins).unwrap_or(0),
            ),
            trust_first: row.trust_first_device,
        })
        .collect())
}

/// Trusts the browser where an admin's adding of the person approved it, and
/// returns what is left to approve.
pub async fn trust_first(
    tx: &mut Tx,
    caller: &Caller,
    account: AccountId,
    needs: Vec<Need>,
    now: i64,
) -> ServiceResult<Vec<Need>> {
    let mut left = Vec::new();
    for need in needs {
        if need.trust_first && caller.device.is_some() {
            devices::trust(tx, caller, account, need.practice, now).await?;
            on_tx!(tx, c => {
                sqlx::query("UPDATE memberships SET trust_first_device = FALSE WHERE practice_id = $1 AND account_id = $2")
                    .bind(need.practice)
                    .bind(account)
                    .execute(c)
                    .await.map(|r| r.rows_affected())
            })?;
        } else {
            left.push(need);
        }
    }
    Ok(left)
}

fn code_hash(request: LoginRequestId, code: &str) -> String {
    hex(&Sha256::digest(format!("{request}:{code}").as_bytes()))
}

/// Six random digits.
fn new_code() -> String {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000)
}

/// Where the person's own mail goes (`shared::staff::notification_address`).
async fn own_address(
    tx: &mut Tx,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<Option<EmailAddress>> {
    let (email, contact): (Option<String>, Option<String>) = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT a.email, m.contact_email FROM accounts a JOIN memberships m ON m.account_id = a.id
             WHERE a.id = $1 AND m.practice_id = $2",
        )
        .bind(account)
        .bind(practice)
        .fetch_one(c)
        .await
    })?;
    Ok(notification_address(contact.as_deref(), email.as_deref()))
}

/// Records the requests of one login, mails the admins (or the code), and
/// returns the secret the waiting browser keeps in its cookie. A request
/// still waiting for the same person, browser and practice is reused: logging
/// in again does not mail the admins again.
pub async fn start(
    backend: &Backend,
    tx: &mut Tx,
    caller: &Caller,
    account: AccountId,
    needs: &[Need],
    now: i64,
) -> ServiceResult<Secret> {
    let device = devices::identify(tx, caller, now)
        .await?
        .ok_or_else(|| ServiceError::Internal("a waiting login needs a device cookie".into()))?;
    let attempt = Secret::generate();
    let (person,): (String,) = on_tx!(tx, c => {
        sqlx::query_as("SELECT full_name FROM accounts WHERE id = $1").bind(account).fetch_one(c).await
    })?;
    let origin = caller.as_actor(account);
    for need in needs {
        let reused = on_tx!(tx, c => {
            sqlx::query(
                "UPDATE login_requests SET attempt_hash = $1
                 WHERE account_id = $2 AND device_id = $3 AND practice_id = $4 AND status = $5 AND expires_at > $6",
            )
            .bind(attempt.hash())
            .bind(account)
            .bind(device)
            .bind(need.practice)
            .bind(Stored::Waiting.code())
            .bind(now)
            .execute(c)
            .await.map(|r| r.rows_affected())
        })?;
        if reused > 0 {
            continue;
        }
        let id = LoginRequestId::from_uuid(Uuid::new_v4());
        let code = (need.approver == Approver::OwnCode).then(new_code);
        let expires_at = now + if code.is_some() { CODE_MS } else { WAIT_MS };
        on_tx!(tx, c => {
            sqlx::query(
                "INSERT INTO login_requests (id, practice_id, account_id, device_id, attempt_hash, approver, status, ip, created_at, expires_at, code_hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(need.practice)
            .bind(account)
            .bind(device)
            .bind(attempt.hash())
            .bind(need.approver.code())
            .bind(Stored::Waiting.code())
            .bind(caller.ip.as_deref())
            .bind(now)
            .bind(expires_at)
            .bind(code.as_deref().map(|c| code_hash(id, c)))
            .execute(c)
            .await.map(|r| r.rows_affected())
        })?;
        let label = devices::label_of(caller.user_agent.as_deref());
        let event = Event::new("login_request.created", id.to_string())
            .in_practice(need.practice)
            .after(serde_json::json!({ "account": account, "device": label, "approver": need.approver.code() }));
        audit::append(tx, &backend.audit_key, &origin, now, event).await?;
        let zone = practice_zone(tx, need.practice).await?;
        let asked = practice_time(now, &zone);
        let ip = caller.ip.clone().unwrap_or_else(|| "unknown".into());
        match code {
            Some(code) => {
                let to = own_address(tx, account, need.practice)
                    .await?
                    .ok_or_else(|| {
                        ServiceError::Internal(
                            "a sole admin without an address to send the code to".into(),
                        )
                    })?;
                let mail = templates::login_code(&to, &need.name, &code, &label, &ip);
                outbox::enqueue(tx, Some(need.practice), &mail, now).await?;
                let event = Event::new("login_request.code_sent", id.to_string())
                    .in_practice(need.practice)
                    .after(serde_json::json!({ "to": to }));
                audit::append(tx, &backend.audit_key, &origin, now, event).await?;
            }
            None => {
                let link = backend
                    .config
                    .link(&format!("/p/{}/login-requests/{id}", need.practice));
                let facts = templates::LoginRequest {
                    person: &person,
                    practice: &need.name,
                    asked: &asked,
                    device: &label,
                    ip: &ip,
                    link: &link,
                };
                let admins = admin_addresses(tx, need.practice, account).await?;
                let mails: Vec<_> = admins
                    .iter()
                    .map(|to| templates::login_request(to, &facts))
                    .collect();
                outbox::enqueue_all(tx, Some(need.practice), &mails, now).await?;
            }
        }
    }
    Ok(attempt)
}

async fn practice_zone(tx: &mut Tx, practice: PracticeId) -> ServiceResult<String> {
    let (zone,): (String,) = on_tx!(tx, c => {
        sqlx::query_as("SELECT time_zone FROM practices WHERE id = $1").bind(practice).fetch_one(c).await
    })?;
    Ok(zone)
}

/// Every active Owner and Admin of `practice` but `except`, by the address their mail goes to.
async fn admin_addresses(
    tx: &mut Tx,
    practice: PracticeId,
    except: AccountId,
) -> ServiceResult<Vec<EmailAddress>> {
    let sql = format!(
        "SELECT a.email, m.contact_email FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.practice_id = $1 AND m.account_id <> $2 AND {}",
        memberships::active_admin_capable("m")
    );
    let rows: Vec<(Option<String>, Option<String>)> = on_tx!(tx, c => {
        sqlx::query_as(&sql).bind(practice).bind(except).fetch_all(c).await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(email, contact)| notification_address(contact.as_deref(), email.as_deref()))
        .collect())
}
