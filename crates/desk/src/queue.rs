//! 問い合わせ: the inquiry queue with each inquiry's age in desk hours, and claiming one
//! (which makes it a case). Claiming needs the server's answer (it assigns the case), so
//! it is online-only; everything done on the case afterwards can wait in the outbox.
use crate::desk::Desk;
use crate::error::DeskError;
use crate::views::{QueueItem, QueuePage};
use kencom_api::operator::{CaseView, InquiryListQuery};
use kencom_domain::business_hours::format_business_age;
use kencom_store::CachedKind;

impl Desk {
    /// A page of the queue (`status`: new / claimed / closed / all).
    pub async fn inquiries(
        &self,
        status: Option<String>,
        page: i64,
    ) -> Result<QueuePage, DeskError> {
        let status = match status.as_deref() {
            None | Some("all") | Some("") => None,
            Some(s) => Some(serde_json::from_value(serde_json::json!(s)).map_err(|_| {
                DeskError::invalid("status", "表示する問い合わせの状態が正しくありません。")
            })?),
        };
        let q = InquiryListQuery {
            status,
            page: Some(page.max(1)),
            per_page: Some(50),
        };
        let result = self
            .call(|c, t| {
                let q = q.clone();
                async move { c.inquiries(&t, &q).await }
            })
            .await;
        let page = match result {
            Ok(p) => {
                let now = self.now_ms();
                if let Some(cache) = self.lock().cache.as_mut() {
                    // The last page seen stays readable offline.
                    let _ = cache.put(CachedKind::QueuePage, &cache_key(&q), &p, now);
                }
                p
            }
            Err(e) => {
                let err: DeskError = e.into();
                if err.retryable {
                    if let Some(p) = self.lock().cache.as_ref().and_then(|c| {
                        c.get::<kencom_api::operator::InquiryPage>(
                            CachedKind::QueuePage,
                            &cache_key(&q),
                        )
                        .ok()
                        .flatten()
                    }) {
                        p
                    } else {
                        return Err(err);
                    }
                } else {
                    return Err(err);
                }
            }
        };
        let now = self.host.now();
        let me = self
            .lock()
            .session
            .as_ref()
            .map(|s| s.operator.display_name.clone());
        let items = page
            .items
            .into_iter()
            .map(|inquiry| {
                let received = chrono::DateTime::parse_from_rfc3339(&inquiry.received_at)
                    .map(|d| d.with_timezone(&chrono::Utc))
                    .unwrap_or(now);
                let age = self.calendar.business_duration(received, now);
                QueueItem {
                    mine: me.is_some() && inquiry.claimed_by == me,
                    business_age_minutes: age.num_minutes(),
                    business_age: format_business_age(age),
                    inquiry,
                }
            })
            .collect();
        Ok(QueuePage {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            desk_open: self.calendar.is_open(now),
        })
    }

    /// Claim an inquiry; returns the new case's id.
    pub async fn claim_inquiry(&self, inquiry_id: i64) -> Result<i64, DeskError> {
        // One key per claim attempt: a retry after a lost response gets the same case.
        let key = format!("claim-{inquiry_id}-{}", self.device_id()?);
        let case: CaseView = self
            .call(|c, t| {
                let key = key.clone();
                async move { c.claim(&t, inquiry_id, &key).await }
            })
            .await?;
        let now = self.now_ms();
        if let Some(cache) = self.lock().cache.as_mut() {
            cache.put(CachedKind::Case, &case.id.to_string(), &case, now)?;
        }
        Ok(case.id)
    }

    /// This desk's device id (its cache's): part of claim keys, and sent as `X-Device-Id`
    /// with every outbox replay.
    pub fn device_id(&self) -> Result<String, DeskError> {
        match self.lock().cache.as_mut() {
            Some(c) => Ok(c.device_id()?),
            None => Err(DeskError::internal(
                "ローカルキャッシュが開かれていません。サインインし直してください。",
            )),
        }
    }
}

fn cache_key(q: &InquiryListQuery) -> String {
    format!(
        "{}:{}",
        q.status.map_or("all", |s| s.as_str()),
        q.page.unwrap_or(1)
    )
}
