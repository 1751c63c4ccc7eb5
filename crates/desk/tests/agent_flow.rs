//! The agent's day against a real central server over HTTP: sign in with TOTP, claim an
//! inquiry, see the diagnosis, verify identity, reissue, note, close — and the failures
//! that must stay failures (wrong TOTP, locked actions without a passed verification).
mod support;

use kencom_desk_core::views::{FactorInput, VerificationInput};
use kencom_desk_core::ErrorCode;
use support::*;

fn factors(list: &[(&str, bool)]) -> Vec<FactorInput> {
    list.iter()
        .map(|(f, m)| FactorInput {
            factor: serde_json::from_value(serde_json::json!(f)).unwrap(),
            matched: *m,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_totp_is_refused_in_japanese_and_nothing_is_stored() {
    let central = Central::start().await;
    let (desk, host) = desk();
    let mut input = sign_in_input(&central, "agent01");
    let good: u32 = input.totp.parse().unwrap();
    input.totp = format!("{:06}", (good + 1) % 1_000_000);
    let err = desk.sign_in(input).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert_eq!(err.field.as_deref(), Some("totp"));
    assert!(
        err.message.contains("ワンタイムパスワード"),
        "{}",
        err.message
    );
    assert!(
        host.vault.0.lock().unwrap().is_empty(),
        "a refused sign-in stores no secret"
    );
    assert!(desk.session().await.unwrap().operator.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn claim_diagnose_verify_reissue_note_close() {
    let central = Central::start().await;
    let (desk, host) = desk();
    let session = desk
        .sign_in(sign_in_input(&central, "agent01"))
        .await
        .unwrap();
    assert_eq!(session.operator.unwrap().login_id, "agent01");
    assert!(host.vault.0.lock().unwrap().contains_key("refresh-token"));

    // The queue shows the lost-postcard inquiry of 健康 太郎 with its business age.
    let queue = desk.inquiries(Some("new".into()), 1).await.unwrap();
    let item = queue
        .items
        .iter()
        .find(|i| {
            i.inquiry.name_kana == "ケンコウタロウ" && i.inquiry.inquiry_type == "checkup_code"
        })
        .unwrap_or_else(|| {
            panic!(
                "demo inquiry missing: {:?}",
                queue
                    .items
                    .iter()
                    .map(|i| (&i.inquiry.name_kana, &i.inquiry.inquiry_type))
                    .collect::<Vec<_>>()
            )
        });
    assert!(!item.business_age.is_empty());

    let case_id = desk.claim_inquiry(item.inquiry.id).await.unwrap();
    let case = desk.open_case(case_id).await.unwrap();
    assert_eq!(case.checks.name_key, "ケンコウタロウ");
    assert_eq!(
        case.checks
            .birth_date
            .as_deref()
            .map(|s| s.contains("昭和35年")),
        Some(true)
    );
    let diag = case
        .inquiry_diagnosis
        .expect("inquiry data is diagnosed before a member is linked");
    let taro = diag
        .candidates
        .iter()
        .find(|c| c.member.name_kana == "ケンコウタロウ")
        .expect("健康 太郎 is a candidate");
    assert!(!taro.reasons.is_empty(), "a candidate says why it matched");
    let member_id = taro.member.id;

    // Link → the member's diagnosis names the seed's cause ① for 太郎.
    let out = desk.link_member(case_id, member_id).await.unwrap();
    assert!(out.sent);
    let causes: Vec<_> = out
        .case
        .member_diagnosis
        .as_ref()
        .unwrap()
        .causes
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert!(
        causes.iter().any(|c| c == "already_verified"),
        "causes: {causes:?}"
    );
    for cause in &out.case.member_diagnosis.as_ref().unwrap().causes {
        assert!(
            !cause.suggested_reply_ja.contains("9900"),
            "a suggested reply never carries the card number: {}",
            cause.suggested_reply_ja
        );
    }
    assert!(!out.case.actions_unlocked);

    // Gated action before any verification: refused, visible, nothing issued.
    let err = desk.reissue_code(case_id).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Rejected);
    assert!(err.message.contains("本人確認"), "{}", err.message);
    let status = desk.status().await.unwrap();
    assert_eq!(
        status.rejected.len(),
        1,
        "the refused action is shown, not dropped"
    );
    desk.discard_action(status.rejected[0].seq).unwrap();

    // A failed verification keeps the actions locked.
    let out = desk
        .record_verification(
            case_id,
            VerificationInput {
                member_id,
                factors: factors(&[("name_kana", true), ("birth_date", false)]),
            },
        )
        .await
        .unwrap();
    assert!(!out.case.latest_verification.as_ref().unwrap().passed);
    assert!(
        !out.case.actions_unlocked,
        "a failed verification must not unlock anything"
    );
    assert!(desk.reveal_email(case_id).await.is_err());

    // Passed (3 items) → unlocked → reissue with expected arrival.
    let out = desk
        .record_verification(
            case_id,
            VerificationInput {
                member_id,
                factors: factors(&[
                    ("name_kana", true),
                    ("birth_date", true),
                    ("insurer_name", true),
                ]),
            },
        )
        .await
        .unwrap();
    assert!(
        out.case.actions_unlocked,
        "{:?}",
        out.case.latest_verification
    );
    let out = desk.reissue_code(case_id).await.unwrap();
    assert!(out.sent, "{}", out.message);
    let reissue = out
        .case
        .case
        .reissues
        .last()
        .expect("the case shows the reissue");
    assert!(!reissue.expected_from.is_empty() && !reissue.expected_to.is_empty());
    assert!(reissue.desk_print, "the demo union prints at the desk");
    let rid = reissue.id;

    // The postcard: preview, save where the operator chose, read back, report printed.
    let preview = desk.postcard_preview(case_id, rid).await.unwrap();
    assert!(preview.address_svg.contains("様"));
    assert!(preview.member_name.contains("太郎"));
    assert!(preview.suggested_path.ends_with(".pdf"));
    assert!(
        !preview.suggested_path.contains("太郎"),
        "no personal data in file names"
    );
    let out_dir = tempfile::tempdir().unwrap();
    let err = desk
        .save_postcard(case_id, rid, "relative.pdf".into())
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("path"));
    let pdf = out_dir.path().join("card.pdf");
    let saved = desk
        .save_postcard(case_id, rid, pdf.to_string_lossy().into())
        .await
        .unwrap();
    assert_eq!(saved.pages, 2);
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("健康") && text.contains("太郎") && text.contains("様"),
        "{text}"
    );
    let code: String = preview
        .inner_svg
        .split("<text")
        .filter_map(|t| t.split('>').nth(1)?.split('<').next())
        .filter(|t| t.len() == 4 && t.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    assert_eq!(code.len(), 12, "three groups of four in the preview");
    assert!(
        text.replace([' ', '\n'], "").contains(&code),
        "the code is in the PDF"
    );
    assert!(
        !std::fs::read(host.dir.path().join("cache.db"))
            .unwrap()
            .windows(code.len())
            .any(|w| w == code.as_bytes()),
        "the code never reaches the cache"
    );
    let out = desk
        .finish_postcard(case_id, rid, Some(pdf.to_string_lossy().into()), true)
        .await
        .unwrap();
    assert!(out.sent, "{}", out.message);
    assert!(!pdf.exists(), "deleted after printing");
    assert!(out.case.case.reissues.last().unwrap().printed_at.is_some());
    let err = desk.postcard_preview(case_id, rid).await.unwrap_err();
    assert!(err.message.contains("印刷済み"), "{}", err.message);
    let stranger = out_dir.path().join("other.pdf");
    std::fs::write(&stranger, b"%PDF").unwrap();
    assert!(desk
        .open_postcard(stranger.to_string_lossy().into())
        .is_err());
    assert!(desk
        .finish_postcard(case_id, rid, Some(stranger.to_string_lossy().into()), true)
        .await
        .is_err());
    assert!(stranger.exists(), "never deletes a file it did not write");

    assert!(desk.reveal_email(case_id).await.unwrap().contains('@'));

    let out = desk
        .add_note(case_id, "再発行を案内しました。".into())
        .await
        .unwrap();
    assert!(out
        .case
        .case
        .notes
        .iter()
        .any(|n| n.body == "再発行を案内しました。"));
    let err = desk.add_note(case_id, "   ".into()).await.unwrap_err();
    assert_eq!(err.field.as_deref(), Some("body"));

    let out = desk.close_case(case_id, "reissued".into()).await.unwrap();
    assert_eq!(out.case.case.status, "closed");
    assert_eq!(desk.status().await.unwrap().waiting, 0);

    // Sign-out forgets the secrets and wipes the cache.
    desk.sign_out().await.unwrap();
    assert!(host.vault.0.lock().unwrap().is_empty());
    assert!(!host.dir.path().join("cache.db").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_session_resumes_and_a_dead_one_asks_to_sign_in() {
    let central = Central::start().await;
    let (desk, host) = desk();
    desk.sign_in(sign_in_input(&central, "agent02"))
        .await
        .unwrap();
    // A new desk process with the same keychain resumes by rotating the refresh token.
    let again = kencom_desk_core::Desk::new(host.clone());
    let s = again.session().await.unwrap();
    assert_eq!(s.operator.unwrap().login_id, "agent02");
    // The first desk's refresh token was rotated away; it still holds a valid access token,
    // but a forged refresh token is refused and leads back to sign-in.
    host.vault.0.lock().unwrap().insert(
        "refresh-token".into(),
        serde_json::json!({"centralUrl": central.base, "refreshToken": "forged"}).to_string(),
    );
    let third = kencom_desk_core::Desk::new(host.clone());
    let s = third.session().await.unwrap();
    assert!(s.operator.is_none());
    assert!(s.notice.unwrap().contains("サインイン"));
}

#[tokio::test(flavor = "multi_thread")]
async fn member_search_by_kana_birth_date_and_errors() {
    let central = Central::start().await;
    let (desk, _host) = desk();
    desk.sign_in(sign_in_input(&central, "agent01"))
        .await
        .unwrap();
    let page = desk
        .search_members(kencom_api::operator::MemberSearchQuery {
            kana: Some("ｹﾝｺｳ ﾀﾛｳ".into()),
            birth_date: Some("S35.1.1".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        page.items.iter().any(|m| m.name_kana == "ケンコウタロウ"),
        "{:?}",
        page.items
    );
    assert!(
        page.items
            .iter()
            .all(|m| m.card_number_masked.contains('*')),
        "identifiers are masked"
    );
    let err = desk.search_members(Default::default()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let err = desk
        .search_members(kencom_api::operator::MemberSearchQuery {
            birth_date: Some("平成31年5月1日".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("birth_date"));
}
