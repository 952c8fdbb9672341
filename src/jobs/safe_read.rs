//! Reading the files an import opens without being led astray by them.
//!
//! A dataset folder is untrusted: its `classes.txt` may be a symbolic link to
//! a private file (whose lines would become class names), its `labelmap.txt` a
//! FIFO (a read that never returns) or a link to `/dev/zero` (a read that
//! never ends). Every reader here looks at the file's type *before* opening it
//! (`symlink_metadata`, so a link is seen as a link), opens it so that neither
//! a link swapped in meanwhile is followed nor a FIFO blocks (`O_NOFOLLOW |
//! O_NONBLOCK` on Unix), checks the opened file is still a regular file, and
//! reads at most its cap, whatever size the file claims.
//!
//! - [`read_inside`]: a file a dataset names by a relative path (`classes.txt`,
//!   `ImageSets/Main/train.txt`): no component may be a link, nothing may
//!   leave the root.
//! - [`read_found`]: a file a folder walk found (already known to be inside):
//!   the file itself must not be a link.
//! - [`read_named`]: a file the user chose: a link is followed (the user
//!   named it), but only a regular file is read, and at most its cap.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// Cap for the small files that describe a dataset: class lists
/// (`classes.txt`, `obj.names`), `data.yaml`, `labelmap.txt`.
pub const SIDE_FILE_CAP: u64 = 16 << 20;
/// Cap for split lists (`train.txt`: one image path a line, so about 300,000
/// paths per 16 MiB).
pub const LIST_FILE_CAP: u64 = 64 << 20;

/// The bytes of `rel` (a `/`-separated path relative to `root`), or `None`
/// when nothing is there. Refused, with the reason: a path that leaves the
/// root (`..`, absolute, a drive letter), a path through or to a symbolic
/// link, anything but a regular file, a file over `cap` bytes.
pub fn read_inside(root: &Path, rel: &str, cap: u64) -> Result<Option<Vec<u8>>, String> {
    if let Some(reason) = crate::formats::label_paths::relative_problem(rel) {
        return Err(format!("{reason}; it was not opened"));
    }
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = rel
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let Some((last, folders)) = parts.split_last() else {
        return Err("the file name is empty".into());
    };
    for folder in folders {
        path.push(folder);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(format!(
                    "`{folder}` on its path is a symbolic link; {NOT_FOLLOWED}"
                ));
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => return Ok(None),
            Err(e) if absent(&e) => return Ok(None),
            Err(e) => return Err(e.to_string()),
        }
    }
    path.push(last);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) => read_checked(&path, &meta, cap).map(Some),
        Err(e) if absent(&e) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// The bytes of a file a folder walk found: refused when it is (now) a
/// symbolic link or not a regular file, or over `cap` bytes.
pub fn read_found(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    read_checked(path, &meta, cap)
}

/// The bytes of a file the user named. A link is followed, but only a
/// regular file of at most `cap` bytes is read: a FIFO or a device is refused
/// before it is opened.
pub fn read_named(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    read_open(open_named(path)?, cap)
}

/// Opens a file the user named, to be read as a stream (a text file of any
/// size): as [`read_named`], a link is followed but a FIFO or a device is
/// refused before it is opened, so the stream ends where the file does.
pub fn open_named(path: &Path) -> Result<File, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    check_kind(&meta)?;
    let file = open_nonblocking(path, false)?;
    check_kind(&file.metadata().map_err(|e| e.to_string())?)?;
    Ok(file)
}

const NOT_FOLLOWED: &str =
    "Shugu reads only regular files inside the dataset folder, so it was not followed";

fn absent(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

/// Reads `path`, whose `symlink_metadata` is `meta`, unless it is a link or
/// not a regular file.
fn read_checked(path: &Path, meta: &Metadata, cap: u64) -> Result<Vec<u8>, String> {
    if meta.file_type().is_symlink() {
        return Err(format!("the file is a symbolic link; {NOT_FOLLOWED}"));
    }
    check_kind(meta)?;
    let file = open_nonblocking(path, true)?;
    read_open(file, cap)
}

/// Refuses anything but a regular file, before it is opened.
fn check_kind(meta: &Metadata) -> Result<(), String> {
    if meta.is_dir() {
        Err("it is a folder, not a file".into())
    } else if !meta.is_file() {
        Err("it is not a regular file (a pipe, a device or a socket); it was not read".into())
    } else {
        Ok(())
    }
}

/// Opens for reading; on Unix without blocking (a FIFO swapped in after the
/// check opens at once, and its read fails instead of waiting) and, with
/// `no_follow`, refusing a symbolic link in the last component.
fn open_nonblocking(path: &Path, no_follow: bool) -> Result<File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let follow = if no_follow { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | follow);
    }
    #[cfg(not(unix))]
    let _ = no_follow;
    options.open(path).map_err(|e| e.to_string())
}

/// Reads an opened file that must still be a regular file, stopping past `cap`.
fn read_open(file: File, cap: u64) -> Result<Vec<u8>, String> {
    let meta = file.metadata().map_err(|e| e.to_string())?;
    check_kind(&meta)?;
    let too_large = |size: u64| {
        format!(
            "the file is {size} bytes, more than the {} Shugu reads for it; it was not read",
            shown_size(cap)
        )
    };
    if meta.len() > cap {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > cap {
        // It grew while being read.
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// `16 MiB`, `64 KiB`, `100 bytes`.
fn shown_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn reads_a_regular_file_inside_and_says_when_there_is_none() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "sets/train.txt", b"a.jpg\n");
        let got = read_inside(dir.path(), "sets/train.txt", SIDE_FILE_CAP);
        assert_eq!(got, Ok(Some(b"a.jpg\n".to_vec())));
        assert_eq!(read_inside(dir.path(), "sets/val.txt", 10), Ok(None));
        assert_eq!(read_inside(dir.path(), "nothing/val.txt", 10), Ok(None));
        // A file where a folder should be: nothing there either.
        assert_eq!(read_inside(dir.path(), "sets/train.txt/x", 10), Ok(None));
        let err = read_inside(dir.path(), "../x.txt", 10).unwrap_err();
        assert!(err.contains("leads out"), "{err}");
        let err = read_inside(dir.path(), "/etc/passwd", 10).unwrap_err();
        assert!(err.contains("absolute"), "{err}");
    }

    #[test]
    fn refuses_a_file_over_its_cap_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "classes.txt", &vec![b'a'; 2049]);
        let err = read_inside(dir.path(), "classes.txt", 2048).unwrap_err();
        assert!(err.contains("2049 bytes") && err.contains("2 KiB"), "{err}");
        let err = read_named(&dir.path().join("classes.txt"), 2048).unwrap_err();
        assert!(err.contains("2049 bytes"), "{err}");
        assert_eq!(
            read_found(&dir.path().join("classes.txt"), 4096).map(|b| b.len()),
            Ok(2049)
        );
    }

    #[cfg(unix)]
    #[test]
    fn never_follows_a_link_to_a_file_outside_or_through_a_linked_folder() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "private.txt", b"secret\n");
        write(outside.path(), "sets/train.txt", b"secret.jpg\n");
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("classes.txt");
        std::os::unix::fs::symlink(outside.path().join("private.txt"), &link).unwrap();
        std::os::unix::fs::symlink(outside.path().join("sets"), dir.path().join("sets")).unwrap();

        let err = read_inside(dir.path(), "classes.txt", SIDE_FILE_CAP).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        let err = read_inside(dir.path(), "sets/train.txt", SIDE_FILE_CAP).unwrap_err();
        assert!(
            err.contains("`sets`") && err.contains("symbolic link"),
            "{err}"
        );
        let err = read_found(&link, SIDE_FILE_CAP).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        // A file the user named may be a link.
        assert_eq!(read_named(&link, SIDE_FILE_CAP), Ok(b"secret\n".to_vec()));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_and_a_device_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("labelmap.txt");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
        // On a thread, so that a read that blocks fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        let root = dir.path().to_path_buf();
        std::thread::spawn(move || {
            let results = [
                read_inside(&root, "labelmap.txt", SIDE_FILE_CAP).map(|_| ()),
                read_found(&root.join("labelmap.txt"), SIDE_FILE_CAP).map(|_| ()),
                read_named(&root.join("labelmap.txt"), SIDE_FILE_CAP).map(|_| ()),
                read_named(&root.join("zero.txt"), SIDE_FILE_CAP).map(|_| ()),
            ];
            tx.send(results).unwrap();
        });
        let results = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a FIFO or /dev/zero did not return");
        for result in results {
            let err = result.unwrap_err();
            assert!(err.contains("not a regular file"), "{err}");
        }
    }
}
