//! CSV records out of raw bytes, split exactly as the csv crate splits them with the settings
//! this crate used (csv-core's RFC 4180 dialect: `,` separates, `"` quotes at the start of a
//! field with `""` for a quote, CR, LF or CR LF ends a record, blank lines are skipped, a UTF-8
//! BOM at the very start is dropped, records may have any number of fields). Why not the csv
//! crate itself: it copies every field into a `ByteRecord` byte by byte through its state
//! machine, which alone cost as much as the whole validation. Here a record without any `"`
//! — nearly every line of a real roster — is found with a word-at-a-time scan for its line
//! break and handed out as one slice, so the decoder converts the line in one call and splits
//! the text; only records with a quote take the byte-at-a-time state machine (csv-core's,
//! transcribed). Also numbers lines exactly: LF, CR LF and a lone CR each end one, including
//! the ones inside quoted fields and blank lines. The tests below compare both paths with the
//! csv crate on arbitrary input read in arbitrary pieces.

use std::io::{self, Read};

use crate::encoding::UTF8_BOM;

/// First read size; the buffer only grows for a record longer than it.
const INITIAL_BUFFER: usize = 128 * 1024;

/// One record, borrowed from the splitter until the next call.
#[derive(Debug)]
pub(crate) enum Split<'a> {
    /// A record with no `"` in it: its bytes (without the line break), and where each of
    /// its fields ends (at every `,`, and at the end).
    Plain(&'a [u8], &'a [usize]),
    /// A record with a quote somewhere: its fields, unquoted and unescaped.
    Quoted(QuotedFields<'a>),
}

/// The fields of a quoted record, as csv-core writes them: the bytes of all fields in a row
/// and where each one ends.
#[derive(Debug)]
pub(crate) struct QuotedFields<'a> {
    data: &'a [u8],
    ends: &'a [usize],
}

impl<'a> QuotedFields<'a> {
    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        let data = self.data;
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let field = &data[start..end];
            start = end;
            field
        })
    }
}

/// csv-core's NFA states that a record passes through once it has started (the others only
/// sit between records, which `Splitter::next` handles directly).
#[derive(Clone, Copy)]
pub(crate) enum State {
    StartField,
    InField,
    InQuotedField,
    /// After a `"` inside a quoted field: `"` again is a literal quote, anything else ends
    /// the quoting (and what follows is copied, as csv-core does).
    InDoubleEscapedQuote,
}

/// What one byte does to a record being split.
pub(crate) enum Step {
    /// The record goes on in this state, with this byte of field data, if any.
    Data(State, Option<u8>),
    /// A `,`: the field ends, the next one starts.
    FieldEnd,
    /// A CR or LF outside quotes: the record ends.
    RecordEnd,
}

impl State {
    /// csv-core's transition for byte `b`: the one place the quoting rules live (the
    /// splitter and the parallel reader's block cuts both follow it).
    pub(crate) fn step(self, b: u8) -> Step {
        use State::*;
        match (self, b) {
            (InQuotedField, b'"') => Step::Data(InDoubleEscapedQuote, None),
            (InQuotedField, _) => Step::Data(InQuotedField, Some(b)),
            (StartField, b'"') => Step::Data(InQuotedField, None),
            (InDoubleEscapedQuote, b'"') => Step::Data(InQuotedField, Some(b'"')),
            (_, b',') => Step::FieldEnd,
            (_, b'\r' | b'\n') => Step::RecordEnd,
            (_, _) => Step::Data(InField, Some(b)),
        }
    }
}

/// Splits a byte stream into CSV records. See the module comment for the dialect.
pub(crate) struct Splitter<R> {
    inner: R,
    buf: Vec<u8>,
    /// First byte of `buf` not consumed yet.
    start: usize,
    /// End of the data read into `buf`.
    end: usize,
    eof: bool,
    /// Stream offset of `buf[0]`.
    offset: u64,
    /// Line breaks consumed so far (a CR is counted once the next byte shows it is not the
    /// first half of a CR LF).
    breaks: u64,
    pending_cr: bool,
    bom_checked: bool,
    /// The `,` of the current plain record, found by the same scan as its end.
    commas: Vec<usize>,
    fields: Vec<u8>,
    ends: Vec<usize>,
}

impl Splitter<io::Empty> {
    /// A splitter over one block of whole records already in memory (the parallel reader's
    /// workers): it reads nothing and copies nothing. Only the file's first block looks for
    /// a second BOM, as the splitter of the whole file would.
    pub fn from_block(block: Vec<u8>, first: bool) -> Self {
        let end = block.len();
        Self {
            buf: block,
            end,
            eof: true,
            bom_checked: !first,
            ..Self::new(io::empty())
        }
    }
}

impl<R> Splitter<R> {
    /// Line breaks in everything consumed, counting a CR at the very end as a line break of
    /// its own (a block is only ever cut after a CR that no LF follows).
    pub fn breaks_to_end(&self) -> u64 {
        self.breaks + u64::from(self.pending_cr)
    }

    /// The buffer, for the next block.
    pub fn into_buf(self) -> Vec<u8> {
        self.buf
    }

    /// The input, for a caller that reads it in blocks instead (before any record is read).
    pub fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }
}

impl<R: Read> Splitter<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            offset: 0,
            breaks: 0,
            pending_cr: false,
            bom_checked: false,
            commas: Vec::new(),
            fields: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Bytes consumed: everything up to and including the first byte of the line break that
    /// ended the last record (what the csv crate's `position().byte()` said).
    pub fn bytes_read(&self) -> u64 {
        self.offset + self.start as u64
    }

    /// The next record with the 1-based line it starts on, or `None` at the end.
    pub fn next(&mut self) -> io::Result<Option<(u64, Split<'_>)>> {
        if !self.bom_checked {
            // csv-core drops a BOM at the start of its first buffer; the caller has already
            // dropped one, so this is a second (and csv-core only ever looked once).
            while self.end - self.start < UTF8_BOM.len() && !self.eof {
                self.fill()?;
            }
            if self.buf[self.start..self.end].starts_with(UTF8_BOM) {
                self.start += UTF8_BOM.len();
            }
            self.bom_checked = true;
        }
        loop {
            // Line breaks between records: blank lines and the LF of a CR LF.
            while self.start < self.end {
                let b = self.buf[self.start];
                if b != b'\r' && b != b'\n' {
                    break;
                }
                self.note(b);
                self.start += 1;
            }
            if self.start == self.end {
                if self.eof {
                    return Ok(None);
                }
                self.fill()?;
                continue;
            }
            // The record's first byte settles a pending CR.
            self.note(self.buf[self.start]);
            let line = self.breaks + 1;
            let data = &self.buf[self.start..self.end];
            self.commas.clear();
            match find_break_or_quote(data, &mut self.commas) {
                Some(i) if data[i] != b'"' => {
                    let (from, to) = (self.start, self.start + i);
                    let terminator = data[i];
                    self.note(terminator);
                    self.start = to + 1;
                    self.commas.push(to - from);
                    let plain = Split::Plain(&self.buf[from..to], &self.commas);
                    return Ok(Some((line, plain)));
                }
                None if self.eof => {
                    let (from, to) = (self.start, self.end);
                    self.start = self.end;
                    self.commas.push(to - from);
                    let plain = Split::Plain(&self.buf[from..to], &self.commas);
                    return Ok(Some((line, plain)));
                }
                None => self.fill()?,
                Some(_) => {
                    if let Some(len) = self.quoted() {
                        for i in self.start..self.start + len {
                            self.note(self.buf[i]);
                        }
                        self.start += len;
                        let fields = QuotedFields {
                            data: &self.fields,
                            ends: &self.ends,
                        };
                        return Ok(Some((line, Split::Quoted(fields))));
                    }
                    self.fill()?;
                }
            }
        }
    }

    /// Runs csv-core's state machine over the record at `start` into `fields`/`ends`.
    /// Returns the bytes it consumed (through the first byte of the line break), or `None`
    /// when the buffered data ends inside the record and more can be read.
    fn quoted(&mut self) -> Option<usize> {
        self.fields.clear();
        self.ends.clear();
        let data = &self.buf[self.start..self.end];
        let mut state = State::StartField;
        for (i, &b) in data.iter().enumerate() {
            state = match state.step(b) {
                Step::Data(next, byte) => {
                    self.fields.extend(byte);
                    next
                }
                Step::FieldEnd => {
                    self.ends.push(self.fields.len());
                    State::StartField
                }
                Step::RecordEnd => {
                    self.ends.push(self.fields.len());
                    return Some(i + 1);
                }
            };
        }
        if self.eof {
            // The end of the input ends the record, even inside quotes.
            self.ends.push(self.fields.len());
            return Some(data.len());
        }
        None
    }

    /// Counts line breaks the way the line numbers are defined: LF, CR LF, lone CR.
    fn note(&mut self, b: u8) {
        match b {
            b'\n' => {
                self.breaks += 1;
                self.pending_cr = false;
            }
            b'\r' => {
                self.breaks += u64::from(self.pending_cr);
                self.pending_cr = true;
            }
            _ => {
                self.breaks += u64::from(self.pending_cr);
                self.pending_cr = false;
            }
        }
    }

    /// Moves the unconsumed bytes to the front and reads until the buffer is full (or the
    /// input ends), doubling the buffer when a single record fills it. Reading until full
    /// matters: a record is scanned again from its start after each fill, so a long quoted
    /// field arriving in small reads would otherwise be scanned once per read.
    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.offset += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grow = self.buf.len().max(INITIAL_BUFFER);
            self.buf.resize(self.buf.len() + grow, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    if self.end == self.buf.len() {
                        return Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// The high bit of every zero byte of `x`, and only those (no borrow between bytes: each
/// byte's low seven bits plus 0x7F stay below 0x100).
fn exact_zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Index of the first CR, LF or `"`; appends the offset of every `,` before it to `commas`
/// on the way (the fields of a line without quotes lie between them, and looking for them in
/// the same pass costs less than a second one). Sixteen bytes at a time with SSE2 (part of
/// every x86-64 CPU), then eight at a time for the rest and on other CPUs.
fn find_break_or_quote(data: &[u8], commas: &mut Vec<usize>) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    let scanned = match sse2_scan(data, commas) {
        (Some(found), _) => return Some(found),
        (None, scanned) => scanned,
    };
    #[cfg(not(target_arch = "x86_64"))]
    let scanned = 0;
    find_break_or_quote_words(&data[scanned..], commas, scanned)
}

/// The SSE2 part of [`find_break_or_quote`]: whole 16-byte chunks only. Returns the index
/// found, or how many bytes it scanned without finding one.
#[cfg(target_arch = "x86_64")]
fn sse2_scan(data: &[u8], commas: &mut Vec<usize>) -> (Option<usize>, usize) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut at = 0;
    // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions exist on every CPU
    // this code is compiled for; each load reads 16 bytes that `chunks_exact` guarantees are
    // inside `data`, and `loadu` has no alignment requirement.
    unsafe {
        let cr = _mm_set1_epi8(b'\r' as i8);
        let lf = _mm_set1_epi8(b'\n' as i8);
        let quote = _mm_set1_epi8(b'"' as i8);
        let comma = _mm_set1_epi8(b',' as i8);
        for chunk in data.chunks_exact(16) {
            let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            let special = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)),
                _mm_cmpeq_epi8(v, quote),
            );
            // movemask sets the low 16 bits only: the casts keep every bit.
            let special = _mm_movemask_epi8(special) as u32;
            let mut found = _mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) as u32;
            if special != 0 {
                found &= (1u32 << special.trailing_zeros()) - 1;
            }
            while found != 0 {
                commas.push(at + found.trailing_zeros() as usize);
                found &= found - 1;
            }
            if special != 0 {
                return (Some(at + special.trailing_zeros() as usize), at);
            }
            at += 16;
        }
    }
    (None, at)
}

/// The word-at-a-time scan: [`find_break_or_quote`] over `data`, whose offsets count from
/// `base`.
fn find_break_or_quote_words(data: &[u8], commas: &mut Vec<usize>, base: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const COMMAS: u64 = ONES * 0x2C;
    // The lowest flagged byte of `zero_bytes` is exactly the first zero byte (bits above it
    // may be false positives, which `trailing_zeros` never looks at).
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut chunks = data.chunks_exact(8);
    let mut at = base;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let specials = zero_bytes(w ^ (ONES * u64::from(b'\r')))
            | zero_bytes(w ^ (ONES * u64::from(b'\n')))
            | zero_bytes(w ^ (ONES * u64::from(b'"')));
        let mut found = exact_zero_bytes(w ^ COMMAS);
        if specials != 0 {
            // Only the commas below the first special byte belong to this record.
            found &= (1u64 << specials.trailing_zeros()) - 1;
        }
        while found != 0 {
            commas.push(at + (found.trailing_zeros() / 8) as usize);
            found &= found - 1;
        }
        if specials != 0 {
            return Some(at + (specials.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        match b {
            b'\r' | b'\n' | b'"' => return Some(at + i),
            b',' => commas.push(at + i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Hands out the input a few bytes at a time, so records straddle every buffer boundary.
    struct Trickle<'a> {
        data: &'a [u8],
        sizes: Vec<usize>,
        turn: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let size = self.sizes[self.turn % self.sizes.len()];
            self.turn += 1;
            let n = size.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// (line, fields) of every record, by the splitter.
    fn ours(data: &[u8], sizes: Vec<usize>) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut splitter = Splitter::new(Trickle {
            data,
            sizes,
            turn: 0,
        });
        let mut out = Vec::new();
        while let Some((line, split)) = splitter.next().unwrap() {
            let fields = match split {
                Split::Plain(bytes, ends) => {
                    let mut start = 0;
                    let mut fields = Vec::new();
                    for &end in ends {
                        fields.push(bytes[start..end].to_vec());
                        start = end + 1;
                    }
                    fields
                }
                Split::Quoted(fields) => fields.iter().map(<[u8]>::to_vec).collect(),
            };
            out.push((line, fields));
        }
        assert_eq!(
            splitter.bytes_read(),
            data.len() as u64,
            "everything consumed"
        );
        out
    }

    /// (line, fields) of every record, by the csv crate as this crate used to configure it;
    /// the line is 1 + the line breaks (LF, CR LF, lone CR) before the record's first byte.
    fn reference(data: &[u8]) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let mut first = record.position().unwrap().byte() as usize;
            if first == 0 && data.starts_with(UTF8_BOM) {
                first = UTF8_BOM.len();
            }
            while matches!(data.get(first), Some(b'\r' | b'\n')) {
                first += 1;
            }
            let before = &data[..first];
            let breaks = before.iter().filter(|&&b| b == b'\n').count()
                + before
                    .windows(2)
                    .filter(|w| w[0] == b'\r' && w[1] != b'\n')
                    .count()
                + usize::from(before.last() == Some(&b'\r'));
            out.push((
                breaks as u64 + 1,
                record.iter().map(<[u8]>::to_vec).collect(),
            ));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any bytes, any read sizes: the same records as the csv crate, on the right lines.
        #[test]
        fn splits_exactly_as_the_csv_crate(
            data in prop::collection::vec(
                prop::sample::select(&[b'a', b'a', b'a', b',', b',', b'"', b'\r', b'\n', b' ', 0x83, 0x5C, 0xEF, 0xBB, 0xBF][..]),
                0..120,
            ),
            sizes in prop::collection::vec(1usize..9, 1..5),
        ) {
            prop_assert_eq!(ours(&data, sizes), reference(&data));
        }
    }

    #[test]
    fn long_records_grow_the_buffer() {
        let long = format!(
            "\"{}\r\n{}\",x\r\n{}\n",
            "a".repeat(300_000),
            "b".repeat(200_000),
            "c".repeat(400_000)
        );
        let data = format!("{long}next\r\n");
        assert_eq!(
            ours(data.as_bytes(), vec![70_000]),
            reference(data.as_bytes())
        );
        assert_eq!(ours(data.as_bytes(), vec![70_000]).last().unwrap().0, 4);
        // In small reads too: each fill reads until the buffer is full, so the record is
        // rescanned a few times, not once per read (which would take minutes here).
        assert_eq!(
            ours(data.as_bytes(), vec![1, 7, 3]),
            reference(data.as_bytes())
        );
    }

    #[test]
    fn exact_zero_bytes_has_no_false_positives() {
        for x in [
            0u64,
            1,
            0x0100,
            0x0001_0000_0100,
            0x8000_0000_0000_0001,
            u64::MAX,
            0xFF00_FF00_0101_0000,
        ] {
            let expected: u64 = (0..8)
                .filter(|i| (x >> (i * 8)) & 0xFF == 0)
                .map(|i| 0x80u64 << (i * 8))
                .sum();
            assert_eq!(exact_zero_bytes(x), expected, "{x:#x}");
        }
    }

    #[test]
    fn the_word_scan_finds_the_first_special_byte() {
        for len in 0..40 {
            for pos in 0..=len {
                for special in [b'\r', b'\n', b'"'] {
                    // Bytes that differ from the specials by one bit or by borrow patterns.
                    let mut data: Vec<u8> = (0..len)
                        .map(|i| [0x0C, 0x2C, 0x23, 0x8D, 0x2D, 0x0B, 0x2C, 0x21][i % 8])
                        .collect();
                    let expected = (pos < len).then_some(pos);
                    if pos < len {
                        data[pos] = special;
                        if pos + 1 < len {
                            data[pos + 1] = b'\n';
                        }
                    }
                    let end = expected.unwrap_or(len);
                    let all: Vec<usize> = (0..end).filter(|&i| data[i] == b',').collect();
                    let mut commas = Vec::new();
                    assert_eq!(
                        find_break_or_quote(&data, &mut commas),
                        expected,
                        "len {len} pos {pos}"
                    );
                    assert_eq!(commas, all, "the commas before it, len {len} pos {pos}");
                    // The portable word scan alone (what other CPUs run).
                    let mut commas = Vec::new();
                    assert_eq!(
                        find_break_or_quote_words(&data, &mut commas, 0),
                        expected,
                        "words: len {len} pos {pos}"
                    );
                    assert_eq!(
                        commas, all,
                        "words: the commas before it, len {len} pos {pos}"
                    );
                }
            }
        }
    }
}
