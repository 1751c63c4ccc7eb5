//! End to end through the real app, offline: the central server stops → a note added in
//! the case view is shown as waiting (送信待ち 1) → the server comes back → the background
//! replay sends it, the waiting count returns to 0, and the note exists exactly once.
mod support;

use fantoccini::Locator;
use support::central;

#[tokio::test(flavor = "multi_thread")]
async fn a_note_written_offline_arrives_exactly_once() {
    let mut central = central::start().await;
    let app = support::App::launch(&[("KENCOM_CENTRAL_URL", &central.base)]).await;

    app.wait_text("[data-testid=signin-submit]", |_| true).await;
    app.fill("[data-testid=signin-url]", &central.base).await;
    app.fill("[data-testid=signin-login-id]", "agent02").await;
    app.fill(
        "[data-testid=signin-password]",
        &central.password("agent02"),
    )
    .await;
    app.fill("[data-testid=signin-totp]", &central.totp("agent02"))
        .await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=status-operator]", |t| t.contains("窓口"))
        .await;

    // Take 山田 花子's inquiry.
    app.click("[data-testid=nav-inquiries]").await;
    let row = "[data-type='registration'][data-kana^='ヤマダ']";
    app.claim_row(row).await;
    app.wait_text("[data-testid=case-status]", |_| true).await;
    app.wait_text("[data-testid=note-input]", |_| true).await;

    // Offline: the note waits.
    central.stop().await;
    let text = "電話が切れたため、折り返し予定（オフラインで記録）";
    app.fill("[data-testid=note-input]", text).await;
    app.click("[data-testid=note-submit]").await;
    app.wait_text("[data-testid=case-message]", |t| t.contains("送信待ち"))
        .await;
    app.wait_text("[data-testid=status-waiting]", |t| t.trim() == "1")
        .await;
    app.wait_text("[data-testid=status-server]", |t| t.contains("オフライン"))
        .await;
    app.screenshot("e2e-offline-01-waiting").await;

    // Back online: the background replay sends it; the count returns to 0.
    central.restart().await;
    app.wait_text("[data-testid=status-waiting]", |t| t.trim() == "0")
        .await;
    app.wait_text("[data-testid=status-server]", |t| t.contains("接続中"))
        .await;

    // The case, read again from the server, has the note exactly once.
    let case_id = app
        .client
        .find(Locator::Css("[data-testid=case-view]"))
        .await
        .unwrap()
        .attr("data-case-id")
        .await
        .unwrap()
        .expect("case-view carries its id");
    app.click("[data-testid=case-back]").await;
    app.click(&format!("[data-testid=my-case-{case_id}]")).await;
    let notes = app
        .wait_text("[data-testid=note-list]", |t| t.contains(text))
        .await;
    assert_eq!(
        notes.matches(text).count(),
        1,
        "the note must arrive exactly once: {notes}"
    );
    app.screenshot("e2e-offline-02-delivered").await;
    app.close().await;
}
