//! Member search (every kind), masking, detail + timeline, and the diagnosis of every
//! documented demo case (docs/demo-data.md is checked here).

mod common;

use common::{urlencode, TestServer};
use serde_json::{json, Value};

#[tokio::test]
async fn search_kinds_and_masking() {
    let s = TestServer::start().await;
    let t = s.token("agent01").await;
    let q = |p: &str| format!("/api/v1/operator/members?{p}");
    // ≥3 characters: substring (trigram) across width/spacing variants.
    let (st, page) = s
        .get(&q(&format!("kana={}", urlencode("ｹﾝｺｳ"))), Some(&t))
        .await;
    assert_eq!(st, 200);
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name_kana"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"ケンコウタロウ") && names.contains(&"ケンコウハナコ"),
        "half-width input finds full-width names: {names:?}"
    );
    let (_, page) = s
        .get(&q(&format!("kana={}", urlencode("タロウ"))), Some(&t))
        .await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name_kana"] == "ケンコウタロウ"),
        "substring match from 3 characters"
    );
    // <3 characters: prefix, combined with 和暦 birth date.
    let (_, page) = s
        .get(
            &q(&format!(
                "kana={}&birth_date={}",
                urlencode("ケン"),
                urlencode("S35.1.1")
            )),
            Some(&t),
        )
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["name_kana"], "ケンコウタロウ");
    let taro = &items[0];
    assert_eq!(taro["card_number_masked"], "*****01", "番号 is masked");
    assert_eq!(taro["email_masked"], "k***@example.jp");
    assert!(
        !page.to_string().contains("9900001"),
        "the clear 番号 never appears"
    );
    // symbol + number (number compared by its last 7)
    let (_, page) = s
        .get(
            &q("symbol=11&number=9900001&insurer_number=06133425"),
            Some(&t),
        )
        .await;
    assert_eq!(
        page["total"], 2,
        "太郎 and his dependent share the card: {page}"
    );
    // e-mail, case- and width-insensitive
    let (_, page) = s
        .get(
            &q(&format!(
                "email={}",
                urlencode("ＫＥＮＫＯ.TARO＠example.jp")
            )),
            Some(&t),
        )
        .await;
    assert_eq!(page["total"], 1, "{page}");
    // pagination
    let (_, p1) = s
        .get(&q("insurer_number=06133425&per_page=5&page=1"), Some(&t))
        .await;
    let (_, p2) = s
        .get(&q("insurer_number=06133425&per_page=5&page=2"), Some(&t))
        .await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 5);
    assert_ne!(p1["items"][0]["id"], p2["items"][0]["id"]);
    // bad input is a 4xx naming the field
    let (st, b) = s.get(&q("insurer_number=06133426"), Some(&t)).await;
    assert_eq!((st, b["field"].as_str()), (422, Some("insurer_number")));
    let (st, b) = s.get(&q(""), Some(&t)).await;
    assert_eq!((st, b["code"].as_str()), (422, Some("criteria_required")));
    let (st, _) = s.get(&q("page=abc&kana=x"), Some(&t)).await;
    assert_eq!(st, 400);
    // A control character (schemathesis sent a NUL) is refused, not a storage error.
    let (st, b) = s.get(&q("kana=%E3%82%BF%00%E3%83%AD"), Some(&t)).await;
    assert_eq!((st, b["field"].as_str()), (422, Some("kana")), "{b}");
}

#[tokio::test]
async fn detail_has_timeline_and_is_audited() {
    let s = TestServer::start().await;
    let t = s.token("agent01").await;
    let id = s.demo_member(&t, "ヤマダハナコ", "1985-06-15").await;
    let (st, d) = s
        .get(&format!("/api/v1/operator/members/{id}"), Some(&t))
        .await;
    assert_eq!(st, 200);
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"eligibility_attempt"), "{kinds:?}");
    let attempt = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "eligibility_attempt")
        .unwrap();
    assert!(
        attempt["details"].to_string().contains("空白差異"),
        "field-level differences are shown: {attempt}"
    );
    let sup = s.token("super01").await;
    let (_, audit) = s
        .get(
            &format!("/api/v1/operator/audit?member_id={id}&action=member.view"),
            Some(&sup),
        )
        .await;
    assert!(
        audit["total"].as_i64().unwrap() >= 1,
        "reading a member is audited"
    );
    assert_eq!(
        s.get("/api/v1/operator/members/99999999", Some(&t)).await.0,
        404
    );
}

fn codes(d: &Value) -> Vec<String> {
    d["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn every_documented_demo_case_is_diagnosed() {
    let s = TestServer::start().await;
    let t = s.token("agent01").await;
    // (kana, birth date, cause) — bulk data may hold namesakes, so the birth date picks the demo member.
    let table = [
        ("ケンコウタロウ", "1960-01-01", "already_verified"),
        ("ケンコウハナコ", "1962-03-03", "dependent"),
        ("ヤマダハナコ", "1985-06-15", "name_width_or_spacing"),
        ("シヨウジシヨウタ", "1978-09-30", "small_kana"),
        ("タカハシミツコ", "1969-11-23", "roster_name_mismatch"),
        ("スズキイチロウ", "1970-02-11", "roster_number_mismatch"),
        ("キムラタクヤ", "1990-12-01", "insurer_maintenance"),
        ("ナカムラオサム", "1958-05-05", "voluntary_continuation"),
        ("イシイレン", "2003-08-08", "not_yet_synced"),
        ("オガワナオキ", "1988-01-20", "number_all_digits"),
        ("マエダケイコ", "1975-04-10", "birth_date_mismatch"),
        ("フジタマコト", "1980-10-10", "service_not_enabled"),
        ("アベヒロシ", "1961-07-07", "disqualified"),
        ("コンドウユミコ", "1974-02-02", "login_locked"),
        ("イケダダイスケ", "1979-08-18", "captcha_escalated"),
    ];
    for (kana, birth, want) in table {
        let id = s.demo_member(&t, kana, birth).await;
        let (st, d) = s
            .get(
                &format!("/api/v1/operator/members/{id}/diagnosis"),
                Some(&t),
            )
            .await;
        assert_eq!(st, 200);
        assert!(
            codes(&d).contains(&want.to_string()),
            "{kana} must be diagnosed {want}: {d}"
        );
        assert!(
            !d.to_string().contains("99000"),
            "evidence never carries a clear 番号: {d}"
        );
    }
    let id = s.demo_member(&t, "ケンコウタロウ", "1960-01-01").await;
    let (_, d) = s
        .get(
            &format!("/api/v1/operator/members/{id}/diagnosis"),
            Some(&t),
        )
        .await;
    assert!(
        d.to_string()
            .contains("already verified with k***@example.jp on 2026-03-02"),
        "{d}"
    );
    let id = s.demo_member(&t, "ヤマダハナコ", "1985-06-15").await;
    let (_, d) = s
        .get(
            &format!("/api/v1/operator/members/{id}/diagnosis"),
            Some(&t),
        )
        .await;
    assert!(
        d.to_string()
            .contains("氏名: 入力 ヤマダ　ハナコ / 名簿 ヤマダハナコ — 空白差異"),
        "{d}"
    );
}

#[tokio::test]
async fn diagnosis_of_inquiry_data() {
    let s = TestServer::start().await;
    let t = s.token("agent01").await;
    let (st, d) = s
        .post(
            "/api/v1/operator/diagnosis",
            Some(&t),
            &json!({"name_kana": "ﾜﾀﾅﾍﾞﾕｳﾄ", "birth_date": "H11.9.9", "email": "yuto.w@example.jp"}),
        )
        .await;
    assert_eq!(st, 200);
    assert!(codes(&d).contains(&"no_roster_match".to_string()), "{d}");
    let (_, d) = s.post("/api/v1/operator/diagnosis", Some(&t), &json!({"name_kana": "オカダアイ", "birth_date": "平成4年7月7日", "email": "ai.okada@example.jp"})).await;
    assert!(
        codes(&d).contains(&"activation_link_expired".to_string()),
        "{d}"
    );
    assert_eq!(d["candidates"][0]["member"]["name_kana"], "オカダアイ");
    let (_, d) = s.post("/api/v1/operator/diagnosis", Some(&t), &json!({"name_kana": "ケンコウ タロウ", "birth_date": "S35.1.1", "email": "taro.kenko@example.net"})).await;
    assert!(codes(&d).contains(&"already_verified".to_string()), "{d}");
    assert!(
        d["candidates"][0]["reasons"]
            .to_string()
            .contains("空白差異"),
        "candidates say which folds matched: {d}"
    );
    let (_, d) = s.post("/api/v1/operator/diagnosis", Some(&t), &json!({"name_kana": "ゴトウケンイチ", "birth_date": "1983-03-15", "email": "kenichi.goto@example.jp"})).await;
    assert!(
        codes(&d).contains(&"activation_link_superseded".to_string()),
        "{d}"
    );
    let (_, d) = s.post("/api/v1/operator/diagnosis", Some(&t), &json!({"name_kana": "コンドウユミコ", "birth_date": "1974-02-02", "email": "yumiko.kondo＠example.jp"})).await;
    assert!(codes(&d).contains(&"email_mistake".to_string()), "{d}");
    let admin = s.token("admin-desc").await;
    assert_eq!(
        s.post(
            "/api/v1/operator/diagnosis",
            Some(&admin),
            &json!({"name_kana": "ア", "birth_date": "2000-01-01"})
        )
        .await
        .0,
        403
    );
}
