use super::ProjectError;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a file so that readers and crashes see either the old content or the new,
/// never a torn file: write a temporary file beside it, flush it to disk, rename.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), ProjectError> {
    stage_file(path, write)?.persist()
}

/// A file written in full to a temporary file beside its path, not yet in
/// place: [`StagedFile::persist`] renames it there; dropping it deletes it.
/// Staging an export's files first puts none of them in place unless all of
/// them could be written.
pub struct StagedFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// The first half of [`write_atomic`]: the file written and flushed to disk
/// beside `path`, which is not touched yet.
pub fn stage_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<StagedFile, ProjectError> {
    let dir = parent_dir(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".shugu-tmp-");
    // Temporary files are private by default; the result should be as readable as
    // the file it replaces, or as an ordinary new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| ProjectError::io(dir, e))?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        write(&mut buffered).map_err(|e| ProjectError::io(path, e))?;
        buffered.flush().map_err(|e| ProjectError::io(path, e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| ProjectError::io(path, e))?;
    Ok(StagedFile {
        tmp,
        path: path.to_path_buf(),
    })
}

impl StagedFile {
    /// Renames the file into place, durably where the platform allows.
    pub fn persist(self) -> Result<(), ProjectError> {
        let Self { tmp, path } = self;
        tmp.persist(&path)
            .map_err(|e| ProjectError::io(&path, e.error))?;
        // Make the rename itself durable where the platform allows opening directories.
        if let Ok(d) = std::fs::File::open(parent_dir(&path)) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes a folder so that readers see the old folder or the new one, never a
/// half-written one: `fill` writes into a temporary folder beside `path`, which
/// then replaces it by renames (the old folder, if any, is moved aside first and
/// deleted after; put back if the second rename fails). Files inside are not
/// fsynced one by one: for a tree of 100k label files that would take minutes.
pub fn write_dir_atomic(
    path: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), ProjectError> {
    let parent = parent_dir(path);
    let tmp = tempfile::Builder::new()
        .prefix(".shugu-tmp-")
        .tempdir_in(parent)
        .map_err(|e| ProjectError::io(parent, e))?;
    fill(tmp.path()).map_err(|e| ProjectError::io(path, e))?;
    let old = if path.exists() {
        let aside = tempfile::Builder::new()
            .prefix(".shugu-old-")
            .tempdir_in(parent)
            .map_err(|e| ProjectError::io(parent, e))?;
        let aside_path = aside.path().join("old");
        std::fs::rename(path, &aside_path).map_err(|e| ProjectError::io(path, e))?;
        Some((aside, aside_path))
    } else {
        None
    };
    let tmp_path = tmp.keep();
    if let Err(e) = std::fs::rename(&tmp_path, path) {
        if let Some((_, aside_path)) = &old {
            let _ = std::fs::rename(aside_path, path);
        }
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(ProjectError::io(path, e));
    }
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
    // Dropping the aside folder deletes the old tree.
    drop(old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old").unwrap();
        let r = write_atomic(&path, |_w| Err(std::io::Error::other("disk full")));
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "old");
    }

    #[test]
    fn a_folder_is_replaced_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export");
        std::fs::create_dir_all(out.join("labels")).unwrap();
        std::fs::write(out.join("labels/stale.txt"), "old").unwrap();
        let failed = write_dir_atomic(&out, |tmp| {
            std::fs::write(tmp.join("data.yaml"), "x")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert!(out.join("labels/stale.txt").is_file());
        write_dir_atomic(&out, |tmp| std::fs::write(tmp.join("data.yaml"), "new")).unwrap();
        assert!(!out.join("labels").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("data.yaml")).unwrap_or_default(),
            "new"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "no temporary folders left behind");
    }
}
