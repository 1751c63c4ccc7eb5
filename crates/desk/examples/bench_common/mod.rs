//! What the desk benchmarks share: an in-memory keychain and a host on a temp directory.
//! (Included with `#[path]` by each example; not an example itself.)
use kencom_desk_core::{Host, KeychainStatus, Vault, VaultError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Default)]
pub struct MemoryVault(Mutex<HashMap<String, String>>);
impl Vault for MemoryVault {
    fn status(&self) -> KeychainStatus {
        KeychainStatus::Available {
            backend: "memory".into(),
        }
    }
    fn get(&self, n: &str) -> Result<Option<String>, VaultError> {
        Ok(self.0.lock().unwrap().get(n).cloned())
    }
    fn set(&self, n: &str, s: &str) -> Result<(), VaultError> {
        self.0.lock().unwrap().insert(n.into(), s.into());
        Ok(())
    }
    fn delete(&self, n: &str) -> Result<(), VaultError> {
        self.0.lock().unwrap().remove(n);
        Ok(())
    }
}

pub struct BenchHost(pub tempfile::TempDir, pub MemoryVault);
impl Host for BenchHost {
    fn version(&self) -> String {
        "bench".into()
    }
    fn data_dir(&self) -> PathBuf {
        self.0.path().to_path_buf()
    }
    fn vault(&self) -> &dyn Vault {
        &self.1
    }
}
