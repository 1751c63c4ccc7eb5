//! The desk's own IPC view types: what a screen needs in one call, composed from the
//! central API's contract types (which are exported to TypeScript as they are).
use kencom_api::operator::{
    CaseView, Diagnosis, InquiryView, MemberDetail, OperatorInfo, VerificationView,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Sign-in form input.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInInput {
    /// Base URL of the central server.
    pub central_url: String,
    /// Operator ID.
    pub login_id: String,
    /// Password.
    pub password: String,
    /// The 6-digit one-time password.
    pub totp: String,
}

/// Who is signed in, as the shell and status bar show it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// The operator, when signed in.
    pub operator: Option<OperatorInfo>,
    /// The central server the desk talks to.
    pub central_url: Option<String>,
    /// Why a stored session could not be resumed (Japanese), if that happened.
    pub notice: Option<String>,
}

/// An inquiry in the queue with its age in business time.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueueItem {
    /// The inquiry, normalised by the server.
    pub inquiry: InquiryView,
    /// Age counted in desk hours (weekdays 10–18 JST, no holidays), in minutes.
    pub business_age_minutes: i64,
    /// The same as text, e.g. "3時間20分".
    pub business_age: String,
    /// Whether it was claimed by the signed-in operator.
    pub mine: bool,
}

/// One page of the queue.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueuePage {
    /// Items, oldest first.
    pub items: Vec<QueueItem>,
    /// Total matching inquiries.
    pub total: i64,
    /// 1-based page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Whether the desk is open right now.
    pub desk_open: bool,
}

/// The inquiry's fields checked by the desk's own rules (kana key, 和暦 → 西暦, e-mail).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InquiryChecks {
    /// The matching key of the name as typed.
    pub name_key: String,
    /// Folds that were needed to build the key (e.g. "小書き差異").
    pub name_folds: Vec<String>,
    /// Whether the name is valid full-width katakana as the form asks.
    pub name_is_katakana: bool,
    /// Birth date in 西暦 and 和暦, when it parses.
    pub birth_date: Option<String>,
    /// Why the birth date does not parse.
    pub birth_date_error: Option<String>,
    /// Likely mistakes in the e-mail address (Japanese).
    pub email_issues: Vec<String>,
}

/// A queued action as the case view and status bar show it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingAction {
    /// Local sequence number (to retry or discard).
    pub seq: i64,
    /// Kind, e.g. `add_note`.
    pub kind: String,
    /// Japanese label of the kind.
    pub label: String,
    /// The case it belongs to.
    pub case_id: Option<i64>,
    /// `pending`, `in_flight` or `rejected`.
    pub state: String,
    /// Attempts so far.
    pub attempts: u32,
    /// Why it failed last (Japanese).
    pub last_error: Option<String>,
}

/// Everything the case screen shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetail {
    /// The case as the server knows it.
    pub case: CaseView,
    /// The desk's checks of the inquiry fields.
    pub checks: InquiryChecks,
    /// Candidates and causes for the inquiry data (before a member is linked).
    pub inquiry_diagnosis: Option<Diagnosis>,
    /// The linked member with timeline.
    pub member: Option<MemberDetail>,
    /// Causes that apply to the linked member.
    pub member_diagnosis: Option<Diagnosis>,
    /// The newest verification on this case by this operator.
    pub latest_verification: Option<VerificationView>,
    /// Whether the gated actions are unlocked (the server checks again).
    pub actions_unlocked: bool,
    /// Actions of this case not yet confirmed by the server.
    pub pending: Vec<PendingAction>,
    /// Age in business time.
    pub business_age: String,
}

/// A factor the caller answered, for the verification checklist.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FactorInput {
    /// Which item was asked.
    pub factor: kencom_api::operator::Factor,
    /// Whether the caller's answer matched the record.
    pub matched: bool,
}

/// What the status bar shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeskStatus {
    /// Signed-in operator.
    pub operator: Option<OperatorInfo>,
    /// Whether the last contact with the central server worked.
    pub online: bool,
    /// Actions waiting to be sent.
    pub waiting: u32,
    /// Actions the server refused.
    pub rejected: Vec<PendingAction>,
}

/// The result of a gated action run right away.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActionOutcome {
    /// Whether the server confirmed it now (false: queued, waiting for the network).
    pub sent: bool,
    /// A Japanese sentence for the operator.
    pub message: String,
    /// The refreshed case.
    pub case: CaseDetail,
}

/// Verification checklist input.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VerificationInput {
    /// The member the caller claims to be.
    pub member_id: i64,
    /// Factors checked, with the result of each.
    pub factors: Vec<FactorInput>,
}

/// The operator's cached open cases (offline list).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CaseList {
    /// Cases, most recently touched first.
    pub cases: Vec<CaseView>,
}

/// The postcard of a desk-printed reissue, for the preview.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PostcardPreview {
    /// 宛名面 as an SVG document (100 × 148 mm).
    pub address_svg: String,
    /// 通信面 (with the code) as an SVG document.
    pub inner_svg: String,
    /// The addressee, for the dialog's title.
    pub member_name: String,
    /// Where to save it unless the operator chooses otherwise (documents folder).
    pub suggested_path: String,
}

/// A postcard PDF the desk wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedPostcard {
    /// Where it is.
    pub path: String,
    /// Pages (2: address side and inner side).
    pub pages: i64,
    /// Size in bytes.
    pub bytes: i64,
}

/// はがき印刷: the union's waiting postcards and its runs.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrintOverview {
    /// Postcards waiting for a run.
    pub pending: Vec<kencom_api::operator::PendingPostcard>,
    /// Runs, newest first.
    pub runs: Vec<kencom_api::operator::PrintRunView>,
    /// Folder to suggest for saving the run's PDF.
    pub save_dir: String,
}

/// One card of a saved run, as the admin sees it (never the code).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunCard {
    /// Postcard id (for a reprint).
    pub postcard_id: i64,
    /// Addressee.
    pub member_name: String,
    /// 〒, the run's sort order.
    pub postal_code: String,
}

/// A print run's PDF as written.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedRun {
    /// Where it is.
    pub path: String,
    /// The cards in print order (postal code).
    pub cards: Vec<RunCard>,
    /// Pages (two per card).
    pub pages: i64,
    /// Size in bytes.
    pub bytes: i64,
    /// Cards left out for invalid data, with the reason (Japanese).
    pub skipped: Vec<String>,
}

/// A maintenance window as typed on 組合設定 (Japan time, `YYYY-MM-DDTHH:MM`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceInput {
    /// Start (JST).
    pub starts_at: String,
    /// End (JST), after the start.
    pub ends_at: String,
    /// Note shown to support staff (≤ 200 characters).
    pub note: String,
}
