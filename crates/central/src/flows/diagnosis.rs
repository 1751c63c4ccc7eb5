//! Why is this member stuck? The seed's FAQ causes (① already verified under another
//! e-mail, ② roster data inconsistent, ③ union in maintenance) and the causes inferred in
//! DOMAIN §1 (dependent, 任意継続, not yet synced, all digits typed, width/spacing/small
//! kana, wrong birth date), plus account-side ones (expired/superseded activation link,
//! lock, CAPTCHA escalation, e-mail typos). Each cause carries evidence built from the
//! recorded eligibility attempts and the roster, with identifiers masked, and a suggested
//! reply that never contains 記号・番号 or a code.

use kencom_api::operator::{Candidate, Cause, DiagnoseRequest, Diagnosis};
use kencom_domain::{compare_names, format_both, mask_email, parse_date, NameMatch};

use crate::audit::{self, AuditEvent};
use crate::clock::{jst_date, Millis, DAY};
use crate::error::ApiResult;
use crate::flows::eligibility::reason;
use crate::flows::views::{masked_number, member_summary};
use crate::store::accounts::{AccountRow, AttemptRow};
use crate::store::roster::RosterRow;
use crate::store::{Scope, Tx};

fn cause(code: &str, title: &str, evidence: Vec<String>, reply: &str) -> Cause {
    Cause {
        code: code.into(),
        title_ja: title.into(),
        evidence,
        suggested_reply_ja: reply.into(),
    }
}

fn both(iso: &str) -> String {
    parse_date(iso)
        .map(format_both)
        .unwrap_or_else(|_| iso.to_string())
}

/// Field-level differences between what was typed and the roster row.
pub fn attempt_differences(a: &AttemptRow, m: &RosterRow) -> Vec<String> {
    let mut d = Vec::new();
    if a.raw_name.trim() != m.name_kana {
        let why = match compare_names(&a.raw_name, &m.name_kana) {
            NameMatch::Exact => "表記同一".to_string(),
            NameMatch::EqualAfterFolds(f) => f
                .iter()
                .map(|f| f.label_ja())
                .collect::<Vec<_>>()
                .join("・"),
            NameMatch::Different => "氏名相違".to_string(),
        };
        d.push(format!(
            "氏名: 入力 {} / 名簿 {} — {}",
            a.raw_name.trim(),
            m.name_kana,
            why
        ));
    }
    if a.birth_date.as_deref() != Some(m.birth_date.as_str()) {
        d.push(format!(
            "生年月日: 入力 {} / 名簿 {}",
            a.birth_date
                .as_deref()
                .map(both)
                .unwrap_or_else(|| a.raw_birth_date.clone()),
            both(&m.birth_date)
        ));
    }
    if a.number_key != m.card_number_key {
        let extra = if a.number_key.len() >= 8 && a.number_key.ends_with(&m.card_number_key) {
            " — 番号を全桁入力（末尾7桁で入力）"
        } else {
            ""
        };
        d.push(format!(
            "番号: 入力 {} / 名簿 {}{}",
            masked_number(&a.number_key),
            masked_number(&m.card_number_key),
            extra
        ));
    }
    if a.insurer_number != m.insurer_number {
        d.push(format!(
            "保険者番号: 入力 {} / 名簿 {}",
            a.insurer_number, m.insurer_number
        ));
    }
    d
}

/// Diagnose a member (optionally in the light of an inquiry's e-mail).
pub fn for_member(
    tx: &mut dyn Tx,
    now: Millis,
    m: &RosterRow,
    inquiry_email: Option<&str>,
) -> ApiResult<Vec<Cause>> {
    let mut causes = Vec::new();
    let insurer = tx.get_insurer(&Scope::All, m.insurer_id)?;
    let account = tx.account_by_member(m.id)?;
    let attempts: Vec<AttemptRow> = tx
        .attempts_near_member(&m.card_number_key, &m.kana_key, &m.birth_date, 100)?
        .into_iter()
        .filter(|a| a.roster_member_id.is_none_or(|id| id == m.id))
        .collect();
    let with = |o: &str| {
        attempts
            .iter()
            .filter(|a| a.outcome == o)
            .collect::<Vec<_>>()
    };

    // ① already verified under another e-mail.
    if let Some(acc) = &account {
        let other_tries = with(reason::ALREADY_VERIFIED);
        let inquiry_differs =
            inquiry_email.is_some_and(|e| kencom_domain::email_search_key(e) != acc.email_key);
        if !other_tries.is_empty() || inquiry_differs {
            let mut ev = vec![format!(
                "already verified with {} on {}",
                mask_email(&acc.email),
                acc.activated_at.map(jst_date).unwrap_or_else(|| "—".into())
            )];
            for a in &other_tries {
                ev.push(format!(
                    "{} 別アカウント(#{})から照会 → 照会済みのため不可",
                    jst_date(a.at),
                    a.account_id
                ));
            }
            causes.push(cause(
                "already_verified",
                "原因①: 以前、別のメールアドレスで保険証照会を完了している",
                ev,
                "保険証情報の照会は1名様1回までとなっております。以前ご登録のメールアドレスとパスワードでログインしてください。パスワードをお忘れの場合は「パスワードを忘れた方はこちら」から再設定をお願いいたします。",
            ));
        }
    }
    // ② roster inconsistencies and typing differences, from the recorded attempts.
    for a in with(reason::NAME_MISMATCH) {
        let folds = match compare_names(&a.raw_name, &m.name_kana) {
            NameMatch::EqualAfterFolds(f) => f,
            _ => Vec::new(),
        };
        let line = attempt_differences(a, m)
            .into_iter()
            .find(|d| d.starts_with("氏名"))
            .unwrap_or_default();
        let (code, title, reply) = if folds.is_empty() {
            ("roster_name_mismatch", "原因②: 名簿の氏名が実際のお名前と異なる", "ご本人様確認のうえ、ご所属の健康保険組合様に登録内容を確認いたします。恐れ入りますが回答までお待ちください。")
        } else if folds
            .iter()
            .any(|f| matches!(f, kencom_domain::KanaFold::Small))
        {
            ("small_kana", "小書き文字の差異（名簿は大書きで登録）", "お名前の小さい文字（ャュョッ等）を大きい文字でご入力いただくと照会できる場合があります。解消しない場合は健康保険組合様に確認いたします。")
        } else if folds.iter().any(|f| {
            matches!(
                f,
                kencom_domain::KanaFold::Space
                    | kencom_domain::KanaFold::Width
                    | kencom_domain::KanaFold::Hiragana
            )
        }) {
            (
                "name_width_or_spacing",
                "氏名の入力形式（空白・半角・ひらがな）",
                "氏名は全角カタカナで、姓と名の間に空白を入れずにご入力ください。",
            )
        } else {
            (
                "roster_name_mismatch",
                "原因②: 名簿の氏名表記が異なる",
                "ご本人様確認のうえ、ご所属の健康保険組合様に登録内容を確認いたします。",
            )
        };
        push_unique(
            &mut causes,
            cause(
                code,
                title,
                vec![format!("{} {}", jst_date(a.at), line)],
                reply,
            ),
        );
    }
    for a in with(reason::CARD_NOT_FOUND)
        .into_iter()
        .filter(|a| a.name_key == m.kana_key && a.birth_date.as_deref() == Some(&m.birth_date))
    {
        let line = attempt_differences(a, m)
            .into_iter()
            .find(|d| d.starts_with("番号") || d.starts_with("保険者番号"))
            .unwrap_or_default();
        push_unique(
            &mut causes,
            cause(
                "roster_number_mismatch",
                "原因②: 保険証番号が変更されたが名簿が更新されていない可能性",
                vec![format!("{} {}", jst_date(a.at), line)],
                "ご本人様確認のうえ、ご所属の健康保険組合様に保険証情報の登録状況を確認いたします。",
            ),
        );
    }
    for a in with(reason::NUMBER_ALL_DIGITS) {
        push_unique(
            &mut causes,
            cause(
                "number_all_digits",
                "番号を全桁入力している（8桁以上は末尾7桁）",
                vec![format!(
                    "{} 番号: {}桁で入力 / 名簿の照会キーは末尾7桁 {}",
                    jst_date(a.at),
                    a.number_key.len(),
                    masked_number(&m.card_number_key)
                )],
                "番号が8桁以上の場合は、末尾から7桁の数字をご入力ください。",
            ),
        );
    }
    for a in with(reason::BIRTH_DATE_MISMATCH) {
        let line = attempt_differences(a, m)
            .into_iter()
            .find(|d| d.starts_with("生年月日"))
            .unwrap_or_default();
        push_unique(
            &mut causes,
            cause(
                "birth_date_mismatch",
                "生年月日の相違（和暦・西暦の換算違いを含む）",
                vec![format!("{} {}", jst_date(a.at), line)],
                "生年月日を西暦でご確認のうえ、もう一度ご入力ください。",
            ),
        );
    }
    for a in with(reason::SYMBOL_MISMATCH) {
        push_unique(
            &mut causes,
            cause(
                "symbol_mismatch",
                "記号の相違",
                vec![format!("{} 記号が名簿と一致しない", jst_date(a.at))],
                "保険証の「記号」欄をご確認のうえ、もう一度ご入力ください。",
            ),
        );
    }
    // ③ maintenance / service.
    if let Some(i) = &insurer {
        let now_window = tx.maintenance_at(i.id, now)?;
        let tried_during = with(reason::MAINTENANCE);
        if now_window.is_some() || !tried_during.is_empty() {
            let mut ev: Vec<String> = now_window
                .iter()
                .map(|w| {
                    format!(
                        "{} はメンテナンス中（{} まで）",
                        i.name,
                        crate::clock::rfc3339(w.ends_at)
                    )
                })
                .collect();
            ev.extend(
                tried_during
                    .iter()
                    .map(|a| format!("{} メンテナンス中に照会", jst_date(a.at))),
            );
            causes.push(cause(
                "insurer_maintenance",
                "原因③: 健康保険組合がKenCoMメンテナンス中",
                ev,
                "ご所属の健康保険組合様がメンテナンスを実施中です。終了後に改めてお試しください。",
            ));
        }
        if !i.service_enabled {
            causes.push(cause(
                "service_not_enabled",
                "健康保険組合がKenCoMを導入していない",
                vec![format!("{}: サービス無効", i.name)],
                "ご所属の健康保険組合様ではKenCoMをご利用いただけません。",
            ));
        }
    }
    // Roster facts that make the check fail whatever is typed.
    if m.relation == "dependent" {
        causes.push(cause(
            "dependent",
            "被扶養者（ご利用は被保険者のみ）",
            vec!["名簿: 家族（被扶養者）".into()],
            "KenCoMは被保険者様ご本人のみご利用いただけます。",
        ));
    }
    if m.voluntary_continuation {
        causes.push(cause(
            "voluntary_continuation",
            "任意継続被保険者（対象外）",
            vec!["名簿: 任意継続".into()],
            "任意継続中の方はKenCoMをご利用いただけません。",
        ));
    }
    if m.synced_at.is_none() {
        causes.push(cause(
            "not_yet_synced",
            "新規加入で名簿がまだKenCoMに連携されていない",
            vec![format!("資格取得日 {}; 名簿はKenCoMに未連携（連携まで2ヶ月ほどかかる場合あり）", both(&m.qualified_on))],
            "新規にご加入された場合、ご利用可能になるまで2ヶ月ほどお時間を頂く場合がございます。しばらく経ってから再度お試しください。",
        ));
    }
    if let Some(d) = m
        .disqualified_on
        .as_deref()
        .filter(|d| *d <= jst_date(now).as_str())
    {
        causes.push(cause(
            "disqualified",
            "資格喪失済み",
            vec![format!("資格喪失日 {}", both(d))],
            "資格を喪失されているため、ご利用いただけません。",
        ));
    }
    if let Some(a) = &account {
        causes.extend(account_causes(tx, now, a)?);
    }
    Ok(causes)
}

fn push_unique(causes: &mut Vec<Cause>, c: Cause) {
    if let Some(existing) = causes.iter_mut().find(|x| x.code == c.code) {
        existing.evidence.extend(c.evidence);
    } else {
        causes.push(c);
    }
}

/// Causes on the account side: activation links, lock, CAPTCHA escalation.
pub fn account_causes(tx: &mut dyn Tx, now: Millis, a: &AccountRow) -> ApiResult<Vec<Cause>> {
    let mut causes = Vec::new();
    if a.state == "provisional" {
        let tokens = tx.activation_tokens(a.id)?;
        if let Some(newest) = tokens.last() {
            if newest.expires_at <= now {
                causes.push(cause(
                    "activation_link_expired",
                    "仮登録メールのリンクの有効期限（24時間）切れ",
                    vec![format!("最新の仮登録メール {} 送信、{} 期限切れ", crate::clock::rfc3339(newest.created_at), crate::clock::rfc3339(newest.expires_at))],
                    "仮登録メールのリンクの有効期間（24時間）が過ぎています。お手数ですがメールアドレスの登録からやり直してください。",
                ));
            }
            let superseded = tokens.iter().filter(|t| t.invalidated_at.is_some()).count();
            if superseded > 0 {
                causes.push(cause(
                    "activation_link_superseded",
                    "再送信により古いリンクが無効",
                    vec![format!("仮登録メール {} 通送信、うち {} 通は再送信で無効化", tokens.len(), superseded)],
                    "「仮登録メールの再送信」を押すたびに、それ以前のメールのリンクは無効になります。最後に届いたメールのリンクを開いてください。",
                ));
            }
        }
    }
    if let Some(t) = a.locked_until.filter(|t| *t > now) {
        causes.push(cause(
            "login_locked",
            "ログイン失敗によるロック",
            vec![format!("{} 回連続失敗、{} までロック", a.failed_logins, crate::clock::rfc3339(t))],
            "ログインに続けて失敗されたため、一時的にロックされています。しばらく経ってからお試しいただくか、パスワードを再設定してください。",
        ));
    }
    let recent = tx.login_attempts_for_account(a.id, 20)?;
    let captcha: Vec<_> = recent
        .iter()
        .filter(|l| l.outcome == "captcha_required" && now - l.at < 7 * DAY)
        .collect();
    if !captcha.is_empty() {
        let max = captcha.iter().map(|l| l.captcha_level).max().unwrap_or(1);
        causes.push(cause(
            "captcha_escalated",
            "画像認証の未入力・難易度上昇",
            vec![format!("直近7日で画像認証未通過 {} 回（最大レベル {}）", captcha.len(), max)],
            "ログイン時は画像認証のチェックが必要です。失敗が続くと難易度が上がりますので、時間をおいてお試しください。",
        ));
    }
    Ok(causes)
}

/// Diagnose one member (operator endpoint), audited.
pub fn member(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    id: i64,
) -> ApiResult<Diagnosis> {
    let m = crate::flows::members::load(tx, scope, id)?;
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "member.diagnose").member(m.id, m.insurer_id),
    )?;
    Ok(Diagnosis {
        member_id: Some(m.id),
        causes: for_member(tx, now, &m, None)?,
        candidates: Vec::new(),
    })
}

/// Rank roster candidates for inquiry data, with reasons.
pub fn candidates(
    tx: &mut dyn Tx,
    scope: &Scope,
    req: &DiagnoseRequest,
) -> ApiResult<Vec<(RosterRow, i64, Vec<String>)>> {
    let key = kencom_domain::name_key(&req.name_kana).key;
    let birth = parse_date(&req.birth_date)
        .ok()
        .map(kencom_domain::format_iso);
    let mut pool: Vec<RosterRow> = Vec::new();
    if !key.is_empty() {
        pool.extend(tx.members_by_kana_key(scope, &key, 50)?);
    }
    if let Some(b) = &birth {
        pool.extend(tx.members_by_birth_date(scope, b, 500)?);
    }
    let mut seen = std::collections::HashSet::new();
    pool.retain(|m| seen.insert(m.id));
    let insurer_ids: Vec<i64> = match &req.insurer_name {
        Some(n) if !n.trim().is_empty() => tx
            .insurers_by_name(n.trim())?
            .into_iter()
            .map(|i| i.id)
            .collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for m in pool {
        let mut score = 0;
        let mut why = Vec::new();
        match compare_names(&req.name_kana, &m.name_kana) {
            NameMatch::Exact => {
                score += 50;
                why.push("氏名一致".to_string());
            }
            NameMatch::EqualAfterFolds(f) => {
                score += 40;
                why.push(format!(
                    "氏名一致（{}）",
                    f.iter()
                        .map(|f| f.label_ja())
                        .collect::<Vec<_>>()
                        .join("・")
                ));
            }
            NameMatch::Different => {}
        }
        if birth.as_deref() == Some(m.birth_date.as_str()) {
            score += 30;
            why.push("生年月日一致".into());
        }
        if insurer_ids.contains(&m.insurer_id) {
            score += 10;
            why.push("健康保険組合名一致".into());
        }
        if req
            .insurer_number
            .as_deref()
            .is_some_and(|n| n.trim() == m.insurer_number)
        {
            score += 10;
            why.push("保険者番号一致".into());
        }
        if let Some(e) = &req.email {
            if let Some(acc) = tx.account_by_member(m.id)? {
                if acc.email_key == kencom_domain::email_search_key(e) {
                    score += 20;
                    why.push("ログインメールアドレス一致".into());
                }
            }
        }
        // A birth date alone is not a candidate: name must at least fold-match, or
        // birth date + union must agree.
        if score >= 40 {
            out.push((m, score, why));
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    out.truncate(10);
    Ok(out)
}

/// Diagnose inquiry data (possibly matching nobody), audited.
pub fn inquiry_data(
    tx: &mut dyn Tx,
    now: Millis,
    operator_id: i64,
    scope: &Scope,
    req: &DiagnoseRequest,
) -> ApiResult<Diagnosis> {
    let ranked = candidates(tx, scope, req)?;
    let mut causes = Vec::new();
    if let Some(e) = &req.email {
        let issues = kencom_domain::check_email(e);
        if !issues.is_empty() {
            causes.push(cause(
                "email_mistake",
                "メールアドレスの入力誤りの可能性",
                issues.iter().map(|i| i.to_string()).collect(),
                "ログインIDは大文字・小文字を区別します。全角の「＠」や空白が入っていないかご確認ください。",
            ));
        }
        for a in tx.accounts_by_email_key(&kencom_domain::email_search_key(e))? {
            if a.state != "active" {
                causes.extend(account_causes(tx, now, &a)?);
                for at in tx.attempts_for_account(a.id)?.iter().rev().take(3) {
                    causes.push(cause(
                        "eligibility_failed_unmatched",
                        "保険証照会の失敗（名簿の該当者なし）",
                        vec![format!(
                            "{} 照会結果 {}: 氏名 {} / 生年月日 {}",
                            jst_date(at.at),
                            at.outcome,
                            at.raw_name,
                            at.birth_date
                                .clone()
                                .unwrap_or_else(|| at.raw_birth_date.clone())
                        )],
                        "ご本人様確認のうえ、お調べいたします。",
                    ));
                }
            } else if a.roster_member_id.is_some() && ranked.is_empty() {
                causes.extend(account_causes(tx, now, &a)?);
            }
        }
    }
    let top = ranked
        .first()
        .filter(|(_, s, _)| *s >= 70)
        .map(|(m, _, _)| m.clone());
    if let Some(m) = &top {
        causes.extend(for_member(tx, now, m, req.email.as_deref())?);
    }
    if ranked.is_empty() {
        causes.push(cause(
            "no_roster_match",
            "名簿に該当者なし（未連携・登録内容相違の可能性）",
            vec![format!(
                "氏名キー {} / 生年月日 {} に一致する名簿データなし",
                kencom_domain::name_key(&req.name_kana).key,
                req.birth_date
            )],
            "ご本人様確認のうえ、ご所属の健康保険組合様に名簿の登録状況を確認いたします。",
        ));
    }
    let ids: Vec<String> = ranked.iter().map(|(m, _, _)| m.id.to_string()).collect();
    audit::append(
        tx,
        now,
        AuditEvent::op(operator_id, "diagnosis.inquiry_data")
            .detail(format!("candidates {}", ids.join(","))),
    )?;
    let mut cands = Vec::new();
    for (m, score, reasons) in ranked {
        let acc = tx.account_by_member(m.id)?;
        cands.push(Candidate {
            member: member_summary(
                &m,
                acc.as_ref().map(|a| a.email.as_str()),
                acc.as_ref().map(|a| a.state.as_str()),
            ),
            score,
            reasons,
        });
    }
    Ok(Diagnosis {
        member_id: top.map(|m| m.id),
        causes,
        candidates: cands,
    })
}
