//! Inquiries from the portal's form, the desk's cases built on them, case notes and the
//! identity verifications recorded on a case.

use super::StoreResult;
use crate::clock::Millis;

/// An inquiry row: every field of the seed's form.
#[derive(Clone, Debug, Default)]
pub struct InquiryRow {
    pub id: i64,
    pub received_at: Millis,
    pub name_kana: String,
    pub email: String,
    pub insurer_name: String,
    pub birth_date_raw: String,
    pub birth_date: Option<String>,
    pub inquiry_type: String,
    pub body: String,
    pub app_version: String,
    pub device_name: String,
    pub os_version: String,
    pub sp_browser: String,
    pub consented: bool,
    pub status: String,
}

/// A case row.
#[derive(Clone, Debug)]
pub struct CaseRow {
    pub id: i64,
    pub inquiry_id: i64,
    pub claimed_by: i64,
    pub roster_member_id: Option<i64>,
    pub status: String,
    pub resolution: Option<String>,
    pub created_at: Millis,
    pub closed_at: Option<Millis>,
}

/// A note on a case.
#[derive(Clone, Debug)]
pub struct NoteRow {
    pub id: i64,
    pub case_id: i64,
    pub operator_id: i64,
    pub at: Millis,
    pub body: String,
}

/// An identity verification on a case.
#[derive(Clone, Debug)]
pub struct VerificationRow {
    pub id: i64,
    pub case_id: i64,
    pub operator_id: i64,
    pub roster_member_id: i64,
    pub at: Millis,
    pub factors: String,
    pub passed: bool,
}

/// Inquiry and case storage.
pub trait CaseRepo {
    /// Store an inquiry.
    fn insert_inquiry(&mut self, i: &InquiryRow) -> StoreResult<i64>;
    /// One inquiry.
    fn get_inquiry(&mut self, id: i64) -> StoreResult<Option<InquiryRow>>;
    /// Inquiries by status (all when None), oldest first; with the total.
    fn list_inquiries(
        &mut self,
        status: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<InquiryRow>, i64)>;
    /// Change an inquiry's status.
    fn set_inquiry_status(&mut self, id: i64, status: &str) -> StoreResult<()>;
    /// Open a case on an inquiry (Conflict if one exists).
    fn insert_case(&mut self, inquiry_id: i64, operator_id: i64, now: Millis) -> StoreResult<i64>;
    /// One case.
    fn get_case(&mut self, id: i64) -> StoreResult<Option<CaseRow>>;
    /// The case of an inquiry.
    fn case_by_inquiry(&mut self, inquiry_id: i64) -> StoreResult<Option<CaseRow>>;
    /// Attach the member the case is about.
    fn set_case_member(&mut self, id: i64, member_id: i64) -> StoreResult<()>;
    /// Change status (and resolution/closed_at when closing).
    fn set_case_status(
        &mut self,
        id: i64,
        status: &str,
        resolution: Option<&str>,
        closed_at: Option<Millis>,
    ) -> StoreResult<()>;
    /// Add a note.
    fn insert_note(
        &mut self,
        case_id: i64,
        operator_id: i64,
        body: &str,
        now: Millis,
    ) -> StoreResult<i64>;
    /// Notes of a case, oldest first.
    fn notes(&mut self, case_id: i64) -> StoreResult<Vec<NoteRow>>;
    /// Record a verification.
    fn insert_verification(&mut self, v: &VerificationRow) -> StoreResult<i64>;
    /// Verifications of a case, oldest first.
    fn verifications(&mut self, case_id: i64) -> StoreResult<Vec<VerificationRow>>;
}
