//! 組合設定 for insurer administrators (their own union) and supervisors (every union):
//! maintenance windows (members see the maintenance cause during them), the IP whitelist
//! (addresses or CIDR networks) and where reissue postcards are printed. Online operations;
//! the server checks scope and audits every change. Input is checked here first so the
//! operator gets a Japanese message on the right field before anything is sent.
use crate::desk::Desk;
use crate::error::DeskError;
use crate::views::MaintenanceInput;
use kencom_api::operator::{
    InsurerView, MaintenanceRequest, PostcardPrintingRequest, WhitelistRequest,
};
use std::net::IpAddr;

/// Parses `YYYY-MM-DDTHH:MM` (a datetime-local field, Japan time) into RFC 3339 (+09:00).
fn jst(field: &str, raw: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, DeskError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(DeskError::invalid(field, "日時を入力してください。"));
    }
    let naive = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| {
            DeskError::invalid(field, "日時は「2026-12-01T09:00」の形で入力してください。")
        })?;
    let tokyo = chrono::FixedOffset::east_opt(9 * 3600).expect("JST offset");
    naive
        .and_local_timezone(tokyo)
        .single()
        .ok_or_else(|| DeskError::invalid(field, "日時が正しくありません。"))
}

/// An IPv4/IPv6 address or a CIDR network with a prefix the family allows.
pub(crate) fn check_ip_or_cidr(raw: &str) -> Result<String, DeskError> {
    let raw = raw.trim();
    let bad = || {
        DeskError::invalid(
            "ip",
            "IPアドレス（例: 192.0.2.10）またはネットワーク（例: 192.0.2.0/24）を入力してください。",
        )
    };
    let (addr, prefix) = match raw.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (raw, None),
    };
    let addr: IpAddr = addr.parse().map_err(|_| bad())?;
    if let Some(p) = prefix {
        let p: u8 = p.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if p > max {
            return Err(DeskError::invalid(
                "ip",
                format!("ネットワークの長さ（/の後ろ）は0〜{max}で指定してください。"),
            ));
        }
        if p == 0 {
            return Err(DeskError::invalid(
                "ip",
                "すべてのアドレスを許可する指定（/0）はできません。",
            ));
        }
    }
    Ok(raw.to_owned())
}

impl Desk {
    /// The unions the operator may manage (admins: their own).
    pub async fn insurers(&self) -> Result<Vec<InsurerView>, DeskError> {
        Ok(self
            .call(|c, t| async move { c.insurers(&t).await })
            .await?)
    }

    /// Schedule a maintenance window.
    pub async fn add_maintenance(
        &self,
        insurer_id: i64,
        input: MaintenanceInput,
    ) -> Result<InsurerView, DeskError> {
        let starts = jst("startsAt", &input.starts_at)?;
        let ends = jst("endsAt", &input.ends_at)?;
        if ends <= starts {
            return Err(DeskError::invalid(
                "endsAt",
                "終了日時は開始日時より後にしてください。",
            ));
        }
        if input.note.chars().count() > 200 {
            return Err(DeskError::invalid(
                "note",
                "メモは200文字以内で入力してください。",
            ));
        }
        let req = MaintenanceRequest {
            starts_at: starts.to_rfc3339(),
            ends_at: ends.to_rfc3339(),
            note: input.note.trim().to_owned(),
        };
        let key = self.fresh_key("maint");
        Ok(self
            .call(|c, t| {
                let (req, key) = (req.clone(), key.clone());
                async move { c.add_maintenance(&t, insurer_id, &req, &key).await }
            })
            .await?)
    }

    /// Remove a maintenance window.
    pub async fn delete_maintenance(
        &self,
        insurer_id: i64,
        window_id: i64,
    ) -> Result<InsurerView, DeskError> {
        let key = self.fresh_key("maint-del");
        Ok(self
            .call(|c, t| {
                let key = key.clone();
                async move { c.delete_maintenance(&t, insurer_id, window_id, &key).await }
            })
            .await?)
    }

    /// Whitelist an address or a CIDR network.
    pub async fn add_whitelist(
        &self,
        insurer_id: i64,
        ip: String,
    ) -> Result<InsurerView, DeskError> {
        let req = WhitelistRequest {
            ip: check_ip_or_cidr(&ip)?,
        };
        let key = self.fresh_key("wl");
        Ok(self
            .call(|c, t| {
                let (req, key) = (req.clone(), key.clone());
                async move { c.add_whitelist(&t, insurer_id, &req, &key).await }
            })
            .await?)
    }

    /// Remove a whitelist entry.
    pub async fn delete_whitelist(
        &self,
        insurer_id: i64,
        entry_id: i64,
    ) -> Result<InsurerView, DeskError> {
        let key = self.fresh_key("wl-del");
        Ok(self
            .call(|c, t| {
                let key = key.clone();
                async move { c.delete_whitelist(&t, insurer_id, entry_id, &key).await }
            })
            .await?)
    }

    /// Where the union's reissue postcards are printed (desk right after the call, or runs).
    pub async fn set_postcard_printing(
        &self,
        insurer_id: i64,
        desk_prints: bool,
    ) -> Result<InsurerView, DeskError> {
        let req = PostcardPrintingRequest {
            desk_prints_postcards: desk_prints,
        };
        let key = self.fresh_key("pp");
        Ok(self
            .call(|c, t| {
                let (req, key) = (req.clone(), key.clone());
                async move { c.set_postcard_printing(&t, insurer_id, &req, &key).await }
            })
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_networks_are_checked_with_japanese_messages() {
        for ok in [
            "192.0.2.10",
            "192.0.2.0/24",
            "2001:db8::1",
            "2001:db8::/32",
            " 10.0.0.0/8 ",
        ] {
            assert!(check_ip_or_cidr(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "192.0.2",
            "192.0.2.0/33",
            "2001:db8::/129",
            "0.0.0.0/0",
            "x/24",
            "192.0.2.0/",
        ] {
            let e = check_ip_or_cidr(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("ip"), "{bad}");
            assert!(!e.message.is_ascii(), "Japanese message for {bad}");
        }
    }

    #[test]
    fn maintenance_times_are_japan_time() {
        let t = jst("startsAt", "2026-12-01T09:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-01T09:00:00+09:00");
        assert_eq!(
            jst("endsAt", "12/01 9時").unwrap_err().field.as_deref(),
            Some("endsAt")
        );
        assert!(jst("startsAt", " ").is_err());
    }
}
