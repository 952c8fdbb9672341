//! The `shugu` binary: help, `new` over a folder with good and broken files,
//! `stats --json`, `export` with broken items, and the error exits.

use crate::common::cli::{shugu, text};
use image::{ImageFormat, RgbImage};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn gradient(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 99]))
}

fn jpeg_bytes(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    gradient(w, h)
        .write_to(&mut bytes, ImageFormat::Jpeg)
        .unwrap();
    bytes.into_inner()
}

/// The folder every test scans:
///
/// | file | what |
/// |---|---|
/// | `good.png` | 64×48 PNG |
/// | `猫/猫咪 1.JPG` | 40×30 JPEG, Unicode folder and name, upper-case extension |
/// | `broken/cut.jpg` | a JPEG cut in half |
/// | `broken/empty.jpg` | zero bytes |
/// | `broken/text.png` | a text file named .png |
/// | `notes.txt` | not an image: skipped, counted |
struct Folder {
    tmp: tempfile::TempDir,
}

impl Folder {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let images = tmp.path().join("images");
        std::fs::create_dir_all(images.join("猫")).unwrap();
        std::fs::create_dir_all(images.join("broken")).unwrap();
        gradient(64, 48).save(images.join("good.png")).unwrap();
        std::fs::write(images.join("猫/猫咪 1.JPG"), jpeg_bytes(40, 30)).unwrap();
        let jpeg = jpeg_bytes(200, 150);
        std::fs::write(images.join("broken/cut.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
        std::fs::write(images.join("broken/empty.jpg"), b"").unwrap();
        std::fs::write(images.join("broken/text.png"), "not a picture, just text\n").unwrap();
        std::fs::write(images.join("notes.txt"), "shot on a rainy day\n").unwrap();
        Self { tmp }
    }

    fn images(&self) -> PathBuf {
        self.tmp.path().join("images")
    }

    fn project(&self) -> PathBuf {
        self.tmp.path().join("项目 project")
    }

    /// `shugu new PROJECT --images IMAGES --classes 猫,dog`; returns its output.
    fn create(&self) -> Output {
        shugu([
            "new".as_ref(),
            self.project().as_os_str(),
            "--images".as_ref(),
            self.images().as_os_str(),
            "--classes".as_ref(),
            "猫,dog".as_ref(),
        ])
    }
}

fn assert_ok(out: &Output) -> (String, String) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "exit {}:\nstdout: {stdout}\nstderr: {stderr}",
        out.status
    );
    (stdout, stderr)
}

fn assert_fails(out: &Output) -> String {
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "expected a failure, got success:\nstdout: {}\nstderr: {stderr}",
        text(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(1), "errors exit with 1: {stderr}");
    assert!(
        stderr.starts_with("shugu: error: "),
        "errors are one clear line on stderr: {stderr}"
    );
    stderr
}

fn stats_json(project: &Path) -> Value {
    let out = shugu(["stats".as_ref(), project.as_os_str(), "--json".as_ref()]);
    let (stdout, _) = assert_ok(&out);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn help_lists_the_commands() {
    let out = shugu(["--help"]);
    let (stdout, _) = assert_ok(&out);
    for command in ["new", "open", "import", "export", "stats"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "--help does not list `{command}`:\n{stdout}"
        );
    }
    assert!(stdout.contains("数谷标注"), "{stdout}");
    // Each command has its own help.
    let out = shugu(["new", "--help"]);
    let (stdout, _) = assert_ok(&out);
    assert!(stdout.contains("--images"), "{stdout}");
}

#[test]
fn new_over_a_mixed_folder_names_every_unreadable_file() {
    let folder = Folder::new();
    let out = folder.create();
    let (stdout, stderr) = assert_ok(&out);
    assert!(
        stdout.contains("2 images, 3 unreadable, 1 other files skipped"),
        "{stdout}"
    );
    assert!(stderr.contains("could not read 3 file(s):"), "{stderr}");
    let problems = [
        ("broken/cut.jpg", "truncated JPEG"),
        ("broken/empty.jpg", "file is empty (0 bytes)"),
        ("broken/text.png", "not an image"),
    ];
    for (path, reason) in problems {
        let line = stderr
            .lines()
            .find(|l| l.contains(path))
            .unwrap_or_else(|| panic!("{path} is not named:\n{stderr}"));
        assert!(
            line.contains(reason),
            "{path}: expected {reason:?} in {line:?}"
        );
    }
    for fine in ["good.png", "猫咪 1.JPG"] {
        assert!(!stderr.contains(fine), "{fine} is not a problem:\n{stderr}");
    }
    // A skipped file is named as skipped, not as unreadable.
    let (unreadable, skipped) = stderr
        .split_once("skipped 1 file(s) that are not images:")
        .unwrap_or_else(|| panic!("skipped files named:\n{stderr}"));
    assert!(!unreadable.contains("notes.txt"), "{stderr}");
    assert!(skipped.contains("  notes.txt"), "{stderr}");
}

#[test]
fn stats_json_has_the_counts() {
    let folder = Folder::new();
    assert_ok(&folder.create());
    let stats = stats_json(&folder.project());
    assert_eq!(stats["items"], 5, "{stats}");
    assert_eq!(stats["items_new"], 5, "{stats}");
    assert_eq!(stats["items_in_progress"], 0, "{stats}");
    assert_eq!(stats["items_submitted"], 0, "{stats}");
    assert_eq!(stats["items_broken"], 3, "{stats}");
    assert_eq!(stats["annotations"], 0, "{stats}");
    assert_eq!(
        stats["annotations_per_class"],
        serde_json::json!([]),
        "{stats}"
    );

    // Two boxes on the Unicode-named JPEG, one of a class the project lacks.
    let coco = folder.tmp.path().join("boxes.json");
    let file = serde_json::json!({
        "images": [{"id": 1, "file_name": "猫/猫咪 1.JPG", "width": 40, "height": 30}],
        "categories": [{"id": 1, "name": "猫"}, {"id": 2, "name": "鸟 bird"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 10]},
            {"id": 2, "image_id": 1, "category_id": 2, "bbox": [5, 5, 20, 20]}
        ]
    });
    std::fs::write(&coco, file.to_string()).unwrap();
    let out = shugu([
        "import".as_ref(),
        folder.project().as_os_str(),
        coco.as_os_str(),
    ]);
    let (stdout, _) = assert_ok(&out);
    assert!(stdout.contains("imported 2 annotations"), "{stdout}");
    assert!(stdout.contains("added classes: 鸟 bird"), "{stdout}");

    let stats = stats_json(&folder.project());
    assert_eq!(stats["items_new"], 4, "{stats}");
    assert_eq!(stats["items_in_progress"], 1, "{stats}");
    assert_eq!(stats["annotations"], 2, "{stats}");
    let per_class: Vec<(String, u64)> = stats["annotations_per_class"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per_class,
        [("猫".to_string(), 1), ("鸟 bird".to_string(), 1)]
    );

    // The text form says the same.
    let out = shugu(["stats".as_ref(), folder.project().as_os_str()]);
    let (stdout, _) = assert_ok(&out);
    assert!(stdout.contains("items        5"), "{stdout}");
    assert!(stdout.contains("unreadable 3"), "{stdout}");
    assert!(stdout.contains("annotations  2"), "{stdout}");
    assert!(stdout.contains("by shape: rect 2"), "{stdout}");
}

#[test]
fn export_leaves_out_broken_items_and_says_which() {
    let folder = Folder::new();
    assert_ok(&folder.create());
    let out_file = folder.tmp.path().join("out.json");
    let out = shugu([
        "export".as_ref(),
        folder.project().as_os_str(),
        "-o".as_ref(),
        out_file.as_os_str(),
    ]);
    let (stdout, stderr) = assert_ok(&out);
    assert!(stdout.contains("2 images, 0 annotations"), "{stdout}");
    assert!(
        stderr.contains(
            "left out 3 unreadable image(s) (once a file is whole, `shugu rescan` reads it again):"
        ),
        "{stderr}"
    );
    for (path, reason) in [
        ("broken/cut.jpg", "truncated JPEG"),
        ("broken/empty.jpg", "empty"),
        ("broken/text.png", "not an image"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.trim_start().starts_with(path))
            .unwrap_or_else(|| panic!("{path} is not named:\n{stderr}"));
        assert!(line.contains(reason), "{line}");
    }

    let file: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    let mut names: Vec<&str> = file["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file_name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["good.png", "猫/猫咪 1.JPG"]);
    let sizes: Vec<(u64, u64)> = file["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["width"].as_u64().unwrap(), i["height"].as_u64().unwrap()))
        .collect();
    assert!(
        sizes.contains(&(64, 48)) && sizes.contains(&(40, 30)),
        "{sizes:?}"
    );
    let categories: Vec<&str> = file["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(categories, ["猫", "dog"]);
    // No image labels in this project: no labels file.
    assert!(!folder.tmp.path().join("out.labels.jsonl").exists());
}

#[test]
fn stats_of_a_missing_folder_fails_naming_it() {
    let missing = Path::new("/nonexistent/shugu-test-项目");
    let out = shugu(["stats".as_ref(), missing.as_os_str()]);
    let stderr = assert_fails(&out);
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(stderr.contains("no Shugu project"), "{stderr}");
    assert!(out.stdout.is_empty());

    let out = shugu(["stats", "/nonexistent"]);
    let stderr = assert_fails(&out);
    assert!(stderr.contains("/nonexistent"), "{stderr}");
}

#[test]
fn new_refuses_an_existing_project_and_leaves_it_alone() {
    let folder = Folder::new();
    assert_ok(&folder.create());
    let manifest = folder.project().join("project.ron");
    let before = std::fs::read(&manifest).unwrap();

    let out = shugu([
        "new".as_ref(),
        folder.project().as_os_str(),
        "--images".as_ref(),
        folder.images().as_os_str(),
        "--classes".as_ref(),
        "other".as_ref(),
    ]);
    let stderr = assert_fails(&out);
    assert!(stderr.contains("a project already exists here"), "{stderr}");
    assert!(
        stderr.contains(&folder.project().display().to_string()),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&manifest).unwrap(),
        before,
        "manifest unchanged"
    );
    assert_eq!(stats_json(&folder.project())["items"], 5);
}

#[test]
fn new_over_a_missing_image_folder_fails_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let images = tmp.path().join("no-such-images");
    let project = tmp.path().join("p");
    let out = shugu([
        "new".as_ref(),
        project.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
    ]);
    let stderr = assert_fails(&out);
    assert!(stderr.contains(&images.display().to_string()), "{stderr}");
    assert!(!project.join("project.ron").exists(), "no project was made");
}

#[test]
fn import_and_export_of_a_folder_that_is_not_a_project_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let coco = tmp.path().join("c.json");
    std::fs::write(&coco, r#"{"images":[],"annotations":[],"categories":[]}"#).unwrap();
    let out = shugu(["import".as_ref(), tmp.path().as_os_str(), coco.as_os_str()]);
    let stderr = assert_fails(&out);
    assert!(stderr.contains("no Shugu project"), "{stderr}");
    let out = shugu([
        "export".as_ref(),
        tmp.path().as_os_str(),
        "-o".as_ref(),
        tmp.path().join("o.json").as_os_str(),
    ]);
    let stderr = assert_fails(&out);
    assert!(stderr.contains("no Shugu project"), "{stderr}");
    assert!(!tmp.path().join("o.json").exists());
}
