//! The desk's client of the central API: typed calls over HTTP (reqwest + rustls), with
//! problem+json errors turned into [`ClientError`]s that say whether a retry can help.
//!
//! It knows nothing of sessions, caches or the UI: the caller passes the access token and,
//! for mutations, the idempotency key (generated once per action by the outbox, so a
//! replay carries the same key and the server never acts twice).
#![deny(missing_docs)]

mod admin;
mod endpoints;
mod error;
mod http;
mod roster;

pub use error::ClientError;
pub use http::CentralClient;
