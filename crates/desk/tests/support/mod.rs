//! Harness for the desk's use-case tests: a real central server (seeded demo data) on a
//! loopback port the OS picks, and a host with an in-memory vault and a temp data dir.
//! Nothing here mocks the client: the desk talks HTTP to the real server.
#![allow(dead_code)]

pub mod device_seq;
pub mod file_host;
pub mod proxy;
pub mod rng;

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

/// The seeded central server on loopback (shared with the app's E2E harness).
pub use kencom_central::testing::SeededCentral as Central;

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
