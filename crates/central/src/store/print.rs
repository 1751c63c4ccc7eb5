//! Postcards queued by reissues, the print runs insurer admins create, and the reissue
//! requests linking a case to the old and new code.

use super::{Scope, StoreResult};
use crate::clock::Millis;

/// A queued postcard joined with its member's address data.
#[derive(Clone, Debug)]
pub struct PostcardRow {
    pub id: i64,
    pub insurer_id: i64,
    pub roster_member_id: i64,
    pub checkup_code_id: i64,
    pub code_clear: Option<String>,
    pub print_run_id: Option<i64>,
    pub created_at: Millis,
    /// Printed at the help desk instead of in a run.
    pub desk_print: bool,
    /// When the desk reported it printed.
    pub printed_at: Option<Millis>,
}

/// A print run.
#[derive(Clone, Debug)]
pub struct PrintRunRow {
    pub id: i64,
    pub insurer_id: i64,
    pub created_by: i64,
    pub created_at: Millis,
    pub fetched_at: Option<Millis>,
    pub printed_at: Option<Millis>,
    pub mailed_at: Option<Millis>,
    pub postcards: i64,
}

/// A reissue request.
#[derive(Clone, Debug)]
pub struct ReissueRow {
    pub id: i64,
    pub case_id: i64,
    pub operator_id: i64,
    pub roster_member_id: i64,
    pub old_code_id: Option<i64>,
    pub new_code_id: i64,
    pub postcard_id: i64,
    pub at: Millis,
}

/// Print storage.
pub trait PrintRepo {
    /// Queue a postcard holding the new code in clear until its run is fetched.
    fn insert_postcard(
        &mut self,
        insurer_id: i64,
        member_id: i64,
        code_id: i64,
        code_clear: &str,
        desk_print: bool,
        now: Millis,
    ) -> StoreResult<i64>;
    /// Record that the desk printed a desk postcard and wipe its clear code; false when it
    /// is not a desk postcard or was already marked.
    fn mark_postcard_printed(&mut self, id: i64, now: Millis) -> StoreResult<bool>;
    /// Run postcards (not desk ones) not yet in a run, in scope.
    fn pending_postcards(&mut self, scope: &Scope) -> StoreResult<Vec<PostcardRow>>;
    /// Create a run over the insurer's pending postcards; None when nothing is pending.
    fn create_print_run(
        &mut self,
        insurer_id: i64,
        operator_id: i64,
        now: Millis,
    ) -> StoreResult<Option<i64>>;
    /// One run, if in scope.
    fn get_print_run(&mut self, scope: &Scope, id: i64) -> StoreResult<Option<PrintRunRow>>;
    /// Runs in scope, newest first.
    fn list_print_runs(&mut self, scope: &Scope) -> StoreResult<Vec<PrintRunRow>>;
    /// The run's postcards with their codes, sorted by postal code; notes the first fetch.
    fn run_postcards(&mut self, run_id: i64, now: Millis) -> StoreResult<Vec<PostcardRow>>;
    /// Mark printed / mailed; marking printed wipes the run's clear codes.
    fn mark_run(
        &mut self,
        run_id: i64,
        printed: Option<Millis>,
        mailed: Option<Millis>,
    ) -> StoreResult<()>;
    /// The postcard of a reissue, with its run (for expected arrival).
    fn get_postcard(&mut self, id: i64) -> StoreResult<Option<PostcardRow>>;
    /// Record a reissue.
    fn insert_reissue(&mut self, r: &ReissueRow) -> StoreResult<i64>;
    /// Reissues of a member, oldest first.
    fn reissues_for_member(&mut self, member_id: i64) -> StoreResult<Vec<ReissueRow>>;
}
