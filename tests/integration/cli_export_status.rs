//! `shugu export --status accepted` writes exactly the accepted items, for COCO
//! and for text exports.

use crate::common;
use crate::common::cli::{shugu, text};
use serde_json::Value;
use shugu::model::Shape;
use shugu::model::{BBox, ClassId, Edit, ItemStatus, LabelSchema, NewAnnotation, NewSpan, TextDoc};
use shugu::project::{Access, NewTextItem, Project};
use std::path::Path;

fn export(project: &Path, out: &Path, status: &str) -> String {
    let o = shugu([
        "export".as_ref(),
        project.as_os_str(),
        "--status".as_ref(),
        status.as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
}

#[test]
fn coco_export_of_accepted_items_only() {
    let f = common::three_images();
    let mut project = Project::open(&f.project, Access::ReadWrite).unwrap();
    let items: Vec<_> = project.items().iter().map(|i| i.id).collect();
    let statuses = [
        ItemStatus::Accepted,
        ItemStatus::Rejected,
        ItemStatus::Accepted,
    ];
    for (&item, status) in items.iter().zip(statuses) {
        project
            .apply(Edit::AddAnnotations(vec![NewAnnotation {
                item,
                class: ClassId(1),
                shape: Shape::Rect(BBox::from_corners([1.0, 1.0], [10.0, 10.0])),
                group: None,
                attributes: Default::default(),
            }]))
            .unwrap();
        project.apply(Edit::SetStatus { item, status }).unwrap();
    }
    drop(project);

    let out = f.root.path().join("accepted.json");
    export(&f.project, &out, "accepted");
    let coco: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let names: Vec<&str> = coco["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a.jpg", "c.jpg"]);
    assert_eq!(coco["annotations"].as_array().unwrap().len(), 2);

    let bad = shugu([
        "export".as_ref(),
        f.project.as_os_str(),
        "--status".as_ref(),
        "approved".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr)
            .contains("expected one of new, in_progress, submitted, accepted, rejected")
    );
}

#[test]
fn text_export_of_accepted_items_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("texts");
    let mut project =
        Project::create_text(&dir, "texts", LabelSchema::with_classes(&["ORIGIN"])).unwrap();
    let docs: Vec<NewTextItem> = ["贵州猕猴桃", "湄潭翠芽", "威宁洋芋"]
        .iter()
        .enumerate()
        .map(|(n, t)| NewTextItem {
            rel_path: format!("t.jsonl:{}", n + 1),
            doc: TextDoc {
                ext_id: Some(format!("r{}", n + 1)),
                text: t.to_string(),
                meta: None,
            },
        })
        .collect();
    let items = project.add_text_items(&docs).unwrap();
    for (&item, status) in items.iter().zip([
        ItemStatus::Submitted,
        ItemStatus::Accepted,
        ItemStatus::Accepted,
    ]) {
        project
            .apply(Edit::AddSpans(vec![NewSpan {
                item,
                class: ClassId(1),
                start: 0,
                end: 2,
            }]))
            .unwrap();
        project.apply(Edit::SetStatus { item, status }).unwrap();
    }
    drop(project);

    let out = tmp.path().join("accepted.jsonl");
    let stdout = export(&dir, &out, "accepted");
    assert!(stdout.contains("2 texts, 2 spans"), "{stdout}");
    let ids: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["r2", "r3"]);
}
