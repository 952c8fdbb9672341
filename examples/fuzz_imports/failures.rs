//! Failing inputs: saved under `target/fuzz-failures/<importer>-<n>.<ext>`
//! (a dataset folder as `<importer>-<n>/`, its links kept) and reported with
//! the command that replays them.

use crate::workspace::{copy_tree, target_dir};
use std::path::{Path, PathBuf};

pub fn dir() -> PathBuf {
    target_dir().join("fuzz-failures")
}

/// Whether `<importer>-<n>` or `<importer>-<n>.<anything>` is taken.
fn taken(dir: &Path, stem: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name == stem || name.strip_prefix(stem).is_some_and(|r| r.starts_with('.'))
    })
}

/// Copies the input at `case` (a file or a dataset folder) to the next free
/// `<importer>-<n>` and returns where it went; on failure, says so and
/// returns `case` itself.
pub fn save(importer: &str, case: &Path) -> PathBuf {
    let dir = dir();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot make {}: {e}", dir.display());
        return case.to_path_buf();
    }
    let stem = (1..)
        .map(|n| format!("{importer}-{n}"))
        .find(|stem| !taken(&dir, stem))
        .unwrap_or_default();
    let is_dir = std::fs::symlink_metadata(case).is_ok_and(|m| m.is_dir());
    let (to, copied) = if is_dir {
        let to = dir.join(&stem);
        (to.clone(), copy_tree(case, &to))
    } else {
        let ext = case
            .extension()
            .map_or(String::new(), |e| format!(".{}", e.to_string_lossy()));
        let to = dir.join(format!("{stem}{ext}"));
        (to.clone(), std::fs::copy(case, &to).map(|_| ()))
    };
    match copied {
        Ok(()) => to,
        Err(e) => {
            eprintln!("cannot save {} to {}: {e}", case.display(), to.display());
            case.to_path_buf()
        }
    }
}

pub fn report(importer: &str, what: &str, saved: &Path, images: Option<&Path>) {
    let images = images.map_or(String::new(), |i| format!(" --images {}", i.display()));
    eprintln!(
        "FAIL {importer}: {what}\n  input: {}\n  replay: cargo run --release --example fuzz_imports -- --replay {} --importer {importer}{images}",
        saved.display(),
        saved.display()
    );
}
