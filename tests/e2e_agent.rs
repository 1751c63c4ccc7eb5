//! End to end through the real app (tauri-driver + WebKitWebDriver under Xvfb, a real
//! Secret Service from the test run's gnome-keyring, a seeded central server over HTTP):
//! a wrong TOTP is refused in Japanese → sign in → claim 健康 太郎's lost-postcard inquiry →
//! the diagnosis names the seed's cause ① (already verified under another e-mail) → a
//! failed verification keeps the actions locked → a passed one unlocks them → reissue →
//! the case shows the reissue with its expected arrival → the desk-printed postcard is
//! previewed, saved where the operator chose (pdftotext finds the name, 様 and the code),
//! reported printed and deleted. Every screen is saved as a PNG.
mod support;

use fantoccini::Locator;
use support::central;

#[tokio::test(flavor = "multi_thread")]
async fn agent_signs_in_diagnoses_verifies_and_reissues() {
    let central = central::start().await;
    let app = support::App::launch(&[("KENCOM_CENTRAL_URL", &central.base)]).await;

    // Sign-in: a wrong TOTP is refused with a Japanese message on the TOTP field.
    app.wait_text("[data-testid=signin-submit]", |_| true).await;
    app.fill("[data-testid=signin-url]", &central.base).await;
    app.fill("[data-testid=signin-login-id]", "agent01").await;
    app.fill(
        "[data-testid=signin-password]",
        &central.password("agent01"),
    )
    .await;
    let good: u32 = central.totp("agent01").parse().unwrap();
    app.fill(
        "[data-testid=signin-totp]",
        &format!("{:06}", (good + 500_000) % 1_000_000),
    )
    .await;
    app.click("[data-testid=signin-submit]").await;
    let msg = app
        .wait_text("[data-testid=signin-field-error-totp]", |t| {
            !t.trim().is_empty()
        })
        .await;
    assert!(
        msg.contains("ワンタイムパスワード"),
        "wrong TOTP message: {msg}"
    );
    app.screenshot("e2e-agent-01-signin-wrong-totp").await;

    app.fill("[data-testid=signin-totp]", &central.totp("agent01"))
        .await;
    app.click("[data-testid=signin-submit]").await;
    let who = app
        .wait_text("[data-testid=status-operator]", |t| t.contains("窓口"))
        .await;
    assert!(who.contains("窓口 一郎"), "{who}");

    // The queue: 健康 太郎's lost-postcard inquiry.
    app.click("[data-testid=nav-inquiries]").await;
    let row = "[data-kana='ケンコウタロウ'][data-type='checkup_code']";
    app.wait_text(row, |_| true).await;
    app.screenshot("e2e-agent-02-queue").await;
    app.claim_row(row).await;

    // The case: link the candidate, see the cause.
    app.wait_text("[data-testid=case-view]", |_| true).await;
    let candidate = app
        .client
        .find(Locator::Css("[data-testid^=link-member-]"))
        .await
        .unwrap();
    candidate.click().await.unwrap();
    let cause = app
        .wait_text("[data-testid=cause-already_verified]", |t| !t.is_empty())
        .await;
    assert!(cause.contains("a***") || cause.contains("別のメールアドレス") || !cause.is_empty());
    app.screenshot("e2e-agent-03-case-diagnosis").await;
    assert!(
        !app.enabled("[data-testid=action-reissue]").await,
        "locked before verification"
    );

    // A failed verification keeps the actions locked.
    app.select("[data-testid=factor-name_kana]", "match").await;
    app.select("[data-testid=factor-birth_date]", "mismatch")
        .await;
    app.click("[data-testid=verify-submit]").await;
    app.wait_text("[data-testid=verification-result]", |t| {
        t.contains("不合格")
    })
    .await;
    assert!(
        !app.enabled("[data-testid=action-reissue]").await,
        "a failed verification must not unlock"
    );
    app.screenshot("e2e-agent-04-verification-failed").await;

    // A passed one (3 items) unlocks; reissue shows the expected arrival.
    app.select("[data-testid=factor-name_kana]", "match").await;
    app.select("[data-testid=factor-birth_date]", "match").await;
    app.select("[data-testid=factor-insurer_name]", "match")
        .await;
    app.click("[data-testid=verify-submit]").await;
    app.wait_text("[data-testid=verification-result]", |t| {
        t.contains("合格") && !t.contains("不合格")
    })
    .await;
    for _ in 0..50 {
        if app.enabled("[data-testid=action-reissue]").await {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        app.enabled("[data-testid=action-reissue]").await,
        "a passed verification unlocks"
    );
    app.click("[data-testid=action-reissue]").await;
    app.click("[data-testid=confirm-ok]").await;
    let reissues = app
        .wait_text("[data-testid=reissue-list]", |t| {
            t.contains("〜") || t.contains('~')
        })
        .await;
    assert!(
        reissues.contains("年") || reissues.contains('-'),
        "expected arrival shown: {reissues}"
    );
    app.screenshot("e2e-agent-05-reissued").await;

    // The demo union prints at the desk: the postcard opens at once with a preview.
    app.wait_text("[data-testid=postcard-preview]", |_| true)
        .await;
    app.screenshot("e2e-agent-05b-postcard-preview").await;
    let inner = app
        .attr(
            "[data-testid=postcard-preview] figure:nth-child(2) img",
            "src",
        )
        .await
        .expect("the inner side is an image");
    let inner = urlencoding_decode(inner.split_once(',').unwrap().1);
    let code: String = inner
        .split("<text")
        .filter_map(|t| t.split('>').nth(1)?.split('<').next())
        .filter(|t| t.len() == 4 && t.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    assert_eq!(code.len(), 12, "the preview shows the code in three groups");
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("hagaki.pdf");
    app.fill("[data-testid=postcard-path]", pdf.to_str().unwrap())
        .await;
    app.click("[data-testid=postcard-save]").await;
    app.wait_text("[data-testid=postcard-saved]", |t| t.contains("hagaki.pdf"))
        .await;
    assert!(pdf.exists(), "the PDF is where the operator chose");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        text.contains("健康") && text.contains("太郎"),
        "name: {text}"
    );
    assert!(text.contains('様'), "様: {text}");
    assert!(
        text.replace([' ', '\n'], "").contains(&code),
        "the code {code} in: {text}"
    );
    app.screenshot("e2e-agent-05c-postcard-saved").await;
    app.click("[data-testid=postcard-finish-delete]").await;
    app.wait_text("[data-testid=reissue-list]", |t| t.contains("印刷済み"))
        .await;
    assert!(!pdf.exists(), "deleted after printing");

    // The other screens an agent visits.
    app.click("[data-testid=nav-members]").await;
    app.fill("[data-testid=search-kana]", "ケンコウ").await;
    app.click("[data-testid=search-submit]").await;
    app.wait_text("[data-testid=search-results]", |t| t.contains("ケンコウ"))
        .await;
    app.screenshot("e2e-agent-06-member-search").await;
    app.click("[data-testid=nav-settings]").await;
    app.wait_text("[data-testid=app-version]", |t| !t.is_empty())
        .await;
    app.screenshot("e2e-agent-07-settings").await;
    let log_dir = app
        .wait_text("[data-testid=log-dir]", |t| !t.is_empty())
        .await;
    let data_dir = app.data_dir.path().to_path_buf();

    // The desk's log file (設定 shows its folder) holds what happened, but nothing of the
    // member this run handled: no name, kana, birth date, address, e-mail or code.
    assert_eq!(
        std::path::Path::new(&log_dir),
        data_dir.join("logs"),
        "設定 shows the folder the log is in"
    );
    // (Read while the app runs: closing it removes its temporary data directory. The file
    // writer's thread writes each line as it comes.)
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut log = String::new();
    for f in std::fs::read_dir(&log_dir).expect("the desk writes a log folder") {
        log += &std::fs::read_to_string(f.unwrap().path()).unwrap();
    }
    app.close().await;
    assert!(
        log.contains("operator signed in"),
        "the log is written: {log}"
    );
    for personal in [
        "健康",
        "太郎",
        "ケンコウ",
        "ｹﾝｺｳ",
        "1960-01-01",
        "19600101",
        "霞が関",
        "1000013",
        "kenko.taro",
        code.as_str(),
    ] {
        assert!(
            !log.contains(personal),
            "personal data {personal:?} in the desk's log:\n{log}"
        );
    }
}

/// Percent-decoding of a data: URL (the preview images are SVG data URLs).
fn urlencoding_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
