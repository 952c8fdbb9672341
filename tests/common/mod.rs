//! Fixtures shared by the integration tests: small real images and projects.
#![allow(dead_code)]

pub mod cli;
pub mod gui;
pub mod models;

use shugu::jobs::scan::BackgroundScan;
use shugu::model::LabelSchema;
use shugu::project::Project;
use std::path::{Path, PathBuf};

/// Writes a `w`×`h` RGB test image (a gradient), in the format of the extension.
pub fn write_image(path: &Path, w: u32, h: u32) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    img.save(path).unwrap();
}

/// A folder of images and a project over it, with classes and image labels.
pub struct Fixture {
    pub root: tempfile::TempDir,
    pub images: PathBuf,
    pub project: PathBuf,
}

/// A project created at `dir` over the folder `images`, scanned.
pub fn scanned_project(dir: &Path, images: &Path, schema: LabelSchema) -> Project {
    let mut project = Project::create(dir, "test", images, schema).unwrap();
    BackgroundScan::start(project.image_root())
        .finish_into(&mut project, |_| {})
        .unwrap();
    project
}

pub fn image_project(
    files: &[(&str, u32, u32)],
    classes: &[&str],
    labels: &[&str],
    multi: bool,
) -> Fixture {
    let root = tempfile::tempdir().unwrap();
    let images = root.path().join("images");
    for (name, w, h) in files {
        write_image(&images.join(name), *w, *h);
    }
    let project_dir = root.path().join("project");
    let mut schema = LabelSchema::with_classes(classes);
    for l in labels {
        schema.add_image_label(l);
    }
    if multi {
        schema.image_label_mode = shugu::model::ImageLabelMode::Multi;
    }
    scanned_project(&project_dir, &images, schema);
    Fixture {
        images,
        project: project_dir,
        root,
    }
}

/// The images `tests/fixtures/coco/instances_segm.json` names, with their
/// sizes.
pub const COCO_SEGM_IMAGES: [(&str, u32, u32); 3] = [
    ("000000000139.jpg", 640, 426),
    ("000000000285.jpg", 586, 640),
    ("000000000632.jpg", 640, 483),
];

/// A text project at `dir` with `schema` and one text, `text` (record `r1`
/// of `r.jsonl`).
pub fn one_text_project(dir: &Path, schema: LabelSchema, text: &str) {
    let mut project = Project::create_text(dir, "reviews", schema).unwrap();
    project
        .add_text_items(&[shugu::project::NewTextItem {
            rel_path: "r.jsonl:1".into(),
            doc: shugu::model::TextDoc {
                ext_id: Some("r1".into()),
                text: text.into(),
                meta: None,
            },
        }])
        .unwrap();
}

/// Three 40×30 images `a.jpg`, `b.jpg`, `c.jpg` and a project over them with
/// one class, `car`.
pub fn three_images() -> Fixture {
    image_project(
        &[("a.jpg", 40, 30), ("b.jpg", 40, 30), ("c.jpg", 40, 30)],
        &["car"],
        &[],
        false,
    )
}

/// A project's boxes as (image path, class name) → corners, each list sorted:
/// what two projects must agree on after a format round trip, whatever the ids.
pub type BoxesByImageAndClass = std::collections::BTreeMap<(String, String), Vec<[f32; 4]>>;

/// Each labelled item's image labels by name, sorted, by path.
pub fn image_label_names(p: &Project) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut labels = std::collections::BTreeMap::new();
    for (item, ids) in p.all_image_labels().unwrap() {
        let mut names: Vec<String> = ids
            .iter()
            .map(|l| p.schema().label(*l).unwrap().name.clone())
            .collect();
        names.sort();
        if !names.is_empty() {
            labels.insert(p.item(item).unwrap().rel_path.clone(), names);
        }
    }
    labels
}

pub fn boxes_by_image_and_class(p: &Project) -> BoxesByImageAndClass {
    boxes_with_attributes(p)
        .into_iter()
        .map(|(key, list)| (key, list.into_iter().map(|(corners, _)| corners).collect()))
        .collect()
}

/// As [`BoxesByImageAndClass`], each box with its attributes.
pub type BoxesWithAttributes =
    std::collections::BTreeMap<(String, String), Vec<([f32; 4], shugu::model::Attributes)>>;

pub fn boxes_with_attributes(p: &Project) -> BoxesWithAttributes {
    let mut boxes = BoxesWithAttributes::new();
    for b in p.all_annotations().unwrap() {
        let item = p.item(b.item).unwrap().rel_path.clone();
        let class = p.schema().class(b.class).unwrap().name.clone();
        let r = b.bounds();
        boxes
            .entry((item, class))
            .or_default()
            .push(([r.min_x, r.min_y, r.max_x, r.max_y], b.attributes));
    }
    for list in boxes.values_mut() {
        list.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    }
    boxes
}
