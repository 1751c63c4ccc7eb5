//! 会員検索 and member detail. Every field is optional but at least one is needed; the
//! server masks identifiers and audits each read (opening a member here is audited like
//! any other read).
use crate::desk::Desk;
use crate::error::DeskError;
use kencom_api::operator::{Diagnosis, MemberDetail, MemberPage, MemberSearchQuery};

impl Desk {
    /// Search members (paginated, masked).
    pub async fn search_members(
        &self,
        mut query: MemberSearchQuery,
    ) -> Result<MemberPage, DeskError> {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        for f in [
            &mut query.kana,
            &mut query.birth_date,
            &mut query.insurer_number,
            &mut query.symbol,
            &mut query.number,
            &mut query.email,
        ] {
            if blank(f) {
                *f = None;
            }
        }
        if query.kana.is_none()
            && query.birth_date.is_none()
            && query.insurer_number.is_none()
            && query.symbol.is_none()
            && query.number.is_none()
            && query.email.is_none()
        {
            return Err(DeskError::invalid(
                "kana",
                "検索条件を1つ以上入力してください。",
            ));
        }
        if let Some(b) = &query.birth_date {
            if let Err(e) = kencom_domain::parse_date(b) {
                return Err(DeskError::invalid("birth_date", e.to_string()));
            }
        }
        Ok(self
            .call(|c, t| {
                let q = query.clone();
                async move { c.search_members(&t, &q).await }
            })
            .await?)
    }

    /// A member with timeline (audited read at the server).
    pub async fn member_detail(&self, member_id: i64) -> Result<MemberDetail, DeskError> {
        Ok(self
            .call(|c, t| async move { c.member(&t, member_id).await })
            .await?)
    }

    /// Causes that apply to a member.
    pub async fn member_diagnosis(&self, member_id: i64) -> Result<Diagnosis, DeskError> {
        Ok(self
            .call(|c, t| async move { c.member_diagnosis(&t, member_id).await })
            .await?)
    }
}
