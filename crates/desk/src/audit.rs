//! 監査ログ for supervisors: pages of the server's hash-chained audit log (who read or
//! changed which member's data, when) with filters, and a check of the whole chain. The
//! log's details never contain personal data (the server writes ids and codes only).
use crate::desk::Desk;
use crate::error::DeskError;
use kencom_api::operator::{AuditPage, AuditQueryParams, AuditVerification};

impl Desk {
    /// One page of the audit log, newest first, filtered by operator, member or action.
    pub async fn audit_page(&self, query: AuditQueryParams) -> Result<AuditPage, DeskError> {
        if query.per_page.is_some_and(|n| !(1..=100).contains(&n)) {
            return Err(DeskError::invalid(
                "perPage",
                "1ページの件数は1〜100で指定してください。",
            ));
        }
        if query
            .action
            .as_deref()
            .is_some_and(|a| a.chars().count() > 100)
        {
            return Err(DeskError::invalid(
                "action",
                "操作名は100文字以内で入力してください。",
            ));
        }
        Ok(self
            .call(|c, t| {
                let q = query.clone();
                async move { c.audit(&t, &q).await }
            })
            .await?)
    }

    /// Check every entry's hash and link.
    pub async fn verify_audit(&self) -> Result<AuditVerification, DeskError> {
        Ok(self
            .call(|c, t| async move { c.verify_audit(&t).await })
            .await?)
    }
}
