//! Roster sync endpoints: the chunked upload (insurer admins for their own union, supervisors
//! for any; agents may not), its diff and apply, the sync history and the sync status (every
//! role, insurer admins scoped to their union). Uploads are idempotent by their own keys
//! (file hash, chunk number, the upload's sync entry), so no Idempotency-Key is required.
//! Reads that show members (diff, status) are computed in a read transaction and then
//! audited in a short write one, so a long diff never holds the single writer; a diff
//! computed anew is kept (for the next pages) in a short write of its own.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use kencom_api::operator::Role;
use kencom_api::roster::*;
use kencom_api::Problem;

use crate::audit::{self, AuditEvent};
use crate::error::ApiResult;
use crate::flows::roster_diff_cache::DiffAnswer;
use crate::flows::{roster_sync, sync_status};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Op};
use crate::state::AppState;

/// Who may upload and apply rosters.
const UPLOADERS: &[Role] = &[Role::InsurerAdmin, Role::Supervisor];
/// Largest chunk body: 2,000 rows of long Japanese text fit with room to spare.
pub const CHUNK_BODY_LIMIT: usize = 4 * 1024 * 1024;

async fn audit_read(
    st: &AppState,
    op: &Op,
    action: &'static str,
    insurer_id: i64,
    detail: String,
) -> ApiResult<()> {
    let now = st.clock.now();
    let operator_id = op.id;
    st.store
        .write(move |tx| {
            audit::append(
                tx,
                now,
                AuditEvent::op(operator_id, action)
                    .insurer(insurer_id)
                    .detail(detail),
            )
        })
        .await
}

/// Start a roster upload, or resume the unfinished one of the same file (same content hash).
#[utoipa::path(post, path = "/api/v1/operator/insurers/{id}/roster-uploads", tag = "roster", request_body = RosterUploadRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id")),
    responses((status = 201, description = "created", body = RosterUploadView), (status = 200, description = "the unfinished upload of the same file", body = RosterUploadView),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn start(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RosterUploadRequest>,
) -> ApiResult<(StatusCode, Json<RosterUploadView>)> {
    op.require(UPLOADERS)?;
    let now = st.clock.now();
    let (created, view) = st
        .store
        .write(move |tx| roster_sync::start(tx, now, op.id, &op.scope(), id, &req))
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// An upload: chunks received and the chunk to resume from.
#[utoipa::path(get, path = "/api/v1/operator/roster-uploads/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path, description = "upload id")),
    responses((status = 200, body = RosterUploadView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RosterUploadView>> {
    op.require(UPLOADERS)?;
    Ok(Json(
        st.store
            .read(move |tx| roster_sync::get(tx, &op.scope(), id))
            .await?,
    ))
}

/// Send one chunk (0-based `seq`). Same rows again: 200 `replayed`; other rows under a
/// received number: 422 `chunk_mismatch`.
#[utoipa::path(put, path = "/api/v1/operator/roster-uploads/{id}/chunks/{seq}", tag = "roster", request_body = RosterChunkRequest, security(("bearer" = [])),
    params(("id" = i64, Path, description = "upload id"), ("seq" = i64, Path, description = "chunk number, 0-based")),
    responses((status = 201, description = "stored", body = RosterChunkAck), (status = 200, description = "the same chunk again (nothing changed)", body = RosterChunkAck),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn put_chunk(
    State(st): State<AppState>,
    op: Op,
    ApiPath((id, seq)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<RosterChunkRequest>,
) -> ApiResult<(StatusCode, Json<RosterChunkAck>)> {
    op.require(UPLOADERS)?;
    let now = st.clock.now();
    let (stored, ack) = st
        .store
        .write(move |tx| roster_sync::put_chunk(tx, now, op.id, &op.scope(), id, seq, &req.rows))
        .await?;
    let status = if stored {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(ack)))
}

/// The diff against the central roster: counts and one page of entries.
#[utoipa::path(get, path = "/api/v1/operator/roster-uploads/{id}/diff", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path, description = "upload id"), RosterDiffQuery),
    responses((status = 200, body = RosterDiffView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn diff(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RosterDiffQuery>,
) -> ApiResult<Json<RosterDiffView>> {
    op.require(UPLOADERS)?;
    let scope = op.scope();
    let now = st.clock.now();
    let (insurer_id, answer) = {
        let q = q.clone();
        st.store
            .read(move |tx| {
                let answer = roster_sync::diff(tx, &scope, id, &q, now)?;
                let insurer_id = roster_sync::get(tx, &scope, id)?.insurer_id;
                Ok((insurer_id, answer))
            })
            .await?
    };
    let page = match answer {
        DiffAnswer::Page(page) => page,
        // The first request after the upload completed or the roster changed: the diff was
        // computed in the read transaction; keeping it takes a short write.
        DiffAnswer::Computed(fresh) => {
            st.store
                .write(move |tx| roster_sync::keep_diff(tx, &scope, id, &q, fresh))
                .await?
        }
    };
    audit_read(
        &st,
        &op,
        "roster.diff_viewed",
        insurer_id,
        format!("upload {id}: {} entries", page.entries.len()),
    )
    .await?;
    Ok(Json(page))
}

/// Apply a complete upload in one transaction, exactly once (a repeat answers the same
/// sync entry).
#[utoipa::path(post, path = "/api/v1/operator/roster-uploads/{id}/apply", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path, description = "upload id")),
    responses((status = 200, body = RosterSyncView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn apply(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RosterSyncView>> {
    op.require(UPLOADERS)?;
    let now = st.clock.now();
    let scope = op.scope();
    let sync = st
        .store
        .write(move |tx| roster_sync::apply(tx, now, op.id, &scope, id))
        .await?;
    // The roster now holds the rows: their staged copies go, in a transaction of their own.
    st.store
        .write(move |tx| roster_sync::discard_chunks(tx, &scope, id))
        .await?;
    Ok(Json(sync))
}

/// Sync history of an insurer, newest first.
#[utoipa::path(get, path = "/api/v1/operator/insurers/{id}/roster-syncs", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id")),
    responses((status = 200, body = Vec<RosterSyncView>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn history(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<RosterSyncView>>> {
    Ok(Json(
        st.store
            .read(move |tx| roster_sync::history(tx, &op.scope(), id))
            .await?,
    ))
}

/// 連携状況 of one insurer.
#[utoipa::path(get, path = "/api/v1/operator/insurers/{id}/sync-status", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path, description = "insurer id")),
    responses((status = 200, body = SyncStatusView), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn status(
    State(st): State<AppState>,
    op: Op,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SyncStatusView>> {
    let now = st.clock.now();
    let scope = op.scope();
    let view = st
        .store
        .read(move |tx| sync_status::status(tx, now, &scope, id))
        .await?;
    audit_read(
        &st,
        &op,
        "roster.sync_status_viewed",
        view.insurer_id,
        format!("{} new members listed", view.new_member_list.len()),
    )
    .await?;
    Ok(Json(view))
}

/// 連携状況 summary: one line per insurer in scope.
#[utoipa::path(get, path = "/api/v1/operator/insurers/sync-status", tag = "roster", security(("bearer" = [])),
    responses((status = 200, body = Vec<SyncStatusSummary>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
pub async fn summary(
    State(st): State<AppState>,
    op: Op,
) -> ApiResult<Json<Vec<SyncStatusSummary>>> {
    let now = st.clock.now();
    Ok(Json(
        st.store
            .read(move |tx| sync_status::summary(tx, now, &op.scope()))
            .await?,
    ))
}
