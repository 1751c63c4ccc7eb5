//! Roster members (名簿): the union's insured persons and dependents as synced to the
//! portal, and the operator member search over them.

use super::{Scope, StoreResult};
use crate::clock::Millis;

/// A roster row.
#[derive(Clone, Debug)]
pub struct RosterRow {
    pub id: i64,
    pub insurer_id: i64,
    pub insurer_number: String,
    pub card_symbol: String,
    pub card_number: String,
    pub card_number_key: String,
    pub branch: String,
    pub name_kanji: String,
    pub name_kana: String,
    pub kana_key: String,
    pub birth_date: String,
    pub sex: String,
    pub relation: String,
    pub voluntary_continuation: bool,
    pub special_retiree: bool,
    pub qualified_on: String,
    pub disqualified_on: Option<String>,
    pub synced_at: Option<Millis>,
    pub postal_code: String,
    pub address: String,
    /// 続柄 as the roster wrote it ("本人", "妻" …).
    pub relation_name: String,
}

/// A new roster row (id assigned by the store).
pub type NewRosterMember = RosterRow;

/// Member search criteria; every present field must match. Values are already
/// normalised by the flow (kana key, ISO date, e-mail key).
#[derive(Clone, Debug, Default)]
pub struct MemberQuery {
    /// Normalised kana key: substring for ≥3 chars, prefix for shorter.
    pub kana_key: Option<String>,
    pub birth_date: Option<String>,
    pub insurer_number: Option<String>,
    pub card_symbol: Option<String>,
    pub card_number_key: Option<String>,
    pub email_key: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// A search hit: the roster row and the linked account's login e-mail and state.
#[derive(Clone, Debug)]
pub struct MemberHit {
    pub member: RosterRow,
    pub account_email: Option<String>,
    pub account_state: Option<String>,
}

/// Roster storage.
pub trait RosterRepo {
    /// Insert a roster row; returns its id.
    fn insert_roster_member(&mut self, m: &NewRosterMember) -> StoreResult<i64>;
    /// One member, if in scope.
    fn get_member(&mut self, scope: &Scope, id: i64) -> StoreResult<Option<RosterRow>>;
    /// Rows carrying this card number key under any of `insurer_numbers` (eligibility).
    fn members_by_card(
        &mut self,
        insurer_numbers: &[String],
        number_key: &str,
    ) -> StoreResult<Vec<RosterRow>>;
    /// Rows with this birth date in scope (diagnosis candidates).
    fn members_by_birth_date(
        &mut self,
        scope: &Scope,
        birth_date: &str,
        limit: i64,
    ) -> StoreResult<Vec<RosterRow>>;
    /// Rows whose kana key equals `key` in scope.
    fn members_by_kana_key(
        &mut self,
        scope: &Scope,
        key: &str,
        limit: i64,
    ) -> StoreResult<Vec<RosterRow>>;
    /// Paginated search in scope; returns hits and the total count.
    fn search_members(
        &mut self,
        scope: &Scope,
        q: &MemberQuery,
    ) -> StoreResult<(Vec<MemberHit>, i64)>;
    /// Mark rows of an insurer as synced to the portal.
    fn mark_synced(&mut self, member_id: i64, at: Millis) -> StoreResult<()>;
}
