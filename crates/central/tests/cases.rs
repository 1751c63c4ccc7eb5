//! Inquiry queue → case → identity verification → gated actions (reissue, reveal e-mail,
//! resend activation, unlock), idempotent replays, and the reissue → print run → new code
//! works / old code refused chain.

mod common;

use common::TestServer;
use serde_json::{json, Value};

async fn inquiry_id(s: &TestServer, t: &str, name: &str, inquiry_type: &str) -> i64 {
    let (st, page) = s
        .get(
            "/api/v1/operator/inquiries?status=new&per_page=100",
            Some(t),
        )
        .await;
    assert_eq!(st, 200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name_kana"] == name && i["inquiry_type"] == inquiry_type)
        .unwrap_or_else(|| panic!("{page}"))["id"]
        .as_i64()
        .unwrap()
}

fn factors(all_match: bool) -> Value {
    json!([{"factor": "name_kana", "matched": true}, {"factor": "birth_date", "matched": true}, {"factor": "address", "matched": all_match}])
}

#[tokio::test]
async fn claim_verify_reissue_print_and_use_the_new_code() {
    let s = TestServer::start().await;
    let agent = s.token("agent01").await;
    let iq = inquiry_id(&s, &agent, "ケンコウタロウ", "checkup_code").await;
    let (st, case) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{iq}/claim"),
            &agent,
            "claim-1",
            &json!({}),
        )
        .await;
    assert_eq!(st, 201, "{case}");
    let case_id = case["id"].as_i64().unwrap();
    let (st, replay) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{iq}/claim"),
            &agent,
            "claim-1",
            &json!({}),
        )
        .await;
    assert_eq!(
        (st, &replay),
        (201, &case),
        "a replay returns the stored outcome"
    );
    let other = s.token("agent02").await;
    let (st, b) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{iq}/claim"),
            &other,
            "claim-x",
            &json!({}),
        )
        .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (409, Some("already_claimed")),
        "{b}"
    );
    assert!(
        b["detail"].as_str().unwrap().contains("窓口 一郎"),
        "says who has it"
    );

    // This union prints at the desk in the demo data; send its postcards to print runs.
    let admin = s.token("admin-desc").await;
    let (_, insurers) = s.get("/api/v1/operator/insurers", Some(&admin)).await;
    let insurer_id = insurers[0]["id"].as_i64().unwrap();
    assert_eq!(insurers[0]["desk_prints_postcards"], true, "{insurers}");
    let (st, i) = s
        .send(
            "PUT",
            &format!("/api/v1/operator/insurers/{insurer_id}/postcard-printing"),
            Some(&admin),
            Some("pp-1"),
            Some(&json!({"desk_prints_postcards": false})),
            None,
        )
        .await;
    assert_eq!(
        (st, &i["desk_prints_postcards"]),
        (200, &json!(false)),
        "{i}"
    );

    let reissue = format!("/api/v1/operator/cases/{case_id}/reissue");
    let (st, b) = s.mutate(&reissue, &agent, "r-0", &json!({})).await;
    assert_eq!(
        (st, b["code"].as_str()),
        (403, Some("verification_required")),
        "no reissue without a verification"
    );
    let member = s.demo_member(&agent, "ケンコウタロウ", "1960-01-01").await;
    let verify = format!("/api/v1/operator/cases/{case_id}/verifications");
    let (st, v) = s
        .mutate(
            &verify,
            &agent,
            "v-1",
            &json!({"member_id": member, "factors": factors(false)}),
        )
        .await;
    assert_eq!((st, v["passed"].as_bool()), (201, Some(false)));
    let (st, _) = s.mutate(&reissue, &agent, "r-1", &json!({})).await;
    assert_eq!(st, 403, "a failed verification keeps the actions locked");
    let (_, v) = s
        .mutate(
            &verify,
            &agent,
            "v-2",
            &json!({"member_id": member, "factors": factors(true)}),
        )
        .await;
    assert_eq!(v["passed"], true);
    // Another operator cannot use this operator's verification.
    let (st, _) = s.mutate(&reissue, &other, "r-other", &json!({})).await;
    assert_eq!(st, 403);
    let (st, r) = s.mutate(&reissue, &agent, "r-2", &json!({})).await;
    assert_eq!(st, 200, "{r}");
    assert!(r["expected_from"].as_str().is_some() && r["expected_to"].as_str().is_some());
    let (_, r2) = s.mutate(&reissue, &agent, "r-2", &json!({})).await;
    assert_eq!(r, r2, "a replayed reissue returns the first outcome");
    let (st, b) = s
        .mutate(&reissue, &agent, "r-2", &json!({"different": true}))
        .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    let (_, c) = s
        .get(&format!("/api/v1/operator/cases/{case_id}"), Some(&agent))
        .await;
    assert_eq!(
        c["reissues"].as_array().unwrap().len(),
        1,
        "a replay must not issue a second code"
    );

    let (st, e) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/reveal-email"),
            &agent,
            "e-1",
            &json!({}),
        )
        .await;
    assert_eq!(
        (st, e["email"].as_str()),
        (200, Some("kenko.taro@example.jp"))
    );
    // The window closes.
    s.clock.advance(31 * 60_000);
    let agent = s.token("agent01").await;
    let (st, _) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/reveal-email"),
            &agent,
            "e-2",
            &json!({}),
        )
        .await;
    assert_eq!(st, 403, "verifications expire");

    assert_eq!(r["desk_print"], false, "{r}");
    let (st, b) = s
        .get(
            &format!(
                "/api/v1/operator/cases/{case_id}/reissues/{}/postcard",
                r["id"]
            ),
            Some(&agent),
        )
        .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (409, Some("postcard_not_at_desk")),
        "a run postcard is not handed to the desk"
    );

    // The union prints the postcard; the code is handed out once.
    let admin = s.token("admin-desc").await;
    let (_, pending) = s.get("/api/v1/operator/print/pending", Some(&admin)).await;
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let (st, run) = s
        .mutate("/api/v1/operator/print-runs", &admin, "run-1", &json!({}))
        .await;
    assert_eq!(st, 201);
    let run_id = run["id"].as_i64().unwrap();
    let (st, data) = s
        .mutate(
            &format!("/api/v1/operator/print-runs/{run_id}/postcards"),
            &admin,
            "f-1",
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{data}");
    let card = &data["postcards"][0];
    let code = card["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 12);
    let bars: Vec<String> = serde_json::from_value(card["barcode"].clone()).unwrap();
    assert_eq!(bars.first().map(String::as_str), Some("START"));
    assert_eq!(bars.len(), 23, "START + 20 data + check + STOP");
    assert_eq!(bars[1..8].join(""), "1000013", "postal code first");
    let (st, again) = s
        .mutate(
            &format!("/api/v1/operator/print-runs/{run_id}/postcards"),
            &admin,
            "f-2",
            &json!({}),
        )
        .await;
    assert_eq!(
        st, 200,
        "refetchable until printed (a failed save must not cost the codes)"
    );
    assert_eq!(again["postcards"][0]["code"], code.as_str());
    let (st, m) = s
        .mutate(
            &format!("/api/v1/operator/print-runs/{run_id}/mark"),
            &admin,
            "m-1",
            &json!({"state": "mailed"}),
        )
        .await;
    assert_eq!((st, m["code"].as_str()), (409, Some("not_printed")));
    let (st, _) = s
        .mutate(
            &format!("/api/v1/operator/print-runs/{run_id}/mark"),
            &admin,
            "m-2",
            &json!({"state": "printed"}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, gone) = s
        .mutate(
            &format!("/api/v1/operator/print-runs/{run_id}/postcards"),
            &admin,
            "f-3",
            &json!({}),
        )
        .await;
    assert_eq!(
        (st, gone["code"].as_str()),
        (409, Some("run_printed")),
        "marking printed wipes the codes"
    );
    assert!(!gone.to_string().contains(&code));

    // The member uses the new code; the old one no longer works.
    let (_, b) = s
        .post(
            "/api/v1/portal/login",
            None,
            &json!({"email": "kenko.taro@example.jp", "password": "kencom2026", "client": "app"}),
        )
        .await;
    let session = b["session_token"].as_str().unwrap().to_string();
    let (st, _) = s
        .post(
            "/api/v1/portal/checkup/verify",
            Some(&session),
            &json!({"code": "KNCM2345TARO", "birth_date": "1960-01-01"}),
        )
        .await;
    assert_eq!(st, 422, "the old code is revoked by the reissue");
    let (st, b) = s
        .post(
            "/api/v1/portal/checkup/verify",
            Some(&session),
            &json!({"code": code, "birth_date": "1960-01-01"}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
}

#[tokio::test]
async fn resend_activation_unlock_notes_and_close() {
    let s = TestServer::start().await;
    let agent = s.token("agent01").await;
    // 岡田 愛: link expired; resend through the desk.
    let iq = inquiry_id(&s, &agent, "オカダアイ", "registration").await;
    let (_, case) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{iq}/claim"),
            &agent,
            "c1",
            &json!({}),
        )
        .await;
    let case_id = case["id"].as_i64().unwrap();
    let member = s.demo_member(&agent, "オカダアイ", "1992-07-07").await;
    let (st, _) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/verifications"),
            &agent,
            "v1",
            &json!({"member_id": member, "factors": factors(true)}),
        )
        .await;
    assert_eq!(st, 201);
    let (st, r) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/resend-activation"),
            &agent,
            "rs1",
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let token = s.activation_token("ai.okada@example.jp").await;
    let (st, _) = s
        .post(
            &format!("/api/v1/portal/activate/{token}"),
            None,
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "the resent link works");
    let (st, c) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/notes"),
            &agent,
            "n1",
            &json!({"body": "再送信しました"}),
        )
        .await;
    assert_eq!(
        (st, c["notes"][0]["body"].as_str()),
        (200, Some("再送信しました"))
    );
    let (st, b) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/notes"),
            &agent,
            "n2",
            &json!({"body": ""}),
        )
        .await;
    assert_eq!((st, b["field"].as_str()), (422, Some("body")));
    let (st, _) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/status"),
            &agent,
            "s1",
            &json!({"status": "waiting"}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, b) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/close"),
            &agent,
            "x0",
            &json!({"resolution": "bogus"}),
        )
        .await;
    assert_eq!((st, b["field"].as_str()), (422, Some("resolution")));
    let (st, c) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/close"),
            &agent,
            "x1",
            &json!({"resolution": "answered"}),
        )
        .await;
    assert_eq!((st, c["status"].as_str()), (200, Some("closed")));
    let (st, _) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/notes"),
            &agent,
            "n3",
            &json!({"body": "late"}),
        )
        .await;
    assert_eq!(st, 409, "closed cases take no more changes");

    // 近藤 由美子: locked; unlock after verification.
    let iq = inquiry_id(&s, &agent, "コンドウユミコ", "login").await;
    let (_, case) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{iq}/claim"),
            &agent,
            "c2",
            &json!({}),
        )
        .await;
    let case_id = case["id"].as_i64().unwrap();
    let member = s.demo_member(&agent, "コンドウユミコ", "1974-02-02").await;
    let (st, _) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/unlock"),
            &agent,
            "u0",
            &json!({}),
        )
        .await;
    assert_eq!(st, 403);
    s.mutate(
        &format!("/api/v1/operator/cases/{case_id}/verifications"),
        &agent,
        "v2",
        &json!({"member_id": member, "factors": factors(true)}),
    )
    .await;
    let (st, u) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/unlock"),
            &agent,
            "u1",
            &json!({}),
        )
        .await;
    assert_eq!((st, u["was_locked"].as_bool()), (200, Some(true)));
    let (st, _) = s
        .post(
            "/api/v1/portal/login",
            None,
            &json!({"email": "yumiko.kondo@example.jp", "password": "kencom2026", "client": "app"}),
        )
        .await;
    assert_eq!(st, 200, "unlocked members can log in");
}

#[tokio::test]
async fn mutations_need_an_idempotency_key_and_roles() {
    let s = TestServer::start().await;
    let agent = s.token("agent01").await;
    let (st, b) = s
        .post(
            "/api/v1/operator/inquiries/1/claim",
            Some(&agent),
            &json!({}),
        )
        .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (400, Some("idempotency_key_required"))
    );
    let admin = s.token("admin-desc").await;
    let (st, _) = s.get("/api/v1/operator/inquiries", Some(&admin)).await;
    assert_eq!(st, 403, "insurer admins do not work the desk's queue");
    let (st, _) = s.get("/api/v1/operator/print/pending", Some(&agent)).await;
    assert_eq!(st, 403, "agents do not print");
    let (st, _) = s.get("/api/v1/operator/audit", Some(&agent)).await;
    assert_eq!(st, 403, "only supervisors read the audit log");
}

/// A union that lets the desk print: the reissue's postcard skips the print runs, the case's
/// agent fetches its data (audited) until reporting it printed, then the code is gone.
#[tokio::test]
async fn a_desk_printing_union_hands_the_postcard_to_the_agent_until_printed() {
    let s = TestServer::start().await;
    let agent = s.token("agent01").await;
    let iq = inquiry_id(&s, &agent, "ケンコウタロウ", "checkup_code").await;
    let (_, case) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{iq}/claim"),
            &agent,
            "c",
            &json!({}),
        )
        .await;
    let case_id = case["id"].as_i64().unwrap();
    let member = s.demo_member(&agent, "ケンコウタロウ", "1960-01-01").await;
    let (_, v) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/verifications"),
            &agent,
            "v",
            &json!({"member_id": member, "factors": factors(true)}),
        )
        .await;
    assert_eq!(v["passed"], true);
    let (st, r) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/reissue"),
            &agent,
            "r",
            &json!({}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(
        (&r["desk_print"], &r["printed_at"]),
        (&json!(true), &Value::Null)
    );
    let rid = r["id"].as_i64().unwrap();

    let admin = s.token("admin-desc").await;
    let (_, pending) = s.get("/api/v1/operator/print/pending", Some(&admin)).await;
    assert_eq!(
        pending,
        json!([]),
        "a desk postcard is not in the union's queue"
    );

    let card = format!("/api/v1/operator/cases/{case_id}/reissues/{rid}/postcard");
    let (st, data) = s.get(&card, Some(&agent)).await;
    assert_eq!(st, 200, "{data}");
    assert_eq!(data["name_kanji"], "健康\u{3000}太郎");
    let code = data["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 12);
    assert_eq!(data["barcode"][0], "START");
    let (_, again) = s.get(&card, Some(&agent)).await;
    assert_eq!(
        again["code"],
        code.as_str(),
        "fetchable again until printed"
    );
    let other = s.token("agent02").await;
    let (st, b) = s.get(&card, Some(&other)).await;
    assert_eq!((st, b["code"].as_str()), (403, Some("case_not_yours")));
    assert!(!b.to_string().contains(&code));
    let (st, _) = s
        .get(
            &format!(
                "/api/v1/operator/cases/{case_id}/reissues/{}/postcard",
                rid + 99
            ),
            Some(&agent),
        )
        .await;
    assert_eq!(st, 404);

    let printed = format!("/api/v1/operator/cases/{case_id}/reissues/{rid}/printed");
    let (st, p) = s.mutate(&printed, &agent, "p-1", &json!({})).await;
    assert_eq!(st, 200, "{p}");
    assert!(p["printed_at"].as_str().is_some(), "{p}");
    let (st, p2) = s.mutate(&printed, &agent, "p-2", &json!({})).await;
    assert_eq!(
        (st, &p2["printed_at"]),
        (200, &p["printed_at"]),
        "marking twice is harmless"
    );
    let (st, b) = s.get(&card, Some(&agent)).await;
    assert_eq!((st, b["code"].as_str()), (409, Some("postcard_printed")));
    let (_, c) = s
        .get(&format!("/api/v1/operator/cases/{case_id}"), Some(&agent))
        .await;
    assert_eq!(c["reissues"][0]["printed_at"], p["printed_at"]);

    let sup = s.token("super01").await;
    let (_, audit) = s
        .get(
            "/api/v1/operator/audit?action=case.postcard_data",
            Some(&sup),
        )
        .await;
    assert_eq!(
        audit["items"].as_array().map(Vec::len),
        Some(2),
        "each fetch of the code is audited: {audit}"
    );

    // The code the desk printed is the member's new code.
    let (_, b) = s
        .post(
            "/api/v1/portal/login",
            None,
            &json!({"email": "kenko.taro@example.jp", "password": "kencom2026", "client": "app"}),
        )
        .await;
    let session = b["session_token"].as_str().unwrap().to_string();
    let (st, b) = s
        .post(
            "/api/v1/portal/checkup/verify",
            Some(&session),
            &json!({"code": code, "birth_date": "1960-01-01"}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
}

/// A reprint revokes the printed code and queues a new postcard with a new code.
#[tokio::test]
async fn a_reprint_revokes_the_code_and_queues_a_new_postcard() {
    let s = TestServer::start().await;
    let admin = s.token("admin-desc").await;
    let (_, insurers) = s.get("/api/v1/operator/insurers", Some(&admin)).await;
    let insurer_id = insurers[0]["id"].as_i64().unwrap();
    s.send(
        "PUT",
        &format!("/api/v1/operator/insurers/{insurer_id}/postcard-printing"),
        Some(&admin),
        Some("pp"),
        Some(&json!({"desk_prints_postcards": false})),
        None,
    )
    .await;
    let agent = s.token("agent01").await;
    let iq = inquiry_id(&s, &agent, "ケンコウタロウ", "checkup_code").await;
    let (_, case) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{iq}/claim"),
            &agent,
            "c",
            &json!({}),
        )
        .await;
    let case_id = case["id"].as_i64().unwrap();
    let member = s.demo_member(&agent, "ケンコウタロウ", "1960-01-01").await;
    s.mutate(
        &format!("/api/v1/operator/cases/{case_id}/verifications"),
        &agent,
        "v",
        &json!({"member_id": member, "factors": factors(true)}),
    )
    .await;
    let (st, _) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/reissue"),
            &agent,
            "r",
            &json!({}),
        )
        .await;
    assert_eq!(st, 200);
    let (_, run) = s
        .mutate("/api/v1/operator/print-runs", &admin, "run", &json!({}))
        .await;
    let run_id = run["id"].as_i64().unwrap();
    let (_, data) = s
        .mutate(
            &format!("/api/v1/operator/print-runs/{run_id}/postcards"),
            &admin,
            "f",
            &json!({}),
        )
        .await;
    let old_code = data["postcards"][0]["code"].as_str().unwrap().to_string();
    let pid = data["postcards"][0]["postcard_id"].as_i64().unwrap();
    let reprint = format!("/api/v1/operator/print-runs/{run_id}/postcards/{pid}/reprint");
    let other = s.token("admin-sakura").await;
    let (st, _) = s.mutate(&reprint, &other, "x", &json!({})).await;
    assert_eq!(st, 404, "another union's run is invisible");
    let (st, p) = s.mutate(&reprint, &admin, "rp", &json!({})).await;
    assert_eq!(st, 201, "{p}");
    let (_, pending) = s.get("/api/v1/operator/print/pending", Some(&admin)).await;
    assert_eq!(
        pending.as_array().unwrap().len(),
        1,
        "the new postcard waits for a run"
    );
    let (_, run2) = s
        .mutate("/api/v1/operator/print-runs", &admin, "run2", &json!({}))
        .await;
    let (_, data2) = s
        .mutate(
            &format!("/api/v1/operator/print-runs/{}/postcards", run2["id"]),
            &admin,
            "f2",
            &json!({}),
        )
        .await;
    let new_code = data2["postcards"][0]["code"].as_str().unwrap().to_string();
    assert_ne!(new_code, old_code);
    let sup = s.token("super01").await;
    let (_, audit) = s
        .get("/api/v1/operator/audit?action=print.reprint", Some(&sup))
        .await;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1), "{audit}");

    let (_, b) = s
        .post(
            "/api/v1/portal/login",
            None,
            &json!({"email": "kenko.taro@example.jp", "password": "kencom2026", "client": "app"}),
        )
        .await;
    let session = b["session_token"].as_str().unwrap().to_string();
    for (code, want) in [(&old_code, 422), (&new_code, 200)] {
        let (st, b) = s
            .post(
                "/api/v1/portal/checkup/verify",
                Some(&session),
                &json!({"code": code, "birth_date": "1960-01-01"}),
            )
            .await;
        assert_eq!(st, want, "{b}");
    }
}
