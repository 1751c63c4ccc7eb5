//! Insurer maintenance: maintenance windows (eligibility checks fail during them, seed
//! cause ③) and the IP whitelist (no CAPTCHA from there until N failures).

use kencom_api::operator::{
    InsurerNumber, InsurerView, MaintenanceRequest, MaintenanceView, WhitelistView,
};

use crate::audit::{self, AuditEvent};
use crate::clock::{rfc3339, Millis};
use crate::error::{ApiError, ApiResult};
use crate::store::insurers::InsurerRow;
use crate::store::{Scope, Tx};

fn view(tx: &mut dyn Tx, now: Millis, i: InsurerRow) -> ApiResult<InsurerView> {
    Ok(InsurerView {
        id: i.id,
        in_maintenance: tx.maintenance_at(i.id, now)?.is_some(),
        maintenance: tx
            .maintenance_windows(i.id)?
            .into_iter()
            .map(|w| MaintenanceView {
                id: w.id,
                starts_at: rfc3339(w.starts_at),
                ends_at: rfc3339(w.ends_at),
                note: w.note,
            })
            .collect(),
        whitelist: tx
            .whitelist(i.id)?
            .into_iter()
            .map(|w| WhitelistView { id: w.id, ip: w.ip })
            .collect(),
        name: i.name,
        numbers: i
            .numbers
            .into_iter()
            .map(|(number, kind)| InsurerNumber { number, kind })
            .collect(),
        service_enabled: i.service_enabled,
        desk_prints_postcards: i.desk_prints_postcards,
    })
}

/// All insurers in scope.
pub fn list(tx: &mut dyn Tx, now: Millis, scope: &Scope) -> ApiResult<Vec<InsurerView>> {
    let rows = tx.list_insurers(scope)?;
    rows.into_iter().map(|i| view(tx, now, i)).collect()
}

/// One insurer in scope or 404.
pub fn get(tx: &mut dyn Tx, now: Millis, scope: &Scope, id: i64) -> ApiResult<InsurerView> {
    let i = tx
        .get_insurer(scope, id)?
        .ok_or_else(|| ApiError::not_found("insurer"))?;
    view(tx, now, i)
}

fn parse_time(field: &str, s: &str) -> ApiResult<Millis> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.timestamp_millis())
        .map_err(|_| ApiError::invalid("invalid_time", field, "RFC 3339 time expected"))
}

/// Add a maintenance window.
pub fn add_maintenance(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
    req: &MaintenanceRequest,
) -> ApiResult<InsurerView> {
    let i = tx
        .get_insurer(scope, id)?
        .ok_or_else(|| ApiError::not_found("insurer"))?;
    let (s, e) = (
        parse_time("starts_at", &req.starts_at)?,
        parse_time("ends_at", &req.ends_at)?,
    );
    if e <= s {
        return Err(ApiError::invalid(
            "invalid_window",
            "ends_at",
            "ends_at must be after starts_at",
        ));
    }
    crate::flows::check_len("note", &req.note, 0, 200)?;
    let w = tx.add_maintenance(i.id, s, e, &req.note, now)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "insurer.maintenance_added")
            .insurer(i.id)
            .detail(format!("window {w}")),
    )?;
    get(tx, now, scope, id)
}

/// Remove a maintenance window.
pub fn delete_maintenance(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
    window: i64,
) -> ApiResult<InsurerView> {
    let i = tx
        .get_insurer(scope, id)?
        .ok_or_else(|| ApiError::not_found("insurer"))?;
    if !tx.delete_maintenance(i.id, window)? {
        return Err(ApiError::not_found("maintenance window"));
    }
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "insurer.maintenance_removed")
            .insurer(i.id)
            .detail(format!("window {window}")),
    )?;
    get(tx, now, scope, id)
}

/// Whitelist an IP address or CIDR network (stored by its network address).
pub fn add_whitelist(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
    ip: &str,
) -> ApiResult<InsurerView> {
    let i = tx
        .get_insurer(scope, id)?
        .ok_or_else(|| ApiError::not_found("insurer"))?;
    let net = crate::cidr::Net::parse(ip).map_err(|m| ApiError::invalid("invalid_ip", "ip", m))?;
    tx.add_whitelist(i.id, &net.to_string(), now)
        .map_err(|_| ApiError::conflict("ip_taken", "this IP is already whitelisted"))?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "insurer.whitelist_added").insurer(i.id),
    )?;
    get(tx, now, scope, id)
}

/// Remove a whitelist entry.
pub fn delete_whitelist(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
    entry: i64,
) -> ApiResult<InsurerView> {
    let i = tx
        .get_insurer(scope, id)?
        .ok_or_else(|| ApiError::not_found("insurer"))?;
    if !tx.delete_whitelist(i.id, entry)? {
        return Err(ApiError::not_found("whitelist entry"));
    }
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "insurer.whitelist_removed").insurer(i.id),
    )?;
    get(tx, now, scope, id)
}

/// Where the union's reissue postcards are printed (postcards already queued stay where
/// they are).
pub fn set_postcard_printing(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
    desk: bool,
) -> ApiResult<InsurerView> {
    let i = tx
        .get_insurer(scope, id)?
        .ok_or_else(|| ApiError::not_found("insurer"))?;
    tx.set_desk_prints_postcards(i.id, desk)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "insurer.postcard_printing")
            .insurer(i.id)
            .detail(if desk { "desk" } else { "print_runs" }),
    )?;
    get(tx, now, scope, id)
}
