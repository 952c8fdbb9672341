//! Where inputs are written and read: the run's work folder, the folder
//! "outside" every dataset (a private file and a FIFO that links point at),
//! datasets materialised from a template with one input's changes (undone
//! after it), and copies that keep symbolic links as links.

use crate::rng::Rng;
use std::path::{Path, PathBuf};

/// The build's target folder: `CARGO_TARGET_DIR` or the crate's `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The folder beside every dataset that links point into: it stays in place
/// after a run, so saved inputs with links replay as they ran.
pub fn outside_dir() -> std::io::Result<PathBuf> {
    let dir = target_dir().join("fuzz-work").join("outside");
    std::fs::create_dir_all(&dir)?;
    let secret = dir.join("secret.txt");
    if !secret.exists() {
        std::fs::write(&secret, "secret-class\nprivate\n0 0.5 0.5 0.1 0.1\n")?;
    }
    let fifo = dir.join("fifo");
    if std::fs::symlink_metadata(&fifo).is_err() {
        // std has no mkfifo; the coreutils tool does it. Without it the links
        // to the FIFO dangle, which is still a case worth trying.
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("note: could not make a FIFO at {}", fifo.display());
        }
    }
    Ok(dir)
}

/// Copies a folder, keeping symbolic links as links and leaving out anything
/// that is neither a file, a folder nor a link.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_symlink() {
            make_link(&std::fs::read_link(entry.path())?, &target)?;
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
pub fn make_link(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
pub fn make_link(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "symbolic links are only made on Unix",
    ))
}

/// Removes whatever is at `path`: a file, a link (not its target) or a folder.
pub fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Every regular file under `root`, relative, `/`-separated, sorted.
pub fn files_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&rel)) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = rel.join(entry.file_name());
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                out.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// A dataset folder made from a template, with the changes of one input;
/// [`Dataset::restore`] undoes them, so the next input starts from the
/// template again without copying it.
pub struct Dataset {
    pub dir: PathBuf,
    template: Option<PathBuf>,
    /// What each changed path held before, most recent last; `None`: nothing.
    undo: Vec<(String, Option<Vec<u8>>)>,
}

impl Dataset {
    pub fn new(dir: PathBuf) -> Self {
        Dataset {
            dir,
            template: None,
            undo: Vec::new(),
        }
    }

    /// Starts the next input from `template` (copied when it changes).
    pub fn start(&mut self, template: &Path) -> std::io::Result<()> {
        self.restore()?;
        if self.template.as_deref() != Some(template) {
            remove_any(&self.dir)?;
            copy_tree(template, &self.dir)?;
            self.template = Some(template.to_path_buf());
        }
        Ok(())
    }

    /// Remembers what `rel` holds, and makes its missing parent folders
    /// (remembered as absent, so they go again).
    fn remember(&mut self, rel: &str) -> std::io::Result<PathBuf> {
        let path = self.dir.join(rel);
        let before = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => Some(std::fs::read(&path)?),
            _ => None,
        };
        let mut missing = None;
        let mut prefix = String::new();
        for part in rel.split('/').take(rel.split('/').count() - 1) {
            prefix = if prefix.is_empty() {
                part.to_string()
            } else {
                format!("{prefix}/{part}")
            };
            if missing.is_none() && std::fs::symlink_metadata(self.dir.join(&prefix)).is_err() {
                missing = Some(prefix.clone());
            }
        }
        if let Some(top) = missing {
            self.undo.push((top, None));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
        }
        self.undo.push((rel.to_string(), before));
        remove_any(&path)?;
        Ok(path)
    }

    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.remember(rel)?;
        std::fs::write(path, bytes)
    }

    pub fn link(&mut self, rel: &str, target: &Path) -> std::io::Result<()> {
        let path = self.remember(rel)?;
        make_link(target, &path)
    }

    pub fn make_dir(&mut self, rel: &str) -> std::io::Result<()> {
        let path = self.remember(rel)?;
        std::fs::create_dir_all(path)
    }

    pub fn remove(&mut self, rel: &str) -> std::io::Result<()> {
        self.remember(rel).map(|_| ())
    }

    /// Puts back what the last input changed.
    pub fn restore(&mut self) -> std::io::Result<()> {
        while let Some((rel, before)) = self.undo.pop() {
            let path = self.dir.join(&rel);
            remove_any(&path)?;
            if let Some(bytes) = before {
                std::fs::write(path, bytes)?;
            }
        }
        Ok(())
    }
}

/// What a link in the dataset may point at.
fn link_target(outside: &Path, rel: &str, rng: &mut Rng) -> PathBuf {
    match rng.below(9) {
        0 => outside.join("secret.txt"),
        1 => outside.join("fifo"),
        2 => PathBuf::from("/dev/zero"),
        3 => PathBuf::from("/dev/urandom"),
        4 => outside.to_path_buf(),
        5 => PathBuf::from(".."),
        6 => PathBuf::from("/"),
        // A link to itself, and a link to nothing.
        7 => PathBuf::from(rel.rsplit('/').next().unwrap_or(rel)),
        _ => PathBuf::from("missing/nothing.txt"),
    }
}

/// File names a dataset reader looks for by name.
const WELL_KNOWN: &[&str] = &[
    "data.yaml",
    "classes.txt",
    "obj.names",
    "train.txt",
    "labelmap.txt",
    "link.txt",
    "link.xml",
    "link.json",
    "link_dir",
];

/// Changes to the dataset's entries rather than to a file's bytes: a file
/// replaced by a link (to a private file, a FIFO, `/dev/zero`, a folder
/// above, itself) or by a folder, a new link where readers look, a file
/// moved under a very long name or a very deep folder.
pub fn change_entries(
    dataset: &mut Dataset,
    files: &[String],
    slot: &str,
    outside: &Path,
    rng: &mut Rng,
) -> std::io::Result<()> {
    let existing = if rng.chance(1, 2) {
        slot.to_string()
    } else {
        rng.pick(files).clone()
    };
    let dir_of = |rel: &str| {
        rel.rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.into())
    };
    let join = |dir: &str, name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    match rng.below(6) {
        0 | 1 => {
            let target = link_target(outside, &existing, rng);
            dataset.link(&existing, &target)
        }
        2 => {
            let rel = join(&dir_of(&existing), rng.pick::<&str>(WELL_KNOWN));
            let target = link_target(outside, &rel, rng);
            dataset.link(&rel, &target)
        }
        3 => dataset.make_dir(&existing),
        4 => {
            let ext = existing.rsplit_once('.').map_or("", |(_, e)| e);
            let long = format!("{}.{ext}", "n".repeat(250 - ext.len()));
            let bytes = std::fs::read(dataset.dir.join(&existing))?;
            dataset.remove(&existing)?;
            dataset.write(&join(&dir_of(&existing), &long), &bytes)
        }
        _ => {
            let name = existing.rsplit('/').next().unwrap_or(&existing).to_string();
            // Up to 16 folders of 200 bytes: past 4096 bytes with the rest.
            let deep = format!("{}/", "d".repeat(200)).repeat(1 + rng.below(16));
            let bytes = std::fs::read(dataset.dir.join(&existing))?;
            dataset.remove(&existing)?;
            dataset.write(&join(&dir_of(&existing), &format!("{deep}{name}")), &bytes)
        }
    }
}
