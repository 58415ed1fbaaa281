//! The waiting browser: whether it may go on, and a sole admin's code.

use shared::ids::{AccountId, DeviceId, LoginRequestId, PracticeId};
use shared::login_request::{Approver, RequestStatus, Stored, Waiting, CODE_TRIES};

use super::{code_hash, own_address};
use crate::audit::{self, Event, Origin};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::tokens::Secret;
use crate::{devices, on_tx, sessions};

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
