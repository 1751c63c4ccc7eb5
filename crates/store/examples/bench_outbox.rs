//! `cargo xtask bench outbox`: how fast the desk can accept actions. Our enqueue (one
//! transaction: device sequence + outbox row, SQLCipher, synchronous=FULL) against the
//! baseline of a bare fsync'd INSERT of the same payload into the same encrypted file,
//! alternating in one run. Prints actions/s of each and the ratio (goal ≥ 0.7×).
use kencom_store::{CacheDb, CacheKey, NewAction};
use std::time::{Duration, Instant};

fn main() {
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let key = CacheKey::generate();
    let mut db = CacheDb::open(&path, &key).unwrap();

    // The baseline: the same file, the same key and pragmas, a plain table.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(&format!(
        "PRAGMA cipher_log_level = NONE; PRAGMA key = \"x'{}'\";
         PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
         CREATE TABLE IF NOT EXISTS bare (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);",
        key.to_hex()
    ))
    .unwrap();

    let payload = serde_json::json!({ "body": "電話で本人確認のうえ、健診閲覧コードの再発行を案内しました。" });
    let text = payload.to_string();
    let (mut ours, mut bare) = (Duration::ZERO, Duration::ZERO);
    for i in 0..n {
        let t = Instant::now();
        db.transact(|tx| {
            tx.enqueue(
                NewAction {
                    kind: "add_note".into(),
                    case_id: Some("1".into()),
                    member_id: None,
                    payload: payload.clone(),
                },
                i as i64,
            )
        })
        .unwrap();
        ours += t.elapsed();
        let t = Instant::now();
        raw.execute("INSERT INTO bare (payload) VALUES (?1)", [&text])
            .unwrap();
        bare += t.elapsed();
    }
    let ours_rate = n as f64 / ours.as_secs_f64();
    let bare_rate = n as f64 / bare.as_secs_f64();
    println!("outbox enqueue, {n} actions each, alternating, SQLCipher, synchronous=FULL");
    println!("  enqueue (tx: seq + row) : {ours_rate:>10.0} actions/s");
    println!("  bare fsync'd INSERT     : {bare_rate:>10.0} rows/s");
    println!(
        "  ratio ours/bare         : {:.2}x (goal >= 0.7x)",
        ours_rate / bare_rate
    );
}
