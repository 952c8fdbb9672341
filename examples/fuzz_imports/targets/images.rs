//! The image importers: COCO, COCO results, YOLO, VOC, CVAT, labelme and
//! Label Studio image tasks, on projects over the fixtures' images.

use super::{ImageProject, Importer, Input, Seed};
use crate::rng::Rng;
use crate::workspace::{copy_tree, repo_path};
use serde_json::{Value, json};
use shugu::formats::coco::{
    COCO_FOLDERS, ImportPlanner, ImportTarget, parse_coco, parse_coco_header, plan_import,
    stream_coco_annotations,
};
use shugu::formats::label_paths::{PathMatcher, relative_problem};
use shugu::jobs::box_labels::{BoxImportOptions, BoxLabelPlan, LabelOptions, apply_box_label_plan};
use shugu::jobs::dota::read_dota;
use shugu::jobs::label_files::apply_label_file_plan;
use shugu::jobs::predictions::{
    PredictionFormat, PredictionOptions, apply_predictions, read_predictions,
};
use shugu::jobs::yolo::{
    LayoutChoice, OutsidePolicy, YoloImportOptions, apply_yolo_plan, read_yolo,
};
use shugu::jobs::{coco, cvat, label_studio_images, labelme, voc};
use shugu::model::{Item, LabelSchema};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
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
        layout: match rng.below(5) {
            0 => Some(LayoutChoice::Detect),
            1 => Some(LayoutChoice::Segment),
            2 => Some(LayoutChoice::Obb),
            3 => Some(LayoutChoice::Pose),
            _ => None,
        },
    }
}

fn box_options(rng: &mut Rng) -> BoxImportOptions {
    let o = options(rng);
    BoxImportOptions {
        outside: o.outside,
        add_unknown_classes: o.add_unknown_classes,
        multi_label: rng.chance(1, 2),
    }
}

fn label_options(rng: &mut Rng) -> LabelOptions {
    LabelOptions {
        add_unknown: rng.chance(1, 2),
        multi_label: rng.chance(1, 2),
    }
}

/// Copies a fixture dataset to `work/templates/<name>`, the folder inputs
/// are made from.
fn template(work: &Path, fixture_rel: &str, name: &str) -> anyhow::Result<PathBuf> {
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
) -> anyhow::Result<String> {
    let read = read_summary(plan.shapes.len(), plan.problems.len());
    if store {
        apply_box_label_plan(&mut project.project, plan, label_options(rng))?;
        project.stored()?;
    }
    Ok(read)
}

/// What a read found, for `--replay`.
fn read_summary(boxes: usize, problems: usize) -> String {
    format!("{boxes} boxes planned, {problems} problems reported")
}

fn no_progress() -> impl FnMut(shugu::jobs::Progress) {
    |_| {}
}

/// The COCO importers' project: the CVAT fixture's images, and the COCO
/// files our exporter writes for them once the CVAT fixture is imported
/// (boxes with attributes), in the forms other tools write too.
fn coco_project(work: &Path) -> anyhow::Result<(PathBuf, LabelSchema, Value)> {
    let images = copy_images(work, &fixture("cvat/dataset/images"))?;
    let mut scratch = ImageProject::new(work.join("scratch"), &images, LabelSchema::default())?;
    let p = &scratch.project;
    let plan = cvat::read_cvat(
        &fixture("cvat/dataset/annotations.xml"),
        p.items(),
        &p.image_root(),
        p.schema(),
        BoxImportOptions {
            add_unknown_classes: true,
            ..Default::default()
        },
        &mut no_progress(),
    )?;
    let labels = LabelOptions {
        add_unknown: true,
        multi_label: true,
    };
    apply_box_label_plan(&mut scratch.project, plan, labels)?;
    let out = work.join("scratch/instances.json");
    coco::export_coco(&scratch.project, &out)?;
    let exported: Value = serde_json::from_slice(&std::fs::read(&out)?)?;
    Ok((images, scratch.project.schema().clone(), exported))
}

fn json_seed(file: &str, value: &Value) -> anyhow::Result<Seed> {
    Ok(Seed::file(file, serde_json::to_vec_pretty(value)?))
}

/// COCO 2017's shape of the same file: every annotation with a polygon or an
/// RLE `segmentation`, `area` and `iscrowd`.
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
        }
    }
    file
}

/// The file with `attributes` an empty list where there are none, as some
/// tools write it.
fn attributes_as_list(exported: &Value) -> Value {
    let mut file = exported.clone();
    if let Some(anns) = file["annotations"].as_array_mut() {
        for ann in anns.iter_mut().skip(1).step_by(2) {
            ann["attributes"] = json!([]);
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

/// The project's items as `jobs::coco` looks COCO file names up.
fn lookup(items: &[Item], image_root: &Path) -> PathMatcher<ImportTarget> {
    let targets = items.iter().filter(|it| !it.is_broken()).map(|it| {
        let target = ImportTarget {
            item: it.id,
            width: it.width,
            height: it.height,
        };
        (it.rel_path.clone(), target)
    });
    PathMatcher::new(targets, &COCO_FOLDERS).with_root(image_root)
}

/// The COCO files of the fixtures (`tests/fixtures/coco`), each with blank
/// images named and sized as its `images` list says, made once under
/// `target/fuzz-work/images/` so that a saved input replays on them.
/// `results` turns each into a COCO results file instead.
fn fixture_coco_seeds(results: Option<fn(&Value) -> Value>) -> anyhow::Result<Vec<Seed>> {
    let dir = fixture("coco");
    let mut seeds = Vec::new();
    for rel in crate::workspace::files_under(&dir) {
        let bytes = std::fs::read(dir.join(&rel))?;
        let Ok(file) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        if !file["images"].is_array() {
            continue;
        }
        let stem = rel.trim_end_matches(".json").replace('/', "-");
        let images = crate::workspace::target_dir()
            .join("fuzz-work/images")
            .join(&stem);
        blank_images(&file, &images)?;
        let seed = match results {
            Some(results) => json_seed(&format!("{stem}-results.json"), &results(&file))?,
            None => Seed::file(&format!("{stem}.json"), bytes),
        };
        seeds.push(Seed {
            images: Some(images),
            ..seed
        });
    }
    Ok(seeds)
}

/// A blank image for every entry of a COCO file's `images` with a safe name
/// and a size up to 8192 pixels a side, unless it is there already.
fn blank_images(file: &Value, dir: &Path) -> anyhow::Result<()> {
    for image in file["images"].as_array().into_iter().flatten() {
        let (Some(name), Some(width), Some(height)) = (
            image["file_name"].as_str(),
            image["width"].as_u64().and_then(|w| u32::try_from(w).ok()),
            image["height"].as_u64().and_then(|h| u32::try_from(h).ok()),
        ) else {
            continue;
        };
        let fits = (1..=8192).contains(&width) && (1..=8192).contains(&height);
        let path = dir.join(name);
        if !fits || relative_problem(name).is_some() || path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        image::GrayImage::new(width, height).save(&path)?;
    }
    Ok(())
}

/// Reads an input (and stores it when asked) against the project.
type Run = fn(&mut ImageProject, &Path, &mut Rng, bool) -> anyhow::Result<String>;

/// An image importer: its seeds, how it reads an input, and a project per
/// folder of images its inputs are for.
pub struct ImageImporter {
    work: PathBuf,
    /// The images a file input is for; a dataset folder's are its template's.
    images: Option<PathBuf>,
    schema: LabelSchema,
    projects: Vec<(PathBuf, ImageProject)>,
    seeds: Vec<Seed>,
    run: Run,
}

impl ImageImporter {
    fn new(work: &Path, images: Option<PathBuf>, seeds: Vec<Seed>, run: Run) -> Self {
        ImageImporter {
            work: work.to_path_buf(),
            images,
            schema: LabelSchema::default(),
            projects: Vec::new(),
            seeds,
            run,
        }
    }

    fn with_schema(mut self, schema: LabelSchema) -> Self {
        self.schema = schema;
        self
    }
}

impl Importer for ImageImporter {
    fn seeds(&self) -> &[Seed] {
        &self.seeds
    }

    fn run(&mut self, input: Input) -> anyhow::Result<String> {
        let Some(images) = input.images.or(self.images.as_deref()) else {
            anyhow::bail!("no images for {}", input.path.display());
        };
        let at = match self.projects.iter().position(|(i, _)| i == images) {
            Some(at) => at,
            None => {
                let dir = self.work.join(format!("project-{}", self.projects.len()));
                let project = ImageProject::new(dir, images, self.schema.clone())?;
                self.projects.push((images.to_path_buf(), project));
                self.projects.len() - 1
            }
        };
        let project = &mut self.projects[at].1;
        (self.run)(project, input.path, input.rng, input.store)
    }

    fn reset(&mut self) -> anyhow::Result<()> {
        self.projects
            .iter_mut()
            .try_for_each(|(_, project)| project.reset())
    }
}

/// Copies fixture images to `work/images/<their folder's name>` (names in
/// label files may start with that folder): a project over them never
/// touches the repository's files.
fn copy_images(work: &Path, fixture_images: &Path) -> anyhow::Result<PathBuf> {
    let name = fixture_images.file_name().unwrap_or_default();
    let images = work.join("images").join(name);
    crate::workspace::remove_any(&images)?;
    copy_tree(fixture_images, &images)?;
    Ok(images)
}

pub fn coco(work: &Path) -> anyhow::Result<ImageImporter> {
    let (images, _, exported) = coco_project(work)?;
    let mut seeds = vec![
        json_seed("instances_export.json", &exported)?,
        json_seed("instances_2017.json", &coco_2017(&exported))?,
        json_seed("attributes_list.json", &attributes_as_list(&exported))?,
        json_seed("label_studio_coco.json", &coco_names(&exported, true))?,
        json_seed("supervision_coco.json", &coco_names(&exported, false))?,
    ];
    seeds.extend(fixture_coco_seeds(None)?);
    Ok(ImageImporter::new(work, Some(images), seeds, run_coco))
}

fn run_coco(
    project: &mut ImageProject,
    input: &Path,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<String> {
    let bytes = std::fs::read(input)?;
    let p = &project.project;
    let targets = lookup(p.items(), &p.image_root());
    let find = |name: &str| targets.find(name);
    let defs = &p.schema().attributes;
    let mut read = String::from("not parsed");
    if let Ok(file) = parse_coco(&bytes) {
        let plan = plan_import(&file, find);
        read = read_summary(plan.annotations.len(), plan.problems.len());
    }
    // The streaming path, in chunks that end anywhere.
    if let Ok(header) = parse_coco_header(&bytes) {
        let mut planner = ImportPlanner::new(&header, find).with_attribute_defs(defs);
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
    Ok(read)
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

/// A results file that names images and classes (`file_name`,
/// `category_name`), for a COCO file whose ids are not the project's.
fn results_by_name(file: &Value) -> Value {
    let name_of = |list: &str, key: &str, id: &Value| {
        file[list]
            .as_array()
            .into_iter()
            .flatten()
            .find(|entry| entry["id"] == *id)
            .map_or(Value::Null, |entry| entry[key].clone())
    };
    let records = file["annotations"].as_array().into_iter().flatten();
    Value::Array(
        records
            .enumerate()
            .map(|(i, a)| {
                json!({
                    "file_name": name_of("images", "file_name", &a["image_id"]),
                    "category_name": name_of("categories", "name", &a["category_id"]),
                    "bbox": a["bbox"],
                    "score": 0.05 + (i % 19) as f64 * 0.05,
                })
            })
            .collect(),
    )
}

pub fn coco_results(work: &Path) -> anyhow::Result<ImageImporter> {
    let (images, schema, exported) = coco_project(work)?;
    let mut seeds = vec![json_seed("results.json", &results(&exported))?];
    seeds.extend(fixture_coco_seeds(Some(results_by_name))?);
    // Predictions name the project's own classes.
    let importer = ImageImporter::new(work, Some(images), seeds, |project, input, rng, store| {
        read_and_store_predictions(project, input, PredictionFormat::CocoResults, rng, store)
    });
    Ok(importer.with_schema(schema))
}

fn read_and_store_predictions(
    project: &mut ImageProject,
    input: &Path,
    format: PredictionFormat,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<String> {
    let options: PredictionOptions = options(rng);
    let p = &project.project;
    let read = read_predictions(
        input,
        format,
        p.items(),
        &p.image_root(),
        p.schema(),
        options,
        &mut no_progress(),
    )?;
    let summary = read_summary(read.plan.proposals.len(), read.problems.len());
    if store {
        apply_predictions(&mut project.project, read, "fuzz", options)?;
        project.stored()?;
    }
    Ok(summary)
}

pub fn yolo(work: &Path) -> anyhow::Result<ImageImporter> {
    let mut seeds = Seed::all_in(&template(work, "yolo/ultralytics", "ultralytics")?)?;
    seeds.extend(Seed::all_in(&template(work, "yolo/darknet", "darknet")?)?);
    for layout in ["seg", "obb", "pose"] {
        let fixture = format!("yolo_shapes/{layout}");
        seeds.extend(Seed::all_in(&template(work, &fixture, layout)?)?);
    }
    Ok(ImageImporter::new(work, None, seeds, run_yolo))
}

/// DOTA: the Ultralytics OBB fixture's original DOTA files, in `labelTxt/`
/// beside their images.
pub fn dota(work: &Path) -> anyhow::Result<ImageImporter> {
    let to = work.join("templates").join("dota");
    crate::workspace::remove_any(&to)?;
    copy_tree(&fixture("yolo_shapes/obb/images/train"), &to.join("images"))?;
    copy_tree(
        &fixture("yolo_shapes/obb/labels/train_original"),
        &to.join("labelTxt"),
    )?;
    let seeds = Seed::all_in(&to)?;
    Ok(ImageImporter::new(work, None, seeds, run_dota))
}

fn run_dota(
    project: &mut ImageProject,
    input: &Path,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<String> {
    let p = &project.project;
    let plan = read_dota(
        input,
        p.items(),
        &p.image_root(),
        options(rng).outside,
        &mut no_progress(),
    )?;
    let read = read_summary(plan.shapes.len(), plan.problems.len());
    if store {
        apply_label_file_plan(&mut project.project, plan)?;
        project.stored()?;
    }
    Ok(read)
}

fn run_yolo(
    project: &mut ImageProject,
    input: &Path,
    rng: &mut Rng,
    store: bool,
) -> anyhow::Result<String> {
    if rng.chance(1, 8) {
        // Predictions read the same folder, with scores.
        return read_and_store_predictions(project, input, PredictionFormat::Yolo, rng, store);
    }
    let p = &project.project;
    let plan = read_yolo(
        input,
        p.items(),
        &p.image_root(),
        options(rng),
        &mut no_progress(),
    )?;
    let read = read_summary(plan.shapes.len(), plan.problems.len());
    if store {
        apply_yolo_plan(&mut project.project, plan)?;
        project.stored()?;
    }
    Ok(read)
}

/// VOC's and CVAT's read: the schema's classes are known ones.
type SchemaRead = fn(
    &Path,
    &[Item],
    &Path,
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
) -> anyhow::Result<String> {
    let p = &project.project;
    let plan = read(
        input,
        p.items(),
        &p.image_root(),
        p.schema(),
        box_options(rng),
        &mut no_progress(),
    )?;
    store_box_labels(project, plan, rng, store)
}

pub fn voc(work: &Path) -> anyhow::Result<ImageImporter> {
    let mut seeds = Seed::all_in(&template(work, "voc/detection", "detection")?)?;
    // labelImg's layout: each XML beside its image.
    seeds.extend(Seed::all_in(&template(
        work,
        "voc/labelimg/photos",
        "labelimg",
    )?)?);
    let importer = ImageImporter::new(work, None, seeds, |project, input, rng, store| {
        read_with_schema(voc::read_voc, project, input, rng, store)
    });
    Ok(importer.with_schema(LabelSchema::with_classes(&["car"])))
}

pub fn cvat(work: &Path) -> anyhow::Result<ImageImporter> {
    let dir = fixture("cvat/dataset");
    let images = copy_images(work, &dir.join("images"))?;
    let mut seeds = files(&dir, &["annotations.xml", "annotations_datumaro.xml"])?;
    // datumaro's layout: a folder with one XML per subset.
    seeds.extend(Seed::all_in(&template(work, "cvat/subsets", "subsets")?)?);
    // Every shape CVAT writes, over images of their own.
    for (fixture_rel, name) in [
        ("cvat/shapes", "cvat-shapes"),
        ("cvat/skeleton", "skeleton"),
    ] {
        let to = template(work, fixture_rel, name)?;
        seeds.push(Seed {
            images: Some(to.join("images")),
            ..Seed::read("annotations.xml", &to.join("annotations.xml"))?
        });
    }
    Ok(ImageImporter::new(
        work,
        Some(images),
        seeds,
        |project, input, rng, store| read_with_schema(cvat::read_cvat, project, input, rng, store),
    ))
}

pub fn labelme(work: &Path) -> anyhow::Result<ImageImporter> {
    let mut seeds = Seed::all_in(&template(work, "labelme/dataset", "labelme")?)?;
    seeds.extend(Seed::all_in(&template(
        work,
        "labelme/shapes",
        "labelme-shapes",
    )?)?);
    Ok(ImageImporter::new(
        work,
        None,
        seeds,
        |project, input, rng, store| {
            let p = &project.project;
            let outside = options(rng).outside;
            let plan = labelme::read_labelme(
                input,
                p.items(),
                &p.image_root(),
                outside,
                &mut no_progress(),
            )?;
            store_box_labels(project, plan, rng, store)
        },
    ))
}

pub fn label_studio(work: &Path) -> anyhow::Result<ImageImporter> {
    let dir = fixture("label_studio");
    let images = copy_images(work, &fixture("labelme/dataset"))?;
    let seeds = files(
        &dir,
        &[
            "tasks.json",
            "converter_tasks.json",
            "ls_shapes.json",
            "ls_shapes.through_label_studio.json",
            "converter_from_coco.json",
            "brush_rle_pack.json",
        ],
    )?;
    Ok(ImageImporter::new(
        work,
        Some(images),
        seeds,
        |project, input, rng, store| {
            let p = &project.project;
            let outside = options(rng).outside;
            let plan = label_studio_images::read_label_studio_images(
                input,
                p.items(),
                &p.image_root(),
                p.schema(),
                outside,
            )?;
            store_box_labels(project, plan, rng, store)
        },
    ))
}

fn files(dir: &Path, names: &[&str]) -> anyhow::Result<Vec<Seed>> {
    names.iter().map(|f| Seed::read(f, &dir.join(f))).collect()
}
