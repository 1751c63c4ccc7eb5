//! The rules, written once against `store::Tx` so every backend and every caller (HTTP
//! handlers, the demo seeder) goes through the same code. Each function runs inside one
//! transaction that the caller opened.

pub mod auth;
pub mod cases;
pub mod checkup;
pub mod desk_print;
pub mod diagnosis;
pub mod eligibility;
pub mod idempotency;
pub mod inquiry;
pub mod insurers;
pub mod login;
pub mod members;
pub mod print;
pub mod registration;
pub mod roster_diff;
pub mod roster_diff_cache;
pub mod roster_sync;
pub mod sync_status;
pub mod views;

use crate::error::ApiError;

/// Refuse over-long or empty text fields with a 422 naming the field.
pub fn check_len(field: &str, value: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(ApiError::invalid(
            "validation",
            field,
            format!("{field} must be {min}–{max} characters"),
        ));
    }
    Ok(())
}

/// Parse a birth date typed in 西暦 or 和暦, as ISO `YYYY-MM-DD`.
pub fn parse_birth_date(field: &str, raw: &str) -> Result<String, ApiError> {
    if raw.chars().count() > 40 {
        return Err(ApiError::invalid("validation", field, "date too long"));
    }
    kencom_domain::parse_date(raw)
        .map(kencom_domain::format_iso)
        .map_err(|e| ApiError::invalid("invalid_date", field, e.to_string()))
}
