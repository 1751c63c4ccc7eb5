//! `cargo xtask bench desk` (search part): member search through the desk's use-case
//! (validation, session, client, JSON decode) against the bare HTTP call of the same query
//! on the same server, interleaved in one run so both see the same machine. Prints p50/p99
//! of each and the ratio.
use kencom_api::operator::MemberSearchQuery;
use kencom_central::clock::{Clock, SystemClock};
use kencom_central::config::Config;
use kencom_central::seed::{self, SeedOptions};
use kencom_central::state::AppState;
use kencom_central::store::sqlite::SqliteStore;
use kencom_central::store::Store;
use kencom_desk_core::views::SignInInput;
use kencom_desk_core::Desk;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "bench_common/mod.rs"]
mod bench_common;
use bench_common::{BenchHost, MemoryVault};

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let members: u64 = std::env::var("BENCH_MEMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let iterations: usize = std::env::var("BENCH_ITER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.db");
    let report = {
        let store = SqliteStore::open(&path).unwrap();
        seed::seed(
            &store,
            &Config::default(),
            &SystemClock,
            &SeedOptions {
                members,
                insurers: 4,
                seed: 5,
            },
        )
        .unwrap()
    };
    let state = AppState {
        store: Store::new(Arc::new(SqliteStore::open(&path).unwrap())),
        clock: Arc::new(SystemClock),
        config: Arc::new(Config::default()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        kencom_central::http::serve(listener, state, std::future::pending()).await
    });

    let op = report
        .operators
        .iter()
        .find(|o| o.login_id == "agent01")
        .unwrap();
    let desk = Desk::new(Arc::new(BenchHost(
        tempfile::tempdir().unwrap(),
        MemoryVault::default(),
    )));
    desk.sign_in(SignInInput {
        central_url: base.clone(),
        login_id: op.login_id.clone(),
        password: op.password.clone(),
        totp: kencom_central::secrets::current_totp(&op.totp_secret, SystemClock.now()),
    })
    .await
    .unwrap();
    // The bare call uses its own token from the same login API.
    let http = reqwest::Client::new();
    let pair: serde_json::Value = http
        .post(format!("{base}/api/v1/operator/auth/login"))
        .json(&serde_json::json!({
            "login_id": op.login_id, "password": op.password,
            "totp": kencom_central::secrets::current_totp(&op.totp_secret, SystemClock.now() + 30_000)
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = pair["access_token"]
        .as_str()
        .expect("bare login")
        .to_owned();

    let queries = [
        ("ケンコウ", None),
        ("ヤマダ", None),
        ("タロウ", Some("1960-01-01")),
        ("サトウ", None),
    ];
    let (mut ours, mut bare) = (Vec::new(), Vec::new());
    for i in 0..iterations {
        let (kana, birth) = queries[i % queries.len()];
        let q = MemberSearchQuery {
            kana: Some(kana.into()),
            birth_date: birth.map(Into::into),
            ..Default::default()
        };
        let t = Instant::now();
        let page = desk.search_members(q).await.unwrap();
        ours.push(t.elapsed());
        let mut url = format!("{base}/api/v1/operator/members?kana={kana}");
        if let Some(b) = birth {
            url.push_str(&format!("&birth_date={b}"));
        }
        let t = Instant::now();
        let v: serde_json::Value = http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        bare.push(t.elapsed());
        assert_eq!(
            v["total"].as_i64(),
            Some(page.total),
            "both paths must see the same result"
        );
    }
    let (o50, o99, b50, b99) = (
        pct(&mut ours, 0.5),
        pct(&mut ours, 0.99),
        pct(&mut bare, 0.5),
        pct(&mut bare, 0.99),
    );
    println!("member search, {members} seeded members, {iterations} queries each, interleaved");
    println!("  desk use-case : p50 {:>8.2?}  p99 {:>8.2?}", o50, o99);
    println!("  bare HTTP     : p50 {:>8.2?}  p99 {:>8.2?}", b50, b99);
    println!(
        "  ratio desk/bare: p50 {:.2}x  p99 {:.2}x",
        o50.as_secs_f64() / b50.as_secs_f64(),
        o99.as_secs_f64() / b99.as_secs_f64()
    );
}
