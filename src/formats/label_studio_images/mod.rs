//! Label Studio JSON for image projects, both ways: a list of tasks, each with
//! `data.image` and `annotations[].result[]`. Regions are in percent of
//! `original_width` × `original_height` (the image as the browser shows it):
//! `rectanglelabels` (`x, y, width, height`, turned `rotation` degrees clockwise
//! about its top-left corner `x, y`, as the frontend's `RectRegion` and
//! `rotateBboxCoords` do), `polygonlabels` (`points`; `closed: false` is a
//! polygon left unfinished, a polyline here), `ellipselabels` (centre, radii,
//! `rotation` about the centre; a polygon here), `keypointlabels` (one point per
//! result, its label the point's name; `parentID` links points to the region
//! they belong to) and `brushlabels` (`format: "rle"`, [`brush`]); the unlabelled
//! tools (`rectangle`, `polygon`, …) take their label from a `labels` result of
//! the same `id`. Per-region `choices`, `textarea`, `number` and `rating`
//! results sharing a region's `id` are its attributes, named by `from_name`;
//! other `choices` are image labels.
//!
//! [`parse_image_tasks`] reads the file (each task or result it cannot take is
//! a problem, the rest is kept); [`keypoint_classes`] and [`task_annotations`]
//! turn a task's regions into shapes in pixels, grouped by `parentID`;
//! [`task_json`] writes one task and [`label_config`] the labelling config
//! that reads them. No I/O.

mod brush;
mod config;
mod objects;
mod read;
#[cfg(test)]
mod tests;
mod write;

pub use brush::{BrushMask, decode_brush, encode_brush};
pub use config::label_config;
pub use objects::{KeypointClasses, LsAnnotation, keypoint_classes, task_annotations};
pub use write::{LsShapeOut, LsTaskNotes, task_json};

use crate::formats::json_fields::{parse_json_allowing_nan, text};
use crate::model::{AttributeDef, Attributes, BBox};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LsProblem {
    /// `task T` or `task T, annotation A, result R` (0-based).
    pub at: String,
    pub message: String,
}

/// A region's geometry as the file gives it, in percent of the image.
#[derive(Clone, Debug, PartialEq)]
pub enum LsGeometry {
    /// `[x, y, width, height]`, turned `rotation` degrees clockwise about `(x, y)`.
    Rect { percent: [f64; 4], rotation: f64 },
    /// `[x, y]` points; not `closed`: a polygon left unfinished.
    Polygon { points: Vec<[f64; 2]>, closed: bool },
    /// Centre, radii (of the width and of the height), turned `rotation`
    /// degrees clockwise about the centre.
    Ellipse {
        centre: [f64; 2],
        radii: [f64; 2],
        rotation: f64,
    },
    /// One keypoint; `hidden` as label-studio-converter's COCO import marks a
    /// point COCO says is not visible (or not labelled, then at `0, 0`).
    Point { at: [f64; 2], hidden: bool },
    /// A brush's RLE bytes ([`decode_brush`]).
    Brush(Vec<u8>),
}

/// One region result of a task.
#[derive(Clone, Debug, PartialEq)]
pub struct LsRegion {
    /// Where it was: `task T, annotation A, result R` (0-based).
    pub at: String,
    pub id: Option<String>,
    /// `parentID`: the region it belongs to.
    pub parent: Option<String>,
    /// The result's `type`.
    pub kind: String,
    pub label: String,
    pub geometry: LsGeometry,
    /// `original_width` × `original_height`, when given.
    pub original: Option<(u32, u32)>,
    /// From the per-region classifications sharing its `id`.
    pub attributes: Attributes,
}

/// One task: the image it names and what its (first) annotation holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LsTask {
    /// 0-based index in the file.
    pub index: usize,
    pub image: String,
    pub regions: Vec<LsRegion>,
    pub choices: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LsTasks {
    pub tasks: Vec<LsTask>,
    pub problems: Vec<LsProblem>,
    /// Results of other types, counted per type.
    pub skipped: BTreeMap<String, usize>,
    /// The attributes the per-region classifications define, in the order
    /// first seen ([`read`]'s `define`).
    pub attribute_defs: Vec<AttributeDef>,
}

/// Parses a Label Studio export (a list of tasks, or one task). Fails only
/// when the file as a whole is unusable; a bare `NaN` fails only its result.
pub fn parse_image_tasks(bytes: &[u8]) -> Result<LsTasks, String> {
    let doc = parse_json_allowing_nan(bytes)?;
    let tasks = match &doc {
        Value::Array(tasks) => tasks.as_slice(),
        Value::Object(_) => std::slice::from_ref(&doc),
        _ => return Err("not a Label Studio export: expected a list of tasks".into()),
    };
    let mut out = LsTasks::default();
    for (index, task) in tasks.iter().enumerate() {
        let at = format!("task {index}");
        match read_task(index, task, &mut out) {
            Ok(task) => out.tasks.push(task),
            Err(message) => out.problems.push(LsProblem { at, message }),
        }
    }
    Ok(out)
}

fn read_task(index: usize, task: &Value, out: &mut LsTasks) -> Result<LsTask, String> {
    let data = task
        .get("data")
        .filter(|d| d.is_object())
        .ok_or("the task has no `data` object")?;
    let image = text(data, "image").map_err(|e| format!("data.{e}"))?;
    let annotations: Vec<&Value> = match task.get("annotations") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .filter(|a| a.get("was_cancelled") != Some(&Value::Bool(true)))
            .collect(),
        Some(_) => return Err("`annotations` is not a list".into()),
    };
    let mut read = LsTask {
        index,
        image: image.to_string(),
        ..Default::default()
    };
    let Some(annotation) = annotations.first() else {
        return Ok(read);
    };
    if annotations.len() > 1 {
        out.problems.push(LsProblem {
            at: format!("task {index}"),
            message: format!(
                "{} annotations; only the first was imported",
                annotations.len()
            ),
        });
    }
    let results = match annotation.get("result") {
        Some(Value::Array(results)) => results.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err("annotation 0: `result` is not a list".into()),
    };
    let at = |r: usize| format!("task {index}, annotation 0, result {r}");
    read::read_results(results, at, &mut read, out);
    Ok(read)
}

/// `[x, y, width, height]` in percent of a `width` × `height` image → pixel corners.
pub fn percent_to_bbox(p: [f64; 4], width: u32, height: u32) -> BBox {
    let (w, h) = (f64::from(width), f64::from(height));
    let (x0, y0) = (p[0] / 100.0 * w, p[1] / 100.0 * h);
    let (x1, y1) = ((p[0] + p[2]) / 100.0 * w, (p[1] + p[3]) / 100.0 * h);
    BBox::from_corners([x0 as f32, y0 as f32], [x1 as f32, y1 as f32])
}

/// Pixel corners → `[x, y, width, height]` in percent of a `width` × `height` image.
pub fn bbox_to_percent(b: &BBox, width: u32, height: u32) -> [f64; 4] {
    let (w, h) = (f64::from(width), f64::from(height));
    [
        f64::from(b.min_x) / w * 100.0,
        f64::from(b.min_y) / h * 100.0,
        f64::from(b.width()) / w * 100.0,
        f64::from(b.height()) / h * 100.0,
    ]
}
