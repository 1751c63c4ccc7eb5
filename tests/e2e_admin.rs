//! End to end through the real app as an insurer admin (tauri-driver + WebKitWebDriver under
//! Xvfb, the real Secret Service, a seeded central server over HTTP): sign in as
//! admin-sakura → 連携状況 before → 名簿連携 with a Shift_JIS roster written here (three bad
//! rows, one warned) → detected encoding and the standard mapping → validate → the rejected
//! rows on screen and the error report saved (Shift_JIS, line numbers, Japanese reasons) →
//! upload → the diff by kind → apply → 連携状況 shows the sync and the new roster size →
//! はがき印刷: create a run over the 12 waiting postcards, save its PDF; `pdfinfo` counts two
//! page sides per card and `pdftotext` finds every name listed on screen. Every screen is
//! saved as a PNG.
mod support;

use fantoccini::Locator;
use support::central;

const HEADER: &str = "保険者番号,記号,番号,枝番,漢字氏名,カナ氏名,性別,生年月日,本人家族区分,続柄,資格取得日,資格喪失日,任意継続,特例退職,郵便番号,住所";
const GOOD: usize = 8;

/// Line 2: half-width kana; line 3: wrong check digit; line 4: no 生年月日 (all rejected);
/// line 5: 髙 (warned, imported); then the good rows.
fn roster() -> Vec<u8> {
    let mut lines = vec![
        HEADER.to_string(),
        "06141378,8801,7000001,00,半角 太郎,ﾊﾝｶｸﾀﾛｳ,1,1980-01-01,1,本人,2024-04-01,,0,0,1000013,東京都千代田区1-1".into(),
        "06141379,8801,7000002,00,検証 次郎,ケンショウジロウ,1,1980-01-02,1,本人,2024-04-01,,0,0,1000013,東京都千代田区1-2".into(),
        "06141378,8801,7000003,00,生年 三郎,セイネンサブロウ,1,,1,本人,2024-04-01,,0,0,1000013,東京都千代田区1-3".into(),
        "06141378,8801,7000004,00,髙田 四郎,タカダシロウ,1,S55.4.1,1,本人,2024-04-01,,0,0,1000013,東京都千代田区1-4".into(),
    ];
    for i in 0..GOOD {
        lines.push(format!(
            "06141378,8801,{},00,連携 {}号,レンケイ{},2,1990-0{}-15,1,本人,2024-04-01,,0,0,5300001,大阪府大阪市北区{}",
            7_000_100 + i,
            i + 1,
            ["イチ", "ニ", "サン", "ヨン", "ゴ", "ロク", "ナナ", "ハチ"][i],
            i + 1,
            i + 1
        ));
    }
    let text = lines.join("\r\n") + "\r\n";
    let (bytes, _, lossy) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!lossy, "every test character exists in Shift_JIS");
    bytes.into_owned()
}

fn pdf_pages(pdf: &std::path::Path) -> Option<u32> {
    let info = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|p| p.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_uploads_a_shift_jis_roster_applies_it_and_prints_a_run() {
    let central = central::start().await;
    let app = support::App::launch(&[("KENCOM_CENTRAL_URL", &central.base)]).await;
    let files = tempfile::tempdir().unwrap();
    let roster_path = files.path().join("さくら名簿.csv");
    std::fs::write(&roster_path, roster()).unwrap();

    // Sign in as the union's administrator.
    app.wait_text("[data-testid=signin-submit]", |_| true).await;
    app.fill("[data-testid=signin-url]", &central.base).await;
    app.fill("[data-testid=signin-login-id]", "admin-sakura")
        .await;
    app.fill(
        "[data-testid=signin-password]",
        &central.password("admin-sakura"),
    )
    .await;
    app.fill("[data-testid=signin-totp]", &central.totp("admin-sakura"))
        .await;
    app.click("[data-testid=signin-submit]").await;
    app.wait_text("[data-testid=roster-screen]", |_| true).await;

    // 連携状況 before: never synced.
    app.click("[data-testid=nav-sync]").await;
    let last = app
        .wait_text("[data-testid=sync-last]", |t| !t.is_empty())
        .await;
    assert_eq!(last, "未連携");
    let size_before: i64 = app
        .wait_text("[data-testid=sync-roster-size]", |t| {
            t.parse::<i64>().is_ok()
        })
        .await
        .parse()
        .unwrap();
    app.screenshot("e2e-admin-01-sync-before").await;

    // 名簿連携: the file, read as Shift_JIS with the standard layout.
    app.click("[data-testid=nav-roster]").await;
    app.fill("[data-testid=roster-path]", &roster_path.to_string_lossy())
        .await;
    app.click("[data-testid=roster-inspect]").await;
    let detected = app
        .wait_text("[data-testid=roster-detected]", |t| !t.is_empty())
        .await;
    assert!(detected.contains("Shift_JIS"), "{detected}");
    assert!(detected.contains("標準レイアウト"), "{detected}");
    let preview = app
        .wait_text("[data-testid=roster-preview]", |t| !t.is_empty())
        .await;
    assert!(preview.contains("ﾊﾝｶｸﾀﾛｳ"), "shown as found: {preview}");
    app.screenshot("e2e-admin-02-roster-options").await;

    // 元号コード: the administrator's own digits, checked as typed; then back to the standard.
    app.select("[data-testid=roster-era]", "custom").await;
    app.fill("[data-testid=roster-era-4]", "3").await;
    let clash = app
        .wait_text("[data-testid=roster-era-error]", |t| !t.is_empty())
        .await;
    assert!(clash.contains("昭和・令和で重複"), "{clash}");
    app.screenshot("e2e-admin-02b-era-codes").await;
    app.fill("[data-testid=roster-era-4]", "5").await;
    let example = app
        .wait_text("[data-testid=roster-era-example]", |t| !t.is_empty())
        .await;
    assert!(example.contains("3350101 → 昭和35年1月1日"), "{example}");
    app.select("[data-testid=roster-era]", "standard").await;

    // Validate: three rejected rows with Japanese reasons, one warned.
    app.click("[data-testid=roster-validate]").await;
    let counts = app
        .wait_text("[data-testid=roster-counts]", |t| !t.is_empty())
        .await;
    assert!(counts.contains("取込不可 3件"), "{counts}");
    assert!(
        counts.contains(&format!("取込可 {}件", GOOD + 1)),
        "{counts}"
    );
    let row2 = app
        .wait_text("[data-testid=roster-row-2]", |t| !t.is_empty())
        .await;
    assert!(row2.contains("半角"), "{row2}");
    assert!(
        row2.contains("同じ理由がほか6件"),
        "the 7 half-width characters of ﾊﾝｶｸﾀﾛｳ on one line: {row2}"
    );
    let row4 = app
        .wait_text("[data-testid=roster-row-4]", |t| !t.is_empty())
        .await;
    assert!(row4.contains("生年月日"), "{row4}");
    let row5 = app
        .wait_text("[data-testid=roster-row-5]", |t| !t.is_empty())
        .await;
    assert!(row5.contains("警告") && row5.contains('髙'), "{row5}");
    app.screenshot("e2e-admin-03-roster-validated").await;

    // Save the error report: Shift_JIS like the roster.
    let report = files.path().join("report.csv");
    app.fill(
        "[data-testid=roster-report-path]",
        &report.to_string_lossy(),
    )
    .await;
    app.click("[data-testid=roster-report-save]").await;
    let saved = app
        .wait_text("[data-testid=roster-report-saved]", |t| !t.is_empty())
        .await;
    assert!(saved.contains("Shift_JIS"), "{saved}");
    let bytes = std::fs::read(&report).unwrap();
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(
        !bad && std::str::from_utf8(&bytes).is_err(),
        "Shift_JIS report"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "header + 3 rejected rows: {text}");
    assert!(
        lines[1].starts_with("2,エラー（取込不可）,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("3,"), "{}", lines[2]);
    assert!(lines[3].starts_with("4,"), "{}", lines[3]);
    app.screenshot("e2e-admin-04-report-saved").await;

    // Upload as a partial roster (the demo's other members stay), see the diff.
    app.click("[data-testid=roster-full]").await;
    app.click("[data-testid=roster-upload]").await;
    let added = app
        .attr("[data-testid=roster-diff-added]", "data-count")
        .await;
    assert_eq!(added.as_deref(), Some((GOOD + 1).to_string().as_str()));
    assert_eq!(
        app.attr("[data-testid=roster-diff-lost]", "data-count")
            .await
            .as_deref(),
        Some("0")
    );
    let list = app
        .wait_text("[data-testid=roster-diff-list]", |t| t.contains("連携"))
        .await;
    assert!(list.contains("髙田 四郎"), "{list}");
    app.screenshot("e2e-admin-05-diff").await;

    // Apply.
    app.click("[data-testid=roster-apply]").await;
    let applied = app
        .wait_text("[data-testid=roster-applied]", |t| !t.is_empty())
        .await;
    assert!(applied.contains("さくら名簿.csv"), "{applied}");
    assert!(
        applied.contains(&format!("加入者数は {} 人", size_before + GOOD as i64 + 1)),
        "{applied}"
    );
    app.screenshot("e2e-admin-06-applied").await;

    // 連携状況 after.
    app.click("[data-testid=roster-to-status]").await;
    let last = app
        .wait_text("[data-testid=sync-last]", |t| t.contains("さくら名簿.csv"))
        .await;
    assert!(last.contains("取込不可 3件"), "{last}");
    let size_after = app
        .wait_text("[data-testid=sync-roster-size]", |t| {
            t != size_before.to_string()
        })
        .await;
    assert_eq!(size_after, (size_before + GOOD as i64 + 1).to_string());
    app.wait_text("[data-testid=sync-history]", |t| {
        t.contains("さくら名簿.csv")
    })
    .await;
    app.screenshot("e2e-admin-07-sync-after").await;

    // はがき印刷: a run over the waiting postcards, its PDF saved where the admin chose.
    app.click("[data-testid=nav-postcards]").await;
    app.click("[data-testid=create-run]").await;
    let pdf = files.path().join("run.pdf");
    app.fill("[data-testid=run-path]", &pdf.to_string_lossy())
        .await;
    app.click("[data-testid=run-save]").await;
    app.wait_text("[data-testid=run-saved]", |t| !t.is_empty())
        .await;
    let cells = app
        .client
        .find_all(Locator::Css("[data-testid=run-cards] tr td:nth-child(2)"))
        .await
        .unwrap();
    let mut names = Vec::new();
    for c in cells {
        names.push(
            c.text()
                .await
                .unwrap()
                .trim_end_matches('様')
                .trim()
                .to_owned(),
        );
    }
    assert_eq!(names.len(), 12, "the demo queues 12 postcards: {names:?}");
    app.screenshot("e2e-admin-08-print-run").await;
    assert_eq!(
        pdf_pages(&pdf),
        Some(2 * names.len() as u32),
        "one address side and one inner side per card"
    );
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).replace([' ', '\u{3000}', '\n'], "");
    for name in &names {
        let compact = name.replace([' ', '\u{3000}'], "");
        assert!(text.contains(&compact), "{name} in the PDF");
    }
    app.close().await;
}
