//! `cargo xtask run`: set up what is missing, start the embedded central server on demo
//! data, and run the desk against it. With no display (a server, CI) it runs the app
//! under a private Xvfb, saves a screenshot and says where, then stops.
use crate::proc::{cargo, root, run as sh};
use crate::{setup, test};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

pub fn run(args: &[String]) -> Result<()> {
    if !args.iter().any(|a| a == "--no-setup") {
        setup::setup()?;
    }
    test::build_ui()?;
    let has_central = root().join("crates/central/src/main.rs").exists();
    let mut build = cargo();
    build.args(["build", "-p", "kencom-desk"]);
    if has_central {
        build.args(["-p", "kencom-central"]);
    }
    sh(&mut build)?;

    let demo_dir = root().join("artifacts/demo");
    std::fs::create_dir_all(&demo_dir)?;
    let mut env: Vec<(String, String)> = Vec::new();
    let _central = if has_central {
        let (child, url) = start_central(&demo_dir)?;
        env.push(("KENCOM_CENTRAL_URL".into(), url));
        Some(child)
    } else {
        None
    };

    let app = target_dir().join("debug/kencom-desk");
    let headless =
        std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) && cfg!(target_os = "linux");
    if !headless {
        let mut cmd = Command::new(&app);
        cmd.envs(env);
        return sh(&mut cmd);
    }

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
        .spawn()
        .context("Xvfb not found (cargo xtask setup installs it)")?;
    let mut line = String::new();
    BufReader::new(xvfb.stdout.take().unwrap()).read_line(&mut line)?;
    let _xvfb = Kill(xvfb);
    let display = format!(":{}", line.trim());
    eprintln!("no display: running the app on a private Xvfb {display}");

    // The demo desk keeps its data under artifacts/ so a headless run never touches a
    // real profile. A session bus with an unlocked keyring gives it a real keychain.
    let data = demo_dir.join("desk-data");
    std::fs::create_dir_all(&data)?;
    let mut cmd = Command::new("dbus-run-session");
    cmd.args(["--", "sh", "-c"])
        .arg(format!(
            "echo -n demo | XDG_DATA_HOME='{}' gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec '{}'",
            demo_dir.join("keyring").display(),
            app.display()
        ))
        .env("DISPLAY", &display)
        .env("KENCOM_DATA_DIR", &data)
        .envs(env);
    let app = Kill(cmd.spawn().context("could not start the app")?);
    std::thread::sleep(Duration::from_secs(8));
    let shot = root().join("artifacts/screenshots/run.png");
    std::fs::create_dir_all(shot.parent().unwrap())?;
    sh(Command::new("import")
        .args(["-window", "root"])
        .arg(&shot)
        .env("DISPLAY", &display))?;
    drop(app);
    println!(
        "\nKenCoM Desk ran headless on Xvfb; screenshot saved to {}",
        shot.display()
    );
    println!("(with a display, `cargo xtask run` opens the window and keeps it open)");
    Ok(())
}

/// Seed a demo database (once) and start `kencom-central serve` on an OS-picked port;
/// returns the child and its base URL, read from its `listening on <url>` line.
fn start_central(demo_dir: &std::path::Path) -> Result<(Kill, String)> {
    let bin = target_dir().join("debug/kencom-central");
    let db = demo_dir.join("central.db");
    let operators = demo_dir.join("operators.txt");
    // `seed` creates the master key next to the database (central.db.key); a database from
    // before the key existed cannot be served, so it is seeded again.
    let key = demo_dir.join("central.db.key");
    if !db.exists() || !operators.exists() || !key.exists() {
        let _ = std::fs::remove_file(&db);
        let out = Command::new(&bin)
            .args(["seed", "--db"])
            .arg(&db)
            .args(["--members", "2000", "--insurers", "5", "--seed", "1"])
            .output()
            .context("could not run kencom-central seed")?;
        if !out.status.success() {
            bail!("seeding failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        std::fs::write(&operators, &out.stdout)?;
    }
    print_demo_operators(&operators);
    let mut child = Command::new(&bin)
        .args(["serve", "--db"])
        .arg(&db)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start kencom-central")?;
    let stdout = child.stdout.take().unwrap();
    let child = Kill(child);
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(url) = line.trim().strip_prefix("listening on ") {
            eprintln!("central server (demo data): {url}");
            return Ok((child, url.to_owned()));
        }
    }
    bail!("kencom-central exited before listening")
}

/// Show the demo operators (from the seed's output) with the TOTP code valid right now,
/// so a first-time user can sign in without setting up an authenticator app.
fn print_demo_operators(file: &std::path::Path) {
    const TOTP: &str = r#"
import base64, hmac, hashlib, struct, sys, time
key = base64.b32decode(sys.argv[1])
mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
"#;
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    println!("\ndemo operators (password / TOTP secret for an authenticator app):");
    for line in text.lines().filter(|l| l.contains("totp_secret=")) {
        let secret = line
            .split_whitespace()
            .find_map(|f| f.strip_prefix("totp_secret="));
        let now = secret
            .and_then(|s| Command::new("python3").args(["-c", TOTP, s]).output().ok())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        println!("  {}   (code now: {now})", line.trim());
    }
    println!("whom to search for each FAQ case: docs/demo-data.md\n");
}

/// `cargo xtask bundle`: the .deb through the Tauri CLI (AppImage needs the internet).
pub fn bundle() -> Result<()> {
    test::build_ui()?;
    sh(Command::new(root().join("ui/node_modules/.bin/tauri"))
        .args(["build", "--bundles", "deb"])
        .current_dir(root()))
}
