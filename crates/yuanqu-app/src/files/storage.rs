//! Files on disk under `<files dir>/ab/cd/<name>`, where `name` is 128 random bits in hex:
//! never the content's hash nor the user's file name.
//!
//! Crash safety: a file is written to a temporary file in its final directory, flushed
//! (`sync_all`), renamed into place, and the directory is flushed; only then does the caller
//! commit the database row that refers to it. A crash in between leaves at most an orphaned
//! file that no row refers to, which is harmless (and can be swept); never a row without its
//! file.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rand::RngCore;

#[derive(Debug, Clone)]
pub struct Storage {
    root: PathBuf,
}

/// A storage name is exactly 32 lowercase hex digits.
pub fn is_storage_name(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

impl Storage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a stored file lives; `None` for a name that is not a storage name.
    pub fn path_of(&self, name: &str) -> Option<PathBuf> {
        is_storage_name(name).then(|| self.root.join(&name[0..2]).join(&name[2..4]).join(name))
    }

    /// Writes `bytes` under a new random name, durably, and returns the name.
    pub fn put(&self, bytes: &[u8]) -> io::Result<String> {
        let mut raw = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let name: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        let path = self.path_of(&name).ok_or_else(|| io::Error::other("bad storage name"))?;
        let dir = path.parent().ok_or_else(|| io::Error::other("no parent directory"))?;
        fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{name}.tmp"));
        let written = (|| {
            let mut f = File::options().write(true).create_new(true).open(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, &path)?;
            // The rename, and any directories just created, are durable once their parents are.
            for d in [dir, dir.parent().unwrap_or(dir), self.root.as_path()] {
                sync_dir(d)?;
            }
            Ok(())
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written.map(|()| name)
    }

    /// The stored bytes.
    pub fn get(&self, name: &str) -> io::Result<Vec<u8>> {
        let path = self.path_of(name).ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "bad storage name"))?;
        fs::read(path)
    }
}

#[cfg(unix)]
fn sync_dir(d: &Path) -> io::Result<()> {
    File::open(d)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_file_has_a_random_name_in_two_levels_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::new(dir.path());
        let a = s.put(b"same").unwrap();
        let b = s.put(b"same").unwrap();
        assert_ne!(a, b);
        assert!(is_storage_name(&a));
        assert_eq!(s.get(&a).unwrap(), b"same");
        let p = s.path_of(&a).unwrap();
        assert_eq!(p.strip_prefix(dir.path()).unwrap(), Path::new(&a[0..2]).join(&a[2..4]).join(&a));
        let leftovers: Vec<_> = fs::read_dir(p.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        assert!(s.path_of("../../etc/passwd").is_none());
        assert!(s.get("../../../etc/passwd").is_err());
    }
}
