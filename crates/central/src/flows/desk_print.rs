//! Reissue postcards printed at the help desk. Unions with `desk_prints_postcards` let the
//! agent who reissued a code print the postcard right after the call instead of waiting
//! for the union's next print run: the desk fetches the postcard's data (the code in
//! clear) as often as it needs until it reports the postcard printed, which wipes the
//! code here as a fetched run does. Every fetch is audited.

use kencom_api::operator::{PostcardData, ReissueView};

use crate::audit::{self, AuditEvent};
use crate::clock::Millis;
use crate::error::{ApiError, ApiResult};
use crate::flows::cases::{load, reissue_view_in};
use crate::flows::print::postcard_data;
use crate::store::print::{PostcardRow, ReissueRow};
use crate::store::{Scope, Tx};

/// The reissue on this case and its postcard, for the case's agent or a supervisor. A
/// closed case still allows printing: the call may end before the printer is free.
fn desk_postcard(
    tx: &mut dyn Tx,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
    reissue_id: i64,
) -> ApiResult<(ReissueRow, PostcardRow)> {
    let c = load(tx, case_id)?;
    if c.claimed_by != operator_id && !supervisor {
        return Err(ApiError::forbidden(
            "case_not_yours",
            "この案件は他のオペレーターが担当しています",
        ));
    }
    let member = c
        .roster_member_id
        .ok_or_else(|| ApiError::not_found("reissue"))?;
    let r = tx
        .reissues_for_member(member)?
        .into_iter()
        .find(|r| r.id == reissue_id && r.case_id == c.id)
        .ok_or_else(|| ApiError::not_found("reissue"))?;
    let p = tx
        .get_postcard(r.postcard_id)?
        .ok_or_else(|| ApiError::internal("reissue without postcard"))?;
    if !p.desk_print {
        return Err(ApiError::conflict(
            "postcard_not_at_desk",
            "この健康保険組合のはがきは組合の印刷便で発送されます（窓口では印刷できません）",
        ));
    }
    Ok((r, p))
}

/// The postcard's data with the code, while the desk has not reported it printed.
pub fn fetch(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
    reissue_id: i64,
) -> ApiResult<PostcardData> {
    let (_, p) = desk_postcard(tx, operator_id, supervisor, case_id, reissue_id)?;
    if p.printed_at.is_some() || p.code_clear.is_none() {
        return Err(ApiError::conflict(
            "postcard_printed",
            "このはがきは印刷済みです。コードはもう保持していません（再印刷には再発行が必要です）",
        ));
    }
    let insurer = tx
        .get_insurer(&Scope::All, p.insurer_id)?
        .ok_or_else(|| ApiError::internal("insurer gone"))?;
    let data = postcard_data(tx, &p, &insurer)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "case.postcard_data")
            .case(case_id)
            .member(data.member_id, insurer.id)
            .detail(format!("reissue {reissue_id} postcard {}", p.id)),
    )?;
    Ok(data)
}

/// The desk printed it: record that and wipe the code. Marking twice answers the same view.
pub fn mark_printed(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    supervisor: bool,
    case_id: i64,
    reissue_id: i64,
) -> ApiResult<ReissueView> {
    let (r, p) = desk_postcard(tx, operator_id, supervisor, case_id, reissue_id)?;
    if tx.mark_postcard_printed(p.id, now)? {
        audit::append(
            tx,
            now,
            AuditEvent::op(operator_id, "case.postcard_printed")
                .case(case_id)
                .member(p.roster_member_id, p.insurer_id)
                .detail(format!("reissue {reissue_id} postcard {}", p.id)),
        )?;
    }
    reissue_view_in(tx, &r)
}
