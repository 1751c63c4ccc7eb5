//! Print runs for insurer admins: pending postcards of their own union, a run over them,
//! its postcard data (codes in clear, every fetch audited, until the run is marked printed:
//! a failed save or a jammed printer must not cost the members their codes; marking
//! printed wipes them), printed / mailed marks, and a reprint of one postcard, which
//! issues a new code (the old one is revoked) on a postcard for the next run.

use kencom_api::operator::{PendingPostcard, PostcardData, PrintRunData, PrintRunView};
use kencom_domain::CustomerBarcode;

use crate::audit::{self, AuditEvent};
use crate::clock::{rfc3339, Millis};
use crate::error::{ApiError, ApiResult};
use crate::flows::views::run_view;
use crate::store::insurers::InsurerRow;
use crate::store::print::PostcardRow;
use crate::store::{Scope, Tx};

/// Pending postcards in scope.
pub fn pending(tx: &mut dyn Tx, scope: &Scope) -> ApiResult<Vec<PendingPostcard>> {
    Ok(tx
        .pending_postcards(scope)?
        .into_iter()
        .map(|p| PendingPostcard {
            id: p.id,
            member_id: p.roster_member_id,
            created_at: rfc3339(p.created_at),
        })
        .collect())
}

/// Create a run over the insurer's pending postcards.
pub fn create(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    insurer_id: i64,
) -> ApiResult<PrintRunView> {
    let id = tx
        .create_print_run(insurer_id, operator_id, now)?
        .ok_or_else(|| ApiError::conflict("nothing_pending", "印刷待ちのはがきはありません"))?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "print.run_created")
            .insurer(insurer_id)
            .detail(format!("run {id}")),
    )?;
    let r = tx
        .get_print_run(&Scope::Insurer(insurer_id), id)?
        .ok_or_else(|| ApiError::internal("run vanished"))?;
    Ok(run_view(&r))
}

/// One run in scope.
pub fn get(tx: &mut dyn Tx, scope: &Scope, id: i64) -> ApiResult<PrintRunView> {
    tx.get_print_run(scope, id)?
        .map(|r| run_view(&r))
        .ok_or_else(|| ApiError::not_found("print run"))
}

/// Hand out the postcard data once.
pub fn fetch(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
) -> ApiResult<PrintRunData> {
    let run = tx
        .get_print_run(scope, id)?
        .ok_or_else(|| ApiError::not_found("print run"))?;
    if run.printed_at.is_some() {
        return Err(ApiError::conflict(
            "run_printed",
            "この印刷便は印刷済みです。コードはもう保持していません（再印刷は「再印刷」で新しいコードを発行してください）",
        ));
    }
    let cards = tx.run_postcards(run.id, now)?;
    let insurer = tx
        .get_insurer(&Scope::All, run.insurer_id)?
        .ok_or_else(|| ApiError::internal("insurer gone"))?;
    let mut out = Vec::new();
    for p in cards {
        let data = postcard_data(tx, &p, &insurer)?;
        audit::append(
            tx,
            now,
            AuditEvent::op(operator_id, "print.postcard_data")
                .member(data.member_id, insurer.id)
                .detail(format!("run {} postcard {}", run.id, p.id)),
        )?;
        out.push(data);
    }
    let run = tx
        .get_print_run(scope, id)?
        .ok_or_else(|| ApiError::internal("run vanished"))?;
    Ok(PrintRunData {
        run: run_view(&run),
        postcards: out,
    })
}

/// Everything a printer needs for one postcard (the code only while it is still held).
pub(crate) fn postcard_data(
    tx: &mut dyn Tx,
    p: &PostcardRow,
    insurer: &InsurerRow,
) -> ApiResult<PostcardData> {
    let m = tx
        .get_member(&Scope::All, p.roster_member_id)?
        .ok_or_else(|| ApiError::internal("member gone"))?;
    // A malformed postal code prints no barcode rather than failing the whole run; a
    // catch-all (代表) code must not get one at all.
    let barcode = if kencom_domain::is_catch_all_postal_code(&m.postal_code) {
        Vec::new()
    } else {
        CustomerBarcode::encode(&m.postal_code, &m.address)
            .map(|b| b.chars().iter().map(|c| c.to_string()).collect())
            .unwrap_or_default()
    };
    Ok(PostcardData {
        postcard_id: p.id,
        member_id: m.id,
        postal_code: m.postal_code,
        address: m.address,
        name_kanji: m.name_kanji,
        code: p.code_clear.clone().unwrap_or_default(),
        barcode,
        sender_name: insurer.name.clone(),
        sender_postal_code: insurer.sender_postal_code.clone(),
        sender_address: insurer.sender_address.clone(),
    })
}

/// Mark printed or mailed.
pub fn mark(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
    state: &str,
) -> ApiResult<PrintRunView> {
    let run = tx
        .get_print_run(scope, id)?
        .ok_or_else(|| ApiError::not_found("print run"))?;
    match state {
        "printed" => tx.mark_run(run.id, Some(now), None)?,
        "mailed" => {
            if run.printed_at.is_none() {
                return Err(ApiError::conflict(
                    "not_printed",
                    "印刷済みにしてから発送済みにしてください",
                ));
            }
            tx.mark_run(run.id, None, Some(now))?
        }
        _ => {
            return Err(ApiError::invalid(
                "invalid_state",
                "state",
                "state must be printed or mailed",
            ))
        }
    }
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "print.run_marked")
            .insurer(run.insurer_id)
            .detail(format!("run {} {state}", run.id)),
    )?;
    get(tx, scope, id)
}

/// Reprint one postcard of a run: the code on it is revoked, a new one is issued on a new
/// postcard that waits for the next run. Audited.
pub fn reprint(
    tx: &mut dyn Tx,
    cfg: &crate::config::Config,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    run_id: i64,
    postcard_id: i64,
) -> ApiResult<PendingPostcard> {
    use rand::SeedableRng;
    let run = tx
        .get_print_run(scope, run_id)?
        .ok_or_else(|| ApiError::not_found("print run"))?;
    let p = tx
        .get_postcard(postcard_id)?
        .filter(|p| p.print_run_id == Some(run.id))
        .ok_or_else(|| ApiError::not_found("postcard"))?;
    tx.revoke_code(p.checkup_code_id, now)?;
    let mut rng = rand::rngs::StdRng::from_entropy();
    let code = crate::secrets::new_checkup_code(&mut rng);
    let code_id = tx.insert_code(
        p.roster_member_id,
        &crate::secrets::code_hash(&cfg.code_pepper, &code),
        // A reprint is a reissue of the code (the schema allows initial / reissue).
        "reissue",
        now,
    )?;
    let id = tx.insert_postcard(p.insurer_id, p.roster_member_id, code_id, &code, false, now)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "print.reprint")
            .member(p.roster_member_id, p.insurer_id)
            .detail(format!("run {} postcard {} → postcard {id}", run.id, p.id)),
    )?;
    Ok(PendingPostcard {
        id,
        member_id: p.roster_member_id,
        created_at: rfc3339(now),
    })
}
