//! SQLite: roster uploads, chunks, cached diffs, sync history, bulk roster loading and the
//! sync-status read models.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::roster::{row as member_row, COLS};
use super::SqliteTx;
use crate::clock::Millis;
use crate::store::roster::RosterRow;
use crate::store::roster_sync::{
    BulkLoad, ChunkMeta, DiffCacheRow, DiffRun, FailedAttempt, RosterRowRef, RosterSyncRepo,
    SyncRow, UploadRow, DIFF_KINDS,
};
use crate::store::{Scope, StoreResult};

const UPLOAD_COLS: &str = "id, insurer_id, operator_id, file_name, encoding, total_rows, content_hash, full_roster, rejected, created_at, applied_at, sync_id";
const SYNC_COLS: &str = "id, insurer_id, upload_id, operator_id, applied_at, file_name, total_rows, rejected_rows, added, changed, lost, unchanged, duplicates, roster_size";
/// The roster insert trigger a bulk load replaces with one set-based FTS insert.
const FTS_INSERT_TRIGGER: &str = "roster_fts_ai";
/// The roster insert trigger bumping the insurer's generation (0007): a bulk load bumps
/// once at its end instead of once per row.
const GENERATION_INSERT_TRIGGER: &str = "roster_gen_ai";
const RUN_COLS: &str = "seq, kind, kind_seq, len, chunk_seq, chunk_row, member_id";

fn run(r: &Row) -> rusqlite::Result<DiffRun> {
    let kind: String = r.get(1)?;
    Ok(DiffRun {
        seq: r.get(0)?,
        // The CHECK constraint admits only these; anything else is a corrupt file.
        kind: DIFF_KINDS.into_iter().find(|k| *k == kind).ok_or(
            rusqlite::Error::InvalidColumnType(1, "kind".into(), rusqlite::types::Type::Text),
        )?,
        kind_seq: r.get(2)?,
        len: r.get(3)?,
        chunk_seq: r.get(4)?,
        chunk_row: r.get(5)?,
        member_id: r.get(6)?,
    })
}

fn upload(r: &Row) -> rusqlite::Result<UploadRow> {
    Ok(UploadRow {
        id: r.get(0)?,
        insurer_id: r.get(1)?,
        operator_id: r.get(2)?,
        file_name: r.get(3)?,
        encoding: r.get(4)?,
        total_rows: r.get(5)?,
        content_hash: r.get(6)?,
        full_roster: r.get(7)?,
        rejected: r.get(8)?,
        created_at: r.get(9)?,
        applied_at: r.get(10)?,
        sync_id: r.get(11)?,
    })
}

fn sync(r: &Row) -> rusqlite::Result<SyncRow> {
    Ok(SyncRow {
        id: r.get(0)?,
        insurer_id: r.get(1)?,
        upload_id: r.get(2)?,
        operator_id: r.get(3)?,
        applied_at: r.get(4)?,
        file_name: r.get(5)?,
        total_rows: r.get(6)?,
        rejected_rows: r.get(7)?,
        added: r.get(8)?,
        changed: r.get(9)?,
        lost: r.get(10)?,
        unchanged: r.get(11)?,
        duplicates: r.get(12)?,
        roster_size: r.get(13)?,
    })
}

impl RosterSyncRepo for SqliteTx<'_> {
    fn open_upload_by_hash(
        &mut self,
        insurer_id: i64,
        hash: &str,
    ) -> StoreResult<Option<UploadRow>> {
        let sql = format!("SELECT {UPLOAD_COLS} FROM roster_uploads WHERE insurer_id = ?1 AND content_hash = ?2 AND applied_at IS NULL");
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_row(params![insurer_id, hash], upload)
            .optional()?)
    }

    fn insert_upload(&mut self, u: &UploadRow) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO roster_uploads (insurer_id, operator_id, file_name, encoding, total_rows, content_hash, full_roster, rejected, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![u.insurer_id, u.operator_id, u.file_name, u.encoding, u.total_rows, u.content_hash, u.full_roster, u.rejected, u.created_at],
        )?;
        Ok(self.0.last_insert_rowid())
    }

    fn get_upload(&mut self, scope: &Scope, id: i64) -> StoreResult<Option<UploadRow>> {
        let sql = format!(
            "SELECT {UPLOAD_COLS} FROM roster_uploads WHERE id = ?1 AND {}",
            scope.insurer_filter("insurer_id")
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_row([id], upload)
            .optional()?)
    }

    fn last_applied_upload(&mut self, insurer_id: i64) -> StoreResult<Option<UploadRow>> {
        let sql = format!("SELECT {UPLOAD_COLS} FROM roster_uploads WHERE insurer_id = ?1 AND applied_at IS NOT NULL ORDER BY applied_at DESC, id DESC LIMIT 1");
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_row([insurer_id], upload)
            .optional()?)
    }

    fn upload_chunks(&mut self, upload_id: i64) -> StoreResult<Vec<ChunkMeta>> {
        let mut st = self.0.prepare_cached(
            "SELECT seq, rows, body_hash FROM roster_upload_chunks WHERE upload_id = ?1 ORDER BY seq",
        )?;
        let rows = st
            .query_map([upload_id], |r| {
                Ok(ChunkMeta {
                    seq: r.get(0)?,
                    rows: r.get(1)?,
                    body_hash: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn chunk_meta(&mut self, upload_id: i64, seq: i64) -> StoreResult<Option<ChunkMeta>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT seq, rows, body_hash FROM roster_upload_chunks WHERE upload_id = ?1 AND seq = ?2",
            )?
            .query_row([upload_id, seq], |r| {
                Ok(ChunkMeta {
                    seq: r.get(0)?,
                    rows: r.get(1)?,
                    body_hash: r.get(2)?,
                })
            })
            .optional()?)
    }

    fn insert_chunk(&mut self, upload_id: i64, c: &ChunkMeta, body: &[u8]) -> StoreResult<()> {
        self.0
            .prepare_cached(
                "INSERT INTO roster_upload_chunks (upload_id, seq, rows, body_hash, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![upload_id, c.seq, c.rows, c.body_hash, body])?;
        Ok(())
    }

    fn chunk_bodies(
        &mut self,
        upload_id: i64,
        from: i64,
        limit: i64,
    ) -> StoreResult<Vec<(i64, Vec<u8>)>> {
        let mut st = self.0.prepare_cached(
            "SELECT seq, body FROM roster_upload_chunks WHERE upload_id = ?1 AND seq >= ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = st
            .query_map([upload_id, from, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn delete_chunks(&mut self, upload_id: i64) -> StoreResult<()> {
        self.0.execute(
            "DELETE FROM roster_diff_runs WHERE upload_id = ?1",
            [upload_id],
        )?;
        self.0.execute(
            "DELETE FROM roster_diff_caches WHERE upload_id = ?1",
            [upload_id],
        )?;
        self.0.execute(
            "DELETE FROM roster_upload_chunks WHERE upload_id = ?1",
            [upload_id],
        )?;
        Ok(())
    }

    fn roster_generation(&mut self, insurer_id: i64) -> StoreResult<i64> {
        Ok(self
            .0
            .prepare_cached("SELECT generation FROM roster_generations WHERE insurer_id = ?1")?
            .query_row([insurer_id], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    fn diff_cache(&mut self, upload_id: i64) -> StoreResult<Option<DiffCacheRow>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT upload_id, generation, computed_at, added, changed, lost, unchanged, duplicates \
                 FROM roster_diff_caches WHERE upload_id = ?1",
            )?
            .query_row([upload_id], |r| {
                Ok(DiffCacheRow {
                    upload_id: r.get(0)?,
                    generation: r.get(1)?,
                    computed_at: r.get(2)?,
                    added: r.get(3)?,
                    changed: r.get(4)?,
                    lost: r.get(5)?,
                    unchanged: r.get(6)?,
                    duplicates: r.get(7)?,
                })
            })
            .optional()?)
    }

    fn diff_runs(
        &mut self,
        upload_id: i64,
        kind: Option<&str>,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<DiffRun>> {
        // The run holding entry `from` is the last one starting at or before it (a max()
        // over the primary key or the kind index: one seek), then every run starting
        // before `to`. Never a scan of the runs before the page.
        let rows = match kind {
            None => self
                .0
                .prepare_cached(&format!(
                    "SELECT {RUN_COLS} FROM roster_diff_runs WHERE upload_id = ?1 \
                     AND seq >= (SELECT COALESCE(MAX(seq), 0) FROM roster_diff_runs WHERE upload_id = ?1 AND seq <= ?2) \
                     AND seq < ?3 ORDER BY seq"
                ))?
                .query_map(params![upload_id, from, to], run)?
                .collect::<Result<_, _>>()?,
            Some(k) => self
                .0
                .prepare_cached(&format!(
                    "SELECT {RUN_COLS} FROM roster_diff_runs WHERE upload_id = ?1 AND kind = ?2 \
                     AND kind_seq >= (SELECT COALESCE(MAX(kind_seq), 0) FROM roster_diff_runs \
                         WHERE upload_id = ?1 AND kind = ?2 AND kind_seq <= ?3) \
                     AND kind_seq < ?4 ORDER BY kind_seq"
                ))?
                .query_map(params![upload_id, k, from, to], run)?
                .collect::<Result<_, _>>()?,
        };
        Ok(rows)
    }

    fn put_diff_cache(&mut self, c: &DiffCacheRow, runs: &[DiffRun]) -> StoreResult<()> {
        self.0.execute(
            "DELETE FROM roster_diff_runs WHERE upload_id = ?1",
            [c.upload_id],
        )?;
        self.0.execute(
            "INSERT INTO roster_diff_caches (upload_id, generation, computed_at, added, changed, lost, unchanged, duplicates) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (upload_id) DO UPDATE SET generation = excluded.generation, \
             computed_at = excluded.computed_at, added = excluded.added, changed = excluded.changed, lost = excluded.lost, \
             unchanged = excluded.unchanged, duplicates = excluded.duplicates",
            params![c.upload_id, c.generation, c.computed_at, c.added, c.changed, c.lost, c.unchanged, c.duplicates],
        )?;
        let mut st = self.0.prepare_cached(
            "INSERT INTO roster_diff_runs (upload_id, seq, kind, kind_seq, len, chunk_seq, chunk_row, member_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for r in runs {
            st.execute(params![
                c.upload_id,
                r.seq,
                r.kind,
                r.kind_seq,
                r.len,
                r.chunk_seq,
                r.chunk_row,
                r.member_id
            ])?;
        }
        Ok(())
    }

    fn record_sync(&mut self, s: &SyncRow) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO roster_syncs (insurer_id, upload_id, operator_id, applied_at, file_name, total_rows, rejected_rows, added, changed, lost, unchanged, duplicates, roster_size) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![s.insurer_id, s.upload_id, s.operator_id, s.applied_at, s.file_name, s.total_rows, s.rejected_rows, s.added, s.changed, s.lost, s.unchanged, s.duplicates, s.roster_size],
        )?;
        let id = self.0.last_insert_rowid();
        self.0.execute(
            "UPDATE roster_uploads SET applied_at = ?2, sync_id = ?3 WHERE id = ?1",
            params![s.upload_id, s.applied_at, id],
        )?;
        Ok(id)
    }

    fn get_sync(&mut self, id: i64) -> StoreResult<Option<SyncRow>> {
        let sql = format!("SELECT {SYNC_COLS} FROM roster_syncs WHERE id = ?1");
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_row([id], sync)
            .optional()?)
    }

    fn syncs_since(&mut self, insurer_id: i64, since: Millis) -> StoreResult<Vec<SyncRow>> {
        let sql = format!(
            "SELECT {SYNC_COLS} FROM roster_syncs WHERE insurer_id = ?1 AND (applied_at >= ?2 OR id = \
             (SELECT id FROM roster_syncs WHERE insurer_id = ?1 AND applied_at < ?2 ORDER BY applied_at DESC, id DESC LIMIT 1)) \
             ORDER BY applied_at DESC, id DESC"
        );
        let rows = self
            .0
            .prepare_cached(&sql)?
            .query_map(params![insurer_id, since], sync)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn syncs(&mut self, insurer_id: i64, limit: i64) -> StoreResult<Vec<SyncRow>> {
        let sql = format!("SELECT {SYNC_COLS} FROM roster_syncs WHERE insurer_id = ?1 ORDER BY applied_at DESC, id DESC LIMIT ?2");
        let rows = self
            .0
            .prepare_cached(&sql)?
            .query_map(params![insurer_id, limit], sync)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn scan_insurer_members(
        &mut self,
        insurer_id: i64,
        f: &mut dyn FnMut(&RosterRowRef<'_>),
    ) -> StoreResult<()> {
        let mut st = self.0.prepare_cached(
            "SELECT id, insurer_number, card_symbol, card_number, branch, name_kanji, name_kana, birth_date, sex, relation, \
             voluntary_continuation, special_retiree, qualified_on, disqualified_on, synced_at IS NOT NULL, postal_code, \
             address, relation_name FROM roster_members WHERE insurer_id = ?1 ORDER BY id",
        )?;
        let mut rows = st.query([insurer_id])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> rusqlite::Result<&str> {
                r.get_ref(i)?.as_str().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })
            };
            let disqualified_on = match r.get_ref(13)? {
                rusqlite::types::ValueRef::Null => None,
                _ => Some(text(13)?),
            };
            f(&RosterRowRef {
                id: r.get(0)?,
                insurer_number: text(1)?,
                card_symbol: text(2)?,
                card_number: text(3)?,
                branch: text(4)?,
                name_kanji: text(5)?,
                name_kana: text(6)?,
                birth_date: text(7)?,
                sex: text(8)?,
                relation: text(9)?,
                voluntary_continuation: r.get(10)?,
                special_retiree: r.get(11)?,
                qualified_on: text(12)?,
                disqualified_on,
                synced: r.get(14)?,
                postal_code: text(15)?,
                address: text(16)?,
                relation_name: text(17)?,
            });
        }
        Ok(())
    }

    fn insurer_members_after(
        &mut self,
        insurer_id: i64,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<RosterRow>> {
        let sql = format!("SELECT {COLS} FROM roster_members rm WHERE rm.insurer_id = ?1 AND rm.id > ?2 ORDER BY rm.id LIMIT ?3");
        let rows = self
            .0
            .prepare_cached(&sql)?
            .query_map(params![insurer_id, after, limit], member_row)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn update_roster_member(&mut self, m: &RosterRow) -> StoreResult<()> {
        self.0
            .prepare_cached(
                "UPDATE roster_members SET insurer_number = ?2, card_symbol = ?3, card_number = ?4, card_number_key = ?5, branch = ?6, \
                 name_kanji = ?7, name_kana = ?8, kana_key = ?9, birth_date = ?10, sex = ?11, relation = ?12, voluntary_continuation = ?13, \
                 special_retiree = ?14, qualified_on = ?15, disqualified_on = ?16, synced_at = ?17, postal_code = ?18, address = ?19, \
                 relation_name = ?20 WHERE id = ?1",
            )?
            .execute(params![
                m.id,
                m.insurer_number,
                m.card_symbol,
                m.card_number,
                m.card_number_key,
                m.branch,
                m.name_kanji,
                m.name_kana,
                m.kana_key,
                m.birth_date,
                m.sex,
                m.relation,
                m.voluntary_continuation,
                m.special_retiree,
                m.qualified_on,
                m.disqualified_on,
                m.synced_at,
                m.postal_code,
                m.address,
                m.relation_name
            ])?;
        Ok(())
    }

    fn set_disqualified(&mut self, member_id: i64, on: &str, synced_at: Millis) -> StoreResult<()> {
        self.0
            .prepare_cached(
                "UPDATE roster_members SET disqualified_on = ?2, synced_at = ?3 WHERE id = ?1",
            )?
            .execute(params![member_id, on, synced_at])?;
        Ok(())
    }

    fn roster_table_rows(&mut self) -> StoreResult<i64> {
        // max(id) is an O(log n) probe; close enough to a count for sizing a decision.
        Ok(self
            .0
            .query_row("SELECT COALESCE(MAX(id), 0) FROM roster_members", [], |r| {
                r.get(0)
            })?)
    }

    fn begin_bulk_load(&mut self) -> StoreResult<BulkLoad> {
        let max_id_before: i64 =
            self.0
                .query_row("SELECT COALESCE(MAX(id), 0) FROM roster_members", [], |r| {
                    r.get(0)
                })?;
        // The CREATE statements are read back from the schema rather than repeated here, so
        // the rebuilt objects are exactly the migrated ones. Automatic indexes (UNIQUE
        // constraints) have no SQL and are never dropped.
        let suspended: Vec<(String, String)> = self
            .0
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'roster_members' AND sql IS NOT NULL \
                 AND (type = 'index' OR (type = 'trigger' AND name IN (?1, ?2))) ORDER BY rowid",
            )?
            .query_map([FTS_INSERT_TRIGGER, GENERATION_INSERT_TRIGGER], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        for (name, sql) in &suspended {
            let kind = if sql
                .trim_start()
                .to_ascii_uppercase()
                .starts_with("CREATE TRIGGER")
            {
                "TRIGGER"
            } else {
                "INDEX"
            };
            self.0.execute_batch(&format!("DROP {kind} \"{name}\""))?;
        }
        Ok(BulkLoad {
            max_id_before,
            suspended,
        })
    }

    fn end_bulk_load(&mut self, b: BulkLoad) -> StoreResult<()> {
        let trigger_suspended = b.suspended.iter().any(|(n, _)| n == FTS_INSERT_TRIGGER);
        for (name, sql) in &b.suspended {
            if name != FTS_INSERT_TRIGGER {
                self.0.execute_batch(sql)?;
            }
        }
        if b.suspended
            .iter()
            .any(|(n, _)| n == GENERATION_INSERT_TRIGGER)
        {
            // Every insurer, not just the loaded one: finding which insurers the new rows
            // belong to would read them all again, and an extra bump only costs another
            // insurer one recomputed diff after a rare event.
            self.0.execute(
                "INSERT INTO roster_generations (insurer_id, generation) SELECT id, 1 FROM insurers WHERE true \
                 ON CONFLICT (insurer_id) DO UPDATE SET generation = generation + 1",
                [],
            )?;
        }
        if trigger_suspended {
            // What the trigger would have done row by row, as one statement.
            self.0.execute(
                "INSERT INTO roster_kana_fts(rowid, kana_key) SELECT id, kana_key FROM roster_members WHERE id > ?1",
                [b.max_id_before],
            )?;
            if let Some((_, sql)) = b.suspended.iter().find(|(n, _)| n == FTS_INSERT_TRIGGER) {
                self.0.execute_batch(sql)?;
            }
        }
        Ok(())
    }

    fn qualified_count(&mut self, insurer_id: i64, today: &str) -> StoreResult<i64> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT count(*) FROM roster_members WHERE insurer_id = ?1 AND (disqualified_on IS NULL OR disqualified_on > ?2)",
            )?
            .query_row(params![insurer_id, today], |r| r.get(0))?)
    }

    fn new_members(
        &mut self,
        insurer_id: i64,
        since: &str,
        today: &str,
        limit: i64,
    ) -> StoreResult<(i64, Vec<RosterRow>)> {
        let wh = "rm.insurer_id = ?1 AND rm.qualified_on >= ?2 AND rm.qualified_on <= ?3 \
                  AND (rm.disqualified_on IS NULL OR rm.disqualified_on > ?3)";
        let total: i64 = self
            .0
            .prepare_cached(&format!(
                "SELECT count(*) FROM roster_members rm WHERE {wh}"
            ))?
            .query_row(params![insurer_id, since, today], |r| r.get(0))?;
        let rows = self
            .0
            .prepare_cached(&format!(
                "SELECT {COLS} FROM roster_members rm WHERE {wh} ORDER BY rm.qualified_on DESC, rm.id LIMIT ?4"
            ))?
            .query_map(params![insurer_id, since, today, limit], member_row)?
            .collect::<Result<_, _>>()?;
        Ok((total, rows))
    }

    fn failed_attempts(
        &mut self,
        numbers: &[String],
        outcomes: &[&str],
        since: Millis,
    ) -> StoreResult<Vec<FailedAttempt>> {
        if numbers.is_empty() || outcomes.is_empty() {
            return Ok(Vec::new());
        }
        // An unknown insurer number counts for this insurer when the typed 番号 is on its
        // roster: the union's number (e.g. its 特例退職 one) is likely what is missing.
        let nums = vec!["?"; numbers.len()].join(",");
        let sql = format!(
            "SELECT e.at, e.account_id, e.outcome, e.raw_name, rm.name_kana, a.state FROM eligibility_attempts e \
             JOIN accounts a ON a.id = e.account_id LEFT JOIN roster_members rm ON rm.id = e.roster_member_id \
             WHERE e.at >= ? AND e.outcome IN ({}) AND (e.insurer_number IN ({nums}) OR (e.outcome = 'unknown_insurer' \
             AND EXISTS (SELECT 1 FROM roster_members r2 WHERE r2.insurer_number IN ({nums}) AND r2.card_number_key = e.number_key))) \
             ORDER BY e.at",
            vec!["?"; outcomes.len()].join(",")
        );
        let mut args: Vec<Value> = vec![Value::Integer(since)];
        args.extend(outcomes.iter().map(|o| Value::Text(o.to_string())));
        for _ in 0..2 {
            args.extend(numbers.iter().map(|n| Value::Text(n.clone())));
        }
        let rows = self
            .0
            .prepare_cached(&sql)?
            .query_map(params_from_iter(args.iter()), |r| {
                Ok(FailedAttempt {
                    at: r.get(0)?,
                    account_id: r.get(1)?,
                    outcome: r.get(2)?,
                    raw_name: r.get(3)?,
                    member_kana: r.get(4)?,
                    account_state: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
