//! Running the real `shugu` binary, and copying project folders.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

pub fn shugu<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(args: I) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shugu"))
        .args(args)
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Copies a folder tree, leaving out the project lock file.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "shugu.lock" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The Python that checks exports: `$SHUGU_PYTHON`, else `python3`.
pub fn python() -> std::path::PathBuf {
    std::env::var_os("SHUGU_PYTHON").map_or_else(|| "python3".into(), Into::into)
}

/// Runs a checker script of `tests/python/` and fails the test with its output
/// unless it exits 0. A missing Python fails too: the check must not be skipped.
pub fn run_python_check(script: &str, args: &[&OsStr]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(script);
    let out = Command::new(python())
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?} ({e}); set SHUGU_PYTHON", python()));
    assert!(
        out.status.success(),
        "{} failed:\n{}{}",
        script.display(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Checks a run succeeded; returns its stdout.
pub fn succeeds(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {}:\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Checks a run failed cleanly (an exit code, no panic); returns its stderr.
pub fn fails_cleanly(out: &Output) -> String {
    let stderr = text(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "expected exit 1 or 2, got {}:\nstdout: {}\nstderr: {stderr}",
        out.status,
        text(&out.stdout)
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Opens a project for writing, waiting a little while it is locked: a
/// binary another test is just starting can briefly hold a copy of this
/// process's lock (between its fork and its exec).
pub fn open_when_free(dir: &Path) -> shugu::project::Project {
    use shugu::project::{Access, Project, ProjectError};
    for _ in 0..50 {
        match Project::open(dir, Access::ReadWrite) {
            Err(ProjectError::Locked(_)) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            other => return other.unwrap(),
        }
    }
    panic!("{}: still locked", dir.display())
}

/// A copy of a fixture dataset (`TMP/dataset`) in a temp dir, and projects
/// made over it by the binary.
pub struct DatasetCopy {
    pub tmp: tempfile::TempDir,
}

impl DatasetCopy {
    pub fn new(fixture: &Path) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(fixture, &tmp.path().join("dataset"));
        Self { tmp }
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.tmp.path().join(name)
    }

    /// `shugu new TMP/name --images TMP/images`: a project with no classes.
    pub fn project(&self, name: &str, images: &str) -> std::path::PathBuf {
        let dir = self.path(name);
        let images = self.path(images);
        succeeds(&shugu([
            "new".as_ref(),
            dir.as_os_str(),
            "--images".as_ref(),
            images.as_os_str(),
        ]));
        dir
    }
}

/// The arguments of `shugu import PROJECT FROM --format FORMAT EXTRA…`.
pub fn import_args<'a>(
    project: &'a Path,
    from: &'a Path,
    format: &'a str,
    extra: &'a [&'a str],
) -> Vec<&'a OsStr> {
    let mut args: Vec<&OsStr> = vec![
        "import".as_ref(),
        project.as_os_str(),
        from.as_os_str(),
        "--format".as_ref(),
        format.as_ref(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    args
}

/// `shugu import` in `format`, which must succeed without a panic; its
/// (stdout, stderr).
pub fn import_ok(project: &Path, from: &Path, format: &str, extra: &[&str]) -> (String, String) {
    let out = shugu(import_args(project, from, format, extra));
    succeeds(&out);
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (text(&out.stdout), stderr)
}

/// `shugu export PROJECT --format FORMAT -o OUT`, which must succeed; its stdout.
pub fn export_ok(project: &Path, format: &str, out: &Path) -> String {
    succeeds(&export_run(project, format, out))
}

/// `shugu export PROJECT --format FORMAT -o OUT`, however it ends.
pub fn export_run(project: &Path, format: &str, out: &Path) -> Output {
    shugu([
        "export".as_ref(),
        project.as_os_str(),
        "--format".as_ref(),
        format.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
}

/// A fixture dataset copied to a temp dir (`TMP/dataset`), with projects over
/// its images and imports in one format by the binary.
pub struct FormatFixture {
    pub data: DatasetCopy,
    format: &'static str,
    /// The image folder, relative to the temp dir (`dataset/images`).
    images: &'static str,
}

impl FormatFixture {
    pub fn new(fixture: &str, format: &'static str, images: &'static str) -> Self {
        Self {
            data: DatasetCopy::new(Path::new(fixture)),
            format,
            images,
        }
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.data.path(name)
    }

    /// A project over the dataset's images, with no classes.
    pub fn project(&self, name: &str) -> std::path::PathBuf {
        self.data.project(name, self.images)
    }

    /// `shugu import` in the fixture's format; (stdout, stderr) of a successful run.
    pub fn import(&self, project: &Path, from: &Path, extra: &[&str]) -> (String, String) {
        import_ok(project, from, self.format, extra)
    }

    /// `shugu export` in `format`; its stdout.
    pub fn export(&self, project: &Path, format: &str, out: &Path) -> String {
        export_ok(project, format, out)
    }
}

/// Runs `shugu` with `args`, killed after `seconds`: a hang fails the test
/// (with what the run had printed) instead of stopping the suite.
pub fn shugu_within<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(seconds: u64, args: I) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shugu"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained on threads, so that a full pipe never stalls the child.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let mut status = child.try_wait().unwrap();
    while status.is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        status = child.try_wait().unwrap();
    }
    let hung = status.is_none();
    if hung {
        child.kill().unwrap();
    }
    let out = Output {
        status: child.wait().unwrap(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(
        !hung,
        "shugu did not finish within {seconds} s:\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}
