//! Damaged and hostile YOLO datasets through the real `shugu` binary: every
//! problem is reported with its file and line, the rest is imported, nothing
//! panics, and no path from a file leads the import outside the dataset root.

use crate::common;
use crate::common::cli::{shugu_within, text};
use crate::common::image_project;
use shugu::jobs::yolo::read_yolo;
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
    let out = shugu_within(120, args);
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

fn box_count(project: &Path) -> usize {
    Project::open(project, Access::ReadOnly)
        .unwrap()
        .all_annotations()
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
        "labels/a.txt:2: expected 5 columns (class cx cy w h) or more, found 4",
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
    // a:1, c:3, e:2, f:2 (clamped) and f:3 (with a confidence); b:1 has 7
    // columns, a triangle, which makes b.txt a segmentation file.
    assert!(
        stdout.contains("imported 6 annotations (5 rect, 1 polygon)"),
        "{stdout}"
    );
    assert!(stdout.contains("1 row(s) carried a confidence"), "{stdout}");
    assert_eq!(box_count(&fx.project), 6);
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
    assert!(stdout.contains("imported 0 annotations"), "{stdout}");
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

#[test]
fn class_ids_above_65535_are_reported_not_indexed() {
    let (fx, ds) = setup();
    write(
        &ds,
        "data.yaml",
        b"names: {0: car, 1: bus, 4294967295: huge, 65536: big}\n",
    );
    write(
        &ds,
        "labels/a.txt",
        b"0 0.5 0.5 0.2 0.2\n65536 0.5 0.5 0.2 0.2\n4294967295 0.5 0.5 0.2 0.2\n70000.0 0.5 0.5 0.2 0.2\n",
    );
    let (ok, stdout, stderr) = import(&fx.project, &ds, &["--add-unknown-classes"]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for expected in [
        "data.yaml: class id 4294967295 (`huge`) is above 65535, the largest Shugu takes; its boxes are skipped",
        "data.yaml: class id 65536 (`big`) is above 65535",
        "labels/a.txt:2: class id 65536 is above 65535, the largest Shugu takes; the row was skipped",
        "labels/a.txt:3: class id 4294967295 is above 65535",
        "labels/a.txt:4: class id 70000 is above 65535",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    assert!(stdout.contains("imported 1 annotations"), "{stdout}");
    assert!(stdout.contains("added classes: car, bus\n"), "{stdout}");
}

#[test]
fn a_class_list_of_more_than_65536_names_keeps_the_first_65536() {
    let (fx, ds) = setup();
    std::fs::remove_file(ds.join("data.yaml")).unwrap();
    let names: String = (0..65_540).map(|i| format!("c{i}\n")).collect();
    write(&ds, "classes.txt", names.as_bytes());
    write(&ds, "labels/a.txt", b"65535 0.5 0.5 0.2 0.2\n");
    let project = Project::open(&fx.project, Access::ReadOnly).unwrap();
    let plan = read_yolo(
        &ds,
        project.items(),
        &project.image_root(),
        Default::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(plan.class_names.len(), 65_536);
    assert_eq!(plan.class_names.last().map(String::as_str), Some("c65535"));
    let problems: Vec<String> = plan.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        [
            "classes.txt:65537: this line and the 3 after it name class ids above 65535, \
          the largest Shugu takes; they were left out"
        ]
    );
    assert_eq!(plan.shapes.len(), 1);
}

/// A link to a file outside the dataset, a FIFO and a file over its cap, as
/// the dataset's class list or split list: refused by name, never read.
#[cfg(unix)]
#[test]
fn class_and_list_files_are_read_only_when_regular_files_inside_and_small() {
    use std::os::unix::fs::symlink;
    let (fx, ds) = setup();
    let outside = fx.root.path().join("outside");
    write(&outside, "private.yaml", b"names: [secret, password]\n");
    write(&outside, "list.txt", b"images/secret.png\n");
    write(&ds, "labels/a.txt", b"0 0.5 0.5 0.2 0.2\n");

    std::fs::remove_file(ds.join("data.yaml")).unwrap();
    symlink(outside.join("private.yaml"), ds.join("data.yaml")).unwrap();
    let (ok, stdout, stderr) = import(&fx.project, &ds, &[]);
    assert!(!ok, "a linked data.yaml is not read:\n{stdout}\n{stderr}");
    assert!(
        stderr.contains("data.yaml: the file is a symbolic link"),
        "{stderr}"
    );
    assert!(!stdout.contains("secret"), "{stdout}");

    std::fs::remove_file(ds.join("data.yaml")).unwrap();
    let mut big = b"names: [car, bus]\ntrain: train.txt\n".to_vec();
    big.resize(16 * 1024 * 1024 + 1, b'#');
    write(&ds, "data.yaml", &big);
    let (ok, _, stderr) = import(&fx.project, &ds, &[]);
    assert!(!ok);
    assert!(
        stderr.contains("data.yaml: the file is 16777217 bytes, more than the 16 MiB"),
        "{stderr}"
    );

    write(
        &ds,
        "data.yaml",
        b"names: [car, bus]\ntrain: train.txt\nval: val.txt\n",
    );
    symlink(outside.join("list.txt"), ds.join("train.txt")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(ds.join("val.txt"))
        .status()
        .unwrap();
    assert!(made.success());
    let (ok, stdout, stderr) = import(&fx.project, &ds, &[]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("train.txt: the file is a symbolic link"),
        "{stderr}"
    );
    assert!(
        stderr.contains("val.txt: it is not a regular file"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
    assert!(stdout.contains("imported 1 annotations"), "{stdout}");
}
