//! Operator-facing wire types: auth, member search/detail/timeline, diagnosis, inquiries
//! and cases, identity verification, gated actions, print runs, insurers, audit.
//! Identifiers (記号・番号, e-mail, address) are masked unless a type says otherwise.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Operator role.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Help-desk agent.
    Agent,
    /// Supervisor: audit log, operators.
    Supervisor,
    /// 健康保険組合 staff, bound to one insurer.
    InsurerAdmin,
}

impl Role {
    /// The stored/wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::InsurerAdmin => "insurer_admin",
        }
    }
    /// Parse the stored name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "agent" => Some(Role::Agent),
            "supervisor" => Some(Role::Supervisor),
            "insurer_admin" => Some(Role::InsurerAdmin),
            _ => None,
        }
    }
}

/// ID + password + TOTP.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OperatorLoginRequest {
    /// Operator ID.
    #[schema(min_length = 1, max_length = 100)]
    pub login_id: String,
    /// Password.
    #[schema(min_length = 1, max_length = 200)]
    pub password: String,
    /// Current 6-digit TOTP.
    #[schema(min_length = 1, max_length = 10)]
    pub totp: String,
}

/// Refresh request.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshRequest {
    /// The refresh token (single use; a reused one revokes the login).
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}

/// Who is signed in.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OperatorInfo {
    /// Operator id.
    pub id: i64,
    /// Operator ID.
    pub login_id: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The insurer an insurer admin is bound to.
    pub insurer_id: Option<i64>,
}

/// Tokens after login/refresh.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenPair {
    /// Short-lived bearer token.
    pub access_token: String,
    /// RFC 3339.
    pub access_expires_at: String,
    /// Rotating refresh token.
    pub refresh_token: String,
    /// RFC 3339.
    pub refresh_expires_at: String,
    /// The operator.
    pub operator: OperatorInfo,
}

/// Change an operator's role (supervisors only); revokes their sessions.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoleChangeRequest {
    /// New role.
    pub role: Role,
    /// Required for insurer_admin, forbidden otherwise.
    #[serde(default, deserialize_with = "crate::json::integral_opt")]
    pub insurer_id: Option<i64>,
}

/// Member search; every given field must match. Paginated.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[into_params(parameter_in = Query)]
pub struct MemberSearchQuery {
    /// カナ氏名 (any width/spacing; ≥3 chars = substring, shorter = prefix).
    #[param(max_length = 60)]
    pub kana: Option<String>,
    /// 生年月日 (ISO or 和暦).
    #[param(format = Date)]
    pub birth_date: Option<String>,
    /// 保険者番号.
    #[param(pattern = r"^[0-9]{8}$")]
    pub insurer_number: Option<String>,
    /// 記号.
    #[param(max_length = 20)]
    pub symbol: Option<String>,
    /// 番号 (the last 7 are compared).
    #[param(pattern = r"^[0-9]{1,20}$")]
    pub number: Option<String>,
    /// Login e-mail (case- and width-insensitive).
    #[param(max_length = 254)]
    pub email: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Page size (1–100, default 20).
    pub per_page: Option<i64>,
}

/// A member in a list (masked).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberSummary {
    /// Roster member id.
    pub id: i64,
    /// Insurer id.
    pub insurer_id: i64,
    /// 漢字氏名.
    pub name_kanji: String,
    /// カナ氏名.
    pub name_kana: String,
    /// 生年月日 (ISO).
    pub birth_date: String,
    /// 保険者番号 as on the card.
    pub insurer_number: String,
    /// 記号 (masked).
    pub card_symbol_masked: String,
    /// 番号 (masked).
    pub card_number_masked: String,
    /// `insured` or `dependent`.
    pub relation: String,
    /// Linked account state, if any.
    pub account_state: Option<String>,
    /// Linked login e-mail (masked).
    pub email_masked: Option<String>,
}

/// A page of members.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberPage {
    /// Items.
    pub items: Vec<MemberSummary>,
    /// Total hits.
    pub total: i64,
    /// 1-based page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// One event in a member's history.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineEvent {
    /// RFC 3339.
    pub at: String,
    /// Stable kind: registered, activation_mail, activation_used, eligibility_attempt,
    /// activated, login, checkup_code, reissue, secret_question.
    pub kind: String,
    /// One line for the operator.
    pub summary: String,
    /// Field-level details (differences, expiry, …).
    pub details: Vec<String>,
}

/// The member's account as the desk sees it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountView {
    /// Account id.
    pub id: i64,
    /// State.
    pub state: String,
    /// Masked login e-mail.
    pub email_masked: String,
    /// Locked until (RFC 3339), if locked.
    pub locked_until: Option<String>,
    /// Failed logins since the last success.
    pub failed_logins: i64,
    /// Activated at.
    pub activated_at: Option<String>,
}

/// Member detail.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberDetail {
    /// The summary.
    pub member: MemberSummary,
    /// Union name.
    pub insurer_name: String,
    /// 任意継続.
    pub voluntary_continuation: bool,
    /// 特例退職.
    pub special_retiree: bool,
    /// 資格取得日.
    pub qualified_on: String,
    /// 資格喪失日.
    pub disqualified_on: Option<String>,
    /// Whether the roster row has reached the portal.
    pub synced: bool,
    /// 郵便番号 (masked) and address (masked).
    pub address_masked: String,
    /// The account, if one is linked.
    pub account: Option<AccountView>,
    /// History, oldest first.
    pub timeline: Vec<TimelineEvent>,
}

/// A diagnosed cause with its evidence.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cause {
    /// Stable code: already_verified, roster_name_mismatch, roster_number_mismatch,
    /// insurer_maintenance, service_not_enabled, dependent, voluntary_continuation,
    /// not_yet_synced, number_all_digits, name_width_or_spacing, small_kana,
    /// birth_date_mismatch, activation_link_expired, activation_link_superseded,
    /// login_locked, captcha_escalated, email_mistake, disqualified, no_roster_match.
    pub code: String,
    /// Japanese title for the desk.
    pub title_ja: String,
    /// Evidence lines.
    pub evidence: Vec<String>,
    /// A suggested reply (never contains 記号・番号 or a code).
    pub suggested_reply_ja: String,
}

/// A roster candidate for inquiry data, with why it matched.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Candidate {
    /// The member.
    pub member: MemberSummary,
    /// Higher is better.
    pub score: i64,
    /// Why it matched (fields, folds).
    pub reasons: Vec<String>,
}

/// Diagnosis for a member, or for inquiry data.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Diagnosis {
    /// The member diagnosed (None when nothing matched).
    pub member_id: Option<i64>,
    /// Causes that apply.
    pub causes: Vec<Cause>,
    /// Candidates (for inquiry-data diagnosis).
    pub candidates: Vec<Candidate>,
}

/// Inquiry data to diagnose when no member is known.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiagnoseRequest {
    /// カナ氏名 as given.
    #[schema(min_length = 1, max_length = 60)]
    pub name_kana: String,
    /// 生年月日 (ISO or 和暦).
    #[schema(min_length = 1, max_length = 40)]
    pub birth_date: String,
    /// 健康保険組合名, if given.
    #[serde(default)]
    #[schema(max_length = 254)]
    pub insurer_name: Option<String>,
    /// 保険者番号, if given.
    #[serde(default)]
    #[schema(max_length = 254)]
    pub insurer_number: Option<String>,
    /// E-mail, if given.
    #[serde(default)]
    #[schema(max_length = 254)]
    pub email: Option<String>,
}

/// Query for the inquiry queue.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[into_params(parameter_in = Query)]
pub struct InquiryListQuery {
    /// Filter by status (all when absent).
    pub status: Option<InquiryStatus>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Page size (1–100).
    pub per_page: Option<i64>,
}

/// An inquiry with its normalised fields.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InquiryView {
    /// Id.
    pub id: i64,
    /// RFC 3339.
    pub received_at: String,
    /// As typed.
    pub name_kana: String,
    /// Kana matching key.
    pub name_key: String,
    /// As typed.
    pub email: String,
    /// Likely typing mistakes in the e-mail.
    pub email_issues: Vec<String>,
    /// As typed.
    pub insurer_name: String,
    /// As typed.
    pub birth_date_raw: String,
    /// Parsed (ISO), if parseable.
    pub birth_date: Option<String>,
    /// Type.
    pub inquiry_type: String,
    /// Body.
    pub body: String,
    /// App version.
    pub app_version: String,
    /// Device.
    pub device_name: String,
    /// OS version.
    pub os_version: String,
    /// Smartphone browser.
    pub sp_browser: String,
    /// new / claimed / closed.
    pub status: String,
    /// The case, once claimed.
    pub case_id: Option<i64>,
    /// Who claimed it.
    pub claimed_by: Option<String>,
}

/// A page of inquiries.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InquiryPage {
    /// Items.
    pub items: Vec<InquiryView>,
    /// Total.
    pub total: i64,
    /// Page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// A note.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteView {
    /// Id.
    pub id: i64,
    /// Author.
    pub operator_id: i64,
    /// RFC 3339.
    pub at: String,
    /// Text.
    pub body: String,
}

/// One verification factor.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FactorCheck {
    /// Which item.
    pub factor: Factor,
    /// Whether the caller's answer matched the record.
    pub matched: bool,
}

/// Record an identity verification.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerificationRequest {
    /// The member verified.
    #[serde(deserialize_with = "crate::json::integral")]
    pub member_id: i64,
    /// Factors checked.
    #[schema(min_items = 1, max_items = 9)]
    pub factors: Vec<FactorCheck>,
}

/// A recorded verification.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerificationView {
    /// Id.
    pub id: i64,
    /// Operator.
    pub operator_id: i64,
    /// Member.
    pub member_id: i64,
    /// RFC 3339.
    pub at: String,
    /// Factors.
    pub factors: Vec<FactorCheck>,
    /// Passed: name + birth date + at least one more matched, nothing mismatched.
    pub passed: bool,
    /// Why it did not pass.
    pub reason: Option<String>,
}

/// A reissue as the case shows it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReissueView {
    /// Id.
    pub id: i64,
    /// Member.
    pub member_id: i64,
    /// RFC 3339.
    pub at: String,
    /// Postcard.
    pub postcard_id: i64,
    /// Earliest expected arrival (JST date, ~half a month).
    pub expected_from: String,
    /// Latest expected arrival (JST date, ~one month).
    pub expected_to: String,
    /// The union lets the help desk print this postcard (it is not in a print run): the
    /// desk fetches its data from `…/reissues/{id}/postcard` until it reports it printed.
    pub desk_print: bool,
    /// When the desk reported the postcard printed (RFC 3339); its code is gone then.
    pub printed_at: Option<String>,
}

/// A case.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseView {
    /// Id.
    pub id: i64,
    /// The inquiry.
    pub inquiry: InquiryView,
    /// Claimed by (operator id).
    pub claimed_by: i64,
    /// The member the case is about.
    pub member_id: Option<i64>,
    /// open / waiting / closed.
    pub status: String,
    /// Resolution category when closed.
    pub resolution: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// Notes.
    pub notes: Vec<NoteView>,
    /// Verifications.
    pub verifications: Vec<VerificationView>,
    /// Reissues ordered on this case.
    pub reissues: Vec<ReissueView>,
}

/// Attach a member to a case.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkMemberRequest {
    /// Member id.
    #[serde(deserialize_with = "crate::json::integral")]
    pub member_id: i64,
}

/// Add a note.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteRequest {
    /// Text (1–4000 chars).
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub body: String,
}

/// Declares a string enum with its wire names (snake_case) and `as_str`.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        // rename_all (not per-variant renames) is what utoipa reads for the schema; the
        // literals in `as_str` are the same snake_case names.
        #[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }
        impl $name {
            /// The wire/stored name.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }
    };
}

wire_enum!(
    /// A case's working status (closing has its own endpoint).
    CaseStatus { /// Being worked on.
        Open => "open", /// Waiting for the member or the union.
        Waiting => "waiting" }
);

wire_enum!(
    /// How a case ended.
    Resolution { /// Answered.
        Answered => "answered", /// Checkup code reissued.
        Reissued => "reissued", /// Passed to the union.
        EscalatedToInsurer => "escalated_to_insurer", /// No reply from the member.
        NoResponse => "no_response", /// Duplicate of another case.
        Duplicate => "duplicate", /// Anything else.
        Other => "other" }
);

wire_enum!(
    /// Print run progress marks.
    RunMark { /// Printed.
        Printed => "printed", /// Handed to the post.
        Mailed => "mailed" }
);

wire_enum!(
    /// Identity verification factors.
    Factor { /// カナ氏名.
        NameKana => "name_kana", /// 生年月日.
        BirthDate => "birth_date", /// 健康保険組合名.
        InsurerName => "insurer_name", /// 保険者番号.
        InsurerNumber => "insurer_number", /// 住所.
        Address => "address", /// 郵便番号.
        PostalCode => "postal_code", /// 電話番号.
        Phone => "phone", /// 資格取得日.
        QualifiedOn => "qualified_on", /// ログインメールアドレス.
        Email => "email" }
);

wire_enum!(
    /// Inquiry queue status.
    InquiryStatus { /// Not yet claimed.
        New => "new", /// A case exists.
        Claimed => "claimed", /// Closed.
        Closed => "closed" }
);

/// Change a case's status.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseStatusRequest {
    /// New status.
    pub status: CaseStatus,
}

/// Close a case.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CloseRequest {
    /// Resolution category.
    pub resolution: Resolution,
}

/// The login e-mail, revealed (audited).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevealedEmail {
    /// Exactly as stored.
    pub email: String,
}

/// A new activation mail was queued.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResendView {
    /// Mail id.
    pub mail_id: i64,
    /// RFC 3339.
    pub link_expires_at: String,
}

/// Account after unlock.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnlockView {
    /// Account state.
    pub state: String,
    /// Whether a lock was lifted.
    pub was_locked: bool,
}

/// A postcard waiting for a print run.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PendingPostcard {
    /// Id.
    pub id: i64,
    /// Member.
    pub member_id: i64,
    /// RFC 3339.
    pub created_at: String,
}

/// A print run.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrintRunView {
    /// Id.
    pub id: i64,
    /// Insurer.
    pub insurer_id: i64,
    /// RFC 3339.
    pub created_at: String,
    /// When its data (with codes) was handed out.
    pub fetched_at: Option<String>,
    /// Printed.
    pub printed_at: Option<String>,
    /// Mailed.
    pub mailed_at: Option<String>,
    /// Number of postcards.
    pub postcards: i64,
}

/// Everything a printer needs for one postcard. The only place a code is in clear.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PostcardData {
    /// Postcard id.
    pub postcard_id: i64,
    /// Member.
    pub member_id: i64,
    /// 〒 (7 digits).
    pub postal_code: String,
    /// Address.
    pub address: String,
    /// 漢字氏名 (printed with 様).
    pub name_kanji: String,
    /// 健診閲覧コード in clear.
    pub code: String,
    /// カスタマバーコード: START, 20 data characters, check digit, STOP (names like
    /// `1`, `-`, `CC4`).
    pub barcode: Vec<String>,
    /// Sender: union name.
    pub sender_name: String,
    /// Sender 〒.
    pub sender_postal_code: String,
    /// Sender address.
    pub sender_address: String,
}

/// Postcards of a run.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrintRunData {
    /// The run.
    pub run: PrintRunView,
    /// Postcards.
    pub postcards: Vec<PostcardData>,
}

/// Mark a run.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MarkRunRequest {
    /// Mark.
    pub state: RunMark,
}

/// Insurer number with its kind.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InsurerNumber {
    /// 8 digits.
    pub number: String,
    /// primary / special_retiree.
    pub kind: String,
}

/// A maintenance window.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MaintenanceView {
    /// Id.
    pub id: i64,
    /// RFC 3339.
    pub starts_at: String,
    /// RFC 3339.
    pub ends_at: String,
    /// Note.
    pub note: String,
}

/// A whitelisted IP.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WhitelistView {
    /// Id.
    pub id: i64,
    /// IP address, or network in CIDR notation.
    pub ip: String,
}

/// An insurer.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InsurerView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Numbers.
    pub numbers: Vec<InsurerNumber>,
    /// KenCoM enabled.
    pub service_enabled: bool,
    /// The help desk prints reissue postcards right after the call (else: print runs).
    pub desk_prints_postcards: bool,
    /// In maintenance now.
    pub in_maintenance: bool,
    /// Windows.
    pub maintenance: Vec<MaintenanceView>,
    /// Whitelisted IPs.
    pub whitelist: Vec<WhitelistView>,
}

/// Add a maintenance window.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MaintenanceRequest {
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// RFC 3339, after `starts_at`.
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// Note (≤ 200 chars).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// Where a union's reissue postcards are printed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PostcardPrintingRequest {
    /// true: the help desk prints them right after the call; false: the union's print runs.
    pub desk_prints_postcards: bool,
}

/// Whitelist an IP address or network.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WhitelistRequest {
    /// IPv4 or IPv6 address, or a CIDR network (`192.0.2.0/24`, `2001:db8::/32`). The
    /// pattern only bounds the characters; the server parses it (422 `invalid_ip` with a
    /// Japanese message) and stores the network address (`192.0.2.7/24` → `192.0.2.0/24`).
    #[schema(pattern = r"^[0-9A-Fa-f:.]{2,45}(/[0-9]{1,3})?$")]
    pub ip: String,
}

/// Audit query.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[into_params(parameter_in = Query)]
pub struct AuditQueryParams {
    /// Operator.
    pub operator_id: Option<i64>,
    /// Member.
    pub member_id: Option<i64>,
    /// Action.
    pub action: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Page size (1–100).
    pub per_page: Option<i64>,
}

/// One audit entry.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    /// Sequence.
    pub seq: i64,
    /// RFC 3339.
    pub at: String,
    /// Operator (None for member/system actions).
    pub operator_id: Option<i64>,
    /// Action.
    pub action: String,
    /// Member.
    pub member_id: Option<i64>,
    /// Case.
    pub case_id: Option<i64>,
    /// Detail (no secrets).
    pub detail: String,
    /// Chain hash.
    pub hash: String,
}

/// A page of audit entries.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditPage {
    /// Items.
    pub items: Vec<AuditEntry>,
    /// Total.
    pub total: i64,
    /// Page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// Chain verification result.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditVerification {
    /// True when every entry's hash and link hold.
    pub ok: bool,
    /// Entries checked.
    pub checked: i64,
    /// First entry that fails, if any.
    pub first_bad_seq: Option<i64>,
}
