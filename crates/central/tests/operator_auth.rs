//! Operator sign-in: password + TOTP, short-lived access, rotating refresh (reuse revokes
//! the login), logout and role changes revoke.

mod common;

use common::TestServer;
use kencom_central::clock::Clock;
use serde_json::json;

#[tokio::test]
async fn login_requires_password_and_totp() {
    let s = TestServer::start().await;
    let o = s.operator("agent01").clone();
    let (st, b) = s
        .post(
            "/api/v1/operator/auth/login",
            None,
            &json!({"login_id": "agent01", "password": o.password, "totp": "000000"}),
        )
        .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (401, Some("invalid_credentials")),
        "a wrong TOTP is refused"
    );
    let totp = kencom_central::secrets::current_totp(&o.totp_secret, s.clock.now());
    let (st, _) = s
        .post(
            "/api/v1/operator/auth/login",
            None,
            &json!({"login_id": "agent01", "password": "wrong", "totp": totp}),
        )
        .await;
    assert_eq!(st, 401, "a wrong password is refused");
    let (st, _) = s
        .post(
            "/api/v1/operator/auth/login",
            None,
            &json!({"login_id": "nobody", "password": "x", "totp": totp}),
        )
        .await;
    assert_eq!(st, 401);
    let (st, _) = s
        .post(
            "/api/v1/operator/auth/login",
            None,
            &json!({"login_id": "agent01", "password": o.password, "totp": totp}),
        )
        .await;
    assert_eq!(st, 200, "password + current TOTP sign in");
    let (st, _) = s
        .post(
            "/api/v1/operator/auth/login",
            None,
            &json!({"login_id": "agent01", "password": o.password, "totp": totp}),
        )
        .await;
    assert_eq!(st, 401, "a TOTP code signs in only once");
    let token = s.token("agent01").await;
    let (st, me) = s.get("/api/v1/operator/me", Some(&token)).await;
    assert_eq!((st, me["role"].as_str()), (200, Some("agent")));
    s.clock.advance(16 * 60_000);
    let (st, b) = s.get("/api/v1/operator/me", Some(&token)).await;
    assert_eq!(
        (st, b["code"].as_str()),
        (401, Some("token_expired")),
        "access tokens are short-lived"
    );
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes() {
    let s = TestServer::start().await;
    let pair = s.login_pair("agent01").await;
    let r1 = pair["refresh_token"].as_str().unwrap();
    let (st, pair2) = s
        .post(
            "/api/v1/operator/auth/refresh",
            None,
            &json!({"refresh_token": r1}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = s
        .get(
            "/api/v1/operator/me",
            Some(pair["access_token"].as_str().unwrap()),
        )
        .await;
    assert_eq!(st, 401, "the old access token dies with the rotation");
    let (st, _) = s
        .get(
            "/api/v1/operator/me",
            Some(pair2["access_token"].as_str().unwrap()),
        )
        .await;
    assert_eq!(st, 200);
    let (st, _) = s
        .post(
            "/api/v1/operator/auth/refresh",
            None,
            &json!({"refresh_token": r1}),
        )
        .await;
    assert_eq!(st, 401, "a spent refresh token is refused");
    let (st, _) = s
        .get(
            "/api/v1/operator/me",
            Some(pair2["access_token"].as_str().unwrap()),
        )
        .await;
    assert_eq!(
        st, 401,
        "reusing a spent refresh token revokes the whole login"
    );
}

#[tokio::test]
async fn logout_and_role_change_revoke() {
    let s = TestServer::start().await;
    let t = s.token("agent02").await;
    let (st, _) = s
        .post("/api/v1/operator/auth/logout", Some(&t), &json!({}))
        .await;
    assert_eq!(st, 204);
    assert_eq!(
        s.get("/api/v1/operator/me", Some(&t)).await.0,
        401,
        "logout revokes"
    );

    let agent = s.token("agent02").await;
    let sup = s.token("super01").await;
    let (_, me) = s.get("/api/v1/operator/me", Some(&agent)).await;
    let id = me["id"].as_i64().unwrap();
    let (st, b) = s
        .mutate(
            &format!("/api/v1/operator/operators/{id}/role"),
            &agent,
            "k1",
            &json!({"role": "supervisor"}),
        )
        .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (403, Some("role_forbidden")),
        "agents cannot change roles"
    );
    let (st, b) = s
        .mutate(
            &format!("/api/v1/operator/operators/{id}/role"),
            &sup,
            "k1",
            &json!({"role": "insurer_admin"}),
        )
        .await;
    assert_eq!((st, b["field"].as_str()), (422, Some("insurer_id")));
    let (st, b) = s
        .mutate(
            &format!("/api/v1/operator/operators/{id}/role"),
            &sup,
            "k2",
            &json!({"role": "supervisor"}),
        )
        .await;
    assert_eq!((st, b["role"].as_str()), (200, Some("supervisor")));
    assert_eq!(
        s.get("/api/v1/operator/me", Some(&agent)).await.0,
        401,
        "a role change revokes the operator's sessions"
    );
}
