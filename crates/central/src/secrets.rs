//! Everything secret-shaped: random tokens, token hashing (we store hashes of tokens
//! only), argon2id for passwords and secret-question answers, a keyed hash for checkup
//! codes (they must be looked up by value, so no per-row salt), and TOTP.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::clock::Millis;

/// A URL-safe random token with 256 bits of entropy.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// SHA-256 hex of a high-entropy token (no salt needed: tokens are random, not guessable).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// SHA-256 hex of arbitrary bytes (request bodies for idempotency).
pub fn bytes_hash(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// Keyed hash of a checkup code: codes are short, so the server pepper keeps a stolen
/// database from being brute-forced offline.
pub fn code_hash(pepper: &str, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(pepper.as_bytes());
    h.update([0u8]);
    h.update(code.as_bytes());
    hex::encode(h.finalize())
}

/// A new checkup code: 12 characters from an alphabet without look-alikes (0/O, 1/I/L),
/// printed in groups of four on the postcard.
pub fn new_checkup_code(rng: &mut impl Rng) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// argon2id hash (PHC string) of a password or answer.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut rand::thread_rng());
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// argon2id with cheap parameters, for bulk demo data only (seeding a million members
/// must not spend a second per hash). Verification reads the parameters from the hash.
pub fn hash_password_fast(password: &str) -> Result<String, String> {
    let params = argon2::Params::new(256, 1, 1, None).map_err(|e| e.to_string())?;
    let a = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::generate(&mut rand::thread_rng());
    a.hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Constant-time verification against a PHC string; false on any malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A new base32 TOTP secret (160 bits, RFC 4226's recommendation).
pub fn new_totp_secret() -> String {
    let mut b = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut b);
    match Secret::Raw(b.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => String::new(),
    }
}

fn totp(secret_b32: &str, login: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("KenCoM-Desk".into()),
        login.to_string(),
    )
    .ok()
}

/// Check a TOTP at `now` (±1 step of skew).
pub fn check_totp(secret_b32: &str, code: &str, now: Millis) -> bool {
    totp(secret_b32, "operator")
        .map(|t| t.check(code.trim(), (now / 1000).max(0) as u64))
        .unwrap_or(false)
}

/// The 30-second step a TOTP matches at `now` (±1 step), so a sign-in can refuse a code
/// whose step was already used.
pub fn matching_totp_step(secret_b32: &str, code: &str, now: Millis) -> Option<i64> {
    let t = totp(secret_b32, "operator")?;
    let step = now.max(0) / 30_000;
    [step, step - 1, step + 1]
        .into_iter()
        .filter(|s| *s >= 0)
        .find(|s| t.generate((*s * 30) as u64) == code.trim())
}

/// The TOTP for `now` (tests, demo tooling).
pub fn current_totp(secret_b32: &str, now: Millis) -> String {
    totp(secret_b32, "operator")
        .map(|t| t.generate((now / 1000).max(0) as u64))
        .unwrap_or_default()
}

/// otpauth:// URL for authenticator apps.
pub fn totp_url(secret_b32: &str, login: &str) -> String {
    totp(secret_b32, login)
        .map(|t| t.get_url())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_roundtrip_and_reject() {
        let h = hash_password("abc123").unwrap();
        assert!(
            h.starts_with("$argon2id$"),
            "operators' passwords must be argon2id"
        );
        assert!(verify_password("abc123", &h));
        assert!(!verify_password("abc124", &h));
        assert!(verify_password("x", &hash_password_fast("x").unwrap()));
    }

    #[test]
    fn totp_accepts_current_and_rejects_other() {
        let s = new_totp_secret();
        let now = 1_780_000_000_000;
        let code = current_totp(&s, now);
        assert!(check_totp(&s, &code, now));
        assert!(
            !check_totp(&s, &code, now + 10 * 60_000),
            "a code from ten minutes ago must fail"
        );
    }
}
