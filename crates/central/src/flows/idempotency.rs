//! Exactly-once mutations: the action, its audit entry and the stored outcome commit in one
//! transaction, so a replay with the same key and body returns the first outcome (status
//! and body) and never acts twice; the same key with a different body is refused (422).
//! Failed actions roll back and store nothing: retrying them is safe because they did nothing.
//!
//! A desk replaying its outbox also says which device and which per-device sequence number
//! the action has; the pair is stored with the outcome. A replay must carry the number of
//! its first send (the desk assigns it once, when the action is queued): a different number
//! under the same key means two actions share a key, and is refused like a different body.
//! Numbers are not required to arrive in order — an action the server refused (4xx) and the
//! operator sends again arrives after younger ones — so order is recorded, not enforced.

use axum::http::StatusCode;
use serde::Serialize;

use crate::clock::Millis;
use crate::error::{ApiError, ApiResult};
use crate::store::idempotency::IdempotencyRow;
use crate::store::Tx;

/// A stored or fresh outcome.
pub type Outcome = (StatusCode, serde_json::Value);

/// Where a replayed outbox action comes from: the desk's device id and the action's
/// per-device sequence number (`X-Device-Id` + `X-Device-Seq`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceSeq {
    /// Stable id of the desk's local cache (1–64 visible ASCII).
    pub device_id: String,
    /// Assigned once when the action was queued (≥ 1).
    pub seq: i64,
}

/// Identifies one mutating request.
#[derive(Clone, Debug)]
pub struct Mutation {
    /// Operator (keys are per operator).
    pub operator_id: i64,
    /// Idempotency-Key.
    pub key: String,
    /// Method + path.
    pub route: String,
    /// Hash of route + canonical body.
    pub body_hash: String,
    /// The desk's device stamp, when the request is an outbox replay.
    pub device: Option<DeviceSeq>,
    /// When.
    pub now: Millis,
}

/// Run `action` once per (operator, key).
pub fn once<T: Serialize>(
    tx: &mut dyn Tx,
    m: &Mutation,
    status: StatusCode,
    action: impl FnOnce(&mut dyn Tx) -> ApiResult<T>,
) -> ApiResult<Outcome> {
    let (operator_id, key, route, body_hash, now) = (
        m.operator_id,
        m.key.as_str(),
        m.route.as_str(),
        m.body_hash.as_str(),
        m.now,
    );
    if let Some(prev) = tx.get_idempotency(operator_id, key)? {
        if prev.body_hash != body_hash || prev.route != route {
            return Err(ApiError::invalid(
                "idempotency_key_reused",
                "Idempotency-Key",
                "this Idempotency-Key was used with a different request",
            ));
        }
        if let (Some(id), Some(seq), Some(now)) = (&prev.device_id, prev.device_seq, &m.device) {
            if (id.as_str(), seq) != (now.device_id.as_str(), now.seq) {
                return Err(ApiError::invalid(
                    "device_seq_mismatch",
                    kencom_api::DEVICE_SEQ_HEADER,
                    "this Idempotency-Key was first sent with another device sequence number",
                ));
            }
        }
        let status =
            StatusCode::from_u16(prev.status).map_err(|_| ApiError::internal("stored status"))?;
        let body = serde_json::from_str(&prev.response)
            .map_err(|_| ApiError::internal("stored response"))?;
        return Ok((status, body));
    }
    let value =
        serde_json::to_value(action(tx)?).map_err(|_| ApiError::internal("serialise outcome"))?;
    tx.put_idempotency(
        operator_id,
        key,
        &IdempotencyRow {
            route: route.into(),
            body_hash: body_hash.into(),
            status: status.as_u16(),
            response: value.to_string(),
            created_at: now,
            device_id: m.device.as_ref().map(|d| d.device_id.clone()),
            device_seq: m.device.as_ref().map(|d| d.seq),
        },
    )?;
    Ok((status, value))
}
