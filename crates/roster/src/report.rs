//! The error report the admin saves: one CSV line per reported record with its line number,
//! whether it was rejected, the reasons in Japanese, then the record's original cells. Written
//! in the roster's own encoding (Shift_JIS in → Shift_JIS out) so Excel opens it like the
//! roster. A character the encoding cannot hold is written as U+XXXX and the line says so;
//! cells that were undecodable are written back as their original bytes.

use std::io::Write;

use crate::encoding::{RosterEncoding, UTF8_BOM};
use crate::error::RosterError;
use crate::issue::Severity;
use crate::reader::ParsedRecord;

/// Which records go into the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportScope {
    /// Rejected records only (what must be fixed before re-upload).
    #[default]
    Rejected,
    /// Every record with a problem, warnings included (髙, missing address …).
    AllProblems,
}

/// Note appended to a line in which a character had to be written as U+XXXX.
const SUBSTITUTION_NOTE: &str =
    "（この行には出力文字コードで表せない文字があるため U+XXXX 形式で記載しています）";

/// Writes the error report as a stream.
#[derive(Debug)]
pub struct ReportWriter<W: Write> {
    csv: csv::Writer<W>,
    encoding: RosterEncoding,
    scope: ReportScope,
    written: u64,
}

impl<W: Write> ReportWriter<W> {
    /// Starts a report in `encoding`. `columns` names the record's cells, repeated after the
    /// report's own columns (`RosterReader::column_names`). A UTF-8 report starts with a BOM
    /// because Excel otherwise reads it as Shift_JIS.
    pub fn new(
        mut out: W,
        encoding: RosterEncoding,
        columns: &[String],
        scope: ReportScope,
    ) -> Result<Self, RosterError> {
        if encoding == RosterEncoding::Utf8 {
            out.write_all(UTF8_BOM)?;
        }
        let mut me = Self {
            csv: csv::WriterBuilder::new().flexible(true).from_writer(out),
            encoding,
            scope,
            written: 0,
        };
        let mut cells: Vec<String> = ["行番号", "区分", "理由", "コード"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        cells.extend(columns.iter().cloned());
        me.write_line(cells.iter().map(|s| (s.as_str(), None)))?;
        Ok(me)
    }

    /// Adds `record` if the scope calls for it; returns whether it was written.
    pub fn write(&mut self, record: &ParsedRecord) -> Result<bool, RosterError> {
        let wanted = match self.scope {
            ReportScope::Rejected => record.is_rejected(),
            ReportScope::AllProblems => !record.problems.is_empty(),
        };
        if !wanted {
            return Ok(false);
        }
        let severity = if record.is_rejected() {
            Severity::Error
        } else {
            Severity::Warning
        };
        let reasons = record
            .problems
            .iter()
            .map(|p| p.message_ja.as_str())
            .collect::<Vec<_>>()
            .join("／");
        let codes = record
            .problems
            .iter()
            .map(|p| p.code)
            .collect::<Vec<_>>()
            .join(" ");
        let row = record.row.to_string();
        let lead = [
            (row.as_str(), None),
            (severity.label_ja(), None),
            (reasons.as_str(), None),
            (codes.as_str(), None),
        ];
        let cells = record.cells.iter().map(|c| (c.text, c.undecodable));
        self.write_line(lead.into_iter().chain(cells))?;
        self.written += 1;
        Ok(true)
    }

    /// Records written so far (header excluded).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Flushes and returns the output.
    pub fn finish(self) -> Result<W, RosterError> {
        self.csv
            .into_inner()
            .map_err(|e| RosterError::Io(std::io::Error::other(e.to_string())))
    }

    /// Encodes and writes one line. A cell with original bytes (`Some(hex)`) is written as
    /// those bytes; any other character the encoding lacks becomes U+XXXX plus a note.
    fn write_line<'a>(
        &mut self,
        cells: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Result<(), RosterError> {
        let mut record = csv::ByteRecord::new();
        let mut substituted = false;
        for (text, original_hex) in cells {
            if let Some(bytes) = original_hex.and_then(unhex) {
                record.push_field(&bytes);
                continue;
            }
            let (bytes, subst) = encode_declared(self.encoding, text);
            substituted |= subst;
            record.push_field(&bytes);
        }
        if substituted {
            // Field 3 is the reasons column on data lines; on the header line nothing can be
            // substituted because the report's own column names are all JIS X 0208.
            let mut fields: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
            if let Some(reasons) = fields.get_mut(2) {
                let (note, _) = encode_declared(self.encoding, SUBSTITUTION_NOTE);
                reasons.extend_from_slice(&note);
            }
            record = fields.iter().collect();
        }
        self.csv.write_byte_record(&record)?;
        Ok(())
    }
}

/// `text` in `encoding`, with every unencodable character written as U+XXXX; the flag says
/// whether that happened.
fn encode_declared(encoding: RosterEncoding, text: &str) -> (Vec<u8>, bool) {
    if let Ok(bytes) = encoding.encode(text) {
        return (bytes.into_owned(), false);
    }
    let mut out = Vec::with_capacity(text.len() + 8);
    let mut buf = [0u8; 4];
    for c in text.chars() {
        match encoding.encode(c.encode_utf8(&mut buf)) {
            Ok(b) => out.extend_from_slice(&b),
            Err(_) => out.extend_from_slice(format!("U+{:04X}", u32::from(c)).as_bytes()),
        }
    }
    (out, true)
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unencodable_characters_are_declared_not_mangled() {
        let (bytes, subst) = encode_declared(RosterEncoding::ShiftJis, "𠮷田");
        assert!(subst, "the report must say a character was substituted");
        let text = RosterEncoding::ShiftJis.decode(&bytes).unwrap();
        assert_eq!(text, "U+20BB7田");
        let (_, subst) = encode_declared(RosterEncoding::ShiftJis, "髙橋①");
        assert!(!subst, "CP932 extension characters are written as they are");
    }

    #[test]
    fn a_line_with_a_substitution_says_so() {
        use crate::issue::{RowError, RowProblem};
        use crate::reader::ParsedRecord;
        use crate::source::Cells;
        let problem = RowProblem::Sex {
            value: "𠮷".into()
        };
        let record = ParsedRecord {
            row: 7,
            cells: Cells::from_texts(["𠮷"]),
            value: None,
            problems: vec![RowError::new(7, Some(1), None, &problem)],
            ..ParsedRecord::default()
        };
        let mut w = ReportWriter::new(
            Vec::new(),
            RosterEncoding::ShiftJis,
            &["性別".to_string()],
            ReportScope::Rejected,
        )
        .unwrap();
        assert!(w.write(&record).unwrap());
        let text = RosterEncoding::ShiftJis
            .decode(&w.finish().unwrap())
            .unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(
            line.starts_with("7,エラー（取込不可）,性別「U+20BB7」"),
            "{line}"
        );
        assert!(
            line.contains("U+XXXX 形式で記載"),
            "the substitution must be declared: {line}"
        );
        assert!(line.ends_with(",ROSTER_SEX,U+20BB7"), "{line}");
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex("83FF00"), Some(vec![0x83, 0xFF, 0x00]));
        assert_eq!(unhex("8"), None);
    }
}
