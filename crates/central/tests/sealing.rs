//! TOTP seeds at rest: sealed in the database (never the clear seed), sealed on open when a
//! database from before sealing still holds one in clear, bound to their operator, and the
//! CLI's master key file beside the database (created owner-only, required to serve it).

mod common;

use std::process::Command;

use common::TestServer;
use kencom_central::clock::Clock;
use kencom_central::config::Config;
use serde_json::json;

fn stored_seeds(db: &std::path::Path) -> Vec<(String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut q = c
        .prepare("SELECT login_id, totp_secret FROM operators ORDER BY id")
        .unwrap();
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn seeds_are_sealed_at_rest_and_still_sign_in() {
    let s = TestServer::start().await;
    let stored = stored_seeds(&s.db_path);
    assert_eq!(stored.len(), s.report.operators.len());
    for (login, value) in &stored {
        let clear = &s.operator(login).totp_secret;
        assert!(value.starts_with("v1."), "{login} stored sealed");
        assert!(!value.contains(clear.as_str()), "{login}: no clear seed");
        assert_eq!(
            &Config::default().totp_key.open(login, value).unwrap(),
            clear
        );
    }
    // Signing in opens the seed.
    s.token("agent01").await;
}

#[tokio::test]
async fn a_seed_in_clear_is_sealed_when_the_database_is_opened() {
    let s = TestServer::start().await;
    let clear = s.operator("super01").totp_secret.clone();
    let c = rusqlite::Connection::open(&s.db_path).unwrap();
    c.execute(
        "UPDATE operators SET totp_secret = ?1 WHERE login_id = 'super01'",
        [&clear],
    )
    .unwrap();
    // A server from before sealing still signs this operator in…
    s.token("super01").await;
    // …and the next open of the database seals the seed.
    let state = kencom_central::app::open_with_clock(
        &s.db_path,
        Config::default(),
        std::sync::Arc::new(s.clock.clone()),
    )
    .unwrap();
    drop(state);
    let (_, value) = stored_seeds(&s.db_path)
        .into_iter()
        .find(|(l, _)| l == "super01")
        .unwrap();
    assert!(value.starts_with("v1."), "sealed on open: {value}");
    assert_eq!(
        Config::default().totp_key.open("super01", &value).unwrap(),
        clear
    );
    s.token("super01").await;
}

#[tokio::test]
async fn a_sealed_seed_copied_to_another_operator_does_not_sign_in() {
    let s = TestServer::start().await;
    let c = rusqlite::Connection::open(&s.db_path).unwrap();
    c.execute(
        "UPDATE operators SET totp_secret = (SELECT totp_secret FROM operators WHERE login_id = 'agent01') \
         WHERE login_id = 'agent02'",
        [],
    )
    .unwrap();
    s.clock.advance(30_000);
    let (a1, a2) = (s.operator("agent01"), s.operator("agent02"));
    for seed in [&a1.totp_secret, &a2.totp_secret] {
        let totp = kencom_central::secrets::current_totp(seed, s.clock.now());
        let (st, b) = s
            .post(
                "/api/v1/operator/auth/login",
                None,
                &json!({"login_id": "agent02", "password": a2.password, "totp": totp}),
            )
            .await;
        assert_eq!(
            (st, b["code"].as_str()),
            (401, Some("invalid_credentials")),
            "a seed bound to agent01 opens for nobody else"
        );
    }
}

/// `seed` makes `<db>.key` (0600) and `serve` needs it: the demo's sign-in works with the
/// seeded secrets over HTTP, and without the key file the database is refused.
#[tokio::test]
async fn the_cli_keeps_the_master_key_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let key = dir.path().join("c.db.key");
    let bin = env!("CARGO_BIN_EXE_kencom-central");
    let seeded = Command::new(bin)
        .args(["seed", "--db", db.to_str().unwrap()])
        .args(["--members", "40", "--insurers", "2", "--seed", "5"])
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    assert!(key.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "owner-only key file");
    }
    let out = String::from_utf8(seeded.stdout).unwrap();
    let line = out.lines().find(|l| l.contains("agent01")).unwrap();
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(name))
            .unwrap()
            .to_string()
    };
    let (password, seed) = (field("password="), field("totp_secret="));
    for (login, value) in stored_seeds(&db) {
        assert!(value.starts_with("v1."), "{login} sealed by the CLI seed");
    }

    let server = common::CliServer::start(&db, &[]);
    let totp =
        kencom_central::secrets::current_totp(&seed, kencom_central::clock::SystemClock.now());
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/operator/auth/login", server.base))
        .json(&json!({"login_id": "agent01", "password": password, "totp": totp}))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    drop(server);
    assert_eq!(
        status, 200,
        "the seeded operator signs in with the CLI's key"
    );

    // Without its key the database is refused, and no new key is made for it.
    let elsewhere = dir.path().join("elsewhere.key");
    std::fs::rename(&key, &elsewhere).unwrap();
    let refused = common::CliServer::command(&db, &[]).output().unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(err.contains("key file is missing"), "{err}");
    assert!(!key.exists(), "no new key is made for an existing database");

    // --key-file points at it wherever it is kept.
    let server = common::CliServer::start(&db, &["--key-file", elsewhere.to_str().unwrap()]);
    assert!(
        server.base.starts_with("http://127.0.0.1:"),
        "{}",
        server.base
    );
}
