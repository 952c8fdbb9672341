use super::ProjectError;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

pub const LOCK_FILE: &str = "shugu.lock";

/// An exclusive OS lock on the project folder, held while a window or command has
/// the project open for writing. The OS releases it when the process dies, so a
/// crash never leaves a stale lock behind.
#[derive(Debug)]
pub struct ProjectLock {
    _file: File,
}

impl ProjectLock {
    /// Takes the lock, or `Err(Locked)` when another process holds it.
    pub fn acquire(dir: &Path) -> Result<Self, ProjectError> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| ProjectError::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(ProjectError::Locked(dir.to_path_buf())),
            Err(TryLockError::Error(e)) => Err(ProjectError::io(&path, e)),
        }
    }
}
