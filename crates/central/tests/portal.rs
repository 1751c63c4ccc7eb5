//! Member-facing flows over HTTP: registration (24 h links, resend invalidates), the
//! eligibility check with its recorded reasons, confirmation, login with CAPTCHA
//! escalation and whitelist, checkup code + secret question, inquiry form.

mod common;

use common::TestServer;
use kencom_central::clock::HOUR;
use serde_json::{json, Value};

async fn register(s: &TestServer, email: &str) -> (u16, Value) {
    s.post("/api/v1/portal/register", None, &json!({"email": email, "password": "abc12345", "consent_terms": true, "consent_privacy": true})).await
}

#[tokio::test]
async fn registration_rules() {
    let s = TestServer::start().await;
    let (st, body) = s.post("/api/v1/portal/register", None, &json!({"email": "a@example.jp", "password": "abc", "consent_terms": true, "consent_privacy": true})).await;
    assert_eq!(
        (st, body["field"].as_str()),
        (422, Some("password")),
        "passwords shorter than 6 are refused: {body}"
    );
    let (st, body) = s.post("/api/v1/portal/register", None, &json!({"email": "a@example.jp", "password": "abc12345!", "consent_terms": true, "consent_privacy": true})).await;
    assert_eq!(st, 422, "non-alphanumeric passwords are refused: {body}");
    let (st, body) = s.post("/api/v1/portal/register", None, &json!({"email": "a@example.jp", "password": "abc12345", "consent_terms": true, "consent_privacy": false})).await;
    assert_eq!((st, body["field"].as_str()), (422, Some("consent_privacy")));
    let (st, body) = s.post("/api/v1/portal/register", None, &json!({"email": "a＠example.jp", "password": "abc12345", "consent_terms": true, "consent_privacy": true})).await;
    assert_eq!(
        (st, body["field"].as_str()),
        (422, Some("email")),
        "a full-width ＠ is refused: {body}"
    );
    let (st, body) = register(&s, "kenko.taro@example.jp").await;
    assert_eq!(
        (st, body["code"].as_str()),
        (409, Some("email_taken")),
        "an active address cannot register again"
    );
}

#[tokio::test]
async fn activation_link_lifetime_and_resend() {
    let s = TestServer::start().await;
    let (st, _) = register(&s, "new.member@example.jp").await;
    assert_eq!(st, 201);
    let first = s.activation_token("new.member@example.jp").await;
    let (st, _) = s
        .post(
            "/api/v1/portal/register/resend",
            None,
            &json!({"email": "new.member@example.jp"}),
        )
        .await;
    assert_eq!(st, 202);
    let second = s.activation_token("new.member@example.jp").await;
    assert_ne!(first, second);
    let (st, body) = s
        .post(
            &format!("/api/v1/portal/activate/{first}"),
            None,
            &json!({}),
        )
        .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (410, Some("activation_superseded")),
        "a resend must invalidate earlier links"
    );
    s.clock.advance(24 * HOUR + 1);
    let (st, body) = s
        .post(
            &format!("/api/v1/portal/activate/{second}"),
            None,
            &json!({}),
        )
        .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (410, Some("activation_expired")),
        "links die after 24 h"
    );
    let (st, _) = s
        .post(
            "/api/v1/portal/register/resend",
            None,
            &json!({"email": "new.member@example.jp"}),
        )
        .await;
    assert_eq!(st, 202);
    let third = s.activation_token("new.member@example.jp").await;
    let (st, body) = s
        .post(
            &format!("/api/v1/portal/activate/{third}"),
            None,
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["state"], "email_confirmed");
    let (st, _) = s
        .post(
            &format!("/api/v1/portal/activate/{third}"),
            None,
            &json!({}),
        )
        .await;
    assert_eq!(st, 410, "a link works once");
    let (st, _) = s
        .post("/api/v1/portal/activate/nonexistent", None, &json!({}))
        .await;
    assert_eq!(st, 404);
}

async fn registration_token(s: &TestServer, email: &str) -> String {
    assert_eq!(register(s, email).await.0, 201);
    let t = s.activation_token(email).await;
    let (st, body) = s
        .post(&format!("/api/v1/portal/activate/{t}"), None, &json!({}))
        .await;
    assert_eq!(st, 200);
    body["registration_token"].as_str().unwrap().to_string()
}

fn card(symbol: &str, number: &str, name: &str, birth: &str) -> Value {
    json!({"symbol": symbol, "number": number, "insurer_number": "06133425", "name_kana": name, "birth_date": birth})
}

#[tokio::test]
async fn eligibility_check_records_every_attempt_and_activates() {
    let s = TestServer::start().await;
    let reg = registration_token(&s, "okada.new@example.jp").await;
    // 岡田 愛 (demo, never activated her first account) registers again with a new address.
    let tries = [
        (
            card("11", "9901202", "オカダ アイ", "1992-07-07"),
            "name_mismatch",
        ),
        (
            card("11", "9901202", "オカダアイ", "H4.7.8"),
            "birth_date_mismatch",
        ),
        (
            card("11", "12", "オカダアイ", "1992-07-07"),
            "card_not_found",
        ),
    ];
    for (body, _) in &tries {
        let (st, resp) = s.post("/api/v1/portal/eligibility", Some(&reg), body).await;
        assert_eq!(
            (st, resp["code"].as_str()),
            (422, Some("eligibility_failed")),
            "members see one generic error: {resp}"
        );
    }
    let (st, resp) = s
        .post(
            "/api/v1/portal/eligibility",
            Some(&reg),
            &card("11", "9901202", "オカダアイ", "平成4年7月7日"),
        )
        .await;
    assert_eq!(st, 200, "{resp}");
    assert_eq!(resp["insurer_name"], "DeSC健康保険組合");
    assert_eq!(resp["name_kana"], "オカダアイ");
    let (st, resp) = s
        .post("/api/v1/portal/eligibility/confirm", Some(&reg), &json!({}))
        .await;
    assert_eq!((st, resp["state"].as_str()), (200, Some("active")));
    let outcomes = s
        .state
        .store
        .read(|tx| {
            let a = tx.account_by_email("okada.new@example.jp")?.unwrap();
            Ok(tx.attempts_for_account(a.id)?)
        })
        .await
        .unwrap();
    let got: Vec<&str> = outcomes.iter().map(|a| a.outcome.as_str()).collect();
    let want: Vec<&str> = tries.iter().map(|t| t.1).chain(["ok"]).collect();
    assert_eq!(got, want, "every attempt is recorded with its reason");
    assert_eq!(
        outcomes[1].birth_date.as_deref(),
        Some("1992-07-08"),
        "the 和暦 input is stored normalised"
    );
    // Once per person: a third address cannot verify 岡田 愛 again.
    let reg2 = registration_token(&s, "okada.third@example.jp").await;
    let (st, _) = s
        .post(
            "/api/v1/portal/eligibility",
            Some(&reg2),
            &card("11", "9901202", "オカダアイ", "1992-07-07"),
        )
        .await;
    assert_eq!(st, 422);
    let last = s
        .state
        .store
        .read(|tx| {
            let id = tx.account_by_email("okada.third@example.jp")?.unwrap().id;
            Ok(tx.attempts_for_account(id)?)
        })
        .await
        .unwrap();
    assert_eq!(last[0].outcome, "already_verified");
}

#[tokio::test]
async fn eligibility_rules_from_the_seed() {
    let s = TestServer::start().await;
    let cases = [
        (
            card("11", "99240517", "オガワナオキ", "1988-01-20"),
            "number_all_digits",
        ),
        (
            card("11", "9900001", "ケンコウハナコ", "1962-03-03"),
            "dependent",
        ),
        (
            card("11", "9900612", "ナカムラオサム", "1958-05-05"),
            "voluntary_continuation",
        ),
        (
            card("11", "9909001", "イシイレン", "2003-08-08"),
            "not_yet_synced",
        ),
        (
            card("11", "9900902", "アベヒロシ", "1961-07-07"),
            "disqualified",
        ),
    ];
    for (i, (body, want)) in cases.iter().enumerate() {
        let reg = registration_token(&s, &format!("rule{i}@example.jp")).await;
        let (st, _) = s.post("/api/v1/portal/eligibility", Some(&reg), body).await;
        assert_eq!(st, 422);
        let email = format!("rule{i}@example.jp");
        let got = s
            .state
            .store
            .read(move |tx| {
                let id = tx.account_by_email(&email)?.unwrap().id;
                Ok(tx.attempts_for_account(id)?)
            })
            .await
            .unwrap();
        assert_eq!(got[0].outcome, *want, "case {i}");
    }
    // Malformed card data is a 422 naming the field, and is recorded too.
    let reg = registration_token(&s, "bad@example.jp").await;
    let (st, body) = s.post("/api/v1/portal/eligibility", Some(&reg), &json!({"symbol": "11", "number": "1", "insurer_number": "06133426", "name_kana": "ア", "birth_date": "1990-01-01"})).await;
    assert_eq!(
        (st, body["field"].as_str()),
        (422, Some("insurer_number")),
        "a wrong check digit names the field: {body}"
    );
}

async fn solve(s: &TestServer, ip: &str, email: Option<&str>) -> (String, String, i64) {
    let (st, c) = s
        .send(
            "POST",
            "/api/v1/portal/captcha",
            None,
            None,
            Some(&json!({"email": email})),
            Some(ip),
        )
        .await;
    assert_eq!(st, 200);
    let prompt = c["prompt"]
        .as_str()
        .unwrap()
        .trim_end_matches(" = ?")
        .to_string();
    let answer: i64 = if let Some((ab, c2)) = prompt.split_once(" + ") {
        if let Some((a, b)) = ab.split_once(" × ") {
            a.parse::<i64>().unwrap() * b.parse::<i64>().unwrap() + c2.parse::<i64>().unwrap()
        } else {
            ab.parse::<i64>().unwrap() + c2.parse::<i64>().unwrap()
        }
    } else {
        panic!("unknown prompt {prompt}")
    };
    (
        c["challenge_id"].as_str().unwrap().to_string(),
        answer.to_string(),
        c["level"].as_i64().unwrap(),
    )
}

fn login_body(email: &str, pw: &str, client: &str, captcha: Option<(&str, &str)>) -> Value {
    json!({"email": email, "password": pw, "client": client, "captcha_id": captcha.map(|c| c.0), "captcha_answer": captcha.map(|c| c.1)})
}

#[tokio::test]
async fn login_captcha_escalation_and_whitelist() {
    let s = TestServer::start().await;
    let ip = "198.51.100.50";
    let (st, b) = s
        .send(
            "POST",
            "/api/v1/portal/login",
            None,
            None,
            Some(&login_body(
                "hanako.yamada@example.jp",
                "x",
                "browser",
                None,
            )),
            Some(ip),
        )
        .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (401, Some("captcha_required")),
        "browsers need the CAPTCHA"
    );
    // Apps are exempt; the demo member's password works there.
    let (st, b) = s
        .send(
            "POST",
            "/api/v1/portal/login",
            None,
            None,
            Some(&login_body(
                "kenko.taro@example.jp",
                "kencom2026",
                "app",
                None,
            )),
            Some(ip),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    // Login IDs are case-sensitive.
    let (id, ans, lvl) = solve(&s, "203.0.113.99", None).await;
    assert_eq!(lvl, 1);
    let (st, _) = s
        .send(
            "POST",
            "/api/v1/portal/login",
            None,
            None,
            Some(&login_body(
                "Kenko.Taro@example.jp",
                "kencom2026",
                "browser",
                Some((&id, &ans)),
            )),
            Some("203.0.113.99"),
        )
        .await;
    assert_eq!(st, 401, "login IDs are case-sensitive");
    let (id, ans, _) = solve(&s, "203.0.113.99", None).await;
    let (st, _) = s
        .send(
            "POST",
            "/api/v1/portal/login",
            None,
            None,
            Some(&login_body(
                "kenko.taro@example.jp",
                "kencom2026",
                "browser",
                Some((&id, &ans)),
            )),
            Some("203.0.113.99"),
        )
        .await;
    assert_eq!(st, 200, "a solved CAPTCHA + right password logs in");
    // Failures from one IP raise the level.
    for _ in 0..5 {
        let (id, ans, _) = solve(&s, "203.0.113.77", None).await;
        s.send(
            "POST",
            "/api/v1/portal/login",
            None,
            None,
            Some(&login_body(
                "kenko.taro@example.jp",
                "wrong",
                "browser",
                Some((&id, &ans)),
            )),
            Some("203.0.113.77"),
        )
        .await;
    }
    let (_, _, lvl) = solve(&s, "203.0.113.77", None).await;
    assert_eq!(
        lvl, 2,
        "repeated failures from one IP make the CAPTCHA harder"
    );
    // The union's whitelisted IP needs none, until 5 failures from it.
    let wl = "192.0.2.1";
    let (st, _) = s
        .send(
            "POST",
            "/api/v1/portal/login",
            None,
            None,
            Some(&login_body(
                "kenko.taro@example.jp",
                "kencom2026",
                "browser",
                None,
            )),
            Some(wl),
        )
        .await;
    assert_eq!(st, 200, "whitelisted IPs skip the CAPTCHA");
    for _ in 0..5 {
        s.send(
            "POST",
            "/api/v1/portal/login",
            None,
            None,
            Some(&login_body(
                "kenko.taro@example.jp",
                "nope",
                "browser",
                None,
            )),
            Some(wl),
        )
        .await;
    }
    let (st, b) = s
        .send(
            "POST",
            "/api/v1/portal/login",
            None,
            None,
            Some(&login_body(
                "kenko.taro@example.jp",
                "kencom2026",
                "browser",
                None,
            )),
            Some(wl),
        )
        .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (401, Some("captcha_required")),
        "failures from a whitelisted IP turn the CAPTCHA back on"
    );
}

#[tokio::test]
async fn checkup_code_then_secret_question() {
    let s = TestServer::start().await;
    let (_, b) = s
        .post(
            "/api/v1/portal/login",
            None,
            &login_body("kenko.taro@example.jp", "kencom2026", "app", None),
        )
        .await;
    let session = b["session_token"].as_str().unwrap().to_string();
    let (st, _) = s
        .post(
            "/api/v1/portal/checkup/verify",
            Some(&session),
            &json!({"code": "KNCM-2345-TARO", "birth_date": "1960-01-02"}),
        )
        .await;
    assert_eq!(st, 422, "a wrong birth date fails");
    let (st, b) = s
        .post(
            "/api/v1/portal/checkup/verify",
            Some(&session),
            &json!({"code": "kncm 2345 taro", "birth_date": "昭和35年1月1日"}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(
        b["name_kana"], "ケンコウタロウ",
        "the カナ氏名 is shown to confirm"
    );
    let token = b["verification_token"].as_str().unwrap();
    let (st, b) = s.post("/api/v1/portal/checkup/secret-question", Some(&session), &json!({"verification_token": token, "question": "出身地は？", "custom": true, "answer": "東京都"})).await;
    assert_eq!((st, b["done"].as_bool()), (200, Some(true)));
    let (st, _) = s
        .post(
            "/api/v1/portal/checkup/secret-question",
            Some(&session),
            &json!({"verification_token": token, "question": "q", "custom": true, "answer": "a"}),
        )
        .await;
    assert_eq!(st, 422, "the verification token works once");
    let stored = s
        .state
        .store
        .read(|tx| {
            let id = tx.account_by_email("kenko.taro@example.jp")?.unwrap().id;
            Ok(tx.secret_question(id)?)
        })
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.answer_hash.starts_with("$argon2id$") && !stored.answer_hash.contains("東京都"),
        "answers are stored hashed"
    );
}

#[tokio::test]
async fn inquiry_form() {
    let s = TestServer::start().await;
    let mut body = json!({"name_kana": "テストタロウ", "email": "t@example.jp", "email_confirm": "t@example.jp", "insurer_name": "DeSC健康保険組合",
        "birth_date": "S50.1.1", "inquiry_type": "checkup_code", "body": "はがきを紛失しました", "app_version": "4.1", "device_name": "Pixel 8",
        "os_version": "Android 15", "sp_browser": "Chrome", "consent": true});
    let (st, b) = s.post("/api/v1/portal/inquiries", None, &body).await;
    assert_eq!(st, 201, "{b}");
    body["email_confirm"] = json!("x@example.jp");
    let (st, b) = s.post("/api/v1/portal/inquiries", None, &body).await;
    assert_eq!((st, b["field"].as_str()), (422, Some("email_confirm")));
    body["email_confirm"] = json!("t@example.jp");
    body["inquiry_type"] = json!("nonsense");
    let (st, b) = s.post("/api/v1/portal/inquiries", None, &body).await;
    assert_eq!(
        (st, b["field"].as_str()),
        (422, Some("inquiry_type")),
        "{b}"
    );
    body["inquiry_type"] = json!("other");
    body["consent"] = json!(false);
    let (st, _) = s.post("/api/v1/portal/inquiries", None, &body).await;
    assert_eq!(st, 422, "consent is required");
}
