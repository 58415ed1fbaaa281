//! The community's settings (product.md §5): how long a member invitation
//! works, and the code of the community join page. Practice settings, like
//! the rest of the community's management (the role table's settings row).

use shared::community::members::{check_validity_days, code};
use shared::ids::{AccountId, PracticeId};
use shared::roles::Capability;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::error::ServiceResult;
use crate::{on_tx, practices};

/// Sets how many days a member invitation works (from the next one sent).
pub async fn set_validity(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    days: u32,
) -> ServiceResult<()> {
    let days = check_validity_days(days)?;
    let now = backend.now_ms();
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let before: i64 = on_tx!(&mut tx, c => {
        sqlx::query_scalar("SELECT community_validity_days FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(c)
            .await
    })?;
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE practices SET community_validity_days = $1 WHERE id = $2")
            .bind(i64::from(days))
            .bind(practice)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    let event = Event::new("community.validity_changed", practice.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "days": before }))
        .after(serde_json::json!({ "days": days }));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(())
}

/// The code of the community join page, made the first time it is asked for.
pub async fn join_code(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<String> {
    let now = backend.now_ms();
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let current: Option<String> = on_tx!(&mut tx, c => {
        sqlx::query_scalar("SELECT community_code FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(c)
            .await
    })?;
    if let Some(code) = current {
        tx.commit().await?;
        return Ok(code);
    }
    let code = new_code();
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE practices SET community_code = $1 WHERE id = $2")
            .bind(&code)
            .bind(practice)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    let event = Event::new("community.join_code_created", practice.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "code": code }));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(code)
}

/// Eight characters of [`code::ALPHABET`], uniformly: 31⁸ ≈ 8.5 × 10¹¹ codes.
fn new_code() -> String {
    let alphabet = code::ALPHABET;
    // The largest multiple of the alphabet's size under 256: bytes above it are redrawn.
    let limit = (256 / alphabet.len() * alphabet.len()) as u8;
    let mut code = String::with_capacity(code::LENGTH);
    while code.len() < code::LENGTH {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).expect("the operating system's random source works");
        if byte[0] < limit {
            code.push(alphabet[usize::from(byte[0]) % alphabet.len()] as char);
        }
    }
    code
}

#[cfg(test)]
mod tests {
    #[test]
    fn new_codes_are_codes() {
        for _ in 0..100 {
            let code = super::new_code();
            assert_eq!(
                shared::community::members::code::normalise(&code),
                Some(code)
            );
        }
    }
}
