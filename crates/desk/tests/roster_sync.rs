//! 名簿連携 through the desk against a real seeded central server: an insurer admin reads a
//! Shift_JIS roster with bad rows (half-width kana, a wrong check digit, a duplicate) and
//! warned ones (髙, no address), saves the error report (in Shift_JIS, with line numbers and
//! Japanese reasons), starts the upload and is cut off after the first chunk, closes the desk,
//! reads the file again in a new desk, which resumes the same upload at the missing chunks,
//! sees the diff, applies once (a second apply answers the same sync), and the sync status
//! shows it. A second file then yields one change (field by field), one loss and no adds.
mod support;

use kencom_api::roster::RosterDiffKind;
use kencom_desk_core::roster_views::{RosterCharset, RosterPhase};
use kencom_desk_core::Desk;
use kencom_roster::RosterEncoding;
use support::{desk, sign_in_input, Central};

const HEADER: &str = "保険者番号,記号,番号,枝番,漢字氏名,カナ氏名,性別,生年月日,本人家族区分,続柄,資格取得日,資格喪失日,任意継続,特例退職,郵便番号,住所";
const SAKURA: &str = "06141378";
/// Generated good rows: with the two warned rows, 4,100 accepted = 3 chunks of ≤ 2,000.
const GOOD: usize = 4098;

fn kana(i: usize) -> String {
    const S: [char; 20] = [
        'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ',
        'タ', 'チ', 'ツ', 'テ', 'ト',
    ];
    format!(
        "メイボ{}{}{}",
        S[i % 20],
        S[(i / 20) % 20],
        S[(i / 400) % 20]
    )
}

fn good_row(i: usize, address: &str) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(i as u64);
    format!(
        "{SAKURA},9001,{:07},00,名簿 {i}号,{},1,{},1,本人,2020-04-01,,0,0,100-0013,{address}",
        5_000_000 + i,
        kana(i),
        day.format("%Y-%m-%d")
    )
}

/// File A: five hand-made rows (lines 2–6), then the generated ones.
fn file_a() -> String {
    let mut lines = vec![
        HEADER.to_string(),
        // line 2: half-width kana → rejected
        format!("{SAKURA},9001,0000001,00,山田 一,ﾔﾏﾀﾞﾊｼﾞﾒ,1,1980-01-01,1,本人,,,0,0,1000013,東京都"),
        // line 3: wrong check digit → rejected
        "06141379,9001,0000002,00,山田 二,ヤマダフタ,1,1980-01-02,1,本人,,,0,0,1000013,東京都"
            .to_string(),
        // line 4: 髙 (IBM extension) → warning, imported; era-coded birth date
        format!(
            "{SAKURA},9001,0000003,00,髙橋 三,タカハシミツ,2,3550401,1,本人,,,0,0,1000013,東京都"
        ),
        // line 5: no address → warning, imported
        format!("{SAKURA},9001,0000004,00,住所 なし,ジュウショナシ,1,1981-01-01,1,本人,,,0,0,,"),
        // line 6: duplicate of line 4 → rejected
        format!(
            "{SAKURA},9001,0000003,00,髙橋 三,タカハシミツ,2,3550401,1,本人,,,0,0,1000013,東京都"
        ),
    ];
    lines.extend((0..GOOD).map(|i| good_row(i, "東京都千代田区霞が関1-3-2")));
    lines.join("\r\n") + "\r\n"
}

/// File B: the accepted rows of A, without generated row 0 and with row 1 moved.
fn file_b() -> String {
    let a = file_a();
    let mut lines: Vec<String> = a.lines().take(1).map(str::to_owned).collect();
    lines.extend(
        a.lines()
            .skip(1)
            .take(5)
            .filter(|l| l.contains("タカハシ") || l.contains("ジュウショ"))
            .take(2)
            .map(str::to_owned),
    );
    lines.extend((1..GOOD).map(|i| {
        good_row(
            i,
            if i == 1 {
                "大阪府大阪市北区1-1"
            } else {
                "東京都千代田区霞が関1-3-2"
            },
        )
    }));
    lines.join("\r\n") + "\r\n"
}

fn write_sjis(dir: &std::path::Path, name: &str, text: &str) -> String {
    let bytes = RosterEncoding::ShiftJis.encode(text).unwrap().into_owned();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_validates_reports_resumes_diffs_and_applies_a_shift_jis_roster() {
    let central = Central::start().await;
    let (first, host) = desk();
    first
        .sign_in(sign_in_input(&central, "admin-sakura"))
        .await
        .unwrap();
    let before = first.sync_overview(None).await.unwrap();
    assert_eq!(before.insurers.len(), 1, "an admin sees only their union");
    let status = before.detail.expect("the admin's union");
    assert_eq!(status.insurer_name, "さくら電機健康保険組合");
    assert!(status.last_sync.is_none());
    let members_before = status.roster_size;

    let files = tempfile::tempdir().unwrap();
    let path_a = write_sjis(files.path(), "sakura_roster.csv", &file_a());

    // Inspect: detected Shift_JIS, the standard layout proposed from the header.
    let seen = first.inspect_roster(path_a.clone(), None, None).unwrap();
    assert_eq!(seen.detected_encoding, RosterCharset::ShiftJis);
    assert!(!seen.saved, "nothing saved yet: the standard layout");
    assert_eq!(seen.header.first().map(String::as_str), Some("保険者番号"));
    assert_eq!(seen.preview[0][5], "ﾔﾏﾀﾞﾊｼﾞﾒ", "shown as found, never folded");
    assert_eq!(seen.proposed_columns.as_ref().unwrap().len(), 16);

    // Validate.
    let v = first
        .validate_roster(path_a.clone(), seen.options.clone(), None)
        .unwrap();
    assert_eq!(v.encoding, RosterCharset::ShiftJis);
    assert_eq!(v.records as usize, GOOD + 5);
    assert_eq!(v.rejected, 3);
    assert_eq!(v.accepted as usize, GOOD + 2);
    assert_eq!(v.warned, 2);
    let rejected: Vec<i64> = v
        .rows
        .iter()
        .filter(|r| r.rejected)
        .map(|r| r.row)
        .collect();
    assert_eq!(
        rejected,
        vec![2, 3, 6],
        "line numbers with the header as line 1"
    );
    let dup = v.rows.iter().find(|r| r.row == 6).unwrap();
    assert!(
        dup.problems.iter().any(|p| p.message.contains('4')),
        "the duplicate names the earlier line: {:?}",
        dup.problems
    );
    assert!(v
        .by_code
        .iter()
        .any(|c| c.code == "ROSTER_CHAR_IBM_EXTENSION"));
    let progress = first.roster_progress();
    assert_eq!(progress.phase, RosterPhase::Validated);
    assert_eq!(progress.records as usize, GOOD + 5);
    assert_eq!(
        progress.bytes_read,
        std::fs::metadata(&path_a).unwrap().len() as i64
    );

    // The error report, in Shift_JIS like the roster.
    let report_path = files.path().join("report.csv");
    let saved = first
        .save_roster_report(report_path.to_string_lossy().into(), false)
        .unwrap();
    assert_eq!(saved.rows, 3);
    assert_eq!(saved.encoding, RosterCharset::ShiftJis);
    let bytes = std::fs::read(&report_path).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "written in Shift_JIS, not UTF-8"
    );
    let text = RosterEncoding::ShiftJis.decode(&bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("行番号,区分,理由,コード,保険者番号"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("2,エラー（取込不可）,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("ﾔﾏﾀﾞﾊｼﾞﾒ"),
        "the cell as found: {}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("3,エラー（取込不可）,"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("6,"), "{}", lines[3]);
    let with_warnings = files.path().join("report-all.csv");
    let all = first
        .save_roster_report(with_warnings.to_string_lossy().into(), true)
        .unwrap();
    assert_eq!(all.rows, 5, "3 rejected + 2 warned");

    // Upload, cut off once the first chunk is acknowledged (the desk is closed mid-upload).
    {
        let upload = first.upload_roster(true);
        tokio::pin!(upload);
        loop {
            tokio::select! {
                done = &mut upload => panic!("finished before the interruption: {:?}", done.map(|o| o.sent_chunks)),
                _ = tokio::time::sleep(std::time::Duration::from_millis(2)) => {
                    if first.roster_progress().chunks_done >= 1 { break; }
                }
            }
        }
        assert_eq!(first.roster_progress().chunks_total, 3);
    }
    drop(first);

    // A new desk: the session resumes from the keychain, the same file gives the same hash,
    // and only the missing chunks are sent.
    let second = Desk::new(host.clone());
    second.session().await.unwrap();
    let seen = second.inspect_roster(path_a.clone(), None, None).unwrap();
    assert!(seen.saved, "the options were saved for the union");
    second
        .validate_roster(path_a.clone(), seen.options, None)
        .unwrap();
    let up = second.upload_roster(true).await.unwrap();
    assert!(up.complete);
    assert!(up.resumed_chunks >= 1, "resumed, not restarted");
    assert_eq!(up.resumed_chunks + up.sent_chunks, 3);
    assert_eq!(up.received_rows as usize, GOOD + 2);

    let diff = second.roster_diff(up.upload_id, None, 0).await.unwrap();
    assert_eq!(diff.counts.added as usize, GOOD + 2, "{:?}", diff.counts);
    assert_eq!(diff.counts.changed, 0);
    assert_eq!(diff.counts.unchanged, 0);
    assert!(
        diff.counts.lost > 0 && diff.counts.lost <= members_before,
        "a full roster: the union's earlier members are absent"
    );
    let lost_first = diff.counts.lost;
    let added = second
        .roster_diff(up.upload_id, Some(RosterDiffKind::Added), 50)
        .await
        .unwrap();
    assert_eq!(added.entries.len(), 50);
    assert_eq!(added.offset, 50);

    let sync = second.apply_roster(up.upload_id).await.unwrap();
    assert_eq!(second.roster_progress().phase, RosterPhase::Applied);
    let again = second.apply_roster(up.upload_id).await.unwrap();
    assert_eq!(again.id, sync.id, "applied once");
    assert_eq!(sync.rejected_rows, 3);
    assert_eq!(sync.roster_size as usize, GOOD + 2);
    let err = second.upload_roster(true).await.unwrap_err();
    assert!(
        err.message.contains("読み込まれていません"),
        "{}",
        err.message
    );

    let after = second.sync_overview(None).await.unwrap();
    let status = after.detail.unwrap();
    assert_eq!(status.roster_size as usize, GOOD + 2);
    assert_eq!(status.last_sync.as_ref().map(|s| s.id), Some(sync.id));
    assert_eq!(after.history.len(), 1);
    assert_eq!(after.insurers[0].rejected_rows, 3);

    // File B: one member moved, one gone, the rest unchanged.
    let path_b = write_sjis(files.path(), "sakura_roster_2.csv", &file_b());
    let opts = second
        .inspect_roster(path_b.clone(), None, None)
        .unwrap()
        .options;
    let v = second.validate_roster(path_b, opts, None).unwrap();
    assert_eq!(v.rejected, 0);
    let up = second.upload_roster(true).await.unwrap();
    assert_eq!((up.sent_chunks, up.resumed_chunks), (3, 0));
    let diff = second
        .roster_diff(up.upload_id, Some(RosterDiffKind::Changed), 0)
        .await
        .unwrap();
    assert_eq!(
        (
            diff.counts.added,
            diff.counts.changed,
            diff.counts.lost,
            diff.counts.unchanged
        ),
        // Unchanged: the 髙 and no-address rows, the other generated ones, and the members
        // the first sync already disqualified (absent again: nothing to do).
        (0, 1, 1, GOOD as i64 + lost_first)
    );
    let change = &diff.entries[0];
    assert_eq!(change.key.number, "5000001");
    assert_eq!(change.changes.len(), 1, "{:?}", change.changes);
    assert_eq!(change.changes[0].label, "住所");
    assert_eq!(change.changes[0].after, "大阪府大阪市北区1-1");
    let lost = second
        .roster_diff(up.upload_id, Some(RosterDiffKind::Lost), 0)
        .await
        .unwrap();
    assert_eq!(lost.entries[0].key.number, "5000000");
    assert_eq!(lost.entries[0].lost_reason.as_deref(), Some("absent"));
    second.apply_roster(up.upload_id).await.unwrap();
    let after = second.sync_overview(None).await.unwrap();
    assert_eq!(after.history.len(), 2);
    assert_eq!(after.detail.unwrap().roster_size as usize, GOOD + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn agents_see_every_union_and_may_not_upload() {
    let central = Central::start().await;
    let (desk, _host) = desk();
    desk.sign_in(sign_in_input(&central, "agent01"))
        .await
        .unwrap();
    let overview = desk.sync_overview(Some(2)).await.unwrap();
    assert!(overview.insurers.len() >= 4, "agents see every union");
    assert_eq!(overview.detail.unwrap().insurer_id, 2);
    let files = tempfile::tempdir().unwrap();
    let path = write_sjis(files.path(), "r.csv", &file_a());
    let err = desk.inspect_roster(path.clone(), None, None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("insurerId"), "{}", err.message);
    let seen = desk.inspect_roster(path.clone(), None, Some(2)).unwrap();
    desk.validate_roster(path, seen.options, Some(2)).unwrap();
    let err = desk.upload_roster(true).await.unwrap_err();
    assert_eq!(
        err.code,
        kencom_desk_core::ErrorCode::Forbidden,
        "{}",
        err.message
    );
}
