//! The case view: the inquiry's fields checked by the desk's rules, candidate members with
//! why they matched, the linked member's timeline and diagnosis, the verification state
//! that unlocks gated actions, and the actions still waiting in the outbox.
use crate::desk::Desk;
use crate::error::DeskError;
use crate::views::{CaseDetail, InquiryChecks, PendingAction};
use kencom_api::operator::{CaseView, DiagnoseRequest, InquiryView, VerificationView};
use kencom_domain::business_hours::format_business_age;
use kencom_store::{CachedKind, OutboxAction};

/// How long a passed verification unlocks gated actions. The server enforces its own
/// window (30 minutes by default); the desk only uses this to grey out buttons.
const VERIFICATION_WINDOW_MINUTES: i64 = 30;

/// The desk's own checks of the inquiry as typed.
pub fn check_inquiry(inquiry: &InquiryView) -> InquiryChecks {
    let key = kencom_domain::name_key(&inquiry.name_kana);
    let (birth_date, birth_date_error) = match kencom_domain::parse_date(&inquiry.birth_date_raw) {
        Ok(d) => (Some(kencom_domain::format_both(d)), None),
        Err(e) => (None, Some(e.to_string())),
    };
    InquiryChecks {
        name_folds: key.folds.iter().map(|f| f.label_ja().to_owned()).collect(),
        name_key: key.key,
        name_is_katakana: kencom_domain::is_katakana_name(&inquiry.name_kana),
        birth_date,
        birth_date_error,
        email_issues: kencom_domain::check_email(&inquiry.email)
            .iter()
            .map(|i| i.to_string())
            .collect(),
    }
}

pub(crate) fn pending_view(a: &OutboxAction) -> PendingAction {
    PendingAction {
        seq: a.seq,
        label: crate::actions::label(&a.kind).to_owned(),
        kind: a.kind.clone(),
        case_id: a.case_id.as_deref().and_then(|c| c.parse().ok()),
        state: match a.state {
            kencom_store::ActionState::Pending => "pending",
            kencom_store::ActionState::InFlight => "in_flight",
            kencom_store::ActionState::Done => "done",
            kencom_store::ActionState::Rejected => "rejected",
        }
        .into(),
        attempts: a.attempts,
        last_error: a.last_error_message.clone(),
    }
}

impl Desk {
    /// Everything the case screen shows. Reads the case from the server when online and
    /// falls back to the cached copy (with its waiting actions) when not.
    pub async fn open_case(&self, case_id: i64) -> Result<CaseDetail, DeskError> {
        let fetched = self
            .call(|c, t| async move { c.case(&t, case_id).await })
            .await;
        let case: CaseView = match fetched {
            Ok(case) => {
                let now = self.now_ms();
                if let Some(cache) = self.lock().cache.as_mut() {
                    cache.put(CachedKind::Case, &case_id.to_string(), &case, now)?;
                }
                case
            }
            Err(e) => {
                let err: DeskError = e.into();
                let cached = self.lock().cache.as_ref().and_then(|c| {
                    c.get::<CaseView>(CachedKind::Case, &case_id.to_string())
                        .ok()
                        .flatten()
                });
                match cached {
                    Some(c) if err.retryable => c,
                    _ => return Err(err),
                }
            }
        };

        let checks = check_inquiry(&case.inquiry);
        let (member, member_diagnosis, inquiry_diagnosis) = match case.member_id {
            Some(m) => {
                let detail = self
                    .call(|c, t| async move { c.member(&t, m).await })
                    .await
                    .ok();
                let diag = self
                    .call(|c, t| async move { c.member_diagnosis(&t, m).await })
                    .await
                    .ok();
                (detail, diag, None)
            }
            None => {
                let req = DiagnoseRequest {
                    name_kana: case.inquiry.name_kana.clone(),
                    birth_date: case.inquiry.birth_date_raw.clone(),
                    insurer_name: Some(case.inquiry.insurer_name.clone()).filter(|s| !s.is_empty()),
                    insurer_number: None,
                    email: Some(case.inquiry.email.clone()).filter(|s| !s.is_empty()),
                };
                let diag = self
                    .call(|c, t| {
                        let req = req.clone();
                        async move { c.diagnose(&t, &req).await }
                    })
                    .await
                    .ok();
                (None, None, diag)
            }
        };

        let (me, pending) = {
            let inner = self.lock();
            let me = inner.session.as_ref().map(|s| s.operator.id);
            let pending = inner
                .cache
                .as_ref()
                .map(|c| c.actions_for_case(&case_id.to_string()))
                .transpose()?
                .unwrap_or_default();
            (me, pending)
        };
        let latest_verification: Option<VerificationView> = case
            .verifications
            .iter()
            .filter(|v| Some(v.operator_id) == me && Some(v.member_id) == case.member_id)
            .max_by(|a, b| a.at.cmp(&b.at))
            .cloned();
        let now = self.host.now();
        let actions_unlocked = latest_verification.as_ref().is_some_and(|v| {
            v.passed
                && chrono::DateTime::parse_from_rfc3339(&v.at).is_ok_and(|at| {
                    now.signed_duration_since(at).num_minutes() < VERIFICATION_WINDOW_MINUTES
                })
        });
        let received = chrono::DateTime::parse_from_rfc3339(&case.inquiry.received_at)
            .map(|d| d.with_timezone(&chrono::Utc))
            .unwrap_or(now);
        Ok(CaseDetail {
            business_age: format_business_age(self.calendar.business_duration(received, now)),
            checks,
            inquiry_diagnosis,
            member,
            member_diagnosis,
            latest_verification,
            actions_unlocked,
            pending: pending
                .iter()
                .filter(|a| a.state != kencom_store::ActionState::Done)
                .map(pending_view)
                .collect(),
            case,
        })
    }

    /// The operator's open cases from the cache (most recent first), for offline work.
    pub fn cached_cases(&self) -> Result<Vec<CaseView>, DeskError> {
        let inner = self.lock();
        match inner.cache.as_ref() {
            Some(c) => Ok(c
                .list::<CaseView>(CachedKind::Case)?
                .into_iter()
                .filter(|c| c.status != "closed")
                .collect()),
            None => Ok(Vec::new()),
        }
    }
}
