//! Wiring: open the SQLite store with the system clock into an `AppState` (sealing any TOTP
//! seed still stored in clear), and the housekeeping task (idempotency records past retention).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::state::AppState;
use crate::store::sqlite::SqliteStore;
use crate::store::{Store, StoreError};

/// Open the database at `path` (migrating it) with the real clock.
pub fn open(path: &Path, config: Config) -> Result<AppState, StoreError> {
    open_with_clock(path, config, Arc::new(SystemClock))
}

/// Open with a given clock (tests).
pub fn open_with_clock(
    path: &Path,
    config: Config,
    clock: Arc<dyn Clock>,
) -> Result<AppState, StoreError> {
    let sqlite = SqliteStore::open(path)?;
    // Seeds stored in clear by servers from before sealing are sealed before anyone signs in.
    let key = config.totp_key.clone();
    let sealed = sqlite
        .run_blocking(crate::store::Mode::Write, |tx| {
            Ok(crate::sealing::seal_plain_totp_seeds(tx, &key)?)
        })
        .map_err(|e| StoreError::Backend(format!("sealing TOTP seeds: {}", e.code)))?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed TOTP seeds stored in clear");
    }
    Ok(AppState {
        store: Store::new(Arc::new(sqlite)),
        clock,
        config: Arc::new(config),
    })
}

/// Purge idempotency records older than the retention (≥ 90 days) once an hour.
pub fn spawn_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let before = state.clock.now() - state.config.idempotency_retention;
            match state
                .store
                .write(move |tx| Ok(tx.purge_idempotency(before)?))
                .await
            {
                Ok(n) if n > 0 => tracing::info!(purged = n, "idempotency records past retention"),
                Ok(_) => {}
                Err(e) => tracing::warn!(code = e.code, "idempotency purge failed"),
            }
        }
    });
}
