//! Validation of a CSV roster on several threads. Validation costs several times what
//! reading does, and an admin waits while a 1M-row file is checked. The reader's thread cuts
//! the file into blocks of whole records and queues them; worker threads take them, each
//! parsing a whole block into a batch of records. Each runs the sequential
//! reader's own per-record code (`RecordParser`: split, decode, validate) on its block, with
//! line numbers counted from the block's start. The reader hands the blocks out in file
//! order and does the only work that needs every earlier record itself: absolute line
//! numbers, the duplicate index and the summary. The output is therefore the sequential
//! reader's, record for record (`tests/reuse.rs`, and the `roster` fuzz target).
//!
//! Workers take the *newest* block cut, and never the one the reader's thread hands out
//! next. The oldest are thus left to the reader's thread: when the block whose turn has
//! come is still queued, it reads it a record at a time as it hands the records out, into
//! one record that stays in its first-level cache, as the sequential reader does. Parsing
//! into a batch's records costs ~20% more, on one thread too (they were last touched a
//! thousand records earlier); with workers taking the oldest blocks, the reader's thread
//! hardly ever found its next block still queued, and two threads took ~10% longer. When a
//! worker has that block, the reader's thread parses the oldest queued block into a batch
//! rather than wait. So `threads` threads in all are busy, the reader's thread reading about
//! half the blocks on two threads, and less the more its caller does per record.
//!
//! Blocks are cut only where a record ends: after a LF, or after a CR that no LF follows,
//! outside quotes. A block without `"` is cut at its last line break; one with a `"` is
//! scanned with the splitter's state machine to find where its last whole record ends.
//! Memory: two blocks (64 KiB each) and their records per thread, reused. Larger blocks were
//! slower (the records in flight no longer fit the second-level cache).
//!
//! What it buys on the 2-core build machine: docs/benchmarks.md.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Read};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use crate::error::RosterError;
use crate::reader::{ParsedRecord, RecordParser};
use crate::source::Source;
use crate::split::{State, Step};

/// Bytes read per block (a block grows only to hold a record longer than this).
pub(crate) const BLOCK: usize = 64 * 1024;
/// Blocks cut ahead per thread, so a worker never waits for the reader to cut the next one.
const AHEAD: usize = 2;

struct Job {
    block: Vec<u8>,
    /// The file's first block: the only one that may start with a BOM or hold the header.
    first: bool,
    header: bool,
    /// Records to read into (handed back from an earlier batch).
    records: Vec<ParsedRecord>,
    /// Stream offset just past the block.
    end: u64,
}

/// What the reading thread hands out: a worker's batch (and the next record in it), or a
/// block it reads itself, a record at a time.
enum Current {
    Batch(Batch, usize),
    InTurn { source: Source<io::Empty>, end: u64 },
}

struct Batch {
    records: Vec<ParsedRecord>,
    /// How many of `records` hold this block's records (the rest are spares).
    count: usize,
    /// Line breaks in the block: what the next block's line numbers start after.
    breaks: u64,
    header: Option<Vec<String>>,
    block: Vec<u8>,
    end: u64,
    failed: Option<String>,
}

/// Blocks cut and not yet taken by a thread, in file order, and whether more will come.
struct Queue {
    jobs: VecDeque<(usize, Job)>,
    closed: bool,
    /// The block the reading thread hands out next: workers never take it (see `work`).
    next_out: usize,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when a job is queued or the queue is closed.
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A worker that panicked mid-block leaves the queue itself consistent.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The reader's side of the workers.
pub(crate) struct Parallel {
    shared: Arc<Shared>,
    results: Receiver<(usize, Batch)>,
    handles: Vec<JoinHandle<()>>,
    /// The reading thread's own parser: it takes a block from the queue itself whenever the
    /// block it must hand out next is not ready, so it never waits while there is work, and
    /// it parses less the more its caller does with each record.
    local: RecordParser,
    /// Batches finished ahead of their turn, by block number.
    finished: BTreeMap<usize, Batch>,
    /// Blocks cut and blocks taken back (block numbers count from 0 in file order).
    dispatched: usize,
    collected: usize,
    /// The input is exhausted and its last block cut.
    input_done: bool,
    /// Bytes read after the last cut: the start of the next block.
    carry: Vec<u8>,
    /// Stream offset of the end of the last block cut.
    sent_to: u64,
    free_blocks: Vec<Vec<u8>>,
    free_records: Vec<Vec<ParsedRecord>>,
    /// The block being handed out.
    current: Option<Current>,
    /// The record a block read in turn ([`Current::InTurn`]) is read into.
    in_turn: ParsedRecord,
    /// Line breaks before the current batch's block.
    base_line: u64,
    header: bool,
    /// Bytes read per block.
    block_size: usize,
}

impl std::fmt::Debug for Parallel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parallel")
            .field("workers", &self.handles.len())
            .field("dispatched", &self.dispatched)
            .finish_non_exhaustive()
    }
}

impl Parallel {
    /// Starts `threads - 1` workers (the calling thread is the last), each with a fresh copy
    /// of `parser`'s settings. `None` when the system refuses a thread (the reader then
    /// stays sequential).
    pub fn start(threads: usize, block_size: usize, parser: &RecordParser) -> Option<Self> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                jobs: VecDeque::new(),
                closed: false,
                next_out: 0,
            }),
            ready: Condvar::new(),
        });
        let (batch_tx, results) = channel();
        let mut me = Self {
            shared: Arc::clone(&shared),
            results,
            handles: Vec::with_capacity(threads),
            local: parser.fresh(),
            finished: BTreeMap::new(),
            dispatched: 0,
            collected: 0,
            input_done: false,
            carry: Vec::new(),
            sent_to: 0,
            free_blocks: Vec::new(),
            free_records: Vec::new(),
            current: None,
            in_turn: ParsedRecord::default(),
            base_line: 0,
            header: parser.header_pending,
            block_size: block_size.max(1),
        };
        for i in 1..threads {
            let worker_parser = parser.fresh();
            let shared = Arc::clone(&shared);
            let tx = batch_tx.clone();
            let handle = std::thread::Builder::new()
                .name(format!("roster-{i}"))
                .spawn(move || work(worker_parser, &shared, &tx))
                .ok()?;
            me.handles.push(handle);
        }
        Some(me)
    }

    /// Moves on to the next record of the current block; returns the line breaks before
    /// its block and the stream offset past its block, or `None` when the block is used up
    /// (it is then recycled). A worker's record stays where its thread wrote it
    /// ([`Self::record`]): the reading thread reads it there. A block read in turn is read
    /// one record per call, here.
    pub fn advance(&mut self) -> Result<Option<(u64, u64)>, RosterError> {
        let Some(current) = self.current.as_mut() else {
            return Ok(None);
        };
        match current {
            Current::Batch(batch, next) if *next < batch.count => {
                *next += 1;
                return Ok(Some((self.base_line, batch.end)));
            }
            Current::InTurn { source, end } => {
                if self.local.next(source, &mut self.in_turn)? {
                    return Ok(Some((self.base_line, *end)));
                }
            }
            Current::Batch(..) => {}
        }
        match self.current.take() {
            Some(Current::Batch(batch, _)) => {
                self.base_line += batch.breaks;
                self.free_blocks.push(batch.block);
                self.free_records.push(batch.records);
            }
            Some(Current::InTurn { source, .. }) => {
                let (block, breaks) = source.finish_block();
                self.base_line += breaks;
                self.free_blocks.push(block);
            }
            None => {}
        }
        Ok(None)
    }

    /// The header row, once the block that held it has been read (a block read in turn
    /// meets it on its first call to [`Self::advance`]).
    pub fn take_header(&mut self) -> Option<Vec<String>> {
        self.local.header.take()
    }

    /// The record [`Self::advance`] moved to.
    pub fn record(&self) -> Option<&ParsedRecord> {
        match self.current.as_ref()? {
            Current::Batch(batch, next) => batch.records[..batch.count].get(next.checked_sub(1)?),
            Current::InTurn { .. } => Some(&self.in_turn),
        }
    }

    /// The record [`Self::advance`] moved to, to settle (or to swap out).
    pub fn record_mut(&mut self) -> Option<&mut ParsedRecord> {
        match self.current.as_mut()? {
            Current::Batch(batch, next) => {
                batch.records[..batch.count].get_mut(next.checked_sub(1)?)
            }
            Current::InTurn { .. } => Some(&mut self.in_turn),
        }
    }

    /// Stream bytes cut into blocks so far.
    pub fn consumed(&self) -> u64 {
        self.sent_to
    }

    /// Reads and queues blocks until `AHEAD` per thread are cut and not yet handed out, or
    /// the input ends.
    fn dispatch<R: Read>(&mut self, input: &mut R) -> Result<(), RosterError> {
        let limit = (self.handles.len() + 1) * AHEAD;
        while !self.input_done && self.dispatched - self.collected < limit {
            let mut block = self.free_blocks.pop().unwrap_or_default();
            block.clear();
            block.append(&mut self.carry);
            let first = self.dispatched == 0;
            let cut = loop {
                // A block that holds no whole record yet (a record longer than a block, or a
                // file that is no roster at all: one endless line) doubles, so it is scanned
                // a few times rather than once per block's worth of bytes.
                let more = self.block_size.max(block.len());
                let eof = fill(input, &mut block, more)?;
                if eof {
                    self.input_done = true;
                    break block.len();
                }
                if let Some(cut) = find_cut(&block, first) {
                    break cut;
                }
            };
            self.carry.extend_from_slice(&block[cut..]);
            block.truncate(cut);
            self.sent_to += cut as u64;
            let job = Job {
                block,
                first,
                header: first && self.header,
                records: self.free_records.pop().unwrap_or_default(),
                end: self.sent_to,
            };
            self.shared.lock().jobs.push_back((self.dispatched, job));
            self.shared.ready.notify_one();
            self.dispatched += 1;
        }
        Ok(())
    }

    /// Takes the next block's records back, in file order, cutting more blocks from
    /// `input` as room frees. `Ok(None)` when every block has been taken; otherwise
    /// `Ok(Some(header))`, with the header row when this block held it.
    pub fn next_batch<R: Read>(
        &mut self,
        input: &mut R,
    ) -> Result<Option<Option<Vec<String>>>, RosterError> {
        self.dispatch(input)?;
        if self.collected == self.dispatched {
            return Ok(None);
        }
        let want = self.collected;
        let mut batch = loop {
            while let Ok((seq, batch)) = self.results.try_recv() {
                self.finished.insert(seq, batch);
            }
            if let Some(batch) = self.finished.remove(&want) {
                break batch;
            }
            // Not ready: rather than wait, parse the oldest block no thread has taken.
            let job = self.shared.lock().jobs.pop_front();
            match job {
                // Still waiting its turn: read it in turn, as it is handed out.
                Some((seq, job)) if seq == want => {
                    self.local.header_pending = job.header;
                    self.local.header = None;
                    self.current = Some(Current::InTurn {
                        source: Source::from_block(job.block, job.first),
                        end: job.end,
                    });
                    self.free_records.push(job.records);
                    self.collect();
                    return Ok(Some(None));
                }
                Some((seq, job)) => {
                    let batch = run(&mut self.local, job);
                    self.finished.insert(seq, batch);
                }
                None => {
                    let (seq, batch) = self.results.recv().map_err(|_| stopped())?;
                    self.finished.insert(seq, batch);
                }
            }
        };
        self.collect();
        if let Some(why) = batch.failed.take() {
            return Err(RosterError::Io(io::Error::other(why)));
        }
        let header = batch.header.take();
        self.current = Some(Current::Batch(batch, 0));
        Ok(Some(header))
    }

    /// One more block taken back: the next one is the reading thread's to keep.
    fn collect(&mut self) {
        self.collected += 1;
        self.shared.lock().next_out = self.collected;
    }

    /// Stops the workers and waits for them.
    pub fn stop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_all();
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

impl Drop for Parallel {
    fn drop(&mut self) {
        self.stop();
    }
}

fn stopped() -> RosterError {
    RosterError::Io(io::Error::other("名簿の検証スレッドが停止しました"))
}

/// Reads into `block` until it holds `size` bytes more than it had, or the input ends
/// (returns true). `read_to_end` reads into the vector's spare room without zeroing it
/// first (zeroing each block cost the reading thread as much as copying it in).
fn fill<R: Read>(input: &mut R, block: &mut Vec<u8>, size: usize) -> io::Result<bool> {
    block.reserve(size);
    let got = input.take(size as u64).read_to_end(block)?;
    Ok(got < size)
}

/// Where the last whole record of `block` ends (the block continues in the next read), or
/// `None` when no record ends in it. A cut is after a LF, or after a CR followed by another
/// byte than LF, and never inside a quoted field. The file's first block must also hold a
/// record (not only blank lines), so that its worker meets the header.
fn find_cut(block: &[u8], first: bool) -> Option<usize> {
    let content = if first {
        block.iter().position(|&b| b != b'\r' && b != b'\n')?
    } else {
        0
    };
    let is_cut = |i: usize| match block[i] {
        b'\n' => true,
        b'\r' => block.get(i + 1).is_some_and(|&next| next != b'\n'),
        _ => false,
    };
    // memchr's vector search: the reading thread looks at every byte of the file here.
    let cut = if memchr::memchr(b'"', block).is_some() {
        last_cut_outside_quotes(block, is_cut)
    } else {
        (0..block.len()).rev().find(|&i| is_cut(i)).map(|i| i + 1)
    }?;
    (cut > content).then_some(cut)
}

/// The last cut of `block` outside quotes, by the splitter's own quoting rules
/// (`State::step`): line breaks inside a quoted field do not end the record.
fn last_cut_outside_quotes(block: &[u8], is_cut: impl Fn(usize) -> bool) -> Option<usize> {
    let mut state = State::StartField;
    let mut last = None;
    for (i, &b) in block.iter().enumerate() {
        state = match state.step(b) {
            Step::Data(next, _) => next,
            Step::FieldEnd => State::StartField,
            Step::RecordEnd => {
                if is_cut(i) {
                    last = Some(i + 1);
                }
                State::StartField
            }
        };
    }
    last
}

/// A worker: takes the newest block from the queue, reads its records with its own parser
/// and sends them back numbered, until the queue is closed.
fn work(mut parser: RecordParser, shared: &Shared, results: &Sender<(usize, Batch)>) {
    loop {
        let (seq, job) = {
            let mut queue = shared.lock();
            loop {
                // The newest block, never the one the reading thread hands out next: the
                // oldest are left for it to read in turn.
                let newest = queue.jobs.back().map(|(seq, _)| *seq);
                if newest.is_some_and(|seq| seq != queue.next_out) {
                    if let Some(job) = queue.jobs.pop_back() {
                        break job;
                    }
                }
                if queue.closed {
                    return;
                }
                queue = shared
                    .ready
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        if results.send((seq, run(&mut parser, job))).is_err() {
            return;
        }
    }
}

/// Reads one block's records.
fn run(parser: &mut RecordParser, job: Job) -> Batch {
    parser.header_pending = job.header;
    parser.header = None;
    let mut source = Source::from_block(job.block, job.first);
    let mut records = job.records;
    let mut count = 0;
    let mut failed = None;
    loop {
        if count == records.len() {
            records.push(ParsedRecord::default());
        }
        match parser.next(&mut source, &mut records[count]) {
            Ok(true) => count += 1,
            Ok(false) => break,
            Err(e) => {
                failed = Some(e.to_string());
                break;
            }
        }
    }
    let (block, breaks) = source.finish_block();
    Batch {
        records,
        count,
        breaks,
        header: parser.header.take(),
        block,
        end: job.end,
        failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_after_the_last_line_break_outside_quotes() {
        assert_eq!(find_cut(b"a,b\nc,d\ne", false), Some(8));
        assert_eq!(find_cut(b"a,b\r\nc", false), Some(5));
        // A CR at the very end may be the first half of a CR LF: not a cut yet.
        assert_eq!(find_cut(b"a,b\nc\r", false), Some(4));
        assert_eq!(find_cut(b"a\rb", false), Some(2));
        assert_eq!(find_cut(b"abc", false), None);
        // The break inside the quoted field is data.
        assert_eq!(find_cut(b"a\n\"x\ny\",b", false), Some(2));
        assert_eq!(find_cut(b"a,\"x\"\"\ny\"\nz", false), Some(10));
        // A quote inside an unquoted field is a plain byte.
        assert_eq!(find_cut(b"a\"b\nc", false), Some(4));
        // The first block must hold a record before its cut.
        assert_eq!(find_cut(b"\n\n\r\nab", true), None);
        assert_eq!(find_cut(b"\nab\ncd", true), Some(4));
    }
}
