//! Audit log query and chain verification (supervisors).

use axum::extract::State;
use axum::Json;
use kencom_api::operator::*;
use kencom_api::Problem;

use crate::error::ApiResult;
use crate::flows::views::{audit_entry, paging};
use crate::http::extract::{ApiQuery, Op};
use crate::state::AppState;
use crate::store::audit::AuditQuery;

/// Query the audit log, newest first.
#[utoipa::path(get, path = "/api/v1/operator/audit", tag = "audit", security(("bearer" = [])), params(AuditQueryParams),
    responses((status = 200, body = AuditPage), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn query(
    State(st): State<AppState>,
    op: Op,
    ApiQuery(q): ApiQuery<AuditQueryParams>,
) -> ApiResult<Json<AuditPage>> {
    op.require(&[Role::Supervisor])?;
    let (offset, limit, page, per_page) = paging(q.page, q.per_page);
    let aq = AuditQuery {
        operator_id: q.operator_id,
        member_id: q.member_id,
        action: q.action.clone(),
        insurer_id: None,
        offset,
        limit,
    };
    let (rows, total) = st.store.read(move |tx| Ok(tx.query_audit(&aq)?)).await?;
    Ok(Json(AuditPage {
        items: rows.iter().map(audit_entry).collect(),
        total,
        page,
        per_page,
    }))
}

/// Walk the hash chain.
#[utoipa::path(get, path = "/api/v1/operator/audit/verify", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = AuditVerification), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn verify(State(st): State<AppState>, op: Op) -> ApiResult<Json<AuditVerification>> {
    op.require(&[Role::Supervisor])?;
    let (checked, bad) = st.store.read(crate::audit::verify).await?;
    Ok(Json(AuditVerification {
        ok: bad.is_none(),
        checked,
        first_bad_seq: bad,
    }))
}
