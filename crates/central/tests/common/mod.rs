//! Test harness: one seeded database template per test binary (seeding is the slow part),
//! copied into a temp dir per test; a server on a loopback port the OS picks; a manual
//! clock; helpers to sign operators in with their TOTP.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use kencom_central::clock::{Clock, ManualClock, SystemClock};
use kencom_central::config::Config;
use kencom_central::seed::{self, SeedOptions, SeedReport};
use kencom_central::state::AppState;
use kencom_central::store::sqlite::SqliteStore;
use kencom_central::store::Store;
use serde_json::{json, Value};

struct Template {
    _dir: tempfile::TempDir,
    path: PathBuf,
    report: SeedReport,
    seeded_at: i64,
}

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.db");
        let clock = ManualClock::new(SystemClock.now());
        let report = {
            let store = SqliteStore::open(&path).unwrap();
            seed::seed(
                &store,
                &Config::default(),
                &clock,
                &SeedOptions {
                    members: 300,
                    insurers: 4,
                    seed: 7,
                },
            )
            .unwrap()
        };
        Template {
            _dir: dir,
            path,
            report,
            seeded_at: clock.now(),
        }
    })
}

fn copy_db(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let src = PathBuf::from(format!("{}{suffix}", from.display()));
        if src.exists() {
            std::fs::copy(&src, format!("{}{suffix}", to.display())).unwrap();
        }
    }
}

/// A running server over a private copy of the seeded database.
pub struct TestServer {
    pub base: String,
    pub clock: ManualClock,
    pub state: AppState,
    pub report: SeedReport,
    pub http: reqwest::Client,
    pub db_path: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let t = template();
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("central.db");
        copy_db(&t.path, &db_path);
        // Start a little after seeding so the demo data's "now" still holds.
        let clock = ManualClock::new(t.seeded_at + 60_000);
        let config = Config {
            trust_forwarded_for: true,
            ..Config::default()
        };
        let sqlite = SqliteStore::open(&db_path).unwrap();
        let state = AppState {
            store: Store::new(Arc::new(sqlite)),
            clock: Arc::new(clock.clone()),
            config: Arc::new(config),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let s = state.clone();
        tokio::spawn(async move {
            kencom_central::http::serve(listener, s, std::future::pending()).await
        });
        TestServer {
            base: format!("http://{addr}"),
            clock,
            state,
            report: t.report.clone(),
            http: reqwest::Client::new(),
            db_path,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn operator(&self, login: &str) -> &kencom_central::seed::DemoOperator {
        self.report
            .operators
            .iter()
            .find(|o| o.login_id == login)
            .unwrap()
    }

    /// Sign in; returns the token pair JSON.
    pub async fn login_pair(&self, login: &str) -> Value {
        let o = self.operator(login);
        // A TOTP code signs in once: move to the next 30 s step like a person would wait.
        self.clock.advance(30_000);
        let totp = kencom_central::secrets::current_totp(&o.totp_secret, self.clock.now());
        let r = self
            .post(
                "/api/v1/operator/auth/login",
                None,
                &json!({"login_id": login, "password": o.password, "totp": totp}),
            )
            .await;
        assert_eq!(r.0, 200, "login of {login} failed: {}", r.1);
        r.1
    }

    /// Sign in; returns the access token.
    pub async fn token(&self, login: &str) -> String {
        self.login_pair(login).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut rb = self.http.get(self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        let r = rb.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.send("POST", path, token, None, Some(body), None).await
    }

    /// POST with an Idempotency-Key.
    pub async fn mutate(&self, path: &str, token: &str, key: &str, body: &Value) -> (u16, Value) {
        self.send("POST", path, Some(token), Some(key), Some(body), None)
            .await
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<&Value>,
        ip: Option<&str>,
    ) -> (u16, Value) {
        let mut rb = self.http.request(method.parse().unwrap(), self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(k) = key {
            rb = rb.header("Idempotency-Key", k);
        }
        if let Some(ip) = ip {
            rb = rb.header("X-Forwarded-For", ip);
        }
        if let Some(b) = body {
            rb = rb.json(b);
        }
        let r = rb.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// First member id whose kana key matches exactly.
    pub async fn member_id(&self, token: &str, kana: &str) -> i64 {
        let (s, page) = self
            .get(
                &format!("/api/v1/operator/members?kana={}", urlencode(kana)),
                Some(token),
            )
            .await;
        assert_eq!(s, 200, "{page}");
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name_kana"] == kana)
            .unwrap_or_else(|| panic!("no member {kana}: {page}"))["id"]
            .as_i64()
            .unwrap()
    }

    /// The documented demo member with this kana and birth date.
    pub async fn demo_member(&self, token: &str, kana: &str, birth: &str) -> i64 {
        let (s, page) = self
            .get(
                &format!(
                    "/api/v1/operator/members?kana={}&birth_date={birth}",
                    urlencode(kana)
                ),
                Some(token),
            )
            .await;
        assert_eq!(s, 200, "{page}");
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name_kana"] == kana)
            .unwrap_or_else(|| panic!("no member {kana}: {page}"))["id"]
            .as_i64()
            .unwrap()
    }

    /// The activation token in the newest mail to `email` (tests read the outbox like a mailbox).
    pub async fn activation_token(&self, email: &str) -> String {
        let email = email.to_string();
        let mails = self
            .state
            .store
            .read(move |tx| Ok(tx.mails_to(&email)?))
            .await
            .unwrap();
        let body = &mails.last().expect("a mail").body;
        let start = body.find("/users/").unwrap() + "/users/".len();
        let end = body[start..].find("/activate").unwrap() + start;
        body[start..end].to_string()
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The real binary, `kencom-central serve --db DB --listen 127.0.0.1:0 EXTRA…`, as a child
/// process; `base` is read from its first line (`listening on http://…`). Killed on drop.
pub struct CliServer {
    child: std::process::Child,
    pub base: String,
}

impl CliServer {
    /// `kencom-central serve --db DB --listen 127.0.0.1:0 EXTRA…`, not yet run (also for
    /// the starts that must fail).
    pub fn command(db: &Path, extra: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kencom-central"));
        cmd.args([
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .args(extra);
        cmd
    }

    pub fn start(db: &Path, extra: &[&str]) -> CliServer {
        use std::io::BufRead;
        let mut child = Self::command(db, extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        CliServer { child, base }
    }
}

impl Drop for CliServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
