//! Random tokens, their hashes, and password hashing (Argon2id, AUTH-02).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::AppError;

/// Argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's minimum for Argon2id).
fn argon2() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Verifies a password against a PHC string; a malformed hash never verifies.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), &hash).is_ok()),
        // No usable password (an imported account waiting for its first one-time password):
        // spend the time of a real check, so the answer's timing does not single it out.
        Err(_) => {
            dummy_verify(password);
            false
        }
    }
}

/// A hash verified when the login is unknown, so unknown and known IDs cost the same time.
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("not-a-real-password-0").unwrap_or_default());
    if let (Ok(hash), Ok(a)) = (PasswordHash::new(phc), argon2()) {
        let _ = a.verify_password(password.as_bytes(), &hash);
    }
}

/// `n` random bytes from the OS, URL-safe base64 without padding.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 hex of a high-entropy token (sessions, API tokens): only this is stored (SES-01).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A password that meets both profiles: 20 characters from four classes.
pub fn random_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!#%+-=?@";
    let mut rng = rand::rngs::OsRng;
    let mut pick = |set: &[u8]| -> char {
        let i = (rng.next_u32() as usize) % set.len();
        char::from(set[i])
    };
    let mut s = String::new();
    for i in 0..20 {
        let set = match i % 5 {
            0 | 3 => LOWER,
            1 => UPPER,
            2 => DIGIT,
            _ => SYMBOL,
        };
        s.push(pick(set));
    }
    s
}
