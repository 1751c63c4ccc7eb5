//! A host whose data directory and secrets outlive the process, for tests that SIGKILL a
//! desk and start another on the same state: the vault is a JSON file replaced atomically
//! (write a temp file, then rename), so a kill leaves either the old or the new secrets,
//! never a torn file. The real OS keychain has its own test in `kencom-keychain`; this is
//! only a stand-in that survives processes, and the desk never uses a file vault itself.
use kencom_desk_core::{Host, KeychainStatus, Vault, VaultError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};

pub struct FileVault {
    path: PathBuf,
}

impl FileVault {
    pub fn new(path: &Path) -> FileVault {
        FileVault {
            path: path.to_path_buf(),
        }
    }

    fn load(&self) -> Result<BTreeMap<String, String>, VaultError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| failure(&e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(failure(&e.to_string())),
        }
    }

    fn save(&self, map: &BTreeMap<String, String>) -> Result<(), VaultError> {
        let tmp = self.path.with_extension("tmp");
        let json = serde_json::to_vec(map).map_err(|e| failure(&e.to_string()))?;
        std::fs::write(&tmp, json).map_err(|e| failure(&e.to_string()))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| failure(&e.to_string()))
    }
}

fn failure(why: &str) -> VaultError {
    VaultError {
        code: "PLATFORM".into(),
        message: format!("テスト用の鍵ファイルを読み書きできません: {why}"),
        remedy: "テスト環境を確認してください。".into(),
    }
}

impl Vault for FileVault {
    fn status(&self) -> KeychainStatus {
        KeychainStatus::Available {
            backend: "test file".into(),
        }
    }
    fn get(&self, name: &str) -> Result<Option<String>, VaultError> {
        Ok(self.load()?.get(name).cloned())
    }
    fn set(&self, name: &str, secret: &str) -> Result<(), VaultError> {
        let mut map = self.load()?;
        map.insert(name.into(), secret.into());
        self.save(&map)
    }
    fn delete(&self, name: &str) -> Result<(), VaultError> {
        let mut map = self.load()?;
        if map.remove(name).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }
}

/// A data directory and a file vault in it, with a clock the in-process desk can move
/// past retry backoff (a child process runs on the real clock).
pub struct FileHost {
    pub dir: PathBuf,
    pub vault: FileVault,
    pub skew_ms: AtomicI64,
}

impl FileHost {
    pub fn new(dir: &Path) -> FileHost {
        FileHost {
            dir: dir.to_path_buf(),
            vault: FileVault::new(&dir.join("test-vault.json")),
            skew_ms: 0.into(),
        }
    }
    pub fn advance(&self, ms: i64) {
        self.skew_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Host for FileHost {
    fn version(&self) -> String {
        "0.0.0-test".into()
    }
    fn data_dir(&self) -> PathBuf {
        self.dir.clone()
    }
    fn vault(&self) -> &dyn Vault {
        &self.vault
    }
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::milliseconds(self.skew_ms.load(Ordering::SeqCst))
    }
}
