//! Damaged and hostile YOLO datasets through the real `shugu` binary: every
//! problem is reported with its file and line, the rest is imported, nothing
//! panics, and no path from a file leads the import outside the dataset root.

use crate::common;
use crate::common::cli::{shugu, text};
use crate::common::image_project;
use shugu::project::{Access, Project};
use std::path::Path;

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn import(project: &Path, dataset: &Path, extra: &[&str]) -> (bool, String, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "import".as_ref(),
        project.as_os_str(),
        dataset.as_os_str(),
        "--format".as_ref(),
        "yolo".as_ref(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let out = shugu(args);
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

fn box_count(project: &Path) -> usize {
    Project::open(project, Access::ReadOnly)
        .unwrap()
        .all_boxes()
        .unwrap()
        .len()
}

/// Images a..h.png (200×100) in a project with no classes, and a dataset
/// folder beside it with `data.yaml` naming `car` and `bus`.
fn setup() -> (common::Fixture, std::path::PathBuf) {
    let names: Vec<String> = "abcdefgh".chars().map(|c| format!("{c}.png")).collect();
    let files: Vec<(&str, u32, u32)> = names.iter().map(|n| (n.as_str(), 200, 100)).collect();
    let fixture = image_project(&files, &[], &[], false);
    let dataset = fixture.root.path().join("dataset");
    write(
        &dataset,
        "data.yaml",
        "names: [car, bus]\ntrain: train.txt\nval: ../../outside/images\n".as_bytes(),
    );
    (fixture, dataset)
}

#[test]
fn damaged_lines_and_files_are_reported_by_file_and_line() {
    let (fx, ds) = setup();
    write(&ds, "labels/a.txt", b"0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2");
    write(
        &ds,
        "labels/b.txt",
        b"0 0.5 0.5 0.2 0.2 0.2 0.1\n0 half 0.5 0.2 0.2\n",
    );
    write(
        &ds,
        "labels/c.txt",
        b"0 NaN 0.5 0.2 0.2\n0 0.5 0.5 -0.2 0.2\n1 0.25 0.5 0.5 0.5\n",
    );
    write(&ds, "labels/d.txt", b"\xff\xfe0\x00 \x000\x00.\x005\x00");
    write(
        &ds,
        "labels/e.txt",
        b"0 0.5 0.5 0.2 0.2 # voiture \xe9\n1 0.5 0.5 0.1 0.1\n",
    );
    write(
        &ds,
        "labels/f.txt",
        b"7 0.5 0.5 0.2 0.2\n0 0.95 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2 0.93\n",
    );
    write(&ds, "labels/nobody.txt", b"0 0.5 0.5 0.2 0.2\n");
    let (ok, stdout, stderr) = import(&fx.project, &ds, &[]);
    assert!(
        ok,
        "problems are reported, the import goes on:\n{stdout}\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    for expected in [
        "labels/a.txt:2: expected 5 columns (class cx cy w h) or 6 (with a confidence), found 4",
        "labels/b.txt:1: 7 columns look like a segmentation polygon",
        "labels/b.txt:2: cx `half` (column 2) is not a number",
        "labels/c.txt:1: cx `NaN` (column 2) is not a finite number",
        "labels/c.txt:2: the box has no area: width -0.2 and height 0.2 must be positive",
        "labels/d.txt: the file is UTF-16 text",
        "labels/e.txt:1: the line is not UTF-8 text",
        "labels/f.txt:1: class id 7 is not named in data.yaml (2 classes)",
        "labels/f.txt:2: the box reaches outside the 200×100 image; it was clamped",
        "labels/nobody.txt: no image in the project matches this label file",
        "data.yaml: `../../outside/images`: the file name leads out of the image root (`..`); it was not opened",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    // a:1, c:3, e:2, f:2 (clamped) and f:3 (with a confidence).
    assert!(stdout.contains("imported 5 boxes"), "{stdout}");
    assert!(
        stdout.contains("1 box(es) carried a confidence"),
        "{stdout}"
    );
    assert_eq!(box_count(&fx.project), 5);
}

#[test]
fn options_add_unknown_classes_and_skip_boxes_outside() {
    let (fx, ds) = setup();
    write(
        &ds,
        "labels/f.txt",
        b"7 0.5 0.5 0.2 0.2\n0 0.95 0.5 0.2 0.2\n",
    );
    let (ok, stdout, stderr) = import(
        &fx.project,
        &ds,
        &["--add-unknown-classes", "--skip-outside"],
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("added classes: car, bus, class7"),
        "{stdout}"
    );
    assert!(
        stderr.contains("labels/f.txt:2: the box reaches outside the 200×100 image"),
        "{stderr}"
    );
    assert!(stderr.contains("it was skipped"), "{stderr}");
    assert_eq!(box_count(&fx.project), 1);
}

#[test]
fn hostile_paths_are_reported_and_never_opened() {
    let (fx, ds) = setup();
    // A label file outside the dataset that would match image a.png by stem.
    let outside = fx.root.path().join("outside");
    write(&outside, "a.txt", b"0 0.5 0.5 0.2 0.2\n");
    write(
        &ds,
        "train.txt",
        b"./images/a.png\n../../etc/passwd\n/etc/passwd\nC:\\Users\\x\\b.png\n..\\outside\\a.png\nimages/zzz.png\n",
    );
    // A symbolic link inside the dataset pointing outside it is not followed.
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.join("a.txt"), ds.join("b.txt")).unwrap();
    let (ok, stdout, stderr) = import(&fx.project, &ds, &[]);
    assert!(ok, "{stderr}");
    for expected in [
        "train.txt:2: `../../etc/passwd`: the file name leads out of the image root (`..`); it was not opened",
        "train.txt:3: `/etc/passwd`: the file name is an absolute path; it was not opened",
        "train.txt:4: `C:\\Users\\x\\b.png`: the file name starts with a drive letter; it was not opened",
        "train.txt:5: `..\\outside\\a.png`: the file name leads out of the image root",
        "train.txt:6: image `images/zzz.png` is not in the project",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    assert!(!stderr.contains("train.txt:1"), "{stderr}");
    assert!(stdout.contains("imported 0 boxes"), "{stdout}");
    assert_eq!(box_count(&fx.project), 0);
}

#[test]
fn a_dataset_without_classes_or_with_broken_yaml_fails_with_a_clear_message() {
    let (fx, ds) = setup();
    write(&ds, "data.yaml", b"names: [car, bus\ntrain: x\n");
    write(&ds, "labels/a.txt", b"0 0.5 0.5 0.2 0.2\n");
    let (ok, _, stderr) = import(&fx.project, &ds, &[]);
    assert!(!ok);
    assert!(stderr.contains("data.yaml"), "{stderr}");
    assert!(
        stderr.contains("line"),
        "the YAML error says where: {stderr}"
    );
    std::fs::remove_file(ds.join("data.yaml")).unwrap();
    let (ok, _, stderr) = import(&fx.project, &ds, &[]);
    assert!(!ok);
    assert!(stderr.contains("no data.yaml or classes.txt"), "{stderr}");
    write(&ds, "classes.txt", b"car\n\nbus\n");
    let (ok, _, stderr) = import(&fx.project, &ds, &[]);
    assert!(!ok);
    assert!(
        stderr.contains("classes.txt: line 2: a blank line"),
        "{stderr}"
    );
    assert_eq!(box_count(&fx.project), 0);
}
