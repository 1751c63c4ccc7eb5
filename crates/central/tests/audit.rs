//! The audit chain verifies, and tampering with any stored row (edit or delete, done by
//! someone who bypasses the append-only triggers) is detected at that row.

mod common;

use common::TestServer;

fn raw(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[tokio::test]
async fn chain_verifies_and_edits_are_refused() {
    let s = TestServer::start().await;
    let sup = s.token("super01").await;
    let (st, v) = s.get("/api/v1/operator/audit/verify", Some(&sup)).await;
    assert_eq!((st, v["ok"].as_bool()), (200, Some(true)), "{v}");
    assert!(v["checked"].as_i64().unwrap() > 100);
    let err = raw(&s.db_path)
        .execute("UPDATE audit_log SET detail = 'x' WHERE seq = 5", [])
        .unwrap_err();
    assert!(
        err.to_string().contains("append-only"),
        "the database refuses edits: {err}"
    );
    assert!(raw(&s.db_path)
        .execute("DELETE FROM audit_log WHERE seq = 5", [])
        .is_err());
}

#[tokio::test]
async fn tampering_is_detected() {
    let s = TestServer::start().await;
    let sup = s.token("super01").await;
    let conn = raw(&s.db_path);
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .unwrap();
    conn.execute(
        "UPDATE audit_log SET detail = detail || ' ' WHERE seq = 42",
        [],
    )
    .unwrap();
    let (_, v) = s.get("/api/v1/operator/audit/verify", Some(&sup)).await;
    assert_eq!(
        (v["ok"].as_bool(), v["first_bad_seq"].as_i64()),
        (Some(false), Some(42)),
        "an edited row is found: {v}"
    );
    conn.execute(
        "UPDATE audit_log SET detail = substr(detail, 1, length(detail) - 1) WHERE seq = 42",
        [],
    )
    .unwrap();
    let (_, v) = s.get("/api/v1/operator/audit/verify", Some(&sup)).await;
    assert_eq!(v["ok"], true, "restoring the row restores the chain");
    conn.execute("DELETE FROM audit_log WHERE seq = 77", [])
        .unwrap();
    let (_, v) = s.get("/api/v1/operator/audit/verify", Some(&sup)).await;
    assert_eq!(
        (v["ok"].as_bool(), v["first_bad_seq"].as_i64()),
        (Some(false), Some(77)),
        "a deleted row is found: {v}"
    );
}
