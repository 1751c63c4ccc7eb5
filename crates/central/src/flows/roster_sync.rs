//! Roster sync (名簿連携): an insurer's roster arrives as a chunked, resumable upload of rows
//! the desk already parsed and validated; the server re-checks every identifier, diffs the
//! upload against the central roster (`roster_diff`; computed once per upload and roster
//! generation, then paged from the store: `roster_diff_cache`), and applies it in the caller's one
//! transaction, exactly once (the upload remembers its sync entry).
//!
//! Idempotency is natural here, without keys: the file's hash picks the unfinished upload,
//! a chunk's number picks the chunk (same rows = replay, other rows = 422), and apply
//! answers the recorded sync on every call after the first.

use chrono::NaiveDate;
use kencom_api::roster::*;
use kencom_domain::{CardBranch, CardNumber, CardSymbol, InsurerNumber};
use kencom_roster::{DiffCounts, Relationship, RosterRow as FileRow, Sex};

use crate::audit::{self, AuditEvent};
use crate::clock::{jst_date, rfc3339, Millis};
use crate::error::{ApiError, ApiResult};
use crate::flows::check_len;
use crate::flows::roster_diff::{self, Outcome, Step};
use crate::flows::roster_diff_cache::{self, DiffAnswer, FreshDiff};
use crate::store::insurers::InsurerRow;
use crate::store::roster::RosterRow as StoreRow;
use crate::store::roster_sync::{ChunkMeta, SyncRow, UploadRow};
use crate::store::{Scope, Tx};

/// Uploads at least this large that also outnumber the whole roster table are loaded with
/// index maintenance suspended (indexes rebuilt by one sort each afterwards).
pub const BULK_MIN_ROWS: i64 = 50_000;

fn invalid_row(i: usize, field: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid("invalid_row", &format!("rows[{i}].{field}"), message)
}

/// `YYYY-MM-DD` exactly — the form desks send and the store keeps — read without chrono's
/// format interpreter, which perf showed as a quarter of the chunk check; `None` for
/// anything else, which then takes chrono's general (and equal on this form) path.
fn plain_iso(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// `parse_from_str(s, "%Y-%m-%d")`, faster on the usual form.
pub(crate) fn parse_iso(s: &str) -> Option<NaiveDate> {
    plain_iso(s).or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// `d.format("%Y-%m-%d")`, without the format interpreter for 4-digit years.
pub(crate) fn format_iso(d: NaiveDate) -> String {
    use chrono::Datelike;
    if (0..=9999).contains(&d.year()) {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

fn iso_date(i: usize, field: &str, s: &str) -> ApiResult<NaiveDate> {
    parse_iso(s.trim())
        .ok_or_else(|| invalid_row(i, field, "日付は YYYY-MM-DD 形式で指定してください"))
}

fn text(i: usize, field: &str, s: &str, max: usize) -> ApiResult<()> {
    if s.chars().count() > max {
        return Err(invalid_row(
            i,
            field,
            format!("{max}文字以内で指定してください"),
        ));
    }
    Ok(())
}

/// A wire row as the roster crate's validated row, with the domain rules applied again: the
/// server never trusts that a desk validated (an old desk, a script, a bug).
pub fn from_wire(i: usize, w: &RosterRowWire) -> ApiResult<FileRow> {
    let mut r = checked(i, w)?;
    r.kanji_name = w.kanji_name.clone();
    r.kana_name = w.kana_name.clone();
    r.relation_name = w.relation_name.clone();
    r.address = w.address.clone();
    Ok(r)
}

/// [`from_wire`] of a row no longer needed: its texts move instead of being copied (a
/// diff or apply reads a million of them).
pub(crate) fn from_wire_owned(i: usize, w: RosterRowWire) -> ApiResult<FileRow> {
    let mut r = checked(i, &w)?;
    r.kanji_name = w.kanji_name;
    r.kana_name = w.kana_name;
    r.relation_name = w.relation_name;
    r.address = w.address;
    Ok(r)
}

/// Every check of [`from_wire`]; the free texts are checked but left empty for the caller.
fn checked(i: usize, w: &RosterRowWire) -> ApiResult<FileRow> {
    let insurer = InsurerNumber::parse(&w.insurer_number)
        .map_err(|e| invalid_row(i, "insurer_number", e.to_string()))?;
    let symbol =
        CardSymbol::parse(&w.symbol).map_err(|e| invalid_row(i, "symbol", e.to_string()))?;
    let number =
        CardNumber::parse(&w.number).map_err(|e| invalid_row(i, "number", e.to_string()))?;
    let branch = match w.branch.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(b) => Some(CardBranch::parse(b).map_err(|e| invalid_row(i, "branch", e.to_string()))?),
    };
    kencom_domain::check_katakana_name(&w.kana_name)
        .map_err(|e| invalid_row(i, "kana_name", e.to_string()))?;
    let postal_code = match w.postal_code.as_deref() {
        None | Some("") => None,
        Some(p) if p.len() == 7 && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.to_string()),
        Some(_) => {
            return Err(invalid_row(
                i,
                "postal_code",
                "郵便番号は7桁の数字で指定してください",
            ))
        }
    };
    let birth_date = iso_date(i, "birth_date", &w.birth_date)?;
    let acquired_on = w
        .acquired_on
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| iso_date(i, "acquired_on", s))
        .transpose()?;
    let lost_on = w
        .lost_on
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| iso_date(i, "lost_on", s))
        .transpose()?;
    if w.voluntary_continuation && w.special_retiree {
        return Err(invalid_row(
            i,
            "special_retiree",
            "任意継続と特例退職の両方は指定できません",
        ));
    }
    Ok(FileRow {
        insurer,
        symbol,
        number,
        branch,
        kanji_name: text(i, "kanji_name", &w.kanji_name, 100).map(|()| String::new())?,
        kana_name: text(i, "kana_name", &w.kana_name, 100).map(|()| String::new())?,
        sex: w.sex.map(|s| match s {
            RosterSex::Male => Sex::Male,
            RosterSex::Female => Sex::Female,
        }),
        birth_date,
        relationship: match w.relationship {
            RosterRelationship::Insured => Relationship::Insured,
            RosterRelationship::Dependent => Relationship::Dependent,
        },
        relation_name: text(i, "relation_name", &w.relation_name, 40).map(|()| String::new())?,
        acquired_on,
        lost_on,
        voluntary_continuation: w.voluntary_continuation,
        special_retiree: w.special_retiree,
        postal_code,
        address: text(i, "address", &w.address, 200).map(|()| String::new())?,
    })
}

/// The store's row for a file row (id 0 for an insert). Takes the row: apply is done with
/// it, and moving its texts saves copying a million of each.
pub fn to_store(r: FileRow, id: i64, insurer_id: i64, synced_at: Millis) -> StoreRow {
    let iso = format_iso;
    StoreRow {
        id,
        insurer_id,
        insurer_number: r.insurer.as_str().to_string(),
        card_symbol: r.symbol.as_str().to_string(),
        card_number: r.number.as_str().to_string(),
        card_number_key: r.number.eligibility_key().to_string(),
        branch: r.branch.as_ref().map_or("", |b| b.as_str()).to_string(),
        kana_key: kencom_domain::name_key(&r.kana_name).key,
        name_kanji: r.kanji_name,
        name_kana: r.kana_name,
        birth_date: iso(r.birth_date),
        sex: r.sex.map_or("", Sex::code).to_string(),
        relation: match r.relationship {
            Relationship::Insured => "insured",
            Relationship::Dependent => "dependent",
        }
        .to_string(),
        voluntary_continuation: r.voluntary_continuation,
        special_retiree: r.special_retiree,
        // Unknown 資格取得日 is stored empty: the column predates optional dates.
        qualified_on: r.acquired_on.map(iso).unwrap_or_default(),
        disqualified_on: r.lost_on.map(iso),
        synced_at: Some(synced_at),
        postal_code: r.postal_code.unwrap_or_default(),
        address: r.address,
        relation_name: r.relation_name,
    }
}

fn rejected_list(json: &str) -> Vec<RejectedCount> {
    serde_json::from_str(json).unwrap_or_default()
}

fn upload_view(tx: &mut dyn Tx, u: &UploadRow) -> ApiResult<RosterUploadView> {
    let chunks = tx.upload_chunks(u.id)?;
    let received_rows: i64 = chunks.iter().map(|c| c.rows).sum();
    let next_chunk = chunks
        .iter()
        .enumerate()
        .find(|(i, c)| c.seq != *i as i64)
        .map_or(chunks.len() as i64, |(i, _)| i as i64);
    Ok(RosterUploadView {
        id: u.id,
        insurer_id: u.insurer_id,
        file_name: u.file_name.clone(),
        encoding: u.encoding.clone(),
        total_rows: u.total_rows,
        content_hash: u.content_hash.clone(),
        full: u.full_roster,
        rejected: rejected_list(&u.rejected),
        complete: received_rows == u.total_rows && next_chunk == chunks.len() as i64,
        received_chunks: chunks.iter().map(|c| c.seq).collect(),
        received_rows,
        next_chunk,
        created_at: rfc3339(u.created_at),
        applied_at: u.applied_at.map(rfc3339),
        sync_id: u.sync_id,
    })
}

fn insurer(tx: &mut dyn Tx, scope: &Scope, id: i64) -> ApiResult<InsurerRow> {
    tx.get_insurer(scope, id)?
        .ok_or_else(|| ApiError::not_found("insurer"))
}

fn upload(tx: &mut dyn Tx, scope: &Scope, id: i64) -> ApiResult<UploadRow> {
    tx.get_upload(scope, id)?
        .ok_or_else(|| ApiError::not_found("roster upload"))
}

/// Start an upload, or resume the unfinished one of the same file. `true` when created.
pub fn start(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    insurer_id: i64,
    req: &RosterUploadRequest,
) -> ApiResult<(bool, RosterUploadView)> {
    let ins = insurer(tx, scope, insurer_id)?;
    check_len("file_name", &req.file_name, 1, 255)?;
    check_len("encoding", &req.encoding, 1, 20)?;
    if !(0..=10_000_000).contains(&req.total_rows) {
        return Err(ApiError::invalid(
            "validation",
            "total_rows",
            "行数は0〜10,000,000で指定してください",
        ));
    }
    if req.content_hash.len() != 64
        || !req
            .content_hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(ApiError::invalid(
            "validation",
            "content_hash",
            "content_hash はファイルの SHA-256（小文字16進64桁）で指定してください",
        ));
    }
    if req.rejected.len() > 200 {
        return Err(ApiError::invalid(
            "validation",
            "rejected",
            "却下理由は200種類までです",
        ));
    }
    for (i, r) in req.rejected.iter().enumerate() {
        check_len(&format!("rejected[{i}].code"), &r.code, 1, 60)?;
        if r.count < 0 {
            return Err(ApiError::invalid(
                "validation",
                &format!("rejected[{i}].count"),
                "件数は0以上で指定してください",
            ));
        }
    }
    if let Some(u) = tx.open_upload_by_hash(ins.id, &req.content_hash)? {
        return Ok((false, upload_view(tx, &u)?));
    }
    let mut u = UploadRow {
        id: 0,
        insurer_id: ins.id,
        operator_id,
        file_name: req.file_name.clone(),
        encoding: req.encoding.clone(),
        total_rows: req.total_rows,
        content_hash: req.content_hash.clone(),
        full_roster: req.full,
        rejected: serde_json::to_string(&req.rejected).unwrap_or_else(|_| "[]".into()),
        created_at: now,
        applied_at: None,
        sync_id: None,
    };
    u.id = tx.insert_upload(&u)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "roster.upload_started")
            .insurer(ins.id)
            .detail(format!("upload {}: {} rows", u.id, u.total_rows)),
    )?;
    Ok((true, upload_view(tx, &u)?))
}

/// An upload in scope.
pub fn get(tx: &mut dyn Tx, scope: &Scope, id: i64) -> ApiResult<RosterUploadView> {
    let u = upload(tx, scope, id)?;
    upload_view(tx, &u)
}

/// Store chunk `seq`. `true` when stored now, `false` for a replay of the same rows.
pub fn put_chunk(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
    seq: i64,
    rows: &[RosterRowWire],
) -> ApiResult<(bool, RosterChunkAck)> {
    let u = upload(tx, scope, id)?;
    if !(0..=1_000_000).contains(&seq) {
        return Err(ApiError::invalid(
            "invalid_seq",
            "seq",
            "チャンク番号は0〜1,000,000で指定してください",
        ));
    }
    if u.applied_at.is_some() {
        return Err(ApiError::conflict(
            "upload_applied",
            "この名簿は反映済みです",
        ));
    }
    if rows.is_empty() || rows.len() > MAX_CHUNK_ROWS {
        return Err(ApiError::invalid(
            "validation",
            "rows",
            format!("1チャンクは1〜{MAX_CHUNK_ROWS}行です"),
        ));
    }
    let ins = insurer(tx, &Scope::All, u.insurer_id)?;
    for (i, w) in rows.iter().enumerate() {
        let row = from_wire(i, w)?;
        if !ins.numbers.iter().any(|(n, _)| n == row.insurer.as_str()) {
            return Err(invalid_row(
                i,
                "insurer_number",
                "この健康保険組合の保険者番号ではありません",
            ));
        }
    }
    // The canonical JSON of the validated rows: the replay check ignores whitespace and key
    // order, and apply reads back exactly what was checked.
    let body = serde_json::to_vec(rows).map_err(|_| ApiError::internal("chunk encode"))?;
    let meta = ChunkMeta {
        seq,
        rows: rows.len() as i64,
        body_hash: crate::secrets::bytes_hash(&body),
    };
    if let Some(old) = tx.chunk_meta(u.id, seq)? {
        if old != meta {
            return Err(ApiError::invalid(
                "chunk_mismatch",
                "rows",
                "このチャンク番号は別の内容で受信済みです",
            ));
        }
        let upload = upload_view(tx, &u)?;
        return Ok((
            false,
            RosterChunkAck {
                seq,
                rows: meta.rows,
                replayed: true,
                upload,
            },
        ));
    }
    let received: i64 = tx.upload_chunks(u.id)?.iter().map(|c| c.rows).sum();
    if received + meta.rows > u.total_rows {
        return Err(ApiError::invalid(
            "too_many_rows",
            "rows",
            "通知された行数を超えています",
        ));
    }
    tx.insert_chunk(u.id, &meta, &body)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "roster.chunk_received")
            .insurer(u.insurer_id)
            .detail(format!("upload {} chunk {seq}: {} rows", u.id, meta.rows)),
    )?;
    let upload = upload_view(tx, &u)?;
    Ok((
        true,
        RosterChunkAck {
            seq,
            rows: meta.rows,
            replayed: false,
            upload,
        },
    ))
}

fn ready(tx: &mut dyn Tx, u: &UploadRow) -> ApiResult<()> {
    if u.applied_at.is_some() {
        return Err(ApiError::conflict(
            "upload_applied",
            "この名簿は反映済みです",
        ));
    }
    if !upload_view(tx, u)?.complete {
        return Err(ApiError::conflict(
            "upload_incomplete",
            "名簿の送信が完了していません（未受信のチャンクがあります）",
        ));
    }
    Ok(())
}

/// The diff of a complete, unapplied upload in a read transaction: a page of the cached
/// diff when it was computed against the insurer's current roster, else the diff computed
/// now, which the caller keeps with [`keep_diff`] in a write transaction.
pub fn diff(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: i64,
    q: &RosterDiffQuery,
    now: Millis,
) -> ApiResult<DiffAnswer> {
    let u = upload(tx, scope, id)?;
    ready(tx, &u)?;
    roster_diff_cache::cached_or_compute(tx, &u, q, now)
}

/// Keep a diff computed by [`diff`] and answer the page from it. Refuses (409) an upload
/// applied in the meantime: its chunks and cache are gone or about to go.
pub fn keep_diff(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: i64,
    q: &RosterDiffQuery,
    fresh: FreshDiff,
) -> ApiResult<RosterDiffView> {
    let u = upload(tx, scope, id)?;
    ready(tx, &u)?;
    roster_diff_cache::store_and_page(tx, &u, q, fresh)
}

/// Apply a complete upload in the caller's transaction, once: a later call answers the
/// recorded sync. Added rows are inserted, changed rows rewritten, lost rows get their
/// 資格喪失日 (today, JST, for members absent from a full roster) — nobody is deleted.
/// The caller then drops the chunks with [`discard_chunks`] in its own transaction.
pub fn apply(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
) -> ApiResult<RosterSyncView> {
    let u = upload(tx, scope, id)?;
    if let Some(sync_id) = u.sync_id {
        let s = tx
            .get_sync(sync_id)?
            .ok_or_else(|| ApiError::internal("sync entry missing"))?;
        return Ok(sync_view(&s));
    }
    ready(tx, &u)?;
    let today = jst_date(now);
    let insurer_id = u.insurer_id;
    let bulk = if u.total_rows >= BULK_MIN_ROWS && u.total_rows >= tx.roster_table_rows()? {
        Some(tx.begin_bulk_load()?)
    } else {
        None
    };
    let counts = roster_diff::walk(tx, &u, &mut |tx, step| {
        match step {
            Step::File { row, outcome, .. } => match outcome {
                Outcome::Added => {
                    tx.insert_roster_member(&to_store(row, 0, insurer_id, now))?;
                }
                Outcome::Changed { id } | Outcome::LostOn { id } => {
                    tx.update_roster_member(&to_store(row, id, insurer_id, now))?;
                }
                Outcome::Unchanged { id, unsynced } => {
                    if unsynced {
                        tx.mark_synced(id, now)?;
                    }
                }
                Outcome::Duplicate => {}
            },
            Step::Absent { id, lost: true, .. } => tx.set_disqualified(id, &today, now)?,
            Step::Absent {
                id, unsynced: true, ..
            } => tx.mark_synced(id, now)?,
            Step::Absent { .. } => {}
        }
        Ok(())
    })?;
    if let Some(b) = bulk {
        tx.end_bulk_load(b)?;
    }
    let c = counts_view(&counts);
    let mut s = SyncRow {
        id: 0,
        insurer_id,
        upload_id: u.id,
        operator_id,
        applied_at: now,
        file_name: u.file_name.clone(),
        total_rows: u.total_rows,
        rejected_rows: rejected_list(&u.rejected).iter().map(|r| r.count).sum(),
        added: c.added,
        changed: c.changed,
        lost: c.lost,
        unchanged: c.unchanged,
        duplicates: c.duplicates,
        roster_size: tx.qualified_count(insurer_id, &today)?,
    };
    s.id = tx.record_sync(&s)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "roster.applied")
            .insurer(insurer_id)
            .detail(format!(
                "upload {} sync {}: added {} changed {} lost {} unchanged {}",
                u.id, s.id, c.added, c.changed, c.lost, c.unchanged
            )),
    )?;
    Ok(sync_view(&s))
}

/// Drop an applied upload's chunks. Separate from `apply` on purpose: freeing ~0.7 MB per
/// chunk walks every overflow page, which would hold the single writer for seconds longer
/// than the apply itself needs. Harmless to repeat; refuses unapplied uploads.
pub fn discard_chunks(tx: &mut dyn Tx, scope: &Scope, id: i64) -> ApiResult<()> {
    let u = upload(tx, scope, id)?;
    if u.applied_at.is_none() {
        return Err(ApiError::conflict(
            "upload_not_applied",
            "反映前の名簿は削除できません",
        ));
    }
    Ok(tx.delete_chunks(u.id)?)
}

fn counts_view(c: &DiffCounts) -> RosterDiffCounts {
    RosterDiffCounts {
        added: c.added as i64,
        changed: c.changed as i64,
        lost: c.lost as i64,
        unchanged: c.unchanged as i64,
        duplicates: c.duplicates as i64,
    }
}

/// A sync history entry on the wire.
pub fn sync_view(s: &SyncRow) -> RosterSyncView {
    RosterSyncView {
        id: s.id,
        insurer_id: s.insurer_id,
        upload_id: s.upload_id,
        operator_id: s.operator_id,
        applied_at: rfc3339(s.applied_at),
        file_name: s.file_name.clone(),
        total_rows: s.total_rows,
        rejected_rows: s.rejected_rows,
        counts: RosterDiffCounts {
            added: s.added,
            changed: s.changed,
            lost: s.lost,
            unchanged: s.unchanged,
            duplicates: s.duplicates,
        },
        roster_size: s.roster_size,
    }
}

/// An insurer's sync history, newest first (the latest 100).
pub fn history(tx: &mut dyn Tx, scope: &Scope, insurer_id: i64) -> ApiResult<Vec<RosterSyncView>> {
    let ins = insurer(tx, scope, insurer_id)?;
    Ok(tx.syncs(ins.id, 100)?.iter().map(sync_view).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_read_and_write_as_chrono_does() {
        let chrono_parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let inputs = [
            "2024-02-29",
            "2023-02-29",
            "1900-01-01",
            "0001-12-31",
            "9999-12-31",
            "2024-13-01",
            "2024-00-10",
            "2024-1-5",
            "2024/01/05",
            "２０２４-01-05",
            " 2024-01-05",
            "+2024-01-05",
            "",
        ];
        for s in inputs {
            assert_eq!(
                parse_iso(s),
                chrono_parse(s),
                "{s:?} must parse as chrono does"
            );
        }
        let mut d = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap();
        while d < NaiveDate::from_ymd_opt(1901, 3, 5).unwrap() {
            let text = format_iso(d);
            assert_eq!(text, d.format("%Y-%m-%d").to_string());
            assert_eq!(plain_iso(&text), Some(d), "{text} takes the fast path");
            d = d.succ_opt().unwrap();
        }
        for y in [-5, 10_000, 12_345] {
            let d = NaiveDate::from_ymd_opt(y, 6, 7).unwrap();
            assert_eq!(format_iso(d), d.format("%Y-%m-%d").to_string());
        }
    }
}
