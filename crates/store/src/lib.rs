//! The desk's local cache: an SQLCipher database (raw 256-bit key from the OS keychain)
//! holding the operator's open cases, the member snapshots they reference, inquiry queue
//! pages and insurers — and the **outbox** of actions waiting to reach the central server.
//!
//! Every local change that must reach the server is written in the same transaction as
//! its outbox row ([`CacheDb::transact`]), so a crash can never keep one without the other.
//! This crate does no networking: the desk's replay loop reads due actions from here and
//! records each outcome back.
#![deny(missing_docs)]

mod cache;
mod db;
mod error;
mod migrations;
mod outbox;

pub use cache::{CachedKind, PurgeReport};
pub use db::{wipe_files, CacheDb, CacheKey, Tx};
pub use error::StoreError;
pub use migrations::{Migration, MIGRATIONS};
pub use outbox::{ActionState, NewAction, OutboxAction, OutboxStatus, RetryPolicy};
