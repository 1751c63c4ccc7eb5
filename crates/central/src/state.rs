//! What every handler shares: the store, the clock and the settings.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::store::Store;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// Storage.
    pub store: Store,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub config: Arc<Config>,
}
