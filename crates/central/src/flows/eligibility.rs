//! STEP3–4: 健保資格確認 and confirmation, with every rule of DOMAIN §1:
//! the 番号 is compared as typed against the roster's last-7 key (typing all 8+ digits
//! fails, as on the real portal — the desk then diagnoses it); the union must have the
//! service and not be in maintenance; the roster row must have reached the portal; only
//! 被保険者, not dependents, not 任意継続, not after 資格喪失; once per person (a row
//! already linked to another account fails). 特例退職 members may use the card from before
//! or after retirement (any of the union's insurer numbers).
//!
//! Every attempt is recorded with raw and normalised inputs and the failure reason. The
//! member sees one generic error (the reasons would let anyone probe the roster); the desk
//! sees the reason and the field-level differences.

use kencom_api::portal::{ConfirmResponse, EligibilityRequest, EligibilityResponse};
use kencom_domain::{compare_names, CardNumber, CardSymbol, InsurerNumber, NameMatch};
use serde_json::json;

use crate::audit::{self, AuditEvent};
use crate::clock::{jst_date, Millis};
use crate::error::{ApiError, ApiResult};
use crate::store::accounts::AttemptRow;
use crate::store::roster::RosterRow;
use crate::store::Tx;

/// Why an attempt failed (stored as `outcome`).
pub mod reason {
    pub const INVALID_INPUT: &str = "invalid_input";
    pub const UNKNOWN_INSURER: &str = "unknown_insurer";
    pub const SERVICE_NOT_ENABLED: &str = "service_not_enabled";
    pub const MAINTENANCE: &str = "insurer_maintenance";
    pub const NUMBER_ALL_DIGITS: &str = "number_all_digits";
    pub const CARD_NOT_FOUND: &str = "card_not_found";
    pub const NOT_SYNCED: &str = "not_yet_synced";
    pub const SYMBOL_MISMATCH: &str = "symbol_mismatch";
    pub const NAME_MISMATCH: &str = "name_mismatch";
    pub const BIRTH_DATE_MISMATCH: &str = "birth_date_mismatch";
    pub const DEPENDENT: &str = "dependent";
    pub const VOLUNTARY: &str = "voluntary_continuation";
    pub const DISQUALIFIED: &str = "disqualified";
    pub const ALREADY_VERIFIED: &str = "already_verified";
    pub const OK: &str = "ok";
}

struct Normalised {
    symbol: String,
    number: String,
    insurer_number: String,
    name: String,
    name_key: String,
    birth_date: Option<String>,
}

fn normalise(req: &EligibilityRequest) -> (Normalised, Option<ApiError>) {
    let mut err = None;
    let mut fail = |e: ApiError| {
        if err.is_none() {
            err = Some(e);
        }
    };
    let symbol = CardSymbol::parse(&req.symbol)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|e| {
            fail(ApiError::invalid("invalid_symbol", "symbol", e.to_string()));
            req.symbol.trim().to_string()
        });
    let number = CardNumber::parse(&req.number)
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|e| {
            fail(ApiError::invalid("invalid_number", "number", e.to_string()));
            req.number.trim().to_string()
        });
    let insurer_number = InsurerNumber::parse(&req.insurer_number)
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|e| {
            fail(ApiError::invalid(
                "invalid_insurer_number",
                "insurer_number",
                e.to_string(),
            ));
            req.insurer_number.trim().to_string()
        });
    let name = req.name_kana.trim().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        fail(ApiError::invalid(
            "invalid_name",
            "name_kana",
            "氏名（全角カナ）を入力してください",
        ));
    }
    let birth_date = match crate::flows::parse_birth_date("birth_date", &req.birth_date) {
        Ok(d) => Some(d),
        Err(e) => {
            fail(e);
            None
        }
    };
    let name_key = kencom_domain::name_key(&name).key;
    (
        Normalised {
            symbol,
            number,
            insurer_number,
            name,
            name_key,
            birth_date,
        },
        err,
    )
}

/// The generic answer the member sees for every failed check.
fn failed() -> ApiError {
    ApiError::with_status(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "eligibility_failed",
        "照会エラー: 入力内容をご確認ください。入力が正しいにも関わらずエラーになる場合はお問い合わせください。",
    )
}

/// Run the check. Outer Err rolls back; `Ok(Err(_))` commits the recorded attempt and
/// still answers with an error.
pub fn check(
    tx: &mut dyn Tx,
    now: Millis,
    account_id: i64,
    req: &EligibilityRequest,
) -> ApiResult<Result<EligibilityResponse, ApiError>> {
    let account = tx
        .get_account(account_id)?
        .ok_or_else(|| ApiError::unauthorized("invalid_token", "account gone"))?;
    if account.state == "active" {
        return Ok(Err(ApiError::conflict(
            "already_active",
            "登録は完了しています",
        )));
    }
    if account.state == "provisional" {
        return Ok(Err(ApiError::conflict(
            "email_not_confirmed",
            "仮登録メールのリンクを開いてください",
        )));
    }
    let (n, invalid) = normalise(req);
    let mut attempt = AttemptRow {
        id: 0,
        account_id,
        at: now,
        raw_symbol: req.symbol.chars().take(40).collect(),
        raw_number: req.number.chars().take(40).collect(),
        raw_insurer_number: req.insurer_number.chars().take(40).collect(),
        raw_name: req.name_kana.chars().take(80).collect(),
        raw_birth_date: req.birth_date.chars().take(40).collect(),
        number_key: n.number.clone(),
        insurer_number: n.insurer_number.clone(),
        name_key: n.name_key.clone(),
        birth_date: n.birth_date.clone(),
        outcome: String::new(),
        roster_member_id: None,
        detail: "{}".into(),
    };
    if let Some(e) = invalid {
        attempt.outcome = reason::INVALID_INPUT.into();
        attempt.detail = json!({"field": e.field}).to_string();
        tx.insert_attempt(&attempt)?;
        return Ok(Err(e));
    }
    let (outcome, member, detail) = evaluate(tx, now, account_id, &n)?;
    attempt.outcome = outcome.to_string();
    attempt.roster_member_id = member.as_ref().map(|m| m.id);
    attempt.detail = detail.to_string();
    tx.insert_attempt(&attempt)?;
    let ev = AuditEvent::system("member.eligibility_check")
        .detail(format!("account {account_id}: {outcome}"));
    let ev = match &member {
        Some(m) => ev.member(m.id, m.insurer_id),
        None => ev,
    };
    audit::append(tx, now, ev)?;
    match member {
        Some(m) if outcome == reason::OK => {
            tx.set_account_state(account_id, "eligibility_checked", Some(m.id))?;
            let insurer = tx
                .get_insurer(&crate::store::Scope::All, m.insurer_id)?
                .map(|i| i.name)
                .unwrap_or_default();
            Ok(Ok(EligibilityResponse {
                name_kana: m.name_kana,
                birth_date: m.birth_date,
                insurer_name: insurer,
            }))
        }
        _ => Ok(Err(failed())),
    }
}

fn evaluate(
    tx: &mut dyn Tx,
    now: Millis,
    account_id: i64,
    n: &Normalised,
) -> ApiResult<(&'static str, Option<RosterRow>, serde_json::Value)> {
    let Some(insurer) = tx.insurer_by_number(&n.insurer_number)? else {
        return Ok((reason::UNKNOWN_INSURER, None, json!({})));
    };
    if !insurer.service_enabled {
        return Ok((
            reason::SERVICE_NOT_ENABLED,
            None,
            json!({"insurer_id": insurer.id}),
        ));
    }
    if let Some(w) = tx.maintenance_at(insurer.id, now)? {
        return Ok((
            reason::MAINTENANCE,
            None,
            json!({"insurer_id": insurer.id, "window": w.id}),
        ));
    }
    let union_numbers: Vec<String> = insurer.numbers.iter().map(|(num, _)| num.clone()).collect();
    // 特例退職: a row under another of the union's numbers counts when the member is a
    // special retiree; everyone else must use the number printed on their card.
    let usable = |r: &RosterRow| r.insurer_number == n.insurer_number || r.special_retiree;
    let mut rows: Vec<RosterRow> = tx
        .members_by_card(&union_numbers, &n.number)?
        .into_iter()
        .filter(usable)
        .collect();
    if rows.is_empty() && n.number.len() >= 8 {
        let key = &n.number[n.number.len() - 7..];
        let all_digits: Vec<RosterRow> = tx
            .members_by_card(&union_numbers, key)?
            .into_iter()
            .filter(usable)
            .collect();
        if let Some(m) = all_digits.into_iter().next() {
            return Ok((
                reason::NUMBER_ALL_DIGITS,
                Some(m),
                json!({"typed_digits": n.number.len()}),
            ));
        }
    }
    if rows.is_empty() {
        return Ok((reason::CARD_NOT_FOUND, None, json!({})));
    }
    // Prefer a row whose symbol, name and birth date match, then synced rows.
    rows.sort_by_key(|r| {
        (
            r.card_symbol != n.symbol,
            r.birth_date.as_str() != n.birth_date.as_deref().unwrap_or(""),
            r.synced_at.is_none(),
        )
    });
    let m = rows.remove(0);
    if m.synced_at.is_none() {
        return Ok((reason::NOT_SYNCED, Some(m), json!({})));
    }
    if m.card_symbol != n.symbol {
        return Ok((reason::SYMBOL_MISMATCH, Some(m), json!({})));
    }
    // The portal compares the name as typed; folds only explain the difference.
    if n.name != m.name_kana {
        let folds: Vec<&str> = match compare_names(&n.name, &m.name_kana) {
            NameMatch::EqualAfterFolds(f) => f.iter().map(|f| f.label_ja()).collect(),
            _ => Vec::new(),
        };
        return Ok((reason::NAME_MISMATCH, Some(m), json!({"folds": folds})));
    }
    if n.birth_date.as_deref() != Some(m.birth_date.as_str()) {
        return Ok((reason::BIRTH_DATE_MISMATCH, Some(m), json!({})));
    }
    if m.relation != "insured" {
        return Ok((reason::DEPENDENT, Some(m), json!({})));
    }
    if m.voluntary_continuation {
        return Ok((reason::VOLUNTARY, Some(m), json!({})));
    }
    let today = jst_date(now);
    if m.disqualified_on
        .as_deref()
        .is_some_and(|d| d <= today.as_str())
    {
        return Ok((reason::DISQUALIFIED, Some(m), json!({})));
    }
    if let Some(other) = tx.account_by_member(m.id)? {
        if other.id != account_id {
            return Ok((
                reason::ALREADY_VERIFIED,
                Some(m),
                json!({"account_id": other.id}),
            ));
        }
    }
    Ok((reason::OK, Some(m), json!({})))
}

/// STEP4 登録を完了する: link the member and activate.
pub fn confirm(tx: &mut dyn Tx, now: Millis, account_id: i64) -> ApiResult<ConfirmResponse> {
    let account = tx
        .get_account(account_id)?
        .ok_or_else(|| ApiError::unauthorized("invalid_token", "account gone"))?;
    let member_id = match (account.state.as_str(), account.pending_member_id) {
        ("eligibility_checked", Some(m)) => m,
        ("active", _) => return Err(ApiError::conflict("already_active", "登録は完了しています")),
        _ => {
            return Err(ApiError::conflict(
                "eligibility_required",
                "先に保険証情報の照会を行ってください",
            ))
        }
    };
    // The UNIQUE key on roster_member_id enforces once-per-person even against a race.
    tx.activate_account(account_id, member_id, now)
        .map_err(|_| {
            ApiError::conflict(
                "already_verified",
                "以前、別のメールアドレスにて保険証照会が完了しています",
            )
        })?;
    let m = tx
        .get_member(&crate::store::Scope::All, member_id)?
        .ok_or_else(|| ApiError::internal("pending member gone"))?;
    audit::append(
        tx,
        now,
        AuditEvent::system("member.activated")
            .member(m.id, m.insurer_id)
            .detail(format!("account {account_id}")),
    )?;
    Ok(ConfirmResponse {
        state: "active".into(),
    })
}
