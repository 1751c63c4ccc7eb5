//! The desk's device stamp on mutations (`X-Device-Id` + `X-Device-Seq`): optional, both or
//! neither, validated; stored with the idempotency record in the order the server first
//! acted; a replay must carry the number of its first send; documented in the OpenAPI.

mod common;

use common::TestServer;
use serde_json::{json, Value};

async fn claimed_case(s: &TestServer, token: &str) -> i64 {
    let (st, page) = s
        .get(
            "/api/v1/operator/inquiries?status=new&per_page=100",
            Some(token),
        )
        .await;
    assert_eq!(st, 200);
    let iq = page["items"][0]["id"].as_i64().unwrap();
    let (st, case) = s
        .mutate(
            &format!("/api/v1/operator/inquiries/{iq}/claim"),
            token,
            "claim-device-seq",
            &json!({}),
        )
        .await;
    assert_eq!(st, 201, "{case}");
    case["id"].as_i64().unwrap()
}

/// POST a note with an Idempotency-Key and the given extra headers.
async fn note(
    s: &TestServer,
    token: &str,
    case: i64,
    key: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut rb = s
        .http
        .post(s.url(&format!("/api/v1/operator/cases/{case}/notes")))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({"body": format!("note {key}")}));
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    let r = rb.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn by_device(s: &TestServer, device: &str) -> Vec<(String, i64)> {
    let device = device.to_owned();
    s.state
        .store
        .read(move |tx| Ok(tx.idempotency_by_device(&device)?))
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.key, d.device_seq))
        .collect()
}

#[tokio::test]
async fn device_stamps_are_validated_recorded_and_fixed_per_key() {
    let s = TestServer::start().await;
    let agent = s.token("agent01").await;
    let case = claimed_case(&s, &agent).await;
    let a = |seq: &'static str| [("X-Device-Id", "dev-a"), ("X-Device-Seq", seq)];

    let (st, first) = note(&s, &agent, case, "n-1", &a("1")).await;
    assert_eq!(st, 200, "{first}");
    let (st, replay) = note(&s, &agent, case, "n-1", &a("1")).await;
    assert_eq!((st, &replay), (200, &first), "a replay with its number");
    let (st, b) = note(&s, &agent, case, "n-1", &a("2")).await;
    assert_eq!(
        (st, b["code"].as_str(), b["field"].as_str()),
        (422, Some("device_seq_mismatch"), Some("X-Device-Seq")),
        "a replay claiming another number: {b}"
    );
    let (st, b) = note(
        &s,
        &agent,
        case,
        "n-1",
        &[("X-Device-Id", "dev-b"), ("X-Device-Seq", "1")],
    )
    .await;
    assert_eq!((st, b["code"].as_str()), (422, Some("device_seq_mismatch")));
    let (st, unstamped) = note(&s, &agent, case, "n-1", &[]).await;
    assert_eq!(
        (st, &unstamped),
        (200, &first),
        "the stamp is optional, also on a replay"
    );

    for (headers, code, field) in [
        (
            vec![("X-Device-Id", "dev-a")],
            "device_seq_incomplete",
            "X-Device-Seq",
        ),
        (
            vec![("X-Device-Seq", "3")],
            "device_seq_incomplete",
            "X-Device-Id",
        ),
        (a("0").to_vec(), "device_seq_invalid", "X-Device-Seq"),
        (a("-3").to_vec(), "device_seq_invalid", "X-Device-Seq"),
        (a("+3").to_vec(), "device_seq_invalid", "X-Device-Seq"),
        (a("3x").to_vec(), "device_seq_invalid", "X-Device-Seq"),
        (
            a("99999999999999999999").to_vec(),
            "device_seq_invalid",
            "X-Device-Seq",
        ),
        (
            vec![("X-Device-Id", "has space"), ("X-Device-Seq", "3")],
            "device_seq_invalid",
            "X-Device-Id",
        ),
    ] {
        let (st, b) = note(&s, &agent, case, "n-bad", &headers).await;
        assert_eq!(
            (st, b["code"].as_str(), b["field"].as_str()),
            (400, Some(code), Some(field)),
            "{headers:?}: {b}"
        );
    }
    let long = "x".repeat(65);
    let (st, _) = note(
        &s,
        &agent,
        case,
        "n-bad",
        &[("X-Device-Id", &long), ("X-Device-Seq", "3")],
    )
    .await;
    assert_eq!(st, 400, "device ids are at most 64 characters");

    // Younger numbers may arrive first (a refused action resent later); order is recorded.
    let (st, _) = note(&s, &agent, case, "n-5", &a("5")).await;
    assert_eq!(st, 200);
    let (st, _) = note(&s, &agent, case, "n-4", &a("4")).await;
    assert_eq!(st, 200);
    let (st, _) = note(
        &s,
        &agent,
        case,
        "n-b",
        &[("X-Device-Id", "dev-b"), ("X-Device-Seq", "1")],
    )
    .await;
    assert_eq!(st, 200);
    // A refused action stores nothing, stamp included.
    let (st, _) = s
        .send(
            "POST",
            "/api/v1/operator/cases/999999/notes",
            Some(&agent),
            Some("n-gone"),
            Some(&json!({"body": "x"})),
            None,
        )
        .await;
    assert_eq!(st, 404);

    assert_eq!(
        by_device(&s, "dev-a").await,
        [("n-1".into(), 1), ("n-5".into(), 5), ("n-4".into(), 4)]
    );
    assert_eq!(by_device(&s, "dev-b").await, [("n-b".into(), 1)]);

    let (st, doc) = s.get("/openapi.json", None).await;
    assert_eq!(st, 200);
    let params = |path: &str| -> Vec<(String, bool)> {
        doc["paths"][path]["post"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "header")
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_owned(),
                    p["required"] == true,
                )
            })
            .collect()
    };
    for path in [
        "/api/v1/operator/cases/{id}/notes",
        "/api/v1/operator/cases/{id}/reissue",
        "/api/v1/operator/inquiries/{id}/claim",
    ] {
        let headers = params(path);
        assert!(
            headers.contains(&("Idempotency-Key".into(), true)),
            "{path}"
        );
        assert!(
            headers.contains(&("X-Device-Id".into(), false)),
            "{path}: {headers:?}"
        );
        assert!(
            headers.contains(&("X-Device-Seq".into(), false)),
            "{path}: {headers:?}"
        );
    }
    assert!(
        doc["paths"]["/api/v1/operator/auth/login"]["post"]["parameters"]
            .as_array()
            .is_none_or(|p| p.iter().all(|p| p["name"] != "X-Device-Seq")),
        "only idempotent mutations take the stamp"
    );
}
