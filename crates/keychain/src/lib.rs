//! The desk's [`Vault`] on the real OS keychain: Secret Service on Linux, Credential
//! Manager on Windows, Keychain on macOS (keyring 4 = keyring-core + one store crate per
//! platform, chosen at compile time).
//!
//! Failures are classified into stable codes with Japanese remedies, like gitbutler's
//! `but-secret`. There is deliberately no fallback: if no keychain works, the desk says
//! so and refuses to keep secrets, instead of writing them to a file.
use kencom_desk_core::{KeychainStatus, Vault, VaultError};
use keyring_core::{Entry, Error};

/// The keychain "service" every desk secret is filed under.
pub const SERVICE: &str = "jp.kencom.desk";

/// The OS keychain. Construct once at start-up with [`OsKeychain::open`].
pub struct OsKeychain {
    /// Why the platform store could not be opened, if it could not.
    open_error: Option<VaultError>,
    backend: &'static str,
}

impl OsKeychain {
    /// Open the platform store and make it keyring-core's default. Never fails: a missing
    /// keychain is remembered and reported by [`Vault::status`] and every call.
    pub fn open() -> Self {
        let (backend, result) = platform_store();
        let open_error = match result {
            Ok(store) => {
                keyring_core::set_default_store(store);
                None
            }
            Err(e) => Some(classify(&e)),
        };
        if let Some(e) = &open_error {
            tracing::warn!(code = %e.code, "OS keychain unavailable");
        }
        Self {
            open_error,
            backend,
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, VaultError> {
        if let Some(e) = &self.open_error {
            return Err(e.clone());
        }
        Entry::new(SERVICE, name).map_err(|e| classify(&e))
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> (
    &'static str,
    Result<std::sync::Arc<keyring_core::CredentialStore>, Error>,
) {
    (
        "Secret Service",
        zbus_secret_service_keyring_store::Store::new().map(|s| s as _),
    )
}

#[cfg(target_os = "windows")]
fn platform_store() -> (
    &'static str,
    Result<std::sync::Arc<keyring_core::CredentialStore>, Error>,
) {
    (
        "Windows Credential Manager",
        windows_native_keyring_store::Store::new().map(|s| s as _),
    )
}

#[cfg(target_os = "macos")]
fn platform_store() -> (
    &'static str,
    Result<std::sync::Arc<keyring_core::CredentialStore>, Error>,
) {
    (
        "macOS Keychain",
        apple_native_keyring_store::keychain::Store::new().map(|s| s as _),
    )
}

/// Turn a keyring error into a stable code and Japanese remedy. The platform's own text
/// is kept out of the message (it may contain item paths); it goes to the log at debug.
fn classify(err: &Error) -> VaultError {
    tracing::debug!(error = %err, "keychain error");
    let (code, message, remedy) = match err {
        Error::NoStorageAccess(_) => (
            "LOCKED",
            "キーチェーンがロックされているか、アクセスが拒否されました。",
            "OS のキーチェーン（ログインキーリング）のロックを解除してから、もう一度お試しください。",
        ),
        Error::NoDefaultStore | Error::PlatformFailure(_) | Error::NotSupportedByStore(_) => {
            if cfg!(target_os = "linux") {
                (
                    "NO_SECRET_SERVICE",
                    "Secret Service（OS のキーチェーン）に接続できません。",
                    "gnome-keyring または KWallet をインストールし、デスクトップセッション（D-Bus）内で起動してください。例: sudo apt install gnome-keyring",
                )
            } else {
                (
                    "PLATFORM",
                    "OS のキーチェーンを利用できません。",
                    "OS のキーチェーン（資格情報マネージャー / キーチェーンアクセス）が有効か確認してください。",
                )
            }
        }
        _ => (
            "PLATFORM",
            "キーチェーンの操作に失敗しました。",
            "アプリを再起動しても解決しない場合は管理者に連絡してください。",
        ),
    };
    VaultError {
        code: code.into(),
        message: message.into(),
        remedy: remedy.into(),
    }
}

impl Vault for OsKeychain {
    fn status(&self) -> KeychainStatus {
        // A read of a probe entry exercises the whole path (bus, unlock, search) without
        // creating anything; "no entry" is the healthy answer.
        let probe = self
            .entry("status-probe")
            .and_then(|e| match e.get_password() {
                Ok(_) | Err(Error::NoEntry) => Ok(()),
                Err(e) => Err(classify(&e)),
            });
        match probe {
            Ok(()) => KeychainStatus::Available {
                backend: self.backend.into(),
            },
            Err(e) => KeychainStatus::Unavailable {
                code: e.code,
                message: e.message,
                remedy: e.remedy,
            },
        }
    }

    fn get(&self, name: &str) -> Result<Option<String>, VaultError> {
        match self.entry(name)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(&e)),
        }
    }

    fn set(&self, name: &str, secret: &str) -> Result<(), VaultError> {
        self.entry(name)?
            .set_password(secret)
            .map_err(|e| classify(&e))
    }

    fn delete(&self, name: &str) -> Result<(), VaultError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs against the real OS keychain. The test command starts a headless
    /// gnome-keyring (see xtask); without one this test fails loudly, as it should.
    #[test]
    fn round_trip_on_the_real_keychain() {
        let kc = OsKeychain::open();
        assert!(
            matches!(kc.status(), KeychainStatus::Available { .. }),
            "no usable OS keychain: {:?} (run through `cargo xtask test`, which starts one)",
            kc.status()
        );
        let name = format!("test-{}", std::process::id());
        kc.set(&name, "秘密-secret").unwrap();
        assert_eq!(kc.get(&name).unwrap().as_deref(), Some("秘密-secret"));
        kc.delete(&name).unwrap();
        assert_eq!(
            kc.get(&name).unwrap(),
            None,
            "delete must remove the secret"
        );
        kc.delete(&name).unwrap();
    }

    #[test]
    fn classification_has_japanese_remedies() {
        let e = classify(&Error::NoDefaultStore);
        assert!(!e.remedy.is_empty() && e.message.chars().any(|c| c > '\u{3000}'));
        assert_eq!(classify(&Error::NoStorageAccess("x".into())).code, "LOCKED");
    }
}
