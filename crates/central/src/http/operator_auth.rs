//! Operator sign-in, refresh, logout, who-am-I and role changes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kencom_api::operator::*;
use kencom_api::Problem;

use crate::error::{ApiError, ApiResult};
use crate::flows;
use crate::http::extract::{ApiJson, ApiPath, Op};
use crate::http::{mutate, MutCtx, Mutated};
use crate::secrets::{matching_totp_step, verify_password};
use crate::state::AppState;

/// A real argon2id hash verified for unknown IDs, so response time does not reveal which
/// operator IDs exist.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        crate::secrets::hash_password(&crate::secrets::random_token()).unwrap_or_default()
    })
}

/// ID + password + TOTP → tokens.
#[utoipa::path(post, path = "/api/v1/operator/auth/login", tag = "operator-auth", request_body = OperatorLoginRequest,
    responses((status = 200, body = TokenPair), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<OperatorLoginRequest>,
) -> ApiResult<Json<TokenPair>> {
    flows::check_len("login_id", &req.login_id, 1, 100)?;
    flows::check_len("password", &req.password, 1, 200)?;
    flows::check_len("totp", &req.totp, 1, 10)?;
    let login_id = req.login_id.clone();
    let found = st
        .store
        .read(move |tx| flows::auth::find(tx, &login_id))
        .await?;
    let now = st.clock.now();
    let (pw, totp, hash, secret) = (
        req.password.clone(),
        req.totp.clone(),
        found.as_ref().map(|o| o.password_hash.clone()),
        found
            .as_ref()
            .map(|o| (o.id, o.login_id.clone(), o.totp_secret.clone())),
    );
    let key = st.config.totp_key.clone();
    let step = tokio::task::spawn_blocking(move || {
        let stored = hash.unwrap_or_else(|| dummy_hash().to_string());
        let pw_ok = verify_password(&pw, &stored);
        if !pw_ok {
            return None;
        }
        let (id, login, sealed) = secret?;
        match key.open(&login, &sealed) {
            Ok(seed) => matching_totp_step(&seed, &totp, now),
            // Fails like a wrong code; the log says the seed, not the person, is at fault.
            Err(e) => {
                tracing::error!(operator_id = id, "{e}");
                None
            }
        }
    })
    .await
    .map_err(|_| ApiError::internal("verify task"))?;
    let cfg = st.config.clone();
    let out = st
        .store
        .write(move |tx| {
            match (&found, step) {
                // A step must be newer than the last sign-in's: each code works once.
                (Some(o), Some(step)) if tx.advance_totp_step(o.id, step)? => {
                    flows::auth::audit_login(tx, now, Some(o), true)?;
                    Ok(Ok(flows::auth::open_session(tx, &cfg, now, o, None)?))
                }
                // The failure is committed to the audit log, then reported.
                _ => {
                    flows::auth::audit_login(tx, now, found.as_ref(), false)?;
                    Ok(Err(flows::auth::login_failed()))
                }
            }
        })
        .await?;
    Ok(Json(out?))
}

/// Rotate the refresh token.
#[utoipa::path(post, path = "/api/v1/operator/auth/refresh", tag = "operator-auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn refresh(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> ApiResult<Json<TokenPair>> {
    flows::check_len("refresh_token", &req.refresh_token, 1, 200)?;
    let (cfg, now) = (st.config.clone(), st.clock.now());
    let out = st
        .store
        .write(move |tx| flows::auth::refresh(tx, &cfg, now, &req.refresh_token))
        .await?;
    Ok(Json(out?))
}

/// Revoke this login.
#[utoipa::path(post, path = "/api/v1/operator/auth/logout", tag = "operator-auth", security(("bearer" = [])),
    responses((status = 204, description = "signed out"), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn logout(State(st): State<AppState>, op: Op) -> ApiResult<StatusCode> {
    let now = st.clock.now();
    st.store
        .write(move |tx| flows::auth::logout(tx, now, op.id, &op.family))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/operator/me", tag = "operator-auth", security(("bearer" = [])),
    responses((status = 200, body = OperatorInfo), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn me(State(st): State<AppState>, op: Op) -> ApiResult<Json<OperatorInfo>> {
    let o = st
        .store
        .read(move |tx| Ok(tx.get_operator(op.id)?))
        .await?
        .ok_or_else(|| ApiError::unauthorized("invalid_token", "operator gone"))?;
    Ok(Json(flows::auth::info(&o)?))
}

/// Operators (supervisors).
#[utoipa::path(get, path = "/api/v1/operator/operators", tag = "operators", security(("bearer" = [])),
    responses((status = 200, body = Vec<OperatorInfo>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_operators(
    State(st): State<AppState>,
    op: Op,
) -> ApiResult<Json<Vec<OperatorInfo>>> {
    op.require(&[Role::Supervisor])?;
    let rows = st.store.read(move |tx| Ok(tx.list_operators()?)).await?;
    Ok(Json(
        rows.iter()
            .map(flows::auth::info)
            .collect::<ApiResult<_>>()?,
    ))
}

/// Change an operator's role (supervisors); revokes that operator's sessions.
#[utoipa::path(post, path = "/api/v1/operator/operators/{id}/role", tag = "operators", request_body = RoleChangeRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "operator id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 200, body = OperatorInfo), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn change_role(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RoleChangeRequest>,
) -> Mutated {
    op.require(&[Role::Supervisor])?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::OK, move |tx, now| {
        flows::auth::change_role(tx, now, op.id, id, &req)
    })
    .await
}
