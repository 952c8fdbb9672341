//! Synthetic datasets (YOLO, VOC, CVAT) for the import benchmarks:
//! generated once by a Python script into `target/bench-data/NAME/`, with a
//! `sizes.tsv` of the images (which do not exist on disk), and the template
//! project with one item per line of it. Shared by the import benchmarks.

use shugu::model::LabelSchema;
use shugu::project::{NewItem, Project};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The dataset folder `target/bench-data/name`, made on first use by
/// `python3 benches/script OUT`.
pub fn dataset(name: &str, script: &str) -> PathBuf {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = data.join(name);
    if dir.join("sizes.tsv").is_file() {
        return dir;
    }
    std::fs::create_dir_all(&data)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", data.display()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join(script);
    let partial = data.join(format!("{name}.partial"));
    let _ = std::fs::remove_dir_all(&partial);
    eprintln!("generating {} (once; about a minute)…", dir.display());
    let status = Command::new("python3")
        .arg(&script)
        .arg(&partial)
        .status()
        .unwrap_or_else(|e| panic!("cannot run python3 with {}: {e}", script.display()));
    assert!(status.success(), "{} failed ({status})", script.display());
    std::fs::rename(&partial, &dir)
        .unwrap_or_else(|e| panic!("cannot move {} into place: {e}", partial.display()));
    dir
}

/// A project with one item per image of `sizes.tsv` and no boxes, in `dir`.
pub fn make_template(dir: &Path, dataset: &Path, images: usize) {
    let sizes = std::fs::read_to_string(dataset.join("sizes.tsv")).unwrap();
    let items: Vec<NewItem> = sizes
        .lines()
        .map(|line| {
            let mut parts = line.split('\t');
            let mut next = || parts.next().unwrap();
            NewItem {
                rel_path: next().to_string(),
                width: next().parse().unwrap(),
                height: next().parse().unwrap(),
                error: None,
            }
        })
        .collect();
    assert_eq!(items.len(), images);
    std::fs::create_dir_all(dir.join("images")).unwrap();
    let mut project =
        Project::create(dir, "bench", &dir.join("images"), LabelSchema::default()).unwrap();
    assert_eq!(project.add_items(&items).unwrap().len(), images);
}
