//! Calls of insurer administrators and supervisors: print runs (はがき印刷), the union's
//! settings (maintenance windows, IP whitelist, where postcards are printed) and the
//! audit log.
//! Kept apart from the help desk's calls in `endpoints.rs`.
use crate::error::ClientError;
use crate::http::CentralClient;
use kencom_api::operator::*;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

type R<T> = Result<T, ClientError>;
const NO_QUERY: Option<&()> = None;

impl CentralClient {
    async fn admin<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&B>,
        key: Option<&str>,
    ) -> R<T> {
        self.send(method, path, Some(token), NO_QUERY, body, key)
            .await
    }

    /// Postcards waiting for a print run (own union).
    pub async fn pending_postcards(&self, token: &str) -> R<Vec<PendingPostcard>> {
        self.admin::<(), _>(Method::GET, "/operator/print/pending", token, None, None)
            .await
    }

    /// Print runs, newest first.
    pub async fn print_runs(&self, token: &str) -> R<Vec<PrintRunView>> {
        self.admin::<(), _>(Method::GET, "/operator/print-runs", token, None, None)
            .await
    }

    /// Create a run over every pending postcard.
    pub async fn create_print_run(&self, token: &str, key: &str) -> R<PrintRunView> {
        self.admin::<(), _>(Method::POST, "/operator/print-runs", token, None, Some(key))
            .await
    }

    /// The run's postcards with codes (until the run is marked printed; audited).
    pub async fn print_run_postcards(&self, token: &str, run: i64, key: &str) -> R<PrintRunData> {
        self.admin::<(), _>(
            Method::POST,
            &format!("/operator/print-runs/{run}/postcards"),
            token,
            None,
            Some(key),
        )
        .await
    }

    /// Mark a run printed or mailed.
    pub async fn mark_print_run(
        &self,
        token: &str,
        run: i64,
        req: &MarkRunRequest,
        key: &str,
    ) -> R<PrintRunView> {
        self.admin(
            Method::POST,
            &format!("/operator/print-runs/{run}/mark"),
            token,
            Some(req),
            Some(key),
        )
        .await
    }

    /// Reprint one postcard of a run with a new code.
    pub async fn reprint_postcard(
        &self,
        token: &str,
        run: i64,
        postcard: i64,
        key: &str,
    ) -> R<PendingPostcard> {
        self.admin::<(), _>(
            Method::POST,
            &format!("/operator/print-runs/{run}/postcards/{postcard}/reprint"),
            token,
            None,
            Some(key),
        )
        .await
    }

    /// A page of the audit log (supervisors).
    pub async fn audit(&self, token: &str, q: &AuditQueryParams) -> R<AuditPage> {
        self.send(
            Method::GET,
            "/operator/audit",
            Some(token),
            Some(q),
            None::<&()>,
            None,
        )
        .await
    }

    /// Verify the audit log's hash chain (supervisors).
    pub async fn verify_audit(&self, token: &str) -> R<AuditVerification> {
        self.admin::<(), _>(Method::GET, "/operator/audit/verify", token, None, None)
            .await
    }

    /// Insurers in scope.
    pub async fn insurers(&self, token: &str) -> R<Vec<InsurerView>> {
        self.admin::<(), _>(Method::GET, "/operator/insurers", token, None, None)
            .await
    }

    /// Add a maintenance window.
    pub async fn add_maintenance(
        &self,
        token: &str,
        insurer: i64,
        req: &MaintenanceRequest,
        key: &str,
    ) -> R<InsurerView> {
        self.admin(
            Method::POST,
            &format!("/operator/insurers/{insurer}/maintenance"),
            token,
            Some(req),
            Some(key),
        )
        .await
    }

    /// Remove a maintenance window.
    pub async fn delete_maintenance(
        &self,
        token: &str,
        insurer: i64,
        window: i64,
        key: &str,
    ) -> R<InsurerView> {
        self.admin::<(), _>(
            Method::DELETE,
            &format!("/operator/insurers/{insurer}/maintenance/{window}"),
            token,
            None,
            Some(key),
        )
        .await
    }

    /// Whitelist an address or network.
    pub async fn add_whitelist(
        &self,
        token: &str,
        insurer: i64,
        req: &WhitelistRequest,
        key: &str,
    ) -> R<InsurerView> {
        self.admin(
            Method::POST,
            &format!("/operator/insurers/{insurer}/whitelist"),
            token,
            Some(req),
            Some(key),
        )
        .await
    }

    /// Remove a whitelist entry.
    pub async fn delete_whitelist(
        &self,
        token: &str,
        insurer: i64,
        entry: i64,
        key: &str,
    ) -> R<InsurerView> {
        self.admin::<(), _>(
            Method::DELETE,
            &format!("/operator/insurers/{insurer}/whitelist/{entry}"),
            token,
            None,
            Some(key),
        )
        .await
    }

    /// Where the union's reissue postcards are printed.
    pub async fn set_postcard_printing(
        &self,
        token: &str,
        insurer: i64,
        req: &PostcardPrintingRequest,
        key: &str,
    ) -> R<InsurerView> {
        self.admin(
            Method::PUT,
            &format!("/operator/insurers/{insurer}/postcard-printing"),
            token,
            Some(req),
            Some(key),
        )
        .await
    }
}
