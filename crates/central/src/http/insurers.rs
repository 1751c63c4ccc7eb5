//! Insurers: list/detail (scoped), maintenance windows and IP whitelist (insurer admins for
//! their own union, supervisors for all).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kencom_api::operator::*;
use kencom_api::Problem;

use crate::error::ApiResult;
use crate::flows;
use crate::http::extract::{ApiJson, ApiPath, Op};
use crate::http::{mutate, MutCtx, Mutated};
use crate::state::AppState;

const MANAGERS: &[Role] = &[Role::InsurerAdmin, Role::Supervisor];

/// Insurers in scope.
#[utoipa::path(get, path = "/api/v1/operator/insurers", tag = "insurers", security(("bearer" = [])),
    responses((status = 200, body = Vec<InsurerView>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(st): State<AppState>, op: Op) -> ApiResult<Json<Vec<InsurerView>>> {
    let now = st.clock.now();
    Ok(Json(
        st.store
            .read(move |tx| flows::insurers::list(tx, now, &op.scope()))
            .await?,
    ))
}

/// One insurer.
#[utoipa::path(get, path = "/api/v1/operator/insurers/{id}", tag = "insurers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id")),
    responses((status = 200, body = InsurerView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<InsurerView>> {
    let now = st.clock.now();
    Ok(Json(
        st.store
            .read(move |tx| flows::insurers::get(tx, now, &op.scope(), id))
            .await?,
    ))
}

/// Add a maintenance window.
#[utoipa::path(post, path = "/api/v1/operator/insurers/{id}/maintenance", tag = "insurers", request_body = MaintenanceRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 201, body = InsurerView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn add_maintenance(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MaintenanceRequest>,
) -> Mutated {
    op.require(MANAGERS)?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::CREATED, move |tx, now| {
        flows::insurers::add_maintenance(tx, now, op.id, &op.scope(), id, &req)
    })
    .await
}

/// Remove a maintenance window.
#[utoipa::path(delete, path = "/api/v1/operator/insurers/{id}/maintenance/{window_id}", tag = "insurers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id"), ("window_id" = i64, Path, description = "window id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 200, body = InsurerView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_maintenance(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath((id, window)): ApiPath<(i64, i64)>,
) -> Mutated {
    op.require(MANAGERS)?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::OK, move |tx, now| {
        flows::insurers::delete_maintenance(tx, now, op.id, &op.scope(), id, window)
    })
    .await
}

/// Whitelist an IP.
#[utoipa::path(post, path = "/api/v1/operator/insurers/{id}/whitelist", tag = "insurers", request_body = WhitelistRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 201, body = InsurerView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn add_whitelist(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<WhitelistRequest>,
) -> Mutated {
    op.require(MANAGERS)?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::CREATED, move |tx, now| {
        flows::insurers::add_whitelist(tx, now, op.id, &op.scope(), id, &req.ip)
    })
    .await
}

/// Remove a whitelist entry.
#[utoipa::path(delete, path = "/api/v1/operator/insurers/{id}/whitelist/{entry_id}", tag = "insurers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id"), ("entry_id" = i64, Path, description = "entry id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 200, body = InsurerView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_whitelist(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath((id, entry)): ApiPath<(i64, i64)>,
) -> Mutated {
    op.require(MANAGERS)?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::OK, move |tx, now| {
        flows::insurers::delete_whitelist(tx, now, op.id, &op.scope(), id, entry)
    })
    .await
}

/// Choose where the union's reissue postcards are printed (desk or print runs).
#[utoipa::path(put, path = "/api/v1/operator/insurers/{id}/postcard-printing", tag = "insurers", request_body = PostcardPrintingRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 200, body = InsurerView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn set_postcard_printing(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PostcardPrintingRequest>,
) -> Mutated {
    op.require(MANAGERS)?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::OK, move |tx, now| {
        flows::insurers::set_postcard_printing(
            tx,
            now,
            op.id,
            &op.scope(),
            id,
            req.desk_prints_postcards,
        )
    })
    .await
}
