//! はがき印刷 through the desk against a real seeded central server: an insurer admin sees
//! the union's waiting postcards, creates a run, saves its PDF (one address side and one
//! inner side per card, sorted by postal code, names found by pdftotext), marks it printed
//! (the server forgets the codes), reprints one card with a new code, marks it mailed.
mod support;

use support::{desk, sign_in_input, Central};

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_prints_a_run_marks_it_and_reprints_a_card() {
    let central = Central::start().await;
    let (desk, _host) = desk();
    desk.sign_in(sign_in_input(&central, "admin-sakura"))
        .await
        .unwrap();

    let overview = desk.print_overview().await.unwrap();
    assert_eq!(overview.pending.len(), 12, "the demo queues 12 postcards");
    assert!(overview.runs.is_empty());
    let run = desk.create_print_run().await.unwrap();
    assert_eq!(run.postcards, 12);
    let overview = desk.print_overview().await.unwrap();
    assert!(overview.pending.is_empty());
    assert_eq!(overview.runs.len(), 1);

    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("run.pdf");
    let saved = desk
        .save_print_run(run.id, pdf.to_string_lossy().into())
        .await
        .unwrap();
    assert_eq!(saved.cards.len(), 12);
    assert_eq!(
        saved.pages, 24,
        "one address side and one inner side per card"
    );
    assert!(saved.skipped.is_empty(), "{:?}", saved.skipped);
    let codes: Vec<&str> = saved.cards.iter().map(|c| c.postal_code.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "the run is in postal-code order");
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(str::trim);
    assert_eq!(pages, Some("24"), "{info}");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for c in &saved.cards {
        let family = c.member_name.split(['　', ' ']).next().unwrap();
        assert!(text.contains(family), "{} in the PDF", c.member_name);
    }
    // Saving again (e.g. the first file was lost) works until the run is printed.
    let again = desk
        .save_print_run(run.id, pdf.to_string_lossy().into())
        .await
        .unwrap();
    assert_eq!(again.pages, 24);

    let err = desk
        .mark_print_run(run.id, "mailed".into())
        .await
        .unwrap_err();
    assert!(
        err.message.contains("印刷済み") || err.message.contains("受け付け"),
        "{}",
        err.message
    );
    let printed = desk.mark_print_run(run.id, "printed".into()).await.unwrap();
    assert!(printed.printed_at.is_some());
    let err = desk
        .save_print_run(run.id, out.path().join("late.pdf").to_string_lossy().into())
        .await
        .unwrap_err();
    assert!(err.message.contains("印刷済み"), "{}", err.message);
    assert!(!out.path().join("late.pdf").exists());

    let reprint = desk
        .reprint_postcard(run.id, saved.cards[0].postcard_id)
        .await
        .unwrap();
    assert_eq!(
        desk.print_overview().await.unwrap().pending[0].id,
        reprint.id
    );
    let mailed = desk.mark_print_run(run.id, "mailed".into()).await.unwrap();
    assert!(mailed.mailed_at.is_some());

    desk.delete_saved_file(pdf.to_string_lossy().into())
        .unwrap();
    assert!(!pdf.exists());
    let stranger = out.path().join("x.pdf");
    std::fs::write(&stranger, b"x").unwrap();
    assert!(desk
        .delete_saved_file(stranger.to_string_lossy().into())
        .is_err());
    assert!(stranger.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_cannot_print_runs() {
    let central = Central::start().await;
    let (desk, _host) = desk();
    desk.sign_in(sign_in_input(&central, "agent02"))
        .await
        .unwrap();
    let err = desk.print_overview().await.unwrap_err();
    assert!(err.message.contains("権限"), "{}", err.message);
}
