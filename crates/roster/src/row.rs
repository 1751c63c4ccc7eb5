//! A validated roster row and its identity key. Identifiers are the domain crate's types, so a
//! row that exists has already passed the same rules the eligibility check applies.

use chrono::NaiveDate;
use kencom_domain::{CardBranch, CardNumber, CardSymbol, InsurerNumber};
use serde::{Deserialize, Serialize};

/// 性別.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男 (code 1).
    Male,
    /// 女 (code 2).
    Female,
}

impl Sex {
    /// The code written in the standard layout.
    pub fn code(self) -> &'static str {
        match self {
            Self::Male => "1",
            Self::Female => "2",
        }
    }
}

/// 本人家族区分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// 本人 (被保険者, code 1).
    Insured,
    /// 家族 (被扶養者, code 2).
    Dependent,
}

impl Relationship {
    /// The code written in the standard layout.
    pub fn code(self) -> &'static str {
        match self {
            Self::Insured => "1",
            Self::Dependent => "2",
        }
    }
}

/// A row that passed validation. Text fields are kept as written (never folded): the portal
/// compares keys, the admin sees what the file said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    /// 保険者番号.
    pub insurer: InsurerNumber,
    /// 記号 (may be empty).
    pub symbol: CardSymbol,
    /// 番号.
    pub number: CardNumber,
    /// 枝番 (`None` in rosters from before 2021 that have none).
    pub branch: Option<CardBranch>,
    /// 漢字氏名 as written (may hold 髙 etc.; those are reported as warnings).
    pub kanji_name: String,
    /// カナ氏名, full-width katakana as written.
    pub kana_name: String,
    /// 性別.
    pub sex: Option<Sex>,
    /// 生年月日.
    pub birth_date: NaiveDate,
    /// 本人家族区分.
    pub relationship: Relationship,
    /// 続柄 as written ("本人", "妻", "長男" …).
    pub relation_name: String,
    /// 資格取得日.
    pub acquired_on: Option<NaiveDate>,
    /// 資格喪失日.
    pub lost_on: Option<NaiveDate>,
    /// 任意継続被保険者.
    pub voluntary_continuation: bool,
    /// 特例退職被保険者.
    pub special_retiree: bool,
    /// 郵便番号, 7 ASCII digits, when present and well-formed.
    pub postal_code: Option<String>,
    /// 住所 as written ("" when missing).
    pub address: String,
}

impl RosterRow {
    /// The identity of the person on the roster.
    pub fn key(&self) -> RowKey {
        RowKey {
            insurer: self.insurer.clone(),
            symbol: self.symbol.clone(),
            number: self.number.clone(),
            branch: self.branch.clone(),
        }
    }

    /// The row in the standard layout's column order (docs/roster-format.md): dates as
    /// YYYY-MM-DD, codes as digits. What a re-export or a test fixture writes.
    pub fn standard_cells(&self) -> [String; 16] {
        let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let flag = |b: bool| if b { "1" } else { "0" }.to_string();
        [
            self.insurer.as_str().to_owned(),
            self.symbol.as_str().to_owned(),
            self.number.as_str().to_owned(),
            self.branch.as_ref().map_or("", |b| b.as_str()).to_owned(),
            self.kanji_name.clone(),
            self.kana_name.clone(),
            self.sex.map_or("", Sex::code).to_owned(),
            date(Some(self.birth_date)).unwrap_or_default(),
            self.relationship.code().to_owned(),
            self.relation_name.clone(),
            date(self.acquired_on).unwrap_or_default(),
            date(self.lost_on).unwrap_or_default(),
            flag(self.voluntary_continuation),
            flag(self.special_retiree),
            self.postal_code.clone().unwrap_or_default(),
            self.address.clone(),
        ]
    }

    /// Only 被保険者 may use the service: not dependents, not 任意継続 (seed manual, step 3).
    /// 特例退職 members may. Any 資格喪失日 ends it: this crate has no clock, so a loss dated
    /// in the future counts already; callers that know "today" should compare `lost_on`.
    pub fn may_register(&self) -> bool {
        self.relationship == Relationship::Insured
            && !self.voluntary_continuation
            && self.lost_on.is_none()
    }
}

/// 保険者番号 + 記号 + 番号 + 枝番: one person on one union's roster. No `Display`: card
/// identifiers are masked outside health-insurance work, so printing one must be deliberate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RowKey {
    /// 保険者番号.
    pub insurer: InsurerNumber,
    /// 記号.
    pub symbol: CardSymbol,
    /// 番号 (all digits, not the last-7 eligibility key).
    pub number: CardNumber,
    /// 枝番.
    pub branch: Option<CardBranch>,
}
