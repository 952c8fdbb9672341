//! The batch behind `shugu predict` and the AI menu (`jobs::predict`) with a
//! model of the test's own: which items each filter picks, each image stored
//! as it comes with its text, a cancel keeping what finished, and a model that
//! fails image after image or cannot be opened stopping the run with nothing
//! stored.

use crate::common;
use shugu::infer::{ImageInput, InferError, Prediction, Predictions, Predictor};
use shugu::jobs::predict::{ItemFilter, PredictRun, run_to_end, select_tasks, store_result};
use shugu::model::{AttrValue, Attributes, BBox, ClassId, Edit, NewAnnotation, NewProposal, Shape};
use shugu::project::{Access, Project};
use std::time::Duration;

/// Finds one text line per image, taking `delay` each; fails with a server
/// error instead when `failing`.
struct FakeModel {
    delay: Duration,
    failing: bool,
}

impl Predictor for FakeModel {
    fn source(&self) -> &str {
        "fake-ocr"
    }

    fn predict(&mut self, image: &ImageInput<'_>) -> Result<Predictions, InferError> {
        std::thread::sleep(self.delay);
        if self.failing {
            return Err(InferError::Server {
                url: "http://127.0.0.1:9".into(),
                detail: "cannot connect: is the server running?".into(),
            });
        }
        assert!(image.pixels.is_some(), "a local model gets pixels");
        Ok(Predictions {
            objects: vec![Prediction {
                class: "text".into(),
                score: 0.9,
                shape: Shape::Rect(BBox::from_xywh(2.0, 2.0, 20.0, 8.0)),
                attributes: Attributes::from([(
                    "text".to_owned(),
                    AttrValue::Text(format!("line of {}", image.key)),
                )]),
            }],
            ..Predictions::default()
        })
    }
}

fn model(delay_ms: u64, failing: bool) -> Box<dyn Predictor> {
    Box::new(FakeModel {
        delay: Duration::from_millis(delay_ms),
        failing,
    })
}

fn project(n: usize) -> (common::Fixture, Project) {
    let names: Vec<String> = (0..n).map(|i| format!("img{i}.png")).collect();
    let files: Vec<(&str, u32, u32)> = names.iter().map(|n| (n.as_str(), 40, 30)).collect();
    let f = common::image_project(&files, &["car"], &[], false);
    let p = Project::open(&f.project, Access::ReadWrite).unwrap();
    (f, p)
}

#[test]
fn filters_pick_all_new_or_unlabelled_items_within_the_list() {
    let (_f, mut p) = project(4);
    let ids: Vec<_> = p.items().iter().map(|i| i.id).collect();
    let car = ClassId(1);
    let rect = Shape::Rect(BBox::from_xywh(1.0, 1.0, 5.0, 5.0));
    p.apply(Edit::AddAnnotations(vec![NewAnnotation::new(
        ids[0],
        car,
        rect.clone(),
    )]))
    .unwrap();
    p.apply(Edit::AddProposals(vec![NewProposal {
        item: ids[1],
        class: car,
        shape: rect,
        score: 0.5,
        source: "m".into(),
        attributes: Attributes::new(),
    }]))
    .unwrap();
    let picked = |filter, within: Option<&[usize]>| -> Vec<_> {
        select_tasks(&p, filter, within)
            .unwrap()
            .iter()
            .map(|t| t.item)
            .collect()
    };
    assert_eq!(picked(ItemFilter::All, None), ids);
    assert_eq!(
        picked(ItemFilter::New, None),
        ids[1..].to_vec(),
        "the annotated one started"
    );
    assert_eq!(picked(ItemFilter::Unlabelled, None), ids[2..].to_vec());
    assert_eq!(picked(ItemFilter::Unlabelled, Some(&[0, 3])), vec![ids[3]]);
    assert_eq!(ItemFilter::parse("unlabelled"), Ok(ItemFilter::Unlabelled));
    assert!(
        ItemFilter::parse("some")
            .unwrap_err()
            .contains("all, new or unlabelled")
    );
}

#[test]
fn each_image_is_stored_as_it_comes_and_a_cancel_keeps_what_finished() {
    let (_f, mut p) = project(8);
    let tasks = select_tasks(&p, ItemFilter::All, None).unwrap();
    let mut run = PredictRun::start(model(80, false), tasks, 2);
    let first = loop {
        if let Some(r) = run.next_within(Duration::from_millis(50)) {
            break r;
        }
        assert!(!run.is_finished(), "the run ended without a result");
    };
    let item = first.item;
    let stored = store_result(&mut p, first, run.source()).unwrap();
    assert_eq!(stored.proposals, 1);
    // Stored before the run goes on: the text with it, the class added.
    let proposals = p.proposals(item).unwrap();
    assert_eq!(proposals.len(), 1);
    assert_eq!(proposals[0].source, "fake-ocr");
    let key = &p.item(item).unwrap().rel_path;
    assert_eq!(
        proposals[0].attributes.get("text"),
        Some(&AttrValue::Text(format!("line of {key}")))
    );
    assert!(p.schema().class_by_name("text").is_some());

    run.cancel();
    let report = run_to_end(&mut p, &mut run, &mut |_, _| {}).unwrap();
    assert!(report.cancelled, "{report:?}");
    assert!(report.stopped_because.is_none());
    let with_proposals = p.all_proposals().unwrap().len();
    assert_eq!(with_proposals, 1 + report.proposals);
    assert!(
        with_proposals < 8,
        "the cancel stopped the run: {with_proposals} stored"
    );
}

#[test]
fn a_run_to_the_end_stores_every_image() {
    let (_f, mut p) = project(5);
    let tasks = select_tasks(&p, ItemFilter::All, None).unwrap();
    let mut run = PredictRun::start(model(0, false), tasks, 3);
    let mut seen = 0;
    let report = run_to_end(&mut p, &mut run, &mut |_, _| seen += 1).unwrap();
    assert_eq!((report.images, report.proposals, seen), (5, 5, 5));
    assert!(!report.cancelled && report.failed == 0);
    assert_eq!(report.new_classes, vec!["text".to_owned()]);
    assert_eq!(p.all_proposals().unwrap().len(), 5);
}

#[test]
fn a_failing_model_stops_the_run_and_stores_nothing() {
    let (_f, mut p) = project(8);
    let tasks = select_tasks(&p, ItemFilter::All, None).unwrap();
    let mut run = PredictRun::start(model(0, true), tasks, 2);
    let report = run_to_end(&mut p, &mut run, &mut |_, _| {}).unwrap();
    assert_eq!(report.images, 3, "three failures in a row and it stops");
    assert!(report.all_failed());
    let reason = report.stopped_because.clone().unwrap_or_default();
    assert!(reason.contains("is the server running"), "{reason}");
    assert!(!report.cancelled);
    assert!(p.all_proposals().unwrap().is_empty());
    assert!(p.schema().class_by_name("text").is_none());

    // A model that cannot be opened: the reason, nothing predicted.
    let tasks = select_tasks(&p, ItemFilter::All, None).unwrap();
    let mut run = PredictRun::open_and_start(
        "missing".into(),
        Box::new(|| {
            Err(InferError::ModelMissing {
                path: "/nowhere/det.onnx".into(),
            })
        }),
        tasks,
        2,
    );
    let report = run_to_end(&mut p, &mut run, &mut |_, _| {}).unwrap();
    assert_eq!(report.images, 0);
    let reason = report.stopped_because.unwrap_or_default();
    assert!(
        reason.contains("/nowhere/det.onnx") && reason.contains("not found"),
        "{reason}"
    );
    assert!(p.all_proposals().unwrap().is_empty());
}
