//! Tenant isolation, generated from the OpenAPI document: every operator endpoint, called
//! by each insurer admin with the OTHER insurer's identifiers (member, case, inquiry, print
//! run, insurer, maintenance window, whitelist entry, roster upload, operator; insurer number,
//! kana, card,
//! e-mail in queries and bodies), answers 403/404 when it names them in the path, never
//! returns any of the other insurer's data, and changes nothing of theirs. New endpoints
//! are covered automatically because the list comes from /openapi.json.
//!
//! Agents and supervisors work for every union by design (Scope::All); their role limits
//! are covered in cases.rs.

mod common;

use common::{urlencode, TestServer};
use serde_json::{json, Value};

/// Identifiers and data markers of one insurer.
struct Tenant {
    admin: &'static str,
    insurer_id: i64,
    insurer_name: String,
    insurer_number: String,
    member_id: i64,
    member_kana: String,
    member_kanji: String,
    member_birth: String,
    case_id: i64,
    inquiry_id: i64,
    run_id: i64,
    reissue_id: i64,
    postcard_id: i64,
    window_id: i64,
    entry_id: i64,
    upload_id: i64,
    operator_id: i64,
}

async fn build(
    s: &TestServer,
    admin: &'static str,
    agent_token: &str,
    ip: &str,
    key: &str,
) -> Tenant {
    let admin_token = s.token(admin).await;
    let (_, me) = s.get("/api/v1/operator/me", Some(&admin_token)).await;
    let insurer_id = me["insurer_id"].as_i64().unwrap();
    let (_, ins) = s
        .get(
            &format!("/api/v1/operator/insurers/{insurer_id}"),
            Some(&admin_token),
        )
        .await;
    let insurer_number = ins["numbers"][0]["number"].as_str().unwrap().to_string();
    let (_, page) = s
        .get(
            &format!("/api/v1/operator/members?insurer_number={insurer_number}&per_page=100"),
            Some(agent_token),
        )
        .await;
    let m = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["relation"] == "insured")
        .unwrap()
        .clone();
    let member_id = m["id"].as_i64().unwrap();
    // Postcards of this union go to print runs (the demo's first union prints at the desk).
    let (st, _) = s
        .send(
            "PUT",
            &format!("/api/v1/operator/insurers/{insurer_id}/postcard-printing"),
            Some(&admin_token),
            Some(&format!("{key}-pp")),
            Some(&json!({"desk_prints_postcards": false})),
            None,
        )
        .await;
    assert_eq!(st, 200);
    // An inquiry about this member → a case → a verified reissue → a print run of this union.
    let (_, inq) = s
        .post(
            "/api/v1/portal/inquiries",
            None,
            &json!({"name_kana": m["name_kana"], "email": format!("{key}@example.jp"), "email_confirm": format!("{key}@example.jp"),
                "insurer_name": ins["name"], "birth_date": m["birth_date"], "inquiry_type": "checkup_code", "body": "紛失", "consent": true}),
        )
        .await;
    let inquiry_id = inq["inquiry_id"].as_i64().unwrap();
    let (_, case) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{inquiry_id}/claim"),
            agent_token,
            &format!("{key}-claim"),
            &json!({}),
        )
        .await;
    let case_id = case["id"].as_i64().unwrap();
    let factors = json!([{"factor": "name_kana", "matched": true}, {"factor": "birth_date", "matched": true}, {"factor": "address", "matched": true}]);
    s.mutate(
        &format!("/api/v1/operator/cases/{case_id}/verifications"),
        agent_token,
        &format!("{key}-v"),
        &json!({"member_id": member_id, "factors": factors}),
    )
    .await;
    let (st, reissue) = s
        .mutate(
            &format!("/api/v1/operator/cases/{case_id}/reissue"),
            agent_token,
            &format!("{key}-r"),
            &json!({}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, run) = s
        .mutate(
            "/api/v1/operator/print-runs",
            &admin_token,
            &format!("{key}-run"),
            &json!({}),
        )
        .await;
    assert_eq!(st, 201, "{run}");
    let (_, ins) = s
        .mutate(&format!("/api/v1/operator/insurers/{insurer_id}/maintenance"), &admin_token, &format!("{key}-mw"), &json!({"starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-02T00:00:00Z", "note": "x"}))
        .await;
    let window_id = ins["maintenance"][0]["id"].as_i64().unwrap();
    let (_, ins) = s
        .mutate(
            &format!("/api/v1/operator/insurers/{insurer_id}/whitelist"),
            &admin_token,
            &format!("{key}-wl"),
            &json!({"ip": ip}),
        )
        .await;
    let entry_id = ins["whitelist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["ip"] == ip)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let hash = format!("{:0>64}", hex_of(key));
    let (st, upload) = s
        .send(
            "POST",
            &format!("/api/v1/operator/insurers/{insurer_id}/roster-uploads"),
            Some(&admin_token),
            None,
            Some(&json!({"file_name": "meibo.csv", "encoding": "utf8", "total_rows": 1, "content_hash": hash})),
            None,
        )
        .await;
    assert_eq!(st, 201, "{upload}");
    Tenant {
        admin,
        insurer_id,
        insurer_name: ins["name"].as_str().unwrap().to_string(),
        insurer_number,
        member_id,
        member_kana: m["name_kana"].as_str().unwrap().to_string(),
        member_kanji: m["name_kanji"].as_str().unwrap().to_string(),
        member_birth: m["birth_date"].as_str().unwrap().to_string(),
        case_id,
        inquiry_id,
        run_id: run["id"].as_i64().unwrap(),
        reissue_id: reissue["id"].as_i64().unwrap(),
        postcard_id: reissue["postcard_id"].as_i64().unwrap(),
        window_id,
        entry_id,
        upload_id: upload["id"].as_i64().unwrap(),
        operator_id: me["id"].as_i64().unwrap(),
    }
}

fn hex_of(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn fill_path(path: &str, t: &Tenant) -> String {
    let id = if path.contains("/roster-uploads/") {
        t.upload_id
    } else if path.contains("/members/") {
        t.member_id
    } else if path.contains("/cases/") {
        t.case_id
    } else if path.contains("/inquiries/") {
        t.inquiry_id
    } else if path.contains("/print-runs/") {
        t.run_id
    } else if path.contains("/insurers/") {
        t.insurer_id
    } else {
        t.operator_id
    };
    path.replace("{id}", &id.to_string())
        .replace("{window_id}", &t.window_id.to_string())
        .replace("{entry_id}", &t.entry_id.to_string())
        .replace("{reissue_id}", &t.reissue_id.to_string())
        .replace("{postcard_id}", &t.postcard_id.to_string())
        .replace("{seq}", "0")
}

fn query(op: &Value, t: &Tenant) -> String {
    let mut q = Vec::new();
    for p in op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
    {
        let name = p["name"].as_str().unwrap();
        let v = match name {
            "kana" => urlencode(&t.member_kana),
            "birth_date" => t.member_birth.clone(),
            "insurer_number" => t.insurer_number.clone(),
            "member_id" => t.member_id.to_string(),
            "operator_id" => t.operator_id.to_string(),
            _ => continue,
        };
        q.push(format!("{name}={v}"));
    }
    if q.is_empty() {
        String::new()
    } else {
        format!("?{}", q.join("&"))
    }
}

fn body(t: &Tenant) -> Value {
    json!({"member_id": t.member_id, "name_kana": t.member_kana, "birth_date": t.member_birth, "insurer_number": t.insurer_number,
        "insurer_name": t.insurer_name, "ip": "192.0.2.250", "starts_at": "2031-01-01T00:00:00Z", "ends_at": "2031-01-02T00:00:00Z",
        "note": "", "state": "printed", "resolution": "answered", "status": "waiting", "body": "x", "role": "agent",
        "factors": [{"factor": "name_kana", "matched": true}], "refresh_token": "x", "insurer_id": t.insurer_id,
        "desk_prints_postcards": false,
        "file_name": "meibo.csv", "encoding": "utf8", "total_rows": 1, "content_hash": format!("{:0>64}", "ab"), "rows": []})
}

#[tokio::test]
async fn insurer_admins_never_reach_the_other_insurer() {
    let s = TestServer::start().await;
    let agent = s.token("agent01").await;
    let a = build(&s, "admin-desc", &agent, "192.0.2.11", "ta").await;
    let b = build(&s, "admin-sakura", &agent, "192.0.2.12", "tb").await;
    let (_, doc) = s.get("/openapi.json", None).await;
    let skip = [
        "/api/v1/operator/auth/login",
        "/api/v1/operator/auth/refresh",
        "/api/v1/operator/auth/logout",
    ];
    let mut checked = 0;
    for (me, other) in [(&a, &b), (&b, &a)] {
        let token = s.token(me.admin).await;
        let markers = [
            other.insurer_name.as_str(),
            other.member_kana.as_str(),
            other.member_kanji.as_str(),
            other.insurer_number.as_str(),
        ];
        for (path, item) in doc["paths"].as_object().unwrap() {
            if !path.starts_with("/api/v1/operator/") || skip.contains(&path.as_str()) {
                continue;
            }
            for (method, op) in item.as_object().unwrap() {
                let url = format!("{}{}", fill_path(path, other), query(op, other));
                let key = format!("iso-{checked}");
                let b = body(other);
                let (st, resp) = s
                    .send(
                        &method.to_uppercase(),
                        &url,
                        Some(&token),
                        Some(&key),
                        (method != "get").then_some(&b),
                        None,
                    )
                    .await;
                let text = resp.to_string();
                assert!(st < 500, "{method} {url} → {st}");
                assert_ne!(
                    resp["code"], "route_not_found",
                    "{method} {path} is in the document but not routed"
                );
                if path.contains('{') {
                    assert!(
                        st == 403 || st == 404,
                        "{} {method} {url} with the other insurer's ids → {st} {text}",
                        me.admin
                    );
                }
                for m in markers {
                    assert!(
                        !text.contains(m),
                        "{} {method} {url} leaked {m}: {text}",
                        me.admin
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 2 * 30,
        "the matrix covers the document ({checked} calls)"
    );
    // Nothing of theirs changed.
    let sup = s.token("super01").await;
    for t in [&a, &b] {
        let (_, ins) = s
            .get(
                &format!("/api/v1/operator/insurers/{}", t.insurer_id),
                Some(&sup),
            )
            .await;
        assert!(
            ins["maintenance"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["id"] == t.window_id),
            "{} window survived",
            t.admin
        );
        assert!(
            ins["whitelist"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["id"] == t.entry_id),
            "{} whitelist survived",
            t.admin
        );
        let token = s.token(t.admin).await;
        let (_, run) = s
            .get(
                &format!("/api/v1/operator/print-runs/{}", t.run_id),
                Some(&token),
            )
            .await;
        assert!(
            run["fetched_at"].is_null(),
            "{} run was not fetched by the other admin",
            t.admin
        );
        let (st, upload) = s
            .get(
                &format!("/api/v1/operator/roster-uploads/{}", t.upload_id),
                Some(&token),
            )
            .await;
        assert_eq!(st, 200, "{upload}");
        assert_eq!(
            upload["received_chunks"],
            json!([]),
            "{} upload got no chunk from the other admin",
            t.admin
        );
        assert!(
            upload["applied_at"].is_null(),
            "{} upload not applied",
            t.admin
        );
        let (_, syncs) = s
            .get(
                &format!("/api/v1/operator/insurers/{}/roster-syncs", t.insurer_id),
                Some(&token),
            )
            .await;
        assert_eq!(
            syncs,
            json!([]),
            "{} got no sync from the other admin",
            t.admin
        );
    }
}
