//! Turns a byte stream into decoded records, one at a time: CSV through `split` on raw bytes
//! (safe for CP932, whose trail bytes never collide with `,` `"` CR LF), fixed width by byte
//! offsets. Keeps the original cells for the error report; knows nothing of validation.
//! Decodes into the cells it is given, reusing their strings, so a caller that hands the same
//! record back allocates nothing per row.

use std::io::{BufRead, BufReader, Read};

use crate::encoding::{utf8, RosterEncoding};
use crate::error::RosterError;
use crate::field::Field;
use crate::mapping::{ColumnMapping, FixedWidthLayout, RosterFormat};
use crate::split::{Split, Splitter};

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
        splitter: Splitter<R>,
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
            RosterFormat::Csv(mapping) => Ok((
                Self::Csv {
                    splitter: Splitter::new(input),
                },
                csv_slots(mapping)?,
            )),
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
            Self::Csv { splitter, .. } => splitter.bytes_read(),
            Self::Fixed { bytes, .. } => *bytes,
        }
    }

    /// Reads the next record into `out`, reusing its cells; `false` at the end.
    pub fn next_record(
        &mut self,
        encoding: RosterEncoding,
        out: &mut RawRecord,
    ) -> Result<bool, RosterError> {
        out.encoding = encoding;
        let mut cells = CellWriter {
            cells: &mut out.cells,
            len: 0,
        };
        match self {
            Self::Csv { splitter } => {
                let Some((number, split)) = splitter.next()? else {
                    out.cells.clear();
                    return Ok(false);
                };
                out.line = number;
                match split {
                    Split::Plain(bytes, ends) => {
                        let utf8_line = if encoding == RosterEncoding::Utf8 || bytes.is_ascii() {
                            utf8(bytes)
                        } else {
                            None
                        };
                        match utf8_line {
                            // Text already: the cells are slices of it (`,` is ASCII, so
                            // every cut is a character boundary).
                            Some(text) => {
                                fill_cells(&mut out.cells, text, ends);
                                return Ok(true);
                            }
                            // Shift_JIS, or bytes that are not UTF-8: decode cell by cell
                            // (no CP932 character contains the byte `,`), so a bad cell is
                            // reported on its own.
                            None => {
                                let mut start = 0;
                                for &end in ends {
                                    cells.decode(encoding, &bytes[start..end]);
                                    start = end + 1;
                                }
                            }
                        }
                    }
                    Split::Quoted(fields) => {
                        for field in fields.iter() {
                            cells.decode(encoding, field);
                        }
                    }
                }
                cells.finish();
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
                    out.cells.clear();
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
                    let cell = cells.decode(encoding, &buf[start..end]);
                    cell.column = f.start + 1;
                    let len = trim_padding(&cell.text).len();
                    let from = cell.text.len() - cell.text.trim_start_matches(is_padding).len();
                    cell.text.truncate(from + len);
                    cell.text.drain(..from);
                }
                cells.finish();
                return Ok(true);
            },
        }
    }
}

/// The cells of a line of text whose fields end at `ends`, reusing the cells' strings: the
/// common path, kept to one tight loop because it runs for every field of every row.
fn fill_cells(cells: &mut Vec<Cell>, text: &str, ends: &[usize]) {
    cells.truncate(ends.len());
    while cells.len() < ends.len() {
        cells.push(Cell {
            text: String::new(),
            undecodable: None,
            column: 0,
        });
    }
    let mut start = 0;
    for (i, (cell, &end)) in cells.iter_mut().zip(ends).enumerate() {
        cell.text.clear();
        cell.text.push_str(&text[start..end]);
        cell.undecodable = None;
        cell.column = i + 1;
        start = end + 1;
    }
}

/// Fills a record's cells in order, reusing the strings already there.
struct CellWriter<'a> {
    cells: &'a mut Vec<Cell>,
    len: usize,
}

impl CellWriter<'_> {
    /// The next cell, emptied, numbered as the next CSV column.
    fn next(&mut self) -> &mut Cell {
        self.len += 1;
        if self.cells.len() < self.len {
            self.cells.push(Cell {
                text: String::new(),
                undecodable: None,
                column: self.len,
            });
        }
        let cell = &mut self.cells[self.len - 1];
        cell.text.clear();
        cell.undecodable = None;
        cell.column = self.len;
        cell
    }

    /// The next cell holding `bytes` decoded; undecodable bytes are kept in hex.
    fn decode(&mut self, encoding: RosterEncoding, bytes: &[u8]) -> &mut Cell {
        let cell = self.next();
        if !encoding.decode_into(bytes, &mut cell.text) {
            cell.undecodable = Some(bytes.iter().map(|b| format!("{b:02X}")).collect());
        }
        cell
    }

    /// Drops cells left over from a longer earlier record.
    fn finish(self) {
        self.cells.truncate(self.len);
    }
}

/// Blanks that pad a value: ASCII space and U+3000 (kanji fields of host exports).
pub(crate) fn trim_padding(s: &str) -> &str {
    let b = s.as_bytes();
    // Most values have no padding: a value that neither starts nor ends with a space or a
    // U+3000 (E3 80 80) is returned without walking its characters.
    let padded = |edge: Option<&u8>| matches!(edge, Some(b' ' | 0xE3 | 0x80));
    if !padded(b.first()) && !padded(b.last()) {
        return s;
    }
    s.trim_matches(is_padding)
}

fn is_padding(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
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
