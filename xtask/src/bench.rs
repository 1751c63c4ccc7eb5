//! `cargo xtask bench <name>`: the benchmarks the issues ask for. Each runs our code and
//! its baseline in the same invocation and prints the ratio; results and the command go
//! into docs/benchmarks.md by hand (numbers move with the machine).
use crate::proc::{cargo, root, run};
use anyhow::{bail, Result};

pub fn bench(args: &[String]) -> Result<()> {
    let which = args.first().map(String::as_str).unwrap_or("");
    let example = |pkg: &str, ex: &str| -> Result<()> {
        run(cargo().args(["run", "--release", "-p", pkg, "--example", ex]))
    };
    match which {
        "desk" => {
            example("kencom-desk-core", "bench_desk")?;
            cold_start()
        }
        "outbox" => example("kencom-store", "bench_outbox"),
        "roster"
            if root()
                .join("crates/roster/examples/bench_roster.rs")
                .exists() =>
        {
            example("kencom-roster", "bench_roster")?;
            // The import side: the server's upload + apply vs `sqlite3 .import`, and the diff.
            example("kencom-central", "bench_import")?;
            // A 10,000-postcard print run through the desk: seconds and peak memory.
            example("kencom-desk-core", "bench_print_run")
        }
        "postcard" if root().join("crates/postcard/examples/bench.rs").exists() => {
            example("kencom-postcard", "bench")
        }
        "central" if root().join("crates/central/examples/bench.rs").exists() => {
            example("kencom-central", "bench")
        }
        other => bail!("unknown benchmark {other:?}: desk | outbox | roster | postcard | central"),
    }
}

/// Cold start to first paint: the desk vs the minimal Tauri window of examples/, both
/// release builds with the same assets, alternating on one private Xvfb; the time is taken
/// by this harness from spawn to the app's "first-paint" line on stdout.
fn cold_start() -> Result<()> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::Instant;

    crate::test::build_ui()?;
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "kencom-desk",
        "--bin",
        "kencom-desk",
        "--example",
        "minimal_window",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let desk = target.join("release/kencom-desk");
    let minimal = target.join("release/examples/minimal_window");

    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(xvfb.stdout.take().expect("piped")).read_line(&mut line)?;
    let display = format!(":{}", line.trim());

    let once = |bin: &std::path::Path| -> Result<f64> {
        let data = tempfile_dir()?;
        let start = Instant::now();
        let mut child = Command::new(bin)
            .env("DISPLAY", &display)
            .env("KENCOM_DATA_DIR", &data)
            .env("KENCOM_BENCH_FIRST_PAINT", "1")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let out = BufReader::new(child.stdout.take().expect("piped"));
        let mut painted = None;
        for l in out.lines() {
            if l?.trim() == "first-paint" {
                painted = Some(start.elapsed().as_secs_f64() * 1000.0);
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&data);
        painted.ok_or_else(|| anyhow::anyhow!("{} exited without painting", bin.display()))
    };
    // One warm-up each (page cache), then alternate.
    once(&desk)?;
    once(&minimal)?;
    let rounds = 10;
    let (mut d, mut m) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        d.push(once(&desk)?);
        m.push(once(&minimal)?);
    }
    let _ = xvfb.kill();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let (dm, mm) = (median(&mut d), median(&mut m));
    println!("cold start to first paint, {rounds} alternating runs each, release, Xvfb");
    println!("  desk           : median {dm:>7.1} ms");
    println!("  minimal window : median {mm:>7.1} ms");
    println!("  ratio desk/minimal: {:.2}x", dm / mm);
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let p = std::env::temp_dir().join(format!(
        "kencom-bench-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos()
    ));
    std::fs::create_dir_all(&p)?;
    Ok(p)
}
