//! What a service can answer besides success. The app turns each variant into
//! a sentence for people; internal details stay in the log.

use shared::validation::FieldErrors;

/// Why a link from an email cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    Unknown,
    Expired,
    Used,
    Revoked,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input: {0}")]
    Validation(FieldErrors),
    #[error("wrong login or password")]
    InvalidCredentials,
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The person's own membership is suspended: they may do nothing there.
    #[error("membership suspended")]
    Suspended,
    /// The person logged in with a one-time password and has not chosen their own yet.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: i64 },
    /// A change to the team that its rules refuse, with the reason to show.
    #[error("refused: {0}")]
    Refused(shared::membership::ChangeRefused),
    #[error("link cannot be used: {0:?}")]
    Link(LinkProblem),
    /// A unique constraint refused a write that a concurrent request (another
    /// tab, another server) made first: the person should look again, not see "Internal".
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for ServiceError {
    fn from(error: sqlx::Error) -> Self {
        match error.as_database_error() {
            Some(db) if db.is_unique_violation() => ServiceError::Conflict(db.message().to_owned()),
            _ => ServiceError::Database(error),
        }
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Validation(errors)
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
