//! Operator authentication: ID + password (argon2id) + TOTP → a short-lived access token
//! and a rotating refresh token. A refresh token works once; presenting a spent one
//! revokes the whole login (it was stolen or replayed). Logout and role changes revoke.

use kencom_api::operator::{OperatorInfo, Role, RoleChangeRequest, TokenPair};

use crate::audit::{self, AuditEvent};
use crate::clock::{rfc3339, Millis};
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::secrets::{random_token, token_hash};
use crate::store::operators::{NewSession, OperatorRow};
use crate::store::{Scope, Tx};

/// Public view of an operator.
pub fn info(o: &OperatorRow) -> ApiResult<OperatorInfo> {
    Ok(OperatorInfo {
        id: o.id,
        login_id: o.login_id.clone(),
        display_name: o.display_name.clone(),
        role: Role::parse(&o.role).ok_or_else(|| ApiError::internal("stored role"))?,
        insurer_id: o.insurer_id,
    })
}

fn invalid() -> ApiError {
    ApiError::unauthorized(
        "invalid_credentials",
        "IDまたはパスワード、確認コードが正しくありません",
    )
}

/// Look up the operator for a login (password checked by the caller off the transaction).
pub fn find(tx: &mut dyn Tx, login_id: &str) -> ApiResult<Option<OperatorRow>> {
    Ok(tx.operator_by_login(login_id)?)
}

/// After password + TOTP passed: open a session.
pub fn open_session(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    o: &OperatorRow,
    family: Option<&str>,
) -> ApiResult<TokenPair> {
    let access = random_token();
    let refresh = random_token();
    let family = family.map(str::to_string).unwrap_or_else(random_token);
    let (aexp, rexp) = (now + cfg.access_ttl, now + cfg.refresh_ttl);
    tx.insert_session(&NewSession {
        operator_id: o.id,
        family: family.clone(),
        access_hash: token_hash(&access),
        access_expires_at: aexp,
        refresh_hash: token_hash(&refresh),
        refresh_expires_at: rexp,
        created_at: now,
    })?;
    Ok(TokenPair {
        access_token: access,
        access_expires_at: rfc3339(aexp),
        refresh_token: refresh,
        refresh_expires_at: rfc3339(rexp),
        operator: info(o)?,
    })
}

/// Record a failed or successful login in the audit log.
pub fn audit_login(
    tx: &mut dyn Tx,
    now: Millis,
    o: Option<&OperatorRow>,
    ok: bool,
) -> ApiResult<()> {
    let ev = match o {
        Some(o) => AuditEvent::op(
            o.id,
            if ok {
                "operator.login"
            } else {
                "operator.login_failed"
            },
        ),
        None => AuditEvent::system("operator.login_failed").detail("unknown operator id"),
    };
    audit::append(tx, now, ev)
}

/// The failure answer for any wrong factor (which one is not revealed).
pub fn login_failed() -> ApiError {
    invalid()
}

/// Rotate a refresh token.
pub fn refresh(
    tx: &mut dyn Tx,
    cfg: &Config,
    now: Millis,
    refresh_token: &str,
) -> ApiResult<Result<TokenPair, ApiError>> {
    let unauthorized =
        || ApiError::unauthorized("invalid_refresh_token", "再度サインインしてください");
    let Some(s) = tx.session_by_refresh(&token_hash(refresh_token))? else {
        return Ok(Err(unauthorized()));
    };
    if s.rotated_at.is_some() {
        // Reuse of a spent token: someone else holds the chain. Revoke it all (committed).
        tx.revoke_family(&s.family, now)?;
        audit::append(
            tx,
            now,
            AuditEvent::op(s.operator_id, "operator.refresh_reuse_revoked"),
        )?;
        return Ok(Err(unauthorized()));
    }
    if s.revoked_at.is_some() || s.refresh_expires_at <= now {
        return Ok(Err(unauthorized()));
    }
    tx.mark_rotated(s.id, now)?;
    // The old access token dies with the rotation.
    let o = tx.get_operator(s.operator_id)?.ok_or_else(unauthorized)?;
    let pair = open_session(tx, cfg, now, &o, Some(&s.family))?;
    tx.revoke_sessions_except_newest(&s.family, now)?;
    Ok(Ok(pair))
}

/// Logout: revoke this login's sessions.
pub fn logout(tx: &mut dyn Tx, now: Millis, operator_id: i64, family: &str) -> ApiResult<()> {
    tx.revoke_family(family, now)?;
    audit::append(tx, now, AuditEvent::op(operator_id, "operator.logout"))
}

/// Change a role (supervisor only, checked by the handler); revokes the target's sessions.
pub fn change_role(
    tx: &mut dyn Tx,
    now: Millis,
    by: i64,
    target: i64,
    req: &RoleChangeRequest,
) -> ApiResult<OperatorInfo> {
    let o = tx
        .get_operator(target)?
        .ok_or_else(|| ApiError::not_found("operator"))?;
    if o.id == by {
        // Nobody changes their own role: it would revoke the session doing it, and
        // self-escalation needs a second supervisor.
        return Err(ApiError::conflict(
            "own_role",
            "自分のロールは変更できません",
        ));
    }
    let insurer = match (req.role, req.insurer_id) {
        (Role::InsurerAdmin, Some(i)) => {
            tx.get_insurer(&Scope::All, i)?.ok_or_else(|| {
                ApiError::invalid("unknown_insurer", "insurer_id", "no such insurer")
            })?;
            Some(i)
        }
        (Role::InsurerAdmin, None) => {
            return Err(ApiError::invalid(
                "insurer_required",
                "insurer_id",
                "insurer admins need an insurer",
            ))
        }
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "insurer_forbidden",
                "insurer_id",
                "only insurer admins have an insurer",
            ))
        }
        (_, None) => None,
    };
    tx.set_operator_role(o.id, req.role.as_str(), insurer)?;
    tx.revoke_operator_sessions(o.id, now)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(by, "operator.role_changed").detail(format!(
            "operator {} {} -> {}",
            o.id,
            o.role,
            req.role.as_str()
        )),
    )?;
    let updated = tx
        .get_operator(o.id)?
        .ok_or_else(|| ApiError::internal("operator vanished"))?;
    info(&updated)
}
