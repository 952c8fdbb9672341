//! A benchmark's data file, generated once by a Python script into
//! `target/bench-data/` and reused by later runs. Shared by the COCO benchmarks.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `target/bench-data/`, where the generated data and what the benchmarks
/// write for other tools to read are kept.
pub fn bench_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data")
}

/// `target/bench-data/name`, made on first use by `python3 benches/script OUT ARGS…`.
pub fn generated_file(name: &str, script: &str, args: &[&str]) -> PathBuf {
    let dir = bench_data_dir();
    let file = dir.join(name);
    if file.is_file() {
        return file;
    }
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join(script);
    let partial = dir.join(format!("{name}.partial"));
    eprintln!("generating {} (once; a minute or two)…", file.display());
    let status = Command::new("python3")
        .arg(&script)
        .arg(&partial)
        .args(args)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run python3 to generate the benchmark data with {}: {e}. \
                 Install python3, or put the file at {} yourself.",
                script.display(),
                file.display()
            )
        });
    assert!(
        status.success(),
        "{} failed ({status}); the benchmark needs its output at {}",
        script.display(),
        file.display()
    );
    std::fs::rename(&partial, &file)
        .unwrap_or_else(|e| panic!("cannot move {} into place: {e}", partial.display()));
    file
}
