//! `RosterReader::read_record` reuses one record's strings from row to row, and keeps an
//! identifier of the previous row when the next row has the same text. Both must be
//! invisible: the same records, problems, summary and progress as the iterator, and an
//! identifier kept only where parsing its text again would give the same value. The
//! parallel reader (worker threads on blocks of the file) must be just as invisible.

use kencom_domain::{CardBranch, CardNumber, CardSymbol, InsurerNumber};
use kencom_roster::{Field, ParseOptions, ParsedRecord, Progress, RosterEncoding, RosterReader};
use proptest::prelude::*;

/// Characters the identifier parsers treat specially: both digit widths, blanks, every dash
/// look-alike, letters of both cases and widths, kana of both widths, circled digits, kanji.
const TRICKY: &[char] = &[
    '0', '1', '7', '９', '０', ' ', '\u{3000}', '\t', '-', '‐', '−', 'ー', 'ｰ', '－', '〜', '～',
    '~', 'a', 'Z', 'ａ', 'Ｚ', 'ｶ', 'ﾞ', 'カ', '①', '㈱', '東', '﨑', '.', '/',
];

fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TRICKY), 0..12).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// What the reader's shortcut relies on: the text of a parsed identifier parses to the
    /// same identifier.
    #[test]
    fn identifier_parsers_map_their_output_to_itself(text in tricky_text(), digits in "[0-9]{1,22}") {
        for input in [text.as_str(), digits.as_str()] {
            if let Ok(v) = InsurerNumber::parse(input) {
                prop_assert_eq!(InsurerNumber::parse(v.as_str()), Ok(v.clone()));
            }
            if let Ok(v) = CardSymbol::parse(input) {
                prop_assert_eq!(CardSymbol::parse(v.as_str()), Ok(v.clone()));
            }
            if let Ok(v) = CardNumber::parse(input) {
                prop_assert_eq!(CardNumber::parse(v.as_str()), Ok(v.clone()));
            }
            if let Ok(v) = CardBranch::parse(input) {
                prop_assert_eq!(CardBranch::parse(v.as_str()), Ok(v.clone()));
            }
        }
    }
}

/// One cell per field, mostly valid, sometimes not, sometimes quoted; rows of varying width.
fn row() -> impl Strategy<Value = String> {
    let pick = |options: &'static [&'static str]| prop::sample::select(options);
    (
        (
            pick(&["06133425", "06133425", "０６１３３４２５", "06133426", ""]),
            pick(&["12", "12", "A1", "", "東京", "ａ－１"]),
            pick(&["3456", "3457", "11234567", "21234567", "12a4", ""]),
            pick(&["00", "01", "", "1"]),
            pick(&["山田太郎", "髙橋①", "", "ﾔﾏﾀﾞ"]),
            pick(&[
                "ヤマダタロウ",
                "ショウ",
                "ヤマダ　タロウ",
                "ﾔﾏﾀﾞ",
                "やまだ",
                "",
            ]),
        ),
        (
            pick(&["1", "2", "男", "3", ""]),
            pick(&["1980-04-01", "S55.4.1", "3550401", "1980-02-30", ""]),
            pick(&["1", "2", "本人", "9"]),
            pick(&["本人", "妻", "", "長男"]),
            pick(&["2002-04-01", "", "1970-01-01"]),
            pick(&["", "2001-04-01"]),
        ),
        (
            pick(&["0", "1", "Y"]),
            pick(&["0", "1"]),
            pick(&["100-0013", "1000013", "", "〒１００－００１３", "10-00013"]),
            pick(&["東京都千代田区", "", "\"東京都,港区\"", "\"大阪\r\n北区\""]),
            0usize..=17,
            prop::bool::ANY,
        ),
    )
        .prop_map(
            |((a, b, c, d, e, f), (g, h, i, j, k, l), (m, n, o, p, width, quote))| {
                let cells = [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, "extra"];
                let width = if width == 0 { 16 } else { width };
                cells[..width]
                    .iter()
                    .map(|c| {
                        if quote && !c.starts_with('"') {
                            format!("\"{c}\"")
                        } else {
                            (*c).to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            },
        )
}

fn read_both(bytes: &[u8]) -> Result<(), TestCaseError> {
    against_the_iterator(bytes, None)
}

/// `read_record` into one reused record, and `next_record` — on `parallel` = (threads, block
/// bytes) when given — against the iterator: the same records, header and summary; the same progress calls
/// (for the parallel reader, which reports per block, the same last one and never going back).
fn against_the_iterator(
    bytes: &[u8],
    parallel: Option<(usize, usize)>,
) -> Result<(), TestCaseError> {
    let total = bytes.len() as u64;
    let mut by_iterator: Vec<Progress> = Vec::new();
    let mut iterator = RosterReader::new(bytes, &ParseOptions::default())
        .unwrap()
        .with_total_bytes(total)
        .on_progress(|p| by_iterator.push(p));
    let expected: Vec<ParsedRecord> = iterator.by_ref().map(Result::unwrap).collect();
    let expected_summary = iterator.summary().clone();
    let expected_header = iterator.header().map(<[String]>::to_vec);
    drop(iterator);

    // Both ways of reading without the iterator: a record handed back each time, and a
    // record lent (`next_record`).
    for lend in [false, true] {
        let mut by_reader: Vec<Progress> = Vec::new();
        let reader = RosterReader::new(bytes, &ParseOptions::default())
            .unwrap()
            .with_total_bytes(total)
            .on_progress(|p| by_reader.push(p));
        let mut reader = match parallel {
            Some((threads, block)) => reader.with_threads_and_block(threads, block),
            None => reader,
        };
        let mut record = ParsedRecord::default();
        let next = |reader: &mut RosterReader<'_, &[u8]>, record: &mut ParsedRecord| {
            if lend {
                let lent = reader.next_record().unwrap().cloned();
                let got = lent.is_some();
                *record = lent.unwrap_or_default();
                got
            } else {
                reader.read_record(record).unwrap()
            }
        };
        for e in &expected {
            prop_assert!(
                next(&mut reader, &mut record),
                "record {} is missing",
                e.row
            );
            prop_assert_eq!(record.row, e.row);
            prop_assert_eq!(&record.cells, &e.cells);
            prop_assert_eq!(&record.value, &e.value);
            prop_assert_eq!(&record.problems, &e.problems);
        }
        prop_assert!(!next(&mut reader, &mut record), "then the end");
        prop_assert!(!next(&mut reader, &mut record), "and it stays there");
        prop_assert_eq!(reader.summary(), &expected_summary);
        prop_assert_eq!(
            reader.header().map(<[String]>::to_vec),
            expected_header.clone()
        );
        drop(reader);
        if parallel.is_some() {
            prop_assert_eq!(
                by_reader.last(),
                by_iterator.last(),
                "the same final progress"
            );
            prop_assert!(by_reader
                .windows(2)
                .all(|w| w[0].bytes_read <= w[1].bytes_read));
        } else {
            prop_assert_eq!(&by_reader, &by_iterator);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any mix of accepted, warned, rejected, short, quoted and duplicate rows: reading into
    /// one reused record gives what the iterator gives.
    #[test]
    fn read_record_yields_what_the_iterator_yields(
        rows in prop::collection::vec(row(), 0..60),
        sjis in prop::bool::ANY,
    ) {
        let header = Field::STANDARD_ORDER.map(Field::header_ja).join(",");
        let text = format!("{header}\r\n{}\r\n", rows.join("\r\n"));
        let encoding = if sjis { RosterEncoding::ShiftJis } else { RosterEncoding::Utf8 };
        read_both(&encoding.encode(&text).unwrap())?;
    }
}

/// A roster of `rows` rows after a header, each ended by `newline`: every 997th row is
/// rejected (a wrong check digit) and every two rows share a 番号 (a duplicate).
fn many_rows(rows: usize, newline: &str) -> String {
    let body: String = (0..rows)
        .map(|i| {
            let insurer = if i % 997 == 0 { "06133426" } else { "06133425" };
            format!(
                "{insurer},,{},00,山田,ヤマダ,1,1980-01-01,1,本人,,,0,0,1000013,東京都{newline}",
                i / 2
            )
        })
        .collect();
    format!(
        "{}{newline}{body}",
        Field::STANDARD_ORDER.map(Field::header_ja).join(",")
    )
}

#[test]
fn progress_matches_over_many_rows() {
    // More than one progress interval (4,096 records), with a rejected row now and then.
    read_both(many_rows(10_000, "\n").as_bytes()).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any rows, any line breaks (LF, CR LF, a lone CR, blank lines), quoted fields with
    /// breaks and commas, with or without BOM and header, in blocks as small as one byte:
    /// the workers' output is the sequential reader's.
    #[test]
    fn the_parallel_reader_yields_what_the_sequential_one_yields(
        rows in prop::collection::vec((row(), 0usize..5), 0..60),
        sjis in prop::bool::ANY,
        bom in prop::bool::ANY,
        header in prop::bool::ANY,
        threads in 2usize..4,
        block in 1usize..300,
    ) {
        let mut text = String::new();
        if bom && !sjis {
            text.push('\u{feff}');
        }
        if header {
            text += &Field::STANDARD_ORDER.map(Field::header_ja).join(",");
            text += "\r\n";
        }
        for (row, ending) in rows {
            text += &row;
            text += ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"][ending];
        }
        let encoding = if sjis { RosterEncoding::ShiftJis } else { RosterEncoding::Utf8 };
        let bytes = encoding.encode(&text).unwrap();
        against_the_iterator(&bytes, Some((threads, block)))?;
    }
}

#[test]
fn the_parallel_reader_matches_over_many_blocks_and_duplicates() {
    // Many blocks of the default size, duplicates across blocks, rejected rows.
    let text = many_rows(40_000, "\r\n");
    against_the_iterator(text.as_bytes(), Some((2, 64 * 1024))).unwrap();
    against_the_iterator(text.as_bytes(), Some((3, 1000))).unwrap();
}

/// A file that breaks after `ok` bytes (a network share going away mid-read).
struct Failing<'a> {
    data: &'a [u8],
    ok: usize,
}

impl std::io::Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.ok == 0 {
            return Err(std::io::Error::other("the share went away"));
        }
        let n = buf.len().min(self.ok).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.ok -= n;
        Ok(n)
    }
}

#[test]
fn a_read_error_ends_the_parallel_reader_with_the_error() {
    let rows: String = (0..20_000)
        .map(|i| format!("06133425,,{i},00,山田,ヤマダ,1,1980-01-01,1,本人,,,0,0,1000013,東京都\n"))
        .collect();
    for ok in [100, 70_000, 300_000, 1_000_000] {
        let input = Failing {
            data: rows.as_bytes(),
            ok,
        };
        // The first 64 KiB are read to detect the encoding: a failure there ends `new`.
        let mut reader = match RosterReader::new(input, &ParseOptions::default()) {
            Ok(reader) => reader.with_threads_and_block(3, 4096),
            Err(e) => {
                assert!(ok < 64 * 1024, "{e}");
                assert_eq!(e.code(), "ROSTER_IO");
                continue;
            }
        };
        let mut record = ParsedRecord::default();
        let mut rows_read = 0;
        let error = loop {
            match reader.read_record(&mut record) {
                Ok(true) => rows_read += 1,
                Ok(false) => panic!("the input never ended cleanly (after {ok} bytes)"),
                Err(e) => break e,
            }
        };
        assert_eq!(error.code(), "ROSTER_IO");
        assert!(error.to_string().contains("the share went away"), "{error}");
        // Only whole records before the failure were handed out, and nothing after it.
        assert!(rows_read * 70 <= ok, "{rows_read} rows from {ok} bytes");
        assert!(
            !reader.read_record(&mut record).unwrap(),
            "the reader stays ended"
        );
    }
}

#[test]
fn records_far_longer_than_a_block_read_the_same() {
    // A quoted address of 2 MiB with line breaks in it, between ordinary rows, cut into
    // blocks of 1 KiB: the block holding it grows until the record ends.
    let long = "東京都\r\n".repeat(2 * 1024 * 1024 / 11);
    let mut text = many_rows(50, "\r\n");
    text +=
        &format!("06133425,,9999,00,山田,ヤマダ,1,1980-01-01,1,本人,,,0,0,1000013,\"{long}\"\r\n");
    text += &many_rows(50, "\n")[..];
    against_the_iterator(text.as_bytes(), Some((2, 1024))).unwrap();
    // And a file that is one endless line (not a roster at all).
    let endless = "x".repeat(3 * 1024 * 1024);
    against_the_iterator(endless.as_bytes(), Some((2, 1024))).unwrap();
}
