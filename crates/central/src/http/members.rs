//! Member search, detail + timeline, diagnosis (member or inquiry data). Reads are audited.

use axum::extract::State;
use axum::Json;
use kencom_api::operator::*;
use kencom_api::Problem;

use crate::error::ApiResult;
use crate::flows;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Op};
use crate::state::AppState;

/// Member search (masked, paginated).
#[utoipa::path(get, path = "/api/v1/operator/members", tag = "members", security(("bearer" = [])), params(MemberSearchQuery),
    responses((status = 200, body = MemberPage), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn search(
    State(st): State<AppState>,
    op: Op,
    ApiQuery(q): ApiQuery<MemberSearchQuery>,
) -> ApiResult<Json<MemberPage>> {
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::members::search(tx, now, op.id, &op.scope(), &q))
            .await?,
    ))
}

/// Member detail with timeline.
#[utoipa::path(get, path = "/api/v1/operator/members/{id}", tag = "members", security(("bearer" = [])),
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, body = MemberDetail), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn detail(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberDetail>> {
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::members::detail(tx, now, op.id, &op.scope(), id))
            .await?,
    ))
}

/// Why this member is stuck, with evidence.
#[utoipa::path(get, path = "/api/v1/operator/members/{id}/diagnosis", tag = "members", security(("bearer" = [])),
    params(("id" = i64, Path, description = "member id")),
    responses((status = 200, body = Diagnosis), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn diagnosis(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Diagnosis>> {
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::diagnosis::member(tx, now, op.id, &op.scope(), id))
            .await?,
    ))
}

/// Diagnose inquiry data that may match nobody: candidates + causes. Read-only (besides
/// its audit entry), so no Idempotency-Key.
#[utoipa::path(post, path = "/api/v1/operator/diagnosis", tag = "members", request_body = DiagnoseRequest, security(("bearer" = [])),
    responses((status = 200, body = Diagnosis), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn diagnose(
    State(st): State<AppState>,
    op: Op,
    ApiJson(req): ApiJson<DiagnoseRequest>,
) -> ApiResult<Json<Diagnosis>> {
    op.require(&[Role::Agent, Role::Supervisor])?;
    flows::check_len("name_kana", &req.name_kana, 1, 60)?;
    flows::check_len("birth_date", &req.birth_date, 1, 40)?;
    for (f, v) in [
        ("insurer_name", &req.insurer_name),
        ("insurer_number", &req.insurer_number),
        ("email", &req.email),
    ] {
        if let Some(v) = v {
            flows::check_len(f, v, 0, 254)?;
        }
    }
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::diagnosis::inquiry_data(tx, now, op.id, &op.scope(), &req))
            .await?,
    ))
}
