//! Embedded, ordered migrations. Each runs in its own transaction together with the
//! `schema_migrations` row recording it, so a failing migration leaves nothing behind and
//! the next start retries it. Migrations only add (see 0001's header).

use std::path::Path;

use rusqlite::Connection;

use crate::store::StoreError;

/// One migration: version (strictly increasing), name, SQL.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration this binary knows, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "schema",
        sql: include_str!("migrations/0001_schema.sql"),
    },
    Migration {
        version: 2,
        name: "search_indexes",
        sql: include_str!("migrations/0002_search_indexes.sql"),
    },
    Migration {
        version: 3,
        name: "totp_replay",
        sql: include_str!("migrations/0003_totp_replay.sql"),
    },
    Migration {
        version: 4,
        name: "desk_print",
        sql: include_str!("migrations/0004_desk_print.sql"),
    },
    Migration {
        version: 5,
        name: "device_seq",
        sql: include_str!("migrations/0005_device_seq.sql"),
    },
    Migration {
        version: 6,
        name: "roster_sync",
        sql: include_str!("migrations/0006_roster_sync.sql"),
    },
    Migration {
        version: 7,
        name: "roster_diff_cache",
        sql: include_str!("migrations/0007_roster_diff_cache.sql"),
    },
];

/// The highest applied version (0 for a new file).
pub fn current_version(conn: &Connection) -> Result<i64, StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    )?;
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

/// Apply pending migrations, each all-or-nothing.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<i64, StoreError> {
    let start = current_version(conn)?;
    let mut version = start;
    for m in migrations.iter().filter(|m| m.version > start) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql).map_err(|e| {
            StoreError::Backend(format!("migration {} ({}) failed: {e}", m.version, m.name))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            (m.version, m.name),
        )?;
        tx.commit()?;
        version = m.version;
    }
    Ok(version)
}

/// Back up an existing database that has pending migrations, then migrate.
pub fn backup_then_migrate(
    conn: &mut Connection,
    path: &Path,
    migrations: &[Migration],
) -> Result<i64, StoreError> {
    let current = current_version(conn)?;
    let latest = migrations.last().map(|m| m.version).unwrap_or(0);
    if current > 0 && latest > current {
        let backup = format!("{}.bak-v{current}", path.display());
        // VACUUM INTO writes a consistent copy even with a WAL beside the file.
        conn.execute("VACUUM INTO ?1", [backup])?;
    }
    migrate(conn, migrations)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The newest version this binary knows (the tests must not need editing per migration).
    fn latest() -> i64 {
        MIGRATIONS.last().unwrap().version
    }

    fn table_exists(conn: &Connection, name: &str) -> bool {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            > 0
    }

    #[test]
    fn schema_applies_and_is_recorded() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn, MIGRATIONS).unwrap(), latest());
        assert!(table_exists(&conn, "audit_log"));
        assert_eq!(
            migrate(&mut conn, MIGRATIONS).unwrap(),
            latest(),
            "re-running applies nothing twice"
        );
    }

    /// 0007: every write to an insurer's roster rows bumps that insurer's generation in the
    /// same statement's transaction (what keeps a cached diff from going stale), and only
    /// that insurer's — moving a row bumps both sides.
    #[test]
    fn roster_writes_bump_their_insurers_generation() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let generation = |conn: &Connection, insurer: i64| -> i64 {
            conn.query_row(
                "SELECT coalesce((SELECT generation FROM roster_generations WHERE insurer_id = ?1), 0)",
                [insurer],
                |r| r.get(0),
            )
            .unwrap()
        };
        conn.execute_batch(
            "INSERT INTO insurers (id, name, sender_postal_code, sender_address, created_at)
                 VALUES (1, 'A', '1000001', 'x', 0), (2, 'B', '1000001', 'x', 0);
             INSERT INTO roster_members (id, insurer_id, insurer_number, card_symbol, card_number,
                 card_number_key, name_kanji, name_kana, kana_key, birth_date, relation,
                 qualified_on, postal_code, address)
             VALUES (10, 1, '06141378', '1', '1234567', '1234567', '山田 一', 'ヤマダ ハジメ',
                 'ヤマダハジメ', '1980-01-01', 'insured', '2020-04-01', '1000001', '東京都');",
        )
        .unwrap();
        assert_eq!((generation(&conn, 1), generation(&conn, 2)), (1, 0));
        conn.execute(
            "UPDATE roster_members SET address = '大阪府' WHERE id = 10",
            [],
        )
        .unwrap();
        assert_eq!((generation(&conn, 1), generation(&conn, 2)), (2, 0));
        conn.execute("UPDATE roster_members SET insurer_id = 2 WHERE id = 10", [])
            .unwrap();
        assert_eq!(
            (generation(&conn, 1), generation(&conn, 2)),
            (3, 1),
            "a row moved between insurers bumps both"
        );
        conn.execute("DELETE FROM roster_members WHERE id = 10", [])
            .unwrap();
        assert_eq!((generation(&conn, 1), generation(&conn, 2)), (3, 2));
        // A failed write leaves the generation as it was (same transaction).
        let tx = conn.transaction().unwrap();
        tx.execute("UPDATE insurers SET name = 'A2' WHERE id = 1", [])
            .unwrap();
        tx.execute_batch(
            "INSERT INTO roster_members (insurer_id, insurer_number, card_symbol, card_number,
                 card_number_key, name_kanji, name_kana, kana_key, birth_date, relation,
                 qualified_on, postal_code, address)
             VALUES (1, '06141378', '1', '7654321', '7654321', '山田 二', 'ヤマダ ニ', 'ヤマダニ',
                 '1980-01-02', 'insured', '2020-04-01', '1000001', '東京都');",
        )
        .unwrap();
        assert_eq!(generation(&tx, 1), 4);
        tx.rollback().unwrap();
        assert_eq!(generation(&conn, 1), 3, "rolled back with the write");
    }

    #[test]
    fn all_or_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let broken = [
            Migration {
                version: 1,
                name: "schema",
                sql: MIGRATIONS[0].sql,
            },
            Migration {
                version: 2,
                name: "search_indexes",
                sql: MIGRATIONS[1].sql,
            },
            Migration {
                version: latest() + 1,
                name: "half",
                sql: "CREATE TABLE half_done (x INTEGER); INSERT INTO nowhere VALUES (1);",
            },
        ];
        assert!(migrate(&mut conn, &broken).is_err());
        assert!(
            !table_exists(&conn, "half_done"),
            "a failing migration must leave none of its tables behind"
        );
        assert_eq!(
            current_version(&conn).unwrap(),
            latest(),
            "a failing migration must not be recorded"
        );
    }

    #[test]
    fn backup_before_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();
        let next = [
            Migration {
                version: 1,
                name: "schema",
                sql: MIGRATIONS[0].sql,
            },
            Migration {
                version: 2,
                name: "search_indexes",
                sql: MIGRATIONS[1].sql,
            },
            Migration {
                version: latest() + 1,
                name: "extra",
                sql: "CREATE TABLE extra (x INTEGER);",
            },
        ];
        backup_then_migrate(&mut conn, &path, &next).unwrap();
        assert!(
            dir.path().join(format!("c.db.bak-v{}", latest())).exists(),
            "the pre-upgrade file must be kept"
        );
    }
}
