//! Registration STEP1–2 and activation: e-mail + password (英数字 6–20) + consent →
//! 仮登録 mail with a link valid 24 h; a resend invalidates every earlier link; opening a
//! live link confirms the e-mail and starts a registration session for STEP3.

use kencom_api::portal::{ActivateResponse, RegisterRequest, RegisterResponse};

use crate::audit::{self, AuditEvent};
use crate::clock::{rfc3339, Millis};
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::secrets::{hash_password, random_token, token_hash};
use crate::store::accounts::MailRow;
use crate::store::Tx;

/// Validate STEP1 input (no IO; run before the transaction so hashing stays outside it).
pub fn validate(req: &RegisterRequest) -> ApiResult<()> {
    let blocking: Vec<_> = kencom_domain::check_email(&req.email)
        .into_iter()
        .filter(|i| i.severity() == kencom_domain::Severity::Error)
        .collect();
    if let Some(issue) = blocking.first() {
        return Err(ApiError::invalid(
            "invalid_email",
            "email",
            issue.to_string(),
        ));
    }
    if !contract_email(&req.email) {
        return Err(ApiError::invalid(
            "invalid_email",
            "email",
            "メールアドレスの形式が正しくありません",
        ));
    }
    if req.email.len() > 254 {
        return Err(ApiError::invalid(
            "invalid_email",
            "email",
            "e-mail too long",
        ));
    }
    let p = &req.password;
    if !(6..=20).contains(&p.chars().count()) || !p.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::invalid(
            "invalid_password",
            "password",
            "パスワードは英数字6文字以上20文字以内で入力してください",
        ));
    }
    if let Some(code) = &req.invitation_code {
        crate::flows::check_len("invitation_code", code, 0, 32)?;
    }
    if !req.consent_terms {
        return Err(ApiError::invalid(
            "consent_required",
            "consent_terms",
            "会員規約への同意が必要です",
        ));
    }
    if !req.consent_privacy {
        return Err(ApiError::invalid(
            "consent_required",
            "consent_privacy",
            "個人情報の取り扱いへの同意が必要です",
        ));
    }
    Ok(())
}

/// The login-ID shape the API contract documents (RegisterRequest.email's pattern):
/// dot-separated local segments of `[A-Za-z0-9_%+-]`, `@`, two or more domain labels of
/// `[A-Za-z0-9-]`. Checked after the domain crate's mistake detection, which explains the
/// common errors (full-width ＠, spaces) better.
fn contract_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = local.split('.').all(|seg| {
        !seg.is_empty()
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_%+-".contains(&b))
    });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    local_ok && domain_ok
}

/// STEP1: create (or restart) the provisional account and queue the 仮登録 mail. Returns
/// the response and the raw activation token (only the mail carries it to the member).
pub fn register(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    req: &RegisterRequest,
    password_hash: &str,
) -> ApiResult<(RegisterResponse, String)> {
    let invitation = req.invitation_code.as_deref().filter(|c| !c.is_empty());
    let account_id = match tx.account_by_email(&req.email)? {
        Some(a) if a.state == "active" => {
            return Err(ApiError::conflict(
                "email_taken",
                "このメールアドレスは既に登録されています",
            )
            .field("email"))
        }
        // 「新規登録を取り消して初めからやり直す」: the same address starts over.
        Some(a) => {
            tx.restart_registration(a.id, password_hash, invitation, now)?;
            a.id
        }
        None => tx.insert_account(
            &req.email,
            &kencom_domain::email_search_key(&req.email),
            password_hash,
            invitation,
            now,
        )?,
    };
    let (token, expires) = send_activation(tx, cfg, now, account_id, &req.email)?;
    audit::append(
        tx,
        now,
        AuditEvent::system("member.register").detail(format!("account {account_id}")),
    )?;
    Ok((
        RegisterResponse {
            state: "provisional".into(),
            link_expires_at: rfc3339(expires),
        },
        token,
    ))
}

/// Invalidate every earlier link and queue a new 仮登録 mail. Returns (token, expiry).
pub fn send_activation(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    account_id: i64,
    email: &str,
) -> ApiResult<(String, Millis)> {
    tx.invalidate_activation_tokens(account_id, now)?;
    let token = random_token();
    let expires = now + cfg.activation_ttl;
    let token_id = tx.insert_activation_token(account_id, &token_hash(&token), now, expires)?;
    let body = format!(
        "KenCoMへの新規登録ありがとうございます。\n\n仮登録が完了いたしました。\n引き続き、下記のリンクをクリックして会員登録をすすめてください。\n\n\
         {base}/users/{token}/activate\n\n※ 本URLの有効期間は24時間となります。有効期間を過ぎた場合はお手数ですが\nメールアドレスの登録からやり直しをお願いします。\n\n\
         ※ 登録には保険証が必要となりますので、お手元に準備をお願いします。\n\n本メールは送信専用メールアドレスから配信されています。\n\
         このメールに返信されても回答できませんので、ご了承ください。\n\n<サービスお問い合わせ>\n{base}/inquiry/new\n\n配信元: KenCoM\n運営会社: DeSCヘルスケア株式会社\n",
        base = cfg.portal_base_url
    );
    tx.insert_mail(&MailRow {
        id: 0,
        account_id: Some(account_id),
        kind: "activation".into(),
        to_addr: email.into(),
        from_addr: cfg.mail_from.clone(),
        subject: "【KenCoM】仮登録ありがとうございます(※まだ本登録は完了していません)".into(),
        body,
        activation_token_id: Some(token_id),
        created_at: now,
    })?;
    Ok((token, expires))
}

/// 仮登録メールの再送信. Unknown or already active addresses get the same answer (no
/// account enumeration) but nothing is sent.
pub fn resend(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    email: &str,
) -> ApiResult<RegisterResponse> {
    let expires = now + cfg.activation_ttl;
    if let Some(a) = tx.account_by_email(email)?.filter(|a| a.state != "active") {
        send_activation(tx, cfg, now, a.id, &a.email)?;
        audit::append(
            tx,
            now,
            AuditEvent::system("member.activation_resent").detail(format!("account {}", a.id)),
        )?;
    }
    Ok(RegisterResponse {
        state: "provisional".into(),
        link_expires_at: rfc3339(expires),
    })
}

/// Open the link: valid only if it is the newest, unused and within 24 h.
pub fn activate(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    token: &str,
) -> ApiResult<ActivateResponse> {
    let t = tx
        .activation_by_hash(&token_hash(token))?
        .ok_or_else(|| ApiError::not_found("activation link"))?;
    let gone = |code, msg: &str| {
        ApiError::with_status(axum::http::StatusCode::GONE, code, msg.to_string())
    };
    if t.invalidated_at.is_some() {
        return Err(gone(
            "activation_superseded",
            "このリンクは再送信により無効になりました。最新のメールのリンクを開いてください",
        ));
    }
    if t.used_at.is_some() {
        return Err(gone("activation_used", "このリンクは使用済みです"));
    }
    if t.expires_at <= now {
        return Err(gone(
            "activation_expired",
            "有効期間（24時間）を過ぎました。メールアドレスの登録からやり直してください",
        ));
    }
    tx.use_activation_token(t.id, now)?;
    let account = tx
        .get_account(t.account_id)?
        .ok_or_else(|| ApiError::internal("token without account"))?;
    if account.state == "provisional" {
        tx.set_account_state(account.id, "email_confirmed", None)?;
    }
    let session = random_token();
    tx.insert_member_session(
        &token_hash(&session),
        account.id,
        now,
        now + cfg.member_session_ttl,
    )?;
    audit::append(
        tx,
        now,
        AuditEvent::system("member.activation_used").detail(format!("account {}", account.id)),
    )?;
    let state = if account.state == "provisional" {
        "email_confirmed".to_string()
    } else {
        account.state
    };
    Ok(ActivateResponse {
        registration_token: session,
        state,
    })
}

/// Hash a password off the transaction (argon2 is deliberately slow).
pub fn hash(password: &str) -> ApiResult<String> {
    hash_password(password).map_err(|_| ApiError::internal("password hash"))
}
