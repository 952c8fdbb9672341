//! File → Import COCO JSON… and Export COCO JSON… driven headless (issue 15,
//! acceptance 3): the polygons and masks of `tests/fixtures/coco/
//! instances_segm.json` (written with pycocotools by `make_fixture.py`) are
//! read while the project is on the import's thread, come back as one undo
//! step, and are written back out as the same polygons.

use crate::common::gui::{app_config, file_menu_job, start_allowing_missing_glyphs, undo_in_app};
use crate::common::{COCO_SEGM_IMAGES, image_project};
use egui_kittest::kittest::Queryable;
use serde_json::Value;
use shugu::model::Shape;
use shugu::ui::Startup;
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;
use std::collections::HashMap;
use std::path::Path;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/coco/instances_segm.json"
);

/// (image file, polygon parts as COCO writes them), sorted.
type Polygons = Vec<(String, Vec<Vec<f32>>)>;

/// The polygon records of a COCO file: those whose `segmentation` is a list
/// of parts.
fn coco_polygons(file: &Path) -> Polygons {
    let coco: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let names: HashMap<i64, String> = coco["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let name = i["file_name"].as_str().unwrap().to_string();
            (i["id"].as_i64().unwrap(), name)
        })
        .collect();
    let mut out: Polygons = coco["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| {
            let parts = a["segmentation"].as_array()?;
            if parts.is_empty() {
                return None;
            }
            let parts = parts
                .iter()
                .map(|p| {
                    let p = p.as_array().unwrap();
                    p.iter().map(|v| v.as_f64().unwrap() as f32).collect()
                })
                .collect();
            Some((names[&a["image_id"].as_i64().unwrap()].clone(), parts))
        })
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap());
    out
}

fn assert_same_polygons(got: &Polygons, want: &Polygons, tolerance: f32) {
    assert_eq!(got.len(), want.len(), "{got:?}\n{want:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.0, w.0);
        assert_eq!(g.1.len(), w.1.len(), "{g:?} != {w:?}");
        for (gp, wp) in g.1.iter().zip(&w.1) {
            assert_eq!(gp.len(), wp.len(), "{g:?} != {w:?}");
            for (a, b) in gp.iter().zip(wp) {
                assert!((a - b).abs() <= tolerance, "{g:?} != {w:?}");
            }
        }
    }
}

#[test]
fn coco_polygons_import_and_export_from_the_file_menu() {
    let fx = image_project(&COCO_SEGM_IMAGES, &[], &[], false);
    let out = fx.root.path().join("out.json");
    let dialogs = FakeDialogs {
        files: vec![FIXTURE.into()],
        save_paths: vec![out.clone()],
        ..FakeDialogs::default()
    };
    let config = app_config(fx.root.path(), "alice", Language::English, vec![]);
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(fx.project.clone()), dialogs);

    let notice = file_menu_job(&mut h, "Import COCO JSON…");
    assert!(
        notice.starts_with("Imported 9 annotations (1 rect, 4 polygon, 4 mask)"),
        "{notice}"
    );
    // The project came back from the import's thread, writable.
    let project = &h.state().workspace().unwrap().project;
    assert!(!project.is_read_only());
    let mut stored: Polygons = project
        .all_annotations()
        .unwrap()
        .into_iter()
        .filter_map(|a| match &a.shape {
            Shape::Polygon(p) => {
                let item = project.item(a.item).unwrap().rel_path.clone();
                assert_eq!(a.provenance.author, "alice");
                Some((item, p.to_coco()))
            }
            _ => None,
        })
        .collect();
    stored.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let want = coco_polygons(Path::new(FIXTURE));
    assert_eq!(want.len(), 4, "the fixture's polygon records");
    assert_same_polygons(&stored, &want, 1e-4);

    let notice = file_menu_job(&mut h, "Export COCO…");
    assert!(notice.contains("3 images and 9 annotations"), "{notice}");
    assert_same_polygons(&coco_polygons(&out), &want, 0.01);

    // The import is one undo step of the project that came back.
    undo_in_app(&mut h);
    let project = &h.state().workspace().unwrap().project;
    assert!(project.all_annotations().unwrap().is_empty());
    // And the menus are free again.
    h.get_by_label("File");
}
