//! The streaming entry point: detect the encoding from a prefix, then yield one validated
//! record at a time with progress callbacks. Memory grows only with the duplicate index
//! (16 bytes per row), never with the file: callers keep what they need of each record.
//! `next_record` lends each record and reuses its cells, row strings and problem list for a
//! later one (`read_record` does the same with a record the caller hands back), so a caller
//! that only looks at each record in turn allocates next to nothing per row.

use std::collections::BTreeMap;
use std::io::{Chain, Cursor, Read};

use kencom_domain::EraCodeMap;
use serde::Serialize;

use crate::dupes::{DupKey, KeyIndex, KeyMaker, KeyParts, Seen};
use crate::encoding::{detect, RosterEncoding, DETECT_PREFIX, UTF8_BOM};
use crate::error::RosterError;
use crate::field::Field;
use crate::issue::{RowError, RowProblem, Severity};
use crate::mapping::{ParseOptions, RosterFormat};
use crate::parallel::Parallel;
use crate::row::RosterRow;
use crate::source::{Cells, FieldSlots, RawRecord, Source};
use crate::validate::{validate, Located, Spare};

/// How far the reader has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Bytes of the file consumed so far.
    pub bytes_read: u64,
    /// The file's size, when the caller knows it.
    pub total_bytes: Option<u64>,
    /// Records read so far (header excluded).
    pub records: u64,
}

/// One record after validation. `Default` is an empty record to hand to
/// [`RosterReader::read_record`].
#[derive(Debug, Clone, Default)]
pub struct ParsedRecord {
    /// 1-based line number where the record starts.
    pub row: u64,
    /// The record's cells as decoded (for the error report); lossy where undecodable.
    pub cells: Cells,
    /// The validated row, when no problem is an error.
    pub value: Option<RosterRow>,
    /// Every problem found, errors and warnings.
    pub problems: Vec<RowError>,
    /// The duplicate index's key, when the row's identifiers parse (made where the record
    /// was parsed, so the reading thread need not look at the row's strings).
    pub(crate) key: Option<DupKey>,
}

impl ParsedRecord {
    /// True when the row is rejected.
    pub fn is_rejected(&self) -> bool {
        self.value.is_none()
    }

    /// Empties the record, keeping its cells' room.
    fn clear(&mut self) {
        self.row = 0;
        self.key = None;
        self.cells.clear();
        self.value = None;
        self.problems.clear();
    }
}

/// Counts for the sync status and the summary screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Records read (header excluded).
    pub records: u64,
    /// Records accepted (possibly with warnings).
    pub accepted: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Problems by code (a row with two half-width characters counts two).
    pub by_code: BTreeMap<&'static str, u64>,
}

/// How often the progress callback runs, in records.
const PROGRESS_EVERY: u64 = 4096;

type ProgressFn<'p> = Box<dyn FnMut(Progress) + 'p>;

/// Reads and validates one record at a time: everything the reader does per record except
/// what needs the whole file in order (the duplicate index and the counts). The sequential
/// reader runs one; the parallel reader runs one per worker thread on blocks of the file.
#[derive(Debug)]
pub(crate) struct RecordParser {
    pub encoding: RosterEncoding,
    pub slots: FieldSlots,
    pub era_codes: EraCodeMap,
    /// The next record is the CSV header.
    pub header_pending: bool,
    /// The header's cells, once read.
    pub header: Option<Vec<String>>,
    record: RawRecord,
    scratch: Vec<Located>,
    /// The previous row's strings and identifiers, for `validate` to reuse.
    spare: Spare,
    keys: KeyMaker,
    /// Strings of earlier problems' messages, to write later ones into.
    messages: Vec<String>,
}

impl RecordParser {
    fn new(
        encoding: RosterEncoding,
        slots: FieldSlots,
        era_codes: EraCodeMap,
        keys: KeyMaker,
    ) -> Self {
        Self {
            encoding,
            slots,
            era_codes,
            header_pending: false,
            header: None,
            record: RawRecord {
                line: 0,
                encoding,
                cells: Cells::default(),
            },
            scratch: Vec::new(),
            spare: Spare::default(),
            keys,
            messages: Vec::new(),
        }
    }

    /// A parser with the same settings and nothing read (for a worker thread), numbering
    /// 保険者番号 + 記号 pairs as this one does.
    pub fn fresh(&self) -> Self {
        Self::new(
            self.encoding,
            self.slots.clone(),
            self.era_codes.clone(),
            KeyMaker::sharing(std::sync::Arc::clone(self.keys.families())),
        )
    }

    /// Reads the next record of `source` into `out` (reusing its cells, strings and problem
    /// list) and validates it; `false` at the end. Line numbers count from the start of
    /// `source`.
    pub fn next<S: Read>(
        &mut self,
        source: &mut Source<S>,
        out: &mut ParsedRecord,
    ) -> Result<bool, RosterError> {
        if let Some(row) = out.value.take() {
            self.spare.keep(row);
        }
        // The messages' strings are written again for the next rows' problems: one row in
        // six or so has a warning, and allocating its message (on one thread, freeing it on
        // another) was a tenth of the parallel reader's extra cost.
        self.messages
            .extend(out.problems.drain(..).map(|p| p.message_ja));
        self.record.cells = std::mem::take(&mut out.cells);
        loop {
            if !source.next_record(self.encoding, &mut self.record)? {
                out.row = 0;
                out.key = None;
                out.cells = std::mem::take(&mut self.record.cells);
                return Ok(false);
            }
            if !self.header_pending {
                break;
            }
            self.header_pending = false;
            self.header = Some(
                self.record
                    .cells
                    .iter()
                    .map(|c| c.text.to_owned())
                    .collect(),
            );
        }
        self.scratch.clear();
        let value = validate(
            &self.record,
            &self.slots,
            &self.era_codes,
            &mut self.scratch,
            &mut self.spare,
        );
        out.key = match &value {
            Some(v) => self.keys.key(KeyParts {
                insurer: v.insurer.as_str(),
                symbol: v.symbol.as_str(),
                number: v.number.as_str(),
                eligibility: v.number.eligibility_key(),
                branch: v.branch.as_ref().map(|b| b.as_str()),
            }),
            None => key_of_rejected(&self.slots, &self.record.cells).and_then(
                |(insurer, symbol, number, branch)| {
                    self.keys.key(KeyParts {
                        insurer: &insurer,
                        symbol: &symbol,
                        number: number.as_str(),
                        eligibility: number.eligibility_key(),
                        branch: branch.as_deref(),
                    })
                },
            ),
        };
        let row = self.record.line;
        for l in &self.scratch {
            let message = self.messages.pop().unwrap_or_default();
            out.problems.push(RowError::reusing(
                message, row, l.column, l.field, &l.problem,
            ));
        }
        out.row = row;
        out.cells = std::mem::take(&mut self.record.cells);
        out.value = value;
        Ok(true)
    }
}

/// Streams a roster file: `Iterator<Item = Result<ParsedRecord, RosterError>>`.
pub struct RosterReader<'p, R: Read> {
    source: Source<Chain<Cursor<Vec<u8>>, R>>,
    skipped_bytes: u64,
    parser: RecordParser,
    layout_names: Option<Vec<String>>,
    ledger: Ledger,
    /// What [`Self::next_record`] reads into when the reader is sequential.
    current: ParsedRecord,
    progress: Option<ProgressFn<'p>>,
    total_bytes: Option<u64>,
    /// Worker threads, when asked for and the format allows (CSV).
    parallel: Option<Parallel>,
    /// Bytes of the input behind the records handed out so far, in parallel mode.
    parallel_bytes: u64,
    done: bool,
}

impl<'p, R: Read> std::fmt::Debug for RosterReader<'p, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RosterReader")
            .field("encoding", &self.parser.encoding)
            .field("summary", &self.ledger.summary)
            .finish_non_exhaustive()
    }
}

impl<'p, R: Read> RosterReader<'p, R> {
    /// Reads up to 64 KiB to detect the encoding (unless `options.encoding` overrides it) and
    /// prepares the layout. Fails only on IO or an unusable mapping.
    pub fn new(mut input: R, options: &ParseOptions) -> Result<Self, RosterError> {
        let mut prefix = Vec::with_capacity(DETECT_PREFIX);
        (&mut input)
            .take(DETECT_PREFIX as u64)
            .read_to_end(&mut prefix)?;
        let detected = detect(&prefix);
        let encoding = options.encoding.unwrap_or(detected.encoding);
        // A BOM is skipped whatever the override says: it is never part of a value.
        let skipped_bytes = if prefix.starts_with(UTF8_BOM) {
            prefix.drain(..UTF8_BOM.len());
            UTF8_BOM.len() as u64
        } else {
            0
        };
        let (source, slots) = Source::new(Cursor::new(prefix).chain(input), &options.format)?;
        let mut parser =
            RecordParser::new(encoding, slots, options.era_codes.clone(), KeyMaker::new());
        parser.header_pending = matches!(&options.format, RosterFormat::Csv(m) if m.has_header);
        Ok(Self {
            source,
            skipped_bytes,
            parser,
            layout_names: match &options.format {
                RosterFormat::FixedWidth(l) => Some(
                    l.fields
                        .iter()
                        .map(|f| f.field.header_ja().to_owned())
                        .collect(),
                ),
                RosterFormat::Csv(_) => None,
            },
            ledger: Ledger {
                seen: KeyIndex::new(),
                summary: Summary::default(),
            },
            current: ParsedRecord::default(),
            progress: None,
            total_bytes: None,
            parallel: None,
            parallel_bytes: 0,
            done: false,
        })
    }

    /// The file size, for the progress bar's denominator. Also makes room in the duplicate
    /// index for the rows such a file likely holds (a roster row is rarely under 160 bytes),
    /// so it is not copied as it grows.
    pub fn with_total_bytes(mut self, total: u64) -> Self {
        self.total_bytes = Some(total);
        self.ledger
            .seen
            .reserve(usize::try_from(total / 160).unwrap_or(usize::MAX));
        self
    }

    /// Validates on `threads` threads in all, this one included (CSV only; fixed-width files
    /// and `threads` < 2 stay sequential). The records, their order, line numbers, problems
    /// and the summary are exactly the sequential reader's; progress is reported per block
    /// of the file rather than per record. Call before reading the first record.
    pub fn with_threads(self, threads: usize) -> Self {
        self.with_threads_and_block(threads, crate::parallel::BLOCK)
    }

    /// [`Self::with_threads`] cutting the file into blocks of `block_bytes`: for tests that
    /// need many blocks from a small file.
    #[doc(hidden)]
    pub fn with_threads_and_block(mut self, threads: usize, block_bytes: usize) -> Self {
        let untouched = self.ledger.summary.records == 0 && !self.done && self.parallel.is_none();
        if threads >= 2 && untouched && self.source.csv_input().is_some() {
            self.parallel = Parallel::start(threads, block_bytes, &self.parser);
        }
        self
    }

    /// Called every 4,096 records and once at the end.
    pub fn on_progress(mut self, f: impl FnMut(Progress) + 'p) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// The encoding in use (detected or overridden); the report is written in it.
    pub fn encoding(&self) -> RosterEncoding {
        self.parser.encoding
    }

    /// The header row's cells, once read (CSV with `has_header`).
    pub fn header(&self) -> Option<&[String]> {
        self.parser.header.as_deref()
    }

    /// Names for the report's copy of the record's cells: the CSV header when there is one,
    /// the layout's field names for fixed width, else 列1, 列2 … (`columns` of them).
    pub fn column_names(&self, columns: usize) -> Vec<String> {
        if let Some(h) = &self.parser.header {
            return h.clone();
        }
        if let Some(names) = &self.layout_names {
            return names.clone();
        }
        (1..=columns).map(|i| format!("列{i}")).collect()
    }

    /// Counts so far (final once the iterator is exhausted).
    pub fn summary(&self) -> &Summary {
        &self.ledger.summary
    }

    fn report_progress(&mut self) {
        let consumed = if self.parallel.is_some() {
            self.parallel_bytes
        } else {
            self.source.bytes_read()
        };
        let p = Progress {
            bytes_read: self.skipped_bytes + consumed,
            total_bytes: self.total_bytes,
            records: self.ledger.summary.records,
        };
        if let Some(f) = self.progress.as_mut() {
            f(p);
        }
    }

    /// The next record, or `None` at the end and from then on (also after an error):
    /// exactly what the iterator would yield next (same progress calls, same summary),
    /// lent rather than moved. The cheapest way through a file: nothing is allocated per
    /// row, and on several threads the record is read where its thread wrote it.
    pub fn next_record(&mut self) -> Result<Option<&ParsedRecord>, RosterError> {
        if self.done {
            self.current.clear();
            return Ok(None);
        }
        let next = if self.parallel.is_some() {
            self.advance_parallel()
        } else {
            self.parser.next(&mut self.source, &mut self.current)
        };
        match next {
            Ok(true) => {
                let record = match self.parallel.as_mut() {
                    Some(p) => p.record_mut(),
                    None => Some(&mut self.current),
                };
                let Some(record) = record else {
                    return Ok(None);
                };
                self.ledger.settle(record, &mut self.parser);
                if self.ledger.summary.records.is_multiple_of(PROGRESS_EVERY) {
                    self.report_progress();
                }
                Ok(match self.parallel.as_ref() {
                    Some(p) => p.record(),
                    None => Some(&self.current),
                })
            }
            Ok(false) => {
                self.current.clear();
                self.finish();
                self.report_progress();
                Ok(None)
            }
            Err(e) => {
                self.finish();
                Err(e)
            }
        }
    }

    /// Reads the next record into `record`, reusing its cells, strings and problem list:
    /// what [`Self::next_record`] lends, for a caller that wants to keep the record.
    /// Returns `false`, with the record emptied, at the end and from then on (also after an
    /// error).
    pub fn read_record(&mut self, record: &mut ParsedRecord) -> Result<bool, RosterError> {
        let got = self.next_record()?.is_some();
        // The caller's previous record goes back to the parser, which reuses its strings.
        let lent = match self.parallel.as_mut() {
            Some(p) => p.record_mut(),
            None => Some(&mut self.current),
        };
        match lent {
            Some(lent) if got => std::mem::swap(record, lent),
            _ => record.clear(),
        }
        Ok(got)
    }

    /// No more records: stops the workers now rather than when the reader is dropped.
    fn finish(&mut self) {
        self.done = true;
        if let Some(p) = self.parallel.as_mut() {
            p.stop();
        }
    }

    /// Moves to the next record from the workers, in file order, and makes its line
    /// numbers absolute.
    fn advance_parallel(&mut self) -> Result<bool, RosterError> {
        let Some(par) = self.parallel.as_mut() else {
            return Ok(false);
        };
        loop {
            let step = par.advance()?;
            if let Some(header) = par.take_header() {
                self.parser.header = Some(header);
            }
            if let Some((base, end)) = step {
                if let Some(out) = par.record_mut() {
                    out.row += base;
                    for p in &mut out.problems {
                        p.row += base;
                    }
                }
                self.parallel_bytes = end;
                return Ok(true);
            }
            let Some(input) = self.source.csv_input() else {
                return Ok(false);
            };
            match par.next_batch(input)? {
                Some(header) => {
                    if header.is_some() {
                        self.parser.header = header;
                    }
                }
                None => {
                    self.parallel_bytes = par.consumed();
                    return Ok(false);
                }
            }
        }
    }
}

/// What needs every earlier record, kept by the reading thread: the duplicate index and the
/// counts.
#[derive(Debug)]
struct Ledger {
    seen: KeyIndex,
    summary: Summary,
}

impl Ledger {
    /// Checks `out` for duplicates and counts it. `parser` takes back a row the duplicate
    /// rejects, and says where 番号 is.
    fn settle(&mut self, out: &mut ParsedRecord, parser: &mut RecordParser) {
        if let Some(problem) = self.check_duplicate(out) {
            if problem.severity() == Severity::Error {
                if let Some(row) = out.value.take() {
                    parser.spare.keep(row);
                }
            }
            let column = parser
                .slots
                .cell_in(&out.cells, Field::Number)
                .map(|c| c.column);
            out.problems.push(RowError::new(
                out.row,
                column,
                Some(Field::Number),
                &problem,
            ));
        }
        self.summary.records += 1;
        if out.value.is_some() {
            self.summary.accepted += 1;
        } else {
            self.summary.rejected += 1;
        }
        for p in &out.problems {
            *self.summary.by_code.entry(p.code).or_default() += 1;
        }
    }

    /// Duplicates by 保険者番号 + 記号 + 番号 + 枝番, compared on the eligibility key (番号's
    /// last 7 digits) and then on the full 番号: the same 番号 is a duplicate, a different one
    /// two people the check cannot tell apart. Only rows whose key parsed take part; a row
    /// rejected for another reason still claims its key, so fixing it later does not reveal
    /// a duplicate the admin was never shown.
    fn check_duplicate(&mut self, record: &ParsedRecord) -> Option<RowProblem> {
        let row32 = u32::try_from(record.row).unwrap_or(u32::MAX);
        match self.seen.check(row32, record.key?) {
            Seen::New => None,
            Seen::Duplicate(first) => Some(RowProblem::Duplicate {
                first_row: u64::from(first),
            }),
            Seen::Collision(first) => Some(RowProblem::EligibilityKeyCollision {
                first_row: u64::from(first),
            }),
        }
    }
}

/// The key of a row rejected for another reason, when its identifiers parse.
fn key_of_rejected(
    slots: &FieldSlots,
    cells: &Cells,
) -> Option<(String, String, kencom_domain::CardNumber, Option<String>)> {
    let text = |f: Field| {
        slots
            .cell_in(cells, f)
            .filter(|c| c.undecodable.is_none())
            .map(|c| crate::source::trim_padding(c.text))
    };
    let insurer = kencom_domain::InsurerNumber::parse(text(Field::InsurerNumber)?).ok()?;
    let symbol = kencom_domain::CardSymbol::parse(text(Field::Symbol).unwrap_or("")).ok()?;
    let number = kencom_domain::CardNumber::parse(text(Field::Number)?).ok()?;
    let branch = match text(Field::Branch).unwrap_or("") {
        "" => None,
        b => Some(
            kencom_domain::CardBranch::parse(b)
                .ok()?
                .as_str()
                .to_owned(),
        ),
    };
    Some((
        insurer.as_str().to_owned(),
        symbol.as_str().to_owned(),
        number,
        branch,
    ))
}

impl<R: Read> Iterator for RosterReader<'_, R> {
    type Item = Result<ParsedRecord, RosterError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = ParsedRecord::default();
        match self.read_record(&mut record) {
            Ok(true) => Some(Ok(record)),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Everything a small file yields, collected: for tests and for callers that know the file is
/// small. Large files should iterate [`RosterReader`] and keep only what they need.
#[derive(Debug, Clone, Default)]
pub struct ParseOutcome {
    /// The encoding used.
    pub encoding: Option<RosterEncoding>,
    /// The header row, if any.
    pub header: Option<Vec<String>>,
    /// Accepted rows (warnings allowed).
    pub rows: Vec<RosterRow>,
    /// Every record with at least one problem.
    pub with_problems: Vec<ParsedRecord>,
    /// Counts.
    pub summary: Summary,
}

/// Reads a whole roster into memory. See [`ParseOutcome`].
pub fn parse_all<R: Read>(input: R, options: &ParseOptions) -> Result<ParseOutcome, RosterError> {
    let mut reader = RosterReader::new(input, options)?;
    let mut out = ParseOutcome {
        encoding: Some(reader.encoding()),
        ..ParseOutcome::default()
    };
    for record in reader.by_ref() {
        let mut record = record?;
        if let Some(row) = record.value.take() {
            out.rows.push(row.clone());
            record.value = Some(row);
        }
        if !record.problems.is_empty() {
            out.with_problems.push(record);
        }
    }
    out.header = reader.header().map(<[String]>::to_vec);
    out.summary = reader.summary().clone();
    Ok(out)
}
