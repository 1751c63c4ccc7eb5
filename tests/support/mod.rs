//! Harness for end-to-end tests through the real app: a display (the caller's, or an Xvfb
//! this harness starts), tauri-driver on OS-picked loopback ports, a WebDriver session with
//! a keep-alive client (fantoccini), and screenshots saved under `artifacts/screenshots/`.
//!
//! Everything it starts is killed on drop, and the app writes only into a temp data dir.
#![allow(dead_code)]

pub mod central;

use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
pub struct Proc(pub Child);
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// The X display to run the app on: `$DISPLAY` if set, else a private Xvfb.
pub fn display() -> (String, Option<Proc>) {
    if let Ok(d) = std::env::var("DISPLAY") {
        if !d.is_empty() {
            return (d, None);
        }
    }
    let mut child = Command::new("Xvfb")
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
        .expect("Xvfb not found: run `cargo xtask setup` (installs xvfb)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("Xvfb did not report its display");
    (format!(":{}", line.trim()), Some(Proc(child)))
}

/// Where screenshots of the run go (gitignored).
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One running app under tauri-driver.
pub struct App {
    pub client: Client,
    pub data_dir: tempfile::TempDir,
    _driver: Proc,
    _xvfb: Option<Proc>,
}

impl App {
    /// Start tauri-driver and open a session on the desk binary with extra env vars.
    /// WebKitWebDriver occasionally drops the very first session request while it starts
    /// (seen as "IncompleteMessage"); a fresh driver is tried up to three times.
    pub async fn launch(env: &[(&str, &str)]) -> App {
        let (display, xvfb) = display();
        let data_dir = tempfile::tempdir().unwrap();
        let mut last_error = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let native = free_port();
            let mut cmd = Command::new(tauri_driver());
            cmd.args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("KENCOM_DATA_DIR", data_dir.path())
            .env("KENCOM_LANG", "ja")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
            for (k, v) in env {
                cmd.env(k, v);
            }
            let driver = Proc(cmd.spawn().expect("tauri-driver failed to start"));
            let deadline = Instant::now() + Duration::from_secs(20);
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "tauri-driver did not listen on {port}"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
            let mut caps = serde_json::Map::new();
            caps.insert(
                "tauri:options".into(),
                serde_json::json!({ "application": env!("CARGO_BIN_EXE_kencom-desk") }),
            );
            caps.insert("browserName".into(), "wry".into());
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => {
                    return App {
                        client,
                        data_dir,
                        _driver: driver,
                        _xvfb: xvfb,
                    }
                }
                Err(e) => {
                    last_error = e.to_string();
                    drop(driver);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        panic!("WebDriver session on the desk app failed three times: {last_error}");
    }

    /// Wait until `css` exists and its text satisfies `pred`; return the text.
    pub async fn wait_text(&self, css: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = String::new();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(t) = el.text().await {
                    if pred(&t) {
                        return t;
                    }
                    last = t;
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {css}; last text: {last:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Replace the text of the input matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        self.wait_text(css, |_| true).await;
        let el = self.client.find(Locator::Css(css)).await.unwrap();
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// Choose `value` in the <select> matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.wait_text(css, |_| true).await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Claim the inquiry whose queue row matches `row`; returns the inquiry id.
    pub async fn claim_row(&self, row: &str) -> String {
        self.wait_text(row, |_| true).await;
        let id = self
            .client
            .find(Locator::Css(row))
            .await
            .unwrap()
            .attr("data-testid")
            .await
            .unwrap()
            .expect("queue rows carry data-testid");
        let inquiry_id = id.trim_start_matches("inquiry-row-").to_owned();
        self.click(&format!("[data-testid=claim-{inquiry_id}]"))
            .await;
        inquiry_id
    }

    /// An attribute of the element matching `css` (waiting for it to appear).
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.wait_text(css, |_| true).await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .attr(name)
            .await
            .unwrap()
    }

    /// Whether the control matching `css` is enabled.
    pub async fn enabled(&self, css: &str) -> bool {
        let el = self.client.find(Locator::Css(css)).await.unwrap();
        el.attr("disabled").await.unwrap().is_none()
    }

    /// Click the element matching `css`, waiting for it to appear.
    pub async fn click(&self, css: &str) {
        self.wait_text(css, |_| true).await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Save a PNG of the window as `artifacts/screenshots/<name>.png`; returns the path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // WebKit's snapshot can lag the DOM by a frame or more (PLATFORM-NOTES): wait for
        // two animation frames and a short settle before capturing.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.client.screenshot().await.expect("screenshot failed");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

fn tauri_driver() -> PathBuf {
    if let Ok(p) = std::env::var("TAURI_DRIVER") {
        return p.into();
    }
    let home_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|p| p.join("bin/tauri-driver"));
    match home_bin {
        Some(p) if p.exists() => p,
        _ => PathBuf::from("tauri-driver"),
    }
}
