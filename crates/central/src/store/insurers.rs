//! Insurers (健康保険組合): their insurer numbers (incl. 特例退職 aliases), service flag,
//! maintenance windows and whitelisted IPs.

use super::{Scope, StoreResult};
use crate::clock::Millis;

/// An insurer row with its numbers.
#[derive(Clone, Debug)]
pub struct InsurerRow {
    pub id: i64,
    pub name: String,
    pub service_enabled: bool,
    pub sender_postal_code: String,
    pub sender_address: String,
    /// The help desk prints reissue postcards itself (they skip the print runs).
    pub desk_prints_postcards: bool,
    /// (number, kind) with kind `primary` or `special_retiree`.
    pub numbers: Vec<(String, String)>,
}

/// A maintenance window.
#[derive(Clone, Debug)]
pub struct MaintenanceRow {
    pub id: i64,
    pub insurer_id: i64,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub note: String,
}

/// A whitelisted IP address or CIDR network.
#[derive(Clone, Debug)]
pub struct WhitelistRow {
    pub id: i64,
    pub insurer_id: i64,
    pub ip: String,
}

/// Insurer storage.
pub trait InsurerRepo {
    /// Create an insurer; returns its id.
    fn insert_insurer(
        &mut self,
        name: &str,
        enabled: bool,
        postal: &str,
        address: &str,
        now: Millis,
    ) -> StoreResult<i64>;
    /// Attach an insurer number.
    fn add_insurer_number(&mut self, insurer_id: i64, number: &str, kind: &str) -> StoreResult<()>;
    /// The insurer owning `number` (unscoped: the member-facing check needs it).
    fn insurer_by_number(&mut self, number: &str) -> StoreResult<Option<InsurerRow>>;
    /// One insurer, if in scope.
    fn get_insurer(&mut self, scope: &Scope, id: i64) -> StoreResult<Option<InsurerRow>>;
    /// All insurers in scope.
    fn list_insurers(&mut self, scope: &Scope) -> StoreResult<Vec<InsurerRow>>;
    /// Insurers whose name contains `name` (inquiry matching; unscoped, desk-only).
    fn insurers_by_name(&mut self, name: &str) -> StoreResult<Vec<InsurerRow>>;
    /// Turn the service on/off.
    /// Whether the help desk prints this union's reissue postcards.
    fn set_desk_prints_postcards(&mut self, id: i64, on: bool) -> StoreResult<()>;
    fn set_service_enabled(&mut self, id: i64, enabled: bool) -> StoreResult<()>;
    /// Add a maintenance window.
    fn add_maintenance(
        &mut self,
        insurer_id: i64,
        starts: Millis,
        ends: Millis,
        note: &str,
        now: Millis,
    ) -> StoreResult<i64>;
    /// Remove a window of this insurer; false if none.
    fn delete_maintenance(&mut self, insurer_id: i64, id: i64) -> StoreResult<bool>;
    /// Windows of an insurer, newest first.
    fn maintenance_windows(&mut self, insurer_id: i64) -> StoreResult<Vec<MaintenanceRow>>;
    /// The window covering `at`, if any.
    fn maintenance_at(
        &mut self,
        insurer_id: i64,
        at: Millis,
    ) -> StoreResult<Option<MaintenanceRow>>;
    /// Whitelist an IP.
    fn add_whitelist(&mut self, insurer_id: i64, ip: &str, now: Millis) -> StoreResult<i64>;
    /// Remove an entry of this insurer; false if none.
    fn delete_whitelist(&mut self, insurer_id: i64, id: i64) -> StoreResult<bool>;
    /// Entries of an insurer.
    fn whitelist(&mut self, insurer_id: i64) -> StoreResult<Vec<WhitelistRow>>;
    /// Whether any union whitelisted `ip`, exactly or by a CIDR network containing it.
    fn is_whitelisted(&mut self, ip: &str) -> StoreResult<bool>;
}
