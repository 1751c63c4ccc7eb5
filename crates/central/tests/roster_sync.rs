//! Roster sync over HTTP: an interrupted upload resumes (chunks re-sent are replays, a
//! different body under a received number is refused), the diff counts what applying would
//! do, apply happens once (a repeat answers the same sync; no row is applied twice), members
//! missing from a full roster lose qualification without being deleted, the sync status
//! groups failed registration attempts by the likely roster gap, and CIDR whitelisting. The
//! diff is computed once per upload and roster generation and paged from the store: pages
//! equal one big page, a later page computes nothing, any roster write invalidates it, apply
//! does not depend on it, and dropping the chunks drops it.

mod common;

use common::TestServer;
use kencom_api::roster::{
    RosterDiffKind, RosterDiffQuery, RosterRelationship, RosterRowWire, RosterSex,
};
use kencom_central::clock::{jst_date, Clock, DAY};
use kencom_central::flows::roster_diff_cache::DiffAnswer;
use kencom_central::flows::roster_sync;
use kencom_central::store::accounts::AttemptRow;
use kencom_central::store::roster::RosterRow;
use kencom_central::store::roster_sync::DiffCacheRow;
use kencom_central::store::Scope;
use serde_json::{json, Value};

const ADMIN: &str = "admin-desc";
const HASH: &str = "5e1f0c6d3b2a19087766554433221100ffeeddccbbaa99887766554433221100";

fn wire(m: &RosterRow) -> RosterRowWire {
    RosterRowWire {
        insurer_number: m.insurer_number.clone(),
        symbol: m.card_symbol.clone(),
        number: m.card_number.clone(),
        branch: Some(m.branch.clone()).filter(|b| !b.is_empty()),
        kanji_name: m.name_kanji.clone(),
        kana_name: m.name_kana.clone(),
        sex: match m.sex.as_str() {
            "1" => Some(RosterSex::Male),
            "2" => Some(RosterSex::Female),
            _ => None,
        },
        birth_date: m.birth_date.clone(),
        relationship: if m.relation == "dependent" {
            RosterRelationship::Dependent
        } else {
            RosterRelationship::Insured
        },
        relation_name: m.relation_name.clone(),
        acquired_on: Some(m.qualified_on.clone()).filter(|d| !d.is_empty()),
        lost_on: m.disqualified_on.clone(),
        voluntary_continuation: m.voluntary_continuation,
        special_retiree: m.special_retiree,
        postal_code: Some(m.postal_code.clone()).filter(|p| !p.is_empty()),
        address: m.address.clone(),
    }
}

/// The admin's insurer id and its central roster (rows the domain rules accept, one per key).
async fn central(s: &TestServer, token: &str) -> (i64, Vec<RosterRow>) {
    let (_, me) = s.get("/api/v1/operator/me", Some(token)).await;
    let insurer_id = me["insurer_id"].as_i64().unwrap();
    let rows = s
        .state
        .store
        .read(move |tx| Ok(tx.insurer_members_after(insurer_id, 0, 1_000_000)?))
        .await
        .unwrap();
    let mut seen = std::collections::HashMap::new();
    for m in rows {
        let valid = kencom_domain::InsurerNumber::parse(&m.insurer_number).is_ok()
            && kencom_domain::CardSymbol::parse(&m.card_symbol).is_ok()
            && kencom_domain::CardNumber::parse(&m.card_number).is_ok()
            && (m.branch.is_empty() || kencom_domain::CardBranch::parse(&m.branch).is_ok())
            && chrono::NaiveDate::parse_from_str(&m.birth_date, "%Y-%m-%d").is_ok();
        if valid {
            let key = (
                m.insurer_number.clone(),
                m.card_symbol.clone(),
                m.card_number.clone(),
                m.branch.clone(),
            );
            seen.insert(key, m);
        }
    }
    let mut rows: Vec<RosterRow> = seen.into_values().collect();
    rows.sort_by_key(|m| m.id);
    (insurer_id, rows)
}

fn new_row(template: &RosterRow, number: &str, kana: &str) -> RosterRowWire {
    RosterRowWire {
        number: number.into(),
        kana_name: kana.into(),
        kanji_name: "新規　加入".into(),
        branch: Some("00".into()),
        acquired_on: Some("2026-01-05".into()),
        lost_on: None,
        relationship: RosterRelationship::Insured,
        relation_name: "本人".into(),
        voluntary_continuation: false,
        special_retiree: false,
        ..wire(template)
    }
}

async fn put(
    s: &TestServer,
    token: &str,
    upload: i64,
    seq: usize,
    rows: &[RosterRowWire],
) -> (u16, Value) {
    s.send(
        "PUT",
        &format!("/api/v1/operator/roster-uploads/{upload}/chunks/{seq}"),
        Some(token),
        None,
        Some(&json!({ "rows": rows })),
        None,
    )
    .await
}

#[tokio::test]
async fn interrupted_upload_resumes_diffs_and_applies_once() {
    let s = TestServer::start().await;
    let token = s.token(ADMIN).await;
    let (insurer_id, roster) = central(&s, &token).await;
    let before_all = s
        .state
        .store
        .read(move |tx| Ok(tx.insurer_members_after(insurer_id, 0, 1_000_000)?.len()))
        .await
        .unwrap();
    let qualified: Vec<&RosterRow> = roster
        .iter()
        .filter(|m| m.disqualified_on.is_none())
        .collect();
    assert!(qualified.len() >= 10, "the seeded union has a roster");
    // The file: everyone, except one qualified member left out; one address changed; one
    // given a 資格喪失日; three new members.
    let absent = qualified[0].id;
    let changed = qualified[1].id;
    let lost = qualified[2].id;
    let mut file: Vec<RosterRowWire> = Vec::new();
    for m in &roster {
        if m.id == absent {
            continue;
        }
        let mut w = wire(m);
        if m.id == changed {
            w.address = "東京都千代田区丸の内1丁目1番1号".into();
        }
        if m.id == lost {
            w.lost_on = Some("2026-03-31".into());
        }
        file.push(w);
    }
    let news = ["9100001", "9100002", "9100003"];
    for (n, kana) in news.iter().zip(["シンキイチ", "シンキニ", "シンキサン"]) {
        file.push(new_row(qualified[3], n, kana));
    }
    let chunks: Vec<&[RosterRowWire]> = file.chunks(40).collect();
    assert!(chunks.len() >= 3);
    let start = json!({"file_name": "名簿.csv", "encoding": "shift_jis", "total_rows": file.len(), "content_hash": HASH,
        "rejected": [{"code": "ROSTER_REQUIRED", "count": 2}, {"code": "KANA_HALF_WIDTH", "count": 1}]});
    let url = format!("/api/v1/operator/insurers/{insurer_id}/roster-uploads");

    // Agents may not upload.
    let agent = s.token("agent01").await;
    let (st, b) = s
        .send("POST", &url, Some(&agent), None, Some(&start), None)
        .await;
    assert_eq!((st, b["code"].as_str()), (403, Some("role_forbidden")));

    let (st, up) = s
        .send("POST", &url, Some(&token), None, Some(&start), None)
        .await;
    assert_eq!(st, 201, "{up}");
    let id = up["id"].as_i64().unwrap();
    assert_eq!(
        (up["next_chunk"].as_i64(), up["complete"].as_bool()),
        (Some(0), Some(false))
    );
    for (seq, c) in chunks.iter().enumerate().take(2) {
        let (st, ack) = put(&s, &token, id, seq, c).await;
        assert_eq!((st, ack["replayed"].as_bool()), (201, Some(false)), "{ack}");
    }
    // Not complete yet: neither diff nor apply.
    let (st, b) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}/diff"),
            Some(&token),
        )
        .await;
    assert_eq!((st, b["code"].as_str()), (409, Some("upload_incomplete")));
    let apply_url = format!("/api/v1/operator/roster-uploads/{id}/apply");
    let (st, b) = s
        .send("POST", &apply_url, Some(&token), None, None, None)
        .await;
    assert_eq!((st, b["code"].as_str()), (409, Some("upload_incomplete")));

    // The desk restarts: the same file resumes the same upload at chunk 2.
    let (st, again) = s
        .send("POST", &url, Some(&token), None, Some(&start), None)
        .await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again["id"], up["id"]);
    assert_eq!(again["received_chunks"], json!([0, 1]));
    assert_eq!(again["next_chunk"], 2);
    // It re-sends chunk 1 (its answer was lost): a replay, nothing stored twice.
    let (st, ack) = put(&s, &token, id, 1, chunks[1]).await;
    assert_eq!((st, ack["replayed"].as_bool()), (200, Some(true)), "{ack}");
    assert_eq!(ack["upload"]["received_rows"], 80);
    // Other rows under a received number are refused.
    let (st, b) = put(&s, &token, id, 1, chunks[2]).await;
    assert_eq!(
        (st, b["code"].as_str(), b["field"].as_str()),
        (422, Some("chunk_mismatch"), Some("rows"))
    );
    // A row for another union is refused with its position.
    let mut foreign = chunks[2].to_vec();
    foreign[3].insurer_number = "06130017".into();
    let (st, b) = put(&s, &token, 1_000_000_000, 2, &foreign).await;
    assert_eq!(st, 404, "unknown upload: {b}");
    let (st, b) = put(&s, &token, id, 2, &foreign).await;
    assert_eq!(
        (st, b["field"].as_str()),
        (422, Some("rows[3].insurer_number")),
        "{b}"
    );
    for (seq, c) in chunks.iter().enumerate().skip(2) {
        let (st, ack) = put(&s, &token, id, seq, c).await;
        assert_eq!(st, 201, "{ack}");
    }
    let (_, view) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (view["complete"].as_bool(), view["received_rows"].as_u64()),
        (Some(true), Some(file.len() as u64))
    );

    // The diff: counts and pages.
    let unchanged = roster.len() as i64 - 3;
    let (st, d) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}/diff?limit=5"),
            Some(&token),
        )
        .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(
        d["counts"],
        json!({"added": 3, "changed": 1, "lost": 2, "unchanged": unchanged, "duplicates": 0})
    );
    assert_eq!(d["total"].as_i64(), Some(3 + 1 + 2 + unchanged));
    assert_eq!(d["entries"].as_array().unwrap().len(), 5);
    let (_, d) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}/diff?kind=changed"),
            Some(&token),
        )
        .await;
    let e = &d["entries"][0];
    assert_eq!(
        (
            d["total"].as_i64(),
            e["changes"][0]["field"].as_str(),
            e["changes"][0]["label"].as_str()
        ),
        (Some(1), Some("address"), Some("住所"))
    );
    assert_eq!(e["changes"][0]["after"], "東京都千代田区丸の内1丁目1番1号");
    let (_, d) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}/diff?kind=lost"),
            Some(&token),
        )
        .await;
    let mut reasons: Vec<&str> = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["lost_reason"].as_str().unwrap())
        .collect();
    reasons.sort();
    assert_eq!(reasons, ["absent", "lost_on"]);
    let (_, d) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}/diff?kind=added&offset=1&limit=1"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (d["total"].as_i64(), d["entries"][0]["kana_name"].as_str()),
        (Some(3), Some("シンキニ"))
    );

    // Apply, twice: the same sync entry, applied once.
    let (st, first) = s
        .send("POST", &apply_url, Some(&token), None, None, None)
        .await;
    assert_eq!(st, 200, "{first}");
    assert_eq!(first["counts"]["added"], 3);
    assert_eq!(first["rejected_rows"], 3);
    let (st, second) = s
        .send("POST", &apply_url, Some(&token), None, None, None)
        .await;
    assert_eq!(
        (st, &second),
        (200, &first),
        "a second apply answers the first result"
    );
    let after = s
        .state
        .store
        .read(move |tx| Ok(tx.insurer_members_after(insurer_id, 0, 1_000_000)?))
        .await
        .unwrap();
    assert_eq!(
        after.len(),
        before_all + 3,
        "three inserted, nobody deleted"
    );
    for n in news {
        assert_eq!(
            after.iter().filter(|m| m.card_number == n).count(),
            1,
            "{n} inserted exactly once"
        );
    }
    let today = jst_date(s.clock.now());
    let by_id = |id: i64| after.iter().find(|m| m.id == id).unwrap();
    assert_eq!(
        by_id(absent).disqualified_on.as_deref(),
        Some(today.as_str()),
        "absent from a full roster → lost today"
    );
    assert_eq!(by_id(lost).disqualified_on.as_deref(), Some("2026-03-31"));
    assert_eq!(by_id(changed).address, "東京都千代田区丸の内1丁目1番1号");
    // Applied: no more chunks or diffs; the same file starts a new upload.
    let (st, b) = put(&s, &token, id, 0, chunks[0]).await;
    assert_eq!((st, b["code"].as_str()), (409, Some("upload_applied")));
    let (st, b) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}/diff"),
            Some(&token),
        )
        .await;
    assert_eq!((st, b["code"].as_str()), (409, Some("upload_applied")));
    let (st, fresh) = s
        .send("POST", &url, Some(&token), None, Some(&start), None)
        .await;
    assert_eq!(st, 201);
    assert_ne!(fresh["id"], up["id"]);

    // History and status.
    let (_, syncs) = s
        .get(
            &format!("/api/v1/operator/insurers/{insurer_id}/roster-syncs"),
            Some(&token),
        )
        .await;
    assert_eq!(syncs, json!([first]));
    let (st, status) = s
        .get(
            &format!("/api/v1/operator/insurers/{insurer_id}/sync-status"),
            Some(&token),
        )
        .await;
    assert_eq!(st, 200, "{status}");
    assert_eq!(status["last_sync"], first);
    assert_eq!(status["roster_size"], first["roster_size"]);
    assert_eq!(
        status["rejected_by_reason"][0],
        json!({"code": "ROSTER_REQUIRED", "label": "必須項目が空", "count": 2})
    );
    let last_point = status["series"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (last_point["date"].as_str(), &last_point["roster_size"]),
        (Some(today.as_str()), &first["roster_size"])
    );
    let (_, audit) = s
        .get(
            "/api/v1/operator/audit?action=roster.applied",
            Some(&s.token("super01").await),
        )
        .await;
    assert_eq!(audit["total"], 1, "applied once, audited once: {audit}");
}

/// Attempts recorded the way the eligibility flow records them.
fn attempt(
    account_id: i64,
    at: i64,
    outcome: &str,
    number: &str,
    insurer_number: &str,
    raw_name: &str,
    member: Option<i64>,
) -> AttemptRow {
    AttemptRow {
        id: 0,
        account_id,
        at,
        raw_symbol: "1".into(),
        raw_number: number.into(),
        raw_insurer_number: insurer_number.into(),
        raw_name: raw_name.into(),
        raw_birth_date: "1980-01-01".into(),
        number_key: number.into(),
        insurer_number: insurer_number.into(),
        name_key: kencom_domain::name_key(raw_name).key,
        birth_date: Some("1980-01-01".into()),
        outcome: outcome.into(),
        roster_member_id: member,
        detail: "{}".into(),
    }
}

#[tokio::test]
async fn sync_status_groups_unmatched_attempts_by_likely_gap() {
    let s = TestServer::start().await;
    let token = s.token(ADMIN).await;
    let (insurer_id, roster) = central(&s, &token).await;
    let template = roster
        .iter()
        .find(|m| m.disqualified_on.is_none())
        .unwrap()
        .clone();
    let now = s.clock.now();
    let number = template.insurer_number.clone();
    // A member whose roster kana is the legacy large spelling, qualified 10 days ago.
    let member = RosterRow {
        id: 0,
        card_number: "8800001".into(),
        card_number_key: "8800001".into(),
        name_kana: "シヨウタ".into(),
        kana_key: kencom_domain::name_key("シヨウタ").key,
        qualified_on: jst_date(now - 10 * DAY),
        disqualified_on: None,
        ..template.clone()
    };
    let other_number = {
        let (_, me) = s
            .get("/api/v1/operator/me", Some(&s.token("admin-sakura").await))
            .await;
        let other = me["insurer_id"].as_i64().unwrap();
        let (_, ins) = s
            .get(
                &format!("/api/v1/operator/insurers/{other}"),
                Some(&s.token("super01").await),
            )
            .await;
        ins["numbers"][0]["number"].as_str().unwrap().to_string()
    };
    // The demo data already holds failed attempts (its documented cases): measure the change.
    let status_url = format!("/api/v1/operator/insurers/{insurer_id}/sync-status");
    let (_, before) = s.get(&status_url, Some(&token)).await;
    let agent = s.token("agent01").await;
    let (_, summary_before) = s
        .get("/api/v1/operator/insurers/sync-status", Some(&agent))
        .await;
    let n = number.clone();
    s.state
        .store
        .write(move |tx| {
            let member_id = tx.insert_roster_member(&member)?;
            let acc = tx.insert_account("gap1@example.jp", "gap1@example.jp", "x", None, now)?;
            let acc2 = tx.insert_account("gap2@example.jp", "gap2@example.jp", "x", None, now)?;
            let old = now - 120 * DAY;
            for a in [
                attempt(
                    acc,
                    now,
                    "name_mismatch",
                    "8800001",
                    &n,
                    "ショウタ",
                    Some(member_id),
                ),
                attempt(
                    acc,
                    now,
                    "name_mismatch",
                    "8800001",
                    &n,
                    "ｼﾖｳﾀ",
                    Some(member_id),
                ),
                attempt(
                    acc,
                    now,
                    "name_mismatch",
                    "8800001",
                    &n,
                    "サトウ",
                    Some(member_id),
                ),
                attempt(
                    acc,
                    now,
                    "birth_date_mismatch",
                    "8800001",
                    &n,
                    "シヨウタ",
                    Some(member_id),
                ),
                attempt(acc2, now, "card_not_found", "7777777", &n, "ヤマダ", None),
                // Unknown insurer number, but the 番号 is on this union's roster.
                attempt(
                    acc2,
                    now - DAY,
                    "unknown_insurer",
                    "8800001",
                    "06139999",
                    "シヨウタ",
                    None,
                ),
                // Not this union's: an unknown number with a 番号 nobody has, another union's
                // attempt, a success, and one older than the window.
                attempt(
                    acc2,
                    now,
                    "unknown_insurer",
                    "1234567",
                    "06139999",
                    "ヤマダ",
                    None,
                ),
                attempt(
                    acc2,
                    now,
                    "card_not_found",
                    "7777777",
                    &other_number,
                    "ヤマダ",
                    None,
                ),
                attempt(acc2, now, "ok", "8800001", &n, "シヨウタ", Some(member_id)),
                attempt(acc2, old, "card_not_found", "7777777", &n, "ヤマダ", None),
            ] {
                tx.insert_attempt(&a)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let (st, status) = s.get(&status_url, Some(&token)).await;
    assert_eq!(st, 200, "{status}");
    let groups = |v: &Value| -> std::collections::BTreeMap<String, (i64, i64)> {
        v["unmatched_attempts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["code"].as_str().unwrap().to_string(),
                    (
                        g["attempts"].as_i64().unwrap(),
                        g["unresolved_accounts"].as_i64().unwrap(),
                    ),
                )
            })
            .collect()
    };
    let (old, new) = (groups(&before), groups(&status));
    let added: Vec<(String, i64)> = new
        .iter()
        .map(|(code, (n, _))| (code.clone(), n - old.get(code).map_or(0, |o| o.0)))
        .filter(|(_, d)| *d != 0)
        .collect();
    let expect = [
        ("birth_date_differs", 1),
        ("card_not_on_roster", 1),
        ("insurer_number_unknown", 1),
        ("name_differs", 1),
        ("name_half_width", 1),
        ("name_small_kana", 1),
    ];
    assert_eq!(added, expect.map(|(c, n)| (c.to_string(), n)), "{status}");
    assert_eq!(
        status["unmatched_attempts"][0]["code"], "name_small_kana",
        "display order"
    );
    assert_eq!(
        status["unmatched_attempts"][0]["label"],
        "氏名が小書き文字（ャュョッ等）のみ異なる"
    );
    assert_eq!(
        new["name_small_kana"].1 - old.get("name_small_kana").map_or(0, |o| o.1),
        1,
        "the new account is still unregistered"
    );
    let series = status["series"].as_array().unwrap();
    let day = |v: &Value, i: usize| v["series"][i]["failed_attempts"].as_i64().unwrap();
    assert_eq!(series.len(), 90);
    assert_eq!(series[89]["date"].as_str(), Some(jst_date(now).as_str()));
    assert_eq!(day(&status, 89) - day(&before, 89), 5);
    assert_eq!(day(&status, 88) - day(&before, 88), 1);
    assert!(series[89]["roster_size"].is_null(), "no sync yet");
    assert!(
        status["new_member_list"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name_kana"] == "シヨウタ"),
        "qualified 10 days ago counts as new"
    );
    assert_eq!(
        status["new_members"].as_i64().unwrap() - before["new_members"].as_i64().unwrap(),
        1
    );
    // The summary line agrees; the other union's admin cannot see this one.
    let (_, summary) = s
        .get("/api/v1/operator/insurers/sync-status", Some(&agent))
        .await;
    let line = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|l| l["insurer_id"] == insurer_id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        line(&summary)["unmatched_attempts"].as_i64().unwrap()
            - line(&summary_before)["unmatched_attempts"]
                .as_i64()
                .unwrap(),
        6
    );
    let line = line(&summary);
    assert_eq!(line["new_members"], status["new_members"]);
    let sakura = s.token("admin-sakura").await;
    let (st, _) = s
        .get(
            &format!("/api/v1/operator/insurers/{insurer_id}/sync-status"),
            Some(&sakura),
        )
        .await;
    assert_eq!(st, 404);
    let (_, own) = s
        .get("/api/v1/operator/insurers/sync-status", Some(&sakura))
        .await;
    assert_eq!(
        own.as_array().unwrap().len(),
        1,
        "an insurer admin's summary has their union only"
    );
    // Reading member names is audited.
    let (_, audit) = s
        .get(
            "/api/v1/operator/audit?action=roster.sync_status_viewed",
            Some(&s.token("super01").await),
        )
        .await;
    assert!(audit["total"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn whitelist_accepts_cidr_networks_and_login_matches_them() {
    let s = TestServer::start().await;
    let token = s.token(ADMIN).await;
    let (_, me) = s.get("/api/v1/operator/me", Some(&token)).await;
    let id = me["insurer_id"].as_i64().unwrap();
    let url = format!("/api/v1/operator/insurers/{id}/whitelist");
    let (st, b) = s
        .mutate(&url, &token, "wl-bad", &json!({"ip": "203.0.113.300/24"}))
        .await;
    assert_eq!(
        (st, b["code"].as_str(), b["field"].as_str()),
        (422, Some("invalid_ip"), Some("ip"))
    );
    assert!(
        b["detail"].as_str().unwrap().contains("CIDR"),
        "a Japanese message: {b}"
    );
    let (st, b) = s
        .mutate(&url, &token, "wl-wide", &json!({"ip": "0.0.0.0/0"}))
        .await;
    assert_eq!(st, 422, "{b}");
    let (st, ins) = s
        .mutate(&url, &token, "wl-net", &json!({"ip": "203.0.113.77/24"}))
        .await;
    assert_eq!(st, 201, "{ins}");
    assert!(
        ins["whitelist"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["ip"] == "203.0.113.0/24"),
        "stored as its network: {ins}"
    );
    let (st, _) = s
        .mutate(&url, &token, "wl-net2", &json!({"ip": "203.0.113.5/24"}))
        .await;
    assert_eq!(st, 409, "the same network twice");
    let (st, ins) = s
        .mutate(&url, &token, "wl-v6", &json!({"ip": "2001:db8:1::/48"}))
        .await;
    assert_eq!(st, 201, "{ins}");
    let login = |ip: &'static str| {
        let s = &s;
        async move {
            s.send(
                "POST",
                "/api/v1/portal/login",
                None,
                None,
                Some(&json!({"email": "kenko.taro@example.jp", "password": "kencom2026", "client": "browser"})),
                Some(ip),
            )
            .await
        }
    };
    assert_eq!(
        login("203.0.113.200").await.0,
        200,
        "inside the network: no CAPTCHA"
    );
    assert_eq!(
        login("2001:db8:1:ff::7").await.0,
        200,
        "inside the IPv6 network"
    );
    let (st, b) = login("203.0.114.1").await;
    assert_eq!(
        (st, b["code"].as_str()),
        (401, Some("captcha_required")),
        "outside the network"
    );
}

/// Start an upload of `file` and send it whole; returns its id.
async fn upload_all(
    s: &TestServer,
    token: &str,
    insurer_id: i64,
    file: &[RosterRowWire],
    full: bool,
) -> i64 {
    // A distinct hash per file: the same hash would resume an unfinished upload.
    let hash = format!(
        "{:064x}",
        file.len() as u128 * 7919 + file[0].number.len() as u128
    );
    let start = json!({"file_name": "名簿.csv", "encoding": "utf8", "total_rows": file.len(),
        "content_hash": hash, "full": full, "rejected": []});
    let url = format!("/api/v1/operator/insurers/{insurer_id}/roster-uploads");
    let (st, up) = s
        .send("POST", &url, Some(token), None, Some(&start), None)
        .await;
    assert_eq!(st, 201, "{up}");
    let id = up["id"].as_i64().unwrap();
    for (seq, c) in file.chunks(40).enumerate() {
        let (st, ack) = put(s, token, id, seq, c).await;
        assert_eq!(st, 201, "{ack}");
    }
    id
}

/// Every entry of the diff (of one kind, or all), read in pages of `limit`.
async fn all_entries(
    s: &TestServer,
    token: &str,
    id: i64,
    kind: Option<&str>,
    limit: usize,
) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let kind = kind.map(|k| format!("&kind={k}")).unwrap_or_default();
        let (st, d) = s
            .get(
                &format!(
                    "/api/v1/operator/roster-uploads/{id}/diff?offset={}&limit={limit}{kind}",
                    out.len()
                ),
                Some(token),
            )
            .await;
        assert_eq!(st, 200, "{d}");
        let page = d["entries"].as_array().unwrap().clone();
        let done = page.len() < limit;
        out.extend(page);
        if done {
            assert_eq!(
                d["total"].as_u64(),
                Some(out.len() as u64),
                "total = entries"
            );
            return out;
        }
    }
}

async fn kept_diff(s: &TestServer, id: i64) -> Option<DiffCacheRow> {
    s.state
        .store
        .read(move |tx| Ok(tx.diff_cache(id)?))
        .await
        .unwrap()
}

fn kept_runs(s: &TestServer, id: i64) -> i64 {
    rusqlite::Connection::open(&s.db_path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM roster_diff_runs WHERE upload_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

/// The file of the cache tests: everyone but one qualified member, one address changed, one
/// 資格喪失日 given, one row sent twice, two new members.
fn cache_file(roster: &[RosterRow]) -> Vec<RosterRowWire> {
    let qualified: Vec<&RosterRow> = roster
        .iter()
        .filter(|m| m.disqualified_on.is_none())
        .collect();
    let mut file = Vec::new();
    for m in roster.iter().filter(|m| m.id != qualified[0].id) {
        let mut w = wire(m);
        if m.id == qualified[1].id {
            w.address = "東京都千代田区丸の内1丁目1番1号".into();
        }
        if m.id == qualified[2].id {
            w.lost_on = Some("2026-03-31".into());
        }
        file.push(w);
        if m.id == qualified[5].id {
            file.push(wire(m));
        }
    }
    file.push(new_row(qualified[3], "9200001", "キャッシュイチ"));
    file.push(new_row(qualified[3], "9200002", "キャッシュニ"));
    file
}

#[tokio::test]
async fn the_diff_is_computed_once_and_paged_from_the_store() {
    let s = TestServer::start().await;
    let token = s.token(ADMIN).await;
    let (insurer_id, roster) = central(&s, &token).await;
    let file = cache_file(&roster);
    let id = upload_all(&s, &token, insurer_id, &file, true).await;
    assert!(
        kept_diff(&s, id).await.is_none(),
        "nothing kept before a diff"
    );

    let (_, first) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}/diff?limit=500"),
            Some(&token),
        )
        .await;
    let unchanged = roster.len() as i64 - 3;
    assert_eq!(
        first["counts"],
        json!({"added": 2, "changed": 1, "lost": 2, "unchanged": unchanged, "duplicates": 1})
    );
    let kept = kept_diff(&s, id)
        .await
        .expect("the first page keeps the diff");
    assert_eq!(kept.computed_at, s.clock.now());
    assert!(
        kept_runs(&s, id) < first["total"].as_i64().unwrap(),
        "consecutive unchanged rows share a run"
    );

    // Small pages, read later, give exactly the big page, and nothing is computed again.
    s.clock.advance(60_000);
    let big = first["entries"].as_array().unwrap().clone();
    assert_eq!(big.len() as i64, first["total"].as_i64().unwrap());
    assert_eq!(all_entries(&s, &token, id, None, 7).await, big);
    // File order first (the two new rows last among them), then the absent member.
    assert_eq!(big[big.len() - 3]["kana_name"], "キャッシュイチ");
    assert_eq!(big.last().unwrap()["lost_reason"], "absent");
    for kind in ["added", "changed", "lost", "unchanged"] {
        let of_kind: Vec<Value> = big.iter().filter(|e| e["kind"] == kind).cloned().collect();
        assert_eq!(
            all_entries(&s, &token, id, Some(kind), 3).await,
            of_kind,
            "{kind} pages are the big page filtered"
        );
    }
    let changed = all_entries(&s, &token, id, Some("changed"), 1).await;
    assert_eq!(changed[0]["changes"][0]["field"], "address");
    assert_eq!(
        changed[0]["changes"][0]["after"],
        "東京都千代田区丸の内1丁目1番1号"
    );
    assert_eq!(
        kept_diff(&s, id).await,
        Some(kept),
        "later pages read the kept diff instead of computing it again"
    );
    // Out of range: an empty page, still from the kept diff.
    let (st, d) = s
        .get(
            &format!("/api/v1/operator/roster-uploads/{id}/diff?offset=100000"),
            Some(&token),
        )
        .await;
    assert_eq!((st, d["entries"].as_array().map(Vec::len)), (200, Some(0)));
}

async fn apply(s: &TestServer, token: &str, id: i64) -> (u16, Value) {
    let url = format!("/api/v1/operator/roster-uploads/{id}/apply");
    s.send("POST", &url, Some(token), None, None, None).await
}

/// Every roster row of an insurer as text, but when it was synced (the two servers'
/// requests happen at different moments).
async fn roster_dump(s: &TestServer, insurer_id: i64) -> Vec<String> {
    let rows = s
        .state
        .store
        .read(move |tx| Ok(tx.insurer_members_after(insurer_id, 0, 1_000_000)?))
        .await
        .unwrap();
    rows.into_iter()
        .map(|r| {
            format!(
                "{:?}",
                RosterRow {
                    synced_at: None,
                    ..r
                }
            )
        })
        .collect()
}

#[tokio::test]
async fn a_roster_change_invalidates_the_kept_diff_and_apply_is_unaffected() {
    let s = TestServer::start().await;
    let twin = TestServer::start().await;
    let token = s.token(ADMIN).await;
    let twin_token = twin.token(ADMIN).await;
    let (insurer_id, roster) = central(&s, &token).await;
    let file = cache_file(&roster);
    let id = upload_all(&s, &token, insurer_id, &file, true).await;
    let diff_url = format!("/api/v1/operator/roster-uploads/{id}/diff?limit=500");
    let (_, before) = s.get(&diff_url, Some(&token)).await;
    let kept = kept_diff(&s, id).await.unwrap();

    // A member's name is corrected centrally (any roster write counts, not only syncs).
    let renamed = roster
        .iter()
        .filter(|m| m.disqualified_on.is_none())
        .nth(4)
        .unwrap()
        .clone();
    let mut edit = renamed.clone();
    edit.name_kanji = "改名　後子".into();
    s.state
        .store
        .write(move |tx| Ok(tx.update_roster_member(&edit)?))
        .await
        .unwrap();
    s.clock.advance(60_000);
    let (_, after) = s.get(&diff_url, Some(&token)).await;
    let again = kept_diff(&s, id).await.unwrap();
    assert!(
        again.generation > kept.generation && again.computed_at > kept.computed_at,
        "a roster write must not leave the diff computed before it in use"
    );
    assert_eq!(
        after["counts"]["changed"],
        before["counts"]["changed"].as_i64().unwrap() + 1
    );
    let e = after["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["key"]["number"] == renamed.card_number.as_str()
                && e["key"]["branch"] == renamed.branch.as_str()
        })
        .unwrap();
    assert_eq!(
        (e["kind"].as_str(), e["changes"][0]["before"].as_str()),
        (Some("changed"), Some("改名　後子")),
        "{e}"
    );

    // Another upload applied meanwhile: a member it adds is absent from this full roster.
    let mut other: Vec<RosterRowWire> = file.iter().take(3).cloned().collect();
    other.push(new_row(&roster[0], "9300001", "ベツノイチ"));
    let other_id = upload_all(&s, &token, insurer_id, &other, false).await;
    let (st, b) = s
        .send(
            "POST",
            &format!("/api/v1/operator/roster-uploads/{other_id}/apply"),
            Some(&token),
            None,
            None,
            None,
        )
        .await;
    assert_eq!(st, 200, "{b}");
    s.clock.advance(60_000);
    let (_, third) = s.get(&diff_url, Some(&token)).await;
    assert!(kept_diff(&s, id).await.unwrap().generation > again.generation);
    assert!(
        third["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"]["number"] == "9300001" && e["lost_reason"] == "absent"),
        "the member added since must show as absent: {third}"
    );

    // Apply after the kept diff gives what apply without any diff gives: the twin server
    // (the same seeded database) gets the same writes, minus every diff request.
    let mut edit = renamed.clone();
    edit.name_kanji = "改名　後子".into();
    twin.state
        .store
        .write(move |tx| Ok(tx.update_roster_member(&edit)?))
        .await
        .unwrap();
    let twin_other = upload_all(&twin, &twin_token, insurer_id, &other, false).await;
    let twin_id = upload_all(&twin, &twin_token, insurer_id, &file, true).await;
    // Same clock as the first server, so "today" (absent members' 資格喪失日) agrees.
    twin.clock.advance(s.clock.now() - twin.clock.now());
    let (st, _) = apply(&twin, &twin_token, twin_other).await;
    assert_eq!(st, 200);
    let (st, with_cache) = apply(&s, &token, id).await;
    assert_eq!(st, 200, "{with_cache}");
    let (st, without) = apply(&twin, &twin_token, twin_id).await;
    assert_eq!(st, 200, "{without}");
    assert_eq!(with_cache["counts"], without["counts"]);
    assert_eq!(
        with_cache["counts"], third["counts"],
        "apply does what the diff said"
    );
    let (ours, theirs) = (
        roster_dump(&s, insurer_id).await,
        roster_dump(&twin, insurer_id).await,
    );
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(
            a, b,
            "the same roster after apply, with or without a kept diff"
        );
    }

    // Apply dropped the chunks, and the kept diff with them.
    assert_eq!(kept_diff(&s, id).await, None, "discard drops the kept diff");
    assert_eq!(kept_runs(&s, id), 0);
}

#[tokio::test]
async fn a_roster_write_between_computing_and_keeping_the_diff_is_not_missed() {
    let s = TestServer::start().await;
    let token = s.token(ADMIN).await;
    let (insurer_id, roster) = central(&s, &token).await;
    let file = cache_file(&roster);
    let id = upload_all(&s, &token, insurer_id, &file, true).await;
    // The handler's two steps, with a roster write landing between them.
    let scope = Scope::Insurer(insurer_id);
    let q = RosterDiffQuery {
        kind: Some(RosterDiffKind::Changed),
        offset: None,
        limit: Some(500),
    };
    let read_q = q.clone();
    let answer = s
        .state
        .store
        .read(move |tx| roster_sync::diff(tx, &scope, id, &read_q, 1))
        .await
        .unwrap();
    let DiffAnswer::Computed(fresh) = answer else {
        panic!("nothing was kept yet");
    };
    let mut edit = roster
        .iter()
        .filter(|m| m.disqualified_on.is_none())
        .nth(4)
        .unwrap()
        .clone();
    edit.name_kanji = "割込　更新".into();
    let renamed = edit.card_number.clone();
    s.state
        .store
        .write(move |tx| Ok(tx.update_roster_member(&edit)?))
        .await
        .unwrap();
    let page = s
        .state
        .store
        .write(move |tx| roster_sync::keep_diff(tx, &scope, id, &q, fresh))
        .await
        .unwrap();
    assert_eq!(
        page.counts.changed, 2,
        "the page reflects the roster as it is when the diff is kept"
    );
    assert!(page
        .entries
        .iter()
        .any(|e| e.key.number == renamed && e.changes[0].before == "割込　更新"));
    let current = s
        .state
        .store
        .read(move |tx| Ok(tx.roster_generation(insurer_id)?))
        .await
        .unwrap();
    assert_eq!(
        kept_diff(&s, id).await.map(|k| k.generation),
        Some(current),
        "what is kept is of the current roster"
    );
}
