//! Operator member search and member detail with timeline. Reads of member data are
//! audited (a search records the criteria kinds and hit count, never the values).

use kencom_api::operator::{
    AccountView, MemberDetail, MemberPage, MemberSearchQuery, TimelineEvent,
};
use kencom_domain::{
    email_search_key, mask_address, mask_email, CardNumber, CardSymbol, InsurerNumber,
};

use crate::audit::{self, AuditEvent};
use crate::clock::{jst_date, rfc3339, Millis, DAY};
use crate::error::{ApiError, ApiResult};
use crate::flows::views::{member_summary, paging};
use crate::store::roster::{MemberQuery, RosterRow};
use crate::store::{Scope, Tx};

/// Normalise the search form into a store query (all fields optional, at least one).
pub fn to_query(q: &MemberSearchQuery) -> ApiResult<MemberQuery> {
    let (offset, limit, _, _) = paging(q.page, q.per_page);
    let mut out = MemberQuery {
        offset,
        limit,
        ..Default::default()
    };
    let some = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let Some(k) = some(&q.kana) {
        crate::flows::check_len("kana", &k, 1, 60)?;
        let key = kencom_domain::name_key(&k).key;
        // Control characters are never part of a name; a NUL would also end the FTS5
        // phrase early (schemathesis found a 500 with `kana=…%00…`).
        if key.is_empty() || k.chars().any(char::is_control) {
            return Err(ApiError::invalid(
                "invalid_kana",
                "kana",
                "カナで入力してください",
            ));
        }
        out.kana_key = Some(key);
    }
    if let Some(b) = some(&q.birth_date) {
        out.birth_date = Some(crate::flows::parse_birth_date("birth_date", &b)?);
    }
    if let Some(n) = some(&q.insurer_number) {
        out.insurer_number = Some(
            InsurerNumber::parse(&n)
                .map_err(|e| {
                    ApiError::invalid("invalid_insurer_number", "insurer_number", e.to_string())
                })?
                .as_str()
                .to_string(),
        );
    }
    if let Some(s) = some(&q.symbol) {
        out.card_symbol = Some(
            CardSymbol::parse(&s)
                .map_err(|e| ApiError::invalid("invalid_symbol", "symbol", e.to_string()))?
                .as_str()
                .to_string(),
        );
    }
    if let Some(n) = some(&q.number) {
        let n = CardNumber::parse(&n)
            .map_err(|e| ApiError::invalid("invalid_number", "number", e.to_string()))?;
        out.card_number_key = Some(n.eligibility_key().to_string());
    }
    if let Some(e) = some(&q.email) {
        crate::flows::check_len("email", &e, 1, 254)?;
        out.email_key = Some(email_search_key(&e));
    }
    if out.kana_key.is_none()
        && out.birth_date.is_none()
        && out.insurer_number.is_none()
        && out.card_symbol.is_none()
        && out.card_number_key.is_none()
        && out.email_key.is_none()
    {
        return Err(ApiError::invalid(
            "criteria_required",
            "kana",
            "検索条件を1つ以上入力してください",
        ));
    }
    Ok(out)
}

/// Search, audited.
pub fn search(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    q: &MemberSearchQuery,
) -> ApiResult<MemberPage> {
    let query = to_query(q)?;
    let (_, _, page, per_page) = paging(q.page, q.per_page);
    let (hits, total) = tx.search_members(scope, &query)?;
    let kinds: Vec<&str> = [
        ("kana", query.kana_key.is_some()),
        ("birth_date", query.birth_date.is_some()),
        ("insurer_number", query.insurer_number.is_some()),
        ("symbol", query.card_symbol.is_some()),
        ("number", query.card_number_key.is_some()),
        ("email", query.email_key.is_some()),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(k, _)| k)
    .collect();
    let ids: Vec<String> = hits.iter().map(|h| h.member.id.to_string()).collect();
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "member.search").detail(format!(
            "by {} → {} hits; shown {}",
            kinds.join("+"),
            total,
            ids.join(",")
        )),
    )?;
    Ok(MemberPage {
        items: hits
            .iter()
            .map(|h| {
                member_summary(
                    &h.member,
                    h.account_email.as_deref(),
                    h.account_state.as_deref(),
                )
            })
            .collect(),
        total,
        page,
        per_page,
    })
}

/// Load a member in scope or 404.
pub fn load(tx: &mut dyn Tx, scope: &Scope, id: i64) -> ApiResult<RosterRow> {
    tx.get_member(scope, id)?
        .ok_or_else(|| ApiError::not_found("member"))
}

/// Member detail + timeline, audited.
pub fn detail(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
) -> ApiResult<MemberDetail> {
    let m = load(tx, scope, id)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "member.view").member(m.id, m.insurer_id),
    )?;
    let insurer_name = tx
        .get_insurer(&Scope::All, m.insurer_id)?
        .map(|i| i.name)
        .unwrap_or_default();
    let account = tx.account_by_member(m.id)?;
    let timeline = timeline(tx, now, &m)?;
    Ok(MemberDetail {
        member: member_summary(
            &m,
            account.as_ref().map(|a| a.email.as_str()),
            account.as_ref().map(|a| a.state.as_str()),
        ),
        insurer_name,
        voluntary_continuation: m.voluntary_continuation,
        special_retiree: m.special_retiree,
        qualified_on: m.qualified_on.clone(),
        disqualified_on: m.disqualified_on.clone(),
        synced: m.synced_at.is_some(),
        address_masked: mask_address(&m.address),
        account: account.map(|a| AccountView {
            id: a.id,
            state: a.state,
            email_masked: mask_email(&a.email),
            locked_until: a.locked_until.filter(|t| *t > now).map(rfc3339),
            failed_logins: a.failed_logins,
            activated_at: a.activated_at.map(rfc3339),
        }),
        timeline,
    })
}

fn ev(at: Millis, kind: &str, summary: String, details: Vec<String>) -> (Millis, TimelineEvent) {
    (
        at,
        TimelineEvent {
            at: rfc3339(at),
            kind: kind.into(),
            summary,
            details,
        },
    )
}

/// Everything that happened to a member, oldest first: the linked account's registration,
/// activation mails with expiry, eligibility attempts (theirs and any typed with this
/// member's card or name + birth date), logins/CAPTCHA/lock, checkup codes and reissues.
pub fn timeline(tx: &mut dyn Tx, now: Millis, m: &RosterRow) -> ApiResult<Vec<TimelineEvent>> {
    let mut out: Vec<(Millis, TimelineEvent)> = Vec::new();
    if let Some(a) = tx.account_by_member(m.id)? {
        out.push(ev(
            a.created_at,
            "registered",
            format!("仮登録 ({})", mask_email(&a.email)),
            vec![],
        ));
        for t in tx.activation_tokens(a.id)? {
            let status = if t.used_at.is_some() {
                "使用済み"
            } else if t.invalidated_at.is_some() {
                "再送信により無効"
            } else if t.expires_at <= now {
                "期限切れ"
            } else {
                "有効"
            };
            out.push(ev(
                t.created_at,
                "activation_mail",
                format!("仮登録メール送信 — {status}"),
                vec![format!("有効期限 {}", rfc3339(t.expires_at))],
            ));
            if let Some(u) = t.used_at {
                out.push(ev(
                    u,
                    "activation_used",
                    "仮登録リンクを開いた".into(),
                    vec![],
                ));
            }
        }
        if let Some(at) = a.activated_at {
            out.push(ev(at, "activated", "本登録完了".into(), vec![]));
        }
        for l in tx.login_attempts_for_account(a.id, 50)? {
            out.push(ev(
                l.at,
                "login",
                format!(
                    "ログイン {} ({}, 画像認証レベル {})",
                    l.outcome, l.client, l.captcha_level
                ),
                vec![],
            ));
        }
        if let Some(t) = a.locked_until.filter(|t| *t > now) {
            out.push(ev(
                now,
                "login_locked",
                format!("ログインロック中 ({} まで)", rfc3339(t)),
                vec![],
            ));
        }
        if let Some(q) = tx.secret_question(a.id)? {
            out.push(ev(
                q.set_at,
                "secret_question",
                "秘密の質問を設定".into(),
                vec![],
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let attempts = tx.attempts_near_member(&m.card_number_key, &m.kana_key, &m.birth_date, 50)?;
    for a in attempts
        .into_iter()
        .filter(|a| a.roster_member_id.is_none_or(|id| id == m.id))
    {
        if !seen.insert(a.id) {
            continue;
        }
        let diffs = crate::flows::diagnosis::attempt_differences(&a, m);
        out.push(ev(
            a.at,
            "eligibility_attempt",
            format!("保険証照会: {}", a.outcome),
            diffs,
        ));
    }
    for c in tx.codes_for_member(m.id)? {
        let mut d = vec![format!(
            "発行 {}",
            if c.origin == "reissue" {
                "再発行"
            } else {
                "初回"
            }
        )];
        if let Some(r) = c.revoked_at {
            d.push(format!("無効化 {}", rfc3339(r)));
        }
        if let Some(u) = c.used_at {
            d.push(format!("初回閲覧 {}", rfc3339(u)));
        }
        out.push(ev(c.created_at, "checkup_code", "健診閲覧コード".into(), d));
    }
    for r in tx.reissues_for_member(m.id)? {
        out.push(ev(
            r.at,
            "reissue",
            format!("健診閲覧コード再発行 (案件 {})", r.case_id),
            vec![format!(
                "到着見込み {} 〜 {}",
                jst_date(r.at + 15 * DAY),
                jst_date(r.at + 30 * DAY)
            )],
        ));
    }
    out.sort_by_key(|(at, _)| *at);
    Ok(out.into_iter().map(|(_, e)| e).collect())
}
