//! `cargo run --release -p kencom-central --example bench_import [-- ROWS]`: the import side of
//! `cargo xtask bench roster` (issue 6). On a generated roster CSV (1,000,000 rows by
//! default, the standard layout, UTF-8), in one run:
//!   - the desk's part: `kencom-roster` parse + validate into wire rows (for reference),
//!   - ours: the server's upload path (every chunk validated and stored, as
//!     `PUT /roster-uploads/{id}/chunks/{seq}` does) and `apply`, the same flow functions the
//!     HTTP handlers call, into a fresh central database (then the staged chunks are
//!     dropped in their own transaction, as the handler does; timed apart),
//!   - the diff of the same roster re-sent against the now populated central roster: the
//!     first page (computes the diff and keeps it in the store, as `GET …/diff` does) and a
//!     second page (served from the kept diff),
//!   - the baseline: the `sqlite3` shell's `.import` of the same CSV into a staging table plus
//!     one `INSERT … SELECT` into `roster_members` of a database migrated to the same schema
//!     (same table, same indexes, same FTS triggers), same pragmas,
//!
//! and prints rows/s, the ratios against the goals (import ≥ 1.5× `.import`; import + diff
//! ≤ 1.5× the `.import` time) and each phase's peak RSS (VmHWM reset before the phase, next
//! to the RSS it started from: the bench itself holds every wire row) as Markdown for
//! docs/benchmarks.md. Not a timed test.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use kencom_api::roster::{
    RosterDiffQuery, RosterRelationship, RosterRowWire, RosterSex, RosterUploadRequest,
    MAX_CHUNK_ROWS,
};
use kencom_central::flows::roster_diff_cache::DiffAnswer;
use kencom_central::flows::roster_sync;
use kencom_central::store::operators::OperatorRow;
use kencom_central::store::sqlite::SqliteStore;
use kencom_central::store::{Mode, Scope};
use kencom_domain::check_digit;
use kencom_roster::{Field, ParseOptions, Relationship, RosterReader, RosterRow, Sex};

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
    ("長谷川", "ハセガワ"),
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
    ("涼介", "リョウスケ"),
    ("京子", "キョウコ"),
];
const PLACES: &[(&str, &str)] = &[
    ("1000013", "東京都千代田区霞が関"),
    ("1600022", "東京都新宿区新宿"),
    ("5300001", "大阪府大阪市北区梅田"),
    ("4600008", "愛知県名古屋市中区栄"),
    ("8120011", "福岡県福岡市博多区博多駅前"),
];
const RELATIONS: &[&str] = &["妻", "夫", "子", "子", "母"];

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

fn insurer_number() -> String {
    let body = "0613342";
    format!("{body}{}", check_digit(body).unwrap_or(0))
}

/// A valid roster in the standard layout: households of 1–3 (本人 + dependents).
fn generate(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut rng = Rng(0x5eed_6b65_6e63_6f6d);
    let insurer = insurer_number();
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(
        out,
        "{}\r",
        Field::STANDARD_ORDER.map(Field::header_ja).join(",")
    )?;
    let (mut written, mut number) = (0u64, 100_000u64);
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
        let household = 1 + rng.below(3);
        for branch in 0..household.min(rows - written) {
            let (g_kanji, g_kana) = *rng.pick(GIVEN);
            let insured = branch == 0;
            let year = if insured {
                1960 + rng.below(40)
            } else {
                1990 + rng.below(30)
            };
            let birth = format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28));
            writeln!(
                out,
                "{insurer},{symbol},{number},{branch:02},{s_kanji}{g_kanji},{s_kana}{g_kana},{},{birth},{},{},{},,0,0,{postal},{address}\r",
                1 + rng.below(2),
                if insured { 1 } else { 2 },
                if insured { "本人" } else { rng.pick(RELATIONS) },
                if year >= 2015 { birth.clone() } else { "2015-04-01".to_string() },
            )?;
            written += 1;
        }
    }
    out.flush()
}

/// What the desk sends for a validated row.
fn to_wire(r: &RosterRow) -> RosterRowWire {
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    RosterRowWire {
        insurer_number: r.insurer.as_str().into(),
        symbol: r.symbol.as_str().into(),
        number: r.number.as_str().into(),
        branch: r.branch.as_ref().map(|b| b.as_str().into()),
        kanji_name: r.kanji_name.clone(),
        kana_name: r.kana_name.clone(),
        sex: r.sex.map(|s| match s {
            Sex::Male => RosterSex::Male,
            Sex::Female => RosterSex::Female,
        }),
        birth_date: iso(r.birth_date),
        relationship: match r.relationship {
            Relationship::Insured => RosterRelationship::Insured,
            Relationship::Dependent => RosterRelationship::Dependent,
        },
        relation_name: r.relation_name.clone(),
        acquired_on: r.acquired_on.map(iso),
        lost_on: r.lost_on.map(iso),
        voluntary_continuation: r.voluntary_continuation,
        special_retiree: r.special_retiree,
        postal_code: r.postal_code.clone(),
        address: r.address.clone(),
    }
}

/// A migrated database with the insurer (and, for ours, the operator uploading).
fn fresh_db(path: &Path) -> (std::sync::Arc<SqliteStore>, i64, i64) {
    let store = SqliteStore::open(path).expect("open");
    let (insurer, operator) = store
        .run_blocking(Mode::Write, |tx| {
            let id = tx.insert_insurer("ベンチ健康保険組合", true, "1000013", "東京都", 0)?;
            tx.add_insurer_number(id, &insurer_number(), "primary")?;
            let op = tx.insert_operator(
                &OperatorRow {
                    id: 0,
                    login_id: "bench".into(),
                    display_name: "bench".into(),
                    role: "insurer_admin".into(),
                    insurer_id: Some(id),
                    password_hash: "-".into(),
                    totp_secret: "-".into(),
                },
                0,
            )?;
            Ok((id, op))
        })
        .expect("setup");
    (store, insurer, operator)
}

/// Wall and CPU seconds of one phase. The machine is shared (load 4–6 on 2 cores), so
/// rates and ratios use CPU time, as `bench_roster` does; wall time is shown for reference.
#[derive(Clone, Copy)]
struct M {
    wall: f64,
    cpu: f64,
    /// RSS when the phase started and its peak during the phase, MiB.
    rss_start: f64,
    rss_peak: f64,
}

impl std::ops::Add for M {
    type Output = M;
    fn add(self, o: M) -> M {
        M {
            wall: self.wall + o.wall,
            cpu: self.cpu + o.cpu,
            rss_start: self.rss_start.min(o.rss_start),
            rss_peak: self.rss_peak.max(o.rss_peak),
        }
    }
}

/// CPU seconds of this thread (every phase of ours runs on it), from schedstat.
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// CPU seconds of waited-for children (cutime + cstime of /proc/self/stat, 100 Hz ticks).
fn children_cpu() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(") ")?.1.to_string();
            let f: Vec<f64> = rest
                .split_whitespace()
                .map(|x| x.parse().unwrap_or(0.0))
                .collect();
            Some((f.get(13)? + f.get(14)?) / 100.0)
        })
        .unwrap_or(0.0)
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, M) {
    // Resetting VmHWM (Linux ≥ 4.0) gives each phase its own peak, as bench_roster does.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_start = status_mib("VmRSS:");
    let (t, c) = (Instant::now(), thread_cpu());
    let out = f();
    let m = M {
        wall: t.elapsed().as_secs_f64(),
        cpu: thread_cpu() - c,
        rss_start,
        rss_peak: status_mib("VmHWM:"),
    };
    (out, m)
}

/// Upload every row as the server receives it: one transaction per chunk.
fn upload(
    store: &SqliteStore,
    insurer: i64,
    operator: i64,
    rows: &[RosterRowWire],
    hash: &str,
) -> i64 {
    let req = RosterUploadRequest {
        file_name: "bench.csv".into(),
        encoding: "utf8".into(),
        total_rows: rows.len() as i64,
        content_hash: hash.into(),
        full: true,
        rejected: Vec::new(),
    };
    let scope = Scope::Insurer(insurer);
    let id = store
        .run_blocking(Mode::Write, |tx| {
            roster_sync::start(tx, 1, operator, &scope, insurer, &req)
        })
        .expect("start")
        .1
        .id;
    for (seq, chunk) in rows.chunks(MAX_CHUNK_ROWS).enumerate() {
        store
            .run_blocking(Mode::Write, |tx| {
                roster_sync::put_chunk(tx, 2, operator, &scope, id, seq as i64, chunk)
            })
            .expect("chunk");
    }
    id
}

fn count(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .and_then(|c| c.query_row("SELECT count(*) FROM roster_members", [], |r| r.get(0)))
        .expect("count")
}

/// A `/proc/self/status` size in MiB (`VmRSS:`, `VmHWM:`).
fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))?
                .split_whitespace()
                .nth(1)?
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The baseline's SQL: the CSV into a staging table by `.import`, then one INSERT … SELECT
/// deriving what SQL can (the 番号's last 7, the relation; the kana key unfolded, as SQL
/// cannot fold kana). `created_at` is explicit: the shell's SQLite may predate 'subsec'.
/// Same pragmas as the server's connections except `temp_store=MEMORY`, with which the
/// 3.40 shell fails this INSERT with SQLITE_FULL at 1M rows; the staging table is temp.
/// Both sides run with SQLite's default 2 MiB page cache: a 64 MiB one on both made the
/// baseline ~35 % faster (its per-row index inserts stop thrashing) and ours hardly at all
/// (its indexes are rebuilt by sorting) — see docs/benchmarks.md.
fn baseline_script(csv: &Path, insurer_id: i64) -> String {
    let cols: Vec<String> = (0..16).map(|i| format!("c{i} TEXT")).collect();
    format!(
        "PRAGMA synchronous=NORMAL;\nPRAGMA foreign_keys=ON;\n\
         CREATE TEMP TABLE roster_csv ({});\n\
         .import --csv --skip 1 --schema temp '{}' roster_csv\n\
         BEGIN;\n\
         INSERT INTO roster_members (insurer_id, insurer_number, card_symbol, card_number, card_number_key, branch, name_kanji, name_kana, kana_key, \
         birth_date, sex, relation, voluntary_continuation, special_retiree, qualified_on, disqualified_on, synced_at, postal_code, address, relation_name, created_at) \
         SELECT {insurer_id}, c0, c1, c2, CASE WHEN length(c2) >= 8 THEN substr(c2, -7) ELSE c2 END, c3, c4, c5, c5, c7, c6, \
         CASE c8 WHEN '1' THEN 'insured' ELSE 'dependent' END, c12 = '1', c13 = '1', c10, NULLIF(c11, ''), 1, c14, c15, c9, \
         CAST(strftime('%s','now') AS INTEGER) * 1000 FROM roster_csv;\n\
         COMMIT;\n",
        cols.join(", "),
        csv.display()
    )
}

fn main() {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("kencom-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv = dir.join("roster.csv");
    generate(&csv, rows).expect("generate");
    let size = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
    eprintln!("{rows} rows, {:.1} MiB", size as f64 / 1048576.0);

    // The desk's part, for reference.
    let (wires, parse) = measure(|| {
        RosterReader::new(File::open(&csv).expect("csv"), &ParseOptions::default())
            .expect("standard mapping")
            .filter_map(|r| r.expect("read").value)
            .map(|r| to_wire(&r))
            .collect::<Vec<RosterRowWire>>()
    });
    eprintln!("parse: {:.2} s cpu", parse.cpu);
    assert_eq!(wires.len() as u64, rows, "every generated row is valid");

    // Ours: upload (chunks validated and stored) + apply, then the diff of a re-sent roster.
    let ours_db = dir.join("ours.db");
    let (store, insurer, operator) = fresh_db(&ours_db);
    let scope = Scope::Insurer(insurer);
    let (id, chunks) = measure(|| upload(&store, insurer, operator, &wires, &"a".repeat(64)));
    eprintln!(
        "upload chunks: {:.2} s cpu, {:.2} s wall",
        chunks.cpu, chunks.wall
    );
    let (sync, apply) = measure(|| {
        store
            .run_blocking(Mode::Write, |tx| {
                roster_sync::apply(tx, 3, operator, &scope, id)
            })
            .expect("apply")
    });
    eprintln!("apply: {:.2} s cpu, {:.2} s wall", apply.cpu, apply.wall);
    let ((), cleanup) = measure(|| {
        store
            .run_blocking(Mode::Write, |tx| {
                roster_sync::discard_chunks(tx, &scope, id)
            })
            .expect("discard")
    });
    eprintln!(
        "discard chunks: {:.2} s cpu, {:.2} s wall",
        cleanup.cpu, cleanup.wall
    );
    assert_eq!(sync.counts.added as u64, rows);
    let again = upload(&store, insurer, operator, &wires, &"b".repeat(64));
    // As the handler does: the first page computes the diff in a read transaction and
    // keeps it in a short write one; later pages read the kept diff.
    let page = |offset: i64| RosterDiffQuery {
        kind: None,
        offset: Some(offset),
        limit: Some(50),
    };
    let (diff, diff_m) = measure(|| {
        let answer = store
            .run_blocking(Mode::Read, |tx| {
                roster_sync::diff(tx, &scope, again, &page(0), 4)
            })
            .expect("diff");
        let DiffAnswer::Computed(fresh) = answer else {
            panic!("nothing was kept yet, so the first page computes the diff");
        };
        eprintln!("diff kept as {} runs", fresh.runs());
        store
            .run_blocking(Mode::Write, |tx| {
                roster_sync::keep_diff(tx, &scope, again, &page(0), fresh)
            })
            .expect("keep diff")
    });
    eprintln!("diff: {:.2} s cpu, {:.2} s wall", diff_m.cpu, diff_m.wall);
    assert_eq!(
        diff.counts.unchanged as u64, rows,
        "a re-sent roster is unchanged"
    );
    let (second, second_m) = measure(|| {
        store
            .run_blocking(Mode::Read, |tx| {
                roster_sync::diff(tx, &scope, again, &page(rows as i64 / 2), 5)
            })
            .expect("second page")
    });
    let DiffAnswer::Page(second) = second else {
        panic!("the second page must come from the kept diff");
    };
    assert_eq!(
        second.entries.len(),
        50.min(rows as usize - rows as usize / 2)
    );
    eprintln!("diff, second page: {:.1} ms wall", second_m.wall * 1e3);
    drop(store);
    assert_eq!(count(&ours_db) as u64, rows);

    // Baseline: sqlite3 .import into the same schema.
    let base_db = dir.join("base.db");
    let (store, base_insurer, _) = fresh_db(&base_db);
    drop(store);
    let script = baseline_script(&csv, base_insurer);
    let (t, c) = (Instant::now(), children_cpu());
    let mut child = Command::new("sqlite3")
        .arg(&base_db)
        .stdin(Stdio::piped())
        .spawn()
        .expect("sqlite3 (apt-get install sqlite3)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("script");
    let status = child.wait().expect("sqlite3");
    let base = M {
        wall: t.elapsed().as_secs_f64(),
        cpu: children_cpu() - c,
        rss_start: 0.0,
        rss_peak: 0.0,
    };
    eprintln!("sqlite3: {:.2} s cpu, {:.2} s wall", base.cpu, base.wall);
    assert!(status.success(), "sqlite3 failed");
    assert_eq!(
        count(&base_db) as u64,
        rows,
        "the baseline imported every row"
    );
    let version = Command::new("sqlite3")
        .arg("--version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .next()
                .unwrap_or("?")
                .to_string()
        })
        .unwrap_or_default();

    let rate = |m: M| rows as f64 / m.cpu.max(1e-9);
    let cell = |m: M| format!("{:.2} ({:.2})", m.cpu, m.wall);
    let import = chunks + apply;
    let both = import + diff_m;
    println!(
        "| {rows} rows ({:.0} MiB CSV) | CPU s (wall s) | rows/s (CPU) | vs `.import` |",
        size as f64 / 1048576.0
    );
    println!("|---|---|---|---|");
    println!(
        "| desk: parse + validate (kencom-roster) | {} | {:.0} | |",
        cell(parse),
        rate(parse)
    );
    println!(
        "| ours: upload chunks (validate + store) | {} | {:.0} | |",
        cell(chunks),
        rate(chunks)
    );
    println!(
        "| ours: apply (one transaction) | {} | {:.0} | {:.2}× |",
        cell(apply),
        rate(apply),
        base.cpu / apply.cpu
    );
    println!(
        "| ours: then drop the staged chunks (own transaction, not counted) | {} | | |",
        cell(cleanup)
    );
    println!(
        "| **ours: import = chunks + apply** | {} | {:.0} | **{:.2}×** (goal ≥ 1.5×; wall {:.2}×) |",
        cell(import),
        rate(import),
        base.cpu / import.cpu,
        base.wall / import.wall
    );
    println!(
        "| ours: diff of the re-sent roster vs {rows} central rows | {} | {:.0} | |",
        cell(diff_m),
        rate(diff_m)
    );
    // Wall only: schedstat's CPU time is updated at scheduler ticks, too coarse for ~1 ms.
    println!(
        "| ours: diff, second page (kept diff, 50 entries from the middle) | ({:.1} ms) | | |",
        second_m.wall * 1e3
    );
    println!(
        "| **import + diff** | {} | | **{:.2}× the `.import` time** (goal ≤ 1.5×; wall {:.2}×) |",
        cell(both),
        both.cpu / base.cpu,
        both.wall / base.wall
    );
    println!(
        "| baseline: sqlite3 {version} `.import` + INSERT … SELECT | {} | {:.0} | 1.00× |",
        cell(base),
        rate(base)
    );
    println!("\n| phase | RSS at start (MiB) | peak RSS during (MiB) | growth (MiB) |");
    println!("|---|---|---|---|");
    for (name, m) in [
        ("upload chunks", chunks),
        ("apply", apply),
        ("drop the staged chunks", cleanup),
        ("diff, first page (compute + keep)", diff_m),
        ("diff, second page (kept)", second_m),
    ] {
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} |",
            m.rss_start,
            m.rss_peak,
            m.rss_peak - m.rss_start
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
