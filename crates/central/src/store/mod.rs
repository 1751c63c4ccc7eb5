//! Storage behind traits. Business flows (`crate::flows`) are written once against
//! [`Tx`], a transaction handle made of one repository trait per table group; a backend
//! runs a closure inside one transaction on a blocking thread. SQLite is the embedded
//! default (`sqlite`); a PostgreSQL backend implements the same traits (sync driver on the
//! same blocking pool) without touching handlers or flows.

pub mod accounts;
pub mod audit;
pub mod cases;
pub mod checkup;
pub mod idempotency;
pub mod insurers;
pub mod logins;
pub mod operators;
pub mod print;
pub mod roster;
pub mod roster_sync;
pub mod scope;
pub mod sqlite;

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::ApiError;

pub use scope::Scope;

/// A storage failure. Conflicts (unique keys) are distinguished because flows map them to
/// 409; everything else is the backend's problem.
#[derive(Debug, Clone)]
pub enum StoreError {
    /// A unique or check constraint refused the write.
    Conflict(String),
    /// Anything else (IO, corruption, bugs).
    Backend(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict(w) => write!(f, "conflict: {w}"),
            StoreError::Backend(w) => write!(f, "storage: {w}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Result alias for repository methods.
pub type StoreResult<T> = Result<T, StoreError>;

/// One transaction: every repository, so a flow can touch several tables atomically
/// (the action, its audit entry and its idempotency record commit together).
pub trait Tx:
    insurers::InsurerRepo
    + roster::RosterRepo
    + roster_sync::RosterSyncRepo
    + accounts::AccountRepo
    + logins::LoginRepo
    + checkup::CheckupRepo
    + cases::CaseRepo
    + print::PrintRepo
    + operators::OperatorRepo
    + idempotency::IdempotencyRepo
    + audit::AuditRepo
{
}

/// Read-only transactions may run concurrently; write transactions are serialised (SQLite
/// has one writer) and start by taking the write lock so they never fail half-way on
/// lock upgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Deferred, read-only intent.
    Read,
    /// Takes the write lock at BEGIN.
    Write,
}

type BoxedWork = Box<dyn FnOnce(&mut dyn Tx) -> Result<Box<dyn Any + Send>, ApiError> + Send>;
type BoxedFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Box<dyn Any + Send>, ApiError>> + Send + 'a>>;

/// A storage engine. Object-safe so the server can hold `Arc<dyn Backend>`.
pub trait Backend: Send + Sync {
    /// Run `work` inside one transaction off the async runtime; commit on Ok, roll back on Err.
    fn run(&self, mode: Mode, work: BoxedWork) -> BoxedFuture<'_>;
}

/// The handle handlers hold: typed wrappers over [`Backend::run`].
#[derive(Clone)]
pub struct Store(Arc<dyn Backend>);

impl Store {
    /// Wrap a backend.
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Self(backend)
    }

    async fn run<T: Send + 'static>(
        &self,
        mode: Mode,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let out = self
            .0
            .run(
                mode,
                Box::new(move |tx| f(tx).map(|v| Box::new(v) as Box<dyn Any + Send>)),
            )
            .await?;
        out.downcast::<T>()
            .map(|b| *b)
            .map_err(|_| ApiError::internal("store result type"))
    }

    /// A read-only transaction.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run(Mode::Read, f).await
    }

    /// A write transaction (also used for reads of member data, which append to the audit log).
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run(Mode::Write, f).await
    }
}
