//! Turns a byte stream into decoded records, one at a time: CSV through the csv crate on raw
//! bytes (safe for CP932, whose trail bytes never collide with `,` `"` CR LF), fixed width by
//! byte offsets. Keeps the original cells for the error report; knows nothing of validation.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};

use crate::encoding::RosterEncoding;
use crate::error::RosterError;
use crate::field::Field;
use crate::mapping::{ColumnMapping, FixedWidthLayout, RosterFormat};

/// One decoded cell of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Decoded text (lossy when `undecodable` is set).
    pub text: String,
    /// The cell's bytes in hex when they were not valid in the file's encoding.
    pub undecodable: Option<String>,
    /// 1-based CSV column, or 1-based byte offset of a fixed-width field.
    pub column: usize,
}

/// One record as read, before validation.
#[derive(Debug, Clone)]
pub(crate) struct RawRecord {
    /// 1-based line number of the record's first line.
    pub line: u64,
    /// The encoding the cells were decoded with.
    pub encoding: RosterEncoding,
    /// Cells in file order (CSV columns, or layout fields).
    pub cells: Vec<Cell>,
}

/// Where each field's cell is in `RawRecord::cells`, plus how many cells a record needs.
#[derive(Debug, Clone)]
pub(crate) struct FieldSlots {
    pub slots: [Option<usize>; 16],
    pub needed_cells: usize,
}

impl FieldSlots {
    pub fn cell<'a>(&self, record: &'a RawRecord, field: Field) -> Option<&'a Cell> {
        self.slots[field.index()].and_then(|i| record.cells.get(i))
    }
}

pub(crate) enum Source<R: Read> {
    Csv {
        reader: csv::Reader<LineIndex<R>>,
        record: csv::ByteRecord,
        newlines: Arc<Mutex<VecDeque<BreakRun>>>,
        lines_before: u64,
    },
    Fixed {
        reader: BufReader<R>,
        layout: FixedWidthLayout,
        buf: Vec<u8>,
        line: u64,
        bytes: u64,
    },
}

impl<R: Read> Source<R> {
    pub fn new(input: R, format: &RosterFormat) -> Result<(Self, FieldSlots), RosterError> {
        match format {
            RosterFormat::Csv(mapping) => {
                let newlines = Arc::new(Mutex::new(VecDeque::new()));
                let input = LineIndex {
                    inner: input,
                    offset: 0,
                    in_run: false,
                    pending_cr: false,
                    runs: Arc::clone(&newlines),
                };
                Ok((
                    Self::Csv {
                        reader: csv::ReaderBuilder::new()
                            .has_headers(false)
                            .flexible(true)
                            .from_reader(input),
                        record: csv::ByteRecord::new(),
                        newlines,
                        lines_before: 0,
                    },
                    csv_slots(mapping)?,
                ))
            }
            RosterFormat::FixedWidth(layout) => {
                let slots = fixed_slots(layout)?;
                Ok((
                    Self::Fixed {
                        reader: BufReader::with_capacity(64 * 1024, input),
                        layout: layout.clone(),
                        buf: Vec::new(),
                        line: 0,
                        bytes: 0,
                    },
                    slots,
                ))
            }
        }
    }

    /// Bytes consumed so far (excluding anything the caller consumed before).
    pub fn bytes_read(&self) -> u64 {
        match self {
            Self::Csv { reader, .. } => reader.position().byte(),
            Self::Fixed { bytes, .. } => *bytes,
        }
    }

    /// The next record, or `None` at the end.
    pub fn next_record(
        &mut self,
        encoding: RosterEncoding,
        out: &mut RawRecord,
    ) -> Result<bool, RosterError> {
        out.cells.clear();
        out.encoding = encoding;
        match self {
            Self::Csv {
                reader,
                record,
                newlines,
                lines_before,
            } => {
                if !reader.read_byte_record(record)? {
                    return Ok(false);
                }
                let start = record.position().map_or(0, |p| p.byte());
                // The csv crate may place a record's start on the line break before it (the
                // LF of a CR LF, or a skipped blank line); every break run that begins at or
                // before `start` therefore precedes the record's first byte.
                let mut queue = newlines.lock().unwrap_or_else(|e| e.into_inner());
                while queue.front().is_some_and(|run| run.start <= start) {
                    if let Some(run) = queue.pop_front() {
                        *lines_before += run.newlines;
                    }
                }
                out.line = *lines_before + 1;
                for (i, bytes) in record.iter().enumerate() {
                    out.cells.push(decode_cell(encoding, bytes, i + 1));
                }
                Ok(true)
            }
            Self::Fixed {
                reader,
                layout,
                buf,
                line,
                bytes,
            } => loop {
                buf.clear();
                let n = match layout.record_length {
                    None => {
                        *line += 1;
                        reader.read_until(b'\n', buf)?
                    }
                    Some(len) => {
                        *line += 1;
                        reader.by_ref().take(len as u64).read_to_end(buf)?
                    }
                };
                if n == 0 {
                    return Ok(false);
                }
                *bytes += n as u64;
                if layout.record_length.is_none() {
                    while matches!(buf.last(), Some(b'\n' | b'\r')) {
                        buf.pop();
                    }
                }
                // Blank lines and the DOS end-of-file mark are not records.
                if buf.iter().all(|&b| b == 0x1A || b == b' ') {
                    continue;
                }
                if *line <= layout.skip_records as u64 {
                    continue;
                }
                out.line = *line;
                for f in &layout.fields {
                    let start = f.start.min(buf.len());
                    let end = f.start.saturating_add(f.len).min(buf.len());
                    let mut cell = decode_cell(encoding, &buf[start..end], f.start + 1);
                    cell.text = trim_padding(&cell.text).to_string();
                    out.cells.push(cell);
                }
                return Ok(true);
            },
        }
    }
}

/// A maximal run of CR and LF bytes: where it starts and how many LFs (lines) it holds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BreakRun {
    start: u64,
    newlines: u64,
}

/// Records every run of line breaks that passes through, so a record's exact line number can
/// be computed from its start byte. The csv crate's own line counter is off by one after
/// CR LF and blank lines. The queue holds only the csv read-ahead window (8 KiB).
pub(crate) struct LineIndex<R> {
    inner: R,
    offset: u64,
    in_run: bool,
    pending_cr: bool,
    runs: Arc<Mutex<VecDeque<BreakRun>>>,
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        for (i, &b) in buf[..n].iter().enumerate() {
            let is_break = b == b'\n' || b == b'\r';
            if !is_break {
                if self.pending_cr {
                    // A lone CR ends a line too (classic Mac files; the csv crate agrees).
                    if let Some(run) = runs.back_mut() {
                        run.newlines += 1;
                    }
                    self.pending_cr = false;
                }
                self.in_run = false;
                continue;
            }
            if !self.in_run {
                runs.push_back(BreakRun {
                    start: self.offset + i as u64,
                    newlines: 0,
                });
                self.in_run = true;
            }
            if let Some(run) = runs.back_mut() {
                if b == b'\n' {
                    // CR LF is one line break; a CR before another CR was a lone one.
                    run.newlines += 1;
                    self.pending_cr = false;
                } else {
                    run.newlines += u64::from(self.pending_cr);
                    self.pending_cr = true;
                }
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn decode_cell(encoding: RosterEncoding, bytes: &[u8], column: usize) -> Cell {
    match encoding.decode(bytes) {
        Ok(text) => Cell {
            text,
            undecodable: None,
            column,
        },
        Err(lossy) => Cell {
            text: lossy,
            undecodable: Some(bytes.iter().map(|b| format!("{b:02X}")).collect()),
            column,
        },
    }
}

/// Blanks that pad a value: ASCII space and U+3000 (kanji fields of host exports).
pub(crate) fn trim_padding(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\u{3000}')
}

fn csv_slots(mapping: &ColumnMapping) -> Result<FieldSlots, RosterError> {
    let missing = mapping.missing_required();
    if !missing.is_empty() {
        return Err(incomplete(&missing));
    }
    let mut slots = [None; 16];
    for b in &mapping.columns {
        slots[b.field.index()] = Some(b.column);
    }
    let needed_cells = mapping
        .columns
        .iter()
        .map(|b| b.column + 1)
        .max()
        .unwrap_or(0);
    Ok(FieldSlots {
        slots,
        needed_cells,
    })
}

fn fixed_slots(layout: &FixedWidthLayout) -> Result<FieldSlots, RosterError> {
    let missing = layout.missing_required();
    if !missing.is_empty() {
        return Err(incomplete(&missing));
    }
    let mut slots = [None; 16];
    for (i, f) in layout.fields.iter().enumerate() {
        if f.len == 0 {
            return Err(RosterError::LayoutInvalid {
                reason: format!("{}の長さが0です", f.field.header_ja()),
            });
        }
        if let Some(len) = layout.record_length {
            if f.start.saturating_add(f.len) > len {
                return Err(RosterError::LayoutInvalid {
                    reason: format!(
                        "{}がレコード長{len}バイトを超えています",
                        f.field.header_ja()
                    ),
                });
            }
        }
        slots[f.field.index()] = Some(i);
    }
    Ok(FieldSlots {
        slots,
        needed_cells: layout.fields.len(),
    })
}

fn incomplete(missing: &[Field]) -> RosterError {
    RosterError::MappingIncomplete {
        missing: missing
            .iter()
            .map(|f| f.header_ja())
            .collect::<Vec<_>>()
            .join("、"),
    }
}
