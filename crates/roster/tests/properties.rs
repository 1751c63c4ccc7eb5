//! Property tests: any valid row written in the standard layout, in either encoding, reads back
//! as the same row; and the line numbers in errors are exact whatever the line endings, blank
//! lines and multi-line quoted fields around them.

use chrono::NaiveDate;
use kencom_domain::{check_digit, CardBranch, CardNumber, CardSymbol, InsurerNumber};
use kencom_roster::{
    parse_all, Field, ParseOptions, Progress, Relationship, RosterEncoding, RosterReader,
    RosterRow, Sex,
};
use proptest::prelude::*;

/// 表 能 十 ソ: CP932 trail byte 0x5C (backslash), which must not disturb CSV quoting.
const KANJI: &[char] = &[
    '山', '田', '太', '郎', '花', '子', '佐', '藤', '鈴', '木', '高', '橋', '伊', '渡', '辺', '中',
    '村', '小', '林', '加', '一', '美', '健', '恵', '翔', '東', '京', '都', '港', '区', '芝', '公',
    '園', '丁', '目', '番', '地', '号', '大', '阪', '府', '市', '表', '能', '十',
];
const KANA: &[char] = &[
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'タ', 'チ', 'ツ',
    'ナ', 'ハ', 'ヒ', 'マ', 'ミ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ワ', 'ン', 'ガ', 'ジ', 'ョ', 'ャ',
    'ー', 'ヴ', 'ソ', 'ゾ',
];

fn text(pool: &'static [char], len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pool), len).prop_map(|v| v.into_iter().collect())
}

fn kana_name() -> impl Strategy<Value = String> {
    // A name never starts with ー or a small kana in practice, and check_katakana_name
    // accepts those anyway; start with a plain letter to keep the strategy obviously valid.
    (prop::sample::select(&KANA[..28]), text(KANA, 1..10)).prop_map(|(c, s)| format!("{c}{s}"))
}

fn date(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
    (from..=to, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn insurer() -> impl Strategy<Value = InsurerNumber> {
    (prop::sample::select(&["06", "63"][..]), 0u32..100_000).prop_map(|(law, body)| {
        let body7 = format!("{law}{body:05}");
        let check = check_digit(&body7).unwrap();
        InsurerNumber::parse(&format!("{body7}{check}")).unwrap()
    })
}

prop_compose! {
    fn valid_row()(
        insurer in insurer(),
        symbol in prop::sample::select(&["", "12", "A1", "東京", "①2"][..]),
        number in "[0-9]{1,10}",
        branch in prop::option::of(0u8..100),
        kanji_name in text(KANJI, 0..8),
        kana_name in kana_name(),
        sex in prop::option::of(prop::bool::ANY),
        birth in date(1925, 2020),
        dependent in prop::bool::ANY,
        acquired_after in prop::option::of(0i64..20_000),
        lost_after in prop::option::of(0i64..5_000),
        voluntary in prop::bool::ANY,
        postal in prop::option::of(0u32..10_000_000),
        address in text(KANJI, 0..20),
    ) -> RosterRow {
        let acquired_on = acquired_after.map(|d| birth + chrono::Duration::days(d));
        let special_retiree = insurer.law_code() == "63";
        RosterRow {
            symbol: CardSymbol::parse(symbol).unwrap(),
            number: CardNumber::parse(&number).unwrap(),
            branch: branch.map(|b| CardBranch::parse(&format!("{b:02}")).unwrap()),
            kanji_name,
            kana_name,
            sex: sex.map(|m| if m { Sex::Male } else { Sex::Female }),
            birth_date: birth,
            relationship: if dependent { Relationship::Dependent } else { Relationship::Insured },
            relation_name: if dependent { "子".into() } else { "本人".into() },
            acquired_on,
            lost_on: acquired_on.and_then(|a| lost_after.map(|d| a + chrono::Duration::days(d))),
            voluntary_continuation: voluntary && !special_retiree,
            special_retiree,
            postal_code: postal.map(|p| format!("{p:07}")),
            address,
            insurer,
        }
    }
}

fn write_csv(rows: &[RosterRow], encoding: RosterEncoding, crlf: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    w.write_record(Field::STANDARD_ORDER.map(Field::header_ja))
        .unwrap();
    for r in rows {
        w.write_record(r.standard_cells()).unwrap();
    }
    let utf8 = String::from_utf8(w.into_inner().unwrap()).unwrap();
    encoding.encode(&utf8).unwrap().into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn valid_rows_read_back_unchanged(
        rows in prop::collection::vec(valid_row(), 1..20),
        sjis in prop::bool::ANY,
        crlf in prop::bool::ANY,
    ) {
        // Distinct keys: a repeated key is a duplicate by design.
        let mut seen = std::collections::HashSet::new();
        let rows: Vec<RosterRow> = rows
            .into_iter()
            .filter(|r| seen.insert((r.key(), r.number.eligibility_key().to_owned())))
            .collect();
        let mut by_eligibility = std::collections::HashSet::new();
        let rows: Vec<RosterRow> = rows
            .into_iter()
            .filter(|r| by_eligibility.insert((r.insurer.clone(), r.symbol.clone(), r.number.eligibility_key().to_owned(), r.branch.clone())))
            .collect();
        let encoding = if sjis { RosterEncoding::ShiftJis } else { RosterEncoding::Utf8 };
        let bytes = write_csv(&rows, encoding, crlf);
        let out = parse_all(&bytes[..], &ParseOptions::default()).unwrap();
        let rejected: Vec<_> = out.with_problems.iter().filter(|r| r.is_rejected()).collect();
        prop_assert!(rejected.is_empty(), "valid rows rejected: {:?}", rejected);
        prop_assert_eq!(out.rows, rows);
    }

    #[test]
    fn error_line_numbers_are_exact(
        layout in prop::collection::vec((prop::bool::ANY, 0usize..3, prop::bool::ANY), 1..40),
        nl in prop::sample::select(&["\n", "\r\n", "\r"][..]),
        sjis in prop::bool::ANY,
    ) {
        // Each entry: (broken?, blank lines before it, multi-line address?). A lone CR is a
        // line break too (classic Mac files).
        let mut text = Field::STANDARD_ORDER.map(Field::header_ja).join(",") + nl;
        let mut line = 2u64;
        let mut expected = Vec::new();
        for (i, &(broken, blanks, multiline)) in layout.iter().enumerate() {
            for _ in 0..blanks {
                text += nl;
                line += 1;
            }
            if broken {
                expected.push(line);
            }
            let insurer = if broken { "06133426" } else { "06133425" };
            let address = if multiline { format!("\"東京都{nl}港区\"") } else { "東京都港区".into() };
            text += &format!(
                "{insurer},,{},00,山田,ヤマダ,1,1980-01-01,1,本人,,,0,0,1000013,{address}{nl}",
                1000 + i
            );
            line += 1 + u64::from(multiline);
        }
        let encoding = if sjis { RosterEncoding::ShiftJis } else { RosterEncoding::Utf8 };
        let bytes = encoding.encode(&text).unwrap().into_owned();
        let out = parse_all(&bytes[..], &ParseOptions::default()).unwrap();
        let rejected: Vec<u64> = out
            .with_problems
            .iter()
            .filter(|r| r.is_rejected())
            .map(|r| r.row)
            .collect();
        prop_assert_eq!(rejected, expected);
        for r in &out.with_problems {
            for p in &r.problems {
                prop_assert_eq!(p.row, r.row, "every problem carries its record's line");
            }
        }
    }
}

#[test]
fn progress_reaches_the_file_size() {
    let rows: String = (0..10_000)
        .map(|i| format!("06133425,,{i},00,山田,ヤマダ,1,1980-01-01,1,本人,,,0,0,1000013,東京都\n"))
        .collect();
    let bytes = format!(
        "\u{feff}{}\n{rows}",
        Field::STANDARD_ORDER.map(Field::header_ja).join(",")
    );
    let mut seen: Vec<Progress> = Vec::new();
    let reader = RosterReader::new(bytes.as_bytes(), &ParseOptions::default())
        .unwrap()
        .with_total_bytes(bytes.len() as u64)
        .on_progress(|p| seen.push(p));
    assert_eq!(
        reader
            .filter(|r| r.as_ref().unwrap().value.is_some())
            .count(),
        10_000
    );
    assert!(
        seen.len() >= 3,
        "progress is reported during the read, not only at the end"
    );
    assert!(seen.windows(2).all(|w| w[0].bytes_read <= w[1].bytes_read));
    let last = seen.last().unwrap();
    assert_eq!(last.bytes_read, bytes.len() as u64, "the BOM counts too");
    assert_eq!(last.records, 10_000);
}
