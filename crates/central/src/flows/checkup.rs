//! First view of checkup results: 健診閲覧コード + 生年月日 → カナ氏名 to confirm →
//! 秘密の質問 (preset or own; answer case-sensitive, stored hashed) → done. Codes are
//! looked up by keyed hash; a revoked code (after a reissue) no longer works.

use kencom_api::portal::{
    CheckupVerifyRequest, CheckupVerifyResponse, SecretQuestionRequest, SecretQuestionResponse,
};

use crate::audit::{self, AuditEvent};
use crate::clock::Millis;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::secrets::{code_hash, random_token, token_hash};
use crate::store::checkup::SecretQuestionRow;
use crate::store::{Scope, Tx};

/// Codes are printed in groups ("ABCD-EFGH-JKLM"); members type them any way.
pub fn normalise_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn wrong() -> ApiError {
    ApiError::with_status(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "checkup_code_invalid",
        "健診閲覧コードまたは生年月日が正しくありません",
    )
}

/// Step 1: check the code and birth date; returns the name to confirm.
pub fn verify(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    account_id: i64,
    req: &CheckupVerifyRequest,
) -> ApiResult<CheckupVerifyResponse> {
    crate::flows::check_len("code", &req.code, 1, 40)?;
    let birth = crate::flows::parse_birth_date("birth_date", &req.birth_date)?;
    let account = tx
        .get_account(account_id)?
        .ok_or_else(|| ApiError::unauthorized("invalid_token", "account gone"))?;
    let member_id = account.roster_member_id.ok_or_else(|| {
        ApiError::conflict("registration_incomplete", "会員登録が完了していません")
    })?;
    let code = tx.code_by_hash(&code_hash(&cfg.code_pepper, &normalise_code(&req.code)))?;
    let code = match code {
        Some(c) if c.roster_member_id == member_id && c.revoked_at.is_none() => c,
        _ => return Err(wrong()),
    };
    let m = tx
        .get_member(&Scope::All, member_id)?
        .ok_or_else(|| ApiError::internal("member gone"))?;
    if m.birth_date != birth {
        return Err(wrong());
    }
    let token = random_token();
    tx.insert_checkup_verification(
        &token_hash(&token),
        account_id,
        code.id,
        now,
        now + 30 * 60_000,
    )?;
    Ok(CheckupVerifyResponse {
        name_kana: m.name_kana,
        verification_token: token,
    })
}

/// Steps 2–3: set the secret question (answer hashed by the caller) and consume the code.
pub fn set_question(
    tx: &mut dyn Tx,
    now: Millis,
    account_id: i64,
    req: &SecretQuestionRequest,
    answer_hash: &str,
) -> ApiResult<SecretQuestionResponse> {
    let (owner, code_id) = tx
        .take_checkup_verification(&token_hash(&req.verification_token), now)?
        .ok_or_else(|| {
            ApiError::invalid(
                "verification_expired",
                "verification_token",
                "もう一度健診閲覧コードを入力してください",
            )
        })?;
    if owner != account_id {
        return Err(ApiError::invalid(
            "verification_expired",
            "verification_token",
            "もう一度健診閲覧コードを入力してください",
        ));
    }
    tx.upsert_secret_question(&SecretQuestionRow {
        account_id,
        question: req.question.trim().to_string(),
        custom: req.custom,
        answer_hash: answer_hash.to_string(),
        set_at: now,
    })?;
    tx.use_code(code_id, now)?;
    let member = tx.get_account(account_id)?.and_then(|a| a.roster_member_id);
    let mut ev =
        AuditEvent::system("member.secret_question_set").detail(format!("account {account_id}"));
    if let Some(m) = member.and_then(|id| tx.get_member(&Scope::All, id).ok().flatten()) {
        ev = ev.member(m.id, m.insurer_id);
    }
    audit::append(tx, now, ev)?;
    Ok(SecretQuestionResponse { done: true })
}

/// Validate the question/answer before hashing.
pub fn validate_question(req: &SecretQuestionRequest) -> ApiResult<()> {
    crate::flows::check_len("question", req.question.trim(), 1, 100)?;
    crate::flows::check_len("answer", &req.answer, 1, 64)?;
    crate::flows::check_len("verification_token", &req.verification_token, 1, 200)
}
