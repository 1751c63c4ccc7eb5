//! Server secrets at rest. An operator's TOTP seed is a second factor: stored in clear, a
//! copied database (a backup, a support dump) would hand out every operator's codes. So the
//! server has one **master key** — 32 random bytes in a key file readable by the server
//! only, never in the database — and derives from it:
//!
//! - the TOTP sealing key: seeds are stored as `v1.` + base64url(nonce ‖ XChaCha20-Poly1305
//!   ciphertext), bound to the operator's login ID (a sealed seed copied onto another
//!   operator's row does not open);
//! - the checkup-code pepper (the keyed hash codes are looked up by), which was a constant.
//!
//! Seeds written before sealing existed are still read (they have no `v1.` prefix) and are
//! sealed at the next start of the server ([`seal_plain_totp_seeds`]) or sign-in.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const SEALED_PREFIX: &str = "v1.";
const NONCE_LEN: usize = 24;

/// The server's master key. `Debug` never prints it.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

/// Why a key file cannot be used (shown by the CLI; no key material in it).
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: a key file holds 64 hex digits (32 bytes)")]
    Malformed { path: String },
    #[error("{path}: readable by other users; run `chmod 600 {path}`")]
    TooOpen { path: String },
}

impl MasterKey {
    /// The fixed key of demos and tests that run the server in-process with
    /// `Config::default()`: not a secret, exactly like the demo pepper it replaces. The CLI
    /// never uses it.
    pub fn demo() -> Self {
        Self(*b"kencom-demo-master-key-not-secre")
    }

    /// A new random key.
    pub fn random() -> Self {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        Self(k)
    }

    /// Read the key file; refuse one that other users can read (Unix).
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        let shown = path.display().to_string();
        let io = |source| KeyFileError::Io {
            path: shown.clone(),
            source,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(KeyFileError::TooOpen { path: shown });
            }
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let bytes = hex::decode(text.trim()).map_err(|_| KeyFileError::Malformed {
            path: shown.clone(),
        })?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| KeyFileError::Malformed { path: shown })?;
        Ok(Self(key))
    }

    /// Write a new random key to `path`, which must not exist (owner-only on Unix).
    pub fn create(path: &Path) -> Result<Self, KeyFileError> {
        let key = Self::random();
        let io = |source| KeyFileError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(io)?;
        f.write_all(hex::encode(key.0).as_bytes()).map_err(io)?;
        f.write_all(b"\n").map_err(io)?;
        f.sync_all().map_err(io)?;
        Ok(key)
    }

    fn derive(&self, label: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The checkup-code pepper derived from this key.
    pub fn code_pepper(&self) -> String {
        hex::encode(self.derive("kencom checkup-code pepper v1"))
    }

    /// The key TOTP seeds are sealed with.
    pub fn totp_key(&self) -> TotpKey {
        TotpKey(self.derive("kencom totp-seed sealing v1"))
    }
}

/// Seals and opens operators' TOTP seeds. `Debug` never prints it.
#[derive(Clone)]
pub struct TotpKey([u8; 32]);

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(…)")
    }
}

/// A stored seed that does not open: sealed under another key, bound to another login, or
/// damaged. Sign-in then fails like a wrong code (and the server log says which operator).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("the TOTP seed does not open with this server's key")]
pub struct SealError;

fn aad(login_id: &str) -> Vec<u8> {
    [b"kencom totp ".as_slice(), login_id.as_bytes()].concat()
}

impl TotpKey {
    /// Seal a base32 seed for `login_id`.
    pub fn seal(&self, login_id: &str, seed_b32: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let aad = aad(login_id);
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: seed_b32.as_bytes(),
                    aad: &aad,
                },
            )
            .unwrap_or_else(|_| unreachable!("encryption of a short message cannot fail"));
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        format!(
            "{SEALED_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
        )
    }

    /// The base32 seed of a stored value: opened when sealed, as is when written before
    /// sealing existed (see [`is_sealed`]).
    pub fn open(&self, login_id: &str, stored: &str) -> Result<String, SealError> {
        let Some(body) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_string());
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError)?;
        if bytes.len() <= NONCE_LEN {
            return Err(SealError);
        }
        let (nonce, ct) = bytes.split_at(NONCE_LEN);
        let aad = aad(login_id);
        let plain = XChaCha20Poly1305::new((&self.0).into())
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
            .map_err(|_| SealError)?;
        String::from_utf8(plain).map_err(|_| SealError)
    }
}

/// Whether a stored seed is sealed (base32 seeds never contain '.').
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

/// Seal every seed still stored in clear (databases from before sealing); returns how many.
/// Run by `serve` before it listens, in one transaction.
pub fn seal_plain_totp_seeds(
    tx: &mut dyn crate::store::Tx,
    key: &TotpKey,
) -> crate::store::StoreResult<usize> {
    let mut sealed = 0;
    for o in tx.list_operators()? {
        if !is_sealed(&o.totp_secret) {
            tx.set_totp_secret(o.id, &key.seal(&o.login_id, &o.totp_secret))?;
            sealed += 1;
        }
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn a_sealed_seed_opens_only_with_its_key_and_login() {
        let key = MasterKey::random().totp_key();
        let sealed = key.seal("agent01", SEED);
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains(SEED), "no clear seed in the stored value");
        assert_eq!(key.open("agent01", &sealed).unwrap(), SEED);
        assert_eq!(
            key.open("agent02", &sealed),
            Err(SealError),
            "bound to the login"
        );
        assert_eq!(
            MasterKey::random().totp_key().open("agent01", &sealed),
            Err(SealError),
            "another server's key"
        );
        let mut damaged = sealed.clone();
        damaged.pop();
        damaged.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(key.open("agent01", &damaged), Err(SealError));
        assert_eq!(key.open("agent01", "v1."), Err(SealError));
        assert_ne!(
            key.seal("agent01", SEED),
            sealed,
            "a fresh nonce every time"
        );
    }

    #[test]
    fn a_seed_from_before_sealing_reads_as_is() {
        let key = MasterKey::demo().totp_key();
        assert!(!is_sealed(SEED));
        assert_eq!(key.open("agent01", SEED).unwrap(), SEED);
    }

    #[test]
    fn derived_keys_differ_per_purpose_and_master() {
        let a = MasterKey::random();
        assert_ne!(a.code_pepper(), MasterKey::random().code_pepper());
        assert_ne!(a.code_pepper(), hex::encode(a.totp_key().0));
        assert_eq!(a.code_pepper(), a.clone().code_pepper());
        assert_eq!(format!("{a:?}"), "MasterKey(…)");
    }

    #[test]
    fn key_files_are_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("central.db.key");
        let made = MasterKey::create(&path).unwrap();
        assert!(
            MasterKey::create(&path).is_err(),
            "an existing key is never overwritten"
        );
        let read = MasterKey::load(&path).unwrap();
        assert_eq!(read.code_pepper(), made.code_pepper());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                MasterKey::load(&path),
                Err(KeyFileError::TooOpen { .. })
            ));
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(&path, "abcd\n").unwrap();
        assert!(matches!(
            MasterKey::load(&path),
            Err(KeyFileError::Malformed { .. })
        ));
    }
}
