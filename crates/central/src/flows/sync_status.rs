//! 連携状況 (sync status) of an insurer: the last sync, roster size, rows the desk rejected,
//! members whose qualification began less than two months ago, and the registration
//! attempts that matched no roster row grouped by the likely roster gap — classified with
//! the domain's kana fold report (a name that differs only by small kana points at a
//! legacy roster spelling, not at a member's typo). Plus 90 days of both for a chart.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Days, Months, NaiveDate};
use kencom_api::roster::*;
use kencom_domain::{compare_names, KanaFold, NameMatch};

use crate::clock::{jst_date, rfc3339, Millis};
use crate::error::{ApiError, ApiResult};
use crate::flows::eligibility::reason;
use crate::flows::roster_sync::sync_view;
use crate::store::insurers::InsurerRow;
use crate::store::roster_sync::FailedAttempt;
use crate::store::{Scope, Tx};

/// Days in the chart and in the attempt counts.
pub const WINDOW_DAYS: u64 = 90;
/// New members listed (the count covers all).
const NEW_MEMBER_LIST: i64 = 50;

/// Outcomes of attempts that matched no (usable) roster row: the roster may be what is wrong.
const GAP_OUTCOMES: &[&str] = &[
    reason::UNKNOWN_INSURER,
    reason::CARD_NOT_FOUND,
    reason::NUMBER_ALL_DIGITS,
    reason::NOT_SYNCED,
    reason::SYMBOL_MISMATCH,
    reason::NAME_MISMATCH,
    reason::BIRTH_DATE_MISMATCH,
];

/// Gap codes with their Japanese labels, in display order.
const GAPS: &[(&str, &str)] = &[
    (
        "name_small_kana",
        "氏名が小書き文字（ャュョッ等）のみ異なる",
    ),
    ("name_half_width", "氏名が半角・全角の違いのみ"),
    ("name_notation", "氏名が表記（空白・ヴ・長音等）のみ異なる"),
    ("name_differs", "氏名が異なる"),
    ("birth_date_differs", "生年月日が異なる"),
    ("symbol_differs", "記号が異なる"),
    ("number_all_digits", "番号を全桁入力（名簿は下7桁で照合）"),
    ("card_not_on_roster", "番号が名簿にない"),
    ("not_yet_synced", "名簿がまだポータルに反映されていない"),
    (
        "insurer_number_unknown",
        "保険者番号が未登録（番号は名簿にある）",
    ),
];

/// The likely gap behind one failed attempt.
pub fn classify(a: &FailedAttempt) -> &'static str {
    match a.outcome.as_str() {
        reason::NAME_MISMATCH => match a.member_kana.as_deref() {
            Some(roster) => match compare_names(a.raw_name.trim(), roster) {
                NameMatch::EqualAfterFolds(f) if f == [KanaFold::Small] => "name_small_kana",
                NameMatch::EqualAfterFolds(f) if f.contains(&KanaFold::Width) => "name_half_width",
                NameMatch::EqualAfterFolds(_) | NameMatch::Exact => "name_notation",
                NameMatch::Different => "name_differs",
            },
            None => "name_differs",
        },
        reason::BIRTH_DATE_MISMATCH => "birth_date_differs",
        reason::SYMBOL_MISMATCH => "symbol_differs",
        reason::NUMBER_ALL_DIGITS => "number_all_digits",
        reason::NOT_SYNCED => "not_yet_synced",
        reason::UNKNOWN_INSURER => "insurer_number_unknown",
        _ => "card_not_on_roster",
    }
}

fn label(code: &str) -> String {
    GAPS.iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
        .to_string()
}

/// The validator's codes the admin meets most, in Japanese; others show their code.
fn rejected_label(code: &str) -> String {
    let l = match code {
        "ROSTER_REQUIRED" => "必須項目が空",
        "ROSTER_UNDECODABLE" => "文字コードとして読めない",
        "ROSTER_COLUMN_COUNT" => "列数不足",
        "ROSTER_DUPLICATE" => "重複行",
        "ROSTER_SEX" => "性別が不正",
        "ROSTER_RELATIONSHIP" => "本人家族区分が不正",
        "ROSTER_FLAG" | "ROSTER_FLAGS_CONFLICT" => "任意継続・特例退職の指定が不正",
        "ROSTER_DATE_ORDER" => "日付の前後関係が不正",
        c if c.starts_with("KANA_") || c.contains("KANA") => "カナ氏名が不正",
        c if c.starts_with("INSURER") => "保険者番号が不正",
        c if c.starts_with("CARD") => "記号・番号・枝番が不正",
        c if c.starts_with("DATE") => "日付が読めない",
        _ => return code.to_string(),
    };
    l.to_string()
}

fn day(s: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ApiError::internal("date"))
}

/// Midnight JST of `d` as unix millis.
fn jst_midnight(d: NaiveDate) -> Millis {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_millis())
        - 9 * 3_600_000
}

struct Window {
    today: String,
    first_day: NaiveDate,
    since: Millis,
    new_since: String,
}

fn window(now: Millis) -> ApiResult<Window> {
    let today = jst_date(now);
    let t = day(&today)?;
    let first_day = t
        .checked_sub_days(Days::new(WINDOW_DAYS - 1))
        .ok_or_else(|| ApiError::internal("date"))?;
    // "Less than two months ago": after the same day two months back.
    let new_since = t
        .checked_sub_months(Months::new(2))
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .ok_or_else(|| ApiError::internal("date"))?
        .format("%Y-%m-%d")
        .to_string();
    Ok(Window {
        today,
        first_day,
        since: jst_midnight(first_day),
        new_since,
    })
}

fn attempts(tx: &mut dyn Tx, ins: &InsurerRow, w: &Window) -> ApiResult<Vec<FailedAttempt>> {
    let numbers: Vec<String> = ins.numbers.iter().map(|(n, _)| n.clone()).collect();
    Ok(tx.failed_attempts(&numbers, GAP_OUTCOMES, w.since)?)
}

fn groups(list: &[FailedAttempt]) -> Vec<GapGroup> {
    let mut by: HashMap<&str, (i64, HashSet<i64>, HashSet<i64>)> = HashMap::new();
    for a in list {
        let g = by.entry(classify(a)).or_default();
        g.0 += 1;
        g.1.insert(a.account_id);
        if a.account_state != "active" && a.account_state != "eligibility_checked" {
            g.2.insert(a.account_id);
        }
    }
    GAPS.iter()
        .filter_map(|(code, _)| {
            by.get(code).map(|(n, acc, open)| GapGroup {
                code: code.to_string(),
                label: label(code),
                attempts: *n,
                accounts: acc.len() as i64,
                unresolved_accounts: open.len() as i64,
            })
        })
        .collect()
}

/// 連携状況 of one insurer in scope.
pub fn status(
    tx: &mut dyn Tx,
    now: Millis,
    scope: &Scope,
    insurer_id: i64,
) -> ApiResult<SyncStatusView> {
    let ins = tx
        .get_insurer(scope, insurer_id)?
        .ok_or_else(|| ApiError::not_found("insurer"))?;
    let w = window(now)?;
    let syncs = tx.syncs_since(ins.id, w.since)?;
    let rejected_by_reason = tx
        .last_applied_upload(ins.id)?
        .map(|u| serde_json::from_str::<Vec<RejectedCount>>(&u.rejected).unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.count > 0)
        .map(|r| ReasonCount {
            label: rejected_label(&r.code),
            code: r.code,
            count: r.count,
        })
        .collect();
    let (new_members, list) = tx.new_members(ins.id, &w.new_since, &w.today, NEW_MEMBER_LIST)?;
    let failed = attempts(tx, &ins, &w)?;
    let mut per_day: BTreeMap<String, i64> = BTreeMap::new();
    for a in &failed {
        *per_day.entry(jst_date(a.at)).or_default() += 1;
    }
    // Syncs come newest first: the first one applied on or before a day sets its size.
    let sizes: Vec<(String, i64)> = syncs
        .iter()
        .map(|s| (jst_date(s.applied_at), s.roster_size))
        .collect();
    let series = (0..WINDOW_DAYS)
        .filter_map(|i| w.first_day.checked_add_days(Days::new(i)))
        .map(|d| {
            let date = d.format("%Y-%m-%d").to_string();
            SyncStatusPoint {
                roster_size: sizes
                    .iter()
                    .find(|(day, _)| day.as_str() <= date.as_str())
                    .map(|(_, n)| *n),
                failed_attempts: per_day.get(&date).copied().unwrap_or(0),
                date,
            }
        })
        .collect();
    Ok(SyncStatusView {
        insurer_id: ins.id,
        last_sync: syncs.first().map(sync_view),
        roster_size: tx.qualified_count(ins.id, &w.today)?,
        rejected_by_reason,
        new_members,
        new_member_list: list
            .into_iter()
            .map(|m| NewMemberView {
                member_id: m.id,
                name_kana: m.name_kana,
                qualified_on: m.qualified_on,
                synced: m.synced_at.is_some(),
            })
            .collect(),
        unmatched_attempts: groups(&failed),
        series,
        insurer_name: ins.name,
    })
}

/// One line per insurer in scope.
pub fn summary(tx: &mut dyn Tx, now: Millis, scope: &Scope) -> ApiResult<Vec<SyncStatusSummary>> {
    let w = window(now)?;
    let mut out = Vec::new();
    for ins in tx.list_insurers(scope)? {
        let last = tx.syncs(ins.id, 1)?.pop();
        let rejected_rows = tx
            .last_applied_upload(ins.id)?
            .map(|u| {
                serde_json::from_str::<Vec<RejectedCount>>(&u.rejected)
                    .unwrap_or_default()
                    .iter()
                    .map(|r| r.count)
                    .sum()
            })
            .unwrap_or(0);
        let (new_members, _) = tx.new_members(ins.id, &w.new_since, &w.today, 0)?;
        let unmatched_attempts = attempts(tx, &ins, &w)?.len() as i64;
        out.push(SyncStatusSummary {
            insurer_id: ins.id,
            last_sync_at: last.map(|s| rfc3339(s.applied_at)),
            roster_size: tx.qualified_count(ins.id, &w.today)?,
            rejected_rows,
            new_members,
            unmatched_attempts,
            insurer_name: ins.name,
        });
    }
    Ok(out)
}
