//! SQLite: roster members and member search (FTS5 trigram for ≥3 kana characters, the
//! (kana_key, birth_date) B-tree for shorter prefixes).

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::roster::{MemberHit, MemberQuery, NewRosterMember, RosterRepo, RosterRow};
use crate::store::{Scope, StoreResult};

pub(crate) const COLS: &str = "rm.id, rm.insurer_id, rm.insurer_number, rm.card_symbol, rm.card_number, rm.card_number_key, rm.branch, \
     rm.name_kanji, rm.name_kana, rm.kana_key, rm.birth_date, rm.sex, rm.relation, rm.voluntary_continuation, \
     rm.special_retiree, rm.qualified_on, rm.disqualified_on, rm.synced_at, rm.postal_code, rm.address, rm.relation_name";

pub(crate) fn row(r: &Row) -> rusqlite::Result<RosterRow> {
    Ok(RosterRow {
        id: r.get(0)?,
        insurer_id: r.get(1)?,
        insurer_number: r.get(2)?,
        card_symbol: r.get(3)?,
        card_number: r.get(4)?,
        card_number_key: r.get(5)?,
        branch: r.get(6)?,
        name_kanji: r.get(7)?,
        name_kana: r.get(8)?,
        kana_key: r.get(9)?,
        birth_date: r.get(10)?,
        sex: r.get(11)?,
        relation: r.get(12)?,
        voluntary_continuation: r.get(13)?,
        special_retiree: r.get(14)?,
        qualified_on: r.get(15)?,
        disqualified_on: r.get(16)?,
        synced_at: r.get(17)?,
        postal_code: r.get(18)?,
        address: r.get(19)?,
        relation_name: r.get(20)?,
    })
}

/// Escape a string for an FTS5 phrase: wrap in quotes, double inner quotes, so user
/// input can never be read as FTS query syntax.
fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

impl RosterRepo for SqliteTx<'_> {
    fn insert_roster_member(&mut self, m: &NewRosterMember) -> StoreResult<i64> {
        let mut st = self.0.prepare_cached(
            "INSERT INTO roster_members (insurer_id, insurer_number, card_symbol, card_number, card_number_key, branch, name_kanji, \
             name_kana, kana_key, birth_date, sex, relation, voluntary_continuation, special_retiree, qualified_on, disqualified_on, \
             synced_at, postal_code, address, relation_name) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)",
        )?;
        st.execute(params![
            m.insurer_id,
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
        Ok(self.0.last_insert_rowid())
    }

    fn get_member(&mut self, scope: &Scope, id: i64) -> StoreResult<Option<RosterRow>> {
        let sql = format!(
            "SELECT {COLS} FROM roster_members rm WHERE rm.id = ?1 AND {}",
            scope.insurer_filter("rm.insurer_id")
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_row([id], row)
            .optional()?)
    }

    fn members_by_card(
        &mut self,
        insurer_numbers: &[String],
        number_key: &str,
    ) -> StoreResult<Vec<RosterRow>> {
        let mut out = Vec::new();
        let sql = format!("SELECT {COLS} FROM roster_members rm WHERE rm.insurer_number = ?1 AND rm.card_number_key = ?2");
        let mut st = self.0.prepare_cached(&sql)?;
        for n in insurer_numbers {
            out.extend(
                st.query_map(params![n, number_key], row)?
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        Ok(out)
    }

    fn members_by_birth_date(
        &mut self,
        scope: &Scope,
        birth_date: &str,
        limit: i64,
    ) -> StoreResult<Vec<RosterRow>> {
        let sql = format!(
            "SELECT {COLS} FROM roster_members rm WHERE rm.birth_date = ?1 AND {} ORDER BY rm.id LIMIT ?2",
            scope.insurer_filter("rm.insurer_id")
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map(params![birth_date, limit], row)?
            .collect::<Result<_, _>>()?)
    }

    fn members_by_kana_key(
        &mut self,
        scope: &Scope,
        key: &str,
        limit: i64,
    ) -> StoreResult<Vec<RosterRow>> {
        let sql = format!(
            "SELECT {COLS} FROM roster_members rm WHERE rm.kana_key = ?1 AND {} ORDER BY rm.id LIMIT ?2",
            scope.insurer_filter("rm.insurer_id")
        );
        Ok(self
            .0
            .prepare_cached(&sql)?
            .query_map(params![key, limit], row)?
            .collect::<Result<_, _>>()?)
    }

    fn search_members(
        &mut self,
        scope: &Scope,
        q: &MemberQuery,
    ) -> StoreResult<(Vec<MemberHit>, i64)> {
        let mut clauses = vec![scope.insurer_filter("rm.insurer_id")];
        let mut args: Vec<Value> = Vec::new();
        if let Some(k) = q.kana_key.as_deref().filter(|k| !k.is_empty()) {
            if k.chars().count() >= 3 {
                clauses.push(
                    "rm.id IN (SELECT rowid FROM roster_kana_fts WHERE roster_kana_fts MATCH ?)"
                        .into(),
                );
                args.push(Value::Text(fts_phrase(k)));
            } else {
                // A key range, not LIKE: SQLite only turns LIKE into an index range for
                // case-insensitive collations, and kana keys are compared byte-wise.
                clauses.push("rm.kana_key >= ? AND rm.kana_key < ?".into());
                args.push(Value::Text(k.to_string()));
                args.push(Value::Text(format!("{k}\u{10FFFF}")));
            }
        }
        if let Some(b) = &q.birth_date {
            clauses.push("rm.birth_date = ?".into());
            args.push(Value::Text(b.clone()));
        }
        if let Some(n) = &q.insurer_number {
            clauses.push(
                "rm.insurer_id IN (SELECT insurer_id FROM insurer_numbers WHERE number = ?)".into(),
            );
            args.push(Value::Text(n.clone()));
        }
        if let Some(s) = &q.card_symbol {
            clauses.push("rm.card_symbol = ?".into());
            args.push(Value::Text(s.clone()));
        }
        if let Some(n) = &q.card_number_key {
            clauses.push("rm.card_number_key = ?".into());
            args.push(Value::Text(n.clone()));
        }
        if let Some(e) = &q.email_key {
            clauses.push("a.email_key = ?".into());
            args.push(Value::Text(e.clone()));
        }
        let from = "roster_members rm LEFT JOIN accounts a ON a.roster_member_id = rm.id";
        let wh = clauses.join(" AND ");
        let total: i64 = self
            .0
            .prepare_cached(&format!("SELECT count(*) FROM {from} WHERE {wh}"))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
        let sql = format!("SELECT {COLS}, a.email, a.state FROM {from} WHERE {wh} ORDER BY rm.kana_key, rm.id LIMIT ? OFFSET ?");
        args.push(Value::Integer(q.limit));
        args.push(Value::Integer(q.offset));
        let hits = self
            .0
            .prepare_cached(&sql)?
            .query_map(params_from_iter(args.iter()), |r| {
                Ok(MemberHit {
                    member: row(r)?,
                    account_email: r.get(21)?,
                    account_state: r.get(22)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok((hits, total))
    }

    fn mark_synced(&mut self, member_id: i64, at: Millis) -> StoreResult<()> {
        self.0.execute(
            "UPDATE roster_members SET synced_at = ?2 WHERE id = ?1",
            params![member_id, at],
        )?;
        Ok(())
    }
}
