//! The desk's cases: claim an inquiry, link the member, notes, status, close; identity
//! verification on the case; and the gated actions (reissue the checkup code, reveal the
//! login e-mail, resend the activation mail, unlock the login), each of which requires a
//! passed verification of the case's member, on the same case, by the same operator,
//! within the configured window — checked here, not only in the UI.

use kencom_api::operator::{
    CaseView, FactorCheck, ReissueView, ResendView, RevealedEmail, UnlockView, VerificationRequest,
    VerificationView,
};
use rand::SeedableRng;

use crate::audit::{self, AuditEvent};
use crate::clock::{jst_date, rfc3339, Millis, DAY};
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::flows::views::{inquiry_view, note_view, verification_view};
use crate::secrets::{code_hash, new_checkup_code};
use crate::store::accounts::AccountRow;
use crate::store::cases::{CaseRow, VerificationRow};
use crate::store::print::{PostcardRow, ReissueRow};
use crate::store::roster::RosterRow;
use crate::store::{Scope, Tx};

/// Why a set of factors does not pass (None = passes): name and birth date are required,
/// at least three items must match (the 3-item rule), and any mismatch fails.
pub fn verification_failure(f: &[FactorCheck]) -> Option<String> {
    let matched = |name: &str| f.iter().any(|x| x.factor.as_str() == name && x.matched);
    if let Some(bad) = f.iter().find(|x| !x.matched) {
        return Some(format!("{} が一致しません", bad.factor.as_str()));
    }
    if !matched("name_kana") || !matched("birth_date") {
        return Some("氏名と生年月日の確認が必須です".into());
    }
    if f.iter().filter(|x| x.matched).count() < 3 {
        return Some("3項目以上の一致が必要です".into());
    }
    None
}

fn inquiry_with_case(
    tx: &mut dyn Tx,
    i: &crate::store::cases::InquiryRow,
) -> ApiResult<kencom_api::operator::InquiryView> {
    let case = tx.case_by_inquiry(i.id)?;
    let who = match &case {
        Some(c) => tx.get_operator(c.claimed_by)?.map(|o| o.display_name),
        None => None,
    };
    Ok(inquiry_view(i, case.map(|c| c.id), who))
}

/// The inquiry queue page; inquiries hold personal data, so the read is audited.
pub fn list_inquiries(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    q: &kencom_api::operator::InquiryListQuery,
) -> ApiResult<kencom_api::operator::InquiryPage> {
    let (offset, limit, page, per_page) = crate::flows::views::paging(q.page, q.per_page);
    let (rows, total) = tx.list_inquiries(q.status.map(|s| s.as_str()), offset, limit)?;
    let mut items = Vec::new();
    for i in &rows {
        items.push(inquiry_with_case(tx, i)?);
    }
    let ids: Vec<String> = rows.iter().map(|i| i.id.to_string()).collect();
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "inquiry.list").detail(format!("shown {}", ids.join(","))),
    )?;
    Ok(kencom_api::operator::InquiryPage {
        items,
        total,
        page,
        per_page,
    })
}

/// One inquiry, audited.
pub fn inquiry(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    id: i64,
) -> ApiResult<kencom_api::operator::InquiryView> {
    let i = tx
        .get_inquiry(id)?
        .ok_or_else(|| ApiError::not_found("inquiry"))?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "inquiry.view").detail(format!("inquiry {id}")),
    )?;
    inquiry_with_case(tx, &i)
}

/// Load a case or 404.
pub fn load(tx: &mut dyn Tx, id: i64) -> ApiResult<CaseRow> {
    tx.get_case(id)?.ok_or_else(|| ApiError::not_found("case"))
}

fn require_owner(c: &CaseRow, operator_id: i64, supervisor: bool) -> ApiResult<()> {
    if c.claimed_by != operator_id && !supervisor {
        return Err(ApiError::forbidden(
            "case_not_yours",
            "この案件は他のオペレーターが担当しています",
        ));
    }
    if c.status == "closed" {
        return Err(ApiError::conflict(
            "case_closed",
            "この案件はクローズ済みです",
        ));
    }
    Ok(())
}

/// Full case view, audited.
pub fn view(tx: &mut dyn Tx, now: Millis, operator_id: i64, id: i64) -> ApiResult<CaseView> {
    let c = load(tx, id)?;
    let i = tx
        .get_inquiry(c.inquiry_id)?
        .ok_or_else(|| ApiError::internal("case without inquiry"))?;
    let claimer = tx.get_operator(c.claimed_by)?.map(|o| o.display_name);
    let mut ev = AuditEvent::op(operator_id, "case.view").case(c.id);
    if let Some(m) = c
        .roster_member_id
        .and_then(|m| tx.get_member(&Scope::All, m).ok().flatten())
    {
        ev = ev.member(m.id, m.insurer_id);
    }
    audit::append(tx, now, ev)?;
    let reissues = match c.roster_member_id {
        Some(m) => tx
            .reissues_for_member(m)?
            .into_iter()
            .filter(|r| r.case_id == c.id)
            .map(|r| reissue_view_in(tx, &r))
            .collect::<ApiResult<_>>()?,
        None => Vec::new(),
    };
    Ok(CaseView {
        id: c.id,
        inquiry: inquiry_view(&i, Some(c.id), claimer),
        claimed_by: c.claimed_by,
        member_id: c.roster_member_id,
        status: c.status.clone(),
        resolution: c.resolution.clone(),
        created_at: rfc3339(c.created_at),
        notes: tx.notes(c.id)?.iter().map(note_view).collect(),
        verifications: tx
            .verifications(c.id)?
            .iter()
            .map(verification_view)
            .collect(),
        reissues,
    })
}

/// A reissue with its postcard's desk-print state.
pub(crate) fn reissue_view_in(tx: &mut dyn Tx, r: &ReissueRow) -> ApiResult<ReissueView> {
    let p = tx.get_postcard(r.postcard_id)?;
    Ok(reissue_view(r, p.as_ref()))
}

fn reissue_view(r: &ReissueRow, p: Option<&PostcardRow>) -> ReissueView {
    ReissueView {
        desk_print: p.is_some_and(|p| p.desk_print),
        printed_at: p.and_then(|p| p.printed_at).map(rfc3339),
        id: r.id,
        member_id: r.roster_member_id,
        at: rfc3339(r.at),
        postcard_id: r.postcard_id,
        // Seed: printing is ordered, so it takes half a month to a month.
        expected_from: jst_date(r.at + 15 * DAY),
        expected_to: jst_date(r.at + 30 * DAY),
    }
}

/// Claim an inquiry → a case.
pub fn claim(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    inquiry_id: i64,
) -> ApiResult<CaseView> {
    let i = tx
        .get_inquiry(inquiry_id)?
        .ok_or_else(|| ApiError::not_found("inquiry"))?;
    if let Some(c) = tx.case_by_inquiry(i.id)? {
        let who = tx
            .get_operator(c.claimed_by)?
            .map(|o| o.display_name)
            .unwrap_or_default();
        return Err(ApiError::conflict(
            "already_claimed",
            format!("{who} が対応中です"),
        ));
    }
    let id = tx.insert_case(i.id, operator_id, now)?;
    tx.set_inquiry_status(i.id, "claimed")?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.claim")
            .case(id)
            .detail(format!("inquiry {}", i.id)),
    )?;
    view(tx, now, operator_id, id)
}

/// Attach the member the case is about.
pub fn link_member(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
    member_id: i64,
) -> ApiResult<CaseView> {
    let c = load(tx, case_id)?;
    require_owner(&c, operator_id, supervisor)?;
    let m = tx
        .get_member(&Scope::All, member_id)?
        .ok_or_else(|| ApiError::not_found("member"))?;
    tx.set_case_member(c.id, m.id)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.link_member")
            .case(c.id)
            .member(m.id, m.insurer_id),
    )?;
    view(tx, now, operator_id, c.id)
}

/// Add a note.
pub fn add_note(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
    body: &str,
) -> ApiResult<CaseView> {
    crate::flows::check_len("body", body.trim(), 1, 4000)?;
    let c = load(tx, case_id)?;
    require_owner(&c, operator_id, supervisor)?;
    tx.insert_note(c.id, operator_id, body.trim(), now)?;
    audit::append(tx, now, AuditEvent::op(operator_id, "case.note").case(c.id))?;
    view(tx, now, operator_id, c.id)
}

/// open ⇄ waiting.
pub fn set_status(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
    status: &str,
) -> ApiResult<CaseView> {
    if !matches!(status, "open" | "waiting") {
        return Err(ApiError::invalid(
            "invalid_status",
            "status",
            "status must be open or waiting",
        ));
    }
    let c = load(tx, case_id)?;
    require_owner(&c, operator_id, supervisor)?;
    tx.set_case_status(c.id, status, None, None)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.status")
            .case(c.id)
            .detail(status),
    )?;
    view(tx, now, operator_id, c.id)
}

/// Resolution categories.
pub const RESOLUTIONS: &[&str] = &[
    "answered",
    "reissued",
    "escalated_to_insurer",
    "no_response",
    "duplicate",
    "other",
];

/// Close with a resolution.
pub fn close(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
    resolution: &str,
) -> ApiResult<CaseView> {
    if !RESOLUTIONS.contains(&resolution) {
        return Err(ApiError::invalid(
            "invalid_resolution",
            "resolution",
            format!("resolution must be one of {}", RESOLUTIONS.join(", ")),
        ));
    }
    let c = load(tx, case_id)?;
    require_owner(&c, operator_id, supervisor)?;
    tx.set_case_status(c.id, "closed", Some(resolution), Some(now))?;
    tx.set_inquiry_status(c.inquiry_id, "closed")?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.close")
            .case(c.id)
            .detail(resolution),
    )?;
    view(tx, now, operator_id, c.id)
}

/// Record an identity verification.
pub fn verify(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
    req: &VerificationRequest,
) -> ApiResult<VerificationView> {
    if req.factors.is_empty() || req.factors.len() > 9 {
        return Err(ApiError::invalid(
            "invalid_factors",
            "factors",
            "1–9 factors",
        ));
    }
    let c = load(tx, case_id)?;
    require_owner(&c, operator_id, supervisor)?;
    let m = tx
        .get_member(&Scope::All, req.member_id)?
        .ok_or_else(|| ApiError::not_found("member"))?;
    if c.roster_member_id.is_none() {
        tx.set_case_member(c.id, m.id)?;
    } else if c.roster_member_id != Some(m.id) {
        return Err(ApiError::invalid(
            "member_mismatch",
            "member_id",
            "the case is about another member",
        ));
    }
    let passed = verification_failure(&req.factors).is_none();
    let row = VerificationRow {
        id: 0,
        case_id: c.id,
        operator_id,
        roster_member_id: m.id,
        at: now,
        factors: serde_json::to_string(&req.factors).map_err(|_| ApiError::internal("factors"))?,
        passed,
    };
    let id = tx.insert_verification(&row)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.identity_verification")
            .case(c.id)
            .member(m.id, m.insurer_id)
            .detail(if passed { "passed" } else { "failed" }),
    )?;
    Ok(verification_view(&VerificationRow { id, ..row }))
}

/// The member a gated action acts on, after checking the verification gate.
fn gate(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
) -> ApiResult<(CaseRow, RosterRow)> {
    let c = load(tx, case_id)?;
    require_owner(&c, operator_id, supervisor)?;
    let member_id = c
        .roster_member_id
        .ok_or_else(|| ApiError::forbidden("verification_required", "本人確認が必要です"))?;
    let ok = tx
        .verifications(c.id)?
        .iter()
        .rev()
        .find(|v| v.operator_id == operator_id && v.roster_member_id == member_id)
        .is_some_and(|v| v.passed && now - v.at <= cfg.verification_window);
    if !ok {
        return Err(ApiError::forbidden(
            "verification_required",
            "この操作には、この案件での本人確認（有効期間内）が必要です",
        ));
    }
    let m = tx
        .get_member(&Scope::All, member_id)?
        .ok_or_else(|| ApiError::internal("member gone"))?;
    Ok((c, m))
}

/// Reissue the checkup code: revoke the old, create a new one (hash stored; the clear code
/// waits on the postcard until its print run is fetched), queue the postcard.
pub fn reissue(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
) -> ApiResult<ReissueView> {
    let (c, m) = gate(tx, cfg, now, operator_id, supervisor, case_id)?;
    let mut old = None;
    for code in tx
        .codes_for_member(m.id)?
        .into_iter()
        .filter(|c| c.revoked_at.is_none())
    {
        tx.revoke_code(code.id, now)?;
        old = Some(code.id);
    }
    let mut rng = rand::rngs::StdRng::from_entropy();
    let code = new_checkup_code(&mut rng);
    let new_id = tx.insert_code(m.id, &code_hash(&cfg.code_pepper, &code), "reissue", now)?;
    let desk_print = tx
        .get_insurer(&Scope::All, m.insurer_id)?
        .is_some_and(|i| i.desk_prints_postcards);
    let postcard = tx.insert_postcard(m.insurer_id, m.id, new_id, &code, desk_print, now)?;
    let row = ReissueRow {
        id: 0,
        case_id: c.id,
        operator_id,
        roster_member_id: m.id,
        old_code_id: old,
        new_code_id: new_id,
        postcard_id: postcard,
        at: now,
    };
    let id = tx.insert_reissue(&row)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.reissue_checkup_code")
            .case(c.id)
            .member(m.id, m.insurer_id)
            .detail(format!("postcard {postcard}")),
    )?;
    reissue_view_in(tx, &ReissueRow { id, ..row })
}

/// The member's account: the linked one, else the inquiry's e-mail (registration stuck
/// before the eligibility check leaves the account unlinked).
fn account_for(tx: &mut dyn Tx, c: &CaseRow, m: &RosterRow) -> ApiResult<AccountRow> {
    if let Some(a) = tx.account_by_member(m.id)? {
        return Ok(a);
    }
    let i = tx
        .get_inquiry(c.inquiry_id)?
        .ok_or_else(|| ApiError::internal("case without inquiry"))?;
    let mut found: Vec<AccountRow> = tx
        .accounts_by_email_key(&kencom_domain::email_search_key(&i.email))?
        .into_iter()
        .filter(|a| a.roster_member_id.is_none())
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(ApiError::not_found("account")),
        _ => Err(ApiError::conflict(
            "ambiguous_account",
            "複数のアカウントが該当します",
        )),
    }
}

/// Reveal the login e-mail (exactly as stored), audited.
pub fn reveal_email(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
) -> ApiResult<RevealedEmail> {
    let (c, m) = gate(tx, cfg, now, operator_id, supervisor, case_id)?;
    let a = account_for(tx, &c, &m)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.reveal_email")
            .case(c.id)
            .member(m.id, m.insurer_id)
            .detail(format!("account {}", a.id)),
    )?;
    Ok(RevealedEmail { email: a.email })
}

/// Resend the activation mail (invalidates earlier links).
pub fn resend_activation(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
) -> ApiResult<ResendView> {
    let (c, m) = gate(tx, cfg, now, operator_id, supervisor, case_id)?;
    let a = account_for(tx, &c, &m)?;
    if a.state == "active" {
        return Err(ApiError::conflict(
            "already_active",
            "本登録は完了しています",
        ));
    }
    let (_, expires) = crate::flows::registration::send_activation(tx, cfg, now, a.id, &a.email)?;
    let mail_id = tx
        .mails_for_account(a.id)?
        .last()
        .map(|m| m.id)
        .unwrap_or_default();
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.resend_activation")
            .case(c.id)
            .member(m.id, m.insurer_id)
            .detail(format!("account {}", a.id)),
    )?;
    Ok(ResendView {
        mail_id,
        link_expires_at: rfc3339(expires),
    })
}

/// Lift a login lock.
pub fn unlock(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
) -> ApiResult<UnlockView> {
    let (c, m) = gate(tx, cfg, now, operator_id, supervisor, case_id)?;
    let a = account_for(tx, &c, &m)?;
    let was_locked = a.locked_until.is_some_and(|t| t > now) || a.failed_logins > 0;
    tx.clear_login_failures(a.id)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.unlock_login")
            .case(c.id)
            .member(m.id, m.insurer_id)
            .detail(format!("account {}", a.id)),
    )?;
    Ok(UnlockView {
        state: a.state,
        was_locked,
    })
}
