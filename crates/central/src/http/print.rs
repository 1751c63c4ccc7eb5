//! Print runs (insurer admins, own union only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kencom_api::operator::*;
use kencom_api::Problem;

use crate::error::{ApiError, ApiResult};
use crate::flows;
use crate::http::extract::{ApiJson, ApiPath, Op};
use crate::http::{mutate, MutCtx, Mutated};
use crate::state::AppState;

const ADMIN: &[Role] = &[Role::InsurerAdmin];

/// Postcards waiting for a print run.
#[utoipa::path(get, path = "/api/v1/operator/print/pending", tag = "print", security(("bearer" = [])),
    responses((status = 200, body = Vec<PendingPostcard>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn pending(State(st): State<AppState>, op: Op) -> ApiResult<Json<Vec<PendingPostcard>>> {
    op.require(ADMIN)?;
    Ok(Json(
        st.store
            .read(move |tx| flows::print::pending(tx, &op.scope()))
            .await?,
    ))
}

/// Print runs of the union.
#[utoipa::path(get, path = "/api/v1/operator/print-runs", tag = "print", security(("bearer" = [])),
    responses((status = 200, body = Vec<PrintRunView>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(st): State<AppState>, op: Op) -> ApiResult<Json<Vec<PrintRunView>>> {
    op.require(ADMIN)?;
    let rows = st
        .store
        .read(move |tx| Ok(tx.list_print_runs(&op.scope())?))
        .await?;
    Ok(Json(rows.iter().map(flows::views::run_view).collect()))
}

/// Create a run over the pending postcards.
#[utoipa::path(post, path = "/api/v1/operator/print-runs", tag = "print", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 201, body = PrintRunView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(st): State<AppState>, op: Op, m: MutCtx) -> Mutated {
    op.require(ADMIN)?;
    let insurer = op
        .insurer_id
        .ok_or_else(|| ApiError::forbidden("role_forbidden", "no insurer"))?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::CREATED, move |tx, now| {
        flows::print::create(tx, now, op.id, insurer)
    })
    .await
}

/// One run.
#[utoipa::path(get, path = "/api/v1/operator/print-runs/{id}", tag = "print", security(("bearer" = [])),
    params(("id" = i64, Path, description = "print run id")),
    responses((status = 200, body = PrintRunView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PrintRunView>> {
    op.require(ADMIN)?;
    Ok(Json(
        st.store
            .read(move |tx| flows::print::get(tx, &op.scope(), id))
            .await?,
    ))
}

/// The run's postcard data, codes in clear, sorted by postal code — until the run is marked
/// printed (409 run_printed after). Every fetch is audited. The response is not kept for
/// idempotent replay (that would store the codes).
#[utoipa::path(post, path = "/api/v1/operator/print-runs/{id}/postcards", tag = "print", security(("bearer" = [])),
    params(("id" = i64, Path, description = "print run id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 200, body = PrintRunData), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn fetch(
    State(st): State<AppState>,
    op: Op,
    _m: MutCtx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PrintRunData>> {
    op.require(ADMIN)?;
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::print::fetch(tx, now, op.id, &op.scope(), id))
            .await?,
    ))
}

/// Mark a run printed / mailed.
#[utoipa::path(post, path = "/api/v1/operator/print-runs/{id}/mark", tag = "print", request_body = MarkRunRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "print run id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 200, body = PrintRunView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn mark(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MarkRunRequest>,
) -> Mutated {
    op.require(ADMIN)?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::OK, move |tx, now| {
        flows::print::mark(tx, now, op.id, &op.scope(), id, req.state.as_str())
    })
    .await
}

/// Reprint one postcard: revoke its code and queue a new postcard with a new code.
#[utoipa::path(post, path = "/api/v1/operator/print-runs/{id}/postcards/{postcard_id}/reprint", tag = "print", security(("bearer" = [])),
    params(("id" = i64, Path, description = "print run id"), ("postcard_id" = i64, Path, description = "postcard id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 201, body = PendingPostcard), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn reprint(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath((id, postcard_id)): ApiPath<(i64, i64)>,
) -> Mutated {
    op.require(ADMIN)?;
    let cfg = st.config.clone();
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::CREATED, move |tx, now| {
        flows::print::reprint(tx, &cfg, now, op.id, &op.scope(), id, postcard_id)
    })
    .await
}
