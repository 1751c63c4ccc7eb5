//! SQLite: insurers, insurer numbers, maintenance windows, IP whitelist.

use rusqlite::{params, OptionalExtension, Row};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::insurers::{InsurerRepo, InsurerRow, MaintenanceRow, WhitelistRow};
use crate::store::{Scope, StoreResult};

const COLS: &str =
    "id, name, service_enabled, sender_postal_code, sender_address, desk_prints_postcards";

fn row(r: &Row) -> rusqlite::Result<InsurerRow> {
    Ok(InsurerRow {
        id: r.get(0)?,
        name: r.get(1)?,
        service_enabled: r.get(2)?,
        sender_postal_code: r.get(3)?,
        sender_address: r.get(4)?,
        desk_prints_postcards: r.get(5)?,
        numbers: Vec::new(),
    })
}

fn mrow(r: &Row) -> rusqlite::Result<MaintenanceRow> {
    Ok(MaintenanceRow {
        id: r.get(0)?,
        insurer_id: r.get(1)?,
        starts_at: r.get(2)?,
        ends_at: r.get(3)?,
        note: r.get(4)?,
    })
}

impl SqliteTx<'_> {
    fn with_numbers(&self, mut rows: Vec<InsurerRow>) -> StoreResult<Vec<InsurerRow>> {
        let mut st = self.0.prepare_cached(
            "SELECT number, kind FROM insurer_numbers WHERE insurer_id = ?1 ORDER BY kind, number",
        )?;
        for i in rows.iter_mut() {
            i.numbers = st
                .query_map([i.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
        }
        Ok(rows)
    }
    fn insurers_where(
        &self,
        clause: &str,
        p: impl rusqlite::Params,
    ) -> StoreResult<Vec<InsurerRow>> {
        let sql = format!("SELECT {COLS} FROM insurers WHERE {clause} ORDER BY id");
        let rows = self
            .0
            .prepare_cached(&sql)?
            .query_map(p, row)?
            .collect::<Result<Vec<_>, _>>()?;
        self.with_numbers(rows)
    }
}

impl InsurerRepo for SqliteTx<'_> {
    fn insert_insurer(
        &mut self,
        name: &str,
        enabled: bool,
        postal: &str,
        address: &str,
        now: Millis,
    ) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO insurers (name, service_enabled, sender_postal_code, sender_address, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, enabled, postal, address, now],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn add_insurer_number(&mut self, insurer_id: i64, number: &str, kind: &str) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO insurer_numbers (number, insurer_id, kind) VALUES (?1, ?2, ?3)",
            params![number, insurer_id, kind],
        )?;
        Ok(())
    }
    fn insurer_by_number(&mut self, number: &str) -> StoreResult<Option<InsurerRow>> {
        Ok(self
            .insurers_where(
                "id = (SELECT insurer_id FROM insurer_numbers WHERE number = ?1)",
                [number],
            )?
            .pop())
    }
    fn get_insurer(&mut self, scope: &Scope, id: i64) -> StoreResult<Option<InsurerRow>> {
        Ok(self
            .insurers_where(&format!("id = ?1 AND {}", scope.insurer_filter("id")), [id])?
            .pop())
    }
    fn list_insurers(&mut self, scope: &Scope) -> StoreResult<Vec<InsurerRow>> {
        self.insurers_where(&scope.insurer_filter("id"), [])
    }
    fn insurers_by_name(&mut self, name: &str) -> StoreResult<Vec<InsurerRow>> {
        self.insurers_where("instr(name, ?1) > 0 OR instr(?1, name) > 0", [name])
    }
    fn set_desk_prints_postcards(&mut self, id: i64, on: bool) -> StoreResult<()> {
        self.0.execute(
            "UPDATE insurers SET desk_prints_postcards = ?2 WHERE id = ?1",
            params![id, on],
        )?;
        Ok(())
    }
    fn set_service_enabled(&mut self, id: i64, enabled: bool) -> StoreResult<()> {
        self.0.execute(
            "UPDATE insurers SET service_enabled = ?2 WHERE id = ?1",
            params![id, enabled],
        )?;
        Ok(())
    }
    fn add_maintenance(
        &mut self,
        insurer_id: i64,
        starts: Millis,
        ends: Millis,
        note: &str,
        now: Millis,
    ) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO maintenance_windows (insurer_id, starts_at, ends_at, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![insurer_id, starts, ends, note, now],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn delete_maintenance(&mut self, insurer_id: i64, id: i64) -> StoreResult<bool> {
        Ok(self.0.execute(
            "DELETE FROM maintenance_windows WHERE id = ?1 AND insurer_id = ?2",
            [id, insurer_id],
        )? > 0)
    }
    fn maintenance_windows(&mut self, insurer_id: i64) -> StoreResult<Vec<MaintenanceRow>> {
        let mut st = self.0.prepare_cached(
            "SELECT id, insurer_id, starts_at, ends_at, note FROM maintenance_windows WHERE insurer_id = ?1 ORDER BY starts_at DESC",
        )?;
        let rows = st
            .query_map([insurer_id], mrow)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
    fn maintenance_at(
        &mut self,
        insurer_id: i64,
        at: Millis,
    ) -> StoreResult<Option<MaintenanceRow>> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT id, insurer_id, starts_at, ends_at, note FROM maintenance_windows WHERE insurer_id = ?1 AND starts_at <= ?2 AND ends_at > ?2 LIMIT 1",
            )?
            .query_row(params![insurer_id, at], mrow)
            .optional()?)
    }
    fn add_whitelist(&mut self, insurer_id: i64, ip: &str, now: Millis) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO ip_whitelist (insurer_id, ip, created_at) VALUES (?1, ?2, ?3)",
            params![insurer_id, ip, now],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn delete_whitelist(&mut self, insurer_id: i64, id: i64) -> StoreResult<bool> {
        Ok(self.0.execute(
            "DELETE FROM ip_whitelist WHERE id = ?1 AND insurer_id = ?2",
            [id, insurer_id],
        )? > 0)
    }
    fn whitelist(&mut self, insurer_id: i64) -> StoreResult<Vec<WhitelistRow>> {
        let mut st = self.0.prepare_cached(
            "SELECT id, insurer_id, ip FROM ip_whitelist WHERE insurer_id = ?1 ORDER BY id",
        )?;
        let rows = st
            .query_map([insurer_id], |r| {
                Ok(WhitelistRow {
                    id: r.get(0)?,
                    insurer_id: r.get(1)?,
                    ip: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
    fn is_whitelisted(&mut self, ip: &str) -> StoreResult<bool> {
        // Exact entries by the unique index; networks (the few entries with a '/') are
        // matched in Rust, since SQLite has no address type.
        let entries: Vec<String> = self
            .0
            .prepare_cached("SELECT ip FROM ip_whitelist WHERE ip = ?1 OR instr(ip, '/') > 0")?
            .query_map([ip], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(crate::cidr::any_contains(
            entries.iter().map(String::as_str),
            ip,
        ))
    }
}
