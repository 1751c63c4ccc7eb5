//! Turns a byte stream into decoded records, one at a time: CSV through `split` on raw bytes
//! (safe for CP932, whose trail bytes never collide with `,` `"` CR LF), fixed width by byte
//! offsets. Keeps the original cells for the error report; knows nothing of validation.
//! Decodes into the cells it is given, reusing their strings, so a caller that hands the same
//! record back allocates nothing per row.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};

use crate::encoding::{utf8, RosterEncoding};
use crate::error::RosterError;
use crate::field::Field;
use crate::mapping::{ColumnMapping, FixedWidthLayout, RosterFormat};
use crate::split::{Split, Splitter};

/// One decoded cell of a record, borrowed from its [`Cells`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell<'a> {
    /// Decoded text (lossy when `undecodable` is set).
    pub text: &'a str,
    /// The cell's bytes in hex when they were not valid in the file's encoding.
    pub undecodable: Option<&'a str>,
    /// 1-based CSV column, or 1-based byte offset of a fixed-width field.
    pub column: usize,
}

/// Where one cell lies in its record's buffers.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    column: usize,
    /// End of this cell's hex in `Cells::hex`; it starts where the previous cell's ends, so
    /// an empty range means the cell decoded (undecodable bytes are never empty).
    hex_end: usize,
    /// Every character is known to be standard (`classify`): found while decoding, so the
    /// validation need not look again. False means "not known", not "not standard".
    standard: bool,
}

/// A record's cells as decoded. Their text lies in one buffer, one cell after the other, so
/// a record costs the same two allocations whatever its width, reused from row to row, and
/// a line of UTF-8 text becomes its cells with one copy. Why not a `String` per cell: filling
/// sixteen strings per row cost more than the csv crate's whole read, and records handed
/// between threads (see `parallel`) are written and read in a few cache lines.
#[derive(Debug, Clone, Default)]
pub struct Cells {
    text: String,
    hex: String,
    spans: Vec<Span>,
}

impl Cells {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True for a record without cells.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The `i`-th cell (0-based).
    #[inline]
    pub fn get(&self, i: usize) -> Option<Cell<'_>> {
        let span = self.spans.get(i)?;
        let hex_start = match i {
            0 => 0,
            _ => self.spans[i - 1].hex_end,
        };
        Some(Cell {
            text: self.text_of(span),
            undecodable: self.hex_of(hex_start, span.hex_end),
            column: span.column,
        })
    }

    /// The text of a span. Validation asks for a cell a few dozen times per row, so this
    /// skips the bounds and character-boundary checks of `&text[a..b]`.
    #[inline]
    fn text_of(&self, span: &Span) -> &str {
        let (start, end) = (span.start, span.end);
        debug_assert!(self.text.is_char_boundary(start));
        debug_assert!(self.text.is_char_boundary(end));
        debug_assert!(start <= end && end <= self.text.len());
        // SAFETY: spans are only made at character boundaries of `text` and within it: at
        // its length before and after appending (`push_text`, `push_decoded`), at the `,`
        // (ASCII) of a valid line (`set_line`), or where `trim_padding` cut a cell's `str`
        // (`trim_last`); `text` is only cleared together with the spans.
        unsafe { self.text.get_unchecked(start..end) }
    }

    /// The hex of undecodable bytes between two span ends, when not empty.
    fn hex_of(&self, from: usize, to: usize) -> Option<&str> {
        (to > from).then(|| self.hex.get(from..to)).flatten()
    }

    /// The cells in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Cell<'_>> + '_ {
        let mut hex_start = 0;
        self.spans.iter().map(move |span| {
            let from = std::mem::replace(&mut hex_start, span.hex_end);
            Cell {
                text: self.text_of(span),
                undecodable: self.hex_of(from, span.hex_end),
                column: span.column,
            }
        })
    }

    /// True when the `i`-th cell's characters are known to be standard (see `Span`).
    pub(crate) fn known_standard(&self, i: usize) -> bool {
        self.spans.get(i).is_some_and(|s| s.standard)
    }

    /// True when some cell could not be decoded.
    pub(crate) fn any_undecodable(&self) -> bool {
        !self.hex.is_empty()
    }

    /// Cells with the given texts (all decodable), numbered from column 1: for tests and
    /// callers that build a record by hand.
    pub fn from_texts<'t>(texts: impl IntoIterator<Item = &'t str>) -> Self {
        let mut cells = Self::default();
        for (i, t) in texts.into_iter().enumerate() {
            cells.push_text(t, i + 1);
        }
        cells
    }

    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.hex.clear();
        self.spans.clear();
    }

    fn hex_end(&self) -> usize {
        self.spans.last().map_or(0, |s| s.hex_end)
    }

    /// Appends a cell holding `text`.
    pub(crate) fn push_text(&mut self, text: &str, column: usize) {
        let start = self.text.len();
        self.text.push_str(text);
        self.close_cell(start, column, self.hex_end());
    }

    /// Ends the cell whose text was appended from `start` on.
    fn close_cell(&mut self, start: usize, column: usize, hex_end: usize) {
        self.spans.push(Span {
            start,
            end: self.text.len(),
            column,
            hex_end,
            standard: false,
        });
    }

    /// Appends a cell holding `bytes` decoded; undecodable bytes are kept in hex.
    pub(crate) fn push_decoded(&mut self, encoding: RosterEncoding, bytes: &[u8], column: usize) {
        let start = self.text.len();
        let decoded = encoding.decode_into(bytes, &mut self.text);
        let mut hex_end = self.hex_end();
        if !decoded {
            for b in bytes {
                // Writing to a String cannot fail.
                let _ = write!(self.hex, "{b:02X}");
            }
            hex_end = self.hex.len();
        }
        self.close_cell(start, column, hex_end);
    }

    /// Replaces the cells with the fields of one line of text that end at `ends` (each at a
    /// `,`, the last at the end): the line is copied once and the cells are slices of it.
    fn set_line(&mut self, line: &str, ends: &[usize]) {
        self.clear();
        self.text.push_str(line);
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            self.spans.push(Span {
                start,
                end,
                column: i + 1,
                hex_end: 0,
                standard: false,
            });
            start = end + 1;
        }
    }

    /// [`Self::set_line`] for a line of CP932 bytes: decoded in one pass, each field ending
    /// where its `,` landed. False (and the cells emptied) when some byte sequence is not
    /// valid CP932.
    fn set_cp932_line(&mut self, bytes: &[u8], ends: &[usize]) -> bool {
        self.clear();
        let Self { text, spans, .. } = self;
        let mut start = 0;
        let valid = crate::sjis::decode_valid_marking(bytes, ends, text, |end, standard| {
            spans.push(Span {
                start,
                end,
                column: spans.len() + 1,
                hex_end: 0,
                standard,
            });
            start = end + 1;
        });
        if !valid {
            self.clear();
        }
        valid
    }

    /// Trims the padding of the last cell (fixed-width fields).
    fn trim_last(&mut self) {
        if let Some(span) = self.spans.last_mut() {
            let Some(cell) = self.text.get(span.start..span.end) else {
                return;
            };
            let trimmed = trim_padding(cell);
            if trimmed.len() != cell.len() {
                let from = span.start + cell.len() - cell.trim_start_matches(is_padding).len();
                span.start = from;
                span.end = from + trimmed.len();
            }
        }
    }
}

impl PartialEq for Cells {
    /// Cell by cell: how the text is laid out in the buffer does not matter.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && (0..self.len()).all(|i| self.get(i) == other.get(i))
    }
}

impl Eq for Cells {}

/// One record as read, before validation.
#[derive(Debug, Clone)]
pub(crate) struct RawRecord {
    /// 1-based line number of the record's first line.
    pub line: u64,
    /// The encoding the cells were decoded with.
    pub encoding: RosterEncoding,
    /// Cells in file order (CSV columns, or layout fields).
    pub cells: Cells,
}

/// Where each field's cell is in `RawRecord::cells`, plus how many cells a record needs.
#[derive(Debug, Clone)]
pub(crate) struct FieldSlots {
    pub slots: [Option<usize>; 16],
    pub needed_cells: usize,
}

impl FieldSlots {
    pub fn cell<'a>(&self, record: &'a RawRecord, field: Field) -> Option<Cell<'a>> {
        self.cell_in(&record.cells, field)
    }

    /// The cell of `field` among a record's `cells`.
    pub fn cell_in<'a>(&self, cells: &'a Cells, field: Field) -> Option<Cell<'a>> {
        self.slots[field.index()].and_then(|i| cells.get(i))
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

impl Source<std::io::Empty> {
    /// CSV records of one in-memory block (see `Splitter::from_block`).
    pub fn from_block(block: Vec<u8>, first: bool) -> Self {
        Self::Csv {
            splitter: Splitter::from_block(block, first),
        }
    }

    /// The block's buffer back, and the line breaks it held.
    pub fn finish_block(self) -> (Vec<u8>, u64) {
        match self {
            Self::Csv { splitter } => {
                let breaks = splitter.breaks_to_end();
                (splitter.into_buf(), breaks)
            }
            Self::Fixed { .. } => (Vec::new(), 0),
        }
    }
}

impl<R: Read> Source<R> {
    /// The raw input of a CSV source nothing has been read from yet, for the parallel reader.
    pub fn csv_input(&mut self) -> Option<&mut R> {
        match self {
            Self::Csv { splitter } => Some(splitter.inner_mut()),
            Self::Fixed { .. } => None,
        }
    }

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
        let cells = &mut out.cells;
        match self {
            Self::Csv { splitter } => {
                let Some((number, split)) = splitter.next()? else {
                    cells.clear();
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
                            Some(text) => cells.set_line(text, ends),
                            // Shift_JIS: the whole line at once when it is valid CP932 (no
                            // CP932 character contains the byte `,`, so the fields end at the
                            // same commas). Otherwise, or for bytes that are not UTF-8, cell
                            // by cell, so a bad cell is reported on its own.
                            None if encoding == RosterEncoding::ShiftJis
                                && cells.set_cp932_line(bytes, ends) => {}
                            None => {
                                cells.clear();
                                let mut start = 0;
                                for (i, &end) in ends.iter().enumerate() {
                                    cells.push_decoded(encoding, &bytes[start..end], i + 1);
                                    start = end + 1;
                                }
                            }
                        }
                    }
                    Split::Quoted(fields) => {
                        cells.clear();
                        for (i, field) in fields.iter().enumerate() {
                            cells.push_decoded(encoding, field, i + 1);
                        }
                    }
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
                    cells.clear();
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
                cells.clear();
                for f in &layout.fields {
                    let start = f.start.min(buf.len());
                    let end = f.start.saturating_add(f.len).min(buf.len());
                    cells.push_decoded(encoding, &buf[start..end], f.start + 1);
                    cells.trim_last();
                }
                return Ok(true);
            },
        }
    }
}

/// Blanks that pad a value: ASCII space and U+3000 (kanji fields of host exports).
pub(crate) fn trim_padding(s: &str) -> &str {
    // Most values have no padding: a value that neither starts nor ends with a space or a
    // U+3000 is returned without walking its characters. (Kana and many kanji start with the
    // byte E3 too, so the test is on the whole character.)
    const IDEOGRAPHIC_SPACE: &str = "\u{3000}";
    let padded = s.starts_with(' ')
        || s.ends_with(' ')
        || s.starts_with(IDEOGRAPHIC_SPACE)
        || s.ends_with(IDEOGRAPHIC_SPACE);
    if !padded {
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
