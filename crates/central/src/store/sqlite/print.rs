//! SQLite: postcards, print runs, reissue requests.

use rusqlite::{params, OptionalExtension, Row};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::print::{PostcardRow, PrintRepo, PrintRunRow, ReissueRow};
use crate::store::{Scope, StoreResult};

const PCOLS: &str = "id, insurer_id, roster_member_id, checkup_code_id, code_clear, \
                     print_run_id, created_at, desk_print, printed_at";

fn prow(r: &Row) -> rusqlite::Result<PostcardRow> {
    Ok(PostcardRow {
        id: r.get(0)?,
        insurer_id: r.get(1)?,
        roster_member_id: r.get(2)?,
        checkup_code_id: r.get(3)?,
        code_clear: r.get(4)?,
        print_run_id: r.get(5)?,
        created_at: r.get(6)?,
        desk_print: r.get(7)?,
        printed_at: r.get(8)?,
    })
}

const RCOLS: &str =
    "r.id, r.insurer_id, r.created_by, r.created_at, r.fetched_at, r.printed_at, r.mailed_at, \
     (SELECT count(*) FROM postcards p WHERE p.print_run_id = r.id)";

fn rrow(r: &Row) -> rusqlite::Result<PrintRunRow> {
    Ok(PrintRunRow {
        id: r.get(0)?,
        insurer_id: r.get(1)?,
        created_by: r.get(2)?,
        created_at: r.get(3)?,
        fetched_at: r.get(4)?,
        printed_at: r.get(5)?,
        mailed_at: r.get(6)?,
        postcards: r.get(7)?,
    })
}

impl PrintRepo for SqliteTx<'_> {
    fn insert_postcard(
        &mut self,
        insurer_id: i64,
        member_id: i64,
        code_id: i64,
        code_clear: &str,
        desk_print: bool,
        now: Millis,
    ) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO postcards (insurer_id, roster_member_id, checkup_code_id, code_clear, desk_print, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![insurer_id, member_id, code_id, code_clear, desk_print, now],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn mark_postcard_printed(&mut self, id: i64, now: Millis) -> StoreResult<bool> {
        let n = self.0.execute(
            "UPDATE postcards SET printed_at = ?2, code_clear = NULL \
             WHERE id = ?1 AND desk_print = 1 AND printed_at IS NULL",
            params![id, now],
        )?;
        Ok(n == 1)
    }
    fn pending_postcards(&mut self, scope: &Scope) -> StoreResult<Vec<PostcardRow>> {
        let sql = format!(
            "SELECT {PCOLS} FROM postcards WHERE print_run_id IS NULL AND desk_print = 0 AND {} ORDER BY id",
            scope.insurer_filter("insurer_id")
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map([], prow)?
            .collect::<Result<_, _>>()?)
    }
    fn create_print_run(
        &mut self,
        insurer_id: i64,
        operator_id: i64,
        now: Millis,
    ) -> StoreResult<Option<i64>> {
        let pending: i64 = self.0.query_row(
            "SELECT count(*) FROM postcards WHERE insurer_id = ?1 AND print_run_id IS NULL AND desk_print = 0",
            [insurer_id],
            |r| r.get(0),
        )?;
        if pending == 0 {
            return Ok(None);
        }
        self.0.execute(
            "INSERT INTO print_runs (insurer_id, created_by, created_at) VALUES (?1, ?2, ?3)",
            params![insurer_id, operator_id, now],
        )?;
        let id = self.0.last_insert_rowid();
        self.0.execute(
            "UPDATE postcards SET print_run_id = ?1 WHERE insurer_id = ?2 AND print_run_id IS NULL AND desk_print = 0",
            [id, insurer_id],
        )?;
        Ok(Some(id))
    }
    fn get_print_run(&mut self, scope: &Scope, id: i64) -> StoreResult<Option<PrintRunRow>> {
        let sql = format!(
            "SELECT {RCOLS} FROM print_runs r WHERE r.id = ?1 AND {}",
            scope.insurer_filter("r.insurer_id")
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_row([id], rrow)
            .optional()?)
    }
    fn list_print_runs(&mut self, scope: &Scope) -> StoreResult<Vec<PrintRunRow>> {
        let sql = format!(
            "SELECT {RCOLS} FROM print_runs r WHERE {} ORDER BY r.id DESC",
            scope.insurer_filter("r.insurer_id")
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map([], rrow)?
            .collect::<Result<_, _>>()?)
    }
    fn run_postcards(&mut self, run_id: i64, now: Millis) -> StoreResult<Vec<PostcardRow>> {
        self.0.execute(
            "UPDATE print_runs SET fetched_at = ?2 WHERE id = ?1 AND fetched_at IS NULL",
            params![run_id, now],
        )?;
        let rows = self
            .0
            .prepare_cached(&format!(
                // Sorted by the member's postal code: Japan Post's discount for bulk
                // mail with customer barcodes wants the run in postal-code order.
                "SELECT {PCOLS} FROM postcards WHERE print_run_id = ?1 ORDER BY \
                 (SELECT m.postal_code FROM roster_members m WHERE m.id = postcards.roster_member_id), id"
            ))?
            .query_map([run_id], prow)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
    fn mark_run(
        &mut self,
        run_id: i64,
        printed: Option<Millis>,
        mailed: Option<Millis>,
    ) -> StoreResult<()> {
        self.0.execute(
            "UPDATE print_runs SET printed_at = COALESCE(printed_at, ?2), mailed_at = COALESCE(mailed_at, ?3) WHERE id = ?1",
            params![run_id, printed, mailed],
        )?;
        if printed.is_some() {
            self.0.execute(
                "UPDATE postcards SET code_clear = NULL WHERE print_run_id = ?1",
                [run_id],
            )?;
        }
        Ok(())
    }
    fn get_postcard(&mut self, id: i64) -> StoreResult<Option<PostcardRow>> {
        Ok(self
            .0
            .prepare_cached(&format!("SELECT {PCOLS} FROM postcards WHERE id = ?1"))?
            .query_row([id], prow)
            .optional()?)
    }
    fn insert_reissue(&mut self, r: &ReissueRow) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO reissue_requests (case_id, operator_id, roster_member_id, old_code_id, new_code_id, postcard_id, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![r.case_id, r.operator_id, r.roster_member_id, r.old_code_id, r.new_code_id, r.postcard_id, r.at],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn reissues_for_member(&mut self, member_id: i64) -> StoreResult<Vec<ReissueRow>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT id, case_id, operator_id, roster_member_id, old_code_id, new_code_id, postcard_id, at FROM reissue_requests \
                 WHERE roster_member_id = ?1 ORDER BY id",
            )?
            .query_map([member_id], |r| {
                Ok(ReissueRow {
                    id: r.get(0)?,
                    case_id: r.get(1)?,
                    operator_id: r.get(2)?,
                    roster_member_id: r.get(3)?,
                    old_code_id: r.get(4)?,
                    new_code_id: r.get(5)?,
                    postcard_id: r.get(6)?,
                    at: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?)
    }
}
