//! The encrypted cache against a real SQLCipher file: keys, atomicity of local change +
//! outbox row, the outbox life cycle, retention and wipe.
use kencom_store::*;
use serde_json::json;

fn open(dir: &tempfile::TempDir, key: &CacheKey) -> CacheDb {
    CacheDb::open(&dir.path().join("cache.db"), key).unwrap()
}

fn note(case: &str, text: &str) -> NewAction {
    NewAction {
        kind: "add_note".into(),
        case_id: Some(case.into()),
        member_id: Some("m-1".into()),
        payload: json!({ "text": text }),
    }
}

#[test]
fn reopens_with_its_key_and_refuses_another() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate();
    {
        let mut db = open(&dir, &key);
        db.put(CachedKind::Case, "c-1", &json!({"id": "c-1"}), 1)
            .unwrap();
    }
    let db = open(&dir, &key);
    assert_eq!(
        db.get::<serde_json::Value>(CachedKind::Case, "c-1")
            .unwrap(),
        Some(json!({"id": "c-1"}))
    );
    assert_eq!(db.schema_version().unwrap(), 1);
    drop(db);
    let err = CacheDb::open(&dir.path().join("cache.db"), &CacheKey::generate())
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::WrongKey), "got {err:?}");
    assert_eq!(err.code(), "CACHE_WRONG_KEY");
    assert!(CacheKey::from_hex(&key.to_hex()).is_some());
    assert_eq!(format!("{key:?}"), "CacheKey(<redacted>)");
}

#[test]
fn the_file_shows_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(&dir, &CacheKey::generate());
    let member =
        json!({"kana": "ケンコウタロウ", "email": "taro.kenkou@example.jp", "symbol": "1234"});
    db.put(CachedKind::Member, "m-1", &member, 1).unwrap();
    db.transact(|tx| tx.enqueue(note("c-1", "電話で本人確認済み taro.kenkou@example.jp"), 1))
        .unwrap();
    drop(db);
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    for needle in ["ケンコウタロウ", "taro.kenkou", "example.jp", "本人確認"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} is readable in the cache files"
        );
    }
    // `strings` is what an auditor would run; it must not find the plaintext either.
    if let Ok(out) = std::process::Command::new("strings")
        .arg(dir.path().join("cache.db"))
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("taro.kenkou") && !text.contains("add_note"));
    }
}

#[test]
fn a_local_change_and_its_outbox_row_commit_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(&dir, &CacheKey::generate());
    let res: Result<(), StoreError> = db.transact(|tx| {
        tx.put(CachedKind::Case, "c-1", &json!({"notes": ["x"]}), 5)?;
        tx.enqueue(note("c-1", "x"), 5)?;
        Err(StoreError::NoSuchAction(-1)) // anything failing after both writes
    });
    assert!(res.is_err());
    assert_eq!(
        db.get::<serde_json::Value>(CachedKind::Case, "c-1")
            .unwrap(),
        None
    );
    assert_eq!(
        db.outbox_status().unwrap().waiting,
        0,
        "no orphan outbox row"
    );
}

#[test]
fn outbox_life_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate();
    let mut db = open(&dir, &key);
    let a = db.transact(|tx| tx.enqueue(note("c-1", "a"), 10)).unwrap();
    let b = db.transact(|tx| tx.enqueue(note("c-1", "b"), 11)).unwrap();
    assert_eq!((a.device_seq, b.device_seq), (1, 2));
    assert_ne!(a.idempotency_key, b.idempotency_key);
    assert_eq!(db.outbox_status().unwrap().waiting, 2);

    // In order; nothing while the head is in flight.
    let first = db.take_due(20).unwrap().unwrap();
    assert_eq!(first.seq, a.seq);
    assert_eq!(
        db.take_due(20).unwrap(),
        None,
        "one action in flight at a time"
    );

    // Transient failure → backoff; nothing due before it, and b must not overtake a.
    let policy = RetryPolicy {
        base_ms: 1000,
        max_ms: 60_000,
    };
    db.mark_retry(a.seq, "NETWORK", "接続できません", policy, 20)
        .unwrap();
    assert_eq!(db.take_due(500).unwrap(), None, "b must not overtake a");
    let again = db.take_due(1020).unwrap().unwrap();
    assert_eq!((again.seq, again.attempts), (a.seq, 2));
    assert_eq!(
        again.idempotency_key, a.idempotency_key,
        "a replay keeps its key"
    );

    // Crash while in flight → back to pending on restart, same key, nothing lost.
    drop(db);
    let mut db = open(&dir, &key);
    assert_eq!(
        db.take_due(5000).unwrap(),
        None,
        "in_flight blocks until recovered"
    );
    assert_eq!(db.recover_in_flight().unwrap(), 1);
    let resent = db.take_due(5000).unwrap().unwrap();
    assert_eq!(resent.idempotency_key, a.idempotency_key);
    db.mark_done(a.seq, &json!({"ok": true}), 5001).unwrap();

    // 4xx → rejected, visible, and does not block the queue.
    let next = db.take_due(5002).unwrap().unwrap();
    assert_eq!(next.seq, b.seq);
    db.mark_rejected(b.seq, "CASE_CLOSED", "案件は既にクローズされています", 5003)
        .unwrap();
    let status = db.outbox_status().unwrap();
    assert_eq!(status.waiting, 0);
    assert_eq!(status.rejected.len(), 1);
    assert_eq!(
        status.rejected[0].last_error_code.as_deref(),
        Some("CASE_CLOSED")
    );
    assert_eq!(db.actions_for_case("c-1").unwrap().len(), 2);

    // The operator retries it (same key), or discards it.
    db.retry_rejected(b.seq, 6000).unwrap();
    assert_eq!(
        db.take_due(6000).unwrap().unwrap().idempotency_key,
        b.idempotency_key
    );
    db.mark_rejected(b.seq, "CASE_CLOSED", "案件は既にクローズされています", 6001)
        .unwrap();
    db.discard_rejected(b.seq).unwrap();
    assert!(db.outbox_status().unwrap().rejected.is_empty());
    assert!(matches!(
        db.discard_rejected(b.seq),
        Err(StoreError::NoSuchAction(_))
    ));
    assert!(!db.device_id().unwrap().is_empty());
    assert_eq!(
        db.device_id().unwrap(),
        db.device_id().unwrap(),
        "device id is stable"
    );
}

#[test]
fn backoff_grows_and_is_capped() {
    let p = RetryPolicy {
        base_ms: 1000,
        max_ms: 8000,
    };
    let delays: Vec<i64> = (1..=6).map(|n| p.delay_ms(n)).collect();
    assert_eq!(delays, vec![1000, 2000, 4000, 8000, 8000, 8000]);
    assert_eq!(p.delay_ms(u32::MAX), 8000);
}

#[test]
fn retention_keeps_what_waiting_actions_refer_to() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = open(&dir, &CacheKey::generate());
    db.put(CachedKind::Case, "c-old", &json!(1), 100).unwrap();
    db.put(CachedKind::Case, "c-busy", &json!(2), 100).unwrap();
    db.put(CachedKind::Member, "m-1", &json!(3), 100).unwrap();
    db.put(CachedKind::Case, "c-new", &json!(4), 10_000)
        .unwrap();
    db.transact(|tx| tx.enqueue(note("c-busy", "x"), 100))
        .unwrap();
    let report = db.purge(5_000).unwrap();
    assert_eq!(report.cached, 1, "only c-old goes");
    assert!(db.get::<i32>(CachedKind::Case, "c-busy").unwrap().is_some());
    assert!(db.get::<i32>(CachedKind::Member, "m-1").unwrap().is_some());
    assert!(db.get::<i32>(CachedKind::Case, "c-old").unwrap().is_none());
    assert_eq!(db.list::<i32>(CachedKind::Case).unwrap(), vec![4, 2]);
}

#[test]
fn wipe_removes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&dir, &CacheKey::generate());
    db.wipe().unwrap();
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "sign-out must leave no cache files: {left:?}"
    );
}
