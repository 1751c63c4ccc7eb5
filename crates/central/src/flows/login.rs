//! Member login with image-CAPTCHA escalation (seed: mandatory for PC/SP browsers, apps
//! exempt; failures and heavy traffic from one IP raise the difficulty; a union's
//! whitelisted IPs need none until a set number of failed logins from that IP). The
//! CAPTCHA is a challenge token + level + text prompt; no image is generated.

use kencom_api::portal::{CaptchaChallenge, ClientKind, MemberLoginRequest, MemberLoginResponse};
use rand::Rng;

use crate::clock::Millis;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::secrets::{random_token, token_hash, verify_password};
use crate::store::logins::{CaptchaRow, LoginAttemptRow};
use crate::store::Tx;

/// The CAPTCHA level required now for this IP (and account, when known).
pub fn required_level(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    ip: &str,
    account_id: Option<i64>,
    client: ClientKind,
) -> ApiResult<i64> {
    if client == ClientKind::App {
        return Ok(0);
    }
    let since = now - cfg.captcha_window;
    let ip_failures = tx.ip_failures_since(ip, since)?;
    if tx.is_whitelisted(ip)? && ip_failures < cfg.whitelist_failure_limit {
        return Ok(0);
    }
    let account_failures = match account_id {
        Some(a) => tx.account_failures_since(a, since)?,
        None => 0,
    };
    let traffic = tx.ip_attempts_since(ip, since)?;
    if ip_failures >= cfg.captcha_escalate_failures
        || account_failures >= cfg.captcha_escalate_failures
        || traffic >= cfg.captcha_traffic_attempts
    {
        Ok(2)
    } else {
        Ok(1)
    }
}

/// Issue a challenge at the level this IP (and e-mail, if given) needs now.
pub fn challenge(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    ip: &str,
    email: Option<&str>,
) -> ApiResult<CaptchaChallenge> {
    let account_id = match email {
        Some(e) => tx.account_by_email(e)?.map(|a| a.id),
        None => None,
    };
    let level = required_level(tx, cfg, now, ip, account_id, ClientKind::Browser)?;
    let mut rng = rand::thread_rng();
    let (prompt, answer) = if level >= 2 {
        let (a, b, c) = (
            rng.gen_range(11..99),
            rng.gen_range(3..9),
            rng.gen_range(10..99),
        );
        (format!("{a} × {b} + {c} = ?"), a * b + c)
    } else {
        let (a, b) = (rng.gen_range(1..10), rng.gen_range(1..10));
        (format!("{a} + {b} = ?"), a + b)
    };
    let id = random_token();
    tx.insert_captcha(&CaptchaRow {
        id: id.clone(),
        level: level.max(1),
        answer_hash: token_hash(&answer.to_string()),
        ip: ip.into(),
        created_at: now,
        used_at: None,
    })?;
    Ok(CaptchaChallenge {
        challenge_id: id,
        level,
        prompt,
    })
}

/// What the first phase of a login found; the password is checked between the phases,
/// off the write transaction (argon2 is deliberately slow and SQLite has one writer).
#[derive(Clone, Debug)]
pub struct Gate {
    account_id: i64,
    password_hash: String,
    level: i64,
    client: &'static str,
}

impl Gate {
    /// The stored hash to verify the password against.
    pub fn password_hash(&self) -> &str {
        &self.password_hash
    }
}

fn client_name(c: ClientKind) -> &'static str {
    match c {
        ClientKind::App => "app",
        ClientKind::Browser => "browser",
    }
}

fn attempt(
    now: Millis,
    ip: &str,
    account_id: Option<i64>,
    client: &str,
    level: i64,
    outcome: &str,
) -> LoginAttemptRow {
    LoginAttemptRow {
        at: now,
        ip: ip.into(),
        account_id,
        client: client.into(),
        captcha_level: level,
        outcome: outcome.into(),
    }
}

/// Phase 1: CAPTCHA (consumed), account, lock. `Ok(Err(_))` commits the recorded attempt
/// and answers with the error.
pub fn gate(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    ip: &str,
    req: &MemberLoginRequest,
) -> ApiResult<Result<Gate, ApiError>> {
    let account = tx.account_by_email(&req.email)?;
    let account_id = account.as_ref().map(|a| a.id);
    let level = required_level(tx, cfg, now, ip, account_id, req.client)?;
    let client = client_name(req.client);
    if level > 0 {
        let solved = match (&req.captcha_id, &req.captcha_answer) {
            (Some(id), Some(answer)) => tx.take_captcha(id, now)?.is_some_and(|c| {
                c.level >= level
                    && c.ip == ip
                    && c.answer_hash == token_hash(answer.trim())
                    && now - c.created_at < 10 * 60_000
            }),
            _ => false,
        };
        if !solved {
            tx.insert_login_attempt(&attempt(
                now,
                ip,
                account_id,
                client,
                level,
                "captcha_required",
            ))?;
            return Ok(Err(ApiError::unauthorized(
                "captcha_required",
                format!("画像認証が必要です (level {level})"),
            )));
        }
    }
    let Some(account) = account else {
        tx.insert_login_attempt(&attempt(now, ip, None, client, level, "unknown_account"))?;
        return Ok(Err(invalid_credentials()));
    };
    if account.locked_until.is_some_and(|t| t > now) {
        tx.insert_login_attempt(&attempt(now, ip, account_id, client, level, "locked"))?;
        return Ok(Err(ApiError::forbidden(
            "account_locked",
            "ログインが一時的にロックされています",
        )));
    }
    Ok(Ok(Gate {
        account_id: account.id,
        password_hash: account.password_hash,
        level,
        client,
    }))
}

/// Phase 3: record the password check's outcome; on success open a member session.
pub fn finish(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    ip: &str,
    g: &Gate,
    password_ok: bool,
) -> ApiResult<Result<MemberLoginResponse, ApiError>> {
    let account = tx
        .get_account(g.account_id)?
        .ok_or_else(invalid_credentials)?;
    let record = |tx: &mut dyn Tx, outcome: &str| {
        tx.insert_login_attempt(&attempt(
            now,
            ip,
            Some(account.id),
            g.client,
            g.level,
            outcome,
        ))
    };
    if !password_ok {
        let lock = (account.failed_logins + 1 >= cfg.lock_after_failures)
            .then_some(now + cfg.lock_duration);
        tx.record_failed_login(account.id, lock)?;
        record(tx, "bad_password")?;
        return Ok(Err(invalid_credentials()));
    }
    if account.state != "active" {
        record(tx, "registration_incomplete")?;
        return Ok(Err(ApiError::forbidden(
            "registration_incomplete",
            "会員登録が完了していません",
        )));
    }
    tx.clear_login_failures(account.id)?;
    record(tx, "ok")?;
    let token = random_token();
    tx.insert_member_session(
        &token_hash(&token),
        account.id,
        now,
        now + cfg.member_session_ttl,
    )?;
    Ok(Ok(MemberLoginResponse {
        session_token: token,
    }))
}

/// All three phases in one transaction (the demo seeder, which is already off the runtime
/// and alone on the database).
pub fn login(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    ip: &str,
    req: &MemberLoginRequest,
) -> ApiResult<Result<MemberLoginResponse, ApiError>> {
    match gate(tx, cfg, now, ip, req)? {
        Err(e) => Ok(Err(e)),
        Ok(g) => {
            let ok = verify_password(&req.password, &g.password_hash);
            finish(tx, cfg, now, ip, &g, ok)
        }
    }
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(
        "invalid_credentials",
        "メールアドレスまたはパスワードが正しくありません",
    )
}
