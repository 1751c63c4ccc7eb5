//! Backend conformance: the repository semantics every `store::Backend` must provide,
//! written against `Store` only (no SQL), run here for SQLite. A PostgreSQL backend calls
//! `suite` with its own `Store` and must pass unchanged.

use std::sync::Arc;

use kencom_central::audit::{self, AuditEvent};
use kencom_central::store::idempotency::IdempotencyRow;
use kencom_central::store::roster::{MemberQuery, RosterRow};
use kencom_central::store::sqlite::SqliteStore;
use kencom_central::store::{Scope, Store};

fn row(insurer_id: i64, number: &str, kana: &str) -> RosterRow {
    RosterRow {
        id: 0,
        insurer_id,
        insurer_number: "06133425".into(),
        card_symbol: "11".into(),
        card_number: number.into(),
        card_number_key: number.into(),
        branch: "00".into(),
        name_kanji: "試験".into(),
        name_kana: kana.into(),
        kana_key: kencom_domain::name_key(kana).key,
        birth_date: "1980-01-01".into(),
        sex: String::new(),
        relation: "insured".into(),
        voluntary_continuation: false,
        special_retiree: false,
        qualified_on: "2020-04-01".into(),
        disqualified_on: None,
        synced_at: Some(1),
        postal_code: "1000013".into(),
        address: "東京都千代田区霞が関1丁目".into(),
        relation_name: "本人".into(),
    }
}

async fn suite(store: Store) {
    // Insurers + roster + scoping.
    let (a, b) = store
        .write(|tx| {
            let a = tx.insert_insurer("A健保", true, "1000013", "東京都", 0)?;
            let b = tx.insert_insurer("B健保", true, "1000013", "東京都", 0)?;
            tx.add_insurer_number(a, "06133425", "primary")?;
            tx.insert_roster_member(&row(a, "1111111", "ヤマダタロウ"))?;
            tx.insert_roster_member(&row(b, "2222222", "ヤマダハナコ"))?;
            Ok((a, b))
        })
        .await
        .unwrap();
    let (all, only_a) = store
        .read(move |tx| {
            let q = MemberQuery {
                kana_key: Some("ヤマダ".into()),
                limit: 10,
                ..Default::default()
            };
            Ok((
                tx.search_members(&Scope::All, &q)?.1,
                tx.search_members(&Scope::Insurer(a), &q)?.1,
            ))
        })
        .await
        .unwrap();
    assert_eq!(
        (all, only_a),
        (2, 1),
        "a scoped search sees only its insurer's rows"
    );
    let short = store
        .read(|tx| {
            Ok(tx
                .search_members(
                    &Scope::All,
                    &MemberQuery {
                        kana_key: Some("ヤマ".into()),
                        limit: 10,
                        ..Default::default()
                    },
                )?
                .1)
        })
        .await
        .unwrap();
    assert_eq!(short, 2, "1–2 character keys search by prefix");
    let other = store
        .read(move |tx| Ok(tx.get_insurer(&Scope::Insurer(a), b)?))
        .await
        .unwrap();
    assert!(
        other.is_none(),
        "another insurer is not found through a scoped read"
    );

    // Activation tokens: a new one invalidates the live ones.
    store
        .write(|tx| {
            let acc = tx.insert_account("x@example.jp", "x@example.jp", "h", None, 0)?;
            tx.insert_activation_token(acc, "t1", 0, 10)?;
            assert_eq!(tx.invalidate_activation_tokens(acc, 1)?, 1);
            tx.insert_activation_token(acc, "t2", 1, 11)?;
            assert!(tx
                .activation_by_hash("t1")?
                .unwrap()
                .invalidated_at
                .is_some());
            assert!(tx
                .activation_by_hash("t2")?
                .unwrap()
                .invalidated_at
                .is_none());
            Ok(())
        })
        .await
        .unwrap();

    // Once per person: linking a roster row twice is a conflict.
    let res = store
        .write(|tx| {
            let m = tx
                .search_members(
                    &Scope::All,
                    &MemberQuery {
                        card_number_key: Some("1111111".into()),
                        limit: 1,
                        ..Default::default()
                    },
                )?
                .0[0]
                .member
                .id;
            let a1 = tx.insert_account("p@example.jp", "p@example.jp", "h", None, 0)?;
            let a2 = tx.insert_account("q@example.jp", "q@example.jp", "h", None, 0)?;
            tx.activate_account(a1, m, 0)?;
            Ok(tx.activate_account(a2, m, 0).is_err())
        })
        .await
        .unwrap();
    assert!(res, "a roster member links to one account only");

    // A failed closure rolls everything back.
    let before = store
        .read(|tx| Ok(tx.account_by_email("r@example.jp")?.is_some()))
        .await
        .unwrap();
    let _ = store
        .write(|tx| {
            tx.insert_account("r@example.jp", "r@example.jp", "h", None, 0)?;
            Err::<(), _>(kencom_central::error::ApiError::bad_request("x", "x"))
        })
        .await;
    let after = store
        .read(|tx| Ok(tx.account_by_email("r@example.jp")?.is_some()))
        .await
        .unwrap();
    assert_eq!(
        (before, after),
        (false, false),
        "an error rolls the transaction back"
    );

    // Idempotency records round-trip and purge by age.
    store
        .write(|tx| {
            let r = IdempotencyRow {
                route: "POST /x".into(),
                body_hash: "h".into(),
                status: 201,
                response: "{}".into(),
                created_at: 5,
                device_id: None,
                device_seq: None,
            };
            tx.put_idempotency(1, "k", &r)?;
            assert!(
                tx.put_idempotency(1, "k", &r).is_err(),
                "a key is stored once"
            );
            assert_eq!(tx.get_idempotency(1, "k")?.unwrap().status, 201);
            assert!(
                tx.get_idempotency(2, "k")?.is_none(),
                "keys are per operator"
            );
            // Device stamps round-trip and list per device in the order stored.
            for (key, seq) in [("d-2", 2), ("d-1", 1), ("d-3", 3)] {
                let stamped = IdempotencyRow {
                    created_at: 10 + seq,
                    device_id: Some("dev-a".into()),
                    device_seq: Some(seq),
                    ..r.clone()
                };
                tx.put_idempotency(1, key, &stamped)?;
            }
            let other = IdempotencyRow {
                created_at: 20,
                device_id: Some("dev-b".into()),
                device_seq: Some(1),
                ..r.clone()
            };
            tx.put_idempotency(2, "d-1", &other)?;
            let got = tx.get_idempotency(1, "d-3")?.unwrap();
            assert_eq!(
                (got.device_id.as_deref(), got.device_seq),
                (Some("dev-a"), Some(3))
            );
            let listed: Vec<(String, i64)> = tx
                .idempotency_by_device("dev-a")?
                .into_iter()
                .map(|d| (d.key, d.device_seq))
                .collect();
            assert_eq!(
                listed,
                [("d-2".into(), 2), ("d-1".into(), 1), ("d-3".into(), 3)],
                "listed in the order the server stored them, not sorted by number"
            );
            assert_eq!(tx.idempotency_by_device("dev-b")?.len(), 1);
            assert!(tx.idempotency_by_device("dev-c")?.is_empty());
            assert_eq!(tx.purge_idempotency(6)?, 1);
            assert_eq!(tx.purge_idempotency(100)?, 4);
            Ok(())
        })
        .await
        .unwrap();

    // Roster generations, which a kept roster diff is checked against: every roster write
    // bumps its insurer's in the writing transaction (a rolled back one bumps nothing), a
    // bulk load bumps once at its end and leaves the per-row bump in place after it.
    let generations = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .read(move |tx| Ok((tx.roster_generation(a)?, tx.roster_generation(b)?)))
                .await
                .unwrap()
        }
    };
    let (ga, gb) = generations(&store).await;
    let id = store
        .write(move |tx| Ok(tx.insert_roster_member(&row(a, "3333333", "スズキイチロウ"))?))
        .await
        .unwrap();
    assert_eq!(
        generations(&store).await,
        (ga + 1, gb),
        "an insert bumps its insurer only"
    );
    store
        .write(move |tx| {
            let mut m = tx.get_member(&Scope::All, id)?.unwrap();
            m.address = "東京都港区".into();
            tx.update_roster_member(&m)?;
            tx.set_disqualified(id, "2026-03-31", 2)?;
            tx.mark_synced(id, 3)?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(
        generations(&store).await,
        (ga + 4, gb),
        "every update bumps"
    );
    let failed: Result<(), _> = store
        .write(move |tx| {
            tx.mark_synced(id, 4)?;
            Err(kencom_central::error::ApiError::internal("roll back"))
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(
        generations(&store).await,
        (ga + 4, gb),
        "a rolled back write bumps nothing"
    );
    store
        .write(move |tx| {
            let bulk = tx.begin_bulk_load()?;
            tx.insert_roster_member(&row(a, "4444444", "スズキジロウ"))?;
            tx.insert_roster_member(&row(a, "5555555", "スズキサブロウ"))?;
            tx.end_bulk_load(bulk)?;
            Ok(())
        })
        .await
        .unwrap();
    let (after_bulk, _) = generations(&store).await;
    assert!(after_bulk > ga + 4, "a bulk load bumps");
    store
        .write(move |tx| Ok(tx.insert_roster_member(&row(a, "6666666", "スズキシロウ"))?))
        .await
        .unwrap();
    assert_eq!(
        generations(&store).await.0,
        after_bulk + 1,
        "the per-row bump is back after a bulk load"
    );

    // The audit chain appends and verifies.
    let (checked, bad) = store
        .write(|tx| {
            for i in 0..5 {
                audit::append(tx, i, AuditEvent::system("test").detail(format!("{i}")))?;
            }
            audit::verify(tx)
        })
        .await
        .unwrap();
    assert_eq!((checked, bad), (5, None));
}

#[tokio::test]
async fn sqlite_backend_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("c.db")).unwrap();
    suite(Store::new(Arc::new(sqlite))).await;
}
