//! Harness for the desk's use-case tests: a real central server (seeded demo data) on a
//! loopback port the OS picks, and a host with an in-memory vault and a temp data dir.
//! Nothing here mocks the client: the desk talks HTTP to the real server.
#![allow(dead_code)]

pub mod device_seq;
pub mod file_host;
pub mod proxy;
pub mod rng;

use kencom_central::clock::{Clock, SystemClock};
use kencom_central::config::Config;
use kencom_central::seed::{self, SeedOptions, SeedReport};
use kencom_central::state::AppState;
use kencom_central::store::sqlite::SqliteStore;
use kencom_central::store::Store;
use kencom_desk_core::{Desk, Host, KeychainStatus, Vault, VaultError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Secrets in memory, like a keychain that always works.
#[derive(Default)]
pub struct MemoryVault(pub Mutex<HashMap<String, String>>);

impl Vault for MemoryVault {
    fn status(&self) -> KeychainStatus {
        KeychainStatus::Available {
            backend: "memory".into(),
        }
    }
    fn get(&self, name: &str) -> Result<Option<String>, VaultError> {
        Ok(self.0.lock().unwrap().get(name).cloned())
    }
    fn set(&self, name: &str, secret: &str) -> Result<(), VaultError> {
        self.0.lock().unwrap().insert(name.into(), secret.into());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), VaultError> {
        self.0.lock().unwrap().remove(name);
        Ok(())
    }
}

pub struct TestHost {
    pub dir: tempfile::TempDir,
    pub vault: MemoryVault,
    /// Added to the system clock, so tests can jump past retry backoff.
    pub skew_ms: std::sync::atomic::AtomicI64,
}

impl TestHost {
    pub fn new() -> TestHost {
        TestHost {
            dir: tempfile::tempdir().unwrap(),
            vault: MemoryVault::default(),
            skew_ms: 0.into(),
        }
    }
    pub fn advance(&self, ms: i64) {
        self.skew_ms
            .fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Host for TestHost {
    fn version(&self) -> String {
        "0.0.0-test".into()
    }
    fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
    fn vault(&self) -> &dyn Vault {
        &self.vault
    }
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
            + chrono::Duration::milliseconds(self.skew_ms.load(std::sync::atomic::Ordering::SeqCst))
    }
}

pub struct Central {
    pub base: String,
    pub report: SeedReport,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

impl Central {
    /// Seed a fresh database and serve it on 127.0.0.1:<os-picked>.
    pub async fn start() -> Central {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("central.db");
        let store = SqliteStore::open(&path).unwrap();
        let report = seed::seed(
            &store,
            &Config::default(),
            &SystemClock,
            &SeedOptions {
                members: 200,
                insurers: 4,
                seed: 11,
            },
        )
        .unwrap();
        drop(store);
        let state = AppState {
            store: Store::new(Arc::new(SqliteStore::open(&path).unwrap())),
            clock: Arc::new(SystemClock),
            config: Arc::new(Config::default()),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let s = state.clone();
        tokio::spawn(async move {
            kencom_central::http::serve(listener, s, std::future::pending()).await
        });
        Central {
            base,
            report,
            state,
            _dir: dir,
        }
    }

    pub fn totp(&self, login: &str) -> String {
        let o = self
            .report
            .operators
            .iter()
            .find(|o| o.login_id == login)
            .unwrap();
        kencom_central::secrets::current_totp(&o.totp_secret, SystemClock.now())
    }

    pub fn password(&self, login: &str) -> String {
        self.report
            .operators
            .iter()
            .find(|o| o.login_id == login)
            .unwrap()
            .password
            .clone()
    }
}

pub fn desk() -> (Desk, Arc<TestHost>) {
    let host = Arc::new(TestHost::new());
    (Desk::new(host.clone()), host)
}

pub fn sign_in_input(c: &Central, login: &str) -> kencom_desk_core::views::SignInInput {
    kencom_desk_core::views::SignInInput {
        central_url: c.base.clone(),
        login_id: login.into(),
        password: c.password(login),
        totp: c.totp(login),
    }
}
