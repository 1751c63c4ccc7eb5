//! problem+json (RFC 9457) as every error response carries it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An error response. `code` is stable (the desk branches on it); `field` names the
/// request field at fault for validation errors.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    /// URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary (HTTP reason phrase).
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Stable machine-readable code, e.g. `validation`, `not_found`, `captcha_required`.
    pub code: String,
    /// Human-readable explanation (never personal data).
    pub detail: String,
    /// The request field at fault, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}
