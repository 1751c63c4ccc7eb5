//! `cargo xtask bench roster` (print-run part): a 10,000-postcard print run through the desk
//! — create the run on a seeded central over loopback HTTP, fetch its data (codes, barcodes,
//! sorted by postal code), render the PDF streamed to a file — against the baseline of
//! rendering the same 10,000 cards from memory with `kencom_postcard::render` alone, in the
//! same process. Prints seconds of each, the ratio, and the process's peak RSS (VmHWM; it
//! includes the in-process server and its seed, so it is an upper bound for the desk).
use kencom_central::clock::{Clock, SystemClock};
use kencom_central::config::Config;
use kencom_central::seed::{self, SeedOptions};
use kencom_central::state::AppState;
use kencom_central::store::sqlite::SqliteStore;
use kencom_central::store::Store;
use kencom_desk_core::views::SignInInput;
use kencom_desk_core::Desk;
use kencom_postcard::{render, Postcard, RenderOptions, Sender};
use std::sync::Arc;
use std::time::Instant;

#[path = "bench_common/mod.rs"]
mod bench_common;
use bench_common::{BenchHost, MemoryVault};

/// Peak resident set of this process so far, in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let cards: i64 = std::env::var("BENCH_CARDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.db");
    let report = {
        let store = SqliteStore::open(&path).unwrap();
        seed::seed(
            &store,
            &Config::default(),
            &SystemClock,
            &SeedOptions {
                members: 3_000,
                insurers: 4,
                seed: 9,
            },
        )
        .unwrap()
    };
    // Queue `cards` postcards for さくら電機 (insurer 2), cycling over its members (a bench
    // needs volume, not distinct people).
    {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
                  m AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k,
                               count(*) OVER () AS c FROM roster_members WHERE insurer_id = 2)
             INSERT INTO postcards (insurer_id, roster_member_id, checkup_code_id, code_clear, created_at)
             SELECT 2, m.id, (SELECT min(id) FROM checkup_codes), 'K7MN4PQR8XYZ', 0
             FROM n JOIN m ON m.k = (n.i - 1) % m.c",
            [cards],
        )
        .unwrap();
    }
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
        .find(|o| o.login_id == "admin-sakura")
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
    let before = peak_rss_mb();

    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let run = desk.create_print_run().await.unwrap();
    let saved = desk
        .save_print_run(run.id, out.path().join("run.pdf").to_string_lossy().into())
        .await
        .unwrap();
    let ours = started.elapsed().as_secs_f64();
    let after = peak_rss_mb();

    // Baseline: the same cards rendered from memory, no server, no fetch.
    let sample = Postcard {
        postal_code: "100-0013".into(),
        postal_code_catch_all: false,
        address: vec![
            "東京都千代田区霞が関1丁目3番2号".into(),
            "郵便プラザ503室".into(),
        ],
        name: "電機 一郎".into(),
        code: "K7MN4PQR8XYZ".into(),
        sender: Sender {
            name: "さくら電機健康保険組合".into(),
            postal_code: "530-0001".into(),
            address: vec!["大阪府大阪市北区梅田1丁目1番1号".into()],
            contact: None,
        },
    };
    let file = std::fs::File::create(out.path().join("baseline.pdf")).unwrap();
    let started = Instant::now();
    let stats = render(
        std::iter::repeat_n(sample, saved.cards.len()),
        std::io::BufWriter::new(file),
        &RenderOptions::default(),
    )
    .unwrap();
    let baseline = started.elapsed().as_secs_f64();

    println!(
        "print run of {} postcards through the desk (create + fetch + PDF):",
        saved.cards.len()
    );
    println!(
        "  ours      {ours:>7.2} s  ({} pages, {:.1} MB, {} skipped)",
        saved.pages,
        saved.bytes as f64 / 1e6,
        saved.skipped.len()
    );
    println!(
        "  baseline  {baseline:>7.2} s  (render only, {} pages, {:.1} MB)",
        stats.pages,
        stats.bytes as f64 / 1e6
    );
    println!("  ratio (ours / render only): {:.2}×", ours / baseline);
    println!(
        "  peak RSS of the whole process: {after:.0} MB (before the run: {before:.0} MB; goal ≤ 300 MB)"
    );
}
