//! `kencom-central`: serve the API, seed demo data, or run the search benchmark.
//!
//! ```text
//! kencom-central serve --db PATH --listen 127.0.0.1:PORT [--key-file PATH] [--trust-forwarded-for]
//!                      [--updates-dir DIR [--public-url URL]]
//! kencom-central seed  --db PATH [--key-file PATH] [--members N] [--insurers M] [--seed S]
//! kencom-central bench --db PATH [--members N] [--samples K]
//! ```
//! Port 0 lets the OS pick; the bound address is printed as `listening on http://…`.
//! `--updates-dir` serves the desk's signed releases under `/updates` (docs/updates.md).
//! `--key-file` is the master key that seals TOTP seeds and keys the checkup-code hash
//! (default `<db>.key`, created owner-only with a new database; see `sealing`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kencom_central::sealing::MasterKey;
use kencom_central::{app, bench, seed};

fn usage() -> ExitCode {
    eprintln!(
        "usage:\n  kencom-central serve --db PATH --listen ADDR [--key-file PATH] [--trust-forwarded-for] [--updates-dir DIR [--public-url URL]]\n  kencom-central seed --db PATH [--key-file PATH] [--members N] [--insurers M] [--seed S]\n  kencom-central bench --db PATH [--members N] [--samples K]"
    );
    ExitCode::from(2)
}

struct Args(Vec<String>);

impl Args {
    fn value(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.0.get(i + 1))
            .cloned()
    }
    fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|a| a == name)
    }
    fn number(&self, name: &str, default: u64) -> Result<u64, String> {
        match self.value(name) {
            Some(v) => v.parse().map_err(|_| format!("{name} expects a number")),
            None => Ok(default),
        }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = argv.first().cloned() else {
        return usage();
    };
    let args = Args(argv[1..].to_vec());
    let Some(db) = args.value("--db").map(PathBuf::from) else {
        return usage();
    };
    let result = match cmd.as_str() {
        "serve" => serve(&args, db),
        "seed" => (|| {
            let opts = seed::SeedOptions {
                members: args.number("--members", 2000)?,
                insurers: args.number("--insurers", 4)?,
                seed: args.number("--seed", 1)?,
            };
            let key = master_key(&args, &db, KeyUse::Seed)?;
            let cfg = kencom_central::config::Config::with_master_key(&key);
            let report = seed::seed_file(&db, &cfg, &opts).map_err(|e| e.to_string())?;
            print!("{report}");
            Ok(())
        })(),
        "bench" => (|| {
            let report = bench::run(
                &db,
                args.number("--members", 1_000_000)?,
                args.number("--samples", 200)?,
            )
            .map_err(|e| e.to_string())?;
            print!("{report}");
            Ok(())
        })(),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(PartialEq)]
enum KeyUse {
    Seed,
    Serve,
}

/// The server's master key (`kencom_central::sealing`): `--key-file`, else `<db>.key` next to
/// the database. A new database gets a new key; an existing database without its key is
/// refused, because its checkup codes and TOTP seeds only work with the key they were made
/// with.
fn master_key(args: &Args, db: &Path, used_for: KeyUse) -> Result<MasterKey, String> {
    let path = args
        .value("--key-file")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let mut p = db.as_os_str().to_owned();
            p.push(".key");
            PathBuf::from(p)
        });
    if path.exists() {
        return MasterKey::load(&path).map_err(|e| e.to_string());
    }
    if db.exists() && used_for == KeyUse::Serve {
        return Err(format!(
            "{}: the database's key file is missing (pass --key-file, or seed a new database)",
            path.display()
        ));
    }
    let key = MasterKey::create(&path).map_err(|e| e.to_string())?;
    eprintln!(
        "created the master key file {} (keep it with the backups, apart from the database)",
        path.display()
    );
    Ok(key)
}

fn serve(args: &Args, db: PathBuf) -> Result<(), String> {
    let listen = args
        .value("--listen")
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let updates_dir = args.value("--updates-dir").map(PathBuf::from);
    if let Some(dir) = &updates_dir {
        // Fail at start, not on the first desk's update check.
        if !dir.is_dir() {
            return Err(format!("--updates-dir {}: not a directory", dir.display()));
        }
    }
    let key = master_key(args, &db, KeyUse::Serve)?;
    let config = kencom_central::config::Config {
        trust_forwarded_for: args.flag("--trust-forwarded-for"),
        updates_dir,
        public_url: args.value("--public-url"),
        ..kencom_central::config::Config::with_master_key(&key)
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let state = app::open(&db, config).map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .map_err(|e| format!("bind {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        // The launcher and the tests read this exact line.
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
        app::spawn_housekeeping(state.clone());
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        kencom_central::http::serve(listener, state, shutdown)
            .await
            .map_err(|e| e.to_string())
    })
}
