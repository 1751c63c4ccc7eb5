//! Member-facing wire types: the seed's registration (4 steps), login with CAPTCHA,
//! checkup-code entry + secret question, and the inquiry form.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// STEP1: e-mail (= login ID) + password + optional invitation code + consent to
/// 会員規約 and 個人情報の取り扱い.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegisterRequest {
    /// Login ID, stored exactly as typed (case-sensitive).
    #[schema(
        pattern = r"^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
        max_length = 254
    )]
    pub email: String,
    /// 英数字 6–20 characters.
    #[schema(pattern = r"^[A-Za-z0-9]{6,20}$")]
    pub password: String,
    /// 招待コード (optional).
    #[serde(default)]
    #[schema(max_length = 32)]
    pub invitation_code: Option<String>,
    /// Consent to [1] KenCoM会員規約.
    #[schema(schema_with = crate::json::must_be_true)]
    pub consent_terms: bool,
    /// Consent to [2] 個人情報の取り扱いについて.
    #[schema(schema_with = crate::json::must_be_true)]
    pub consent_privacy: bool,
}

/// STEP2 screen data: the 仮登録 mail was queued.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegisterResponse {
    /// Account state (`provisional`).
    pub state: String,
    /// When the activation link stops working (24 h after sending).
    pub link_expires_at: String,
}

/// 仮登録メールの再送信.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResendRequest {
    /// The login ID registered in STEP1.
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
}

/// The activation link was opened: a registration session continues to STEP3.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivateResponse {
    /// Bearer token for STEP3/4.
    pub registration_token: String,
    /// Account state (`email_confirmed`).
    pub state: String,
}

/// STEP3: 健保資格確認 with the insurance card.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EligibilityRequest {
    /// 記号 (may be empty on some cards, may hold kanji).
    pub symbol: String,
    /// 番号: 8+ digits → the last 7; leading zeros as printed.
    pub number: String,
    /// 保険者番号 (8 digits).
    pub insurer_number: String,
    /// 氏名（フルネーム・全角カナ）.
    pub name_kana: String,
    /// 生年月日: `1989-01-01`, or 和暦 (`S35.1.1`, `昭和35年1月1日`).
    pub birth_date: String,
}

/// STEP4 confirmation screen.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EligibilityResponse {
    /// カナ氏名 as the roster holds it.
    pub name_kana: String,
    /// 生年月日 (ISO).
    pub birth_date: String,
    /// 健康保険組合 name.
    pub insurer_name: String,
}

/// Registration outcome after 登録を完了する.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConfirmResponse {
    /// `active`.
    pub state: String,
}

/// Ask for a CAPTCHA challenge; giving the e-mail lets the level reflect that account's
/// failures too.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaptchaRequest {
    /// The login ID about to be used (optional).
    #[serde(default)]
    #[schema(max_length = 254)]
    pub email: Option<String>,
}

/// A CAPTCHA challenge (no image: the level and a text prompt stand in for it).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaptchaChallenge {
    /// Pass back with the login.
    pub challenge_id: String,
    /// 0 = none needed, 1 = normal, 2 = harder (after failures / traffic).
    pub level: i64,
    /// What to solve.
    pub prompt: String,
}

/// Client kind: CAPTCHA applies to PC/smartphone browsers only; apps are exempt.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    /// PC or smartphone browser.
    Browser,
    /// The KenCoM app.
    App,
}

/// Member login.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberLoginRequest {
    /// Login ID (case-sensitive).
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    /// Password.
    #[schema(min_length = 1, max_length = 100)]
    pub password: String,
    /// Browser or app.
    pub client: ClientKind,
    /// Challenge from `POST /portal/captcha`.
    #[serde(default)]
    pub captcha_id: Option<String>,
    /// Its answer.
    #[serde(default)]
    pub captcha_answer: Option<String>,
}

/// A member session.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberLoginResponse {
    /// Bearer token.
    pub session_token: String,
}

/// 健診閲覧コード + 生年月日 (first view of checkup results).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckupVerifyRequest {
    /// The code printed on the postcard.
    #[schema(min_length = 1, max_length = 40)]
    pub code: String,
    /// 生年月日 (ISO or 和暦).
    pub birth_date: String,
}

/// The カナ氏名 to confirm, and a token for the secret-question step.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckupVerifyResponse {
    /// カナ氏名 to confirm.
    pub name_kana: String,
    /// Single-use token for `POST /portal/checkup/secret-question`.
    pub verification_token: String,
}

/// 秘密の質問の設定.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SecretQuestionRequest {
    /// From the verify step.
    #[schema(min_length = 1, max_length = 200)]
    pub verification_token: String,
    /// The question text (a preset one or the member's own).
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub question: String,
    /// 自分で質問を設定する（推奨）.
    pub custom: bool,
    /// Answer (case-sensitive; stored hashed).
    #[schema(min_length = 1, max_length = 64)]
    pub answer: String,
}

/// Secret question set; results may be viewed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SecretQuestionResponse {
    /// Always true on success.
    pub done: bool,
}

/// お問い合わせの種類.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InquiryType {
    /// 新規登録について (incl. 照会エラー).
    Registration,
    /// ログインID・パスワードについて.
    Login,
    /// 健診閲覧コード（旧パスコード）.
    CheckupCode,
    /// アプリについて.
    App,
    /// その他.
    Other,
}

/// The inquiry form, every field of the seed's form.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InquiryRequest {
    /// 氏名（全角カナ）.
    #[schema(min_length = 1, max_length = 60, pattern = r"\S")]
    pub name_kana: String,
    /// メールアドレス, kept as typed (mistakes such as a full-width ＠ are flagged for
    /// the desk, not refused).
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
    /// メールアドレス（確認用）: must equal `email`.
    #[schema(min_length = 3, max_length = 254)]
    pub email_confirm: String,
    /// 健康保険組合名.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub insurer_name: String,
    /// 生年月日 (ISO or 和暦).
    #[schema(format = Date)]
    pub birth_date: String,
    /// お問い合わせの種類.
    pub inquiry_type: InquiryType,
    /// お問い合わせ内容.
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub body: String,
    /// お困りの事象が発生したKenCoMアプリのバージョン.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub app_version: String,
    /// お困りの事象が発生した端末名.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub device_name: String,
    /// お困りの事象が発生した端末のOSバージョン.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub os_version: String,
    /// スマートフォンでご利用のブラウザ.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub sp_browser: String,
    /// 個人情報の取り扱いについて同意する.
    #[schema(schema_with = crate::json::must_be_true)]
    pub consent: bool,
}

/// The inquiry was received.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InquiryReceived {
    /// Inquiry id.
    pub inquiry_id: i64,
    /// Received at (RFC 3339).
    pub received_at: String,
}
