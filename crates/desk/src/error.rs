//! The one error shape the UI sees: `{code, message, field?, retryable}`.
//!
//! `code` is a stable enum the UI may branch on (add a variant only when the UI needs to
//! branch); `message` is Japanese text for the operator; `field` names the form field for
//! validation errors. Personal data never goes into a message that could reach a log.
use serde::Serialize;
use ts_rs::TS;

/// Stable error codes the UI branches on. Serialized in SCREAMING_SNAKE_CASE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// A bug or an unexpected platform failure; the message says what to report.
    Internal,
    /// No usable OS keychain; the message says what to install.
    KeychainUnavailable,
    /// The operator's input is invalid; `field` says which.
    InvalidInput,
    /// The central server could not be reached.
    Network,
    /// The session is missing, expired or revoked: go back to sign-in.
    Unauthorized,
    /// Signed in, but the role or scope does not allow this.
    Forbidden,
    /// The object does not exist (or is outside the operator's scope).
    NotFound,
    /// The object changed under us (claimed by someone else, already closed, …).
    Conflict,
    /// A gated action needs a passed identity verification on this case first.
    VerificationRequired,
    /// The server refused the request for another reason.
    Rejected,
}

/// An error as it crosses IPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{code:?}: {message}")]
pub struct DeskError {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// Japanese text for the operator.
    pub message: String,
    /// The form field the error belongs to, if any.
    pub field: Option<String>,
    /// Whether trying again later may succeed.
    pub retryable: bool,
}

impl DeskError {
    /// A failure the operator cannot fix; `what` is a Japanese description.
    pub fn internal(what: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Internal,
            message: what.into(),
            field: None,
            retryable: false,
        }
    }

    /// Invalid input in `field`, with a Japanese `message`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::InvalidInput,
            message: message.into(),
            field: Some(field.into()),
            retryable: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_pinned() {
        let e = DeskError::invalid("centralUrl", "URL の形式が正しくありません");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "code": "INVALID_INPUT",
                "message": "URL の形式が正しくありません",
                "field": "centralUrl",
                "retryable": false
            }),
            "the UI parses exactly this shape; changing it breaks every error display"
        );
    }
}
