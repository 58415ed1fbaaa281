//! The one error type server functions return. Every variant reads as a
//! sentence a person can act on; internal details are logged, never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use shared::validation::FieldErrors;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please correct the fields marked below.")]
    Validation(FieldErrors),
    #[error("That email, username or password is not right.")]
    InvalidCredentials,
    #[error("Please log in to continue.")]
    Unauthenticated,
    #[error("Your role does not allow this. Ask an Owner or Admin of the practice.")]
    Forbidden,
    #[error("We could not find that, or it is not yours to see.")]
    NotFound,
    #[error("Your place on this practice's team is suspended. An Owner or Admin of the practice can reactivate you.")]
    Suspended,
    #[error("Choose your own password first: the one you were given works only once.")]
    PasswordChangeRequired,
    #[error("Too many attempts. Please wait {} minutes and try again.", (.0 + 59) / 60)]
    RateLimited(i64),
    /// The team's rules refuse this change; the reason says why.
    #[error("{0}")]
    Refused(shared::membership::ChangeRefused),
    #[error("This link has expired.")]
    LinkExpired,
    #[error("This link has already been used.")]
    LinkUsed,
    #[error("This link is not valid. Check that you opened the whole link from the email.")]
    LinkUnknown,
    #[error("This invitation was withdrawn.")]
    LinkRevoked,
    #[error("This was changed at the same moment, perhaps in another tab. Please reload the page and try again.")]
    Conflict,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    #[error("We could not reach Carekeys. Check your connection and try again.")]
    Transport,
}

impl AppError {
    /// An emailed link that can no longer be used: pages say so instead of showing their form.
    pub fn is_dead_link(&self) -> bool {
        matches!(
            self,
            AppError::LinkExpired | AppError::LinkUsed | AppError::LinkUnknown
        )
    }

    /// The message for one form field, if the server refused it.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.get(name).map(str::to_owned),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status the answer carries, so a refusal is never reported as a server failure.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Validation(_) => S::UNPROCESSABLE_ENTITY,
            AppError::InvalidCredentials | AppError::Unauthenticated => S::UNAUTHORIZED,
            AppError::Forbidden
            | AppError::Refused(_)
            | AppError::Suspended
            | AppError::PasswordChangeRequired => S::FORBIDDEN,
            AppError::NotFound => S::NOT_FOUND,
            AppError::RateLimited(_) => S::TOO_MANY_REQUESTS,
            AppError::LinkExpired | AppError::LinkUsed => S::GONE,
            AppError::LinkUnknown => S::NOT_FOUND,
            AppError::LinkRevoked => S::GONE,
            AppError::Conflict => S::CONFLICT,
            AppError::Internal => S::INTERNAL_SERVER_ERROR,
            AppError::Transport => S::BAD_REQUEST,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Transport,
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<server::error::ServiceError> for AppError {
    fn from(error: server::error::ServiceError) -> Self {
        use server::error::{LinkProblem, ServiceError as S};
        match error {
            S::Validation(errors) => AppError::Validation(errors),
            S::InvalidCredentials => AppError::InvalidCredentials,
            S::Unauthenticated => AppError::Unauthenticated,
            S::Forbidden => AppError::Forbidden,
            S::Refused(reason) => AppError::Refused(reason),
            S::NotFound => AppError::NotFound,
            S::Suspended => AppError::Suspended,
            S::PasswordChangeRequired => AppError::PasswordChangeRequired,
            S::RateLimited { retry_after_secs } => AppError::RateLimited(retry_after_secs),
            S::Link(LinkProblem::Expired) => AppError::LinkExpired,
            S::Link(LinkProblem::Used) => AppError::LinkUsed,
            S::Link(LinkProblem::Unknown) => AppError::LinkUnknown,
            S::Link(LinkProblem::Revoked) => AppError::LinkRevoked,
            S::Conflict(detail) => {
                tracing::info!(%detail, "write refused by a unique constraint");
                AppError::Conflict
            }
            internal @ (S::Database(_) | S::Internal(_)) => {
                tracing::error!(error = %internal, "service failed");
                AppError::Internal
            }
        }
    }
}
