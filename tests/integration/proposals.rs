//! Model predictions as proposals (pre-labels): storing, accepting (a box by the
//! annotator, its model and score recorded), rejecting, undo/redo, persistence,
//! and the COCO results and YOLO imports with their per-record problems.

use crate::common;
use shugu::jobs::predictions::{
    PredictionFormat, PredictionOptions, PredictionReport, import_predictions,
};
use shugu::model::Shape;
use shugu::model::{BBox, ClassId, Edit, ItemId, ItemStatus, NewProposal, ProposalId};
use shugu::project::Project;

const CAR: ClassId = ClassId(1);

fn proposal(item: ItemId, x: f32, score: f32) -> NewProposal {
    NewProposal {
        item,
        class: CAR,
        shape: Shape::Rect(BBox::from_xywh(x, 2.0, 10.0, 8.0)),
        score,
        source: "yolov8n".into(),
        attributes: Default::default(),
    }
}

/// Opens for writing; tests here also run the binary, which can briefly hold
/// a copy of this process's lock between its fork and exec.
fn open(dir: &std::path::Path, author: &str) -> Project {
    let mut p = common::cli::open_when_free(dir);
    p.set_author(author);
    p
}

fn proposal_ids(p: &Project, item: ItemId) -> Vec<ProposalId> {
    p.proposals(item).unwrap().iter().map(|p| p.id).collect()
}

#[test]
fn accept_reject_undo_redo_and_reopen() {
    let fx = common::three_images();
    let mut p = open(&fx.project, "importer");
    let a = p.items()[0].id;
    p.apply(Edit::AddProposals(vec![
        proposal(a, 1.0, 0.95),
        proposal(a, 12.0, 0.5),
        // Reaches outside the 40×30 image: clamped like a box.
        proposal(a, 35.0, 0.85),
    ]))
    .unwrap();
    // Proposals are not annotations: the item stays new and has no boxes.
    assert_eq!(p.item(a).unwrap().status, ItemStatus::New);
    assert!(p.annotations(a).unwrap().is_empty());
    let props = p.proposals(a).unwrap();
    assert_eq!(
        props.iter().map(|p| p.score).collect::<Vec<_>>(),
        vec![0.95, 0.85, 0.5],
        "best score first"
    );
    assert_eq!(props[1].bounds().max_x, 40.0, "clamped to the image");
    drop(p);

    // The annotator accepts the best one.
    let mut p = open(&fx.project, "小王");
    let best = p.proposals(a).unwrap()[0].clone();
    let applied = p.apply(Edit::AcceptProposals(vec![best.id])).unwrap();
    assert_eq!(applied.created.len(), 1);
    let boxes = p.annotations(a).unwrap();
    assert_eq!(boxes.len(), 1);
    let b = &boxes[0];
    assert_eq!((b.bounds(), b.class), (best.bounds(), best.class));
    assert_eq!(b.provenance.author, "小王");
    let origin = p.annotation_origin(b.id).unwrap().unwrap();
    assert_eq!((origin.source.as_str(), origin.score), ("yolov8n", 0.95));
    assert_eq!(p.proposals(a).unwrap().len(), 2);
    assert_eq!(p.item(a).unwrap().status, ItemStatus::InProgress);
    let log = p.history(Some(a), 10).unwrap();
    assert_eq!(log[0].kind, "accept_proposals");
    assert_eq!(log[0].author, "小王");

    // Reject the weakest.
    let weakest = p.proposals(a).unwrap()[1].id;
    p.apply(Edit::DeleteProposals(vec![weakest])).unwrap();
    assert_eq!(proposal_ids(&p, a).len(), 1);

    // Undo the rejection, then the acceptance: the proposal is back under its
    // id, the box is gone, the item is new again.
    p.undo().unwrap();
    assert_eq!(proposal_ids(&p, a).len(), 2);
    p.undo().unwrap();
    assert!(p.annotations(a).unwrap().is_empty());
    assert!(p.annotation_origin(b.id).unwrap().is_none());
    assert_eq!(p.proposals(a).unwrap()[0], best);
    assert_eq!(p.item(a).unwrap().status, ItemStatus::New);

    // Redo: the same box id, author and origin again.
    p.redo().unwrap();
    let again = p.annotations(a).unwrap();
    assert_eq!(again, boxes);
    assert_eq!(p.annotation_origin(b.id).unwrap(), Some(origin.clone()));
    assert_eq!(p.item(a).unwrap().status, ItemStatus::InProgress);
    p.redo().unwrap();
    drop(p);

    // Everything survives reopening.
    let p = open(&fx.project, "someone");
    assert_eq!(p.annotations(a).unwrap(), boxes);
    assert_eq!(p.annotation_origin(b.id).unwrap(), Some(origin));
    let left = p.proposals(a).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].score, 0.85);
    assert_eq!(p.all_proposals().unwrap(), left);
    // The item list can show only the items with proposals waiting.
    let query = shugu::project::ItemQuery {
        with_proposals: true,
        ..Default::default()
    };
    assert_eq!(p.query_items(&query).unwrap(), vec![0]);
}

#[test]
fn deleting_an_accepted_box_and_undoing_keeps_its_origin() {
    let fx = common::three_images();
    let mut p = open(&fx.project, "ann");
    let a = p.items()[0].id;
    p.apply(Edit::AddProposals(vec![proposal(a, 1.0, 0.9)]))
        .unwrap();
    let id = proposal_ids(&p, a)[0];
    let b = p.apply(Edit::AcceptProposals(vec![id])).unwrap().created[0];
    p.apply(Edit::DeleteAnnotations(vec![b])).unwrap();
    assert!(
        p.annotation_origin(b).unwrap().is_none(),
        "no origin for a deleted box"
    );
    p.undo().unwrap();
    assert_eq!(p.annotation_origin(b).unwrap().unwrap().source, "yolov8n");
}

#[test]
fn bad_proposals_are_refused_with_a_reason() {
    let fx = common::three_images();
    let mut p = open(&fx.project, "ann");
    let a = p.items()[0].id;
    let cases = [
        (
            NewProposal {
                class: ClassId(99),
                ..proposal(a, 1.0, 0.5)
            },
            "class",
        ),
        (proposal(a, 1.0, 1.5), "score"),
        (proposal(a, 1.0, f32::NAN), "score"),
        (
            NewProposal {
                source: " ".into(),
                attributes: Default::default(),
                ..proposal(a, 1.0, 0.5)
            },
            "model",
        ),
        (
            NewProposal {
                shape: Shape::Rect(BBox::from_xywh(f32::NAN, 0.0, 1.0, 1.0)),
                ..proposal(a, 1.0, 0.5)
            },
            "not finite",
        ),
    ];
    for (bad, word) in cases {
        let err = p.apply(Edit::AddProposals(vec![bad])).unwrap_err();
        assert!(err.to_string().contains(word), "{err}");
    }
    let err = p
        .apply(Edit::AcceptProposals(vec![ProposalId(12345)]))
        .unwrap_err();
    assert!(
        err.to_string().contains("no proposal with id 12345"),
        "{err}"
    );
    assert!(p.all_proposals().unwrap().is_empty());
}

/// `three_images` gets COCO export image ids 1, 2, 3 for a.jpg, b.jpg, c.jpg.
const RESULTS: &str = r#"[
  {"image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 8], "score": 0.91},
  {"image_id": 2, "category_name": "car", "bbox": [30, 20, 20, 20], "score": 0.4},
  {"file_name": "c.jpg", "category_id": 1, "bbox": [5, 5, 5, 5], "score": 0.75},
  {"image_id": 42, "category_id": 1, "bbox": [1, 2, 10, 8], "score": 0.9},
  {"image_id": 1, "category_id": 7, "bbox": [1, 2, 10, 8], "score": 0.9},
  {"image_id": 1, "category_name": "bus", "bbox": [1, 2, 10, 8], "score": 0.9},
  {"image_id": 1, "category_id": 1, "bbox": [NaN, 2, 10, 8], "score": 0.9},
  {"file_name": "../../etc/passwd", "category_id": 1, "bbox": [1, 2, 10, 8], "score": 0.9},
  {"file_name": "/etc/passwd", "category_id": 1, "bbox": [1, 2, 10, 8], "score": 0.9},
  {"file_name": "C:\\x.jpg", "category_id": 1, "bbox": [1, 2, 10, 8], "score": 0.9}
]"#;

fn import_results(
    p: &mut Project,
    file: &std::path::Path,
    add_unknown_classes: bool,
    source: Option<&str>,
) -> Result<PredictionReport, shugu::jobs::JobError> {
    let options = PredictionOptions {
        add_unknown_classes,
        ..PredictionOptions::default()
    };
    let kind = PredictionFormat::CocoResults;
    import_predictions(p, file, kind, options, source, &mut |_| {})
}

#[test]
fn coco_results_import_reports_bad_records_and_keeps_the_rest() {
    let fx = common::three_images();
    let file = fx.root.path().join("detr-r50.json");
    std::fs::write(&file, RESULTS).unwrap();
    let mut p = open(&fx.project, "ann");
    let report = import_results(&mut p, &file, false, None).unwrap();
    assert_eq!(report.source, "detr-r50");
    assert_eq!(report.proposals, 3);
    assert_eq!(report.clamped, 1, "b.jpg's box reaches past 40×30");
    let problems = report.problems.join("\n");
    for expected in [
        "record [1]: the box",
        "record [3]: image id 42 is not an image of this project",
        "record [4]: category id 7 is not a class of this project",
        "record [6]: `bbox` [x, y, w, h] has null where a finite number belongs",
        // Names are only keys: those leading out of the image root find nothing.
        "record [7]: file_name \"../../etc/passwd\" is not an image of the project",
        "record [8]: file_name \"/etc/passwd\" is not an image of the project",
        "record [9]: file_name \"C:\\\\x.jpg\" is not an image of the project",
        "class \"bus\" is not in the project: its 1 predictions were left out",
    ] {
        assert!(
            problems.contains(expected),
            "missing {expected:?} in:\n{problems}"
        );
    }
    assert!(problems.contains("detr-r50.json: record [3]"), "{problems}");
    let all = p.all_proposals().unwrap();
    let scores: Vec<f32> = all.iter().map(|p| p.score).collect();
    assert_eq!(scores, vec![0.91, 0.4, 0.75]);
    assert!(all.iter().all(|p| p.source == "detr-r50" && p.class == CAR));
    assert_eq!(p.item(all[2].item).unwrap().rel_path, "c.jpg");
    // One undo step removes them all.
    p.undo().unwrap();
    assert!(p.all_proposals().unwrap().is_empty());

    // Unknown classes are added on request.
    let report = import_results(&mut p, &file, true, Some("detr")).unwrap();
    assert_eq!(report.new_classes, vec!["bus"]);
    assert_eq!(report.proposals, 4);
}

#[test]
fn malformed_results_file_is_one_clear_error() {
    let fx = common::three_images();
    let mut p = open(&fx.project, "ann");
    for (body, expected) in [
        (&b"[{\"image_id\": 1,"[..], "not valid JSON"),
        (&b"{\"predictions\": []}"[..], "JSON array of predictions"),
        (&b"\xff\xfe[]"[..], "not UTF-8"),
    ] {
        let file = fx.root.path().join("bad.json");
        std::fs::write(&file, body).unwrap();
        let err = import_results(&mut p, &file, false, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.json") && err.contains(expected), "{err}");
    }
    assert!(p.all_proposals().unwrap().is_empty());
}

#[test]
fn cli_imports_yolo_predictions_and_coco_results_as_proposals() {
    use common::cli::{fails_cleanly, shugu, succeeds};
    let fx = common::three_images();
    let yolo = fx.root.path().join("yolov8-run3");
    std::fs::create_dir_all(yolo.join("labels")).unwrap();
    std::fs::write(yolo.join("classes.txt"), "car\n").unwrap();
    std::fs::write(
        yolo.join("labels/a.txt"),
        "0 0.5 0.5 0.25 0.5 0.88\n0 0.2 0.2 0.1 0.1 0.3\n",
    )
    .unwrap();
    std::fs::write(yolo.join("labels/b.txt"), "0 0.5 0.5 0.2 0.2\n").unwrap();
    let out = shugu([
        "import".as_ref(),
        fx.project.as_os_str(),
        yolo.as_os_str(),
        "--format".as_ref(),
        "yolo".as_ref(),
        "--as-proposals".as_ref(),
    ]);
    let stdout = succeeds(&out);
    assert!(stdout.contains("imported 3 proposals"), "{stdout}");
    assert!(stdout.contains("\"yolov8-run3\""), "{stdout}");
    assert!(stdout.contains("1 box(es) had no score"), "{stdout}");

    let file = fx.root.path().join("preds.json");
    std::fs::write(&file, RESULTS).unwrap();
    let out = shugu([
        "import".as_ref(),
        fx.project.as_os_str(),
        file.as_os_str(),
        "--format".as_ref(),
        "coco-results".as_ref(),
        "--source".as_ref(),
        "detr".as_ref(),
    ]);
    let stdout = succeeds(&out);
    assert!(stdout.contains("imported 3 proposals"), "{stdout}");
    let stderr = common::cli::text(&out.stderr);
    assert!(stderr.contains("../../etc/passwd"), "{stderr}");

    let p = common::cli::open_when_free(&fx.project);
    let all = p.all_proposals().unwrap();
    assert_eq!(all.len(), 6);
    let a = p.items()[0].id;
    let on_a: Vec<(f32, &str)> = all
        .iter()
        .filter(|x| x.item == a)
        .map(|x| (x.score, x.source.as_str()))
        .collect();
    assert_eq!(
        on_a,
        vec![(0.88, "yolov8-run3"), (0.3, "yolov8-run3"), (0.91, "detr")]
    );
    // YOLO centre 0.5,0.5 size 0.25×0.5 on 40×30 → 15..25 × 7.5..22.5
    let first = all.iter().find(|x| x.score == 0.88).unwrap();
    assert_eq!(
        first.bounds(),
        BBox::from_corners([15.0, 7.5], [25.0, 22.5])
    );
    assert!(
        p.all_annotations().unwrap().is_empty(),
        "proposals are not boxes"
    );
    drop(p);

    let out = shugu([
        "import".as_ref(),
        fx.project.as_os_str(),
        file.as_os_str(),
        "--format".as_ref(),
        "coco".as_ref(),
        "--as-proposals".as_ref(),
    ]);
    assert!(fails_cleanly(&out).contains("--as-proposals"));

    // A text project takes no proposals.
    let texts = fx.root.path().join("texts.txt");
    std::fs::write(&texts, "一\n二\n").unwrap();
    let text_project = fx.root.path().join("text-project");
    succeeds(&shugu([
        "new".as_ref(),
        text_project.as_os_str(),
        "--text".as_ref(),
        texts.as_os_str(),
        "--classes".as_ref(),
        "car".as_ref(),
    ]));
    let stderr = fails_cleanly(&shugu([
        "import".as_ref(),
        text_project.as_os_str(),
        file.as_os_str(),
        "--format".as_ref(),
        "coco-results".as_ref(),
    ]));
    assert!(stderr.contains("text project"), "{stderr}");
}

#[test]
fn exports_leave_proposals_out_unless_asked() {
    use common::cli::{fails_cleanly, shugu, succeeds};
    let fx = common::three_images();
    {
        let mut p = open(&fx.project, "ann");
        let [a, b] = [p.items()[0].id, p.items()[1].id];
        p.apply(Edit::AddProposals(vec![
            proposal(a, 1.0, 0.9),
            proposal(a, 20.0, 0.42),
            proposal(b, 3.0, 0.7),
        ]))
        .unwrap();
        let best = proposal_ids(&p, a)[0];
        p.apply(Edit::AcceptProposals(vec![best])).unwrap();
    }
    let export = |name: &str, extra: &[&str]| {
        let out = fx.root.path().join(name);
        let mut args = vec![
            "export".as_ref(),
            fx.project.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let stdout = succeeds(&shugu(args));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        (stdout, json["annotations"].as_array().unwrap().clone())
    };
    let (_, plain) = export("plain.json", &[]);
    assert_eq!(plain.len(), 1, "only the accepted box");
    assert!(plain[0].get("score").is_none());

    let (stdout, with) = export("with.json", &["--include-proposals"]);
    assert!(
        stdout.contains("1 annotations") && stdout.contains("2 unreviewed proposals"),
        "{stdout}"
    );
    assert_eq!(with.len(), 3);
    let scores: Vec<Option<f64>> = with.iter().map(|a| a["score"].as_f64()).collect();
    assert_eq!(scores, vec![None, Some(0.42), Some(0.7)]);
    assert_eq!(with[1]["image_id"], 1);
    assert_eq!(with[2]["image_id"], 2);
    assert_eq!(with[1]["bbox"], serde_json::json!([20.0, 2.0, 10.0, 8.0]));
    let ids: Vec<i64> = with.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![1, 2, 3]);

    let out = fx.root.path().join("yolo-out");
    let stderr = fails_cleanly(&shugu([
        "export".as_ref(),
        fx.project.as_os_str(),
        "--format".as_ref(),
        "yolo".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        "--include-proposals".as_ref(),
    ]));
    assert!(stderr.contains("--format coco"), "{stderr}");
}
