//! Roster sync (名簿連携) endpoints: the chunked, resumable upload, its diff and apply, the
//! sync history and the sync status. Uploads are idempotent by design (the file's hash picks
//! the upload, a chunk's number picks the chunk, apply happens once), so these calls take no
//! idempotency key: resending any of them after a network error is always safe.
use crate::error::ClientError;
use crate::http::CentralClient;
use kencom_api::roster::*;
use reqwest::Method;

type R<T> = Result<T, ClientError>;
const NO_QUERY: Option<&()> = None;
const NO_BODY: Option<&()> = None;

impl CentralClient {
    /// Start an upload, or get back the unfinished one for the same file (same hash).
    pub async fn start_roster_upload(
        &self,
        token: &str,
        insurer_id: i64,
        req: &RosterUploadRequest,
    ) -> R<RosterUploadView> {
        let path = format!("/operator/insurers/{insurer_id}/roster-uploads");
        self.send(Method::POST, &path, Some(token), NO_QUERY, Some(req), None)
            .await
    }

    /// The upload with the chunks received and the chunk to resume from.
    pub async fn roster_upload(&self, token: &str, upload_id: i64) -> R<RosterUploadView> {
        let path = format!("/operator/roster-uploads/{upload_id}");
        self.send(Method::GET, &path, Some(token), NO_QUERY, NO_BODY, None)
            .await
    }

    /// Send chunk `seq` (0-based). The same rows again are a no-op (`replayed`); other
    /// rows under a received number are refused (422 `chunk_mismatch`).
    pub async fn put_roster_chunk(
        &self,
        token: &str,
        upload_id: i64,
        seq: i64,
        rows: &[RosterRowWire],
    ) -> R<RosterChunkAck> {
        let path = format!("/operator/roster-uploads/{upload_id}/chunks/{seq}");
        let body = RosterChunkRequest {
            rows: rows.to_vec(),
        };
        self.send(Method::PUT, &path, Some(token), NO_QUERY, Some(&body), None)
            .await
    }

    /// Counts and one page of the diff against the central roster.
    pub async fn roster_diff(
        &self,
        token: &str,
        upload_id: i64,
        q: &RosterDiffQuery,
    ) -> R<RosterDiffView> {
        let path = format!("/operator/roster-uploads/{upload_id}/diff");
        self.send(Method::GET, &path, Some(token), Some(q), NO_BODY, None)
            .await
    }

    /// Apply a complete upload (once; a repeat answers the same sync entry).
    pub async fn apply_roster_upload(&self, token: &str, upload_id: i64) -> R<RosterSyncView> {
        let path = format!("/operator/roster-uploads/{upload_id}/apply");
        self.send(Method::POST, &path, Some(token), NO_QUERY, NO_BODY, None)
            .await
    }

    /// Sync history of an insurer, newest first.
    pub async fn roster_syncs(&self, token: &str, insurer_id: i64) -> R<Vec<RosterSyncView>> {
        let path = format!("/operator/insurers/{insurer_id}/roster-syncs");
        self.send(Method::GET, &path, Some(token), NO_QUERY, NO_BODY, None)
            .await
    }

    /// 連携状況 of one insurer.
    pub async fn sync_status(&self, token: &str, insurer_id: i64) -> R<SyncStatusView> {
        let path = format!("/operator/insurers/{insurer_id}/sync-status");
        self.send(Method::GET, &path, Some(token), NO_QUERY, NO_BODY, None)
            .await
    }

    /// One line per insurer in the operator's scope.
    pub async fn sync_status_summary(&self, token: &str) -> R<Vec<SyncStatusSummary>> {
        self.send(
            Method::GET,
            "/operator/insurers/sync-status",
            Some(token),
            NO_QUERY,
            NO_BODY,
            None,
        )
        .await
    }
}
