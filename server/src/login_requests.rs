//! New-device login approval (product.md §6). A practice user whose password
//! is right, on a browser one of their practices has not trusted, gets no
//! session: each such practice gets a request, its admins an email with
//! *Make a decision* — or, with no other active admin, the person a code of
//! their own. The waiting browser asks [`wait`] until every request is
//! approved; then it is trusted and gets its session.

use sha2::{Digest, Sha256};
use shared::email::EmailAddress;
use shared::ids::{AccountId, DeviceId, LoginRequestId, PracticeId};
use shared::login_request::{
    Approver, Decision, RequestStatus, RequestView, Stored, Waiting, CODE_MS, CODE_TRIES, WAIT_MS,
};
use shared::roles::{Capability, MembershipStatus, Role};
use uuid::Uuid;

use crate::audit::{self, Event, Origin};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::mail::{outbox, templates};
use crate::tokens::{hex, Secret};
use crate::{devices, on_tx, practices, sessions};

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
    let rows: Vec<NeedRow> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT m.practice_id, p.name, m.role, m.trust_first_device,
                    (SELECT COUNT(*) FROM memberships o
                      WHERE o.practice_id = m.practice_id AND o.account_id <> m.account_id
                        AND o.status = $3 AND o.role IN ($4, $5)) AS other_admins
             FROM memberships m JOIN practices p ON p.id = m.practice_id
             WHERE m.account_id = $1 AND m.status = $3 AND p.require_device_approval
               AND NOT EXISTS (SELECT 1 FROM trusted_devices t
                                WHERE t.device_id = $2 AND t.account_id = m.account_id AND t.practice_id = m.practice_id)
             ORDER BY p.name",
        )
        .bind(account)
        .bind(device)
        .bind(MembershipStatus::Active)
        .bind(Role::Owner)
        .bind(Role::Admin)
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

/// Where the person's own mail goes: their login address, else the contact
/// address the practice keeps for a username login.
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
    Ok(email.or(contact).and_then(|e| EmailAddress::parse(&e).ok()))
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
    let rows: Vec<(Option<String>, Option<String>)> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT a.email, m.contact_email FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.practice_id = $1 AND m.account_id <> $2 AND m.status = $3 AND m.role IN ($4, $5)",
        )
        .bind(practice)
        .bind(except)
        .bind(MembershipStatus::Active)
        .bind(Role::Owner)
        .bind(Role::Admin)
        .fetch_all(c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(email, contact)| EmailAddress::parse(&email.or(contact)?).ok())
        .collect())
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: LoginRequestId,
    practice_id: PracticeId,
    account_id: AccountId,
    device_id: DeviceId,
    approver: String,
    status: String,
    expires_at: i64,
    code_hash: Option<String>,
    code_tries: i64,
    name: String,
}

impl RequestRow {
    fn status(&self, now: i64) -> RequestStatus {
        RequestStatus::at(
            Stored::from_code(&self.status).unwrap_or(Stored::Failed),
            self.expires_at,
            now,
        )
    }

    fn own_code(&self) -> bool {
        Approver::from_code(&self.approver) == Some(Approver::OwnCode)
    }
}

async fn attempt_requests(tx: &mut Tx, attempt: &Secret) -> ServiceResult<Vec<RequestRow>> {
    Ok(on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT r.id, r.practice_id, r.account_id, r.device_id, r.approver, r.status, r.expires_at,
                    r.code_hash, r.code_tries, p.name
             FROM login_requests r JOIN practices p ON p.id = r.practice_id
             WHERE r.attempt_hash = $1 ORDER BY p.name",
        )
        .bind(attempt.hash())
        .fetch_all(c)
        .await
    })?)
}

/// What the waiting browser sees; when every request is approved, the browser
/// is trusted for those practices and the returned session is its own.
/// Another browser presenting a copied waiting cookie sees nothing.
pub async fn wait(
    backend: &Backend,
    caller: &Caller,
    attempt: &Secret,
) -> ServiceResult<(Waiting, Option<(AccountId, Secret)>)> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let device = devices::find_in(&mut tx, caller).await?;
    let requests: Vec<RequestRow> = attempt_requests(&mut tx, attempt)
        .await?
        .into_iter()
        .filter(|r| Some(r.device_id) == device)
        .collect();
    let Some(first) = requests.first() else {
        return Ok((Waiting::Nothing, None));
    };
    let account = first.account_id;
    let statuses: Vec<RequestStatus> = requests.iter().map(|r| r.status(now)).collect();
    if let Some(declined) = requests
        .iter()
        .find(|r| r.status(now) == RequestStatus::Declined)
    {
        return Ok((
            Waiting::Declined {
                practice: declined.name.clone(),
            },
            None,
        ));
    }
    if statuses.contains(&RequestStatus::Failed) {
        return Ok((Waiting::Failed, None));
    }
    if statuses.contains(&RequestStatus::Lapsed) {
        return Ok((Waiting::Lapsed, None));
    }
    if statuses.contains(&RequestStatus::Used) {
        return Ok((Waiting::Nothing, None));
    }
    if let Some(code) = requests
        .iter()
        .find(|r| r.own_code() && r.status(now) == RequestStatus::Waiting)
    {
        let sent_to = own_address(&mut tx, account, code.practice_id)
            .await?
            .map(|e| e.to_string())
            .unwrap_or_default();
        return Ok((
            Waiting::ForCode {
                sent_to,
                tries_left: CODE_TRIES - code.code_tries,
            },
            None,
        ));
    }
    if statuses.contains(&RequestStatus::Waiting) {
        let practices = requests
            .iter()
            .filter(|r| r.status(now) == RequestStatus::Waiting)
            .map(|r| r.name.clone())
            .collect();
        return Ok((Waiting::ForAdmins { practices }, None));
    }
    // Every request is approved: trust the browser and let it in, once.
    for request in &requests {
        devices::trust(&mut tx, caller, account, request.practice_id, now).await?;
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE login_requests SET status = $1 WHERE id = $2")
                .bind(Stored::Used.code())
                .bind(request.id)
                .execute(c)
                .await.map(|r| r.rows_affected())
        })?;
    }
    let session = sessions::start(&mut tx, account, caller, now).await?;
    let event = Event::new("session.login", account.to_string());
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok((
        Waiting::In {
            next: String::new(),
        },
        Some((account, session)),
    ))
}

/// Compares two equal-length hex digests without stopping at the first difference.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A sole admin's code: right, and their request is approved; wrong five
/// times, and it ends. Each try is audited.
pub async fn confirm_code(
    backend: &Backend,
    caller: &Caller,
    attempt: &Secret,
    code: &str,
) -> ServiceResult<(Waiting, Option<(AccountId, Secret)>)> {
    let code = shared::login_request::parse_code(code)
        .map_err(|m| shared::validation::FieldErrors::single("code", m))?;
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let device = devices::find_in(&mut tx, caller).await?;
    let request = attempt_requests(&mut tx, attempt)
        .await?
        .into_iter()
        .find(|r| {
            Some(r.device_id) == device && r.own_code() && r.status(now) == RequestStatus::Waiting
        });
    let Some(request) = request else {
        drop(tx);
        return wait(backend, caller, attempt).await;
    };
    let right = request
        .code_hash
        .as_deref()
        .is_some_and(|stored| same_digest(stored, &code_hash(request.id, &code)));
    let origin = Origin {
        actor: Some(request.account_id),
        ip: caller.ip.clone(),
    };
    let (stored, action) = if right {
        (Stored::Approved, "login_request.code_confirmed")
    } else if request.code_tries + 1 >= CODE_TRIES {
        (Stored::Failed, "login_request.code_failed")
    } else {
        (Stored::Waiting, "login_request.code_failed")
    };
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE login_requests SET status = $1, code_tries = code_tries + $2, decided_at = $3 WHERE id = $4")
            .bind(stored.code())
            .bind(i64::from(!right))
            .bind(now)
            .bind(request.id)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let event = Event::new(action, request.id.to_string())
        .in_practice(request.practice_id)
        .after(serde_json::json!({ "tries": request.code_tries + i64::from(!right) }));
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    if !right && stored == Stored::Waiting {
        return Err(ServiceError::Validation(
            shared::validation::FieldErrors::single(
                "code",
                format!(
                    "That code is not right. {} tries left.",
                    CODE_TRIES - request.code_tries - 1
                ),
            ),
        ));
    }
    wait(backend, caller, attempt).await
}

#[derive(sqlx::FromRow)]
struct ViewRow {
    full_name: String,
    email: Option<String>,
    username: Option<String>,
    label: String,
    ip: Option<String>,
    created_at: i64,
    expires_at: i64,
    status: String,
    decider: Option<String>,
    decided_at: Option<i64>,
    time_zone: String,
}

async fn view_in(
    tx: &mut Tx,
    practice: PracticeId,
    request: LoginRequestId,
    now: i64,
) -> ServiceResult<RequestView> {
    let row: Option<ViewRow> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT a.full_name, a.email, a.username, d.label, r.ip, r.created_at, r.expires_at, r.status,
                    b.full_name AS decider, r.decided_at, p.time_zone
             FROM login_requests r JOIN accounts a ON a.id = r.account_id JOIN devices d ON d.id = r.device_id
             JOIN practices p ON p.id = r.practice_id LEFT JOIN accounts b ON b.id = r.decided_by
             WHERE r.id = $1 AND r.practice_id = $2 AND r.approver = $3",
        )
        .bind(request)
        .bind(practice)
        .bind(Approver::Admins.code())
        .fetch_optional(c)
        .await
    })?;
    let row = row.ok_or(ServiceError::NotFound)?;
    let stored = Stored::from_code(&row.status).unwrap_or(Stored::Failed);
    Ok(RequestView {
        practice,
        person: row.full_name,
        login: row.email.or(row.username).unwrap_or_default(),
        asked: practice_time(row.created_at, &row.time_zone),
        device: row.label,
        ip: row.ip,
        status: RequestStatus::at(stored, row.expires_at, now),
        decided: row
            .decider
            .zip(row.decided_at)
            .map(|(who, at)| (who, practice_time(at, &row.time_zone))),
    })
}

/// The *Make a decision* page, for those who approve devices in `practice`.
pub async fn view(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    request: LoginRequestId,
) -> ServiceResult<RequestView> {
    crate::memberships::require(backend, account, practice, Capability::ApproveDevices).await?;
    let mut tx = backend.db.begin().await?;
    let view = view_in(&mut tx, practice, request, backend.now_ms()).await;
    drop(tx); // read only
    view
}

/// Approves or declines, under the practice's lock: the first decision
/// stands, later ones (a reused link, a second admin) change nothing and see
/// who decided; a lapsed request stays lapsed.
pub async fn decide(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    request: LoginRequestId,
    decision: Decision,
) -> ServiceResult<RequestView> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ApproveDevices).await?;
    let now = backend.now_ms();
    let before = view_in(&mut tx, practice, request, now).await?;
    if before.status != RequestStatus::Waiting {
        return Ok(before);
    }
    let (stored, action) = match decision {
        Decision::Approve => (Stored::Approved, "login_request.approved"),
        Decision::Decline => (Stored::Declined, "login_request.declined"),
    };
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE login_requests SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4")
            .bind(stored.code())
            .bind(account)
            .bind(now)
            .bind(request)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let after = view_in(&mut tx, practice, request, now).await?;
    let event = Event::new(action, request.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "status": "waiting" }))
        .after(serde_json::json!({ "status": stored.code(), "person": after.person, "device": after.device }));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(after)
}
