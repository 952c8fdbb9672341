//! `shugu export --format yolo-cls`: image labels as an Ultralytics
//! classification dataset (train/<label>/…, val/<label>/…), through the binary.

use crate::common;
use crate::common::cli::{fails_cleanly, open_when_free, shugu, succeeds};
use crate::common::image_project;
use shugu::model::{Edit, LabelId};
use std::path::Path;

/// The dataset's files as `split/class/name`, sorted.
fn files(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn image_labels_become_class_folders_with_a_stable_split() {
    let f = image_project(
        &[
            ("猫/1.jpg", 20, 10),
            ("猫/2.jpg", 20, 10),
            ("狗/1.jpg", 20, 10),
            ("none.jpg", 20, 10),
            ("both.jpg", 20, 10),
        ],
        &[],
        &["cat", "狗"],
        true,
    );
    {
        // Another test's binary may briefly hold a copy of this process's lock.
        let mut p = open_when_free(&f.project);
        let id = |name: &str| p.items().iter().find(|i| i.rel_path == name).unwrap().id;
        let edits = vec![
            Edit::SetImageLabels {
                item: id("猫/1.jpg"),
                labels: vec![LabelId(1)],
            },
            Edit::SetImageLabels {
                item: id("猫/2.jpg"),
                labels: vec![LabelId(1)],
            },
            Edit::SetImageLabels {
                item: id("狗/1.jpg"),
                labels: vec![LabelId(2)],
            },
            Edit::SetImageLabels {
                item: id("both.jpg"),
                labels: vec![LabelId(1), LabelId(2)],
            },
        ];
        p.apply(Edit::Batch(edits)).unwrap();
    }
    let out = f.root.path().join("cls");
    let export = |val: &str| {
        shugu([
            "export".as_ref(),
            f.project.as_os_str(),
            "--format".as_ref(),
            "yolo-cls".as_ref(),
            "--val".as_ref(),
            val.as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ])
    };

    let stdout = succeeds(&export("0%"));
    assert!(
        stdout.contains("3 training and 0 validation images in 2 class folders"),
        "{stdout}"
    );
    assert_eq!(
        files(&out),
        [
            "train/cat/猫__1.jpg",
            "train/cat/猫__2.jpg",
            "train/狗/狗__1.jpg"
        ]
    );
    // The images are the project's own files, byte for byte.
    assert_eq!(
        std::fs::read(out.join("train/狗/狗__1.jpg")).unwrap(),
        std::fs::read(f.images.join("狗/1.jpg")).unwrap()
    );

    // Everything to val, then half: a stable hash decides, so two runs agree.
    succeeds(&export("100%"));
    assert!(
        files(&out).iter().all(|p| p.starts_with("val/")),
        "{:?}",
        files(&out)
    );
    succeeds(&export("50%"));
    let first = files(&out);
    succeeds(&export("50%"));
    assert_eq!(files(&out), first);
    assert_eq!(first.len(), 3);

    let out_text = export("0%");
    let stderr = String::from_utf8_lossy(&out_text.stderr);
    assert!(
        stderr.contains("none.jpg: it has no image label"),
        "{stderr}"
    );
    assert!(
        stderr.contains("both.jpg: it has 2 image labels"),
        "{stderr}"
    );
}

#[test]
fn a_folder_of_other_files_is_not_replaced() {
    let f = image_project(&[("a.jpg", 8, 8)], &[], &["cat"], false);
    let out = f.root.path().join("taken");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.docx"), b"precious").unwrap();
    let err = fails_cleanly(&shugu([
        "export".as_ref(),
        f.project.as_os_str(),
        "--format".as_ref(),
        "yolo-cls".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]));
    assert!(err.contains("thesis.docx"), "{err}");
    assert_eq!(std::fs::read(out.join("thesis.docx")).unwrap(), b"precious");

    let bad = fails_cleanly(&shugu([
        "export".as_ref(),
        f.project.as_os_str(),
        "--format".as_ref(),
        "yolo-cls".as_ref(),
        "--val".as_ref(),
        "150%".as_ref(),
        "-o".as_ref(),
        f.root.path().join("x").as_os_str(),
    ]));
    assert!(bad.contains("outside 0–100%"), "{bad}");
}

#[test]
fn the_file_menu_exports_classification_folders() {
    use common::gui::{app_config, file_menu_job, start_allowing_missing_glyphs};
    use shugu::ui::Startup;
    use shugu::ui::dialogs::FakeDialogs;
    use shugu::ui::i18n::Language;

    let f = image_project(&[("a.jpg", 8, 8), ("b.jpg", 8, 8)], &[], &["cat"], false);
    {
        let mut p = open_when_free(&f.project);
        let items: Vec<_> = p.items().iter().map(|i| i.id).collect();
        let edits = items
            .into_iter()
            .map(|item| Edit::SetImageLabels {
                item,
                labels: vec![LabelId(1)],
            })
            .collect();
        p.apply(Edit::Batch(edits)).unwrap();
    }
    let out = f.root.path().join("cls");
    let dialogs = FakeDialogs {
        folders: vec![out.clone()],
        ..FakeDialogs::default()
    };
    let config = app_config(f.root.path(), "alice", Language::English, vec![]);
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(f.project.clone()), dialogs);
    let notice = file_menu_job(&mut h, "Export YOLO classification folders…");
    assert!(notice.contains("in 1 class folders"), "{notice}");
    let written = files(&out);
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(
        written
            .iter()
            .all(|p| p.starts_with("train/cat/") || p.starts_with("val/cat/")),
        "{written:?}"
    );
}
