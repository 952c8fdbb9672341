//! File → Import DOTA… and Export YOLO oriented boxes (OBB)… driven headless
//! on the fixture Ultralytics' DOTA converter wrote: the DOTA files come in as
//! rotated boxes and polygons in one undo step, and go out as the rows the
//! converter wrote.

use crate::common::gui::{app_boxes, app_over_dataset_copy, file_menu_job, undo_in_app};
use shugu::model::{AttrValue, LabelSchema};
use shugu::ui::dialogs::FakeDialogs;
use std::path::Path;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/yolo_shapes/obb"
);

fn rows(file: &Path) -> Vec<Vec<f64>> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().map(|v| v.parse().unwrap()).collect())
        .collect()
}

#[test]
fn import_dota_and_export_yolo_obb_from_the_file_menu() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // Classes in the converter's order, so the exported ids are its ids.
    let schema = LabelSchema::with_classes(&[
        "plane",
        "ship",
        "storage-tank",
        "baseball-diamond",
        "tennis-court",
        "basketball-court",
        "ground-track-field",
        "harbor",
        "bridge",
        "large-vehicle",
        "small-vehicle",
    ]);
    let (dataset, mut h) =
        app_over_dataset_copy(tmp.path(), Path::new(FIXTURE), "images", schema, |d| {
            let dota = d.join("labels/train_original");
            FakeDialogs {
                folders: vec![dota.clone(), dota, out.clone()],
                ..FakeDialogs::default()
            }
        });
    let notice = file_menu_job(&mut h, "Import DOTA…");
    assert!(
        notice.starts_with("Imported 6 annotations (4 rotated_rect, 2 polygon) from 2 label files"),
        "{notice}"
    );
    let difficult = app_boxes(&h)
        .iter()
        .filter(|a| a.attributes.get("difficult") == Some(&AttrValue::Bool(true)))
        .count();
    assert_eq!(difficult, 2);
    undo_in_app(&mut h);
    assert!(
        app_boxes(&h).is_empty(),
        "one undo step takes the import back"
    );

    file_menu_job(&mut h, "Import DOTA…");
    let notice = file_menu_job(&mut h, "Export YOLO oriented boxes (OBB)…");
    assert!(notice.contains("3 images"), "{notice}");
    for stem in ["P0001", "P0002"] {
        let rel = format!("labels/train/{stem}.txt");
        let (a, b) = (rows(&dataset.join(&rel)), rows(&out.join(&rel)));
        assert_eq!(a.len(), b.len(), "{stem}");
        for (x, y) in a.iter().zip(&b) {
            assert!(
                x.iter().zip(y).all(|(p, q)| (p - q).abs() <= 1e-6),
                "{stem}: {x:?} vs {y:?}"
            );
        }
    }
    let yaml = std::fs::read_to_string(out.join("data.yaml")).unwrap();
    assert!(yaml.contains("9: \"large-vehicle\""), "{yaml}");
}
