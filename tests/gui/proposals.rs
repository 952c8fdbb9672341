//! Model proposals in the real UI, driven headless: File → Import predictions
//! (a COCO results file, read on a worker thread), a click selects a dashed
//! proposal and a key accepts it, the threshold slider and "Accept all ≥
//! threshold" accept the strong ones, a key rejects one; the boxes are the
//! annotator's, with the model recorded.

use crate::common;
use crate::common::gui::{
    app_config, click_image, open_file_menu_for, start_allowing_missing_glyphs, wait_for,
};
use eframe::egui::accesskit::Role;
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use shugu::model::{Annotation, BBox, ClassId, ItemId, Proposal, Shape};
use shugu::ui::Startup;
use shugu::ui::app::ShuguApp;
use shugu::ui::dialogs::FakeDialogs;
use shugu::ui::i18n::Language;

const CAR: ClassId = ClassId(1);
const PERSON: ClassId = ClassId(2);

/// Image ids as the project's COCO export numbers them: a.jpg 1, b.jpg 2.
const RESULTS: &str = r#"[
  {"image_id": 1, "category_id": 1, "bbox": [10, 10, 40, 30], "score": 0.6},
  {"image_id": 1, "category_id": 2, "bbox": [100, 20, 50, 40], "score": 0.95},
  {"image_id": 1, "category_id": 1, "bbox": [60, 50, 30, 30], "score": 0.85},
  {"image_id": 1, "category_id": 1, "bbox": [150, 60, 40, 30], "score": 0.3},
  {"image_id": 2, "category_id": 1, "bbox": [5, 5, 20, 20], "score": 0.99},
  {"image_id": 2, "category_name": "truck", "bbox": [50, 5, 20, 20], "score": 0.7},
  {"image_id": 9, "category_id": 1, "bbox": [5, 5, 20, 20], "score": 0.99}
]"#;

fn proposals_of(h: &Harness<ShuguApp>, item: ItemId) -> Vec<Proposal> {
    h.state()
        .workspace()
        .unwrap()
        .project
        .proposals(item)
        .unwrap()
}

fn annotations_of(h: &Harness<ShuguApp>, item: ItemId) -> Vec<Annotation> {
    h.state()
        .workspace()
        .unwrap()
        .project
        .annotations(item)
        .unwrap()
}

fn find(proposals: &[Proposal], score: f32) -> Proposal {
    proposals
        .iter()
        .find(|p| p.score == score)
        .cloned()
        .unwrap()
}

#[test]
fn import_select_accept_by_key_accept_above_threshold_and_reject() {
    let f = common::image_project(
        &[("a.jpg", 200, 100), ("b.jpg", 200, 100)],
        &["car", "person"],
        &[],
        false,
    );
    let results = f.root.path().join("yolov8n-preds.json");
    std::fs::write(&results, RESULTS).unwrap();
    let config = app_config(f.root.path(), "小李", Language::English, vec![]);
    let dialogs = FakeDialogs {
        files: vec![results.clone()],
        ..FakeDialogs::default()
    };
    let mut h = start_allowing_missing_glyphs(config, Startup::Open(f.project.clone()), dialogs);

    open_file_menu_for(&mut h, "Import predictions (COCO results file)…");
    h.get_by_label("Import predictions (COCO results file)…")
        .click();
    // "truck" is not a class: the app asks before adding it.
    wait_for(&mut h, ShuguApp::asks_about_unknown_classes);
    h.get_by_label_contains("does not have (predictions of each): truck (1)");
    h.get_by_label("Add these classes and import").click();
    h.run();
    let notice = h.state().notice.clone().unwrap();
    assert!(
        notice.starts_with("Imported 6 proposals") && notice.contains("yolov8n-preds"),
        "{notice}"
    );
    assert!(notice.contains("Added classes: truck"), "{notice}");
    let truck = h
        .state()
        .workspace()
        .unwrap()
        .project
        .schema()
        .class_by_name("truck")
        .map(|c| c.id);
    assert!(truck.is_some());
    assert!(notice.contains("record [6]: image id 9"), "{notice}");
    h.state_mut().notice = None;
    h.run();

    let (a, b) = {
        let items = h.state().workspace().unwrap().project.items();
        (items[0].id, items[1].id)
    };
    assert_eq!(h.state().workspace().unwrap().current_item().unwrap().id, a);
    assert_eq!(proposals_of(&h, a).len(), 4);
    h.get_by_label("4 model proposals on this image");

    // Click inside the 0.6 proposal; the panel names it; E accepts it.
    let weak = find(&proposals_of(&h, a), 0.6);
    click_image(&mut h, 30.0, 25.0);
    assert_eq!(
        h.state().workspace().unwrap().selected_proposal,
        Some(weak.id)
    );
    h.get_by_label("car · 0.60 · yolov8n-preds");
    h.key_press(Key::E);
    h.run();
    let ws = h.state().workspace().unwrap();
    let boxes = ws.project.annotations(a).unwrap();
    assert_eq!(boxes.len(), 1);
    assert_eq!((boxes[0].bounds(), boxes[0].class), (weak.bounds(), CAR));
    assert_eq!(boxes[0].provenance.author, "小李");
    assert_eq!(ws.selected, Some(boxes[0].id), "the new box is selected");
    let origin = ws.project.annotation_origin(boxes[0].id).unwrap().unwrap();
    assert_eq!(
        (origin.source.as_str(), origin.score),
        ("yolov8n-preds", 0.6)
    );
    assert_eq!(proposals_of(&h, a).len(), 3);

    // Threshold 0.8 and "Accept all ≥ threshold": the 0.95 and 0.85 ones.
    h.get_by_role_and_label(Role::Slider, "Score threshold")
        .set_value_accesskit(0.8);
    h.run();
    assert_eq!(h.state().workspace().unwrap().proposal_threshold, 0.8);
    h.get_by_label("Accept all ≥ threshold (2)").click();
    h.run();
    let ws = h.state().workspace().unwrap();
    let boxes = ws.project.annotations(a).unwrap();
    assert_eq!(boxes.len(), 3);
    let mut got: Vec<(ClassId, BBox, String, f32)> = boxes
        .iter()
        .map(|b| {
            let o = ws.project.annotation_origin(b.id).unwrap().unwrap();
            assert_eq!(b.provenance.author, "小李");
            (b.class, b.bounds(), o.source, o.score)
        })
        .collect();
    got.sort_by(|x, y| x.3.total_cmp(&y.3));
    let src = || "yolov8n-preds".to_string();
    assert_eq!(
        got,
        vec![
            (CAR, BBox::from_xywh(10.0, 10.0, 40.0, 30.0), src(), 0.6),
            (CAR, BBox::from_xywh(60.0, 50.0, 30.0, 30.0), src(), 0.85),
            (
                PERSON,
                BBox::from_xywh(100.0, 20.0, 50.0, 40.0),
                src(),
                0.95
            ),
        ]
    );
    let left = proposals_of(&h, a);
    assert_eq!(left.len(), 1, "the 0.3 proposal stays for review");
    assert_eq!(left[0].score, 0.3);
    let on_b: Vec<Option<ClassId>> = proposals_of(&h, b).iter().map(|p| Some(p.class)).collect();
    assert_eq!(on_b, vec![Some(CAR), truck], "other images are untouched");
    let log = ws.project.history(Some(a), 5).unwrap();
    assert_eq!(log[0].kind, "accept_proposals");
    assert_eq!(log[0].author, "小李");

    // Undo takes back the two at once; redo brings the same boxes back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(proposals_of(&h, a).len(), 3);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(annotations_of(&h, a), boxes);

    // Shift+E rejects the last one: no box, no proposal.
    click_image(&mut h, 170.0, 75.0);
    assert_eq!(
        h.state().workspace().unwrap().selected_proposal,
        Some(left[0].id)
    );
    h.key_press_modifiers(Modifiers::SHIFT, Key::E);
    h.run();
    assert!(proposals_of(&h, a).is_empty());
    assert_eq!(annotations_of(&h, a).len(), 3);
    assert!(
        h.query_by_role_and_label(Role::Slider, "Score threshold")
            .is_none(),
        "no proposals, no section"
    );
}

#[test]
fn ctrl_e_accepts_above_the_threshold_and_delete_rejects_the_selected_one() {
    use shugu::model::{Edit, NewProposal};
    let f = common::image_project(&[("a.jpg", 200, 100)], &["car"], &[], false);
    let a = {
        let mut p =
            shugu::project::Project::open(&f.project, shugu::project::Access::ReadWrite).unwrap();
        let a = p.items()[0].id;
        let at = |x: f32, score: f32| NewProposal {
            item: a,
            class: CAR,
            shape: Shape::Rect(BBox::from_xywh(x, 10.0, 30.0, 30.0)),
            score,
            source: "detr".into(),
            attributes: Default::default(),
        };
        p.apply(Edit::AddProposals(vec![
            at(10.0, 0.7),
            at(60.0, 0.4),
            at(120.0, 0.2),
        ]))
        .unwrap();
        a
    };
    let config = app_config(f.root.path(), "ann", Language::English, vec![]);
    let mut h = start_allowing_missing_glyphs(
        config,
        Startup::Open(f.project.clone()),
        FakeDialogs::default(),
    );
    // The default threshold is 0.5: Ctrl+E takes the 0.7 one only.
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    h.run();
    let boxes = annotations_of(&h, a);
    assert_eq!(boxes.len(), 1);
    assert_eq!(boxes[0].bounds(), BBox::from_xywh(10.0, 10.0, 30.0, 30.0));
    // Delete rejects a selected proposal, not a box.
    click_image(&mut h, 130.0, 20.0);
    h.key_press(Key::Delete);
    h.run();
    let left: Vec<f32> = proposals_of(&h, a).iter().map(|p| p.score).collect();
    assert_eq!(left, vec![0.4]);
    assert_eq!(annotations_of(&h, a), boxes);
}
