//! `cargo run --release -p kencom-roster --example bench_roster [-- ROWS]`: the parsing side of
//! `bench roster`. Generates a deterministic roster (1,000,000 rows by default: ~620k insured
//! plus dependents, realistic kanji/kana names, a few 髙/﨑 and half-width mistakes) in UTF-8
//! and Shift_JIS, then times in one run, per encoding:
//!   - ours, streaming: `RosterReader::next_record`, each record lent and its strings reused
//!     (parse + validate, rows/s, peak RSS of the phase; what the desk does),
//!   - ours, on several threads: the same with `RosterReader::with_threads` (by wall time),
//!   - ours, iterator: `RosterReader` as an iterator, a new `ParsedRecord` per row,
//!   - the csv crate merely reading the same file (the issue's ≥ 0.5× goal),
//!   - Python's csv module + the utf-8/cp932 codec (the brief's baseline),
//!
//! and prints the ratios as a Markdown table for docs/benchmarks.md, then one plain line per
//! encoding with the ratio against the goal. The first three run in turn for five rounds and
//! each keeps its best (the build machine is shared). Not a timed test.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use kencom_domain::check_digit;
use kencom_roster::{Field, ParseOptions, RosterEncoding, RosterReader};

const SURNAMES: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("長谷川", "ハセガワ"),
    ("近藤", "コンドウ"),
];
const GIVEN: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("翔太", "ショウタ"),
    ("美咲", "ミサキ"),
    ("健一", "ケンイチ"),
    ("陽菜", "ヒナ"),
    ("大輔", "ダイスケ"),
    ("結衣", "ユイ"),
    ("拓也", "タクヤ"),
    ("さくら", "サクラ"),
    ("直樹", "ナオキ"),
    ("恵子", "ケイコ"),
    ("雄一", "ユウイチ"),
    ("由美", "ユミ"),
    ("翼", "ツバサ"),
    ("千尋", "チヒロ"),
    ("涼介", "リョウスケ"),
    ("彩", "アヤ"),
    ("正", "タダシ"),
    ("京子", "キョウコ"),
];
const PLACES: &[(&str, &str)] = &[
    ("1000013", "東京都千代田区霞が関"),
    ("1600022", "東京都新宿区新宿"),
    ("5300001", "大阪府大阪市北区梅田"),
    ("4600008", "愛知県名古屋市中区栄"),
    ("8120011", "福岡県福岡市博多区博多駅前"),
    ("0600001", "北海道札幌市中央区北一条西"),
    ("2310023", "神奈川県横浜市中区山下町"),
    ("9800021", "宮城県仙台市青葉区中央"),
];
const RELATIONS: &[&str] = &["妻", "夫", "子", "子", "子", "母", "父"];

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn generate(path: &Path, rows: u64, encoding: RosterEncoding) -> std::io::Result<u64> {
    let mut rng = Rng(0x5eed_6b65_6e63_6f6d);
    let body = "0613342";
    let insurer = format!("{body}{}", check_digit(body).unwrap_or(0));
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let header = Field::STANDARD_ORDER.map(Field::header_ja).join(",") + "\r\n";
    let mut write = |line: &str| -> std::io::Result<()> {
        match encoding.encode(line) {
            Ok(bytes) => out.write_all(&bytes),
            Err(c) => Err(std::io::Error::other(format!("unencodable {c}"))),
        }
    };
    write(&header)?;
    let mut written = 0;
    let mut number = 100_000u64;
    while written < rows {
        number += 1;
        let (s_kanji, s_kana) = *rng.pick(SURNAMES);
        let (postal, city) = *rng.pick(PLACES);
        let address = format!(
            "{city}{}丁目{}番{}号",
            1 + rng.below(9),
            1 + rng.below(30),
            1 + rng.below(20)
        );
        let symbol = 100 + rng.below(900);
        let household = 1 + rng.below(3) * u64::from(rng.below(10) < 6);
        for branch in 0..household.min(rows - written) {
            let (g_kanji, g_kana) = *rng.pick(GIVEN);
            let mut kanji = format!("{s_kanji}{g_kanji}");
            let mut kana = format!("{s_kana}{g_kana}");
            // A sprinkle of what real rosters hold: IBM extension kanji, half-width kana.
            match rng.below(1000) {
                0 => kanji = kanji.replacen('高', "髙", 1).replacen('崎', "﨑", 1),
                1 => kana = "ﾔﾏﾀﾞﾀﾛｳ".to_string(),
                _ => {}
            }
            let insured = branch == 0;
            let year = if insured {
                1960 + rng.below(40)
            } else {
                1990 + rng.below(30)
            };
            let birth = format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
            let line = format!(
                "{insurer},{symbol},{number},{branch:02},{kanji},{kana},{},{birth},{},{},{},,{},0,{postal},{address}\r\n",
                1 + rng.below(2),
                if insured { 1 } else { 2 },
                if insured { "本人" } else { rng.pick(RELATIONS) },
                // Qualification from 2015-04-01, or from birth for children born later.
                if year >= 2015 { birth.clone() } else { "2015-04-01".to_string() },
                u8::from(insured && rng.below(100) == 0),
            );
            write(&line)?;
            written += 1;
        }
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// Peak RSS since the last reset, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Resets `VmHWM` so each phase reports its own peak (Linux ≥ 4.0).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

struct Measure {
    rows: u64,
    /// Wall-clock seconds.
    secs: f64,
    /// CPU seconds: the machine is shared, so wall time alone would measure the neighbours.
    cpu: f64,
    peak_mib: Option<f64>,
}

/// CPU time of the whole process so far (every thread, finished ones included), from
/// /proc/self/stat in clock ticks of 10 ms: for the run on several threads.
fn process_cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which may hold spaces) start at ") ".
            let rest = s.rsplit_once(") ")?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

/// CPU time of this thread so far, from /proc/thread-self/schedstat.
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// How the caller takes the records.
#[derive(Clone, Copy)]
enum Api {
    /// `next_record`: each record lent, its strings reused (what the desk's validation does).
    Streaming,
    /// The same on this many threads in all (`RosterReader::with_threads`).
    Threads(usize),
    /// The iterator: a new `ParsedRecord` (cells, row, problems) per row.
    Iterator,
}

fn ours(path: &Path, api: Api) -> Measure {
    reset_peak_rss();
    let start = Instant::now();
    let threads = match api {
        Api::Threads(n) => n,
        _ => 1,
    };
    let cpu_now = if threads > 1 {
        process_cpu_secs
    } else {
        cpu_secs
    };
    let cpu = cpu_now();
    let file = File::open(path).expect("bench file");
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut accepted = 0u64;
    let mut reader = RosterReader::new(file, &ParseOptions::default())
        .expect("standard mapping")
        .with_total_bytes(total)
        .with_threads(threads);
    match api {
        Api::Streaming | Api::Threads(_) => {
            while let Some(record) = reader.next_record().expect("read") {
                if record.value.is_some() {
                    accepted += 1;
                }
            }
        }
        Api::Iterator => {
            for record in reader.by_ref() {
                if record.expect("read").value.is_some() {
                    accepted += 1;
                }
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_now() - cpu;
    let s = reader.summary();
    eprintln!(
        "  ours ({}): wall {secs:.3} s, cpu {cpu:.3} s; {} records, {} accepted, {} rejected ({accepted} counted); by code {:?}",
        match api {
            Api::Streaming => "next_record".to_string(),
            Api::Threads(n) => format!("next_record, {n} threads"),
            Api::Iterator => "iterator".to_string(),
        },
        s.records,
        s.accepted,
        s.rejected,
        s.by_code
    );
    Measure {
        rows: s.records,
        secs,
        cpu,
        peak_mib: peak_rss_mib(),
    }
}

fn csv_only(path: &Path) -> Measure {
    reset_peak_rss();
    let start = Instant::now();
    let cpu = cpu_secs();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(File::open(path).expect("bench file"));
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record).expect("read") {
        rows += 1;
    }
    let (secs, cpu) = (start.elapsed().as_secs_f64(), cpu_secs() - cpu);
    eprintln!("  csv crate: wall {secs:.3} s, cpu {cpu:.3} s; {rows} records");
    Measure {
        rows,
        secs,
        cpu,
        peak_mib: peak_rss_mib(),
    }
}

const PYTHON: &str = "import csv,resource,sys,time
t=time.perf_counter()
c=time.process_time()
n=0
with open(sys.argv[1],encoding=sys.argv[2],newline='') as f:
    r=csv.reader(f)
    next(r)
    for row in r:
        n+=1
print(n,time.perf_counter()-t,time.process_time()-c,resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)";

fn python(path: &Path, encoding: RosterEncoding) -> Option<Measure> {
    let codec = match encoding {
        RosterEncoding::Utf8 => "utf-8",
        RosterEncoding::ShiftJis => "cp932",
    };
    let out = Command::new("python3")
        .args(["-c", PYTHON])
        .arg(path)
        .arg(codec)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut it = text.split_whitespace();
    Some(Measure {
        rows: it.next()?.parse().ok()?,
        secs: it.next()?.parse().ok()?,
        cpu: it.next()?.parse().ok()?,
        peak_mib: it.next()?.parse().ok(),
    })
}

fn fmt_peak(m: &Measure) -> String {
    m.peak_mib.map_or("?".into(), |p| format!("{p:.0} MiB"))
}

fn main() {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("kencom-roster-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // Threads for the parallel run: the machine's cores (ROSTER_BENCH_THREADS overrides).
    let threads: usize = std::env::var("ROSTER_BENCH_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    println!(
        "| encoding | file | ours, next_record, 1 thread | ours, next_record, {threads} threads | ours, iterator | csv crate read only | Python csv + codec | 1 thread ÷ csv crate (CPU) | {threads} threads ÷ csv crate (wall) | iterator ÷ csv crate (CPU) | 1 thread ÷ Python (CPU) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut verdicts = Vec::new();
    for encoding in [RosterEncoding::Utf8, RosterEncoding::ShiftJis] {
        let path = dir.join(format!("roster-{}.csv", encoding.label_ja()));
        let size = generate(&path, rows, encoding).expect("generate");
        eprintln!(
            "{}: {rows} rows, {:.1} MiB",
            encoding.label_ja(),
            size as f64 / 1048576.0
        );
        // The three contenders of the goal run in turn, five rounds; each keeps its best
        // round (the machine is shared: the best is the least disturbed).
        let best = |a: Option<Measure>, b: Measure, by_wall: bool| match a {
            Some(a)
                if (if by_wall {
                    a.secs <= b.secs
                } else {
                    a.cpu <= b.cpu
                }) =>
            {
                Some(a)
            }
            _ => Some(b),
        };
        let (mut streaming, mut parallel, mut base) = (None, None, None);
        for _ in 0..5 {
            streaming = best(streaming, ours(&path, Api::Streaming), false);
            parallel = best(parallel, ours(&path, Api::Threads(threads)), true);
            base = best(base, csv_only(&path), false);
        }
        let (streaming, parallel, base) = (
            streaming.expect("five rounds"),
            parallel.expect("five rounds"),
            base.expect("five rounds"),
        );
        let iterator = ours(&path, Api::Iterator);
        let py = python(&path, encoding);
        for m in [&streaming, &parallel, &iterator] {
            assert_eq!(m.rows, base.rows, "both readers must see every record");
        }
        // Rates by CPU time for one thread (the machine is shared); by wall time for the
        // run on several threads, whose point is to finish sooner.
        let rate = |m: &Measure| m.rows as f64 / m.cpu.max(1e-9);
        let wall_rate = |m: &Measure| m.rows as f64 / m.secs.max(1e-9);
        let cell = |m: &Measure| {
            format!(
                "{:.0} rows/s (cpu {:.2} s, wall {:.2} s, peak {})",
                rate(m),
                m.cpu,
                m.secs,
                fmt_peak(m)
            )
        };
        let wall_cell = |m: &Measure| {
            format!(
                "{:.0} rows/s by wall (wall {:.2} s, cpu {:.2} s, peak {})",
                wall_rate(m),
                m.secs,
                m.cpu,
                fmt_peak(m)
            )
        };
        let vs_csv = rate(&streaming) / rate(&base);
        // The csv crate runs on one thread: its wall time is its CPU time, give or take the
        // neighbours; the better of the two is its fair rate.
        let base_best = rate(&base).max(wall_rate(&base));
        let parallel_vs_csv = wall_rate(&parallel) / base_best;
        let iterator_vs_csv = rate(&iterator) / rate(&base);
        println!(
            "| {} | {:.0} MiB | {} | {} | {} | {} | {} | {:.2}× | {:.2}× | {:.2}× | {} |",
            encoding.label_ja(),
            size as f64 / 1048576.0,
            cell(&streaming),
            wall_cell(&parallel),
            cell(&iterator),
            cell(&base),
            py.as_ref().map_or("python3 unavailable".into(), &cell),
            vs_csv,
            parallel_vs_csv,
            iterator_vs_csv,
            py.as_ref().map_or("?".into(), |p| format!(
                "{:.2}×",
                rate(&streaming) / rate(p)
            )),
        );
        let best_ratio = vs_csv.max(parallel_vs_csv);
        verdicts.push(format!(
            "{}: parse + validate ÷ csv crate read only = {vs_csv:.2}× on one thread (CPU time), \
             {parallel_vs_csv:.2}× on {threads} threads (wall time), {iterator_vs_csv:.2}× with \
             the iterator (goal ≥ 0.50×: {})",
            encoding.label_ja(),
            if best_ratio >= 0.5 { "met" } else { "not met" }
        ));
        // ROSTER_BENCH_KEEP=1 keeps the files for profiling (their paths go to stderr).
        if std::env::var_os("ROSTER_BENCH_KEEP").is_some() {
            eprintln!("kept {}", path.display());
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
    println!();
    for v in verdicts {
        println!("{v}");
    }
    let _ = std::fs::remove_dir(&dir);
}
