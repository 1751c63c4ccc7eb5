//! `cargo xtask bench postcard`: renders 5,000 synthetic postcards with kencom-postcard and
//! with reportlab (bench/reportlab_postcards.py, same layout, same TTF, same data) in the
//! same invocation and prints pages/s, bytes per postcard, the embedded font size and the
//! peak RSS of a 10,000-card run for both. Not a test: it prints figures, it asserts nothing.
//!
//! Run: `cargo run --release -p kencom-postcard --example bench [-- --cards N --rss-cards M]`.
//! Needs python3 with reportlab (`pip install reportlab`); PYTHON overrides the interpreter.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use kencom_domain::barcode::CustomerBarcode;
use kencom_postcard::{render, Postcard, RenderOptions, Sender};

const SURNAMES: [&str; 8] = [
    "山田",
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "長谷川",
];
const GIVEN: [&str; 8] = [
    "太郎",
    "花子",
    "健一",
    "美咲",
    "翔太",
    "陽子",
    "大輔",
    "乃梨子",
];
const PLACES: [(&str, &str); 6] = [
    ("100-0013", "東京都千代田区霞が関"),
    ("530-0001", "大阪府大阪市北区梅田"),
    ("460-0008", "愛知県名古屋市中区栄"),
    ("060-0001", "北海道札幌市中央区北一条西"),
    ("812-0011", "福岡県福岡市博多区博多駅前"),
    ("980-0021", "宮城県仙台市青葉区中央"),
];
const BUILDINGS: [&str; 4] = ["", "郵便プラザ", "グリーンハイツ", "サンシャインマンション"];
const CODE_CHARS: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Deterministic synthetic cards (xorshift; no dependency, same data every run).
fn cards(n: usize) -> impl Iterator<Item = Postcard> {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let sender = Sender {
        name: "ケンコム健康保険組合".into(),
        postal_code: "105-0001".into(),
        address: vec![
            "東京都港区虎ノ門4丁目1番1号".into(),
            "神谷町トラストタワー".into(),
        ],
        contact: Some("お問い合わせ 03-0000-0000（平日10時〜18時）".into()),
    };
    (0..n).map(move |i| {
        let (postal, city) = PLACES[next() as usize % PLACES.len()];
        let building = BUILDINGS[next() as usize % BUILDINGS.len()];
        let mut address = vec![format!(
            "{city}{}丁目{}番{}号",
            next() % 9 + 1,
            next() % 30 + 1,
            next() % 20 + 1
        )];
        if !building.is_empty() {
            address.push(format!("{building}{}号室", next() % 900 + 101));
        }
        Postcard {
            postal_code: postal.into(),
            // Every 50th card goes to a catch-all code (no barcode), as real runs have some.
            postal_code_catch_all: i % 50 == 49,
            address,
            name: format!(
                "{} {}",
                SURNAMES[next() as usize % 8],
                GIVEN[next() as usize % 8]
            ),
            code: (0..12)
                .map(|_| char::from(CODE_CHARS[next() as usize % CODE_CHARS.len()]))
                .collect(),
            sender: sender.clone(),
        }
    })
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", items.map(json_str).collect::<Vec<_>>().join(","))
}

/// The same cards as JSON lines for the reportlab script, with the bars pre-encoded.
fn write_jsonl(path: &Path, n: usize) -> std::io::Result<()> {
    let mut f = BufWriter::new(File::create(path)?);
    for c in cards(n) {
        let bars = if c.postal_code_catch_all {
            String::new()
        } else {
            CustomerBarcode::encode(&c.postal_code, &c.address.join(""))
                .map(|b| b.bar_letters())
                .unwrap_or_default()
        };
        let code: Vec<String> = (0..3)
            .map(|i| c.code[i * 4..i * 4 + 4].to_string())
            .collect();
        writeln!(
            f,
            "{{\"postal\":{},\"address\":{},\"name\":{},\"code\":{},\"bars\":{},\"sender\":{{\"name\":{},\"postal\":{},\"address\":{},\"contact\":{}}}}}",
            json_str(&c.postal_code),
            json_list(c.address.iter().map(String::as_str)),
            json_str(&c.name),
            json_list(code.iter().map(String::as_str)),
            json_str(&bars),
            json_str(&c.sender.name),
            json_str(&c.sender.postal_code),
            json_list(c.sender.address.iter().map(String::as_str)),
            json_str(c.sender.contact.as_deref().unwrap_or("")),
        )?;
    }
    f.flush()
}

/// Peak resident set of this process in kB (Linux /proc; the bench runs on Linux).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

struct Run {
    seconds: f64,
    pages: usize,
    bytes: u64,
    peak_rss_kb: u64,
}

fn ours(n: usize, out: &Path) -> Result<(Run, usize), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let stats = render(cards(n), File::create(out)?, &RenderOptions::default())?;
    let seconds = start.elapsed().as_secs_f64();
    Ok((
        Run {
            seconds,
            pages: stats.pages,
            bytes: stats.bytes,
            peak_rss_kb: peak_rss_kb(),
        },
        stats.font_program_bytes,
    ))
}

fn reportlab(n: usize, dir: &Path) -> Result<Run, Box<dyn std::error::Error>> {
    let jsonl = dir.join(format!("cards-{n}.jsonl"));
    write_jsonl(&jsonl, n)?;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(python)
        .arg(manifest.join("bench/reportlab_postcards.py"))
        .arg(&jsonl)
        .arg(dir.join(format!("reportlab-{n}.pdf")))
        .arg(manifest.join("fonts/ipaexg.ttf"))
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "reportlab script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let line = String::from_utf8(out.stdout)?;
    let field = |key: &str| -> Result<f64, Box<dyn std::error::Error>> {
        let at = line
            .find(&format!("\"{key}\": "))
            .ok_or(format!("no {key} in {line}"))?
            + key.len()
            + 4;
        let end = line[at..].find([',', '}']).ok_or("bad json")? + at;
        Ok(line[at..end].trim().parse()?)
    };
    Ok(Run {
        seconds: field("seconds")?,
        pages: field("pages")? as usize,
        bytes: field("bytes")? as u64,
        peak_rss_kb: field("peak_rss_kb")? as u64,
    })
}

/// Runs one measurement in a fresh process so its peak RSS is its own.
fn child_ours(n: usize, out: &Path) -> Result<u64, Box<dyn std::error::Error>> {
    let o = Command::new(std::env::current_exe()?)
        .args(["--child", &n.to_string()])
        .arg(out)
        .output()?;
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).into_owned().into());
    }
    Ok(String::from_utf8(o.stdout)?.trim().parse()?)
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let n = arg(&args, "--child", 10_000);
        let (run, _) = ours(n, Path::new(&args[3]))?;
        println!("{}", run.peak_rss_kb);
        return Ok(());
    }
    let n = arg(&args, "--cards", 5_000);
    let rss_n = arg(&args, "--rss-cards", 10_000);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("kencom-postcard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;

    println!(
        "postcard bench: {n} postcards ({} pages), same layout, font and data",
        2 * n
    );
    let (a, font_bytes) = ours(n, &dir.join("ours.pdf"))?;
    let b = reportlab(n, &dir)?;
    let pps = |r: &Run| r.pages as f64 / r.seconds;
    let per_card = |r: &Run| r.bytes as f64 / (r.pages as f64 / 2.0);
    println!(
        "  pages/s           ours {:>9.0}   reportlab {:>9.0}   ratio {:.2}x (goal >= 1.5x)",
        pps(&a),
        pps(&b),
        pps(&a) / pps(&b)
    );
    println!(
        "  bytes/postcard    ours {:>9.0}   reportlab {:>9.0}   ratio {:.2}x (goal <= 1.2x)",
        per_card(&a),
        per_card(&b),
        per_card(&a) / per_card(&b)
    );
    println!("  font program      ours {font_bytes:>9} bytes (one subset for the whole run; goal < 200 kB)");

    let rss_ours = child_ours(rss_n, &dir.join("ours-rss.pdf"))?;
    let rss_rl = reportlab(rss_n, &dir)?.peak_rss_kb;
    println!(
        "  peak RSS {rss_n} postcards  ours {:.1} MB   reportlab {:.1} MB (goal <= 300 MB)",
        rss_ours as f64 / 1024.0,
        rss_rl as f64 / 1024.0
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
