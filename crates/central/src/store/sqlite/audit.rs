//! SQLite: the audit log (append-only by trigger; chained by `crate::audit`).

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::SqliteTx;
use crate::store::audit::{AuditQuery, AuditRepo, AuditRow};
use crate::store::StoreResult;

const COLS: &str =
    "seq, at, operator_id, action, member_id, case_id, insurer_id, detail, prev_hash, hash";

fn row(r: &Row) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        seq: r.get(0)?,
        at: r.get(1)?,
        operator_id: r.get(2)?,
        action: r.get(3)?,
        member_id: r.get(4)?,
        case_id: r.get(5)?,
        insurer_id: r.get(6)?,
        detail: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

impl AuditRepo for SqliteTx<'_> {
    fn last_audit(&mut self) -> StoreResult<Option<AuditRow>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {COLS} FROM audit_log ORDER BY seq DESC LIMIT 1"
            ))?
            .query_row([], row)
            .optional()?)
    }
    fn insert_audit(&mut self, a: &AuditRow) -> StoreResult<()> {
        self.0
            .prepare_cached(&format!(
                "INSERT INTO audit_log ({COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
            ))?
            .execute(params![
                a.seq,
                a.at,
                a.operator_id,
                a.action,
                a.member_id,
                a.case_id,
                a.insurer_id,
                a.detail,
                a.prev_hash,
                a.hash
            ])?;
        Ok(())
    }
    fn query_audit(&mut self, q: &AuditQuery) -> StoreResult<(Vec<AuditRow>, i64)> {
        let mut clauses = vec!["1=1".to_string()];
        let mut args: Vec<Value> = Vec::new();
        if let Some(v) = q.operator_id {
            clauses.push("operator_id = ?".into());
            args.push(Value::Integer(v));
        }
        if let Some(v) = q.member_id {
            clauses.push("member_id = ?".into());
            args.push(Value::Integer(v));
        }
        if let Some(v) = &q.action {
            clauses.push("action = ?".into());
            args.push(Value::Text(v.clone()));
        }
        if let Some(v) = q.insurer_id {
            clauses.push("insurer_id = ?".into());
            args.push(Value::Integer(v));
        }
        let wh = clauses.join(" AND ");
        let total = self
            .0
            .prepare(&format!("SELECT count(*) FROM audit_log WHERE {wh}"))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
        args.push(Value::Integer(q.limit));
        args.push(Value::Integer(q.offset));
        let rows = self
            .0
            .prepare(&format!(
                "SELECT {COLS} FROM audit_log WHERE {wh} ORDER BY seq DESC LIMIT ? OFFSET ?"
            ))?
            .query_map(params_from_iter(args.iter()), row)?
            .collect::<Result<_, _>>()?;
        Ok((rows, total))
    }
    fn audit_after(&mut self, after: i64, limit: i64) -> StoreResult<Vec<AuditRow>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {COLS} FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            ))?
            .query_map([after, limit], row)?
            .collect::<Result<_, _>>()?)
    }
}
