//! SQLite: inquiries, cases, notes, identity verifications.

use rusqlite::{params, OptionalExtension, Row};

use super::SqliteTx;
use crate::clock::Millis;
use crate::store::cases::{CaseRepo, CaseRow, InquiryRow, NoteRow, VerificationRow};
use crate::store::StoreResult;

const ICOLS: &str = "id, received_at, name_kana, email, insurer_name, birth_date_raw, birth_date, inquiry_type, body, \
     app_version, device_name, os_version, sp_browser, consented, status";

fn irow(r: &Row) -> rusqlite::Result<InquiryRow> {
    Ok(InquiryRow {
        id: r.get(0)?,
        received_at: r.get(1)?,
        name_kana: r.get(2)?,
        email: r.get(3)?,
        insurer_name: r.get(4)?,
        birth_date_raw: r.get(5)?,
        birth_date: r.get(6)?,
        inquiry_type: r.get(7)?,
        body: r.get(8)?,
        app_version: r.get(9)?,
        device_name: r.get(10)?,
        os_version: r.get(11)?,
        sp_browser: r.get(12)?,
        consented: r.get(13)?,
        status: r.get(14)?,
    })
}

const CCOLS: &str =
    "id, inquiry_id, claimed_by, roster_member_id, status, resolution, created_at, closed_at";

fn crow(r: &Row) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        inquiry_id: r.get(1)?,
        claimed_by: r.get(2)?,
        roster_member_id: r.get(3)?,
        status: r.get(4)?,
        resolution: r.get(5)?,
        created_at: r.get(6)?,
        closed_at: r.get(7)?,
    })
}

impl CaseRepo for SqliteTx<'_> {
    fn insert_inquiry(&mut self, i: &InquiryRow) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO inquiries (received_at, name_kana, email, insurer_name, birth_date_raw, birth_date, inquiry_type, body, \
             app_version, device_name, os_version, sp_browser, consented, status) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,'new')",
            params![
                i.received_at,
                i.name_kana,
                i.email,
                i.insurer_name,
                i.birth_date_raw,
                i.birth_date,
                i.inquiry_type,
                i.body,
                i.app_version,
                i.device_name,
                i.os_version,
                i.sp_browser,
                i.consented
            ],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn get_inquiry(&mut self, id: i64) -> StoreResult<Option<InquiryRow>> {
        Ok(self
            .0
            .prepare_cached(&format!("SELECT {ICOLS} FROM inquiries WHERE id = ?1"))?
            .query_row([id], irow)
            .optional()?)
    }
    fn list_inquiries(
        &mut self,
        status: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<InquiryRow>, i64)> {
        let total = self
            .0
            .prepare_cached("SELECT count(*) FROM inquiries WHERE ?1 IS NULL OR status = ?1")?
            .query_row([status], |r| r.get(0))?;
        let rows = self
            .0
            .prepare_cached(&format!("SELECT {ICOLS} FROM inquiries WHERE ?1 IS NULL OR status = ?1 ORDER BY received_at, id LIMIT ?2 OFFSET ?3"))?
            .query_map(params![status, limit, offset], irow)?
            .collect::<Result<_, _>>()?;
        Ok((rows, total))
    }
    fn set_inquiry_status(&mut self, id: i64, status: &str) -> StoreResult<()> {
        self.0.execute(
            "UPDATE inquiries SET status = ?2 WHERE id = ?1",
            params![id, status],
        )?;
        Ok(())
    }
    fn insert_case(&mut self, inquiry_id: i64, operator_id: i64, now: Millis) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO cases (inquiry_id, claimed_by, status, created_at) VALUES (?1, ?2, 'open', ?3)",
            params![inquiry_id, operator_id, now],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn get_case(&mut self, id: i64) -> StoreResult<Option<CaseRow>> {
        Ok(self
            .0
            .prepare_cached(&format!("SELECT {CCOLS} FROM cases WHERE id = ?1"))?
            .query_row([id], crow)
            .optional()?)
    }
    fn case_by_inquiry(&mut self, inquiry_id: i64) -> StoreResult<Option<CaseRow>> {
        Ok(self
            .0
            .prepare_cached(&format!("SELECT {CCOLS} FROM cases WHERE inquiry_id = ?1"))?
            .query_row([inquiry_id], crow)
            .optional()?)
    }
    fn set_case_member(&mut self, id: i64, member_id: i64) -> StoreResult<()> {
        self.0.execute(
            "UPDATE cases SET roster_member_id = ?2 WHERE id = ?1",
            [id, member_id],
        )?;
        Ok(())
    }
    fn set_case_status(
        &mut self,
        id: i64,
        status: &str,
        resolution: Option<&str>,
        closed_at: Option<Millis>,
    ) -> StoreResult<()> {
        self.0.execute(
            "UPDATE cases SET status = ?2, resolution = COALESCE(?3, resolution), closed_at = ?4 WHERE id = ?1",
            params![id, status, resolution, closed_at],
        )?;
        Ok(())
    }
    fn insert_note(
        &mut self,
        case_id: i64,
        operator_id: i64,
        body: &str,
        now: Millis,
    ) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO case_notes (case_id, operator_id, at, body) VALUES (?1, ?2, ?3, ?4)",
            params![case_id, operator_id, now, body],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn notes(&mut self, case_id: i64) -> StoreResult<Vec<NoteRow>> {
        Ok(self
            .0
            .prepare_cached("SELECT id, case_id, operator_id, at, body FROM case_notes WHERE case_id = ?1 ORDER BY id")?
            .query_map([case_id], |r| Ok(NoteRow { id: r.get(0)?, case_id: r.get(1)?, operator_id: r.get(2)?, at: r.get(3)?, body: r.get(4)? }))?
            .collect::<Result<_, _>>()?)
    }
    fn insert_verification(&mut self, v: &VerificationRow) -> StoreResult<i64> {
        self.0.execute(
            "INSERT INTO identity_verifications (case_id, operator_id, roster_member_id, at, factors, passed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![v.case_id, v.operator_id, v.roster_member_id, v.at, v.factors, v.passed],
        )?;
        Ok(self.0.last_insert_rowid())
    }
    fn verifications(&mut self, case_id: i64) -> StoreResult<Vec<VerificationRow>> {
        Ok(self
            .0
            .prepare_cached("SELECT id, case_id, operator_id, roster_member_id, at, factors, passed FROM identity_verifications WHERE case_id = ?1 ORDER BY id")?
            .query_map([case_id], |r| {
                Ok(VerificationRow {
                    id: r.get(0)?,
                    case_id: r.get(1)?,
                    operator_id: r.get(2)?,
                    roster_member_id: r.get(3)?,
                    at: r.get(4)?,
                    factors: r.get(5)?,
                    passed: r.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?)
    }
}
