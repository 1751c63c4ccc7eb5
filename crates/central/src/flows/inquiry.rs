//! The portal's inquiry form (every field of the seed's form) → the desk's queue.

use kencom_api::portal::{InquiryReceived, InquiryRequest, InquiryType};

use crate::audit::{self, AuditEvent};
use crate::clock::{rfc3339, Millis};
use crate::error::{ApiError, ApiResult};
use crate::flows::check_len;
use crate::store::cases::InquiryRow;
use crate::store::Tx;

/// Stored name of an inquiry type.
pub fn type_name(t: InquiryType) -> &'static str {
    match t {
        InquiryType::Registration => "registration",
        InquiryType::Login => "login",
        InquiryType::CheckupCode => "checkup_code",
        InquiryType::App => "app",
        InquiryType::Other => "other",
    }
}

/// Validate and store an inquiry.
pub fn submit(tx: &mut dyn Tx, now: Millis, req: &InquiryRequest) -> ApiResult<InquiryReceived> {
    check_len("name_kana", req.name_kana.trim(), 1, 60)?;
    check_len("email", req.email.trim(), 3, 254)?;
    if req.email != req.email_confirm {
        return Err(ApiError::invalid(
            "email_confirm_mismatch",
            "email_confirm",
            "確認用メールアドレスが一致しません",
        ));
    }
    check_len("insurer_name", req.insurer_name.trim(), 1, 100)?;
    let birth = crate::flows::parse_birth_date("birth_date", &req.birth_date)?;
    check_len("body", req.body.trim(), 1, 4000)?;
    for (f, v) in [
        ("app_version", &req.app_version),
        ("device_name", &req.device_name),
        ("os_version", &req.os_version),
        ("sp_browser", &req.sp_browser),
    ] {
        check_len(f, v, 0, 100)?;
    }
    if !req.consent {
        return Err(ApiError::invalid(
            "consent_required",
            "consent",
            "個人情報の取り扱いへの同意が必要です",
        ));
    }
    // Mistakes in the e-mail (full-width ＠, spaces) are kept as typed: the desk flags them.
    let id = tx.insert_inquiry(&InquiryRow {
        id: 0,
        received_at: now,
        name_kana: req.name_kana.trim().into(),
        email: req.email.clone(),
        insurer_name: req.insurer_name.trim().into(),
        birth_date_raw: req.birth_date.clone(),
        birth_date: Some(birth),
        inquiry_type: type_name(req.inquiry_type).into(),
        body: req.body.clone(),
        app_version: req.app_version.clone(),
        device_name: req.device_name.clone(),
        os_version: req.os_version.clone(),
        sp_browser: req.sp_browser.clone(),
        consented: true,
        status: "new".into(),
    })?;
    audit::append(
        tx,
        now,
        AuditEvent::system("inquiry.received").detail(format!("inquiry {id}")),
    )?;
    Ok(InquiryReceived {
        inquiry_id: id,
        received_at: rfc3339(now),
    })
}
