//! The central API contract: the wire types the desk and the portal exchange with the
//! central server, with their OpenAPI schemas (utoipa). No IO: the server (`kencom-central`)
//! and the client (`kencom-client`) both depend on this crate, so a type changes in one place.

pub mod error;
pub mod json;
pub mod operator;
pub mod portal;
pub mod roster;
pub mod updates;

pub use error::Problem;

/// The path prefix of every endpoint.
pub const API_PREFIX: &str = "/api/v1";
/// The header carrying an idempotency key on mutating operator requests.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// The desk installation a replayed outbox action comes from (optional, with
/// [`DEVICE_SEQ_HEADER`]): a stable id of the desk's local cache.
pub const DEVICE_ID_HEADER: &str = "X-Device-Id";
/// The action's per-device sequence number (optional, with [`DEVICE_ID_HEADER`]): assigned
/// once when the action is queued, so every replay of one action carries the same number.
pub const DEVICE_SEQ_HEADER: &str = "X-Device-Seq";
