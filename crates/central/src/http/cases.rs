//! Inquiry queue and cases: claim, link member, notes, status, close, identity
//! verification and the gated actions. Agents and supervisors only.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kencom_api::operator::*;
use kencom_api::Problem;

use crate::error::ApiResult;
use crate::flows;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Op};
use crate::http::{mutate, MutCtx, Mutated};
use crate::state::AppState;

const DESK: &[Role] = &[Role::Agent, Role::Supervisor];

/// The inquiry queue.
#[utoipa::path(get, path = "/api/v1/operator/inquiries", tag = "cases", security(("bearer" = [])), params(InquiryListQuery),
    responses((status = 200, body = InquiryPage), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn list_inquiries(
    State(st): State<AppState>,
    op: Op,
    ApiQuery(q): ApiQuery<InquiryListQuery>,
) -> ApiResult<Json<InquiryPage>> {
    op.require(DESK)?;
    let now = st.clock.now();
    let page = st
        .store
        .write(move |tx| flows::cases::list_inquiries(tx, now, op.id, &q))
        .await?;
    Ok(Json(page))
}

/// One inquiry.
#[utoipa::path(get, path = "/api/v1/operator/inquiries/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inquiry id")),
    responses((status = 200, body = InquiryView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_inquiry(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<InquiryView>> {
    op.require(DESK)?;
    let now = st.clock.now();
    let v = st
        .store
        .write(move |tx| flows::cases::inquiry(tx, now, op.id, id))
        .await?;
    Ok(Json(v))
}

/// Claim an inquiry → a case.
#[utoipa::path(post, path = "/api/v1/operator/inquiries/{id}/claim", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inquiry id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 201, body = CaseView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn claim(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath(id): ApiPath<i64>,
) -> Mutated {
    op.require(DESK)?;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::CREATED, move |tx, now| {
        flows::cases::claim(tx, now, op.id, id)
    })
    .await
}

/// A case with notes, verifications and reissues.
#[utoipa::path(get, path = "/api/v1/operator/cases/{id}", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get_case(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CaseView>> {
    op.require(DESK)?;
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::cases::view(tx, now, op.id, id))
            .await?,
    ))
}

macro_rules! case_mutation {
    ($(#[$doc:meta])* $name:ident, $path:literal, $body:ty, $status:expr, $resp:ty,
     |$tx:ident, $now:ident, $op:ident, $sup:ident, $id:ident, $req:ident| $call:expr) => {
        $(#[$doc])*
        #[utoipa::path(post, path = $path, tag = "cases", request_body = $body, security(("bearer" = [])),
            params(("id" = i64, Path, description = "case id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
            responses((status = $status, body = $resp), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
        pub async fn $name(State(st): State<AppState>, $op: Op, m: MutCtx, ApiPath($id): ApiPath<i64>, ApiJson($req): ApiJson<$body>) -> Mutated {
            $op.require(DESK)?;
            let $sup = $op.role == Role::Supervisor;
            let bound = m.bind(&$op);
            mutate(&st, bound, StatusCode::from_u16($status).unwrap_or(StatusCode::OK), move |$tx, $now| $call).await
        }
    };
}

case_mutation!(
    /// Attach the member the case is about.
    link_member, "/api/v1/operator/cases/{id}/member", LinkMemberRequest, 200, CaseView,
    |tx, now, op, sup, id, req| flows::cases::link_member(tx, now, op.id, sup, id, req.member_id));
case_mutation!(
    /// Add an internal note.
    add_note, "/api/v1/operator/cases/{id}/notes", NoteRequest, 200, CaseView,
    |tx, now, op, sup, id, req| flows::cases::add_note(tx, now, op.id, sup, id, &req.body));
case_mutation!(
    /// open ⇄ waiting.
    set_status, "/api/v1/operator/cases/{id}/status", CaseStatusRequest, 200, CaseView,
    |tx, now, op, sup, id, req| flows::cases::set_status(tx, now, op.id, sup, id, req.status.as_str()));
case_mutation!(
    /// Close with a resolution category.
    close, "/api/v1/operator/cases/{id}/close", CloseRequest, 200, CaseView,
    |tx, now, op, sup, id, req| flows::cases::close(tx, now, op.id, sup, id, req.resolution.as_str()));
case_mutation!(
    /// Record an identity verification (3-item rule).
    verify, "/api/v1/operator/cases/{id}/verifications", VerificationRequest, 201, VerificationView,
    |tx, now, op, sup, id, req| flows::cases::verify(tx, now, op.id, sup, id, &req));

macro_rules! gated_action {
    ($(#[$doc:meta])* $name:ident, $path:literal, $flow:path, $resp:ty) => {
        $(#[$doc])*
        #[utoipa::path(post, path = $path, tag = "cases", security(("bearer" = [])),
            params(("id" = i64, Path, description = "case id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
            responses((status = 200, body = $resp), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
        pub async fn $name(State(st): State<AppState>, op: Op, m: MutCtx, ApiPath(id): ApiPath<i64>) -> Mutated {
            op.require(DESK)?;
            let cfg = st.config.clone();
            let sup = op.role == Role::Supervisor;
            let bound = m.bind(&op);
            mutate(&st, bound, StatusCode::OK, move |tx, now| $flow(tx, &cfg, now, op.id, sup, id)).await
        }
    };
}

gated_action!(
    /// Reissue the checkup code (needs a passed verification on this case by this operator).
    reissue, "/api/v1/operator/cases/{id}/reissue", flows::cases::reissue, ReissueView);
gated_action!(
    /// Reveal the login e-mail (gated, audited).
    reveal_email, "/api/v1/operator/cases/{id}/reveal-email", flows::cases::reveal_email, RevealedEmail);
gated_action!(
    /// Resend the activation mail (gated).
    resend_activation, "/api/v1/operator/cases/{id}/resend-activation", flows::cases::resend_activation, ResendView);
gated_action!(
    /// Unlock the member's login (gated).
    unlock, "/api/v1/operator/cases/{id}/unlock", flows::cases::unlock, UnlockView);

/// A desk-printed reissue postcard's data, code included (audited; until marked printed).
#[utoipa::path(get, path = "/api/v1/operator/cases/{id}/reissues/{reissue_id}/postcard", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "case id"), ("reissue_id" = i64, Path, description = "reissue id")),
    responses((status = 200, body = PostcardData), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn desk_postcard(
    State(st): State<AppState>,
    op: Op,
    ApiPath((id, reissue_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<PostcardData>> {
    op.require(DESK)?;
    let sup = op.role == Role::Supervisor;
    let now = st.clock.now();
    Ok(Json(
        st.store
            .write(move |tx| flows::desk_print::fetch(tx, now, op.id, sup, id, reissue_id))
            .await?,
    ))
}

/// The desk printed the postcard: the server forgets its code.
#[utoipa::path(post, path = "/api/v1/operator/cases/{id}/reissues/{reissue_id}/printed", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path, description = "case id"), ("reissue_id" = i64, Path, description = "reissue id"), ("Idempotency-Key" = String, Header, description = "unique per mutation (1–200 visible ASCII)", min_length = 1, max_length = 200, pattern = "^[!-~]+$")),
    responses((status = 200, body = ReissueView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn desk_postcard_printed(
    State(st): State<AppState>,
    op: Op,
    m: MutCtx,
    ApiPath((id, reissue_id)): ApiPath<(i64, i64)>,
) -> Mutated {
    op.require(DESK)?;
    let sup = op.role == Role::Supervisor;
    let bound = m.bind(&op);
    mutate(&st, bound, StatusCode::OK, move |tx, now| {
        flows::desk_print::mark_printed(tx, now, op.id, sup, id, reissue_id)
    })
    .await
}
