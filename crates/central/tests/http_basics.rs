//! The HTTP contract: problem+json for every malformed input (never 5xx), body limits,
//! OpenAPI 3.1, and the binary's `listening on` line with an OS-picked port.

mod common;

use common::TestServer;
use serde_json::json;

#[tokio::test]
async fn malformed_input_is_4xx_problem_json() {
    let s = TestServer::start().await;
    let c = &s.http;
    let r = c
        .post(s.url("/api/v1/portal/register"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // A JSON array is valid JSON but not a body: serde would read it as a struct whose
    // fields are all optional (schemathesis found POST /portal/captcha accepting `[]`).
    for body in ["[]", "5", "\"x\""] {
        let r = c
            .post(s.url("/api/v1/portal/captcha"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "a non-object body {body} must be refused");
    }
    let r = c
        .post(s.url("/api/v1/portal/register"))
        .json(&json!({"email": 5, "password": "x", "consent_terms": true, "consent_privacy": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["field"], "email", "the field at fault is named");
    let r = c
        .post(s.url("/api/v1/portal/register"))
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let big = "x".repeat(100 * 1024);
    let r = c
        .post(s.url("/api/v1/portal/inquiries"))
        .json(&json!({"body": big}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413, "bodies over the limit are refused");
    let r = c.get(s.url("/api/v1/nowhere")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["code"], "route_not_found");
    let r = c
        .delete(s.url("/api/v1/portal/register"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let t = s.token("agent01").await;
    let (st, _) = s.get("/api/v1/operator/members/notanumber", Some(&t)).await;
    assert_eq!(st, 400);
    let (st, _) = s
        .get("/api/v1/operator/members/99999999999999999999999", Some(&t))
        .await;
    assert_eq!(st, 400);
    let (st, _) = s.get("/api/v1/operator/me", Some("garbage")).await;
    assert_eq!(st, 401);
}

#[tokio::test]
async fn openapi_document_is_3_1_and_lists_every_route() {
    let s = TestServer::start().await;
    let (st, doc) = s.get("/openapi.json", None).await;
    assert_eq!(st, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 40, "{}", paths.len());
    assert!(paths.contains_key("/api/v1/operator/cases/{id}/reissue"));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn binary_prints_the_bound_address() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let server = common::CliServer::start(&db, &[]);
    let addr = server
        .base
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("unexpected base {}", server.base))
        .to_string();
    let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0, "the OS picked a port");
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    use std::io::{Read, Write};
    stream
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut resp = String::new();
    stream.read_to_string(&mut resp).unwrap();
    assert!(
        resp.starts_with("HTTP/1.1 200") && resp.contains("\"ok\""),
        "{resp}"
    );
}
