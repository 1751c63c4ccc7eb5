//! はがき印刷 for insurer administrators: the union's postcards waiting for a run, a run
//! over them, the run's PDF (sorted by postal code by the server, customer barcodes, pages
//! streamed to the file the admin chose so 10,000 cards stay within a flat memory), the
//! printed / mailed marks and the reprint of a single card with a new code.
//!
//! These are online operations (an admin prints at the office, not during an outage): each
//! call goes straight to the server with its own idempotency key. As with the desk's
//! postcards, codes only pass through memory into the chosen file.
use crate::desk::Desk;
use crate::error::DeskError;
use crate::postcard::{card, check_path, write_pdf};
use crate::views::{PrintOverview, RunCard, SavedRun};
use kencom_api::operator::{MarkRunRequest, PendingPostcard, PrintRunView, RunMark};
use kencom_postcard::RenderOptions;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

static CALLS: AtomicU64 = AtomicU64::new(0);

impl Desk {
    /// A fresh idempotency key for a direct (not queued) mutation.
    pub(crate) fn fresh_key(&self, what: &str) -> String {
        format!(
            "{what}-{}-{}-{}",
            std::process::id(),
            self.now_ms(),
            CALLS.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Pending postcards, runs and where to suggest saving.
    pub async fn print_overview(&self) -> Result<PrintOverview, DeskError> {
        let pending = self
            .call(|c, t| async move { c.pending_postcards(&t).await })
            .await?;
        let runs = self
            .call(|c, t| async move { c.print_runs(&t).await })
            .await?;
        let dir = self.host.save_dir();
        Ok(PrintOverview {
            pending,
            runs,
            save_dir: dir.to_string_lossy().into_owned(),
        })
    }

    /// A run over every pending postcard of the admin's union.
    pub async fn create_print_run(&self) -> Result<PrintRunView, DeskError> {
        let key = self.fresh_key("run");
        Ok(self
            .call(|c, t| {
                let key = key.clone();
                async move { c.create_print_run(&t, &key).await }
            })
            .await?)
    }

    /// Writes the run's PDF to `path`; returns what was printed (names, never codes).
    pub async fn save_print_run(&self, run_id: i64, path: String) -> Result<SavedRun, DeskError> {
        let candidate = PathBuf::from(path.trim());
        let path = check_path(&path, self.is_ours(&candidate))?;
        let key = self.fresh_key("fetch");
        let data = self
            .call(|c, t| {
                let key = key.clone();
                async move { c.print_run_postcards(&t, run_id, &key).await }
            })
            .await?;
        let cards: Vec<RunCard> = data
            .postcards
            .iter()
            .map(|p| RunCard {
                postcard_id: p.postcard_id,
                member_name: p.name_kanji.clone(),
                postal_code: p.postal_code.clone(),
            })
            .collect();
        let opts = RenderOptions {
            skip_invalid: true,
            ..RenderOptions::default()
        };
        let stats = write_pdf(&path, data.postcards.into_iter().map(card), &opts)?;
        self.remember_written(&path);
        Ok(SavedRun {
            path: path.to_string_lossy().into_owned(),
            cards,
            pages: stats.pages as i64,
            bytes: stats.bytes as i64,
            skipped: stats.skipped.iter().map(|e| e.to_string()).collect(),
        })
    }

    /// Mark a run printed (the server then forgets its codes) or mailed.
    pub async fn mark_print_run(
        &self,
        run_id: i64,
        state: String,
    ) -> Result<PrintRunView, DeskError> {
        let state = match state.as_str() {
            "printed" => RunMark::Printed,
            "mailed" => RunMark::Mailed,
            _ => {
                return Err(DeskError::invalid(
                    "state",
                    "印刷済みか発送済みを選んでください。",
                ))
            }
        };
        let key = self.fresh_key("mark");
        let req = MarkRunRequest { state };
        Ok(self
            .call(|c, t| {
                let (key, req) = (key.clone(), req.clone());
                async move { c.mark_print_run(&t, run_id, &req, &key).await }
            })
            .await?)
    }

    /// Reprint one card: its code is revoked and a new postcard waits for the next run.
    pub async fn reprint_postcard(
        &self,
        run_id: i64,
        postcard_id: i64,
    ) -> Result<PendingPostcard, DeskError> {
        let key = self.fresh_key("reprint");
        Ok(self
            .call(|c, t| {
                let key = key.clone();
                async move { c.reprint_postcard(&t, run_id, postcard_id, &key).await }
            })
            .await?)
    }
}
