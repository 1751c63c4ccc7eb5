//! Rosters written by Python's cp932 codec (an encoder independent of encoding_rs): every
//! awkward line of fixtures/make_rosters.py must produce exactly the problems stated here,
//! on the right line, and the error report must come back out in Shift_JIS that Python reads.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use kencom_domain::EraCodeMap;
use kencom_roster::{
    parse_all, Field, FixedField, FixedWidthLayout, ParseOptions, ParseOutcome, ReportScope,
    ReportWriter, RosterEncoding, RosterFormat, RosterReader,
};

fn fixtures() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/make_rosters.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg(dir.path())
        .status()
        .expect("python3 is needed to build the independent Shift_JIS fixtures");
    assert!(status.success(), "fixture script failed");
    let path = dir.path().to_path_buf();
    (dir, path)
}

fn parse(path: &Path, options: &ParseOptions) -> ParseOutcome {
    parse_all(File::open(path).unwrap(), options).unwrap()
}

/// (line, code) of every problem.
fn codes(out: &ParseOutcome) -> BTreeSet<(u64, &'static str)> {
    out.with_problems
        .iter()
        .flat_map(|r| r.problems.iter().map(|p| (p.row, p.code)))
        .collect()
}

fn rejected(out: &ParseOutcome) -> Vec<u64> {
    out.with_problems
        .iter()
        .filter(|r| r.is_rejected())
        .map(|r| r.row)
        .collect()
}

fn expected_codes() -> BTreeSet<(u64, &'static str)> {
    [
        (3, "ROSTER_CHAR_IBM_EXTENSION"),
        (4, "ROSTER_CHAR_IBM_EXTENSION"),
        (4, "ROSTER_CHAR_NEC_SPECIAL"),
        (5, "ROSTER_CHAR_NEC_SPECIAL"),
        (6, "KANA_HALF_WIDTH"),
        (7, "INSURER_CHECK_DIGIT"),
        (8, "ROSTER_NUMBER_LONG"),
        (9, "ROSTER_DUPLICATE"),
        (12, "ROSTER_POSTAL_MISSING"),
        (12, "ROSTER_ADDRESS_MISSING"),
        (15, "ROSTER_KANA_SPACE"),
        (15, "ROSTER_KANA_SMALL"),
        (17, "ROSTER_FLAGS_CONFLICT"),
        // Line 17 also sets 特例退職 on a 06 (健保組合) number.
        (17, "ROSTER_SPECIAL_RETIREE_MISMATCH"),
        // The multi-line address of lines 18–19 holds a line feed, a control character.
        (18, "ROSTER_CHAR_CONTROL"),
    ]
    .into_iter()
    .collect()
}

#[test]
fn shift_jis_csv_reports_each_awkward_line_exactly() {
    let (_dir, path) = fixtures();
    let out = parse(&path.join("roster_sjis.csv"), &ParseOptions::default());
    assert_eq!(
        out.encoding,
        Some(RosterEncoding::ShiftJis),
        "CP932 must be detected"
    );
    assert_eq!(codes(&out), expected_codes());
    assert_eq!(
        rejected(&out),
        vec![6, 7, 9, 17],
        "only errors reject a row"
    );
    assert_eq!(out.summary.records, 19);
    assert_eq!(out.summary.accepted, 15);

    let kana_errors: Vec<(usize, Option<char>)> = out.with_problems
        [out.with_problems.iter().position(|r| r.row == 6).unwrap()]
    .problems
    .iter()
    .map(|p| (p.column.unwrap(), p.ch))
    .collect();
    assert_eq!(
        kana_errors.len(),
        7,
        "every half-width character is reported"
    );
    assert_eq!(
        kana_errors[0],
        (6, Some('ﾀ')),
        "column 6 is カナ氏名, character as found"
    );

    let takahashi = out
        .rows
        .iter()
        .find(|r| r.number.as_str() == "3457")
        .unwrap();
    assert_eq!(
        takahashi.kanji_name, "髙橋花子",
        "髙 must never be replaced by 高"
    );
    let yamazaki = out
        .rows
        .iter()
        .find(|r| r.number.as_str() == "3458")
        .unwrap();
    assert_eq!(yamazaki.kanji_name, "山﨑一郎");
    assert_eq!(yamazaki.address, "神奈川県川崎市①丁目");
}

#[test]
fn flags_dependents_and_dates_are_read() {
    let (_dir, path) = fixtures();
    let out = parse(&path.join("roster_sjis.csv"), &ParseOptions::default());
    let by_number = |n: &str| {
        out.rows
            .iter()
            .filter(|r| r.number.as_str() == n)
            .collect::<Vec<_>>()
    };
    let family = by_number("3456");
    assert_eq!(
        family.len(),
        2,
        "本人 and the dependent share 番号 but not 枝番"
    );
    assert!(family.iter().any(|r| r.may_register()));
    assert!(
        family
            .iter()
            .any(|r| !r.may_register() && r.relation_name == "妻"),
        "a dependent may not use the service"
    );
    assert!(
        !by_number("3462")[0].may_register(),
        "任意継続 may not use the service"
    );
    let retiree = by_number("3465")[0];
    assert!(retiree.special_retiree && retiree.may_register());
    assert_eq!(retiree.insurer.law_code(), "63");
    let era = by_number("3464")[0];
    assert_eq!(
        era.birth_date.to_string(),
        "1980-01-01",
        "3550101 with codes 1–5 is 昭和55"
    );
    let wareki = by_number("3467")[0];
    assert_eq!(wareki.birth_date.to_string(), "1980-01-01");
    assert_eq!(wareki.acquired_on.unwrap().to_string(), "2002-04-01");
    let long = by_number("01234567")[0];
    assert_eq!(long.number.eligibility_key(), "1234567");
    assert_eq!(by_number("3469")[0].address, "東京都港区\n芝公園4-2-8");
    assert!(by_number("3470")[0].lost_on.is_some());
    let trail = by_number("3471")[0];
    assert_eq!(
        (trail.kana_name.as_str(), trail.address.as_str()),
        ("ソウマノリト", "東京都港区表参道\\1"),
        "CP932 trail byte 0x5C (ソ 表 能 十) and a real backslash survive"
    );
}

#[test]
fn utf8_with_bom_gives_the_same_result_as_shift_jis() {
    let (_dir, path) = fixtures();
    let sjis = parse(&path.join("roster_sjis.csv"), &ParseOptions::default());
    let utf8 = parse(&path.join("roster_utf8_bom.csv"), &ParseOptions::default());
    assert_eq!(utf8.encoding, Some(RosterEncoding::Utf8));
    assert_eq!(
        utf8.header.as_ref().unwrap()[0],
        "保険者番号",
        "the BOM is not part of the header"
    );
    assert_eq!(
        utf8.rows, sjis.rows,
        "the encoding must not change the data"
    );
    assert_eq!(codes(&utf8), codes(&sjis));
}

#[test]
fn forcing_the_wrong_encoding_reports_undecodable_bytes() {
    let (_dir, path) = fixtures();
    let opts = ParseOptions {
        encoding: Some(RosterEncoding::Utf8),
        ..ParseOptions::default()
    };
    let out = parse(&path.join("roster_sjis.csv"), &opts);
    assert!(
        out.rows.is_empty(),
        "every data row holds kanji, so none decodes as UTF-8"
    );
    assert!(out.with_problems[0]
        .problems
        .iter()
        .any(|p| p.code == "ROSTER_UNDECODABLE"));
}

#[test]
fn error_report_is_shift_jis_that_python_reads() {
    let (dir, path) = fixtures();
    let mut reader = RosterReader::new(
        File::open(path.join("roster_sjis.csv")).unwrap(),
        &ParseOptions::default(),
    )
    .unwrap();
    let first: Vec<_> = reader.by_ref().map(Result::unwrap).collect();
    let report_path = dir.path().join("report.csv");
    let mut report = ReportWriter::new(
        File::create(&report_path).unwrap(),
        reader.encoding(),
        &reader.column_names(16),
        ReportScope::AllProblems,
    )
    .unwrap();
    for record in &first {
        report.write(record).unwrap();
    }
    assert_eq!(report.written(), 11);
    report.finish().unwrap();

    let script = "import csv,sys\n\
        rows=list(csv.reader(open(sys.argv[1],encoding='cp932',newline='')))\n\
        print(len(rows)); [print(r[0],r[1],r[2],r[8],sep='|') for r in rows[1:]]";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&report_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "12", "header + 11 reported records");
    assert!(
        lines[1].starts_with("3|警告（取込可）|漢字氏名の1文字目「髙」"),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with("|髙橋花子"));
    let half = lines.iter().find(|l| l.starts_with("6|")).unwrap();
    assert!(
        half.contains("エラー（取込不可）") && half.contains("「ﾀ」は半角カナ"),
        "{half}"
    );
}

#[test]
fn fixed_width_cp932_with_odd_era_codes() {
    let (_dir, path) = fixtures();
    let f = |field, start, len| FixedField { field, start, len };
    let layout = FixedWidthLayout {
        record_length: None,
        skip_records: 0,
        fields: vec![
            f(Field::InsurerNumber, 0, 8),
            f(Field::Symbol, 8, 8),
            f(Field::Number, 16, 10),
            f(Field::Branch, 26, 2),
            f(Field::KanjiName, 28, 20),
            f(Field::KanaName, 48, 30),
            f(Field::Sex, 78, 1),
            f(Field::BirthDate, 79, 7),
            f(Field::Relationship, 86, 1),
            f(Field::RelationName, 87, 6),
            f(Field::AcquiredOn, 93, 7),
            f(Field::LostOn, 100, 7),
            f(Field::VoluntaryContinuation, 107, 1),
            f(Field::SpecialRetiree, 108, 1),
            f(Field::PostalCode, 109, 7),
            f(Field::Address, 116, 60),
        ],
    };
    let opts = ParseOptions {
        format: RosterFormat::FixedWidth(layout),
        encoding: None,
        era_codes: EraCodeMap::odd(),
    };
    let out = parse(&path.join("roster_fixed.dat"), &opts);
    assert_eq!(out.encoding, Some(RosterEncoding::ShiftJis));
    assert_eq!(out.rows.len(), 1);
    let row = &out.rows[0];
    assert_eq!(
        row.kanji_name, "髙橋太郎",
        "U+3000 padding is trimmed, 髙 kept"
    );
    assert_eq!(
        row.birth_date.to_string(),
        "1980-01-01",
        "5 is 昭和 in the 1/3/5/7/9 mapping"
    );
    assert_eq!(
        row.acquired_on.unwrap().to_string(),
        "2002-04-01",
        "7 is 平成"
    );
    assert_eq!(row.address, "東京都千代田区霞が関1丁目3番2号");
    let bad = &out.with_problems[1];
    assert_eq!(bad.row, 2);
    assert_eq!(bad.problems[0].code, "KANA_HALF_WIDTH");
    assert_eq!(
        bad.problems[0].column,
        Some(49),
        "fixed-width columns are 1-based byte offsets"
    );

    let default_codes = ParseOptions {
        era_codes: EraCodeMap::default(),
        ..opts
    };
    let out = parse(&path.join("roster_fixed.dat"), &default_codes);
    assert!(
        out.with_problems[0]
            .problems
            .iter()
            .any(|p| p.code == "DATE_ERA_CODE"),
        "with codes 1–5, 7 is no era: the mapping must matter"
    );
}
