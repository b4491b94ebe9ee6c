//! Personal data at rest (PD-01): a versioned key ring, AES-256-GCM for values and a keyed
//! blind index (HMAC-SHA256) for equality search and uniqueness.
//!
//! Stored form: `v<version>:` + base64(nonce (12 bytes, random per value) || ciphertext+tag).
//! The associated data binds a ciphertext to its table, column, zone and row, so a value copied
//! to another row, column or zone fails to decrypt instead of being read as someone else's.
//!
//! Keys: `index:<base64 32 bytes>` (the blind-index key) and `<n>:<base64 32 bytes>` (data key
//! version n; the highest is current), from `YUANQU_DATA_KEY` (entries separated by commas) or
//! from the key file (one entry a line, `#` comments; created 0600 on first start; refused if
//! group or others may read it). The index key is long-lived: `yuanqu rotate-key` adds a data key
//! version and re-encrypts, but keeps the index key (the blind indexes stay valid). The keys are
//! never stored in the database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use yuanqu_store::Uuid;

use crate::AppError;

type Key = [u8; 32];

/// Where a value lives: its table, column, zone and row (the associated data).
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub zone_id: Uuid,
    pub row_id: Uuid,
}

impl Slot<'_> {
    fn aad(&self) -> String {
        format!("yuanqu|{}.{}|{}|{}", self.table, self.column, self.zone_id, self.row_id)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Invalid(String),
    #[error("the key file {0} may be read by group or others; run chmod 600 on it")]
    Permissions(PathBuf),
    #[error("key file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

#[derive(Clone, Default)]
struct Keys {
    data: BTreeMap<u32, Key>,
    index: Option<Key>,
}

impl Keys {
    fn parse(text: &str, sep: char) -> Result<Self, KeyError> {
        let mut k = Keys::default();
        for entry in text.split(sep).map(str::trim).filter(|e| !e.is_empty() && !e.starts_with('#')) {
            let (name, b64) = entry
                .split_once(':')
                .ok_or_else(|| KeyError::Invalid("a key entry is `index:<base64>` or `<version>:<base64>`".into()))?;
            let bytes = B64.decode(b64.trim()).map_err(|_| KeyError::Invalid(format!("key {name}: not base64")))?;
            let key: Key =
                bytes.try_into().map_err(|_| KeyError::Invalid(format!("key {name}: must be 32 bytes (base64)")))?;
            match name.trim() {
                "index" => k.index = Some(key),
                v => {
                    let v: u32 = v
                        .parse()
                        .ok()
                        .filter(|v| *v > 0)
                        .ok_or_else(|| KeyError::Invalid(format!("key version {v:?}: must be a number from 1")))?;
                    k.data.insert(v, key);
                }
            }
        }
        if k.index.is_none() || k.data.is_empty() {
            return Err(KeyError::Invalid("the data key needs an `index:` entry and at least one version".into()));
        }
        Ok(k)
    }

    fn render(&self) -> String {
        let mut s = String::from(
            "# Yuanqu data keys (PD-01). Keep this file secret, mode 0600, and back it up apart from\n\
             # the database: without it the encrypted personal data cannot be read.\n",
        );
        if let Some(i) = &self.index {
            s.push_str(&format!("index:{}\n", B64.encode(i)));
        }
        for (v, k) in &self.data {
            s.push_str(&format!("{v}:{}\n", B64.encode(k)));
        }
        s
    }

    fn current(&self) -> Option<(u32, &Key)> {
        self.data.iter().next_back().map(|(v, k)| (*v, k))
    }
}

enum Source {
    None,
    Fixed,
    Env,
    File { path: PathBuf, modified: RwLock<Option<SystemTime>> },
}

/// The data keys a process holds. A key file is re-read when a value names a version not yet
/// loaded and, before encrypting, when the file changed, so a running server follows
/// `yuanqu rotate-key`.
pub struct KeyRing {
    keys: RwLock<Keys>,
    source: Source,
}

fn random_key() -> Key {
    let mut k = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut k);
    k
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io { path: path.to_owned(), source }
}

#[cfg(unix)]
fn check_mode(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).map_err(io(path))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions(path.to_owned()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path) -> Result<(), KeyError> {
    Ok(())
}

/// Writes the key file atomically (a 0600 temporary file renamed over it).
fn write_key_file(path: &Path, keys: &Keys) -> Result<(), KeyError> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(&tmp).map_err(io(&tmp))?;
    check_mode(&tmp)?;
    f.write_all(keys.render().as_bytes()).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

fn read_key_file(path: &Path) -> Result<(Keys, Option<SystemTime>), KeyError> {
    check_mode(path)?;
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    Ok((Keys::parse(&text, '\n')?, modified))
}

impl KeyRing {
    /// No key: encrypting or decrypting fails (for tools that never touch personal data).
    pub fn none() -> Self {
        Self { keys: RwLock::new(Keys::default()), source: Source::None }
    }

    /// A fixed, well-known key for tests only.
    pub fn for_tests() -> Self {
        let mut k = Keys { index: Some([7u8; 32]), ..Default::default() };
        k.data.insert(1, [1u8; 32]);
        Self { keys: RwLock::new(k), source: Source::Fixed }
    }

    /// From `YUANQU_DATA_KEY`'s value: `index:<b64>,1:<b64>,2:<b64>`.
    pub fn from_env_value(v: &str) -> Result<Self, KeyError> {
        Ok(Self { keys: RwLock::new(Keys::parse(v, ',')?), source: Source::Env })
    }

    /// From the key file, created (mode 0600, a fresh index key and version 1) if absent.
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io(dir))?;
            }
            let mut k = Keys { index: Some(random_key()), ..Default::default() };
            k.data.insert(1, random_key());
            write_key_file(path, &k)?;
            tracing::warn!(path = %path.display(), "created a new data key file; back it up apart from the database");
        }
        let (keys, modified) = read_key_file(path)?;
        Ok(Self {
            keys: RwLock::new(keys),
            source: Source::File { path: path.to_owned(), modified: RwLock::new(modified) },
        })
    }

    /// The environment variable if set, else the key file.
    pub fn load(env_value: Option<&str>, file: &Path) -> Result<Self, KeyError> {
        match env_value {
            Some(v) if !v.trim().is_empty() => Self::from_env_value(v),
            _ => Self::from_file(file),
        }
    }

    /// Adds a new data key version to the key file and makes it current; with keys from the
    /// environment (which cannot be written) the newest version present is current already.
    /// Returns the current version.
    pub fn add_version(&self) -> Result<u32, KeyError> {
        match &self.source {
            Source::File { path, .. } => {
                let (mut k, _) = read_key_file(path)?;
                let v = k.current().map_or(1, |(v, _)| v + 1);
                k.data.insert(v, random_key());
                write_key_file(path, &k)?;
                self.reload()?;
                Ok(v)
            }
            Source::Fixed => {
                let mut k = self.keys.write().map_err(|_| KeyError::Invalid("key ring poisoned".into()))?;
                let v = k.current().map_or(1, |(v, _)| v + 1);
                let key = [u8::try_from(v % 256).unwrap_or(0); 32];
                k.data.insert(v, key);
                Ok(v)
            }
            Source::Env | Source::None => self.current_version().ok_or_else(|| KeyError::Invalid("no data key".into())),
        }
    }

    pub fn current_version(&self) -> Option<u32> {
        self.keys.read().ok().and_then(|k| k.current().map(|(v, _)| v))
    }

    fn reload(&self) -> Result<(), KeyError> {
        if let Source::File { path, modified } = &self.source {
            let (k, m) = read_key_file(path)?;
            if let Ok(mut w) = self.keys.write() {
                *w = k;
            }
            if let Ok(mut w) = modified.write() {
                *w = m;
            }
        }
        Ok(())
    }

    /// Re-reads the key file if it changed since it was loaded.
    fn refresh(&self) {
        if let Source::File { path, modified } = &self.source {
            let now = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            let seen = modified.read().ok().and_then(|m| *m);
            if now != seen
                && let Err(e) = self.reload()
            {
                tracing::error!(error = %e, "re-reading the data key file failed; keeping the keys loaded");
            }
        }
    }

    fn snapshot(&self) -> Result<Keys, AppError> {
        self.keys.read().map(|k| k.clone()).map_err(|_| AppError::Internal("key ring poisoned".into()))
    }

    /// Encrypts under the current version.
    pub fn encrypt(&self, slot: Slot<'_>, plaintext: &str) -> Result<String, AppError> {
        self.refresh();
        let keys = self.snapshot()?;
        let (v, key) = keys.current().ok_or_else(|| AppError::Internal("no data key loaded".into()))?;
        let cipher = Aes256Gcm::new(key.into());
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = slot.aad();
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext.as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| AppError::Internal("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("v{v}:{}", B64.encode(out)))
    }

    /// The key version a stored value names.
    pub fn version_of(stored: &str) -> Option<u32> {
        stored.strip_prefix('v')?.split_once(':')?.0.parse().ok()
    }

    /// Decrypts a stored value; an unknown version makes the key file be read again.
    pub fn decrypt(&self, slot: Slot<'_>, stored: &str) -> Result<String, AppError> {
        let bad = || AppError::Internal(format!("an encrypted {}.{} value does not decrypt", slot.table, slot.column));
        let v = Self::version_of(stored).ok_or_else(bad)?;
        let (_, b64) = stored.split_once(':').ok_or_else(bad)?;
        let mut keys = self.snapshot()?;
        if !keys.data.contains_key(&v) {
            if let Err(e) = self.reload() {
                tracing::error!(error = %e, "re-reading the data key file failed");
            }
            keys = self.snapshot()?;
        }
        let key = keys.data.get(&v).ok_or_else(|| AppError::Internal(format!("data key version {v} is not loaded")))?;
        let raw = B64.decode(b64).map_err(|_| bad())?;
        if raw.len() < 12 + 16 {
            return Err(bad());
        }
        let (nonce, ct) = raw.split_at(12);
        let aad = slot.aad();
        let pt = Aes256Gcm::new(key.into())
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: aad.as_bytes() })
            .map_err(|_| bad())?;
        String::from_utf8(pt).map_err(|_| bad())
    }

    /// The blind index of a normalised value: hex HMAC-SHA256 under the index key, over the
    /// table, column and zone and the value (equal numbers in two zones do not match).
    pub fn blind_index(&self, table: &str, column: &str, zone_id: Uuid, normalised: &str) -> Result<String, AppError> {
        let keys = self.snapshot()?;
        let key = keys.index.ok_or_else(|| AppError::Internal("no index key loaded".into()))?;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).map_err(|_| AppError::Internal("hmac key".into()))?;
        for part in [table, column, &zone_id.to_string(), normalised] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        Ok(hex::encode(mac.finalize().into_bytes()))
    }
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyRing(..)")
    }
}

/// What a key rotation did: the current version and how many values it re-encrypted per zone.
#[derive(Debug, Clone, Default)]
pub struct Rotation {
    pub version: u32,
    pub per_zone: BTreeMap<Uuid, u64>,
}

/// Re-encrypts every encrypted value not under the current key version, `batch` rows per short
/// transaction, each rewrite conditional on the old ciphertext (a concurrent edit wins and is
/// already under a loaded key). Passes repeat until one finds nothing left to rewrite, so values
/// a server wrote under the old version meanwhile are caught. Then audits
/// `personal.key_rotated` with the count in each zone that had values.
pub async fn reencrypt_all(app: &crate::App, batch: u64) -> Result<Rotation, AppError> {
    use yuanqu_store::personal::{ENCRYPTED_COLUMNS, encrypted_batch, replace_encrypted};
    let keys = &app.keys;
    let version = keys.current_version().ok_or_else(|| AppError::Internal("no data key loaded".into()))?;
    let mut per_zone: BTreeMap<Uuid, u64> = BTreeMap::new();
    for pass in 1..=20 {
        let mut rewritten = 0u64;
        for (table, column) in ENCRYPTED_COLUMNS {
            let mut after = None;
            loop {
                let rows = encrypted_batch(&app.db.conn(), table, column, after, batch).await?;
                let Some(last) = rows.last() else { break };
                after = Some(last.id);
                let mut todo = Vec::new();
                for r in rows.iter().filter(|r| KeyRing::version_of(&r.value) != Some(version)) {
                    let slot = Slot { table, column, zone_id: r.zone_id, row_id: r.id };
                    let plain = keys.decrypt(slot, &r.value)?;
                    todo.push((r.clone(), keys.encrypt(slot, &plain)?));
                }
                if todo.is_empty() {
                    continue;
                }
                let done: Vec<Uuid> = app
                    .db
                    .write(|c| {
                        let todo = todo.clone();
                        Box::pin(async move {
                            let mut zones = Vec::new();
                            for (old, new) in &todo {
                                if replace_encrypted(c, table, column, old, new).await? {
                                    zones.push(old.zone_id);
                                }
                            }
                            Ok::<_, AppError>(zones)
                        })
                    })
                    .await?;
                rewritten += done.len() as u64;
                for z in done {
                    *per_zone.entry(z).or_default() += 1;
                }
            }
        }
        tracing::info!(pass, rewritten, version, "re-encryption pass");
        if rewritten == 0 {
            break;
        }
    }
    let now = app.now();
    for (zone_id, count) in &per_zone {
        let (zone_id, count) = (*zone_id, *count);
        app.db
            .write(|c| {
                Box::pin(async move {
                    let by = crate::audit::By { zone_id, user_id: None, login: Some("system".into()) };
                    let e = crate::audit::Entry::new("personal.key_rotated", "data_key", None)
                        .after(serde_json::json!({ "version": version, "count": count }));
                    crate::audit::record(c, now, &by, &crate::RequestCtx::default(), e).await
                })
            })
            .await?;
    }
    Ok(Rotation { version, per_zone })
}
