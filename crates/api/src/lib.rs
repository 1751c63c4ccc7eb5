//! The central API contract: the wire types the desk and the portal exchange with the
//! central server, with their OpenAPI schemas (utoipa). No IO: the server (`kencom-central`)
//! and the client (`kencom-client`) both depend on this crate, so a type changes in one place.

pub mod error;
pub mod json;
pub mod operator;
pub mod portal;
pub mod updates;

pub use error::Problem;

/// The path prefix of every endpoint.
pub const API_PREFIX: &str = "/api/v1";
/// The header carrying an idempotency key on mutating operator requests.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
