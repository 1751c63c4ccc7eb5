//! Developer entry point: `cargo xtask <command>`. The README's two commands are
//! `cargo xtask run` (set up what is missing, start the demo central server and the app)
//! and `cargo xtask test` (every check CI runs). Everything else is a building block.
mod bench;
mod boundaries;
mod proc;
mod run;
mod setup;
mod test;

use anyhow::{bail, Result};

const USAGE: &str = "usage: cargo xtask <command>

  run                 set up what is missing, start the demo central server and the app
                      (no display: runs under Xvfb, saves a screenshot and says where)
  test                every check: fmt, clippy, Rust tests, UI lint/type/unit tests,
                      bindings, crate boundaries, end-to-end through the real app
  setup               install what a fresh machine lacks (apt, tauri-driver, npm)
  bindings            regenerate ui/src/bindings from the Rust types
  check-boundaries    enforce the crate dependency rules (ARCHITECTURE.md)
  fuzz [TARGET] [SECS] run cargo-fuzz targets (all, 20 s each by default)
  bundle              build the .deb with the Tauri CLI
  bench NAME          benchmarks with their baselines: desk | outbox | roster | postcard | central";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = &args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("run") => run::run(rest),
        Some("test") => test::test(rest),
        Some("setup") => setup::setup(),
        Some("bindings") => test::update_bindings(),
        Some("check-boundaries") => boundaries::check(),
        Some("fuzz") => test::fuzz(rest),
        Some("bundle") => run::bundle(),
        Some("bench") => bench::bench(rest),
        Some("help") | Some("--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}
