use super::ProjectError;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

pub const LOCK_FILE: &str = "shugu.lock";

/// An exclusive OS lock on the project folder, held while a window or command has
/// the project open for writing. The OS releases it when the process dies, so a
/// crash never leaves a stale lock behind.
#[derive(Debug)]
pub struct ProjectLock {
    file: File,
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
            Ok(()) => Ok(Self { file }),
            Err(TryLockError::WouldBlock) => Err(ProjectError::Locked(dir.to_path_buf())),
            Err(TryLockError::Error(e)) => Err(ProjectError::io(&path, e)),
        }
    }
}

impl Drop for ProjectLock {
    /// Unlocks before the file closes. Closing alone is not enough: a child
    /// process that another thread is starting shares the open file between
    /// its fork and its exec, and the lock would live on in that copy, so a
    /// command run right after the project is closed would find it locked.
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_lock_is_free_while_a_copy_of_its_file_is_still_open() {
        let dir = tempfile::tempdir().unwrap();
        let lock = ProjectLock::acquire(dir.path()).unwrap();
        assert!(matches!(
            ProjectLock::acquire(dir.path()),
            Err(ProjectError::Locked(_))
        ));
        // What a forked child holds until it execs: the same open file.
        let copy = lock.file.try_clone().unwrap();
        drop(lock);
        let again = ProjectLock::acquire(dir.path());
        drop(copy);
        assert!(again.is_ok(), "{again:?}");
    }
}
