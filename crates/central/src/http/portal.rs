//! Member-facing endpoints (the seed's flows). Thin: parse, call `flows`, render.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kencom_api::portal::*;
use kencom_api::Problem;

use crate::error::ApiResult;
use crate::flows;
use crate::http::extract::{ApiJson, ApiPath, ClientIp, Member};
use crate::state::AppState;

/// STEP1 新規登録: queue the 仮登録 mail.
#[utoipa::path(post, path = "/api/v1/portal/register", tag = "portal", request_body = RegisterRequest,
    responses((status = 201, body = RegisterResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn register(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<RegisterResponse>)> {
    flows::registration::validate(&req)?;
    let pw = req.password.clone();
    let hash = tokio::task::spawn_blocking(move || flows::registration::hash(&pw))
        .await
        .map_err(|_| crate::error::ApiError::internal("hash task"))??;
    let (cfg, now) = (st.config.clone(), st.clock.now());
    let (resp, _token) = st
        .store
        .write(move |tx| flows::registration::register(tx, &cfg, now, &req, &hash))
        .await?;
    Ok((StatusCode::CREATED, Json(resp)))
}

/// 仮登録メールの再送信: a new link; every earlier link stops working.
#[utoipa::path(post, path = "/api/v1/portal/register/resend", tag = "portal", request_body = ResendRequest,
    responses((status = 202, body = RegisterResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn resend(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<ResendRequest>,
) -> ApiResult<(StatusCode, Json<RegisterResponse>)> {
    flows::check_len("email", &req.email, 1, 254)?;
    let (cfg, now) = (st.config.clone(), st.clock.now());
    let resp = st
        .store
        .write(move |tx| flows::registration::resend(tx, &cfg, now, &req.email))
        .await?;
    Ok((StatusCode::ACCEPTED, Json(resp)))
}

/// The activation link (from the mail) → registration session for STEP3.
#[utoipa::path(post, path = "/api/v1/portal/activate/{token}", tag = "portal",
    params(("token" = String, Path, description = "token from the activation link")),
    responses((status = 200, body = ActivateResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn activate(
    State(st): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Json<ActivateResponse>> {
    if token.is_empty() || token.len() > 200 {
        return Err(crate::error::ApiError::not_found("activation link"));
    }
    let (cfg, now) = (st.config.clone(), st.clock.now());
    Ok(Json(
        st.store
            .write(move |tx| flows::registration::activate(tx, &cfg, now, &token))
            .await?,
    ))
}

/// STEP3 健保資格確認.
#[utoipa::path(post, path = "/api/v1/portal/eligibility", tag = "portal", request_body = EligibilityRequest, security(("bearer" = [])),
    responses((status = 200, body = EligibilityResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn eligibility(
    State(st): State<AppState>,
    member: Member,
    ApiJson(req): ApiJson<EligibilityRequest>,
) -> ApiResult<Json<EligibilityResponse>> {
    let now = st.clock.now();
    let out = st
        .store
        .write(move |tx| flows::eligibility::check(tx, now, member.account_id, &req))
        .await?;
    Ok(Json(out?))
}

/// STEP4 登録を完了する.
#[utoipa::path(post, path = "/api/v1/portal/eligibility/confirm", tag = "portal", security(("bearer" = [])),
    responses((status = 200, body = ConfirmResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn confirm(
    State(st): State<AppState>,
    member: Member,
) -> ApiResult<Json<ConfirmResponse>> {
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::eligibility::confirm(tx, now, member.account_id))
            .await?,
    ))
}

/// A CAPTCHA challenge at the level this client needs now.
#[utoipa::path(post, path = "/api/v1/portal/captcha", tag = "portal", request_body = CaptchaRequest,
    responses((status = 200, body = CaptchaChallenge), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn captcha(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<CaptchaRequest>,
) -> ApiResult<Json<CaptchaChallenge>> {
    if let Some(e) = &req.email {
        flows::check_len("email", e, 0, 254)?;
    }
    let (cfg, now) = (st.config.clone(), st.clock.now());
    Ok(Json(
        st.store
            .write(move |tx| flows::login::challenge(tx, &cfg, now, &ip, req.email.as_deref()))
            .await?,
    ))
}

/// Member login (e-mail + password + CAPTCHA for browsers).
#[utoipa::path(post, path = "/api/v1/portal/login", tag = "portal", request_body = MemberLoginRequest,
    responses((status = 200, body = MemberLoginResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<MemberLoginRequest>,
) -> ApiResult<Json<MemberLoginResponse>> {
    flows::check_len("email", &req.email, 1, 254)?;
    flows::check_len("password", &req.password, 1, 100)?;
    let (cfg, now) = (st.config.clone(), st.clock.now());
    // Three phases so argon2 runs off the write transaction: gate (CAPTCHA, account,
    // lock) → verify on a blocking thread → record the outcome.
    let (cfg2, ip2, req2) = (cfg.clone(), ip.clone(), req.clone());
    let gate = match st
        .store
        .write(move |tx| flows::login::gate(tx, &cfg2, now, &ip2, &req2))
        .await?
    {
        Ok(g) => g,
        Err(e) => return Err(e),
    };
    let (pw, hash) = (req.password.clone(), gate.password_hash().to_string());
    let ok = tokio::task::spawn_blocking(move || crate::secrets::verify_password(&pw, &hash))
        .await
        .map_err(|_| crate::error::ApiError::internal("verify task"))?;
    let out = st
        .store
        .write(move |tx| flows::login::finish(tx, &cfg, now, &ip, &gate, ok))
        .await?;
    Ok(Json(out?))
}

/// 健診閲覧コード + 生年月日 → カナ氏名 to confirm.
#[utoipa::path(post, path = "/api/v1/portal/checkup/verify", tag = "portal", request_body = CheckupVerifyRequest, security(("bearer" = [])),
    responses((status = 200, body = CheckupVerifyResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn checkup_verify(
    State(st): State<AppState>,
    member: Member,
    ApiJson(req): ApiJson<CheckupVerifyRequest>,
) -> ApiResult<Json<CheckupVerifyResponse>> {
    let (cfg, now) = (st.config.clone(), st.clock.now());
    Ok(Json(
        st.store
            .write(move |tx| flows::checkup::verify(tx, &cfg, now, member.account_id, &req))
            .await?,
    ))
}

/// 秘密の質問の設定 (completes the first view).
#[utoipa::path(post, path = "/api/v1/portal/checkup/secret-question", tag = "portal", request_body = SecretQuestionRequest, security(("bearer" = [])),
    responses((status = 200, body = SecretQuestionResponse), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn secret_question(
    State(st): State<AppState>,
    member: Member,
    ApiJson(req): ApiJson<SecretQuestionRequest>,
) -> ApiResult<Json<SecretQuestionResponse>> {
    flows::checkup::validate_question(&req)?;
    let answer = req.answer.clone();
    let hash = tokio::task::spawn_blocking(move || flows::registration::hash(&answer))
        .await
        .map_err(|_| crate::error::ApiError::internal("hash task"))??;
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::checkup::set_question(tx, now, member.account_id, &req, &hash))
            .await?,
    ))
}

/// The inquiry form.
#[utoipa::path(post, path = "/api/v1/portal/inquiries", tag = "portal", request_body = InquiryRequest,
    responses((status = 201, body = InquiryReceived), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn inquiry(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<InquiryRequest>,
) -> ApiResult<(StatusCode, Json<InquiryReceived>)> {
    let now = st.clock.now();
    Ok((
        StatusCode::CREATED,
        Json(
            st.store
                .write(move |tx| flows::inquiry::submit(tx, now, &req))
                .await?,
        ),
    ))
}
