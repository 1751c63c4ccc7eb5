//! Rows → wire types, masking identifiers on the way out (記号・番号, e-mail, address are
//! masked by default; clear values leave only through gated, audited actions).

use kencom_api::operator::{
    AuditEntry, FactorCheck, InquiryView, MemberSummary, NoteView, PrintRunView, VerificationView,
};
use kencom_domain::{mask_card_number, mask_card_symbol, mask_email, CardNumber, CardSymbol};

use crate::clock::rfc3339;
use crate::store::audit::AuditRow;
use crate::store::cases::{InquiryRow, NoteRow, VerificationRow};
use crate::store::print::PrintRunRow;
use crate::store::roster::RosterRow;

/// 記号 masked.
pub fn masked_symbol(s: &str) -> String {
    CardSymbol::parse(s)
        .map(|s| mask_card_symbol(&s))
        .unwrap_or_else(|_| "*".repeat(s.chars().count()))
}

/// 番号 masked.
pub fn masked_number(s: &str) -> String {
    CardNumber::parse(s)
        .map(|n| mask_card_number(&n))
        .unwrap_or_else(|_| "*".repeat(s.chars().count()))
}

/// A roster row as a list item.
pub fn member_summary(m: &RosterRow, email: Option<&str>, state: Option<&str>) -> MemberSummary {
    MemberSummary {
        id: m.id,
        insurer_id: m.insurer_id,
        name_kanji: m.name_kanji.clone(),
        name_kana: m.name_kana.clone(),
        birth_date: m.birth_date.clone(),
        insurer_number: m.insurer_number.clone(),
        card_symbol_masked: masked_symbol(&m.card_symbol),
        card_number_masked: masked_number(&m.card_number),
        relation: m.relation.clone(),
        account_state: state.map(str::to_string),
        email_masked: email.map(mask_email),
    }
}

/// An inquiry with normalised fields.
pub fn inquiry_view(
    i: &InquiryRow,
    case_id: Option<i64>,
    claimed_by: Option<String>,
) -> InquiryView {
    InquiryView {
        id: i.id,
        received_at: rfc3339(i.received_at),
        name_kana: i.name_kana.clone(),
        name_key: kencom_domain::name_key(&i.name_kana).key,
        email: i.email.clone(),
        email_issues: kencom_domain::check_email(&i.email)
            .iter()
            .map(|e| e.to_string())
            .collect(),
        insurer_name: i.insurer_name.clone(),
        birth_date_raw: i.birth_date_raw.clone(),
        birth_date: i.birth_date.clone(),
        inquiry_type: i.inquiry_type.clone(),
        body: i.body.clone(),
        app_version: i.app_version.clone(),
        device_name: i.device_name.clone(),
        os_version: i.os_version.clone(),
        sp_browser: i.sp_browser.clone(),
        status: i.status.clone(),
        case_id,
        claimed_by,
    }
}

/// A note.
pub fn note_view(n: &NoteRow) -> NoteView {
    NoteView {
        id: n.id,
        operator_id: n.operator_id,
        at: rfc3339(n.at),
        body: n.body.clone(),
    }
}

/// A verification.
pub fn verification_view(v: &VerificationRow) -> VerificationView {
    let factors: Vec<FactorCheck> = serde_json::from_str(&v.factors).unwrap_or_default();
    let reason = if v.passed {
        None
    } else {
        Some(crate::flows::cases::verification_failure(&factors).unwrap_or_default())
    };
    VerificationView {
        id: v.id,
        operator_id: v.operator_id,
        member_id: v.roster_member_id,
        at: rfc3339(v.at),
        factors,
        passed: v.passed,
        reason,
    }
}

/// A print run.
pub fn run_view(r: &PrintRunRow) -> PrintRunView {
    PrintRunView {
        id: r.id,
        insurer_id: r.insurer_id,
        created_at: rfc3339(r.created_at),
        fetched_at: r.fetched_at.map(rfc3339),
        printed_at: r.printed_at.map(rfc3339),
        mailed_at: r.mailed_at.map(rfc3339),
        postcards: r.postcards,
    }
}

/// An audit entry.
pub fn audit_entry(a: &AuditRow) -> AuditEntry {
    AuditEntry {
        seq: a.seq,
        at: rfc3339(a.at),
        operator_id: a.operator_id,
        action: a.action.clone(),
        member_id: a.member_id,
        case_id: a.case_id,
        detail: a.detail.clone(),
        hash: a.hash.clone(),
    }
}

/// 1-based page + size → (offset, limit, page, per_page), clamped.
pub fn paging(page: Option<i64>, per_page: Option<i64>) -> (i64, i64, i64, i64) {
    let per = per_page.unwrap_or(20).clamp(1, 100);
    let page = page.unwrap_or(1).clamp(1, 100_000);
    ((page - 1) * per, per, page, per)
}
