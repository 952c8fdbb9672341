//! Files an export writes beside the one the user named (COCO's image labels,
//! Hugging Face's class list) are named from its stem, written only together
//! with it, and never delete or overwrite a file of another name.

use crate::common;
use crate::common::cli::{export_run, fails_cleanly, succeeds, text};
use shugu::model::{Edit, LabelId, LabelSchema, TextDoc};
use shugu::project::{Access, NewTextItem, Project};
use std::path::Path;

/// A successful export: (stdout, stderr).
fn export(project: &Path, format: &str, out: &Path) -> (String, String) {
    let run = export_run(project, format, out);
    (succeeds(&run), text(&run.stderr))
}

#[test]
fn a_hugging_face_export_writes_its_class_list_beside_it_and_leaves_labels_json_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let mut schema = LabelSchema::default();
    schema.add_image_label("好评");
    schema.add_image_label("差评");
    let dir = tmp.path().join("reviews");
    let mut project = Project::create_text(&dir, "reviews", schema).unwrap();
    let doc = |text: &str| TextDoc {
        ext_id: None,
        text: text.into(),
        meta: None,
    };
    let items = project
        .add_text_items(&[
            NewTextItem {
                rel_path: "r.jsonl:1".into(),
                doc: doc("好吃"),
            },
            NewTextItem {
                rel_path: "r.jsonl:2".into(),
                doc: doc("太贵"),
            },
        ])
        .unwrap();
    for (item, label) in items.iter().zip([1, 2]) {
        project
            .apply(Edit::SetImageLabels {
                item: *item,
                labels: vec![LabelId(label)],
            })
            .unwrap();
    }
    drop(project);

    let out_dir = tmp.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    // A file of the user's that happens to be called labels.json.
    let theirs = out_dir.join("labels.json");
    std::fs::write(&theirs, "{\"mine\": true}").unwrap();
    let out = out_dir.join("train.jsonl");
    let (stdout, _) = export(&dir, "hf", &out);
    let companion = out_dir.join("train.labels.json");
    assert!(stdout.contains("train.labels.json"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&theirs).unwrap(),
        "{\"mine\": true}"
    );
    let names: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&companion).unwrap()).unwrap();
    assert!(names.to_string().contains("差评"), "{names}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2);

    // An export that fails (the output is a folder) leaves its companion as it was.
    std::fs::write(&companion, "earlier").unwrap();
    let folder = out_dir.join("dev.jsonl");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(out_dir.join("dev.labels.json"), "earlier").unwrap();
    fails_cleanly(&export_run(&dir, "hf", &folder));
    assert_eq!(
        std::fs::read_to_string(out_dir.join("dev.labels.json")).unwrap(),
        "earlier"
    );
}

#[test]
fn a_coco_export_without_image_labels_keeps_an_existing_labels_file() {
    let f = common::image_project(&[("a.png", 40, 30)], &["car"], &["indoor"], false);
    let out = f.root.path().join("out.json");
    let companion = f.root.path().join("out.labels.jsonl");
    std::fs::write(
        &companion,
        "{\"file_name\": \"a.png\", \"labels\": [\"indoor\"]}\n",
    )
    .unwrap();
    let (_, stderr) = export(&f.project, "coco", &out);
    assert!(out.is_file());
    assert_eq!(
        std::fs::read_to_string(&companion).unwrap(),
        "{\"file_name\": \"a.png\", \"labels\": [\"indoor\"]}\n",
        "never deleted"
    );
    assert!(
        stderr.contains("out.labels.jsonl") && stderr.contains("earlier export"),
        "{stderr}"
    );

    // With image labels, the export replaces it with its own.
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    let item = project.items()[0].id;
    project
        .apply(Edit::SetImageLabels {
            item,
            labels: vec![LabelId(1)],
        })
        .unwrap();
    drop(project);
    let (stdout, stderr) = export(&f.project, "coco", &out);
    assert!(stdout.contains("out.labels.jsonl"), "{stdout}");
    assert!(!stderr.contains("earlier export"), "{stderr}");
    let written = std::fs::read_to_string(&companion).unwrap();
    assert!(
        written.contains("indoor") && written.contains("a.png"),
        "{written}"
    );
}

/// A folder export replaces its folder whole; the folder holding the
/// project's own images (laid out as classification folders, which a YOLO
/// classification export also writes) is never taken for an earlier export.
#[test]
fn a_folder_export_never_replaces_the_image_folder() {
    let f = common::image_project(
        &[("train/cat/1.jpg", 8, 8), ("val/dog/2.jpg", 8, 8)],
        &["car"],
        &["cat", "dog"],
        false,
    );
    for format in ["yolo-cls", "yolo", "voc", "labelme"] {
        let err = fails_cleanly(&export_run(&f.project, format, &f.images));
        assert!(err.contains("image folder"), "{format}: {err}");
        assert!(f.images.join("train/cat/1.jpg").is_file(), "{format}");
        assert!(f.images.join("val/dog/2.jpg").is_file(), "{format}");
    }
    let err = fails_cleanly(&export_run(&f.project, "yolo-cls", f.root.path()));
    assert!(err.contains("image folder"), "{err}");
}
