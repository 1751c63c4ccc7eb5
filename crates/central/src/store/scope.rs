//! The one place tenant scoping is decided. Every repository method that reads or writes
//! insurer-owned data takes a [`Scope`]; the SQL backends turn it into a WHERE clause with
//! [`Scope::insurer_filter`], so an insurer admin's query cannot name another insurer's
//! rows — they are simply not found (404), never returned.

/// Which insurers' data an operator may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Help-desk agents and supervisors work for every union.
    All,
    /// An insurer admin sees only their own union.
    Insurer(i64),
}

impl Scope {
    /// SQL fragment restricting `column` (an insurer id column). The id is an integer
    /// formatted by us, never user text, so inlining it cannot inject.
    pub fn insurer_filter(&self, column: &str) -> String {
        match self {
            Scope::All => "1=1".to_string(),
            Scope::Insurer(id) => format!("{column} = {id}"),
        }
    }

    /// Whether a row owned by `insurer_id` is visible.
    pub fn allows(&self, insurer_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Insurer(id) => *id == insurer_id,
        }
    }
}
