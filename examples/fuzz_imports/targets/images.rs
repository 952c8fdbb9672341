//! The image importers: COCO, COCO results, YOLO, VOC, CVAT, labelme and
//! Label Studio image tasks, on projects over the fixtures' images.

use super::{ImageProject, Importer, Seed};
use crate::rng::Rng;
use crate::workspace::{copy_tree, repo_path};
use serde_json::{Value, json};
use shugu::formats::coco::{
    ImportPlanner, ImportTarget, parse_coco, parse_coco_header, plan_import,
    stream_coco_annotations,
};
use shugu::jobs::box_labels::{BoxImportOptions, BoxLabelPlan, apply_box_label_plan};
use shugu::jobs::predictions::{
    PredictionFormat, PredictionOptions, apply_predictions, read_predictions,
};
use shugu::jobs::yolo::{OutsidePolicy, YoloImportOptions, apply_yolo_plan, read_yolo};
use shugu::jobs::{coco, cvat, label_studio_images, labelme, voc};
use shugu::model::{Item, LabelSchema};
use std::collections::HashMap;
use std::path::Path;

fn fixture(rel: &str) -> std::path::PathBuf {
    repo_path(&format!("tests/fixtures/{rel}"))
}

fn options(rng: &mut Rng) -> YoloImportOptions {
    YoloImportOptions {
        outside: if rng.chance(1, 2) {
            OutsidePolicy::Clamp
        } else {
            OutsidePolicy::Skip
        },
        add_unknown_classes: rng.chance(1, 2),
    }
}

fn box_options(rng: &mut Rng) -> BoxImportOptions {
    let o = options(rng);
    BoxImportOptions {
        outside: o.outside,
        add_unknown_classes: o.add_unknown_classes,
    }
}

/// Copies a fixture dataset to `work/templates/<name>`, the folder inputs
/// are made from.
fn template(work: &Path, fixture_rel: &str, name: &str) -> anyhow::Result<std::path::PathBuf> {
    let to = work.join("templates").join(name);
    crate::workspace::remove_any(&to)?;
    copy_tree(&fixture(fixture_rel), &to)?;
    Ok(to)
}

/// Stores a box-label plan (labelme, Label Studio, VOC, CVAT) when asked,
/// and undoes it.
fn store_box_labels(
    project: &mut ImageProject,
    plan: BoxLabelPlan,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<()> {
    if store {
        apply_box_label_plan(&mut project.project, plan, rng.chance(1, 2))?;
        project.stored()?;
    }
    Ok(())
}

fn no_progress() -> impl FnMut(shugu::jobs::Progress) {
    |_| {}
}

/// The COCO importers' project: the CVAT fixture's images, and the COCO
/// files our exporter writes for them once the CVAT fixture is imported
/// (boxes with attributes), in the forms other tools write too.
fn coco_project(work: &Path) -> anyhow::Result<(ImageProject, Value)> {
    let images = fixture("cvat/dataset/images");
    let mut scratch = ImageProject::new(&work.join("scratch"), &images, LabelSchema::default())?;
    let plan = cvat::read_cvat(
        &fixture("cvat/dataset/annotations.xml"),
        scratch.project.items(),
        scratch.project.schema(),
        BoxImportOptions {
            add_unknown_classes: true,
            ..Default::default()
        },
        &mut no_progress(),
    )?;
    apply_box_label_plan(&mut scratch.project, plan, true)?;
    let out = work.join("scratch/instances.json");
    coco::export_coco(&scratch.project, &out)?;
    let exported: Value = serde_json::from_slice(&std::fs::read(&out)?)?;
    let project = ImageProject::new(work, &images, LabelSchema::default())?;
    Ok((project, exported))
}

fn json_seed(file: &str, value: &Value) -> anyhow::Result<Seed> {
    Ok(Seed {
        template: None,
        file: file.to_string(),
        bytes: serde_json::to_vec_pretty(value)?,
    })
}

/// COCO 2017's shape of the same file: every annotation with a polygon or an
/// RLE `segmentation`, `area` and `iscrowd`, and `attributes` an empty list
/// (as some tools write when there are none).
fn coco_2017(exported: &Value) -> Value {
    let mut file = exported.clone();
    if let Some(anns) = file["annotations"].as_array_mut() {
        for (i, ann) in anns.iter_mut().enumerate() {
            let b: Vec<f64> = ann["bbox"]
                .as_array()
                .map(|b| b.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            if let [x, y, w, h] = b[..] {
                ann["segmentation"] = if i % 3 == 2 {
                    json!({"counts": [0, 5, 10, 5], "size": [h.ceil(), w.ceil()]})
                } else {
                    json!([[x, y, x + w, y, x + w, y + h, x, y + h]])
                };
                ann["area"] = json!(w * h);
                ann["iscrowd"] = json!(u8::from(i % 3 == 2));
            }
            if i % 2 == 1 {
                ann["attributes"] = json!([]);
            }
        }
    }
    file
}

/// Label Studio's COCO export names images by their upload URL; supervision
/// writes bare file names.
fn coco_names(exported: &Value, url: bool) -> Value {
    let mut file = exported.clone();
    if let Some(images) = file["images"].as_array_mut() {
        for img in images {
            let name = img["file_name"].as_str().unwrap_or_default();
            let base = name.rsplit('/').next().unwrap_or(name).to_string();
            img["file_name"] = if url {
                json!(format!("/data/upload/1/3f2a9c1b-{base}"))
            } else {
                json!(base)
            };
        }
    }
    file
}

fn lookup(items: &[Item]) -> HashMap<String, ImportTarget> {
    items
        .iter()
        .filter(|it| !it.is_broken())
        .map(|it| {
            let target = ImportTarget {
                item: it.id,
                width: it.width,
                height: it.height,
            };
            (it.rel_path.clone(), target)
        })
        .collect()
}

/// Any COCO files other fixtures hold.
fn fixture_coco_seeds() -> anyhow::Result<Vec<Seed>> {
    let dir = fixture("coco");
    crate::workspace::files_under(&dir)
        .iter()
        .filter(|f| f.ends_with(".json"))
        .map(|f| Seed::from_file(None, f.rsplit('/').next().unwrap_or(f), &dir.join(f)))
        .collect()
}

/// Reads an input (and stores it when asked) against the project.
type Run = fn(&mut ImageProject, &Path, &mut Rng, bool) -> anyhow::Result<()>;

/// An image importer: its project, its seeds and how it reads an input.
pub struct ImageImporter {
    project: ImageProject,
    seeds: Vec<Seed>,
    run: Run,
}

impl Importer for ImageImporter {
    fn seeds(&self) -> &[Seed] {
        &self.seeds
    }

    fn run(&mut self, input: &Path, rng: &mut Rng, store: bool) -> anyhow::Result<()> {
        (self.run)(&mut self.project, input, rng, store)
    }

    fn reset(&mut self) -> anyhow::Result<()> {
        self.project.reset()
    }
}

pub fn coco(work: &Path) -> anyhow::Result<ImageImporter> {
    let (project, exported) = coco_project(work)?;
    let mut seeds = vec![
        json_seed("instances_export.json", &exported)?,
        json_seed("instances_2017.json", &coco_2017(&exported))?,
        json_seed("label_studio_coco.json", &coco_names(&exported, true))?,
        json_seed("supervision_coco.json", &coco_names(&exported, false))?,
    ];
    seeds.extend(fixture_coco_seeds()?);
    Ok(ImageImporter {
        project,
        seeds,
        run: run_coco,
    })
}

fn run_coco(
    project: &mut ImageProject,
    input: &Path,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(input)?;
    let targets = lookup(project.project.items());
    let find = |name: &str| targets.get(name).copied();
    if let Ok(file) = parse_coco(&bytes) {
        plan_import(&file, find);
    }
    // The streaming path, in chunks that end anywhere.
    if let Ok(header) = parse_coco_header(&bytes) {
        let mut planner = ImportPlanner::new(&header, find);
        let chunk = 1 + rng.small(64);
        let _ = stream_coco_annotations(&bytes, chunk, &mut |anns| {
            planner.plan(&anns);
            true
        });
        planner.finish();
    }
    if store {
        coco::import_coco(&mut project.project, input)?;
        project.stored()?;
    }
    Ok(())
}

/// A COCO results file (what pycocotools' `loadRes` reads) for the
/// exported annotations.
fn results(exported: &Value) -> Value {
    let anns = exported["annotations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Value::Array(
        anns.iter()
            .enumerate()
            .map(|(i, a)| {
                json!({
                    "image_id": a["image_id"],
                    "category_id": a["category_id"],
                    "bbox": a["bbox"],
                    "score": 0.05 + (i % 19) as f64 * 0.05,
                })
            })
            .collect(),
    )
}

pub fn coco_results(work: &Path) -> anyhow::Result<ImageImporter> {
    let (project, exported) = coco_project(work)?;
    Ok(ImageImporter {
        project,
        seeds: vec![json_seed("results.json", &results(&exported))?],
        run: |project, input, rng, store| {
            read_and_store_predictions(project, input, PredictionFormat::CocoResults, rng, store)
        },
    })
}

fn read_and_store_predictions(
    project: &mut ImageProject,
    input: &Path,
    format: PredictionFormat,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<()> {
    let options: PredictionOptions = options(rng);
    let p = &project.project;
    let read = read_predictions(
        input,
        format,
        p.items(),
        p.schema(),
        options,
        &mut no_progress(),
    )?;
    if store {
        apply_predictions(&mut project.project, read, "fuzz", options)?;
        project.stored()?;
    }
    Ok(())
}

pub fn yolo(work: &Path) -> anyhow::Result<ImageImporter> {
    let mut seeds = Seed::all_in(&template(work, "yolo/ultralytics", "ultralytics")?)?;
    seeds.extend(Seed::all_in(&template(work, "yolo/darknet", "darknet")?)?);
    Ok(ImageImporter {
        project: ImageProject::new(work, &fixture("yolo"), LabelSchema::default())?,
        seeds,
        run: run_yolo,
    })
}

fn run_yolo(
    project: &mut ImageProject,
    input: &Path,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<()> {
    if rng.chance(1, 8) {
        // Predictions read the same folder, with scores.
        return read_and_store_predictions(project, input, PredictionFormat::Yolo, rng, store);
    }
    let plan = read_yolo(
        input,
        project.project.items(),
        options(rng),
        &mut no_progress(),
    )?;
    if store {
        apply_yolo_plan(&mut project.project, plan)?;
        project.stored()?;
    }
    Ok(())
}

/// VOC's and CVAT's read: the schema's classes are known ones.
type SchemaRead = fn(
    &Path,
    &[Item],
    &LabelSchema,
    BoxImportOptions,
    &mut dyn FnMut(shugu::jobs::Progress),
) -> Result<BoxLabelPlan, shugu::jobs::JobError>;

fn read_with_schema(
    read: SchemaRead,
    project: &mut ImageProject,
    input: &Path,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<()> {
    let p = &project.project;
    let plan = read(
        input,
        p.items(),
        p.schema(),
        box_options(rng),
        &mut no_progress(),
    )?;
    store_box_labels(project, plan, rng, store)
}

pub fn voc(work: &Path) -> anyhow::Result<ImageImporter> {
    let images = fixture("voc/detection/JPEGImages");
    Ok(ImageImporter {
        project: ImageProject::new(work, &images, LabelSchema::with_classes(&["car"]))?,
        seeds: Seed::all_in(&template(work, "voc/detection", "detection")?)?,
        run: |project, input, rng, store| {
            read_with_schema(voc::read_voc, project, input, rng, store)
        },
    })
}

pub fn cvat(work: &Path) -> anyhow::Result<ImageImporter> {
    let dir = fixture("cvat/dataset");
    Ok(ImageImporter {
        project: ImageProject::new(work, &dir.join("images"), LabelSchema::default())?,
        seeds: files(&dir, &["annotations.xml", "annotations_datumaro.xml"])?,
        run: |project, input, rng, store| {
            read_with_schema(cvat::read_cvat, project, input, rng, store)
        },
    })
}

pub fn labelme(work: &Path) -> anyhow::Result<ImageImporter> {
    Ok(ImageImporter {
        project: ImageProject::new(work, &fixture("labelme/dataset"), LabelSchema::default())?,
        seeds: Seed::all_in(&template(work, "labelme/dataset", "labelme")?)?,
        run: |project, input, rng, store| {
            let plan = labelme::read_labelme(input, project.project.items(), &mut no_progress())?;
            store_box_labels(project, plan, rng, store)
        },
    })
}

pub fn label_studio(work: &Path) -> anyhow::Result<ImageImporter> {
    let dir = fixture("label_studio");
    Ok(ImageImporter {
        project: ImageProject::new(work, &fixture("labelme/dataset"), LabelSchema::default())?,
        seeds: files(&dir, &["tasks.json", "converter_tasks.json"])?,
        run: |project, input, rng, store| {
            let items = project.project.items();
            let plan = label_studio_images::read_label_studio_images(input, items)?;
            store_box_labels(project, plan, rng, store)
        },
    })
}

fn files(dir: &Path, names: &[&str]) -> anyhow::Result<Vec<Seed>> {
    names
        .iter()
        .map(|f| Seed::from_file(None, f, &dir.join(f)))
        .collect()
}
