//! Roster files: any bytes, in any encoding setting and either layout, never panic; line
//! numbers only grow; accepted rows carry no error; the error report can always be written;
//! a diff of the accepted rows against themselves changes nothing; the parallel reader, cutting
//! the input into blocks of a few bytes, yields exactly what the sequential one does.
#![no_main]

use kencom_domain::EraCodeMap;
use kencom_roster::{
    diff, Field, FixedField, FixedWidthLayout, ParseOptions, ReportScope, ReportWriter,
    RosterEncoding, RosterFormat, RosterReader, Severity,
};
use libfuzzer_sys::fuzz_target;

fn options(selector: u8) -> ParseOptions {
    let encoding = match selector % 3 {
        0 => None,
        1 => Some(RosterEncoding::Utf8),
        _ => Some(RosterEncoding::ShiftJis),
    };
    let format = if selector & 0x10 == 0 {
        RosterFormat::default()
    } else {
        // A compact layout: every field in 4 bytes, so short inputs reach every rule.
        RosterFormat::FixedWidth(FixedWidthLayout {
            record_length: (selector & 0x20 != 0).then_some(64),
            skip_records: usize::from(selector >> 7),
            fields: Field::STANDARD_ORDER
                .iter()
                .enumerate()
                .map(|(i, &field)| FixedField {
                    field,
                    start: i * 4,
                    len: 4,
                })
                .collect(),
        })
    };
    let era_codes = if selector & 0x40 == 0 {
        EraCodeMap::default()
    } else {
        EraCodeMap::odd()
    };
    ParseOptions {
        format,
        encoding,
        era_codes,
    }
}

fuzz_target!(|input: (u8, &[u8])| {
    let (selector, bytes) = input;
    let Ok(mut reader) = RosterReader::new(bytes, &options(selector)) else {
        return;
    };
    let mut records = Vec::new();
    let mut last_row = 0;
    for record in reader.by_ref() {
        let record = record.expect("reading from a slice cannot fail");
        assert!(record.row > last_row, "line numbers must grow");
        last_row = record.row;
        for p in &record.problems {
            assert_eq!(p.row, record.row);
        }
        if record.value.is_some() {
            assert!(record
                .problems
                .iter()
                .all(|p| p.severity != Severity::Error));
        }
        records.push(record);
    }
    assert_eq!(reader.summary().records, records.len() as u64);
    // The same input on two workers, in blocks of 1–64 bytes (fixed width stays sequential).
    let block = 1 + bytes.len() % 64;
    let parallel = RosterReader::new(bytes, &options(selector))
        .expect("the options were accepted above")
        .with_threads_and_block(2, block);
    let parallel: Vec<_> = parallel
        .map(|r| r.expect("reading from a slice cannot fail"))
        .collect();
    assert_eq!(parallel.len(), records.len());
    for (record, expected) in parallel.iter().zip(&records) {
        assert_eq!(record.row, expected.row);
        assert_eq!(record.cells, expected.cells);
        assert_eq!(record.value, expected.value);
        assert_eq!(record.problems, expected.problems);
    }
    let mut report = ReportWriter::new(
        Vec::new(),
        reader.encoding(),
        &reader.column_names(16),
        ReportScope::AllProblems,
    )
    .expect("writing to a Vec cannot fail");
    for r in &records {
        report.write(r).expect("writing to a Vec cannot fail");
    }
    report.finish().expect("writing to a Vec cannot fail");
    let rows: Vec<_> = records.into_iter().filter_map(|r| r.value).collect();
    let d = diff(rows.clone(), rows.clone());
    assert_eq!(
        d.counts.unchanged,
        rows.len() as u64,
        "accepted keys are unique"
    );
});
